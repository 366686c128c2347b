//! Hashing and model-signing throughput.
//!
//! - `sha256/in-memory`: one core hashing a buffer (the per-core figure;
//!   SHA-NI makes it well over 1 GB/s).
//! - `sign/model-dir-2GB`: `sign_model` over a 2 GiB directory of mixed file
//!   sizes on the global rayon pool (all cores).
//! - `sign/file-1GB`: `sign_model` over one 1 GiB file.
//! - Before the groups, the 1 GiB file is read by coreutils `sha256sum` and
//!   by `sign_model`, three times each, and both wall times are printed.
//!
//! Data is generated once under `$AIGIS_BENCH_DIR` (default
//! `/tmp/aigis-bench`) and read from the page cache.
//!
//! Run: `cargo bench -p aigis-provenance --bench hash`

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aigis_provenance::{EcdsaP256Signer, ManifestOptions, Sha256Digest, sign_model};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;

fn bench_dir() -> PathBuf {
    std::env::var_os("AIGIS_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/aigis-bench"))
}

/// Writes `len` pseudo-random bytes to `path` unless it already has that size.
fn ensure_file(path: &Path, len: u64, seed: u64) {
    if fs::metadata(path).map(|m| m.len() == len).unwrap_or(false) {
        return;
    }
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = std::io::BufWriter::with_capacity(4 << 20, fs::File::create(path).unwrap());
    let mut state = seed | 1;
    let mut block = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        for chunk in block.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
    file.flush().unwrap();
}

/// A 2 GiB model directory: one 700 MiB shard, three of 300 MiB, ten of
/// 30 MiB, 147 of 1 MiB and 1024 small files of 4 KiB.
fn model_dir() -> (PathBuf, u64) {
    let dir = bench_dir().join("model-2g");
    let mut total = 0;
    let mut n = 0u64;
    let mut add = |name: String, len: u64| {
        n += 1;
        ensure_file(&dir.join(name), len, n);
        total += len;
    };
    add("model-00001.safetensors".into(), 700 * MIB);
    for i in 0..3 {
        add(format!("shards/part-{i}.bin"), 300 * MIB);
    }
    for i in 0..10 {
        add(format!("layers/layer-{i:02}.bin"), 30 * MIB);
    }
    for i in 0..147 {
        add(format!("embeddings/e{i:03}.npy"), MIB);
    }
    for i in 0..1024 {
        add(format!("tokenizer/pieces/{i:04}.txt"), 4096);
    }
    (dir, total)
}

fn one_gib_file() -> PathBuf {
    let path = bench_dir().join("one-gib.bin");
    ensure_file(&path, GIB, 99);
    path
}

fn signer() -> EcdsaP256Signer {
    EcdsaP256Signer::new(aigis_provenance::p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap())
}

/// Median wall time of `runs` runs of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// This process's user + system CPU seconds (from /proc; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesized command name; utime and stime are the
    // 12th and 13th of those, in clock ticks.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
        f.iter().filter_map(|v| v.parse::<f64>().ok()).sum()
    });
    let hz = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    ticks / hz
}

/// CPU seconds (user + system) of one `sha256sum FILE` run, through GNU
/// time; `None` when /usr/bin/time is absent.
fn sha256sum_cpu(file: &Path) -> Option<f64> {
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%U %S", "sha256sum"])
        .arg(file)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stderr).ok()?;
    let last = text.lines().last()?;
    Some(
        last.split_whitespace()
            .filter_map(|v| v.parse::<f64>().ok())
            .sum(),
    )
}

/// Prints coreutils sha256sum vs aigis on the 1 GiB file: wall time (the
/// bar) and CPU time, which stays meaningful when other work shares the
/// machine (aigis hashes one file on one core, so its CPU time is its
/// per-core speed). Also the in-memory per-core figure by CPU time.
fn compare_with_sha256sum() {
    let file = one_gib_file();
    let _ = fs::read(&file); // warm the page cache
    let coreutils = median(3, || {
        let status = std::process::Command::new("sha256sum")
            .arg(&file)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("sha256sum");
        assert!(status.success());
    });
    let signer = signer();
    let cpu_before = cpu_seconds();
    let ours = median(3, || {
        sign_model(&file, &ManifestOptions::default(), &signer).unwrap();
    });
    let cpu = (cpu_seconds() - cpu_before) / 3.0;
    println!(
        "1 GiB file, wall: sha256sum {:.3} s, aigis sign {:.3} s, ratio {:.2} (bar: <= 0.33)",
        coreutils.as_secs_f64(),
        ours.as_secs_f64(),
        ours.as_secs_f64() / coreutils.as_secs_f64()
    );
    if let Some(theirs) = sha256sum_cpu(&file) {
        println!(
            "1 GiB file, CPU: sha256sum {theirs:.3} s ({:.2} GB/s), aigis sign {cpu:.3} s ({:.2} GB/s per core), ratio {:.2}",
            GIB as f64 / theirs / 1e9,
            GIB as f64 / cpu / 1e9,
            cpu / theirs
        );
    }
    let (dir, total) = model_dir();
    let before = cpu_seconds();
    let wall = median(3, || {
        sign_model(&dir, &ManifestOptions::default(), &signer).unwrap();
    });
    let spent = (cpu_seconds() - before) / 3.0;
    println!(
        "2 GiB model dir: wall {:.3} s on {} threads, CPU {spent:.3} s (= {:.3} s of work per core on 2 idle cores; bar: <= 3 s)",
        wall.as_secs_f64(),
        rayon::current_num_threads(),
        spent / 2.0
    );
    let _ = total;

    let buf = vec![0x5au8; 64 << 20];
    let before = cpu_seconds();
    for _ in 0..16 {
        std::hint::black_box(Sha256Digest::of_bytes(std::hint::black_box(&buf)));
    }
    let spent = cpu_seconds() - before;
    println!(
        "sha256 in memory, CPU: 1 GiB in {spent:.3} s = {:.2} GB/s per core",
        GIB as f64 / spent / 1e9
    );
}

fn benches(c: &mut Criterion) {
    compare_with_sha256sum();

    let mut group = c.benchmark_group("sha256");
    let buf = vec![0xa5u8; 64 << 20];
    group.throughput(Throughput::Bytes(buf.len() as u64));
    group.bench_function("in-memory-64MiB", |b| {
        b.iter(|| Sha256Digest::of_bytes(&buf))
    });
    group.finish();

    let signer = signer();
    let mut group = c.benchmark_group("sign");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let (dir, total) = model_dir();
    group.throughput(Throughput::Bytes(total));
    group.bench_function("model-dir-2GiB", |b| {
        b.iter(|| sign_model(&dir, &ManifestOptions::default(), &signer).unwrap())
    });
    let file = one_gib_file();
    group.throughput(Throughput::Bytes(GIB));
    group.bench_function("file-1GiB", |b| {
        b.iter(|| sign_model(&file, &ManifestOptions::default(), &signer).unwrap())
    });
    group.finish();
}

criterion_group!(hash, benches);
criterion_main!(hash);
