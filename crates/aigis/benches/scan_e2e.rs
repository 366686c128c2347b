//! End-to-end `aigis scan` throughput: the release binary over the dev
//! text and the dev table (grown to tens of MB so start-up does not count),
//! with one thread and with all threads, JSON output to /dev/null, every
//! default recognizer on. Prints MB/s (input bytes per wall-clock second)
//! and MB/s per core.
//!
//! ```bash
//! cargo bench -p aigis --bench scan_e2e
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Each input is grown to at least this many bytes.
const TARGET_BYTES: usize = 48 * 1024 * 1024;
/// Runs per configuration; the best is reported.
const RUNS: usize = 3;

fn shared_dir() -> PathBuf {
    std::env::var_os("AIGIS_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    )
}

/// The dev text as JSONL with only the text of each record, repeated.
fn text_input(dev: &Path, dir: &Path) -> PathBuf {
    let path = dir.join("dev-text.jsonl");
    let src = std::fs::read_to_string(dev.join("text.jsonl")).expect("dev text.jsonl");
    let mut one = String::new();
    for line in src.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("dev text record");
        one.push_str(&serde_json::json!({ "text": v["text"] }).to_string());
        one.push('\n');
    }
    write_repeated(&path, "", &one);
    path
}

/// The dev table with its rows repeated under one header.
fn table_input(dev: &Path, dir: &Path) -> PathBuf {
    let path = dir.join("dev-table.csv");
    let src = std::fs::read_to_string(dev.join("table.csv")).expect("dev table.csv");
    let (header, body) = src.split_once('\n').expect("header");
    write_repeated(&path, &format!("{header}\n"), body);
    path
}

fn write_repeated(path: &Path, head: &str, body: &str) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create bench input"));
    f.write_all(head.as_bytes()).unwrap();
    let mut n = head.len();
    while n < TARGET_BYTES {
        f.write_all(body.as_bytes()).unwrap();
        n += body.len();
    }
    f.flush().unwrap();
}

/// Best wall-clock seconds of `aigis --threads N scan --format json FILE`.
fn best_seconds(input: &Path, threads: usize) -> f64 {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_aigis"))
                .args([
                    "--quiet",
                    "--threads",
                    &threads.to_string(),
                    "scan",
                    "--format",
                    "json",
                ])
                .arg(input)
                .stdout(Stdio::null())
                .status()
                .expect("run aigis");
            assert!(status.success(), "aigis scan failed on {}", input.display());
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
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (name, input) in [
        ("dev text", text_input(&dev, dir.path())),
        ("dev table", table_input(&dev, dir.path())),
    ] {
        let mb = std::fs::metadata(&input).expect("input size").len() as f64 / 1e6;
        for threads in [1, cores] {
            let secs = best_seconds(&input, threads);
            let rate = mb / secs;
            println!(
                "scan_e2e/{name:<9} threads={threads}: {mb:.1} MB in {secs:.2} s = {rate:.1} MB/s ({:.1} MB/s per core)",
                rate / threads as f64
            );
        }
    }
}
