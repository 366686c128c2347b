//! `aigis policy check` over 1,000 generated files of every kind the
//! loaders read (aigis manifests, KServe, MLflow, Terraform, plans, Airflow
//! DAGs, Dockerfiles, .env), with the built-in library; prints files/s.
//!
//! `cargo bench -p aigis --bench policy_check` (add `-- --threads 2` to
//! pin the worker count; default 2, the bar's machine).

// Generated fixtures in temporary directories: a half-written file can only
// fail this run, so plain fs::write is fine here.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const FILES: usize = 1000;

fn main() {
    let threads = std::env::args()
        .skip_while(|a| a != "--threads")
        .nth(1)
        .unwrap_or_else(|| "2".into());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy");
    let mut samples: Vec<(String, String)> = Vec::new();
    for dir in ["good", "bad"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("examples")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            samples.push((name, std::fs::read_to_string(&p).expect("read example")));
        }
    }
    samples.push(("plan.json".into(), plan_json()));
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut bytes = 0usize;
    for i in 0..FILES {
        let (name, text) = &samples[i % samples.len()];
        let dir = tmp.path().join("files").join(format!("d{:03}", i / 50));
        std::fs::create_dir_all(&dir).expect("mkdir");
        // Keep names the loaders recognise: prefix a number to the file
        // name, or put Dockerfile/MLmodel/.env in their own directory.
        let path = match name.as_str() {
            "Dockerfile" | "MLmodel" | ".env" => {
                let d = dir.join(format!("f{i}"));
                std::fs::create_dir_all(&d).expect("mkdir");
                d.join(name)
            }
            _ => dir.join(format!("f{i}-{name}")),
        };
        // A unique comment/key per copy so no two files are identical.
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => text.clone(),
            Some("tf") | Some("py") | Some("yaml") => format!("# copy {i}\n{text}"),
            _ => format!("{text}\n# copy {i}\n"),
        };
        bytes += text.len();
        std::fs::write(&path, text).expect("write");
    }
    let config = root.join("aigis.toml");
    let files = tmp.path().join("files");
    // Warm the page cache and the binary once.
    let _ = run(&threads, &config, &files, None);
    let best = best_of(5, || run(&threads, &config, &files, None));
    println!(
        "policy check: {FILES} files ({:.1} MB), --threads {threads}, --no-ledger: best of 5 {best:.3} s, {:.0} files/s",
        bytes as f64 / 1e6,
        FILES as f64 / best
    );

    // The same inside a workspace: every decision becomes a ledger event.
    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(&ws).expect("mkdir");
    let init = Command::new(env!("CARGO_BIN_EXE_aigis"))
        .current_dir(&ws)
        .env_remove("AIGIS_HOME")
        .env("AIGIS_MASTER_KEY", MASTER)
        .args(["-q", "init"])
        .output()
        .expect("aigis init");
    assert!(init.status.success(), "aigis init failed");
    let best = best_of(3, || run(&threads, &config, &files, Some(&ws)));
    println!(
        "policy check: {FILES} files, --threads {threads}, decisions recorded in the ledger: best of 3 {best:.3} s, {:.0} files/s",
        FILES as f64 / best
    );
}

/// A fixed benchmark master key (base64 of 32 bytes of 7).
const MASTER: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

/// Fastest of `runs` wall-clock times of `f` (which must deny: exit 1).
fn best_of(runs: usize, f: impl Fn() -> i32) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        let code = f();
        best = best.min(started.elapsed().as_secs_f64());
        assert!(code == 1, "bad examples must be denied (exit {code})");
    }
    best
}

/// `aigis policy check` of `dir`; inside workspace `ws` when given (its
/// ledger records the decisions), else with `--no-ledger`.
fn run(threads: &str, config: &Path, dir: &Path, ws: Option<&Path>) -> i32 {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aigis"));
    cmd.env_remove("AIGIS_HOME")
        .env("AIGIS_MASTER_KEY", MASTER)
        .args(["--threads", threads, "-q", "policy", "check"]);
    match ws {
        Some(ws) => cmd.current_dir(ws),
        None => cmd.arg("--no-ledger"),
    };
    let out = cmd
        .args(["--format", "json", "--config"])
        .arg(config)
        .arg(dir)
        .output()
        .expect("run aigis");
    out.status.code().unwrap_or(-1)
}

fn plan_json() -> String {
    r#"{"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {"resources": [
  {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "values": {"bucket": "acme-logs"}},
  {"address": "aws_s3_bucket_versioning.logs", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "logs", "values": {"bucket": "acme-logs", "versioning_configuration": [{"status": "Enabled"}]}}
]}}}"#
        .to_string()
}
