//! SHA-256 digests of bytes, readers and files.
//!
//! Files are read in large buffered chunks (no memory mapping: the workspace
//! forbids unsafe code) and hashed with `sha2`, which uses the CPU's SHA
//! extensions (x86 SHA-NI, ARMv8 SHA2) when present. Many files are hashed in
//! parallel by the caller (see [`crate::manifest`]); one file is one
//! sequential SHA-256 stream by definition.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};

/// Read size for hashing files: large enough that syscall overhead vanishes
/// next to hashing, small enough to stay in L2 cache.
const CHUNK: usize = 1 << 20;

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha256Digest([u8; 32]);

impl Sha256Digest {
    /// Wraps raw digest bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Sha256Digest(bytes)
    }

    /// The raw 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex, as in-toto digest sets and model-signing write it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(text: &str) -> Result<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).map_err(|_| {
            Error::parse(
                "sha256 digest",
                format!("expected 64 hex digits, found {} characters", text.len()),
            )
        })?;
        Ok(Sha256Digest(out))
    }

    /// The digest of `data`.
    pub fn of_bytes(data: &[u8]) -> Self {
        Sha256Digest(Sha256::digest(data).into())
    }

    /// The digest of everything `reader` yields.
    pub fn of_reader(mut reader: impl Read) -> io::Result<Self> {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; CHUNK];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hasher.update(buf.get(..n).unwrap_or_default()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Sha256Digest(hasher.finalize().into()))
    }

    /// The digest of the file at `path` (symbolic links are followed).
    pub fn of_file(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        Self::of_reader(file).map_err(|e| Error::io(path, e))
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.to_hex())
    }
}

impl FromStr for Sha256Digest {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::from_hex(s.strip_prefix("sha256:").unwrap_or(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_abc_match_fips_180_2() {
        assert_eq!(
            Sha256Digest::of_bytes(b"").to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            Sha256Digest::of_bytes(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn reader_matches_bytes_across_chunk_boundaries() {
        let data: Vec<u8> = (0..(CHUNK * 2 + 17)).map(|i| (i % 251) as u8).collect();
        let from_reader = Sha256Digest::of_reader(&data[..]).unwrap();
        assert_eq!(from_reader, Sha256Digest::of_bytes(&data));
    }

    #[test]
    fn hex_round_trips_and_rejects_junk() {
        let d = Sha256Digest::of_bytes(b"x");
        assert_eq!(Sha256Digest::from_hex(&d.to_hex()).unwrap(), d);
        assert_eq!(format!("sha256:{d}").parse::<Sha256Digest>().unwrap(), d);
        assert!(Sha256Digest::from_hex("abc").is_err());
        assert!(Sha256Digest::from_hex(&"zz".repeat(32)).is_err());
    }
}
