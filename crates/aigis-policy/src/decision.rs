//! Decision records: what was decided, over what, by which policies.
//!
//! Every `check` of a document and every `eval` produces one
//! [`DecisionRecord`]. The record holds digests and counts, never the
//! input or the violation messages, so it can go to an audit log as is.
//! Callers hand records to a [`DecisionSink`]; the binary's sink writes
//! them to the ledger (or drops them with `--no-ledger`).

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

/// Receives decision records. The binary wires this to the ledger.
pub trait DecisionSink {
    /// Records one decision. An error stops the command: a decision that
    /// cannot be recorded must not pass silently.
    fn record(&mut self, record: &DecisionRecord) -> anyhow::Result<()>;
}

/// A sink that keeps records in memory (tests, `--no-ledger` summaries).
#[derive(Debug, Default)]
pub struct MemorySink {
    /// Records received so far.
    pub records: Vec<DecisionRecord>,
}

impl DecisionSink for MemorySink {
    fn record(&mut self, record: &DecisionRecord) -> anyhow::Result<()> {
        self.records.push(record.clone());
        Ok(())
    }
}

/// `sha256:<hex>` of a JSON value's canonical form (object keys sorted,
/// no whitespace), as used for `input_digest`.
pub fn json_digest(value: &serde_json::Value) -> String {
    let mut hasher = Sha256::new();
    canonical(value, &mut hasher);
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

/// Feeds the canonical JSON text of a value to the hasher: keys sorted
/// whatever the map's own order, no whitespace, strings and numbers as
/// serde_json writes them.
fn canonical(value: &serde_json::Value, hasher: &mut Sha256) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            hasher.update(b"{");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    hasher.update(b",");
                }
                hasher.update(Value::String(k.clone()).to_string().as_bytes());
                hasher.update(b":");
                if let Some(v) = map.get(k) {
                    canonical(v, hasher);
                }
            }
            hasher.update(b"}");
        }
        Value::Array(items) => {
            hasher.update(b"[");
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    hasher.update(b",");
                }
                canonical(v, hasher);
            }
            hasher.update(b"]");
        }
        scalar => hasher.update(scalar.to_string().as_bytes()),
    }
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
}
