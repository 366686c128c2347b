//! in-toto Statement v1: subjects (resource descriptors with digest sets), a
//! predicate type and a predicate.
//!
//! Statements are written as canonical JSON (sorted keys, no whitespace), so
//! the same statement always has the same bytes. Parsing accepts any valid
//! Statement v1 (unknown descriptor fields are ignored) and refuses other
//! `_type`s, empty subject lists and non-string digests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::digest::Sha256Digest;
use crate::error::{Error, Result};
use crate::json::canonical_json;

/// The `_type` of an in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// An in-toto ResourceDescriptor, reduced to what subjects and aigis
/// predicates use: a name and a digest set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceDescriptor {
    /// The artifact's name (for files, the path as recorded).
    #[serde(default)]
    pub name: String,
    /// Algorithm name to lowercase hex digest, e.g. `{"sha256": "..."}`.
    #[serde(default)]
    pub digest: BTreeMap<String, String>,
}

impl ResourceDescriptor {
    /// A descriptor with a single SHA-256 digest.
    pub fn new(name: impl Into<String>, digest: Sha256Digest) -> Self {
        ResourceDescriptor {
            name: name.into(),
            digest: BTreeMap::from([("sha256".to_owned(), digest.to_hex())]),
        }
    }

    /// The SHA-256 digest, when present and well formed.
    pub fn sha256(&self) -> Option<Sha256Digest> {
        self.digest
            .get("sha256")
            .and_then(|h| Sha256Digest::from_hex(h).ok())
    }
}

/// An in-toto Statement v1.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// What the statement is about.
    pub subject: Vec<ResourceDescriptor>,
    /// The predicate's type URI.
    pub predicate_type: String,
    /// The predicate (any JSON; aigis predicates are objects).
    pub predicate: Value,
}

#[derive(Deserialize)]
struct WireStatement {
    #[serde(rename = "_type")]
    type_: String,
    subject: Vec<ResourceDescriptor>,
    #[serde(rename = "predicateType")]
    predicate_type: String,
    #[serde(default)]
    predicate: Value,
}

impl Statement {
    /// Canonical JSON bytes (sorted keys, compact), ready to be a DSSE payload.
    pub fn to_json(&self) -> Vec<u8> {
        let value = serde_json::json!({
            "_type": STATEMENT_TYPE,
            "subject": self.subject,
            "predicateType": self.predicate_type,
            "predicate": self.predicate,
        });
        canonical_json(&value)
    }

    /// Parses and checks a statement.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        const WHAT: &str = "in-toto statement";
        let wire: WireStatement =
            serde_json::from_slice(bytes).map_err(|e| Error::json(WHAT, &e))?;
        if wire.type_ != STATEMENT_TYPE {
            return Err(Error::parse(
                WHAT,
                format!("_type is {:?}, expected {STATEMENT_TYPE:?}", wire.type_),
            ));
        }
        if wire.subject.is_empty() {
            return Err(Error::parse(WHAT, "subject list is empty"));
        }
        for (i, s) in wire.subject.iter().enumerate() {
            if s.digest.is_empty() {
                return Err(Error::parse(WHAT, format!("subject[{i}] has no digest")));
            }
        }
        Ok(Statement {
            subject: wire.subject,
            predicate_type: wire.predicate_type,
            predicate: wire.predicate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_canonically() {
        let st = Statement {
            subject: vec![ResourceDescriptor::new("a", Sha256Digest::of_bytes(b"a"))],
            predicate_type: "https://example.com/p".into(),
            predicate: serde_json::json!({"z": 1, "a": "é"}),
        };
        let bytes = st.to_json();
        assert!(
            bytes.starts_with(br#"{"_type":"https://in-toto.io/Statement/v1","predicate":{"a""#)
        );
        assert_eq!(Statement::from_json(&bytes).unwrap(), st);
    }

    #[test]
    fn refuses_wrong_type_and_empty_subjects() {
        let bad_type = br#"{"_type":"x","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"p"}"#;
        assert!(Statement::from_json(bad_type).is_err());
        let empty =
            br#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}"#;
        assert!(Statement::from_json(empty).is_err());
        let digest_num = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":1}}],"predicateType":"p"}"#;
        assert!(Statement::from_json(digest_num).is_err());
    }
}
