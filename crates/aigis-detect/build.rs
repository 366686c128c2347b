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

use table::{KEYWORD_ROOM, Table, class, for_each_list_entry};

/// The lists, each with its class bit.
const LISTS: [(&str, u32); 4] = [
    ("data/first_names.txt.z", class::FIRST),
    ("data/surnames.txt.z", class::LAST),
    ("data/places.txt.z", class::PLACE),
    ("data/common_words.txt.z", class::COMMON),
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/gazetteer/table.rs");
    let mut lists = Vec::new();
    for (path, bit) in LISTS {
        println!("cargo::rerun-if-changed={path}");
        let z = std::fs::read(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&z, 16 << 20)
            .unwrap_or_else(|e| panic!("inflating {path}: {e:?}"));
        let text = String::from_utf8(raw).unwrap_or_else(|e| panic!("{path} is not UTF-8: {e}"));
        lists.push((text, bit));
    }
    let mut n = 0;
    for (text, bit) in &lists {
        for_each_list_entry(text, *bit, |_, _| n += 1);
    }
    let mut words = Table::with_capacity(n + KEYWORD_ROOM);
    for (text, bit) in &lists {
        for_each_list_entry(text, *bit, |key, bit| words.add(key, bit));
    }
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
