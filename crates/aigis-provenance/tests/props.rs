//! Invariants: signing then verifying round-trips; any single-byte change to
//! a signed payload, signature or model file makes verification fail.

// Test fixtures in temp directories: atomic writes are not under test here.
#![allow(clippy::disallowed_methods)]

use std::fs;

use aigis_provenance::{
    Bundle, EcdsaP256Signer, Ed25519Signer, Envelope, ManifestOptions, Signer as _,
    VerifyModelOptions, sign_model, verify_model,
};
use proptest::prelude::*;

fn ed25519(seed: u8) -> Ed25519Signer {
    Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
}

/// A P-256 key from `seed` (bytes 0x00 and 0xff repeated are not valid
/// scalars: zero, and above the group order).
fn p256(seed: u8) -> EcdsaP256Signer {
    EcdsaP256Signer::new(p256::ecdsa::SigningKey::from_slice(&[seed.clamp(1, 254); 32]).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn envelope_round_trips_and_any_flip_fails(
        payload in proptest::collection::vec(any::<u8>(), 0..512),
        payload_type in "[a-z/+.-]{1,40}",
        seed in 1u8..=255,
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
        ecdsa in any::<bool>(),
    ) {
        let signer: Box<dyn aigis_provenance::Signer> =
            if ecdsa { Box::new(p256(seed)) } else { Box::new(ed25519(seed)) };
        let env = Envelope::sign(&payload_type, payload.clone(), signer.as_ref()).unwrap();
        let parsed = Envelope::from_json(&env.to_json()).unwrap();
        prop_assert_eq!(&parsed, &env);
        let key = signer.public_key();
        prop_assert!(parsed.verify(&key).is_ok());

        // Flip one bit of the payload (when there is one) ...
        if !payload.is_empty() {
            let mut bad = env.clone();
            let i = flip.index(bad.payload.len());
            bad.payload[i] ^= 1 << bit;
            prop_assert!(bad.verify(&key).is_err());
        }
        // ... of the signature ...
        let mut bad = env.clone();
        let i = flip.index(bad.signatures[0].sig.len());
        bad.signatures[0].sig[i] ^= 1 << bit;
        prop_assert!(bad.verify(&key).is_err());
        // ... or of the payload type.
        let mut bad = env;
        bad.payload_type.push('x');
        prop_assert!(bad.verify(&key).is_err());
    }

    #[test]
    fn model_sign_verify_round_trips_and_any_flip_fails(
        files in proptest::collection::btree_map("[a-z]{1,6}(/[a-z]{1,6})?", proptest::collection::vec(any::<u8>(), 1..256), 1..6),
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let model = tmp.path().join("model");
        // Skip layouts where a file name is also a directory prefix.
        for (name, data) in &files {
            let path = model.join(name);
            if fs::create_dir_all(path.parent().unwrap()).is_err() || path.is_dir() {
                return Ok(());
            }
            if fs::write(&path, data).is_err() {
                return Ok(());
            }
        }
        let signer = p256(9);
        let signed = sign_model(&model, &ManifestOptions::default(), &signer).unwrap();
        let bundle = Bundle::from_json(&signed.bundle.to_json()).unwrap();
        let key = signer.public_key();
        prop_assert!(verify_model(&model, &bundle, &key, &VerifyModelOptions::default()).is_ok());

        let resources = &signed.manifest.resources;
        let victim = model.join(&resources[which.index(resources.len())].name);
        let mut data = fs::read(&victim).unwrap();
        let i = at.index(data.len());
        data[i] ^= 1 << bit;
        fs::write(&victim, data).unwrap();
        let err = verify_model(&model, &bundle, &key, &VerifyModelOptions::default()).unwrap_err();
        prop_assert!(err.is_verification_failure());
    }
}
