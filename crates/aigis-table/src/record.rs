//! The record model: a [`Batch`] of records, each a list of string
//! [`Field`]s with everything needed to point back into the source.
//!
//! A batch stores all field values of many records in one string buffer
//! (no allocation per cell) and is reused from read to read. Positions are
//! kept so that a writer can later put a changed value back in the same
//! place and format:
//!
//! | format  | record number          | field name         | address for a writer                 |
//! |---------|------------------------|--------------------|--------------------------------------|
//! | text    | 1-based line           | none               | the line (windows of a long line carry their byte/char base) |
//! | CSV/TSV | 1-based data row       | header name        | column index into [`Batch::columns`] |
//! | JSONL   | 1-based line           | JSON path (`$.a[0]`) | the path, parsed by [`crate::json_path::parse`] |
//! | Parquet | 1-based row            | leaf path (`a.b`, `tags[2]`) | column index into [`Batch::columns`] + the name's list indices |

use std::ops::Range;
use std::sync::Arc;

/// Where a piece of a field sits inside the whole field value.
///
/// Plain-text lines longer than the reader's window are delivered as
/// overlapping pieces. A piece starts `byte_base` bytes (`char_base`
/// characters) into the line; findings that start at or after
/// `owned_len` bytes into the piece belong to the next piece (which
/// re-reads that overlap) and must be dropped. For an ordinary field the
/// bases are 0 and `owned_len` is the value's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Piece {
    /// Byte offset of the piece's first byte within the whole value.
    pub byte_base: u64,
    /// Character offset of the piece's first character within the value.
    pub char_base: u64,
    /// Length in bytes of the part of this piece it is responsible for.
    pub owned_len: usize,
    /// True when more pieces of the same value follow.
    pub continued: bool,
}

/// How a field is named in its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameSlot {
    /// A plain-text line: no name.
    None,
    /// The column's own name (`columns[column]`).
    Column,
    /// A name stored in the batch's name buffer (JSON paths, Parquet
    /// leaves inside lists).
    Stored(u32, u32),
}

#[derive(Debug, Clone)]
struct FieldSlot {
    value: Range<usize>,
    name: NameSlot,
    /// Range of the scanner hint in the name buffer, when not the column.
    hint: Option<(u32, u32)>,
    column: Option<u32>,
    piece: Option<Piece>,
}

#[derive(Debug, Clone)]
struct RecordSlot {
    number: u64,
    line: u64,
    fields: Range<usize>,
    /// The record's source bytes in the batch's raw buffer (only with
    /// [`crate::ReadOptions::keep_raw`]).
    raw: Range<usize>,
}

/// A batch of records read from one input.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    columns: Arc<[String]>,
    records: Vec<RecordSlot>,
    fields: Vec<FieldSlot>,
    text: String,
    names: String,
    input_bytes: u64,
    open: Option<OpenRecord>,
    /// Source bytes of the records (with `keep_raw`).
    raw: Vec<u8>,
    /// Keep records without fields and their raw bytes (for writers).
    keep_raw: bool,
    /// The decoded Parquet rows behind this batch (with `keep_raw`): record
    /// `i` is row `i`.
    arrow: Option<arrow_array::RecordBatch>,
}

/// Where the record being built started, to close or roll it back.
#[derive(Debug, Clone, Copy)]
struct OpenRecord {
    number: u64,
    line: u64,
    fields: usize,
    text: usize,
    names: usize,
    raw: usize,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Number of records (records without any non-empty field are not
    /// stored).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when the batch holds no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The i-th record, if any.
    pub fn record(&self, i: usize) -> Option<Record<'_>> {
        self.records.get(i).map(|slot| Record {
            batch: self,
            slot,
            index: i,
        })
    }

    /// All records in order.
    pub fn records(&self) -> impl ExactSizeIterator<Item = Record<'_>> + '_ {
        self.records
            .iter()
            .enumerate()
            .map(move |(index, slot)| Record {
                batch: self,
                slot,
                index,
            })
    }

    /// Column names of a table input (CSV header, Parquet leaf paths);
    /// empty for text and JSONL.
    pub fn columns(&self) -> &Arc<[String]> {
        &self.columns
    }

    /// Bytes of input consumed to produce this batch (for progress and
    /// throughput figures).
    pub fn input_bytes(&self) -> u64 {
        self.input_bytes
    }

    /// Bytes of field values held.
    pub fn value_bytes(&self) -> usize {
        self.text.len()
    }

    /// The decoded Parquet rows of this batch, when it was read with
    /// [`crate::ReadOptions::keep_raw`]: record `i` is row `i`.
    pub fn arrow(&self) -> Option<&arrow_array::RecordBatch> {
        self.arrow.as_ref()
    }

    /// Number of fields over all records.
    pub fn field_count(&self) -> usize {
        self.fields.len()
    }

    // ---- building (readers only) ----

    pub(crate) fn clear(&mut self) {
        self.records.clear();
        self.fields.clear();
        self.text.clear();
        self.names.clear();
        self.input_bytes = 0;
        self.open = None;
        self.raw.clear();
        self.arrow = None;
    }

    pub(crate) fn set_keep_raw(&mut self, keep: bool) {
        self.keep_raw = keep;
    }

    pub(crate) fn keeps_raw(&self) -> bool {
        self.keep_raw
    }

    /// Appends source bytes to the open record (with `keep_raw`).
    pub(crate) fn push_raw(&mut self, bytes: &[u8]) {
        if self.keep_raw {
            self.raw.extend_from_slice(bytes);
        }
    }

    pub(crate) fn set_arrow(&mut self, rows: arrow_array::RecordBatch) {
        self.arrow = Some(rows);
    }

    pub(crate) fn set_columns(&mut self, columns: Arc<[String]>) {
        self.columns = columns;
    }

    pub(crate) fn add_input_bytes(&mut self, n: u64) {
        self.input_bytes = self.input_bytes.saturating_add(n);
    }

    /// Bytes held, used by readers to decide when a batch is full.
    pub(crate) fn held_bytes(&self) -> usize {
        self.text.len() + self.names.len()
    }

    /// Starts a record; fields pushed until [`Batch::end_record`] belong to
    /// it.
    pub(crate) fn begin_record(&mut self, number: u64, line: u64) {
        self.open = Some(OpenRecord {
            number,
            line,
            fields: self.fields.len(),
            text: self.text.len(),
            names: self.names.len(),
            raw: self.raw.len(),
        });
    }

    /// Closes the open record, dropping it if it got no field (unless raw
    /// records are kept).
    pub(crate) fn end_record(&mut self) {
        if let Some(open) = self.open.take()
            && (self.keep_raw || self.fields.len() > open.fields)
        {
            self.records.push(RecordSlot {
                number: open.number,
                line: open.line,
                fields: open.fields..self.fields.len(),
                raw: open.raw..self.raw.len(),
            });
        }
    }

    /// Forgets everything pushed since [`Batch::begin_record`].
    pub(crate) fn rollback_record(&mut self) {
        if let Some(open) = self.open.take() {
            self.fields.truncate(open.fields);
            self.text.truncate(open.text);
            self.names.truncate(open.names);
            self.raw.truncate(open.raw);
        }
    }

    /// Appends `value` to the text buffer and returns its range.
    pub(crate) fn push_value(&mut self, value: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(value);
        start..self.text.len()
    }

    /// Appends `bytes` as text (invalid UTF-8 replaced byte for byte) and
    /// returns its range and whether anything was replaced.
    pub(crate) fn push_value_lossy(&mut self, bytes: &[u8]) -> (Range<usize>, bool) {
        let start = self.text.len();
        let lossy = crate::utf8::push_lossy(bytes, &mut self.text);
        (start..self.text.len(), lossy)
    }

    /// Appends a name or hint to the name buffer and returns its range.
    pub(crate) fn push_name(&mut self, name: &str) -> (u32, u32) {
        let start = self.names.len();
        self.names.push_str(name);
        (to_u32(start), to_u32(self.names.len()))
    }

    /// A plain-text line (or a piece of one) whose value is `value`.
    pub(crate) fn push_line(&mut self, value: Range<usize>, piece: Option<Piece>) {
        self.fields.push(FieldSlot {
            value,
            name: NameSlot::None,
            hint: None,
            column: None,
            piece,
        });
    }

    /// A table cell of column `column` (named by the column).
    pub(crate) fn push_cell(&mut self, value: Range<usize>, column: usize) {
        self.fields.push(FieldSlot {
            value,
            name: NameSlot::Column,
            hint: None,
            column: Some(to_u32(column)),
            piece: None,
        });
    }

    /// A field with its own stored name (JSON path, Parquet list element),
    /// an optional stored hint, and an optional table column.
    pub(crate) fn push_named(
        &mut self,
        value: Range<usize>,
        name: (u32, u32),
        hint: Option<(u32, u32)>,
        column: Option<usize>,
    ) {
        self.fields.push(FieldSlot {
            value,
            name: NameSlot::Stored(name.0, name.1),
            hint,
            column: column.map(to_u32),
            piece: None,
        });
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One record of a batch.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    batch: &'a Batch,
    slot: &'a RecordSlot,
    index: usize,
}

impl<'a> Record<'a> {
    /// 1-based record number: the line of a text or JSONL file, the data
    /// row of a CSV/TSV (header excluded) or Parquet file.
    pub fn number(&self) -> u64 {
        self.slot.number
    }

    /// 1-based line where the record starts in the file (equal to
    /// [`Record::number`] except for CSV rows after quoted newlines, and
    /// Parquet, which has no lines: 0).
    pub fn line(&self) -> u64 {
        self.slot.line
    }

    /// The record's bytes in the source, line ending included (text, CSV,
    /// TSV, JSONL read with [`crate::ReadOptions::keep_raw`]; empty
    /// otherwise). A CSV record's bytes start after the previous record,
    /// so blank lines before it are part of them.
    pub fn raw(&self) -> &'a [u8] {
        self.batch
            .raw
            .get(self.slot.raw.clone())
            .unwrap_or_default()
    }

    /// Index of this record in its batch (the Parquet row of
    /// [`Batch::arrow`]).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The record's non-empty fields, in source order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = Field<'a>> + 'a {
        let batch = self.batch;
        batch
            .fields
            .get(self.slot.fields.clone())
            .unwrap_or_default()
            .iter()
            .map(move |slot| Field { batch, slot })
    }
}

impl<'a> Record<'a> {
    /// The record's fields, each with its ordinal among the record's
    /// fields of the same column (0 for the first): a leaf under a Parquet
    /// list gives several values per row, and a rewrite finds each by it
    /// ([`crate::write::ParquetEdit::ordinal`]).
    pub fn fields_with_ordinals(&self) -> impl Iterator<Item = (Field<'a>, u32)> + 'a {
        let mut seen: Vec<(usize, u32)> = Vec::new();
        self.fields().map(move |f| {
            let Some(c) = f.column() else {
                return (f, 0);
            };
            let ordinal = match seen.iter_mut().find(|(col, _)| *col == c) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((c, 0));
                    0
                }
            };
            (f, ordinal)
        })
    }
}

/// One string field of a record.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    batch: &'a Batch,
    slot: &'a FieldSlot,
}

impl<'a> Field<'a> {
    /// The field's value (invalid UTF-8 in text and CSV input is replaced
    /// byte for byte by U+001A, so byte offsets still match the source).
    pub fn value(&self) -> &'a str {
        self.batch
            .text
            .get(self.slot.value.clone())
            .unwrap_or_default()
    }

    /// The field's name as reported in findings: `None` for a plain-text
    /// line, the column name for a table cell, the JSON path for a JSONL
    /// leaf, the leaf path with list indices for Parquet.
    pub fn name(&self) -> Option<&'a str> {
        match self.slot.name {
            NameSlot::None => None,
            NameSlot::Column => self.column_name(),
            NameSlot::Stored(a, b) => self.batch.names.get(a as usize..b as usize),
        }
    }

    /// The name the scanner gets as context: the column name, or the
    /// nearest object key of a JSON leaf (`emails` for `$.user.emails[0]`).
    pub fn hint(&self) -> Option<&'a str> {
        match self.slot.hint {
            Some((a, b)) => self.batch.names.get(a as usize..b as usize),
            None => match self.slot.name {
                NameSlot::Column => self.column_name(),
                _ => None,
            },
        }
    }

    /// Index of the table column this field belongs to (into
    /// [`Batch::columns`]), for CSV/TSV and Parquet.
    pub fn column(&self) -> Option<usize> {
        self.slot.column.map(|c| c as usize)
    }

    /// The name of the column this field belongs to, for tables.
    pub fn column_name(&self) -> Option<&'a str> {
        self.column()
            .and_then(|c| self.batch.columns.get(c))
            .map(String::as_str)
    }

    /// Where this value sits in the whole field, for pieces of long lines.
    pub fn piece(&self) -> Piece {
        self.slot.piece.unwrap_or(Piece {
            byte_base: 0,
            char_base: 0,
            owned_len: self.slot.value.len(),
            continued: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_and_read_back() {
        let mut b = Batch::new();
        b.set_columns(Arc::from(vec!["name".to_owned(), "email".to_owned()]));
        b.begin_record(1, 2);
        let v = b.push_value("Ada");
        b.push_cell(v, 0);
        let v = b.push_value("ada@example.com");
        b.push_cell(v, 1);
        b.end_record();
        b.begin_record(2, 3);
        b.end_record(); // no fields: dropped
        b.begin_record(3, 4);
        let v = b.push_value("x");
        b.push_cell(v, 0);
        b.rollback_record();
        assert_eq!(b.len(), 1);
        let r = b.record(0).unwrap();
        assert_eq!((r.number(), r.line()), (1, 2));
        let f: Vec<_> = r
            .fields()
            .map(|f| (f.name(), f.value(), f.hint(), f.column()))
            .collect();
        assert_eq!(
            f,
            [
                (Some("name"), "Ada", Some("name"), Some(0)),
                (Some("email"), "ada@example.com", Some("email"), Some(1))
            ]
        );
        assert_eq!(b.value_bytes(), 18);
    }
}
