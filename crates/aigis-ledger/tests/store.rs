//! The SQLite store and the Auditor through the public API: group commit
//! under concurrency, proofs from stored nodes, filters, bundles.

use std::sync::Arc;

use aigis_ledger::merkle::{Frontier, leaf_hash, verify_consistency, verify_inclusion};
use aigis_ledger::{
    Auditor, EventDraft, EventFilter, LedgerConfig, LedgerStore, SqliteStore, Subject, VerifierKey,
    bundle, verify_store,
};

const ORIGIN: &str = "test.example/ledger";

fn key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[5u8; 32])
}

fn vkey() -> VerifierKey {
    VerifierKey::new(ORIGIN, key().verifying_key()).unwrap()
}

fn auditor(dir: &std::path::Path, config: LedgerConfig) -> Auditor {
    let store = SqliteStore::create(&dir.join("aigis.db"), ORIGIN).unwrap();
    Auditor::new(Box::new(store), config).with_signer(Box::new(key()))
}

fn draft(actor: &str, i: u64) -> EventDraft {
    EventDraft::new(actor, "test.event", Subject::new("item", i.to_string())).detail("i", i)
}

#[test]
fn concurrent_records_are_group_committed_dense_and_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let config = LedgerConfig {
        checkpoint_every_events: 50,
        checkpoint_every_seconds: 0,
        ..LedgerConfig::default()
    };
    let auditor = Arc::new(auditor(dir.path(), config));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let a = Arc::clone(&auditor);
            std::thread::spawn(move || {
                (0..100)
                    .map(|i| a.record(draft(&format!("thread:{t}"), i)).unwrap().seq)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut seqs: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (0..800).collect::<Vec<_>>());
    auditor.checkpoint().unwrap();
    let report = auditor
        .with_store(|s| verify_store(s, &[vkey()], None))
        .unwrap();
    assert_eq!(report.events, 800);
    assert!(report.checkpoints >= 2);
    // Each thread's events are in its own order.
    auditor.with_store(|s| {
        let rows = s
            .query(
                &EventFilter {
                    actor: Some("thread:3".into()),
                    ..EventFilter::default()
                },
                0,
                1000,
            )
            .unwrap();
        let is: Vec<u64> = rows
            .iter()
            .map(|r| {
                let e: serde_json::Value = serde_json::from_slice(&r.leaf).unwrap();
                e["details"]["i"].as_u64().unwrap()
            })
            .collect();
        assert_eq!(is, (0..100).collect::<Vec<_>>());
    });
}

#[test]
fn stored_proofs_match_an_in_memory_tree() {
    let dir = tempfile::tempdir().unwrap();
    let a = auditor(
        dir.path(),
        LedgerConfig {
            checkpoint_every_events: 0,
            checkpoint_every_seconds: 0,
            ..LedgerConfig::default()
        },
    );
    for chunk in 0..7u64 {
        let drafts = (0..(chunk * 13 + 1)).map(|i| draft("a", i)).collect();
        a.record_batch(drafts).unwrap();
    }
    a.with_store(|s| {
        let size = s.size().unwrap();
        let leaves: Vec<Vec<u8>> = s
            .read_events(0, 10_000)
            .unwrap()
            .into_iter()
            .map(|r| r.leaf)
            .collect();
        let mut roots = Vec::new();
        let mut f = Frontier::new();
        for l in &leaves {
            f.push(leaf_hash(l), |_, _, _| {});
            roots.push(f.root());
        }
        for n in [1u64, 2, 3, 64, 100, size] {
            assert_eq!(
                aigis_ledger::merkle::root_at(s, n).unwrap(),
                roots[n as usize - 1]
            );
            for i in [0, n / 2, n - 1] {
                let p = aigis_ledger::inclusion_proof(s, i, Some(n)).unwrap();
                verify_inclusion(i, n, &leaf_hash(&leaves[i as usize]), &p.proof, &p.root).unwrap();
            }
            for old in [1, n / 3 + 1, n] {
                let c = aigis_ledger::consistency_proof(s, old, n).unwrap();
                verify_consistency(old, n, &c.proof, &c.old_root, &c.new_root).unwrap();
                assert_eq!(c.old_root, roots[old as usize - 1]);
            }
        }
    });
}

#[test]
fn invalid_drafts_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = auditor(dir.path(), LedgerConfig::default());
    let bad = EventDraft::new("a", "Not Valid", Subject::new("k", "1"));
    assert!(a.record_batch(vec![draft("a", 1), bad.clone()]).is_err());
    assert!(a.record(bad).is_err());
    assert_eq!(a.with_store(|s| s.size().unwrap()), 0);
}

#[test]
fn bundle_round_trip_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let a = auditor(dir.path(), LedgerConfig::default());
    a.record_batch((0..40).map(|i| draft("a", i)).collect())
        .unwrap();
    a.checkpoint().unwrap();
    let out = dir.path().join("b");
    let m = a
        .with_store(|s| bundle::export(s, &out, &[vkey()]))
        .unwrap();
    assert_eq!(m.events, 40);
    let report = bundle::verify_bundle(&out, Some(&[vkey()])).unwrap();
    assert_eq!((report.events, report.uncovered), (40, 0));
    drop(a);
    // Reopen: same origin, appends continue at the right seq.
    let store = SqliteStore::open(&dir.path().join("aigis.db")).unwrap();
    assert_eq!(store.origin(), ORIGIN);
    let a = Auditor::new(Box::new(store), LedgerConfig::default());
    assert_eq!(a.record(draft("a", 99)).unwrap().seq, 40);
    assert!(matches!(
        SqliteStore::create(&dir.path().join("aigis.db"), "other/origin"),
        Err(aigis_ledger::LedgerError::NotALedger { .. })
    ));
}
