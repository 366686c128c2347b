//! `hash`: a keyed pseudonym. The same value under the same key gives the
//! same token in every file and run, so joins and counts still work; without
//! the key nobody can test a guess.
//!
//! Token: `<prefix>_v<key version>_<body>` where body is the first `length`
//! characters of the lowercase base32 (RFC 4648 "extended hex" alphabet,
//! `0-9a-v`) encoding of
//! `HMAC-SHA256(key, "aigis/hash/v1" || 0x00 || normalized value)`.
//! Each character carries 5 bits; the default 20 characters carry 100 bits,
//! so among n distinct values the chance of any collision is about
//! n² / 2^101: 4·10^-19 for a million values, 4·10^-13 for a billion.

use aigis_detect::Entity;
use hmac::Mac;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::RedactError;
use crate::keys::{HmacKey, KeyRef};
use crate::operator::BuildContext;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Domain-separation label mixed into every hash.
const LABEL: &[u8] = b"aigis/hash/v1\0";

/// One step of normalization before hashing, so that spellings of the same
/// value give the same token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormalizeStep {
    /// Remove leading and trailing whitespace.
    Trim,
    /// Unicode lowercase (case-fold e-mail addresses, names).
    Lowercase,
    /// Replace every run of whitespace by one space.
    CollapseSpaces,
    /// Keep letters and digits only (`123-45-6789` = `123 45 6789`).
    Alphanumeric,
    /// Keep digits only (phone numbers: `(973) 732-8175` = `973.732.8175`).
    Digits,
}

/// Options of `hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HashConfig {
    /// HMAC key name. Default: `[mask.keys] hash` (`"pseudonym"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Token prefix: a lowercase letter, then up to 15 lowercase letters or
    /// digits. Default `"tok"`.
    pub prefix: String,
    /// Characters of base32 in the token body, 16 to 52 (80 to 260 bits).
    /// Default 20 (100 bits).
    pub length: usize,
    /// Normalization before hashing. Default (absent): chosen by entity,
    /// see [`NormalizeStep::auto`]; `[]` hashes the value exactly as found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalize: Option<Vec<NormalizeStep>>,
}

impl Default for HashConfig {
    fn default() -> Self {
        HashConfig {
            key: None,
            prefix: "tok".into(),
            length: 20,
            normalize: None,
        }
    }
}

impl NormalizeStep {
    /// The normalization used when a rule gives none:
    /// - EMAIL_ADDRESS: trim, lowercase;
    /// - PERSON, LOCATION: trim, collapse spaces, lowercase;
    /// - PHONE_NUMBER: digits;
    /// - CREDIT_CARD, US_SSN, US_ITIN, IBAN_CODE, US_BANK_NUMBER,
    ///   US_PASSPORT, US_DRIVER_LICENSE, MEDICAL_LICENSE: alphanumeric,
    ///   lowercase;
    /// - anything else (URL, CRYPTO, secrets, custom): trim only, since case
    ///   can matter there.
    pub fn auto(entity: &Entity) -> &'static [NormalizeStep] {
        use NormalizeStep::*;
        match entity.as_str() {
            "EMAIL_ADDRESS" => &[Trim, Lowercase],
            "PERSON" | "LOCATION" => &[Trim, CollapseSpaces, Lowercase],
            "PHONE_NUMBER" => &[Digits],
            "CREDIT_CARD" | "US_SSN" | "US_ITIN" | "IBAN_CODE" | "US_BANK_NUMBER"
            | "US_PASSPORT" | "US_DRIVER_LICENSE" | "MEDICAL_LICENSE" => &[Alphanumeric, Lowercase],
            _ => &[Trim],
        }
    }

    fn apply(self, s: &str) -> Zeroizing<String> {
        Zeroizing::new(match self {
            NormalizeStep::Trim => s.trim().to_string(),
            NormalizeStep::Lowercase => s.to_lowercase(),
            NormalizeStep::CollapseSpaces => {
                let mut out = String::with_capacity(s.len());
                for (i, w) in s.split_whitespace().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(w);
                }
                out
            }
            NormalizeStep::Alphanumeric => s.chars().filter(|c| c.is_alphanumeric()).collect(),
            NormalizeStep::Digits => s.chars().filter(char::is_ascii_digit).collect(),
        })
    }
}

/// Built `hash`.
#[derive(Clone)]
pub struct Hash {
    mac: HmacSha256,
    key: KeyRef,
    /// `<prefix>_v<version>_`
    head: Box<str>,
    length: usize,
    normalize: Option<Box<[NormalizeStep]>>,
}

/// Checks a token prefix: `[a-z][a-z0-9]{0,15}`.
pub(crate) fn check_prefix(operator: &'static str, prefix: &str) -> Result<(), RedactError> {
    let ok = prefix.len() <= 16
        && prefix
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(RedactError::InvalidOption {
            operator,
            option: "prefix",
            reason: "must be a lowercase letter followed by at most 15 lowercase letters or digits"
                .into(),
        })
    }
}

impl HashConfig {
    /// Checks the options and fetches the current version of the key.
    pub fn build(&self, cx: &BuildContext<'_>) -> Result<Hash, RedactError> {
        let name = self.key.as_deref().unwrap_or(&cx.key_names.hash);
        let key = cx.keys.hmac_key(name, None)?;
        self.with_key(&key)
    }

    /// Builds with a given key (any version).
    pub fn with_key(&self, key: &HmacKey) -> Result<Hash, RedactError> {
        check_prefix("hash", &self.prefix)?;
        if !(16..=52).contains(&self.length) {
            return Err(RedactError::InvalidOption {
                operator: "hash",
                option: "length",
                reason: "must be between 16 and 52 characters (80 to 260 bits)".into(),
            });
        }
        let mut mac = key.state();
        mac.update(LABEL);
        Ok(Hash {
            mac,
            key: key.key_ref().clone(),
            head: format!("{}_v{}_", self.prefix, key.version()).into(),
            length: self.length,
            normalize: self
                .normalize
                .as_ref()
                .map(|v| v.clone().into_boxed_slice()),
        })
    }
}

impl Hash {
    /// The key this operator uses.
    pub fn key_ref(&self) -> &KeyRef {
        &self.key
    }

    /// The token for `value` found as `entity`.
    pub fn token(&self, value: &str, entity: &Entity) -> String {
        let mut out = String::new();
        self.apply(value, entity, &mut out);
        out
    }

    pub(crate) fn apply(&self, value: &str, entity: &Entity, out: &mut String) {
        let steps: &[NormalizeStep] = match &self.normalize {
            Some(s) => s,
            None => NormalizeStep::auto(entity),
        };
        let mut mac = self.mac.clone();
        if steps.is_empty() {
            mac.update(value.as_bytes());
        } else {
            let mut norm = Zeroizing::new(value.to_string());
            for step in steps {
                norm = step.apply(&norm);
            }
            mac.update(norm.as_bytes());
        }
        let digest = mac.finalize().into_bytes();
        out.push_str(&self.head);
        let body = out.len();
        data_encoding::BASE32_DNSSEC.encode_append(&digest, out);
        // 32 bytes encode to 52 characters; `length` is at most 52.
        out.truncate(body + self.length);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeySet;

    fn hash(keys: &KeySet, c: &HashConfig) -> Hash {
        c.build(&BuildContext::new(keys)).unwrap()
    }

    #[test]
    fn token_shape() {
        let keys = crate::operator::test_support::keys();
        let t =
            hash(&keys, &HashConfig::default()).token("jane@example.com", &Entity::EMAIL_ADDRESS);
        assert!(t.starts_with("tok_v1_"), "{t}");
        assert_eq!(t.len(), "tok_v1_".len() + 20);
        assert!(
            t["tok_v1_".len()..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b))
        );
    }

    #[test]
    fn normalization_joins_spellings() {
        let keys = crate::operator::test_support::keys();
        let h = hash(&keys, &HashConfig::default());
        let e = Entity::EMAIL_ADDRESS;
        assert_eq!(
            h.token("Jane@Example.com ", &e),
            h.token("jane@example.com", &e)
        );
        let p = Entity::PHONE_NUMBER;
        assert_eq!(h.token("(973) 732-8175", &p), h.token("973.732.8175", &p));
        let s = Entity::US_SSN;
        assert_eq!(h.token("123-45-6789", &s), h.token("123 45 6789", &s));
        let n = Entity::PERSON;
        assert_eq!(h.token("Jane  Doe", &n), h.token("jane doe", &n));
        // exact hashing when asked
        let exact = hash(
            &keys,
            &HashConfig {
                normalize: Some(vec![]),
                ..Default::default()
            },
        );
        assert_ne!(exact.token("Jane", &n), exact.token("jane", &n));
        // case matters for entities without a rule
        let c = Entity::CRYPTO;
        assert_ne!(
            h.token("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", &c),
            h.token("1boatslrhtknngkdxeeobr76b53lettpyt", &c)
        );
    }

    #[test]
    fn keys_and_versions_change_tokens() {
        let e = Entity::PERSON;
        let a = KeySet::with(&[("pseudonym", 1, &[1; 32])]);
        let b = KeySet::with(&[("pseudonym", 1, &[2; 32])]);
        let c = KeySet::with(&[("pseudonym", 2, &[1; 32])]);
        let ta = hash(&a, &HashConfig::default()).token("Jane", &e);
        let tb = hash(&b, &HashConfig::default()).token("Jane", &e);
        let tc = hash(&c, &HashConfig::default()).token("Jane", &e);
        assert_ne!(ta, tb);
        assert_ne!(ta, tc);
        assert!(tc.starts_with("tok_v2_"));
    }

    #[test]
    fn empty_and_unicode_values() {
        let keys = crate::operator::test_support::keys();
        let h = hash(
            &keys,
            &HashConfig {
                length: 52,
                prefix: "p".into(),
                ..Default::default()
            },
        );
        let t = h.token("", &Entity::PERSON);
        assert_eq!(t.len(), "p_v1_".len() + 52);
        assert_ne!(
            h.token("Zoë", &Entity::PERSON),
            h.token("Zoe", &Entity::PERSON)
        );
        assert_eq!(
            h.token("ZOË", &Entity::PERSON),
            h.token("zoë", &Entity::PERSON)
        );
    }

    #[test]
    fn bad_options() {
        let keys = crate::operator::test_support::keys();
        let cx = BuildContext::new(&keys);
        for c in [
            HashConfig {
                prefix: "".into(),
                ..Default::default()
            },
            HashConfig {
                prefix: "Tok".into(),
                ..Default::default()
            },
            HashConfig {
                prefix: "tok_x".into(),
                ..Default::default()
            },
            HashConfig {
                length: 15,
                ..Default::default()
            },
            HashConfig {
                length: 53,
                ..Default::default()
            },
        ] {
            assert!(
                matches!(c.build(&cx), Err(RedactError::InvalidOption { .. })),
                "{c:?}"
            );
        }
        let missing = HashConfig {
            key: Some("nope".into()),
            ..Default::default()
        };
        assert!(matches!(
            missing.build(&cx),
            Err(RedactError::KeyNotFound { .. })
        ));
    }
}
