//! Key trust: which keys may sign which kind of step.
//!
//! [`ProvenanceConfig`] is the `[provenance]` section of `aigis.toml`
//! (`aigis verify --trust FILE` reads the same section from any TOML file).
//! A trusted key is either a keyring key, by name, or a PEM file:
//!
//! ```toml
//! [provenance]
//! require_transform = true            # training data must come from an attested transform
//!
//! [[provenance.keys]]
//! key = "attest"                      # a keyring key: every usable version
//! may_sign = ["transform", "train", "eval"]
//! accept_retired = false              # true: rotated-out versions still count
//!
//! [[provenance.keys]]
//! name = "partner"
//! public_key = "keys/partner.pub.pem" # relative to the file it is written in
//! may_sign = ["transform:mask"]
//! retired = false                     # true: its signatures no longer count
//! ```
//!
//! `may_sign` entries: `transform` (any step), `transform:<step>`, `train`,
//! `eval`, `model` (model signatures). A keyring entry is resolved through a
//! [`KeySource`] (the binary's keyring): each usable version becomes one
//! trusted key named `NAME@vN`; the current version is trusted to sign, the
//! versions a rotation retired are refused as rotated out unless the entry
//! says `accept_retired = true`. Disabled versions are not trusted at all.
//! [`TrustPolicy`] is the built form: keys loaded, ready to judge envelopes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dsse::{Envelope, pae};
use crate::error::{Error, Result, VerifyError};
use crate::keys::PublicKey;

/// The keyring key that signs attestations by default, and is trusted for
/// transform, train and eval when the configuration lists no keys.
pub const DEFAULT_ATTESTATION_KEY: &str = "attest";
/// The keyring key that signs models by default, and is trusted for model
/// signatures when the configuration lists no keys.
pub const DEFAULT_MODEL_KEY: &str = "signing";

/// The `[provenance]` section of `aigis.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvenanceConfig {
    /// Every dataset a model was trained on must be the output of an
    /// attested transform (default: true). When false, an unattested
    /// dataset is shown as a raw input.
    #[serde(default = "default_true")]
    pub require_transform: bool,
    /// Keys trusted to sign attestations and model signatures. Default: the
    /// keyring's `attest` key for transform, train and eval, and its
    /// `signing` key for models.
    #[serde(default = "default_keys")]
    pub keys: Vec<TrustedKeyConfig>,
}

fn default_true() -> bool {
    true
}

fn default_keys() -> Vec<TrustedKeyConfig> {
    vec![
        TrustedKeyConfig::keyring(DEFAULT_ATTESTATION_KEY, &["transform", "train", "eval"]),
        TrustedKeyConfig::keyring(DEFAULT_MODEL_KEY, &["model"]),
    ]
}

impl Default for ProvenanceConfig {
    fn default() -> Self {
        ProvenanceConfig {
            require_transform: true,
            keys: default_keys(),
        }
    }
}

/// One trusted key in the configuration: `key` (a keyring key) or
/// `public_key` (a PEM file), not both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedKeyConfig {
    /// The name to report. Default: the keyring key's name (`NAME@vN` per
    /// version); required with `public_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A keyring key, by name: every usable version is trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A PEM public key file, relative to the configuration file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PathBuf>,
    /// What this key may sign: `transform`, `transform:<step>`, `train`,
    /// `eval`, `model`.
    #[serde(default)]
    pub may_sign: Vec<String>,
    /// The key was rotated out: signatures by it (every version) are refused.
    #[serde(default)]
    pub retired: bool,
    /// For keyring keys: versions that a rotation retired still count.
    #[serde(default)]
    pub accept_retired: bool,
}

impl TrustedKeyConfig {
    /// An entry trusting keyring key `name` for `may_sign`.
    pub fn keyring(name: &str, may_sign: &[&str]) -> Self {
        TrustedKeyConfig {
            name: None,
            key: Some(name.to_owned()),
            public_key: None,
            may_sign: may_sign.iter().map(|s| (*s).to_owned()).collect(),
            retired: false,
            accept_retired: false,
        }
    }

    /// The name reported for this entry (before any `@vN`).
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.key.clone())
            .or_else(|| self.public_key.as_ref().map(|p| p.display().to_string()))
            .unwrap_or_default()
    }
}

/// One usable version of a keyring signing key.
#[derive(Debug, Clone)]
pub struct KeyVersion {
    /// Version number, from 1.
    pub version: u32,
    /// Its public key.
    pub key: PublicKey,
    /// True for the current (active) version; false for versions a rotation
    /// retired.
    pub current: bool,
}

/// Where trust entries that name a keyring key (`key = "attest"`) find its
/// versions. The binary implements it over the workspace keyring; the
/// library knows nothing of where keys live.
pub trait KeySource {
    /// Every usable (current or retired, not disabled) version of key
    /// `name`, oldest first.
    fn key_versions(&self, name: &str) -> Result<Vec<KeyVersion>>;
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

    /// Makes every relative `public_key` path relative to `base_dir` (the
    /// directory of the file the section was read from).
    pub fn resolve_paths(&mut self, base_dir: &Path) {
        for k in &mut self.keys {
            if let Some(p) = &mut k.public_key
                && p.is_relative()
            {
                *p = base_dir.join(&*p);
            }
        }
    }

    /// True when some entry names a keyring key (building needs a
    /// [`KeySource`]).
    pub fn uses_keyring(&self) -> bool {
        self.keys.iter().any(|k| k.key.is_some())
    }

    /// Loads the keys (relative `public_key` paths against `base_dir`,
    /// keyring entries through `keyring`) and checks every entry.
    pub fn build(&self, base_dir: &Path, keyring: Option<&dyn KeySource>) -> Result<TrustPolicy> {
        const WHAT: &str = "trust configuration";
        let mut policy = TrustPolicy::new(self.require_transform);
        for k in &self.keys {
            let label = k.display_name();
            for role in &k.may_sign {
                let known = matches!(role.as_str(), "transform" | "train" | "eval" | "model")
                    || role
                        .strip_prefix("transform:")
                        .is_some_and(|s| !s.is_empty());
                if !known {
                    return Err(Error::parse(
                        WHAT,
                        format!(
                            "key {label:?}: may_sign entry {role:?} is not one of transform, \
                             transform:<step>, train, eval, model"
                        ),
                    ));
                }
            }
            match (&k.key, &k.public_key) {
                (Some(name), None) => {
                    let source = keyring.ok_or_else(|| Error::Key {
                        path: None,
                        reason: format!(
                            "trusted key {label:?} is the keyring key {name:?}, but there is no \
                             keyring here (run inside an aigis workspace, or trust PEM files)"
                        ),
                    })?;
                    for v in source.key_versions(name)? {
                        policy.add_key(TrustedKey {
                            name: label.clone(),
                            version: Some(v.version),
                            key: v.key,
                            may_sign: k.may_sign.clone(),
                            retired: k.retired || (!v.current && !k.accept_retired),
                        });
                    }
                }
                (None, Some(path)) => {
                    let Some(name) = &k.name else {
                        return Err(Error::parse(
                            WHAT,
                            format!("key {}: a public_key entry needs a name", path.display()),
                        ));
                    };
                    if k.accept_retired {
                        return Err(Error::parse(
                            WHAT,
                            format!(
                                "key {name:?}: accept_retired applies to keyring keys (key = NAME)"
                            ),
                        ));
                    }
                    policy.add_key(TrustedKey {
                        name: name.clone(),
                        version: None,
                        key: PublicKey::from_pem_file(&base_dir.join(path))?,
                        may_sign: k.may_sign.clone(),
                        retired: k.retired,
                    });
                }
                _ => {
                    return Err(Error::parse(
                        WHAT,
                        format!(
                            "key {label:?}: give exactly one of key = NAME (keyring) and \
                             public_key = PATH (PEM file)"
                        ),
                    ));
                }
            }
        }
        Ok(policy)
    }
}

/// A key the verifier trusts, with what it may sign.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    /// The name to report: the trust entry's name (the keyring key's name
    /// for keyring entries).
    pub name: String,
    /// The keyring version this is, for keyring entries.
    pub version: Option<u32>,
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

    /// `NAME@vN` for a keyring version, else the name.
    pub fn label(&self) -> String {
        match self.version {
            Some(v) => format!("{}@v{v}", self.name),
            None => self.name.clone(),
        }
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
    #[error(
        "untrusted key: {role} is signed by key id(s) {} that no trusted key has",
        keyids.join(", ")
    )]
    UnknownKey {
        /// The key ids in the envelope (or the model signature's key hint).
        keyids: Vec<String>,
        /// The step that was signed.
        role: String,
    },
    /// A signature names a trusted key but does not verify.
    #[error("bad signature: the signature by key {key} does not verify")]
    BadSignature {
        /// The trusted key's label (`NAME@vN` for keyring keys).
        key: String,
    },
    /// A valid signature by a trusted key that may not sign this role.
    #[error("untrusted key: key {key} (key id {keyid}) may not sign {role}")]
    NotPermitted {
        /// The key's label.
        key: String,
        /// Its key id.
        keyid: String,
        /// The role it tried to sign.
        role: String,
    },
    /// A valid signature by a key that was rotated out.
    #[error("{}", rotated_out_text(key, *version, role))]
    RotatedOut {
        /// The key's name (without a version).
        key: String,
        /// The retired keyring version, for keyring keys.
        version: Option<u32>,
        /// The role it signed.
        role: String,
    },
}

fn rotated_out_text(key: &str, version: Option<u32>, role: &str) -> String {
    match version {
        Some(v) => format!(
            "rotated-out key version {v} of {key} signed {role}: signatures by retired \
             versions are refused (set accept_retired = true on the trust entry for {key} \
             to accept them)"
        ),
        None => format!("rotated-out key: key {key} (signed {role}) is marked retired"),
    }
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
                    TrustFailure::BadSignature { key: key.label() }
                } else if key.retired {
                    TrustFailure::RotatedOut {
                        key: key.name.clone(),
                        version: key.version,
                        role: role.to_owned(),
                    }
                } else if !key.permits(role) {
                    TrustFailure::NotPermitted {
                        key: key.label(),
                        keyid: id.clone(),
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
            role: role.to_owned(),
        }))
    }

    /// The trusted key that verifies a model signature whose key hint is
    /// `hint` (model-signing's hex SHA-256 of the PEM; `None` when the
    /// bundle has none): an ECDSA P-256 key with that hint, allowed to sign
    /// `model`, not retired. The caller still verifies the signature.
    pub fn model_key(&self, hint: Option<&str>) -> Result<&TrustedKey, TrustFailure> {
        const ROLE: &str = "model";
        let mut failure: Option<TrustFailure> = None;
        for key in &self.keys {
            if !matches!(key.key, PublicKey::EcdsaP256(_))
                || hint.is_some_and(|h| h != key.key.pem_hint())
            {
                continue;
            }
            if key.retired {
                failure = Some(TrustFailure::RotatedOut {
                    key: key.name.clone(),
                    version: key.version,
                    role: ROLE.to_owned(),
                });
            } else if !key.permits(ROLE) {
                if failure.is_none() {
                    failure = Some(TrustFailure::NotPermitted {
                        key: key.label(),
                        keyid: key.key.keyid(),
                        role: ROLE.to_owned(),
                    });
                }
            } else {
                return Ok(key);
            }
        }
        Err(failure.unwrap_or_else(|| TrustFailure::UnknownKey {
            keyids: vec![hint.map_or_else(|| "(no key hint)".to_owned(), |h| format!("hint {h}"))],
            role: ROLE.to_owned(),
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
            version: None,
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
        assert!(!ok.uses_keyring());
        assert!(ProvenanceConfig::from_toml_str("[provenance]\nbogus = 1\n").is_err());
        let bad_role = ProvenanceConfig::from_toml_str(
            "[provenance]\n[[provenance.keys]]\nname='a'\npublic_key='a.pem'\nmay_sign=['deploy']\n",
        )
        .unwrap();
        let err = bad_role
            .build(Path::new("."), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("deploy"), "{err}");
        for both_or_neither in [
            "name='a'\nkey='k'\npublic_key='a.pem'\n",
            "name='a'\nmay_sign=['train']\n",
        ] {
            let cfg = ProvenanceConfig::from_toml_str(&format!(
                "[provenance]\n[[provenance.keys]]\n{both_or_neither}"
            ))
            .unwrap();
            let err = cfg.build(Path::new("."), None).unwrap_err().to_string();
            assert!(err.contains("exactly one"), "{err}");
        }
        let unnamed = ProvenanceConfig::from_toml_str(
            "[provenance]\n[[provenance.keys]]\npublic_key='a.pem'\n",
        )
        .unwrap();
        let err = unnamed.build(Path::new("."), None).unwrap_err().to_string();
        assert!(err.contains("needs a name"), "{err}");
    }

    /// A keyring stand-in: version 1 retired, version 2 current.
    struct Rotated;

    impl KeySource for Rotated {
        fn key_versions(&self, name: &str) -> Result<Vec<KeyVersion>> {
            if name != "attest" {
                return Err(Error::Key {
                    path: None,
                    reason: format!("no key {name:?}"),
                });
            }
            Ok(vec![
                KeyVersion {
                    version: 1,
                    key: signer(1).public_key(),
                    current: false,
                },
                KeyVersion {
                    version: 2,
                    key: signer(2).public_key(),
                    current: true,
                },
            ])
        }
    }

    #[test]
    fn keyring_entries_trust_the_current_version_and_retire_the_rest() {
        let by = |n| Envelope::sign("t", b"x".to_vec(), &signer(n)).unwrap();
        let defaults = ProvenanceConfig::from_toml_str("[provenance]\n").unwrap();
        assert_eq!(defaults, ProvenanceConfig::default());
        assert!(defaults.uses_keyring());
        let err = defaults
            .build(Path::new("."), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no keyring"), "{err}");
        // The default also names the `signing` key, which this source lacks.
        assert!(defaults.build(Path::new("."), Some(&Rotated)).is_err());

        let strict = ProvenanceConfig::from_toml_str(
            "[provenance]\nkeys = [{ key = 'attest', may_sign = ['train'] }]\n",
        )
        .unwrap()
        .build(Path::new("."), Some(&Rotated))
        .unwrap();
        assert_eq!(strict.check(&by(2), "train").unwrap().label(), "attest@v2");
        let failure = strict.check(&by(1), "train").unwrap_err();
        assert_eq!(
            failure,
            TrustFailure::RotatedOut {
                key: "attest".into(),
                version: Some(1),
                role: "train".into(),
            }
        );
        assert!(
            failure
                .to_string()
                .starts_with("rotated-out key version 1 of attest signed train"),
            "{failure}"
        );
        let lenient = ProvenanceConfig::from_toml_str(
            "[provenance]\nkeys = [{ key = 'attest', name = 'ml', may_sign = ['train'], accept_retired = true }]\n",
        )
        .unwrap()
        .build(Path::new("."), Some(&Rotated))
        .unwrap();
        assert_eq!(lenient.check(&by(1), "train").unwrap().label(), "ml@v1");
        assert_eq!(lenient.check(&by(2), "train").unwrap().label(), "ml@v2");
    }

    #[test]
    fn model_keys_are_picked_by_hint_and_judged() {
        use crate::keys::EcdsaP256Signer;
        let p256 = |n: u8| {
            EcdsaP256Signer::new(p256::ecdsa::SigningKey::from_slice(&[n; 32]).unwrap())
                .public_key()
        };
        let mut policy = TrustPolicy::new(true);
        for (n, version, retired, may_sign) in [
            (1, 1, true, "model"),
            (2, 2, false, "model"),
            (3, 1, false, "train"),
        ] {
            policy.add_key(TrustedKey {
                name: if n == 3 {
                    "other".into()
                } else {
                    "signing".into()
                },
                version: Some(version),
                key: p256(n),
                may_sign: vec![may_sign.into()],
                retired,
            });
        }
        let hint = |n| p256(n).pem_hint();
        assert_eq!(
            policy.model_key(Some(&hint(2))).unwrap().label(),
            "signing@v2"
        );
        let old = policy.model_key(Some(&hint(1))).unwrap_err();
        assert!(
            old.to_string()
                .starts_with("rotated-out key version 1 of signing signed model"),
            "{old}"
        );
        let wrong_role = policy.model_key(Some(&hint(3))).unwrap_err().to_string();
        assert!(
            wrong_role.contains("other@v1") && wrong_role.contains(&p256(3).keyid()),
            "{wrong_role}"
        );
        let unknown = policy.model_key(Some(&hint(4))).unwrap_err().to_string();
        assert!(
            unknown.starts_with("untrusted key: model is signed by key id(s) hint"),
            "{unknown}"
        );
        // No hint: the first usable model key.
        assert_eq!(policy.model_key(None).unwrap().label(), "signing@v2");
    }

    #[test]
    fn relative_pem_paths_resolve_against_the_config_directory() {
        let mut cfg = ProvenanceConfig::from_toml_str(
            "[provenance]\nkeys = [{ name = 'a', public_key = 'k/a.pem' }, { name = 'b', public_key = '/abs/b.pem' }]\n",
        )
        .unwrap();
        cfg.resolve_paths(Path::new("/ws/.aigis"));
        assert_eq!(
            cfg.keys[0].public_key.as_deref(),
            Some(Path::new("/ws/.aigis/k/a.pem"))
        );
        assert_eq!(
            cfg.keys[1].public_key.as_deref(),
            Some(Path::new("/abs/b.pem"))
        );
    }
}
