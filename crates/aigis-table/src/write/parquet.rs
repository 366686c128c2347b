//! Rewriting Parquet: rows come in as the reader decoded them (all
//! columns, [`crate::Batch::arrow`]), top-level string cells are replaced,
//! columns dropped and rows left out, and the result is written with the
//! input's arrow schema (and its metadata), compression and row-group
//! size. Memory holds one decoded batch and one row group being encoded.
//!
//! Dictionary-encoded string columns are written as plain string columns
//! (the Parquet encoder dictionary-encodes them again on disk). Strings
//! nested in structs, lists or maps are changed in place: the nested
//! arrays are rebuilt with the same offsets, validity and types, only the
//! edited leaf strings differ. A nested dictionary-encoded string, or a
//! `drop` of a nested leaf, is an error (nothing is written half-masked).

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{LargeStringBuilder, StringBuilder, StringViewBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{
    Array, ArrayRef, FixedSizeListArray, GenericListArray, MapArray, OffsetSizeTrait, RecordBatch,
    StructArray,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ArrowReaderMetadata;
use parquet::file::properties::WriterProperties;
use std::collections::HashMap;

use super::WriteError;
use crate::parquet::Plan;

/// One changed cell: row of the batch, column (index into
/// [`crate::Batch::columns`]), which of the row's values of that column,
/// and the new value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParquetEdit<'a> {
    /// Row within the decoded batch.
    pub row: usize,
    /// Column index as the reader numbers string leaves.
    pub column: usize,
    /// For a leaf under a list or map, which of the row's non-empty values
    /// of this column (in the order the reader gave them, from 0); 0 for
    /// a top-level column or a struct field.
    pub ordinal: u32,
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
    /// For each reader column: the root column it is nested in, when it is
    /// nested (in a struct, list or map).
    nested_root: Vec<Option<usize>>,
    /// Per root column: how the reader walked its string leaves.
    plans: Vec<Option<Plan>>,
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
        let mut plans = Vec::with_capacity(schema.fields().len());
        let mut nested_root = vec![None; columns.len()];
        let mut numbered = Vec::new();
        for (i, f) in schema.fields().iter().enumerate() {
            let before = numbered.len();
            let p = crate::parquet::plan(f.data_type(), f.name(), &mut numbered);
            if !matches!(p, None | Some(Plan::Leaf(_))) {
                for slot in nested_root.iter_mut().take(numbered.len()).skip(before) {
                    *slot = Some(i);
                }
            }
            plans.push(p);
        }
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
            nested_root,
            plans,
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
        // Edits per root column, indexed by row; nested edits per root by
        // (leaf column, row, ordinal).
        let mut per_root: Vec<Vec<Option<&str>>> = vec![Vec::new(); rows.num_columns()];
        let mut nested: Vec<HashMap<(usize, usize, u32), &str>> =
            vec![HashMap::new(); rows.num_columns()];
        for e in edits {
            let Some(root) = self.leaf_root.get(e.column).copied().flatten() else {
                match self.nested_root.get(e.column).copied().flatten() {
                    Some(root) if root < nested.len() => {
                        if let Some(m) = nested.get_mut(root) {
                            m.insert((e.column, e.row, e.ordinal), e.value);
                        }
                        continue;
                    }
                    _ => return Err(self.fail("an edit names a column the file does not have")),
                }
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
            if let (Some(found), Some(Some(plan))) = (nested.get(root), self.plans.get(root))
                && !found.is_empty()
            {
                arrays.push(self.rebuild_nested(plan, array, rows.num_rows(), found)?);
            } else if rebuild {
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

    /// `array` (a nested root column) with the edits of `found` applied to
    /// its string leaves.
    fn rebuild_nested(
        &self,
        plan: &Plan,
        array: &ArrayRef,
        rows: usize,
        found: &HashMap<(usize, usize, u32), &str>,
    ) -> Result<ArrayRef, WriteError> {
        let mut per_leaf: HashMap<usize, HashMap<usize, &str>> = HashMap::new();
        let mut ordinals: HashMap<usize, u32> = HashMap::new();
        let mut edited_rows: Vec<usize> = found.keys().map(|k| k.1).collect();
        edited_rows.sort_unstable();
        edited_rows.dedup();
        for row in edited_rows.into_iter().filter(|&r| r < rows) {
            ordinals.clear();
            let mut at = LeafWalk {
                row,
                ordinals: &mut ordinals,
                found,
                per_leaf: &mut per_leaf,
            };
            at.visit(plan, array.as_ref(), row);
        }
        let applied: usize = per_leaf.values().map(HashMap::len).sum();
        if applied != found.len() {
            return Err(self.fail(format!(
                "{} edit(s) of nested strings did not match a value",
                found.len() - applied
            )));
        }
        rebuild_plan(plan, array, &per_leaf).map_err(|what| {
            let column = per_leaf
                .keys()
                .next()
                .and_then(|c| self.columns.get(*c))
                .map_or("?", String::as_str);
            WriteError::Unsupported {
                path: self.name.clone(),
                what: format!("column {column}: {what}"),
            }
        })
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

/// Finds, for one row, the flat index in its leaf array of every edited
/// nested value: the walk visits values in the reader's order and counts
/// each leaf column's non-empty values, as the reader numbered them.
struct LeafWalk<'a, 'e> {
    row: usize,
    ordinals: &'a mut HashMap<usize, u32>,
    found: &'a HashMap<(usize, usize, u32), &'e str>,
    per_leaf: &'a mut HashMap<usize, HashMap<usize, &'e str>>,
}

impl LeafWalk<'_, '_> {
    fn visit(&mut self, plan: &Plan, array: &dyn Array, idx: usize) {
        if idx >= array.len() || array.is_null(idx) {
            return;
        }
        match plan {
            Plan::Leaf(column) => {
                if crate::parquet::string_value(array, idx).is_some_and(|v| !v.is_empty()) {
                    let k = self.ordinals.entry(*column).or_insert(0);
                    let ordinal = *k;
                    *k += 1;
                    if let Some(v) = self.found.get(&(*column, self.row, ordinal)) {
                        self.per_leaf.entry(*column).or_default().insert(idx, v);
                    }
                }
            }
            Plan::Struct(children) => {
                let Some(s) = array.as_struct_opt() else {
                    return;
                };
                for (i, _, child) in children {
                    if let Some(col) = s.columns().get(*i) {
                        self.visit(child, col.as_ref(), idx);
                    }
                }
            }
            Plan::List(inner) => {
                let (values, range) = if let Some(l) = array.as_list_opt::<i32>() {
                    let o = l.value_offsets();
                    (l.values(), span(o.get(idx), o.get(idx + 1)))
                } else if let Some(l) = array.as_list_opt::<i64>() {
                    let o = l.value_offsets();
                    (l.values(), span(o.get(idx), o.get(idx + 1)))
                } else if let Some(l) = array.as_fixed_size_list_opt() {
                    let start = l.value_offset_at(idx);
                    let len = usize::try_from(l.value_length()).unwrap_or(0);
                    (l.values(), start..start + len)
                } else {
                    return;
                };
                for j in range {
                    self.visit(inner, values.as_ref(), j);
                }
            }
            Plan::Map(inner) => {
                let Some(m) = array.as_map_opt() else { return };
                let o = m.value_offsets();
                let entries = m.entries();
                for j in span(o.get(idx), o.get(idx + 1)) {
                    self.visit(inner, entries, j);
                }
            }
        }
    }
}

/// The index range between two list offsets (empty if either is missing).
fn span<O: Copy + TryInto<usize>>(start: Option<&O>, end: Option<&O>) -> std::ops::Range<usize> {
    let at = |o: Option<&O>| o.and_then(|v| (*v).try_into().ok());
    match (at(start), at(end)) {
        (Some(a), Some(b)) if a <= b => a..b,
        _ => 0..0,
    }
}

/// A list or large list rebuilt with its values rebuilt along `inner`.
fn rebuild_list<O: OffsetSizeTrait>(
    l: &GenericListArray<O>,
    inner: &Plan,
    per_leaf: &HashMap<usize, HashMap<usize, &str>>,
) -> Result<ArrayRef, String> {
    let (DataType::List(field) | DataType::LargeList(field)) = l.data_type() else {
        return Err("unexpected list type".to_owned());
    };
    let values = rebuild_plan(inner, l.values(), per_leaf)?;
    let rebuilt = GenericListArray::<O>::try_new(
        field.clone(),
        l.offsets().clone(),
        values,
        l.nulls().cloned(),
    )
    .map_err(|e| e.to_string())?;
    Ok(Arc::new(rebuilt))
}

/// `array` rebuilt along `plan` with the leaf edits of `per_leaf` (leaf
/// column -> flat index -> new value); everything else (offsets,
/// validity, types, other children) is kept as it was.
fn rebuild_plan(
    plan: &Plan,
    array: &ArrayRef,
    per_leaf: &HashMap<usize, HashMap<usize, &str>>,
) -> Result<ArrayRef, String> {
    match plan {
        Plan::Leaf(column) => {
            let Some(edits) = per_leaf.get(column).filter(|e| !e.is_empty()) else {
                return Ok(array.clone());
            };
            let dt = array.data_type();
            if string_type(dt).as_ref() != Some(dt) {
                return Err(
                    "changing a dictionary-encoded string nested in a struct, list or map is not supported"
                        .to_owned(),
                );
            }
            let n = array.len();
            let mut flat: Vec<Option<&str>> = vec![None; n];
            for (i, v) in edits {
                if let Some(slot) = flat.get_mut(*i) {
                    *slot = Some(v);
                }
            }
            Ok(rebuild_strings(array.as_ref(), dt, &flat))
        }
        Plan::Struct(children) => {
            let s = array
                .as_struct_opt()
                .ok_or_else(|| "a struct column is not a struct array".to_owned())?;
            let mut cols: Vec<ArrayRef> = s.columns().to_vec();
            for (i, _, child) in children {
                if let Some(col) = cols.get_mut(*i) {
                    *col = rebuild_plan(child, col, per_leaf)?;
                }
            }
            let rebuilt = StructArray::try_new(s.fields().clone(), cols, s.nulls().cloned())
                .map_err(|e| e.to_string())?;
            Ok(Arc::new(rebuilt))
        }
        Plan::List(inner) => {
            if let Some(l) = array.as_list_opt::<i32>() {
                rebuild_list(l, inner, per_leaf)
            } else if let Some(l) = array.as_list_opt::<i64>() {
                rebuild_list(l, inner, per_leaf)
            } else if let Some(l) = array.as_fixed_size_list_opt() {
                let DataType::FixedSizeList(field, size) = l.data_type() else {
                    return Err("unexpected list type".to_owned());
                };
                let values = rebuild_plan(inner, l.values(), per_leaf)?;
                let rebuilt =
                    FixedSizeListArray::try_new(field.clone(), *size, values, l.nulls().cloned())
                        .map_err(|e| e.to_string())?;
                Ok(Arc::new(rebuilt))
            } else {
                Err("a list column is not a list array".to_owned())
            }
        }
        Plan::Map(inner) => {
            let m = array
                .as_map_opt()
                .ok_or_else(|| "a map column is not a map array".to_owned())?;
            let DataType::Map(field, ordered) = m.data_type() else {
                return Err("unexpected map type".to_owned());
            };
            let entries: ArrayRef = Arc::new(m.entries().clone());
            let rebuilt = rebuild_plan(inner, &entries, per_leaf)?;
            let entries = rebuilt
                .as_struct_opt()
                .ok_or_else(|| "map entries are not a struct array".to_owned())?
                .clone();
            let rebuilt = MapArray::try_new(
                field.clone(),
                m.offsets().clone(),
                entries,
                m.nulls().cloned(),
                *ordered,
            )
            .map_err(|e| e.to_string())?;
            Ok(Arc::new(rebuilt))
        }
    }
}
