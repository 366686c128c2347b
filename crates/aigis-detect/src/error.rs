//! Errors of this crate. They name files, lines and recognizers, never a
//! detected value or a deny-list entry.

use std::path::PathBuf;

/// Loading or building custom recognizers failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecognizerFileError {
    /// The file could not be read.
    #[error("{}: cannot read recognizer file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML/YAML or does not have the expected shape.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A recognizer is well-formed but cannot be built (bad regex, unknown
    /// validator, score out of range, no pattern and no deny list, ...).
    #[error("{}:{line}: recognizer {name:?}: {problem}", path.display())]
    Invalid {
        /// The file (or `<inline>` for recognizers given in aigis.toml).
        path: PathBuf,
        /// 1-based line of the recognizer (0 when unknown).
        line: usize,
        /// The recognizer's name.
        name: String,
        /// What is wrong and what was expected.
        problem: String,
    },
    /// The file's extension says neither TOML nor YAML.
    #[error("{}: unknown recognizer file type (expected .toml, .yaml or .yml)", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
}

/// 1-based line and column of byte offset `at` in `text`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = crate::lex::floor_boundary(text, at);
    let before = &text[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let col = before.rfind('\n').map_or(at, |p| at - p - 1) + 1;
    (line, col)
}
