//! The master key: where it comes from and how a passphrase becomes one.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::KeyError;
use crate::fsutil::{check_private_file, random_array, write_private_file};

/// The 256-bit key that wraps every key in the keyring. Zeroized on drop;
/// `Debug` shows nothing of it.
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl MasterKey {
    /// Parses a base64 (standard alphabet) encoding of exactly 32 bytes, as
    /// found in `AIGIS_MASTER_KEY` or a key file. Surrounding whitespace is
    /// ignored.
    ///
    /// # Errors
    /// [`KeyError::BadMasterKey`]; the error never contains the value.
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        Self::from_base64_named(text, "AIGIS_MASTER_KEY")
    }

    fn from_base64_named(text: &str, source_name: &str) -> Result<Self, KeyError> {
        let bad = |reason: &str| KeyError::BadMasterKey {
            source_name: source_name.to_owned(),
            reason: reason.to_owned(),
        };
        let mut raw = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| bad("not valid base64"))?,
        );
        if raw.len() != 32 {
            let reason = format!("decodes to {} bytes, expected 32", raw.len());
            raw.zeroize();
            return Err(bad(&reason));
        }
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&raw);
        Ok(MasterKey(key))
    }

    /// Reads a key file holding the base64 key. The file must not be
    /// readable by group or others.
    ///
    /// # Errors
    /// [`KeyError::InsecurePermissions`], I/O errors, or a malformed key.
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        check_private_file(path)?;
        let text =
            Zeroizing::new(std::fs::read_to_string(path).map_err(|e| KeyError::io(path, e))?);
        Self::from_base64_named(&text, &path.display().to_string())
    }

    /// Generates a fresh random key and writes it, base64, to a new 0600 file.
    ///
    /// # Errors
    /// I/O errors; refuses to overwrite an existing file.
    pub fn generate_file(path: &Path) -> Result<Self, KeyError> {
        if path.exists() {
            return Err(KeyError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "file exists"),
            ));
        }
        let key = Self::generate()?;
        let text = Zeroizing::new(format!("{}\n", STANDARD.encode(*key.0)));
        write_private_file(path, text.as_bytes())?;
        Ok(key)
    }

    /// A fresh random key (kept in memory only).
    ///
    /// # Errors
    /// [`KeyError::Rng`].
    pub fn generate() -> Result<Self, KeyError> {
        Ok(MasterKey(Zeroizing::new(random_array::<32>()?)))
    }

    /// Stretches a passphrase with Argon2id under the given salt and costs.
    ///
    /// # Errors
    /// [`KeyError::Kdf`] for invalid parameters.
    pub fn from_passphrase(passphrase: &[u8], params: &KdfParams) -> Result<Self, KeyError> {
        let costs = argon2::Params::new(params.m_cost, params.t_cost, params.p_cost, Some(32))
            .map_err(|e| KeyError::Kdf(e.to_string()))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, costs);
        let mut key = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase, &params.salt, key.as_mut())
            .map_err(|e| KeyError::Kdf(e.to_string()))?;
        Ok(MasterKey(key))
    }

    /// The exported key as base64 text (for writing a key file only).
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(*self.0))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Argon2id parameters and salt for a passphrase-derived master key. Stored
/// in `keyring.json` (they are not secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Always `argon2id`.
    pub algorithm: String,
    /// Random 16-byte salt.
    #[serde(with = "b64")]
    pub salt: Vec<u8>,
    /// Memory cost in KiB.
    pub m_cost: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// Fresh salt with OWASP's recommended Argon2id costs (64 MiB, 3 passes,
    /// 1 lane).
    ///
    /// # Errors
    /// [`KeyError::Rng`].
    pub fn generate() -> Result<Self, KeyError> {
        Ok(KdfParams {
            algorithm: "argon2id".to_owned(),
            salt: random_array::<16>()?.to_vec(),
            m_cost: 64 * 1024,
            t_cost: 3,
            p_cost: 1,
        })
    }
}

/// Serde helper: bytes as standard base64.
pub(crate) mod b64 {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(|_| serde::de::Error::custom("expected standard base64"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_master_key_must_be_32_bytes_and_errors_hide_the_value() {
        assert!(MasterKey::from_base64(&STANDARD.encode([7u8; 32])).is_ok());
        let err = MasterKey::from_base64(&STANDARD.encode([7u8; 31])).unwrap_err();
        assert!(err.to_string().contains("31 bytes"));
        let err = MasterKey::from_base64("c2VjcmV0LXZhbHVl!!").unwrap_err();
        assert!(!err.to_string().contains("c2VjcmV0"));
        assert_eq!(
            format!("{:?}", MasterKey::generate().unwrap()),
            "MasterKey(<redacted>)"
        );
    }

    #[test]
    fn passphrase_derivation_is_deterministic_per_salt() {
        let mut params = KdfParams::generate().unwrap();
        params.m_cost = 64; // keep the test fast
        params.t_cost = 1;
        let a = MasterKey::from_passphrase(b"correct horse", &params).unwrap();
        let b = MasterKey::from_passphrase(b"correct horse", &params).unwrap();
        let c = MasterKey::from_passphrase(b"wrong horse", &params).unwrap();
        assert_eq!(a.bytes(), b.bytes());
        assert_ne!(a.bytes(), c.bytes());
    }

    #[test]
    fn key_file_generated_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let made = MasterKey::generate_file(&path).unwrap();
        let read = MasterKey::from_file(&path).unwrap();
        assert_eq!(made.bytes(), read.bytes());
        assert!(MasterKey::generate_file(&path).is_err());
    }
}
