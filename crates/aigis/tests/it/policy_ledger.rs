//! Policy decisions in the workspace ledger, and the `[policy]` section of
//! the workspace's aigis.toml.

// Fixtures in temporary directories: a half-written file can only fail the
// test, so plain fs::write is fine here.
#![allow(clippy::disallowed_methods)]

use serde_json::Value;

use crate::util::{aigis, repo_root};
use crate::wsutil::Ws;

/// Events of one action from `aigis ledger log --format json`.
fn events(ws: &Ws, action: &str) -> Vec<Value> {
    ws.out(&["ledger", "log", "--format", "json", "--action", action])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `aigis policy check --format json FILE` in the workspace, which must
/// deny (exit 1); the parsed report.
fn check_json(ws: &Ws, file: &str) -> Value {
    let out = ws
        .cmd()
        .args(["policy", "check", "--format", "json", file])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn copy_example(ws: &Ws, name: &str) {
    std::fs::copy(
        repo_root().join("examples/policy").join(name),
        ws.dir.path().join(name.rsplit('/').next().unwrap()),
    )
    .unwrap();
}

#[test]
fn decisions_are_ledger_events_without_input_values() {
    let ws = Ws::new();
    copy_example(&ws, "bad/endpoint.yaml");
    copy_example(&ws, "good/endpoints.yaml");
    ws.cmd()
        .args(["policy", "check", "endpoint.yaml", "endpoints.yaml"])
        .assert()
        .code(1);

    let checks = events(&ws, "policy.check");
    // bad/endpoint.yaml is one document; good/endpoints.yaml holds two.
    assert_eq!(checks.len(), 3, "{checks:?}");
    let bad: Vec<&Value> = checks
        .iter()
        .filter(|e| e["subject"]["id"] == "endpoint.yaml")
        .collect();
    assert_eq!(bad.len(), 1);
    let bad = bad[0];
    assert_eq!(bad["outcome"], "denied");
    assert_eq!(bad["subject"]["kind"], "file");
    let d = &bad["details"];
    assert_eq!(d["result"], "denied");
    assert!(d["violations"].as_u64().unwrap() >= 5, "{d}");
    assert_eq!(d["document"], 0);
    assert!(d["bundle_digest"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(d["input_digest"], bad["subject"]["digest"]);
    assert!(
        d["packages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "aigis.endpoint")
    );
    let good: Vec<&Value> = checks
        .iter()
        .filter(|e| e["subject"]["id"] == "endpoints.yaml")
        .collect();
    assert_eq!(good.len(), 2);
    assert!(good.iter().all(|e| e["outcome"] == "success"
        && e["details"]["result"] == "allowed"
        && e["details"]["violations"] == 0));
    // Every document has its own digest.
    let mut digests: Vec<&str> = good
        .iter()
        .map(|e| e["details"]["input_digest"].as_str().unwrap())
        .collect();
    digests.dedup();
    assert_eq!(digests.len(), 2);

    // eval: one event, the data path as query, no value.
    let policy = repo_root().join("policies");
    let out = ws
        .cmd()
        .args(["policy", "eval", "--format", "json", "-d"])
        .arg(&policy)
        .args(["-i", "endpoint.yaml", "aigis.endpoint.deny"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out).unwrap().starts_with("{\"result\":"));
    let evals = events(&ws, "policy.eval");
    assert_eq!(evals.len(), 1);
    assert_eq!(evals[0]["details"]["result"], "defined");
    assert_eq!(evals[0]["details"]["query"], "aigis.endpoint.deny");
    assert_eq!(evals[0]["details"]["input_digest"], d["input_digest"]);

    // test: one event with the counts.
    ws.cmd()
        .args(["policy", "test"])
        .arg(policy.join("endpoint"))
        .arg(policy.join("lib"))
        .assert()
        .success();
    let tests = events(&ws, "policy.test");
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0]["outcome"], "success");
    assert!(tests[0]["details"]["passed"].as_u64().unwrap() > 5);
    assert_eq!(tests[0]["details"]["failed"], 0);

    // No input value reaches the ledger.
    let log = ws.out(&["ledger", "log", "--format", "json"]);
    for value in [
        "fraud-canary",
        "fraud-canary.internal.acme",
        "risk-team",
        "4-rc1",
    ] {
        assert!(!log.contains(value), "{value} leaked into the ledger");
    }
    ws.cmd().args(["ledger", "verify"]).assert().success();

    // --no-ledger records nothing.
    let before = ws
        .out(&["ledger", "log", "--format", "json"])
        .lines()
        .count();
    ws.cmd()
        .args(["policy", "check", "--no-ledger", "endpoint.yaml"])
        .assert()
        .code(1);
    let after = ws
        .out(&["ledger", "log", "--format", "json"])
        .lines()
        .count();
    assert_eq!(before, after);
}

#[test]
fn without_a_workspace_decisions_are_not_written_and_that_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let file = repo_root().join("examples/policy/good/endpoints.yaml");
    aigis()
        .current_dir(dir.path())
        .env_remove("AIGIS_HOME")
        .args(["policy", "check"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "2 policy decision(s) were not written to a ledger",
        ));
    aigis()
        .current_dir(dir.path())
        .env_remove("AIGIS_HOME")
        .args(["policy", "check", "--no-ledger"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicates::str::is_empty());
}

#[test]
fn workspace_policy_section_selects_disables_and_extends() {
    let ws = Ws::new();
    copy_example(&ws, "bad/endpoint.yaml");
    let cfg = ws.root().join("aigis.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    // init writes a [policy] table with every setting commented out.
    assert!(text.contains("\n[policy]\n"), "{text}");
    let all = check_json(&ws, "endpoint.yaml");
    let all_failures = all["summary"]["failures"].as_u64().unwrap();
    let disabled = all["documents"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["id"] == "endpoint.tls" || r["id"] == "endpoint.auth_required")
        .count() as u64;
    assert!(disabled >= 2);

    // Disable two built-in rules, add a team policy directory (relative to
    // the directory holding .aigis/), and give the rules a parameter.
    std::fs::create_dir(ws.dir.path().join("team")).unwrap();
    std::fs::write(
        ws.dir.path().join("team/owner.rego"),
        "package team.owner\nimport rego.v1\ndeny contains msg if {\n\tinput.metadata.owner == \"risk-team\"\n\tmsg := \"risk-team endpoints need review\"\n}\n",
    )
    .unwrap();
    let text = text.replace(
        "\n[policy]\n",
        "\n[policy]\npaths = [\"team\"]\ndisable = [\"endpoint.tls\", \"endpoint.auth_required\"]\ntimeout_ms = 2000\n",
    );
    std::fs::write(&cfg, text).unwrap();
    let v = check_json(&ws, "endpoint.yaml");
    let text = v.to_string();
    assert!(text.contains("risk-team endpoints need review"), "{text}");
    assert!(!text.contains("endpoint.auth_required"), "{text}");
    assert_eq!(
        v["summary"]["failures"].as_u64().unwrap(),
        all_failures - disabled + 1,
        "{text}"
    );

    // An unknown key in [policy] is refused with the file named.
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replace("timeout_ms = 2000", "timeout = 2000")).unwrap();
    ws.cmd()
        .args(["policy", "check", "endpoint.yaml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("aigis.toml"))
        .stderr(predicates::str::contains("timeout"));
}
