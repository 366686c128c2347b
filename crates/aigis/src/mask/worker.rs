//! Masking one chunk of records on a worker thread: scan each field, apply
//! the rules, render the record in its output format, and collect the
//! quarantine entries and counters. Pure with respect to everything
//! shared, so chunks run in parallel and are written in input order.

use aigis_detect::{ColumnPrior, Entity, FieldHint, Finding, Scanner, TableProfile};
use std::fmt::Write as _;

use aigis_redact::{Action, Effect, FieldContext, RuleSet};
use aigis_table::write::{CellEdit, JsonEdit, rewrite_delimited, rewrite_json, splice_text};
use aigis_table::{Batch, InputFormat, Record};

use super::counts::Tally;
use crate::printer::{json_str, json_u64};

/// Recognizer name of the whole-cell findings made for columns
/// classified `direct_identifier`.
pub(crate) const WHOLE_CELL: &str = "column_class";

/// Share of a `direct_identifier` column's warm-up cells its entity must
/// be found in for the rest of the column to be masked whole without a
/// scan of each cell.
pub(crate) const ASSUME_SHARE: f64 = 0.95;

/// What the workers share for one input.
pub(crate) struct Shared<'a> {
    pub(crate) scanner: &'a Scanner,
    pub(crate) rules: &'a RuleSet,
    pub(crate) format: InputFormat,
    pub(crate) columns: &'a [String],
    pub(crate) priors: Option<&'a [Option<ColumnPrior>]>,
    /// Per column: the entity to mask whole cells as, for columns
    /// classified `direct_identifier`.
    pub(crate) whole_cell: &'a [Option<Entity>],
    /// Per column: masked whole without scanning, with this score (columns
    /// classified `direct_identifier` whose entity was found in at least
    /// [`ASSUME_SHARE`] of the warm-up cells).
    pub(crate) assumed: &'a [Option<f32>],
    /// Per column: dropped by a column rule.
    pub(crate) dropped: &'a [bool],
    pub(crate) delimiter: u8,
    pub(crate) verify: bool,
    pub(crate) gate_min: f32,
    /// Only build the column profile (the warm-up pass).
    pub(crate) profile_only: bool,
    /// Where chunk outputs come from (reused buffers).
    pub(crate) recycler: &'a super::pipeline::Recycler,
}

/// A text record that is one piece of a line longer than the reader's
/// window: where its output is in the chunk's bytes, how input offsets
/// map to output offsets, and how far past its owned part it covered.
pub(crate) struct PieceMark {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) map: Vec<(usize, usize, usize, usize)>,
    pub(crate) ext: usize,
    pub(crate) continued: bool,
}

impl PieceMark {
    /// Output offset of input offset `x` (a replacement cut by `x` is
    /// written whole).
    pub(crate) fn out_offset(&self, x: usize) -> usize {
        let mut delta: isize = 0;
        for &(s, e, os, oe) in &self.map {
            if e <= x {
                delta += (oe - os) as isize - (e - s) as isize;
            } else if s < x {
                return os;
            }
        }
        (x as isize + delta).max(0) as usize
    }
}

/// What a worker produced for a range of records.
#[derive(Default)]
pub(crate) struct ChunkOut {
    /// Rendered output (text, CSV, JSONL), records in order.
    pub(crate) bytes: Vec<u8>,
    /// Pieces of long text lines inside `bytes`, in order.
    pub(crate) pieces: Vec<PieceMark>,
    /// Parquet: (row in the batch, reader column, ordinal of the value
    /// among the row's values of that column, new value).
    pub(crate) parquet: Vec<(usize, usize, u32, String)>,
    /// Parquet: rows left out.
    pub(crate) suppressed_rows: Vec<usize>,
    /// Quarantine entries, one JSON object per line.
    pub(crate) quarantine: Vec<u8>,
    pub(crate) counts: Tally,
    pub(crate) profile: Option<TableProfile>,
}

impl ChunkOut {
    /// Empties every buffer, keeping its capacity.
    pub(crate) fn reset(&mut self) {
        self.bytes.clear();
        self.pieces.clear();
        self.parquet.clear();
        self.suppressed_rows.clear();
        self.quarantine.clear();
        self.counts = Tally::default();
        self.profile = None;
    }
}

/// How one field ends up.
enum FieldOut {
    Keep,
    /// The new value: a range of [`Scratch::values`].
    Set(std::ops::Range<usize>),
    Drop,
}

struct Scratch {
    findings: Vec<Finding>,
    again: Vec<Finding>,
    masked: String,
    actions: Vec<Action>,
    fields: Vec<FieldOut>,
    /// New values of the record's changed fields, one after another.
    values: String,
    subject: String,
    text_actions: Vec<(usize, usize, usize, usize)>,
    text_masked: String,
}

impl Shared<'_> {
    /// Masks `range` of `batch`.
    pub(crate) fn run(&self, batch: &Batch, range: std::ops::Range<usize>) -> ChunkOut {
        let mut out = self.recycler.chunk();
        out.profile = (!self.columns.is_empty()).then(|| TableProfile::new(self.columns));
        let mut s = Scratch {
            findings: Vec::new(),
            again: Vec::new(),
            masked: String::new(),
            actions: Vec::new(),
            fields: Vec::new(),
            values: String::new(),
            subject: String::new(),
            text_actions: Vec::new(),
            text_masked: String::new(),
        };
        for record in range.filter_map(|i| batch.record(i)) {
            self.record(&record, &mut out, &mut s);
        }
        out
    }

    fn column_name<'b>(&self, field: &aigis_table::Field<'b>) -> Option<&'b str> {
        match self.format {
            InputFormat::Text => None,
            InputFormat::Jsonl => field.hint(),
            _ => field.column_name(),
        }
    }

    /// Puts the record's data subject id (for `date_shift`) into `buf`: the
    /// original value of the rules' subject column, or the record number
    /// when the rules name none. False when the record has no subject (the
    /// column is missing or blank).
    fn subject_of(&self, record: &Record<'_>, buf: &mut String) -> bool {
        buf.clear();
        let Some(name) = self.rules.subject_column() else {
            let _ = write!(buf, "{}", record.number());
            return true;
        };
        let value = record
            .fields()
            .find(|f| f.name() == Some(name) || self.column_name(f) == Some(name))
            .map(|f| f.value().trim())
            .filter(|v| !v.is_empty());
        match value {
            Some(v) => {
                buf.push_str(v);
                true
            }
            None => false,
        }
    }

    fn record(&self, record: &Record<'_>, out: &mut ChunkOut, s: &mut Scratch) {
        s.fields.clear();
        s.values.clear();
        let has_subject = self.subject_of(record, &mut s.subject);
        let mut suppress = false;
        s.text_actions.clear();
        s.text_masked.clear();
        for field in record.fields() {
            let value = field.value();
            let col = field.column();
            let colname = self.column_name(&field);
            if col
                .and_then(|c| self.dropped.get(c))
                .copied()
                .unwrap_or(false)
            {
                if !self.profile_only {
                    out.counts.fields += 1;
                    out.counts.fields_changed += 1;
                    out.counts.drop_cell(colname);
                    self.quarantine(
                        out,
                        record,
                        field.name(),
                        0,
                        value.len(),
                        None,
                        "drop",
                        value,
                    );
                }
                s.fields.push(FieldOut::Drop);
                continue;
            }
            let prior = col.and_then(|c| self.priors?.get(c)?.as_ref());
            let hint = match field.hint() {
                Some(name) => FieldHint::named(name).with_prior(prior),
                None => FieldHint::default(),
            };
            s.findings.clear();
            let assumed = col.and_then(|c| {
                let score = self.assumed.get(c).copied().flatten()?;
                let entity = self.whole_cell.get(c)?.as_ref()?;
                Some((score, entity))
            });
            match assumed {
                // A column whose warm-up cells were all one identifier:
                // the cell is masked whole as that entity without a scan.
                Some((score, entity)) if !value.trim().is_empty() => s.findings.push(Finding {
                    entity: entity.clone(),
                    start: 0,
                    end: value.len(),
                    score,
                    recognizer: WHOLE_CELL,
                }),
                _ => self.scanner.scan_into(value, hint, &mut s.findings),
            }
            let piece = field.piece();
            if piece.continued {
                s.findings.retain(|f| f.start < piece.owned_len);
            }
            if let (Some(profile), Some(c)) = (out.profile.as_mut(), col) {
                profile.observe(c, value, &s.findings);
            }
            if self.profile_only {
                continue;
            }
            out.counts.fields += 1;
            if let Some(entity) = col
                .and_then(|c| self.whole_cell.get(c))
                .and_then(Option::as_ref)
                && !value.trim().is_empty()
            {
                let best = s
                    .findings
                    .iter()
                    .max_by(|a, b| a.score.total_cmp(&b.score))
                    .map(|f| (f.entity.clone(), f.score));
                let (entity, score) = best.unwrap_or((entity.clone(), 1.0));
                s.findings.clear();
                s.findings.push(Finding {
                    entity,
                    start: 0,
                    end: value.len(),
                    score,
                    recognizer: WHOLE_CELL,
                });
            }
            s.masked.clear();
            s.actions.clear();
            let cx = FieldContext {
                column: colname,
                subject: has_subject.then_some(s.subject.as_str()),
            };
            let fo = self
                .rules
                .apply_field(value, &s.findings, &cx, &mut s.masked, &mut s.actions);
            for a in &s.actions {
                out.counts.action(a, col, colname, self.gate_min);
                if a.effect == Effect::Kept {
                    continue;
                }
                let original = value.get(a.start..a.end).unwrap_or_default();
                let entity = a.entity.as_str();
                let start = usize::try_from(piece.byte_base)
                    .unwrap_or(usize::MAX)
                    .saturating_add(a.start);
                let end = start.saturating_add(a.end - a.start);
                self.quarantine(
                    out,
                    record,
                    field.name(),
                    start,
                    end,
                    Some(entity),
                    a.operator.as_str(),
                    original,
                );
            }
            if self.verify && fo.changed {
                self.verify_field(out, s, hint, col, colname);
            }
            suppress |= fo.suppress_record;
            if fo.drop_field {
                out.counts.fields_changed += 1;
                s.fields.push(FieldOut::Drop);
            } else if fo.changed {
                out.counts.fields_changed += 1;
                if self.format == InputFormat::Text {
                    s.text_actions.clear();
                    s.text_actions.extend(
                        s.actions
                            .iter()
                            .map(|a| (a.start, a.end, a.out_start, a.out_end)),
                    );
                    s.text_masked.clear();
                    s.text_masked.push_str(&s.masked);
                    s.fields.push(FieldOut::Keep);
                } else {
                    let at = s.values.len();
                    s.values.push_str(&s.masked);
                    s.fields.push(FieldOut::Set(at..s.values.len()));
                }
            } else {
                s.fields.push(FieldOut::Keep);
            }
        }
        if self.profile_only {
            return;
        }
        if suppress {
            out.counts.records_suppressed += 1;
            out.suppressed_rows.push(record.index());
            return;
        }
        match self.format {
            InputFormat::Text => self.render_text(record, out, s),
            InputFormat::Csv | InputFormat::Tsv => {
                if s.fields.iter().all(|f| matches!(f, FieldOut::Keep))
                    && !self.dropped.iter().any(|d| *d)
                {
                    // Untouched row: its source bytes as they are.
                    out.bytes.extend_from_slice(record.raw());
                    return;
                }
                let mut edits = vec![CellEdit::Keep; self.columns.len()];
                for (c, d) in self.dropped.iter().enumerate() {
                    if *d && let Some(e) = edits.get_mut(c) {
                        *e = CellEdit::Drop;
                    }
                }
                for (field, fo) in record.fields().zip(&s.fields) {
                    let Some(e) = field.column().and_then(|c| edits.get_mut(c)) else {
                        continue;
                    };
                    match fo {
                        FieldOut::Set(v) => {
                            *e = CellEdit::Set(s.values.get(v.clone()).unwrap_or_default());
                        }
                        // A rule that drops one cell cannot drop a column
                        // in one row only: the cell is emptied.
                        FieldOut::Drop if *e != CellEdit::Drop => *e = CellEdit::Set(""),
                        _ => {}
                    }
                }
                rewrite_delimited(record.raw(), self.delimiter, &edits, &mut out.bytes);
            }
            InputFormat::Jsonl => {
                let mut edits = Vec::new();
                for (field, fo) in record.fields().zip(&s.fields) {
                    let Some(path) = field.name() else { continue };
                    match fo {
                        FieldOut::Set(v) => edits.push((
                            path,
                            JsonEdit::Set(s.values.get(v.clone()).unwrap_or_default()),
                        )),
                        FieldOut::Drop => edits.push((path, JsonEdit::Drop)),
                        FieldOut::Keep => {}
                    }
                }
                rewrite_json(record.raw(), &edits, &mut out.bytes);
            }
            _ => {
                // A leaf under a list gives several values per row: the
                // writer finds each by its ordinal within the row.
                for ((field, ordinal), fo) in record.fields_with_ordinals().zip(&s.fields) {
                    let Some(c) = field.column() else { continue };
                    if self.dropped.get(c).copied().unwrap_or(false) {
                        continue;
                    }
                    match fo {
                        FieldOut::Set(v) => out.parquet.push((
                            record.index(),
                            c,
                            ordinal,
                            s.values.get(v.clone()).unwrap_or_default().to_owned(),
                        )),
                        FieldOut::Drop => {
                            out.parquet
                                .push((record.index(), c, ordinal, String::new()));
                        }
                        FieldOut::Keep => {}
                    }
                }
            }
        }
    }

    /// Plain text: the line's bytes with the changed spans replaced (a
    /// dropped line keeps only its line ending). Pieces of long lines are
    /// rendered from the decoded text and marked for the writer.
    fn render_text(&self, record: &Record<'_>, out: &mut ChunkOut, s: &Scratch) {
        let actions = s.text_actions.as_slice();
        let masked = s.text_masked.as_str();
        let raw = record.raw();
        let Some(field) = record.fields().next() else {
            out.bytes.extend_from_slice(raw);
            return;
        };
        let value = field.value();
        let piece = field.piece();
        let dropped = matches!(s.fields.first(), Some(FieldOut::Drop));
        if piece.byte_base == 0 && !piece.continued {
            if dropped {
                out.bytes
                    .extend_from_slice(raw.get(value.len()..).unwrap_or_default());
            } else {
                let edits: Vec<(usize, usize, &[u8])> = actions
                    .iter()
                    .map(|&(a, b, oa, ob)| {
                        (a, b, masked.get(oa..ob).unwrap_or_default().as_bytes())
                    })
                    .collect();
                splice_text(raw, &edits, &mut out.bytes);
            }
            return;
        }
        // A piece: output covers the owned part and any replacement that
        // runs past it; the next piece skips what was covered.
        let text = if actions.is_empty() && !dropped {
            value
        } else if dropped {
            ""
        } else {
            masked
        };
        let map: Vec<_> = if dropped {
            Vec::new()
        } else {
            actions.to_vec()
        };
        let cover = if piece.continued {
            actions
                .iter()
                .map(|a| a.1)
                .max()
                .unwrap_or(0)
                .max(piece.owned_len)
                .min(value.len())
        } else {
            value.len()
        };
        let mut mark = PieceMark {
            start: out.bytes.len(),
            end: 0,
            map,
            ext: cover.saturating_sub(piece.owned_len),
            continued: piece.continued,
        };
        let upto = if dropped { 0 } else { mark.out_offset(cover) };
        out.bytes
            .extend_from_slice(text.get(..upto).unwrap_or(text).as_bytes());
        if !piece.continued {
            out.bytes
                .extend_from_slice(raw.get(value.len()..).unwrap_or_default());
        }
        mark.end = out.bytes.len();
        out.pieces.push(mark);
    }

    /// The verify pass on a changed field: scans the written value again;
    /// findings that are not inside a replacement made by an operator are
    /// residuals. (A replacement may look like its entity on purpose: a
    /// format-preserving token, a /24 network, a year.)
    fn verify_field(
        &self,
        out: &mut ChunkOut,
        s: &mut Scratch,
        hint: FieldHint<'_>,
        col: Option<usize>,
        colname: Option<&str>,
    ) {
        s.again.clear();
        self.scanner.scan_into(&s.masked, hint, &mut s.again);
        for f in &s.again {
            let inside = s
                .actions
                .iter()
                .any(|a| a.effect != Effect::Kept && a.out_start <= f.start && f.end <= a.out_end);
            if !inside {
                out.counts
                    .residual(&f.entity, col, colname, f.score, self.gate_min);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn quarantine(
        &self,
        out: &mut ChunkOut,
        record: &Record<'_>,
        field: Option<&str>,
        start: usize,
        end: usize,
        entity: Option<&str>,
        operator: &str,
        value: &str,
    ) {
        let q = &mut out.quarantine;
        q.extend_from_slice(b"{\"record\":");
        json_u64(record.number(), q);
        q.extend_from_slice(b",\"field\":");
        push_opt_str(q, field);
        q.extend_from_slice(b",\"start\":");
        json_u64(start as u64, q);
        q.extend_from_slice(b",\"end\":");
        json_u64(end as u64, q);
        q.extend_from_slice(b",\"entity\":");
        push_opt_str(q, entity);
        q.extend_from_slice(b",\"operator\":");
        json_str(operator, q);
        q.extend_from_slice(b",\"value\":");
        json_str(value, q);
        q.extend_from_slice(b"}\n");
        out.counts.quarantined += 1;
    }
}

/// Appends `s` as a JSON string, or `null`.
fn push_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => json_str(s, out),
        None => out.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarantine_json_matches_serde_json() {
        for s in [
            "",
            "plain",
            "a\"b\\c",
            "tab\tnl\nret\r",
            "\u{1}\u{8}\u{c}\u{1f}\u{7f}",
            "zoë 😀",
        ] {
            let mut out = Vec::new();
            json_str(s, &mut out);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
        for n in [0u64, 7, 10, 99_999, u64::MAX] {
            let mut out = Vec::new();
            json_u64(n, &mut out);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
