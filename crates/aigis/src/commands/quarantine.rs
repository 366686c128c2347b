//! `aigis quarantine list|show|purge`: the encrypted originals of mask
//! runs. Every command needs the master key and is recorded in the ledger
//! (`quarantine.list`, `quarantine.show`, `quarantine.purge`).

use std::io::Write as _;

use aigis_ledger::Subject;

use super::Outcome;
use crate::audit::Audit;
use crate::cli::{MaskFormat, QuarantineCommand};
use crate::mask::quarantine;
use crate::settings::Settings;

/// Runs `aigis quarantine ...`.
pub(crate) fn run(command: QuarantineCommand, settings: &Settings) -> anyhow::Result<Outcome> {
    let ws = settings.require_workspace()?;
    let ring = settings.keyring()?;
    let audit = Audit::open_with(settings, Some(&ring))?;
    let root = ws.quarantine_dir();
    match command {
        QuarantineCommand::List { format } => {
            let runs = quarantine::list(&root)?;
            audit.record(
                audit
                    .event("quarantine.list", Subject::new("quarantine", "*"))
                    .detail("runs", runs.len()),
            )?;
            let mut out = std::io::stdout().lock();
            match format {
                MaskFormat::Json => {
                    for r in &runs {
                        serde_json::to_writer(&mut out, r)?;
                        out.write_all(b"\n")?;
                    }
                }
                MaskFormat::Human => {
                    for r in &runs {
                        let entries = r
                            .manifest
                            .as_ref()
                            .and_then(|m| m.get("entries"))
                            .and_then(serde_json::Value::as_u64);
                        writeln!(
                            out,
                            "{}  {}  {} entries  {} bytes",
                            r.run,
                            if r.complete { "complete" } else { "INCOMPLETE" },
                            entries.map_or_else(|| "?".to_owned(), |n| n.to_string()),
                            r.bytes
                        )?;
                    }
                }
            }
            out.flush()?;
        }
        QuarantineCommand::Show { run } => {
            quarantine::check_run_id(&run)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let result = quarantine::show(&root, &run, &ring, &mut out);
            let draft = audit.event("quarantine.show", Subject::new("quarantine", run.clone()));
            match &result {
                Ok(bytes) => audit.record(draft.detail("bytes", *bytes))?,
                Err(_) => audit.record(draft.outcome(aigis_ledger::Outcome::Error))?,
            };
            result?;
            out.flush()?;
        }
        QuarantineCommand::Purge { run, format } => {
            quarantine::purge(&root, &run)?;
            audit
                .record(audit.event("quarantine.purge", Subject::new("quarantine", run.clone())))?;
            match format {
                MaskFormat::Json => {
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{}", serde_json::json!({"purged": run}))?;
                }
                MaskFormat::Human => {
                    if !settings.quiet {
                        crate::output::note(&format!("purged quarantine of run {run}"));
                    }
                }
            }
        }
    }
    Ok(Outcome::Success)
}
