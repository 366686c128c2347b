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
}
