//! The storage seam: [`LedgerStore`] (reads, and one durable write
//! transaction at a time) and [`LedgerTx`] (what a write transaction can
//! do). SQLite implements it now ([`crate::SqliteStore`]); PostgreSQL will
//! implement the same traits with the same schema.
//!
//! Invariants every implementation keeps:
//! - events, tree nodes and checkpoints are only ever inserted, never
//!   updated or deleted (enforced in the database where it can be);
//! - a [`LedgerStore::write`] transaction is exclusive among all writers
//!   (other processes included) and is durable when `write` returns `Ok`;
//! - sequence numbers are dense from 0 and assigned inside the transaction.

use crate::LedgerError;
use crate::merkle::{Hash, NodeSource};

/// The columns kept beside each leaf for filtering (`ledger log`). They are
/// copies of fields inside the leaf; `verify` checks they agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexColumns {
    /// Event time (RFC 3339 UTC, fixed width).
    pub time: String,
    /// Actor.
    pub actor: String,
    /// Action.
    pub action: String,
    /// Subject kind.
    pub subject_kind: String,
    /// Subject id.
    pub subject_id: String,
}

/// One stored event row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Sequence number (row key).
    pub seq: u64,
    /// The leaf bytes (canonical JSON).
    pub leaf: Vec<u8>,
    /// The filter columns.
    pub columns: IndexColumns,
}

/// One stored checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// Position among checkpoints, dense from 0.
    pub idx: u64,
    /// Tree size it covers.
    pub size: u64,
    /// Root hash it signs.
    pub root: Hash,
    /// The whole signed note.
    pub note: String,
    /// When it was taken (RFC 3339 UTC).
    pub created: String,
}

/// Which events `ledger log` shows. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Exact actor.
    pub actor: Option<String>,
    /// Exact action, or a prefix when it ends in `*` (`keys.*`).
    pub action: Option<String>,
    /// Exact subject kind.
    pub subject_kind: Option<String>,
    /// Exact subject id (with `subject_kind`).
    pub subject_id: Option<String>,
    /// Earliest time, inclusive (normalized with
    /// [`crate::event::normalize_time`]).
    pub since: Option<String>,
    /// Latest time, inclusive (normalized).
    pub until: Option<String>,
}

/// What a write transaction can do.
pub trait LedgerTx: NodeSource {
    /// Events present (next sequence number).
    ///
    /// # Errors
    /// Storage errors.
    fn size(&self) -> Result<u64, LedgerError>;
    /// Inserts one event row.
    ///
    /// # Errors
    /// Storage errors (a duplicate seq included).
    fn insert_event(
        &mut self,
        seq: u64,
        leaf: &[u8],
        columns: &IndexColumns,
    ) -> Result<(), LedgerError>;
    /// Inserts one tree node by storage id.
    ///
    /// # Errors
    /// Storage errors.
    fn insert_node(&mut self, id: u64, hash: &Hash) -> Result<(), LedgerError>;
    /// The newest checkpoint.
    ///
    /// # Errors
    /// Storage errors.
    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError>;
    /// Inserts a checkpoint.
    ///
    /// # Errors
    /// Storage errors.
    fn insert_checkpoint(&mut self, checkpoint: &StoredCheckpoint) -> Result<(), LedgerError>;
}

/// A ledger's storage.
pub trait LedgerStore: NodeSource + Send {
    /// The ledger's origin (checkpoint origin line and key name).
    fn origin(&self) -> &str;
    /// Events present.
    ///
    /// # Errors
    /// Storage errors.
    fn size(&self) -> Result<u64, LedgerError>;
    /// Runs `body` in one exclusive write transaction, committed durably if
    /// it returns `Ok` and rolled back otherwise.
    ///
    /// # Errors
    /// Storage errors and whatever `body` returns.
    fn write(
        &mut self,
        body: &mut dyn FnMut(&mut dyn LedgerTx) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError>;
    /// Up to `limit` event rows with `seq >= from`, in seq order.
    ///
    /// # Errors
    /// Storage errors.
    fn read_events(&self, from: u64, limit: usize) -> Result<Vec<StoredEvent>, LedgerError>;
    /// Up to `limit` node rows with `id >= from`, in id order (raw bytes, so
    /// that a damaged row can be reported rather than refused).
    ///
    /// # Errors
    /// Storage errors.
    fn read_nodes(&self, from: u64, limit: usize) -> Result<Vec<(u64, Vec<u8>)>, LedgerError>;
    /// Up to `limit` events matching `filter` with `seq >= from`, in order.
    ///
    /// # Errors
    /// Storage errors.
    fn query(
        &self,
        filter: &EventFilter,
        from: u64,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, LedgerError>;
    /// Every checkpoint row, in idx order.
    ///
    /// # Errors
    /// Storage errors.
    fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, LedgerError>;
    /// The newest checkpoint.
    ///
    /// # Errors
    /// Storage errors.
    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError>;
}
