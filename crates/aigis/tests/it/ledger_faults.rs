//! Tampering, damage and crashes: raw edits to aigis.db and bundle files
//! must make `verify` fail (exit 1) naming where; damaged input must give
//! a clear error (exit 1 or 2), never a panic; SIGKILL during appends must
//! lose no acknowledged event.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::Stdio;
use std::time::{Duration, Instant};

use aigis_ledger::merkle::{Frontier, leaf_hash, node_id};
use predicates::str::contains;
use rusqlite::params;

use crate::wsutil::{Ws, raw_db};

/// A workspace with 34 events (6 from init: workspace.init and the five
/// default keys) and checkpoints every 5 (several of them).
fn ledger() -> Ws {
    let ws = Ws::with_config("checkpoint_every_events = 5\ncheckpoint_every_seconds = 0");
    for _ in 0..7 {
        ws.append_n(4);
    }
    ws.out(&["ledger", "checkpoint"]);
    ws.out(&["ledger", "verify"]);
    ws
}

/// Runs verify, expecting exit 1; returns stdout.
fn verify_fails(ws: &Ws, extra: &[&str]) -> String {
    let mut args = vec!["ledger", "verify"];
    args.extend_from_slice(extra);
    let out = ws
        .cmd()
        .args(&args)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

fn drop_triggers(conn: &rusqlite::Connection) {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(names.len() >= 8, "{names:?}");
    for n in names {
        conn.execute_batch(&format!("DROP TRIGGER {n}")).unwrap();
    }
}

fn leaf(conn: &rusqlite::Connection, seq: i64) -> Vec<u8> {
    conn.query_row(
        "SELECT leaf FROM ledger_events WHERE seq = ?1",
        [seq],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn triggers_refuse_update_and_delete() {
    let ws = ledger();
    let conn = raw_db(&ws.db());
    for sql in [
        "UPDATE ledger_events SET actor = 'x' WHERE seq = 3",
        "DELETE FROM ledger_events WHERE seq = 3",
        "DELETE FROM ledger_events",
        "UPDATE ledger_nodes SET hash = x'00' WHERE id = 1",
        "DELETE FROM ledger_checkpoints",
        "UPDATE ledger_meta SET value = 'x'",
    ] {
        let err = conn.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn one_changed_byte_in_an_event_is_found() {
    let ws = ledger();
    let conn = raw_db(&ws.db());
    drop_triggers(&conn);
    let mut bytes = leaf(&conn, 12);
    let pos = bytes.windows(4).position(|w| w == b"m3\"}").unwrap_or(20);
    bytes[pos + 1] = b'9';
    conn.execute(
        "UPDATE ledger_events SET leaf = ?1 WHERE seq = 12",
        params![bytes],
    )
    .unwrap();
    let out = verify_fails(&ws, &[]);
    assert!(out.contains("seq 12"), "{out}");
}

#[test]
fn a_changed_event_with_recomputed_hashes_is_caught_by_the_checkpoint() {
    let ws = ledger();
    let conn = raw_db(&ws.db());
    drop_triggers(&conn);
    let text = String::from_utf8(leaf(&conn, 7))
        .unwrap()
        .replace("ci:test", "ci:evil");
    conn.execute(
        "UPDATE ledger_events SET leaf = ?1, actor = 'ci:evil' WHERE seq = 7",
        params![text.as_bytes()],
    )
    .unwrap();
    // The attacker rebuilds every tree node from the altered leaves.
    let leaves: Vec<Vec<u8>> = conn
        .prepare("SELECT leaf FROM ledger_events ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    conn.execute_batch("DELETE FROM ledger_nodes").unwrap();
    let mut f = Frontier::new();
    for l in &leaves {
        f.push(leaf_hash(l), |level, index, h| {
            conn.execute(
                "INSERT INTO ledger_nodes (id, hash) VALUES (?1, ?2)",
                params![node_id(level, index) as i64, &h[..]],
            )
            .unwrap();
        });
    }
    let out = verify_fails(&ws, &[]);
    // Checkpoint 0 (init) covers seq 0..5, checkpoint 1 seq 6..: the first
    // possibly bad seq is 6.
    assert!(
        out.contains("checkpoint 1") && out.contains("seq 6"),
        "{out}"
    );
}

#[test]
fn a_deleted_row_is_found() {
    let ws = ledger();
    let conn = raw_db(&ws.db());
    drop_triggers(&conn);
    conn.execute_batch("DELETE FROM ledger_events WHERE seq = 9")
        .unwrap();
    let out = verify_fails(&ws, &[]);
    assert!(out.contains("seq 9") && out.contains("missing"), "{out}");
}

#[test]
fn reordered_rows_are_found() {
    let ws = ledger();
    let conn = raw_db(&ws.db());
    drop_triggers(&conn);
    let (a, b) = (leaf(&conn, 3), leaf(&conn, 4));
    conn.execute(
        "UPDATE ledger_events SET leaf = ?1 WHERE seq = 3",
        params![b],
    )
    .unwrap();
    conn.execute(
        "UPDATE ledger_events SET leaf = ?1 WHERE seq = 4",
        params![a],
    )
    .unwrap();
    let out = verify_fails(&ws, &[]);
    assert!(out.contains("seq 3") && out.contains("reordered"), "{out}");
}

#[test]
fn a_truncated_table_is_found() {
    let ws = ledger();
    let conn = raw_db(&ws.db());
    drop_triggers(&conn);
    conn.execute_batch("DELETE FROM ledger_events").unwrap();
    let out = verify_fails(&ws, &[]);
    assert!(out.contains("seq 0") && out.contains("truncated"), "{out}");
}

#[test]
fn a_truncated_tail_with_its_checkpoint_needs_a_witness() {
    let ws = ledger();
    let witness = ws.dir.path().join("witness.note");
    let cp = ws.out(&["ledger", "checkpoint", "--format", "json"]);
    let cp: serde_json::Value = serde_json::from_str(&cp).unwrap();
    crate::wsutil::write(&witness, cp["note"].as_str().unwrap()).unwrap();
    let size = cp["size"].as_i64().unwrap();
    let conn = raw_db(&ws.db());
    drop_triggers(&conn);
    // A careful attacker removes the newest checkpoint, the events only it
    // covered, and their tree nodes.
    let prev: i64 = conn
        .query_row(
            "SELECT size FROM ledger_checkpoints ORDER BY idx DESC LIMIT 1 OFFSET 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(prev < size);
    conn.execute_batch(&format!(
        "DELETE FROM ledger_checkpoints WHERE idx = (SELECT MAX(idx) FROM ledger_checkpoints);
         DELETE FROM ledger_events WHERE seq >= {prev};
         DELETE FROM ledger_nodes WHERE id >= {};",
        2 * prev - i64::from(prev.count_ones())
    ))
    .unwrap();
    // Nothing inside the database shows it...
    ws.out(&["ledger", "verify"]);
    // ...but a checkpoint kept elsewhere does.
    let out = verify_fails(&ws, &["--witness", witness.to_str().unwrap()]);
    assert!(out.contains("witness"), "{out}");
}

#[test]
fn replaced_dropped_or_foreign_checkpoints_are_found() {
    // Altered checkpoint text: the signature fails.
    let ws = ledger();
    let conn = raw_db(&ws.db());
    drop_triggers(&conn);
    let note: String = conn
        .query_row(
            "SELECT note FROM ledger_checkpoints WHERE idx = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut lines: Vec<&str> = note.split('\n').collect();
    let bumped = (lines[1].parse::<u64>().unwrap() + 1).to_string();
    lines[1] = &bumped;
    conn.execute(
        "UPDATE ledger_checkpoints SET note = ?1 WHERE idx = 2",
        params![lines.join("\n")],
    )
    .unwrap();
    let out = verify_fails(&ws, &[]);
    assert!(
        out.contains("checkpoint 2") && out.contains("bad signature"),
        "{out}"
    );

    // A dropped checkpoint in the middle.
    let ws = ledger();
    let conn = raw_db(&ws.db());
    drop_triggers(&conn);
    conn.execute_batch("DELETE FROM ledger_checkpoints WHERE idx = 1")
        .unwrap();
    let out = verify_fails(&ws, &[]);
    assert!(
        out.contains("checkpoint 1") && out.contains("missing"),
        "{out}"
    );

    // A checkpoint of the right tree signed by another key.
    let ws = ledger();
    let conn = raw_db(&ws.db());
    drop_triggers(&conn);
    let note: String = conn
        .query_row(
            "SELECT note FROM ledger_checkpoints WHERE idx = 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let cp = aigis_ledger::Checkpoint::parse(&note[..note.rfind("\n\n").unwrap() + 1]).unwrap();
    let other = ed25519_dalek::SigningKey::from_bytes(&[42u8; 32]);
    let forged = cp.sign(&other).unwrap();
    conn.execute(
        "UPDATE ledger_checkpoints SET note = ?1 WHERE idx = 3",
        params![forged],
    )
    .unwrap();
    let out = verify_fails(&ws, &[]);
    assert!(
        out.contains("checkpoint 3") && out.contains("no signature by a trusted key"),
        "{out}"
    );
}

#[test]
fn a_truncated_database_is_a_clear_error() {
    let ws = ledger();
    let len = std::fs::metadata(ws.db()).unwrap().len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(ws.db())
        .unwrap();
    file.set_len(len / 3).unwrap();
    drop(file);
    for args in [
        &["ledger", "verify"][..],
        &["ledger", "log"],
        &["ledger", "proof", "--seq", "1"],
    ] {
        let assert = ws.cmd().args(args).assert();
        let out = assert.get_output();
        let code = out.status.code().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(code == 1 || code == 2, "{args:?}: exit {code}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// Exports a bundle of a fresh ledger.
fn bundle() -> (Ws, std::path::PathBuf, String) {
    let ws = ledger();
    let dir = ws.dir.path().join("bundle");
    ws.out(&["ledger", "export", dir.to_str().unwrap()]);
    let vkey = ws.vkey();
    (ws, dir, vkey)
}

fn verify_bundle(ws: &Ws, dir: &std::path::Path, vkey: &str) -> (i32, String, String) {
    let out = ws
        .cmd()
        .args([
            "ledger",
            "verify",
            "--bundle",
            dir.to_str().unwrap(),
            "--vkey",
            vkey,
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn corrupt_bundles_fail_clearly() {
    let (ws, dir, vkey) = bundle();
    assert_eq!(verify_bundle(&ws, &dir, &vkey).0, 0);
    let events = dir.join("events.jsonl");
    let original = std::fs::read(&events).unwrap();

    // One byte of one event.
    let mut bytes = original.clone();
    let nth_line_start = |b: &[u8], n: usize| {
        b.iter()
            .enumerate()
            .filter(|(_, c)| **c == b'\n')
            .nth(n - 1)
            .map(|(i, _)| i + 1)
            .unwrap()
    };
    let at = nth_line_start(&bytes, 14) + 40;
    bytes[at] ^= 0x01;
    crate::wsutil::write(&events, &bytes).unwrap();
    let (code, out, err) = verify_bundle(&ws, &dir, &vkey);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("seq 14") || out.contains("checkpoint"),
        "{out}"
    );

    // Lines removed from the end.
    let cut = nth_line_start(&original, 20);
    crate::wsutil::write(&events, &original[..cut]).unwrap();
    let (code, out, _) = verify_bundle(&ws, &dir, &vkey);
    assert_eq!(code, 1);
    assert!(out.contains("seq 20"), "{out}");

    // Two lines swapped.
    let text = String::from_utf8(original.clone()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(2, 3);
    crate::wsutil::write(&events, lines.join("\n") + "\n").unwrap();
    let (code, out, _) = verify_bundle(&ws, &dir, &vkey);
    assert_eq!(code, 1);
    assert!(out.contains("seq 2"), "{out}");
    crate::wsutil::write(&events, &original).unwrap();

    // Not JSON at all, and binary garbage.
    for garbage in [&b"not json\n"[..], &[0xff, 0xfe, 0x00, b'\n'][..]] {
        crate::wsutil::write(&events, garbage).unwrap();
        let (code, out, err) = verify_bundle(&ws, &dir, &vkey);
        assert_eq!(code, 1, "{out}{err}");
        assert!(out.contains("seq 0"), "{out}");
    }
    crate::wsutil::write(&events, &original).unwrap();

    // A garbage manifest: an input error.
    let manifest = dir.join("manifest.json");
    let m = std::fs::read(&manifest).unwrap();
    crate::wsutil::write(&manifest, b"{\"format\": 3").unwrap();
    let (code, _, err) = verify_bundle(&ws, &dir, &vkey);
    assert_eq!(code, 2);
    assert!(err.contains("manifest.json"), "{err}");
    crate::wsutil::write(&manifest, m).unwrap();

    // A missing events file.
    std::fs::remove_file(&events).unwrap();
    let (code, _, err) = verify_bundle(&ws, &dir, &vkey);
    assert_eq!(code, 2);
    assert!(err.contains("events.jsonl"), "{err}");
    crate::wsutil::write(&events, &original).unwrap();
    assert_eq!(verify_bundle(&ws, &dir, &vkey).0, 0);
}

#[test]
fn wrong_key_and_bad_signature_lines_fail() {
    let (ws, dir, vkey) = bundle();
    // Another workspace's ledger key.
    let other = Ws::new();
    let (code, out, _) = verify_bundle(&ws, &dir, &other.vkey());
    assert_eq!(code, 1);
    assert!(out.contains("no signature by a trusted key"), "{out}");
    // A malformed --vkey is a usage error.
    let (code, _, err) = verify_bundle(&ws, &dir, "not-a-key");
    assert_eq!(code, 2);
    assert!(err.contains("--vkey"), "{err}");

    let note_path = dir.join("checkpoints/0000000001.note");
    let note = std::fs::read_to_string(&note_path).unwrap();
    for bad in [
        note.replace('\u{2014}', "-"),
        {
            let sig_start = note.rfind(' ').unwrap() + 1;
            let mut b = note.clone().into_bytes();
            b[sig_start + 10] = if b[sig_start + 10] == b'A' {
                b'B'
            } else {
                b'A'
            };
            String::from_utf8(b).unwrap()
        },
        note.replace("\n\n", "\n"),
        note[..note.len() - 20].to_owned() + "\n",
    ] {
        crate::wsutil::write(&note_path, &bad).unwrap();
        let (code, out, err) = verify_bundle(&ws, &dir, &vkey);
        assert!(code == 1 || code == 2, "{out}{err}");
        assert!(
            out.contains("checkpoint 1") || err.contains("0000000001"),
            "{out}{err}"
        );
        assert!(!err.contains("panicked"));
    }
    crate::wsutil::write(&note_path, &note).unwrap();
    // A dropped checkpoint file.
    std::fs::remove_file(&note_path).unwrap();
    let (code, out, _) = verify_bundle(&ws, &dir, &vkey);
    assert_eq!(code, 1);
    assert!(out.contains("checkpoint"), "{out}");
}

/// Deterministic pseudo-random numbers (xorshift), seeded per run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn sigkill_during_appends_loses_no_acknowledged_event() {
    // Checkpoints every 3 events so kills also land inside checkpoint
    // signing; 200 kills at random moments.
    let ws = Ws::with_config("checkpoint_every_events = 3\ncheckpoint_every_seconds = 0");
    let vkey = aigis_ledger::VerifierKey::parse(&ws.vkey()).unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let mut acked_total = 0usize;
    let started = Instant::now();
    for round in 0..200u64 {
        let mut child = ws
            .std_cmd()
            .args(["ledger", "append", "--stdin", "--format", "json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            for n in 0..400u64 {
                let line = format!(
                    "{{\"actor\":\"ci:kill\",\"action\":\"kill.test\",\"subject\":{{\"kind\":\"round\",\"id\":\"{round}\"}},\"details\":{{\"n\":{n}}}}}\n"
                );
                if stdin.write_all(line.as_bytes()).is_err() {
                    break;
                }
                if n % 8 == 0 {
                    std::thread::sleep(Duration::from_micros(300));
                }
            }
        });
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut acks = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                acks.push(v["seq"].as_u64().unwrap());
            }
            acks
        });
        std::thread::sleep(Duration::from_micros(2_000 + rng.below(40_000)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let _ = writer.join();
        let acks = reader.join().unwrap();
        acked_total += acks.len();
        // Every acknowledged event is there, with the content that was sent.
        let conn = raw_db(&ws.db());
        for (n, seq) in acks.iter().enumerate() {
            let leaf: Vec<u8> = conn
                .query_row(
                    "SELECT leaf FROM ledger_events WHERE seq = ?1",
                    [*seq as i64],
                    |r| r.get(0),
                )
                .unwrap_or_else(|e| panic!("round {round}: acknowledged seq {seq} missing: {e}"));
            let event: serde_json::Value = serde_json::from_slice(&leaf).unwrap();
            assert_eq!(
                event["subject"]["id"],
                round.to_string(),
                "round {round} seq {seq}"
            );
            assert_eq!(event["details"]["n"], n as u64, "round {round} seq {seq}");
        }
        drop(conn);
        // And the ledger verifies.
        if round % 10 == 9 || round == 199 {
            let store = aigis_ledger::SqliteStore::open(&ws.db()).unwrap();
            aigis_ledger::verify_store(&store, std::slice::from_ref(&vkey), None)
                .unwrap_or_else(|e| panic!("round {round} (seed {seed}): {e}"));
        }
    }
    assert!(acked_total > 0, "no append was ever acknowledged");
    eprintln!(
        "200 SIGKILLs, {acked_total} acknowledged events, {:.1}s",
        started.elapsed().as_secs_f64()
    );
    ws.out(&["ledger", "verify"]);
}

#[test]
fn damaged_inputs_never_panic() {
    let ws = ledger();
    let dir = tempfile::tempdir().unwrap();
    // A bundle directory that is a file, and an empty directory.
    let file = dir.path().join("f");
    crate::wsutil::write(&file, "x").unwrap();
    for target in [file.as_path(), dir.path()] {
        ws.cmd()
            .args(["ledger", "verify", "--bundle", target.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(contains("panicked").not());
    }
}

use predicates::prelude::PredicateBooleanExt as _;
