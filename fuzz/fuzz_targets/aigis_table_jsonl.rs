//! The jsonl reader on arbitrary bytes, failing and skipping bad records.
#![no_main]

use aigis_table::InputFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let skip_bad = data.first().is_some_and(|b| b & 1 == 1);
    aigis_fuzz::read_table_input(data, InputFormat::Jsonl, skip_bad);
});
