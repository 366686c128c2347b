//! Custom recognizer files (aigis TOML and Presidio YAML): any input gives
//! a recognizer set or a typed error, never a panic; whatever loads can
//! scan text.
#![no_main]

use std::path::Path;

use aigis_detect::{FieldHint, Scanner, parse_presidio_yaml, parse_toml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let loaded = if sel % 2 == 0 {
        parse_toml(text, Path::new("fuzz.toml"))
    } else {
        parse_presidio_yaml(text, Path::new("fuzz.yaml"))
    };
    match loaded {
        Ok(file) => {
            let scanner = Scanner::builder()
                .builtin(false)
                .recognizers(file.boxed())
                .build();
            let sample = "E-123456 Project Titan 4111111111111111 zip 10023";
            for f in scanner.scan(sample, FieldHint::default()) {
                assert!(sample.is_char_boundary(f.start) && sample.is_char_boundary(f.end));
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
