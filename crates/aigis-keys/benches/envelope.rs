//! Envelope encryption throughput (MB/s): `cargo bench -p aigis-keys`.

use std::io::Write as _;

use aigis_keys::{KeyKind, Keyring, MasterKey, envelope};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let ring = Keyring::create(
        dir.path().join("keys"),
        MasterKey::generate().unwrap(),
        None,
    )
    .unwrap();
    ring.create_key("data", KeyKind::Aes256).unwrap();
    let kek = ring.aes_key("data").unwrap();
    let plain = vec![0x42u8; 16 << 20];
    let mut sealed = Vec::new();
    envelope::encrypt(&kek, &plain[..], &mut sealed).unwrap();

    let mut group = c.benchmark_group("envelope");
    group.throughput(Throughput::Bytes(plain.len() as u64));
    group.sample_size(10);
    group.bench_function("encrypt_16MiB", |b| {
        b.iter(|| {
            let mut enc = envelope::Encryptor::new(&kek, std::io::sink()).unwrap();
            enc.write_all(&plain).unwrap();
            enc.finish().unwrap();
        })
    });
    group.bench_function("decrypt_16MiB", |b| {
        b.iter(|| envelope::decrypt(&ring, &sealed[..], std::io::sink()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
