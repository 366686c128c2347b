//! Reader throughput alone (no scanning): how cheap the reading side of
//! `aigis scan` is. Reads the dev table (CSV), the dev text (JSONL) and the
//! dev text as plain lines from memory, and prints MB/s.
//!
//! ```bash
//! cargo bench -p aigis-table --bench read
//! ```

use std::path::PathBuf;
use std::time::Instant;

use aigis_table::{Batch, Input, InputFormat, ReadOptions};

fn shared_dir() -> PathBuf {
    std::env::var_os("AIGIS_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    )
}

/// Best MB/s over a few full reads of `bytes` as `format`.
fn mb_per_s(bytes: &[u8], format: InputFormat) -> (f64, u64) {
    let mut best = f64::INFINITY;
    let mut fields = 0;
    for _ in 0..5 {
        let input = Input::memory("bench", bytes.to_vec(), format);
        let start = Instant::now();
        let mut reader = aigis_table::open(&input, &ReadOptions::default()).expect("open");
        let mut batch = Batch::new();
        fields = 0;
        while reader.next_batch(&mut batch).expect("read") {
            fields += batch.field_count() as u64;
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    (bytes.len() as f64 / 1e6 / best, fields)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dev = shared_dir().join("eval/pii/data/dev");
    let table = std::fs::read(dev.join("table.csv")).expect("dev table");
    let text = std::fs::read(dev.join("text.jsonl")).expect("dev text");
    for (name, bytes, format) in [
        ("dev table (csv)", &table, InputFormat::Csv),
        ("dev text (jsonl)", &text, InputFormat::Jsonl),
        ("dev text (as plain lines)", &text, InputFormat::Text),
    ] {
        let (rate, fields) = mb_per_s(bytes, format);
        println!(
            "read/{name}: {:.1} MB, {fields} fields, {rate:.0} MB/s",
            bytes.len() as f64 / 1e6
        );
    }
}
