//! `aigis attest transform|train|eval`: sign an in-toto attestation for a
//! pipeline step (with the keyring's `attest` key by default), keep it in
//! the store (the workspace's `.aigis/attestations` by default) and record
//! `provenance.attest` in the ledger; `export`, `import`, `list` manage the
//! store.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aigis_ledger::Subject;
use aigis_provenance::{
    Artifact, AttestationStore, Envelope, EvalRun, Predicate, Tool, TrainRun, TransformRun,
    attest_eval, attest_train, attest_transform, write_atomic,
};
use anyhow::{Context as _, bail};
use rayon::prelude::*;

use super::Outcome;
use super::provenance::{KeyPurpose, Run, artifact_subject, init_threads, print_json};
use crate::cli::{AttestCommand, AttestCommon, GlobalArgs, OutputFormat};
use crate::settings::Settings;

/// Metrics files up to this size are embedded in eval attestations when
/// they are JSON; larger ones are recorded by digest only.
const MAX_EMBEDDED_METRICS: u64 = 1 << 20;

/// Runs `aigis attest ...`.
pub(crate) fn run(
    global: &GlobalArgs,
    settings: &Settings,
    command: AttestCommand,
) -> anyhow::Result<Outcome> {
    init_threads(global);
    let mut ctx = Run::new(settings);
    match command {
        AttestCommand::Transform {
            inputs,
            outputs,
            step,
            report,
            rules,
            params,
            common,
        } => {
            let key = ctx.signer(&common.key, KeyPurpose::Attestation)?;
            let mut run = TransformRun::new(step, artifacts(&inputs)?, artifacts(&outputs)?);
            run.report = report.as_deref().map(artifact).transpose()?;
            run.rules = rules.as_deref().map(artifact).transpose()?;
            run.parameters = parse_params(&params)?;
            let envelope = attest_transform(&run, key.signer.as_ref())?;
            finish(&ctx, &common, &envelope, &key.label)
        }
        AttestCommand::Train {
            datasets,
            model,
            code_commit,
            params,
            common,
        } => {
            let key = ctx.signer(&common.key, KeyPurpose::Attestation)?;
            let run = TrainRun {
                datasets: artifacts(&datasets)?,
                model: artifact(&model)?,
                code_commit,
                parameters: parse_params(&params)?,
                tool: Tool::aigis(),
            };
            let envelope = attest_train(&run, key.signer.as_ref())?;
            finish(&ctx, &common, &envelope, &key.label)
        }
        AttestCommand::Eval {
            model,
            metrics,
            common,
        } => {
            let key = ctx.signer(&common.key, KeyPurpose::Attestation)?;
            let run = EvalRun {
                model: artifact(&model)?,
                metrics: artifact(&metrics)?,
                results: embedded_metrics(&metrics),
                tool: Tool::aigis(),
            };
            let envelope = attest_eval(&run, key.signer.as_ref())?;
            finish(&ctx, &common, &envelope, &key.label)
        }
        AttestCommand::Export {
            target,
            jsonl,
            store,
        } => {
            let store = ctx.store(&store)?;
            let n = if !jsonl {
                store.export_dir(&target)?
            } else if target.as_os_str() == "-" {
                store.export_jsonl(std::io::stdout().lock())?
            } else {
                let mut buf = Vec::new();
                let n = store.export_jsonl(&mut buf)?;
                write_atomic(&target, &buf)?;
                n
            };
            settings.note(&format!(
                "exported {n} attestation(s) to {}",
                target.display()
            ));
            Ok(Outcome::Success)
        }
        AttestCommand::Import { source, store } => {
            let store = ctx.store(&store)?;
            let audit = ctx.audit()?;
            let n = if source.is_dir() {
                store.import_dir(&source)?
            } else {
                let file = std::fs::File::open(&source)
                    .with_context(|| format!("cannot open {}", source.display()))?;
                store.import_jsonl(std::io::BufReader::new(file), &source)?
            };
            audit.record(
                audit
                    .event(
                        "provenance.import",
                        Subject::new("attestations", source.display().to_string()),
                    )
                    .detail("attestations", n),
            )?;
            settings.note(&format!(
                "imported {n} attestation(s) from {}",
                source.display()
            ));
            Ok(Outcome::Success)
        }
        AttestCommand::List { store, format } => list(&ctx.store(&store)?, format),
    }
}

/// Stores the envelope, writes `--envelope-out`, records the event, reports.
fn finish(
    run: &Run<'_>,
    common: &AttestCommon,
    envelope: &Envelope,
    signer: &str,
) -> anyhow::Result<Outcome> {
    let store = run.store(&common.store)?;
    let audit = run.audit()?;
    let digest = store.put(envelope)?;
    if let Some(out) = &common.envelope_out {
        write_atomic(out, &envelope.to_json())
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    let statement = envelope.statement()?;
    let role = Predicate::from_statement(&statement)?.role();
    let subjects: Vec<serde_json::Value> = statement
        .subject
        .iter()
        .map(|s| serde_json::json!({"name": s.name, "digest": s.digest}))
        .collect();
    // The event is about the attested artifact (the model, or the first
    // output of a transform); the attestation's address is a detail.
    if let Some(first) = statement.subject.first() {
        let kind = if role.starts_with("transform") {
            "dataset"
        } else {
            "model"
        };
        let hex = first.digest.get("sha256").map(String::as_str).unwrap_or("");
        audit.record(
            audit
                .event(
                    "provenance.attest",
                    artifact_subject(kind, &first.name, hex),
                )
                .detail("step", role.clone())
                .detail("attestation", format!("sha256:{}", digest.to_hex()))
                .detail("signer", signer.to_owned())
                .detail("subjects", statement.subject.len()),
        )?;
    }
    match common.format {
        OutputFormat::Json => print_json(&serde_json::json!({
            "attestation": digest.to_hex(),
            "path": store.entry_path(&digest).display().to_string(),
            "predicateType": statement.predicate_type,
            "step": role,
            "signer": signer,
            "subjects": subjects,
        }))?,
        OutputFormat::Human => run.settings.note(&format!(
            "attested {role} ({} subject(s)) signed by {signer} -> {}",
            statement.subject.len(),
            store.entry_path(&digest).display()
        )),
    }
    Ok(Outcome::Success)
}

/// Lists the store.
fn list(store: &AttestationStore, format: OutputFormat) -> anyhow::Result<Outcome> {
    let mut rows = Vec::new();
    for entry in store.entries()? {
        let row = match entry.envelope.and_then(|e| {
            let st = e.statement()?;
            let role = Predicate::from_statement(&st)?.role();
            Ok((st, role))
        }) {
            Ok((st, role)) => serde_json::json!({
                "attestation": entry.digest.to_hex(),
                "role": role,
                "subjects": st.subject.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            }),
            Err(e) => {
                serde_json::json!({"attestation": entry.digest.to_hex(), "error": e.to_string()})
            }
        };
        rows.push(row);
    }
    match format {
        OutputFormat::Json => print_json(&serde_json::Value::Array(rows))?,
        OutputFormat::Human => {
            let mut text = String::new();
            for row in &rows {
                let id = row["attestation"].as_str().unwrap_or_default();
                let short = id.get(..12).unwrap_or(id);
                match row.get("error") {
                    Some(err) => text.push_str(&format!(
                        "{short}  CORRUPT  {}\n",
                        err.as_str().unwrap_or_default()
                    )),
                    None => {
                        let subjects: Vec<&str> = row["subjects"]
                            .as_array()
                            .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
                            .unwrap_or_default();
                        text.push_str(&format!(
                            "{short}  {}  {}\n",
                            row["role"].as_str().unwrap_or_default(),
                            subjects.join(", ")
                        ));
                    }
                }
            }
            crate::output::text(&text)?;
        }
    }
    Ok(Outcome::Success)
}

fn artifact(path: &Path) -> anyhow::Result<Artifact> {
    Artifact::from_path(path).with_context(|| format!("cannot hash {}", path.display()))
}

/// Hashes several artifacts in parallel, keeping their order.
fn artifacts(paths: &[PathBuf]) -> anyhow::Result<Vec<Artifact>> {
    paths.par_iter().map(|p| artifact(p)).collect()
}

/// `key=value` pairs; a key given twice is refused.
fn parse_params(params: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for p in params {
        let Some((k, v)) = p.split_once('=') else {
            bail!("--param {p:?}: expected key=value");
        };
        if k.is_empty() {
            bail!("--param {p:?}: empty key");
        }
        if out.insert(k.to_owned(), v.to_owned()).is_some() {
            bail!("--param {k:?} given twice");
        }
    }
    Ok(out)
}

/// The metrics file's JSON, when it is small JSON.
fn embedded_metrics(path: &Path) -> Option<serde_json::Value> {
    let len = std::fs::metadata(path).ok()?.len();
    if len > MAX_EMBEDDED_METRICS {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}
