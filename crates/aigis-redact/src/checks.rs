//! Check-digit and validity rules that `tokenize` preserves: Luhn (payment
//! cards), ISO 13616 mod-97 (IBAN) and the SSA rules for SSNs.
//!
//! All functions take numerals as small integers (digits 0-9, letters
//! 10-35) so they work on the buffers `tokenize` already holds.

/// Luhn sum of `digits` (rightmost digit undoubled) modulo 10. A number is
/// Luhn-valid when this is 0.
pub(crate) fn luhn_residue(digits: &[u8]) -> u8 {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        sum += luhn_contribution(d, i % 2 == 1);
    }
    (sum % 10) as u8
}

/// What digit `d` adds to the Luhn sum at a doubled or undoubled position.
pub(crate) fn luhn_contribution(d: u8, doubled: bool) -> u32 {
    let d = u32::from(d);
    if doubled {
        let x = d * 2;
        if x > 9 { x - 9 } else { x }
    } else {
        d
    }
}

/// The digit that, placed at position `pos` (index into `digits`, whose
/// current value there is ignored), makes the Luhn residue equal `target`.
/// Both the doubled and the undoubled contribution are bijections on 0..=9,
/// so exactly one digit fits.
pub(crate) fn luhn_solve(digits: &[u8], pos: usize, target: u8) -> u8 {
    let n = digits.len();
    let doubled = (n - 1 - pos) % 2 == 1;
    let mut rest = 0u32;
    for (i, &d) in digits.iter().enumerate() {
        if i != pos {
            rest += luhn_contribution(d, (n - 1 - i) % 2 == 1);
        }
    }
    (0u8..10)
        .find(|&d| (rest + luhn_contribution(d, doubled)) % 10 == u32::from(target))
        .unwrap_or(0)
}

/// ISO 7064 mod 97-10 check digits of an IBAN given its country code and
/// BBAN as numerals (0-35). Returns the two check digits (2..=98).
pub(crate) fn iban_check_digits(country: [u8; 2], bban: &[u8]) -> u8 {
    // Rearranged: BBAN, country, "00"; letters become two digits (A=10).
    let mut rem = 0u32;
    let mut push = |n: u8| {
        if n >= 10 {
            rem = (rem * 100 + u32::from(n)) % 97;
        } else {
            rem = (rem * 10 + u32::from(n)) % 97;
        }
    };
    for &n in bban {
        push(n);
    }
    push(country[0]);
    push(country[1]);
    push(0);
    push(0);
    (98 - rem) as u8
}

/// Whether nine SSN digits are a number the SSA could have issued: area not
/// 000, 666 or 900-999; group not 00; serial not 0000.
pub(crate) fn ssn_is_valid(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let area = u32::from(d[0]) * 100 + u32::from(d[1]) * 10 + u32::from(d[2]);
    let group = d[3] * 10 + d[4];
    let serial_zero = d[5..].iter().all(|&x| x == 0);
    area != 0 && area != 666 && area < 900 && group != 0 && !serial_zero
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect()
    }

    fn numerals(s: &str) -> Vec<u8> {
        s.bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| {
                if b.is_ascii_digit() {
                    b - b'0'
                } else {
                    b.to_ascii_uppercase() - b'A' + 10
                }
            })
            .collect()
    }

    #[test]
    fn luhn_known_numbers() {
        assert_eq!(luhn_residue(&digits("4111 1111 1111 1111")), 0);
        assert_eq!(luhn_residue(&digits("4858 4699 4062 6254")), 0);
        assert_eq!(luhn_residue(&digits("346287693422095")), 0);
        assert_ne!(luhn_residue(&digits("4111 1111 1111 1112")), 0);
    }

    #[test]
    fn luhn_solve_finds_the_check_digit() {
        let mut d = digits("4111111111111111");
        let last = d.len() - 1;
        d[last] = 7;
        assert_eq!(luhn_solve(&d, last, 0), 1);
        // any position, any target
        for pos in 0..d.len() {
            for target in 0..10 {
                let x = luhn_solve(&d, pos, target);
                let mut e = d.clone();
                e[pos] = x;
                assert_eq!(luhn_residue(&e), target);
            }
        }
    }

    #[test]
    fn iban_known_numbers() {
        for iban in [
            "GB45QRSR57010154112059",
            "ES9857234120056539608933",
            "FR1396951816628536713164128",
            "DE89370400440532013000",
        ] {
            let n = numerals(iban);
            let want = n[2] * 10 + n[3];
            assert_eq!(iban_check_digits([n[0], n[1]], &n[4..]), want, "{iban}");
        }
    }

    #[test]
    fn ssn_rules() {
        assert!(ssn_is_valid(&digits("211-28-7964")));
        assert!(!ssn_is_valid(&digits("000-28-7964")));
        assert!(!ssn_is_valid(&digits("666-28-7964")));
        assert!(!ssn_is_valid(&digits("912-28-7964")));
        assert!(!ssn_is_valid(&digits("211-00-7964")));
        assert!(!ssn_is_valid(&digits("211-28-0000")));
        assert!(!ssn_is_valid(&digits("211-28-796")));
    }
}
