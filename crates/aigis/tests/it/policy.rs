//! `aigis policy check|test|eval|parse` end to end, including the
//! comparisons with the real OPA engine (shared/interop/opa_eval.py).

// Fixtures in temporary directories: a half-written file can only fail the
// test, so plain fs::write is fine here.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::util::{aigis, repo_root, shared_dir};

/// Runs `aigis policy eval --format json` and parses its one line.
fn eval_json(policy: &Path, input: Option<&Path>, data: Option<&Path>, query: &str) -> Value {
    let mut cmd = aigis();
    cmd.args([
        "policy",
        "eval",
        "--format",
        "json",
        "--no-ledger",
        "-q",
        "-d",
    ])
    .arg(policy);
    if let Some(i) = input {
        cmd.arg("-i").arg(i);
    }
    if let Some(d) = data {
        cmd.arg("--data").arg(d);
    }
    let out = cmd.arg(query).output().unwrap();
    assert!(
        out.status.success(),
        "eval {query} over {}: {}",
        policy.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.trim_end().lines().count(),
        1,
        "exactly one line: {text}"
    );
    serde_json::from_str(&text).unwrap()
}

/// Equal as JSON values: numbers by value (OPA prints `1e3` as `1000.0`,
/// aigis as `1000`; JSON does not tell them apart), everything else as
/// serde_json compares it.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(xs), Value::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(k, x)| ys.get(k).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

fn case_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("policy.rego").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// aigis's answer for a case, and the answer it must equal: the real OPA
/// engine's, run now through opa_eval.py when the interop verifiers are
/// installed (they must be under CI), else the committed expected.json
/// (which was produced by opa_eval.py, and is checked against it here).
fn run_case(dir: &Path, opa: Option<&crate::util::Opa>) -> (Value, Value) {
    let query = std::fs::read_to_string(dir.join("query.txt")).unwrap();
    let query = query.trim();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let got = eval_json(
        &dir.join("policy.rego"),
        Some(&dir.join("input.json")),
        None,
        query,
    );
    let want = match opa {
        Some(opa) => {
            let live = opa.eval(
                &dir.join("policy.rego"),
                &dir.join("input.json"),
                None,
                query,
            );
            assert!(
                same_json(&live, &expected),
                "{}: expected.json is not what OPA prints: {live}",
                dir.display()
            );
            live
        }
        None => expected,
    };
    (got, want)
}

/// Every shared conformance case: aigis prints what OPA prints.
#[test]
fn shared_rego_cases_equal_opa() {
    assert_cases_equal_opa(&shared_dir().join("interop/rego"), 8);
}

/// Every case under `root` (at least `min`): aigis prints what OPA prints.
fn assert_cases_equal_opa(root: &Path, min: usize) {
    let opa = crate::util::interop();
    let dirs = case_dirs(root);
    assert!(dirs.len() >= min, "cases missing under {}", root.display());
    for dir in dirs {
        let (got, want) = run_case(&dir, opa.as_ref());
        assert!(
            same_json(&got, &want),
            "case {}:\naigis {got}\nOPA   {want}",
            dir.display()
        );
    }
}

/// Our own cases over the wider builtin set (strings, time, net, json/yaml,
/// objects, sets, aggregates, graph, crypto, with/else/every): aigis
/// prints what OPA prints.
#[test]
fn builtin_conformance_cases_equal_opa() {
    assert_cases_equal_opa(
        &repo_root().join("crates/aigis-policy/tests/conformance/cases"),
        12,
    );
}

/// Known differences between regorus and OPA, kept as cases so a regorus
/// upgrade that fixes one shows up here (move the case to `cases/` then).
#[test]
fn known_divergences_still_differ() {
    let opa = crate::util::interop();
    for dir in
        case_dirs(&repo_root().join("crates/aigis-policy/tests/conformance/known_divergences"))
    {
        let (got, want) = run_case(&dir, opa.as_ref());
        assert!(
            !same_json(&got, &want),
            "{} now matches OPA: move it to cases/",
            dir.display()
        );
    }
}

/// `[policy.params]` of the example aigis.toml as data (`policy eval`
/// reads no aigis.toml, so the test passes the same params with --data).
/// The example's values are JSON-compatible TOML, one per line.
fn example_params() -> Value {
    let text = std::fs::read_to_string(repo_root().join("examples/policy/aigis.toml")).unwrap();
    let mut params = serde_json::Map::new();
    let mut in_params = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_params = line == "[policy.params]";
        } else if in_params
            && !line.starts_with('#')
            && let Some((k, v)) = line.split_once('=')
        {
            let v: Value = serde_json::from_str(v.trim()).expect("JSON-compatible value");
            params.insert(k.trim().to_string(), v);
        }
    }
    assert!(!params.is_empty());
    json!({ "aigis_params": params })
}

/// Every example file, as aigis loads it, evaluated by aigis and by OPA
/// over the built-in library and the example team policies: same results.
/// (policies/secrets uses aigis.secrets, which OPA does not have: it is
/// left out of this comparison and tested by `policy test` instead.)
#[test]
fn examples_through_the_library_equal_opa() {
    let Some(opa) = crate::util::interop() else {
        return;
    };
    let root = repo_root();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data.json");
    std::fs::write(&data, example_params().to_string()).unwrap();
    // One directory holding the library (minus secrets) and the team rules.
    let lib = tmp.path().join("policies");
    for dir in ["lib", "endpoint", "model", "data", "terraform", "pipeline"] {
        copy_dir(&root.join("policies").join(dir), &lib.join(dir));
    }
    copy_dir(
        &root.join("examples/policy/team-policies"),
        &lib.join("team"),
    );

    let mut files = Vec::new();
    for sub in ["good", "bad"] {
        for e in std::fs::read_dir(root.join("examples/policy").join(sub)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    let mut compared = 0;
    for file in files {
        let out = aigis()
            .args(["policy", "parse"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let docs: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        for (i, doc) in docs.iter().enumerate() {
            let input = tmp.path().join(format!("input-{compared}.json"));
            std::fs::write(&input, doc.to_string()).unwrap();
            for query in ["aigis", "acme"] {
                let got = eval_json(&lib, Some(&input), Some(&data), query);
                let want = opa.eval(&lib, &input, Some(&data), query);
                assert!(
                    same_json(&got, &want),
                    "{} document {i}, data.{query}:\naigis {got}\nOPA   {want}",
                    file.display()
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 15, "only {compared} documents compared");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "rego") {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

fn example(path: &str) -> PathBuf {
    repo_root().join("examples/policy").join(path)
}

fn check(args: &[&str]) -> assert_cmd::assert::Assert {
    aigis()
        .current_dir(repo_root())
        .args([
            "policy",
            "check",
            "--no-ledger",
            "--config",
            "examples/policy/aigis.toml",
        ])
        .args(args)
        .assert()
}

#[test]
fn check_passes_good_examples() {
    check(&["examples/policy/good"])
        .code(0)
        .stdout(predicates::str::contains("0 failures, 0 warnings"));
}

#[test]
fn check_denies_bad_examples_with_lines() {
    let out = check(&["examples/policy/bad"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for want in [
        "FAIL - examples/policy/bad/endpoint.yaml:9 - aigis.endpoint - endpoint fraud-canary: authentication must be required",
        "FAIL - examples/policy/bad/main.tf:3 - aigis.terraform - aws_s3_bucket.raw: ACL public-read makes the bucket public",
        "FAIL - examples/policy/bad/main.tf:18 - aigis.terraform - aws_iam_role_policy.etl: allows wildcard action s3:*",
        "FAIL - examples/policy/bad/etl_raw.py:9 - aigis.pipeline - db_password is bound to a hardcoded credential",
        "FAIL - examples/policy/bad/etl_raw.py:8 - aigis.secrets - string literal holds a secret (aws_access_key)",
        "FAIL - examples/policy/bad/.env:3 - aigis.secrets - AWS_ACCESS_KEY_ID holds a secret",
        "FAIL - examples/policy/bad/Dockerfile:2 - aigis.secrets",
        "FAIL - examples/policy/bad/dataset.yaml:8 - aigis.dataset - dataset call-recordings: created 2024-06-01T00:00:00Z, kept 905 days, past its 180-day retention",
        "FAIL - examples/policy/bad/model.yaml:14 - aigis.model - model fraud: dataset raw-transactions is quarantined",
        "FAIL - examples/policy/bad/inferenceservice.yaml:10 - acme.kserve",
        "WARN - examples/policy/bad/etl_raw.py:16 - aigis.pipeline",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // Secrets never reach the report.
    assert!(!text.contains(&["AKIA", "IOSFODNN7EXAMPLE"].concat()));
    assert!(!text.contains("Tr0ub4dor"));
}

#[test]
fn check_formats() {
    let json_out = check(&["--format", "json", "examples/policy/bad"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&json_out).unwrap();
    assert_eq!(v["summary"]["failures"], 30);
    assert!(v["bundle_digest"].as_str().unwrap().starts_with("sha256:"));

    let sarif = check(&["--format", "sarif", "examples/policy/bad"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let s: Value = serde_json::from_slice(&sarif).unwrap();
    assert_eq!(s["version"], "2.1.0");
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 31);
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "endpoint.auth_required"
                && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 9)
    );

    let junit = check(&["--format", "junit", "examples/policy/bad"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let junit = String::from_utf8(junit).unwrap();
    assert!(junit.starts_with("<?xml"));
    assert!(
        junit.contains("<failure message=\"endpoint fraud-canary: authentication must be required")
    );
}

#[test]
fn check_selects_and_disables() {
    check(&["-n", "aigis.endpoint", "examples/policy/bad/endpoint.yaml"])
        .code(1)
        .stdout(predicates::str::contains("7 failures"));
    check(&["-n", "aigis.model", "examples/policy/bad/endpoint.yaml"])
        .code(0)
        .stdout(predicates::str::contains("0 failures"));
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("aigis.toml");
    std::fs::write(
        &cfg,
        "[policy]\ndisable = [\"endpoint.tls\", \"endpoint.rate_limit\"]\nenable = [\"aigis.endpoint\"]\n",
    )
    .unwrap();
    aigis()
        .current_dir(repo_root())
        .args(["policy", "check", "--no-ledger", "--config"])
        .arg(&cfg)
        .arg("examples/policy/bad")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("4 failures"));
}

#[test]
fn malformed_inputs_are_named_with_positions() {
    for (file, want) in [
        ("broken.yaml", "broken.yaml:7:6: invalid yaml"),
        (
            "broken.json",
            "broken.json:3:39: invalid json: trailing comma",
        ),
        ("broken.tf", "broken.tf:5:3: invalid hcl"),
        ("broken_dag.py", "broken_dag.py:3:19: invalid python"),
    ] {
        aigis()
            .args(["policy", "check", "--no-ledger"])
            .arg(example(&format!("malformed/{file}")))
            .assert()
            .code(2)
            .stdout(predicates::str::contains(want))
            .stderr(predicates::str::contains("could not be read"));
    }
}

#[test]
fn rego_syntax_errors_name_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.rego");
    std::fs::write(
        &p,
        "package x\nimport rego.v1\nallow if {\n  input.a ==\n}\n",
    )
    .unwrap();
    aigis()
        .args(["policy", "eval", "-d"])
        .arg(&p)
        .arg("x.allow")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.rego:5:1: rego syntax error"));
    aigis()
        .args(["policy", "check", "--no-builtin", "-p"])
        .arg(&p)
        .arg(example("good/model.yaml"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.rego:5:1"));
}

#[test]
fn looping_and_allocating_policies_are_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("spin.rego");
    std::fs::write(
        &p,
        "package spin\nimport rego.v1\ndeny contains \"never\" if {\n  some i in numbers.range(1, 100000)\n  some j in numbers.range(1, 100000)\n  i + j < 0\n}\n",
    )
    .unwrap();
    let cfg = dir.path().join("aigis.toml");
    std::fs::write(&cfg, "[policy]\ntimeout_ms = 300\n").unwrap();
    // check: the evaluation error counts as a denial (fail closed).
    aigis()
        .args(["policy", "check", "--no-ledger", "--no-builtin", "--config"])
        .arg(&cfg)
        .arg("-p")
        .arg(&p)
        .arg(example("good/model.yaml"))
        .assert()
        .code(1)
        .stdout(predicates::str::contains("ERROR - "))
        .stdout(predicates::str::contains("time limit"));

    let big = dir.path().join("big.rego");
    std::fs::write(
        &big,
        "package big\nimport rego.v1\nn := count(numbers.range(1, 1000000000000))\nm := count(net.cidr_expand(\"10.0.0.0/4\"))\n",
    )
    .unwrap();
    aigis()
        .args(["policy", "eval", "-d"])
        .arg(&big)
        .arg("big.n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("memory limit"));
    aigis()
        .args(["policy", "eval", "-d"])
        .arg(&big)
        .arg("big.m")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "more than the 4194304 aigis expands",
        ));
}

#[test]
fn policy_test_runs_library_and_team_tests() {
    aigis()
        .current_dir(repo_root())
        .args([
            "policy",
            "test",
            "policies",
            "examples/policy/team-policies",
        ])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("0 failed"))
        .stdout(predicates::str::contains("coverage"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.rego"),
        "package p\nimport rego.v1\nallow if input.ok\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("p_test.rego"),
        "package p_test\nimport rego.v1\nimport data.p\ntest_ok if p.allow with input as {\"ok\": true}\ntest_wrong if p.allow with input as {\"ok\": false}\n",
    )
    .unwrap();
    let out = aigis()
        .args(["policy", "test", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["summary"]["pass"], 1);
    assert_eq!(v["summary"]["fail"], 1);
}

#[test]
fn eval_prints_undefined_and_general_queries() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.rego");
    std::fs::write(&p, "package p\nimport rego.v1\nx := 1\n").unwrap();
    aigis()
        .args(["policy", "eval", "--format", "json", "--no-ledger", "-d"])
        .arg(&p)
        .arg("p.nothing")
        .assert()
        .code(0)
        .stdout("{\"undefined\":true}\n");
    let out = aigis()
        .args(["policy", "eval", "--format", "json", "--no-ledger", "-d"])
        .arg(&p)
        .arg("y := data.p.x + 1")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["result"][0]["bindings"]["y"], 2);
}
