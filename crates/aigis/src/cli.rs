//! Command-line types only: clap derive structs holding raw values.
//!
//! Nothing here does I/O or reads the environment beyond what clap does;
//! commands resolve these raw values into settings before doing work.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Security and compliance automation for AI data pipelines and model
/// endpoints.
#[derive(Debug, Parser)]
#[command(name = "aigis", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// Options every subcommand understands.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options shared by all subcommands.
#[derive(Debug, clap::Args)]
pub(crate) struct GlobalArgs {
    /// No progress bars or summaries on stderr.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Worker threads (default: all cores).
    #[arg(long, global = true, value_name = "N")]
    pub(crate) threads: Option<usize>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Find personal data and secrets in text, CSV/TSV, JSONL and Parquet.
    ///
    /// Exit status: 0 when done (no gate failed), 1 when findings at or above
    /// --min-score exist and --fail-on-findings (or a --fail-on entity) is
    /// given, 2 on usage or input errors.
    Scan(ScanArgs),
    /// Print version and build information.
    Version,
}

/// How `aigis scan` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanFormat {
    /// A summary for people: counts by entity, column classes, throughput.
    Human,
    /// One JSON object per line (per finding, or per column with --columns).
    Json,
    /// One SARIF 2.1.0 log, for code-scanning UIs.
    Sarif,
}

/// Arguments of `aigis scan`.
#[derive(Debug, clap::Args)]
pub(crate) struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Human)]
    pub(crate) format: ScanFormat,
    /// Report one result per table column instead of one per finding.
    #[arg(long)]
    pub(crate) columns: bool,
    /// Include the matched text in the output (off by default: the output
    /// would itself hold the personal data).
    #[arg(long)]
    pub(crate) show_values: bool,
    /// Drop findings scoring below this, in [0, 1] (default 0.5).
    #[arg(long, value_name = "SCORE")]
    pub(crate) min_score: Option<f32>,
    /// Exit with status 1 when any finding is reported.
    #[arg(long)]
    pub(crate) fail_on_findings: bool,
    /// Exit with status 1 when a finding of one of these entities is
    /// reported (comma-separated, e.g. US_SSN,CREDIT_CARD).
    #[arg(long, value_name = "ENTITY,...", value_delimiter = ',')]
    pub(crate) fail_on: Vec<String>,
    /// Report only these entities (comma-separated; default: all).
    #[arg(long, value_name = "ENTITY,...", value_delimiter = ',')]
    pub(crate) entities: Vec<String>,
    /// Say why each finding has its score (pattern, validation, context).
    #[arg(long)]
    pub(crate) explain: bool,
    /// Load custom recognizers from this file (aigis TOML, or Presidio's
    /// ad-hoc YAML for .yaml/.yml); may be repeated.
    #[arg(long, value_name = "FILE")]
    pub(crate) recognizers: Vec<PathBuf>,
    /// Skip bad records and unreadable files, counting them, instead of
    /// stopping at the first one.
    #[arg(long)]
    pub(crate) skip_bad: bool,
    /// Read every input as this format instead of choosing by extension.
    #[arg(long, value_name = "FORMAT", value_parser = ["text", "csv", "tsv", "jsonl", "parquet"])]
    pub(crate) input_format: Option<String>,
    /// Field delimiter for CSV input (default: sniffed from the header).
    #[arg(long, value_name = "CHAR")]
    pub(crate) delimiter: Option<char>,
    /// In directories, scan only files matching this glob; may be repeated.
    #[arg(long, value_name = "GLOB")]
    pub(crate) include: Vec<String>,
    /// In directories, skip files and directories matching this glob; may
    /// be repeated.
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
    /// In directories, also scan hidden files and directories.
    #[arg(long)]
    pub(crate) hidden: bool,
    /// Largest CSV row or JSON line read, in bytes (larger ones are bad
    /// records).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub(crate) max_record_size: usize,
}
