//! CREDIT_CARD: 13-19 digits, plain or grouped with spaces or dashes,
//! Luhn-valid and in a known issuer (IIN) range.

use super::Cx;
use crate::lex::flag;
use crate::validate::luhn;
use crate::{Entity, Finding};

/// Issuer ranges: (prefix low, prefix high, prefix digits, lengths).
const IIN: &[(u32, u32, u32, &[usize], &str)] = &[
    (4, 4, 1, &[13, 16, 19], "Visa"),
    (51, 55, 2, &[16], "Mastercard"),
    (2221, 2720, 4, &[16], "Mastercard"),
    (34, 34, 2, &[15], "American Express"),
    (37, 37, 2, &[15], "American Express"),
    (6011, 6011, 4, &[16, 19], "Discover"),
    (644, 649, 3, &[16, 19], "Discover"),
    (65, 65, 2, &[16, 19], "Discover"),
    (622126, 622925, 6, &[16, 19], "Discover/UnionPay"),
    (300, 305, 3, &[14, 16, 19], "Diners Club"),
    (36, 36, 2, &[14, 16, 19], "Diners Club"),
    (38, 39, 2, &[14, 16, 19], "Diners Club"),
    (3528, 3589, 4, &[16, 17, 18, 19], "JCB"),
    (62, 62, 2, &[16, 17, 18, 19], "UnionPay"),
    (5018, 5018, 4, &[12, 13, 14, 15, 16, 17, 18, 19], "Maestro"),
    (5020, 5020, 4, &[12, 13, 14, 15, 16, 17, 18, 19], "Maestro"),
    (5038, 5038, 4, &[12, 13, 14, 15, 16, 17, 18, 19], "Maestro"),
    (5893, 5893, 4, &[12, 13, 14, 15, 16, 17, 18, 19], "Maestro"),
    (6304, 6304, 4, &[12, 13, 14, 15, 16, 17, 18, 19], "Maestro"),
    (6759, 6759, 4, &[12, 13, 14, 15, 16, 17, 18, 19], "Maestro"),
    (6761, 6763, 4, &[12, 13, 14, 15, 16, 17, 18, 19], "Maestro"),
    (2200, 2204, 4, &[16, 17, 18, 19], "Mir"),
];

/// The issuer of a digit string, if its prefix and length fit one.
pub(crate) fn issuer(d: &[u8]) -> Option<&'static str> {
    IIN.iter()
        .find(|(lo, hi, n, lens, _)| {
            let n = *n as usize;
            d.len() >= n && lens.contains(&d.len()) && {
                let p = d[..n].iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
                (*lo..=*hi).contains(&p)
            }
        })
        .map(|x| x.4)
}

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let toks = cx.toks;
    let mut i = 0;
    let mut digits = [0u8; 20];
    while i < toks.len() {
        let t = toks[i];
        if !t.is(flag::DIGITS) || t.is(flag::CLAIMED) || t.len() > 19 {
            i += 1;
            continue;
        }
        // Not the middle of a longer number (e.g. "12 4111 1111 ...").
        let prev_joined =
            i > 0 && toks[i - 1].is(flag::DIGITS) && matches!(cx.gap_before(i), b" " | b"-");
        if prev_joined
            || cx
                .byte_before(t.start)
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/')
        {
            i += 1;
            continue;
        }
        // Collect groups joined by one consistent separator.
        let mut nd = 0;
        // (token, digits so far, end byte) after each group.
        let mut ends = [(0usize, 0usize, 0usize); 8];
        let mut ne = 0;
        let mut sep: Option<&[u8]> = None;
        let mut k = i;
        loop {
            let tk = toks[k];
            let tb = cx.b(&tk);
            if nd + tb.len() > 19 || ne == ends.len() {
                break;
            }
            for &b in tb {
                digits[nd] = b - b'0';
                nd += 1;
            }
            ends[ne] = (k, nd, tk.end);
            ne += 1;
            let gap = cx.gap_after(k);
            let joins = matches!(gap, b" " | b"-") && sep.is_none_or(|s| s == gap);
            match toks.get(k + 1) {
                Some(n)
                    if joins
                        && n.is(flag::DIGITS)
                        && !n.is(flag::CLAIMED)
                        && n.len() <= 6
                        && tk.len() <= 6 =>
                {
                    sep = Some(gap);
                    k += 1;
                }
                _ => break,
            }
        }
        let mut matched = None;
        for &(k_end, n, end) in ends[..ne].iter().rev() {
            if !(12..=19).contains(&n) {
                continue;
            }
            // The number must not continue with more digits or a decimal part.
            let after = cx.bytes.get(end..).unwrap_or(&[]);
            if after.first().is_some_and(|b| b.is_ascii_alphanumeric())
                || (after.first() == Some(&b'.') && after.get(1).is_some_and(u8::is_ascii_digit))
            {
                continue;
            }
            let d = &digits[..n];
            if let Some(brand) = issuer(d).filter(|_| luhn(d)) {
                matched = Some((k_end, end, brand, k_end > i));
                break;
            }
        }
        if let Some((k_end, end, brand, grouped)) = matched {
            let score = if grouped { 0.95 } else { 0.9 };
            cx.emit(
                out,
                Entity::CREDIT_CARD,
                t.start,
                end,
                score,
                "credit_card",
                || {
                    let how = if grouped {
                        "grouped digits"
                    } else {
                        "digit run"
                    };
                    (format!("{how}, issuer range {brand}"), Some("luhn"))
                },
            );
            i = k_end + 1;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn cards(s: &str) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::CREDIT_CARD)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn finds_cards() {
        assert_eq!(cards("card 4455105172169442."), ["4455105172169442"]);
        assert_eq!(
            cards("card=4266-7253-4096-4439 order"),
            ["4266-7253-4096-4439"]
        );
        assert_eq!(cards("amex 3761 537175 65314 ok"), ["3761 537175 65314"]);
        // Mastercard 2-series.
        assert_eq!(cards("PAN 2221 0000 0000 0009"), ["2221 0000 0000 0009"]);
    }

    #[test]
    fn rejects_lookalikes() {
        assert!(cards("Tracking number 4111 1111 1111 1112 shows").is_empty());
        assert!(cards("id 9111111111111111 and 4111111111111111.5").is_empty());
    }
}
