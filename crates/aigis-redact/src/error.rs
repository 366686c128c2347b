//! Errors of this crate. No variant ever carries a detected value, a key or
//! any part of either: only names, positions, counts and reasons.

use std::path::PathBuf;

/// Why an operator could not be built or could not transform one value.
///
/// Transforming a value never fails from the caller's point of view (every
/// operator that can fail has a fallback, see [`crate::Operator::apply`]);
/// these errors surface from the fallible primitives (`tokenize`,
/// `generalize`, `date_shift`, `decrypt`) and from `build`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedactError {
    /// The key source has no key of this name (and version).
    #[error("no {kind} key named `{name}`{}", version.map(|v| format!(" at version {v}")).unwrap_or_default())]
    KeyNotFound {
        /// Key kind wanted (`hmac`, `aes-siv`, `ff1`).
        kind: &'static str,
        /// Key name.
        name: String,
        /// Version asked for; `None` means the current version.
        version: Option<u32>,
    },
    /// The key source has the key but cannot hand it out (disabled
    /// version, unwrap failure, wrong kind); `reason` is the source's own
    /// message, which never holds key material.
    #[error("key `{name}` unavailable: {reason}")]
    KeyUnavailable {
        /// Key name.
        name: String,
        /// Why, from the key source.
        reason: String,
    },
    /// Key material has the wrong length for its use.
    #[error("{kind} key must be {expected} bytes, got {got}")]
    KeyLength {
        /// Key kind.
        kind: &'static str,
        /// Accepted lengths, in words.
        expected: &'static str,
        /// Length given.
        got: usize,
    },
    /// An operator option is out of range or inconsistent.
    #[error("operator `{operator}`: option `{option}` {reason}")]
    InvalidOption {
        /// Operator name.
        operator: &'static str,
        /// Option name.
        option: &'static str,
        /// What is wrong, without any value from data.
        reason: String,
    },
    /// Format-preserving encryption needs at least a million possible values
    /// (NIST SP 800-38G); this value has fewer.
    #[error(
        "value too short for format-preserving encryption ({numerals} encryptable characters, domain below 10^6)"
    )]
    DomainTooSmall {
        /// Characters that would have been encrypted.
        numerals: usize,
    },
    /// The value has a character the operator cannot transform while keeping
    /// the format (for `tokenize`: a non-ASCII letter or digit).
    #[error("unsupported character at byte {offset} for `{operator}`")]
    UnsupportedChar {
        /// Operator name.
        operator: &'static str,
        /// Byte offset of the character in the value.
        offset: usize,
    },
    /// The value does not have the shape the operator expects.
    #[error("value is not a {expected}")]
    Shape {
        /// What was expected, e.g. `date`, `IPv4 or IPv6 address`, `16-digit card number`.
        expected: &'static str,
    },
    /// `date_shift` needs a subject id and none was given.
    #[error("date_shift needs a subject id and the record has none")]
    NoSubject,
    /// A token given to `unmask` is not one of ours (wrong prefix, version
    /// or encoding).
    #[error("not an encrypted token: {reason}")]
    BadToken {
        /// Why, e.g. `missing version`.
        reason: &'static str,
    },
    /// Authenticated decryption failed: wrong key or altered token.
    #[error(
        "token does not decrypt under key `{key}` version {version} (wrong key or altered token)"
    )]
    DecryptFailed {
        /// Key name.
        key: String,
        /// Key version named by the token.
        version: u32,
    },
    /// An operator that cannot be reversed was asked to reverse a value.
    #[error("operator `{operator}` is not reversible")]
    NotReversible {
        /// Operator name.
        operator: &'static str,
    },
}

/// A rules file or `[mask]` section that cannot be used.
///
/// Every variant names where: the file (or `None` for built-in or in-memory
/// text) and the 1-based line and column.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RulesError {
    /// TOML syntax error, unknown operator, unknown option, wrong type.
    #[error("{}:{line}:{column}: {message}", display_path(path))]
    Parse {
        /// File the rules came from.
        path: Option<PathBuf>,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// An entity rule names an entity no recognizer reports.
    #[error("{}:{line}:{column}: unknown entity `{name}`{}", display_path(path), suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownEntity {
        /// File the rules came from.
        path: Option<PathBuf>,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The entity name as written.
        name: String,
        /// The closest known entity name, if one is close.
        suggestion: Option<String>,
    },
    /// A rule parsed but its operator cannot be built (bad option value,
    /// missing key).
    #[error("{}:{line}:{column}: rule for {rule}: {source}", display_path(path))]
    Build {
        /// File the rules came from.
        path: Option<PathBuf>,
        /// 1-based line of the rule (0 when it comes from the built-in defaults).
        line: usize,
        /// 1-based column.
        column: usize,
        /// Which rule, e.g. `entity PERSON` or `column email`.
        rule: String,
        /// Why it cannot be built.
        source: RedactError,
    },
    /// The `[mask.gate]` table is unusable: an entity rule naming an
    /// unknown entity, or `min_score` outside 0 to 1.
    #[error("{}:{line}:{column}: gate: {message}", display_path(path))]
    Gate {
        /// File the rules came from.
        path: Option<PathBuf>,
        /// 1-based line of the `gate` table (0 when built in).
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

fn display_path(path: &Option<PathBuf>) -> String {
    match path {
        Some(p) => p.display().to_string(),
        None => "<rules>".to_string(),
    }
}
