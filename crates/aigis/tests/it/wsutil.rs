//! Helpers for tests that need a workspace (init, keys, ledger) and the
//! independent transparency-log oracle.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{aigis, shared_dir};

/// A fixed test master key (base64 of 32 bytes of 7).
pub const MASTER: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

/// A temporary directory with an initialized `.aigis/`.
pub struct Ws {
    pub dir: tempfile::TempDir,
}

impl Ws {
    /// `aigis init` in a fresh temporary directory.
    pub fn new() -> Ws {
        Self::with_config("")
    }

    /// As [`Ws::new`], then appends `extra` to aigis.toml (e.g. a [ledger]
    /// override).
    pub fn with_config(extra: &str) -> Ws {
        let dir = tempfile::tempdir().unwrap();
        aigis()
            .current_dir(dir.path())
            .env("AIGIS_MASTER_KEY", MASTER)
            .arg("init")
            .assert()
            .success();
        if !extra.is_empty() {
            let path = dir.path().join(".aigis/aigis.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replace("[ledger]\n", &format!("[ledger]\n{extra}\n"));
            crate::wsutil::write(&path, text).unwrap();
        }
        Ws { dir }
    }

    /// The aigis binary, run inside this workspace with the master key.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = aigis();
        cmd.current_dir(self.dir.path())
            .env("AIGIS_MASTER_KEY", MASTER);
        cmd
    }

    /// A std command for the binary (for spawning and killing).
    pub fn std_cmd(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("aigis"));
        cmd.current_dir(self.dir.path())
            .env_remove("AIGIS_HOME")
            .env("AIGIS_MASTER_KEY", MASTER);
        cmd
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join(".aigis")
    }

    pub fn db(&self) -> PathBuf {
        self.root().join("aigis.db")
    }

    /// Runs a command and returns stdout, asserting success.
    pub fn out(&self, args: &[&str]) -> String {
        let out = self
            .cmd()
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    }

    /// The ledger's verifier key.
    pub fn vkey(&self) -> String {
        self.out(&["keys", "export-public", "ledger", "--note"])
            .trim()
            .to_owned()
    }

    /// Appends `n` events through `--stdin`.
    pub fn append_n(&self, n: usize) {
        let lines: String = (0..n)
            .map(|i| {
                format!(
                    "{{\"actor\":\"ci:test\",\"action\":\"train.step\",\"subject\":{{\"kind\":\"model\",\"id\":\"m{i}\"}},\"details\":{{\"step\":{i}}}}}\n"
                )
            })
            .collect();
        self.cmd()
            .args(["ledger", "append", "--stdin"])
            .write_stdin(lines)
            .assert()
            .success();
    }
}

/// The interop directory (venv with `cryptography`), installed by
/// `shared/interop/setup.sh` if it is not there yet.
fn interop_dir() -> PathBuf {
    let dir = std::env::var_os("AIGIS_INTEROP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                .join(".cache/aigis-interop")
        });
    if !dir.join("venv/bin/python").exists() {
        let status = Command::new("bash")
            .arg(shared_dir().join("interop/setup.sh"))
            .arg(&dir)
            .status()
            .expect("run setup.sh");
        assert!(status.success(), "shared/interop/setup.sh failed");
    }
    dir
}

/// Runs the interop venv's Python with ARGS; returns (exit code, stdout
/// and stderr).
pub fn python(args: &[&str]) -> (i32, String) {
    let python = interop_dir().join("venv/bin/python");
    let out = Command::new(python)
        .args(args)
        .output()
        .expect("run python");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Runs `tlog_oracle.py ARGS`; returns (exit code, output).
pub fn oracle(args: &[&str]) -> (i32, String) {
    let script = shared_dir().join("interop/tlog_oracle.py");
    let mut all = vec![script.to_str().unwrap()];
    all.extend_from_slice(args);
    python(&all)
}

/// Opens the workspace database directly, as an attacker with file access
/// would.
pub fn raw_db(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

/// Writes a test fixture (tests may write files in place: they simulate
/// edits, not produce outputs).
#[allow(clippy::disallowed_methods)]
pub fn write(path: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
