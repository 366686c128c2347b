//! Resolved settings: command line > environment > `.aigis/aigis.toml`.
//!
//! This module owns the workspace layout (where `.aigis/` is and what is in
//! it), assembles `aigis.toml` from the sections each library owns, and
//! resolves the master key. Commands get a [`Settings`] and never read
//! environment variables themselves.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use aigis_keys::{KdfParams, Keyring, KeysConfig, MasterKey};
use aigis_ledger::LedgerConfig;
use aigis_policy::PolicyConfig;
use aigis_provenance::ProvenanceConfig;

/// Environment variables aigis reads (documented in docs/keys.md and
/// docs/ledger.md).
pub(crate) mod env {
    /// The workspace directory itself (`.../.aigis`), instead of searching.
    pub(crate) const HOME: &str = "AIGIS_HOME";
    /// The master key: base64 of 32 bytes.
    pub(crate) const MASTER_KEY: &str = "AIGIS_MASTER_KEY";
    /// Passphrase for keyrings created with `aigis init --passphrase`.
    pub(crate) const MASTER_PASSPHRASE: &str = "AIGIS_MASTER_PASSPHRASE";
    /// Who is acting, recorded as the ledger event's actor.
    pub(crate) const ACTOR: &str = "AIGIS_ACTOR";
    /// `debug` prints diagnostic notes on stderr.
    pub(crate) const LOG: &str = "AIGIS_LOG";
}

/// Name of the workspace directory.
pub(crate) const WORKSPACE_DIR: &str = ".aigis";

/// A workspace: the `.aigis/` directory and its parts.
#[derive(Debug, Clone)]
pub(crate) struct Workspace {
    root: PathBuf,
}

impl Workspace {
    pub(crate) fn at(root: PathBuf) -> Self {
        Workspace { root }
    }

    /// `AIGIS_HOME` if set, else the nearest `.aigis/` walking up from the
    /// current directory; `None` when there is none.
    pub(crate) fn discover() -> anyhow::Result<Option<Workspace>> {
        if let Some(home) = std::env::var_os(env::HOME) {
            let root = PathBuf::from(home);
            if !root.join("aigis.toml").is_file() {
                bail!(
                    "{} is set to {} but that is not an aigis workspace (run `aigis init`)",
                    env::HOME,
                    root.display()
                );
            }
            return Ok(Some(Workspace { root }));
        }
        let cwd = std::env::current_dir().context("current directory")?;
        Ok(cwd
            .ancestors()
            .map(|d| d.join(WORKSPACE_DIR))
            .find(|d| d.join("aigis.toml").is_file())
            .map(|root| Workspace { root }))
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The directory that holds `.aigis/`: relative paths in aigis.toml
    /// are relative to it.
    pub(crate) fn base_dir(&self) -> &Path {
        self.root.parent().unwrap_or(Path::new("."))
    }

    pub(crate) fn config_path(&self) -> PathBuf {
        self.root.join("aigis.toml")
    }

    pub(crate) fn db_path(&self) -> PathBuf {
        self.root.join("aigis.db")
    }

    pub(crate) fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    pub(crate) fn quarantine_dir(&self) -> PathBuf {
        self.root.join("quarantine")
    }

    /// Compliance reports of `aigis mask` runs, one directory per run.
    pub(crate) fn reports_dir(&self) -> PathBuf {
        self.root.join("reports")
    }

    /// The attestation store (content-addressed DSSE envelopes).
    pub(crate) fn attestations_dir(&self) -> PathBuf {
        self.root.join("attestations")
    }
}

/// `aigis.toml`: one section per library, each owned by that library.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    /// `[keys]` (aigis-keys).
    #[serde(default)]
    pub(crate) keys: KeysConfig,
    /// `[ledger]` (aigis-ledger).
    #[serde(default)]
    pub(crate) ledger: LedgerConfig,
    /// `[mask]` (aigis-redact): masking rules and the gate.
    #[serde(default)]
    pub(crate) mask: aigis_redact::MaskConfig,
    /// `[provenance]` (aigis-provenance): trusted keys for `aigis verify`.
    #[serde(default)]
    pub(crate) provenance: ProvenanceConfig,
    /// `[policy]` (aigis-policy).
    #[serde(default)]
    pub(crate) policy: PolicyConfig,
}

impl FileConfig {
    /// Reads `path`; relative paths inside are made relative to its directory.
    pub(crate) fn load(path: &Path) -> anyhow::Result<FileConfig> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut config: FileConfig = toml::from_str(&text)
            .with_context(|| format!("{}: invalid configuration", path.display()))?;
        config
            .provenance
            .resolve_paths(path.parent().unwrap_or(Path::new(".")));
        Ok(config)
    }
}

/// Everything a command needs to know about where it runs.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The workspace, when one was found.
    pub(crate) workspace: Option<Workspace>,
    /// `aigis.toml` (defaults when there is no workspace).
    pub(crate) config: FileConfig,
    /// The actor recorded in ledger events.
    pub(crate) actor: String,
    /// Print diagnostic notes.
    pub(crate) debug: bool,
    /// Quiet: no summaries on stderr.
    pub(crate) quiet: bool,
}

impl Settings {
    pub(crate) fn load(quiet: bool) -> anyhow::Result<Settings> {
        let workspace = Workspace::discover()?;
        let config = match &workspace {
            Some(ws) => FileConfig::load(&ws.config_path())?,
            None => FileConfig::default(),
        };
        Ok(Settings {
            workspace,
            config,
            actor: default_actor(),
            debug: std::env::var(env::LOG).is_ok_and(|v| v.eq_ignore_ascii_case("debug")),
            quiet,
        })
    }

    /// Settings for `aigis init`: no workspace is looked up (it is being
    /// made), defaults for everything else.
    pub(crate) fn load_for_init(quiet: bool) -> anyhow::Result<Settings> {
        Ok(Settings {
            workspace: None,
            config: FileConfig::default(),
            actor: default_actor(),
            debug: std::env::var(env::LOG).is_ok_and(|v| v.eq_ignore_ascii_case("debug")),
            quiet,
        })
    }

    /// The workspace, or an error telling how to make one.
    pub(crate) fn require_workspace(&self) -> anyhow::Result<&Workspace> {
        self.workspace.as_ref().with_context(|| {
            format!(
                "no aigis workspace: no {WORKSPACE_DIR}/ here or above, and {} is not set (run `aigis init`)",
                env::HOME
            )
        })
    }

    /// A message for people on stderr, unless `--quiet`.
    pub(crate) fn note(&self, text: &str) {
        if !self.quiet {
            crate::output::note(text);
        }
    }

    /// A diagnostic note on stderr when `AIGIS_LOG=debug`.
    pub(crate) fn debug_note(&self, note: &str) {
        if self.debug {
            crate::output::note(&format!("debug: {note}"));
        }
    }

    /// Opens the workspace keyring with the master key.
    pub(crate) fn keyring(&self) -> anyhow::Result<Keyring> {
        let ws = self.require_workspace()?;
        let master = master_key(ws, &self.config.keys)?;
        Keyring::open(ws.keys_dir(), master).map_err(Into::into)
    }
}

fn default_actor() -> String {
    if let Ok(actor) = std::env::var(env::ACTOR)
        && !actor.trim().is_empty()
    {
        return actor;
    }
    match std::env::var("USER").or_else(|_| std::env::var("LOGNAME")) {
        Ok(user) if !user.is_empty() => format!("user:{user}"),
        _ => "user:unknown".to_owned(),
    }
}

/// Resolves a `master_key_file` setting: relative paths are relative to the
/// directory that holds `.aigis/`.
fn resolve_key_file(ws: &Workspace, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_owned()
    } else {
        ws.base_dir().join(path)
    }
}

/// Refuses a master key file inside the workspace it protects.
pub(crate) fn check_outside(ws_root: &Path, key_file: &Path) -> anyhow::Result<()> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let key_dir = key_file.parent().map(canon).unwrap_or_default();
    if key_dir.starts_with(canon(ws_root)) {
        return Err(aigis_keys::KeyError::MasterKeyInWorkspace {
            path: key_file.to_owned(),
        }
        .into());
    }
    Ok(())
}

/// The master key: `AIGIS_MASTER_KEY`, else `[keys] master_key_file`, else
/// the passphrase in `AIGIS_MASTER_PASSPHRASE` for a passphrase keyring.
pub(crate) fn master_key(ws: &Workspace, cfg: &KeysConfig) -> anyhow::Result<MasterKey> {
    if let Ok(text) = std::env::var(env::MASTER_KEY) {
        let text = Zeroizing::new(text);
        return Ok(MasterKey::from_base64(&text)?);
    }
    if let Some(path) = &cfg.master_key_file {
        let path = resolve_key_file(ws, path);
        check_outside(ws.root(), &path)?;
        return Ok(MasterKey::from_file(&path)?);
    }
    if let Some(params) = Keyring::kdf_params(&ws.keys_dir())? {
        return passphrase_key(&params);
    }
    bail!(
        "no master key: set {} (base64 of 32 bytes), or master_key_file in [keys] of {}",
        env::MASTER_KEY,
        ws.config_path().display()
    )
}

/// Derives the master key from `AIGIS_MASTER_PASSPHRASE`.
pub(crate) fn passphrase_key(params: &KdfParams) -> anyhow::Result<MasterKey> {
    let pass = Zeroizing::new(std::env::var(env::MASTER_PASSPHRASE).map_err(|_| {
        anyhow::anyhow!(
            "this keyring's master key is derived from a passphrase: set {}",
            env::MASTER_PASSPHRASE
        )
    })?);
    if pass.is_empty() {
        bail!("{} is empty", env::MASTER_PASSPHRASE);
    }
    Ok(MasterKey::from_passphrase(pass.as_bytes(), params)?)
}

/// The commented `aigis.toml` that `aigis init` writes: every default
/// shown, the master key file set when one was given.
pub(crate) fn default_config_text(master_key_file: Option<&Path>) -> String {
    let defaults = LedgerConfig::default();
    let provenance = ProvenanceConfig::default();
    let trusted_keys = provenance
        .keys
        .iter()
        .map(|k| {
            let mut table = toml::Table::try_from(k).unwrap_or_default();
            // Show only what an entry needs; the rest are defaults.
            table.retain(|_, v| v.as_bool() != Some(false));
            toml::Value::Table(table).to_string()
        })
        .collect::<Vec<_>>()
        .join(", ");
    let key_line = match master_key_file {
        Some(p) => format!(
            "master_key_file = {}",
            toml_string(&p.display().to_string())
        ),
        None => "# master_key_file = \"/etc/aigis/master.key\"".to_owned(),
    };
    format!(
        r#"# aigis workspace configuration. Commented values are the defaults.
# Precedence: command-line flags > environment variables > this file.

[keys]
# Where the master key that wraps every key in keys/ comes from, first match:
#   1. AIGIS_MASTER_KEY: base64 of 32 random bytes (`head -c32 /dev/urandom | base64`)
#   2. master_key_file: a file holding that base64 text, mode 0600, outside .aigis/
#   3. AIGIS_MASTER_PASSPHRASE, for a keyring made with `aigis init --passphrase`
#      (Argon2id; salt and costs are kept in keys/keyring.json)
# The master key is never stored in this directory.
{key_line}

[ledger]
# Sign a checkpoint once this many events are past the newest one (0: never by count).
# checkpoint_every_events = {events}
# ...or on the next append once the newest checkpoint is this many seconds old (0: never).
# checkpoint_every_seconds = {seconds}
# Ed25519 key in keys/ that signs checkpoints.
# signing_key = "{key}"

[provenance]
# Every dataset a model was trained on must come out of an attested transform.
# require_transform = {require_transform}
# Keys `aigis verify` trusts and what each may sign: transform, transform:<step>,
# train, eval, model. An entry names a keyring key with `key` (its current version
# is trusted; versions retired by `aigis keys rotate` are refused as rotated out
# unless `accept_retired` is true), or a PEM file with `name` and `public_key`
# (relative to this file). `aigis verify --trust FILE` uses FILE's section instead.
# keys = [{trusted_keys}]

{policy}
{mask}"#,
        events = defaults.checkpoint_every_events,
        seconds = defaults.checkpoint_every_seconds,
        key = defaults.signing_key,
        require_transform = provenance.require_transform,
        policy = PolicyConfig::commented_defaults(),
        mask = aigis_redact::render_default_toml(),
    )
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_defaults_parse_back_to_defaults() {
        let parsed: FileConfig = toml::from_str(&default_config_text(None)).unwrap();
        assert_eq!(parsed, FileConfig::default());
        // Uncomment every default (the [policy.params] lines are examples,
        // not defaults, and stay commented).
        let uncommented: String = default_config_text(None)
            .lines()
            .take_while(|l| !l.contains("[policy.params]"))
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") && !rest.contains("master_key_file") => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let parsed: FileConfig = toml::from_str(&uncommented).unwrap();
        assert_eq!(parsed, FileConfig::default());
        let with_file: FileConfig =
            toml::from_str(&default_config_text(Some(Path::new("/k/m.key")))).unwrap();
        assert_eq!(
            with_file.keys.master_key_file,
            Some(PathBuf::from("/k/m.key"))
        );
    }

    #[test]
    fn policy_section_is_the_policy_crates_config() {
        let parsed: FileConfig = toml::from_str(
            "[policy]\ndisable = [\"endpoint.rate_limit\"]\ntimeout_ms = 200\n\
             [policy.params]\nallowed_storage_prefixes = [\"s3://a/\"]\n",
        )
        .unwrap();
        assert_eq!(parsed.policy.disable, ["endpoint.rate_limit"]);
        assert_eq!(parsed.policy.timeout_ms, 200);
        assert_eq!(
            parsed.policy.params["allowed_storage_prefixes"][0],
            "s3://a/"
        );
        assert!(toml::from_str::<FileConfig>("[policy]\ndisabel = []\n").is_err());
    }

    #[test]
    fn unknown_sections_and_keys_are_refused() {
        assert!(toml::from_str::<FileConfig>("[ledger]\ncheckpoint_every = 3\n").is_err());
        assert!(toml::from_str::<FileConfig>("[nope]\n").is_err());
    }
}
