//! C2SP signed notes with Ed25519: verifier keys, signing, parsing and
//! verification.
//!
//! A note is UTF-8 text ending in a newline, a blank line, then one or more
//! signature lines `— <name> <base64(key hash (4) || signature (64))>`. The
//! key hash is the first four bytes of `SHA-256(name || "\n" || 0x01 ||
//! public key)`, and a verifier key is written
//! `<name>+<hex key hash>+<base64(0x01 || public key)>`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Algorithm byte of Ed25519 keys in signed notes.
const ALG_ED25519: u8 = 0x01;
/// Signature lines start with an em dash and a space.
const SIG_PREFIX: &str = "\u{2014} ";
/// Largest note accepted by the parser.
pub const MAX_NOTE_BYTES: usize = 1 << 20;
/// Most signature lines accepted on one note.
pub const MAX_SIGNATURES: usize = 100;

/// Why a note did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// The text is not a well-formed signed note (or verifier key).
    #[error("malformed note: {0}")]
    Malformed(String),
    /// A signature line by a trusted key does not verify.
    #[error("bad signature by {name}")]
    BadSignature {
        /// The signer's name.
        name: String,
    },
    /// No signature line is by any of the trusted keys.
    #[error("no signature by a trusted key (signed by: {names})")]
    NoTrustedSignature {
        /// Names on the signature lines, comma-separated.
        names: String,
    },
}

fn malformed(reason: impl Into<String>) -> NoteError {
    NoteError::Malformed(reason.into())
}

/// Key names: non-empty, no whitespace, no `+`.
pub(crate) fn check_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty() || name.contains('+') || name.chars().any(char::is_whitespace) {
        return Err(malformed(format!(
            "key name {name:?} must be non-empty without spaces or '+'"
        )));
    }
    Ok(())
}

/// The 4-byte key hash of an Ed25519 key under `name`.
pub fn key_hash(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(key.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A named Ed25519 public key that verifies notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    hash: [u8; 4],
    key: VerifyingKey,
}

impl VerifierKey {
    /// A verifier key for `key` under `name`.
    ///
    /// # Errors
    /// [`NoteError::Malformed`] for a bad name.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        check_name(name)?;
        Ok(VerifierKey {
            name: name.to_owned(),
            hash: key_hash(name, &key),
            key,
        })
    }

    /// Parses `<name>+<hex hash>+<base64(0x01 || key)>`.
    ///
    /// # Errors
    /// [`NoteError::Malformed`] naming what is wrong.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let text = text.trim();
        // Names hold no '+', base64 may: split from the left.
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(hash), Some(material)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed("verifier key must be NAME+HASH+KEY"));
        };
        check_name(name)?;
        let raw = STANDARD
            .decode(material)
            .map_err(|_| malformed("verifier key material is not base64"))?;
        let Some((&ALG_ED25519, key)) = raw.split_first() else {
            return Err(malformed("verifier key is not an Ed25519 (type 0x01) key"));
        };
        let key: [u8; 32] = key
            .try_into()
            .map_err(|_| malformed("Ed25519 verifier key must be 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&key)
            .map_err(|_| malformed("verifier key is not a valid Ed25519 point"))?;
        let vk = VerifierKey::new(name, key)?;
        if hex::encode(vk.hash) != hash {
            return Err(malformed(
                "verifier key hash does not match its name and key",
            ));
        }
        Ok(vk)
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key hash.
    pub fn key_hash(&self) -> [u8; 4] {
        self.hash
    }

    /// The public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut material = vec![ALG_ED25519];
        material.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{}+{}",
            self.name,
            hex::encode(self.hash),
            STANDARD.encode(material)
        )
    }
}

/// Something that signs notes with Ed25519.
pub trait NoteSigner: Send + Sync {
    /// The public key.
    fn verifying_key(&self) -> VerifyingKey;
    /// Signs `msg` (pure Ed25519).
    fn sign(&self, msg: &[u8]) -> Signature;
}

impl NoteSigner for SigningKey {
    fn verifying_key(&self) -> VerifyingKey {
        SigningKey::verifying_key(self)
    }

    fn sign(&self, msg: &[u8]) -> Signature {
        ed25519_dalek::Signer::sign(self, msg)
    }
}

fn check_text(text: &str) -> Result<(), NoteError> {
    if text.is_empty() || !text.ends_with('\n') {
        return Err(malformed("note text must end with a newline"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(malformed("note text contains control characters"));
    }
    Ok(())
}

/// Signs `text` as `name`, returning the whole note.
///
/// # Errors
/// [`NoteError::Malformed`] for text that is not note text or a bad name.
pub fn sign_note(text: &str, name: &str, signer: &dyn NoteSigner) -> Result<String, NoteError> {
    check_text(text)?;
    check_name(name)?;
    let vk = signer.verifying_key();
    let sig = signer.sign(text.as_bytes());
    let mut blob = key_hash(name, &vk).to_vec();
    blob.extend_from_slice(&sig.to_bytes());
    Ok(format!(
        "{text}\n{SIG_PREFIX}{name} {}\n",
        STANDARD.encode(blob)
    ))
}

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The signer's name.
    pub name: String,
    /// The signer's 4-byte key hash.
    pub key_hash: [u8; 4],
    /// The signature bytes (64 for Ed25519).
    pub signature: Vec<u8>,
}

/// A note split into text and signatures (not yet verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedNote {
    /// The signed text, ending in a newline.
    pub text: String,
    /// Its signature lines.
    pub signatures: Vec<NoteSignature>,
}

/// Splits a note into text and signature lines.
///
/// # Errors
/// [`NoteError::Malformed`] naming what is wrong.
pub fn parse_note(note: &str) -> Result<ParsedNote, NoteError> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(malformed("note is larger than 1 MiB"));
    }
    if !note.ends_with('\n') {
        return Err(malformed("note must end with a newline"));
    }
    let sep = note
        .rfind("\n\n")
        .ok_or_else(|| malformed("no blank line before the signatures"))?;
    let (text, sigs) = (&note[..=sep], &note[sep + 2..]);
    check_text(text)?;
    let mut signatures = Vec::new();
    for (i, line) in sigs.lines().enumerate() {
        if i >= MAX_SIGNATURES {
            return Err(malformed("too many signatures"));
        }
        let rest = line.strip_prefix(SIG_PREFIX).ok_or_else(|| {
            malformed(format!("signature line {} does not start with '— '", i + 1))
        })?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or_else(|| malformed(format!("signature line {} needs NAME SIGNATURE", i + 1)))?;
        check_name(name)?;
        let blob = STANDARD
            .decode(b64)
            .map_err(|_| malformed(format!("signature line {} is not base64", i + 1)))?;
        if blob.len() < 5 {
            return Err(malformed(format!("signature line {} is too short", i + 1)));
        }
        let (hash, sig) = blob.split_at(4);
        signatures.push(NoteSignature {
            name: name.to_owned(),
            key_hash: [hash[0], hash[1], hash[2], hash[3]],
            signature: sig.to_vec(),
        });
    }
    if signatures.is_empty() {
        return Err(malformed("no signature lines"));
    }
    Ok(ParsedNote {
        text: text.to_owned(),
        signatures,
    })
}

/// Verifies `note` against trusted keys: every signature line by a trusted
/// key (same name and key hash) must verify, and there must be at least
/// one. Returns the text and the index in `verifiers` of the first key that
/// signed it.
///
/// # Errors
/// [`NoteError`] saying why.
pub fn open_note<'a>(
    note: &'a str,
    verifiers: &[VerifierKey],
) -> Result<(&'a str, usize), NoteError> {
    let parsed = parse_note(note)?;
    let text_len = parsed.text.len();
    let mut signed_by = None;
    for sig in &parsed.signatures {
        let Some(pos) = verifiers
            .iter()
            .position(|v| v.name == sig.name && v.hash == sig.key_hash)
        else {
            continue;
        };
        let bytes: [u8; 64] =
            sig.signature
                .as_slice()
                .try_into()
                .map_err(|_| NoteError::BadSignature {
                    name: sig.name.clone(),
                })?;
        verifiers[pos]
            .key
            .verify_strict(parsed.text.as_bytes(), &Signature::from_bytes(&bytes))
            .map_err(|_| NoteError::BadSignature {
                name: sig.name.clone(),
            })?;
        signed_by.get_or_insert(pos);
    }
    match signed_by {
        Some(pos) => Ok((&note[..text_len], pos)),
        None => Err(NoteError::NoTrustedSignature {
            names: parsed
                .signatures
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Parses a Go-style signer key `PRIVATE+KEY+<name>+<hash>+<base64(0x01 ||
/// seed)>` (as in golang.org/x/mod/sumdb/note), for interoperability tests
/// and imports.
///
/// # Errors
/// [`NoteError::Malformed`].
pub fn parse_signer_key(text: &str) -> Result<(String, SigningKey), NoteError> {
    let rest = text
        .trim()
        .strip_prefix("PRIVATE+KEY+")
        .ok_or_else(|| malformed("signer key must start with PRIVATE+KEY+"))?;
    let mut parts = rest.splitn(3, '+');
    let (Some(name), Some(hash), Some(material)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("signer key must be PRIVATE+KEY+NAME+HASH+KEY"));
    };
    let raw = zeroize::Zeroizing::new(
        STANDARD
            .decode(material)
            .map_err(|_| malformed("signer key material is not base64"))?,
    );
    let Some((&ALG_ED25519, seed)) = raw.split_first() else {
        return Err(malformed("signer key is not Ed25519"));
    };
    let seed: &[u8; 32] = seed
        .try_into()
        .map_err(|_| malformed("Ed25519 signer key must be 32 bytes"))?;
    let key = SigningKey::from_bytes(seed);
    if hex::encode(key_hash(name, &key.verifying_key())) != hash {
        return Err(malformed("signer key hash does not match its name and key"));
    }
    Ok((name.to_owned(), key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::shared_vectors;

    #[test]
    fn go_example_note_signs_byte_for_byte_and_verifies() {
        let v = &shared_vectors()["signed_note"];
        let (name, key) = parse_signer_key(v["signer_key"].as_str().unwrap()).unwrap();
        let vkey = VerifierKey::parse(v["verifier_key"].as_str().unwrap()).unwrap();
        assert_eq!(vkey.to_string(), v["verifier_key"].as_str().unwrap());
        assert_eq!(VerifierKey::new(&name, key.verifying_key()).unwrap(), vkey);
        let text = v["text"].as_str().unwrap();
        let note = sign_note(text, &name, &key).unwrap();
        assert_eq!(note, v["note"].as_str().unwrap());
        let (opened, by) = open_note(&note, std::slice::from_ref(&vkey)).unwrap();
        assert_eq!((opened, by), (text, 0));
        let tampered = note.replace("cryptography", "cryptographY");
        assert!(matches!(
            open_note(&tampered, std::slice::from_ref(&vkey)),
            Err(NoteError::BadSignature { .. })
        ));
    }

    #[test]
    fn unknown_and_malformed_signatures() {
        let key = SigningKey::from_bytes(&[3u8; 32]);
        let other = SigningKey::from_bytes(&[4u8; 32]);
        let note = sign_note("hello\n", "a.example/log", &key).unwrap();
        let mine = VerifierKey::new("a.example/log", key.verifying_key()).unwrap();
        let theirs = VerifierKey::new("a.example/log", other.verifying_key()).unwrap();
        assert!(matches!(
            open_note(&note, std::slice::from_ref(&theirs)),
            Err(NoteError::NoTrustedSignature { .. })
        ));
        assert!(open_note(&note, &[theirs, mine]).is_ok());
        for bad in [
            "hello\n",
            "hello\n\n",
            "hello\n\n- a.example/log AAAA\n",
            "hello\n\n\u{2014} a.example/log !!!\n",
            "hello\n\n\u{2014} a.example/log AAA=\n",
            "hello\n\n\u{2014} nospace\n",
            "hel\u{7}lo\n\n\u{2014} a AAAAAAAA\n",
        ] {
            assert!(
                matches!(parse_note(bad), Err(NoteError::Malformed(_))),
                "{bad:?}"
            );
        }
        for bad in ["", "a+b", "a+zzzzzzzz+AQ==", "a b+00000000+AQ=="] {
            assert!(VerifierKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}
