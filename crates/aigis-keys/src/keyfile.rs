//! On-disk records of the keyring: `keyring.json` and one `<name>.json` per
//! key, each authenticated with an HMAC under a key derived from the master
//! key.

use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::master::b64;
use crate::{KdfParams, KeyError, KeyKind, MasterKey, VersionState};

/// Format tag of `keyring.json`.
pub(crate) const KEYRING_FORMAT: &str = "aigis-keyring/1";
/// Format tag of a key file.
pub(crate) const KEY_FORMAT: &str = "aigis-key/1";

/// `keyring.json`: how to check (and, for passphrases, derive) the master key.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyringFile {
    pub(crate) format: String,
    /// HMAC(master, "aigis-keys/v1 check"): tells a wrong master key from
    /// a corrupt file without revealing anything about the key.
    #[serde(with = "b64")]
    pub(crate) check: Vec<u8>,
    /// Present when the master key is derived from a passphrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) kdf: Option<KdfParams>,
}

/// A key file: the record and its MAC.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyFile {
    pub(crate) key: KeyRecord,
    #[serde(with = "b64")]
    pub(crate) mac: Vec<u8>,
}

/// Everything known about one key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyRecord {
    pub(crate) format: String,
    pub(crate) name: String,
    pub(crate) kind: KeyKind,
    pub(crate) created: String,
    pub(crate) versions: Vec<VersionRecord>,
}

/// One version of a key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VersionRecord {
    pub(crate) version: u32,
    pub(crate) created: String,
    pub(crate) state: VersionState,
    /// Public key bytes for signing kinds (Ed25519 raw, P-256 SEC1).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_b64")]
    pub(crate) public: Option<Vec<u8>>,
    /// `nonce || AES-256-GCM(master, secret, aad = wrap_aad(..)) || tag`.
    #[serde(with = "b64")]
    pub(crate) wrapped: Vec<u8>,
}

/// Subkeys derived from the master key, one per purpose.
pub(crate) fn derive(master: &MasterKey, label: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(master.bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Associated data binding a wrapped secret to its key name, kind and version.
pub(crate) fn wrap_aad(name: &str, kind: KeyKind, version: u32) -> Vec<u8> {
    let mut aad = b"aigis-keys/v1 wrap\0".to_vec();
    aad.extend_from_slice(name.as_bytes());
    aad.push(0);
    aad.extend_from_slice(kind.as_str().as_bytes());
    aad.push(0);
    aad.extend_from_slice(&version.to_be_bytes());
    aad
}

impl KeyRecord {
    fn mac(&self, master: &MasterKey) -> Result<Hmac<Sha256>, KeyError> {
        let key = zeroize::Zeroizing::new(derive(master, "aigis-keys/v1 metadata"));
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_ref())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        let body =
            serde_json::to_vec(self).map_err(|e| KeyError::Encoding(format!("key record: {e}")))?;
        mac.update(&body);
        Ok(mac)
    }

    /// Serializes the record with its MAC.
    pub(crate) fn seal(&self, master: &MasterKey) -> Result<Vec<u8>, KeyError> {
        let mac = self.mac(master)?.finalize().into_bytes().to_vec();
        let file = KeyFile {
            key: self.clone(),
            mac,
        };
        let mut out = serde_json::to_vec_pretty(&file)
            .map_err(|e| KeyError::Encoding(format!("key file: {e}")))?;
        out.push(b'\n');
        Ok(out)
    }

    /// Parses and authenticates a key file; `expected_name` is the name its
    /// file name says.
    pub(crate) fn open(
        path: &Path,
        bytes: &[u8],
        master: &MasterKey,
        expected_name: &str,
    ) -> Result<KeyRecord, KeyError> {
        let file: KeyFile = serde_json::from_slice(bytes)
            .map_err(|e| KeyError::corrupt(path, format!("not a key file: {e}")))?;
        file.key
            .mac(master)?
            .verify_slice(&file.mac)
            .map_err(|_| KeyError::Tampered {
                path: path.to_owned(),
            })?;
        let record = file.key;
        if record.format != KEY_FORMAT {
            return Err(KeyError::corrupt(
                path,
                format!("format {:?}, expected {KEY_FORMAT:?}", record.format),
            ));
        }
        if record.name != expected_name {
            return Err(KeyError::corrupt(
                path,
                format!("holds key {:?}, not {expected_name:?}", record.name),
            ));
        }
        for (i, v) in record.versions.iter().enumerate() {
            if usize::try_from(v.version).ok() != Some(i + 1) {
                return Err(KeyError::corrupt(
                    path,
                    "versions are not numbered 1, 2, 3...",
                ));
            }
        }
        Ok(record)
    }
}

mod opt_b64 {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(bytes) => s.serialize_str(&STANDARD.encode(bytes)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| {
            STANDARD
                .decode(t.as_bytes())
                .map_err(|_| serde::de::Error::custom("expected standard base64"))
        })
        .transpose()
    }
}
