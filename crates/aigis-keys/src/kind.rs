//! Key kinds and what each is for.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::KeyError;

/// What a key is and what it may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum KeyKind {
    /// Ed25519 signing key (ledger checkpoints, attestations).
    #[serde(rename = "ed25519")]
    Ed25519,
    /// ECDSA over NIST P-256 with SHA-256 (model signatures).
    #[serde(rename = "ecdsa-p256")]
    EcdsaP256,
    /// 256-bit HMAC-SHA256 key (pseudonyms).
    #[serde(rename = "hmac")]
    Hmac,
    /// AES-256 key-encryption key (envelope encryption).
    #[serde(rename = "aes256")]
    Aes256,
}

impl KeyKind {
    /// The kind's name as written in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Ed25519 => "ed25519",
            KeyKind::EcdsaP256 => "ecdsa-p256",
            KeyKind::Hmac => "hmac",
            KeyKind::Aes256 => "aes256",
        }
    }

    /// True for kinds with a public half (signing keys).
    pub fn is_asymmetric(self) -> bool {
        matches!(self, KeyKind::Ed25519 | KeyKind::EcdsaP256)
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KeyKind {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ed25519" => Ok(KeyKind::Ed25519),
            "ecdsa-p256" | "p256" => Ok(KeyKind::EcdsaP256),
            "hmac" | "hmac-sha256" => Ok(KeyKind::Hmac),
            "aes256" | "aes-256" => Ok(KeyKind::Aes256),
            other => Err(KeyError::UnknownKind {
                kind: other.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in [
            KeyKind::Ed25519,
            KeyKind::EcdsaP256,
            KeyKind::Hmac,
            KeyKind::Aes256,
        ] {
            assert_eq!(kind.as_str().parse::<KeyKind>().unwrap(), kind);
        }
        assert!("rsa".parse::<KeyKind>().is_err());
    }
}
