//! End-to-end `aigis mask` throughput: the release binary over the dev
//! table (grown to about 48 MB so start-up does not count) and the dev
//! text, with one thread and with all threads: read, detect, transform,
//! write (atomic file), encrypted quarantine, report, ledger event and
//! attestation. Prints MB/s (input bytes per wall-clock second) and MB/s
//! per core.
//!
//! ```bash
//! cargo bench -p aigis --bench mask_e2e
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Each input is grown to at least this many bytes.
const TARGET_BYTES: usize = 48 * 1024 * 1024;
/// Runs per configuration; the best is reported.
const RUNS: usize = 2;
/// A fixed master key for the bench workspace (base64 of 32 bytes).
const MASTER: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

fn shared_dir() -> PathBuf {
    std::env::var_os("AIGIS_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    )
}

fn grow(path: &Path, head: &str, body: &str) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create bench input"));
    f.write_all(head.as_bytes()).unwrap();
    let mut n = head.len();
    while n < TARGET_BYTES {
        f.write_all(body.as_bytes()).unwrap();
        n += body.len();
    }
    f.flush().unwrap();
}

fn aigis(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aigis"));
    c.current_dir(dir)
        .env_remove("AIGIS_HOME")
        .env("AIGIS_MASTER_KEY", MASTER)
        .stdout(Stdio::null());
    c
}

fn best_seconds(dir: &Path, input: &Path, threads: usize) -> f64 {
    (0..RUNS)
        .map(|_| {
            let out = dir
                .join("masked")
                .with_extension(input.extension().unwrap_or_default());
            let start = Instant::now();
            let status = aigis(dir)
                .args(["--quiet", "--threads", &threads.to_string(), "mask"])
                .arg(input)
                .arg("-o")
                .arg(&out)
                .status()
                .expect("run aigis");
            assert!(status.success(), "aigis mask failed on {}", input.display());
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent: do nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dev = shared_dir().join("eval/pii/data/dev");
    let dir = tempfile::tempdir().expect("temp dir");
    let status = aigis(dir.path())
        .args(["--quiet", "init"])
        .status()
        .expect("init");
    assert!(status.success());
    let table = dir.path().join("dev-table.csv");
    let src = std::fs::read_to_string(dev.join("table.csv")).expect("dev table.csv");
    let (header, body) = src.split_once('\n').expect("header");
    grow(&table, &format!("{header}\n"), body);
    let text = dir.path().join("dev-text.jsonl");
    let mut one = String::new();
    for line in std::fs::read_to_string(dev.join("text.jsonl"))
        .expect("dev text")
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).expect("record");
        one.push_str(&serde_json::json!({ "text": v["text"] }).to_string());
        one.push('\n');
    }
    grow(&text, "", &one);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (name, input) in [("dev table", table), ("dev text", text)] {
        let mb = std::fs::metadata(&input).expect("size").len() as f64 / 1e6;
        for threads in [1, cores] {
            let secs = best_seconds(dir.path(), &input, threads);
            let rate = mb / secs;
            println!(
                "mask_e2e/{name:<9} threads={threads}: {mb:.1} MB in {secs:.2} s = {rate:.1} MB/s ({:.1} MB/s per core)",
                rate / threads as f64
            );
        }
    }
}
