//! `aigis scan`: resolve the arguments, build the scanner, find the inputs,
//! run the scan, and turn the findings into an exit status.

use std::num::NonZeroUsize;

use aigis_detect::{Entity, Scanner};
use aigis_table::{InputFormat, ReadOptions, WalkOptions};
use anyhow::{Context as _, bail};

use super::Outcome;
use crate::cli::{GlobalArgs, ScanArgs};
use crate::printer::{Printer, Progress, Renderer, SummaryInfo};
use crate::scan::{self, ScanJob};

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
        let format = match &args.input_format {
            Some(f) => Some(f.parse::<InputFormat>()?),
            None => None,
        };
        let delimiter = match args.delimiter {
            None => None,
            Some(c) => match u8::try_from(c) {
                Ok(b) if c.is_ascii() && b != b'"' && b != b'\n' && b != b'\r' => Some(b),
                _ => bail!("--delimiter must be one ASCII character other than a quote or newline"),
            },
        };
        if let Some(s) = args.min_score
            && !(0.0..=1.0).contains(&s)
        {
            bail!("--min-score must be between 0 and 1, got {s}");
        }
        let threads = match global.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
        };
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
    for path in &args.recognizers {
        let recognizers = load_recognizers(path)
            .with_context(|| format!("cannot load recognizers from {}", path.display()))?;
        builder = builder.recognizers(recognizers);
    }
    Ok(builder.build())
}

/// Reads a custom recognizer file. Pending aigis-detect's loader
/// (`load_recognizer_file`, announced in the scan notes).
fn load_recognizers(
    path: &std::path::Path,
) -> anyhow::Result<Vec<Box<dyn aigis_detect::Recognizer>>> {
    bail!(
        "{}: custom recognizer files are not supported by this build yet",
        path.display()
    )
}

/// Runs `aigis scan`.
pub(crate) fn run(global: &GlobalArgs, args: &ScanArgs) -> anyhow::Result<Outcome> {
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
    Ok(if gate {
        Outcome::GateFailed
    } else {
        Outcome::Success
    })
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
