//! One module per subcommand. Each takes resolved arguments, calls into the
//! library crates, and reports an [`Outcome`]; errors bubble up as
//! `anyhow::Error` with context and become exit code 2 in `main`.

mod attest;
mod init;
mod keys;
mod ledger;
mod mask;
mod policy;
mod policy_ledger;
mod provenance;
mod quarantine;
mod scan;
mod sign;
mod unmask;
mod verify;

use crate::cli::{Cli, Command};
use crate::settings::Settings;

/// How a command that ran to completion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing to report: exit 0.
    Success,
    /// A gate failed (findings, a denied policy, a failed verification): exit 1.
    GateFailed,
}

/// Runs the chosen subcommand.
pub(crate) fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let quiet = cli.global.quiet;
    match cli.command {
        Command::Policy(cmd) => policy::run(cmd, &cli.global),
        Command::Scan(args) => scan::run(&cli.global, &args),
        Command::Version => {
            #[allow(clippy::print_stdout)]
            {
                println!("aigis {}", env!("CARGO_PKG_VERSION"));
            }
            Ok(Outcome::Success)
        }
        Command::Init(args) => init::run(&args, &Settings::load_for_init(quiet)?),
        Command::Keys { command } => keys::run(command, &Settings::load(quiet)?),
        Command::Ledger { command } => ledger::run(command, quiet),
        Command::Sign(args) => sign::run(&cli.global, &Settings::load(quiet)?, args),
        Command::Attest(args) => attest::run(&cli.global, &Settings::load(quiet)?, args),
        Command::Verify(args) => verify::run(&cli.global, &Settings::load(quiet)?, args),
        Command::Mask(args) => mask::run(&cli.global, &args, &Settings::load(quiet)?),
        Command::Unmask(args) => unmask::run(&args, &Settings::load(quiet)?),
        Command::Quarantine { command } => quarantine::run(command, &Settings::load(quiet)?),
    }
}
