//! `aigis sign | attest | verify` inside a workspace: keyring keys by name
//! (`signing`, `attest`), trust from aigis.toml's `[provenance]`, the
//! workspace attestation store, rotated-out and untrusted keyring keys, and
//! the `provenance.*` ledger events (after which `aigis ledger verify` must
//! still pass). Runs without a workspace need PEM keys and skip the ledger.

// Test fixtures in temp directories: atomic writes are not under test here.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Path, PathBuf};

use aigis_provenance::{Envelope, PublicKey};
use predicates::str::contains;
use serde_json::Value;

use crate::provenance::{
    ed25519_keys, make_model, model_signing_verify, stderr_of, verify_dsse, write,
};
use crate::util::aigis;
use crate::wsutil::Ws;

/// A workspace holding raw -> clean data, a model and metrics, attested
/// with the default keyring key into the default store.
struct Project {
    ws: Ws,
}

impl Project {
    fn new() -> Self {
        let ws = Ws::new();
        let root = ws.dir.path();
        write(
            &root.join("raw/customers.csv"),
            "id,email\n1,a@example.com\n",
        );
        write(&root.join("clean/customers.csv"), "id,email\n1,<EMAIL>\n");
        write(&root.join("reports/mask.json"), r#"{"masked": 1}"#);
        make_model(root);
        write(&root.join("metrics.json"), r#"{"accuracy": 0.93}"#);
        let p = Project { ws };
        p.attest_all(&[]);
        p
    }

    fn root(&self) -> &Path {
        self.ws.dir.path()
    }

    /// Attests the transform, training and evaluation with `key_args`
    /// (none: the keyring's `attest` key).
    fn attest_all(&self, key_args: &[&str]) {
        self.ok(&[
            &[
                "attest",
                "transform",
                "--input",
                "raw/customers.csv",
                "--output",
                "clean/customers.csv",
                "--step",
                "mask",
                "--report",
                "reports/mask.json",
            ][..],
            key_args,
        ]
        .concat());
        self.ok(&[
            &[
                "attest",
                "train",
                "--dataset",
                "clean/customers.csv",
                "--model",
                "model",
            ][..],
            key_args,
        ]
        .concat());
        self.ok(&[
            &[
                "attest",
                "eval",
                "--model",
                "model",
                "--metrics",
                "metrics.json",
            ][..],
            key_args,
        ]
        .concat());
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.ws.cmd().args(args).output().unwrap()
    }

    /// Runs `args`, asserting success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `args`, asserting exit 1; returns stdout and stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr_of(&out));
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr_of(&out)
        )
    }

    /// Writes a keyring key's current public key to `<name>.pub.pem`.
    fn export_public(&self, name: &str) -> PathBuf {
        let pem = self.ok(&["keys", "export-public", name]);
        let path = self.root().join(format!("{name}.pub.pem"));
        write(&path, pem);
        path
    }

    /// Sets the `[provenance]` section's trusted keys (replacing what an
    /// earlier call set).
    fn trust(&self, keys: &str) {
        let path = self.root().join(".aigis/aigis.toml");
        let text = fs::read_to_string(&path).unwrap();
        let (head, section) = text.split_once("[provenance]\n").unwrap();
        let rest: String = section
            .lines()
            .filter(|l| !l.starts_with("keys = "))
            .map(|l| format!("{l}\n"))
            .collect();
        write(&path, format!("{head}[provenance]\nkeys = {keys}\n{rest}"));
    }

    /// Store entries (paths) whose step is `role`.
    fn entries(&self, role: &str) -> Vec<PathBuf> {
        let rows: Value =
            serde_json::from_str(&self.ok(&["attest", "list", "--format", "json"])).unwrap();
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["role"] == role)
            .map(|r| {
                self.root().join(format!(
                    ".aigis/attestations/sha256/{}.dsse.json",
                    r["attestation"].as_str().unwrap()
                ))
            })
            .collect()
    }

    /// The ledger's `provenance.*` events, oldest first.
    fn events(&self) -> Vec<Value> {
        self.ok(&[
            "ledger",
            "log",
            "--action",
            "provenance.*",
            "--format",
            "json",
        ])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
    }

    fn ledger_verifies(&self) {
        self.ok(&["ledger", "verify"]);
    }
}

fn keyid_of(pem: &Path) -> String {
    PublicKey::from_pem(&fs::read_to_string(pem).unwrap())
        .unwrap()
        .keyid()
}

#[test]
fn workspace_keys_sign_attest_and_verify_and_each_run_is_a_ledger_event() {
    let p = Project::new();
    // The model signature with the default `signing` key, accepted by
    // model_signing with the exported public key.
    let signed: Value =
        serde_json::from_str(&p.ok(&["sign", "model", "--format", "json"])).unwrap();
    assert_eq!(signed["signer"], "signing@v1");
    let sig = p.root().join("model.sig");
    let signing_pem = p.export_public("signing");
    let out = model_signing_verify(&sig, &signing_pem, &p.root().join("model"));
    assert!(out.status.success(), "model_signing: {}", stderr_of(&out));
    // aigis verifies it against the workspace's trusted keys (no flags).
    let verified: Value = serde_json::from_str(&p.ok(&[
        "verify",
        "model",
        "--signature",
        "model.sig",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(verified["verified"], true);
    assert_eq!(verified["signer"], "signing@v1");

    // The attestations, signed by `attest`, in .aigis/attestations, verify
    // independently with the exported key.
    let attest_pem = p.export_public("attest");
    for role in ["transform:mask", "train", "eval"] {
        let entries = p.entries(role);
        assert_eq!(entries.len(), 1, "{role}");
        assert!(verify_dsse(&attest_pem, &entries[0]), "{role}");
        let env = Envelope::from_json(&fs::read(&entries[0]).unwrap()).unwrap();
        assert_eq!(env.signatures[0].keyid, keyid_of(&attest_pem));
    }
    let tree = p.ok(&["verify", "--chain", "model"]);
    for want in [
        "train [attestation",
        "transform mask",
        "signed by attest@v1",
        "(raw)",
        "chain verified",
    ] {
        assert!(tree.contains(want), "missing {want:?} in\n{tree}");
    }
    // One envelope, verified against the workspace's trust too.
    let train = p.entries("train").remove(0);
    let one = p.ok(&["verify", "--envelope", train.to_str().unwrap()]);
    assert!(one.contains("signed by attest@v1"), "{one}");

    let events = p.events();
    let summary: Vec<String> = events
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["action"].as_str().unwrap(),
                e["subject"]["kind"].as_str().unwrap(),
                e["outcome"].as_str().unwrap_or("success")
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "provenance.attest dataset success",
            "provenance.attest model success",
            "provenance.attest model success",
            "provenance.sign model success",
            "provenance.verify model success",
            "provenance.verify model success",
            "provenance.verify attestation success",
        ]
    );
    // Subjects carry the artifact digests; details name the signer.
    let model_digest = format!("sha256:{}", signed["digest"]["sha256"].as_str().unwrap());
    assert_eq!(events[3]["subject"]["digest"], model_digest.as_str());
    assert_eq!(events[3]["details"]["signer"], "signing@v1");
    assert_eq!(events[4]["subject"]["digest"], model_digest.as_str());
    assert_eq!(events[5]["subject"]["digest"], model_digest.as_str());
    assert_eq!(events[5]["details"]["mode"], "chain");
    assert_eq!(events[5]["details"]["attestations"], 3);
    assert_eq!(events[1]["details"]["step"], "train");
    assert_eq!(events[1]["details"]["signer"], "attest@v1");
    assert_eq!(events[1]["subject"]["digest"], model_digest.as_str());
    let clean = aigis_provenance::Sha256Digest::of_bytes(
        &fs::read(p.root().join("clean/customers.csv")).unwrap(),
    );
    assert_eq!(
        events[0]["subject"]["digest"],
        format!("sha256:{}", clean.to_hex()).as_str()
    );
    // No key material in the ledger.
    let log = p.ok(&["ledger", "log", "--format", "json"]);
    assert!(!log.contains("PRIVATE"), "{log}");
    p.ledger_verifies();
}

#[test]
fn rotated_out_keyring_versions_fail_until_the_config_accepts_them() {
    let p = Project::new();
    p.ok(&["sign", "model"]);
    p.ok(&["keys", "rotate", "attest"]);
    p.ok(&["keys", "rotate", "signing"]);

    // Chain: every attestation was signed by attest v1, now retired.
    let out = p.fails(&["verify", "--chain", "model"]);
    assert!(
        out.contains("rotated-out-key") && out.contains("rotated-out key version 1 of attest"),
        "{out}"
    );
    let report: Value = serde_json::from_str(
        &String::from_utf8(
            p.run(&["verify", "--chain", "model", "--format", "json"])
                .stdout,
        )
        .unwrap(),
    )
    .unwrap();
    let kinds: Vec<&str> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["rotated-out-key"; 3], "{report:#}");
    // Model signature by signing v1, and one envelope, the same way.
    let out = p.fails(&["verify", "model", "--signature", "model.sig"]);
    assert!(
        out.contains("rotated-out key version 1 of signing"),
        "{out}"
    );
    let train = p.entries("train").remove(0);
    let out = p.fails(&["verify", "--envelope", train.to_str().unwrap()]);
    assert!(out.contains("rotated-out key version 1 of attest"), "{out}");
    // `--key NAME` trusts the same versions the same way.
    let out = p.fails(&["verify", "--chain", "model", "--key", "attest"]);
    assert!(out.contains("rotated-out key version 1 of attest"), "{out}");

    // Re-attesting with the current version (in place of the old
    // attestations) mends the chain.
    let kept = p.root().join("train-v1.dsse.json");
    fs::copy(&train, &kept).unwrap();
    let train = kept;
    fs::remove_dir_all(p.root().join(".aigis/attestations/sha256")).unwrap();
    p.attest_all(&[]);
    let tree = p.ok(&["verify", "--chain", "model"]);
    assert!(tree.contains("signed by attest@v2"), "{tree}");

    // A config that accepts retired versions accepts the old signatures.
    p.trust(
        "[{ key = \"attest\", may_sign = [\"transform\", \"train\", \"eval\"], accept_retired = true }, \
         { key = \"signing\", may_sign = [\"model\"], accept_retired = true }]",
    );
    p.ok(&["verify", "model", "--signature", "model.sig"]);
    let out = p.ok(&["verify", "--envelope", train.to_str().unwrap()]);
    assert!(out.contains("signed by attest@v1"), "{out}");

    // A disabled version is not trusted at all, accept_retired or not.
    p.ok(&["keys", "disable", "attest", "--key-version", "1"]);
    let out = p.fails(&["verify", "--envelope", train.to_str().unwrap()]);
    assert!(out.contains("untrusted key"), "{out}");

    // Failed verifications are ledger events too, and the ledger holds.
    let failures: Vec<Value> = p
        .events()
        .into_iter()
        .filter(|e| e["action"] == "provenance.verify" && e["outcome"] == "failure")
        .collect();
    assert_eq!(failures.len(), 6, "{failures:#?}");
    assert_eq!(
        failures[0]["details"]["failure_kinds"][0],
        "rotated-out-key"
    );
    assert!(
        failures[2]["details"]["reason"]
            .as_str()
            .unwrap()
            .contains("rotated-out key version 1 of signing"),
        "{:#}",
        failures[2]
    );
    p.ledger_verifies();
}

#[test]
fn untrusted_keyring_keys_are_named_with_key_id_and_step() {
    let p = Project::new();
    p.ok(&["keys", "create", "rogue", "--kind", "ed25519"]);
    let rogue_id = keyid_of(&p.export_public("rogue"));
    for e in p.entries("transform:mask") {
        fs::remove_file(e).unwrap();
    }
    p.ok(&[
        "attest",
        "transform",
        "--input",
        "raw/customers.csv",
        "--output",
        "clean/customers.csv",
        "--step",
        "mask",
        "--key",
        "rogue",
    ]);
    let out = p.fails(&["verify", "--chain", "model"]);
    assert!(
        out.contains("untrusted-key") && out.contains("transform:mask") && out.contains(&rogue_id),
        "{out}"
    );

    // A trusted key signing a step its entry does not allow.
    for e in p.entries("train") {
        fs::remove_file(e).unwrap();
    }
    p.ok(&[
        "attest",
        "train",
        "--dataset",
        "clean/customers.csv",
        "--model",
        "model",
        "--key",
        "signing",
    ]);
    let signing_id = keyid_of(&p.export_public("signing"));
    let out = p.fails(&["verify", "--chain", "model"]);
    assert!(
        out.contains("untrusted key: key signing@v1")
            && out.contains(&signing_id)
            && out.contains("may not sign train"),
        "{out}"
    );

    // Model signatures need the P-256 key; unknown names are usage errors.
    p.ws.cmd()
        .args(["sign", "model", "--key", "attest"])
        .assert()
        .code(2)
        .stderr(contains("ECDSA P-256"));
    p.ws.cmd()
        .args(["sign", "model", "--key", "nope"])
        .assert()
        .code(2)
        .stderr(contains("nope"));
    // Trust entries naming a missing keyring key are configuration errors.
    p.trust("[{ key = \"nope\", may_sign = [\"train\"] }]");
    p.ws.cmd()
        .args(["verify", "--chain", "model"])
        .assert()
        .code(2)
        .stderr(contains("nope"));
    p.ledger_verifies();
}

#[test]
fn pem_trust_entries_in_aigis_toml_sit_beside_keyring_entries() {
    let p = Project::new();
    // A partner's transform, signed with a PEM key the workspace trusts by
    // file (relative to .aigis/).
    let (partner, _) = ed25519_keys(&p.root().join(".aigis"), "partner", 71);
    for e in p.entries("transform:mask") {
        fs::remove_file(e).unwrap();
    }
    p.ok(&[
        "attest",
        "transform",
        "--input",
        "raw/customers.csv",
        "--output",
        "clean/customers.csv",
        "--step",
        "mask",
        "--key-file",
        partner.to_str().unwrap(),
    ]);
    p.trust(
        "[{ key = \"attest\", may_sign = [\"train\", \"eval\"] }, \
         { name = \"partner\", public_key = \"partner.pub.pem\", may_sign = [\"transform:mask\"] }]",
    );
    let tree = p.ok(&["verify", "--chain", "model"]);
    assert!(
        tree.contains("signed by partner") && tree.contains("signed by attest@v1"),
        "{tree}"
    );
    // The same PEM key may not sign another step.
    p.trust(
        "[{ key = \"attest\", may_sign = [\"train\", \"eval\"] }, \
         { name = \"partner\", public_key = \"partner.pub.pem\", may_sign = [\"transform:scan\"] }]",
    );
    let out = p.fails(&["verify", "--chain", "model"]);
    assert!(
        out.contains("untrusted key: key partner") && out.contains("may not sign transform:mask"),
        "{out}"
    );
    // The PEM-signed attestation is a ledger event naming the key file.
    let events = p.events();
    let by_file = events
        .iter()
        .filter(|e| {
            e["details"]["signer"]
                .as_str()
                .is_some_and(|s| s.starts_with("key file "))
        })
        .count();
    assert_eq!(by_file, 1);
    p.ledger_verifies();
}

#[test]
fn without_a_workspace_only_pem_keys_work_and_the_ledger_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    make_model(root);
    let (attest_key, attest_pub) = ed25519_keys(root, "a", 81);
    let run = |args: &[&str]| aigis().current_dir(root).args(args).output().unwrap();
    // Keyring names need a workspace.
    let out = run(&["sign", "model"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("aigis workspace") && stderr_of(&out).contains("--key-file"),
        "{}",
        stderr_of(&out)
    );
    let out = run(&[
        "verify", "--chain", "model", "--store", "s", "--key", "attest",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    // No workspace store: --store is needed.
    let key = attest_key.to_str().unwrap();
    let eval = |extra: &[&str]| {
        let base = [
            "attest",
            "eval",
            "--model",
            "model",
            "--metrics",
            "model/config.json",
            "--key-file",
            key,
        ];
        run(&[&base[..], extra].concat())
    };
    let out = eval(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("no attestation store"),
        "{}",
        stderr_of(&out)
    );
    // With a PEM key and a store it works, and says the ledger is skipped.
    let out = eval(&["--store", "s", "--envelope-out", "eval.dsse.json"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("not recorded in a ledger"),
        "{}",
        stderr_of(&out)
    );
    // So does verifying with a PEM public key.
    let out = run(&[
        "verify",
        "--envelope",
        "eval.dsse.json",
        "--public-key",
        attest_pub.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("not recorded in a ledger"));
    // Verify without trusted keys is a usage error naming the options.
    let out = run(&["verify", "--chain", "model", "--store", "s"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("--public-key"),
        "{}",
        stderr_of(&out)
    );
    // --quiet silences the note.
    let out = run(&[
        "--quiet",
        "verify",
        "--envelope",
        "eval.dsse.json",
        "--public-key",
        attest_pub.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(stderr_of(&out).is_empty(), "{}", stderr_of(&out));
    let entries: Vec<_> = fs::read_dir(root.join("s/sha256")).unwrap().collect();
    assert_eq!(entries.len(), 1);
}
