//! Plumbing shared by `sign`, `attest` and `verify`: resolving keys and the
//! attestation store, the thread pool, and writing output.
//!
//! Keys come from `--key-file` PEM files today. `--key NAME` (the keyring)
//! resolves here once aigis-keys is merged; the commands only see a
//! `Box<dyn Signer>` or a `PublicKey`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use aigis_provenance::{AttestationStore, PublicKey, Signer, signer_from_pem_file};
use anyhow::{Context as _, bail};

use crate::cli::{GlobalArgs, SigningKeyArgs, StoreArgs, WalkArgs};

/// What a key is for; decides the keyring default.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyPurpose {
    /// Model signatures: ECDSA P-256, keyring default `signing`.
    Model,
    /// Attestations: Ed25519, keyring default `attest`.
    Attestation,
}

impl KeyPurpose {
    fn default_key(self) -> &'static str {
        match self {
            KeyPurpose::Model => "signing",
            KeyPurpose::Attestation => "attest",
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

/// The signer named on the command line.
pub(crate) fn resolve_signer(
    args: &SigningKeyArgs,
    purpose: KeyPurpose,
) -> anyhow::Result<Box<dyn Signer>> {
    if let Some(path) = &args.key_file {
        return signer_from_pem_file(path).context("cannot load the signing key");
    }
    let name = args.key.as_deref().unwrap_or(purpose.default_key());
    bail!(
        "keyring key {name:?} is not available: this build has no keyring yet; \
         sign with --key-file PEM"
    )
}

/// The public key named on the command line, if any.
pub(crate) fn resolve_public_key(
    public_key: Option<&Path>,
    key: Option<&str>,
) -> anyhow::Result<Option<PublicKey>> {
    if let Some(path) = public_key {
        return Ok(Some(
            PublicKey::from_pem_file(path).context("cannot load the public key")?,
        ));
    }
    if let Some(name) = key {
        bail!(
            "keyring key {name:?} is not available: this build has no keyring yet; \
             pass --public-key PEM"
        );
    }
    Ok(None)
}

/// Opens the attestation store.
pub(crate) fn open_store(args: &StoreArgs) -> anyhow::Result<AttestationStore> {
    let Some(dir) = &args.store else {
        bail!(
            "no attestation store: pass --store DIR or set AIGIS_ATTESTATION_STORE \
             (the .aigis workspace store arrives with `aigis init`)"
        );
    };
    AttestationStore::open(dir).context("cannot open the attestation store")
}

/// Writes `value` as pretty JSON and a newline to stdout.
pub(crate) fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    print_text(&text)
}

/// Writes `text` to stdout.
pub(crate) fn print_text(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// A message for people on stderr, unless `--quiet`.
pub(crate) fn note(global: &GlobalArgs, text: &str) {
    if !global.quiet {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    #[test]
    fn command_line_definition_is_consistent() {
        crate::cli::Cli::command().debug_assert();
    }
}
