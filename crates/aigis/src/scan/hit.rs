//! One finding placed in its source: the record, the field, and both byte
//! and character offsets inside the field's value.

use aigis_detect::{Explanation, Finding};
use aigis_table::{Field, Piece};

/// A finding with everything an output needs to locate it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit<'a> {
    /// The input's name (path as given, `-` for stdin).
    pub(crate) source: &'a str,
    /// 1-based record number (line or data row).
    pub(crate) record: u64,
    /// 1-based line where the record starts (0 when the format has none).
    pub(crate) line: u64,
    /// Field name: JSON path, column name; `None` for a plain-text line.
    pub(crate) field: Option<&'a str>,
    /// Character offsets inside the field's value (end exclusive).
    pub(crate) start: u64,
    /// See `start`.
    pub(crate) end: u64,
    /// UTF-8 byte offsets inside the field's value (end exclusive).
    pub(crate) byte_start: u64,
    /// See `byte_start`.
    pub(crate) byte_end: u64,
    /// The finding (entity, score, recognizer).
    pub(crate) finding: &'a Finding,
    /// The matched text, only when the user asked for values.
    pub(crate) value: Option<&'a str>,
    /// Why the score is what it is, only with `--explain`.
    pub(crate) explanation: Option<&'a Explanation>,
    /// True for a plain-text line, where the offsets are also columns of
    /// the line in the file.
    pub(crate) is_line: bool,
    /// `source` already written as a JSON string, when the caller has it
    /// (it repeats in every finding of an input).
    pub(crate) source_json: Option<&'a [u8]>,
    /// `field` already written as a JSON string, when the caller has it
    /// (a table column's name repeats in every row).
    pub(crate) field_json: Option<&'a [u8]>,
}

/// Converts byte offsets of findings in one field into character offsets,
/// walking forward once when findings come in start order.
pub(crate) struct CharOffsets<'a> {
    text: &'a str,
    base: Piece,
    byte: usize,
    chars: u64,
}

impl<'a> CharOffsets<'a> {
    /// A converter for the value of `field`.
    pub(crate) fn new(field: &Field<'a>) -> Self {
        CharOffsets {
            text: field.value(),
            base: field.piece(),
            byte: 0,
            chars: 0,
        }
    }

    /// Characters before byte `at` of the piece, counted from the start of
    /// the whole value.
    pub(crate) fn at(&mut self, at: usize) -> u64 {
        let at = at.min(self.text.len());
        if at < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        let between = self.text.as_bytes().get(self.byte..at).unwrap_or_default();
        // Count every byte that starts a character (not 10xxxxxx).
        self.chars += between.iter().filter(|b| (**b & 0xC0) != 0x80).count() as u64;
        self.byte = at;
        self.base.char_base + self.chars
    }

    /// Byte offset `at` of the piece, counted from the start of the value.
    pub(crate) fn byte(&self, at: usize) -> u64 {
        self.base.byte_base + at as u64
    }
}

#[cfg(test)]
mod tests {
    use aigis_table::{Batch, Input, InputFormat, ReadOptions};

    use super::*;

    #[test]
    fn char_offsets_count_code_points_forward_and_back() {
        let input = Input::memory("m", b"a\xc3\xa9\xe2\x82\xacb\n".to_vec(), InputFormat::Text);
        let mut reader = aigis_table::open(&input, &ReadOptions::default()).unwrap();
        let mut batch = Batch::new();
        assert!(reader.next_batch(&mut batch).unwrap());
        let record = batch.record(0).unwrap();
        let field = record.fields().next().unwrap();
        let mut c = CharOffsets::new(&field);
        assert_eq!(c.at(0), 0);
        assert_eq!(c.at(3), 2); // after "aé"
        assert_eq!(c.at(7), 4); // end
        assert_eq!(c.at(1), 1); // going back restarts
        assert_eq!(c.byte(6), 6);
    }
}
