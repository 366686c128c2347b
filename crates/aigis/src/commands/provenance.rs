//! Plumbing shared by `sign`, `attest` and `verify`: resolving signing keys
//! (keyring or PEM file), trusted keys, the attestation store and the
//! ledger, and the walk options.
//!
//! Keys by name come from the workspace keyring: `signing` (ECDSA P-256)
//! signs models, `attest` (Ed25519) signs attestations. A PEM file
//! (`--key-file`, `--public-key`) works anywhere; without a workspace the
//! run is not recorded in a ledger, and a note says so.

use std::path::{Path, PathBuf};

use aigis_keys::{KeyKind, Keyring, VersionState, defaults};
use aigis_ledger::Subject;
use aigis_provenance::{
    AttestationStore, EcdsaP256Signer, Ed25519Signer, KeySource, KeyVersion, ProvenanceConfig,
    PublicKey, Signer, TrustPolicy, TrustedKey, TrustedKeyConfig, signer_from_pem_file,
};
use anyhow::{Context as _, bail};

use crate::audit::Audit;
use crate::cli::{GlobalArgs, SigningKeyArgs, StoreArgs, WalkArgs};
use crate::settings::Settings;

/// What a key is for; decides the keyring default and the kinds allowed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyPurpose {
    /// Model signatures: ECDSA P-256, keyring default `signing`.
    Model,
    /// Attestations: Ed25519 (or P-256), keyring default `attest`.
    Attestation,
}

impl KeyPurpose {
    fn default_key(self) -> &'static str {
        match self {
            KeyPurpose::Model => defaults::SIGNING,
            KeyPurpose::Attestation => defaults::ATTEST,
        }
    }
}

/// Installs the global rayon pool size from `--threads`.
pub(crate) fn init_threads(global: &GlobalArgs) {
    if let Some(n) = global.threads {
        // Fails only when a pool was already installed; that one stays.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
}

/// One run of a provenance command: its settings, the keyring once opened,
/// and the ledger.
pub(crate) struct Run<'a> {
    pub(crate) settings: &'a Settings,
    keyring: Option<Keyring>,
}

impl<'a> Run<'a> {
    pub(crate) fn new(settings: &'a Settings) -> Self {
        Run {
            settings,
            keyring: None,
        }
    }

    /// The workspace keyring, opened once; `why` says what needs it.
    pub(crate) fn keyring(&mut self, why: &str) -> anyhow::Result<&Keyring> {
        if self.keyring.is_none() {
            if self.settings.workspace.is_none() {
                bail!(
                    "{why} needs the keyring of an aigis workspace, and there is none here \
                     (run `aigis init`, set AIGIS_HOME, or use a PEM key file)"
                );
            }
            self.keyring = Some(self.settings.keyring()?);
        }
        self.keyring.as_ref().context("the keyring was just opened")
    }

    /// The signer named on the command line: `--key-file PEM`, else keyring
    /// key `--key NAME`, else the purpose's default key.
    pub(crate) fn signer(
        &mut self,
        args: &SigningKeyArgs,
        purpose: KeyPurpose,
    ) -> anyhow::Result<NamedSigner> {
        if let Some(path) = &args.key_file {
            let signer = signer_from_pem_file(path).context("cannot load the signing key")?;
            let label = format!("key file {}", short_id(&signer.public_key()));
            return Ok(NamedSigner { signer, label });
        }
        let name = args.key.as_deref().unwrap_or(purpose.default_key());
        let keyring = self
            .keyring(&format!("signing with keyring key {name:?}"))
            .context("pass --key-file PEM to sign with a key file instead")?;
        keyring_signer(keyring, name, purpose)
    }

    /// The ledger: the workspace's, or none (with a note) outside one.
    pub(crate) fn audit(&self) -> anyhow::Result<Audit> {
        if self.settings.workspace.is_none() {
            self.settings
                .note("note: no aigis workspace: this run is not recorded in a ledger");
        }
        Audit::open_with(self.settings, self.keyring.as_ref())
    }

    /// The attestation store: `--store` / `AIGIS_ATTESTATION_STORE`, else
    /// the workspace's `attestations/`.
    pub(crate) fn store(&self, args: &StoreArgs) -> anyhow::Result<AttestationStore> {
        let dir = match (&args.store, &self.settings.workspace) {
            (Some(dir), _) => dir.clone(),
            (None, Some(ws)) => ws.attestations_dir(),
            (None, None) => bail!(
                "no attestation store: pass --store DIR, set AIGIS_ATTESTATION_STORE, \
                 or run inside an aigis workspace (its .aigis/attestations)"
            ),
        };
        AttestationStore::open(&dir)
            .with_context(|| format!("cannot open the attestation store {}", dir.display()))
    }

    /// The keys `aigis verify` trusts: `--public-key PEM` (every step), else
    /// `--trust FILE`, else keyring key `--key NAME` (every step), else the
    /// workspace's `[provenance]` section (docs/provenance.md).
    pub(crate) fn trust_policy(
        &mut self,
        trust_file: Option<&Path>,
        public_key: Option<&PublicKey>,
        key: Option<&str>,
    ) -> anyhow::Result<TrustPolicy> {
        const EVERY_STEP: [&str; 4] = ["transform", "train", "eval", "model"];
        let require_transform = self.settings.config.provenance.require_transform;
        let (config, base) = if let Some(public) = public_key {
            let mut policy = TrustPolicy::new(require_transform);
            policy.add_key(TrustedKey {
                name: format!("--public-key {}", short_id(public)),
                version: None,
                key: public.clone(),
                may_sign: EVERY_STEP.map(str::to_owned).to_vec(),
                retired: false,
            });
            return Ok(policy);
        } else if let Some(path) = trust_file {
            let mut config = ProvenanceConfig::from_toml_file(path)?;
            let base = path.parent().unwrap_or(Path::new(".")).to_owned();
            config.resolve_paths(&base);
            (config, base)
        } else if let Some(name) = key {
            let config = ProvenanceConfig {
                require_transform,
                keys: vec![TrustedKeyConfig::keyring(name, &EVERY_STEP)],
            };
            (config, PathBuf::from("."))
        } else if let Some(ws) = &self.settings.workspace {
            (
                self.settings.config.provenance.clone(),
                ws.root().to_owned(),
            )
        } else {
            bail!(
                "no trusted keys: run inside an aigis workspace (its [provenance] section), \
                 or pass --trust FILE, --public-key PEM or --key NAME"
            );
        };
        let policy = if config.uses_keyring() {
            let keyring = self.keyring("trusting keyring keys")?;
            config.build(&base, Some(&KeyringSource(keyring)))
        } else {
            config.build(&base, None)
        };
        policy.context("cannot load the trusted keys")
    }
}

/// A signer and how it is named in messages and ledger events.
pub(crate) struct NamedSigner {
    /// The key.
    pub(crate) signer: Box<dyn Signer>,
    /// `NAME@vN` for keyring keys, `key file <id>` for PEM files.
    pub(crate) label: String,
}

/// The current version of keyring key `name`, as a signer for `purpose`.
fn keyring_signer(
    keyring: &Keyring,
    name: &str,
    purpose: KeyPurpose,
) -> anyhow::Result<NamedSigner> {
    let kind = keyring.info(name)?.kind;
    let (signer, label): (Box<dyn Signer>, String) = match (kind, purpose) {
        (KeyKind::EcdsaP256, _) => {
            let key = keyring.p256_signer(name)?;
            (
                Box::new(EcdsaP256Signer::new(key.signing_key().clone())),
                key.id().to_string(),
            )
        }
        (KeyKind::Ed25519, KeyPurpose::Attestation) => {
            let key = keyring.ed25519_signer(name)?;
            (
                Box::new(Ed25519Signer::new(key.signing_key().clone())),
                key.id().to_string(),
            )
        }
        (KeyKind::Ed25519, KeyPurpose::Model) => bail!(
            "keyring key {name:?} is ed25519, but model signatures need an ECDSA P-256 key \
             (model_signing accepts only elliptic-curve keys); the default `{}` is one",
            defaults::SIGNING
        ),
        (other, _) => bail!("keyring key {name:?} is {other}, not a signing key"),
    };
    Ok(NamedSigner { signer, label })
}

/// The first 16 hex digits of a key's id.
pub(crate) fn short_id(key: &PublicKey) -> String {
    let id = key.keyid();
    id.get(..16).unwrap_or(&id).to_owned()
}

/// Trust entries that name keyring keys find their versions here.
struct KeyringSource<'a>(&'a Keyring);

impl KeySource for KeyringSource<'_> {
    fn key_versions(&self, name: &str) -> aigis_provenance::Result<Vec<KeyVersion>> {
        let err = |e: aigis_keys::KeyError| aigis_provenance::Error::Key {
            path: None,
            reason: format!("keyring key {name:?}: {e}"),
        };
        let info = self.0.info(name).map_err(err)?;
        info.versions
            .iter()
            .filter(|v| v.state != VersionState::Disabled)
            .map(|v| {
                let key = match self.0.public_key(name, Some(v.version)).map_err(err)? {
                    aigis_keys::PublicKey::Ed25519(k) => PublicKey::Ed25519(k),
                    aigis_keys::PublicKey::P256(k) => PublicKey::EcdsaP256(k),
                    _ => {
                        return Err(aigis_provenance::Error::Key {
                            path: None,
                            reason: format!("keyring key {name:?}: unsupported key kind"),
                        });
                    }
                };
                Ok(KeyVersion {
                    version: v.version,
                    key,
                    current: v.state == VersionState::Active,
                })
            })
            .collect()
    }
}

/// A ledger subject for an artifact: its kind, its path as given, its digest.
pub(crate) fn artifact_subject(kind: &str, name: &str, sha256_hex: &str) -> Subject {
    let subject = Subject::new(kind, name);
    if sha256_hex.len() == 64 {
        subject.with_digest(format!("sha256:{sha256_hex}"))
    } else {
        subject
    }
}

/// Writes `value` as pretty JSON and a newline to stdout.
pub(crate) fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    crate::output::text(&text)
}

/// `file` relative to the directory `root` when it lies inside it (as
/// `/`-separated components), resolving symlinks and `..` first.
pub(crate) fn relative_inside(root: &Path, file: &Path) -> Option<String> {
    let root = std::fs::canonicalize(root).ok()?;
    let file = std::fs::canonicalize(file).ok().or_else(|| {
        let parent = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        Some(std::fs::canonicalize(parent).ok()?.join(file.file_name()?))
    })?;
    let rel = file.strip_prefix(&root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let joined = parts?.join("/");
    (!joined.is_empty()).then_some(joined)
}

/// The user's `--ignore` paths (relative to the current directory, as with
/// model_signing) made relative to the model root, plus `extra` files (the
/// signature) when they sit inside the model.
pub(crate) fn ignore_paths(walk: &WalkArgs, model: &Path, extra: &[&Path]) -> Vec<String> {
    walk.ignore
        .iter()
        .map(PathBuf::as_path)
        .chain(extra.iter().copied())
        .filter_map(|p| relative_inside(model, p))
        .collect()
}
