//! US_PASSPORT, US_DRIVER_LICENSE and US_BANK_NUMBER. These are short
//! digit or letter-digit runs with no check digit, so on their own they
//! score low and need context ("passport", "driver license", "account
//! number", or the field name) to be reported. A few driver licence shapes
//! are distinctive enough to score higher (Florida `L###-###-##-###-#`,
//! Washington `WDL` + 9).

use super::Cx;
use crate::context;
use crate::lex::flag;
use crate::validate::aba;
use crate::{Entity, Finding};

const LOW: f32 = 0.2;

/// Words right before a nine-digit number that make it a routing number,
/// which is not personal data.
const ROUTING_WORDS: &[&str] = &["routing", "aba", "rtn", "sort", "bic", "swift", "transit"];

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let toks = cx.toks;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        // Florida: L###-###-##-###-#
        if t.len() == 4
            && !t.is(flag::CLAIMED)
            && let Some(end) = florida(cx, i)
        {
            cx.emit(
                out,
                Entity::US_DRIVER_LICENSE,
                t.start,
                end,
                0.6,
                "us_driver_license",
                || ("Florida licence shape L###-###-##-###-#".into(), None),
            );
            i += 5;
            continue;
        }
        if t.is(flag::CLAIMED) || !t.is(flag::HAS_DIGIT) || t.len() < 6 || t.len() > 17 {
            i += 1;
            continue;
        }
        let before = cx.byte_before(t.start);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b"#.-/_".contains(&b)) {
            i += 1;
            continue;
        }
        let after = cx.bytes.get(t.end..).unwrap_or(&[]);
        if after
            .first()
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            || (matches!(after.first(), Some(b'.' | b'/' | b','))
                && after.get(1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            continue;
        }
        let b = cx.b(&t);
        let n = b.len();
        let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let rest_digits = b[letters..].iter().all(u8::is_ascii_digit);
        if t.is(flag::DIGITS) {
            let routing = n == 9 && is_routing(cx, &t);
            if routing {
                i += 1;
                continue;
            }
            if n == 9 {
                emit(cx, out, Entity::US_PASSPORT, &t, LOW, "nine digits");
            }
            if matches!(n, 7..=9) || n == 12 {
                emit(
                    cx,
                    out,
                    Entity::US_DRIVER_LICENSE,
                    &t,
                    LOW,
                    "7-9 or 12 digits",
                );
            }
            if (8..=17).contains(&n) && b[0] != b'0' {
                emit(cx, out, Entity::US_BANK_NUMBER, &t, LOW, "8-17 digits");
            }
        } else if letters == 1 && rest_digits && t.is(flag::UPPER_FIRST) {
            let digits_n = n - 1;
            if digits_n == 8 {
                emit(
                    cx,
                    out,
                    Entity::US_PASSPORT,
                    &t,
                    LOW,
                    "letter and eight digits",
                );
            }
            if (4..=14).contains(&digits_n) {
                let score = if digits_n == 11 || digits_n == 12 {
                    0.3
                } else {
                    LOW
                };
                emit(
                    cx,
                    out,
                    Entity::US_DRIVER_LICENSE,
                    &t,
                    score,
                    "letter and digits",
                );
            }
        } else if letters == 2
            && rest_digits
            && t.is(flag::ALL_UPPER)
            && (5..=12).contains(&(n - 2))
        {
            emit(
                cx,
                out,
                Entity::US_DRIVER_LICENSE,
                &t,
                LOW,
                "two letters and digits",
            );
        } else if n == 12
            && b.starts_with(b"WDL")
            && b.iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            cx.emit(
                out,
                Entity::US_DRIVER_LICENSE,
                t.start,
                t.end,
                0.6,
                "us_driver_license",
                || ("Washington licence shape WDL + 9".into(), None),
            );
        }
        i += 1;
    }
}

/// A nine-digit ABA-valid number right after "routing", "aba", ...
pub(crate) fn is_routing(cx: &Cx<'_>, t: &crate::lex::Token) -> bool {
    let b = cx.b(t);
    if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut d = [0u8; 9];
    for (o, x) in d.iter_mut().zip(b) {
        *o = x - b'0';
    }
    aba(&d)
        && context::any_word(
            context::words_before(cx.bytes, t.start, 2).words(),
            ROUTING_WORDS,
        )
}

fn emit(
    cx: &Cx<'_>,
    out: &mut Vec<Finding>,
    e: Entity,
    t: &crate::lex::Token,
    score: f32,
    how: &'static str,
) {
    let rec = if e == Entity::US_PASSPORT {
        "us_passport"
    } else if e == Entity::US_DRIVER_LICENSE {
        "us_driver_license"
    } else {
        "us_bank_number"
    };
    cx.emit(out, e, t.start, t.end, score, rec, || {
        (format!("{how} (needs context)"), None)
    });
}

fn florida(cx: &Cx<'_>, i: usize) -> Option<usize> {
    let lens = [4usize, 3, 2, 3, 1];
    let first = cx.toks.get(i)?;
    let b = cx.b(first);
    if b.len() != 4 || !b[0].is_ascii_uppercase() || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    for (k, &l) in lens.iter().enumerate().skip(1) {
        let t = cx.toks.get(i + k)?;
        if cx.gap_after(i + k - 1) != b"-" || !t.is(flag::DIGITS) || t.len() != l {
            return None;
        }
    }
    let end = cx.toks.get(i + 4)?.end;
    if cx.bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn found(s: &str) -> Vec<(Entity, &str)> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .map(|f| (f.entity, &s[f.start..f.end]))
            .collect()
    }

    #[test]
    fn with_context() {
        assert_eq!(
            found("Passport No. 123456789;"),
            [(Entity::US_PASSPORT, "123456789")]
        );
        assert_eq!(
            found("Driver license K1234567."),
            [(Entity::US_DRIVER_LICENSE, "K1234567")]
        );
        assert_eq!(
            found("acct 35269159564)"),
            [(Entity::US_BANK_NUMBER, "35269159564")]
        );
        assert_eq!(
            found("license A123-456-78-901-2 ok"),
            [(Entity::US_DRIVER_LICENSE, "A123-456-78-901-2")]
        );
    }

    #[test]
    fn without_context_or_routing() {
        assert!(found("ref 123456789 and 35269159564").is_empty());
        assert!(found("Direct deposit: routing 021000021, account").is_empty());
    }
}
