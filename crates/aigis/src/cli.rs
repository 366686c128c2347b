//! Command-line types only: clap derive structs holding raw values.
//!
//! Nothing here does I/O or reads the environment beyond what clap does;
//! commands resolve these raw values into settings before doing work.

use clap::{Parser, Subcommand};

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
    /// Print version and build information.
    Version,
    /// Policy-as-code gates: check files against Rego policies, run policy
    /// tests, evaluate queries.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

/// `aigis policy ...`
#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Check files (YAML, JSON, Terraform, plans, Airflow DAGs, Dockerfiles,
    /// .env) against deny/violation/warn rules; exit 1 when anything is
    /// denied.
    Check(PolicyCheckArgs),
    /// Run the test_* rules of policies, like `opa test`; exit 1 when a test
    /// fails.
    Test(PolicyTestArgs),
    /// Evaluate a query or data path, like `opa eval`.
    Eval(PolicyEvalArgs),
    /// Print the input documents policies see for files (JSON array), like
    /// `conftest parse`.
    Parse(PolicyParseArgs),
}

/// Arguments of `aigis policy parse`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyParseArgs {
    /// Files to read.
    #[arg(required = true, value_name = "FILES")]
    pub(crate) files: Vec<std::path::PathBuf>,
    /// Read every file with this parser instead of choosing by file name.
    #[arg(long, value_name = "PARSER")]
    pub(crate) parser: Option<String>,
}

/// Output formats of `policy check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CheckFormat {
    /// `FAIL - file:line - namespace - message` lines and a summary.
    Text,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
}

/// Output formats of `policy test` and `policy eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum PlainFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// Arguments of `aigis policy check`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyCheckArgs {
    /// Files or directories to check (directories: every file a parser
    /// recognises).
    #[arg(required = true, value_name = "FILES|DIRS")]
    pub(crate) inputs: Vec<std::path::PathBuf>,
    /// Policy file or directory to load (repeatable); added to the
    /// built-in library unless --no-builtin.
    #[arg(short = 'p', long = "policy", value_name = "DIR")]
    pub(crate) policies: Vec<std::path::PathBuf>,
    /// Leave the built-in library out.
    #[arg(long)]
    pub(crate) no_builtin: bool,
    /// Only these packages (repeatable; `aigis.*` selects a prefix).
    #[arg(short = 'n', long = "namespace", value_name = "PACKAGE")]
    pub(crate) namespaces: Vec<String>,
    /// Read every input with this parser (yaml, json, tfplan, hcl, airflow,
    /// dockerfile, dotenv) instead of choosing by file name.
    #[arg(long, value_name = "PARSER")]
    pub(crate) parser: Option<String>,
    /// JSON or YAML document merged into `data` (repeatable).
    #[arg(long = "data", value_name = "FILE")]
    pub(crate) data: Vec<std::path::PathBuf>,
    /// aigis.toml to read the [policy] section from (default:
    /// .aigis/aigis.toml of the workspace, if any).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: CheckFormat,
    /// Do not record decisions in the ledger.
    #[arg(long)]
    pub(crate) no_ledger: bool,
}

/// Arguments of `aigis policy test`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyTestArgs {
    /// Policy directories or files holding the policies and their
    /// *_test.rego files.
    #[arg(required = true, value_name = "DIR")]
    pub(crate) paths: Vec<std::path::PathBuf>,
    /// Only tests whose `package.name` contains this text.
    #[arg(long = "run", short = 'r', value_name = "TEXT")]
    pub(crate) run: Option<String>,
    /// JSON or YAML document merged into `data` (repeatable).
    #[arg(long = "data", value_name = "FILE")]
    pub(crate) data: Vec<std::path::PathBuf>,
    /// List passing tests too.
    #[arg(short, long)]
    pub(crate) verbose: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: PlainFormat,
}

/// Arguments of `aigis policy eval`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyEvalArgs {
    /// A data path (`aigis.endpoint.deny`, `data.aigis.endpoint`) or any
    /// Rego query.
    #[arg(value_name = "QUERY")]
    pub(crate) query: String,
    /// Policy file or directory (repeatable; *_test.rego files are left
    /// out).
    #[arg(short = 'd', long = "policy", value_name = "DIR", required = true)]
    pub(crate) policies: Vec<std::path::PathBuf>,
    /// The input document: `.json` as is (like opa eval); other kinds
    /// through their loader, exactly as `check` gives them to policies.
    #[arg(short, long, value_name = "INPUT")]
    pub(crate) input: Option<std::path::PathBuf>,
    /// Parser for a non-JSON input (default: by file name).
    #[arg(long, value_name = "PARSER")]
    pub(crate) parser: Option<String>,
    /// JSON or YAML document merged into `data` (repeatable).
    #[arg(long = "data", value_name = "FILE")]
    pub(crate) data: Vec<std::path::PathBuf>,
    /// Output: json prints exactly one line, {"result": VALUE} or
    /// {"undefined": true}.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: PlainFormat,
    /// Do not record the decision in the ledger.
    #[arg(long)]
    pub(crate) no_ledger: bool,
}
