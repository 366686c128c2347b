//! Keys: the [`Signer`] seam, public keys, PEM loading and key ids.
//!
//! The library takes RustCrypto key types directly so that any key store can
//! plug in: the keyring hands over a `p256::ecdsa::SigningKey` or an
//! `ed25519_dalek::SigningKey` (wrapped in [`EcdsaP256Signer`] /
//! [`Ed25519Signer`]), and tests or the CLI can load PEM files. A signer
//! carries a key id, written into DSSE signatures; by default it is the
//! securesystemslib key id of its public key (see [`PublicKey::keyid`]), so
//! in-toto tooling matches signatures to keys.
//!
//! Signing is deterministic for both schemes (Ed25519; ECDSA with RFC 6979
//! nonces), so no random source is needed. Private keys are zeroized on
//! drop by the underlying crates and never appear in `Debug` output.

use std::fmt;
use std::path::Path;

use ed25519_dalek::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePublicKey as _};
use p256::pkcs8::LineEnding;
use zeroize::Zeroizing;

use crate::digest::Sha256Digest;
use crate::error::{Error, Result};
use crate::json::canonical_json;

/// The signature schemes aigis uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// Ed25519 (attestations, ledger checkpoints).
    Ed25519,
    /// ECDSA over P-256 with SHA-256, DER-encoded signatures (model
    /// signatures, which model-signing requires to be elliptic-curve).
    EcdsaP256Sha256,
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::EcdsaP256Sha256 => "ecdsa-p256-sha256",
        })
    }
}

/// A public key that can check signatures.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKey {
    /// An Ed25519 key.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// An ECDSA P-256 key.
    EcdsaP256(p256::ecdsa::VerifyingKey),
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, keyid {})", self.algorithm(), self.keyid())
    }
}

impl PublicKey {
    /// Parses a SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`), Ed25519 or
    /// P-256.
    pub fn from_pem(text: &str) -> Result<Self> {
        if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_pem(text) {
            return Ok(PublicKey::Ed25519(key));
        }
        if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_pem(text) {
            return Ok(PublicKey::EcdsaP256(key));
        }
        Err(Error::Key {
            path: None,
            reason: "expected a PEM public key (BEGIN PUBLIC KEY), Ed25519 or ECDSA P-256".into(),
        })
    }

    /// Reads a public key PEM file.
    pub fn from_pem_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_pem(&text).map_err(|e| e.with_path(path))
    }

    /// SubjectPublicKeyInfo PEM with `\n` line endings and 64-column base64,
    /// byte for byte what Python `cryptography` writes.
    pub fn to_pem(&self) -> String {
        let encoded = match self {
            PublicKey::Ed25519(key) => key.to_public_key_pem(LineEnding::LF),
            PublicKey::EcdsaP256(key) => key.to_public_key_pem(LineEnding::LF),
        };
        // Encoding a valid key into PEM cannot fail; an empty string would
        // only make every comparison fail closed.
        encoded.unwrap_or_default()
    }

    /// The scheme this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::Ed25519(_) => Algorithm::Ed25519,
            PublicKey::EcdsaP256(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    /// The securesystemslib key id: lowercase hex SHA-256 of the canonical
    /// JSON `{"keytype", "keyval": {"public"}, "scheme"}`. For Ed25519 the
    /// public value is the hex of the 32-byte key; for ECDSA it is the PEM.
    pub fn keyid(&self) -> String {
        let meta = match self {
            PublicKey::Ed25519(key) => serde_json::json!({
                "keytype": "ed25519",
                "keyval": {"public": hex::encode(key.as_bytes())},
                "scheme": "ed25519",
            }),
            PublicKey::EcdsaP256(_) => serde_json::json!({
                "keytype": "ecdsa",
                "keyval": {"public": self.to_pem()},
                "scheme": "ecdsa-sha2-nistp256",
            }),
        };
        Sha256Digest::of_bytes(&canonical_json(&meta)).to_hex()
    }

    /// model-signing's key hint: hex SHA-256 of [`PublicKey::to_pem`].
    pub fn pem_hint(&self) -> String {
        Sha256Digest::of_bytes(self.to_pem().as_bytes()).to_hex()
    }

    /// True when `signature` is a valid signature of `message` by this key
    /// (Ed25519: the 64-byte signature; ECDSA: DER, either S half).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::Ed25519(key) => {
                use ed25519_dalek::Verifier as _;
                ed25519_dalek::Signature::from_slice(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
            PublicKey::EcdsaP256(key) => {
                use p256::ecdsa::signature::Verifier as _;
                p256::ecdsa::Signature::from_der(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
        }
    }
}

/// Something that signs messages with one private key. The seam between this
/// crate and wherever keys live (the keyring, a PEM file, an HSM later).
/// `Debug` must not print key material (show the key id).
pub trait Signer: Send + Sync + fmt::Debug {
    /// The key id written into DSSE signatures made with this key.
    fn key_id(&self) -> &str;
    /// The matching public key.
    fn public_key(&self) -> PublicKey;
    /// Signs `message` (Ed25519: 64 bytes; ECDSA P-256: DER).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
}

/// An Ed25519 private key with its key id.
pub struct Ed25519Signer {
    key: ed25519_dalek::SigningKey,
    keyid: String,
}

impl Ed25519Signer {
    /// Wraps a key; the key id is the securesystemslib key id.
    pub fn new(key: ed25519_dalek::SigningKey) -> Self {
        let keyid = PublicKey::Ed25519(key.verifying_key()).keyid();
        Ed25519Signer { key, keyid }
    }

    /// Replaces the key id written into signatures.
    #[must_use]
    pub fn with_key_id(mut self, keyid: impl Into<String>) -> Self {
        self.keyid = keyid.into();
        self
    }
}

impl fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519Signer(keyid {})", self.keyid)
    }
}

impl Signer for Ed25519Signer {
    fn key_id(&self) -> &str {
        &self.keyid
    }

    fn public_key(&self) -> PublicKey {
        PublicKey::Ed25519(self.key.verifying_key())
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        use ed25519_dalek::Signer as _;
        Ok(self.key.sign(message).to_bytes().to_vec())
    }
}

/// An ECDSA P-256 private key with its key id.
pub struct EcdsaP256Signer {
    key: p256::ecdsa::SigningKey,
    keyid: String,
}

impl EcdsaP256Signer {
    /// Wraps a key; the key id is the securesystemslib key id.
    pub fn new(key: p256::ecdsa::SigningKey) -> Self {
        let keyid = PublicKey::EcdsaP256(*key.verifying_key()).keyid();
        EcdsaP256Signer { key, keyid }
    }

    /// Replaces the key id written into signatures.
    #[must_use]
    pub fn with_key_id(mut self, keyid: impl Into<String>) -> Self {
        self.keyid = keyid.into();
        self
    }
}

impl fmt::Debug for EcdsaP256Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EcdsaP256Signer(keyid {})", self.keyid)
    }
}

impl Signer for EcdsaP256Signer {
    fn key_id(&self) -> &str {
        &self.keyid
    }

    fn public_key(&self) -> PublicKey {
        PublicKey::EcdsaP256(*self.key.verifying_key())
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        use p256::ecdsa::signature::Signer as _;
        let signature: p256::ecdsa::DerSignature =
            self.key.try_sign(message).map_err(|e| Error::Sign {
                reason: e.to_string(),
            })?;
        Ok(signature.as_bytes().to_vec())
    }
}

/// Loads a private key PEM: PKCS#8 (`BEGIN PRIVATE KEY`, Ed25519 or P-256)
/// or SEC1 (`BEGIN EC PRIVATE KEY`, P-256). Encrypted keys are refused.
pub fn signer_from_pem(text: &str) -> Result<Box<dyn Signer>> {
    if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_pem(text) {
        return Ok(Box::new(Ed25519Signer::new(key)));
    }
    if let Ok(key) = p256::ecdsa::SigningKey::from_pkcs8_pem(text) {
        return Ok(Box::new(EcdsaP256Signer::new(key)));
    }
    if let Ok(secret) = p256::SecretKey::from_sec1_pem(text) {
        return Ok(Box::new(EcdsaP256Signer::new(secret.into())));
    }
    let reason = if text.contains("ENCRYPTED") {
        "encrypted private keys are not supported; decrypt it or use the keyring"
    } else {
        "expected an unencrypted PEM private key (PKCS#8 Ed25519 or P-256, or SEC1 P-256)"
    };
    Err(Error::Key {
        path: None,
        reason: reason.into(),
    })
}

/// Reads a private key PEM file (see [`signer_from_pem`]). The file's
/// contents are wiped from memory after parsing.
pub fn signer_from_pem_file(path: &Path) -> Result<Box<dyn Signer>> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?);
    signer_from_pem(&text).map_err(|e| e.with_path(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SSLIB_SEED: &str = "62a2dbdfabae9b405e0a8519873dca0d8a3775623898c2fec1cd204a385ec74e";

    #[test]
    fn ed25519_keyid_follows_securesystemslib() {
        let mut seed = [0u8; 32];
        hex::decode_to_slice(SSLIB_SEED, &mut seed).unwrap();
        let signer = Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(&seed));
        assert_eq!(
            signer.key_id(),
            "168f75c4ea7ec10b2a2c118d907bfe73b966e9ba5a588c71652ae8015f74c7f6"
        );
    }

    #[test]
    fn sign_verify_both_schemes() {
        let signers: Vec<Box<dyn Signer>> = vec![
            Box::new(Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(
                &[7; 32],
            ))),
            Box::new(EcdsaP256Signer::new(
                p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap(),
            )),
        ];
        for signer in signers {
            let sig = signer.sign(b"message").unwrap();
            let public = signer.public_key();
            assert!(public.verify(b"message", &sig));
            assert!(!public.verify(b"messagE", &sig));
            let reparsed = PublicKey::from_pem(&public.to_pem()).unwrap();
            assert_eq!(reparsed, public);
            assert!(!format!("{signer:?}").is_empty());
        }
    }

    #[test]
    fn garbage_pem_is_a_key_error() {
        assert!(matches!(
            PublicKey::from_pem("nope"),
            Err(Error::Key { .. })
        ));
        assert!(matches!(signer_from_pem("nope"), Err(Error::Key { .. })));
    }
}
