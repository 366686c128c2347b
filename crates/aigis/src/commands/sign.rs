//! `aigis sign PATH`: sign a model directory or file with an ECDSA P-256 key
//! (the keyring's `signing` key by default) and write the OpenSSF
//! model-signing bundle. Recorded in the ledger as `provenance.sign`.

use std::path::PathBuf;

use aigis_provenance::{ManifestOptions, sign_model, write_atomic};
use anyhow::Context as _;

use super::Outcome;
use super::provenance::{
    KeyPurpose, Run, artifact_subject, ignore_paths, init_threads, print_json,
};
use crate::cli::{GlobalArgs, OutputFormat, SignArgs};
use crate::settings::Settings;

/// Runs `aigis sign`.
pub(crate) fn run(
    global: &GlobalArgs,
    settings: &Settings,
    args: SignArgs,
) -> anyhow::Result<Outcome> {
    init_threads(global);
    let mut run = Run::new(settings);
    let key = run.signer(&args.key, KeyPurpose::Model)?;
    let audit = run.audit()?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.path));
    let options = ManifestOptions {
        ignore_paths: ignore_paths(&args.walk, &args.path, &[&output]),
        ignore_git_paths: !args.walk.no_ignore_git_paths,
        allow_symlinks: args.walk.allow_symlinks,
    };
    let signed = sign_model(&args.path, &options, key.signer.as_ref())
        .with_context(|| format!("cannot sign {}", args.path.display()))?;
    write_atomic(&output, &signed.bundle.to_json())
        .with_context(|| format!("cannot write the signature {}", output.display()))?;
    let digest = signed.manifest.root_digest();
    let files = signed.manifest.resources.len();
    audit.record(
        audit
            .event(
                "provenance.sign",
                artifact_subject("model", &args.path.display().to_string(), &digest.to_hex()),
            )
            .detail("signer", key.label.clone())
            .detail("files", files)
            .detail("signature", output.display().to_string()),
    )?;
    match args.format {
        OutputFormat::Json => print_json(&serde_json::json!({
            "signature": output.display().to_string(),
            "model": signed.manifest.model_name,
            "digest": {"sha256": digest.to_hex()},
            "files": files,
            "signer": key.label,
            "key_hint": signed.bundle.hint,
        }))?,
        OutputFormat::Human => settings.note(&format!(
            "signed {} ({files} files, sha256:{digest}) with {} -> {}",
            args.path.display(),
            key.label,
            output.display()
        )),
    }
    Ok(Outcome::Success)
}

/// `PATH.sig` beside the model; `model.sig` inside it when the path has no
/// name (`.`).
fn default_output(path: &std::path::Path) -> PathBuf {
    match path.file_name() {
        Some(name) => {
            let mut file = name.to_owned();
            file.push(".sig");
            path.with_file_name(file)
        }
        None => path.join("model.sig"),
    }
}
