//! The human summary: totals and throughput, counts by entity, a column
//! table per table input; and, with `--explain` or `--show-values`, one
//! line per finding.

use std::io::Write as _;

use aigis_detect::ColumnClassification;

use super::SummaryInfo;
use crate::scan::{Hit, Tally};

/// `path:record [field] start..end ENTITY score (recognizer)`, then the
/// value and the explanation when asked for.
pub(super) fn hit(h: &Hit<'_>, out: &mut Vec<u8>) {
    let _ = write!(out, "{}:{}", h.source, h.record);
    if let Some(f) = h.field {
        let _ = write!(out, " [{f}]");
    }
    let _ = write!(
        out,
        " {}..{} {} {:.2} ({})",
        h.start, h.end, h.finding.entity, h.finding.score, h.finding.recognizer
    );
    if let Some(v) = h.value {
        let _ = write!(out, " {v:?}");
    }
    out.push(b'\n');
    if let Some(e) = h.explanation {
        for line in e.to_string().lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The one-paragraph totals (also printed to stderr for `--format json`).
pub(super) fn totals(t: &Tally, info: SummaryInfo, out: &mut Vec<u8>) {
    let mb = t.bytes as f64 / 1e6;
    let rate = if t.seconds > 0.0 { mb / t.seconds } else { 0.0 };
    let files = if t.inputs == 1 { "input" } else { "inputs" };
    let _ = writeln!(
        out,
        "scanned {} {files}: {} records, {mb:.1} MB in {:.2} s ({rate:.1} MB/s, {} threads)",
        thousands(t.inputs),
        thousands(t.records),
        t.seconds,
        t.threads
    );
    let _ = writeln!(
        out,
        "findings with score >= {:.2}: {}",
        info.min_score,
        thousands(t.findings.total())
    );
}

/// The whole summary.
pub(super) fn summary(
    t: &Tally,
    info: SummaryInfo,
    tables: &[(String, Vec<ColumnClassification>)],
    out: &mut Vec<u8>,
) {
    totals(t, info, out);
    let counts = t.findings.sorted();
    if !counts.is_empty() {
        let _ = writeln!(out, "\n{:<20} {:>12}", "ENTITY", "FINDINGS");
        for (e, n) in counts {
            let _ = writeln!(out, "{:<20} {:>12}", e.as_str(), thousands(n));
        }
    }
    for (source, columns) in tables {
        let width = columns
            .iter()
            .map(|c| c.column.chars().count())
            .max()
            .unwrap_or(6)
            .max(6);
        let _ = writeln!(out, "\ncolumns of {source}:");
        let _ = writeln!(
            out,
            "{:<width$}  {:<17}  {:>10}  ENTITIES (share of non-empty cells)",
            "COLUMN", "CLASS", "CONFIDENCE"
        );
        for c in columns {
            let entities: Vec<String> = c
                .entities
                .iter()
                .take(3)
                .map(|(e, share)| format!("{e} {:.1}%", share * 100.0))
                .collect();
            let _ = writeln!(
                out,
                "{:<width$}  {:<17}  {:>10.2}  {}",
                c.column,
                c.class.as_str(),
                c.confidence,
                if entities.is_empty() {
                    "-".to_owned()
                } else {
                    entities.join(", ")
                }
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
