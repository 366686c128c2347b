use proptest::prelude::*;

use super::*;
use crate::{KeyKind, MasterKey};

fn ring() -> (tempfile::TempDir, Keyring) {
    let dir = tempfile::tempdir().unwrap();
    let ring = Keyring::create(
        dir.path().join("keys"),
        MasterKey::generate().unwrap(),
        None,
    )
    .unwrap();
    ring.create_key("data", KeyKind::Aes256).unwrap();
    (dir, ring)
}

fn seal_small(ring: &Keyring, plain: &[u8]) -> Vec<u8> {
    let kek = ring.aes_key("data").unwrap();
    let mut enc = Encryptor::with_chunk_log2(&kek, Vec::new(), 10).unwrap();
    enc.write_all(plain).unwrap();
    enc.finish().unwrap()
}

fn open_all(ring: &Keyring, sealed: &[u8]) -> Result<Vec<u8>, KeyError> {
    let mut out = Vec::new();
    decrypt(ring, sealed, &mut out)?;
    Ok(out)
}

fn header_len(sealed: &[u8]) -> usize {
    Header::read(&mut &sealed[..]).unwrap().as_bytes().len()
}

#[test]
fn round_trips_at_chunk_boundaries() {
    let (_d, ring) = ring();
    for len in [0usize, 1, 1023, 1024, 1025, 2048, 3000, 5 * 1024] {
        let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let sealed = seal_small(&ring, &plain);
        let chunks = len / 1024 + 1;
        assert_eq!(
            sealed.len(),
            header_len(&sealed) + len + chunks * TAG,
            "len {len}"
        );
        assert_eq!(open_all(&ring, &sealed).unwrap(), plain, "len {len}");
    }
}

#[test]
fn truncation_at_every_chunk_boundary_is_detected() {
    let (_d, ring) = ring();
    let plain = vec![7u8; 4096]; // four full chunks then an empty final one
    let sealed = seal_small(&ring, &plain);
    let h = header_len(&sealed);
    for chunks in 0..=4 {
        let cut = h + chunks * (1024 + TAG);
        let err = open_all(&ring, &sealed[..cut]).unwrap_err();
        assert!(matches!(err, KeyError::Envelope { .. }), "cut {cut}: {err}");
    }
    // And anywhere else.
    for cut in [h - 1, h + 5, sealed.len() - 1] {
        assert!(open_all(&ring, &sealed[..cut]).is_err(), "cut {cut}");
    }
}

#[test]
fn reordered_and_swapped_chunks_are_detected() {
    let (_d, ring) = ring();
    let plain: Vec<u8> = (0..3000u32).map(|i| (i % 200) as u8).collect();
    let sealed = seal_small(&ring, &plain);
    let h = header_len(&sealed);
    let c = 1024 + TAG;
    let mut swapped = sealed.clone();
    let (a, b) = swapped[h..].split_at_mut(c);
    a.swap_with_slice(&mut b[..c]);
    assert!(open_all(&ring, &swapped).is_err());
    // Dropping a middle chunk.
    let mut dropped = sealed[..h + c].to_vec();
    dropped.extend_from_slice(&sealed[h + 2 * c..]);
    assert!(open_all(&ring, &dropped).is_err());
    // A chunk from another envelope of the same plaintext.
    let other = seal_small(&ring, &plain);
    let mut mixed = sealed.clone();
    mixed[h..h + c].copy_from_slice(&other[h..h + c]);
    assert!(open_all(&ring, &mixed).is_err());
    // Another envelope's header on this body.
    let mut rehead = other[..h].to_vec();
    rehead.extend_from_slice(&sealed[h..]);
    assert!(open_all(&ring, &rehead).is_err());
    // Trailing bytes after the final chunk.
    let mut extended = sealed.clone();
    extended.extend_from_slice(&[0u8; 40]);
    assert!(open_all(&ring, &extended).is_err());
}

#[test]
fn rotated_kek_still_decrypts_and_new_objects_use_the_new_version() {
    let (_d, ring) = ring();
    let old = seal_small(&ring, b"before rotation");
    ring.rotate("data").unwrap();
    let new = seal_small(&ring, b"after");
    assert_eq!(Header::read(&mut &old[..]).unwrap().key_id().version, 1);
    assert_eq!(Header::read(&mut &new[..]).unwrap().key_id().version, 2);
    assert_eq!(open_all(&ring, &old).unwrap(), b"before rotation");
    ring.disable("data", Some(1)).unwrap();
    assert!(matches!(
        open_all(&ring, &old),
        Err(KeyError::NotUsable { .. })
    ));
}

#[test]
fn wrong_key_is_refused() {
    let (_d, ring) = ring();
    let sealed = seal_small(&ring, b"x");
    ring.create_key("other", KeyKind::Aes256).unwrap();
    let other = ring.aes_key("other").unwrap();
    assert!(Decryptor::with_key(&other, &sealed[..]).is_err());
}

#[test]
#[allow(clippy::disallowed_methods)] // fixtures and simulated damage, not outputs
fn files_are_written_atomically_and_only_when_verified() {
    let (dir, ring) = ring();
    let src = dir.path().join("plain.csv");
    let enc = dir.path().join("plain.csv.aigis");
    let back = dir.path().join("back.csv");
    std::fs::write(&src, vec![b'a'; 200_000]).unwrap();
    let kek = ring.aes_key("data").unwrap();
    assert_eq!(encrypt_file(&kek, &src, &enc).unwrap(), 200_000);
    assert_eq!(decrypt_file(&ring, &enc, &back).unwrap(), 200_000);
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&src).unwrap());
    let mut bytes = std::fs::read(&enc).unwrap();
    let n = bytes.len();
    bytes.truncate(n - 100);
    std::fs::write(&enc, &bytes).unwrap();
    let bad = dir.path().join("bad.csv");
    assert!(decrypt_file(&ring, &enc, &bad).is_err());
    assert!(!bad.exists(), "no half-written output");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn any_single_byte_change_is_detected(len in 0usize..3000, pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let (_d, ring) = ring();
        let plain = vec![0x5au8; len];
        let mut sealed = seal_small(&ring, &plain);
        let i = pos.index(sealed.len());
        sealed[i] ^= 1 << bit;
        prop_assert!(open_all(&ring, &sealed).is_err());
    }
}
