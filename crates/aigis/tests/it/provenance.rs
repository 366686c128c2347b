//! `aigis sign`, `aigis attest`, `aigis verify` end to end: interop with
//! OpenSSF model_signing and the independent DSSE verifier, the shared
//! vectors, chain verification and its faults, and bad input.
//!
//! Interop tests need the verifiers from `../shared/interop/setup.sh`;
//! `.ci/test` runs it, and these tests run it themselves when its venv is
//! missing.

// Test fixtures in temp directories: atomic writes are not under test here.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use aigis_provenance::ed25519_dalek;
use aigis_provenance::p256;
use aigis_provenance::p256::pkcs8::{EncodePrivateKey as _, LineEnding};
use aigis_provenance::{EcdsaP256Signer, Ed25519Signer, Envelope, Signer as _};

use crate::util::{aigis, shared_dir};

// ---- helpers ---------------------------------------------------------------

/// The interop venv's bin directory, installing it on first use.
fn interop_bin() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::var_os("AIGIS_INTEROP_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/aigis-interop")
            });
        let bin = dir.join("venv/bin");
        if !bin.join("model_signing").exists() {
            let status = Command::new("bash")
                .arg(shared_dir().join("interop/setup.sh"))
                .arg(&dir)
                .status()
                .expect("run interop/setup.sh");
            assert!(status.success(), "interop/setup.sh failed");
        }
        bin
    })
    .clone()
}

fn model_signing() -> Command {
    Command::new(interop_bin().join("model_signing"))
}

/// Runs verify_dsse.py; true when it verified.
pub(crate) fn verify_dsse(public_pem: &Path, file: &Path) -> bool {
    let out = Command::new(interop_bin().join("python"))
        .arg(shared_dir().join("interop/verify_dsse.py"))
        .arg(public_pem)
        .arg(file)
        .output()
        .expect("run verify_dsse.py");
    out.status.success()
}

fn vectors() -> PathBuf {
    shared_dir().join("interop/vectors")
}

pub(crate) fn write(path: &Path, data: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, data).unwrap();
}

/// Writes a P-256 key pair (PKCS#8 private, SPKI public) derived from `n`.
fn p256_keys(dir: &Path, name: &str, n: u8) -> (PathBuf, PathBuf) {
    let key = p256::ecdsa::SigningKey::from_slice(&[n; 32]).unwrap();
    let private = dir.join(format!("{name}.pem"));
    let public = dir.join(format!("{name}.pub.pem"));
    write(
        &private,
        key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
    );
    write(&public, EcdsaP256Signer::new(key).public_key().to_pem());
    (private, public)
}

/// Writes an Ed25519 key pair derived from `n`.
pub(crate) fn ed25519_keys(dir: &Path, name: &str, n: u8) -> (PathBuf, PathBuf) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[n; 32]);
    let private = dir.join(format!("{name}.pem"));
    let public = dir.join(format!("{name}.pub.pem"));
    write(
        &private,
        key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
    );
    write(&public, Ed25519Signer::new(key).public_key().to_pem());
    (private, public)
}

/// A small model directory with mixed content (hidden, empty, nested, git).
pub(crate) fn make_model(dir: &Path) -> PathBuf {
    let model = dir.join("model");
    write(&model.join("config.json"), br#"{"layers": 2}"#);
    write(
        &model.join("weights.bin"),
        (0..70_000u32).map(|i| (i * 7) as u8).collect::<Vec<_>>(),
    );
    write(&model.join("tokenizer/vocab.txt"), "a\nb\n");
    write(&model.join("tokenizer.json"), "{}");
    write(&model.join(".hidden"), "h");
    write(&model.join("empty.txt"), "");
    write(&model.join(".git/HEAD"), "ref: main");
    model
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
            let mut perms = fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            fs::set_permissions(&target, perms).unwrap();
        }
    }
}

/// `aigis verify --signature SIG --public-key KEY MODEL`.
fn aigis_verify_sig(sig: &Path, key: &Path, model: &Path) -> assert_cmd::Command {
    let mut cmd = aigis();
    cmd.args(["verify", "--signature"])
        .arg(sig)
        .arg("--public-key")
        .arg(key)
        .arg(model);
    cmd
}

/// `model_signing verify key --public_key KEY --signature SIG MODEL`.
pub(crate) fn model_signing_verify(sig: &Path, key: &Path, model: &Path) -> std::process::Output {
    model_signing()
        .args(["verify", "key", "--public_key"])
        .arg(key)
        .arg("--signature")
        .arg(sig)
        .arg(model)
        .output()
        .unwrap()
}

/// `aigis sign --key-file KEY MODEL -o SIG`.
fn aigis_sign(key: &Path, model: &Path, sig: &Path) {
    aigis()
        .args(["sign", "--key-file"])
        .arg(key)
        .arg(model)
        .arg("-o")
        .arg(sig)
        .assert()
        .success();
}

pub(crate) fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// ---- model signatures: interop ----------------------------------------------

#[test]
fn model_signed_by_aigis_verifies_with_model_signing() {
    let tmp = tempfile::tempdir().unwrap();
    let model = make_model(tmp.path());
    let (private, public) = p256_keys(tmp.path(), "signing", 11);
    // Signature beside the model, then inside it (must be ignored).
    for sig in [tmp.path().join("model.sig"), model.join("model.sig")] {
        aigis_sign(&private, &model, &sig);
        let out = model_signing_verify(&sig, &public, &model);
        assert!(
            out.status.success(),
            "model_signing refused {}: {}",
            sig.display(),
            stderr_of(&out)
        );
        assert!(
            verify_dsse(&public, &sig),
            "verify_dsse refused {}",
            sig.display()
        );
        aigis_verify_sig(&sig, &public, &model).assert().success();
    }
}

#[test]
fn single_file_model_interoperates() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("weights.safetensors");
    write(&file, vec![5u8; 4096]);
    let (private, public) = p256_keys(tmp.path(), "signing", 12);
    aigis()
        .args(["sign", "--key-file"])
        .arg(&private)
        .arg(&file)
        .assert()
        .success();
    let sig = tmp.path().join("weights.safetensors.sig");
    let out = model_signing_verify(&sig, &public, &file);
    assert!(out.status.success(), "{}", stderr_of(&out));
}

#[test]
fn model_signing_signature_verifies_with_aigis() {
    let tmp = tempfile::tempdir().unwrap();
    let model = make_model(tmp.path());
    let (private, public) = p256_keys(tmp.path(), "theirs", 13);
    let sig = tmp.path().join("theirs.sig");
    let out = model_signing()
        .args(["sign", "key", "--private_key"])
        .arg(&private)
        .arg("--signature")
        .arg(&sig)
        .arg(&model)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "model_signing sign: {}",
        stderr_of(&out)
    );
    aigis_verify_sig(&sig, &public, &model).assert().success();
    // And fails after a change.
    write(&model.join("tokenizer/vocab.txt"), "a\nB\n");
    aigis_verify_sig(&sig, &public, &model)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("tokenizer/vocab.txt"));
}

#[test]
fn committed_model_signing_vectors_match_their_verdicts() {
    let dir = vectors().join("model-signing");
    aigis()
        .args(["verify", "--signature"])
        .arg(dir.join("model.sig"))
        .arg("--public-key")
        .arg(dir.join("signer.pub.pem"))
        .arg(dir.join("model"))
        .assert()
        .success();

    let cases = vectors().join("model-signing-cases");
    let results: serde_json::Value =
        serde_json::from_slice(&fs::read(cases.join("results.json")).unwrap()).unwrap();
    let mut n = 0;
    for (case, outcome) in results.as_object().unwrap() {
        let (sig, model) = if case.starts_with("handmade/") {
            (cases.join(case), cases.join("tiny-model"))
        } else if case.starts_with("model.sig") {
            (cases.join("model.sig"), cases.join("tiny-model"))
        } else if case.starts_with("NEG ") {
            (cases.join("model.sig"), cases.join("tampered/tiny-model"))
        } else {
            continue;
        };
        let want = if outcome["verified"].as_bool().unwrap() {
            0
        } else {
            1
        };
        let out = aigis()
            .args(["verify", "--signature"])
            .arg(&sig)
            .arg("--public-key")
            .arg(cases.join("p256.pub.pem"))
            .arg(&model)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(want), "{case}: {}", stderr_of(&out));
        n += 1;
    }
    assert!(n >= 12);
}

// ---- DSSE vectors and envelopes we write -------------------------------------

#[test]
fn dsse_vectors_pass_and_negatives_fail() {
    let dsse = vectors().join("dsse");
    let verify = |key: &Path, file: &Path| {
        aigis()
            .args(["verify", "--envelope"])
            .arg(file)
            .arg("--public-key")
            .arg(key)
            .output()
            .unwrap()
            .status
            .code()
    };
    let key = dsse.join("ed25519.pub.pem");
    assert_eq!(verify(&key, &dsse.join("good.dsse.json")), Some(0));
    assert_eq!(
        verify(&key, &dsse.join("tampered-payload.dsse.json")),
        Some(1)
    );
    assert_eq!(verify(&key, &dsse.join("wrong-type.dsse.json")), Some(1));

    let sslib = vectors().join("dsse-sslib");
    let key = sslib.join("ed25519.pub.pem");
    for good in [
        "envelope.json",
        "envelope.compact.json",
        "edge_empty_keyid.json",
    ] {
        assert_eq!(verify(&key, &sslib.join(good)), Some(0), "{good}");
    }
    for bad in [
        "neg_no_signatures.json",
        "neg_payload_type_changed.json",
        "neg_signed_without_pae.json",
        "neg_tampered_payload.json",
        "neg_wrong_key.json",
    ] {
        assert_eq!(verify(&key, &sslib.join(bad)), Some(1), "{bad}");
    }
}

// ---- attestation chains --------------------------------------------------------

/// A pipeline in a temp dir: raw -> mask -> clean -> train -> model -> eval,
/// with a trust file.
struct Pipeline {
    dir: tempfile::TempDir,
}

impl Pipeline {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            &root.join("raw/customers.csv"),
            "id,email\n1,a@example.com\n",
        );
        write(&root.join("clean/customers.csv"), "id,email\n1,<EMAIL>\n");
        write(&root.join("reports/mask.json"), r#"{"masked": 1}"#);
        write(&root.join("rules.yaml"), "email: mask\n");
        write(&root.join("model/weights.bin"), vec![9u8; 1000]);
        write(&root.join("model/config.json"), "{}");
        write(&root.join("metrics.json"), r#"{"accuracy": 0.93}"#);
        let keys = root.join("keys");
        ed25519_keys(&keys, "pipeline", 21);
        ed25519_keys(&keys, "trainer", 22);
        ed25519_keys(&keys, "rogue", 23);
        ed25519_keys(&keys, "old", 24);
        write(
            &root.join("trust.toml"),
            r#"[provenance]
[[provenance.keys]]
name = "pipeline"
public_key = "keys/pipeline.pub.pem"
may_sign = ["transform:mask"]

[[provenance.keys]]
name = "trainer"
public_key = "keys/trainer.pub.pem"
may_sign = ["train", "eval"]

[[provenance.keys]]
name = "old"
public_key = "keys/old.pub.pem"
may_sign = ["transform"]
retired = true
"#,
        );
        let p = Pipeline { dir };
        p.transform("pipeline", "mask");
        p.run(&[
            "attest",
            "train",
            "--dataset",
            "clean/customers.csv",
            "--model",
            "model",
            "--code-commit",
            "abc123",
            "--param",
            "epochs=3",
            "--key-file",
            "keys/trainer.pem",
        ]);
        p.run(&[
            "attest",
            "eval",
            "--model",
            "model",
            "--metrics",
            "metrics.json",
            "--key-file",
            "keys/trainer.pem",
        ]);
        p
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn transform(&self, key: &str, step: &str) {
        let key_file = format!("keys/{key}.pem");
        self.run(&[
            "attest",
            "transform",
            "--input",
            "raw/customers.csv",
            "--output",
            "clean/customers.csv",
            "--step",
            step,
            "--report",
            "reports/mask.json",
            "--rules",
            "rules.yaml",
            "--key-file",
            &key_file,
        ]);
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let out = aigis()
            .current_dir(self.root())
            .args(args)
            .args(["--store", "store"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        out
    }

    fn verify(&self, extra: &[&str]) -> std::process::Output {
        aigis()
            .current_dir(self.root())
            .args([
                "verify",
                "--chain",
                "model",
                "--store",
                "store",
                "--trust",
                "trust.toml",
            ])
            .args(extra)
            .output()
            .unwrap()
    }

    /// Store entries whose role matches.
    fn entries(&self, role: &str) -> Vec<PathBuf> {
        let out = self.run(&["attest", "list", "--format", "json"]);
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["role"] == role)
            .map(|r| {
                self.root()
                    .join("store/sha256")
                    .join(format!("{}.dsse.json", r["attestation"].as_str().unwrap()))
            })
            .collect()
    }

    fn expect_broken(&self, kind: &str, at: &str) {
        let out = self.verify(&["--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["ok"], false);
        let failures = report["failures"].as_array().unwrap();
        assert!(
            failures
                .iter()
                .any(|f| f["kind"] == kind && f["at"].as_str().unwrap().contains(at)),
            "want {kind} at {at}, got {failures:#?}"
        );
    }
}

#[test]
fn chain_verifies_and_prints_a_tree() {
    let p = Pipeline::new();
    let out = p.verify(&[]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr_of(&out)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "model model",
        "train [attestation",
        "signed by trainer",
        "dataset clean/customers.csv",
        "transform mask",
        "signed by pipeline",
        "input raw/customers.csv",
        "(raw)",
        "report reports/mask.json",
        "rules rules.yaml",
        "eval [attestation",
        "metrics metrics.json",
        "chain verified",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let out = p.verify(&["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["root"]["kind"], "model");
}

#[test]
fn attestations_we_write_verify_independently() {
    let p = Pipeline::new();
    for (role, key) in [
        ("transform:mask", "pipeline"),
        ("train", "trainer"),
        ("eval", "trainer"),
    ] {
        let entries = p.entries(role);
        assert_eq!(entries.len(), 1, "{role}");
        let public = p.root().join(format!("keys/{key}.pub.pem"));
        assert!(verify_dsse(&public, &entries[0]), "{role}");
        // The keyid is the securesystemslib id of the key.
        let env = Envelope::from_json(&fs::read(&entries[0]).unwrap()).unwrap();
        let pem = fs::read_to_string(&public).unwrap();
        assert_eq!(
            env.signatures[0].keyid,
            aigis_provenance::PublicKey::from_pem(&pem).unwrap().keyid()
        );
    }
}

#[test]
fn fault_changed_raw_input_is_named() {
    let p = Pipeline::new();
    let raw = p.root().join("raw/customers.csv");
    let mut bytes = fs::read(&raw).unwrap();
    bytes[3] ^= 0x20;
    fs::write(&raw, bytes).unwrap();
    p.expect_broken("changed-file", "raw/customers.csv");
}

#[test]
fn fault_changed_model_is_named() {
    let p = Pipeline::new();
    write(&p.root().join("model/weights.bin"), vec![8u8; 1000]);
    p.expect_broken("changed-file", "model");
}

#[test]
fn fault_missing_transform_attestation_is_named() {
    let p = Pipeline::new();
    for e in p.entries("transform:mask") {
        fs::remove_file(e).unwrap();
    }
    p.expect_broken("missing-attestation", "clean/customers.csv");
}

#[test]
fn fault_untrusted_and_rotated_out_keys_are_named() {
    let p = Pipeline::new();
    for e in p.entries("transform:mask") {
        fs::remove_file(e).unwrap();
    }
    p.transform("rogue", "mask");
    p.expect_broken("untrusted-key", "transform:mask");
    for e in p.entries("transform:mask") {
        fs::remove_file(e).unwrap();
    }
    p.transform("old", "mask");
    p.expect_broken("rotated-out-key", "transform:mask");
    // A trusted key signing a step it may not sign.
    for e in p.entries("transform:mask") {
        fs::remove_file(e).unwrap();
    }
    p.transform("trainer", "mask");
    p.expect_broken("untrusted-key", "transform:mask");
}

#[test]
fn fault_swapped_attestations_are_named() {
    let p = Pipeline::new();
    let (a, b) = (p.entries("train").remove(0), p.entries("eval").remove(0));
    let (ba, bb) = (fs::read(&a).unwrap(), fs::read(&b).unwrap());
    fs::write(&a, bb).unwrap();
    fs::write(&b, ba).unwrap();
    p.expect_broken("corrupt-attestation", "sha256");
}

#[test]
fn fault_replaced_signature_is_named() {
    let p = Pipeline::new();
    let path = p.entries("train").remove(0);
    let mut env = Envelope::from_json(&fs::read(&path).unwrap()).unwrap();
    // Keep the trusted key id, substitute a signature by another key: the
    // entry is re-stored under its new address.
    let rogue = Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(&[23; 32]));
    env.signatures[0].sig = rogue
        .sign(&aigis_provenance::pae(&env.payload_type, &env.payload))
        .unwrap();
    fs::remove_file(&path).unwrap();
    aigis_provenance::AttestationStore::open(p.root().join("store"))
        .unwrap()
        .put(&env)
        .unwrap();
    p.expect_broken("bad-signature", "train");
}

#[test]
fn offline_accepts_recorded_digests_of_absent_files() {
    let p = Pipeline::new();
    fs::remove_file(p.root().join("raw/customers.csv")).unwrap();
    p.expect_broken("missing-file", "raw/customers.csv");
    let out = p.verify(&["--offline"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("recorded digest (offline)"));
}

#[test]
fn export_import_round_trip_keeps_the_chain() {
    let p = Pipeline::new();
    p.run(&["attest", "export", "--jsonl", "bundle.jsonl"]);
    p.run(&["attest", "export", "exported"]);
    fs::remove_dir_all(p.root().join("store")).unwrap();
    p.run(&["attest", "import", "bundle.jsonl"]);
    assert!(p.verify(&[]).status.success());
    fs::remove_dir_all(p.root().join("store")).unwrap();
    p.run(&["attest", "import", "exported"]);
    assert!(p.verify(&[]).status.success());
}

// ---- model faults ----------------------------------------------------------------

#[test]
fn fault_every_kind_of_model_change_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let pristine = make_model(tmp.path());
    let (private, public) = p256_keys(tmp.path(), "signing", 31);
    let sig = tmp.path().join("model.sig");
    aigis_sign(&private, &pristine, &sig);
    let verify = |model: &Path| aigis_verify_sig(&sig, &public, model).output().unwrap();
    let files = [
        "config.json",
        "weights.bin",
        "tokenizer/vocab.txt",
        "tokenizer.json",
        ".hidden",
    ];
    let mut case = 0;
    let mut fresh = || {
        case += 1;
        let copy = tmp.path().join(format!("case{case}/model"));
        copy_dir(&pristine, &copy);
        copy
    };
    for name in files {
        let model = fresh();
        let path = model.join(name);
        let mut bytes = fs::read(&path).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        fs::write(&path, bytes).unwrap();
        let out = verify(&model);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(
            stderr_of(&out).contains(&format!("changed file(s): {name}")),
            "{name}: {}",
            stderr_of(&out)
        );
    }
    let model = fresh();
    fs::rename(model.join("config.json"), model.join("config2.json")).unwrap();
    let err = stderr_of(&verify(&model));
    assert!(
        err.contains("missing file(s): config.json") && err.contains("extra file(s): config2.json"),
        "{err}"
    );
    let model = fresh();
    write(&model.join("extra.txt"), "x");
    assert!(stderr_of(&verify(&model)).contains("extra file(s): extra.txt"));
    let model = fresh();
    fs::remove_file(model.join("empty.txt")).unwrap();
    assert!(stderr_of(&verify(&model)).contains("missing file(s): empty.txt"));
    // Git paths stay ignored.
    let model = fresh();
    write(&model.join(".git/HEAD"), "changed");
    assert!(verify(&model).status.success());
}

#[test]
fn wrong_key_and_untrusted_signer_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let model = make_model(tmp.path());
    let (private, _) = p256_keys(tmp.path(), "signing", 41);
    let (_, other) = p256_keys(tmp.path(), "other", 42);
    let sig = tmp.path().join("model.sig");
    aigis_sign(&private, &model, &sig);
    aigis_verify_sig(&sig, &other, &model)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("key mismatch"));
    write(
        &tmp.path().join("trust.toml"),
        "[provenance]\n[[provenance.keys]]\nname = \"other\"\npublic_key = \"other.pub.pem\"\nmay_sign = [\"model\"]\n",
    );
    aigis()
        .args(["verify", "--signature"])
        .arg(&sig)
        .arg("--trust")
        .arg(tmp.path().join("trust.toml"))
        .arg(&model)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("untrusted key"));
}

// ---- bad input -------------------------------------------------------------------

#[test]
fn bad_envelopes_get_clear_errors_and_right_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, public) = ed25519_keys(tmp.path(), "k", 51);
    let signer = Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(&[51; 32]));
    let good = Envelope::sign(aigis_provenance::IN_TOTO_PAYLOAD_TYPE, br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"p"}"#.to_vec(), &signer).unwrap();
    let json = good.to_json();
    let check = |name: &str, bytes: &[u8], code: i32, needle: &str| {
        let path = tmp.path().join(name);
        fs::write(&path, bytes).unwrap();
        let out = aigis()
            .args(["verify", "--envelope"])
            .arg(&path)
            .arg("--public-key")
            .arg(&public)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{name}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains(needle),
            "{name}: {}",
            stderr_of(&out)
        );
        assert!(!stderr_of(&out).contains("panicked"), "{name}");
    };
    check("good.json", &json, 0, "");
    check(
        "truncated.json",
        &json[..json.len() / 2],
        2,
        "truncated.json:1:",
    );
    check(
        "garbage.json",
        b"\x00\xffnot json",
        2,
        "malformed DSSE envelope",
    );
    check("empty.json", b"", 2, "malformed DSSE envelope");
    // Signed, but not an in-toto payload.
    let other = Envelope::sign("application/json", b"{}".to_vec(), &signer).unwrap();
    check("type.json", &other.to_json(), 1, "wrong payloadType");
    // The same key id twice.
    let mut dup = good.clone();
    dup.signatures.push(dup.signatures[0].clone());
    check("dup.json", &dup.to_json(), 1, "two signatures with key id");
    // A key id nobody knows.
    let mut unknown = good.clone();
    unknown.signatures[0].keyid = "feedface".into();
    check("unknown.json", &unknown.to_json(), 1, "unknown key id");
}

#[test]
fn bad_keys_and_arguments_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let model = make_model(tmp.path());
    let (ed, _) = ed25519_keys(tmp.path(), "ed", 61);
    aigis()
        .args(["sign", "--key-file"])
        .arg(&ed)
        .arg(&model)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("ECDSA P-256"));
    write(
        &tmp.path().join("junk.pem"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    aigis()
        .args(["sign", "--key-file"])
        .arg(tmp.path().join("junk.pem"))
        .arg(&model)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("junk.pem"));
    aigis()
        .args(["sign"])
        .arg(&model)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--key-file"));
    aigis().args(["verify"]).arg(&model).assert().code(2);
    let sig = tmp.path().join("bad.sig");
    write(&sig, "{\"mediaType\": 3}");
    aigis_verify_sig(&sig, &ed, &model).assert().code(2);
    write(
        &tmp.path().join("trust.toml"),
        "[provenance]\nsurprise = true\n",
    );
    aigis()
        .args(["verify", "--chain"])
        .arg(&model)
        .args(["--store"])
        .arg(tmp.path().join("s"))
        .arg("--trust")
        .arg(tmp.path().join("trust.toml"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("surprise"));
}
