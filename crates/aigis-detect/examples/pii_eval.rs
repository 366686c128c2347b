//! Writes predictions for the shared PII dev set in the scorer's format.
//!
//! ```text
//! cargo run --release -p aigis-detect --example pii_eval -- text  ../shared/eval/pii/data/dev/text.jsonl  /tmp/text.pred.jsonl
//! cargo run --release -p aigis-detect --example pii_eval -- table ../shared/eval/pii/data/dev/table.csv   /tmp/table.pred.jsonl [--no-priors] [--columns /tmp/columns.json]
//! python3 ../shared/eval/pii/score.py --gold ../shared/eval/pii/data/dev/text.jsonl --pred /tmp/text.pred.jsonl
//! python3 ../shared/eval/pii/score.py --table ../shared/eval/pii/data/dev/table.csv --pred /tmp/table.pred.jsonl
//! ```
//!
//! Table mode scans the first `PRIOR_WARMUP_ROWS` rows, derives column
//! priors, then scans every row with them (as `aigis scan` does), and with
//! `--columns` writes the column classification and, when the labels
//! sidecar is beside the CSV, its accuracy against the gold labels.

use std::io::{BufRead, BufWriter, Write};
use std::time::Instant;

use aigis_detect::{ColumnClass, FieldHint, Finding, PRIOR_WARMUP_ROWS, Scanner, TableProfile};

fn spans(findings: &[Finding]) -> Vec<serde_json::Value> {
    findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "bstart": f.start, "bend": f.end, "label": f.entity.as_str(),
                "score": f.score, "recognizer": f.recognizer,
            })
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("");
    let input = args
        .get(1)
        .ok_or("usage: pii_eval text|table INPUT OUTPUT [--no-priors] [--columns FILE]")?;
    let output = args.get(2).ok_or("missing OUTPUT")?;
    let no_priors = args.iter().any(|a| a == "--no-priors");
    let columns_out = args
        .iter()
        .position(|a| a == "--columns")
        .and_then(|i| args.get(i + 1));
    let scanner = Scanner::builtin();
    let mut w = BufWriter::new(std::fs::File::create(output)?);
    match mode {
        "text" => {
            let f = std::io::BufReader::new(std::fs::File::open(input)?);
            let mut buf = Vec::new();
            let (mut n, mut bytes) = (0usize, 0usize);
            let t0 = Instant::now();
            for line in f.lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let rec: serde_json::Value = serde_json::from_str(&line)?;
                let text = rec["text"].as_str().unwrap_or("");
                buf.clear();
                scanner.scan_into(text, FieldHint::default(), &mut buf);
                n += 1;
                bytes += text.len();
                let out = serde_json::json!({"id": rec["id"], "spans": spans(&buf)});
                writeln!(w, "{out}")?;
            }
            eprintln!("{n} records, {bytes} bytes in {:?}", t0.elapsed());
        }
        "table" => {
            let mut rd = csv::ReaderBuilder::new().from_path(input)?;
            let headers: Vec<String> = rd.headers()?.iter().map(str::to_string).collect();
            let rows: Vec<Vec<String>> = rd
                .records()
                .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
                .collect::<Result<_, _>>()?;
            let t0 = Instant::now();
            let mut buf = Vec::new();
            // Warm-up: profile the first rows without priors.
            let mut warm = TableProfile::new(&headers);
            for row in rows.iter().take(PRIOR_WARMUP_ROWS) {
                for (c, cell) in row.iter().enumerate() {
                    buf.clear();
                    scanner.scan_into(cell, FieldHint::named(&headers[c]), &mut buf);
                    warm.observe(c, cell, &buf);
                }
            }
            let priors = if no_priors {
                vec![None; headers.len()]
            } else {
                warm.priors()
            };
            let mut profile = TableProfile::new(&headers);
            let mut bytes = 0usize;
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    if cell.is_empty() {
                        continue;
                    }
                    buf.clear();
                    let hint = FieldHint::named(&headers[c])
                        .with_prior(priors.get(c).and_then(Option::as_ref));
                    scanner.scan_into(cell, hint, &mut buf);
                    profile.observe(c, cell, &buf);
                    bytes += cell.len();
                    let out = serde_json::json!({"id": format!("{r}:{}", headers[c]), "spans": spans(&buf)});
                    writeln!(w, "{out}")?;
                }
            }
            eprintln!(
                "{} rows, {bytes} cell bytes in {:?}",
                rows.len(),
                t0.elapsed()
            );
            let classes = profile.classify();
            let labels_path = input.trim_end_matches(".csv").to_string() + ".labels.json";
            let gold: Option<serde_json::Value> = std::fs::read_to_string(&labels_path)
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok());
            let mut right = 0;
            let mut report = Vec::new();
            for (c, cl) in classes.iter().enumerate() {
                let gold_label = gold
                    .as_ref()
                    .and_then(|g| g["columns"][c]["label"].as_str().map(str::to_string));
                let ok = match &gold_label {
                    Some(l) => cl.entity.as_ref().map(|e| e.as_str()) == Some(l.as_str()),
                    None => cl.class == ColumnClass::None,
                };
                right += usize::from(ok);
                eprintln!(
                    "{:18} gold {:16} -> {:18} {:16} conf {:.2} prior {:?} {}",
                    cl.column,
                    gold_label.as_deref().unwrap_or("-"),
                    cl.class.as_str(),
                    cl.entity.as_ref().map_or("-", |e| e.as_str()),
                    cl.confidence,
                    priors
                        .get(c)
                        .and_then(Option::as_ref)
                        .map(|p| (p.entity.as_str(), p.confidence)),
                    if ok { "ok" } else { "WRONG" }
                );
                report.push(serde_json::json!({
                    "column": cl.column, "class": cl.class, "entity": cl.entity.as_ref().map(|e| e.as_str()),
                    "confidence": cl.confidence, "gold": gold_label, "ok": ok,
                    "entities": cl.entities.iter().map(|(e, s)| (e.as_str().to_string(), *s)).collect::<std::collections::BTreeMap<_, _>>(),
                }));
            }
            eprintln!("column classification: {right}/{} right", classes.len());
            if let Some(p) = columns_out {
                let mut f = std::fs::File::create(p)?;
                serde_json::to_writer_pretty(
                    &mut f,
                    &serde_json::json!({"right": right, "total": classes.len(), "columns": report}),
                )?;
                f.flush()?;
            }
        }
        _ => return Err("mode must be text or table".into()),
    }
    w.flush()?;
    Ok(())
}
