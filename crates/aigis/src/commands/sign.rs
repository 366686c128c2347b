//! `aigis sign PATH`: sign a model directory or file with an ECDSA P-256 key
//! and write the OpenSSF model-signing bundle.

use std::path::PathBuf;

use aigis_provenance::{ManifestOptions, sign_model, write_atomic};
use anyhow::Context as _;

use super::Outcome;
use super::provenance::{KeyPurpose, ignore_paths, init_threads, note, print_json, resolve_signer};
use crate::cli::{GlobalArgs, ProvenanceFormat, SignArgs};

/// Runs `aigis sign`.
pub(crate) fn run(global: &GlobalArgs, args: SignArgs) -> anyhow::Result<Outcome> {
    init_threads(global);
    let signer = resolve_signer(&args.key, KeyPurpose::Model)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.path));
    let options = ManifestOptions {
        ignore_paths: ignore_paths(&args.walk, &args.path, &[&output]),
        ignore_git_paths: !args.walk.no_ignore_git_paths,
        allow_symlinks: args.walk.allow_symlinks,
    };
    let signed = sign_model(&args.path, &options, signer.as_ref())
        .with_context(|| format!("cannot sign {}", args.path.display()))?;
    write_atomic(&output, &signed.bundle.to_json())
        .with_context(|| format!("cannot write the signature {}", output.display()))?;
    let digest = signed.manifest.root_digest();
    match args.format {
        ProvenanceFormat::Json => print_json(&serde_json::json!({
            "signature": output.display().to_string(),
            "model": signed.manifest.model_name,
            "digest": {"sha256": digest.to_hex()},
            "files": signed.manifest.resources.len(),
            "key_hint": signed.bundle.hint,
        }))?,
        ProvenanceFormat::Human => note(
            global,
            &format!(
                "signed {} ({} files, sha256:{digest}) -> {}",
                args.path.display(),
                signed.manifest.resources.len(),
                output.display()
            ),
        ),
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
