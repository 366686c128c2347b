//! CRYPTO: Bitcoin addresses. Legacy (P2PKH `1...`, P2SH `3...`) are
//! base58check with a mainnet or testnet version byte; SegWit addresses are
//! bech32/bech32m with a valid witness program.

use super::Cx;
use crate::lex::flag;
use crate::{Entity, Finding};

/// Whether `s` is a valid Bitcoin address.
pub(crate) fn bitcoin_valid(s: &str) -> bool {
    base58_valid(s) || segwit_valid(s)
}

fn base58_valid(s: &str) -> bool {
    if !(25..=35).contains(&s.len()) {
        return false;
    }
    match bs58::decode(s).with_check(None).into_vec() {
        Ok(v) => v.len() == 21 && matches!(v[0], 0x00 | 0x05 | 0x6f | 0xc4),
        Err(_) => false,
    }
}

fn segwit_valid(s: &str) -> bool {
    if !(14..=90).contains(&s.len()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if !(lower.starts_with("bc1") || lower.starts_with("tb1") || lower.starts_with("bcrt1")) {
        return false;
    }
    bech32::segwit::decode(s).is_ok()
}

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    for t in cx.toks {
        if t.is(flag::CLAIMED) || t.len() < 14 || t.is(flag::DIGITS) || t.is(flag::NON_ASCII) {
            continue;
        }
        let b = cx.b(t);
        let legacy =
            matches!(b[0], b'1' | b'3' | b'm' | b'n' | b'2') && (25..=35).contains(&b.len());
        let segwit = b.len() >= 14
            && (b[..3].eq_ignore_ascii_case(b"bc1") || b[..3].eq_ignore_ascii_case(b"tb1"));
        if !(legacy || segwit) {
            continue;
        }
        let s = cx.s(t);
        let ok = if segwit {
            segwit_valid(s)
        } else {
            base58_valid(s)
        };
        if ok {
            cx.emit(
                out,
                Entity::CRYPTO,
                t.start,
                t.end,
                0.95,
                "crypto_btc",
                || {
                    let (p, v) = if segwit {
                        ("bech32 SegWit address", "bech32")
                    } else {
                        ("base58 legacy address", "base58check")
                    };
                    (p.into(), Some(v))
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn btc(s: &str) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::CRYPTO)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn finds_addresses() {
        assert_eq!(
            btc("to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa ok"),
            ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"]
        );
        assert_eq!(
            btc("to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq ok"),
            ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"]
        );
        assert_eq!(
            btc("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
            ["3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"]
        );
    }

    #[test]
    fn rejects_bad_checksums() {
        assert!(
            btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdz")
                .is_empty()
        );
    }
}
