//! Key trust: which keys may sign which kind of step.
//!
//! [`ProvenanceConfig`] is the `[provenance]` section of `aigis.toml` (the
//! binary plugs it into its settings; until then `aigis verify --trust FILE`
//! reads the same section from any TOML file):
//!
//! ```toml
//! [provenance]
//! require_transform = true            # training data must come from an attested transform
//!
//! [[provenance.keys]]
//! name = "pipeline"
//! public_key = "keys/pipeline.pub.pem" # relative to the file it is written in
//! may_sign = ["transform:mask", "transform:scan"]
//!
//! [[provenance.keys]]
//! name = "trainer"
//! public_key = "keys/trainer.pub.pem"
//! may_sign = ["train", "eval", "model"]
//! retired = false                     # true: rotated out, its signatures no longer count
//! ```
//!
//! `may_sign` entries: `transform` (any step), `transform:<step>`, `train`,
//! `eval`, `model` (model signatures). [`TrustPolicy`] is the built form:
//! keys loaded, ready to judge envelopes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dsse::{Envelope, pae};
use crate::error::{Error, Result, VerifyError};
use crate::keys::PublicKey;

/// The `[provenance]` section of `aigis.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvenanceConfig {
    /// Every dataset a model was trained on must be the output of an
    /// attested transform (default: true). When false, an unattested
    /// dataset is shown as a raw input.
    #[serde(default = "default_true")]
    pub require_transform: bool,
    /// Keys trusted to sign attestations and model signatures.
    #[serde(default)]
    pub keys: Vec<TrustedKeyConfig>,
}

fn default_true() -> bool {
    true
}

impl Default for ProvenanceConfig {
    fn default() -> Self {
        ProvenanceConfig {
            require_transform: true,
            keys: Vec::new(),
        }
    }
}

/// One trusted key in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedKeyConfig {
    /// A name to report (e.g. the keyring key name and version).
    pub name: String,
    /// PEM public key file, relative to the configuration file.
    pub public_key: PathBuf,
    /// What this key may sign: `transform`, `transform:<step>`, `train`,
    /// `eval`, `model`.
    #[serde(default)]
    pub may_sign: Vec<String>,
    /// The key was rotated out: signatures by it are refused.
    #[serde(default)]
    pub retired: bool,
}

impl ProvenanceConfig {
    /// Reads the `[provenance]` table of a TOML file (other tables are
    /// ignored, so `aigis.toml` itself can be given).
    pub fn from_toml_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_toml_str(&text).map_err(|e| e.with_path(path))
    }

    /// Reads the `[provenance]` table of TOML text.
    pub fn from_toml_str(text: &str) -> Result<Self> {
        const WHAT: &str = "trust configuration";
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| Error::parse(WHAT, e.to_string()))?;
        let section = table
            .remove("provenance")
            .ok_or_else(|| Error::parse(WHAT, "no [provenance] section"))?;
        section
            .try_into()
            .map_err(|e: toml::de::Error| Error::parse(WHAT, format!("[provenance]: {e}")))
    }

    /// Loads the keys (paths relative to `base_dir`) and checks every
    /// `may_sign` entry.
    pub fn build(&self, base_dir: &Path) -> Result<TrustPolicy> {
        let mut policy = TrustPolicy::new(self.require_transform);
        for k in &self.keys {
            for role in &k.may_sign {
                let known = matches!(role.as_str(), "transform" | "train" | "eval" | "model")
                    || role
                        .strip_prefix("transform:")
                        .is_some_and(|s| !s.is_empty());
                if !known {
                    return Err(Error::parse(
                        "trust configuration",
                        format!(
                            "key {:?}: may_sign entry {role:?} is not one of transform, \
                             transform:<step>, train, eval, model",
                            k.name
                        ),
                    ));
                }
            }
            let path = base_dir.join(&k.public_key);
            let key = PublicKey::from_pem_file(&path)?;
            policy.add_key(TrustedKey {
                name: k.name.clone(),
                key,
                may_sign: k.may_sign.clone(),
                retired: k.retired,
            });
        }
        Ok(policy)
    }
}

/// A key the verifier trusts, with what it may sign.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    /// The name to report.
    pub name: String,
    /// The public key.
    pub key: PublicKey,
    /// Roles it may sign (see [`ProvenanceConfig`]).
    pub may_sign: Vec<String>,
    /// Rotated out: its signatures no longer count.
    pub retired: bool,
}

impl TrustedKey {
    /// True when this key may sign `role` (`transform:<step>`, `train`,
    /// `eval`, `model`).
    pub fn permits(&self, role: &str) -> bool {
        self.may_sign.iter().any(|allowed| {
            allowed == role || (allowed == "transform" && role.starts_with("transform:"))
        })
    }
}

/// Why an envelope was not accepted under a trust policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustFailure {
    /// The envelope itself is unacceptable (no signatures, duplicate ids).
    #[error(transparent)]
    Envelope(VerifyError),
    /// No signature names a trusted key.
    #[error("untrusted key: signed by unknown key id(s) {}", keyids.join(", "))]
    UnknownKey {
        /// The key ids in the envelope.
        keyids: Vec<String>,
    },
    /// A signature names a trusted key but does not verify.
    #[error("bad signature: the signature by key {key:?} does not verify")]
    BadSignature {
        /// The trusted key's name.
        key: String,
    },
    /// A valid signature by a trusted key that may not sign this role.
    #[error("untrusted key: key {key:?} may not sign {role}")]
    NotPermitted {
        /// The key's name.
        key: String,
        /// The role it tried to sign.
        role: String,
    },
    /// A valid signature by a key that was rotated out.
    #[error("rotated-out key: key {key:?} is retired")]
    RotatedOut {
        /// The key's name.
        key: String,
    },
}

/// Trusted keys, ready to judge envelopes.
#[derive(Debug, Clone, Default)]
pub struct TrustPolicy {
    /// See [`ProvenanceConfig::require_transform`].
    pub require_transform: bool,
    keys: Vec<TrustedKey>,
}

impl TrustPolicy {
    /// An empty policy (trusts nothing).
    pub fn new(require_transform: bool) -> Self {
        TrustPolicy {
            require_transform,
            keys: Vec::new(),
        }
    }

    /// Adds a trusted key.
    pub fn add_key(&mut self, key: TrustedKey) {
        self.keys.push(key);
    }

    /// The trusted keys.
    pub fn keys(&self) -> &[TrustedKey] {
        &self.keys
    }

    /// Accepts `envelope` for `role` when a signature verifies with a trusted,
    /// current key allowed to sign that role; returns that key.
    pub fn check(&self, envelope: &Envelope, role: &str) -> Result<&TrustedKey, TrustFailure> {
        if envelope.signatures.is_empty() {
            return Err(TrustFailure::Envelope(VerifyError::NoSignatures));
        }
        let mut seen = std::collections::BTreeSet::new();
        for s in &envelope.signatures {
            if !s.keyid.is_empty() && !seen.insert(s.keyid.as_str()) {
                return Err(TrustFailure::Envelope(VerifyError::DuplicateKeyId {
                    keyid: s.keyid.clone(),
                }));
            }
        }
        let message = pae(&envelope.payload_type, &envelope.payload);
        let ids: Vec<String> = self.keys.iter().map(|k| k.key.keyid()).collect();
        // Most telling failure seen so far: rotated out > not permitted > bad.
        let mut failure: Option<TrustFailure> = None;
        let rank = |f: &TrustFailure| match f {
            TrustFailure::RotatedOut { .. } => 3,
            TrustFailure::NotPermitted { .. } => 2,
            TrustFailure::BadSignature { .. } => 1,
            _ => 0,
        };
        for s in &envelope.signatures {
            for (key, id) in self.keys.iter().zip(&ids) {
                if !s.keyid.is_empty() && s.keyid != *id {
                    continue;
                }
                let this = if !key.key.verify(&message, &s.sig) {
                    // An empty key id tried against every key is no evidence
                    // of a bad signature by this particular key.
                    if s.keyid.is_empty() {
                        continue;
                    }
                    TrustFailure::BadSignature {
                        key: key.name.clone(),
                    }
                } else if key.retired {
                    TrustFailure::RotatedOut {
                        key: key.name.clone(),
                    }
                } else if !key.permits(role) {
                    TrustFailure::NotPermitted {
                        key: key.name.clone(),
                        role: role.to_owned(),
                    }
                } else {
                    return Ok(key);
                };
                if failure.as_ref().is_none_or(|f| rank(&this) > rank(f)) {
                    failure = Some(this);
                }
            }
        }
        Err(failure.unwrap_or_else(|| TrustFailure::UnknownKey {
            keyids: envelope
                .signatures
                .iter()
                .map(|s| {
                    if s.keyid.is_empty() {
                        "(empty)".to_owned()
                    } else {
                        s.keyid.clone()
                    }
                })
                .collect(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{Ed25519Signer, Signer as _};

    fn signer(n: u8) -> Ed25519Signer {
        Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(&[n; 32]))
    }

    fn trusted(n: u8, name: &str, may_sign: &[&str], retired: bool) -> TrustedKey {
        TrustedKey {
            name: name.into(),
            key: signer(n).public_key(),
            may_sign: may_sign.iter().map(|s| (*s).to_owned()).collect(),
            retired,
        }
    }

    #[test]
    fn judges_roles_retirement_and_unknown_keys() {
        let mut policy = TrustPolicy::new(true);
        policy.add_key(trusted(1, "pipeline", &["transform:mask"], false));
        policy.add_key(trusted(2, "old", &["transform"], true));
        let by = |n| Envelope::sign("t", b"x".to_vec(), &signer(n)).unwrap();
        assert_eq!(
            policy.check(&by(1), "transform:mask").unwrap().name,
            "pipeline"
        );
        assert!(matches!(
            policy.check(&by(1), "train"),
            Err(TrustFailure::NotPermitted { .. })
        ));
        assert!(matches!(
            policy.check(&by(2), "transform:mask"),
            Err(TrustFailure::RotatedOut { .. })
        ));
        assert!(matches!(
            policy.check(&by(3), "transform:mask"),
            Err(TrustFailure::UnknownKey { .. })
        ));
        let mut forged = by(1);
        forged.payload = b"y".to_vec();
        assert!(matches!(
            policy.check(&forged, "transform:mask"),
            Err(TrustFailure::BadSignature { .. })
        ));
    }

    #[test]
    fn config_denies_unknown_fields_and_roles() {
        let ok = ProvenanceConfig::from_toml_str(
            "[provenance]\n[[provenance.keys]]\nname='a'\npublic_key='a.pem'\nmay_sign=['train']\n",
        )
        .unwrap();
        assert!(ok.require_transform);
        assert!(ProvenanceConfig::from_toml_str("[provenance]\nbogus = 1\n").is_err());
        let bad_role = ProvenanceConfig::from_toml_str(
            "[provenance]\n[[provenance.keys]]\nname='a'\npublic_key='a.pem'\nmay_sign=['deploy']\n",
        )
        .unwrap();
        let err = bad_role.build(Path::new(".")).unwrap_err().to_string();
        assert!(err.contains("deploy"), "{err}");
    }
}
