//! Scanner throughput over the shared dev set: free text records and table
//! cells, single thread, every default recognizer on. Reads
//! `../shared/eval/pii/data/dev` (or `$AIGIS_SHARED/eval/pii/data/dev`) and
//! skips with a message when it is absent.
//!
//! `cargo bench -p aigis-detect --bench scan`

use std::path::PathBuf;

use aigis_detect::{FieldHint, PRIOR_WARMUP_ROWS, Scanner, TableProfile};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn dev_dir() -> Option<PathBuf> {
    let shared = std::env::var_os("AIGIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let d = shared.join("eval/pii/data/dev");
    d.join("text.jsonl").exists().then_some(d)
}

fn texts(dir: &std::path::Path) -> Vec<String> {
    let s = std::fs::read_to_string(dir.join("text.jsonl")).unwrap_or_default();
    s.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect()
}

fn table(dir: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let Ok(mut rd) = csv::Reader::from_path(dir.join("table.csv")) else {
        return (Vec::new(), Vec::new());
    };
    let headers = rd
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let rows = rd
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    (headers, rows)
}

fn bench(c: &mut Criterion) {
    let Some(dir) = dev_dir() else {
        eprintln!("scan bench: dev set not found (set AIGIS_SHARED); skipping");
        return;
    };
    let scanner = Scanner::builtin();
    let texts = texts(&dir);
    let text_bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("scan");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(text_bytes as u64));
    g.bench_function("dev_text", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            for t in &texts {
                out.clear();
                scanner.scan_into(t, FieldHint::default(), &mut out);
            }
            out.len()
        });
    });

    let (headers, rows) = table(&dir);
    let cell_bytes: usize = rows.iter().flatten().map(String::len).sum();
    let mut warm = TableProfile::new(&headers);
    let mut out = Vec::new();
    for row in rows.iter().take(PRIOR_WARMUP_ROWS) {
        for (c, cell) in row.iter().enumerate() {
            out.clear();
            scanner.scan_into(cell, FieldHint::named(&headers[c]), &mut out);
            warm.observe(c, cell, &out);
        }
    }
    let priors = warm.priors();
    g.throughput(Throughput::Bytes(cell_bytes as u64));
    g.bench_function("dev_table_cells", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            for row in &rows {
                for (c, cell) in row.iter().enumerate() {
                    if cell.is_empty() {
                        continue;
                    }
                    out.clear();
                    let hint = FieldHint::named(&headers[c]).with_prior(priors[c].as_ref());
                    scanner.scan_into(cell, hint, &mut out);
                }
            }
            out.len()
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
