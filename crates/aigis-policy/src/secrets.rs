//! The `aigis.secrets(text)` Rego builtin and the seam it calls.
//!
//! Policies call `aigis.secrets(s)` to learn whether a string holds a
//! credential. It returns an array of `{"kind": K, "start": S, "end": E}`
//! objects (byte offsets into `s`, end exclusive), empty when nothing is
//! found. The secret itself is never returned, so a policy cannot put it
//! into a message by accident.
//!
//! What counts as a secret is decided by a [`SecretFinder`] that the caller
//! injects ([`crate::EngineOptions::secret_finder`]); the policy crate has
//! no recognizers of its own. Without a finder the builtin raises an error
//! and the evaluation fails closed. OPA has no such builtin, so policies
//! that use it are left out of OPA comparisons.

use std::sync::Arc;

use serde_json::{Value, json};

/// The Rego name of the builtin.
pub const SECRETS_BUILTIN: &str = "aigis.secrets";

/// One secret found in a string: what kind, and where (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// A stable name for the kind of secret (`aws_access_key_id`,
    /// `private_key`, `github_token`, ...).
    pub kind: String,
    /// Byte offset where it starts.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
}

/// Finds secrets in text. Implementations must be cheap to share across
/// threads and must never log or keep the text they are given.
pub trait SecretFinder: Send + Sync {
    /// Every secret in `text`, in any order.
    fn find(&self, text: &str) -> Vec<SecretMatch>;
}

/// Registers `aigis.secrets` on a regorus engine, backed by `finder`.
pub(crate) fn register(
    engine: &mut regorus::Engine,
    finder: Option<Arc<dyn SecretFinder>>,
) -> anyhow::Result<()> {
    engine.add_extension(
        SECRETS_BUILTIN.to_string(),
        1,
        Box::new(
            move |args: Vec<regorus::Value>| -> anyhow::Result<regorus::Value> {
                let Some(finder) = finder.as_ref() else {
                    anyhow::bail!(
                        "{SECRETS_BUILTIN}: no secret recognizers are configured in this build"
                    );
                };
                let text = match args.first() {
                    Some(regorus::Value::String(s)) => s.clone(),
                    Some(regorus::Value::Undefined) | None => return Ok(regorus::Value::Undefined),
                    Some(_) => anyhow::bail!("{SECRETS_BUILTIN}: operand 1 must be a string"),
                };
                let found: Vec<Value> = finder
                    .find(&text)
                    .into_iter()
                    .map(|m| json!({"kind": m.kind, "start": m.start, "end": m.end}))
                    .collect();
                Ok(regorus::Value::from(Value::Array(found)))
            },
        ),
    )
}
