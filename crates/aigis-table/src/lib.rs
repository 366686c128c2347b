//! Streaming readers that turn files (plain text, CSV/TSV, JSONL, Parquet)
//! into records of string fields, with positions that point back into the
//! source.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
