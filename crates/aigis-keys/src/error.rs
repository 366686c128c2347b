//! The keyring's error type. Variants name files, keys and versions, never
//! key material.

use std::path::PathBuf;

/// Everything that can go wrong in the keyring and envelope encryption.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A stream read or write failed (envelope encryption).
    #[error("stream: {0}")]
    Stream(#[source] std::io::Error),
    /// The master key is malformed (wrong length, not base64).
    #[error("master key from {source_name}: {reason}")]
    BadMasterKey {
        /// Where the key came from (`AIGIS_MASTER_KEY`, a file path, ...).
        source_name: String,
        /// What was wrong, without the value.
        reason: String,
    },
    /// A key file is readable by group or others.
    #[error(
        "{path}: key file is readable by group or others (mode {mode:o}); run `chmod 600` on it"
    )]
    InsecurePermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The master key file is inside the directory it protects.
    #[error("{path}: the master key must not be stored inside the workspace it protects")]
    MasterKeyInWorkspace {
        /// The rejected path.
        path: PathBuf,
    },
    /// The master key does not open this keyring.
    #[error("{path}: the master key does not match this keyring")]
    WrongMasterKey {
        /// The keyring file.
        path: PathBuf,
    },
    /// A keyring already exists where one is being created.
    #[error("{path}: a keyring already exists here")]
    KeyringExists {
        /// The keyring directory.
        path: PathBuf,
    },
    /// No keyring at the given place.
    #[error("{path}: no keyring here (run `aigis init`)")]
    NoKeyring {
        /// The keyring directory.
        path: PathBuf,
    },
    /// A file in the keyring is malformed.
    #[error("{path}: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What was expected.
        reason: String,
    },
    /// A key file's authentication failed: it was edited outside aigis.
    #[error("{path}: key file failed its integrity check (edited outside aigis?)")]
    Tampered {
        /// The file.
        path: PathBuf,
    },
    /// A wrapped key version failed to unwrap (swapped or altered).
    #[error("key {name} version {version}: wrapped secret failed authentication")]
    UnwrapFailed {
        /// Key name.
        name: String,
        /// Version.
        version: u32,
    },
    /// Key names are lowercase letters, digits, `-`, `_` and `.`.
    #[error("invalid key name {name:?}: use 1-64 of a-z 0-9 - _ . starting with a letter or digit")]
    InvalidName {
        /// The rejected name.
        name: String,
    },
    /// Unknown key kind.
    #[error("unknown key kind {kind:?}: expected ed25519, ecdsa-p256, hmac or aes256")]
    UnknownKind {
        /// The rejected kind.
        kind: String,
    },
    /// The named key does not exist.
    #[error("no key named {name:?}")]
    NoSuchKey {
        /// Key name.
        name: String,
    },
    /// The key version does not exist.
    #[error("key {name} has no version {version}")]
    NoSuchVersion {
        /// Key name.
        name: String,
        /// Version asked for.
        version: u32,
    },
    /// A key with this name exists already.
    #[error("key {name:?} exists already (use `aigis keys rotate`)")]
    KeyExists {
        /// Key name.
        name: String,
    },
    /// The key is of another kind than the operation needs.
    #[error("key {name} is {actual}, this needs {expected}")]
    WrongKind {
        /// Key name.
        name: String,
        /// Kind needed.
        expected: crate::KeyKind,
        /// Kind found.
        actual: crate::KeyKind,
    },
    /// The key (or its current version) is disabled or retired for this use.
    #[error("key {name} version {version} is {state} and cannot be used to {operation}")]
    NotUsable {
        /// Key name.
        name: String,
        /// Version.
        version: u32,
        /// Its state.
        state: crate::VersionState,
        /// What was attempted.
        operation: &'static str,
    },
    /// The system random number generator failed.
    #[error("random number generator failed")]
    Rng,
    /// Key derivation (Argon2id) failed.
    #[error("passphrase key derivation failed: {0}")]
    Kdf(String),
    /// An envelope is malformed, altered, truncated or reordered.
    #[error("envelope {what} at byte {offset}")]
    Envelope {
        /// What is wrong.
        what: &'static str,
        /// Byte offset in the envelope where it was detected.
        offset: u64,
    },
    /// Public key encoding failed.
    #[error("public key encoding: {0}")]
    Encoding(String),
}

impl KeyError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        KeyError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn corrupt(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        KeyError::Corrupt {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
