//! Signed notes, checkpoints and verifier keys from arbitrary bytes: never
//! a panic, and whatever parses round-trips.
#![no_main]

use aigis_ledger::Checkpoint;
use aigis_ledger::note::{VerifierKey, open_note, parse_note};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cp) = Checkpoint::parse(text) {
        assert_eq!(cp.to_text(), text, "checkpoint text round-trips");
    }
    if let Ok(note) = parse_note(text) {
        assert!(note.text.ends_with('\n'));
        assert!(!note.signatures.is_empty());
    }
    if let Ok(vk) = VerifierKey::parse(text) {
        assert_eq!(VerifierKey::parse(&vk.to_string()).ok(), Some(vk));
    }
    let key = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]);
    let vk = VerifierKey::new("fuzz.example/log", key.verifying_key()).unwrap();
    let _ = open_note(text, &[vk.clone()]);
    let _ = Checkpoint::open(text, &[vk]);
});
