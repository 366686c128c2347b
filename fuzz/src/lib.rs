//! Shared helpers for the fuzz targets.

use std::sync::Arc;

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
        keep_raw: false,
    };
    let input = Input::memory("fuzz", Arc::<[u8]>::from(data), format);
    let Ok(mut reader) = aigis_table::open(&input, &opts) else { return };
    let mut batch = Batch::new();
    let mut last = 0;
    loop {
        let more = reader.next_batch(&mut batch);
        for record in batch.records() {
            assert!(record.number() >= last, "record numbers go down");
            last = record.number();
            for field in record.fields() {
                let piece = field.piece();
                assert!(piece.owned_len <= field.value().len());
                assert!(field.value().is_char_boundary(piece.owned_len));
                if format == InputFormat::Jsonl {
                    let path = field.name().unwrap_or_default();
                    assert!(aigis_table::json_path::parse(path).is_ok(), "path {path:?} parses");
                }
            }
        }
        match more {
            Ok(true) => {}
            Ok(false) | Err(_) => return,
        }
    }
}
