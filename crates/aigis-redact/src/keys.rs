//! Key material as the operators need it, and the seam through which they
//! get it.
//!
//! The keyring (aigis-keys) owns keys, versions and rotation; this module
//! only defines the three shapes of raw material the operators consume and
//! a [`KeySource`] trait to fetch them by name and version. Key bytes live
//! in [`Zeroizing`] buffers, are wiped on drop, and no type here prints them:
//! `Debug` shows the key name and version only.
//!
//! Derivations (documented in docs/mask.md, "Keys"):
//! - [`HmacKey`]: a 256-bit HMAC-SHA256 key, held as its keyed HMAC state
//!   (so a keyring that never exposes key bytes can hand over its
//!   `mac_state()`).
//! - [`SivKey`]: 64 bytes are used as given (AES-256-SIV: first half CMAC
//!   key, second half CTR key); from a 256-bit root key k the 64 bytes are
//!   HMAC-SHA256(k, "aigis/aes-siv/mac") || HMAC-SHA256(k, "aigis/aes-siv/ctr").
//! - [`FpeKey`]: the AES-256 key of FF1 is HMAC-SHA256(k, "aigis/ff1/aes256").
//!
//! Both derivations need only HMAC under k, so one `hmac` key of the
//! keyring backs `encrypt` and `tokenize` ([`SivKey::derive`],
//! [`FpeKey::derive`]), and the labels keep the two algorithms from ever
//! sharing an AES key.

use std::collections::BTreeMap;
use std::fmt;

use hmac::{KeyInit, Mac};
use zeroize::Zeroizing;

use crate::RedactError;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// HMAC-SHA256 of `label` under a keyed state.
fn derive(state: &HmacSha256, label: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut mac = state.clone();
    mac.update(label);
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// An HMAC-SHA256 instance keyed with `key` (any length is valid for HMAC).
fn keyed_hmac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length: new_from_slice cannot fail. Fall back
    // to hashing nothing rather than panicking if that ever changed.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// Name and version of a key, as recorded in reports and tokens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct KeyRef {
    /// Key name in the keyring (`pseudonym`, `mask`, ...).
    pub name: String,
    /// Key version (1-based).
    pub version: u32,
}

impl fmt::Display for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@v{}", self.name, self.version)
    }
}

macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident, $len:literal) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            key: KeyRef,
            bytes: Zeroizing<[u8; $len]>,
        }

        impl $name {
            /// Name and version of this key.
            pub fn key_ref(&self) -> &KeyRef {
                &self.key
            }

            /// Key name.
            pub fn name(&self) -> &str {
                &self.key.name
            }

            /// Key version.
            pub fn version(&self) -> u32 {
                self.key.version
            }

            pub(crate) fn bytes(&self) -> &[u8; $len] {
                &self.bytes
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("name", &self.key.name)
                    .field("version", &self.key.version)
                    .finish_non_exhaustive()
            }
        }
    };
}

/// A 256-bit HMAC-SHA256 key (for `hash` and `date_shift`, and the root of
/// the `encrypt` and `tokenize` keys), held as its keyed HMAC state.
#[derive(Clone)]
pub struct HmacKey {
    key: KeyRef,
    state: HmacSha256,
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacKey")
            .field("name", &self.key.name)
            .field("version", &self.key.version)
            .finish_non_exhaustive()
    }
}

key_type! {
    /// An AES-SIV key (for `encrypt`), held as the 512 bits of AES-256-SIV.
    SivKey, 64
}

key_type! {
    /// A format-preserving encryption key (for `tokenize`), held as the
    /// derived AES-256 key of FF1.
    FpeKey, 32
}

fn key_ref(name: &str, version: u32) -> KeyRef {
    KeyRef {
        name: name.to_string(),
        version,
    }
}

impl HmacKey {
    /// A key from 32 bytes of material.
    pub fn new(name: &str, version: u32, material: &[u8]) -> Result<HmacKey, RedactError> {
        if material.len() != 32 {
            return Err(RedactError::KeyLength {
                kind: "hmac",
                expected: "32",
                got: material.len(),
            });
        }
        Ok(HmacKey {
            key: key_ref(name, version),
            state: keyed_hmac(material),
        })
    }

    /// A key from an HMAC-SHA256 state already keyed with a 256-bit key
    /// (what a keyring that never exposes key bytes hands out, such as
    /// aigis-keys' `HmacKey::mac_state()`).
    pub fn from_keyed_state(name: &str, version: u32, state: hmac::Hmac<sha2::Sha256>) -> HmacKey {
        HmacKey {
            key: key_ref(name, version),
            state,
        }
    }

    /// Name and version of this key.
    pub fn key_ref(&self) -> &KeyRef {
        &self.key
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.key.name
    }

    /// Key version.
    pub fn version(&self) -> u32 {
        self.key.version
    }

    /// A fresh keyed HMAC state.
    pub(crate) fn state(&self) -> HmacSha256 {
        self.state.clone()
    }
}

impl SivKey {
    /// Label of the CMAC half of a derived AES-256-SIV key.
    pub const MAC_LABEL: &'static [u8] = b"aigis/aes-siv/mac";
    /// Label of the CTR half of a derived AES-256-SIV key.
    pub const CTR_LABEL: &'static [u8] = b"aigis/aes-siv/ctr";

    /// A key from 64 bytes (AES-256-SIV as given) or 32 bytes (a 256-bit
    /// root key, derived as [`SivKey::derive`] does).
    pub fn new(name: &str, version: u32, material: &[u8]) -> Result<SivKey, RedactError> {
        match material.len() {
            64 => {
                let mut bytes = Zeroizing::new([0u8; 64]);
                bytes.copy_from_slice(material);
                Ok(SivKey {
                    key: key_ref(name, version),
                    bytes,
                })
            }
            32 => Ok(SivKey::derive(&HmacKey::new(name, version, material)?)),
            got => Err(RedactError::KeyLength {
                kind: "aes-siv",
                expected: "32 or 64",
                got,
            }),
        }
    }

    /// The AES-256-SIV key derived from a root key k:
    /// HMAC(k, [`SivKey::MAC_LABEL`]) || HMAC(k, [`SivKey::CTR_LABEL`]),
    /// named like the root key.
    pub fn derive(root: &HmacKey) -> SivKey {
        let mut bytes = Zeroizing::new([0u8; 64]);
        bytes[..32].copy_from_slice(&derive(&root.state, SivKey::MAC_LABEL)[..]);
        bytes[32..].copy_from_slice(&derive(&root.state, SivKey::CTR_LABEL)[..]);
        SivKey {
            key: root.key.clone(),
            bytes,
        }
    }
}

impl FpeKey {
    /// Label of the derived FF1 AES-256 key.
    pub const LABEL: &'static [u8] = b"aigis/ff1/aes256";

    /// A key from 32 bytes of root material (derived as [`FpeKey::derive`]
    /// does).
    pub fn new(name: &str, version: u32, material: &[u8]) -> Result<FpeKey, RedactError> {
        if material.len() != 32 {
            return Err(RedactError::KeyLength {
                kind: "ff1",
                expected: "32",
                got: material.len(),
            });
        }
        Ok(FpeKey::derive(&HmacKey::new(name, version, material)?))
    }

    /// The FF1 AES-256 key derived from a root key k: HMAC(k,
    /// [`FpeKey::LABEL`]), named like the root key.
    pub fn derive(root: &HmacKey) -> FpeKey {
        FpeKey {
            key: root.key.clone(),
            bytes: derive(&root.state, FpeKey::LABEL),
        }
    }
}

/// Where operators get their keys: by name, and by version (`None` = the
/// current version, used to transform; an exact version is used to reverse
/// tokens made under an older one).
///
/// Only [`KeySource::hmac_key`] is required: by default the `encrypt` and
/// `tokenize` keys are derived from the HMAC key of the same name
/// ([`SivKey::derive`], [`FpeKey::derive`]). The keyring implements this at
/// the pipeline's edge; [`KeySet`] is an in-memory implementation for tests,
/// tools and embedding.
pub trait KeySource: Send + Sync {
    /// The HMAC key `name` at `version` (current if `None`).
    fn hmac_key(&self, name: &str, version: Option<u32>) -> Result<HmacKey, RedactError>;

    /// The AES-SIV key `name` at `version` (current if `None`).
    fn siv_key(&self, name: &str, version: Option<u32>) -> Result<SivKey, RedactError> {
        self.hmac_key(name, version).map(|k| SivKey::derive(&k))
    }

    /// The FF1 key `name` at `version` (current if `None`).
    fn fpe_key(&self, name: &str, version: Option<u32>) -> Result<FpeKey, RedactError> {
        self.hmac_key(name, version).map(|k| FpeKey::derive(&k))
    }
}

/// An in-memory [`KeySource`]: named keys with versions, the highest version
/// of a name being current. Material is zeroized on drop.
#[derive(Default, Clone)]
pub struct KeySet {
    keys: BTreeMap<String, BTreeMap<u32, Zeroizing<Vec<u8>>>>,
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (name, versions) in &self.keys {
            m.entry(name, &versions.keys().collect::<Vec<_>>());
        }
        m.finish()
    }
}

impl KeySet {
    /// An empty key set.
    pub fn new() -> KeySet {
        KeySet::default()
    }

    /// Adds (or replaces) version `version` of key `name`.
    pub fn insert(&mut self, name: &str, version: u32, material: &[u8]) {
        self.keys
            .entry(name.to_string())
            .or_default()
            .insert(version, Zeroizing::new(material.to_vec()));
    }

    /// A key set with the given keys, for tests and examples:
    /// `KeySet::with(&[("pseudonym", 1, &[7; 32])])`.
    pub fn with(keys: &[(&str, u32, &[u8])]) -> KeySet {
        let mut set = KeySet::new();
        for (name, version, material) in keys {
            set.insert(name, *version, material);
        }
        set
    }

    fn material(
        &self,
        kind: &'static str,
        name: &str,
        version: Option<u32>,
    ) -> Result<(u32, &[u8]), RedactError> {
        let not_found = || RedactError::KeyNotFound {
            kind,
            name: name.to_string(),
            version,
        };
        let versions = self.keys.get(name).ok_or_else(not_found)?;
        let (v, m) = match version {
            Some(v) => versions.get_key_value(&v),
            None => versions.last_key_value(),
        }
        .ok_or_else(not_found)?;
        Ok((*v, m.as_slice()))
    }
}

impl KeySource for KeySet {
    fn hmac_key(&self, name: &str, version: Option<u32>) -> Result<HmacKey, RedactError> {
        let (v, m) = self.material("hmac", name, version)?;
        HmacKey::new(name, v, m)
    }

    fn siv_key(&self, name: &str, version: Option<u32>) -> Result<SivKey, RedactError> {
        let (v, m) = self.material("aes-siv", name, version)?;
        SivKey::new(name, v, m)
    }

    fn fpe_key(&self, name: &str, version: Option<u32>) -> Result<FpeKey, RedactError> {
        let (v, m) = self.material("ff1", name, version)?;
        FpeKey::new(name, v, m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_material() {
        let k = HmacKey::new("pseudonym", 3, &[0xab; 32]).unwrap();
        let s = format!("{k:?}");
        assert!(s.contains("pseudonym") && s.contains('3'));
        assert!(!s.to_lowercase().contains("ab, ") && !s.contains("171"));
        let set = KeySet::with(&[("mask", 1, &[0xcd; 32])]);
        let s = format!("{set:?}");
        assert!(!s.contains("205") && !s.to_lowercase().contains("cd"));
    }

    #[test]
    fn lengths_are_checked() {
        assert!(matches!(
            HmacKey::new("k", 1, &[0; 16]),
            Err(RedactError::KeyLength { got: 16, .. })
        ));
        assert!(SivKey::new("k", 1, &[0; 32]).is_ok());
        assert!(SivKey::new("k", 1, &[0; 64]).is_ok());
        assert!(SivKey::new("k", 1, &[0; 48]).is_err());
        assert!(FpeKey::new("k", 1, &[0; 31]).is_err());
    }

    #[test]
    fn derived_keys_differ_by_use() {
        let m = [9u8; 32];
        let siv = SivKey::new("k", 1, &m).unwrap();
        let fpe = FpeKey::new("k", 1, &m).unwrap();
        assert_ne!(&siv.bytes()[..32], &siv.bytes()[32..]);
        assert_ne!(&siv.bytes()[..32], &fpe.bytes()[..]);
        assert_ne!(&fpe.bytes()[..], &m);
        // from a keyed state (what a keyring hands out) the same keys result
        let state = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&m).unwrap();
        let root = HmacKey::from_keyed_state("k", 1, state);
        assert_eq!(SivKey::derive(&root).bytes(), siv.bytes());
        assert_eq!(FpeKey::derive(&root).bytes(), fpe.bytes());
    }

    #[test]
    fn current_is_highest_version() {
        let set = KeySet::with(&[("p", 1, &[1; 32]), ("p", 2, &[2; 32])]);
        assert_eq!(set.hmac_key("p", None).unwrap().version(), 2);
        assert_eq!(set.hmac_key("p", Some(1)).unwrap().version(), 1);
        assert!(matches!(
            set.hmac_key("p", Some(3)),
            Err(RedactError::KeyNotFound {
                version: Some(3),
                ..
            })
        ));
        assert!(set.fpe_key("q", None).is_err());
    }
}
