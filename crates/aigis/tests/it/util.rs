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

/// A fresh temporary directory for one test's input files.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    /// A new empty directory.
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The directory's path.
    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Writes `bytes` to `name` (parents created) and returns the path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::File::create(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes.as_ref()))
            .expect("write test file");
        path
    }
}

/// Runs `aigis scan --format json ARGS...` in `dir` and returns the exit
/// code, the parsed JSON lines of stdout, and stderr.
pub fn scan_json(dir: &std::path::Path, args: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let out = aigis()
        .current_dir(dir)
        .args(["scan", "--format", "json", "--quiet"])
        .args(args)
        .output()
        .expect("run aigis");
    let lines = String::from_utf8(out.stdout)
        .expect("utf-8 stdout")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
