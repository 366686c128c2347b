//! The one pass over a field that every built-in recognizer shares.
//!
//! A token is a maximal run of ASCII letters and digits and non-ASCII
//! alphabetic characters; everything else (spaces, punctuation, symbols,
//! emoji) separates tokens. Recognizers look at tokens and at the separator
//! bytes between them ("gaps") instead of running their own regexes over
//! the whole text.

/// Token flags.
pub(crate) mod flag {
    /// Every character is an ASCII digit.
    pub const DIGITS: u16 = 1;
    /// Every character is a letter (ASCII or not).
    pub const ALPHA: u16 = 1 << 1;
    /// The first character is an uppercase letter.
    pub const UPPER_FIRST: u16 = 1 << 2;
    /// Every letter is uppercase and there is at least one letter.
    pub const ALL_UPPER: u16 = 1 << 3;
    /// Every letter after the first is lowercase.
    pub const LOWER_REST: u16 = 1 << 4;
    /// Contains a non-ASCII character.
    pub const NON_ASCII: u16 = 1 << 5;
    /// Every character is an ASCII hex digit.
    pub const HEX: u16 = 1 << 6;
    /// Inside a span already claimed (e-mail address, URL, secret).
    pub const CLAIMED: u16 = 1 << 7;
    /// Contains at least one digit.
    pub const HAS_DIGIT: u16 = 1 << 8;
    /// Contains at least one letter.
    pub const HAS_ALPHA: u16 = 1 << 9;
}

/// One token: `start..end` byte offsets (on char boundaries) and flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub flags: u16,
}

impl Token {
    /// Whether all of `f` are set.
    #[inline]
    pub fn is(&self, f: u16) -> bool {
        self.flags & f == f
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.end - self.start
    }
}

const W: u8 = 1; // ASCII letter or digit
const D: u8 = 2; // digit
const U: u8 = 4; // uppercase
const L: u8 = 8; // lowercase
const H: u8 = 16; // hex digit
const N: u8 = 32; // non-ASCII lead or continuation byte

const fn build_class() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut c = 0;
        if b.is_ascii_digit() {
            c |= W | D | H;
        }
        if b.is_ascii_uppercase() {
            c |= W | U;
        }
        if b.is_ascii_lowercase() {
            c |= W | L;
        }
        if (b >= b'a' && b <= b'f') || (b >= b'A' && b <= b'F') {
            c |= H;
        }
        if b >= 0x80 {
            c |= N;
        }
        t[i] = c;
        i += 1;
    }
    t
}

/// Byte classes for ASCII fast paths.
pub(crate) static CLASS: [u8; 256] = build_class();

/// [`CLASS`] bit of an ASCII letter or digit.
pub(crate) const WORD: u8 = W;
/// [`CLASS`] bit of every byte of a non-ASCII character.
pub(crate) const WIDE: u8 = N;

/// What a field contains overall, gathered while tokenizing, so that
/// recognizer families that cannot match skip the field outright.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// ASCII digits inside tokens.
    pub digits: usize,
    /// Letters inside tokens.
    pub letters: usize,
    /// Longest token in bytes.
    pub max_token: usize,
    /// Separator bytes seen, as [`sep`] bits.
    pub seps: u16,
}

/// Separator bits in [`Summary::seps`].
pub(crate) mod sep {
    pub const AT: u16 = 1;
    pub const COLON: u16 = 1 << 1;
    pub const SLASH: u16 = 1 << 2;
    pub const EQ: u16 = 1 << 3;
    pub const PLUS: u16 = 1 << 4;
    pub const DOT: u16 = 1 << 5;
    pub const DASH: u16 = 1 << 6;
    pub const PAREN: u16 = 1 << 7;
    pub const UNDERSCORE: u16 = 1 << 8;
    pub const HASH: u16 = 1 << 9;
}

const fn build_sep() -> [u16; 256] {
    let mut t = [0u16; 256];
    t[b'@' as usize] = sep::AT;
    t[b':' as usize] = sep::COLON;
    t[b'/' as usize] = sep::SLASH;
    t[b'=' as usize] = sep::EQ;
    t[b'+' as usize] = sep::PLUS;
    t[b'.' as usize] = sep::DOT;
    t[b'-' as usize] = sep::DASH;
    t[b'(' as usize] = sep::PAREN;
    t[b')' as usize] = sep::PAREN;
    t[b'_' as usize] = sep::UNDERSCORE;
    t[b'#' as usize] = sep::HASH;
    t
}

static SEP: [u16; 256] = build_sep();

impl Summary {
    /// Whether any of the separator bits `s` was seen.
    #[inline]
    pub fn has(&self, s: u16) -> bool {
        self.seps & s != 0
    }
}

/// Class bits of a non-ASCII char inside a token, or `None` if it ends it.
#[inline]
fn wide_class(text: &str, i: usize) -> Option<(u8, usize)> {
    let (ch, w) = decode_at(text, i)?;
    if !ch.is_alphabetic() {
        return None;
    }
    let c = if ch.is_uppercase() {
        W | U | N
    } else if ch.is_lowercase() {
        W | L | N
    } else {
        W | N
    };
    Some((c, w))
}

/// Splits `text` into tokens, appending to `out` (cleared first).
pub(crate) fn tokenize(text: &str, out: &mut Vec<Token>) -> Summary {
    out.clear();
    let mut sum = Summary::default();
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        // Skip separators.
        let b = bytes[i];
        let c = CLASS[b as usize];
        sum.seps |= SEP[b as usize];
        let (first_c, w) = if c & W != 0 {
            (c, 1)
        } else if c & N != 0 {
            match wide_class(text, i) {
                Some(x) => x,
                None => {
                    i += decode_at(text, i).map_or(1, |x| x.1);
                    continue;
                }
            }
        } else {
            i += 1;
            continue;
        };
        let start = i;
        i += w;
        let mut and_c = first_c;
        let mut or_c = first_c;
        let mut or_rest = 0u8;
        loop {
            // ASCII letters and digits, the bulk of every token.
            while let Some(&b) = bytes.get(i) {
                let c = CLASS[usize::from(b)];
                if c & W == 0 {
                    break;
                }
                and_c &= c;
                or_rest |= c;
                i += 1;
            }
            match bytes.get(i) {
                Some(&b) if CLASS[usize::from(b)] & N != 0 => match wide_class(text, i) {
                    Some((c, w)) => {
                        and_c &= c;
                        or_rest |= c;
                        i += w;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        let tok = &bytes[start..i];
        let any = first_c | or_rest;
        // Digits and characters, counted per token rather than per byte:
        // most tokens are all digits or have none.
        let digits = if and_c & D != 0 {
            tok.len()
        } else if any & D == 0 {
            0
        } else {
            tok.iter().filter(|b| b.is_ascii_digit()).count()
        };
        let chars = if any & N == 0 {
            tok.len()
        } else {
            tok.iter().filter(|&&b| b & 0xC0 != 0x80).count()
        };
        sum.digits += digits;
        sum.letters += chars - digits;
        sum.max_token = sum.max_token.max(i - start);
        or_c |= or_rest;
        let mut flags = 0u16;
        if and_c & D != 0 {
            flags |= flag::DIGITS | flag::HAS_DIGIT;
        } else if or_c & D != 0 {
            flags |= flag::HAS_DIGIT;
        } else {
            flags |= flag::ALPHA;
        }
        let letters = or_c & (U | L | N) != 0 && and_c & D == 0;
        if letters {
            flags |= flag::HAS_ALPHA;
        }
        if and_c & H != 0 {
            flags |= flag::HEX;
        }
        if or_c & N != 0 {
            flags |= flag::NON_ASCII;
        }
        if letters && or_c & L == 0 && or_c & U != 0 {
            flags |= flag::ALL_UPPER;
        }
        if first_c & U != 0 {
            flags |= flag::UPPER_FIRST;
            if or_rest & U == 0 {
                flags |= flag::LOWER_REST;
            }
        }
        out.push(Token {
            start,
            end: i,
            flags,
        });
    }
    sum
}

/// Byte bounds of `text.trim()`: `(start, end)` with `start` the length
/// of the leading whitespace and `end` the length of `text.trim_end()`
/// (so `start >= end` when the text is blank). Text that begins and ends
/// with a visible ASCII character, as most cells do, is answered without
/// decoding anything.
#[inline]
pub(crate) fn trim_bounds(text: &str) -> (usize, usize) {
    let b = text.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => (0, b.len()),
        _ => (text.len() - text.trim_start().len(), text.trim_end().len()),
    }
}

/// Decodes the char starting at byte `i` (which must be a char boundary).
#[inline]
pub(crate) fn decode_at(text: &str, i: usize) -> Option<(char, usize)> {
    let ch = text.get(i..)?.chars().next()?;
    Some((ch, ch.len_utf8()))
}

/// Largest char boundary `<= i`.
pub(crate) fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Smallest char boundary `>= i`.
pub(crate) fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(&str, u16)> {
        let mut v = Vec::new();
        tokenize(s, &mut v);
        v.iter().map(|t| (&s[t.start..t.end], t.flags)).collect()
    }

    #[test]
    fn splits_words_numbers_and_unicode() {
        let t = toks("Vicente Patiño, +34 885-664 🙏 ÁLVARO x1");
        let words: Vec<&str> = t.iter().map(|x| x.0).collect();
        assert_eq!(
            words,
            ["Vicente", "Patiño", "34", "885", "664", "ÁLVARO", "x1"]
        );
        assert!(t[0].1 & flag::UPPER_FIRST != 0 && t[0].1 & flag::LOWER_REST != 0);
        assert!(t[1].1 & flag::NON_ASCII != 0 && t[1].1 & flag::LOWER_REST != 0);
        assert!(t[2].1 & flag::DIGITS != 0);
        assert!(t[5].1 & flag::ALL_UPPER != 0 && t[5].1 & flag::LOWER_REST == 0);
        assert!(t[6].1 & flag::DIGITS == 0 && t[6].1 & flag::ALPHA == 0);
    }

    #[test]
    fn trim_bounds_agree_with_trim() {
        for s in [
            "",
            " ",
            " \u{a0}",
            "a",
            " a ",
            "a b",
            "\u{2003}x\u{2003}",
            "é",
            "x\t",
        ] {
            let (a, b) = trim_bounds(s);
            assert_eq!(a, s.len() - s.trim_start().len(), "{s:?}");
            assert_eq!(b, s.trim_end().len(), "{s:?}");
        }
    }

    #[test]
    fn boundaries() {
        let s = "aé";
        assert_eq!(floor_boundary(s, 2), 1);
        assert_eq!(ceil_boundary(s, 2), 3);
    }
}
