//! Name and place gazetteers compiled into the binary.
//!
//! The lists live in `data/*.txt.z` (zlib-compressed, one folded entry per
//! line; `data/SOURCES.md` says where each comes from and under which
//! licence; `data/gen/build_gazetteer.py` regenerates them). They are
//! inflated once per process on first use into one hash map from folded
//! word to a bit set of [`class`]es. Multi-word places ("port elizabeth")
//! are keyed with single spaces, and their first word carries
//! [`class::PLACE_START`] so callers know to try the longer key.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// Word classes (bits). The low byte comes from the gazetteers; the
/// keyword bits (titles, street types, ...) come from the recognizers'
/// word lists (`crate::builtin::keywords`), so one lookup answers both.
pub(crate) mod class {
    /// A first name.
    pub const FIRST: u32 = 1;
    /// A surname.
    pub const LAST: u32 = 1 << 1;
    /// A place (city, region, country), or a whole multi-word place.
    pub const PLACE: u32 = 1 << 2;
    /// An ordinary lowercase English word.
    pub const COMMON: u32 = 1 << 3;
    /// The first word of a multi-word place.
    pub const PLACE_START: u32 = 1 << 4;
}

static FIRST_NAMES: &[u8] = include_bytes!("../data/first_names.txt.z");
static SURNAMES: &[u8] = include_bytes!("../data/surnames.txt.z");
static PLACES: &[u8] = include_bytes!("../data/places.txt.z");
static COMMON_WORDS: &[u8] = include_bytes!("../data/common_words.txt.z");
static FOLD_TABLE: &str = include_str!("../data/fold_table.txt");

/// A small, fast hash for short keys (the FxHash mixing step).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w) ^ (rest.len() as u64) << 59)
                .wrapping_mul(K);
        }
        self.0 = h;
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.write_usize(i as u64 as usize);
        self.write_usize((i >> 64) as u64 as usize);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type Map = HashMap<&'static [u8], u32, BuildHasherDefault<Fx>>;
/// Keys of up to 16 bytes packed into an integer (zero-padded; folded
/// words hold no NUL byte): a probe compares integers instead of following
/// a pointer to the key, which keeps lookups to one cache miss.
type ShortMap = HashMap<u128, u32, BuildHasherDefault<Fx>>;

/// Longest key kept in the short map.
const SHORT: usize = 16;

#[inline]
fn pack(b: &[u8]) -> Option<u128> {
    let mut w = [0u8; SHORT];
    w.get_mut(..b.len())?.copy_from_slice(b);
    Some(u128::from_le_bytes(w))
}

struct Gazetteer {
    /// Words of up to [`SHORT`] bytes.
    short: ShortMap,
    /// The keyword words alone (recognizer word lists), with only their
    /// keyword bits: a few thousand entries instead of 300,000.
    keywords: Map,
    /// Longer words and multi-word places.
    words: Map,
    /// Sorted (code point, folded) pairs for non-ASCII letters.
    fold: Vec<(u32, &'static str)>,
}

static GAZ: LazyLock<Gazetteer> = LazyLock::new(load);

/// Inflates one list; a corrupt list (impossible for the compiled-in data,
/// but never a panic) yields an empty one.
fn inflate(z: &[u8]) -> &'static str {
    let raw =
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(z, 16 << 20).unwrap_or_default();
    let s = String::from_utf8(raw).unwrap_or_default();
    // Leaked once per process (LazyLock): the lists live as long as the
    // program, like the compressed bytes they come from.
    Box::leak(s.into_boxed_str())
}

fn load() -> Gazetteer {
    let mut g = Gazetteer {
        short: HashMap::with_capacity_and_hasher(300_000, BuildHasherDefault::default()),
        keywords: HashMap::default(),
        words: HashMap::default(),
        fold: Vec::new(),
    };
    for (z, bit) in [
        (FIRST_NAMES, class::FIRST),
        (SURNAMES, class::LAST),
        (PLACES, class::PLACE),
        (COMMON_WORDS, class::COMMON),
    ] {
        for line in inflate(z).lines().filter(|l| !l.is_empty()) {
            let b = line.as_bytes();
            g.add(b, bit);
            if bit == class::PLACE
                && let Some(sp) = memchr::memchr(b' ', b)
            {
                g.add(&b[..sp], class::PLACE_START);
            }
        }
    }
    let mut fold: Vec<(u32, &'static str)> = FOLD_TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (cp, s) = l.split_once(' ')?;
            Some((u32::from_str_radix(cp, 16).ok()?, s))
        })
        .collect();
    fold.sort_unstable();
    for (list, bit) in crate::builtin::keywords() {
        for w in list {
            let mut buf = [0u8; 64];
            if let Some(f) = fold_with(&fold, w, &mut buf) {
                let key: &'static [u8] = Box::leak(f.to_vec().into_boxed_slice());
                g.add(key, bit);
                *g.keywords.entry(key).or_insert(0) |= bit;
            }
        }
    }
    g.fold = fold;
    g.words.shrink_to_fit();
    g
}

impl Gazetteer {
    /// Adds class bits `bit` to word `key`, in the map its length picks.
    fn add(&mut self, key: &'static [u8], bit: u32) {
        match pack(key) {
            Some(p) => *self.short.entry(p).or_insert(0) |= bit,
            None => *self.words.entry(key).or_insert(0) |= bit,
        }
    }
}

/// Forces the lists to load (so the first scan is not the slow one).
pub(crate) fn warm() {
    LazyLock::force(&GAZ);
}

/// Classes of an already folded word (0 if unknown).
#[inline]
pub(crate) fn lookup(folded: &[u8]) -> u32 {
    let g = &*GAZ;
    match pack(folded) {
        Some(p) => RECENT.with(|r| {
            let Ok(mut r) = r.try_borrow_mut() else {
                return g.short.get(&p).copied().unwrap_or(0);
            };
            if r.is_empty() {
                r.resize(RECENT_SLOTS, (EMPTY, 0));
            }
            let h = ((p as u64) ^ ((p >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let i = (h >> (64 - RECENT_BITS)) as usize;
            match r.get_mut(i) {
                Some(slot) if slot.0 == p => slot.1,
                Some(slot) => {
                    let v = g.short.get(&p).copied().unwrap_or(0);
                    *slot = (p, v);
                    v
                }
                None => g.short.get(&p).copied().unwrap_or(0),
            }
        }),
        None => g.words.get(folded).copied().unwrap_or(0),
    }
}

/// Slots of the per-thread cache of recent short-word lookups: names and
/// places repeat, and a hit stays in a small table instead of missing the
/// cache in the 300,000-word map.
const RECENT_BITS: u32 = 12;
const RECENT_SLOTS: usize = 1 << RECENT_BITS;
/// A packed key no word has (16 bytes of 0xFF are not UTF-8).
const EMPTY: u128 = u128::MAX;

thread_local! {
    static RECENT: std::cell::RefCell<Vec<(u128, u32)>> = const { std::cell::RefCell::new(Vec::new()) };
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
    fold(word, &mut buf)
        .and_then(|f| GAZ.keywords.get(f).copied())
        .unwrap_or(0)
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
    }
}
