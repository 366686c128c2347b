//! Typed errors of the policy crate.
//!
//! Two families, because callers react differently: [`PolicyError`] is about
//! Rego (a policy that does not parse or compile, an evaluation that failed or
//! ran into a limit) and [`LoadError`] is about the files being checked (a
//! YAML, HCL, Python or JSON document that does not parse). Variants carry the
//! file and position; none carries a value read from the input, so an error
//! message never leaks a secret that happened to sit next to a syntax error.

use std::path::PathBuf;

/// An error compiling or evaluating Rego.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A policy or data file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A Rego file does not parse.
    #[error("{path}:{line}:{col}: rego syntax error: {message}")]
    Syntax {
        /// The policy file.
        path: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
        /// What the parser expected.
        message: String,
    },
    /// The policies parse but do not compile together (conflicting rules,
    /// unsafe variables, unknown functions, recursion).
    #[error("{}rego compile error: {message}", location_prefix(path.as_deref(), *line, *col))]
    Compile {
        /// The policy file, when the compiler named one.
        path: Option<String>,
        /// 1-based line, 0 when unknown.
        line: u32,
        /// 1-based column, 0 when unknown.
        col: u32,
        /// What is wrong.
        message: String,
    },
    /// A data document (`--data`, `[policy] data`) is not valid JSON/YAML.
    #[error("{path}: invalid data document: {message}")]
    Data {
        /// The data file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The query given to `eval` does not parse.
    #[error("invalid query: {message}")]
    Query {
        /// What is wrong.
        message: String,
    },
    /// Evaluation failed: a builtin raised an error, a conflict was found at
    /// run time, or an extension failed. Fail closed: the caller treats this
    /// as a denial.
    #[error("{}evaluation of {query} failed: {message}", location_prefix(path.as_deref(), *line, *col))]
    Eval {
        /// What was being evaluated (a rule path or query).
        query: String,
        /// The policy file, when the error names one.
        path: Option<String>,
        /// 1-based line, 0 when unknown.
        line: u32,
        /// 1-based column, 0 when unknown.
        col: u32,
        /// What went wrong.
        message: String,
    },
    /// Evaluation was stopped by an execution limit (time, memory, size).
    #[error("evaluation of {query} stopped: {limit}")]
    Limit {
        /// What was being evaluated.
        query: String,
        /// Which limit, in words.
        limit: String,
    },
    /// The engine panicked; the evaluation is treated as failed (closed).
    #[error("internal error while evaluating {query}: {message} (please report this)")]
    Internal {
        /// What was being evaluated.
        query: String,
        /// The panic message.
        message: String,
    },
}

/// An error turning a file into policy input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file does not parse as its kind.
    #[error("{path}:{line}:{col}: invalid {parser}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Which parser rejected it (`yaml`, `json`, `hcl`, `python`, ...).
        parser: &'static str,
        /// 1-based line (0 when the parser gave none).
        line: usize,
        /// 1-based column (0 when the parser gave none).
        col: usize,
        /// What the parser expected; never the offending text itself.
        message: String,
    },
    /// No parser is known for the file's name and none was forced.
    #[error("{path}: no parser for this kind of file (use --parser)")]
    UnknownKind {
        /// The file.
        path: PathBuf,
    },
    /// `--parser` named a parser that does not exist.
    #[error("unknown parser {name:?} (expected one of: {expected})")]
    UnknownParser {
        /// What was asked for.
        name: String,
        /// The parsers there are.
        expected: &'static str,
    },
    /// The file is larger than the loader accepts.
    #[error("{path}: {size} bytes is more than the {limit}-byte limit for policy input")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

/// An error reading the `[policy]` section of aigis.toml.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not valid TOML or the section has unknown or mistyped keys.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What the TOML parser said (it names line and column).
        message: String,
    },
}

fn location_prefix(path: Option<&str>, line: u32, col: u32) -> String {
    match (path, line) {
        (Some(p), 0) => format!("{p}: "),
        (Some(p), l) => format!("{p}:{l}:{col}: "),
        (None, _) => String::new(),
    }
}

/// Where regorus says an error is: the `--> file:line:col` line of its
/// message, and the message without the source excerpt.
pub(crate) struct RegorusLocation {
    pub(crate) path: Option<String>,
    pub(crate) line: u32,
    pub(crate) col: u32,
    pub(crate) message: String,
}

/// Splits a regorus error (`anyhow::Error`) into location and message.
///
/// regorus formats located errors as `\n--> FILE:LINE:COL\n  |\nN | source\n
/// | ^\nerror: MESSAGE`; anything else is kept as one line of text.
pub(crate) fn regorus_location(err: &anyhow::Error) -> RegorusLocation {
    let text = format!("{err:#}");
    let mut location = RegorusLocation {
        path: None,
        line: 0,
        col: 0,
        message: String::new(),
    };
    let mut messages = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix("--> ") {
            if location.path.is_none() {
                let mut parts = rest.rsplitn(3, ':');
                let col = parts.next().and_then(|c| c.parse().ok());
                let row = parts.next().and_then(|l| l.parse().ok());
                if let (Some(col), Some(row), Some(path)) = (col, row, parts.next()) {
                    location.path = Some(path.to_string());
                    location.line = row;
                    location.col = col;
                }
            }
        } else if let Some(msg) = line.strip_prefix("error: ") {
            messages.push(msg.to_string());
        } else if !line.is_empty() && !line.contains('|') && location.path.is_none() {
            messages.push(line.to_string());
        }
    }
    if messages.is_empty() {
        messages.push(text.lines().next().unwrap_or("unknown error").to_string());
    }
    location.message = messages.join(": ");
    location
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_regorus_error_is_split() {
        let err = anyhow::anyhow!(
            "\n--> policies/a.rego:3:7\n  |\n3 | deny x\n  |       ^\nerror: expecting `{{`"
        );
        let loc = regorus_location(&err);
        assert_eq!(loc.path.as_deref(), Some("policies/a.rego"));
        assert_eq!((loc.line, loc.col), (3, 7));
        assert_eq!(loc.message, "expecting `{`");
    }

    #[test]
    fn plain_error_keeps_text() {
        let loc = regorus_location(&anyhow::anyhow!("something broke"));
        assert_eq!(loc.path, None);
        assert_eq!(loc.message, "something broke");
    }
}
