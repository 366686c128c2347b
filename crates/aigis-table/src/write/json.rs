//! Rewriting one JSON line from its source bytes: string leaves named by
//! their JSON path (as the reader names them) are replaced or removed;
//! every other byte (key order, whitespace, number spelling, escapes of
//! unchanged strings) is copied as it was.
//!
//! The line was parsed by the reader before (serde_json, nesting at most
//! 128), so this walker can trust its shape; it still never panics and
//! copies whatever it does not understand.

use crate::json_path::{push_index, push_key};

/// What happens to one string leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonEdit<'a> {
    /// The string's value becomes this (encoded as a JSON string).
    Set(&'a str),
    /// The member (or array element) is removed.
    Drop,
}

/// Writes the JSON line `raw` (with its line ending) to `out`, applying
/// `edits` (JSON path -> edit). Without edits the line is copied as is.
pub fn rewrite_json(raw: &[u8], edits: &[(&str, JsonEdit<'_>)], out: &mut Vec<u8>) {
    if edits.is_empty() {
        out.extend_from_slice(raw);
        return;
    }
    let mut w = Walker {
        src: raw,
        pos: 0,
        path: String::from("$"),
        edits,
    };
    if raw.starts_with(&[0xEF, 0xBB, 0xBF]) {
        out.extend_from_slice(&raw[..3]);
        w.pos = 3;
    }
    w.ws(out);
    w.value(out);
    out.extend_from_slice(raw.get(w.pos..).unwrap_or_default());
}

struct Walker<'a> {
    src: &'a [u8],
    pos: usize,
    path: String,
    edits: &'a [(&'a str, JsonEdit<'a>)],
}

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn copy(&mut self, n: usize, out: &mut Vec<u8>) {
        let end = (self.pos + n).min(self.src.len());
        out.extend_from_slice(self.src.get(self.pos..end).unwrap_or_default());
        self.pos = end;
    }

    fn ws(&mut self, out: &mut Vec<u8>) {
        let n = self
            .src
            .get(self.pos..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.copy(n, out);
    }

    fn edit(&self) -> Option<JsonEdit<'_>> {
        self.edits
            .iter()
            .find(|(p, _)| *p == self.path)
            .map(|(_, e)| *e)
    }

    /// Length of the string token starting at `pos` (quotes included).
    fn string_len(&self) -> usize {
        let s = self.src.get(self.pos..).unwrap_or_default();
        let mut i = 1;
        while let Some(&b) = s.get(i) {
            match b {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        s.len()
    }

    /// Copies (or, with `drop`, skips) one value at `pos`.
    fn value(&mut self, out: &mut Vec<u8>) {
        match self.peek() {
            Some(b'{') => self.container(out, true),
            Some(b'[') => self.container(out, false),
            Some(b'"') => {
                let n = self.string_len();
                match self.edit() {
                    Some(JsonEdit::Set(v)) => {
                        push_json_string(v, out);
                        self.pos += n;
                    }
                    _ => self.copy(n, out),
                }
            }
            _ => {
                let n = self
                    .src
                    .get(self.pos..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .count();
                self.copy(n.max(1), out);
            }
        }
    }

    /// An object or array: members whose value is a dropped string leaf
    /// are left out together with one separating comma.
    fn container(&mut self, out: &mut Vec<u8>, object: bool) {
        let close = if object { b'}' } else { b']' };
        self.copy(1, out);
        let path_len = self.path.len();
        let mut index = 0;
        // Where the comma before the current member was written, so a
        // dropped last member can take it away.
        let mut last_comma: Option<usize> = None;
        loop {
            let member_start = out.len();
            self.ws(out);
            match self.peek() {
                None => return,
                Some(b) if b == close => {
                    self.copy(1, out);
                    break;
                }
                _ => {}
            }
            if object {
                let n = self.string_len();
                let raw_key = self.src.get(self.pos..self.pos + n).unwrap_or_default();
                let key: String = serde_json::from_slice(raw_key).unwrap_or_default();
                push_key(&mut self.path, &key);
                self.copy(n, out);
                self.ws(out);
                if self.peek() == Some(b':') {
                    self.copy(1, out);
                }
                self.ws(out);
            } else {
                push_index(&mut self.path, index);
            }
            let dropped = self.peek() == Some(b'"') && self.edit() == Some(JsonEdit::Drop);
            if dropped {
                self.pos += self.string_len();
                out.truncate(member_start);
                let mut skip = Vec::new();
                self.ws(&mut skip);
            } else {
                self.value(out);
                self.ws(out);
            }
            self.path.truncate(path_len);
            index += 1;
            match self.peek() {
                Some(b',') => {
                    if dropped {
                        self.pos += 1;
                    } else {
                        last_comma = Some(out.len());
                        self.copy(1, out);
                    }
                }
                Some(b) if b == close => {
                    if dropped && let Some(c) = last_comma.take() {
                        // The dropped member was the last: remove the
                        // comma that led to it.
                        let tail = out.split_off(c);
                        out.extend_from_slice(tail.get(1..).unwrap_or_default());
                    }
                    self.copy(1, out);
                    break;
                }
                _ => return,
            }
        }
    }
}

/// Appends `v` as a JSON string literal.
fn push_json_string(v: &str, out: &mut Vec<u8>) {
    match serde_json::to_vec(v) {
        Ok(bytes) => out.extend_from_slice(&bytes),
        Err(_) => out.extend_from_slice(b"\"\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rw(raw: &str, edits: &[(&str, JsonEdit<'_>)]) -> String {
        let mut out = Vec::new();
        rewrite_json(raw.as_bytes(), edits, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn replaces_leaves_and_keeps_layout() {
        let line = "{\"id\": 7, \"user\":{\"email\":\"a@b.c\", \"tags\":[\"x\",\"Jane\"]}, \"n\":1.50e3}\n";
        assert_eq!(
            rw(
                line,
                &[
                    ("$.user.email", JsonEdit::Set("<E\"M>")),
                    ("$.user.tags[1]", JsonEdit::Set("P"))
                ]
            ),
            "{\"id\": 7, \"user\":{\"email\":\"<E\\\"M>\", \"tags\":[\"x\",\"P\"]}, \"n\":1.50e3}\n"
        );
        assert_eq!(
            rw("[\"a\",\"b\"]", &[("$[0]", JsonEdit::Set("z"))]),
            "[\"z\",\"b\"]"
        );
        assert_eq!(rw("\"top\"\r\n", &[("$", JsonEdit::Set("t"))]), "\"t\"\r\n");
        assert_eq!(
            rw(
                "{\"first name\":\"Al\\u0020\"}",
                &[("$['first name']", JsonEdit::Set("x"))]
            ),
            "{\"first name\":\"x\"}"
        );
    }

    #[test]
    fn drops_members_with_their_commas() {
        let d = JsonEdit::Drop;
        assert_eq!(rw("{\"a\":\"1\",\"b\":2}", &[("$.a", d)]), "{\"b\":2}");
        assert_eq!(rw("{\"a\":1, \"b\":\"2\"}", &[("$.b", d)]), "{\"a\":1}");
        assert_eq!(
            rw("{\"a\":1,\"b\":\"2\",\"c\":3}", &[("$.b", d)]),
            "{\"a\":1,\"c\":3}"
        );
        assert_eq!(rw("{\"b\":\"2\"}", &[("$.b", d)]), "{}");
        assert_eq!(rw("[\"x\",\"y\"]", &[("$[0]", d), ("$[1]", d)]), "[]");
        let out = rw(
            "{\"a\":[1,\"s\"],\"k\":{\"q\":\"v\",\"r\":null}}",
            &[("$.a[1]", d), ("$.k.q", d)],
        );
        assert_eq!(out, "{\"a\":[1],\"k\":{\"r\":null}}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
    }
}
