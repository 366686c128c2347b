//! DATE_TIME: calendar dates written out (ISO `2021-09-22`, `22/09/2021`,
//! `09/22/2021`, `22.09.2021`, `September 22, 2021`, `22 Sep 2021`,
//! `22. März 2021`, `22 de marzo de 2021`), checked for a real day of a
//! real month in 1900-2099.
//!
//! Left alone: log timestamps (a date followed by a time with seconds, or
//! `22/Mar/2024:08:12:08`), epoch seconds (bare numbers are never dates),
//! card expiry dates (`08/27`, `08/2027`: no day), and dotted versions
//! (`2024.3.22`: year first with dots).

use super::Cx;
use crate::lex::{Token, flag};
use crate::{Entity, Finding};

const ISO: f32 = 0.75;
const NUMERIC: f32 = 0.7;
const WORDS: f32 = 0.85;

/// Month names and abbreviations (English, German, French, Spanish).
fn month(w: &[u8]) -> Option<u8> {
    if w.len() < 3 || w.len() > 10 {
        return None;
    }
    let p = [
        w[0].to_ascii_lowercase(),
        w[1].to_ascii_lowercase(),
        w[2].to_ascii_lowercase(),
    ];
    if !matches!(
        &p,
        b"jan"
            | b"feb"
            | b"mar"
            | b"apr"
            | b"may"
            | b"jun"
            | b"jul"
            | b"aug"
            | b"sep"
            | b"oct"
            | b"nov"
            | b"dec"
            | b"ene"
            | b"abr"
            | b"ago"
            | b"dic"
            | b"okt"
            | b"dez"
            | b"avr"
            | b"mai"
            | b"jui"
            | b"ao\xc3"
            | b"d\xc3\xa9"
            | b"f\xc3\xa9"
            | b"m\xc3\xa4"
            | b"fev"
            | b"mae"
    ) {
        return None;
    }
    let mut buf = [0u8; 32];
    let l = super::lower(w, &mut buf)?;
    let m = match l {
        b"january" | b"jan" | b"januar" | b"janvier" | b"enero" | b"ene" => 1,
        b"february" | b"feb" | b"februar" | b"f\xc3\xa9vrier" | b"fevrier" | b"febrero" => 2,
        b"march" | b"mar" | b"m\xc3\xa4rz" | b"maerz" | b"mars" | b"marzo" => 3,
        b"april" | b"apr" | b"avril" | b"abril" | b"abr" => 4,
        b"may" | b"mai" | b"mayo" => 5,
        b"june" | b"jun" | b"juni" | b"juin" | b"junio" => 6,
        b"july" | b"jul" | b"juli" | b"juillet" | b"julio" => 7,
        b"august" | b"aug" | b"ao\xc3\xbbt" | b"aout" | b"agosto" | b"ago" => 8,
        b"september" | b"sep" | b"sept" | b"septembre" | b"septiembre" => 9,
        b"october" | b"oct" | b"oktober" | b"okt" | b"octobre" | b"octubre" => 10,
        b"november" | b"nov" | b"novembre" | b"noviembre" => 11,
        b"december" | b"dec" | b"dezember" | b"dez" | b"d\xc3\xa9cembre" | b"decembre"
        | b"diciembre" | b"dic" => 12,
        _ => return None,
    };
    Some(m)
}

fn num(cx: &Cx<'_>, t: &Token) -> Option<u32> {
    if !t.is(flag::DIGITS) || t.len() > 4 {
        return None;
    }
    Some(
        cx.b(t)
            .iter()
            .fold(0u32, |a, &b| a * 10 + u32::from(b - b'0')),
    )
}

fn days_in(m: u32, y: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

fn valid(y: u32, m: u32, d: u32) -> bool {
    (1900..=2099).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in(m, y)
}

/// Whether a time with seconds (`08:12:08`, `T19:41:53`) or a `:` starts
/// right after `end`: the date is a timestamp.
fn timestamp_follows(bytes: &[u8], end: usize) -> bool {
    let a = bytes.get(end..).unwrap_or(&[]);
    if a.first() == Some(&b':') && a.get(1).is_some_and(u8::is_ascii_digit) {
        return true;
    }
    let rest = match a.first() {
        Some(b' ' | b'T' | b't' | b'_') => &a[1..],
        _ => return false,
    };
    // HH:MM:SS
    rest.len() >= 8
        && rest[0].is_ascii_digit()
        && rest[1].is_ascii_digit()
        && rest[2] == b':'
        && rest[3].is_ascii_digit()
        && rest[4].is_ascii_digit()
        && rest[5] == b':'
        && rest[6].is_ascii_digit()
        && rest[7].is_ascii_digit()
}

fn glued_before(cx: &Cx<'_>, pos: usize) -> bool {
    match cx.byte_before(pos) {
        Some(b) if b.is_ascii_alphanumeric() => true,
        Some(b'-' | b'/' | b'.' | b':') => {
            pos >= 2 && cx.bytes.get(pos - 2).is_some_and(u8::is_ascii_alphanumeric)
        }
        _ => false,
    }
}

fn glued_after(cx: &Cx<'_>, end: usize) -> bool {
    let a = cx.bytes.get(end..).unwrap_or(&[]);
    a.first().is_some_and(|b| b.is_ascii_alphanumeric())
        || (matches!(a.first(), Some(b'-' | b'/' | b'.'))
            && a.get(1).is_some_and(u8::is_ascii_digit))
}

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let toks = cx.toks;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if t.is(flag::CLAIMED) {
            i += 1;
            continue;
        }
        let next = if t.is(flag::DIGITS) {
            numeric(cx, i, out).or_else(|| day_month_year(cx, i, out))
        } else if t.is(flag::ALPHA)
            && (t.is(flag::UPPER_FIRST) || t.len() > 3)
            && t.len() <= 10
            && year_at(toks, i + 2)
        {
            month_day_year(cx, i, out)
        } else {
            None
        };
        i = next.unwrap_or(i + 1);
    }
}

/// Whether token `k` can be a year: four digits. Checked before a word is
/// read as a month name, which most words are not.
#[inline]
fn year_at(toks: &[Token], k: usize) -> bool {
    toks.get(k)
        .is_some_and(|t| t.is(flag::DIGITS) && t.len() == 4)
}

/// `Y-M-D`, `Y/M/D`, `D/M/Y`, `M/D/Y`, `D.M.Y`, `D-M-Y`.
fn numeric(cx: &Cx<'_>, i: usize, out: &mut Vec<Finding>) -> Option<usize> {
    let toks = cx.toks;
    let (a, b, c) = (toks.get(i)?, toks.get(i + 1)?, toks.get(i + 2)?);
    let sep = cx.gap_after(i);
    if sep.len() != 1 || cx.gap_after(i + 1) != sep || !matches!(sep[0], b'-' | b'/' | b'.') {
        return None;
    }
    let (x, y, z) = (num(cx, a)?, num(cx, b)?, num(cx, c)?);
    let (s, e) = (a.start, c.end);
    if glued_before(cx, s) || glued_after(cx, e) || timestamp_follows(cx.bytes, e) {
        return None;
    }
    let ok = if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        // Year first: dashes or slashes only (dots are versions).
        sep[0] != b'.' && valid(x, y, z)
    } else if a.len() <= 2 && b.len() <= 2 && c.len() == 4 {
        valid(z, y, x) || valid(z, x, y)
    } else {
        false
    };
    if !ok {
        return None;
    }
    let iso = a.len() == 4;
    let score = if iso { ISO } else { NUMERIC };
    cx.emit(out, Entity::DATE_TIME, s, e, score, "date", || {
        let p = if iso {
            "year-month-day"
        } else {
            "day/month/year or month/day/year"
        };
        (format!("{p}, a real calendar date"), None)
    });
    Some(i + 3)
}

/// `22 September 2021`, `22nd of Sep, 2021`, `22. März 2021`,
/// `22 de marzo de 2021`, `22-Sep-2021`.
fn day_month_year(cx: &Cx<'_>, i: usize, out: &mut Vec<Finding>) -> Option<usize> {
    let toks = cx.toks;
    let dt = toks.get(i)?;
    if dt.len() > 2 || glued_before(cx, dt.start) {
        return None;
    }
    let d = num(cx, dt)?;
    let mut k = i + 1;
    // Ordinal suffix glued to the day ("22nd") is part of the next token;
    // handle "22nd" as one alnum token instead.
    let mut tk = toks.get(k)?;
    let mut gap = cx.gap_after(i);
    if tk.is(flag::ALPHA) && matches!(cx.b(tk), b"of" | b"de" | b"del") {
        k += 1;
        gap = cx.gap_after(k - 1);
        tk = toks.get(k)?;
    }
    if !matches!(gap, b" " | b". " | b"-" | b"/" | b" of " | b"th " | b"-de-") && gap.len() > 2 {
        return None;
    }
    let m = month(cx.b(tk)).filter(|_| tk.is(flag::ALPHA))?;
    let mut k2 = k + 1;
    let mut yt = toks.get(k2)?;
    let g2 = cx.gap_after(k);
    if yt.is(flag::ALPHA) && matches!(cx.b(yt), b"de" | b"del") {
        k2 += 1;
        yt = toks.get(k2)?;
    } else if !matches!(g2, b" " | b", " | b"-" | b"/" | b". " | b"," | b".") {
        return None;
    }
    let y = num(cx, yt)?;
    if yt.len() != 4
        || !valid(y, u32::from(m), d)
        || glued_after(cx, yt.end)
        || timestamp_follows(cx.bytes, yt.end)
    {
        return None;
    }
    cx.emit(
        out,
        Entity::DATE_TIME,
        dt.start,
        yt.end,
        WORDS,
        "date",
        || ("day, month name, year".into(), None),
    );
    Some(k2 + 1)
}

/// `September 22, 2021`, `Sep 22 2021`, `Sept. 22nd, 2021`.
fn month_day_year(cx: &Cx<'_>, i: usize, out: &mut Vec<Finding>) -> Option<usize> {
    let toks = cx.toks;
    let mt = toks.get(i)?;
    let m = month(cx.b(mt))?;
    if cx
        .byte_before(mt.start)
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    // "May" and "March" as ordinary words need the full pattern anyway.
    let g1 = cx.gap_after(i);
    if !matches!(g1, b" " | b". " | b"-" | b"/") {
        return None;
    }
    let dt = toks.get(i + 1)?;
    let db = cx.b(dt);
    let digits = db.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let suffix = &db[digits..];
    if !suffix.is_empty() && !matches!(suffix, b"st" | b"nd" | b"rd" | b"th") {
        return None;
    }
    let d = db[..digits]
        .iter()
        .fold(0u32, |a, &b| a * 10 + u32::from(b - b'0'));
    let g2 = cx.gap_after(i + 1);
    if !matches!(g2, b" " | b", " | b"," | b"-" | b"/") {
        return None;
    }
    let yt = toks.get(i + 2)?;
    let y = num(cx, yt)?;
    if yt.len() != 4
        || !valid(y, u32::from(m), d)
        || glued_after(cx, yt.end)
        || timestamp_follows(cx.bytes, yt.end)
    {
        return None;
    }
    cx.emit(
        out,
        Entity::DATE_TIME,
        mt.start,
        yt.end,
        WORDS,
        "date",
        || ("month name, day, year".into(), None),
    );
    Some(i + 3)
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn dates(s: &str) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::DATE_TIME)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn formats() {
        for d in [
            "2021-09-22",
            "22/09/2021",
            "09/22/2021",
            "22.09.2021",
            "September 22, 2021",
            "Sep 22 2021",
            "22 September 2021",
            "October 22, 2025",
            "22. März 2021",
            "22 de marzo de 2021",
            "Sept. 3rd, 2020",
        ] {
            let s = format!("on {d}.");
            assert_eq!(dates(&s), [d], "{d}");
        }
    }

    #[test]
    fn not_dates() {
        for s in [
            "2023-07-29T19:41:53Z WARN",
            "[2024-03-22 08:12:08,161]",
            "[22/Mar/2024:08:12:08 +0000]",
            "epoch=1700000000",
            "exp 08/27 and 08/2027",
            "build 2024.3.22",
            "on 31/02/2021",
            "v2026.7.24",
        ] {
            assert!(dates(s).is_empty(), "{s}");
        }
    }
}
