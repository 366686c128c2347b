//! US_SSN and US_ITIN: `AAA-GG-SSSS` (dashes, spaces or none) with the
//! SSA's area/group/serial rules; ITINs are the 9xx numbers with an ITIN
//! group. A bare nine-digit run needs context ("ssn", the field name).

use super::Cx;
use crate::lex::flag;
use crate::validate::{itin_valid, ssn_valid};
use crate::{Entity, Finding};

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let toks = cx.toks;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if !t.is(flag::DIGITS) || t.is(flag::CLAIMED) || !(t.len() == 3 || t.len() == 9) {
            i += 1;
            continue;
        }
        if cx
            .byte_before(t.start)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/' || b == b'#')
            || (i > 0
                && toks[i - 1].is(flag::DIGITS)
                && matches!(cx.gap_before(i), b"-" | b" " | b"." | b"/"))
        {
            i += 1;
            continue;
        }
        let mut d = [0u8; 9];
        let (end, sep, next) = if t.len() == 9 {
            for (o, b) in d.iter_mut().zip(cx.b(&t)) {
                *o = b - b'0';
            }
            (t.end, None, i + 1)
        } else {
            let gap = cx.gap_after(i);
            let (Some(g), Some(s)) = (toks.get(i + 1), toks.get(i + 2)) else {
                i += 1;
                continue;
            };
            if !matches!(gap, b"-" | b" ")
                || cx.gap_after(i + 1) != gap
                || !g.is(flag::DIGITS)
                || g.len() != 2
                || !s.is(flag::DIGITS)
                || s.len() != 4
            {
                i += 1;
                continue;
            }
            let all = cx.b(&t).iter().chain(cx.b(g)).chain(cx.b(s));
            for (o, b) in d.iter_mut().zip(all) {
                *o = b - b'0';
            }
            (s.end, Some(gap[0]), i + 3)
        };
        let after = cx.bytes.get(end..).unwrap_or(&[]);
        let continues = after.first().is_some_and(|b| b.is_ascii_alphanumeric())
            || (matches!(after.first(), Some(b'-' | b'.' | b'/'))
                && after.get(1).is_some_and(u8::is_ascii_digit));
        if continues {
            i = next;
            continue;
        }
        let (start, len) = (t.start, end - t.start);
        let _ = len;
        if ssn_valid(&d) {
            let (score, how) = match sep {
                Some(b'-') => (0.85, "AAA-GG-SSSS"),
                Some(_) => (0.6, "AAA GG SSSS"),
                None => (0.3, "nine digits (needs context)"),
            };
            cx.emit(out, Entity::US_SSN, start, end, score, "us_ssn", || {
                (how.into(), Some("ssn"))
            });
        } else if itin_valid(&d) {
            let score = if sep.is_some() { 0.8 } else { 0.3 };
            cx.emit(out, Entity::US_ITIN, start, end, score, "us_itin", || {
                ("9XX-GG-SSSS with an ITIN group".into(), None)
            });
        }
        i = next;
    }
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn found(s: &str, e: Entity) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == e)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn ssn_forms() {
        assert_eq!(found("SSN 211-28-7964.", Entity::US_SSN), ["211-28-7964"]);
        assert_eq!(found("ssn 211 28 7964", Entity::US_SSN), ["211 28 7964"]);
        assert_eq!(
            found("\"ssn\": \"211287964\"", Entity::US_SSN),
            ["211287964"]
        );
        assert!(found("order 211287964", Entity::US_SSN).is_empty());
        assert!(found("SSN 666-28-7964 000-12-3456", Entity::US_SSN).is_empty());
    }

    #[test]
    fn itin() {
        assert_eq!(found("ITIN 912-78-1234", Entity::US_ITIN), ["912-78-1234"]);
    }
}
