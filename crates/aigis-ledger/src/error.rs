//! The ledger's error type. Variants name sequence numbers, checkpoints,
//! files and lines, never event contents beyond field names.

use std::path::PathBuf;

/// Everything that can go wrong while recording, proving or storing.
/// Verification failures are not errors: they are reported as
/// [`crate::VerifyFailure`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// SQLite failed.
    #[error("ledger database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// An event draft or input line is invalid.
    #[error("{context}invalid event: {reason}")]
    InvalidEvent {
        /// Where it came from (`"line 3: "`), or empty.
        context: String,
        /// What is wrong, naming the field.
        reason: String,
    },
    /// A stored node is missing (storage damaged).
    #[error("stored tree node {id} is missing")]
    MissingNode {
        /// Storage id of the node.
        id: u64,
    },
    /// A number outside the tree.
    #[error("{what} {value} is outside a tree of size {size}")]
    OutOfRange {
        /// Which number.
        what: &'static str,
        /// Its value.
        value: u64,
        /// The tree size.
        size: u64,
    },
    /// No such event.
    #[error("no event with seq {seq} (ledger has {size} events)")]
    NoSuchEvent {
        /// Asked for.
        seq: u64,
        /// Events present.
        size: u64,
    },
    /// No checkpoint exists yet.
    #[error("the ledger has no checkpoint yet (run `aigis ledger checkpoint`)")]
    NoCheckpoint,
    /// The database is not an aigis ledger, or of another format version.
    #[error("{path}: {reason}")]
    NotALedger {
        /// The database.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A signed note, checkpoint or verifier key could not be parsed.
    #[error("{context}: {reason}")]
    Malformed {
        /// What was parsed (file and line, or the kind of text).
        context: String,
        /// What was expected.
        reason: String,
    },
    /// Appending needs a checkpoint signer and none was configured.
    #[error("no checkpoint signing key available (the master key is needed to sign checkpoints)")]
    NoSigner,
    /// A group-committed batch failed; the event was not recorded.
    #[error("recording failed: {0}")]
    BatchFailed(String),
    /// A JSON encoding failed.
    #[error("encoding: {0}")]
    Encoding(String),
}

impl LedgerError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        LedgerError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn malformed(context: impl Into<String>, reason: impl Into<String>) -> Self {
        LedgerError::Malformed {
            context: context.into(),
            reason: reason.into(),
        }
    }
}
