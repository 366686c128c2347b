//! Handles to unwrapped key material. Each zeroizes its secret on drop and
//! prints only its key id in `Debug`.

use std::fmt;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::KeyError;
use crate::fsutil::random_array;

/// Names one version of one key: `name` and `version` (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId {
    /// Key name.
    pub name: String,
    /// Version number, starting at 1.
    pub version: u32,
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@v{}", self.name, self.version)
    }
}

/// An Ed25519 signing key (one version of an `ed25519` key).
pub struct Ed25519Signer {
    id: KeyId,
    key: ed25519_dalek::SigningKey,
}

impl Ed25519Signer {
    pub(crate) fn new(id: KeyId, key: ed25519_dalek::SigningKey) -> Self {
        Ed25519Signer { id, key }
    }

    /// Which key and version this is.
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// The RustCrypto signing key (zeroized on drop by ed25519-dalek).
    pub fn signing_key(&self) -> &ed25519_dalek::SigningKey {
        &self.key
    }

    /// The public half.
    pub fn verifying_key(&self) -> ed25519_dalek::VerifyingKey {
        self.key.verifying_key()
    }

    /// Signs `msg` (pure Ed25519, deterministic).
    pub fn sign(&self, msg: &[u8]) -> ed25519_dalek::Signature {
        use ed25519_dalek::Signer as _;
        self.key.sign(msg)
    }
}

impl fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519Signer")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// An ECDSA P-256 signing key (one version of an `ecdsa-p256` key).
pub struct P256Signer {
    id: KeyId,
    key: p256::ecdsa::SigningKey,
}

impl P256Signer {
    pub(crate) fn new(id: KeyId, key: p256::ecdsa::SigningKey) -> Self {
        P256Signer { id, key }
    }

    /// Which key and version this is.
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// The RustCrypto signing key (zeroized on drop by the ecdsa crate).
    pub fn signing_key(&self) -> &p256::ecdsa::SigningKey {
        &self.key
    }

    /// The public half.
    pub fn verifying_key(&self) -> p256::ecdsa::VerifyingKey {
        *self.key.verifying_key()
    }

    /// Signs `msg` with ECDSA-SHA256 (RFC 6979 deterministic nonces); DER
    /// encoding is `signature.to_der()`.
    pub fn sign(&self, msg: &[u8]) -> p256::ecdsa::Signature {
        use p256::ecdsa::signature::Signer as _;
        self.key.sign(msg)
    }
}

impl fmt::Debug for P256Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("P256Signer")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A 256-bit HMAC-SHA256 key (one version of an `hmac` key).
pub struct HmacKey {
    id: KeyId,
    key: Zeroizing<[u8; 32]>,
}

impl HmacKey {
    pub(crate) fn new(id: KeyId, key: Zeroizing<[u8; 32]>) -> Self {
        HmacKey { id, key }
    }

    /// Which key and version this is.
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// HMAC-SHA256 of `data`.
    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut mac = self.mac_state();
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// A keyed HMAC-SHA256 state, for callers that feed data in parts.
    pub fn mac_state(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length; 32 bytes never fails.
        <Hmac<Sha256> as KeyInit>::new_from_slice(self.key.as_ref())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
    }

    /// Checks `tag` against the HMAC of `data` in constant time.
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> bool {
        let mut mac = self.mac_state();
        mac.update(data);
        mac.verify_slice(tag).is_ok()
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A 256-bit AES key (one version of an `aes256` key): a key-encryption key
/// for [`crate::envelope`], or an AEAD for small records.
pub struct AesKey {
    id: KeyId,
    key: Zeroizing<[u8; 32]>,
}

impl AesKey {
    pub(crate) fn new(id: KeyId, key: Zeroizing<[u8; 32]>) -> Self {
        AesKey { id, key }
    }

    /// Which key and version this is.
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// The AES-256-GCM cipher under this key (zeroized on drop).
    pub fn cipher(&self) -> Aes256Gcm {
        aes_gcm_cipher(&self.key)
    }

    /// Encrypts a small record: returns `nonce (12) || ciphertext || tag (16)`
    /// with a fresh random nonce. `aad` is authenticated, not encrypted.
    ///
    /// # Errors
    /// [`KeyError::Rng`].
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, KeyError> {
        seal(&self.key, aad, plaintext)
    }

    /// Opens what [`AesKey::seal`] made with the same `aad`.
    ///
    /// # Errors
    /// [`KeyError::Envelope`] when the record was altered or the key or
    /// `aad` differ.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        open(&self.key, aad, sealed).ok_or(KeyError::Envelope {
            what: "record failed authentication",
            offset: 0,
        })
    }
}

impl fmt::Debug for AesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AesKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The public half of a signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKey {
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// ECDSA P-256.
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// PEM-encoded SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`).
    ///
    /// # Errors
    /// [`KeyError::Encoding`] (not expected for valid keys).
    pub fn to_pem(&self) -> Result<String, KeyError> {
        use ed25519_dalek::pkcs8::EncodePublicKey as _;
        let line = ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF;
        match self {
            PublicKey::Ed25519(key) => key.to_public_key_pem(line),
            PublicKey::P256(key) => {
                use p256::pkcs8::EncodePublicKey as _;
                key.to_public_key_pem(p256::pkcs8::LineEnding::LF)
            }
        }
        .map_err(|e| KeyError::Encoding(e.to_string()))
    }

    /// Raw public key bytes: 32 for Ed25519, SEC1 compressed (33) for P-256.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(key) => key.to_bytes().to_vec(),
            PublicKey::P256(key) => key.to_sec1_bytes().to_vec(),
        }
    }
}

pub(crate) fn aes_gcm_cipher(key: &[u8; 32]) -> Aes256Gcm {
    Aes256Gcm::new(&(*key).into())
}

/// AES-256-GCM seal with a random nonce: `nonce || ct || tag`.
pub(crate) fn seal(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, KeyError> {
    let nonce: [u8; 12] = random_array()?;
    let cipher = aes_gcm_cipher(key);
    let mut out = Vec::with_capacity(12 + plaintext.len() + 16);
    out.extend_from_slice(&nonce);
    let mut body = plaintext.to_vec();
    cipher
        .encrypt_in_place(&Nonce::from(nonce), aad, &mut body)
        .map_err(|_| KeyError::Encoding("AES-GCM message too long".to_owned()))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Inverse of [`seal`]; `None` when authentication fails.
pub(crate) fn open(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let (nonce, body) = sealed.split_at_checked(12)?;
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    if body.len() < 16 {
        return None;
    }
    let cipher = aes_gcm_cipher(key);
    let mut buf = Zeroizing::new(body.to_vec());
    cipher
        .decrypt_in_place(&Nonce::from(nonce), aad, &mut *buf)
        .ok()?;
    Some(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> KeyId {
        KeyId {
            name: "k".into(),
            version: 1,
        }
    }

    #[test]
    fn debug_never_shows_material() {
        let key = [0x41u8; 32];
        let h = HmacKey::new(id(), Zeroizing::new(key));
        let a = AesKey::new(id(), Zeroizing::new(key));
        for text in [format!("{h:?}"), format!("{a:?}")] {
            assert!(text.contains("k"));
            assert!(!text.contains("65") && !text.contains("41") && !text.contains("AAAA"));
        }
    }

    #[test]
    fn hmac_verifies_in_constant_time_api() {
        let h = HmacKey::new(id(), Zeroizing::new([1u8; 32]));
        let tag = h.mac(b"alice@example.com");
        assert!(h.verify(b"alice@example.com", &tag));
        assert!(!h.verify(b"bob@example.com", &tag));
        assert!(!h.verify(b"alice@example.com", &tag[..31]));
    }

    #[test]
    fn seal_open_round_trip_and_tamper() {
        let a = AesKey::new(id(), Zeroizing::new([2u8; 32]));
        let sealed = a.seal(b"aad", b"record").unwrap();
        assert_eq!(&**a.open(b"aad", &sealed).unwrap(), b"record");
        assert!(a.open(b"other", &sealed).is_err());
        let mut bad = sealed.clone();
        bad[13] ^= 1;
        assert!(a.open(b"aad", &bad).is_err());
        assert!(a.open(b"aad", &sealed[..20]).is_err());
    }
}
