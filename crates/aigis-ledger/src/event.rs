//! Audit events: what is recorded, how it is validated, and its leaf bytes
//! (RFC 8785 canonical JSON).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::LedgerError;
use crate::merkle::{Hash, leaf_hash};

/// Largest serialized `details` object accepted, in bytes.
pub const MAX_DETAILS_BYTES: usize = 16 * 1024;

/// Detail keys refused because they name secrets (a guard against careless
/// callers, not a PII detector: callers must put digests, counts and
/// positions in details, never values).
const SECRET_KEYS: [&str; 13] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "private_key",
    "privatekey",
    "api_key",
    "apikey",
    "access_token",
    "refresh_token",
    "master_key",
    "credential",
    "credentials",
];

/// How the recorded action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Outcome {
    /// It was done.
    #[default]
    Success,
    /// It was attempted and failed (a check failed, a gate blocked).
    Failure,
    /// It was refused by policy or permissions.
    Denied,
    /// It could not run (bad input, internal error).
    Error,
}

impl Outcome {
    /// The name written in events.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
            Outcome::Error => "error",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Outcome {
    type Err = LedgerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "success" => Ok(Outcome::Success),
            "failure" => Ok(Outcome::Failure),
            "denied" => Ok(Outcome::Denied),
            "error" => Ok(Outcome::Error),
            other => Err(invalid(format!(
                "outcome {other:?}: expected success, failure, denied or error"
            ))),
        }
    }
}

/// What an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// The kind of thing: `dataset`, `model`, `key`, `file`, `ledger`, ...
    pub kind: String,
    /// Its identifier (a path, a name, a registry id).
    pub id: String,
    /// Content digest, `<algorithm>:<lowercase hex>` (e.g. `sha256:...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl Subject {
    /// A subject without a digest.
    pub fn new(kind: impl Into<String>, id: impl Into<String>) -> Self {
        Subject {
            kind: kind.into(),
            id: id.into(),
            digest: None,
        }
    }

    /// Adds a digest (`sha256:<hex>`).
    #[must_use]
    pub fn with_digest(mut self, digest: impl Into<String>) -> Self {
        self.digest = Some(digest.into());
        self
    }

    /// Parses `KIND:ID`.
    ///
    /// # Errors
    /// [`LedgerError::InvalidEvent`] when there is no `:`.
    pub fn parse(text: &str) -> Result<Self, LedgerError> {
        let (kind, id) = text
            .split_once(':')
            .ok_or_else(|| invalid(format!("subject {text:?}: expected KIND:ID")))?;
        Ok(Subject::new(kind, id))
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.id)
    }
}

/// An event to record: everything but the sequence number and time, which
/// the ledger assigns when the event becomes durable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDraft {
    /// Who did it (`user:alice`, `ci:github`, `service:gateway`).
    pub actor: String,
    /// What was done, dotted lowercase (`keys.rotate`, `scan.run`).
    pub action: String,
    /// What it was done to.
    pub subject: Subject,
    /// How it ended (default `success`).
    #[serde(default)]
    pub outcome: Outcome,
    /// Extra facts: digests, counts, positions, versions. Never PII or
    /// secrets.
    #[serde(default)]
    pub details: Map<String, Value>,
}

impl EventDraft {
    /// A successful event with no details.
    pub fn new(actor: impl Into<String>, action: impl Into<String>, subject: Subject) -> Self {
        EventDraft {
            actor: actor.into(),
            action: action.into(),
            subject,
            outcome: Outcome::Success,
            details: Map::new(),
        }
    }

    /// Sets the outcome.
    #[must_use]
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    /// Adds one detail.
    #[must_use]
    pub fn detail(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.details.insert(key.into(), value.into());
        self
    }

    /// Parses one `--stdin` line: `{"actor", "action", "subject": {"kind",
    /// "id", "digest"?}, "outcome"?, "details"?}`, then validates it.
    ///
    /// # Errors
    /// [`LedgerError::InvalidEvent`] naming the line and field.
    pub fn from_json_line(line: &str, line_no: u64) -> Result<Self, LedgerError> {
        let context = format!("line {line_no}: ");
        let draft: EventDraft =
            serde_json::from_str(line).map_err(|e| LedgerError::InvalidEvent {
                context: context.clone(),
                reason: format!("{e} (expected {{\"actor\", \"action\", \"subject\": {{\"kind\", \"id\"}}, ...}})"),
            })?;
        draft.validate().map_err(|e| match e {
            LedgerError::InvalidEvent { reason, .. } => {
                LedgerError::InvalidEvent { context, reason }
            }
            other => other,
        })?;
        Ok(draft)
    }

    /// Checks every field's shape and size.
    ///
    /// # Errors
    /// [`LedgerError::InvalidEvent`] naming the field.
    pub fn validate(&self) -> Result<(), LedgerError> {
        check_text("actor", &self.actor, 256)?;
        check_token("action", &self.action, 128)?;
        check_token("subject.kind", &self.subject.kind, 64)?;
        check_text("subject.id", &self.subject.id, 1024)?;
        if let Some(d) = &self.subject.digest {
            check_digest(d)?;
        }
        check_details(&self.details)
    }

    /// The event this draft becomes at `seq` and `time`.
    pub fn into_event(self, seq: u64, time: String) -> Event {
        Event {
            seq,
            time,
            actor: self.actor,
            action: self.action,
            subject: self.subject,
            outcome: self.outcome,
            details: self.details,
        }
    }
}

/// A recorded event. Its leaf is its RFC 8785 canonical JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Position in the ledger, from 0; also the Merkle leaf index.
    pub seq: u64,
    /// When it became durable: RFC 3339, UTC, microseconds
    /// (`2026-01-02T03:04:05.123456Z`).
    pub time: String,
    /// Who did it.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// What it was done to.
    pub subject: Subject,
    /// How it ended.
    pub outcome: Outcome,
    /// Extra facts (no PII, no secrets).
    pub details: Map<String, Value>,
}

impl Event {
    /// The leaf bytes: RFC 8785 canonical JSON (no newline).
    ///
    /// # Errors
    /// [`LedgerError::Encoding`] (only for numbers JSON cannot hold).
    pub fn leaf(&self) -> Result<Vec<u8>, LedgerError> {
        serde_json_canonicalizer::to_vec(self).map_err(|e| LedgerError::Encoding(e.to_string()))
    }

    /// The RFC 6962 leaf hash of [`Event::leaf`].
    ///
    /// # Errors
    /// As [`Event::leaf`].
    pub fn leaf_hash(&self) -> Result<Hash, LedgerError> {
        Ok(leaf_hash(&self.leaf()?))
    }

    /// Parses leaf bytes, requiring them to be exactly the canonical form.
    ///
    /// # Errors
    /// [`LedgerError::InvalidEvent`] when not an event or not canonical.
    pub fn from_leaf(bytes: &[u8]) -> Result<Event, LedgerError> {
        let event: Event = serde_json::from_slice(bytes)
            .map_err(|e| invalid(format!("leaf is not an event: {e}")))?;
        if event.leaf()? != bytes {
            return Err(invalid("leaf is not in RFC 8785 canonical form".to_owned()));
        }
        Ok(event)
    }
}

/// The current time as events record it.
pub fn now_rfc3339() -> String {
    format_time(jiff::Timestamp::now())
}

/// Formats a timestamp as events record it (UTC, microseconds, `Z`).
pub fn format_time(ts: jiff::Timestamp) -> String {
    format!("{ts:.6}")
}

/// Parses an RFC 3339 time (any offset) into the events' format, for
/// filters.
///
/// # Errors
/// [`LedgerError::InvalidEvent`] naming the text.
pub fn normalize_time(text: &str) -> Result<String, LedgerError> {
    let ts: jiff::Timestamp = text.parse().map_err(|_| {
        invalid(format!(
            "time {text:?}: expected RFC 3339, e.g. 2026-01-02T03:04:05Z"
        ))
    })?;
    Ok(format_time(ts))
}

fn invalid(reason: String) -> LedgerError {
    LedgerError::InvalidEvent {
        context: String::new(),
        reason,
    }
}

fn check_text(field: &str, value: &str, max: usize) -> Result<(), LedgerError> {
    if value.is_empty() {
        return Err(invalid(format!("{field} is empty")));
    }
    if value.len() > max {
        return Err(invalid(format!("{field} is longer than {max} bytes")));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(format!("{field} contains control characters")));
    }
    Ok(())
}

fn check_token(field: &str, value: &str, max: usize) -> Result<(), LedgerError> {
    check_text(field, value, max)?;
    if !value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return Err(invalid(format!(
            "{field} {value:?}: use lowercase letters, digits, '.', '_' and '-'"
        )));
    }
    Ok(())
}

fn check_digest(digest: &str) -> Result<(), LedgerError> {
    let ok = digest.split_once(':').is_some_and(|(alg, hex)| {
        !alg.is_empty()
            && alg.len() <= 16
            && alg
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && hex.len() >= 32
            && hex.len() <= 128
            && hex.len() % 2 == 0
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "subject.digest {digest:?}: expected ALGORITHM:LOWERCASE-HEX, e.g. sha256:<64 hex>"
        )))
    }
}

fn check_details(details: &Map<String, Value>) -> Result<(), LedgerError> {
    fn walk(path: &str, value: &Value) -> Result<(), LedgerError> {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let lower = k.to_ascii_lowercase();
                    if SECRET_KEYS
                        .iter()
                        .any(|s| lower == *s || lower.ends_with(&format!("_{s}")))
                    {
                        return Err(invalid(format!(
                            "details{path}.{k}: keys naming secrets are refused; record a digest or an id instead"
                        )));
                    }
                    walk(&format!("{path}.{k}"), v)?;
                }
                Ok(())
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| walk(&format!("{path}[{i}]"), v)),
            _ => Ok(()),
        }
    }
    walk("", &Value::Object(details.clone()))?;
    let size = serde_json::to_vec(details)
        .map_err(|e| LedgerError::Encoding(e.to_string()))?
        .len();
    if size > MAX_DETAILS_BYTES {
        return Err(invalid(format!(
            "details are {size} bytes, more than {MAX_DETAILS_BYTES}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> EventDraft {
        EventDraft::new("user:alice", "keys.rotate", Subject::new("key", "data"))
            .detail("version", 2)
            .detail("note", "line\nbreak é")
    }

    #[test]
    fn leaf_is_canonical_single_line_and_round_trips() {
        let event = draft().into_event(7, "2026-01-02T03:04:05.000001Z".into());
        let leaf = event.leaf().unwrap();
        let text = std::str::from_utf8(&leaf).unwrap();
        assert!(!text.contains('\n'));
        assert_eq!(
            text,
            r#"{"action":"keys.rotate","actor":"user:alice","details":{"note":"line\nbreak é","version":2},"outcome":"success","seq":7,"subject":{"id":"data","kind":"key"},"time":"2026-01-02T03:04:05.000001Z"}"#
        );
        assert_eq!(Event::from_leaf(&leaf).unwrap(), event);
        // The same event with spaces is not a canonical leaf.
        let spaced = text.replace(",\"seq\"", ", \"seq\"");
        assert!(Event::from_leaf(spaced.as_bytes()).is_err());
    }

    #[test]
    fn stdin_lines_are_validated_with_line_numbers() {
        let ok = EventDraft::from_json_line(
            r#"{"actor":"ci","action":"train.start","subject":{"kind":"model","id":"m1","digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}"#,
            1,
        )
        .unwrap();
        assert_eq!(ok.outcome, Outcome::Success);
        for (line, needle) in [
            (r#"{"actor":"ci"}"#, "line 4: "),
            (
                r#"{"actor":"ci","action":"Bad Action","subject":{"kind":"m","id":"x"}}"#,
                "action",
            ),
            (
                r#"{"actor":"ci","action":"a","subject":{"kind":"m","id":"x","digest":"md5"}}"#,
                "digest",
            ),
            (
                r#"{"actor":"ci","action":"a","subject":{"kind":"m","id":"x"},"details":{"db_password":"x"}}"#,
                "secrets",
            ),
            (
                r#"{"actor":"ci","action":"a","subject":{"kind":"m","id":"x"},"extra":1}"#,
                "unknown field",
            ),
            (
                r#"{"actor":"","action":"a","subject":{"kind":"m","id":"x"}}"#,
                "actor is empty",
            ),
            (
                r#"{"actor":"ci","action":"a","subject":{"kind":"m","id":"x"},"outcome":"maybe"}"#,
                "line 4",
            ),
        ] {
            let err = EventDraft::from_json_line(line, 4).unwrap_err().to_string();
            assert!(err.contains(needle), "{line}: {err}");
            assert!(err.starts_with("line 4: "), "{err}");
        }
    }

    #[test]
    fn oversized_details_are_refused() {
        let big = "x".repeat(MAX_DETAILS_BYTES);
        assert!(draft().detail("blob", big).validate().is_err());
    }

    #[test]
    fn times_are_fixed_width_utc() {
        assert_eq!(
            normalize_time("2026-01-02T04:04:05+01:00").unwrap(),
            "2026-01-02T03:04:05.000000Z"
        );
        assert_eq!(now_rfc3339().len(), 27);
        assert!(normalize_time("yesterday").is_err());
    }
}
