//! Byte offsets to lines, and the per-document map of JSON Pointer -> line.

use std::collections::BTreeMap;

use serde_json::Value;

/// Start offsets of the lines of a text, to turn byte offsets into 1-based
/// line and column numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line and column (in bytes) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (line, offset.saturating_sub(start) + 1)
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.line_col(offset).0
    }
}

/// Lines of the keys of one document, keyed by JSON Pointer (RFC 6901):
/// `""` is the whole document, `/spec/models/0/stage` a nested key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locations {
    lines: BTreeMap<String, usize>,
}

impl Locations {
    /// An empty map.
    pub fn new() -> Locations {
        Locations::default()
    }

    /// Records the line of a pointer (the first record wins).
    pub fn insert(&mut self, pointer: String, line: usize) {
        self.lines.entry(pointer).or_insert(line);
    }

    /// The line of a pointer, or of its nearest ancestor that has one.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        let mut p = pointer;
        loop {
            if let Some(line) = self.lines.get(p) {
                return Some(*line);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }

    /// Number of recorded pointers.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The map as a JSON object (pointer -> line).
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.lines
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(*v)))
                .collect(),
        )
    }
}

/// Appends one escaped reference token to a JSON Pointer.
pub(crate) fn push_token(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Builds a JSON Pointer from path segments (strings or numbers), as a
/// violation's `key` array gives them.
pub fn pointer_from_segments(segments: &[Value]) -> String {
    segments.iter().fold(String::new(), |p, seg| match seg {
        Value::String(s) => push_token(&p, s),
        other => push_token(&p, &other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_of_offsets() {
        let idx = LineIndex::new("ab\ncd\n\nx");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(1), (1, 2));
        assert_eq!(idx.line_col(3), (2, 1));
        assert_eq!(idx.line_col(6), (3, 1));
        assert_eq!(idx.line_col(7), (4, 1));
        assert_eq!(idx.line_col(100), (4, 94));
    }

    #[test]
    fn ancestors_answer_for_missing_keys() {
        let mut l = Locations::new();
        l.insert(String::new(), 1);
        l.insert("/spec".into(), 3);
        assert_eq!(l.line_of("/spec/auth/required"), Some(3));
        assert_eq!(l.line_of("/other"), Some(1));
    }

    #[test]
    fn pointers_escape_tokens() {
        let p = pointer_from_segments(&[Value::from("a/b"), Value::from("c~d"), Value::from(0)]);
        assert_eq!(p, "/a~1b/c~0d/0");
    }
}
