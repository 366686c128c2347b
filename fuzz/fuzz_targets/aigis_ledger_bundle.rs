//! The bundle reader from arbitrary bytes: the input is split at 0xFF
//! bytes into manifest, checkpoint notes, events, verifier keys and
//! consistency proofs; verification may fail, never panic.
#![no_main]

use std::path::Path;

use aigis_ledger::VerifierKey;
use aigis_ledger::bundle::{BundleParts, verify_bundle_parts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|b| *b == 0xff);
    let manifest = parts.next().unwrap_or_default().to_vec();
    let events = parts.next().unwrap_or_default().to_vec();
    let vkeys = parts.next().unwrap_or_default().to_vec();
    let consistency = parts.next().map(<[u8]>::to_vec);
    let checkpoints = parts
        .enumerate()
        .map(|(i, p)| (format!("{i:010}.note"), p.to_vec()))
        .collect();
    let key = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]);
    let trusted = [VerifierKey::new("fuzz.example/log", key.verifying_key()).unwrap()];
    let use_trusted = data.first().is_some_and(|b| b & 1 == 1);
    let _ = verify_bundle_parts(
        BundleParts {
            manifest,
            checkpoints,
            events: &events[..],
            vkeys,
            consistency,
        },
        use_trusted.then_some(&trusted[..]),
        Path::new("fuzz"),
    );
});
