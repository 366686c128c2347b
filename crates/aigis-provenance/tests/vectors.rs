//! Known-answer tests against the independent vectors in
//! `../shared/interop/vectors` (DSSE, securesystemslib, OpenSSF
//! model-signing, including what model_signing itself said about each
//! handmade case).

// Test fixtures in temp directories: atomic writes are not under test here.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Path, PathBuf};

use aigis_provenance::{
    Bundle, Ed25519Signer, Envelope, Error, IN_TOTO_PAYLOAD_TYPE, Manifest, ManifestOptions,
    PublicKey, Signer, VerifyError, VerifyModelOptions, model_statement, pae, signer_from_pem,
    verify_model,
};

fn vectors() -> PathBuf {
    let shared = std::env::var_os("AIGIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    shared.join("interop/vectors")
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn key(path: &Path) -> PublicKey {
    PublicKey::from_pem_file(path).unwrap()
}

fn envelope(path: &Path) -> Envelope {
    Envelope::from_json(&read(path)).unwrap()
}

fn unhex(path: &Path) -> Vec<u8> {
    hex::decode(String::from_utf8(read(path)).unwrap().trim()).unwrap()
}

#[test]
fn dsse_good_verifies_and_pae_matches() {
    let dir = vectors().join("dsse");
    let key = key(&dir.join("ed25519.pub.pem"));
    let good = envelope(&dir.join("good.dsse.json"));
    assert_eq!(
        pae(&good.payload_type, &good.payload),
        unhex(&dir.join("pae.hex"))
    );
    good.verify(&key).unwrap();
    good.statement().unwrap();
}

#[test]
fn fail_dsse_tampered_and_wrong_type() {
    let dir = vectors().join("dsse");
    let key = key(&dir.join("ed25519.pub.pem"));
    for name in ["tampered-payload.dsse.json", "wrong-type.dsse.json"] {
        let env = envelope(&dir.join(name));
        assert!(
            matches!(env.verify(&key), Err(VerifyError::BadSignature { .. })),
            "{name}"
        );
    }
}

#[test]
fn sslib_vector_reproduces_byte_for_byte() {
    let dir = vectors().join("dsse-sslib");
    let expected: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("expected.json"))).unwrap();
    let mut seed = [0u8; 32];
    hex::decode_to_slice(
        String::from_utf8(read(&dir.join("ed25519.seed.hex")))
            .unwrap()
            .trim(),
        &mut seed,
    )
    .unwrap();
    let signer = Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(&seed));
    assert_eq!(signer.key_id(), expected["key"]["keyid"].as_str().unwrap());

    // The private key PEM loads to the same key.
    let from_pem =
        signer_from_pem(&String::from_utf8(read(&dir.join("ed25519.priv.pem"))).unwrap()).unwrap();
    assert_eq!(from_pem.key_id(), signer.key_id());
    // Our PEM of the public key is the file, byte for byte.
    assert_eq!(
        signer.public_key().to_pem().as_bytes(),
        read(&dir.join("ed25519.pub.pem"))
    );

    let payload = read(&dir.join("payload.json"));
    let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, payload, &signer).unwrap();
    assert_eq!(
        pae(&env.payload_type, &env.payload),
        unhex(&dir.join("pae.hex"))
    );
    assert_eq!(env.to_json(), read(&dir.join("envelope.compact.json")));

    // And the statement aigis would write for the same content is the same
    // payload (canonical JSON).
    let statement = env.statement().unwrap();
    assert_eq!(statement.to_json(), env.payload);
    for (subject, want) in statement
        .subject
        .iter()
        .zip(expected["subjects"].as_array().unwrap())
    {
        assert_eq!(subject.name, want[0].as_str().unwrap());
        assert_eq!(subject.digest["sha256"], want[1].as_str().unwrap());
    }
}

#[test]
fn sslib_envelopes_verify_and_negatives_fail() {
    let dir = vectors().join("dsse-sslib");
    let key = key(&dir.join("ed25519.pub.pem"));
    for name in [
        "envelope.json",
        "envelope.compact.json",
        "edge_empty_keyid.json",
    ] {
        envelope(&dir.join(name))
            .verify(&key)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let expected: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("expected.json"))).unwrap();
    for name in expected["must_fail"].as_array().unwrap() {
        let name = name.as_str().unwrap();
        let env = envelope(&dir.join(name));
        let err = env.verify(&key).expect_err(name);
        let want_no_sigs = name == "neg_no_signatures.json";
        assert_eq!(
            matches!(err, VerifyError::NoSignatures),
            want_no_sigs,
            "{name}: {err}"
        );
    }
}

#[test]
fn model_signing_vector_verifies_and_detects_change() {
    let dir = vectors().join("model-signing");
    let pem = read(&dir.join("signer.pub.pem"));
    let key = PublicKey::from_pem(std::str::from_utf8(&pem).unwrap()).unwrap();
    // The PEM we write is Python cryptography's, byte for byte, so hints agree.
    assert_eq!(key.to_pem().as_bytes(), pem);
    let bundle = Bundle::from_json(&read(&dir.join("model.sig"))).unwrap();
    assert_eq!(bundle.hint.as_deref(), Some(key.pem_hint().as_str()));
    let verified = verify_model(
        &dir.join("model"),
        &bundle,
        &key,
        &VerifyModelOptions::default(),
    )
    .unwrap();
    assert_eq!(verified.files, 3);

    // Any change to the model fails.
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("model");
    copy_dir(&dir.join("model"), &copy);
    let weights = copy.join("weights.bin");
    let mut bytes = read(&weights);
    bytes[0] ^= 1;
    fs::write(&weights, bytes).unwrap();
    let err = verify_model(&copy, &bundle, &key, &VerifyModelOptions::default()).unwrap_err();
    assert!(err.to_string().contains("weights.bin"), "{err}");
}

#[test]
fn model_signing_cases_match_model_signing_results() {
    let dir = vectors().join("model-signing-cases");
    let key = key(&dir.join("p256.pub.pem"));
    let results: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("results.json"))).unwrap();
    let model = dir.join("tiny-model");
    let mut checked = 0;
    for (case, outcome) in results.as_object().unwrap() {
        let want = outcome["verified"].as_bool().unwrap();
        let (sig, model_dir) = if case.starts_with("handmade/") {
            (dir.join(case), model.clone())
        } else if case.starts_with("model.sig") {
            (dir.join("model.sig"), model.clone())
        } else if case.starts_with("NEG ") {
            (dir.join("model.sig"), dir.join("tampered/tiny-model"))
        } else {
            continue;
        };
        let got = Bundle::from_json(&read(&sig))
            .and_then(|b| verify_model(&model_dir, &b, &key, &VerifyModelOptions::default()));
        assert_eq!(got.is_ok(), want, "{case}: {got:?}");
        if let Err(e) = &got {
            assert!(e.is_verification_failure(), "{case}: {e}");
        }
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} cases");
}

#[test]
fn our_statement_equals_model_signings() {
    let dir = vectors().join("model-signing-cases");
    let manifest = Manifest::build(&dir.join("tiny-model"), &ManifestOptions::default()).unwrap();
    let ours = model_statement(&manifest);
    let theirs: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("model.sig.payload.json"))).unwrap();
    assert_eq!(ours.subject[0].name, theirs["subject"][0]["name"]);
    assert_eq!(
        ours.subject[0].digest["sha256"],
        theirs["subject"][0]["digest"]["sha256"]
    );
    assert_eq!(
        ours.predicate["resources"],
        theirs["predicate"]["resources"]
    );
}

#[test]
fn fail_garbage_bundles_are_parse_errors() {
    for input in [&b"{}"[..], b"[]", b"{\"mediaType\":1}", b"nope"] {
        assert!(matches!(Bundle::from_json(input), Err(Error::Parse { .. })));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
