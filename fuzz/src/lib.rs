//! Shared helpers for the fuzz targets.

use std::path::Path;
use std::sync::Arc;

use aigis_policy::{LoadError, Parser, load_str};
use aigis_table::write::{ParquetEdit, ParquetRewriter};
use aigis_table::{Batch, Input, InputFormat, ReadOptions};

/// Reads `data` as `format` with small limits (so windows and caps are
/// exercised) and checks what every reader promises: no panic, record
/// numbers never go down, values are whole and pieces stay inside them.
pub fn read_table_input(data: &[u8], format: InputFormat, skip_bad: bool) {
    let opts = ReadOptions {
        skip_bad,
        max_record_bytes: 64 * 1024,
        batch_bytes: 4096,
        batch_records: 64,
        text_window: 256,
        text_overlap: 32,
        delimiter: None,
        // Both reading modes: with and without the raw bytes a writer needs.
        keep_raw: data.len() % 2 == 1,
    };
    let input = Input::memory("fuzz", Arc::<[u8]>::from(data), format);
    let Ok(mut reader) = aigis_table::open(&input, &opts) else {
        return;
    };
    // Parquet read with its rows: every value is also rewritten (nested
    // strings included), as `aigis mask` would.
    let mut rewriter = match (format, opts.keep_raw, reader.parquet_metadata()) {
        (InputFormat::Parquet, true, Some(meta)) => {
            ParquetRewriter::new(std::io::sink(), meta, &reader.columns(), &[], "fuzz").ok()
        }
        _ => None,
    };
    let mut batch = Batch::new();
    let mut last = 0;
    loop {
        let more = reader.next_batch(&mut batch);
        if let (Some(w), Some(rows)) = (rewriter.as_mut(), batch.arrow()) {
            let edits = every_value_edited(&batch);
            let edits: Vec<ParquetEdit<'_>> = edits
                .iter()
                .map(|(row, column, ordinal, value)| ParquetEdit {
                    row: *row,
                    column: *column,
                    ordinal: *ordinal,
                    value,
                })
                .collect();
            if w.write(rows, &edits, None).is_err() {
                rewriter = None;
            }
        }
        for record in batch.records() {
            assert!(record.number() >= last, "record numbers go down");
            last = record.number();
            for field in record.fields() {
                let piece = field.piece();
                assert!(piece.owned_len <= field.value().len());
                assert!(field.value().is_char_boundary(piece.owned_len));
                if format == InputFormat::Jsonl {
                    let path = field.name().unwrap_or_default();
                    assert!(
                        aigis_table::json_path::parse(path).is_ok(),
                        "path {path:?} parses"
                    );
                }
            }
        }
        match more {
            Ok(true) => {}
            Ok(false) | Err(_) => return,
        }
    }
}

/// An edit for every field of `batch`: (row, column, ordinal of the value
/// among the row's values of its column, new value).
fn every_value_edited(batch: &Batch) -> Vec<(usize, usize, u32, String)> {
    let mut edits = Vec::new();
    for record in batch.records() {
        for (field, ordinal) in record.fields_with_ordinals() {
            let Some(c) = field.column() else { continue };
            edits.push((record.index(), c, ordinal, field.value().to_uppercase()));
        }
    }
    edits
}

/// Runs one loader over fuzz input and checks what it promises: no panic;
/// on success every document serialises as JSON and knows its parser; on
/// failure a syntax error names the file.
pub fn check_loader(data: &[u8], parser: Parser) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match load_str(Path::new("fuzz.input"), text, parser) {
        Ok(docs) => {
            for d in docs {
                assert!(serde_json::to_string(&d.input).is_ok());
                assert_eq!(d.path, Path::new("fuzz.input"));
                if let Some(meta) = d.input.get(aigis_policy::META_KEY) {
                    assert_eq!(meta["file"], "fuzz.input");
                }
            }
        }
        Err(LoadError::Syntax { path, .. }) => assert_eq!(path, Path::new("fuzz.input")),
        Err(other) => panic!("unexpected error kind from a string loader: {other}"),
    }
}
