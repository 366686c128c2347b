//! Helpers shared by the integration tests of aigis-policy.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `shared/` beside the checkout, or `AIGIS_SHARED`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("AIGIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"))
}

/// The interop verifiers (shared/interop/setup.sh): a Python with the
/// real OPA engine bridge importable.
pub struct Interop {
    python: PathBuf,
    pythonpath: String,
}

impl Interop {
    /// A command running the interop Python with the bridge on PYTHONPATH.
    pub fn python(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(&self.python);
        cmd.env("PYTHONPATH", &self.pythonpath);
        cmd
    }
}

/// Finds or installs the interop verifiers (running setup.sh when they are
/// missing). `None` only outside CI when they cannot be installed (the
/// caller then skips its OPA comparison); under CI=true that is a failure.
pub fn interop() -> Option<Interop> {
    let dir = std::env::var_os("AIGIS_INTEROP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/aigis-interop")
        });
    let python = dir.join("venv/bin/python");
    let bridge = dir.join("opa/opa_bindings/libopabridge.so");
    if !(python.exists() && bridge.exists()) {
        let status = std::process::Command::new("bash")
            .arg(shared_dir().join("interop/setup.sh"))
            .arg(&dir)
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            assert!(
                std::env::var_os("CI").is_none(),
                "interop setup failed under CI"
            );
            eprintln!("skipping OPA comparison: interop verifiers not installable here");
            return None;
        }
    }
    let current = std::env::var("PYTHONPATH").unwrap_or_default();
    let opa = dir.join("opa").display().to_string();
    let pythonpath = if current.is_empty() {
        opa
    } else {
        format!("{opa}:{current}")
    };
    Some(Interop { python, pythonpath })
}
