//! The crate's error types.
//!
//! [`Error`] covers input and I/O problems (a file that cannot be read, a
//! malformed envelope, a key in the wrong format): the caller's input was
//! unusable. [`VerifyError`] says that the input was well formed but did not
//! verify (a bad signature, a changed file, an untrusted key): a gate failed.
//! Callers that map outcomes to exit codes tell the two apart with
//! [`Error::is_verification_failure`]. No variant carries key material or file
//! contents, only paths, positions, digests and key ids.

use std::path::PathBuf;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A model or artifact path holds a symbolic link and links are not allowed.
    #[error("{}: symbolic link (links are not followed unless allowed)", path.display())]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// A path is neither a regular file nor a directory (socket, pipe, device,
    /// or missing).
    #[error("{}: not a regular file or directory", path.display())]
    SpecialFile {
        /// The offending path.
        path: PathBuf,
    },
    /// A path inside a model directory is not valid UTF-8 and cannot be named
    /// in a manifest.
    #[error("{}: file name is not valid UTF-8", path.display())]
    NonUtf8Path {
        /// The offending path.
        path: PathBuf,
    },
    /// A document (envelope, bundle, statement, predicate, store entry, trust
    /// file) is malformed.
    #[error("{}", ParseDisplay(self))]
    Parse {
        /// What was being parsed ("DSSE envelope", "Sigstore bundle", ...).
        what: &'static str,
        /// The file, when the input came from one.
        path: Option<PathBuf>,
        /// 1-based line of the problem, 0 when unknown.
        line: usize,
        /// 1-based column of the problem, 0 when unknown.
        column: usize,
        /// What was expected.
        reason: String,
    },
    /// A key could not be loaded or is of a kind this operation cannot use.
    #[error("{}{reason}", path.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default())]
    Key {
        /// The key file, when the key came from one.
        path: Option<PathBuf>,
        /// What was wrong (never the key material).
        reason: String,
    },
    /// Signing failed inside the signature scheme.
    #[error("signing failed: {reason}")]
    Sign {
        /// The scheme's message.
        reason: String,
    },
    /// An operation was given arguments that cannot work together.
    #[error("{0}")]
    Usage(String),
    /// The input was well formed but did not verify.
    #[error(transparent)]
    Verify(#[from] VerifyError),
}

/// Helper that renders a parse error as `path:line:column: what: reason`.
struct ParseDisplay<'a>(&'a Error);

impl std::fmt::Display for ParseDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Error::Parse {
            what,
            path,
            line,
            column,
            reason,
        } = self.0
        {
            if let Some(path) = path {
                write!(f, "{}:", path.display())?;
            }
            if *line > 0 {
                write!(f, "{line}:{column}:")?;
            }
            if path.is_some() || *line > 0 {
                f.write_str(" ")?;
            }
            write!(f, "malformed {what}: {reason}")?;
        }
        Ok(())
    }
}

impl Error {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A parse error without a position.
    pub(crate) fn parse(what: &'static str, reason: impl Into<String>) -> Self {
        Error::Parse {
            what,
            path: None,
            line: 0,
            column: 0,
            reason: reason.into(),
        }
    }

    /// A parse error from serde_json, keeping its line and column.
    pub(crate) fn json(what: &'static str, err: &serde_json::Error) -> Self {
        // serde_json appends " at line L column C"; positions are kept apart.
        let text = err.to_string();
        let reason = match text.rfind(" at line ") {
            Some(at) => text[..at].to_owned(),
            None => text,
        };
        Error::Parse {
            what,
            path: None,
            line: err.line(),
            column: err.column(),
            reason,
        }
    }

    /// Attaches the file a parse or key error came from.
    #[must_use]
    pub fn with_path(mut self, file: impl Into<PathBuf>) -> Self {
        match &mut self {
            Error::Parse { path, .. } | Error::Key { path, .. } if path.is_none() => {
                *path = Some(file.into());
            }
            _ => {}
        }
        self
    }

    /// True when the input was well formed but failed verification (a gate
    /// failure, exit 1), false for input and I/O errors (exit 2).
    pub fn is_verification_failure(&self) -> bool {
        matches!(self, Error::Verify(_))
    }
}

/// Why something did not verify. Each variant names the broken link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The envelope carries no signatures at all.
    #[error("envelope has no signatures")]
    NoSignatures,
    /// Two signatures in one envelope name the same key id.
    #[error("envelope has two signatures with key id {keyid}")]
    DuplicateKeyId {
        /// The repeated key id.
        keyid: String,
    },
    /// No signature in the envelope verifies with the given key(s).
    #[error("bad signature: no signature verifies with key {keyid}")]
    BadSignature {
        /// Key id of the key that was tried.
        keyid: String,
    },
    /// The envelope's signatures name only key ids that are not known.
    #[error("unknown key id{}: {}", if keyids.len() == 1 { "" } else { "s" }, keyids.join(", "))]
    UnknownKeyId {
        /// The key ids found in the envelope.
        keyids: Vec<String>,
    },
    /// The envelope's payloadType is not the one expected.
    #[error("wrong payloadType {found:?}, expected {expected:?}")]
    WrongPayloadType {
        /// What the envelope says.
        found: String,
        /// What was expected.
        expected: String,
    },
    /// The bundle's media type is not one model-signing accepts.
    #[error("unsupported bundle mediaType {found:?}, expected {expected:?}")]
    WrongMediaType {
        /// What the bundle says.
        found: String,
        /// What was expected.
        expected: String,
    },
    /// The bundle's public-key hint names another key.
    #[error("key mismatch: the signature names key {hint}, the given key is {actual}")]
    KeyMismatch {
        /// The hint in the bundle.
        hint: String,
        /// The hint of the key given for verification.
        actual: String,
    },
    /// The statement or predicate is not what a verifier of this kind expects.
    #[error("unexpected statement: {reason}")]
    Statement {
        /// What was wrong.
        reason: String,
    },
    /// The signed subject digest does not match the signed resources.
    #[error("manifest is inconsistent: subject digest {recorded}, resources hash to {computed}")]
    InconsistentManifest {
        /// The digest in the subject.
        recorded: String,
        /// The digest over the listed resources.
        computed: String,
    },
    /// The files on disk differ from the signed manifest.
    #[error("{}", ModelMismatchDisplay { extra, missing, changed })]
    ModelMismatch {
        /// Files present but not signed.
        extra: Vec<String>,
        /// Files signed but absent.
        missing: Vec<String>,
        /// Files whose digest changed: (name, signed digest, actual digest).
        changed: Vec<(String, String, String)>,
    },
    /// A link in an attestation chain is broken.
    #[error("{0}")]
    Chain(String),
}

/// Renders a model mismatch as one sentence per kind of difference.
struct ModelMismatchDisplay<'a> {
    extra: &'a [String],
    missing: &'a [String],
    changed: &'a [(String, String, String)],
}

impl std::fmt::Display for ModelMismatchDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if !self.changed.is_empty() {
            let names: Vec<String> = self
                .changed
                .iter()
                .map(|(name, want, got)| format!("{name} (signed sha256:{want}, now sha256:{got})"))
                .collect();
            parts.push(format!("changed file(s): {}", names.join(", ")));
        }
        if !self.missing.is_empty() {
            parts.push(format!("missing file(s): {}", self.missing.join(", ")));
        }
        if !self.extra.is_empty() {
            parts.push(format!("unsigned extra file(s): {}", self.extra.join(", ")));
        }
        write!(
            f,
            "model does not match its signature: {}",
            parts.join("; ")
        )
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
