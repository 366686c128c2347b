//! `aigis ledger`: log, append, checkpoint, proof, verify, export.

use std::io::BufRead as _;
use std::path::Path;
use std::sync::mpsc;

use anyhow::{Context as _, bail};
use serde_json::{Map, Value, json};

use aigis_keys::PublicKey;
use aigis_ledger::bundle;
use aigis_ledger::event::normalize_time;
use aigis_ledger::merkle::leaf_hash;
use aigis_ledger::{
    Event, EventDraft, EventFilter, LedgerStore, Outcome as EventOutcome, SqliteStore, Subject,
    VerifierKey, VerifyError, VerifyReport,
};

use crate::audit::Audit;
use crate::cli::{
    LedgerAppendArgs, LedgerCommand, LedgerLogArgs, LedgerProofArgs, LedgerVerifyArgs, OutputFormat,
};
use crate::commands::Outcome;
use crate::output;
use crate::settings::Settings;

/// Events per transaction for `append --stdin`.
const STDIN_BATCH: usize = 1000;

pub(crate) fn run(command: LedgerCommand, quiet: bool) -> anyhow::Result<Outcome> {
    if let LedgerCommand::Verify(args) = &command
        && let Some(dir) = &args.bundle
    {
        // Offline: no workspace, no settings.
        let trusted = trusted_keys(args)?;
        let result = bundle::verify_bundle(dir, trusted.as_deref());
        return report_verify(result, args.format, quiet);
    }
    let settings = Settings::load(quiet)?;
    match command {
        LedgerCommand::Log(args) => log(&args, &settings),
        LedgerCommand::Append(args) => append(&args, &settings),
        LedgerCommand::Checkpoint { format } => checkpoint(format, &settings),
        LedgerCommand::Proof(args) => proof(&args, &settings),
        LedgerCommand::Verify(args) => verify(&args, &settings),
        LedgerCommand::Export { dir, format } => export(&dir, format, &settings),
    }
}

fn open_store(settings: &Settings) -> anyhow::Result<SqliteStore> {
    let db = settings.require_workspace()?.db_path();
    SqliteStore::open(&db).with_context(|| format!("opening the ledger in {}", db.display()))
}

fn log(args: &LedgerLogArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let store = open_store(settings)?;
    let (subject_kind, subject_id) = match args.subject.as_deref() {
        None => (None, None),
        Some(s) => match s.split_once(':') {
            Some((k, id)) => (Some(k.to_owned()), Some(id.to_owned())),
            None => (Some(s.to_owned()), None),
        },
    };
    let filter = EventFilter {
        actor: args.actor.clone(),
        action: args.action.clone(),
        subject_kind,
        subject_id,
        since: args.since.as_deref().map(normalize_time).transpose()?,
        until: args.until.as_deref().map(normalize_time).transpose()?,
    };
    let limit = args.limit.unwrap_or(u64::MAX);
    let mut shown = 0u64;
    let mut from = 0u64;
    'pages: loop {
        let rows = store.query(&filter, from, 1000)?;
        let Some(last) = rows.last() else { break };
        from = last.seq + 1;
        for row in rows {
            if shown == limit {
                break 'pages;
            }
            match args.format {
                OutputFormat::Json => output::bytes_line(&row.leaf)?,
                OutputFormat::Human => {
                    let event: Event = serde_json::from_slice(&row.leaf)
                        .with_context(|| format!("seq {}: stored event is not valid", row.seq))?;
                    output::line(&format!(
                        "{:>6}  {}  {}  {}  {}  {}",
                        event.seq,
                        event.time,
                        event.actor,
                        event.action,
                        event.subject,
                        event.outcome
                    ))?;
                }
            }
            shown += 1;
        }
    }
    Ok(Outcome::Success)
}

fn draft_from_flags(args: &LedgerAppendArgs, audit: &Audit) -> anyhow::Result<EventDraft> {
    let action = args.action.as_deref().context("--action is required")?;
    let mut subject = Subject::parse(args.subject.as_deref().context("--subject is required")?)?;
    if let Some(d) = &args.digest {
        subject = subject.with_digest(d.clone());
    }
    let mut draft = EventDraft::new(
        args.actor
            .clone()
            .unwrap_or_else(|| audit.actor().to_owned()),
        action,
        subject,
    );
    if let Some(o) = &args.outcome {
        draft = draft.outcome(o.parse::<EventOutcome>()?);
    }
    if let Some(text) = &args.details {
        let details: Map<String, Value> = serde_json::from_str(text)
            .context("--details: expected a JSON object, e.g. '{\"rows\": 120}'")?;
        draft.details = details;
    }
    draft.validate()?;
    Ok(draft)
}

fn ack(event: &Event, format: OutputFormat) -> anyhow::Result<()> {
    match format {
        OutputFormat::Json => output::json(&json!({
            "seq": event.seq,
            "leaf_hash": hex::encode(leaf_hash(&event.leaf()?)),
        })),
        OutputFormat::Human => output::line(&format!("recorded seq {}", event.seq)),
    }
}

fn append(args: &LedgerAppendArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    settings.require_workspace()?;
    let audit = Audit::open(settings)?;
    if !args.stdin {
        let draft = draft_from_flags(args, &audit)?;
        if let Some(event) = audit.record(draft)? {
            ack(&event, args.format)?;
        }
        return Ok(Outcome::Success);
    }
    // Bulk: a reader thread feeds lines; each batch is what has arrived
    // (up to STDIN_BATCH), written in one transaction and acknowledged
    // only after it is durable.
    let (tx, rx) = mpsc::sync_channel::<std::io::Result<String>>(4 * STDIN_BATCH);
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let stop = line.is_err();
            if tx.send(line).is_err() || stop {
                break;
            }
        }
    });
    let mut line_no = 0u64;
    let mut total = 0u64;
    let mut first_seq = None;
    while let Ok(first) = rx.recv() {
        let mut lines = vec![first];
        while lines.len() < STDIN_BATCH {
            match rx.try_recv() {
                Ok(l) => lines.push(l),
                Err(_) => break,
            }
        }
        let mut drafts = Vec::with_capacity(lines.len());
        for line in lines {
            line_no += 1;
            let line = line.context("reading stdin")?;
            if line.trim().is_empty() {
                continue;
            }
            let draft = EventDraft::from_json_line(&line, line_no).map_err(|e| {
                anyhow::anyhow!(
                    "stdin {e}{}",
                    if total > 0 {
                        format!(" ({total} events before this batch were recorded)")
                    } else {
                        String::new()
                    }
                )
            })?;
            drafts.push(draft);
        }
        if drafts.is_empty() {
            continue;
        }
        for event in audit.record_batch(drafts)? {
            first_seq.get_or_insert(event.seq);
            if args.format == OutputFormat::Json {
                ack(&event, OutputFormat::Json)?;
            }
            total += 1;
        }
    }
    if !settings.quiet && args.format == OutputFormat::Human {
        match first_seq {
            Some(s) => output::note(&format!(
                "appended {total} events (seq {s}..{})",
                s + total - 1
            )),
            None => output::note("appended 0 events"),
        }
    }
    Ok(Outcome::Success)
}

fn checkpoint(format: OutputFormat, settings: &Settings) -> anyhow::Result<Outcome> {
    settings.require_workspace()?;
    let audit = Audit::open(settings)?;
    let auditor = audit.auditor().context("no ledger")?;
    if !auditor.can_sign() {
        // Surface why (master key, disabled key) rather than a bare "no signer".
        let ring = settings.keyring()?;
        ring.ed25519_signer(&settings.config.ledger.signing_key)?;
        bail!("checkpoint key unavailable");
    }
    let (cp, new) = auditor.checkpoint()?;
    match format {
        OutputFormat::Json => output::json(&json!({
            "idx": cp.idx,
            "size": cp.size,
            "root": hex::encode(cp.root),
            "new": new,
            "note": cp.note,
        }))?,
        OutputFormat::Human => {
            let mut out = cp.note.clone();
            if out.ends_with('\n') {
                out.pop();
            }
            output::line(&out)?;
            if !settings.quiet && !new {
                output::note("(the newest checkpoint already covers every event)");
            }
        }
    }
    Ok(Outcome::Success)
}

fn proof(args: &LedgerProofArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let store = open_store(settings)?;
    let hexes = |v: &[aigis_ledger::Hash]| v.iter().map(hex::encode).collect::<Vec<_>>().join(",");
    if let Some(seq) = args.seq {
        let p = aigis_ledger::inclusion_proof(&store, seq, args.size)?;
        match args.format {
            OutputFormat::Json => output::json(&p)?,
            OutputFormat::Human => {
                output::line(&format!("seq {} in tree size {}", p.seq, p.size))?;
                output::line(&format!("leaf_hash {}", hex::encode(p.leaf_hash)))?;
                output::line(&format!("root {}", hex::encode(p.root)))?;
                output::line(&format!("proof {}", hexes(&p.proof)))?;
            }
        }
    } else {
        let (Some(from), Some(to)) = (args.from, args.to) else {
            bail!("give --seq N, or --from SIZE1 --to SIZE2");
        };
        let p = aigis_ledger::consistency_proof(&store, from, to)?;
        match args.format {
            OutputFormat::Json => output::json(&p)?,
            OutputFormat::Human => {
                output::line(&format!("consistency from size {} to {}", p.old, p.new))?;
                output::line(&format!("old_root {}", hex::encode(p.old_root)))?;
                output::line(&format!("new_root {}", hex::encode(p.new_root)))?;
                output::line(&format!("proof {}", hexes(&p.proof)))?;
            }
        }
    }
    Ok(Outcome::Success)
}

/// Keys given with --vkey / --vkey-file, if any.
fn trusted_keys(args: &LedgerVerifyArgs) -> anyhow::Result<Option<Vec<VerifierKey>>> {
    let mut keys = Vec::new();
    for k in &args.vkey {
        keys.push(VerifierKey::parse(k).context("--vkey")?);
    }
    if let Some(path) = &args.vkey_file {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            keys.push(
                VerifierKey::parse(line)
                    .with_context(|| format!("{} line {}", path.display(), i + 1))?,
            );
        }
    }
    Ok((!keys.is_empty()).then_some(keys))
}

/// Verifier keys of every usable version of the ledger key, from the keyring.
fn keyring_vkeys(settings: &Settings, origin: &str) -> anyhow::Result<Vec<VerifierKey>> {
    let ring = settings.keyring().context(
        "verifying needs the ledger's public keys: provide the master key, or pass --vkey",
    )?;
    let name = &settings.config.ledger.signing_key;
    let mut keys: Vec<VerifierKey> = Vec::new();
    let current = ring.info(name)?.current;
    for (version, public) in ring.public_keys(name)? {
        if let PublicKey::Ed25519(vk) = public {
            let key = VerifierKey::new(origin, vk)?;
            if Some(version) == current {
                keys.insert(0, key);
            } else {
                keys.push(key);
            }
        }
    }
    if keys.is_empty() {
        bail!("key {name} has no usable Ed25519 version to verify checkpoints with");
    }
    Ok(keys)
}

fn verify(args: &LedgerVerifyArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let store = open_store(settings)?;
    let keys = match trusted_keys(args)? {
        Some(k) => k,
        None => keyring_vkeys(settings, store.origin())?,
    };
    let witness = args
        .witness
        .as_ref()
        .map(|p| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display())))
        .transpose()?;
    let result = aigis_ledger::verify_store(&store, &keys, witness.as_deref());
    report_verify(result, args.format, settings.quiet)
}

fn report_verify(
    result: Result<VerifyReport, VerifyError>,
    format: OutputFormat,
    quiet: bool,
) -> anyhow::Result<Outcome> {
    match result {
        Ok(report) => {
            match format {
                OutputFormat::Json => output::json(&json!({"ok": true, "report": report}))?,
                OutputFormat::Human => {
                    output::line(&format!(
                        "ok: {} events, {} checkpoints; the newest covers {} events; root {}",
                        report.events, report.checkpoints, report.covered, report.root
                    ))?;
                    if !quiet && report.uncovered > 0 {
                        output::note(&format!(
                            "note: {} events after the newest checkpoint are consistent but not yet signed (run `aigis ledger checkpoint`)",
                            report.uncovered
                        ));
                    }
                    if !quiet && report.keys_from_bundle {
                        output::note(
                            "warning: checked against the bundle's own verifier keys; pass --vkey with a key you trust to rule out a forged bundle",
                        );
                    }
                }
            }
            Ok(Outcome::Success)
        }
        Err(VerifyError::Failed(failure)) => {
            match format {
                OutputFormat::Json => output::json(&json!({"ok": false, "failure": failure}))?,
                OutputFormat::Human => output::line(&format!("FAILED: {failure}"))?,
            }
            Ok(Outcome::GateFailed)
        }
        Err(VerifyError::Ledger(e)) => Err(e.into()),
        Err(e) => Err(e.into()),
    }
}

fn export(dir: &Path, format: OutputFormat, settings: &Settings) -> anyhow::Result<Outcome> {
    settings.require_workspace()?;
    let audit = Audit::open(settings)?;
    let auditor = audit.auditor().context("no ledger")?;
    let origin = auditor.with_store(|s| s.origin().to_owned());
    let keys = keyring_vkeys(settings, &origin)?;
    if auditor.can_sign() {
        // Cover every event with a signature before it leaves.
        auditor.checkpoint()?;
    }
    let manifest = auditor.with_store(|s| bundle::export(s, dir, &keys))?;
    match format {
        OutputFormat::Json => output::json(&manifest)?,
        OutputFormat::Human => output::line(&format!(
            "exported {} events and {} checkpoints to {}",
            manifest.events,
            manifest.checkpoints,
            dir.display()
        ))?,
    }
    Ok(Outcome::Success)
}
