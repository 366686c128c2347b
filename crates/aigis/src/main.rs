//! The `aigis` command: parse the command line, run one subcommand, and map
//! its outcome to an exit code.
//!
//! Exit codes are a contract with pipelines and CI: 0 when everything is
//! fine, 1 when a gate failed (findings with `--fail-on-findings`, a policy
//! denied, a verification failed), 2 for usage and input errors. A closed
//! stdout (`aigis scan ... | head`) is not an error.

mod audit;
mod chunks;
mod cli;
mod commands;
mod mask;
mod output;
mod printer;
mod run_args;
mod scan;
mod settings;

use std::process::ExitCode;

use clap::Parser as _;

use crate::commands::Outcome;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::GateFailed) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            #[allow(clippy::print_stderr)] // the one place errors reach the user
            {
                eprintln!("error: {err:#}");
            }
            ExitCode::from(2)
        }
    }
}

/// True when the error chain ends in a broken pipe: the reader went away.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
