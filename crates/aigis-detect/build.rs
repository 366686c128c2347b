//! Builds the gazetteer's word table from the compiled-in lists
//! (`data/*.txt.z`) so that a process loads it instead of inflating and
//! hashing a third of a million words at start-up.

use std::fs::File;
use std::io::Write;
use std::path::Path;

/// The table's layout and hash, shared with `src/gazetteer.rs`.
#[allow(dead_code)] // The lookups are the crate's, not the build's.
mod table {
    include!("src/gazetteer/table.rs");
}

use table::{LIST_FILES, list_table, read_lists};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/gazetteer/table.rs");
    for (file, _) in LIST_FILES {
        println!("cargo::rerun-if-changed={file}");
    }
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lists = read_lists(Path::new(&dir)).unwrap_or_else(|e| panic!("{e}"));
    let words = list_table(&lists);
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let path = Path::new(&out).join("gazetteer.table");
    // A temp file renamed into place, so an interrupted build never leaves
    // a half-written table for the next one.
    let tmp = path.with_extension("table.tmp");
    let written = File::create(&tmp)
        .and_then(|mut f| f.write_all(&words.to_le_bytes()))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        panic!("writing {}: {e}", path.display());
    }
}
