//! The structure-preserving writers on arbitrary bytes: CSV row splitting
//! and rewriting, JSON line rewriting with replaced and dropped leaves.
//! They must never panic, and a row without edits is copied unchanged.
#![no_main]

use aigis_table::write::{CellEdit, JsonEdit, rewrite_delimited, rewrite_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    rewrite_delimited(data, b',', &[], &mut out);
    assert_eq!(out, data);
    out.clear();
    let edits = [
        CellEdit::Set("x\"y"),
        CellEdit::Drop,
        CellEdit::Keep,
        CellEdit::Set(""),
    ];
    rewrite_delimited(data, b',', &edits, &mut out);
    out.clear();
    let json = [
        ("$", JsonEdit::Set("v")),
        ("$.a", JsonEdit::Drop),
        ("$[0]", JsonEdit::Set("w")),
        ("$[1]", JsonEdit::Drop),
    ];
    rewrite_json(data, &json, &mut out);
});
