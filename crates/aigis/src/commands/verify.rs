//! `aigis verify`: a model signature (`--signature`), one DSSE envelope
//! (`--envelope`), or a model's attestation chain (`--chain`), each against
//! the trusted keys (`--public-key`, `--key`, `--trust`, or the workspace's
//! `[provenance]` section). Every verdict is recorded in the ledger as
//! `provenance.verify`.
//!
//! Exit codes: 0 verified; 1 verification failed (bad signature, changed
//! file, untrusted or rotated-out key, broken chain); 2 unusable input
//! (unreadable or malformed signature, envelope, key or trust file).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use aigis_ledger::{Outcome as EventOutcome, Subject};
use aigis_provenance::{
    Bundle, ChainNode, ChainOptions, ChainReport, ChainTarget, Envelope, Error, NodeKind,
    NodeStatus, Predicate, PublicKey, Sha256Digest, VerifyError, VerifyModelOptions, verify_chain,
    verify_model,
};
use anyhow::{Context as _, bail};
use serde_json::{Map, Value, json};

use super::Outcome;
use super::provenance::{Run, artifact_subject, ignore_paths, init_threads, print_json, short_id};
use crate::cli::{GlobalArgs, OutputFormat, VerifyArgs};
use crate::settings::Settings;

/// What one verification decided, for the ledger.
struct Verdict {
    /// Success or gate failure.
    outcome: Outcome,
    /// What was verified.
    subject: Subject,
    /// `signature`, `envelope` or `chain`, signer, failure reason, counts.
    details: Map<String, Value>,
}

impl Verdict {
    fn new(outcome: Outcome, subject: Subject, mode: &str) -> Self {
        let mut details = Map::new();
        details.insert("mode".into(), mode.into());
        Verdict {
            outcome,
            subject,
            details,
        }
    }

    #[must_use]
    fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.into(), value.into());
        self
    }
}

/// Runs `aigis verify`.
pub(crate) fn run(
    global: &GlobalArgs,
    settings: &Settings,
    args: VerifyArgs,
) -> anyhow::Result<Outcome> {
    init_threads(global);
    let mut run = Run::new(settings);
    let verdict = if let Some(signature) = args.signature.clone() {
        model_signature(&mut run, &args, &signature)?
    } else if let Some(envelope) = args.envelope.clone() {
        envelope_file(&mut run, &args, &envelope)?
    } else {
        chain(&mut run, &args)?
    };
    let audit = run.audit()?;
    let mut draft =
        audit
            .event("provenance.verify", verdict.subject)
            .outcome(match verdict.outcome {
                Outcome::Success => EventOutcome::Success,
                Outcome::GateFailed => EventOutcome::Failure,
            });
    for (k, v) in verdict.details {
        draft = draft.detail(k, v);
    }
    audit.record(draft)?;
    Ok(verdict.outcome)
}

/// Reports a verification failure (exit 1) and returns its reason, or
/// passes an input error on (exit 2).
fn judge<T>(
    run: &Run<'_>,
    format: OutputFormat,
    what: &str,
    result: Result<T, Error>,
) -> anyhow::Result<Result<T, String>> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(e) if e.is_verification_failure() => {
            let reason = e.to_string();
            if format == OutputFormat::Json {
                print_json(&json!({
                    "verified": false,
                    "subject": what,
                    "error": reason,
                }))?;
            }
            run.settings
                .note(&format!("verification failed: {what}: {reason}"));
            Ok(Err(reason))
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot verify {what}"))),
    }
}

/// The `--public-key` file, if given.
fn public_key(args: &VerifyArgs) -> anyhow::Result<Option<PublicKey>> {
    args.public_key
        .as_deref()
        .map(|path| PublicKey::from_pem_file(path).context("cannot load the public key"))
        .transpose()
}

fn model_signature(
    run: &mut Run<'_>,
    args: &VerifyArgs,
    signature: &Path,
) -> anyhow::Result<Verdict> {
    let Some(model) = &args.path else {
        bail!("--signature needs the model PATH");
    };
    let what = model.display().to_string();
    let failed = |reason: String, signer: Option<String>| {
        let v = Verdict::new(
            Outcome::GateFailed,
            Subject::new("model", what.clone()),
            "signature",
        )
        .detail("reason", reason);
        match signer {
            Some(s) => v.detail("signer", s),
            None => v,
        }
    };
    let bytes = std::fs::read(signature)
        .with_context(|| format!("cannot read the signature {}", signature.display()))?;
    let bundle = Bundle::from_json(&bytes).map_err(|e| e.with_path(signature))?;
    let (key, signer) = match public_key(args)? {
        Some(key) => {
            let label = format!("--public-key {}", short_id(&key));
            (key, label)
        }
        None => {
            let policy = run.trust_policy(args.trust.as_deref(), None, args.key.as_deref())?;
            match policy.model_key(bundle.hint.as_deref()) {
                Ok(k) => (k.key.clone(), k.label()),
                Err(failure) => {
                    let result: Result<(), Error> =
                        Err(VerifyError::Chain(failure.to_string()).into());
                    let reason = judge(run, args.format, &what, result)?
                        .err()
                        .unwrap_or_default();
                    return Ok(failed(reason, None));
                }
            }
        }
    };
    let options = VerifyModelOptions {
        extra_ignore_paths: ignore_paths(&args.walk, model, &[signature]),
        no_ignore_git_paths: args.walk.no_ignore_git_paths,
        allow_symlinks: args.walk.allow_symlinks,
    };
    let verified = match judge(
        run,
        args.format,
        &what,
        verify_model(model, &bundle, &key, &options),
    )? {
        Ok(v) => v,
        Err(reason) => return Ok(failed(reason, Some(signer))),
    };
    if !verified.had_hint {
        run.settings
            .note("warning: the signature carries no public-key hint (older model-signing format)");
    }
    match args.format {
        OutputFormat::Json => print_json(&json!({
            "verified": true,
            "subject": what,
            "model": verified.model_name,
            "digest": {"sha256": verified.digest.to_hex()},
            "files": verified.files,
            "signer": signer,
        }))?,
        OutputFormat::Human => run.settings.note(&format!(
            "verified {what}: {} files match the signature by {signer} (sha256:{})",
            verified.files, verified.digest
        )),
    }
    Ok(Verdict::new(
        Outcome::Success,
        artifact_subject("model", &what, &verified.digest.to_hex()),
        "signature",
    )
    .detail("signer", signer)
    .detail("files", verified.files))
}

fn envelope_file(run: &mut Run<'_>, args: &VerifyArgs, path: &Path) -> anyhow::Result<Verdict> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let envelope = Envelope::from_json(&bytes).map_err(|e| e.with_path(path))?;
    let what = path.display().to_string();
    // The attestation is named by its store address.
    let address = Sha256Digest::of_bytes(&envelope.to_json()).to_hex();
    let subject = artifact_subject("attestation", &what, &address);
    let role = envelope
        .statement()
        .ok()
        .and_then(|st| Predicate::from_statement(&st).ok())
        .map(|p| p.role())
        .unwrap_or_default();
    let signer = match public_key(args)? {
        Some(key) => envelope
            .verify(&key)
            .map(|()| format!("--public-key {}", short_id(&key)))
            .map_err(Error::from),
        None => {
            let policy = run.trust_policy(args.trust.as_deref(), None, args.key.as_deref())?;
            policy
                .check(&envelope, &role)
                .map(|k| k.label())
                .map_err(|f| Error::from(VerifyError::Chain(f.to_string())))
        }
    };
    let failed = |reason: String| {
        Verdict::new(Outcome::GateFailed, subject.clone(), "envelope")
            .detail("step", role.clone())
            .detail("reason", reason)
    };
    let signer = match judge(run, args.format, &what, signer)? {
        Ok(s) => s,
        Err(reason) => return Ok(failed(reason)),
    };
    // Signed by the right key; now the content must be an in-toto statement.
    let statement = match judge(run, args.format, &what, envelope.statement())? {
        Ok(s) => s,
        Err(reason) => return Ok(failed(reason)),
    };
    match args.format {
        OutputFormat::Json => print_json(&json!({
            "verified": true,
            "subject": what,
            "signer": signer,
            "payloadType": envelope.payload_type,
            "predicateType": statement.predicate_type,
            "subjects": statement.subject.iter().map(|s| json!({"name": s.name, "digest": s.digest})).collect::<Vec<_>>(),
        }))?,
        OutputFormat::Human => {
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
            crate::output::text(&text)?;
        }
    }
    Ok(Verdict::new(Outcome::Success, subject, "envelope")
        .detail("step", role)
        .detail("signer", signer))
}

fn chain(run: &mut Run<'_>, args: &VerifyArgs) -> anyhow::Result<Verdict> {
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
    let store = run.store(&args.store)?;
    let public = public_key(args)?;
    let policy = run.trust_policy(args.trust.as_deref(), public.as_ref(), args.key.as_deref())?;
    let options = ChainOptions {
        base_dir: args.base.clone().unwrap_or_else(|| PathBuf::from(".")),
        offline: args.offline,
    };
    let report = verify_chain(&target, &store, &policy, &options)
        .with_context(|| format!("cannot verify the chain of {}", model.display()))?;
    match args.format {
        OutputFormat::Json => print_json(&serde_json::to_value(&report)?)?,
        OutputFormat::Human => crate::output::text(&render(&report))?,
    }
    let what = model.display().to_string();
    let verdict = Verdict::new(
        if report.ok {
            Outcome::Success
        } else {
            Outcome::GateFailed
        },
        artifact_subject("model", &what, &report.root.digest),
        "chain",
    )
    .detail("attestations", count_steps(&report.root))
    .detail("failures", report.failures.len());
    if report.ok {
        return Ok(verdict);
    }
    run.settings.note(&format!(
        "verification failed: {} broken link(s) in the chain of {what}",
        report.failures.len(),
    ));
    let kinds: Vec<Value> = report
        .failures
        .iter()
        .filter_map(|f| serde_json::to_value(f.kind).ok())
        .collect();
    Ok(verdict.detail("failure_kinds", kinds))
}

/// Attestation nodes in the tree (each counted once).
fn count_steps(node: &ChainNode) -> usize {
    let own = usize::from(matches!(
        node.kind,
        NodeKind::Train | NodeKind::Eval | NodeKind::Transform
    ));
    own + node.children.iter().map(count_steps).sum::<usize>()
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
