//! The aigis audit ledger: an append-only, tamper-evident log of who did
//! what to which artifact, verifiable offline by tools aigis did not write.
//!
//! - [`Event`]s (seq, RFC 3339 UTC time, actor, action, subject, outcome,
//!   details) are leaves; a leaf's bytes are the event's RFC 8785
//!   canonical JSON.
//! - The leaves form an RFC 6962 / RFC 9162 Merkle tree ([`merkle`]);
//!   complete-subtree hashes are stored so the root of any size and every
//!   proof cost O(log n) reads.
//! - Checkpoints are C2SP tlog-checkpoints signed as C2SP signed-notes with
//!   the ledger's Ed25519 key ([`Checkpoint`], [`note`]).
//! - Storage is a seam ([`LedgerStore`], [`LedgerTx`]); [`SqliteStore`]
//!   keeps it in `aigis.db` (WAL, `synchronous=FULL`, append-only tables
//!   guarded by triggers).
//! - [`Auditor`] is the one recording API: durable, group-committed,
//!   checkpointing by policy ([`LedgerConfig`]).
//! - [`verify_store`] and [`bundle::verify_bundle`] recompute everything
//!   and name the first bad sequence number.
//!
//! ```
//! use aigis_ledger::{Auditor, EventDraft, LedgerConfig, SqliteStore, Subject};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let store = SqliteStore::create(&dir.path().join("aigis.db"), "example.com/ledger")?;
//! let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
//! let auditor = Auditor::new(Box::new(store), LedgerConfig::default()).with_signer(Box::new(key));
//! let event = auditor.record(EventDraft::new("user:alice", "dataset.approve", Subject::new("dataset", "customers")))?;
//! assert_eq!(event.seq, 0);
//! let (checkpoint, _) = auditor.checkpoint()?;
//! assert_eq!(checkpoint.size, 1);
//! # Ok(()) }
//! ```

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod auditor;
pub mod bundle;
mod checkpoint;
mod config;
mod error;
pub mod event;
pub mod merkle;
pub mod note;
mod ops;
mod sqlite;
mod store;
#[cfg(test)]
mod testutil;
mod verify;

pub use auditor::{Auditor, AutoCheckpoint};
pub use checkpoint::Checkpoint;
pub use config::LedgerConfig;
pub use error::LedgerError;
pub use event::{Event, EventDraft, Outcome, Subject};
pub use merkle::Hash;
pub use note::{NoteSigner, VerifierKey};
pub use ops::{
    ConsistencyProof, InclusionProof, append, checkpoint, consistency_proof, inclusion_proof,
};
pub use sqlite::{LEDGER_FORMAT, SqliteStore};
pub use store::{EventFilter, IndexColumns, LedgerStore, LedgerTx, StoredCheckpoint, StoredEvent};
pub use verify::{VerifyError, VerifyFailure, VerifyReport, verify_store};
