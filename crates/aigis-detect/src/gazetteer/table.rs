// The word table's layout and hash. This file is shared with the crate's
// build script (`include!`d there), so it holds items only: no inner
// attributes, no `crate::` paths.

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

/// Bits of a table slot that hold the word's classes (every class and
/// keyword bit is below bit 23, see `crate::builtin::kw`).
pub(crate) const CLASS_BITS: u64 = (1 << 23) - 1;

/// The compiled-in lists (paths from the crate's directory, one folded
/// entry per line, zlib-compressed), each with its class bit.
pub(crate) const LIST_FILES: [(&str, u32); 4] = [
    ("data/first_names.txt.z", class::FIRST),
    ("data/surnames.txt.z", class::LAST),
    ("data/places.txt.z", class::PLACE),
    ("data/common_words.txt.z", class::COMMON),
];

/// Entries the build script leaves room for beyond the compiled-in lists:
/// the recognizers' keywords, added when the table is loaded.
pub(crate) const KEYWORD_ROOM: usize = 8192;

/// A 64-bit hash of a folded word: each 8-byte chunk is mixed in with a
/// multiply and rotate, the length is mixed in too, and the result is
/// finished with the MurmurHash3 avalanche step so that every output bit
/// depends on every input bit.
#[inline]
pub(crate) fn hash(b: &[u8]) -> u64 {
    hash_chunks(b, 0)
}

/// The hash of [`hash`], with `or` ORed into every full chunk and into the
/// bytes of the last, partial one (so padding bytes stay zero).
#[inline]
pub(crate) fn hash_chunks(b: &[u8], or: u64) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (b.len() as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ (u64::from_le_bytes(w) | or))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // The tail, zero-padded, as a little-endian word (built byte by
        // byte: a variable-length copy into a buffer is a `memcpy` call).
        let w = rest
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        let mask = u64::MAX >> (64 - 8 * rest.len());
        h = (h ^ (w | (or & mask))).wrapping_mul(K).rotate_left(29);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// An open-addressing table from folded word to class bits that stores
/// no keys: each slot is one `u64` holding the high 41 bits of the word's
/// [`hash`] (its fingerprint) and the word's 23 class bits, and a lookup
/// is one probe sequence (linear, starting at the hash's low bits) in one
/// flat array, usually a single cache line.
///
/// Not storing keys means a word that is in no list can be taken for one
/// that is, if its fingerprint equals that of an entry in its probe
/// sequence. The table has at least 1.5 slots per entry (the compiled-in
/// lists and keywords fill 0.54 of it), so an unknown word is compared with about two
/// or three entries before its probe sequence reaches an empty slot, and
/// the chance of such a false hit is about 3 / 2^41, roughly one lookup
/// in 7 x 10^11 (the low bits that pick the slot are independent of the
/// fingerprint bits, so this is the whole chance). Two list entries
/// sharing a fingerprint would merge their classes; the unit tests check
/// that none of the compiled-in entries do.
///
/// The build script fills a table with the compiled-in lists and stores
/// its slots ([`Table::to_le_bytes`]); the crate loads them back
/// ([`Table::from_le_bytes`]) and adds the keywords.
pub(crate) struct Table {
    slots: Box<[u64]>,
    mask: usize,
}

impl Table {
    /// A table for up to `n` words.
    pub(crate) fn with_capacity(n: usize) -> Table {
        let size = (n + n / 2).next_power_of_two().max(64);
        Table {
            slots: vec![0; size].into_boxed_slice(),
            mask: size - 1,
        }
    }

    /// The table whose slots [`Table::to_le_bytes`] wrote; `None` unless
    /// `bytes` holds a power-of-two number (at least 64) of slots.
    pub(crate) fn from_le_bytes(bytes: &[u8]) -> Option<Table> {
        let size = bytes.len() / 8;
        if !bytes.len().is_multiple_of(8) || size < 64 || !size.is_power_of_two() {
            return None;
        }
        let slots: Box<[u64]> = bytes
            .chunks_exact(8)
            .map(|c| {
                let mut w = [0u8; 8];
                w.copy_from_slice(c);
                u64::from_le_bytes(w)
            })
            .collect();
        Some(Table {
            slots,
            mask: size - 1,
        })
    }

    /// The slots, 8 little-endian bytes each.
    pub(crate) fn to_le_bytes(&self) -> Vec<u8> {
        self.slots.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    /// Number of slots.
    pub(crate) fn size(&self) -> usize {
        self.slots.len()
    }

    /// Number of slots in use.
    pub(crate) fn used(&self) -> usize {
        self.slots.iter().filter(|&&s| s != 0).count()
    }

    /// Adds class bits `bits` (non-zero, within [`CLASS_BITS`]) to `key`.
    pub(crate) fn add(&mut self, key: &[u8], bits: u32) {
        let h = hash(key);
        let fp = h & !CLASS_BITS;
        let mut i = h as usize & self.mask;
        // Bounded so that a full table (never reached: see `used`) ends.
        for _ in 0..self.slots.len() {
            let Some(slot) = self.slots.get_mut(i) else {
                return;
            };
            if *slot == 0 || *slot & !CLASS_BITS == fp {
                *slot = fp | (*slot & CLASS_BITS) | (u64::from(bits) & CLASS_BITS);
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Class bits of `key` (0 if absent).
    #[inline]
    pub(crate) fn get(&self, key: &[u8]) -> u32 {
        self.get_hashed(hash(key))
    }

    /// Class bits of the key whose [`hash`] is `h` (0 if absent).
    #[inline]
    pub(crate) fn get_hashed(&self, h: u64) -> u32 {
        let fp = h & !CLASS_BITS;
        let mut i = h as usize & self.mask;
        // The table is at most two-thirds full, so an empty slot ends every
        // probe sequence; the bound only guards against a full table.
        for _ in 0..self.slots.len() {
            let Some(&slot) = self.slots.get(i) else {
                return 0;
            };
            if slot == 0 {
                return 0;
            }
            if slot & !CLASS_BITS == fp {
                return (slot & CLASS_BITS) as u32;
            }
            i = (i + 1) & self.mask;
        }
        0
    }
}

/// Calls `f` with every (folded word, class bits) pair of one inflated
/// list of class `bit` (one entry per line): a multi-word place also gives
/// its first word with [`class::PLACE_START`].
pub(crate) fn for_each_list_entry(text: &str, bit: u32, mut f: impl FnMut(&[u8], u32)) {
    for line in text.lines().filter(|l| !l.is_empty()) {
        let b = line.as_bytes();
        f(b, bit);
        if bit == class::PLACE
            && let Some(sp) = b.iter().position(|&c| c == b' ')
        {
            f(&b[..sp], class::PLACE_START);
        }
    }
}

/// Reads and inflates the [`LIST_FILES`] under the crate directory `dir`;
/// the error names the file and what went wrong.
pub(crate) fn read_lists(dir: &std::path::Path) -> Result<Vec<(String, u32)>, String> {
    LIST_FILES
        .iter()
        .map(|&(file, bit)| {
            let path = dir.join(file);
            let z = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&z, 16 << 20)
                .map_err(|e| format!("inflating {}: {e:?}", path.display()))?;
            let text = String::from_utf8(raw)
                .map_err(|e| format!("{} is not UTF-8: {e}", path.display()))?;
            Ok((text, bit))
        })
        .collect()
}

/// The table of every entry of the inflated `lists`, with room for
/// [`KEYWORD_ROOM`] more.
pub(crate) fn list_table(lists: &[(String, u32)]) -> Table {
    let mut n = 0;
    for (text, bit) in lists {
        for_each_list_entry(text, *bit, |_, _| n += 1);
    }
    let mut table = Table::with_capacity(n + KEYWORD_ROOM);
    for (text, bit) in lists {
        for_each_list_entry(text, *bit, |key, bit| table.add(key, bit));
    }
    table
}
