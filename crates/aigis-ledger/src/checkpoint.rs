//! C2SP tlog-checkpoints: the note text `<origin>\n<size>\n<base64 root>\n`
//! (optional extension lines after), signed as a C2SP signed-note.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::merkle::Hash;
use crate::note::{NoteError, NoteSigner, VerifierKey, open_note, sign_note};

/// A checkpoint: the log's origin, its size and its root hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line (also the signing key's name).
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// RFC 6962 root of the first `size` leaves.
    pub root: Hash,
    /// Extension lines, if any (kept, not interpreted).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text.
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for ext in &self.extensions {
            text.push_str(ext);
            text.push('\n');
        }
        text
    }

    /// Parses checkpoint note text.
    ///
    /// # Errors
    /// [`NoteError::Malformed`] naming the line.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let bad = |r: &str| NoteError::Malformed(format!("checkpoint: {r}"));
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| bad("must end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or_else(|| bad("line 1 (origin) is empty"))?;
        let size = lines
            .next()
            .ok_or_else(|| bad("line 2 (tree size) is missing"))?;
        if size.is_empty()
            || !size.bytes().all(|b| b.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return Err(bad(
                "line 2 (tree size) must be a decimal number without leading zeros",
            ));
        }
        let size: u64 = size
            .parse()
            .map_err(|_| bad("line 2 (tree size) is too large"))?;
        let root = lines
            .next()
            .ok_or_else(|| bad("line 3 (root hash) is missing"))?;
        let root: Hash = STANDARD
            .decode(root)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| bad("line 3 (root hash) must be base64 of 32 bytes"))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(bad("extension lines must not be empty"));
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Signs this checkpoint with the log's key; the key name is the origin.
    ///
    /// # Errors
    /// [`NoteError::Malformed`] if the origin is not a valid key name.
    pub fn sign(&self, signer: &dyn NoteSigner) -> Result<String, NoteError> {
        sign_note(&self.to_text(), &self.origin, signer)
    }

    /// Verifies a checkpoint note against trusted keys and parses it.
    /// Returns the checkpoint and the index of the key that signed it.
    ///
    /// # Errors
    /// [`NoteError`] for a bad signature, no trusted signature, or
    /// malformed text.
    pub fn open(note: &str, verifiers: &[VerifierKey]) -> Result<(Checkpoint, usize), NoteError> {
        let (text, by) = open_note(note, verifiers)?;
        let cp = Checkpoint::parse(text)?;
        if cp.origin != verifiers[by].name() {
            return Err(NoteError::Malformed(format!(
                "checkpoint origin {:?} differs from the signer's name {:?}",
                cp.origin,
                verifiers[by].name()
            )));
        }
        Ok((cp, by))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_strict_parsing() {
        let cp = Checkpoint {
            origin: "aigis-ledger/0011".into(),
            size: 42,
            root: [9u8; 32],
            extensions: vec![],
        };
        let text = cp.to_text();
        assert_eq!(Checkpoint::parse(&text).unwrap(), cp);
        for bad in [
            "o\n042\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n",
            "o\n-1\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n",
            "o\n1\nCQkJ\n",
            "\n1\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n",
            "o\n1\n",
            "o\n1\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=",
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
        }
        let key = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]);
        let note = cp.sign(&key).unwrap();
        let vk = VerifierKey::new(&cp.origin, key.verifying_key()).unwrap();
        assert_eq!(Checkpoint::open(&note, &[vk]).unwrap().0, cp);
    }
}
