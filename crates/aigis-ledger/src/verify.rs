//! Verification of a whole ledger: recompute every leaf hash, every stored
//! tree node and every checkpoint root, check every checkpoint signature
//! and the consistency between consecutive checkpoints. Failures name the
//! first bad sequence number (or checkpoint) found.

use std::fmt;

use serde::Serialize;

use crate::LedgerError;
use crate::checkpoint::Checkpoint;
use crate::event::Event;
use crate::merkle::{
    Frontier, Hash, consistency_proof, empty_root, leaf_hash, node_count, node_id,
    verify_consistency,
};
use crate::note::VerifierKey;
use crate::store::LedgerStore;

const PAGE: usize = 16 * 1024;

/// Where and why verification failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyFailure {
    /// The first bad (or first possibly bad) sequence number, when one can
    /// be named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// The checkpoint involved, by index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<u64>,
    /// What is wrong.
    pub reason: String,
}

impl VerifyFailure {
    pub(crate) fn at_seq(seq: u64, reason: impl Into<String>) -> Self {
        VerifyFailure {
            seq: Some(seq),
            checkpoint: None,
            reason: reason.into(),
        }
    }

    pub(crate) fn at_checkpoint(idx: u64, seq: Option<u64>, reason: impl Into<String>) -> Self {
        VerifyFailure {
            seq,
            checkpoint: Some(idx),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.seq, self.checkpoint) {
            (Some(s), Some(u64::MAX)) => write!(f, "seq {s} (witness checkpoint): {}", self.reason),
            (None, Some(u64::MAX)) => write!(f, "witness checkpoint: {}", self.reason),
            (Some(s), Some(c)) => write!(f, "seq {s} (checkpoint {c}): {}", self.reason),
            (Some(s), None) => write!(f, "seq {s}: {}", self.reason),
            (None, Some(c)) => write!(f, "checkpoint {c}: {}", self.reason),
            (None, None) => f.write_str(&self.reason),
        }
    }
}

/// Verification did not pass.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The ledger or bundle is inconsistent: tampering or damage (exit 1).
    #[error("verification failed: {0}")]
    Failed(VerifyFailure),
    /// It could not be read (exit 2).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// The ledger's origin.
    pub origin: String,
    /// Events checked.
    pub events: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// Size covered by the newest checkpoint (0 when none).
    pub covered: u64,
    /// Events after the newest checkpoint: consistent, but not yet signed.
    pub uncovered: u64,
    /// Root of all events, hex.
    pub root: String,
    /// True when the verifier keys came from the bundle itself rather than
    /// from the caller: then the check proves internal consistency only.
    pub keys_from_bundle: bool,
}

/// A checkpoint after its signature was checked.
#[derive(Debug, Clone)]
pub(crate) struct Anchor {
    pub(crate) idx: u64,
    pub(crate) size: u64,
    pub(crate) root: Hash,
}

/// A checkpoint to check: its index, its note, and the size and root the
/// storage claims for it (none for bundle files).
pub(crate) type NoteRow = (u64, String, Option<(u64, Hash)>);

/// Opens and parses every checkpoint note in idx order; they must be dense
/// from 0, signed by a trusted key, of this origin, with non-decreasing
/// sizes. `stored` gives the size and root the storage claims, if any.
pub(crate) fn check_checkpoints(
    notes: &[NoteRow],
    origin: &str,
    verifiers: &[VerifierKey],
) -> Result<Vec<Anchor>, VerifyFailure> {
    let mut out: Vec<Anchor> = Vec::with_capacity(notes.len());
    for (expected, (idx, note, stored)) in notes.iter().enumerate() {
        let expected = expected as u64;
        if *idx != expected {
            return Err(VerifyFailure::at_checkpoint(
                expected,
                None,
                format!("missing (the next checkpoint present is {idx})"),
            ));
        }
        let (cp, _) = Checkpoint::open(note, verifiers)
            .map_err(|e| VerifyFailure::at_checkpoint(*idx, None, e.to_string()))?;
        if cp.origin != origin {
            return Err(VerifyFailure::at_checkpoint(
                *idx,
                None,
                format!("origin {:?}, expected {origin:?}", cp.origin),
            ));
        }
        if let Some((size, root)) = stored
            && (*size != cp.size || *root != cp.root)
        {
            return Err(VerifyFailure::at_checkpoint(
                *idx,
                None,
                "stored size or root differs from the signed note",
            ));
        }
        if let Some(prev) = out.last()
            && cp.size < prev.size
        {
            return Err(VerifyFailure::at_checkpoint(
                *idx,
                None,
                format!(
                    "size {} is smaller than checkpoint {}'s {}",
                    cp.size, prev.idx, prev.size
                ),
            ));
        }
        out.push(Anchor {
            idx: *idx,
            size: cp.size,
            root: cp.root,
        });
    }
    Ok(out)
}

/// Replays leaf hashes in order and checks each checkpoint's root when the
/// replay reaches its size.
pub(crate) struct Replay<'a> {
    pub(crate) frontier: Frontier,
    anchors: &'a [Anchor],
    next: usize,
}

impl<'a> Replay<'a> {
    pub(crate) fn new(anchors: &'a [Anchor]) -> Result<Self, VerifyFailure> {
        let mut replay = Replay {
            frontier: Frontier::new(),
            anchors,
            next: 0,
        };
        replay.check_anchors()?;
        Ok(replay)
    }

    fn check_anchors(&mut self) -> Result<(), VerifyFailure> {
        while let Some(a) = self.anchors.get(self.next) {
            if a.size != self.frontier.size() {
                break;
            }
            let root = if a.size == 0 {
                empty_root()
            } else {
                self.frontier.root()
            };
            if root != a.root {
                let first = self
                    .next
                    .checked_sub(1)
                    .and_then(|i| self.anchors.get(i))
                    .map_or(0, |p| p.size);
                return Err(VerifyFailure::at_checkpoint(
                    a.idx,
                    Some(first),
                    format!(
                        "recomputed root of {} events differs from the signed root: an event in seq {first}..{} was altered, removed or reordered",
                        a.size,
                        a.size.saturating_sub(1)
                    ),
                ));
            }
            self.next += 1;
        }
        Ok(())
    }

    /// Pushes the next leaf; `emit` sees every completed node.
    pub(crate) fn push(
        &mut self,
        leaf: Hash,
        emit: impl FnMut(u32, u64, &Hash),
    ) -> Result<(), VerifyFailure> {
        self.frontier.push(leaf, emit);
        self.check_anchors()
    }

    /// After the last leaf: every checkpoint must have been reached.
    pub(crate) fn finish(&self) -> Result<(), VerifyFailure> {
        if let Some(a) = self.anchors.get(self.next) {
            let have = self.frontier.size();
            return Err(VerifyFailure::at_checkpoint(
                a.idx,
                Some(have),
                format!(
                    "covers {} events but only {have} are present: seq {have}.. were removed (truncated)",
                    a.size
                ),
            ));
        }
        Ok(())
    }
}

/// Verifies every event, stored tree node and checkpoint of `store`
/// against `verifiers` (the ledger key's versions). With `witness`, a
/// checkpoint note kept elsewhere, also checks that the ledger still holds
/// the tree it signed (this catches a dropped newest checkpoint and
/// truncation, which nothing inside the database can).
///
/// # Errors
/// [`VerifyError::Failed`] naming the first bad seq or checkpoint;
/// [`VerifyError::Ledger`] when the store cannot be read.
pub fn verify_store(
    store: &dyn LedgerStore,
    verifiers: &[VerifierKey],
    witness: Option<&str>,
) -> Result<VerifyReport, VerifyError> {
    let origin = store.origin().to_owned();
    let rows = store.checkpoints()?;
    let notes: Vec<_> = rows
        .iter()
        .map(|c| (c.idx, c.note.clone(), Some((c.size, c.root))))
        .collect();
    let mut anchors = check_checkpoints(&notes, &origin, verifiers).map_err(VerifyError::Failed)?;
    let count = anchors.len() as u64;
    let covered = anchors.last().map_or(0, |a| a.size);
    if let Some(note) = witness {
        let (cp, _) = Checkpoint::open(note, verifiers).map_err(|e| {
            VerifyError::Failed(VerifyFailure {
                seq: None,
                checkpoint: None,
                reason: format!("witness checkpoint: {e}"),
            })
        })?;
        if cp.origin != origin {
            return Err(VerifyError::Failed(VerifyFailure {
                seq: None,
                checkpoint: None,
                reason: format!("witness checkpoint is for {:?}, not {origin:?}", cp.origin),
            }));
        }
        if cp.size > covered {
            return Err(VerifyError::Failed(VerifyFailure {
                seq: Some(covered),
                checkpoint: None,
                reason: format!(
                    "the witness checkpoint covers {} events but the ledger's newest checkpoint covers {covered}: checkpoints or events were removed",
                    cp.size
                ),
            }));
        }
        let pos = anchors.partition_point(|a| a.size <= cp.size);
        anchors.insert(
            pos,
            Anchor {
                idx: u64::MAX,
                size: cp.size,
                root: cp.root,
            },
        );
    }

    let mut replay = Replay::new(&anchors).map_err(VerifyError::Failed)?;
    let mut nodes: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut node_pos = 0usize;
    let mut next_node_id = 0u64;
    let mut expected = 0u64;
    loop {
        let page = store.read_events(expected, PAGE)?;
        if page.is_empty() {
            break;
        }
        for row in page {
            if row.seq != expected {
                return Err(VerifyError::Failed(VerifyFailure::at_seq(
                    expected,
                    format!("event is missing (the next present is seq {})", row.seq),
                )));
            }
            let event: Event = serde_json::from_slice(&row.leaf).map_err(|e| {
                VerifyError::Failed(VerifyFailure::at_seq(
                    expected,
                    format!("event is not valid JSON: {e}"),
                ))
            })?;
            if event.seq != row.seq {
                return Err(VerifyError::Failed(VerifyFailure::at_seq(
                    expected,
                    format!(
                        "holds the event recorded as seq {} (rows reordered)",
                        event.seq
                    ),
                )));
            }
            let c = &row.columns;
            if c.time != event.time
                || c.actor != event.actor
                || c.action != event.action
                || c.subject_kind != event.subject.kind
                || c.subject_id != event.subject.id
            {
                return Err(VerifyError::Failed(VerifyFailure::at_seq(
                    expected,
                    "the filter columns differ from the event (row edited)",
                )));
            }
            let mut failure = None;
            let leaf = leaf_hash(&row.leaf);
            let mut emitted: Vec<(u32, u64, Hash)> = Vec::with_capacity(4);
            replay
                .push(leaf, |level, index, h| emitted.push((level, index, *h)))
                .map_err(VerifyError::Failed)?;
            for (level, index, h) in emitted {
                let id = node_id(level, index);
                if node_pos == nodes.len() {
                    nodes = store.read_nodes(next_node_id, PAGE)?;
                    node_pos = 0;
                }
                let stored = nodes.get(node_pos);
                let first_leaf = index << level;
                match stored {
                    Some((sid, bytes)) if *sid == id => {
                        if bytes.as_slice() != h {
                            failure = Some(if level == 0 {
                                VerifyFailure::at_seq(
                                    expected,
                                    "event differs from its stored leaf hash (altered)",
                                )
                            } else {
                                VerifyFailure::at_seq(
                                    first_leaf,
                                    format!(
                                        "stored tree node (level {level}) over seq {first_leaf}..{} differs from the recomputed one",
                                        first_leaf + (1u64 << level) - 1
                                    ),
                                )
                            });
                        }
                    }
                    _ => {
                        failure = Some(VerifyFailure::at_seq(
                            first_leaf,
                            format!("stored tree node {id} (level {level}) is missing"),
                        ));
                    }
                }
                if failure.is_some() {
                    break;
                }
                node_pos += 1;
                next_node_id = id + 1;
            }
            if let Some(f) = failure {
                return Err(VerifyError::Failed(f));
            }
            expected += 1;
        }
    }
    replay.finish().map_err(VerifyError::Failed)?;
    let extra = store.read_nodes(node_count(expected), 1)?;
    if let Some((id, _)) = extra.first() {
        return Err(VerifyError::Failed(VerifyFailure::at_seq(
            expected,
            format!("stored tree node {id} lies beyond the last event (events were removed)"),
        )));
    }
    // Consistency between consecutive checkpoints, from the (now checked)
    // stored nodes: the proofs `aigis ledger proof` serves.
    for pair in anchors.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let proof = consistency_proof(store, a.size, b.size)?;
        verify_consistency(a.size, b.size, &proof, &a.root, &b.root).map_err(|e| {
            VerifyError::Failed(VerifyFailure::at_checkpoint(
                b.idx,
                Some(a.size),
                format!("not consistent with checkpoint {}: {e}", a.idx),
            ))
        })?;
    }
    Ok(VerifyReport {
        origin,
        events: expected,
        checkpoints: count,
        covered,
        uncovered: expected - covered.min(expected),
        root: hex::encode(replay.frontier.root()),
        keys_from_bundle: false,
    })
}
