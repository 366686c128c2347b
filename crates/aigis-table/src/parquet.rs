//! Apache Parquet: every string column is read, including strings inside
//! structs (`address.city`), lists (`tags[2]`) and maps
//! (`attrs[0].value`). Row `n` of the file is record `n` (1-based); row
//! groups are read one at a time, a few thousand rows per step, and only
//! the string columns are decoded.
//!
//! Parquet is read from its footer, so standard input (and an in-memory
//! source) is first spooled to
//! an anonymous temporary file (bounded memory, unbounded disk).

use std::fs::File;
use std::io;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrowPrimitiveType, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};

use crate::reader::{FormatReader, ReadStats};
use crate::{Batch, ReadError, ReadOptions, Source};

/// Rows decoded per step.
const ARROW_BATCH_ROWS: usize = 2048;

/// How to pull string leaves out of one (possibly nested) column.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// A string column: its index in the reader's column list.
    Leaf(usize),
    /// Struct children: (child index, child name, plan).
    Struct(Vec<(usize, String, Plan)>),
    /// List elements (list, large list, fixed-size list).
    List(Box<Plan>),
    /// Map entries, planned as a struct of key and value.
    Map(Box<Plan>),
}

fn is_string(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

/// Plans the string leaves of a column of type `dt` named `name`, adding
/// each leaf's name to `columns`. `None` when it holds no strings.
pub(crate) fn plan(dt: &DataType, name: &str, columns: &mut Vec<String>) -> Option<Plan> {
    match dt {
        t if is_string(t) => {
            columns.push(name.to_owned());
            Some(Plan::Leaf(columns.len() - 1))
        }
        DataType::Dictionary(_, v) if is_string(v) => {
            columns.push(name.to_owned());
            Some(Plan::Leaf(columns.len() - 1))
        }
        DataType::Struct(fields) => {
            let children: Vec<_> = fields
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let child = format!("{name}.{}", f.name());
                    plan(f.data_type(), &child, columns).map(|p| (i, f.name().clone(), p))
                })
                .collect();
            (!children.is_empty()).then_some(Plan::Struct(children))
        }
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            plan(f.data_type(), name, columns).map(|p| Plan::List(Box::new(p)))
        }
        DataType::Map(entries, _) => {
            plan(entries.data_type(), name, columns).map(|p| Plan::Map(Box::new(p)))
        }
        _ => None,
    }
}

fn dict_value<K: arrow_array::types::ArrowDictionaryKeyType>(
    array: &dyn Array,
    row: usize,
) -> Option<Option<&str>> {
    let dict = array.as_dictionary_opt::<K>()?;
    let key = dict.key(row)?;
    let values = dict.values();
    Some(string_value(values.as_ref(), key))
}

/// The string at `row` of a string or string-dictionary array.
pub(crate) fn string_value(array: &dyn Array, row: usize) -> Option<&str> {
    if row >= array.len() || array.is_null(row) {
        return None;
    }
    if let Some(a) = array.as_string_opt::<i32>() {
        return Some(a.value(row));
    }
    if let Some(a) = array.as_string_opt::<i64>() {
        return Some(a.value(row));
    }
    if let Some(a) = array.as_string_view_opt() {
        return Some(a.value(row));
    }
    fn key_is<K: ArrowPrimitiveType>(dt: &DataType) -> bool {
        matches!(dt, DataType::Dictionary(k, _) if **k == K::DATA_TYPE)
    }
    let dt = array.data_type();
    let found = if key_is::<Int8Type>(dt) {
        dict_value::<Int8Type>(array, row)
    } else if key_is::<Int16Type>(dt) {
        dict_value::<Int16Type>(array, row)
    } else if key_is::<Int32Type>(dt) {
        dict_value::<Int32Type>(array, row)
    } else if key_is::<Int64Type>(dt) {
        dict_value::<Int64Type>(array, row)
    } else if key_is::<UInt8Type>(dt) {
        dict_value::<UInt8Type>(array, row)
    } else if key_is::<UInt16Type>(dt) {
        dict_value::<UInt16Type>(array, row)
    } else if key_is::<UInt32Type>(dt) {
        dict_value::<UInt32Type>(array, row)
    } else if key_is::<UInt64Type>(dt) {
        dict_value::<UInt64Type>(array, row)
    } else {
        None
    };
    found.flatten()
}

/// Pushes the string leaves of `array[row]` into the open record of
/// `batch`. `name` is the leaf path with list indices so far; `indexed` is
/// true below a list (the name then differs from the column's).
fn push_leaves(
    plan: &Plan,
    array: &dyn Array,
    row: usize,
    name: &mut String,
    indexed: bool,
    batch: &mut Batch,
) {
    if row >= array.len() || array.is_null(row) {
        return;
    }
    match plan {
        Plan::Leaf(column) => {
            let Some(value) = string_value(array, row).filter(|v| !v.is_empty()) else {
                return;
            };
            let range = batch.push_value(value);
            if indexed {
                let stored = batch.push_name(name);
                batch.push_named(range, stored, None, Some(*column));
            } else {
                batch.push_cell(range, *column);
            }
        }
        Plan::Struct(children) => {
            let Some(s) = array.as_struct_opt() else {
                return;
            };
            for (i, child_name, child) in children {
                let Some(col) = s.columns().get(*i) else {
                    continue;
                };
                let len = name.len();
                name.push('.');
                name.push_str(child_name);
                push_leaves(child, col.as_ref(), row, name, indexed, batch);
                name.truncate(len);
            }
        }
        Plan::List(inner) => {
            let items = if let Some(l) = array.as_list_opt::<i32>() {
                l.value(row)
            } else if let Some(l) = array.as_list_opt::<i64>() {
                l.value(row)
            } else if let Some(l) = array.as_fixed_size_list_opt() {
                l.value(row)
            } else {
                return;
            };
            push_elements(inner, items.as_ref(), name, batch);
        }
        Plan::Map(inner) => {
            let Some(m) = array.as_map_opt() else { return };
            let entries = m.value(row);
            push_elements(inner, &entries, name, batch);
        }
    }
}

fn push_elements(plan: &Plan, items: &dyn Array, name: &mut String, batch: &mut Batch) {
    for j in 0..items.len() {
        let len = name.len();
        crate::json_path::push_index(name, j);
        push_leaves(plan, items, j, name, true, batch);
        name.truncate(len);
    }
}

/// Checks that every column chunk of the footer lies inside a file of
/// `len` bytes (the parquet crate asserts, and so panics, on a negative
/// offset or size): `Err((where, what))` names the first that does not.
fn check_chunks(meta: &ArrowReaderMetadata, len: u64) -> Result<(), (String, String)> {
    for (g, rg) in meta.metadata().row_groups().iter().enumerate() {
        for (c, col) in rg.columns().iter().enumerate() {
            let start = col
                .dictionary_page_offset()
                .unwrap_or_else(|| col.data_page_offset());
            let size = col.compressed_size();
            let inside = u64::try_from(start)
                .ok()
                .zip(u64::try_from(size).ok())
                .and_then(|(a, b)| a.checked_add(b))
                .is_some_and(|end| end <= len);
            if !inside {
                return Err((
                    format!("row group {g}, column {c}"),
                    format!(
                        "column chunk at offset {start} with {size} bytes is outside the file ({len} bytes)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

pub(crate) struct ParquetReader {
    name: String,
    opts: ReadOptions,
    file: File,
    meta: ArrowReaderMetadata,
    mask: ProjectionMask,
    plans: Vec<(String, Plan)>,
    /// Index of each plan's root column in the decoded batches.
    roots: Vec<usize>,
    columns: Arc<[String]>,
    next_group: usize,
    group: Option<Group>,
    pending: Option<Pending>,
    name_buf: String,
}

/// A decoded arrow batch whose rows are being moved into batches.
struct Pending {
    rows: RecordBatch,
    next: usize,
    /// File row number (0-based) of the arrow batch's first row.
    first_row: u64,
}

/// The row group being read.
struct Group {
    index: usize,
    reader: ParquetRecordBatchReader,
    /// File row number (0-based) of the group's first row.
    first_row: u64,
    rows: u64,
    rows_done: u64,
    compressed: u64,
}

impl ParquetReader {
    pub(crate) fn open(source: &Source, opts: &ReadOptions) -> Result<Self, ReadError> {
        let name = source.name();
        let file = match source {
            Source::Path(p) => File::open(p).map_err(|e| ReadError::io(&name, e))?,
            Source::Stdin => spool(&name, &mut io::stdin().lock())?,
            Source::Memory { bytes, .. } => spool(&name, &mut &bytes[..])?,
        };
        let bad = |where_: &str, e: &dyn std::fmt::Display| ReadError::Parquet {
            source_name: name.clone(),
            where_: where_.to_owned(),
            detail: e.to_string(),
        };
        let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
            .map_err(|e| bad("footer", &e))?;
        check_chunks(&meta, file.metadata().map_or(u64::MAX, |m| m.len()))
            .map_err(|(where_, what)| bad(&where_, &what))?;
        let mut columns = Vec::new();
        let mut plans = Vec::new();
        let mut roots = Vec::new();
        for (i, field) in meta.schema().fields().iter().enumerate() {
            if let Some(p) = plan(field.data_type(), field.name(), &mut columns) {
                plans.push((field.name().clone(), p));
                roots.push(i);
            }
        }
        let (mask, roots) = if opts.keep_raw {
            (ProjectionMask::all(), roots)
        } else {
            let n = roots.len();
            (
                ProjectionMask::roots(meta.parquet_schema(), roots),
                (0..n).collect(),
            )
        };
        Ok(ParquetReader {
            name,
            opts: opts.clone(),
            file,
            meta,
            mask,
            plans,
            roots,
            columns: Arc::from(columns),
            next_group: 0,
            group: None,
            pending: None,
            name_buf: String::new(),
        })
    }

    fn bad(&self, where_: String, e: &dyn std::fmt::Display) -> ReadError {
        ReadError::Parquet {
            source_name: self.name.clone(),
            where_,
            detail: e.to_string(),
        }
    }

    /// Opens the next row group; false when there is none left.
    fn open_group(&mut self) -> Result<bool, ReadError> {
        let groups = self.meta.metadata().row_groups();
        let Some(rg) = groups.get(self.next_group) else {
            return Ok(false);
        };
        let index = self.next_group;
        self.next_group += 1;
        let first_row = groups
            .iter()
            .take(index)
            .map(|g| u64::try_from(g.num_rows()).unwrap_or(0))
            .sum();
        let rows = u64::try_from(rg.num_rows()).unwrap_or(0);
        let compressed = u64::try_from(rg.compressed_size()).unwrap_or(0);
        let file = self
            .file
            .try_clone()
            .map_err(|e| ReadError::io(&self.name, e))?;
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
            .with_projection(self.mask.clone())
            .with_row_groups(vec![index])
            .with_batch_size(ARROW_BATCH_ROWS)
            .build()
            .map_err(|e| self.bad(format!("row group {index}"), &e))?;
        self.group = Some(Group {
            index,
            reader,
            first_row,
            rows,
            rows_done: 0,
            compressed,
        });
        Ok(true)
    }

    /// Moves rows of the pending arrow batch into `batch`.
    fn drain_pending(&mut self, batch: &mut Batch) {
        let Some(p) = self.pending.as_mut() else {
            return;
        };
        let whole = self.opts.keep_raw;
        if whole {
            batch.set_arrow(p.rows.clone());
        }
        while p.next < p.rows.num_rows() && (whole || !self.opts.is_full(batch)) {
            let row = p.next;
            batch.begin_record(p.first_row + row as u64 + 1, 0);
            for ((root, plan), &index) in self.plans.iter().zip(&self.roots) {
                let Some(col) = p.rows.columns().get(index) else {
                    continue;
                };
                self.name_buf.clear();
                self.name_buf.push_str(root);
                push_leaves(plan, col.as_ref(), row, &mut self.name_buf, false, batch);
            }
            batch.end_record();
            p.next += 1;
        }
        if p.next >= p.rows.num_rows() {
            self.pending = None;
        }
    }
}

impl FormatReader for ParquetReader {
    fn fill(&mut self, batch: &mut Batch, stats: &mut ReadStats) -> Result<bool, ReadError> {
        loop {
            self.drain_pending(batch);
            if self.opts.is_full(batch) || (self.opts.keep_raw && batch.arrow().is_some()) {
                return Ok(true);
            }
            if self.group.is_none() && !self.open_group()? {
                return Ok(false);
            }
            let Some(g) = self.group.as_mut() else {
                return Ok(false);
            };
            // The parquet crate still panics on some malformed pages
            // (a division by zero in its byte-array decoder): such a panic
            // is this row group's read error, not the process's end.
            let next = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.reader.next()))
                .unwrap_or_else(|_| {
                    Some(Err(arrow_schema::ArrowError::ParquetError(
                        "the decoder failed on a malformed page".to_owned(),
                    )))
                });
            match next {
                None => {
                    self.group = None;
                }
                Some(Ok(rb)) => {
                    let n = rb.num_rows() as u64;
                    stats.records += n;
                    stats.bytes += (g.compressed * n).checked_div(g.rows).unwrap_or(0);
                    let first_row = g.first_row + g.rows_done;
                    g.rows_done += n;
                    self.pending = Some(Pending {
                        rows: rb,
                        next: 0,
                        first_row,
                    });
                }
                Some(Err(e)) => {
                    let (index, left) = (g.index, g.rows.saturating_sub(g.rows_done));
                    self.group = None;
                    self.pending = None;
                    let err = self.bad(format!("row group {index}"), &e);
                    if !self.opts.skip_bad {
                        return Err(err);
                    }
                    stats.records += left;
                    stats.skipped += left.saturating_sub(1);
                    stats.skip(err);
                }
            }
        }
    }

    fn columns(&self) -> Arc<[String]> {
        self.columns.clone()
    }

    fn parquet(&self) -> Option<&ArrowReaderMetadata> {
        Some(&self.meta)
    }
}

/// Copies a stream (standard input, bytes in memory) to an anonymous
/// temporary file, which Parquet's footer-first reading needs.
fn spool(name: &str, from: &mut impl io::Read) -> Result<File, ReadError> {
    use std::io::Seek;
    let fail = |e| ReadError::Spool {
        source_name: name.to_owned(),
        io: e,
    };
    let mut file = tempfile::tempfile().map_err(fail)?;
    io::copy(from, &mut file).map_err(fail)?;
    file.rewind().map_err(fail)?;
    Ok(file)
}
