//! `encrypt`: deterministic authenticated encryption (AES-SIV, RFC 5297)
//! to a token that a holder of the key turns back into the value.
//!
//! Token: `<prefix>_v<key version>_<body>`, body = unpadded base64url of
//! the SIV output (16-byte synthetic IV, then the ciphertext, as long as
//! the value's UTF-8). The associated data are three strings:
//! `"aigis/encrypt/v1"`, the prefix and the version number in decimal, so a
//! token whose prefix or version was edited does not decrypt.
//!
//! Deterministic: the same value gives the same token under one key
//! version (joins keep working), which also reveals equality of values;
//! that is the point of a pseudonym and the reason the key must stay with
//! whoever may reverse it.

use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::RedactError;
use crate::keys::{KeyRef, KeySource, SivKey};
use crate::operator::BuildContext;
use crate::operator::hash::check_prefix;

const LABEL: &[u8] = b"aigis/encrypt/v1";

/// Options of `encrypt`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EncryptConfig {
    /// Key name. Default: `[mask.keys] encrypt` (`"mask"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Token prefix (`[a-z][a-z0-9]{0,15}`). Default `"enc"`.
    pub prefix: String,
}

impl Default for EncryptConfig {
    fn default() -> Self {
        EncryptConfig {
            key: None,
            prefix: "enc".into(),
        }
    }
}

/// Built `encrypt`; also reverses its tokens.
#[derive(Clone)]
pub struct Encrypt {
    key: SivKey,
    prefix: Box<str>,
    version: Box<str>,
}

impl EncryptConfig {
    /// Checks the options and fetches the current version of the key.
    pub fn build(&self, cx: &BuildContext<'_>) -> Result<Encrypt, RedactError> {
        let name = self.key.as_deref().unwrap_or(&cx.key_names.encrypt);
        let key = cx.keys.siv_key(name, None)?;
        self.with_key(key)
    }

    /// Builds with a given key (any version).
    pub fn with_key(&self, key: SivKey) -> Result<Encrypt, RedactError> {
        check_prefix("encrypt", &self.prefix)?;
        let version = key.version().to_string().into();
        Ok(Encrypt {
            key,
            prefix: self.prefix.as_str().into(),
            version,
        })
    }
}

fn cipher(key: &SivKey) -> Aes256Siv {
    // 64 bytes is exactly AES-256-SIV's key size; SivKey guarantees it.
    Aes256Siv::new(key.bytes().into())
}

impl Encrypt {
    /// The key this operator encrypts with.
    pub fn key_ref(&self) -> &KeyRef {
        self.key.key_ref()
    }

    pub(crate) fn apply(&self, value: &str, out: &mut String) {
        let headers: [&[u8]; 3] = [LABEL, self.prefix.as_bytes(), self.version.as_bytes()];
        // SIV fails only with more than 126 headers; we pass three.
        if let Ok(ct) = cipher(&self.key).encrypt(headers, value.as_bytes()) {
            out.push_str(&self.prefix);
            out.push_str("_v");
            out.push_str(&self.version);
            out.push('_');
            data_encoding::BASE64URL_NOPAD.encode_append(&ct, out);
        }
    }

    /// The token for `value`.
    pub fn token(&self, value: &str) -> String {
        let mut out = String::new();
        self.apply(value, &mut out);
        out
    }

    /// Splits a token into its key version and body; `None` if it does not
    /// start with this operator's prefix.
    fn split<'t>(&self, token: &'t str) -> Result<(u32, &'t str), RedactError> {
        let rest = token
            .strip_prefix(&*self.prefix)
            .and_then(|r| r.strip_prefix("_v"))
            .ok_or(RedactError::BadToken {
                reason: "wrong prefix",
            })?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let version = rest
            .get(..digits)
            .and_then(|d| d.parse::<u32>().ok())
            .ok_or(RedactError::BadToken {
                reason: "missing key version",
            })?;
        let body =
            rest.get(digits..)
                .and_then(|r| r.strip_prefix('_'))
                .ok_or(RedactError::BadToken {
                    reason: "missing `_` after the version",
                })?;
        Ok((version, body))
    }

    /// Reverses a token made by `encrypt` with this prefix under any version
    /// of this key (older versions are fetched from `keys`).
    pub fn decrypt(
        &self,
        token: &str,
        keys: &dyn KeySource,
    ) -> Result<Zeroizing<String>, RedactError> {
        let (version, body) = self.split(token)?;
        let ct = data_encoding::BASE64URL_NOPAD
            .decode(body.as_bytes())
            .map_err(|_| RedactError::BadToken {
                reason: "body is not unpadded base64url",
            })?;
        let older;
        let key = if version == self.key.version() {
            &self.key
        } else {
            older = keys.siv_key(self.key.name(), Some(version))?;
            &older
        };
        let v = version.to_string();
        let headers: [&[u8]; 3] = [LABEL, self.prefix.as_bytes(), v.as_bytes()];
        let failed = || RedactError::DecryptFailed {
            key: self.key.name().to_string(),
            version,
        };
        let pt = Zeroizing::new(cipher(key).decrypt(headers, &ct).map_err(|_| failed())?);
        let s = std::str::from_utf8(&pt).map_err(|_| failed())?;
        Ok(Zeroizing::new(s.to_string()))
    }

    /// Writes `text` to `out` with every token of this operator in it
    /// decrypted, and returns how many were. A token starts at a word
    /// boundary; since its body's alphabet (`A-Z a-z 0-9 - _`) may run on
    /// into the text after it, shorter bodies are tried when the longest
    /// does not authenticate (up to 8 characters shorter). Look-alikes
    /// that authenticate under no version of the key stay as they are.
    pub fn unmask_text(
        &self,
        text: &str,
        keys: &dyn KeySource,
        out: &mut Zeroizing<String>,
    ) -> usize {
        let head = format!("{}_v", self.prefix);
        let mut count = 0;
        let mut pos = 0;
        let mut search = 0;
        while let Some(found) = text.get(search..).and_then(|t| t.find(&head)) {
            let start = search + found;
            search = start + head.len();
            let boundary = text
                .get(..start)
                .and_then(|t| t.chars().next_back())
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            if !boundary {
                continue;
            }
            let rest = text.get(start..).unwrap_or("");
            // prefix, version and body are all in [A-Za-z0-9_-]
            let token_len = rest
                .bytes()
                .take_while(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
                .count();
            let mut done = None;
            for cut in 0..=8usize.min(token_len) {
                let Some(candidate) = rest.get(..token_len - cut) else {
                    continue;
                };
                if let Ok(plain) = self.decrypt(candidate, keys) {
                    done = Some((candidate.len(), plain));
                    break;
                }
            }
            if let Some((len, plain)) = done {
                out.push_str(text.get(pos..start).unwrap_or(""));
                out.push_str(&plain);
                pos = start + len;
                search = pos;
                count += 1;
            }
        }
        out.push_str(text.get(pos..).unwrap_or(""));
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeySet;

    fn op(keys: &KeySet) -> Encrypt {
        EncryptConfig::default()
            .build(&BuildContext::new(keys))
            .unwrap()
    }

    #[test]
    fn round_trip_and_determinism() {
        let keys = crate::operator::test_support::keys();
        let e = op(&keys);
        for v in ["", "jane@example.com", "Zoë Ångström 日本", "a_b-c"] {
            let t = e.token(v);
            assert!(t.starts_with("enc_v1_"), "{t}");
            assert_eq!(t, e.token(v));
            assert_eq!(&*e.decrypt(&t, &keys).unwrap(), v);
        }
        assert_ne!(e.token("a"), e.token("b"));
    }

    #[test]
    fn older_versions_still_decrypt() {
        let mut keys = KeySet::with(&[("mask", 1, &[1; 32])]);
        let t1 = op(&keys).token("secret value");
        keys.insert("mask", 2, &[2; 64]);
        let e2 = op(&keys);
        let t2 = e2.token("secret value");
        assert!(t2.starts_with("enc_v2_"));
        assert_ne!(t1, t2);
        assert_eq!(&*e2.decrypt(&t1, &keys).unwrap(), "secret value");
        assert_eq!(&*e2.decrypt(&t2, &keys).unwrap(), "secret value");
    }

    #[test]
    fn tokens_in_text_are_found_and_reversed() {
        let keys = crate::operator::test_support::keys();
        let e = op(&keys);
        let (a, b) = (e.token("jane@example.com"), e.token("Zoë"));
        let text = format!("to {a}, cc:{b}_x and enc_v1_notatoken or x{a} {a}");
        let mut out = Zeroizing::new(String::new());
        let n = e.unmask_text(&text, &keys, &mut out);
        // the token glued to `x` is not at a word boundary and stays
        assert_eq!(n, 3, "{}", out.as_str());
        assert_eq!(
            out.as_str(),
            format!("to jane@example.com, cc:Zoë_x and enc_v1_notatoken or x{a} jane@example.com")
        );
        let mut out = Zeroizing::new(String::new());
        assert_eq!(e.unmask_text("", &keys, &mut out), 0);
        assert_eq!(e.unmask_text("enc_v", &keys, &mut out), 0);
        assert_eq!(out.as_str(), "enc_v");
    }

    #[test]
    fn tampering_is_detected() {
        let keys = crate::operator::test_support::keys();
        let e = op(&keys);
        let t = e.token("value");
        // relabelled version
        let relabelled = t.replacen("_v1_", "_v2_", 1);
        let mut k2 = keys.clone();
        k2.insert("mask", 2, &[0x22; 32]);
        assert!(matches!(
            e.decrypt(&relabelled, &k2),
            Err(RedactError::DecryptFailed { .. })
        ));
        // flipped body character
        let mut b = t.clone().into_bytes();
        let last = b.len() - 1;
        b[last] = if b[last] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(b).unwrap();
        assert!(e.decrypt(&flipped, &keys).is_err());
        // wrong key
        let other = KeySet::with(&[("mask", 1, &[9; 32])]);
        assert!(matches!(
            op(&other).decrypt(&t, &other),
            Err(RedactError::DecryptFailed { .. })
        ));
        // not tokens
        for bad in [
            "",
            "enc",
            "enc_v",
            "enc_vx_abc",
            "enc_v1abc",
            "enc_v1_***",
            "tok_v1_abc",
        ] {
            assert!(
                matches!(e.decrypt(bad, &keys), Err(RedactError::BadToken { .. })),
                "{bad}"
            );
        }
        // error text never holds the value
        let msg = e.decrypt(&flipped, &keys).unwrap_err().to_string();
        assert!(!msg.contains("value"));
    }
}
