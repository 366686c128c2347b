//! Helpers shared by the end-to-end tests.

use std::path::PathBuf;

/// The `aigis` binary built for this test run.
pub fn aigis() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("aigis").expect("aigis binary is built");
    // Tests never inherit the developer's workspace or master key.
    cmd.env_remove("AIGIS_HOME").env_remove("AIGIS_MASTER_KEY");
    cmd
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `shared/` beside the checkout (eval data, interop verifiers), or
/// `AIGIS_SHARED` when set.
#[allow(dead_code)]
pub fn shared_dir() -> PathBuf {
    std::env::var_os("AIGIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"))
}
