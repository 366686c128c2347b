//! Writers that put changed field values back into the structure they
//! were read from: the same format, the same column order, quoting style,
//! JSON layout and Parquet schema, with only the changed values different.
//!
//! Readers opened with [`crate::ReadOptions::keep_raw`] keep every
//! record's source bytes ([`crate::Record::raw`]) and, for Parquet, the
//! decoded rows ([`crate::Batch::arrow`]); the functions here take those
//! and a list of edits:
//!
//! - [`splice_text`]: a plain-text line with byte ranges replaced;
//! - [`rewrite_delimited`]: a CSV/TSV row with cells replaced or dropped,
//!   unchanged cells byte for byte as they were;
//! - [`rewrite_json`]: a JSON line with string leaves replaced or removed,
//!   everything else (key order, whitespace, numbers) byte for byte;
//! - [`ParquetRewriter`]: Parquet rows with string cells replaced, columns
//!   dropped and rows left out, schema and compression kept.
//!
//! They are pure functions of their input (except the Parquet writer), so
//! a pipeline can render records on many threads and write them in order.
//! [`AtomicFile`] makes the output appear only when it is complete.

mod atomic;
mod delimited;
mod json;
mod parquet;

pub use atomic::AtomicFile;
pub use delimited::{CellEdit, rewrite_delimited, split_delimited};
pub use json::{JsonEdit, rewrite_json};
pub use parquet::{ParquetEdit, ParquetRewriter};

/// Writes `raw` to `out` with each `(start, end, replacement)` applied
/// (byte ranges into `raw`, sorted, not overlapping; ranges out of order
/// or out of bounds are skipped).
pub fn splice_text(raw: &[u8], edits: &[(usize, usize, &[u8])], out: &mut Vec<u8>) {
    let mut pos = 0;
    for &(start, end, with) in edits {
        if start < pos || end < start || end > raw.len() {
            continue;
        }
        out.extend_from_slice(raw.get(pos..start).unwrap_or_default());
        out.extend_from_slice(with);
        pos = end;
    }
    out.extend_from_slice(raw.get(pos..).unwrap_or_default());
}

/// An error of a writer. Never carries a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// Writing the output failed.
    #[error("{path}: {io}")]
    Io {
        /// The output.
        path: String,
        /// The underlying error.
        #[source]
        io: std::io::Error,
    },
    /// The Parquet writer refused the data.
    #[error("{path}: cannot write Parquet: {detail}")]
    Parquet {
        /// The output.
        path: String,
        /// What went wrong.
        detail: String,
    },
    /// A change was asked that the writer cannot make.
    #[error("{path}: {what}")]
    Unsupported {
        /// The output.
        path: String,
        /// What cannot be done.
        what: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices() {
        let mut out = Vec::new();
        splice_text(b"call 555-1234 now\n", &[(5, 13, b"<PHONE>")], &mut out);
        assert_eq!(out, b"call <PHONE> now\n");
        out.clear();
        splice_text(
            b"abc",
            &[(0, 1, b"x"), (0, 2, b"y"), (2, 9, b"z")],
            &mut out,
        );
        assert_eq!(out, b"xbc");
    }
}

#[cfg(test)]
mod round_trip {
    use crate::{Batch, Input, InputFormat, ReadOptions, open};

    /// Reads `data` keeping raw records and writes every record back
    /// unchanged: the bytes must be identical.
    fn identity(data: &[u8], format: InputFormat, batch_records: usize) -> Vec<u8> {
        let input = Input::memory("t", data.to_vec(), format);
        let opts = ReadOptions {
            keep_raw: true,
            batch_records,
            text_window: 64,
            text_overlap: 8,
            ..ReadOptions::default()
        };
        let mut reader = open(&input, &opts).unwrap();
        let mut out = reader.raw_header().to_vec();
        let mut batch = Batch::new();
        while reader.next_batch(&mut batch).unwrap() {
            for r in batch.records() {
                out.extend_from_slice(r.raw());
            }
        }
        out
    }

    #[test]
    fn raw_records_reproduce_the_input() {
        let long = "x".repeat(300);
        let cases: Vec<(Vec<u8>, InputFormat)> = vec![
            (b"a\n\nb\r\nlast".to_vec(), InputFormat::Text),
            (
                format!("short\n{long}\nend\n").into_bytes(),
                InputFormat::Text,
            ),
            (
                b"\xEF\xBB\xBFn,e\r\n\"A, B\",x\r\n\r\nc,\"q\"\"\nz\"\n\n".to_vec(),
                InputFormat::Csv,
            ),
            (b"n\te\nA\tB".to_vec(), InputFormat::Tsv),
            (
                b"{\"a\": \"x\"}\n\n  \n[1, \"y\"]\r\n\"z\"".to_vec(),
                InputFormat::Jsonl,
            ),
        ];
        for (data, format) in cases {
            for n in [1, 2, 1000] {
                assert_eq!(
                    String::from_utf8_lossy(&identity(&data, format, n)),
                    String::from_utf8_lossy(&data),
                    "{format:?} batch {n}"
                );
            }
        }
    }
}
