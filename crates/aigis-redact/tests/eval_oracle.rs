//! The default rules on ../shared/eval/pii with the gold spans as findings
//! (a perfect detector): what leaks then is the operators' fault alone.
//! Residual and kept are computed as residual.py defines them: a gold value
//! of at least 3 non-space characters that appears verbatim in the masked
//! record survives; kept is the share of non-PII words (4+ word characters,
//! outside gold spans) still present. The end-to-end bars (with the real
//! scanner) belong to the pipeline phase; this bounds what the operators
//! add to them.

use std::path::PathBuf;

use aigis_detect::{Entity, Finding};
use aigis_redact::{FieldContext, KeySet, MaskConfig, RuleSet};

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("AIGIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    dir.join("eval/pii/data/dev/text.jsonl")
        .exists()
        .then_some(dir)
}

fn rules() -> RuleSet {
    let keys = KeySet::with(&[("pseudonym", 1, &[7; 32]), ("mask", 1, &[9; 32])]);
    RuleSet::build(&MaskConfig::defaults(), &keys).unwrap()
}

fn checkable(v: &str) -> usize {
    v.chars().filter(|c| !c.is_whitespace()).count()
}

/// Words of 4+ word characters not touching a span (char offsets).
fn words_outside(text: &str, spans: &[(usize, usize)]) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let covered = |i: usize| spans.iter().any(|&(s, e)| i >= s && i < e);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphanumeric() || chars[i] == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            if i - start >= 4 && !(start..i).any(covered) {
                out.push(chars[start..i].iter().collect());
            }
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn default_rules_leave_no_gold_value_with_perfect_findings() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared/eval/pii not found (set AIGIS_SHARED)");
        return;
    };
    let text = std::fs::read_to_string(shared.join("eval/pii/data/dev/text.jsonl")).unwrap();
    let rules = rules();
    let (mut total, mut survived) = (0usize, 0usize);
    let (mut words, mut kept) = (0usize, 0usize);
    let mut per_label: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut out = String::new();
    let mut actions = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let t = rec["text"].as_str().unwrap();
        let spans = rec["spans"].as_array().unwrap();
        let findings: Vec<Finding> = spans
            .iter()
            .map(|s| Finding {
                entity: Entity::new(s["label"].as_str().unwrap()),
                start: s["bstart"].as_u64().unwrap() as usize,
                end: s["bend"].as_u64().unwrap() as usize,
                score: 1.0,
                recognizer: "gold",
            })
            .collect();
        out.clear();
        actions.clear();
        let subject = format!("record-{n}");
        let cx = FieldContext {
            column: None,
            subject: Some(&subject),
        };
        rules.apply_field(t, &findings, &cx, &mut out, &mut actions);
        for f in &findings {
            let v = &t[f.start..f.end];
            let c = checkable(v);
            if c < 3 {
                continue;
            }
            total += c;
            let e = per_label.entry(f.entity.to_string()).or_default();
            e.0 += c;
            if out.contains(v) {
                survived += c;
                e.1 += c;
            }
        }
        let char_spans: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| {
                (
                    s["start"].as_u64().unwrap() as usize,
                    s["end"].as_u64().unwrap() as usize,
                )
            })
            .collect();
        for w in words_outside(t, &char_spans) {
            words += 1;
            if out.contains(&w) {
                kept += 1;
            }
        }
    }
    let residual = survived as f64 / total as f64;
    let kept_share = kept as f64 / words as f64;
    eprintln!("gold-span masking of dev text: residual {residual:.4} kept {kept_share:.4}");
    for (label, (c, s)) in &per_label {
        if *s > 0 {
            eprintln!("  {label:20} residual {:.4}", *s as f64 / *c as f64);
        }
    }
    assert!(residual <= 0.002, "residual {residual}");
    assert!(kept_share >= 0.99, "kept {kept_share}");
}

#[test]
fn default_rules_on_the_dev_table_with_perfect_findings() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared/eval/pii not found (set AIGIS_SHARED)");
        return;
    };
    let dir = shared.join("eval/pii/data/dev");
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("table.labels.json")).unwrap())
            .unwrap();
    let column_label: std::collections::HashMap<&str, Option<&str>> = labels["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["label"].as_str()))
        .collect();
    let cell_spans = &labels["cell_spans"];
    let mut reader = csv::Reader::from_path(dir.join("table.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rules = rules();
    let (mut total, mut survived, mut cells, mut kept) = (0usize, 0usize, 0usize, 0usize);
    let mut per_column: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut out = String::new();
    let mut actions = Vec::new();
    for (row, rec) in reader.records().enumerate() {
        let rec = rec.unwrap();
        let subject = rec.get(1).unwrap_or("").to_string();
        for (col, v) in headers.iter().zip(rec.iter()) {
            let label = column_label.get(col).copied().flatten();
            let spans = cell_spans[col][row.to_string()].as_array();
            let findings: Vec<Finding> = match (label, spans) {
                (Some(l), _) if !v.is_empty() => vec![Finding {
                    entity: Entity::new(l),
                    start: 0,
                    end: v.len(),
                    score: 1.0,
                    recognizer: "gold",
                }],
                (None, Some(spans)) => spans
                    .iter()
                    .map(|s| Finding {
                        entity: Entity::new(s["label"].as_str().unwrap()),
                        start: s["bstart"].as_u64().unwrap() as usize,
                        end: s["bend"].as_u64().unwrap() as usize,
                        score: 1.0,
                        recognizer: "gold",
                    })
                    .collect(),
                _ => Vec::new(),
            };
            out.clear();
            actions.clear();
            let cx = FieldContext {
                column: Some(col),
                subject: Some(&subject),
            };
            rules.apply_field(v, &findings, &cx, &mut out, &mut actions);
            if label.is_none() && spans.is_none() && !v.is_empty() {
                cells += 1;
                kept += usize::from(out == v);
            }
            for f in &findings {
                let sv = &v[f.start..f.end];
                let c = checkable(sv);
                if c < 3 {
                    continue;
                }
                total += c;
                let e = per_column
                    .entry(format!("{col} ({})", f.entity))
                    .or_default();
                e.0 += c;
                if out.contains(sv) {
                    survived += c;
                    e.1 += c;
                }
            }
        }
    }
    let residual = survived as f64 / total as f64;
    let kept_share = kept as f64 / cells as f64;
    eprintln!("gold-span masking of dev table: residual {residual:.4} kept {kept_share:.4}");
    for (col, (c, s)) in &per_column {
        if *s > 0 {
            eprintln!("  {col:30} residual {:.4}", *s as f64 / *c as f64);
        }
    }
    assert!(residual <= 0.002, "residual {residual}");
    assert!(kept_share >= 0.999, "kept {kept_share}");
}
