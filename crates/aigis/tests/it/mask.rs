//! `aigis mask`, `aigis unmask` and `aigis quarantine` through the binary:
//! structure kept per format, quarantine, report, gate, unmask round
//! trips, faults, and the leak/utility bars on a slice of the dev set.

use std::path::Path;
use std::process::Command;

use crate::util::shared_dir;
use crate::wsutil::Ws;

fn write(ws: &Ws, name: &str, text: &str) -> std::path::PathBuf {
    let p = ws.dir.path().join(name);
    crate::wsutil::write(&p, text).unwrap();
    p
}

fn read(ws: &Ws, name: &str) -> String {
    std::fs::read_to_string(ws.dir.path().join(name)).unwrap()
}

fn residual(args: &[&str], dir: &Path) -> (f64, f64) {
    let script = shared_dir().join("eval/pii/residual.py");
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("{text}");
    let last = text.lines().last().unwrap_or_default();
    let parts: Vec<&str> = last.split_whitespace().collect();
    assert_eq!(parts.first(), Some(&"residual"), "{text}");
    (parts[1].parse().unwrap(), parts[3].parse().unwrap())
}

#[test]
fn leak_and_utility_bars_on_a_dev_slice() {
    let ws = Ws::new();
    let eval = shared_dir().join("eval/pii/data/dev");
    let text: String = std::fs::read_to_string(eval.join("text.jsonl"))
        .unwrap()
        .lines()
        .take(400)
        .map(|l| format!("{l}\n"))
        .collect();
    write(&ws, "text.jsonl", &text);
    let table: String = std::fs::read_to_string(eval.join("table.csv"))
        .unwrap()
        .lines()
        .take(401)
        .map(|l| format!("{l}\n"))
        .collect();
    write(&ws, "table.csv", &table);
    std::fs::copy(
        eval.join("table.labels.json"),
        ws.dir.path().join("table.labels.json"),
    )
    .unwrap();
    ws.cmd()
        .args(["mask", "text.jsonl", "-o", "text.masked.jsonl", "-q"])
        .assert()
        .success();
    ws.cmd()
        .args(["mask", "table.csv", "-o", "table.masked.csv", "-q"])
        .assert()
        .success();
    let (r, k) = residual(
        &["--gold", "text.jsonl", "--masked", "text.masked.jsonl"],
        ws.dir.path(),
    );
    assert!(r <= 0.03 && k >= 0.90, "text residual {r} kept {k}");
    let (r, k) = residual(
        &["--table", "table.csv", "--masked", "table.masked.csv"],
        ws.dir.path(),
    );
    assert!(r <= 0.01 && k >= 0.95, "table residual {r} kept {k}");
}

#[test]
fn csv_keeps_quoting_order_and_drops_columns() {
    let ws = Ws::new();
    write(
        &ws,
        "in.csv",
        "id,name,email,legacy,notes\r\n1,\"Jane Doe\",jane.doe@example.com,x,\"call me, \"\"maybe\"\"\nat 10.1.2.3\"\r\n2,,,y,plain\r\n",
    );
    write(&ws, "rules.toml", "[columns.legacy]\noperator = \"drop\"\n");
    ws.cmd()
        .args([
            "mask",
            "in.csv",
            "-o",
            "out.csv",
            "--rules",
            "rules.toml",
            "-q",
        ])
        .assert()
        .success();
    let out = read(&ws, "out.csv");
    let lines: Vec<&str> = out.split("\r\n").collect();
    assert_eq!(lines[0], "id,name,email,notes");
    assert!(lines[1].starts_with("1,\"tok_v1_"), "{out}");
    assert!(
        out.contains("\"call me, \"\"maybe\"\"\nat 10.1.2.0/24\""),
        "{out}"
    );
    assert_eq!(lines[2], "2,,,plain");
    assert!(!out.contains("jane.doe"));
}

#[test]
fn jsonl_changes_only_string_leaves() {
    let ws = Ws::new();
    write(
        &ws,
        "in.jsonl",
        "{\"n\": 1.50e3, \"user\": {\"email\": \"jane.doe@example.com\", \"tags\": [\"ok\", null]}}\n\n[\"ip 10.1.2.3\", true]\n",
    );
    ws.cmd()
        .args(["mask", "in.jsonl", "-o", "out.jsonl", "-q"])
        .assert()
        .success();
    let out = read(&ws, "out.jsonl");
    let lines: Vec<&str> = out.split('\n').collect();
    assert!(
        lines[0].starts_with("{\"n\": 1.50e3, \"user\": {\"email\": \"tok_v1_"),
        "{out}"
    );
    assert!(
        lines[0].ends_with("\", \"tags\": [\"ok\", null]}}"),
        "{out}"
    );
    assert_eq!(lines[1], "");
    assert_eq!(lines[2], "[\"ip 10.1.2.0/24\", true]");
}

#[test]
fn parquet_keeps_schema_and_types() {
    use arrow_array::{Array as _, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let ws = Ws::new();
    let ids = Int64Array::from(vec![1, 2, 3]);
    let emails = StringArray::from(vec![
        Some("jane.doe@example.com"),
        None,
        Some("nothing here"),
    ]);
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(ids) as _),
        ("email", Arc::new(emails) as _),
        (
            "plan",
            Arc::new(StringArray::from(vec!["free", "pro", "free"])) as _,
        ),
    ])
    .unwrap();
    crate::util::write_parquet(&ws.dir.path().join("in.parquet"), &batch);
    ws.cmd()
        .args(["mask", "in.parquet", "-o", "out.parquet", "-q"])
        .assert()
        .success();
    let out = crate::util::read_parquet(&ws.dir.path().join("out.parquet"));
    assert_eq!(out[0].schema(), batch.schema());
    let col = out[0]
        .column(1)
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert!(col.value(0).starts_with("tok_v1_"));
    assert!(col.is_null(1));
    // The column is classified direct_identifier: every cell is masked.
    assert!(col.value(2).starts_with("tok_v1_"));
    let plan = out[0]
        .column(2)
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(plan.value(1), "pro");
    let ids = out[0]
        .column(0)
        .as_any()
        .downcast_ref::<Int64Array>()
        .unwrap();
    assert_eq!(ids.values(), &[1, 2, 3]);
}

#[test]
fn quarantine_report_ledger_and_unmask() {
    let ws = Ws::new();
    write(
        &ws,
        "in.txt",
        "mail jane.doe@example.com ssn 536-22-8726\nnothing\n",
    );
    write(
        &ws,
        "rules.toml",
        "[entities.EMAIL_ADDRESS]\noperator = \"encrypt\"\n",
    );
    let out = ws.out(&[
        "mask",
        "in.txt",
        "-o",
        "out.txt",
        "--rules",
        "rules.toml",
        "--format",
        "json",
        "--report",
        "rep",
    ]);
    let summary: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let run = summary["run"].as_str().unwrap().to_owned();
    let masked = read(&ws, "out.txt");
    assert!(
        !masked.contains("jane.doe") && !masked.contains("536-22-8726"),
        "{masked}"
    );
    assert!(masked.ends_with("\nnothing\n"));

    // Report: JSON and HTML, no values.
    let report = read(&ws, "rep/report.json");
    let html = read(&ws, "rep/report.html");
    for doc in [&report, &html] {
        assert!(!doc.contains("jane.doe") && !doc.contains("219-09"));
    }
    let r: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(r["findings_by_entity"]["EMAIL_ADDRESS"], 1);
    assert_eq!(r["actions_by_operator"]["encrypt"], 1);
    assert!(
        r["input"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert!(html.starts_with("<!doctype html>") && !html.contains("<script"));

    // The quarantine holds no plaintext; show decrypts it.
    let qdir = ws.root().join("quarantine").join(&run);
    for entry in std::fs::read_dir(&qdir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("jane.doe"));
    }
    let shown = ws.out(&["quarantine", "show", &run]);
    assert!(
        shown.contains("\"value\":\"jane.doe@example.com\""),
        "{shown}"
    );
    assert!(shown.contains("\"value\":\"536-22-8726\""), "{shown}");
    assert!(
        ws.out(&["quarantine", "list"])
            .contains(&format!("{run}  complete"))
    );

    // unmask: the encrypt token in the file, and the SSN's tokenize value.
    let back = ws.out(&["unmask", "out.txt", "--rules", "rules.toml"]);
    assert!(back.contains("mail jane.doe@example.com ssn "), "{back}");
    let ssn_token = masked
        .split("ssn ")
        .nth(1)
        .unwrap()
        .split('\n')
        .next()
        .unwrap();
    let ssn = ws.out(&["unmask", "--value", ssn_token, "--entity", "US_SSN"]);
    assert_eq!(ssn.trim(), "536-22-8726");

    ws.out(&["quarantine", "purge", &run]);
    assert!(!qdir.exists());
    let log = ws.out(&["ledger", "log", "--format", "json"]);
    for action in [
        "mask.run",
        "quarantine.show",
        "quarantine.list",
        "quarantine.purge",
        "mask.unmask",
    ] {
        assert!(
            log.contains(&format!("\"action\":\"{action}\"")),
            "{action}"
        );
    }
    assert!(log.contains(&r["input"]["digest"].as_str().unwrap().to_string()));
    assert!(!log.contains("jane.doe"));
    ws.cmd().args(["ledger", "verify"]).assert().success();
}

#[test]
fn gate_fails_and_withholds_the_output() {
    let ws = Ws::new();
    write(
        &ws,
        "in.csv",
        "name,ssn\nJane Doe,536-22-8726\nJohn Roe,412-67-3390\n",
    );
    write(&ws, "keep.toml", "[entities.US_SSN]\noperator = \"keep\"\n");
    let assert = ws
        .cmd()
        .args([
            "mask",
            "in.csv",
            "-o",
            "out.csv",
            "--rules",
            "keep.toml",
            "--fail-on",
            "US_SSN",
        ])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("gate failed: 2 residual US_SSN finding"),
        "{err}"
    );
    assert!(!ws.dir.path().join("out.csv").exists());
    ws.cmd()
        .args([
            "mask",
            "in.csv",
            "-o",
            "out.csv",
            "--rules",
            "keep.toml",
            "--fail-on",
            "direct_identifier",
            "--keep-on-fail",
            "--verify",
        ])
        .assert()
        .code(1);
    assert!(read(&ws, "out.csv").contains("536-22-8726"));
    ws.cmd()
        .args([
            "mask",
            "in.csv",
            "-o",
            "ok.csv",
            "--fail-on",
            "any",
            "--verify",
        ])
        .assert()
        .success();
}

#[test]
fn bad_input_and_bad_rules_are_clear_errors() {
    let ws = Ws::new();
    write(&ws, "bad.csv", "a,b\n1,2\n3\n");
    ws.cmd()
        .args(["mask", "bad.csv", "-o", "out.csv"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "bad.csv: row 2 (line 3): expected 2 fields",
        ));
    assert!(!ws.dir.path().join("out.csv").exists());
    ws.cmd()
        .args(["mask", "bad.csv", "-o", "out.csv", "--skip-bad", "-q"])
        .assert()
        .success();
    assert_eq!(read(&ws, "out.csv"), "a,b\n1,2\n");
    write(&ws, "rules.toml", "[entities.PERSON]\noperator = \"hsh\"\n");
    ws.cmd()
        .args(["mask", "bad.csv", "-o", "out2.csv", "--rules", "rules.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("rules.toml:2:"));
}

#[test]
fn killed_run_leaves_no_output_and_an_incomplete_quarantine() {
    let ws = Ws::new();
    let mut text = String::new();
    for i in 0..400_000 {
        text.push_str(&format!(
            "ticket {i} from jane{i}@example.com about order {i}\n"
        ));
    }
    write(&ws, "big.txt", &text);
    let mut child = ws
        .std_cmd()
        .args(["mask", "big.txt", "-o", "out.txt", "-q", "--threads", "1"])
        .spawn()
        .unwrap();
    let qroot = ws.root().join("quarantine");
    // Wait until the run has started writing its quarantine, then kill it.
    let started = std::time::Instant::now();
    loop {
        let busy = std::fs::read_dir(&qroot)
            .map(|d| {
                d.filter_map(Result::ok).any(|e| {
                    e.path()
                        .join("originals.aenv")
                        .metadata()
                        .is_ok_and(|m| m.len() > 0)
                })
            })
            .unwrap_or(false);
        if busy || started.elapsed().as_secs() > 60 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!ws.dir.path().join("out.txt").exists());
    let list = ws.out(&["quarantine", "list", "--format", "json"]);
    let run: serde_json::Value = serde_json::from_str(list.lines().next().unwrap()).unwrap();
    assert_eq!(run["complete"], false, "{list}");
    assert!(
        ws.root()
            .join("quarantine")
            .join(run["run"].as_str().unwrap())
            .join("INCOMPLETE")
            .exists()
    );
    ws.cmd().args(["ledger", "verify"]).assert().success();
}
