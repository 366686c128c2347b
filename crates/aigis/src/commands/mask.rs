//! `aigis mask`: resolve rules, keys and the input; run the pipeline into
//! an atomic output and the encrypted quarantine; evaluate the gate; write
//! the report, the ledger event and the transform attestation.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use aigis_detect::Scanner;
use aigis_keys::Keyring;
use aigis_ledger::{Outcome as LedgerOutcome, Subject};
use aigis_provenance::{Artifact, AttestationStore, Sha256Digest, TransformRun, attest_transform};
use aigis_redact::{
    ColumnClass as GateClass, GateConfig, GateFailure, GateRule, Layer, MaskConfig, RuleSet,
    RulesSource,
};
use aigis_table::{AtomicFile, Input, InputFormat, ReadOptions, Source};
use anyhow::{Context as _, bail};

use super::Outcome;
use crate::audit::Audit;
use crate::cli::{GlobalArgs, MaskArgs, MaskFormat};
use crate::mask::keys::{RingKeys, ensure_hmac_keys};
use crate::mask::pipeline::{self, MaskJob, Sink};
use crate::mask::quarantine::QuarantineWriter;
use crate::mask::report::{ColumnFacts, FileFacts, GateFacts, Report};
use crate::run_args;
use crate::settings::Settings;

/// Ledger action of a mask run.
pub(crate) const ACTION_RUN: &str = "mask.run";

/// The effective rules and where they came from.
pub(crate) struct Rules {
    pub(crate) set: RuleSet,
    pub(crate) file: Option<(PathBuf, Sha256Digest)>,
}

/// Builds the rules: built-in defaults, aigis.toml's `[mask]`, then
/// `--rules FILE`; creates missing HMAC keys the rules name by default.
pub(crate) fn load_rules(
    settings: &Settings,
    ring: &Keyring,
    audit: &Audit,
    rules_file: Option<&Path>,
) -> anyhow::Result<Rules> {
    let source = match rules_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read rules file {}", path.display()))?;
            Some(RulesSource::from_file_text(path, text))
        }
        None => None,
    };
    let file_cfg = match &source {
        Some(s) => Some(s.parse()?),
        None => None,
    };
    let mut merged = MaskConfig::defaults();
    merged.merge(&settings.config.mask);
    if let Some(c) = &file_cfg {
        merged.merge(c);
    }
    let names = merged.key_names();
    let wanted = [names.hash, names.date_shift, names.encrypt, names.tokenize];
    let created = ensure_hmac_keys(ring, &wanted)?;
    if !created.is_empty() {
        let drafts = created
            .iter()
            .map(|(name, version)| {
                audit
                    .event("keys.create", Subject::new("key", name.clone()))
                    .detail("kind", "hmac")
                    .detail("version", *version)
            })
            .collect();
        audit.record_batch(drafts)?;
    }
    let mut layers = vec![Layer {
        config: &settings.config.mask,
        source: None,
    }];
    if let (Some(c), Some(s)) = (&file_cfg, &source) {
        layers.push(Layer {
            config: c,
            source: Some(s),
        });
    }
    let set = RuleSet::resolve(&layers, &RingKeys(ring), None)?;
    let file = match rules_file {
        Some(p) => Some((p.to_owned(), Sha256Digest::of_file(p)?)),
        None => None,
    };
    Ok(Rules { set, file })
}

/// A run id: UTC time, then random bits (`20261123T120501Z-3f9a1c2e`).
fn run_id() -> anyhow::Result<String> {
    let now = jiff::Timestamp::now();
    let mut random = [0u8; 4];
    getrandom::fill(&mut random).map_err(|_| anyhow::anyhow!("random number generator failed"))?;
    Ok(format!(
        "{}-{}",
        now.strftime("%Y%m%dT%H%M%SZ"),
        hex::encode(random)
    ))
}

/// Copies standard input to an unnamed temporary file and names it by its
/// descriptor, so the readers can open it by path and the report can
/// state its digest. The file disappears when the process ends.
fn spool_stdin() -> anyhow::Result<(std::fs::File, PathBuf)> {
    let mut file = tempfile::tempfile().context("cannot spool standard input")?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file).context("reading standard input")?;
    use std::os::fd::AsRawFd as _;
    let path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    Ok((file, path))
}

/// Runs `aigis mask`.
pub(crate) fn run(
    global: &GlobalArgs,
    args: &MaskArgs,
    settings: &Settings,
) -> anyhow::Result<Outcome> {
    settings.require_workspace()?;
    let ring = settings.keyring()?;
    let audit = Audit::open_with(settings, Some(&ring))?;
    let rules = load_rules(settings, &ring, &audit, args.rules.as_deref())?;
    let mut gate = rules.set.gate().clone();
    if let Some(list) = &args.fail_on {
        gate.fail_on =
            GateConfig::parse_fail_on(list).map_err(|e| anyhow::anyhow!("--fail-on: {e}"))?;
    }
    run_args::check_min_score(args.min_score)?;
    let format = run_args::input_format(args.input_format.as_deref())?;
    let delimiter = run_args::delimiter(args.delimiter)?;
    let cx = RunCx {
        global,
        args,
        settings,
        ring: &ring,
        audit: &audit,
        rules: &rules,
        gate: &gate,
        format,
        delimiter,
    };
    if args.input.is_dir() {
        return mask_dir(&cx);
    }
    mask_file(&cx, &args.input, &args.output, None)
}

/// What every file of one `aigis mask` invocation shares.
struct RunCx<'a> {
    global: &'a GlobalArgs,
    args: &'a MaskArgs,
    settings: &'a Settings,
    ring: &'a Keyring,
    audit: &'a Audit,
    rules: &'a Rules,
    gate: &'a GateConfig,
    format: Option<InputFormat>,
    delimiter: Option<u8>,
}

/// Masks every file under the input directory (walked as `aigis scan`
/// walks it: recursively, in name order, hidden entries skipped) into the
/// same relative path under the output directory. Each file is its own
/// run: report, quarantine, ledger event and attestation. The gate fails
/// if it fails for any file.
fn mask_dir(cx: &RunCx<'_>) -> anyhow::Result<Outcome> {
    let (input, output) = (&cx.args.input, &cx.args.output);
    if output.as_os_str() == "-" {
        bail!(
            "{}: a directory is masked into a directory, not standard output (give -o DIR)",
            input.display()
        );
    }
    if output.is_file() {
        bail!(
            "{}: a directory is masked into a directory, and {} is a file",
            input.display(),
            output.display()
        );
    }
    let existed = output.exists();
    std::fs::create_dir_all(output)
        .with_context(|| format!("cannot create {}", output.display()))?;
    let (in_root, out_root) = (
        std::fs::canonicalize(input).with_context(|| format!("cannot read {}", input.display()))?,
        std::fs::canonicalize(output)
            .with_context(|| format!("cannot read {}", output.display()))?,
    );
    if out_root.starts_with(&in_root) || in_root.starts_with(&out_root) {
        if !existed {
            // Leave nothing behind for a refused run.
            let _ = std::fs::remove_dir(output);
        }
        bail!(
            "the output directory {} must not be inside the input directory {} or contain it",
            output.display(),
            input.display()
        );
    }
    let walk = aigis_table::WalkOptions {
        format: cx.format,
        ..aigis_table::WalkOptions::default()
    };
    let found = aigis_table::discover(std::slice::from_ref(input), &walk)
        .with_context(|| format!("cannot walk {}", input.display()))?;
    if let Some(e) = found.errors.first() {
        bail!("{e}");
    }
    if found.inputs.is_empty() {
        bail!("{}: no files to mask", input.display());
    }
    let mut outcome = Outcome::Success;
    for file in &found.inputs {
        let Source::Path(path) = &file.source else {
            continue;
        };
        let rel = path.strip_prefix(input).unwrap_or(path.as_path());
        let target = output.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if mask_file(cx, path, &target, Some(rel))? == Outcome::GateFailed {
            outcome = Outcome::GateFailed;
        }
    }
    Ok(outcome)
}

/// Masks one input (a file, or `-`) into `output`. `report_sub` is the
/// file's path relative to the input directory, when masking one.
fn mask_file(
    cx: &RunCx<'_>,
    input_arg: &Path,
    output: &Path,
    report_sub: Option<&Path>,
) -> anyhow::Result<Outcome> {
    let RunCx {
        global,
        args,
        settings,
        ring,
        audit,
        rules,
        gate,
        format,
        delimiter,
    } = *cx;
    let ws = settings.require_workspace()?;
    let stdin = input_arg.as_os_str() == "-";
    let _spool;
    let (input, input_name) = if stdin {
        let (file, path) = spool_stdin()?;
        _spool = file;
        let fmt = format.unwrap_or(InputFormat::Text);
        (
            Input {
                source: Source::Path(path),
                format: fmt,
                size: None,
                discovered: false,
            },
            "-".to_owned(),
        )
    } else {
        (
            Input::named(input_arg, format),
            input_arg.display().to_string(),
        )
    };
    let input_path = match &input.source {
        Source::Path(p) => p.clone(),
        _ => bail!("unsupported input"),
    };
    let input_bytes = std::fs::metadata(&input_path).map_or(0, |m| m.len());

    let to_stdout = output.as_os_str() == "-";
    if !to_stdout && !stdin && same_file(input_arg, output) {
        bail!("the output must not be the input ({})", output.display());
    }
    let sink = if to_stdout {
        Sink::Stdout(std::io::BufWriter::with_capacity(
            1 << 20,
            std::io::stdout(),
        ))
    } else {
        Sink::file(
            AtomicFile::create(output)
                .with_context(|| format!("cannot create {}", output.display()))?,
        )
    };
    let mut builder = Scanner::builder();
    if let Some(s) = args.min_score {
        builder = builder.min_score(s);
    }
    let scanner = builder.build();
    let run = run_id()?;
    let started = jiff::Timestamp::now();
    let kek = ring
        .aes_key(aigis_keys::defaults::DATA)
        .context("the quarantine needs the keyring's `data` key")?;
    let kek_id = kek.id().to_string();
    let mut quarantine = QuarantineWriter::start(
        &ws.quarantine_dir(),
        &run,
        &kek,
        &serde_json::json!({"run": run, "started": started.to_string(), "input": input_name}),
    )?;
    let job = MaskJob {
        scanner: &scanner,
        rules: &rules.set,
        input: &input,
        read: ReadOptions {
            skip_bad: args.skip_bad,
            delimiter,
            keep_raw: true,
            // Plain-text lines up to 16 MiB are masked whole; longer ones
            // in overlapping pieces.
            text_window: 16 * 1024 * 1024,
            ..ReadOptions::default()
        },
        threads: run_args::threads(global)?,
        verify: args.verify,
    };
    // The input's digest is computed beside the run (one more read of
    // the file, from the page cache), the output's as it is written.
    let (input_digest, result) = std::thread::scope(|scope| {
        let digest = scope.spawn(|| Sha256Digest::of_file(&input_path));
        let result = pipeline::run(&job, sink, &mut quarantine, &|_| {});
        (digest.join(), result)
    });
    let result = result.with_context(|| format!("masking {input_name}"))?;
    let input_digest = input_digest
        .map_err(|_| anyhow::anyhow!("hashing {input_name} failed"))?
        .with_context(|| format!("cannot read {input_name}"))?;

    // The gate: residuals by entity and by the class of their column.
    let classes: Vec<Option<GateClass>> = result
        .columns
        .iter()
        .map(|c| Some(c.class).filter(|k| *k != GateClass::None))
        .collect();
    let failures = evaluate_gate(gate, &result.counts.gate_residuals, &classes);
    let passed = failures.is_empty();
    let write_output = passed || args.keep_on_fail;

    // Output: digest while committing (or dropped when the gate failed).
    let output_facts = match result.sink {
        Sink::File(mut f, hash) if write_output => {
            f.flush()?;
            f.commit()
                .with_context(|| format!("cannot write {}", output.display()))?;
            Some(FileFacts {
                path: output.display().to_string(),
                format: input.format.name().to_owned(),
                digest: format!("sha256:{}", hex::encode(sha2::Digest::finalize(*hash))),
                bytes: std::fs::metadata(output).map_or(0, |m| m.len()),
            })
        }
        Sink::Stdout(mut s) => {
            s.flush()?;
            None
        }
        Sink::File(..) => None,
    };
    let duration = started.duration_until(jiff::Timestamp::now()).as_secs_f64();
    let dropped: Vec<&str> = result
        .columns
        .iter()
        .filter(|c| {
            rules
                .set
                .column_rule(&c.column)
                .is_some_and(|op| op.kind() == aigis_redact::OperatorKind::Drop)
        })
        .map(|c| c.column.as_str())
        .collect();
    let report = Report {
        format: "aigis-mask-report/1",
        run: run.clone(),
        started: started.to_string(),
        duration_seconds: duration,
        actor: settings.actor.clone(),
        input: FileFacts {
            path: input_name.clone(),
            format: input.format.name().to_owned(),
            digest: format!("sha256:{}", input_digest.to_hex()),
            bytes: input_bytes,
        },
        output: output_facts.clone(),
        rules_file: rules.file.as_ref().map(|(p, d)| FileFacts {
            path: p.display().to_string(),
            format: "toml".into(),
            digest: format!("sha256:{}", d.to_hex()),
            bytes: std::fs::metadata(p).map_or(0, |m| m.len()),
        }),
        records: result.stats.records,
        records_skipped: result.stats.skipped,
        threads: job.threads,
        verified: args.verify,
        residual_total: result.counts.residuals(),
        columns: result
            .columns
            .iter()
            .map(|c| ColumnFacts {
                column: c.column.clone(),
                class: c.class.as_str().to_owned(),
                entity: c.entity.as_ref().map(|e| e.as_str().to_owned()),
                confidence: c.confidence,
                whole_cell: c.class == aigis_detect::ColumnClass::DirectIdentifier,
                dropped: dropped.contains(&c.column.as_str()),
            })
            .collect(),
        keys: rules
            .set
            .keys_used()
            .iter()
            .map(ToString::to_string)
            .collect(),
        quarantine_key: kek_id.clone(),
        quarantine_entries: result.counts.quarantined,
        gate: GateFacts {
            fail_on: gate.fail_on.iter().map(ToString::to_string).collect(),
            min_score: gate.min_score,
            passed,
            failures: failures.iter().map(ToString::to_string).collect(),
            output_written: write_output,
        },
        counts: result.counts.clone(),
    };
    let report_json = report.to_json()?;
    let report_digest = Sha256Digest::of_bytes(&report_json);
    let report_dir = match (&args.report, report_sub) {
        (Some(dir), Some(sub)) => dir.join(sub),
        (Some(dir), None) => dir.clone(),
        (None, _) => ws.reports_dir().join(&run),
    };
    std::fs::create_dir_all(&report_dir)
        .with_context(|| format!("cannot create {}", report_dir.display()))?;
    let report_path = report_dir.join("report.json");
    aigis_provenance::write_atomic(&report_path, &report_json)?;
    aigis_provenance::write_atomic(&report_dir.join("report.html"), report.to_html().as_bytes())?;

    quarantine.commit(&serde_json::json!({
        "format": "aigis-quarantine/1",
        "run": run,
        "complete": true,
        "input": report.input,
        "output": report.output,
        "entries": report.quarantine_entries,
        "key": kek_id,
        "report_digest": format!("sha256:{}", report_digest.to_hex()),
    }))?;

    let subject = Subject::new("dataset", output_name(output, &output_facts)).with_digest(
        output_facts.as_ref().map_or_else(
            || format!("sha256:{}", input_digest.to_hex()),
            |o| o.digest.clone(),
        ),
    );
    audit.record(
        audit
            .event(ACTION_RUN, subject)
            .outcome(if passed {
                LedgerOutcome::Success
            } else {
                LedgerOutcome::Failure
            })
            .detail("run", run.clone())
            .detail("input_digest", report.input.digest.clone())
            .detail(
                "report_digest",
                format!("sha256:{}", report_digest.to_hex()),
            )
            .detail("records", report.records)
            .detail("fields_changed", report.counts.fields_changed)
            .detail(
                "findings",
                report.counts.findings_by_entity.values().sum::<u64>(),
            )
            .detail("residual", report.residual_total)
            .detail("quarantined", report.quarantine_entries)
            .detail("gate_passed", passed)
            .detail("output_written", write_output)
            .detail("keys", report.keys.clone()),
    )?;

    let attestation = if args.no_attest || output_facts.is_none() {
        None
    } else {
        attest(
            ws.attestations_dir(),
            ring,
            audit,
            &input_path,
            &input_name,
            input_digest,
            &output_facts,
            &report_path,
            rules,
            &run,
        )
        .map_err(|e| {
            if !global.quiet {
                crate::output::note(&format!("warning: no transform attestation: {e:#}"));
            }
        })
        .ok()
    };

    summary(
        args,
        global,
        output,
        &report,
        &report_dir,
        attestation.as_deref(),
    )?;
    if !passed {
        for f in &failures {
            crate::output::note(&format!("gate failed: {f}"));
        }
        if !write_output {
            crate::output::note(&format!(
                "{} was not written (use --keep-on-fail to write it anyway)",
                output.display()
            ));
        }
        return Ok(Outcome::GateFailed);
    }
    Ok(Outcome::Success)
}

fn output_name(output: &Path, facts: &Option<FileFacts>) -> String {
    match facts {
        Some(f) => f.path.clone(),
        None => output.display().to_string(),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// The gate's failures: for each rule, the residuals (at or above its
/// minimum score, counted by the workers) that match it.
fn evaluate_gate(
    gate: &GateConfig,
    residuals: &std::collections::BTreeMap<(String, Option<usize>), u64>,
    classes: &[Option<GateClass>],
) -> Vec<GateFailure> {
    gate.fail_on
        .iter()
        .filter_map(|rule| {
            let count: u64 = residuals
                .iter()
                .filter(|((entity, col), _)| match rule {
                    GateRule::Any => true,
                    GateRule::Class(c) => {
                        col.and_then(|i| classes.get(i).copied().flatten()) == Some(*c)
                    }
                    GateRule::Entity(e) => e.as_str() == entity,
                })
                .map(|(_, n)| n)
                .sum();
            (count > 0).then(|| GateFailure {
                rule: rule.clone(),
                count: usize::try_from(count).unwrap_or(usize::MAX),
            })
        })
        .collect()
}

/// Signs the run's in-toto transform attestation with the keyring's
/// `attest` key (created on first use) into `.aigis/attestations/`.
#[allow(clippy::too_many_arguments)]
fn attest(
    store_dir: PathBuf,
    ring: &Keyring,
    audit: &Audit,
    input_path: &Path,
    input_name: &str,
    input_digest: Sha256Digest,
    output: &Option<FileFacts>,
    report: &Path,
    rules: &Rules,
    run: &str,
) -> anyhow::Result<String> {
    const KEY: &str = "attest";
    let output = output.as_ref().context("no output file")?;
    if ring.info(KEY).is_err() {
        let info = ring.create_key(KEY, aigis_keys::KeyKind::Ed25519)?;
        audit.record(
            audit
                .event("keys.create", Subject::new("key", KEY))
                .detail("kind", "ed25519")
                .detail("version", info.current.unwrap_or(1)),
        )?;
    }
    let signer = ring.ed25519_signer(KEY)?;
    let signer = aigis_provenance::Ed25519Signer::new(signer.signing_key().clone());
    // Both digests were taken during the run: no second pass.
    let input = if input_name == "-" {
        Artifact::new("-", input_digest)
    } else {
        Artifact::new(aigis_provenance::artifact_name(input_path)?, input_digest)
    };
    let output_digest = Sha256Digest::from_hex(
        output
            .digest
            .strip_prefix("sha256:")
            .unwrap_or(&output.digest),
    )?;
    let output = Artifact::new(
        aigis_provenance::artifact_name(Path::new(&output.path))?,
        output_digest,
    );
    let mut t = TransformRun::new("mask", vec![input], vec![output]);
    t.report = Some(Artifact::from_path(report)?);
    t.rules = match &rules.file {
        Some((p, _)) => Some(Artifact::from_path(p)?),
        None => None,
    };
    t.parameters.insert("run".into(), run.to_owned());
    let envelope = attest_transform(&t, &signer)?;
    let store = AttestationStore::open(store_dir)?;
    let digest = store.put(&envelope)?;
    Ok(digest.to_hex())
}

/// Prints the run's summary: JSON (stdout, or stderr when the data went
/// to stdout) or a few lines for people on stderr.
fn summary(
    args: &MaskArgs,
    global: &GlobalArgs,
    output: &Path,
    report: &Report,
    report_dir: &Path,
    attestation: Option<&str>,
) -> anyhow::Result<()> {
    let to_stdout = output.as_os_str() == "-";
    match args.format {
        MaskFormat::Json => {
            let v = serde_json::json!({
                "run": report.run,
                "input": report.input,
                "output": report.output,
                "records": report.records,
                "fields": report.counts.fields,
                "fields_changed": report.counts.fields_changed,
                "findings": report.counts.findings_by_entity,
                "actions": report.counts.actions_by_operator,
                "residual": report.residual_total,
                "gate": report.gate,
                "report": report_dir.join("report.json").display().to_string(),
                "attestation": attestation,
                "seconds": report.duration_seconds,
            });
            let mut text = serde_json::to_string(&v)?;
            text.push('\n');
            if to_stdout {
                crate::output::note(text.trim_end());
            } else {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes())?;
                out.flush()?;
            }
        }
        MaskFormat::Human => {
            if global.quiet {
                return Ok(());
            }
            let mb = report.input.bytes as f64 / 1e6;
            crate::output::note(&format!(
                "masked {} -> {}: {} records, {} fields changed, {} findings, {} residual; {:.1} MB in {:.2} s ({:.1} MB/s)",
                report.input.path,
                output.display(),
                report.records,
                report.counts.fields_changed,
                report.counts.findings_by_entity.values().sum::<u64>(),
                report.residual_total,
                mb,
                report.duration_seconds,
                mb / report.duration_seconds.max(1e-9),
            ));
            crate::output::note(&format!(
                "run {}; report {}; quarantine {} entries",
                report.run,
                report_dir.join("report.html").display(),
                report.quarantine_entries
            ));
        }
    }
    Ok(())
}
