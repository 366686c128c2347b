//! Fuzzes the dockerfile input loader of aigis-policy: any bytes give documents
//! or a located error, never a panic, and documents are valid JSON values.
#![no_main]

use aigis_policy::Parser;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aigis_fuzz::check_loader(data, Parser::Dockerfile);
});
