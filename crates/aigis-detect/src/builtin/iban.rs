//! IBAN_CODE: country code, two check digits and the BBAN, compact or in
//! groups of four, with the country's exact length and the mod-97 check.
//! The span ends exactly where the country's length ends, so a word that
//! follows ("... 44 within") is never swallowed.

use super::Cx;
use crate::lex::flag;
use crate::validate::{iban_length, mod97};
use crate::{Entity, Finding};

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let toks = cx.toks;
    let mut buf: Vec<u8> = Vec::with_capacity(34);
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let b = cx.b(&t);
        if t.is(flag::CLAIMED)
            || t.len() < 4
            || !t.is(flag::HAS_DIGIT)
            || !(b[0].is_ascii_uppercase()
                && b[1].is_ascii_uppercase()
                && b[2].is_ascii_digit()
                && b[3].is_ascii_digit())
        {
            i += 1;
            continue;
        }
        let Some(want) = iban_length([b[0], b[1]]) else {
            i += 1;
            continue;
        };
        if cx
            .byte_before(t.start)
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            i += 1;
            continue;
        }
        buf.clear();
        let mut k = i;
        let mut end = t.end;
        let mut ok = false;
        loop {
            let tk = toks[k];
            let part = cx.b(&tk);
            if !part
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && k > i
            {
                break;
            }
            if buf.len() + part.len() > want {
                break;
            }
            buf.extend(part.iter().map(u8::to_ascii_uppercase));
            end = tk.end;
            if buf.len() == want {
                ok = true;
                break;
            }
            // Continue over single-space separated groups of up to 4.
            let next = toks.get(k + 1);
            match next {
                Some(n)
                    if cx.gap_after(k) == b" "
                        && n.len() <= 4
                        && tk.len() == 4
                        && !n.is(flag::CLAIMED) =>
                {
                    k += 1
                }
                _ => break,
            }
        }
        let glued = cx.bytes.get(end).is_some_and(|c| c.is_ascii_alphanumeric());
        if ok && !glued && mod97(&buf) {
            let grouped = k > i;
            cx.emit(out, Entity::IBAN_CODE, t.start, end, 0.95, "iban", || {
                let how = if grouped {
                    "country code, check digits, groups of four"
                } else {
                    "country code, check digits, BBAN"
                };
                (
                    format!(
                        "{how}; length {want} for {}",
                        String::from_utf8_lossy(&buf[..2])
                    ),
                    Some("mod97"),
                )
            });
            i = k + 1;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn ibans(s: &str) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::IBAN_CODE)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn finds_ibans() {
        assert_eq!(
            ibans("IBAN GB82 WEST 1234 5698 7654 32 within 3 days"),
            ["GB82 WEST 1234 5698 7654 32"]
        );
        assert_eq!(
            ibans("iban=DE89370400440532013000;"),
            ["DE89370400440532013000"]
        );
    }

    #[test]
    fn rejects_bad_checksums() {
        assert!(ibans("DE89370400440532013001 GB82 WEST 1234 5698 7654 33").is_empty());
    }
}
