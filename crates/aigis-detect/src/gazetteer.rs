//! Name and place gazetteers compiled into the binary.
//!
//! The lists live in `data/*.txt.z` (zlib-compressed, one folded entry per
//! line; `data/SOURCES.md` says where each comes from and under which
//! licence; `data/gen/build_gazetteer.py` regenerates them). They are
//! inflated by the build script into one table from folded word to a bit
//! set of [`class`]es (a fingerprint table, see `Table`), which the binary
//! holds as is; on first use the process copies it and adds the
//! recognizers' keywords.
//! Multi-word places ("port elizabeth")
//! are keyed with single spaces, and their first word carries
//! [`class::PLACE_START`] so callers know to try the longer key.

use std::cell::Cell;
use std::sync::LazyLock;

/// The word table's layout and hash (shared with the build script).
// Filling and storing a table is the build script's half; only the tests
// use it here.
#[cfg_attr(not(test), allow(dead_code))]
mod table;

pub(crate) use table::class;
use table::{CLASS_BITS, Table, hash, hash_chunks};

/// The compiled-in lists as a filled [`Table`], written by the build
/// script (`build.rs`) from the `data/*.txt.z` lists.
static LIST_TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.table"));
static FOLD_TABLE: &str = include_str!("../data/fold_table.txt");

/// [`hash`] of `b` lowercased, for `b` made of ASCII letters only: the
/// same value as hashing the folded word, without folding it into a
/// buffer first (setting bit 5 of an ASCII letter lowercases it).
#[inline]
fn hash_ascii_letters(b: &[u8]) -> u64 {
    hash_chunks(b, 0x2020_2020_2020_2020)
}

struct Gazetteer {
    /// Every word: gazetteer classes and keyword bits.
    words: Table,
    /// The keyword words alone (recognizer word lists), with only their
    /// keyword bits: a few thousand entries, small enough to stay in cache.
    keywords: Table,
    /// Sorted (code point, folded) pairs for non-ASCII letters.
    fold: Vec<(u32, &'static str)>,
    /// Which [`shape`]s the keyword words have: most words of a text are
    /// no keyword and are turned away here without hashing them.
    keyword_shapes: Shapes,
}

/// A set of word [`shape`]s, one bit each.
struct Shapes(Box<[u64]>);

/// Number of distinct [`shape`]s.
const SHAPES: usize = 1 << 15;

/// A coarse summary of a folded (or not yet lowercased ASCII) word: its
/// length and the low five bits of its first and last bytes, which are
/// the same for an ASCII letter in either case. Two words that differ in
/// shape are different words.
#[inline]
fn shape(b: &[u8]) -> usize {
    let first = b.first().map_or(0, |&c| usize::from(c & 31));
    let last = b.last().map_or(0, |&c| usize::from(c & 31));
    ((b.len() & 31) << 10) | (first << 5) | last
}

impl Shapes {
    fn new() -> Shapes {
        Shapes(vec![0; SHAPES / 64].into_boxed_slice())
    }

    fn add(&mut self, b: &[u8]) {
        let s = shape(b);
        if let Some(w) = self.0.get_mut(s / 64) {
            *w |= 1 << (s % 64);
        }
    }

    /// Whether some word added has the shape of `b`.
    #[inline]
    fn may_contain(&self, b: &[u8]) -> bool {
        let s = shape(b);
        self.0.get(s / 64).is_some_and(|w| w & (1 << (s % 64)) != 0)
    }
}

static GAZ: LazyLock<Gazetteer> = LazyLock::new(load);

/// The compiled-in lists, inflated, with their class bits (what the build
/// script puts in [`LIST_TABLE`]).
#[cfg(test)]
fn lists() -> Vec<(String, u32)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    table::read_lists(dir).unwrap_or_else(|e| panic!("{e}"))
}

/// The fold table: sorted (code point, folded) pairs.
fn fold_table() -> Vec<(u32, &'static str)> {
    let mut fold: Vec<(u32, &'static str)> = FOLD_TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (cp, s) = l.split_once(' ')?;
            Some((u32::from_str_radix(cp, 16).ok()?, s))
        })
        .collect();
    fold.sort_unstable();
    fold
}

/// Calls `f` with every (folded keyword, keyword bit) pair of the
/// recognizers' word lists.
fn for_each_keyword(fold: &[(u32, &'static str)], mut f: impl FnMut(&[u8], u32)) {
    for (list, bit) in crate::builtin::keywords() {
        for w in list {
            let mut buf = [0u8; 64];
            if let Some(k) = fold_with(fold, w, &mut buf) {
                f(k, bit);
            }
        }
    }
}

/// Keyword bits (everything above the gazetteer's low byte).
#[cfg(test)]
const KEYWORD_BITS: u32 = !0xFF;

/// The lists' table from the build script, with the keywords added (in
/// that order, as if one table had been filled with both).
fn load() -> Gazetteer {
    let fold = fold_table();
    // The words of the keyword lists: an upper bound on the keywords that
    // fold (the capacity, not the entries, of the tables).
    let nk = crate::builtin::keywords()
        .iter()
        .map(|(l, _)| l.len())
        .sum();
    // The build script wrote a well-formed table; a malformed one cannot
    // come from it, but would leave only the keywords, never a panic.
    let mut words = Table::from_le_bytes(LIST_TABLE).unwrap_or_else(|| Table::with_capacity(nk));
    let mut keywords = Table::with_capacity(nk);
    let mut keyword_shapes = Shapes::new();
    for_each_keyword(&fold, |key, bit| {
        words.add(key, bit);
        keywords.add(key, bit);
        keyword_shapes.add(key);
    });
    Gazetteer {
        words,
        keywords,
        fold,
        keyword_shapes,
    }
}

/// Forces the lists to load (so the first scan is not the slow one).
pub(crate) fn warm() {
    LazyLock::force(&GAZ);
}

/// Classes of an already folded word (0 if unknown).
#[inline]
pub(crate) fn lookup(folded: &[u8]) -> u32 {
    lookup_hashed(hash(folded))
}

/// Classes of the folded word whose [`hash`] is `h` (0 if unknown),
/// through the per-thread cache of recent lookups.
#[inline]
fn lookup_hashed(h: u64) -> u32 {
    let fp = h & !CLASS_BITS;
    if fp == 0 {
        // An empty cache slot looks like this fingerprint: skip the cache.
        return GAZ.words.get_hashed(h);
    }
    RECENT.with(|r| {
        let Some(slot) = r.get((h >> (64 - RECENT_BITS)) as usize) else {
            return GAZ.words.get_hashed(h);
        };
        let v = slot.get();
        if v & !CLASS_BITS == fp {
            return (v & CLASS_BITS) as u32;
        }
        let c = GAZ.words.get_hashed(h);
        slot.set(fp | u64::from(c));
        c
    })
}

/// Slots of the per-thread cache of recent lookups: names and places
/// repeat, and a hit stays in a table small enough for the L1/L2 cache
/// instead of missing the cache in the large one. A slot holds the
/// fingerprint and classes exactly as the large table does (for unknown
/// words too, with no classes), so a hit gives the same answer as the
/// large table; the slot is picked by the hash's top bits.
const RECENT_BITS: u32 = 12;

thread_local! {
    static RECENT: [Cell<u64>; 1 << RECENT_BITS] =
        const { [const { Cell::new(0) }; 1 << RECENT_BITS] };
}

/// Folds `s` (lowercase ASCII, accents removed) into `buf`; `None` if it
/// does not fit or holds a character with no ASCII folding.
pub(crate) fn fold<'b>(s: &str, buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
    fold_with(&GAZ.fold, s, buf)
}

fn fold_with<'b>(
    table: &[(u32, &'static str)],
    s: &str,
    buf: &'b mut [u8; 64],
) -> Option<&'b [u8]> {
    let mut n = 0;
    if s.is_ascii() {
        let b = s.as_bytes();
        let out = buf.get_mut(..b.len())?;
        for (o, &c) in out.iter_mut().zip(b) {
            *o = c.to_ascii_lowercase();
        }
        return Some(out);
    }
    for ch in s.chars() {
        if ch.is_ascii() {
            *buf.get_mut(n)? = (ch as u8).to_ascii_lowercase();
            n += 1;
            continue;
        }
        let i = table.binary_search_by_key(&(ch as u32), |e| e.0).ok()?;
        for b in table.get(i)?.1.bytes() {
            *buf.get_mut(n)? = b;
            n += 1;
        }
    }
    buf.get(..n)
}

/// Classes of a word as written (folded first).
pub(crate) fn classes(word: &str) -> u32 {
    let mut buf = [0u8; 64];
    fold(word, &mut buf).map_or(0, lookup)
}

/// Keyword bits alone of a word as written (folded first); the same as
/// `classes(word)` with the gazetteer class bits masked off.
pub(crate) fn keyword_classes(word: &str) -> u32 {
    let mut buf = [0u8; 64];
    fold(word, &mut buf).map_or(0, |f| {
        if GAZ.keyword_shapes.may_contain(f) {
            GAZ.keywords.get(f)
        } else {
            0
        }
    })
}

/// [`classes`] of a word made of ASCII letters only (1 to 64 of them),
/// without folding it into a buffer.
#[inline]
pub(crate) fn classes_ascii_letters(word: &[u8]) -> u32 {
    debug_assert!(word.iter().all(u8::is_ascii_alphabetic));
    if word.len() > 64 {
        return 0;
    }
    lookup_hashed(hash_ascii_letters(word))
}

/// [`keyword_classes`] of a word made of ASCII letters only (1 to 64 of
/// them), without folding it into a buffer.
#[inline]
pub(crate) fn keyword_classes_ascii_letters(word: &[u8]) -> u32 {
    debug_assert!(word.iter().all(u8::is_ascii_alphabetic));
    if word.len() > 64 || !GAZ.keyword_shapes.may_contain(word) {
        return 0;
    }
    GAZ.keywords.get_hashed(hash_ascii_letters(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_fold() {
        assert!(classes("Jennifer") & class::FIRST != 0);
        assert!(classes("Moore") & class::LAST != 0);
        assert!(classes("Málaga") & class::PLACE != 0);
        assert!(classes("München") & class::PLACE != 0 || classes("Munich") & class::PLACE != 0);
        assert!(classes("invoice") & class::COMMON != 0);
        assert!(classes("Patiño") & class::LAST != 0 || classes("Patino") & class::LAST != 0);
        assert_eq!(classes("Xqzzv"), 0);
        // Exactly 16 bytes and longer keys live in different maps.
        assert!(lookup(b"bosnia and herzegovina") & class::PLACE != 0);
        assert!(lookup(b"bosnia") & class::PLACE_START != 0);
        assert_eq!(lookup(b"bosnia and herzegovinx"), 0);
        assert_eq!(lookup(b"abcdefghijklmnop"), 0);
        assert_eq!(lookup(b""), 0);
        for w in ["dear", "rue", "de", "jennifer", "invoice", "allée", "xqzzv"] {
            assert_eq!(keyword_classes(w), classes(w) & !0xFF, "{w}");
        }
        let mut buf = [0u8; 64];
        assert_eq!(fold("Straße", &mut buf), Some(&b"strasse"[..]));
        for w in [
            "Jennifer",
            "MOORE",
            "rue",
            "Bosnia",
            "abcdefgh",
            "Abcdefghi",
            "x",
            "Invoice",
        ] {
            assert_eq!(classes_ascii_letters(w.as_bytes()), classes(w), "{w}");
            assert_eq!(
                keyword_classes_ascii_letters(w.as_bytes()),
                keyword_classes(w),
                "{w}"
            );
        }
    }

    /// The table stores fingerprints, not keys: every compiled-in word
    /// must have a fingerprint of its own, and a lookup must give exactly
    /// the classes a map keyed by the words would.
    #[test]
    fn fingerprints_are_unique_and_lookups_exact() {
        use std::collections::HashMap;
        let fold = fold_table();
        let lists = lists();
        let mut exact: HashMap<Vec<u8>, u32> = HashMap::new();
        let mut keyword: HashMap<Vec<u8>, u32> = HashMap::new();
        for (text, bit) in &lists {
            table::for_each_list_entry(text, *bit, |key, bit| {
                *exact.entry(key.to_vec()).or_default() |= bit;
            });
        }
        for_each_keyword(&fold, |key, bit| {
            assert!(bit & KEYWORD_BITS == bit);
            *exact.entry(key.to_vec()).or_default() |= bit;
            *keyword.entry(key.to_vec()).or_default() |= bit;
        });
        let mut by_fp: HashMap<u64, &[u8]> = HashMap::new();
        for key in exact.keys() {
            let fp = hash(key) & !CLASS_BITS;
            if let Some(other) = by_fp.insert(fp, key) {
                panic!("{other:?} and {key:?} share a fingerprint");
            }
        }
        for (key, bits) in &exact {
            assert!(*bits as u64 & !CLASS_BITS == 0);
            if bits & KEYWORD_BITS != 0 {
                assert!(GAZ.keyword_shapes.may_contain(key), "{key:?}");
            }
            assert_eq!(lookup(key), *bits, "{key:?}");
            assert_eq!(
                GAZ.keywords.get(key),
                keyword.get(key).copied().unwrap_or(0)
            );
        }
    }

    /// The build script's table is the one the lists give here, and with
    /// the keywords added it stays at most two-thirds full (so every probe
    /// sequence ends at an empty slot soon).
    #[test]
    fn build_script_table_matches_the_lists() {
        let fresh = table::list_table(&lists());
        assert_eq!(fresh.to_le_bytes(), LIST_TABLE);
        let mut nk = 0;
        for_each_keyword(&fold_table(), |_, _| nk += 1);
        assert!(nk <= table::KEYWORD_ROOM, "{nk} keywords");
        assert!(3 * GAZ.words.used() <= 2 * GAZ.words.size());
    }
}
