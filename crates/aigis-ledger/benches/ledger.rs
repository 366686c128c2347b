//! Ledger throughput and latency, printed as events/s and microseconds.
//!
//! `cargo bench -p aigis-ledger --bench ledger` (release profile). The
//! database lives in a temporary directory on the same disk as the target
//! directory (override with AIGIS_BENCH_DIR); every append is durable
//! (WAL, synchronous=FULL). `AIGIS_BENCH_EVENTS` sets the size of the
//! verify/proof tree (default 1,000,000).

use std::sync::Arc;
use std::time::Instant;

use aigis_ledger::{
    Auditor, EventDraft, LedgerConfig, LedgerStore, SqliteStore, Subject, VerifierKey,
};

const ORIGIN: &str = "bench.example/ledger";

fn draft(i: u64) -> EventDraft {
    EventDraft::new(
        "ci:bench",
        "bench.append",
        Subject::new("dataset", format!("ds-{i}")),
    )
    .detail("rows", i)
    .detail(
        "digest",
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    )
}

fn bench_dir() -> tempfile::TempDir {
    let base = std::env::var_os("AIGIS_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&base).unwrap();
    tempfile::tempdir_in(base).unwrap()
}

fn no_checkpoints() -> LedgerConfig {
    LedgerConfig {
        checkpoint_every_events: 0,
        checkpoint_every_seconds: 0,
        ..LedgerConfig::default()
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs this too:
    // stay quick then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let total: u64 = std::env::var("AIGIS_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 5_000 } else { 1_000_000 });
    let key = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let vkey = VerifierKey::new(ORIGIN, key.verifying_key()).unwrap();

    // 1. Single-event durable appends: one transaction (one fsync) each.
    {
        let dir = bench_dir();
        let store = SqliteStore::create(&dir.path().join("aigis.db"), ORIGIN).unwrap();
        let auditor = Auditor::new(Box::new(store), no_checkpoints());
        let n = if quick { 50 } else { 2_000 };
        let t = Instant::now();
        for i in 0..n {
            auditor.record(draft(i)).unwrap();
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "single-event durable append: {n} events in {s:.2}s = {:.0} events/s",
            n as f64 / s
        );
    }

    // 2. Concurrent single-event appends, group-committed.
    {
        let dir = bench_dir();
        let store = SqliteStore::create(&dir.path().join("aigis.db"), ORIGIN).unwrap();
        let auditor = Arc::new(Auditor::new(Box::new(store), no_checkpoints()));
        let (threads, per) = if quick { (4, 20) } else { (64, 500) };
        let t = Instant::now();
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let a = Arc::clone(&auditor);
                std::thread::spawn(move || {
                    for i in 0..per {
                        a.record(draft(i)).unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let s = t.elapsed().as_secs_f64();
        let n = threads * per;
        println!(
            "group-committed durable append ({threads} threads): {n} events in {s:.2}s = {:.0} events/s",
            n as f64 / s
        );
    }

    // 3. Batched durable appends (1,000 events per transaction), building
    //    the tree that verify and proofs use below.
    let dir = bench_dir();
    let db = dir.path().join("aigis.db");
    let store = SqliteStore::create(&db, ORIGIN).unwrap();
    let auditor = Auditor::new(Box::new(store), no_checkpoints()).with_signer(Box::new(key));
    let batch = 1_000u64;
    let t = Instant::now();
    let mut i = 0u64;
    while i < total {
        let n = batch.min(total - i);
        auditor
            .record_batch((i..i + n).map(draft).collect())
            .unwrap();
        i += n;
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "batched durable append (1000/txn): {total} events in {s:.2}s = {:.0} events/s",
        total as f64 / s
    );
    auditor.checkpoint().unwrap();
    drop(auditor);

    // 4. Verify everything (fresh connection).
    let store = SqliteStore::open(&db).unwrap();
    let t = Instant::now();
    let report = aigis_ledger::verify_store(&store, std::slice::from_ref(&vkey), None).unwrap();
    let s = t.elapsed().as_secs_f64();
    assert_eq!(report.events, total);
    println!(
        "verify: {total} events in {s:.2}s = {:.0} events/s",
        total as f64 / s
    );

    // 5. Inclusion and consistency proofs against the checkpoint.
    let size = store.size().unwrap();
    let reps: u32 = if quick { 100 } else { 2_000 };
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let t = Instant::now();
    for _ in 0..reps {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let p = aigis_ledger::inclusion_proof(&store, x % size, None).unwrap();
        std::hint::black_box(p);
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / f64::from(reps);
    println!("inclusion proof at {size} events: {us:.1} us per proof (incl. leaf read and root)");
    let t = Instant::now();
    for k in 0..reps {
        let old = 1 + (u64::from(k) * 7919) % (size - 1);
        std::hint::black_box(aigis_ledger::consistency_proof(&store, old, size).unwrap());
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / f64::from(reps);
    println!("consistency proof at {size} events: {us:.1} us per proof");
}
