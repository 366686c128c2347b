//! The aigis keyring: named, versioned keys wrapped under one master key,
//! and envelope encryption of files and streams.
//!
//! A [`Keyring`] lives in a directory (the workspace's `keys/`): one
//! `keyring.json` holding a check value for the master key (and, for
//! passphrase-derived master keys, the Argon2id salt and parameters), and one
//! `<name>.json` per key listing its versions. Every version's secret is
//! wrapped with AES-256-GCM under the [`MasterKey`], with the key's name,
//! kind and version bound as associated data, and every key file carries an
//! HMAC under a key derived from the master key, so swapping, editing or
//! re-labelling entries is detected on load.
//!
//! Key material only leaves the keyring inside handles that zeroize on drop
//! and print no secret in `Debug`: [`Ed25519Signer`], [`P256Signer`],
//! [`HmacKey`], [`AesKey`]. Rotation ([`Keyring::rotate`]) makes a new
//! version current; older versions can still verify and decrypt, never sign
//! or encrypt.
//!
//! [`envelope`] encrypts a stream of any length in constant memory under a
//! fresh data key wrapped by an `aes256` key-encryption key (STREAM
//! construction over AES-256-GCM; format in `docs/keys.md`).
//!
//! ```
//! use aigis_keys::{Keyring, KeyKind, MasterKey};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let master = MasterKey::from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")?;
//! let ring = Keyring::create(dir.path().join("keys"), master, None)?;
//! ring.create_key("data", KeyKind::Aes256)?;
//! let kek = ring.aes_key("data")?;
//! let mut sealed = Vec::new();
//! aigis_keys::envelope::encrypt(&kek, &b"secret rows"[..], &mut sealed)?;
//! let mut plain = Vec::new();
//! aigis_keys::envelope::decrypt(&ring, &sealed[..], &mut plain)?;
//! assert_eq!(plain, b"secret rows");
//! # Ok(()) }
//! ```

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod config;
pub mod envelope;
mod error;
mod fsutil;
mod handles;
mod keyfile;
mod keyring;
mod kind;
mod master;

pub use config::KeysConfig;
pub use error::KeyError;
pub use fsutil::{check_private_file, write_private_file};
pub use handles::{AesKey, Ed25519Signer, HmacKey, KeyId, P256Signer, PublicKey};
pub use keyring::{KeyInfo, Keyring, VersionInfo, VersionState};
pub use kind::KeyKind;
pub use master::{KdfParams, MasterKey};

/// The keys `aigis init` creates, and what other commands look up by name.
pub mod defaults {
    use crate::KeyKind;

    /// Ed25519 key that signs ledger checkpoints.
    pub const LEDGER: &str = "ledger";
    /// ECDSA P-256 key that signs artifacts (OpenSSF model-signing accepts
    /// only elliptic-curve keys).
    pub const SIGNING: &str = "signing";
    /// Ed25519 key that signs in-toto attestations (kept apart from the
    /// ledger's checkpoint key).
    pub const ATTEST: &str = "attest";
    /// HMAC-SHA256 key for pseudonyms.
    pub const PSEUDONYM: &str = "pseudonym";
    /// AES-256 key-encryption key for envelope encryption (quarantine).
    pub const DATA: &str = "data";

    /// Every default key with its kind, in creation order.
    pub const ALL: [(&str, KeyKind); 5] = [
        (LEDGER, KeyKind::Ed25519),
        (SIGNING, KeyKind::EcdsaP256),
        (ATTEST, KeyKind::Ed25519),
        (PSEUDONYM, KeyKind::Hmac),
        (DATA, KeyKind::Aes256),
    ];
}
