//! `tokenize`: format-preserving encryption with FF1 (NIST SP 800-38G,
//! AES-256). A card number stays a 16-digit (Luhn-valid) card number, an
//! SSN keeps its shape, an IBAN keeps its country; the key holder reverses
//! it with [`Tokenize::detokenize`].
//!
//! How a value is encrypted:
//! 1. Its ASCII digits and letters are the numerals; every other character
//!    (separators) stays in place. A non-ASCII letter or digit refuses the
//!    value (the fallback runs), since it could not be encrypted in place.
//! 2. Per format, some numerals stay in clear: `keep_first`/`keep_last`, an
//!    IBAN's country code; some are recomputed after encryption: a card's
//!    Luhn check digit, an IBAN's check digits (with `keep_valid`).
//! 3. The rest is encrypted as one FF1 numeral string: radix 10 when all are
//!    digits, radix 26 when all are letters (each letter keeps its case),
//!    and for a mix, the mixed-radix number they form (digit positions
//!    base 10, letter positions base 26) is encrypted in radix 2 with cycle
//!    walking, so every position keeps its class.
//! 4. FF1 needs at least 10^6 possible values: fewer than 6 digits (5
//!    letters) is refused and the fallback runs.
//!
//! Tweak (public, binds a ciphertext to its context):
//! `"aigis/ff1/v1" 0x00 <domain> 0x00 <format> 0x00 <classes> 0x00 <clear>`,
//! where domain is the `tweak` option or the entity name, format one of
//! `generic|card|ssn|iban`, classes one `d` or `a` per encrypted numeral,
//! and clear the numerals kept in clear (IBAN country, kept first/last), in
//! order. Separators are not in the tweak, so `123-45-6789` and
//! `123456789` tokenize to the same digits.
//!
//! Validity kept with `keep_valid` (default on):
//! - card: the rightmost encrypted digit is recomputed so the Luhn sum
//!   modulo 10 is what it was (a valid number stays valid);
//! - IBAN: check digits recomputed the same way (ISO 7064 mod 97-10);
//! - SSN: cycle walking keeps a valid SSN valid (area not 000/666/9xx,
//!   group not 00, serial not 0000), and an invalid one invalid.
//!
//! Tokens carry no key version (they must keep the format): the report of
//! the run records which key version tokenized, and detokenizing needs
//! that version.

use aigis_detect::Entity;
use num_bigint::BigUint;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::RedactError;
use crate::checks;
use crate::ff1::{Direction, Ff1};
use crate::keys::{FpeKey, KeyRef};
use crate::operator::{BuildContext, FallbackConfig, Operator};

const LABEL: &[u8] = b"aigis/ff1/v1\0";

/// FF1's smallest domain (NIST SP 800-38G Rev. 1).
const MIN_DOMAIN: u64 = 1_000_000;

/// Cycle walking stops (and the fallback runs) after this many rounds; the
/// expected number is below 10 for every format here.
const MAX_WALK: usize = 10_000;

/// Which structure `tokenize` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenizeFormat {
    /// By entity: CREDIT_CARD -> card, US_SSN -> ssn, IBAN_CODE -> iban,
    /// anything else -> generic.
    Auto,
    /// Every ASCII letter and digit is encrypted in place.
    Generic,
    /// 12 to 19 digits; Luhn validity kept.
    Card,
    /// 9 digits; SSA validity kept.
    Ssn,
    /// Country code kept, check digits recomputed, BBAN encrypted.
    Iban,
}

/// Options of `tokenize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenizeConfig {
    /// Key name. Default: `[mask.keys] tokenize` (`"mask"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Structure to keep. Default `auto`.
    pub format: TokenizeFormat,
    /// Keep check digits and validity rules (see the module doc). Default true.
    pub keep_valid: bool,
    /// Leading letters/digits kept in clear (e.g. 6 for a card's BIN).
    /// Default 0.
    pub keep_first: usize,
    /// Trailing letters/digits kept in clear. Default 0.
    pub keep_last: usize,
    /// Domain string in the FF1 tweak. Default: the entity name, so the same
    /// digits found as two entity types encrypt differently.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tweak: Option<String>,
    /// Operator used when a value cannot be tokenized (too short, wrong
    /// shape, non-ASCII letters). Default `replace`.
    pub fallback: FallbackConfig,
}

impl Default for TokenizeConfig {
    fn default() -> Self {
        TokenizeConfig {
            key: None,
            format: TokenizeFormat::Auto,
            keep_valid: true,
            keep_first: 0,
            keep_last: 0,
            tweak: None,
            fallback: FallbackConfig::default(),
        }
    }
}

/// Built `tokenize`.
pub struct Tokenize {
    ff1: Ff1,
    key: KeyRef,
    format: TokenizeFormat,
    keep_valid: bool,
    keep_first: usize,
    keep_last: usize,
    tweak: Option<Box<str>>,
    fallback: Box<Operator>,
}

impl TokenizeConfig {
    /// Checks the options and fetches the current version of the key.
    pub fn build(&self, cx: &BuildContext<'_>) -> Result<Tokenize, RedactError> {
        let name = self.key.as_deref().unwrap_or(&cx.key_names.tokenize);
        let key = cx.keys.fpe_key(name, None)?;
        let fallback = self.fallback.build(cx)?;
        self.with_key(&key, fallback)
    }

    /// Builds with a given key (any version) and fallback.
    pub fn with_key(&self, key: &FpeKey, fallback: Box<Operator>) -> Result<Tokenize, RedactError> {
        if self.keep_first > 64 || self.keep_last > 64 {
            return Err(RedactError::InvalidOption {
                operator: "tokenize",
                option: "keep_first/keep_last",
                reason: "must be at most 64".into(),
            });
        }
        Ok(Tokenize {
            ff1: Ff1::new(key.bytes()),
            key: key.key_ref().clone(),
            format: self.format,
            keep_valid: self.keep_valid,
            keep_first: self.keep_first,
            keep_last: self.keep_last,
            tweak: self.tweak.as_deref().map(Box::from),
            fallback,
        })
    }
}

/// One encryptable character: class and value (digit 0-9 or letter 0-25).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Numeral {
    letter: bool,
    value: u8,
}

impl Numeral {
    fn radix(self) -> u32 {
        if self.letter { 26 } else { 10 }
    }
    /// Value in ISO 7064 / IBAN terms: digits 0-9, letters 10-35.
    fn iban_value(self) -> u8 {
        if self.letter {
            self.value + 10
        } else {
            self.value
        }
    }
    fn clear_char(self) -> u8 {
        if self.letter {
            b'A' + self.value
        } else {
            b'0' + self.value
        }
    }
}

/// The numerals of a value, wiped on drop.
struct Numerals(Vec<Numeral>);

impl Drop for Numerals {
    fn drop(&mut self) {
        for n in &mut self.0 {
            *n = Numeral {
                letter: false,
                value: 0,
            };
        }
        std::hint::black_box(&self.0);
    }
}

fn numerals(value: &str) -> Result<Numerals, RedactError> {
    let mut out = Vec::with_capacity(value.len());
    for (offset, c) in value.char_indices() {
        if c.is_ascii_digit() {
            out.push(Numeral {
                letter: false,
                value: c as u8 - b'0',
            });
        } else if c.is_ascii_alphabetic() {
            out.push(Numeral {
                letter: true,
                value: c.to_ascii_uppercase() as u8 - b'A',
            });
        } else if c.is_alphanumeric() {
            return Err(RedactError::UnsupportedChar {
                operator: "tokenize",
                offset,
            });
        }
    }
    Ok(Numerals(out))
}

/// Writes `value` with its ASCII letters and digits replaced, in order, by
/// `nums`; letters keep the case they had.
fn render(value: &str, nums: &[Numeral], out: &mut String) {
    let mut it = nums.iter();
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            let n = it.next().copied().unwrap_or(Numeral {
                letter: false,
                value: 0,
            });
            let ch = if n.letter {
                let base = if c.is_ascii_lowercase() { b'a' } else { b'A' };
                (base + n.value) as char
            } else {
                (b'0' + n.value) as char
            };
            out.push(ch);
        } else {
            out.push(c);
        }
    }
}

fn domain_size(nums: &[Numeral]) -> u64 {
    nums.iter()
        .try_fold(1u64, |acc, n| acc.checked_mul(u64::from(n.radix())))
        .unwrap_or(u64::MAX)
}

impl Tokenize {
    /// The key this operator uses.
    pub fn key_ref(&self) -> &KeyRef {
        &self.key
    }

    pub(crate) fn fallback(&self) -> &Operator {
        &self.fallback
    }

    fn format_for(&self, entity: &Entity) -> TokenizeFormat {
        match self.format {
            TokenizeFormat::Auto => match entity.as_str() {
                "CREDIT_CARD" => TokenizeFormat::Card,
                "US_SSN" => TokenizeFormat::Ssn,
                "IBAN_CODE" => TokenizeFormat::Iban,
                _ => TokenizeFormat::Generic,
            },
            f => f,
        }
    }

    /// Tokenizes `value`, appending the result to `out`.
    pub fn try_apply(
        &self,
        value: &str,
        entity: &Entity,
        out: &mut String,
    ) -> Result<(), RedactError> {
        let nums = self.transform(value, entity, Direction::Encrypt)?;
        render(value, &nums.0, out);
        Ok(())
    }

    /// The token for `value`, or why it cannot be tokenized.
    pub fn token(&self, value: &str, entity: &Entity) -> Result<String, RedactError> {
        let mut out = String::new();
        self.try_apply(value, entity, &mut out)?;
        Ok(out)
    }

    /// Reverses [`Tokenize::token`]: the same key version, entity (or
    /// `tweak`) and options must be used.
    pub fn detokenize(
        &self,
        token: &str,
        entity: &Entity,
    ) -> Result<Zeroizing<String>, RedactError> {
        let nums = self.transform(token, entity, Direction::Decrypt)?;
        let mut out = Zeroizing::new(String::with_capacity(token.len()));
        render(token, &nums.0, &mut out);
        Ok(out)
    }

    fn transform(
        &self,
        value: &str,
        entity: &Entity,
        dir: Direction,
    ) -> Result<Numerals, RedactError> {
        let mut nums = numerals(value)?;
        let format = self.format_for(entity);
        let domain = self.tweak.as_deref().unwrap_or(entity.as_str());
        match format {
            TokenizeFormat::Card => self.card(&mut nums.0, domain, dir)?,
            TokenizeFormat::Ssn => self.ssn(&mut nums.0, domain, dir)?,
            TokenizeFormat::Iban => self.iban(&mut nums.0, domain, dir)?,
            TokenizeFormat::Generic | TokenizeFormat::Auto => {
                let (lo, hi) = self.region(nums.0.len(), 0)?;
                let tweak = self.tweak_bytes(domain, "generic", &nums.0, lo, hi, &[]);
                self.ff1_region(&mut nums.0[lo..hi], &tweak, dir)?;
            }
        }
        Ok(nums)
    }

    /// The encrypted range `[lo, hi)` of `len` numerals after the first
    /// `skip` (kept by the format) and the kept first/last.
    fn region(&self, len: usize, skip: usize) -> Result<(usize, usize), RedactError> {
        let lo = skip + self.keep_first;
        let hi = len.saturating_sub(self.keep_last);
        if lo >= hi {
            return Err(RedactError::DomainTooSmall { numerals: 0 });
        }
        Ok((lo, hi))
    }

    fn tweak_bytes(
        &self,
        domain: &str,
        format: &str,
        nums: &[Numeral],
        lo: usize,
        hi: usize,
        extra_clear: &[Numeral],
    ) -> Vec<u8> {
        let mut t = Vec::with_capacity(LABEL.len() + domain.len() + nums.len() + 16);
        t.extend_from_slice(LABEL);
        t.extend_from_slice(domain.as_bytes());
        t.push(0);
        t.extend_from_slice(format.as_bytes());
        t.push(0);
        t.extend(
            nums[lo..hi]
                .iter()
                .map(|n| if n.letter { b'a' } else { b'd' }),
        );
        t.push(0);
        t.extend(extra_clear.iter().map(|n| n.clear_char()));
        t.extend(nums[..lo].iter().chain(&nums[hi..]).map(|n| n.clear_char()));
        t
    }

    fn card(&self, nums: &mut [Numeral], domain: &str, dir: Direction) -> Result<(), RedactError> {
        if !(12..=19).contains(&nums.len()) || nums.iter().any(|n| n.letter) {
            return Err(RedactError::Shape {
                expected: "card number of 12 to 19 digits",
            });
        }
        let (lo, hi) = self.region(nums.len(), 0)?;
        if !self.keep_valid {
            let tweak = self.tweak_bytes(domain, "card", nums, lo, hi, &[]);
            return self.ff1_region(&mut nums[lo..hi], &tweak, dir);
        }
        // The rightmost encrypted digit carries the Luhn residue.
        let fix = hi - 1;
        if lo >= fix {
            return Err(RedactError::DomainTooSmall { numerals: 0 });
        }
        let digits = |ns: &[Numeral]| ns.iter().map(|n| n.value).collect::<Vec<u8>>();
        let before = checks::luhn_residue(&digits(nums));
        let mut tweak_nums = nums.to_vec();
        // The check position is not part of the tweak's clear digits.
        tweak_nums.remove(fix);
        let tweak = self.tweak_bytes(domain, "card", &tweak_nums, lo, fix, &[]);
        self.ff1_region(&mut nums[lo..fix], &tweak, dir)?;
        let d = digits(nums);
        nums[fix].value = checks::luhn_solve(&d, fix, before);
        Ok(())
    }

    fn ssn(&self, nums: &mut [Numeral], domain: &str, dir: Direction) -> Result<(), RedactError> {
        if nums.len() != 9 || nums.iter().any(|n| n.letter) {
            return Err(RedactError::Shape {
                expected: "9-digit SSN",
            });
        }
        let (lo, hi) = self.region(nums.len(), 0)?;
        let tweak = self.tweak_bytes(domain, "ssn", nums, lo, hi, &[]);
        if !self.keep_valid {
            return self.ff1_region(&mut nums[lo..hi], &tweak, dir);
        }
        let valid =
            |ns: &[Numeral]| checks::ssn_is_valid(&ns.iter().map(|n| n.value).collect::<Vec<_>>());
        // Cycle walking: both directions stop at the first value in the same
        // class as the input, which is a bijection within each class.
        let class = valid(nums);
        for _ in 0..MAX_WALK {
            self.ff1_region(&mut nums[lo..hi], &tweak, dir)?;
            if valid(nums) == class {
                return Ok(());
            }
        }
        Err(RedactError::Shape {
            expected: "SSN within the cycle-walking bound",
        })
    }

    fn iban(&self, nums: &mut [Numeral], domain: &str, dir: Direction) -> Result<(), RedactError> {
        let shape_ok = (15..=34).contains(&nums.len())
            && nums[0].letter
            && nums[1].letter
            && !nums[2].letter
            && !nums[3].letter;
        if !shape_ok {
            return Err(RedactError::Shape { expected: "IBAN" });
        }
        let country = [nums[0], nums[1]];
        let cc = [country[0].iban_value(), country[1].iban_value()];
        if !self.keep_valid {
            let (lo, hi) = self.region(nums.len(), 2)?;
            let tweak = self.tweak_bytes(domain, "iban", nums, lo, hi, &[]);
            return self.ff1_region(&mut nums[lo..hi], &tweak, dir);
        }
        let (lo, hi) = self.region(nums.len(), 4)?;
        let check = |ns: &[Numeral]| {
            let bban: Vec<u8> = ns[4..].iter().map(|n| n.iban_value()).collect();
            checks::iban_check_digits(cc, &bban)
        };
        let written = nums[2].value * 10 + nums[3].value;
        let offset = (100 + written - check(nums)) % 100;
        // The check digits are recomputed, so they are not in the tweak.
        let mut tweak_nums = nums.to_vec();
        tweak_nums.drain(2..4);
        let tweak = self.tweak_bytes(domain, "iban", &tweak_nums, lo - 2, hi - 2, &[]);
        self.ff1_region(&mut nums[lo..hi], &tweak, dir)?;
        let cd = (check(nums) + offset) % 100;
        nums[2].value = cd / 10;
        nums[3].value = cd % 10;
        Ok(())
    }

    /// FF1 over `nums` in place, keeping each position's class.
    fn ff1_region(
        &self,
        nums: &mut [Numeral],
        tweak: &[u8],
        dir: Direction,
    ) -> Result<(), RedactError> {
        if domain_size(nums) < MIN_DOMAIN {
            return Err(RedactError::DomainTooSmall {
                numerals: nums.len(),
            });
        }
        let all_letters = nums.iter().all(|n| n.letter);
        if all_letters || nums.iter().all(|n| !n.letter) {
            let radix = if all_letters { 26 } else { 10 };
            let mut vals: Vec<u16> = nums.iter().map(|n| u16::from(n.value)).collect();
            self.ff1.crypt(radix, tweak, &mut vals, dir).map_err(|_| {
                RedactError::DomainTooSmall {
                    numerals: nums.len(),
                }
            })?;
            for (n, v) in nums.iter_mut().zip(&vals) {
                n.value = *v as u8;
            }
            vals.fill(0);
            return Ok(());
        }
        self.ff1_mixed(nums, tweak, dir)
    }

    /// Mixed letters and digits: the number they form in mixed radix,
    /// encrypted in radix 2 over just enough bits, with cycle walking until
    /// it is below the domain size again.
    fn ff1_mixed(
        &self,
        nums: &mut [Numeral],
        tweak: &[u8],
        dir: Direction,
    ) -> Result<(), RedactError> {
        let small = nums.iter().try_fold((1u128, 0u128), |(size, n), x| {
            let r = u128::from(x.radix());
            Some((size.checked_mul(r)?, n * r + u128::from(x.value)))
        });
        if let Some((size, mut n)) = small.filter(|(size, _)| *size < 1 << 127) {
            let bits = (128 - (size - 1).leading_zeros()) as usize;
            let v = bits - bits / 2;
            let mask = (1u128 << v) - 1;
            for _ in 0..MAX_WALK {
                let (a, b) = self.ff1.crypt_int(2, bits, tweak, n >> v, n & mask, dir);
                n = (a << v) | b;
                if n < size {
                    for x in nums.iter_mut().rev() {
                        let r = u128::from(x.radix());
                        x.value = (n % r) as u8;
                        n /= r;
                    }
                    return Ok(());
                }
            }
            return Err(RedactError::Shape {
                expected: "value within the cycle-walking bound",
            });
        }
        // Longer than 127 bits: big integers and the general FF1 path.
        let mut size = BigUint::from(1u32);
        let mut n = BigUint::from(0u32);
        for x in nums.iter() {
            size *= x.radix();
            n = n * x.radix() + u32::from(x.value);
        }
        let bits = usize::try_from((&size - 1u32).bits()).unwrap_or(usize::MAX);
        for _ in 0..MAX_WALK {
            let digits = n.to_radix_be(2);
            let mut padded = vec![0u16; bits.saturating_sub(digits.len())];
            padded.extend(digits.iter().map(|&d| u16::from(d)));
            self.ff1.crypt(2, tweak, &mut padded, dir).map_err(|_| {
                RedactError::DomainTooSmall {
                    numerals: nums.len(),
                }
            })?;
            let out: Vec<u8> = padded.iter().map(|&b| b as u8).collect();
            n = BigUint::from_radix_be(&out, 2).unwrap_or_default();
            if n < size {
                for x in nums.iter_mut().rev() {
                    let r = x.radix();
                    x.value = (&n % r).to_u32_digits().first().copied().unwrap_or(0) as u8;
                    n /= r;
                }
                return Ok(());
            }
        }
        Err(RedactError::Shape {
            expected: "value within the cycle-walking bound",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeySet;

    fn op(c: TokenizeConfig) -> Tokenize {
        let keys = crate::operator::test_support::keys();
        c.build(&BuildContext::new(&keys)).unwrap()
    }

    fn round_trip(t: &Tokenize, v: &str, e: &Entity) -> String {
        let tok = t.token(v, e).unwrap_or_else(|err| panic!("{v}: {err}"));
        assert_eq!(&*t.detokenize(&tok, e).unwrap(), v, "token {tok}");
        tok
    }

    fn digit_values(s: &str) -> Vec<u8> {
        s.bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect()
    }

    fn shape(s: &str) -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    'd'
                } else if c.is_ascii_uppercase() {
                    'A'
                } else if c.is_ascii_lowercase() {
                    'a'
                } else {
                    c
                }
            })
            .collect()
    }

    #[test]
    fn cards_stay_luhn_valid_cards() {
        let t = op(TokenizeConfig::default());
        let e = Entity::CREDIT_CARD;
        for v in [
            "4858 4699 4062 6254",
            "6557719039729263",
            "346287693422095",
            "3402 837499 13951",
            "4111-1111-1111-1111",
        ] {
            let tok = round_trip(&t, v, &e);
            assert_ne!(tok, v);
            assert_eq!(shape(&tok), shape(v));
            let d = digit_values(&tok);
            assert_eq!(checks::luhn_residue(&d), 0, "{tok}");
        }
        // an invalid number stays invalid, and still round-trips
        let tok = round_trip(&t, "4111111111111112", &e);
        let d: Vec<u8> = tok.bytes().map(|b| b - b'0').collect();
        assert_ne!(checks::luhn_residue(&d), 0);
    }

    #[test]
    fn card_keep_first_and_last() {
        let t = op(TokenizeConfig {
            keep_first: 6,
            keep_valid: false,
            keep_last: 4,
            ..Default::default()
        });
        let tok = round_trip(&t, "4858469940626254", &Entity::CREDIT_CARD);
        assert_eq!(&tok[..6], "485846");
        assert_eq!(&tok[12..], "6254");
        // with Luhn kept, 6 + 4 kept leaves only 5 encryptable digits
        let t = op(TokenizeConfig {
            keep_first: 6,
            keep_last: 4,
            ..Default::default()
        });
        assert!(matches!(
            t.token("4858469940626254", &Entity::CREDIT_CARD),
            Err(RedactError::DomainTooSmall { .. })
        ));
        let t = op(TokenizeConfig {
            keep_first: 6,
            ..Default::default()
        });
        let tok = round_trip(&t, "4858469940626254", &Entity::CREDIT_CARD);
        assert_eq!(&tok[..6], "485846");
    }

    #[test]
    fn ssns_keep_shape_and_validity() {
        let t = op(TokenizeConfig::default());
        let e = Entity::US_SSN;
        for v in [
            "211-28-7964",
            "780854987",
            "206 55 1269",
            "001-01-0001",
            "899-99-9999",
        ] {
            let tok = round_trip(&t, v, &e);
            assert_eq!(shape(&tok), shape(v));
            let d = digit_values(&tok);
            assert!(checks::ssn_is_valid(&d), "{tok}");
        }
        // separators do not change the digits
        let a = t.token("211-28-7964", &e).unwrap().replace('-', "");
        assert_eq!(a, t.token("211287964", &e).unwrap());
        // invalid stays invalid, reversibly
        let tok = round_trip(&t, "666-12-3456", &e);
        let d = digit_values(&tok);
        assert!(!checks::ssn_is_valid(&d));
    }

    #[test]
    fn ibans_keep_country_and_check_digits() {
        let t = op(TokenizeConfig::default());
        let e = Entity::IBAN_CODE;
        for v in [
            "GB45 QRSR 5701 0154 1120 59",
            "ES9857234120056539608933",
            "FR1396951816628536713164128",
            "DE89370400440532013000",
        ] {
            let tok = round_trip(&t, v, &e);
            assert_eq!(shape(&tok), shape(v));
            assert_eq!(&tok[..2], &v[..2]);
            assert_ne!(tok, v);
            let n: Vec<u8> = tok
                .bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| {
                    if b.is_ascii_digit() {
                        b - b'0'
                    } else {
                        b.to_ascii_uppercase() - b'A' + 10
                    }
                })
                .collect();
            assert_eq!(
                checks::iban_check_digits([n[0], n[1]], &n[4..]),
                n[2] * 10 + n[3],
                "{tok}"
            );
        }
    }

    #[test]
    fn generic_mixed_values_keep_classes_and_case() {
        let t = op(TokenizeConfig::default());
        for (v, e) in [
            ("WDLCHX7NT90G", Entity::US_DRIVER_LICENSE),
            ("L833-471-05-509-9", Entity::US_DRIVER_LICENSE),
            ("BW0307353", Entity::MEDICAL_LICENSE),
            ("ab12cd34", Entity::US_PASSPORT),
            ("8253525889086559", Entity::US_BANK_NUMBER),
            ("abcdefgh", Entity::PERSON),
        ] {
            let tok = round_trip(&t, v, &e);
            assert_eq!(shape(&tok), shape(v), "{v} -> {tok}");
            assert_ne!(tok, v);
        }
    }

    #[test]
    fn tweak_separates_entities_and_domains() {
        let t = op(TokenizeConfig::default());
        let a = t.token("123456789", &Entity::US_BANK_NUMBER).unwrap();
        let b = t.token("123456789", &Entity::US_PASSPORT).unwrap();
        assert_ne!(a, b);
        let fixed = op(TokenizeConfig {
            tweak: Some("acct".into()),
            ..Default::default()
        });
        assert_eq!(
            fixed.token("123456789", &Entity::US_BANK_NUMBER).unwrap(),
            fixed.token("123456789", &Entity::US_PASSPORT).unwrap()
        );
    }

    #[test]
    fn refusals() {
        let t = op(TokenizeConfig::default());
        assert!(matches!(
            t.token("12345", &Entity::US_BANK_NUMBER),
            Err(RedactError::DomainTooSmall { .. })
        ));
        assert!(matches!(
            t.token("", &Entity::US_BANK_NUMBER),
            Err(RedactError::DomainTooSmall { .. })
        ));
        assert!(matches!(
            t.token("1234é5678", &Entity::US_BANK_NUMBER),
            Err(RedactError::UnsupportedChar { offset: 4, .. })
        ));
        assert!(matches!(
            t.token("12345678", &Entity::CREDIT_CARD),
            Err(RedactError::Shape { .. })
        ));
        assert!(matches!(
            t.token("12345678", &Entity::US_SSN),
            Err(RedactError::Shape { .. })
        ));
        assert!(matches!(
            t.token("1234567890123456", &Entity::IBAN_CODE),
            Err(RedactError::Shape { .. })
        ));
        // 123456 is exactly 10^6: allowed
        assert!(t.token("123456", &Entity::US_BANK_NUMBER).is_ok());
        assert!(t.token("abcde", &Entity::PERSON).is_ok());
        assert!(t.token("abcd", &Entity::PERSON).is_err());
    }

    #[test]
    fn another_key_gives_another_token() {
        let keys = KeySet::with(&[("mask", 1, &[5; 32])]);
        let other = TokenizeConfig::default()
            .build(&BuildContext::new(&keys))
            .unwrap();
        let t = op(TokenizeConfig::default());
        let e = Entity::CREDIT_CARD;
        assert_ne!(
            t.token("4858469940626254", &e).unwrap(),
            other.token("4858469940626254", &e).unwrap()
        );
    }
}
