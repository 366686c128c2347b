//! `aigis scan`: resolve the arguments, build the scanner, find the inputs,
//! run the scan, and turn the findings into an exit status.

use aigis_detect::{Entity, Scanner};
use aigis_table::{ReadOptions, WalkOptions};
use anyhow::{Context as _, bail};

use aigis_ledger::{Outcome as LedgerOutcome, Subject};

use super::Outcome;
use crate::audit::Audit;
use crate::cli::{GlobalArgs, ScanArgs};
use crate::printer::{Printer, Progress, Renderer, SummaryInfo};
use crate::run_args;
use crate::scan::{self, ScanJob};
use crate::settings::Settings;

/// `aigis scan` with its arguments resolved.
#[derive(Debug)]
struct ScanSettings {
    walk: WalkOptions,
    read: ReadOptions,
    threads: usize,
    min_score: Option<f32>,
    entities: Vec<Entity>,
    fail_on: Vec<Entity>,
}

impl ScanSettings {
    fn resolve(global: &GlobalArgs, args: &ScanArgs) -> anyhow::Result<ScanSettings> {
        let format = run_args::input_format(args.input_format.as_deref())?;
        let delimiter = run_args::delimiter(args.delimiter)?;
        run_args::check_min_score(args.min_score)?;
        let threads = run_args::threads(global)?;
        Ok(ScanSettings {
            walk: WalkOptions {
                include: args.include.clone(),
                exclude: args.exclude.clone(),
                hidden: args.hidden,
                format,
            },
            read: ReadOptions {
                skip_bad: args.skip_bad,
                max_record_bytes: args.max_record_size.max(1),
                delimiter,
                ..ReadOptions::default()
            },
            threads,
            min_score: args.min_score,
            entities: entity_list(&args.entities, "--entities")?,
            fail_on: entity_list(&args.fail_on, "--fail-on")?,
        })
    }
}

/// Parses entity names; custom names are allowed but must look like one.
fn entity_list(names: &[String], flag: &str) -> anyhow::Result<Vec<Entity>> {
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|n| {
            if n.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                Ok(Entity::new(n))
            } else {
                bail!("{flag}: {n:?} is not an entity name (upper case, like US_SSN)")
            }
        })
        .collect()
}

/// Builds the scanner: built-in recognizers, custom recognizer files,
/// minimum score and entity filter.
fn build_scanner(settings: &ScanSettings, args: &ScanArgs) -> anyhow::Result<Scanner> {
    let mut builder = Scanner::builder().only(settings.entities.clone());
    if let Some(s) = settings.min_score {
        builder = builder.min_score(s);
    }
    let mut disabled = Vec::new();
    for path in &args.recognizers {
        let file = aigis_detect::load_recognizer_file(path)
            .with_context(|| format!("cannot load recognizers from {}", path.display()))?;
        for name in &file.ignored {
            eprintln!(
                "aigis: {}: {name} has no aigis equivalent; ignored",
                path.display()
            );
        }
        disabled.extend(file.disable.iter().cloned());
        builder = builder.recognizers(file.boxed());
    }
    Ok(builder.disable(disabled).build())
}

/// Runs `aigis scan`.
pub(crate) fn run(global: &GlobalArgs, args: &ScanArgs) -> anyhow::Result<Outcome> {
    // The workspace (if any) first, so a bad aigis.toml stops the run
    // before any work rather than after the output.
    let audit = Audit::open(&Settings::load(global.quiet)?)?;
    let settings = ScanSettings::resolve(global, args)?;
    let scanner = build_scanner(&settings, args)?;
    let found = aigis_table::discover(&args.paths, &settings.walk)?;
    let mut walk_errors = found.errors;
    if !args.skip_bad && !walk_errors.is_empty() {
        return Err(anyhow::Error::new(walk_errors.swap_remove(0)));
    }
    let inputs = found.inputs;
    if inputs
        .iter()
        .filter(|i| i.source == aigis_table::Source::Stdin)
        .count()
        > 1
    {
        bail!("standard input (-) can be scanned only once per run");
    }
    let total = inputs.iter().map(|i| i.size).sum::<Option<u64>>();
    let show_bar = !global.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let renderer = Renderer::new(args.format, args.show_values, args.explain, args.columns);
    let mut printer = Printer::new(
        args.format,
        args.columns,
        global.quiet,
        Progress::new(show_bar, total),
    );
    printer.begin().context("cannot write to standard output")?;
    let job = ScanJob {
        scanner: &scanner,
        inputs: &inputs,
        read: settings.read.clone(),
        threads: settings.threads,
        skip_bad: args.skip_bad,
        explain: args.explain,
        renderer: &renderer,
    };
    let mut tally = match scan::run(&job, &mut printer) {
        Ok(t) => t,
        Err(e) => {
            printer.abort(&scan::Tally::default(), &e);
            return Err(e);
        }
    };
    tally
        .skipped_inputs
        .extend(walk_errors.into_iter().map(|e| scan::SkippedInput {
            source: String::new(),
            reason: e.to_string(),
        }));
    let info = SummaryInfo {
        min_score: scanner.min_score(),
    };
    printer
        .finish(&tally, info)
        .context("cannot write to standard output")?;
    let gate = (args.fail_on_findings && tally.findings.total() > 0)
        || tally.findings.any_of(&settings.fail_on);
    record_run(&audit, args, &tally, gate)?;
    Ok(if gate {
        Outcome::GateFailed
    } else {
        Outcome::Success
    })
}

/// Records the run in the workspace ledger (`scan.run`): what was scanned
/// and how many findings of each entity, never a value. Without a
/// workspace nothing is recorded.
fn record_run(
    audit: &Audit,
    args: &ScanArgs,
    tally: &scan::Tally,
    gate: bool,
) -> anyhow::Result<()> {
    if audit.auditor().is_none() {
        return Ok(());
    }
    let id = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let by_entity: serde_json::Map<String, serde_json::Value> = tally
        .findings
        .sorted()
        .into_iter()
        .map(|(e, n)| (e.to_string(), n.into()))
        .collect();
    let draft = audit
        .event("scan.run", Subject::new("dataset", id))
        .outcome(if gate {
            LedgerOutcome::Failure
        } else {
            LedgerOutcome::Success
        })
        .detail("inputs", tally.inputs)
        .detail("records", tally.records)
        .detail("fields", tally.fields)
        .detail("bytes", tally.bytes)
        .detail("findings", tally.findings.total())
        .detail("findings_by_entity", by_entity)
        .detail(
            "skipped_inputs",
            u64::try_from(tally.skipped_inputs.len()).unwrap_or(u64::MAX),
        );
    audit.record(draft)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::ScanFormat;

    #[test]
    fn entity_lists_are_validated() {
        let ok = entity_list(
            &["US_SSN".into(), " EMAIL_ADDRESS ".into(), String::new()],
            "--x",
        )
        .unwrap();
        assert_eq!(ok, [Entity::US_SSN, Entity::EMAIL_ADDRESS]);
        assert!(entity_list(&["us ssn".into()], "--x").is_err());
    }

    #[test]
    fn human_format_is_default() {
        use clap::Parser as _;
        let cli = crate::cli::Cli::parse_from(["aigis", "scan", "x.csv"]);
        let crate::cli::Command::Scan(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.format, ScanFormat::Human);
    }
}
