//! The `[ledger]` section of `aigis.toml`.

use serde::{Deserialize, Serialize};

/// `[ledger]`: automatic checkpoints and the signing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LedgerConfig {
    /// Take a checkpoint once this many events are past the newest one
    /// (0: never by count). Default 1000.
    pub checkpoint_every_events: u64,
    /// Take a checkpoint on the next append once the newest one is this
    /// many seconds old and events are past it (0: never by time).
    /// Default 300.
    pub checkpoint_every_seconds: u64,
    /// Name of the Ed25519 key in the keyring that signs checkpoints.
    /// Default `ledger`.
    pub signing_key: String,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            checkpoint_every_events: 1000,
            checkpoint_every_seconds: 300,
            signing_key: "ledger".to_owned(),
        }
    }
}
