//! The attestation store: DSSE envelopes kept content-addressed on disk.
//!
//! Layout: `<root>/sha256/<hex>.dsse.json`, where `<hex>` is the SHA-256 of
//! the file's bytes (the envelope's compact canonical JSON). Writing the same
//! envelope twice is a no-op; an entry whose bytes no longer hash to its name
//! was altered or swapped and is reported as corrupt. An exported directory
//! has the same layout (it is itself a store); a JSONL bundle has one
//! envelope per line. Imports re-serialize each envelope canonically, so the
//! digest of an attestation does not depend on the whitespace it arrived in.
//!
//! The store knows nothing of the `.aigis/` workspace; the binary decides
//! where the root is (`.aigis/attestations/` or `--store DIR`).

use std::fs;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::digest::Sha256Digest;
use crate::dsse::Envelope;
use crate::error::{Error, Result};
use crate::fsutil::write_atomic;

/// Subdirectory holding entries, named after the address hash.
const ALGO_DIR: &str = "sha256";
/// File name suffix of an entry.
const SUFFIX: &str = ".dsse.json";

/// A content-addressed directory of DSSE envelopes.
#[derive(Debug, Clone)]
pub struct AttestationStore {
    root: PathBuf,
}

/// One entry read back from the store.
#[derive(Debug)]
pub struct StoredEntry {
    /// The address (from the file name).
    pub digest: Sha256Digest,
    /// The file.
    pub path: PathBuf,
    /// The envelope, or why it could not be used (unreadable, malformed, or
    /// its bytes do not hash to its address).
    pub envelope: Result<Envelope>,
}

impl AttestationStore {
    /// Opens (creating if needed) a store rooted at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        let dir = root.join(ALGO_DIR);
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(AttestationStore { root })
    }

    /// The store's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the entry with `digest` lives.
    pub fn entry_path(&self, digest: &Sha256Digest) -> PathBuf {
        self.root
            .join(ALGO_DIR)
            .join(format!("{}{SUFFIX}", digest.to_hex()))
    }

    /// Stores `envelope`; returns its address.
    pub fn put(&self, envelope: &Envelope) -> Result<Sha256Digest> {
        let bytes = envelope.to_json();
        let digest = Sha256Digest::of_bytes(&bytes);
        let path = self.entry_path(&digest);
        if !path.exists() {
            write_atomic(&path, &bytes)?;
        }
        Ok(digest)
    }

    /// Reads the entry with `digest`, checking its address.
    pub fn get(&self, digest: &Sha256Digest) -> Result<Envelope> {
        read_entry(&self.entry_path(digest), digest)
    }

    /// Every entry, ordered by address. Entries that cannot be used are
    /// returned with their error rather than skipped.
    pub fn entries(&self) -> Result<Vec<StoredEntry>> {
        let dir = self.root.join(ALGO_DIR);
        let mut out = Vec::new();
        for item in fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let item = item.map_err(|e| Error::io(&dir, e))?;
            let path = item.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(hex) = name.strip_suffix(SUFFIX) else {
                continue;
            };
            let Ok(digest) = Sha256Digest::from_hex(hex) else {
                continue;
            };
            let envelope = read_entry(&path, &digest);
            out.push(StoredEntry {
                digest,
                path,
                envelope,
            });
        }
        out.sort_by_key(|e| e.digest);
        Ok(out)
    }

    /// Copies every valid entry into `dir` (same layout); returns the count.
    pub fn export_dir(&self, dir: &Path) -> Result<usize> {
        let target = AttestationStore::open(dir)?;
        let mut n = 0;
        for entry in self.entries()? {
            target.put(&entry.envelope.map_err(|e| e.with_path(&entry.path))?)?;
            n += 1;
        }
        Ok(n)
    }

    /// Writes every valid entry as one JSON line; returns the count.
    pub fn export_jsonl(&self, mut out: impl Write) -> Result<usize> {
        let mut n = 0;
        for entry in self.entries()? {
            let envelope = entry.envelope.map_err(|e| e.with_path(&entry.path))?;
            let mut line = envelope.to_json();
            line.push(b'\n');
            out.write_all(&line)
                .map_err(|e| Error::io("<export output>", e))?;
            n += 1;
        }
        Ok(n)
    }

    /// Imports a JSONL bundle (one envelope per line, blank lines skipped);
    /// returns the count. Stops at the first malformed line, naming it.
    pub fn import_jsonl(&self, input: impl BufRead, source: &Path) -> Result<usize> {
        let mut n = 0;
        for (i, line) in input.lines().enumerate() {
            let line = line.map_err(|e| Error::io(source, e))?;
            if line.trim().is_empty() {
                continue;
            }
            let envelope = Envelope::from_json(line.as_bytes()).map_err(|e| match e {
                Error::Parse {
                    what,
                    column,
                    reason,
                    ..
                } => Error::Parse {
                    what,
                    path: Some(source.to_owned()),
                    line: i + 1,
                    column,
                    reason,
                },
                other => other,
            })?;
            self.put(&envelope)?;
            n += 1;
        }
        Ok(n)
    }

    /// Imports a directory: a store (`sha256/*.dsse.json`) or a flat
    /// directory of `*.json` envelopes; returns the count.
    pub fn import_dir(&self, dir: &Path) -> Result<usize> {
        let nested = dir.join(ALGO_DIR);
        let source = if nested.is_dir() {
            nested
        } else {
            dir.to_owned()
        };
        let mut paths = Vec::new();
        for item in fs::read_dir(&source).map_err(|e| Error::io(&source, e))? {
            let path = item.map_err(|e| Error::io(&source, e))?.path();
            if path.extension().is_some_and(|x| x == "json") && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        for path in &paths {
            let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
            let envelope = Envelope::from_json(&bytes).map_err(|e| e.with_path(path))?;
            self.put(&envelope)?;
        }
        Ok(paths.len())
    }
}

/// Reads one entry and checks that its bytes hash to `digest`.
fn read_entry(path: &Path, digest: &Sha256Digest) -> Result<Envelope> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let actual = Sha256Digest::of_bytes(&bytes);
    if actual != *digest {
        return Err(Error::Parse {
            what: "attestation store entry",
            path: Some(path.to_owned()),
            line: 0,
            column: 0,
            reason: format!(
                "content hashes to sha256:{actual}, not to its address: altered or swapped"
            ),
        });
    }
    Envelope::from_json(&bytes).map_err(|e| e.with_path(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Ed25519Signer;

    fn envelope(n: u8) -> Envelope {
        let signer = Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(&[1; 32]));
        Envelope::sign("t", vec![n], &signer).unwrap()
    }

    #[test]
    fn put_get_export_import() {
        let dir = tempfile::tempdir().unwrap();
        let store = AttestationStore::open(dir.path().join("s")).unwrap();
        let a = store.put(&envelope(1)).unwrap();
        let b = store.put(&envelope(2)).unwrap();
        assert_eq!(store.put(&envelope(1)).unwrap(), a);
        assert_eq!(store.get(&a).unwrap(), envelope(1));
        assert_eq!(store.entries().unwrap().len(), 2);

        let mut jsonl = Vec::new();
        assert_eq!(store.export_jsonl(&mut jsonl).unwrap(), 2);
        let other = AttestationStore::open(dir.path().join("o")).unwrap();
        assert_eq!(
            other
                .import_jsonl(&jsonl[..], Path::new("b.jsonl"))
                .unwrap(),
            2
        );
        assert_eq!(other.get(&b).unwrap(), envelope(2));

        let exported = dir.path().join("x");
        assert_eq!(store.export_dir(&exported).unwrap(), 2);
        let third = AttestationStore::open(dir.path().join("t")).unwrap();
        assert_eq!(third.import_dir(&exported).unwrap(), 2);
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // swapping files in place is the fault under test
    fn swapped_entries_are_reported_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let store = AttestationStore::open(dir.path()).unwrap();
        let a = store.put(&envelope(1)).unwrap();
        let b = store.put(&envelope(2)).unwrap();
        let (pa, pb) = (store.entry_path(&a), store.entry_path(&b));
        let (ba, bb) = (fs::read(&pa).unwrap(), fs::read(&pb).unwrap());
        fs::write(&pa, bb).unwrap();
        fs::write(&pb, ba).unwrap();
        let err = store.get(&a).unwrap_err().to_string();
        assert!(err.contains("altered or swapped"), "{err}");
    }

    #[test]
    fn bad_jsonl_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = AttestationStore::open(dir.path()).unwrap();
        let err = store
            .import_jsonl(&b"\n{nope\n"[..], Path::new("b.jsonl"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("b.jsonl:2:"), "{err}");
    }
}
