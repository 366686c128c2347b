//! Accuracy through the binary on a slice of the shared dev set: `aigis
//! scan --format json` output converted to the scorer's prediction format
//! and scored by `shared/eval/pii/score.py`. The bars are the issue's.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::util::{TestDir, scan_json, shared_dir};

/// Text records and table rows in the slice.
const TEXT_RECORDS: usize = 400;
const TABLE_ROWS: usize = 400;

fn python(args: &[&str], dir: &Path) -> String {
    let out = Command::new("python3")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write_jsonl(dir: &TestDir, name: &str, lines: &[Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    dir.write(name, text);
}

fn score(dir: &Path, args: &[&str]) -> Value {
    let eval = shared_dir().join("eval/pii");
    let score_py = eval.join("score.py");
    let mut all = vec![score_py.to_str().unwrap()];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--json", "score.json"]);
    let report = python(&all, dir);
    eprintln!("{report}");
    serde_json::from_str(&std::fs::read_to_string(dir.join("score.json")).unwrap()).unwrap()
}

/// Findings grouped into the scorer's records.
fn predictions(found: &[Value], id_of: impl Fn(&Value) -> Option<String>) -> Vec<Value> {
    let mut by_id: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for f in found {
        if let Some(id) = id_of(f) {
            by_id.entry(id).or_default().push(json!({
                "start": f["start"], "end": f["end"], "label": f["entity"], "score": f["score"],
            }));
        }
    }
    by_id
        .into_iter()
        .map(|(id, spans)| json!({"id": id, "spans": spans}))
        .collect()
}

#[test]
fn dev_text_slice_meets_the_bar() {
    let dev = shared_dir().join("eval/pii/data/dev");
    let t = TestDir::new();
    let all = std::fs::read_to_string(dev.join("text.jsonl")).unwrap();
    let slice: Vec<&str> = all.lines().take(TEXT_RECORDS).collect();
    t.write("text.jsonl", slice.join("\n") + "\n");
    let ids: Vec<String> = slice
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let (code, found, stderr) = scan_json(t.path(), &["text.jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    let preds = predictions(&found, |f| {
        (f["field"] == "$.text").then(|| ids[f["record"].as_u64().unwrap() as usize - 1].clone())
    });
    write_jsonl(&t, "pred.jsonl", &preds);
    let res = score(t.path(), &["--gold", "text.jsonl", "--pred", "pred.jsonl"]);
    let f1 = res["micro"]["overlap"]["f1"].as_f64().unwrap();
    let leak = res["leak"]["leak_rate_chars"].as_f64().unwrap();
    let over = res["leak"]["overmask_rate_chars"].as_f64().unwrap();
    assert!(
        f1 >= 0.90 && leak <= 0.03 && over <= 0.05,
        "text: overlap F1 {f1:.3} (>= 0.90), leak {leak:.3} (<= 0.03), over-mask {over:.3} (<= 0.05)"
    );
}

#[test]
fn dev_table_slice_meets_the_bar_and_classifies_columns() {
    let dev = shared_dir().join("eval/pii/data/dev");
    let t = TestDir::new();
    let table = dev.join("table.csv");
    // Slice with Python's csv module: cells may hold quoted newlines.
    python(
        &[
            "-c",
            "import csv,sys\nr=csv.reader(open(sys.argv[1],newline=''))\nw=csv.writer(open('table.csv','w',newline=''))\nfor i,row in enumerate(r):\n    if i>int(sys.argv[2]): break\n    w.writerow(row)",
            table.to_str().unwrap(),
            &TABLE_ROWS.to_string(),
        ],
        t.path(),
    );
    let (code, found, stderr) = scan_json(t.path(), &["table.csv"]);
    assert_eq!(code, 0, "{stderr}");
    let preds = predictions(&found, |f| {
        Some(format!(
            "{}:{}",
            f["record"].as_u64()? - 1,
            f["field"].as_str()?
        ))
    });
    write_jsonl(&t, "cells.jsonl", &preds);
    let limit = TABLE_ROWS.to_string();
    let res = score(
        t.path(),
        &[
            "--table",
            table.to_str().unwrap(),
            "--limit",
            &limit,
            "--pred",
            "cells.jsonl",
        ],
    );
    let leak = res["leak"]["leak_rate_chars"].as_f64().unwrap();

    let labels: Value =
        serde_json::from_str(&std::fs::read_to_string(dev.join("table.labels.json")).unwrap())
            .unwrap();
    let (_, columns, _) = scan_json(t.path(), &["--columns", "table.csv"]);
    let mut wrong = Vec::new();
    for gold in labels["columns"].as_array().unwrap() {
        let name = gold["name"].as_str().unwrap();
        let got = columns.iter().find(|c| c["column"] == name).unwrap();
        let top = got["entities"]
            .as_object()
            .unwrap()
            .iter()
            .max_by(|a, b| a.1.as_f64().partial_cmp(&b.1.as_f64()).unwrap())
            .map(|(e, _)| e.clone());
        let right = match gold["label"].as_str() {
            Some(label) => top.as_deref() == Some(label) && got["class"] != "none",
            None => got["class"] == "none",
        };
        if !right {
            wrong.push(format!("{name}: gold {} got {got}", gold["label"]));
        }
    }
    let total = labels["columns"].as_array().unwrap().len();
    let share_right = (total - wrong.len()) as f64 / total as f64;
    assert!(
        leak <= 0.03 && share_right >= 0.98,
        "table: cell leak {leak:.3} (<= 0.03); columns right {share_right:.3} (>= 0.98): {wrong:#?}"
    );
}
