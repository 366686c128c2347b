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
pub fn shared_dir() -> PathBuf {
    std::env::var_os("AIGIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"))
}

/// The real OPA engine through shared/interop (setup.sh installs it into a
/// cached venv).
pub struct Opa {
    python: PathBuf,
    pythonpath: String,
}

impl Opa {
    /// `opa_eval.py -d POLICY [--data DATA] -i INPUT QUERY`, parsed.
    pub fn eval(
        &self,
        policy: &std::path::Path,
        input: &std::path::Path,
        data: Option<&std::path::Path>,
        query: &str,
    ) -> serde_json::Value {
        let mut cmd = std::process::Command::new(&self.python);
        cmd.env("PYTHONPATH", &self.pythonpath)
            .arg(shared_dir().join("interop/opa_eval.py"))
            .arg("-d")
            .arg(policy);
        if let Some(data) = data {
            cmd.arg("--data").arg(data);
        }
        let out = cmd
            .arg("-i")
            .arg(input)
            .arg(query)
            .output()
            .expect("run opa_eval.py");
        assert!(
            out.status.success(),
            "opa_eval.py: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("opa_eval.py prints JSON")
    }
}

/// The interop verifiers, running setup.sh when they are not installed.
/// `None` (the caller skips its OPA comparison) only outside CI when they
/// cannot be installed; under CI=true that fails the test.
pub fn interop() -> Option<Opa> {
    let dir = std::env::var_os("AIGIS_INTEROP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/aigis-interop")
        });
    let python = dir.join("venv/bin/python");
    if !(python.exists() && dir.join("opa/opa_bindings/libopabridge.so").exists()) {
        let ok = std::process::Command::new("bash")
            .arg(shared_dir().join("interop/setup.sh"))
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var_os("CI").is_none(),
                "interop setup failed under CI"
            );
            eprintln!("skipping OPA comparison: interop verifiers not installable here");
            return None;
        }
    }
    let current = std::env::var("PYTHONPATH").unwrap_or_default();
    let opa = dir.join("opa").display().to_string();
    let pythonpath = if current.is_empty() {
        opa
    } else {
        format!("{opa}:{current}")
    };
    Some(Opa { python, pythonpath })
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

/// Writes `batch` as a Parquet file at `path`.
pub fn write_parquet(path: &std::path::Path, batch: &arrow_array::RecordBatch) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

/// Every record batch of the Parquet file at `path`.
pub fn read_parquet(path: &std::path::Path) -> Vec<arrow_array::RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .map(Result::unwrap)
        .collect()
}
