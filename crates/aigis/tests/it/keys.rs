//! `aigis init` and `aigis keys`: workspace layout, master key sources,
//! key lifecycle, and that key changes are recorded in the ledger.

use std::os::unix::fs::PermissionsExt as _;

use predicates::str::contains;

use crate::util::aigis;
use crate::wsutil::{MASTER, Ws};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_creates_the_layout_and_refuses_to_overwrite() {
    let ws = Ws::new();
    let root = ws.root();
    for f in ["aigis.toml", "aigis.db"] {
        assert!(root.join(f).is_file(), "{f}");
    }
    assert_eq!(mode(&root.join("keys")), 0o700);
    assert_eq!(mode(&root.join("quarantine")), 0o700);
    for entry in std::fs::read_dir(root.join("keys")).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    let toml = std::fs::read_to_string(root.join("aigis.toml")).unwrap();
    assert!(toml.contains("# checkpoint_every_events = 1000"));
    // WAL mode is a property of the database file.
    let conn = rusqlite::Connection::open(ws.db()).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // The six default keys.
    let list = ws.out(&["keys", "list", "--format", "json"]);
    let keys: serde_json::Value = serde_json::from_str(&list).unwrap();
    let names: Vec<_> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            format!(
                "{}:{}",
                k["name"].as_str().unwrap(),
                k["kind"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "attest:ed25519",
            "data:aes256",
            "ledger:ed25519",
            "mask:hmac",
            "pseudonym:hmac",
            "signing:ecdsa-p256"
        ]
    );
    // The master key is nowhere in the workspace.
    for entry in walk(&root) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(MASTER.len()).any(|w| w == MASTER.as_bytes()),
            "{}",
            entry.display()
        );
    }
    ws.cmd()
        .arg("init")
        .assert()
        .code(2)
        .stderr(contains("refusing to overwrite"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn init_without_a_master_key_says_where_it_must_come_from() {
    let dir = tempfile::tempdir().unwrap();
    aigis()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(contains("AIGIS_MASTER_KEY"))
        .stderr(contains("--master-key-file"));
    assert!(!dir.path().join(".aigis").exists(), "nothing half-made");
}

#[test]
fn key_file_master_key_is_generated_private_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let keyfile = dir.path().join("secrets/master.key");
    std::fs::create_dir(dir.path().join("secrets")).unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    aigis()
        .current_dir(&data)
        .args(["init", "--master-key-file"])
        .arg(&keyfile)
        .assert()
        .success()
        .stdout(contains("generated now"));
    assert_eq!(mode(&keyfile), 0o600);
    // Commands find it through aigis.toml.
    aigis()
        .current_dir(&data)
        .args(["keys", "list"])
        .assert()
        .success();
    // A group-readable key file is refused.
    std::fs::set_permissions(&keyfile, std::fs::Permissions::from_mode(0o640)).unwrap();
    aigis()
        .current_dir(&data)
        .args(["keys", "list"])
        .assert()
        .code(2)
        .stderr(contains("readable by group or others"));
    // A key file inside the workspace is refused at init.
    let other = tempfile::tempdir().unwrap();
    aigis()
        .current_dir(other.path())
        .args(["init", "--master-key-file", ".aigis/master.key"])
        .assert()
        .code(2)
        .stderr(contains("must not be stored inside the workspace"));
}

#[test]
fn wrong_or_malformed_master_key_is_a_clear_error() {
    let ws = Ws::new();
    ws.cmd()
        .env(
            "AIGIS_MASTER_KEY",
            "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
        )
        .args(["keys", "list"])
        .assert()
        .code(2)
        .stderr(contains("does not match this keyring"));
    ws.cmd()
        .env("AIGIS_MASTER_KEY", "c2hvcnQ=")
        .args(["keys", "list"])
        .assert()
        .code(2)
        .stderr(contains("decodes to 5 bytes, expected 32"))
        .stderr(contains("c2hvcnQ").not());
}

use predicates::prelude::PredicateBooleanExt as _;

#[test]
fn passphrase_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], pass: Option<&str>| {
        let mut cmd = aigis();
        cmd.current_dir(dir.path()).args(args);
        if let Some(p) = pass {
            cmd.env("AIGIS_MASTER_PASSPHRASE", p);
        }
        cmd.assert()
    };
    run(&["init", "--passphrase"], Some("correct horse battery")).success();
    run(&["keys", "list"], Some("correct horse battery")).success();
    run(&["keys", "list"], Some("wrong horse"))
        .code(2)
        .stderr(contains("does not match"));
    run(&["keys", "list"], None)
        .code(2)
        .stderr(contains("AIGIS_MASTER_PASSPHRASE"));
}

#[test]
fn key_lifecycle_is_recorded_in_the_ledger() {
    let ws = Ws::new();
    ws.cmd()
        .args(["keys", "create", "reports", "--kind", "ed25519"])
        .assert()
        .success();
    ws.cmd()
        .args(["keys", "create", "reports", "--kind", "ed25519"])
        .assert()
        .code(2)
        .stderr(contains("exists already"));
    ws.cmd()
        .args(["keys", "create", "x", "--kind", "rsa"])
        .assert()
        .code(2)
        .stderr(contains("unknown key kind"));
    let rotated = ws.out(&["keys", "rotate", "reports", "--format", "json"]);
    let info: serde_json::Value = serde_json::from_str(&rotated).unwrap();
    assert_eq!(info["current"], 2);
    assert_eq!(info["versions"][0]["state"], "retired");
    // Old and new public keys differ; the old one is still exportable.
    let v1 = ws.out(&["keys", "export-public", "reports", "--key-version", "1"]);
    let v2 = ws.out(&["keys", "export-public", "reports"]);
    assert!(v1.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_ne!(v1, v2);
    ws.cmd()
        .args(["keys", "disable", "reports", "--key-version", "1"])
        .assert()
        .success();
    ws.cmd()
        .args(["keys", "export-public", "reports", "--key-version", "1"])
        .assert()
        .code(2)
        .stderr(contains("disabled"));
    // Symmetric keys have no public half; P-256 has no C2SP note form.
    ws.cmd()
        .args(["keys", "export-public", "data"])
        .assert()
        .code(2);
    ws.cmd()
        .args(["keys", "export-public", "signing", "--note"])
        .assert()
        .code(2)
        .stderr(contains("Ed25519 only"));
    let log = ws.out(&["ledger", "log", "--action", "keys.*", "--format", "json"]);
    let actions: Vec<String> = log
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {}",
                v["action"].as_str().unwrap(),
                v["subject"]["id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            "keys.create ledger",
            "keys.create signing",
            "keys.create attest",
            "keys.create pseudonym",
            "keys.create data",
            "keys.create mask",
            "keys.create reports",
            "keys.rotate reports",
            "keys.disable reports",
        ]
    );
    // No key material in the ledger: only names, kinds and versions.
    assert!(!log.contains("wrapped"));
}

#[test]
fn exported_pem_keys_load_in_an_independent_library() {
    let ws = Ws::new();
    let dir = ws.dir.path();
    for name in ["ledger", "signing"] {
        let pem = ws.out(&["keys", "export-public", name]);
        crate::wsutil::write(dir.join(format!("{name}.pem")), pem).unwrap();
    }
    let script = "import sys\nfrom cryptography.hazmat.primitives.serialization import load_pem_public_key\n\
for p in sys.argv[1:]:\n    k = load_pem_public_key(open(p,'rb').read())\n    print(type(k).__name__, getattr(getattr(k, 'curve', None), 'name', ''))\n";
    let (code, out) = crate::wsutil::python(&[
        "-c",
        script,
        dir.join("ledger.pem").to_str().unwrap(),
        dir.join("signing.pem").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Ed25519PublicKey"), "{out}");
    assert!(out.contains("secp256r1"), "{out}");
}
