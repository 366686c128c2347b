//! Quick single-thread throughput check over the dev set, for use with
//! `perf stat` when the machine is busy (wall-clock benches are noisy then):
//!
//! ```text
//! perf stat -e cycles:u,instructions:u target/release/examples/scan_speed text|table [REPEAT]
//! ```

use std::time::Instant;

/// CPU time of this thread in seconds (from `/proc/thread-self/schedstat`),
/// which a loaded machine does not inflate the way it does wall time; 0
/// where unavailable.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

use aigis_detect::{FieldHint, PRIOR_WARMUP_ROWS, Scanner, TableProfile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().cloned().unwrap_or_else(|| "text".into());
    let repeat: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let dir =
        std::env::var("AIGIS_SHARED").unwrap_or_else(|_| "../shared".into()) + "/eval/pii/data/dev";
    let scanner = Scanner::builtin();
    let mut out = Vec::new();
    // AIGIS_SPEED_DUMP=FILE: write every finding of the first pass (span,
    // entity, exact score bits, recognizer; never the value), to compare
    // two builds' findings byte for byte.
    let dumping = std::env::var_os("AIGIS_SPEED_DUMP").is_some();
    let mut dump = std::env::var_os("AIGIS_SPEED_DUMP")
        .map(std::fs::File::create)
        .transpose()?
        .map(std::io::BufWriter::new);
    let mut record = |pass: usize, key: &str, found: &[aigis_detect::Finding]| {
        use std::io::Write;
        if pass > 0 {
            return;
        }
        if let Some(w) = dump.as_mut() {
            for f in found {
                let _ = writeln!(
                    w,
                    "{key} {} {} {} {:08x} {}",
                    f.start,
                    f.end,
                    f.entity,
                    f.score.to_bits(),
                    f.recognizer
                );
            }
        }
    };
    // AIGIS_SPEED_ONLY=COLUMN: time that table column alone (for perf).
    let only = std::env::var("AIGIS_SPEED_ONLY").ok();
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
        let c0 = cpu_seconds();
        for pass in 0..repeat {
            for (n, t) in texts.iter().enumerate() {
                out.clear();
                scanner.scan_into(t, FieldHint::default(), &mut out);
                found += out.len();
                if dumping && pass == 0 {
                    record(pass, &n.to_string(), &out);
                }
            }
        }
        let el = t0.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - c0;
        println!(
            "text: {} bytes x {repeat} in {el:.3}s = {:.1} MB/s wall, {:.1} MB/s CPU time ({found} findings)",
            bytes,
            (bytes * repeat) as f64 / el / 1e6,
            (bytes * repeat) as f64 / cpu / 1e6
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
        let kept: Vec<bool> = headers
            .iter()
            .map(|h| only.as_deref().is_none_or(|o| h == o))
            .collect();
        let keep = |c: usize| kept[c];
        let bytes: usize = rows
            .iter()
            .flat_map(|r| r.iter().enumerate().filter(|(c, _)| keep(*c)))
            .map(|(_, s)| s.len())
            .sum();
        if std::env::var_os("AIGIS_SPEED_COLUMNS").is_some() {
            // Time spent per column, to see where table time goes.
            for (c, name) in headers.iter().enumerate() {
                let hint = FieldHint::named(name).with_prior(priors[c].as_ref());
                // The column's cells side by side, as a reader's batch holds
                // them (separate strings would time cache misses instead).
                let mut joined = String::new();
                let mut ends = Vec::with_capacity(rows.len());
                for row in &rows {
                    joined.push_str(&row[c]);
                    ends.push(joined.len());
                }
                // Wall time: the scheduler's CPU clock ticks too coarsely
                // for one column's pass.
                let t0 = Instant::now();
                let mut b = 0usize;
                for _ in 0..repeat {
                    let mut start = 0;
                    for &end in &ends {
                        let cell = &joined[start..end];
                        start = end;
                        out.clear();
                        scanner.scan_into(cell, hint, &mut out);
                        b += cell.len();
                    }
                }
                let el = t0.elapsed().as_secs_f64();
                println!(
                    "{name:16} {:7.1} ns/cell {:6.1} MB/s",
                    el * 1e9 / (rows.len() * repeat) as f64,
                    b as f64 / el / 1e6
                );
            }
        }
        let t0 = Instant::now();
        let c0 = cpu_seconds();
        for pass in 0..repeat {
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    if cell.is_empty() || !keep(c) {
                        continue;
                    }
                    out.clear();
                    scanner.scan_into(
                        cell,
                        FieldHint::named(&headers[c]).with_prior(priors[c].as_ref()),
                        &mut out,
                    );
                    found += out.len();
                    if dumping && pass == 0 {
                        record(pass, &format!("{r}:{c}"), &out);
                    }
                }
            }
        }
        let el = t0.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - c0;
        println!(
            "table: {} cell bytes x {repeat} in {el:.3}s = {:.1} MB/s wall, {:.1} MB/s CPU time ({found} findings)",
            bytes,
            (bytes * repeat) as f64 / el / 1e6,
            (bytes * repeat) as f64 / cpu / 1e6
        );
    }
    Ok(())
}
