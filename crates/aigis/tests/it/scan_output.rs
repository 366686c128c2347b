//! What `aigis scan` writes: JSON fields, values only on request,
//! `--columns`, SARIF, the human summary, `--explain`, and exit codes.

use serde_json::Value;

use crate::util::{TestDir, aigis, scan_json};

/// The keys of each JSON line of `stdout`, in the order written.
fn key_orders(stdout: &[u8]) -> Vec<Vec<String>> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| {
            let mut de = serde_json::Deserializer::from_str(line);
            let keys: Vec<String> =
                serde::de::Deserializer::deserialize_map(&mut de, KeysInOrder).unwrap();
            keys
        })
        .collect()
}

/// Collects the top-level keys of a JSON object in order.
struct KeysInOrder;

impl<'de> serde::de::Visitor<'de> for KeysInOrder {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
        let mut keys = Vec::new();
        while let Some((k, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
            keys.push(k);
        }
        Ok(keys)
    }
}

const PEOPLE: &str =
    "name,email,ssn,plan\nAda,ada@example.com,211-28-7964,pro\nBob,bob@example.com,,free\n";

#[test]
fn json_findings_have_exactly_the_documented_fields_and_no_values() {
    let t = TestDir::new();
    t.write("p.csv", PEOPLE);
    let (code, found, _) = scan_json(t.path(), &["p.csv"]);
    assert_eq!(code, 0);
    let keys = [
        "source",
        "record",
        "field",
        "start",
        "end",
        "byte_start",
        "byte_end",
        "entity",
        "score",
        "recognizer",
    ];
    assert!(found.len() >= 3);
    let raw = aigis()
        .current_dir(t.path())
        .args(["scan", "--format", "json", "p.csv"])
        .output()
        .unwrap();
    for order in key_orders(&raw.stdout) {
        assert_eq!(order, keys);
    }
    for f in &found {
        let score = f["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
    }
    let text = serde_json::to_string(&found).unwrap();
    assert!(!text.contains("ada@example.com") && !text.contains("211-28-7964"));
}

#[test]
fn show_values_adds_the_matched_text() {
    let t = TestDir::new();
    t.write("p.csv", PEOPLE);
    let (_, found, _) = scan_json(t.path(), &["--show-values", "p.csv"]);
    let ssn = found.iter().find(|f| f["entity"] == "US_SSN").unwrap();
    assert_eq!(ssn["value"], "211-28-7964");
}

#[test]
fn columns_gives_one_object_per_column() {
    let t = TestDir::new();
    t.write("p.csv", PEOPLE);
    let (code, cols, _) = scan_json(t.path(), &["--columns", "p.csv"]);
    assert_eq!(code, 0);
    let names: Vec<_> = cols.iter().map(|c| c["column"].as_str().unwrap()).collect();
    assert_eq!(names, ["name", "email", "ssn", "plan"]);
    let raw = aigis()
        .current_dir(t.path())
        .args(["scan", "--format", "json", "--columns", "p.csv"])
        .output()
        .unwrap();
    for order in key_orders(&raw.stdout) {
        assert_eq!(
            order,
            ["source", "column", "entities", "class", "confidence"]
        );
    }
    assert_eq!(cols[1]["entities"]["EMAIL_ADDRESS"], 1.0);
    assert_eq!(cols[1]["class"], "direct_identifier");
    assert_eq!(cols[3]["class"], "none");
}

#[test]
fn sarif_log_has_the_required_shape() {
    let t = TestDir::new();
    t.write("p.csv", PEOPLE);
    t.write("n.txt", "mail ada@example.com now\n");
    let out = aigis()
        .current_dir(t.path())
        .args(["scan", "--format", "sarif", "p.csv", "n.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "aigis");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let rules: Vec<_> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 4);
    for r in results {
        assert!(rules.contains(&r["ruleId"].as_str().unwrap()));
        assert!(r["message"]["text"].is_string());
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string());
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    let text = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "n.txt")
        .unwrap();
    let region = &text["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (
            region["startLine"].as_u64(),
            region["startColumn"].as_u64(),
            region["endColumn"].as_u64()
        ),
        (Some(1), Some(6), Some(21))
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ada@example.com"));
}

#[test]
fn sarif_stays_well_formed_when_the_scan_fails() {
    let t = TestDir::new();
    t.write("a.txt", "ada@example.com\n");
    t.write("b.csv", "a,b\n1\n");
    let out = aigis()
        .current_dir(t.path())
        .args(["scan", "--format", "sarif", "a.txt", "b.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}

#[test]
fn human_summary_counts_entities_and_classifies_columns() {
    let t = TestDir::new();
    t.write("p.csv", PEOPLE);
    let out = aigis()
        .current_dir(t.path())
        .args(["scan", "p.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("scanned 1 input: 2 records"), "{s}");
    assert!(s.contains("MB/s"), "{s}");
    assert!(
        s.contains("EMAIL_ADDRESS") && s.contains("columns of p.csv"),
        "{s}"
    );
    assert!(
        s.lines()
            .any(|l| l.starts_with("email") && l.contains("direct_identifier")),
        "{s}"
    );
    assert!(!s.contains("ada@example.com"));
}

#[test]
fn exit_codes_follow_the_gates() {
    let t = TestDir::new();
    t.write("p.csv", PEOPLE);
    t.write("clean.txt", "nothing to see\n");
    let code = |args: &[&str]| scan_json(t.path(), args).0;
    assert_eq!(code(&["p.csv"]), 0);
    assert_eq!(code(&["--fail-on-findings", "p.csv"]), 1);
    assert_eq!(code(&["--fail-on-findings", "clean.txt"]), 0);
    assert_eq!(code(&["--fail-on", "CRYPTO,US_SSN", "p.csv"]), 1);
    assert_eq!(code(&["--fail-on", "CRYPTO", "p.csv"]), 0);
    assert_eq!(
        code(&["--fail-on-findings", "--min-score", "1", "p.csv"]),
        0
    );
    assert_eq!(
        code(&["--fail-on-findings", "--entities", "CRYPTO", "p.csv"]),
        0
    );
    assert_eq!(code(&["--format", "yaml", "p.csv"]), 2);
}

#[test]
fn explain_says_why() {
    let t = TestDir::new();
    t.write("n.txt", "ssn: 211-28-7964\n");
    let (_, found, _) = scan_json(t.path(), &["--explain", "n.txt"]);
    let f = found.iter().find(|f| f["entity"] == "US_SSN").unwrap();
    let e = &f["explanation"];
    assert!(
        e["final_score"].is_number() && e["recognizer"].is_string(),
        "{f}"
    );
    let out = aigis()
        .current_dir(t.path())
        .args(["scan", "--explain", "n.txt"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("n.txt:1 ") && s.contains("US_SSN"), "{s}");
}
