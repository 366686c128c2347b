//! Reading and writing the date formats the scanner reports as DATE_TIME,
//! keeping the input's own style so a changed date reads like the original.
//!
//! Recognized (month names in English, German, French or Spanish in any
//! case, an optional leading English weekday, an optional trailing time that
//! is kept verbatim):
//!
//! | style | examples |
//! |---|---|
//! | ISO / year first | `2019-06-30`, `2019/6/30`, `2019.06.30`, `2019-06-30T14:22:00Z` |
//! | US month first | `03/13/2024`, `3-13-24` |
//! | European day first | `13/10/2024`, `10.07.2020` |
//! | month name first | `October 22, 2025`, `Oct 22 2025`, `Oct. 22, 2025`, `October 22nd, 2025` |
//! | day first, month name | `22 June 2016`, `22nd of June, 2016`, `22-Oct-2025`, `22/Oct/2025:10:00:00 +0000` |
//! | German, French, Spanish | `22. März 2021`, `3. Okt. 2021`, `1 août 2021`, `22 de marzo de 2021` |
//! | month and year | `October 2025` |
//!
//! With `/` or `-` and both leading fields at most 12 the order is
//! ambiguous: month first unless `day_first` is set; `.` means day first.
//! Two-digit years pivot like C's `%y` (69-99 -> 1900s, 00-68 -> 2000s).

use jiff::Span;
use jiff::civil::Date;

/// Month names by language (English, German, French, Spanish), lowercase.
const MONTHS: [[&str; 12]; 4] = [
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ],
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
];

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// How precise a parsed date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Precision {
    /// Year and month only (`October 2025`).
    Month,
    /// A calendar day.
    Day,
}

/// A date read from text, with everything needed to write another date the
/// same way.
#[derive(Debug, Clone)]
pub(crate) struct ParsedDate<'a> {
    /// The calendar day (day 1 for month precision).
    pub date: Date,
    pub precision: Precision,
    style: Style,
    /// Leading weekday, rewritten for the new date.
    weekday: Option<WeekdayStyle>,
    /// Leading whitespace, kept.
    lead: &'a str,
    /// Trailing time of day and whitespace, kept by `render_day`.
    tail: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Order {
    Ymd,
    Mdy,
    Dmy,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Case {
    Title,
    Upper,
    Lower,
}

#[derive(Debug, Clone, Copy)]
struct NameStyle {
    case: Case,
    abbr: bool,
    dot: bool,
    /// Index into [`MONTHS`] (0 for weekdays, always English).
    lang: usize,
}

/// How a leading weekday was written.
#[derive(Debug, Clone, Copy)]
struct WeekdayStyle {
    style: NameStyle,
    /// Text between the weekday and the date.
    sep: &'static str,
}

#[derive(Debug, Clone, Copy)]
enum Style {
    Numeric {
        order: Order,
        sep: char,
        pad_month: bool,
        pad_day: bool,
        two_digit_year: bool,
    },
    /// `October 22, 2025` and friends.
    MonthFirst {
        month: NameStyle,
        pad_day: bool,
        ordinal: Option<Case>,
        comma: bool,
    },
    /// `22 October 2025`, `22nd of October, 2025`, `22-Oct-2025`,
    /// `22. März 2021`, `22 de marzo de 2021`.
    DayFirst {
        month: NameStyle,
        pad_day: bool,
        ordinal: Option<Case>,
        /// `.` after the day (German).
        day_dot: bool,
        /// `of ` (English) or `de ` (Spanish) before the month.
        of: Option<&'static str>,
        /// `de ` before the year (Spanish).
        de_year: bool,
        comma: bool,
        /// ' ', '-' or '/'.
        sep: char,
    },
    /// `October 2025`.
    MonthYear { month: NameStyle, comma: bool },
}

/// Options for reading ambiguous dates.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ParseOptions {
    /// Read `03/04/2025` as 3 April rather than 4 March.
    pub day_first: bool,
}

/// A tiny cursor over the value.
struct Cur<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cur<'a> {
    fn rest(&self) -> &'a str {
        self.s.get(self.i..).unwrap_or("")
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += c.len_utf8();
            true
        } else {
            false
        }
    }
    fn spaces(&mut self) -> usize {
        let n = self.rest().len() - self.rest().trim_start_matches(' ').len();
        self.i += n;
        n
    }
    /// A run of ASCII digits, at most 4 long; returns (value, length).
    fn number(&mut self) -> Option<(u32, usize)> {
        let r = self.rest();
        let len = r.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 || len > 4 {
            return None;
        }
        let v = r.get(..len)?.parse().ok()?;
        self.i += len;
        Some((v, len))
    }
    /// A run of letters.
    fn word(&mut self) -> Option<&'a str> {
        let r = self.rest();
        let len: usize = r
            .chars()
            .take_while(|c| c.is_alphabetic())
            .map(char::len_utf8)
            .sum();
        if len == 0 {
            return None;
        }
        self.i += len;
        r.get(..len)
    }
}

fn case_of(word: &str) -> Case {
    if word.chars().all(char::is_uppercase) && word.chars().count() > 1 {
        Case::Upper
    } else if word.chars().all(char::is_lowercase) {
        Case::Lower
    } else {
        Case::Title
    }
}

/// Month number (1-12), whether abbreviated, and language of a month name:
/// full names in any of the four languages, three-letter abbreviations of
/// the English and German names (`Oct`, `Okt`, `Mär`) and `Sept`.
fn month_word(word: &str) -> Option<(u8, bool, usize)> {
    let lower = word.to_lowercase();
    for (lang, names) in MONTHS.iter().enumerate() {
        if let Some(i) = names.iter().position(|n| *n == lower) {
            return Some((i as u8 + 1, false, lang));
        }
    }
    if lower == "sept" {
        return Some((9, true, 0));
    }
    if lower.chars().count() == 3 {
        for (lang, names) in MONTHS.iter().enumerate().take(2) {
            if let Some(i) = names.iter().position(|n| n.starts_with(&lower)) {
                return Some((i as u8 + 1, true, lang));
            }
        }
    }
    None
}

fn weekday_word(word: &str) -> Option<bool> {
    let lower = word.to_ascii_lowercase();
    WEEKDAYS.iter().find_map(|name| {
        if lower == *name {
            Some(false)
        } else if lower.len() == 3 && name.starts_with(&lower) {
            Some(true)
        } else {
            None
        }
    })
}

/// `st`, `nd`, `rd`, `th` after a day number; returns its case.
fn ordinal_suffix(cur: &mut Cur<'_>) -> Option<Case> {
    let r = cur.rest();
    let two = r.get(..2)?;
    let lower = two.to_ascii_lowercase();
    if matches!(lower.as_str(), "st" | "nd" | "rd" | "th")
        && !r
            .get(2..)
            .and_then(|t| t.chars().next())
            .is_some_and(|c| c.is_ascii_alphabetic())
    {
        cur.i += 2;
        Some(case_of(two))
    } else {
        None
    }
}

fn full_year(v: u32, len: usize) -> Option<i32> {
    match len {
        4 => i32::try_from(v).ok(),
        2 => Some(if v >= 69 {
            1900 + v as i32
        } else {
            2000 + v as i32
        }),
        _ => None,
    }
}

fn make_date(year: i32, month: u32, day: u32) -> Option<Date> {
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

/// What may follow a date: nothing, or a time of day (kept verbatim).
fn tail_ok(rest: &str) -> bool {
    let t = rest.trim_end();
    if t.is_empty() {
        return true;
    }
    let mut c = t.chars();
    matches!(c.next(), Some(' ' | 'T' | ':'))
        && c.next().is_some_and(|c| c.is_ascii_digit())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" :.,+-/".contains(&b))
}

/// Reads a date. `None` when the value is not one of the recognized formats
/// or not a real calendar date.
pub(crate) fn parse(value: &str, opts: ParseOptions) -> Option<ParsedDate<'_>> {
    let trimmed = value.trim_start();
    let lead = value.get(..value.len() - trimmed.len())?;
    let mut cur = Cur {
        s: value,
        i: lead.len(),
    };

    // Optional weekday.
    let save = cur.i;
    let mut weekday = None;
    if let Some(w) = cur.word() {
        if let Some(abbr) = weekday_word(w) {
            let dot = abbr && cur.eat('.');
            let comma = cur.eat(',');
            if cur.spaces() > 0 || comma {
                weekday = Some((
                    WeekdayStyle {
                        style: NameStyle {
                            case: case_of(w),
                            abbr,
                            dot,
                            lang: 0,
                        },
                        sep: if comma { ", " } else { " " },
                    },
                    w,
                ));
            } else {
                cur.i = save;
            }
        } else {
            cur.i = save;
        }
    }
    let body = cur.i;
    let parsed = parse_numeric(&mut cur, opts)
        .or_else(|| {
            cur.i = body;
            parse_month_first(&mut cur)
        })
        .or_else(|| {
            cur.i = body;
            parse_day_first(&mut cur)
        })?;
    let (date, precision, style) = parsed;
    let tail = cur.rest();
    if !tail_ok(tail) {
        return None;
    }
    if let Some((_, w)) = weekday {
        // A weekday that contradicts the date means we misread it.
        let lower = w.to_ascii_lowercase();
        let idx = WEEKDAYS
            .iter()
            .position(|n| n.starts_with(lower.get(..3).unwrap_or("")))?;
        if precision != Precision::Day || idx != date.weekday().to_monday_zero_offset() as usize {
            return None;
        }
    }
    Some(ParsedDate {
        date,
        precision,
        style,
        weekday: weekday.map(|w| w.0),
        lead,
        tail,
    })
}

type Parsed = (Date, Precision, Style);

fn parse_numeric(cur: &mut Cur<'_>, opts: ParseOptions) -> Option<Parsed> {
    let (a, alen) = cur.number()?;
    let sep = cur.peek().filter(|c| matches!(c, '-' | '/' | '.'))?;
    cur.eat(sep);
    let (b, blen) = cur.number()?;
    if !cur.eat(sep) {
        return None;
    }
    let (c, clen) = cur.number()?;
    if cur.peek().is_some_and(|ch| ch.is_ascii_digit()) {
        return None;
    }
    if alen == 4 {
        if blen > 2 || clen > 2 {
            return None;
        }
        let date = make_date(i32::try_from(a).ok()?, b, c)?;
        let style = Style::Numeric {
            order: Order::Ymd,
            sep,
            pad_month: blen == 2,
            pad_day: clen == 2,
            two_digit_year: false,
        };
        return Some((date, Precision::Day, style));
    }
    if alen > 2 || blen > 2 {
        return None;
    }
    let year = full_year(c, clen)?;
    let mdy = make_date(year, a, b);
    let dmy = make_date(year, b, a);
    let prefer_dmy = sep == '.' || opts.day_first;
    let (date, order) = match (mdy, dmy) {
        (Some(m), Some(d)) => {
            if prefer_dmy {
                (d, Order::Dmy)
            } else {
                (m, Order::Mdy)
            }
        }
        (Some(m), None) => (m, Order::Mdy),
        (None, Some(d)) => (d, Order::Dmy),
        (None, None) => return None,
    };
    let (mlen, dlen) = if order == Order::Mdy {
        (alen, blen)
    } else {
        (blen, alen)
    };
    let style = Style::Numeric {
        order,
        sep,
        pad_month: mlen == 2,
        pad_day: dlen == 2,
        two_digit_year: clen == 2,
    };
    Some((date, Precision::Day, style))
}

/// Month word with optional `.` after an abbreviation.
fn month_name(cur: &mut Cur<'_>) -> Option<(u32, NameStyle)> {
    let w = cur.word()?;
    let (m, abbr, lang) = month_word(w)?;
    let dot = abbr && cur.eat('.');
    Some((
        u32::from(m),
        NameStyle {
            case: case_of(w),
            abbr,
            dot,
            lang,
        },
    ))
}

fn year4(cur: &mut Cur<'_>) -> Option<i32> {
    let (y, len) = cur.number()?;
    if len != 4 || cur.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    i32::try_from(y).ok()
}

fn parse_month_first(cur: &mut Cur<'_>) -> Option<Parsed> {
    let (month, style) = month_name(cur)?;
    let comma_after_month = cur.eat(',');
    if cur.spaces() == 0 {
        return None;
    }
    let save = cur.i;
    // Month and year?
    if let Some(year) = year4(cur) {
        let date = make_date(year, month, 1)?;
        return Some((
            date,
            Precision::Month,
            Style::MonthYear {
                month: style,
                comma: comma_after_month,
            },
        ));
    }
    cur.i = save;
    if comma_after_month {
        return None;
    }
    let (day, dlen) = cur.number()?;
    if dlen > 2 {
        return None;
    }
    let ordinal = ordinal_suffix(cur);
    let comma = cur.eat(',');
    if cur.spaces() == 0 {
        return None;
    }
    let year = year4(cur)?;
    let date = make_date(year, month, day)?;
    Some((
        date,
        Precision::Day,
        Style::MonthFirst {
            month: style,
            pad_day: dlen == 2 && day < 10,
            ordinal,
            comma,
        },
    ))
}

fn parse_day_first(cur: &mut Cur<'_>) -> Option<Parsed> {
    let (day, dlen) = cur.number()?;
    if dlen > 2 {
        return None;
    }
    let ordinal = ordinal_suffix(cur);
    // `22. März 2021`
    let day_dot = ordinal.is_none() && cur.rest().starts_with(". ") && cur.eat('.');
    let sep = match cur.peek() {
        Some(c @ ('-' | '/')) if ordinal.is_none() && !day_dot => {
            cur.eat(c);
            c
        }
        _ => {
            if cur.spaces() == 0 {
                return None;
            }
            ' '
        }
    };
    // `of` (English) or `de` (Spanish) before the month
    let save = cur.i;
    let of = if sep == ' ' {
        cur.word()
            .and_then(|w| match w {
                "of" | "OF" | "Of" => Some("of "),
                "de" | "DE" | "De" => Some("de "),
                _ => None,
            })
            .filter(|_| cur.spaces() > 0)
    } else {
        None
    };
    if of.is_none() {
        cur.i = save;
    }
    let (month, style) = month_name(cur)?;
    let comma = sep == ' ' && cur.eat(',');
    let mut de_year = false;
    if sep == ' ' {
        if cur.spaces() == 0 {
            return None;
        }
        let save = cur.i;
        de_year = cur.word().is_some_and(|w| w.eq_ignore_ascii_case("de")) && cur.spaces() > 0;
        if !de_year {
            cur.i = save;
        }
    } else if !cur.eat(sep) {
        return None;
    }
    let year = year4(cur)?;
    let date = make_date(year, month, day)?;
    let style = Style::DayFirst {
        month: style,
        pad_day: dlen == 2 && day < 10,
        ordinal,
        day_dot,
        of,
        de_year,
        comma,
        sep,
    };
    Some((date, Precision::Day, style))
}

fn write_name(out: &mut String, name: &str, st: NameStyle) {
    let text = if st.abbr {
        name.char_indices()
            .nth(3)
            .and_then(|(i, _)| name.get(..i))
            .unwrap_or(name)
    } else {
        name
    };
    match st.case {
        Case::Lower => out.push_str(text),
        Case::Upper => out.push_str(&text.to_uppercase()),
        Case::Title => {
            let mut cs = text.chars();
            if let Some(c) = cs.next() {
                out.extend(c.to_uppercase());
                out.push_str(cs.as_str());
            }
        }
    }
    if st.dot {
        out.push('.');
    }
}

/// Writes month `month` (1-12) in the style and language of `st`.
fn month_text(out: &mut String, month: i8, st: NameStyle) {
    let names = MONTHS.get(st.lang).unwrap_or(&MONTHS[0]);
    let i = usize::try_from(month - 1).unwrap_or(0).min(11);
    write_name(out, names[i], st);
}

fn ordinal_text(out: &mut String, day: u8, case: Case) {
    let s = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    out.push_str(&if case == Case::Upper {
        s.to_ascii_uppercase()
    } else {
        s.to_string()
    });
}

fn push_num(out: &mut String, v: u32, pad: bool) {
    use std::fmt::Write;
    if pad {
        let _ = write!(out, "{v:02}");
    } else {
        let _ = write!(out, "{v}");
    }
}

fn push_year(out: &mut String, year: i32, two_digit: bool) {
    use std::fmt::Write;
    if two_digit {
        let _ = write!(out, "{:02}", year.rem_euclid(100));
    } else {
        let _ = write!(out, "{year:04}");
    }
}

impl ParsedDate<'_> {
    /// Writes `date` in this value's style, with the original leading
    /// whitespace, weekday (recomputed) and trailing time.
    pub(crate) fn render_day(&self, date: Date, out: &mut String) {
        out.push_str(self.lead);
        if let Some(w) = self.weekday {
            write_name(
                out,
                WEEKDAYS[date.weekday().to_monday_zero_offset() as usize],
                w.style,
            );
            out.push_str(w.sep);
        }
        let (y, m, d) = (
            i32::from(date.year()),
            date.month() as u32,
            date.day() as u32,
        );
        match self.style {
            Style::Numeric {
                order,
                sep,
                pad_month,
                pad_day,
                two_digit_year,
            } => {
                // 0 = year, 1 = month, 2 = day, in written order
                let seq = match order {
                    Order::Ymd => [0u8, 1, 2],
                    Order::Mdy => [1, 2, 0],
                    Order::Dmy => [2, 1, 0],
                };
                for (i, which) in seq.into_iter().enumerate() {
                    if i > 0 {
                        out.push(sep);
                    }
                    match which {
                        0 => push_year(out, y, two_digit_year),
                        1 => push_num(out, m, pad_month),
                        _ => push_num(out, d, pad_day),
                    }
                }
            }
            Style::MonthFirst {
                month,
                pad_day,
                ordinal,
                comma,
            } => {
                month_text(out, date.month(), month);
                out.push(' ');
                push_num(out, d, pad_day);
                if let Some(c) = ordinal {
                    ordinal_text(out, date.day() as u8, c);
                }
                if comma {
                    out.push(',');
                }
                out.push(' ');
                push_year(out, y, false);
            }
            Style::DayFirst {
                month,
                pad_day,
                ordinal,
                day_dot,
                of,
                de_year,
                comma,
                sep,
            } => {
                push_num(out, d, pad_day);
                if let Some(c) = ordinal {
                    ordinal_text(out, date.day() as u8, c);
                }
                if day_dot {
                    out.push('.');
                }
                out.push(sep);
                if let Some(of) = of {
                    out.push_str(of);
                }
                month_text(out, date.month(), month);
                if comma {
                    out.push(',');
                }
                out.push(sep);
                if de_year {
                    out.push_str("de ");
                }
                push_year(out, y, false);
            }
            Style::MonthYear { month, comma } => {
                month_text(out, date.month(), month);
                if comma {
                    out.push(',');
                }
                out.push(' ');
                push_year(out, y, false);
            }
        }
        out.push_str(self.tail);
    }

    /// Writes the year and month only, in this value's style (`2019-06`,
    /// `06/2019`, `07.2020`, `October 2025`).
    pub(crate) fn render_month(&self, out: &mut String) {
        out.push_str(self.lead);
        let (y, m) = (i32::from(self.date.year()), self.date.month() as u32);
        match self.style {
            Style::Numeric {
                order: Order::Ymd,
                sep,
                pad_month,
                ..
            } => {
                push_year(out, y, false);
                out.push(sep);
                push_num(out, m, pad_month);
            }
            Style::Numeric {
                sep,
                pad_month,
                two_digit_year,
                ..
            } => {
                push_num(out, m, pad_month);
                out.push(sep);
                push_year(out, y, two_digit_year);
            }
            Style::MonthFirst { month, .. } | Style::MonthYear { month, .. } => {
                month_text(out, self.date.month(), month);
                out.push(' ');
                push_year(out, y, false);
            }
            Style::DayFirst { month, de_year, .. } => {
                month_text(out, self.date.month(), month);
                out.push_str(if de_year { " de " } else { " " });
                push_year(out, y, false);
            }
        }
    }

    /// Writes the year only.
    pub(crate) fn render_year(&self, out: &mut String) {
        out.push_str(self.lead);
        let two = matches!(
            self.style,
            Style::Numeric {
                two_digit_year: true,
                ..
            }
        );
        push_year(out, i32::from(self.date.year()), two);
    }
}

/// Adds `days` to a date; `None` outside years -9999..=9999.
pub(crate) fn shift(date: Date, days: i64) -> Option<Date> {
    date.checked_add(Span::new().try_days(days).ok()?).ok()
}

/// The day number of a date (for interval checks in tests).
#[cfg(test)]
pub(crate) fn julian(d: Date) -> i32 {
    Date::new(1970, 1, 1).map_or(0, |epoch| d.since(epoch).map_or(0, |s| s.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ParsedDate<'_> {
        parse(s, ParseOptions::default()).unwrap_or_else(|| panic!("{s} did not parse"))
    }

    fn ymd(s: &str) -> (i32, u8, u8) {
        let d = p(s).date;
        (i32::from(d.year()), d.month() as u8, d.day() as u8)
    }

    #[test]
    fn reads_every_documented_style() {
        assert_eq!(ymd("2019-06-30"), (2019, 6, 30));
        assert_eq!(ymd("2019/6/3"), (2019, 6, 3));
        assert_eq!(ymd("2019-06-30T14:22:00Z"), (2019, 6, 30));
        assert_eq!(ymd("2023-01-05 10:11:12,123"), (2023, 1, 5));
        assert_eq!(ymd("03/13/2024"), (2024, 3, 13));
        assert_eq!(ymd("13/10/2024"), (2024, 10, 13));
        assert_eq!(ymd("10.07.2020"), (2020, 7, 10));
        assert_eq!(ymd("3-13-24"), (2024, 3, 13));
        assert_eq!(ymd("3/13/71"), (1971, 3, 13));
        assert_eq!(ymd("October 22, 2025"), (2025, 10, 22));
        assert_eq!(ymd("Oct 22 2025"), (2025, 10, 22));
        assert_eq!(ymd("Oct. 22, 2025"), (2025, 10, 22));
        assert_eq!(ymd("OCTOBER 22ND, 2025"), (2025, 10, 22));
        assert_eq!(ymd("Sept 1, 2020"), (2020, 9, 1));
        assert_eq!(ymd("22 June 2016"), (2016, 6, 22));
        assert_eq!(ymd("22nd of June, 2016"), (2016, 6, 22));
        assert_eq!(ymd("22-Oct-2025"), (2025, 10, 22));
        assert_eq!(ymd("12/Oct/2025:10:00:00 +0000"), (2025, 10, 12));
        assert_eq!(ymd("Wednesday, October 22, 2025"), (2025, 10, 22));
        assert_eq!(ymd("22. März 2021"), (2021, 3, 22));
        assert_eq!(ymd("3. Okt. 2021"), (2021, 10, 3));
        assert_eq!(ymd("22 de marzo de 2021"), (2021, 3, 22));
        assert_eq!(ymd("1 août 2021"), (2021, 8, 1));
        assert_eq!(ymd("22 MÄRZ 2021"), (2021, 3, 22));
        assert_eq!(p("October 2025").precision, Precision::Month);
    }

    #[test]
    fn ambiguous_order_follows_the_option() {
        assert_eq!(ymd("06/03/2015"), (2015, 6, 3));
        let d = parse("06/03/2015", ParseOptions { day_first: true })
            .unwrap()
            .date;
        assert_eq!((d.month(), d.day()), (3, 6));
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for s in [
            "",
            "2025",
            "4.18.2.1",
            "2019-02-30",
            "13/13/2024",
            "October 32, 2025",
            "Octobr 22, 2025",
            "2019-06-30abc",
            "2019-06-30 at noon",
            "Monday, October 22, 2025", // it was a Wednesday
            "1700000000",
            "22 Juneau 2016",
            "22. 2021",
            "22 de 2021",
            "ORD-2023-172804",
            "é",
        ] {
            assert!(parse(s, ParseOptions::default()).is_none(), "{s:?} parsed");
        }
    }

    fn roundtrip(s: &str) -> String {
        let pd = p(s);
        let mut out = String::new();
        pd.render_day(pd.date, &mut out);
        out
    }

    #[test]
    fn rendering_the_same_date_gives_the_input_back() {
        for s in [
            "2019-06-30",
            "2019/6/3",
            "2019-06-30T14:22:00Z",
            "03/13/2024",
            "13/10/2024",
            "10.07.2020",
            "3-13-24",
            "October 22, 2025",
            "Oct 22 2025",
            "Oct. 22, 2025",
            "OCTOBER 22ND, 2025",
            "22 June 2016",
            "22nd of June, 2016",
            "22-Oct-2025",
            "12/Oct/2025:10:00:00 +0000",
            "Wednesday, October 22, 2025",
            "  June 5, 2020 ",
            "05 June 2020",
            "22. März 2021",
            "3. Okt. 2021",
            "22 de marzo de 2021",
            "1 août 2021",
            "22 MÄRZ 2021",
            "14 décembre 2020",
        ] {
            assert_eq!(roundtrip(s), s);
        }
    }

    #[test]
    fn shifted_dates_keep_the_style() {
        let pd = p("Wednesday, October 22nd, 2025");
        let mut out = String::new();
        pd.render_day(shift(pd.date, 10).unwrap(), &mut out);
        assert_eq!(out, "Saturday, November 1st, 2025");
        let pd = p("03/13/2024");
        let mut out = String::new();
        pd.render_day(shift(pd.date, -13).unwrap(), &mut out);
        assert_eq!(out, "02/29/2024");
        assert_eq!(julian(shift(pd.date, 5).unwrap()) - julian(pd.date), 5);
        let pd = p("22. März 2021");
        let mut out = String::new();
        pd.render_day(shift(pd.date, 10).unwrap(), &mut out);
        assert_eq!(out, "1. April 2021");
        let pd = p("25 de julio de 2021");
        let mut out = String::new();
        pd.render_day(shift(pd.date, 10).unwrap(), &mut out);
        assert_eq!(out, "4 de agosto de 2021");
    }

    #[test]
    fn month_and_year_rendering() {
        let cases = [
            ("2019-06-30", "2019-06", "2019"),
            ("03/13/2024", "03/2024", "2024"),
            ("10.07.2020", "07.2020", "2020"),
            ("October 22, 2025", "October 2025", "2025"),
            ("22 Oct 2025", "Oct 2025", "2025"),
            ("3/13/71", "3/71", "71"),
            ("22. März 2021", "März 2021", "2021"),
            ("22 de marzo de 2021", "marzo de 2021", "2021"),
        ];
        for (input, month, year) in cases {
            let pd = p(input);
            let mut m = String::new();
            pd.render_month(&mut m);
            let mut y = String::new();
            pd.render_year(&mut y);
            assert_eq!((m.as_str(), y.as_str()), (month, year), "{input}");
        }
    }
}
