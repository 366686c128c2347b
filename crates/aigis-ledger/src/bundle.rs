//! Export bundles: a directory an auditor verifies offline, without aigis's
//! database and with tools aigis did not write.
//!
//! ```text
//! DIR/
//!   manifest.json        {"format": "aigis-ledger-bundle/1", "origin", "events", "checkpoints"}
//!   events.jsonl         one event per line, each line exactly its leaf bytes
//!   checkpoints/         0000000000.note, 0000000001.note, ... (C2SP signed checkpoints)
//!   checkpoint           copy of the newest checkpoint
//!   ledger.vkey          verifier key of the current ledger key version
//!   vkeys                every usable version's verifier key, one per line
//!   consistency.jsonl    {"from", "to", "old", "new", "proof": [hex]} per consecutive pair
//! ```
//!
//! `tlog_oracle.py checkpoint DIR/checkpoint --vkey "$(cat DIR/ledger.vkey)"
//! --leaves DIR/events.jsonl` recomputes the newest checkpoint's root.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::LedgerError;
use crate::event::Event;
use crate::merkle::{Hash, consistency_proof, leaf_hash, verify_consistency};
use crate::note::VerifierKey;
use crate::store::LedgerStore;
use crate::verify::{Anchor, Replay, VerifyError, VerifyFailure, VerifyReport, check_checkpoints};

/// Format tag of `manifest.json`.
pub const BUNDLE_FORMAT: &str = "aigis-ledger-bundle/1";
/// Longest line accepted in `events.jsonl` (an event is at most ~20 KiB).
const MAX_LINE: usize = 1 << 20;
/// Largest checkpoint, key or manifest file read.
const MAX_SMALL_FILE: u64 = 1 << 20;

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`BUNDLE_FORMAT`].
    pub format: String,
    /// The ledger's origin.
    pub origin: String,
    /// Lines in `events.jsonl`.
    pub events: u64,
    /// Files in `checkpoints/`.
    pub checkpoints: u64,
}

/// One line of `consistency.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyLine {
    /// Older checkpoint index.
    pub from: u64,
    /// Newer checkpoint index.
    pub to: u64,
    /// Older size.
    pub old: u64,
    /// Newer size.
    pub new: u64,
    /// Proof hashes, hex.
    pub proof: Vec<String>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |e| LedgerError::io(path, e)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), LedgerError> {
    let mut f = File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Writes a bundle of the whole ledger into `dir`, which must not exist or
/// be empty. `vkeys` are the ledger key's verifier keys, current first.
/// The bundle is assembled in a sibling temporary directory and renamed
/// into place, so `dir` is complete or absent.
///
/// # Errors
/// I/O and storage errors.
pub fn export(
    store: &dyn LedgerStore,
    dir: &Path,
    vkeys: &[VerifierKey],
) -> Result<Manifest, LedgerError> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() {
            return Err(LedgerError::io(
                dir,
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "directory is not empty"),
            ));
        }
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".to_owned());
    let tmp = parent.join(format!(".{name}.tmp{}", std::process::id()));
    let result = write_bundle(store, &tmp, vkeys).and_then(|m| {
        if dir.exists() {
            fs::remove_dir(dir).map_err(io(dir))?;
        }
        fs::rename(&tmp, dir).map_err(io(dir))?;
        File::open(parent)
            .and_then(|d| d.sync_all())
            .map_err(io(parent))?;
        Ok(m)
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

fn write_bundle(
    store: &dyn LedgerStore,
    dir: &Path,
    vkeys: &[VerifierKey],
) -> Result<Manifest, LedgerError> {
    let cps_dir = dir.join("checkpoints");
    fs::create_dir_all(&cps_dir).map_err(io(&cps_dir))?;
    let checkpoints = store.checkpoints()?;
    for cp in &checkpoints {
        write_file(
            &cps_dir.join(format!("{:010}.note", cp.idx)),
            cp.note.as_bytes(),
        )?;
    }
    if let Some(cp) = checkpoints.last() {
        write_file(&dir.join("checkpoint"), cp.note.as_bytes())?;
    }
    let events_path = dir.join("events.jsonl");
    let mut out = BufWriter::new(File::create(&events_path).map_err(io(&events_path))?);
    let mut count = 0u64;
    loop {
        let page = store.read_events(count, 16 * 1024)?;
        if page.is_empty() {
            break;
        }
        for row in page {
            out.write_all(&row.leaf).map_err(io(&events_path))?;
            out.write_all(b"\n").map_err(io(&events_path))?;
            count += 1;
        }
    }
    let file = out
        .into_inner()
        .map_err(|e| LedgerError::io(&events_path, e.into_error()))?;
    file.sync_all().map_err(io(&events_path))?;

    let mut lines = String::new();
    for pair in checkpoints.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let proof = consistency_proof(store, a.size, b.size)?;
        let line = ConsistencyLine {
            from: a.idx,
            to: b.idx,
            old: a.size,
            new: b.size,
            proof: proof.iter().map(hex::encode).collect(),
        };
        lines.push_str(
            &serde_json::to_string(&line).map_err(|e| LedgerError::Encoding(e.to_string()))?,
        );
        lines.push('\n');
    }
    write_file(&dir.join("consistency.jsonl"), lines.as_bytes())?;
    if let Some(current) = vkeys.first() {
        write_file(&dir.join("ledger.vkey"), format!("{current}\n").as_bytes())?;
    }
    let all: String = vkeys.iter().map(|k| format!("{k}\n")).collect();
    write_file(&dir.join("vkeys"), all.as_bytes())?;
    let manifest = Manifest {
        format: BUNDLE_FORMAT.to_owned(),
        origin: store.origin().to_owned(),
        events: count,
        checkpoints: checkpoints.len() as u64,
    };
    let mut text =
        serde_json::to_vec_pretty(&manifest).map_err(|e| LedgerError::Encoding(e.to_string()))?;
    text.push(b'\n');
    write_file(&dir.join("manifest.json"), &text)?;
    Ok(manifest)
}

/// The parts of a bundle, as bytes and readers, so that the reader can be
/// driven without a file system (fuzzing).
pub struct BundleParts<R: BufRead> {
    /// `manifest.json`.
    pub manifest: Vec<u8>,
    /// `checkpoints/*.note` as (file name, contents), any order.
    pub checkpoints: Vec<(String, Vec<u8>)>,
    /// `events.jsonl`.
    pub events: R,
    /// `vkeys` (used only when the caller gives no trusted keys).
    pub vkeys: Vec<u8>,
    /// `consistency.jsonl`, if present.
    pub consistency: Option<Vec<u8>>,
}

fn read_small(path: &Path) -> Result<Vec<u8>, LedgerError> {
    let file = File::open(path).map_err(io(path))?;
    let mut buf = Vec::new();
    file.take(MAX_SMALL_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(io(path))?;
    if buf.len() as u64 > MAX_SMALL_FILE {
        return Err(LedgerError::malformed(
            path.display().to_string(),
            "file is larger than 1 MiB",
        ));
    }
    Ok(buf)
}

/// Verifies the bundle in `dir` offline. With `trusted`, checkpoints must
/// be signed by one of those keys; without, the bundle's own `vkeys` are
/// used and the report says so (internal consistency only).
///
/// # Errors
/// [`VerifyError::Failed`] naming the first bad seq (line) or checkpoint;
/// [`VerifyError::Ledger`] for unreadable or malformed files.
pub fn verify_bundle(
    dir: &Path,
    trusted: Option<&[VerifierKey]>,
) -> Result<VerifyReport, VerifyError> {
    if !dir.is_dir() {
        return Err(
            LedgerError::malformed(dir.display().to_string(), "not a bundle directory").into(),
        );
    }
    let manifest = read_small(&dir.join("manifest.json"))?;
    let cps_dir = dir.join("checkpoints");
    let mut checkpoints = Vec::new();
    if cps_dir.exists() {
        for entry in fs::read_dir(&cps_dir).map_err(|e| LedgerError::io(&cps_dir, e))? {
            let entry = entry.map_err(|e| LedgerError::io(&cps_dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            checkpoints.push((name, read_small(&entry.path())?));
        }
    }
    let vkeys = if trusted.is_some() {
        Vec::new()
    } else {
        read_small(&dir.join("vkeys"))?
    };
    let consistency_path = dir.join("consistency.jsonl");
    let consistency = if consistency_path.exists() {
        Some(read_small(&consistency_path)?)
    } else {
        None
    };
    let events_path = dir.join("events.jsonl");
    let events =
        BufReader::new(File::open(&events_path).map_err(|e| LedgerError::io(&events_path, e))?);
    verify_bundle_parts(
        BundleParts {
            manifest,
            checkpoints,
            events,
            vkeys,
            consistency,
        },
        trusted,
        dir,
    )
}

/// Verifies bundle parts (see [`verify_bundle`]); `dir` only names files in
/// messages.
///
/// # Errors
/// As [`verify_bundle`].
pub fn verify_bundle_parts<R: BufRead>(
    mut parts: BundleParts<R>,
    trusted: Option<&[VerifierKey]>,
    dir: &Path,
) -> Result<VerifyReport, VerifyError> {
    let file = |name: &str| dir.join(name).display().to_string();
    let manifest: Manifest = serde_json::from_slice(&parts.manifest).map_err(|e| {
        LedgerError::malformed(
            file("manifest.json"),
            format!("expected the bundle manifest: {e}"),
        )
    })?;
    if manifest.format != BUNDLE_FORMAT {
        return Err(LedgerError::malformed(
            file("manifest.json"),
            format!("format {:?}, expected {BUNDLE_FORMAT:?}", manifest.format),
        )
        .into());
    }
    let bundle_keys;
    let keys: &[VerifierKey] = match trusted {
        Some(k) => k,
        None => {
            let text = String::from_utf8(parts.vkeys.clone())
                .map_err(|_| LedgerError::malformed(file("vkeys"), "not UTF-8"))?;
            bundle_keys = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    VerifierKey::parse(l).map_err(|e| {
                        LedgerError::malformed(
                            format!("{} line {}", file("vkeys"), i + 1),
                            e.to_string(),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if bundle_keys.is_empty() {
                return Err(LedgerError::malformed(file("vkeys"), "no verifier keys").into());
            }
            &bundle_keys
        }
    };

    let mut notes = Vec::new();
    parts.checkpoints.sort();
    for (name, bytes) in &parts.checkpoints {
        let path = format!("{}/{name}", file("checkpoints"));
        let idx: u64 = name
            .strip_suffix(".note")
            .filter(|s| s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                LedgerError::malformed(&path, "checkpoint files are named NNNNNNNNNN.note")
            })?;
        let note = String::from_utf8(bytes.clone())
            .map_err(|_| LedgerError::malformed(&path, "not UTF-8"))?;
        notes.push((idx, note, None));
    }
    if notes.len() as u64 != manifest.checkpoints {
        return Err(VerifyError::Failed(VerifyFailure {
            seq: None,
            checkpoint: Some(notes.len() as u64),
            reason: format!(
                "the manifest lists {} checkpoints but {} are present",
                manifest.checkpoints,
                notes.len()
            ),
        }));
    }
    let anchors = check_checkpoints(&notes, &manifest.origin, keys).map_err(VerifyError::Failed)?;

    let mut replay = Replay::new(&anchors).map_err(VerifyError::Failed)?;
    let mut line = Vec::new();
    let mut seq = 0u64;
    loop {
        line.clear();
        let n = (&mut parts.events)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| LedgerError::io(file("events.jsonl"), e))?;
        if n == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        } else if line.len() > MAX_LINE {
            return Err(VerifyError::Failed(VerifyFailure::at_seq(
                seq,
                "line is longer than 1 MiB",
            )));
        }
        let event = Event::from_leaf(&line).map_err(|e| {
            VerifyError::Failed(VerifyFailure::at_seq(
                seq,
                format!("events.jsonl line {}: {e}", seq + 1),
            ))
        })?;
        if event.seq != seq {
            return Err(VerifyError::Failed(VerifyFailure::at_seq(
                seq,
                format!(
                    "events.jsonl line {} holds the event recorded as seq {} (lines removed or reordered)",
                    seq + 1,
                    event.seq
                ),
            )));
        }
        replay
            .push(leaf_hash(&line), |_, _, _| {})
            .map_err(VerifyError::Failed)?;
        seq += 1;
    }
    replay.finish().map_err(VerifyError::Failed)?;
    if seq != manifest.events {
        return Err(VerifyError::Failed(VerifyFailure::at_seq(
            seq.min(manifest.events),
            format!(
                "the manifest lists {} events but events.jsonl has {seq}",
                manifest.events
            ),
        )));
    }
    if let Some(bytes) = &parts.consistency {
        check_consistency_file(bytes, &anchors, &file("consistency.jsonl"))?;
    }
    let covered = anchors.last().map_or(0, |a| a.size);
    Ok(VerifyReport {
        origin: manifest.origin,
        events: seq,
        checkpoints: anchors.len() as u64,
        covered,
        uncovered: seq - covered.min(seq),
        root: hex::encode(replay.frontier.root()),
        keys_from_bundle: trusted.is_none(),
    })
}

fn check_consistency_file(bytes: &[u8], anchors: &[Anchor], path: &str) -> Result<(), VerifyError> {
    let text = std::str::from_utf8(bytes).map_err(|_| LedgerError::malformed(path, "not UTF-8"))?;
    for (i, l) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let at = format!("{path} line {}", i + 1);
        let c: ConsistencyLine = serde_json::from_str(l).map_err(|e| {
            LedgerError::malformed(&at, format!("expected a consistency proof: {e}"))
        })?;
        let find = |idx: u64| anchors.iter().find(|a| a.idx == idx);
        let (Some(a), Some(b)) = (find(c.from), find(c.to)) else {
            return Err(LedgerError::malformed(
                &at,
                "names a checkpoint that is not in the bundle",
            )
            .into());
        };
        if a.size != c.old || b.size != c.new {
            return Err(VerifyError::Failed(VerifyFailure::at_checkpoint(
                c.to,
                None,
                format!("{at}: sizes differ from the checkpoints"),
            )));
        }
        let proof = c
            .proof
            .iter()
            .map(|h| hex::decode(h).ok().and_then(|v| Hash::try_from(v).ok()))
            .collect::<Option<Vec<Hash>>>()
            .ok_or_else(|| LedgerError::malformed(&at, "proof hashes must be 64 hex digits"))?;
        verify_consistency(c.old, c.new, &proof, &a.root, &b.root).map_err(|e| {
            VerifyError::Failed(VerifyFailure::at_checkpoint(
                c.to,
                None,
                format!(
                    "{at}: consistency proof from checkpoint {} fails: {e}",
                    c.from
                ),
            ))
        })?;
    }
    Ok(())
}
