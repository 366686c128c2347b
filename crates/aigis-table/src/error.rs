//! Typed errors of the readers.
//!
//! Every variant names the source and, where one exists, the line or row,
//! so the binary can print a message a user can act on. No variant carries
//! a value read from the input: cell and line contents may be personal data.

use std::io;

/// An error while discovering or reading an input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The input could not be opened or read.
    #[error("{source_name}: {io}")]
    Io {
        /// The input (path, or `-` for stdin).
        source_name: String,
        /// The underlying error.
        #[source]
        io: io::Error,
    },
    /// A directory could not be walked.
    #[error("{path}: cannot walk directory: {detail}")]
    Walk {
        /// The directory or entry that failed.
        path: String,
        /// What went wrong.
        detail: String,
    },
    /// An include or exclude glob is not valid.
    #[error("invalid glob {glob:?}: {detail}")]
    Glob {
        /// The glob as given.
        glob: String,
        /// What is wrong with it.
        detail: String,
    },
    /// The input looks binary (a NUL byte near the start) but was to be read
    /// as text, CSV or JSONL.
    #[error("{source_name}: binary file (NUL byte at offset {offset}); not read as {format}")]
    Binary {
        /// The input.
        source_name: String,
        /// Byte offset of the first NUL byte.
        offset: u64,
        /// The format it was to be read as.
        format: &'static str,
    },
    /// One record (line, CSV row, JSON line) is larger than the configured
    /// limit; the reader does not buffer it.
    #[error("{source_name}: line {line}: record larger than the {limit}-byte limit")]
    RecordTooLarge {
        /// The input.
        source_name: String,
        /// 1-based line where the record starts.
        line: u64,
        /// The limit in bytes.
        limit: usize,
    },
    /// A CSV/TSV row has a different number of fields than the header.
    #[error(
        "{source_name}: row {row} (line {line}): expected {expected} fields as in the header, found {found}"
    )]
    RaggedRow {
        /// The input.
        source_name: String,
        /// 1-based data row (header excluded).
        row: u64,
        /// 1-based line where the row starts.
        line: u64,
        /// Number of header fields.
        expected: usize,
        /// Number of fields in this row.
        found: usize,
    },
    /// A quoted CSV/TSV field is not closed before the end of the input.
    #[error(
        "{source_name}: row {row} (line {line}): quoted field is never closed (unterminated quote)"
    )]
    UnterminatedQuote {
        /// The input.
        source_name: String,
        /// 1-based data row (header excluded; 0 for the header itself).
        row: u64,
        /// 1-based line where the row starts.
        line: u64,
    },
    /// A JSONL line is not one valid JSON value.
    #[error("{source_name}: line {line}, column {column}: malformed JSON: {detail}")]
    MalformedJson {
        /// The input.
        source_name: String,
        /// 1-based line.
        line: u64,
        /// 1-based byte column within the line where parsing failed.
        column: usize,
        /// What the parser expected (never the input text).
        detail: String,
    },
    /// A Parquet file is malformed, truncated, or not Parquet at all.
    #[error("{source_name}: {where_}: not a readable Parquet file: {detail}")]
    Parquet {
        /// The input.
        source_name: String,
        /// Where in the file: `footer`, `row group 3`, ...
        where_: String,
        /// The Parquet or Arrow error.
        detail: String,
    },
    /// Parquet from standard input or memory is spooled to a temporary
    /// file first, because the format is read from its footer; that
    /// spooling failed.
    #[error("{source_name}: cannot spool Parquet to a temporary file: {io}")]
    Spool {
        /// The input (`-`).
        source_name: String,
        /// The underlying error.
        #[source]
        io: io::Error,
    },
}

impl ReadError {
    /// True when the error concerns one record and the reader can go on
    /// with the next one (so `--skip-bad` skips just that record).
    pub fn is_record_level(&self) -> bool {
        matches!(
            self,
            ReadError::RaggedRow { .. }
                | ReadError::MalformedJson { .. }
                | ReadError::RecordTooLarge { .. }
        )
    }

    pub(crate) fn io(source_name: &str, io: io::Error) -> ReadError {
        ReadError::Io {
            source_name: source_name.to_owned(),
            io,
        }
    }
}
