//! Operations on any [`LedgerStore`]: append, checkpoint, proofs.

use serde::Serialize;

use crate::LedgerError;
use crate::checkpoint::Checkpoint;
use crate::event::{Event, EventDraft, now_rfc3339};
use crate::merkle::{
    Frontier, Hash, consistency_proof as tree_consistency, inclusion_proof as tree_inclusion,
    leaf_hash, node_id, root_at,
};
use crate::note::{NoteSigner, key_hash};
use crate::store::{IndexColumns, LedgerStore, LedgerTx, StoredCheckpoint};

fn columns(event: &Event) -> IndexColumns {
    IndexColumns {
        time: event.time.clone(),
        actor: event.actor.clone(),
        action: event.action.clone(),
        subject_kind: event.subject.kind.clone(),
        subject_id: event.subject.id.clone(),
    }
}

/// Appends `drafts` in one durable transaction; sequence numbers and the
/// time are assigned inside it. Returns the recorded events.
///
/// # Errors
/// [`LedgerError::InvalidEvent`] for a bad draft (nothing is written);
/// storage errors.
pub fn append(
    store: &mut dyn LedgerStore,
    drafts: Vec<EventDraft>,
) -> Result<Vec<Event>, LedgerError> {
    for d in &drafts {
        d.validate()?;
    }
    let mut pending = Some(drafts);
    let mut out = Vec::new();
    store.write(&mut |tx: &mut dyn LedgerTx| {
        let drafts = pending.take().unwrap_or_default();
        out = append_in(tx, drafts)?;
        Ok(())
    })?;
    Ok(out)
}

/// The body of [`append`], inside a caller's transaction.
///
/// # Errors
/// Storage errors.
pub fn append_in(
    tx: &mut dyn LedgerTx,
    drafts: Vec<EventDraft>,
) -> Result<Vec<Event>, LedgerError> {
    let size = tx.size()?;
    let mut frontier = Frontier::load(&*tx, size)?;
    let time = now_rfc3339();
    let mut nodes = Vec::with_capacity(drafts.len() * 2);
    let mut out = Vec::with_capacity(drafts.len());
    for (i, draft) in drafts.into_iter().enumerate() {
        let event = draft.into_event(size + i as u64, time.clone());
        let leaf = event.leaf()?;
        tx.insert_event(event.seq, &leaf, &columns(&event))?;
        frontier.push(leaf_hash(&leaf), |level, index, h| {
            nodes.push((node_id(level, index), *h));
        });
        out.push(event);
    }
    for (id, h) in &nodes {
        tx.insert_node(*id, h)?;
    }
    Ok(out)
}

/// Takes a checkpoint of the whole ledger signed by `signer`, unless the
/// newest checkpoint already covers every event and is signed by the same
/// key. Returns the checkpoint and whether it is new.
///
/// # Errors
/// Storage and signing errors.
pub fn checkpoint(
    store: &mut dyn LedgerStore,
    signer: &dyn NoteSigner,
) -> Result<(StoredCheckpoint, bool), LedgerError> {
    let origin = store.origin().to_owned();
    let hash = key_hash(&origin, &signer.verifying_key());
    let mut result = None;
    store.write(&mut |tx: &mut dyn LedgerTx| {
        let size = tx.size()?;
        let latest = tx.latest_checkpoint()?;
        if let Some(cp) = &latest
            && cp.size == size
            && signed_by_hash(&cp.note, &origin, hash)
        {
            result = Some((cp.clone(), false));
            return Ok(());
        }
        let root = root_at(&*tx, size)?;
        let note = Checkpoint {
            origin: origin.clone(),
            size,
            root,
            extensions: Vec::new(),
        }
        .sign(signer)
        .map_err(|e| LedgerError::malformed("checkpoint", e.to_string()))?;
        let cp = StoredCheckpoint {
            idx: latest.map_or(0, |c| c.idx + 1),
            size,
            root,
            note,
            created: now_rfc3339(),
        };
        tx.insert_checkpoint(&cp)?;
        result = Some((cp, true));
        Ok(())
    })?;
    result.ok_or(LedgerError::NoCheckpoint)
}

fn signed_by_hash(note: &str, name: &str, hash: [u8; 4]) -> bool {
    crate::note::parse_note(note).is_ok_and(|n| {
        n.signatures
            .iter()
            .any(|s| s.name == name && s.key_hash == hash)
    })
}

/// An inclusion proof of one event in a tree size, with what a verifier
/// needs beside it.
#[derive(Debug, Clone, Serialize)]
pub struct InclusionProof {
    /// The event's sequence number (leaf index).
    pub seq: u64,
    /// Tree size the proof is for.
    pub size: u64,
    /// The leaf bytes (canonical JSON of the event).
    #[serde(serialize_with = "ser_utf8")]
    pub leaf: Vec<u8>,
    /// Its leaf hash.
    #[serde(serialize_with = "ser_hex")]
    pub leaf_hash: Hash,
    /// Root of the tree of `size` leaves.
    #[serde(serialize_with = "ser_hex")]
    pub root: Hash,
    /// Audit path, leaf side first.
    #[serde(serialize_with = "ser_hex_list")]
    pub proof: Vec<Hash>,
    /// The signed checkpoint of `size`, when one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

/// A consistency proof between two tree sizes.
#[derive(Debug, Clone, Serialize)]
pub struct ConsistencyProof {
    /// Older size.
    pub old: u64,
    /// Newer size.
    pub new: u64,
    /// Root at `old`.
    #[serde(serialize_with = "ser_hex")]
    pub old_root: Hash,
    /// Root at `new`.
    #[serde(serialize_with = "ser_hex")]
    pub new_root: Hash,
    /// The proof hashes.
    #[serde(serialize_with = "ser_hex_list")]
    pub proof: Vec<Hash>,
}

/// Proves event `seq` is in the tree of `size` leaves (default: the newest
/// checkpoint's size, whose note is attached).
///
/// # Errors
/// [`LedgerError::NoCheckpoint`], [`LedgerError::OutOfRange`] when `seq`
/// is not covered, storage errors.
pub fn inclusion_proof(
    store: &dyn LedgerStore,
    seq: u64,
    size: Option<u64>,
) -> Result<InclusionProof, LedgerError> {
    let (size, note) = match size {
        Some(s) => {
            let note = store
                .checkpoints()?
                .into_iter()
                .rev()
                .find(|c| c.size == s)
                .map(|c| c.note);
            (s, note)
        }
        None => {
            let cp = store
                .latest_checkpoint()?
                .ok_or(LedgerError::NoCheckpoint)?;
            (cp.size, Some(cp.note))
        }
    };
    let have = store.size()?;
    if size > have {
        return Err(LedgerError::OutOfRange {
            what: "tree size",
            value: size,
            size: have,
        });
    }
    if seq >= size {
        return Err(LedgerError::OutOfRange {
            what: "seq",
            value: seq,
            size,
        });
    }
    let row = store
        .read_events(seq, 1)?
        .into_iter()
        .next()
        .filter(|r| r.seq == seq)
        .ok_or(LedgerError::NoSuchEvent { seq, size: have })?;
    Ok(InclusionProof {
        seq,
        size,
        leaf_hash: leaf_hash(&row.leaf),
        leaf: row.leaf,
        root: root_at(store, size)?,
        proof: tree_inclusion(store, seq, size)?,
        checkpoint: note,
    })
}

/// Proves the tree of `old` leaves is a prefix of the tree of `new` leaves.
///
/// # Errors
/// [`LedgerError::OutOfRange`] for sizes beyond the ledger or `old > new`.
pub fn consistency_proof(
    store: &dyn LedgerStore,
    old: u64,
    new: u64,
) -> Result<ConsistencyProof, LedgerError> {
    let have = store.size()?;
    if new > have {
        return Err(LedgerError::OutOfRange {
            what: "tree size",
            value: new,
            size: have,
        });
    }
    Ok(ConsistencyProof {
        old,
        new,
        proof: tree_consistency(store, old, new)?,
        old_root: root_at(store, old)?,
        new_root: root_at(store, new)?,
    })
}

fn ser_hex<S: serde::Serializer>(h: &Hash, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(h))
}

fn ser_hex_list<S: serde::Serializer>(list: &[Hash], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(list.iter().map(hex::encode))
}

fn ser_utf8<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(b))
}
