//! Findings of repeated table cells, remembered per column within one chunk
//! of records: a categorical column (plans, countries, statuses) is scanned
//! once per distinct value. Exact, because a cell's findings depend only on
//! its text and its column (name and prior), which are fixed in a chunk.

use std::collections::HashMap;
use std::ops::Range;

use aigis_detect::Finding;

/// Cells looked up in a column before deciding whether remembering pays.
const PROBE: u32 = 64;
/// Repeats among the first [`PROBE`] cells needed to keep remembering.
const MIN_REPEATS: u32 = 8;

/// Per-column counts deciding whether the column's cells repeat enough.
#[derive(Default, Clone, Copy)]
struct Column {
    lookups: u32,
    repeats: u32,
}

/// Remembered findings of cells, keyed by column index and cell text.
#[derive(Default)]
pub(crate) struct CellMemo<'a> {
    cells: HashMap<(usize, &'a str), Range<usize>, foldhash::fast::RandomState>,
    found: Vec<Finding>,
    columns: Vec<Column>,
}

impl<'a> CellMemo<'a> {
    /// Whether cells of column `col` are still remembered (a column whose
    /// first cells do not repeat is not, so unique columns cost nothing).
    pub(crate) fn active(&self, col: usize) -> bool {
        self.columns
            .get(col)
            .is_none_or(|c| c.lookups < PROBE || c.repeats >= MIN_REPEATS)
    }

    /// The findings remembered for `cell` of column `col`, if any.
    pub(crate) fn get(&mut self, col: usize, cell: &'a str) -> Option<&[Finding]> {
        if self.columns.len() <= col {
            self.columns.resize(col + 1, Column::default());
        }
        let range = self.cells.get(&(col, cell)).cloned();
        if let Some(c) = self.columns.get_mut(col) {
            c.lookups = c.lookups.saturating_add(1);
            c.repeats = c.repeats.saturating_add(u32::from(range.is_some()));
        }
        self.found.get(range?)
    }

    /// Remembers the findings of `cell` of column `col`.
    pub(crate) fn put(&mut self, col: usize, cell: &'a str, findings: &[Finding]) {
        let start = self.found.len();
        self.found.extend_from_slice(findings);
        self.cells.insert((col, cell), start..self.found.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_per_column_and_stops_on_unique_columns() {
        let mut m = CellMemo::default();
        assert!(m.get(0, "basic").is_none());
        m.put(0, "basic", &[]);
        assert_eq!(m.get(0, "basic").map(<[Finding]>::len), Some(0));
        assert!(m.get(1, "basic").is_none());
        let names: Vec<String> = (0..PROBE).map(|i| format!("v{i}")).collect();
        for n in &names {
            assert!(m.get(2, n).is_none());
            m.put(2, n, &[]);
        }
        assert!(!m.active(2));
        assert!(m.active(0));
    }
}
