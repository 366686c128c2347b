//! JSON Lines: each non-blank line is one JSON value and one record; every
//! string leaf (object member values and array elements, at any depth) is
//! a field named by its JSON path (see [`crate::json_path`]). Numbers,
//! booleans, nulls and object keys are not fields.
//!
//! Values are walked straight from the parser into the batch, without
//! building a tree. Nesting is limited by `serde_json`'s recursion limit
//! (128), so hostile input cannot exhaust the stack.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::json_path::{push_index, push_key};
use crate::lines::{Chunk, LineSplitter};
use crate::reader::{FormatReader, ReadStats};
use crate::source::ByteStream;
use crate::{Batch, ReadError, ReadOptions};

pub(crate) struct JsonlReader {
    name: String,
    opts: ReadOptions,
    lines: LineSplitter<ByteStream>,
    buf: Vec<u8>,
    line: u64,
    path: String,
    keys: Vec<(usize, usize)>,
    key_text: String,
}

impl JsonlReader {
    pub(crate) fn new(name: String, stream: ByteStream, opts: &ReadOptions) -> Self {
        JsonlReader {
            name,
            opts: opts.clone(),
            lines: LineSplitter::new(stream),
            buf: Vec::new(),
            line: 0,
            path: String::new(),
            keys: Vec::new(),
            key_text: String::new(),
        }
    }

    /// Parses one line into the batch as one record.
    fn parse_line(&mut self, batch: &mut Batch) -> Result<(), ReadError> {
        let mut line: &[u8] = &self.buf;
        if line.last() == Some(&b'\r') {
            line = line.get(..line.len() - 1).unwrap_or_default();
        }
        if self.line == 1 && line.starts_with(&[0xEF, 0xBB, 0xBF]) {
            line = line.get(3..).unwrap_or_default();
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        batch.begin_record(self.line, self.line);
        self.path.clear();
        self.path.push('$');
        self.keys.clear();
        self.key_text.clear();
        let mut de = serde_json::Deserializer::from_slice(line);
        let seed = Leaves {
            batch,
            path: &mut self.path,
            keys: &mut self.keys,
            key_text: &mut self.key_text,
        };
        match seed.deserialize(&mut de).and_then(|()| de.end()) {
            Ok(()) => {
                batch.end_record();
                Ok(())
            }
            Err(e) => {
                batch.rollback_record();
                let detail = e.to_string();
                let detail = match detail.rfind(" at line ") {
                    Some(i) => detail.get(..i).unwrap_or_default().to_owned(),
                    None => detail,
                };
                Err(ReadError::MalformedJson {
                    source_name: self.name.clone(),
                    line: self.line,
                    column: e.column(),
                    detail,
                })
            }
        }
    }
}

impl FormatReader for JsonlReader {
    fn fill(&mut self, batch: &mut Batch, stats: &mut ReadStats) -> Result<bool, ReadError> {
        while !self.opts.is_full(batch) {
            self.buf.clear();
            let before = self.lines.consumed();
            let chunk = self.lines.next(&mut self.buf, self.opts.max_record_bytes);
            let chunk = chunk.map_err(|e| ReadError::io(&self.name, e))?;
            match chunk {
                Chunk::Eof => {
                    stats.bytes += self.lines.consumed() - before;
                    return Ok(false);
                }
                Chunk::Line => {
                    self.line += 1;
                    stats.records += 1;
                    if let Err(e) = self.parse_line(batch) {
                        stats.skip_or_fail(&self.opts, e)?;
                    }
                }
                Chunk::Partial => {
                    self.line += 1;
                    stats.records += 1;
                    self.lines
                        .skip_line()
                        .map_err(|e| ReadError::io(&self.name, e))?;
                    stats.skip_or_fail(
                        &self.opts,
                        ReadError::RecordTooLarge {
                            source_name: self.name.clone(),
                            line: self.line,
                            limit: self.opts.max_record_bytes,
                        },
                    )?;
                }
            }
            stats.bytes += self.lines.consumed() - before;
        }
        Ok(true)
    }
}

/// Walks one JSON value, pushing each string leaf as a field.
struct Leaves<'a> {
    batch: &'a mut Batch,
    path: &'a mut String,
    /// Stack of raw object keys (ranges into `key_text`); the innermost is
    /// the scanner hint for leaves below it.
    keys: &'a mut Vec<(usize, usize)>,
    key_text: &'a mut String,
}

impl Leaves<'_> {
    fn reborrow(&mut self) -> Leaves<'_> {
        Leaves {
            batch: self.batch,
            path: self.path,
            keys: self.keys,
            key_text: self.key_text,
        }
    }

    fn leaf(&mut self, value: &str) {
        if value.is_empty() {
            return;
        }
        let range = self.batch.push_value(value);
        let name = self.batch.push_name(self.path);
        let hint = self
            .keys
            .last()
            .and_then(|&(a, b)| self.key_text.get(a..b))
            .map(|k| self.batch.push_name(k));
        self.batch.push_named(range, name, hint, None);
    }
}

impl<'de> DeserializeSeed<'de> for Leaves<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Leaves<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(mut self, v: &str) -> Result<(), E> {
        self.leaf(v);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            let len = self.path.len();
            push_index(self.path, i);
            let more = seq.next_element_seed(self.reborrow())?;
            self.path.truncate(len);
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        loop {
            let (len, key_len) = (self.path.len(), self.key_text.len());
            let key = Key {
                path: self.path,
                key_text: self.key_text,
            };
            if map.next_key_seed(key)?.is_none() {
                return Ok(());
            }
            self.keys.push((key_len, self.key_text.len()));
            let result = map.next_value_seed(self.reborrow());
            self.keys.pop();
            self.path.truncate(len);
            self.key_text.truncate(key_len);
            result?;
        }
    }
}

/// Reads an object key, appending it to the path and the key stack text.
struct Key<'a> {
    path: &'a mut String,
    key_text: &'a mut String,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        push_key(self.path, v);
        self.key_text.push_str(v);
        Ok(())
    }
}
