//! Check-digit and structure validators, shared by the built-in recognizers
//! and selectable by name from custom recognizer files.

/// A named validator a custom recognizer can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Validator {
    /// Luhn mod-10 over the digits (payment cards, many national ids).
    Luhn,
    /// ISO 7064 mod 97-10 as used by IBAN (country code moved to the end).
    Mod97,
    /// ABA routing number check digit (weights 3, 7, 1).
    Aba,
    /// US DEA registration number check digit.
    Dea,
    /// US social security number area/group/serial rules.
    Ssn,
    /// Valid IPv4 or IPv6 address.
    Ip,
    /// Bitcoin address: base58check or bech32/bech32m checksum.
    Bitcoin,
}

impl Validator {
    /// Every validator name accepted in recognizer files.
    pub const NAMES: &'static [&'static str] =
        &["luhn", "mod97", "aba", "dea", "ssn", "ip", "bitcoin"];

    /// Looks a validator up by its file name (`"luhn"`, `"mod97"`, ...).
    pub fn from_name(name: &str) -> Option<Validator> {
        Some(match name.to_ascii_lowercase().as_str() {
            "luhn" => Validator::Luhn,
            "mod97" | "iban" => Validator::Mod97,
            "aba" => Validator::Aba,
            "dea" => Validator::Dea,
            "ssn" => Validator::Ssn,
            "ip" => Validator::Ip,
            "bitcoin" | "btc" => Validator::Bitcoin,
            _ => return None,
        })
    }

    /// The validator's name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Validator::Luhn => "luhn",
            Validator::Mod97 => "mod97",
            Validator::Aba => "aba",
            Validator::Dea => "dea",
            Validator::Ssn => "ssn",
            Validator::Ip => "ip",
            Validator::Bitcoin => "bitcoin",
        }
    }

    /// Whether `value` passes. Separators (spaces, dashes, dots) are
    /// ignored where the format allows them.
    pub fn check(self, value: &str) -> bool {
        match self {
            Validator::Luhn => {
                let d = digits(value);
                d.len() >= 2 && luhn(&d)
            }
            Validator::Mod97 => {
                let c: Vec<u8> = value
                    .bytes()
                    .filter(|b| b.is_ascii_alphanumeric())
                    .collect();
                iban_valid(&c)
            }
            Validator::Aba => {
                let d = digits(value);
                d.len() == 9 && aba(&d)
            }
            Validator::Dea => dea(value.as_bytes()),
            Validator::Ssn => {
                let d = digits(value);
                d.len() == 9 && ssn_valid(&d)
            }
            Validator::Ip => value.trim().parse::<std::net::IpAddr>().is_ok(),
            Validator::Bitcoin => crate::builtin::crypto::bitcoin_valid(value.trim()),
        }
    }
}

/// The ASCII digits of `s`, as values 0..=9.
pub(crate) fn digits(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// Luhn check over digit values.
pub(crate) fn luhn(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &x) in d.iter().rev().enumerate() {
        let mut v = u32::from(x);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// ABA routing number checksum over 9 digit values.
pub(crate) fn aba(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let w = [3u32, 7, 1, 3, 7, 1, 3, 7, 1];
    let s: u32 = d.iter().zip(w).map(|(&x, w)| u32::from(x) * w).sum();
    s.is_multiple_of(10)
}

/// US SSN rules over 9 digit values: area not 000/666/9xx, group not 00,
/// serial not 0000, and not one of the well-known invalid or advertising
/// numbers.
pub(crate) fn ssn_valid(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let area = u32::from(d[0]) * 100 + u32::from(d[1]) * 10 + u32::from(d[2]);
    let group = u32::from(d[3]) * 10 + u32::from(d[4]);
    let serial = d[5..].iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    if d.iter().all(|&x| x == d[0]) {
        return false;
    }
    const KNOWN: [[u8; 9]; 4] = [
        [0, 7, 8, 0, 5, 1, 1, 2, 0],
        [2, 1, 9, 0, 9, 9, 9, 9, 9],
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        [9, 8, 7, 6, 5, 4, 3, 2, 1],
    ];
    !KNOWN.iter().any(|k| k == d)
}

/// US ITIN: 9xx-GG-SSSS with group 50-65, 70-88, 90-92 or 94-99.
pub(crate) fn itin_valid(d: &[u8]) -> bool {
    if d.len() != 9 || d[0] != 9 {
        return false;
    }
    let group = u32::from(d[3]) * 10 + u32::from(d[4]);
    matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

/// DEA registration number: two letters (registrant type, then the
/// registrant's last-name initial or `9`) and seven digits whose last is
/// `(d1 + d3 + d5 + 2 * (d2 + d4 + d6)) mod 10`.
pub(crate) fn dea(v: &[u8]) -> bool {
    if v.len() != 9 {
        return false;
    }
    let first = v[0].to_ascii_uppercase();
    if !b"ABCDEFGHJKLMPRSTUX".contains(&first) {
        return false;
    }
    if !(v[1].is_ascii_alphabetic() || v[1] == b'9') || !v[2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u32> = v[2..].iter().map(|b| u32::from(b - b'0')).collect();
    (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6]
}

/// IBAN length per country (ISO 13616 registry).
pub(crate) fn iban_length(cc: [u8; 2]) -> Option<usize> {
    let n = match &cc {
        b"AD" => 24,
        b"AE" => 23,
        b"AL" => 28,
        b"AT" => 20,
        b"AZ" => 28,
        b"BA" => 20,
        b"BE" => 16,
        b"BG" => 22,
        b"BH" => 22,
        b"BI" => 27,
        b"BR" => 29,
        b"BY" => 28,
        b"CH" => 21,
        b"CR" => 22,
        b"CY" => 28,
        b"CZ" => 24,
        b"DE" => 22,
        b"DJ" => 27,
        b"DK" => 18,
        b"DO" => 28,
        b"EE" => 20,
        b"EG" => 29,
        b"ES" => 24,
        b"FI" => 18,
        b"FK" => 18,
        b"FO" => 18,
        b"FR" => 27,
        b"GB" => 22,
        b"GE" => 22,
        b"GI" => 23,
        b"GL" => 18,
        b"GR" => 27,
        b"GT" => 28,
        b"HR" => 21,
        b"HU" => 28,
        b"IE" => 22,
        b"IL" => 23,
        b"IQ" => 23,
        b"IS" => 26,
        b"IT" => 27,
        b"JO" => 30,
        b"KW" => 30,
        b"KZ" => 20,
        b"LB" => 28,
        b"LC" => 32,
        b"LI" => 21,
        b"LT" => 20,
        b"LU" => 20,
        b"LV" => 21,
        b"LY" => 25,
        b"MC" => 27,
        b"MD" => 24,
        b"ME" => 22,
        b"MK" => 19,
        b"MN" => 20,
        b"MR" => 27,
        b"MT" => 31,
        b"MU" => 30,
        b"NI" => 28,
        b"NL" => 18,
        b"NO" => 15,
        b"OM" => 23,
        b"PK" => 24,
        b"PL" => 28,
        b"PS" => 29,
        b"PT" => 25,
        b"QA" => 29,
        b"RO" => 24,
        b"RS" => 22,
        b"RU" => 33,
        b"SA" => 24,
        b"SC" => 31,
        b"SD" => 18,
        b"SE" => 24,
        b"SI" => 19,
        b"SK" => 24,
        b"SM" => 27,
        b"SO" => 23,
        b"ST" => 25,
        b"SV" => 28,
        b"TL" => 23,
        b"TN" => 24,
        b"TR" => 26,
        b"UA" => 29,
        b"VA" => 22,
        b"VG" => 24,
        b"XK" => 20,
        b"YE" => 30,
        _ => return None,
    };
    Some(n)
}

/// Full IBAN check over compact alphanumeric bytes: known country, exact
/// length, two check digits, mod-97 remainder 1.
pub(crate) fn iban_valid(c: &[u8]) -> bool {
    if c.len() < 5 {
        return false;
    }
    let cc = [c[0].to_ascii_uppercase(), c[1].to_ascii_uppercase()];
    if iban_length(cc) != Some(c.len()) || !c[2].is_ascii_digit() || !c[3].is_ascii_digit() {
        return false;
    }
    mod97(c)
}

/// ISO 7064 mod 97-10 over an IBAN-shaped string (first four moved to the
/// end, letters as 10..35).
pub(crate) fn mod97(c: &[u8]) -> bool {
    // The number is accumulated in 64 bits and reduced only when another
    // step could overflow (a step multiplies by at most 100 and adds at
    // most 35), which gives the same remainder as reducing every step.
    const LIMIT: u64 = u64::MAX / 100 - 35;
    let mut acc: u64 = 0;
    for &b in c[4..].iter().chain(c[..4].iter()) {
        let b = b.to_ascii_uppercase();
        if acc > LIMIT {
            acc %= 97;
        }
        if b.is_ascii_digit() {
            acc = acc * 10 + u64::from(b - b'0');
        } else if b.is_ascii_uppercase() {
            acc = acc * 100 + u64::from(b - b'A') + 10;
        } else {
            return false;
        }
    }
    acc % 97 == 1
}

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(s: &[u8]) -> f32 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook form: reduce after every character.
    fn mod97_stepwise(c: &[u8]) -> bool {
        let mut rem: u32 = 0;
        for &b in c[4..].iter().chain(c[..4].iter()) {
            let b = b.to_ascii_uppercase();
            if b.is_ascii_digit() {
                rem = (rem * 10 + u32::from(b - b'0')) % 97;
            } else if b.is_ascii_uppercase() {
                rem = (rem * 100 + u32::from(b - b'A') + 10) % 97;
            } else {
                return false;
            }
        }
        rem == 1
    }

    proptest::proptest! {
        #[test]
        fn mod97_matches_stepwise_reduction(s in "[0-9A-Za-z]{4,120}", fix in 0u32..97) {
            proptest::prop_assert_eq!(mod97(s.as_bytes()), mod97_stepwise(s.as_bytes()));
            // Also strings that pass: set the check digits so the
            // remainder is 1, then compare again.
            let mut b = s.into_bytes();
            b[2] = b'0' + (fix / 10) as u8 % 10;
            b[3] = b'0' + (fix % 10) as u8;
            proptest::prop_assert_eq!(mod97(&b), mod97_stepwise(&b));
        }
    }

    #[test]
    fn luhn_cases() {
        assert!(Validator::Luhn.check("4111 1111 1111 1111"));
        assert!(!Validator::Luhn.check("4111 1111 1111 1112"));
    }

    #[test]
    fn iban_cases() {
        assert!(Validator::Mod97.check("GB82 WEST 1234 5698 7654 32"));
        assert!(Validator::Mod97.check("DE89370400440532013000"));
        assert!(!Validator::Mod97.check("DE89370400440532013001"));
        assert!(!Validator::Mod97.check("DE8937040044053201300"));
    }

    #[test]
    fn ssn_cases() {
        assert!(Validator::Ssn.check("211-28-7964"));
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "123-00-4567",
            "123-45-0000",
            "078-05-1120",
            "111-11-1111",
        ] {
            assert!(!Validator::Ssn.check(bad), "{bad}");
        }
        assert!(itin_valid(&digits("912-78-1234")));
        assert!(!itin_valid(&digits("912-12-1234")));
    }

    #[test]
    fn aba_and_dea() {
        assert!(Validator::Aba.check("021000021"));
        assert!(!Validator::Aba.check("021000022"));
        // d = 1,2,3,4,5,6 -> 1+3+5 + 2*(2+4+6) = 33 -> check digit 3
        assert!(Validator::Dea.check("AB1234563"));
        assert!(!Validator::Dea.check("AB1234564"));
        assert!(!Validator::Dea.check("ZB1234563"));
    }

    #[test]
    fn entropy_orders() {
        assert!(entropy(b"aaaaaaaa") < 0.1);
        assert!(entropy(b"aZ3kQ9xL") > 2.9);
    }
}
