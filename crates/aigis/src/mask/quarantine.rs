//! The quarantine of a run: every original value the run changed, as JSON
//! lines encrypted with the keyring's envelope encryption (key `data`),
//! never in plaintext on disk.
//!
//! ```text
//! .aigis/quarantine/<run-id>/
//!   INCOMPLETE           present from the start until the run commits
//!   originals.aenv       envelope stream (AIGISENV header, 64 KiB chunks)
//!   manifest.json        written on commit: run, counts, key, digests
//! ```
//!
//! A run that fails or is killed leaves `INCOMPLETE` (and no manifest):
//! `aigis quarantine list` shows it as incomplete.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use aigis_keys::envelope::Encryptor;
use aigis_keys::{AesKey, Keyring};
use anyhow::{Context as _, bail};

/// Marker file of a run that has not committed.
pub(crate) const INCOMPLETE: &str = "INCOMPLETE";
/// The encrypted originals.
pub(crate) const ORIGINALS: &str = "originals.aenv";
/// The manifest of a committed run.
pub(crate) const MANIFEST: &str = "manifest.json";

/// A run's quarantine being written.
pub(crate) struct QuarantineWriter {
    dir: PathBuf,
    enc: Encryptor<BufWriter<File>>,
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

impl QuarantineWriter {
    /// Creates `root/run_id/` with its incomplete marker and starts the
    /// encrypted stream under `kek`.
    pub(crate) fn start(
        root: &Path,
        run_id: &str,
        kek: &AesKey,
        marker: &serde_json::Value,
    ) -> anyhow::Result<QuarantineWriter> {
        let dir = root.join(run_id);
        std::fs::create_dir_all(root)?;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .with_context(|| format!("creating {}", dir.display()))?;
        let mut m = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(dir.join(INCOMPLETE))?;
        m.write_all(serde_json::to_string_pretty(marker)?.as_bytes())?;
        m.sync_all()?;
        sync_dir(&dir);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(dir.join(ORIGINALS))?;
        let enc = Encryptor::new(kek, BufWriter::with_capacity(1 << 16, file))?;
        Ok(QuarantineWriter { dir, enc })
    }

    /// Ends the stream, writes the manifest and removes the marker.
    pub(crate) fn commit(self, manifest: &serde_json::Value) -> anyhow::Result<()> {
        let file = self.enc.finish()?;
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        aigis_keys::write_private_file(
            &self.dir.join(MANIFEST),
            serde_json::to_string_pretty(manifest)?.as_bytes(),
        )?;
        std::fs::remove_file(self.dir.join(INCOMPLETE))?;
        sync_dir(&self.dir);
        Ok(())
    }
}

impl Write for QuarantineWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.enc.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.enc.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.enc.flush()
    }
}

/// One run found in the quarantine.
#[derive(Debug, serde::Serialize)]
pub(crate) struct RunInfo {
    pub(crate) run: String,
    pub(crate) complete: bool,
    pub(crate) manifest: Option<serde_json::Value>,
    pub(crate) bytes: u64,
}

/// A run id is what `mask` makes: letters, digits, `-`.
pub(crate) fn check_run_id(run: &str) -> anyhow::Result<()> {
    if run.is_empty()
        || run.len() > 80
        || !run.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        bail!("{run:?} is not a quarantine run id");
    }
    Ok(())
}

/// Every run under `root`, oldest first (ids start with their time).
pub(crate) fn list(root: &Path) -> anyhow::Result<Vec<RunInfo>> {
    let mut runs = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return Ok(runs);
    };
    for entry in entries {
        let entry = entry?;
        if !entry.file_type()?.is_dir() {
            continue;
        }
        let run = entry.file_name().to_string_lossy().into_owned();
        let dir = entry.path();
        let manifest = std::fs::read(dir.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let complete = manifest.is_some() && !dir.join(INCOMPLETE).exists();
        let bytes = std::fs::metadata(dir.join(ORIGINALS)).map_or(0, |m| m.len());
        runs.push(RunInfo {
            run,
            complete,
            manifest,
            bytes,
        });
    }
    runs.sort_by(|a, b| a.run.cmp(&b.run));
    Ok(runs)
}

/// Decrypts a run's originals into `out` (JSON lines). The output is
/// complete only when this returns Ok: truncation is found at the end.
pub(crate) fn show(
    root: &Path,
    run: &str,
    ring: &Keyring,
    out: &mut dyn Write,
) -> anyhow::Result<u64> {
    check_run_id(run)?;
    let path = root.join(run).join(ORIGINALS);
    let file = File::open(&path).with_context(|| format!("no quarantine for run {run}"))?;
    let mut dec = aigis_keys::envelope::Decryptor::new(ring, std::io::BufReader::new(file))
        .with_context(|| format!("{}: cannot decrypt", path.display()))?;
    let n = std::io::copy(&mut dec, out)
        .with_context(|| format!("{}: cannot decrypt", path.display()))?;
    Ok(n)
}

/// Deletes a run's quarantine.
pub(crate) fn purge(root: &Path, run: &str) -> anyhow::Result<()> {
    check_run_id(run)?;
    let dir = root.join(run);
    if !dir.is_dir() {
        bail!("no quarantine for run {run}");
    }
    std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    sync_dir(root);
    Ok(())
}
