//! PHONE_NUMBER: international (`+CC ...`, `00CC ...`) and national
//! numbers of the US/NANP, UK, Germany, France and Spain, grouped with
//! spaces, dashes, dots, slashes or parentheses.
//!
//! Candidates come from the token pass (digit groups joined by phone
//! separators); the five national numbering plans are checked with cheap
//! rules (lengths, leading digits, trunk prefix), and international numbers
//! for other countries are validated with libphonenumber's metadata for
//! their calling code ([`super::phone_intl`]), which is too slow to call on
//! every candidate but fine for the rare `+CC` number outside those plans.
//! A bare run of digits that fits a plan scores low and needs context
//! ("phone", "call", the field name).

use super::Cx;
use crate::lex::flag;
use crate::{Entity, Finding};

const MAX_DIGITS: usize = 17;
/// The fewest digits a number of any plan has (a German national number
/// or an international one outside the five plans): shorter candidates
/// are not validated at all.
const MIN_DIGITS: usize = 8;

/// Scores.
const INTL: f32 = 0.85;
const NATIONAL_GROUPED: f32 = 0.7;
const NATIONAL_ODD: f32 = 0.45;
const BARE: f32 = 0.4;

#[derive(Default)]
struct Cand {
    digits: [u8; MAX_DIGITS],
    n: usize,
    /// Group lengths (digits per token).
    groups: [u8; 8],
    ng: usize,
    plus: bool,
    parens: bool,
    slash: bool,
    dot: bool,
    /// Index in `digits` where a "(0)" trunk group was seen, if any.
    trunk_paren: bool,
}

impl Cand {
    fn d(&self) -> &[u8] {
        &self.digits[..self.n]
    }
    fn group_lens(&self) -> &[u8] {
        &self.groups[..self.ng.min(8)]
    }
}

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let toks = cx.toks;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if !t.is(flag::DIGITS) || t.is(flag::CLAIMED) || t.len() > MAX_DIGITS {
            i += 1;
            continue;
        }
        if t.len() == 9 && super::usid::is_routing(cx, &t) {
            i += 1;
            continue;
        }
        // Not inside a longer group sequence (IBAN, card, id).
        if i > 0
            && toks[i - 1].is(flag::HAS_DIGIT)
            && matches!(cx.gap_before(i), b" " | b"-" | b".")
        {
            i += 1;
            continue;
        }
        // Start: '+' or '(' or a boundary that is not inside another token.
        let mut start = t.start;
        let mut plus = false;
        let mut paren_open = false;
        match cx.byte_before(t.start) {
            Some(b'+') => {
                plus = true;
                start -= 1;
                if cx
                    .byte_before(start)
                    .is_some_and(|b| b.is_ascii_alphanumeric())
                {
                    i += 1;
                    continue;
                }
            }
            Some(b'(') => {
                paren_open = true;
                start -= 1;
            }
            Some(b) if b.is_ascii_alphanumeric() || b == b'#' || b == b'_' || b == b'$' => {
                i += 1;
                continue;
            }
            Some(b'-' | b'.' | b'/' | b':' | b',') => {
                // "ORD-2024-977634", "v1.2", "2/3" : inside something else.
                let pb = start.checked_sub(2).and_then(|p| cx.bytes.get(p).copied());
                if pb.is_some_and(|b| b.is_ascii_alphanumeric()) {
                    i += 1;
                    continue;
                }
            }
            _ => {}
        }
        if cx.byte_before(start).is_some_and(|b| b >= 0x80) {
            // Currency signs and other symbols glued to the number.
            let prev = crate::lex::floor_boundary(cx.text, start.saturating_sub(1));
            if cx
                .text
                .get(prev..start)
                .and_then(|s| s.chars().next())
                .is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace())
            {
                i += 1;
                continue;
            }
        }
        let mut c = Cand {
            plus,
            parens: paren_open,
            ..Cand::default()
        };
        // Collect groups.
        // (token, digits so far, groups so far, end byte) after each group.
        let mut ends = [(0usize, 0usize, 0usize, 0usize); 12];
        let mut ne = 0;
        let mut k = i;
        let mut ok = true;
        loop {
            let tk = toks[k];
            let b = cx.b(&tk);
            if c.n + b.len() > MAX_DIGITS {
                break;
            }
            // "(0)" trunk marker after a country code.
            let is_trunk = b == b"0"
                && cx.byte_before(tk.start) == Some(b'(')
                && cx.byte_at(tk.end) == Some(b')');
            if is_trunk && c.plus && k > i {
                c.trunk_paren = true;
            } else {
                for &x in b {
                    c.digits[c.n] = x - b'0';
                    c.n += 1;
                }
                if c.ng < 8 {
                    c.groups[c.ng] = b.len() as u8;
                }
                c.ng += 1;
            }
            if let Some(slot) = ends.get_mut(ne) {
                *slot = (k, c.n, c.ng, tk.end);
                ne += 1;
            }
            let gap = cx.gap_after(k);
            let Some(next) = toks.get(k + 1) else { break };
            if !next.is(flag::DIGITS) || next.is(flag::CLAIMED) || !phone_gap(gap) {
                break;
            }
            if gap.contains(&b'(') || gap.contains(&b')') {
                c.parens = true;
            }
            if gap.contains(&b'/') {
                c.slash = true;
            }
            if gap.contains(&b'.') {
                c.dot = true;
            }
            k += 1;
            if k - i > 10 {
                ok = false;
                break;
            }
        }
        if !ok {
            i = k + 1;
            continue;
        }
        let mut matched = None;
        for &(k_end, n, ng, end) in ends[..ne].iter().rev() {
            // No plan (national or international) has numbers shorter.
            if n < MIN_DIGITS {
                continue;
            }
            let after = cx.bytes.get(end..).unwrap_or(&[]);
            if after.first().is_some_and(|b| b.is_ascii_alphanumeric())
                || (matches!(after.first(), Some(b'.' | b',' | b'/' | b'-' | b':'))
                    && after.get(1).is_some_and(u8::is_ascii_digit))
            {
                continue;
            }
            let mut sub = Cand {
                n,
                ng,
                ..Cand::default()
            };
            sub.digits[..n].copy_from_slice(&c.digits[..n]);
            sub.groups = c.groups;
            sub.plus = c.plus;
            sub.parens = c.parens;
            sub.slash = c.slash;
            sub.dot = c.dot;
            sub.trunk_paren = c.trunk_paren;
            if let Some((score, plan)) = validate(&sub) {
                matched = Some((k_end, end, score, plan));
                break;
            }
        }
        match matched {
            Some((k_end, end, score, plan)) => {
                // A closing parenthesis right after the number belongs to it
                // only if it opened one.
                cx.emit(
                    out,
                    Entity::PHONE_NUMBER,
                    start,
                    end,
                    score,
                    "phone_number",
                    || {
                        let how = if score >= INTL {
                            "international number"
                        } else if score >= NATIONAL_GROUPED {
                            "grouped national number"
                        } else if score >= NATIONAL_ODD {
                            "national number, unusual grouping"
                        } else {
                            "bare digits (needs context)"
                        };
                        (
                            format!("{how}, {plan} numbering plan"),
                            Some("numbering plan"),
                        )
                    },
                );
                i = k_end + 1;
            }
            None => i += 1,
        }
    }
}

/// Separators allowed between digit groups: up to three of ` -./()`.
fn phone_gap(gap: &[u8]) -> bool {
    !gap.is_empty()
        && gap.len() <= 3
        && gap.iter().all(|b| b" -./()".contains(b))
        && gap.iter().filter(|&&b| b == b'(').count() <= 1
        && gap.iter().filter(|&&b| b == b')').count() <= 1
        && !(gap.len() > 1 && gap.iter().all(|&b| b == b' '))
}

/// Checks a candidate against the numbering plans; returns its score and
/// the plan's name.
fn validate(c: &Cand) -> Option<(f32, &'static str)> {
    let d = c.d();
    let g = c.group_lens();
    // Shapes of other things: dates (2-2-4, 4-2-2, 1/2-1/2-4), dotted quads.
    if !c.plus && g.len() == 3 && (matches!(g, [1 | 2, 1 | 2, 4] | [4, 1 | 2, 1 | 2])) {
        return None;
    }
    if !c.plus && c.dot && g.len() == 4 && g.iter().all(|&x| x <= 3) && (g != [3, 3, 4]) {
        return None;
    }
    if c.plus {
        return international(d, c).map(|p| (INTL, p));
    }
    if d.len() >= 10 && d[0] == 0 && d[1] == 0 && (3..=5).contains(&g[0]) {
        let rest = &d[2..];
        // 001-555-555-5555 style: treat like '+'.
        return international(rest, c).map(|p| (INTL, p));
    }
    let single = g.len() == 1;
    let (plan, typical) = national(d, g, c)?;
    let score = if single && !c.parens {
        BARE
    } else if typical {
        NATIONAL_GROUPED
    } else {
        NATIONAL_ODD
    };
    Some((score, plan))
}

fn international(d: &[u8], c: &Cand) -> Option<&'static str> {
    if d.is_empty() {
        return None;
    }
    let strip0 = |nsn: &[u8]| -> Vec<u8> {
        if nsn.first() == Some(&0) {
            nsn[1..].to_vec()
        } else {
            nsn.to_vec()
        }
    };
    let _ = c;
    match d[0] {
        1 => {
            let nsn = &d[1..];
            (nsn.len() == 10 && nanp(nsn)).then_some("NANP")
        }
        _ if d.starts_with(&[4, 4]) => {
            let nsn = strip0(&d[2..]);
            (uk_nsn(&nsn)).then_some("UK")
        }
        _ if d.starts_with(&[4, 9]) => {
            let nsn = strip0(&d[2..]);
            (de_nsn(&nsn)).then_some("DE")
        }
        _ if d.starts_with(&[3, 3]) => {
            let nsn = strip0(&d[2..]);
            (nsn.len() == 9 && nsn[0] != 0).then_some("FR")
        }
        _ if d.starts_with(&[3, 4]) => {
            let nsn = &d[2..];
            (es_nsn(nsn)).then_some("ES")
        }
        _ => {
            if !(8..=15).contains(&d.len()) {
                return None;
            }
            super::phone_intl::is_valid(d).then_some("international")
        }
    }
}

fn nanp(nsn: &[u8]) -> bool {
    nsn.len() == 10
        && (2..=9).contains(&nsn[0])
        && (2..=9).contains(&nsn[3])
        && !(nsn[1] == 1 && nsn[2] == 1)
        && !(nsn[0] == 5 && nsn[1] == 5 && nsn[2] == 5 && nsn[3] == 0 && nsn[4] == 1)
}

fn uk_nsn(nsn: &[u8]) -> bool {
    match nsn.first() {
        Some(1 | 2) => nsn.len() == 10 || nsn.len() == 9,
        Some(3 | 5 | 7 | 8 | 9) => nsn.len() == 10 || (nsn.len() == 9 && nsn[0] == 8),
        _ => false,
    }
}

fn de_nsn(nsn: &[u8]) -> bool {
    nsn.first().is_some_and(|&x| x != 0) && (6..=13).contains(&nsn.len())
}

fn es_nsn(nsn: &[u8]) -> bool {
    nsn.len() == 9 && matches!(nsn[0], 6..=9)
}

/// National (trunk-prefixed or plan-shaped) numbers. Returns the plan and
/// whether the grouping is the plan's usual one.
fn national(d: &[u8], g: &[u8], c: &Cand) -> Option<(&'static str, bool)> {
    let n = d.len();
    // NANP: 10 digits (or 1 + 10).
    let nanp_d = if n == 11 && d[0] == 1 { &d[1..] } else { d };
    if nanp_d.len() == 10 && nanp(nanp_d) && !c.slash {
        let typical = matches!(g, [3, 3, 4] | [10] | [1, 3, 3, 4]);
        return Some(("NANP", typical));
    }
    if n >= 2 && d[0] == 0 && d[1] != 0 {
        // UK: 0 + 10 (or 9) digits.
        if (n == 11 || n == 10) && uk_nsn(&d[1..]) && matches!(d[1], 1 | 2 | 3 | 7 | 8) && !c.slash
        {
            let typical = g.len() <= 3 && g[0] >= 3 && !c.dot;
            return Some(("UK", typical));
        }
        // France: 0 + 9 digits.
        if n == 10 {
            let typical =
                matches!(g, [2, 2, 2, 2, 2] | [10]) || (g.len() >= 4 && g.iter().all(|&x| x == 2));
            return Some(("FR", typical));
        }
        // Germany: 0 + area + subscriber, 8 to 12 digits in all.
        if (8..=12).contains(&n) {
            let typical = g.len() <= 3 && g[0] >= 3;
            return Some(("DE", typical));
        }
        return None;
    }
    // Spain: 9 digits starting 6-9.
    if n == 9 && matches!(d[0], 6..=9) && !c.slash {
        let typical = matches!(g, [3, 3, 3] | [3, 2, 2, 2] | [9]);
        return Some(("ES", typical));
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn phones(s: &str) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::PHONE_NUMBER)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn international_and_national() {
        for p in [
            "+49(0)8109434136",
            "+34 885 664 377",
            "+34 975442306",
            "912.567.0729",
            "(555) 234-5678",
            "+1-202-555-0143",
            "001-202-555-0143",
            "+44 191 496 0344",
            "+33 (0)1 23 45 67 89",
            "01 23 45 67 89",
            "+81 3-1234-5678",
        ] {
            let s = format!("call {p} today");
            assert_eq!(phones(&s), [p], "{p}");
        }
    }

    /// `MIN_DIGITS` skips validation of shorter candidates: no plan may
    /// accept one.
    #[test]
    fn no_plan_accepts_fewer_than_min_digits() {
        use super::{Cand, MIN_DIGITS, validate};
        for n in 1..MIN_DIGITS {
            for lead in 0..100u8 {
                for flags in 0..16u8 {
                    let mut c = Cand {
                        n,
                        ng: 1,
                        plus: flags & 1 != 0,
                        parens: flags & 2 != 0,
                        slash: flags & 4 != 0,
                        dot: flags & 8 != 0,
                        ..Cand::default()
                    };
                    c.groups[0] = n as u8;
                    for (k, d) in c.digits[..n].iter_mut().enumerate() {
                        *d = match k {
                            0 => lead / 10,
                            1 => lead % 10,
                            _ => (k as u8 * 7) % 10,
                        };
                    }
                    assert_eq!(validate(&c), None, "{:?}", c.d());
                }
            }
        }
    }

    #[test]
    fn bare_needs_context() {
        assert_eq!(phones("phone: 01914960344"), ["01914960344"]);
        assert!(phones("ref 01914960344").is_empty());
    }

    #[test]
    fn not_phones() {
        for s in [
            "on 07/04/2000",
            "from 10.0.0.5",
            "ORD-2024-977634",
            "total 4394.93 EUR",
            "1700000000",
            "SSN 211-28-7964",
            "#939325405",
        ] {
            assert!(phones(s).is_empty(), "{s}");
        }
    }
}
