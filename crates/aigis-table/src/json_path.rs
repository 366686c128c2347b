//! JSON paths that name a string leaf of a JSON value: `$` for the root,
//! `.key` for object members whose key is an identifier
//! (`[A-Za-z_][A-Za-z0-9_]*`), `['key']` for any other key (with `\\`,
//! `\'` and `\uXXXX` for control characters, as in RFC 9535 normalized
//! paths), and `[n]` for array elements: `$.user.emails[0]`,
//! `$['first name']`.
//!
//! [`parse`] reads a rendered path back into [`Segment`]s, so a writer
//! can find the leaf again.

use std::fmt::Write as _;

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object member.
    Key(String),
    /// An array element (0-based).
    Index(usize),
}

/// A path string that [`parse`] does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON path at byte {offset}: {expected}")]
pub struct PathError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was expected there.
    pub expected: &'static str,
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Appends the segment for object key `key` to `path`.
pub fn push_key(path: &mut String, key: &str) {
    if is_identifier(key) {
        path.push('.');
        path.push_str(key);
        return;
    }
    path.push_str("['");
    for c in key.chars() {
        match c {
            '\'' => path.push_str("\\'"),
            '\\' => path.push_str("\\\\"),
            '\u{8}' => path.push_str("\\b"),
            '\u{c}' => path.push_str("\\f"),
            '\n' => path.push_str("\\n"),
            '\r' => path.push_str("\\r"),
            '\t' => path.push_str("\\t"),
            c if c < ' ' => {
                let _ = write!(path, "\\u{:04x}", c as u32);
            }
            c => path.push(c),
        }
    }
    path.push_str("']");
}

/// Appends the segment for array index `i` to `path`.
pub fn push_index(path: &mut String, i: usize) {
    let _ = write!(path, "[{i}]");
}

/// Renders segments as a path string starting with `$`.
pub fn render(segments: &[Segment]) -> String {
    let mut path = String::from("$");
    for s in segments {
        match s {
            Segment::Key(k) => push_key(&mut path, k),
            Segment::Index(i) => push_index(&mut path, *i),
        }
    }
    path
}

/// Parses a path rendered by this module.
pub fn parse(path: &str) -> Result<Vec<Segment>, PathError> {
    let bytes = path.as_bytes();
    let err = |offset, expected| PathError { offset, expected };
    if bytes.first() != Some(&b'$') {
        return Err(err(0, "`$`"));
    }
    let mut out = Vec::new();
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'.' => {
                let start = i + 1;
                let mut end = start;
                while bytes
                    .get(end)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    end += 1;
                }
                let key = path.get(start..end).unwrap_or_default();
                if !is_identifier(key) {
                    return Err(err(start, "an identifier after `.`"));
                }
                out.push(Segment::Key(key.to_owned()));
                i = end;
            }
            b'[' if bytes.get(i + 1) == Some(&b'\'') => {
                let (key, next) = parse_quoted(path, i + 2)?;
                out.push(Segment::Key(key));
                i = next;
            }
            b'[' => {
                let start = i + 1;
                let mut end = start;
                while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                    end += 1;
                }
                let n = path
                    .get(start..end)
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| err(start, "an array index"))?;
                if bytes.get(end) != Some(&b']') {
                    return Err(err(end, "`]`"));
                }
                out.push(Segment::Index(n));
                i = end + 1;
            }
            _ => return Err(err(i, "`.` or `[`")),
        }
    }
    Ok(out)
}

/// Parses a quoted key starting after `['`; returns it and the offset
/// after the closing `']`.
fn parse_quoted(path: &str, start: usize) -> Result<(String, usize), PathError> {
    let err = |offset, expected| PathError { offset, expected };
    let mut key = String::new();
    let mut chars = path.get(start..).unwrap_or_default().char_indices();
    while let Some((off, c)) = chars.next() {
        match c {
            '\'' => {
                let close = start + off + 1;
                return if path.as_bytes().get(close) == Some(&b']') {
                    Ok((key, close + 1))
                } else {
                    Err(err(close, "`]` after the quoted key"))
                };
            }
            '\\' => {
                let Some((eoff, e)) = chars.next() else { break };
                match e {
                    '\'' | '\\' => key.push(e),
                    'b' => key.push('\u{8}'),
                    'f' => key.push('\u{c}'),
                    'n' => key.push('\n'),
                    'r' => key.push('\r'),
                    't' => key.push('\t'),
                    'u' => {
                        let hex_start = start + eoff + 1;
                        let c = path
                            .get(hex_start..hex_start + 4)
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .and_then(char::from_u32)
                            .ok_or_else(|| err(hex_start, "four hex digits"))?;
                        key.push(c);
                        for _ in 0..4 {
                            chars.next();
                        }
                    }
                    _ => {
                        return Err(err(
                            start + eoff,
                            "an escape: \\' \\\\ \\b \\f \\n \\r \\t \\uXXXX",
                        ));
                    }
                }
            }
            c => key.push(c),
        }
    }
    Err(err(path.len(), "a closing `']`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn renders_identifiers_and_quoted_keys() {
        let p = render(&[
            Segment::Key("user".into()),
            Segment::Key("emails".into()),
            Segment::Index(0),
        ]);
        assert_eq!(p, "$.user.emails[0]");
        let q = render(&[
            Segment::Key("first name".into()),
            Segment::Key("it's\\".into()),
        ]);
        assert_eq!(q, r"$['first name']['it\'s\\']");
        assert_eq!(render(&[Segment::Key("1a".into())]), "$['1a']");
        assert_eq!(render(&[Segment::Key(String::new())]), "$['']");
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "", "x", "$.", "$[", "$[1", "$['a'", "$['a]", "$.a b", "$[x]", r"$['\q']",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    fn segment() -> impl Strategy<Value = Segment> {
        prop_oneof![
            any::<String>().prop_map(Segment::Key),
            "[a-z_][a-z0-9_]{0,6}".prop_map(Segment::Key),
            (0usize..1000).prop_map(Segment::Index),
        ]
    }

    proptest! {
        #[test]
        fn parse_inverts_render(segs in proptest::collection::vec(segment(), 0..6)) {
            let rendered = render(&segs);
            prop_assert_eq!(parse(&rendered).unwrap(), segs);
        }
    }
}
