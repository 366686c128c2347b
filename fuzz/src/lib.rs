//! Shared helpers for the fuzz targets.

use std::path::Path;

use aigis_policy::{LoadError, Parser, load_str};

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
