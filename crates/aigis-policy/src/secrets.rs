//! The `aigis.secrets(text)` Rego builtin and the seam it calls.
//!
//! Policies call `aigis.secrets(s)` to learn whether a string holds a
//! credential. It returns an array of `{"kind", "start", "end", "score"}`
//! objects (byte offsets into `s`, end exclusive; score in `[0, 1]`),
//! empty when nothing is found. The secret itself is never returned, so a
//! policy cannot put it into a message by accident.
//!
//! What counts as a secret is decided by a [`SecretFinder`]; the default,
//! [`DetectSecrets`], is aigis-detect's secret recognizers (the ones
//! `aigis scan` uses). With no finder the builtin raises an error and the
//! evaluation fails closed. OPA has no such builtin, so policies that use
//! it are left out of OPA comparisons.

use std::sync::Arc;

use serde_json::{Value, json};

/// The Rego name of the builtin.
pub const SECRETS_BUILTIN: &str = "aigis.secrets";

/// One secret found in a string: what kind, and where (byte offsets).
#[derive(Debug, Clone, PartialEq)]
pub struct SecretMatch {
    /// A stable name for the kind of secret (`aws_access_key`,
    /// `private_key`, `github_token`, `assignment`, ...).
    pub kind: String,
    /// Byte offset where it starts.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
    /// Confidence in `[0, 1]`.
    pub score: f32,
}

/// Finds secrets in text. Implementations must be cheap to share across
/// threads and must never log or keep the text they are given.
pub trait SecretFinder: Send + Sync {
    /// Every secret in `text`, in any order.
    fn find(&self, text: &str) -> Vec<SecretMatch>;
}

/// aigis-detect's secret recognizers ([`aigis_detect::find_secrets`]):
/// AWS access keys, private keys, JWTs, GitHub, Slack, Stripe and Google
/// API tokens, and high-entropy `password=`/`token:` assignments.
#[derive(Debug, Clone, Copy, Default)]
pub struct DetectSecrets;

impl SecretFinder for DetectSecrets {
    fn find(&self, text: &str) -> Vec<SecretMatch> {
        aigis_detect::find_secrets(text)
            .into_iter()
            .map(|m| SecretMatch {
                kind: m.kind.to_owned(),
                start: m.start,
                end: m.end,
                score: m.score,
            })
            .collect()
    }
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
                    .map(|m| {
                        // Two decimals: f32 noise (0.85000002) stays out of Rego.
                        let score = (f64::from(m.score) * 100.0).round() / 100.0;
                        json!({"kind": m.kind, "start": m.start, "end": m.end, "score": score})
                    })
                    .collect();
                Ok(regorus::Value::from(Value::Array(found)))
            },
        ),
    )
}
