//! `aigis verify`: a model signature (`--signature`), one DSSE envelope
//! (`--envelope`), or a model's attestation chain (`--chain`).
//!
//! Exit codes: 0 verified; 1 verification failed (bad signature, changed
//! file, untrusted key, broken chain); 2 unusable input (unreadable or
//! malformed signature, envelope, key or trust file).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use aigis_provenance::{
    Bundle, ChainNode, ChainOptions, ChainReport, ChainTarget, Envelope, Error, NodeKind,
    NodeStatus, Predicate, ProvenanceConfig, PublicKey, Sha256Digest, TrustPolicy, TrustedKey,
    VerifyError, VerifyModelOptions, verify_chain, verify_model,
};
use anyhow::{Context as _, bail};

use super::Outcome;
use super::provenance::{
    ignore_paths, init_threads, note, open_store, print_json, print_text, resolve_public_key,
};
use crate::cli::{GlobalArgs, ProvenanceFormat, VerifyArgs};

/// Runs `aigis verify`.
pub(crate) fn run(global: &GlobalArgs, args: VerifyArgs) -> anyhow::Result<Outcome> {
    init_threads(global);
    if let Some(signature) = args.signature.clone() {
        return model_signature(global, &args, &signature);
    }
    if let Some(envelope) = args.envelope.clone() {
        return envelope_file(global, &args, &envelope);
    }
    chain(global, &args)
}

/// Reports a verification failure (exit 1) or passes an input error on (exit 2).
fn judge<T>(
    global: &GlobalArgs,
    format: ProvenanceFormat,
    what: &str,
    result: Result<T, Error>,
) -> anyhow::Result<Result<T, Outcome>> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(e) if e.is_verification_failure() => {
            match format {
                ProvenanceFormat::Json => print_json(&serde_json::json!({
                    "verified": false,
                    "subject": what,
                    "error": e.to_string(),
                }))?,
                ProvenanceFormat::Human => {}
            }
            note(global, &format!("verification failed: {what}: {e}"));
            Ok(Err(Outcome::GateFailed))
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot verify {what}"))),
    }
}

/// The trust policy from `--trust`, if given.
fn trust_policy(args: &VerifyArgs) -> anyhow::Result<Option<TrustPolicy>> {
    let Some(path) = &args.trust else {
        return Ok(None);
    };
    let config = ProvenanceConfig::from_toml_file(path)?;
    let base = path.parent().unwrap_or(Path::new("."));
    Ok(Some(
        config.build(base).context("cannot load the trusted keys")?,
    ))
}

fn model_signature(
    global: &GlobalArgs,
    args: &VerifyArgs,
    signature: &Path,
) -> anyhow::Result<Outcome> {
    let Some(model) = &args.path else {
        bail!("--signature needs the model PATH");
    };
    let bytes = std::fs::read(signature)
        .with_context(|| format!("cannot read the signature {}", signature.display()))?;
    let bundle = Bundle::from_json(&bytes).map_err(|e| e.with_path(signature))?;
    let public = resolve_public_key(args.public_key.as_deref(), args.key.as_deref())?;
    let key = match (public, trust_policy(args)?) {
        (Some(key), _) => key,
        (None, Some(policy)) => match model_key(&policy, &bundle) {
            Ok(key) => key,
            Err(reason) => {
                let failure: Result<(), Error> = Err(VerifyError::Chain(reason).into());
                return Ok(
                    judge(global, args.format, &model.display().to_string(), failure)?
                        .err()
                        .unwrap_or(Outcome::GateFailed),
                );
            }
        },
        (None, None) => bail!("no key to verify with: pass --public-key PEM or --trust FILE"),
    };
    let options = VerifyModelOptions {
        extra_ignore_paths: ignore_paths(&args.walk, model, &[signature]),
        no_ignore_git_paths: args.walk.no_ignore_git_paths,
        allow_symlinks: args.walk.allow_symlinks,
    };
    let what = model.display().to_string();
    let verified = match judge(
        global,
        args.format,
        &what,
        verify_model(model, &bundle, &key, &options),
    )? {
        Ok(v) => v,
        Err(outcome) => return Ok(outcome),
    };
    if !verified.had_hint {
        note(
            global,
            "warning: the signature carries no public-key hint (older model-signing format)",
        );
    }
    match args.format {
        ProvenanceFormat::Json => print_json(&serde_json::json!({
            "verified": true,
            "subject": what,
            "model": verified.model_name,
            "digest": {"sha256": verified.digest.to_hex()},
            "files": verified.files,
        }))?,
        ProvenanceFormat::Human => note(
            global,
            &format!(
                "verified {what}: {} files match the signature (sha256:{})",
                verified.files, verified.digest
            ),
        ),
    }
    Ok(Outcome::Success)
}

/// Picks the trusted key that may sign models and matches the bundle's hint.
fn model_key(policy: &TrustPolicy, bundle: &Bundle) -> Result<PublicKey, String> {
    let candidates: Vec<&TrustedKey> = policy
        .keys()
        .iter()
        .filter(|k| matches!(k.key, PublicKey::EcdsaP256(_)))
        .filter(|k| bundle.hint.as_deref().is_none_or(|h| h == k.key.pem_hint()))
        .collect();
    let Some(key) = candidates.first() else {
        return Err(format!(
            "untrusted key: no trusted key matches the signature's key hint {}",
            bundle.hint.as_deref().unwrap_or("(none)")
        ));
    };
    if key.retired {
        return Err(format!("rotated-out key: key {:?} is retired", key.name));
    }
    if !key.permits("model") {
        return Err(format!(
            "untrusted key: key {:?} may not sign models",
            key.name
        ));
    }
    Ok(key.key.clone())
}

fn envelope_file(global: &GlobalArgs, args: &VerifyArgs, path: &Path) -> anyhow::Result<Outcome> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let envelope = Envelope::from_json(&bytes).map_err(|e| e.with_path(path))?;
    let what = path.display().to_string();
    let public = resolve_public_key(args.public_key.as_deref(), args.key.as_deref())?;
    let signer = match (public, trust_policy(args)?) {
        (Some(key), _) => envelope
            .verify(&key)
            .map(|()| key.keyid())
            .map_err(Error::from),
        (None, Some(policy)) => {
            let role = envelope
                .statement()
                .ok()
                .and_then(|st| Predicate::from_statement(&st).ok())
                .map(|p| p.role())
                .unwrap_or_default();
            policy
                .check(&envelope, &role)
                .map(|k| k.name.clone())
                .map_err(|f| Error::from(VerifyError::Chain(f.to_string())))
        }
        (None, None) => bail!("no key to verify with: pass --public-key PEM or --trust FILE"),
    };
    let signer = match judge(global, args.format, &what, signer)? {
        Ok(s) => s,
        Err(outcome) => return Ok(outcome),
    };
    // Signed by the right key; now the content must be an in-toto statement.
    let statement = match judge(global, args.format, &what, envelope.statement())? {
        Ok(s) => s,
        Err(outcome) => return Ok(outcome),
    };
    match args.format {
        ProvenanceFormat::Json => print_json(&serde_json::json!({
            "verified": true,
            "subject": what,
            "signer": signer,
            "payloadType": envelope.payload_type,
            "predicateType": statement.predicate_type,
            "subjects": statement.subject.iter().map(|s| serde_json::json!({"name": s.name, "digest": s.digest})).collect::<Vec<_>>(),
        }))?,
        ProvenanceFormat::Human => {
            let mut text = format!(
                "verified {what}: signed by {signer}\npredicateType {}\n",
                statement.predicate_type
            );
            for s in &statement.subject {
                let _ = writeln!(
                    text,
                    "subject {} sha256:{}",
                    s.name,
                    s.digest.get("sha256").map(String::as_str).unwrap_or("-")
                );
            }
            print_text(&text)?;
        }
    }
    Ok(Outcome::Success)
}

fn chain(global: &GlobalArgs, args: &VerifyArgs) -> anyhow::Result<Outcome> {
    let Some(model) = &args.path else {
        bail!("--chain needs the model PATH (or sha256:HEX)");
    };
    let target = match model.to_str().and_then(|s| s.strip_prefix("sha256:")) {
        Some(hex) if !model.exists() => ChainTarget::Digest(
            Sha256Digest::from_hex(hex)
                .context("the model digest after sha256: must be 64 hex digits")?,
        ),
        _ => ChainTarget::Path(model.clone()),
    };
    let store = open_store(&args.store)?;
    let public = resolve_public_key(args.public_key.as_deref(), args.key.as_deref())?;
    let policy = match (trust_policy(args)?, public) {
        (Some(policy), _) => policy,
        (None, Some(key)) => {
            let mut policy = TrustPolicy::new(true);
            policy.add_key(TrustedKey {
                name: format!("--public-key {}", key.keyid().get(..16).unwrap_or_default()),
                key,
                may_sign: vec!["transform".into(), "train".into(), "eval".into()],
                retired: false,
            });
            policy
        }
        (None, None) => bail!(
            "no trusted keys: pass --trust FILE (or --public-key PEM to trust one key for every step)"
        ),
    };
    let options = ChainOptions {
        base_dir: args.base.clone().unwrap_or_else(|| PathBuf::from(".")),
        offline: args.offline,
    };
    let report = verify_chain(&target, &store, &policy, &options)
        .with_context(|| format!("cannot verify the chain of {}", model.display()))?;
    match args.format {
        ProvenanceFormat::Json => print_json(&serde_json::to_value(&report)?)?,
        ProvenanceFormat::Human => print_text(&render(&report))?,
    }
    if report.ok {
        Ok(Outcome::Success)
    } else {
        note(
            global,
            &format!(
                "verification failed: {} broken link(s) in the chain of {}",
                report.failures.len(),
                model.display()
            ),
        );
        Ok(Outcome::GateFailed)
    }
}

/// The chain as an indented tree, then the broken links.
fn render(report: &ChainReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", node_line(&report.root));
    render_children(&report.root, "", &mut out);
    if report.ok {
        out.push_str("chain verified\n");
    } else {
        let _ = writeln!(out, "chain BROKEN: {} link(s)", report.failures.len());
        for f in &report.failures {
            let kind = serde_json::to_value(f.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(out, "  {kind}: {}: {}", f.at, f.detail);
        }
    }
    out
}

fn render_children(node: &ChainNode, prefix: &str, out: &mut String) {
    let n = node.children.len();
    for (i, child) in node.children.iter().enumerate() {
        let last = i + 1 == n;
        let _ = writeln!(
            out,
            "{prefix}{}{}",
            if last { "└── " } else { "├── " },
            node_line(child)
        );
        let deeper = format!("{prefix}{}", if last { "    " } else { "│   " });
        render_children(child, &deeper, out);
    }
}

fn node_line(node: &ChainNode) -> String {
    let kind = match node.kind {
        NodeKind::Model => "model",
        NodeKind::Train => "train",
        NodeKind::Eval => "eval",
        NodeKind::Transform => "transform",
        NodeKind::Dataset => "dataset",
        NodeKind::Input => "input",
        NodeKind::Rules => "rules",
        NodeKind::Report => "report",
        NodeKind::Metrics => "metrics",
        _ => "node",
    };
    let status = match node.status {
        NodeStatus::Verified => "ok",
        NodeStatus::Recorded => "recorded digest (offline)",
        NodeStatus::Failed => "FAILED",
        _ => "?",
    };
    let short = node.digest.get(..12).unwrap_or(&node.digest);
    let is_step = matches!(
        node.kind,
        NodeKind::Train | NodeKind::Eval | NodeKind::Transform
    );
    let raw = node.kind == NodeKind::Input && node.children.is_empty();
    if is_step {
        let signer = node
            .signer
            .as_deref()
            .map(|s| format!(" signed by {s}"))
            .unwrap_or_default();
        let name = if node.kind == NodeKind::Transform {
            format!(" {}", node.name)
        } else {
            String::new()
        };
        format!("{kind}{name} [attestation {short}]{signer}  {status}")
    } else {
        format!(
            "{kind} {}  sha256:{short}  {status}{}",
            node.name,
            if raw { " (raw)" } else { "" }
        )
    }
}
