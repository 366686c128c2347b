//! Text from bytes that may not be valid UTF-8, keeping byte offsets.
//!
//! Each byte that is not part of a valid UTF-8 sequence becomes U+001A
//! (SUBSTITUTE, one byte), so a byte offset into the result is the same
//! byte offset into the input, and each bad byte counts as one character
//! (as Python's `surrogateescape` decoding counts it).

/// The character that stands for one invalid input byte.
pub const SUBSTITUTE: char = '\u{1A}';

/// Appends `bytes` to `out` as text; returns true when some bytes were
/// substituted.
pub(crate) fn push_lossy(bytes: &[u8], out: &mut String) -> bool {
    if let Ok(s) = std::str::from_utf8(bytes) {
        out.push_str(s);
        return false;
    }
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push(SUBSTITUTE);
        }
    }
    true
}

/// The largest index `<= i` where `bytes` can be cut without splitting a
/// valid multi-byte sequence (looks back at most 3 bytes).
pub(crate) fn cut_point(bytes: &[u8], i: usize) -> usize {
    let i = i.min(bytes.len());
    for back in 0..4 {
        let Some(at) = i.checked_sub(back) else { break };
        match bytes.get(at) {
            None => return at,                          // cut at the end
            Some(b) if (b & 0xC0) != 0x80 => return at, // not a continuation byte
            Some(_) => {}
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_byte_for_byte() {
        let mut s = String::new();
        assert!(push_lossy(b"a\xffb\xe2\x82", &mut s));
        assert_eq!(s, "a\u{1a}b\u{1a}\u{1a}");
        assert_eq!(s.len(), 5);
        let mut t = String::new();
        assert!(!push_lossy("é€".as_bytes(), &mut t));
        assert_eq!(t, "é€");
    }

    #[test]
    fn cut_never_splits_a_sequence() {
        let b = "a€b".as_bytes(); // 61 e2 82 ac 62
        assert_eq!(cut_point(b, 1), 1);
        assert_eq!(cut_point(b, 2), 1);
        assert_eq!(cut_point(b, 3), 1);
        assert_eq!(cut_point(b, 4), 4);
        assert_eq!(cut_point(b, 9), 5);
    }

    proptest::proptest! {
        #[test]
        fn lossy_keeps_length(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let mut s = String::new();
            push_lossy(&bytes, &mut s);
            proptest::prop_assert_eq!(s.len(), bytes.len());
        }
    }
}
