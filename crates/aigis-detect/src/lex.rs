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

    /// Capitalized word: uppercase first letter, lowercase rest, letters only.
    #[inline]
    pub fn is_capitalized(&self) -> bool {
        self.is(flag::ALPHA | flag::UPPER_FIRST | flag::LOWER_REST)
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

/// Whether `b` is an ASCII letter or digit.
#[inline]
pub(crate) fn is_word_byte(b: u8) -> bool {
    CLASS[b as usize] & W != 0
}

/// Splits `text` into tokens, appending to `out` (cleared first).
pub(crate) fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        // Skip separators.
        let b = bytes[i];
        let c = CLASS[b as usize];
        if c & W == 0 {
            if c & N == 0 {
                i += 1;
                continue;
            }
            match decode_at(text, i) {
                Some((ch, _)) if ch.is_alphabetic() => {}
                Some((_, w)) => {
                    i += w;
                    continue;
                }
                None => {
                    i += 1;
                    continue;
                }
            }
        }
        // A token starts at i.
        let start = i;
        let mut flags = flag::DIGITS | flag::ALPHA | flag::ALL_UPPER | flag::LOWER_REST | flag::HEX;
        let mut first = true;
        let mut letters = 0usize;
        while i < n {
            let b = bytes[i];
            let c = CLASS[b as usize];
            if c & W != 0 {
                if c & D != 0 {
                    flags &= !flag::ALPHA;
                    flags |= flag::HAS_DIGIT;
                } else {
                    flags &= !flag::DIGITS;
                    flags |= flag::HAS_ALPHA;
                    letters += 1;
                    if c & U != 0 {
                        if first {
                            flags |= flag::UPPER_FIRST;
                        } else {
                            flags &= !flag::LOWER_REST;
                        }
                    } else {
                        flags &= !flag::ALL_UPPER;
                    }
                }
                if c & H == 0 {
                    flags &= !flag::HEX;
                }
                i += 1;
            } else if c & N != 0 {
                match decode_at(text, i) {
                    Some((ch, w)) if ch.is_alphabetic() => {
                        flags &= !(flag::DIGITS | flag::HEX);
                        flags |= flag::NON_ASCII | flag::HAS_ALPHA;
                        letters += 1;
                        if ch.is_uppercase() {
                            if first {
                                flags |= flag::UPPER_FIRST;
                            } else {
                                flags &= !flag::LOWER_REST;
                            }
                        } else {
                            flags &= !flag::ALL_UPPER;
                        }
                        i += w;
                    }
                    _ => break,
                }
            } else {
                break;
            }
            first = false;
        }
        if letters == 0 {
            flags &= !(flag::ALL_UPPER | flag::LOWER_REST);
        }
        if flags & flag::UPPER_FIRST == 0 {
            flags &= !flag::LOWER_REST;
        }
        out.push(Token {
            start,
            end: i,
            flags,
        });
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
        assert_eq!(words, ["Vicente", "Patiño", "34", "885", "664", "ÁLVARO", "x1"]);
        assert!(t[0].1 & flag::UPPER_FIRST != 0 && t[0].1 & flag::LOWER_REST != 0);
        assert!(t[1].1 & flag::NON_ASCII != 0 && t[1].1 & flag::LOWER_REST != 0);
        assert!(t[2].1 & flag::DIGITS != 0);
        assert!(t[5].1 & flag::ALL_UPPER != 0 && t[5].1 & flag::LOWER_REST == 0);
        assert!(t[6].1 & flag::DIGITS == 0 && t[6].1 & flag::ALPHA == 0);
    }

    #[test]
    fn boundaries() {
        let s = "aé";
        assert_eq!(floor_boundary(s, 2), 1);
        assert_eq!(ceil_boundary(s, 2), 3);
    }
}
