//! Accuracy regression check on a slice of the shared dev set (skipped when
//! `../shared` is absent). Scores like `shared/eval/pii/score.py`: overlap
//! match per label, leak = gold non-whitespace characters not covered by
//! any finding. The full-set figures are in docs/entities.md.

use std::path::PathBuf;

use aigis_detect::{FieldHint, Scanner};

fn dev_text() -> Option<PathBuf> {
    let shared = std::env::var_os("AIGIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let p = shared.join("eval/pii/data/dev/text.jsonl");
    p.exists().then_some(p)
}

#[test]
fn dev_text_slice_meets_the_bar() {
    let Some(path) = dev_text() else {
        eprintln!("dev set not found; skipping");
        return;
    };
    let scanner = Scanner::builtin();
    let text = std::fs::read_to_string(path).unwrap();
    let (mut gold_n, mut gold_hit, mut pred_n, mut pred_hit) = (0usize, 0usize, 0usize, 0usize);
    let (mut gold_chars, mut leaked) = (0usize, 0usize);
    for line in text.lines().take(1500) {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let t = rec["text"].as_str().unwrap();
        let found = scanner.scan(t, FieldHint::default());
        let gold: Vec<(usize, usize, &str)> = rec["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["bstart"].as_u64().unwrap() as usize,
                    s["bend"].as_u64().unwrap() as usize,
                    s["label"].as_str().unwrap(),
                )
            })
            .collect();
        let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
        for g in &gold {
            gold_n += 1;
            gold_hit += usize::from(
                found
                    .iter()
                    .any(|f| f.entity.as_str() == g.2 && overlaps((f.start, f.end), (g.0, g.1))),
            );
            for (i, b) in t.as_bytes()[g.0..g.1].iter().enumerate() {
                // Count characters (not continuation bytes), skipping spaces.
                if (b & 0xC0) == 0x80 || b.is_ascii_whitespace() {
                    continue;
                }
                gold_chars += 1;
                let at = g.0 + i;
                leaked += usize::from(!found.iter().any(|f| f.start <= at && at < f.end));
            }
        }
        for f in found
            .iter()
            .filter(|f| f.entity.as_str() != "SECRET" && f.entity.as_str() != "US_ITIN")
        {
            pred_n += 1;
            pred_hit += usize::from(
                gold.iter()
                    .any(|g| f.entity.as_str() == g.2 && overlaps((f.start, f.end), (g.0, g.1))),
            );
        }
    }
    let p = pred_hit as f64 / pred_n.max(1) as f64;
    let r = gold_hit as f64 / gold_n.max(1) as f64;
    let f1 = 2.0 * p * r / (p + r);
    let leak = leaked as f64 / gold_chars.max(1) as f64;
    eprintln!("dev slice: P {p:.3} R {r:.3} F1 {f1:.3} leak {leak:.3}");
    assert!(f1 >= 0.93, "overlap F1 {f1:.3} below 0.93");
    assert!(leak <= 0.03, "leak {leak:.3} above 0.03");
}
