//! `aigis version` and `--version`.

use crate::util::aigis;

#[test]
fn version_prints_crate_version() {
    aigis()
        .arg("version")
        .assert()
        .success()
        .stdout(predicates::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn unknown_subcommand_is_usage_error() {
    aigis().arg("no-such-command").assert().code(2);
}
