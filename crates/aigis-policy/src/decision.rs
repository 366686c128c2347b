//! Decision records: what was decided, over what, by which policies.
//!
//! Every `check` of a document and every `eval` produces one
//! [`DecisionRecord`]. The record holds digests and counts, never the
//! input or the violation messages, so it can go to an audit log as is.
//! The binary records each one as a ledger event (`policy.check`,
//! `policy.eval`), or drops it with `--no-ledger`.

use serde::Serialize;
use sha2::{Digest as _, Sha256};

/// The outcome of one decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DecisionResult {
    /// Nothing denied (warnings may exist).
    Allowed,
    /// At least one `deny`/`violation` result.
    Denied,
    /// `eval`: the query had a value.
    Defined,
    /// `eval`: the query was undefined.
    Undefined,
    /// Evaluation failed (counted as denied: fail closed).
    Error,
}

/// One policy decision, fit for an append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRecord {
    /// `policy.check` or `policy.eval`.
    pub action: &'static str,
    /// `sha256:<hex>` over the policy bundle (see
    /// [`crate::PolicyBundle::digest`]).
    pub bundle_digest: String,
    /// `sha256:<hex>` of the input's canonical JSON (keys sorted), or of
    /// `null` when there was none.
    pub input_digest: String,
    /// The input file (check) or `-i` file (eval), if any.
    pub input_path: Option<String>,
    /// Document index in the file (check).
    pub document: Option<usize>,
    /// The query (eval) or the namespaces evaluated (check), comma separated.
    pub query: String,
    /// What was decided.
    pub result: DecisionResult,
    /// Number of `deny` + `violation` results.
    pub violations: usize,
    /// Number of `warn` results.
    pub warnings: usize,
}

/// `sha256:<hex>` of a JSON value's RFC 8785 (JCS) canonical form, as
/// used for `input_digest`: the same input gives the same digest whatever
/// its key order or spacing, and any JCS implementation reproduces it.
pub fn json_digest(value: &serde_json::Value) -> String {
    // JCS fails only on non-finite numbers, which a serde_json Value cannot
    // hold; the compact serde_json text is the (unreachable) fallback.
    let bytes =
        serde_json_canonicalizer::to_vec(value).unwrap_or_else(|_| value.to_string().into_bytes());
    format!("sha256:{}", hex::encode(Sha256::digest(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_ignores_key_order() {
        let a: serde_json::Value = serde_json::from_str(r#"{"b":1,"a":[1,2]}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"a":[1,2],"b":1}"#).unwrap();
        assert_eq!(json_digest(&a), json_digest(&b));
        assert!(json_digest(&a).starts_with("sha256:"));
        assert_eq!(json_digest(&a).len(), 7 + 64);
    }

    #[test]
    fn digest_is_sha256_of_jcs() {
        // RFC 8785: keys sorted, no whitespace, 1.0 written as 1.
        let v: serde_json::Value = serde_json::from_str(r#"{ "b": 1.0, "a": "x" }"#).unwrap();
        let expected = format!(
            "sha256:{}",
            hex::encode(Sha256::digest(br#"{"a":"x","b":1}"#))
        );
        assert_eq!(json_digest(&v), expected);
    }
}
