//! Quick single-thread throughput check over the dev set, for use with
//! `perf stat` when the machine is busy (wall-clock benches are noisy then):
//!
//! ```text
//! perf stat -e cycles:u,instructions:u target/release/examples/scan_speed text|table [REPEAT]
//! ```

use std::time::Instant;

use aigis_detect::{FieldHint, PRIOR_WARMUP_ROWS, Scanner, TableProfile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().cloned().unwrap_or_else(|| "text".into());
    let repeat: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let dir =
        std::env::var("AIGIS_SHARED").unwrap_or_else(|_| "../shared".into()) + "/eval/pii/data/dev";
    let scanner = Scanner::builtin();
    let mut out = Vec::new();
    let mut found = 0usize;
    if mode == "text" {
        let s = std::fs::read_to_string(format!("{dir}/text.jsonl"))?;
        let texts: Vec<String> = s
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_string))
            .collect();
        let bytes: usize = texts.iter().map(String::len).sum();
        let t0 = Instant::now();
        for _ in 0..repeat {
            for t in &texts {
                out.clear();
                scanner.scan_into(t, FieldHint::default(), &mut out);
                found += out.len();
            }
        }
        let el = t0.elapsed().as_secs_f64();
        println!(
            "text: {} bytes x {repeat} in {el:.3}s = {:.1} MB/s ({found} findings)",
            bytes,
            (bytes * repeat) as f64 / el / 1e6
        );
    } else {
        let mut rd = csv::Reader::from_path(format!("{dir}/table.csv"))?;
        let headers: Vec<String> = rd.headers()?.iter().map(str::to_string).collect();
        let rows: Vec<Vec<String>> = rd
            .records()
            .filter_map(Result::ok)
            .map(|r| r.iter().map(str::to_string).collect())
            .collect();
        let mut warm = TableProfile::new(&headers);
        for row in rows.iter().take(PRIOR_WARMUP_ROWS) {
            for (c, cell) in row.iter().enumerate() {
                out.clear();
                scanner.scan_into(cell, FieldHint::named(&headers[c]), &mut out);
                warm.observe(c, cell, &out);
            }
        }
        let priors = warm.priors();
        let bytes: usize = rows.iter().flatten().map(String::len).sum();
        let t0 = Instant::now();
        for _ in 0..repeat {
            for row in &rows {
                for (c, cell) in row.iter().enumerate() {
                    if cell.is_empty() {
                        continue;
                    }
                    out.clear();
                    scanner.scan_into(
                        cell,
                        FieldHint::named(&headers[c]).with_prior(priors[c].as_ref()),
                        &mut out,
                    );
                    found += out.len();
                }
            }
        }
        let el = t0.elapsed().as_secs_f64();
        println!(
            "table: {} cell bytes x {repeat} in {el:.3}s = {:.1} MB/s ({found} findings)",
            bytes,
            (bytes * repeat) as f64 / el / 1e6
        );
    }
    Ok(())
}
