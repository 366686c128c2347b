//! Rewriting Parquet: rows come in as the reader decoded them (all
//! columns, [`crate::Batch::arrow`]), top-level string cells are replaced,
//! columns dropped and rows left out, and the result is written with the
//! input's arrow schema (and its metadata), compression and row-group
//! size. Memory holds one decoded batch and one row group being encoded.
//!
//! Dictionary-encoded string columns are written as plain string columns
//! (the Parquet encoder dictionary-encodes them again on disk). Strings
//! nested in structs, lists or maps cannot be changed yet: an edit of one
//! is an error, so nothing is written half-masked.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{LargeStringBuilder, StringBuilder, StringViewBuilder};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ArrowReaderMetadata;
use parquet::file::properties::WriterProperties;

use super::WriteError;

/// One changed cell: row of the batch, column (index into
/// [`crate::Batch::columns`]) and the new value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParquetEdit<'a> {
    /// Row within the decoded batch.
    pub row: usize,
    /// Column index as the reader numbers string leaves.
    pub column: usize,
    /// The new value.
    pub value: &'a str,
}

/// Writes Parquet rows with edits applied.
pub struct ParquetRewriter<W: Write + Send> {
    writer: ArrowWriter<W>,
    out_schema: SchemaRef,
    /// Input root columns kept, in order.
    kept: Vec<usize>,
    /// For each reader column (string leaf): its top-level root, when the
    /// leaf is a top-level string column.
    leaf_root: Vec<Option<usize>>,
    columns: Vec<String>,
    name: String,
}

impl<W: Write + Send> std::fmt::Debug for ParquetRewriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetRewriter")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

fn string_type(dt: &DataType) -> Option<DataType> {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(dt.clone()),
        DataType::Dictionary(_, v) => match v.as_ref() {
            DataType::Utf8 | DataType::Utf8View => Some(DataType::Utf8),
            DataType::LargeUtf8 => Some(DataType::LargeUtf8),
            _ => None,
        },
        _ => None,
    }
}

impl<W: Write + Send> ParquetRewriter<W> {
    /// Starts writing to `out` the file described by `meta` (the reader's
    /// metadata), whose string leaves the reader named `columns`, leaving
    /// out the reader columns in `drop`. `name` names the output in errors.
    pub fn new(
        out: W,
        meta: &ArrowReaderMetadata,
        columns: &[String],
        drop: &[usize],
        name: &str,
    ) -> Result<Self, WriteError> {
        let schema = meta.schema();
        let leaf_root: Vec<Option<usize>> = columns
            .iter()
            .map(|c| {
                schema
                    .fields()
                    .iter()
                    .position(|f| f.name() == c && string_type(f.data_type()).is_some())
            })
            .collect();
        let mut dropped_roots = Vec::new();
        for &d in drop {
            match leaf_root.get(d).copied().flatten() {
                Some(root) => dropped_roots.push(root),
                None => {
                    return Err(WriteError::Unsupported {
                        path: name.to_owned(),
                        what: format!(
                            "column {}: dropping a string nested in a struct, list or map is not supported",
                            columns.get(d).map_or("?", String::as_str)
                        ),
                    });
                }
            }
        }
        let kept: Vec<usize> = (0..schema.fields().len())
            .filter(|i| !dropped_roots.contains(i))
            .collect();
        let fields: Vec<Field> = kept
            .iter()
            .filter_map(|&i| schema.fields().get(i))
            .map(|f| match (f.data_type(), string_type(f.data_type())) {
                (DataType::Dictionary(..), Some(t)) => f.as_ref().clone().with_data_type(t),
                _ => f.as_ref().clone(),
            })
            .collect();
        let out_schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
        let md = meta.metadata();
        let mut props = WriterProperties::builder();
        if let Some(rg) = md.row_groups().first() {
            if rg.num_columns() > 0 {
                props = props.set_compression(rg.column(0).compression());
            }
            let rows = usize::try_from(rg.num_rows()).unwrap_or(0);
            if rows > 0 {
                props = props.set_max_row_group_row_count(Some(rows));
            }
        }
        let writer =
            ArrowWriter::try_new(out, out_schema.clone(), Some(props.build())).map_err(|e| {
                WriteError::Parquet {
                    path: name.to_owned(),
                    detail: e.to_string(),
                }
            })?;
        Ok(ParquetRewriter {
            writer,
            out_schema,
            kept,
            leaf_root,
            columns: columns.to_vec(),
            name: name.to_owned(),
        })
    }

    fn fail(&self, e: impl std::fmt::Display) -> WriteError {
        WriteError::Parquet {
            path: self.name.clone(),
            detail: e.to_string(),
        }
    }

    /// Writes the rows of `rows` whose `keep_rows` entry is true (all when
    /// `None`), with `edits` applied.
    pub fn write(
        &mut self,
        rows: &RecordBatch,
        edits: &[ParquetEdit<'_>],
        keep_rows: Option<&[bool]>,
    ) -> Result<(), WriteError> {
        // Edits per root column, indexed by row.
        let mut per_root: Vec<Vec<Option<&str>>> = vec![Vec::new(); rows.num_columns()];
        for e in edits {
            let Some(root) = self.leaf_root.get(e.column).copied().flatten() else {
                return Err(WriteError::Unsupported {
                    path: self.name.clone(),
                    what: format!(
                        "column {}: changing a string nested in a struct, list or map is not supported yet",
                        self.columns.get(e.column).map_or("?", String::as_str)
                    ),
                });
            };
            if let Some(col) = per_root.get_mut(root) {
                if col.is_empty() {
                    col.resize(rows.num_rows(), None);
                }
                if let Some(slot) = col.get_mut(e.row) {
                    *slot = Some(e.value);
                }
            }
        }
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.kept.len());
        for (out_field, &root) in self.out_schema.fields().iter().zip(&self.kept) {
            let Some(array) = rows.columns().get(root) else {
                return Err(self.fail("column missing from a decoded batch"));
            };
            let edits = per_root.get(root).map(Vec::as_slice).unwrap_or_default();
            let rebuild = !edits.is_empty() || array.data_type() != out_field.data_type();
            if rebuild {
                arrays.push(rebuild_strings(
                    array.as_ref(),
                    out_field.data_type(),
                    edits,
                ));
            } else {
                arrays.push(array.clone());
            }
        }
        let mut batch =
            RecordBatch::try_new(self.out_schema.clone(), arrays).map_err(|e| self.fail(e))?;
        if let Some(keep) = keep_rows
            && keep.iter().any(|k| !k)
        {
            let mask = arrow_array::BooleanArray::from(keep.to_vec());
            batch = arrow_select::filter::filter_record_batch(&batch, &mask)
                .map_err(|e| self.fail(e))?;
        }
        self.writer.write(&batch).map_err(|e| self.fail(e))
    }

    /// Writes the footer and returns the underlying writer.
    pub fn finish(self) -> Result<W, WriteError> {
        let name = self.name.clone();
        self.writer.into_inner().map_err(|e| WriteError::Parquet {
            path: name,
            detail: e.to_string(),
        })
    }
}

/// A string array of type `to` with the values of `array`, replaced where
/// `edits` has a value.
fn rebuild_strings(array: &dyn Array, to: &DataType, edits: &[Option<&str>]) -> ArrayRef {
    let n = array.len();
    let value = |i: usize| -> Option<&str> {
        if let Some(Some(v)) = edits.get(i) {
            return Some(v);
        }
        crate::parquet::string_value(array, i)
    };
    match to {
        DataType::LargeUtf8 => {
            let mut b = LargeStringBuilder::with_capacity(n, 0);
            (0..n).for_each(|i| b.append_option(value(i)));
            Arc::new(b.finish())
        }
        DataType::Utf8View => {
            let mut b = StringViewBuilder::with_capacity(n);
            (0..n).for_each(|i| b.append_option(value(i)));
            Arc::new(b.finish())
        }
        _ => {
            let mut b = StringBuilder::with_capacity(n, 0);
            (0..n).for_each(|i| b.append_option(value(i)));
            Arc::new(b.finish())
        }
    }
}
