//! Streaming readers that turn files (plain text, CSV/TSV, JSONL, Parquet)
//! into records of string fields, with positions that point back into the
//! source.
//!
//! Entry points: [`discover`] expands the paths a user gives (files,
//! directories with include/exclude globs, `-` for stdin) into [`Input`]s;
//! [`open`] returns a [`Reader`] for one input, which fills reusable
//! [`Batch`]es of [`Record`]s until the input ends. Memory is bounded by
//! the batch size and [`ReadOptions::max_record_bytes`], whatever the size
//! of the input.
//!
//! ```
//! use aigis_table::{open, Batch, Input, InputFormat, ReadOptions};
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("people.csv");
//! # std::fs::write(&path, "name,email\nAda,ada@example.com\n")?;
//! let input = Input::named(&path, None);
//! assert_eq!(input.format, InputFormat::Csv);
//! let mut reader = open(&input, &ReadOptions::default())?;
//! let mut batch = Batch::new();
//! while reader.next_batch(&mut batch)? {
//!     for record in batch.records() {
//!         for field in record.fields() {
//!             println!("row {} {:?}: {} bytes", record.number(), field.name(), field.value().len());
//!         }
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Bad input never panics: every problem is a [`ReadError`] naming the
//! input and the line or row. With [`ReadOptions::skip_bad`], bad records
//! are counted in [`ReadStats`] and skipped instead.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod delimited;
mod error;
mod format;
pub mod json_path;
mod jsonl;
mod lines;
mod parquet;
mod reader;
mod record;
mod source;
mod text;
pub mod utf8;
mod walk;

pub use error::ReadError;
pub use format::{InputFormat, UnknownFormat};
pub use reader::{ReadOptions, ReadStats, Reader, open};
pub use record::{Batch, Field, Piece, Record};
pub use source::{Input, Source};
pub use walk::{Discovery, WalkOptions, discover};

#[cfg(test)]
mod tests;
