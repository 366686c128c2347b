//! `aigis ledger`: append, log, checkpoint, proofs, export and offline
//! verification, checked with the independent oracle
//! (shared/interop/tlog_oracle.py).

use predicates::str::contains;
use serde_json::Value;

use crate::util::aigis;
use crate::wsutil::{Ws, oracle};

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap()
}

#[test]
fn append_with_flags_and_log_filters() {
    let ws = Ws::new();
    let digest = format!("sha256:{}", "ab".repeat(32));
    let out = ws.out(&[
        "ledger",
        "append",
        "--actor",
        "ci:train",
        "--action",
        "train.finish",
        "--subject",
        "model:fraud-v3",
        "--digest",
        &digest,
        "--details",
        r#"{"epochs": 3}"#,
        "--format",
        "json",
    ]);
    let ack = json(&out);
    let seq = ack["seq"].as_u64().unwrap();
    ws.out(&[
        "ledger",
        "append",
        "--actor",
        "user:bob",
        "--action",
        "approve",
        "--subject",
        "model:fraud-v3",
        "--outcome",
        "denied",
    ]);
    let log = ws.out(&[
        "ledger",
        "log",
        "--subject",
        "model:fraud-v3",
        "--format",
        "json",
    ]);
    let events: Vec<Value> = log.lines().map(json).collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["seq"].as_u64().unwrap(), seq);
    assert_eq!(events[0]["subject"]["digest"], digest.as_str());
    assert_eq!(events[0]["details"]["epochs"], 3);
    assert_eq!(events[1]["outcome"], "denied");
    let by_actor = ws.out(&["ledger", "log", "--actor", "user:bob"]);
    assert_eq!(by_actor.lines().count(), 1);
    assert!(by_actor.contains("approve"));
    let none = ws.out(&["ledger", "log", "--since", "2999-01-01T00:00:00Z"]);
    assert!(none.is_empty());
    let all = ws.out(&[
        "ledger",
        "log",
        "--until",
        "2999-01-01T00:00:00+02:00",
        "--limit",
        "3",
    ]);
    assert_eq!(all.lines().count(), 3);
    // Bad input: exit 2, naming what was wrong.
    ws.cmd()
        .args(["ledger", "append", "--action", "x", "--subject", "nocolon"])
        .assert()
        .code(2)
        .stderr(contains("KIND:ID"));
    ws.cmd()
        .args([
            "ledger",
            "append",
            "--action",
            "x",
            "--subject",
            "a:b",
            "--details",
            "[1]",
        ])
        .assert()
        .code(2)
        .stderr(contains("JSON object"));
    ws.cmd()
        .args([
            "ledger",
            "append",
            "--action",
            "x",
            "--subject",
            "a:b",
            "--details",
            r#"{"api_key": "k"}"#,
        ])
        .assert()
        .code(2)
        .stderr(contains("secrets"));
    ws.cmd()
        .args(["ledger", "log", "--since", "yesterday"])
        .assert()
        .code(2)
        .stderr(contains("RFC 3339"));
}

#[test]
fn append_stdin_bulk_names_the_bad_line() {
    let ws = Ws::new();
    let before = ws
        .out(&["ledger", "log", "--format", "json"])
        .lines()
        .count();
    let input = "{\"actor\":\"a\",\"action\":\"x.y\",\"subject\":{\"kind\":\"k\",\"id\":\"1\"}}\n\n\
                 {\"actor\":\"a\",\"action\":\"x.y\",\"subject\":{\"kind\":\"k\",\"id\":\"2\"},\"outcome\":\"failure\",\"details\":{\"n\":1}}\n";
    let out = ws
        .cmd()
        .args(["ledger", "append", "--stdin", "--format", "json"])
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let acks: Vec<Value> = String::from_utf8(out).unwrap().lines().map(json).collect();
    assert_eq!(acks.len(), 2);
    assert_eq!(acks[0]["seq"].as_u64().unwrap() as usize, before);
    ws.cmd()
        .args(["ledger", "append", "--stdin"])
        .write_stdin("{\"actor\":\"a\",\"action\":\"x\",\"subject\":{\"kind\":\"k\",\"id\":\"1\"}}\n{\"actor\":\"a\"}\n")
        .assert()
        .code(2)
        .stderr(contains("line 2"));
}

#[test]
fn proofs_verify_with_the_independent_oracle() {
    let ws = Ws::with_config("checkpoint_every_events = 0\ncheckpoint_every_seconds = 0");
    ws.append_n(20);
    let first = json(&ws.out(&["ledger", "checkpoint", "--format", "json"]));
    ws.append_n(13);
    let second = json(&ws.out(&["ledger", "checkpoint", "--format", "json"]));
    let (old, new) = (
        first["size"].as_u64().unwrap(),
        second["size"].as_u64().unwrap(),
    );
    assert!(old < new);
    // Checkpoint again without new events: the same one.
    let again = json(&ws.out(&["ledger", "checkpoint", "--format", "json"]));
    assert_eq!(again["new"], false);
    assert_eq!(again["idx"], second["idx"]);
    let vkey = ws.vkey();
    for seq in [0u64, 1, 7, 19, new - 1] {
        let p = json(&ws.out(&[
            "ledger",
            "proof",
            "--seq",
            &seq.to_string(),
            "--format",
            "json",
        ]));
        assert_eq!(p["size"].as_u64().unwrap(), new);
        let leaf_hex = hex::encode(p["leaf"].as_str().unwrap());
        let proof: Vec<&str> = p["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect();
        let (code, out) = oracle(&[
            "inclusion",
            "--index",
            &seq.to_string(),
            "--size",
            &new.to_string(),
            "--leaf-hex",
            &leaf_hex,
            "--root-hex",
            p["root"].as_str().unwrap(),
            "--proof",
            &proof.join(","),
        ]);
        assert_eq!(code, 0, "seq {seq}: {out}");
        // The attached checkpoint signs that root.
        let note_path = ws.dir.path().join("cp.note");
        crate::wsutil::write(&note_path, p["checkpoint"].as_str().unwrap()).unwrap();
        let (code, out) = oracle(&["checkpoint", note_path.to_str().unwrap(), "--vkey", &vkey]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(p["root"].as_str().unwrap()), "{out}");
    }
    let c = json(&ws.out(&[
        "ledger",
        "proof",
        "--from",
        &old.to_string(),
        "--to",
        &new.to_string(),
        "--format",
        "json",
    ]));
    let proof: Vec<&str> = c["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(c["old_root"], first["root"]);
    assert_eq!(c["new_root"], second["root"]);
    let (code, out) = oracle(&[
        "consistency",
        "--old",
        &old.to_string(),
        "--new",
        &new.to_string(),
        "--old-root",
        c["old_root"].as_str().unwrap(),
        "--new-root",
        c["new_root"].as_str().unwrap(),
        "--proof",
        &proof.join(","),
    ]);
    assert_eq!(code, 0, "{out}");
    // A seq beyond the newest checkpoint is refused with a clear message.
    ws.append_n(1);
    ws.cmd()
        .args(["ledger", "proof", "--seq", &new.to_string()])
        .assert()
        .code(2)
        .stderr(contains("outside a tree of size"));
}

#[test]
fn export_bundle_is_checked_by_the_oracle_and_offline_verify() {
    let ws = Ws::with_config("checkpoint_every_events = 10");
    for _ in 0..4 {
        ws.append_n(9);
    }
    let bundle = ws.dir.path().join("bundle");
    ws.out(&["ledger", "export", bundle.to_str().unwrap()]);
    let vkey = std::fs::read_to_string(bundle.join("ledger.vkey")).unwrap();
    assert_eq!(vkey.trim(), ws.vkey());
    let events = bundle.join("events.jsonl");
    let mut notes: Vec<_> = std::fs::read_dir(bundle.join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    notes.sort();
    assert!(
        notes.len() >= 3,
        "automatic checkpoints every 10 events: {notes:?}"
    );
    for note in notes.iter().chain([&bundle.join("checkpoint")]) {
        let (code, out) = oracle(&[
            "checkpoint",
            note.to_str().unwrap(),
            "--vkey",
            vkey.trim(),
            "--leaves",
            events.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{}: {out}", note.display());
    }
    // Offline verification needs no workspace and no master key.
    let elsewhere = tempfile::tempdir().unwrap();
    let ok = aigis()
        .current_dir(elsewhere.path())
        .args([
            "ledger",
            "verify",
            "--bundle",
            bundle.to_str().unwrap(),
            "--vkey",
            vkey.trim(),
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = json(&String::from_utf8(ok).unwrap());
    assert_eq!(report["ok"], true);
    assert_eq!(report["report"]["uncovered"], 0);
    assert_eq!(report["report"]["keys_from_bundle"], false);
    // Without --vkey it trusts the bundle's keys and says so.
    aigis()
        .current_dir(elsewhere.path())
        .args(["ledger", "verify", "--bundle", bundle.to_str().unwrap()])
        .assert()
        .success()
        .stderr(contains("bundle's own verifier keys"));
    // Exporting over a non-empty directory is refused.
    ws.cmd()
        .args(["ledger", "export", bundle.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("not empty"));
}

#[test]
fn workspace_verify_passes_and_rotation_keeps_old_checkpoints_valid() {
    let ws = Ws::with_config("checkpoint_every_events = 5");
    ws.append_n(12);
    ws.out(&["ledger", "verify"]);
    ws.out(&["keys", "rotate", "ledger"]);
    ws.append_n(7);
    ws.out(&["ledger", "checkpoint"]);
    let report = json(&ws.out(&["ledger", "verify", "--format", "json"]));
    assert_eq!(report["ok"], true, "{report}");
    // Verifying with only the new key fails on the old checkpoints.
    let new_key = ws.vkey();
    let out = ws
        .cmd()
        .args(["ledger", "verify", "--vkey", &new_key])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out).unwrap().contains("checkpoint 0"));
}

#[test]
fn ledger_commands_need_a_workspace_but_say_so() {
    let dir = tempfile::tempdir().unwrap();
    aigis()
        .current_dir(dir.path())
        .args(["ledger", "log"])
        .assert()
        .code(2)
        .stderr(contains("aigis init"));
    aigis()
        .current_dir(dir.path())
        .env("AIGIS_HOME", dir.path().join("nope"))
        .args(["ledger", "log"])
        .assert()
        .code(2)
        .stderr(contains("AIGIS_HOME"));
}

#[test]
fn aigis_home_points_at_a_workspace_from_anywhere() {
    let ws = Ws::new();
    let elsewhere = tempfile::tempdir().unwrap();
    aigis()
        .current_dir(elsewhere.path())
        .env("AIGIS_HOME", ws.root())
        .env("AIGIS_MASTER_KEY", crate::wsutil::MASTER)
        .args(["ledger", "verify"])
        .assert()
        .success();
    // And from a subdirectory, by walking up.
    let sub = ws.dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    aigis()
        .current_dir(&sub)
        .env("AIGIS_MASTER_KEY", crate::wsutil::MASTER)
        .args(["ledger", "log"])
        .assert()
        .success()
        .stdout(contains("workspace.init"));
}
