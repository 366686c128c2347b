//! The compliance report of a mask run: one JSON document
//! (`aigis-mask-report/1`) and the same facts as a self-contained HTML
//! page (no scripts, no external assets, every text escaped). Counts,
//! names, digests and keys only: never a value from the data.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::counts::Counts;

/// An input or output file.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FileFacts {
    pub(crate) path: String,
    pub(crate) format: String,
    /// `sha256:HEX`.
    pub(crate) digest: String,
    pub(crate) bytes: u64,
}

/// A column of a table and how the scanner classified it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ColumnFacts {
    pub(crate) column: String,
    pub(crate) class: String,
    pub(crate) entity: Option<String>,
    pub(crate) confidence: f32,
    /// Masked whole-cell (classified `direct_identifier` in the warm-up).
    pub(crate) whole_cell: bool,
    pub(crate) dropped: bool,
}

/// The gate's verdict.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GateFacts {
    pub(crate) fail_on: Vec<String>,
    pub(crate) min_score: f32,
    pub(crate) passed: bool,
    pub(crate) failures: Vec<String>,
    pub(crate) output_written: bool,
}

/// The report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub(crate) format: &'static str,
    pub(crate) run: String,
    pub(crate) started: String,
    pub(crate) duration_seconds: f64,
    pub(crate) actor: String,
    pub(crate) input: FileFacts,
    pub(crate) output: Option<FileFacts>,
    pub(crate) rules_file: Option<FileFacts>,
    pub(crate) records: u64,
    pub(crate) records_skipped: u64,
    pub(crate) threads: usize,
    pub(crate) verified: bool,
    #[serde(flatten)]
    pub(crate) counts: Counts,
    pub(crate) residual_total: u64,
    pub(crate) columns: Vec<ColumnFacts>,
    /// Keys the rules use: `name@vN`.
    pub(crate) keys: Vec<String>,
    /// Key that encrypts the quarantine: `name@vN`.
    pub(crate) quarantine_key: String,
    pub(crate) quarantine_entries: u64,
    pub(crate) gate: GateFacts,
}

impl Report {
    /// The report as pretty JSON with a final newline.
    pub(crate) fn to_json(&self) -> anyhow::Result<Vec<u8>> {
        let mut v = serde_json::to_vec_pretty(self)?;
        v.push(b'\n');
        Ok(v)
    }

    /// The report as one HTML page.
    pub(crate) fn to_html(&self) -> String {
        let mut h = String::new();
        let e = escape;
        let _ = write!(
            h,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>aigis mask report {run}</title>\n<style>\
             body{{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:70em;color:#222}}\
             table{{border-collapse:collapse;margin:.5em 0 1.5em}}\
             td,th{{border:1px solid #ccc;padding:.25em .6em;text-align:left}}\
             th{{background:#f3f3f3}}td.n{{text-align:right;font-variant-numeric:tabular-nums}}\
             .ok{{color:#17602a;font-weight:bold}}.fail{{color:#a11;font-weight:bold}}\
             code{{font-size:12px}}</style></head><body>\n\
             <h1>Masking report</h1>\n",
            run = e(&self.run)
        );
        let verdict = if self.gate.passed {
            "<span class=\"ok\">passed</span>".to_owned()
        } else {
            format!(
                "<span class=\"fail\">failed</span>: {}",
                e(&self.gate.failures.join("; "))
            )
        };
        let mut facts: Vec<(&str, String)> = vec![
            ("Run", e(&self.run)),
            ("Started", e(&self.started)),
            ("Duration", format!("{:.2} s", self.duration_seconds)),
            ("Actor", e(&self.actor)),
            ("Gate", verdict),
            (
                "Input",
                format!(
                    "{} ({}, {} bytes)<br><code>{}</code>",
                    e(&self.input.path),
                    e(&self.input.format),
                    self.input.bytes,
                    e(&self.input.digest)
                ),
            ),
        ];
        facts.push((
            "Output",
            match &self.output {
                Some(o) => format!(
                    "{} ({} bytes)<br><code>{}</code>",
                    e(&o.path),
                    o.bytes,
                    e(&o.digest)
                ),
                None => "not written (the gate failed)".to_owned(),
            },
        ));
        if let Some(r) = &self.rules_file {
            facts.push((
                "Rules file",
                format!("{}<br><code>{}</code>", e(&r.path), e(&r.digest)),
            ));
        }
        facts.extend([
            (
                "Records",
                format!(
                    "{} read, {} skipped as bad, {} suppressed",
                    self.records, self.records_skipped, self.counts.records_suppressed
                ),
            ),
            (
                "Fields",
                format!(
                    "{} processed, {} changed",
                    self.counts.fields, self.counts.fields_changed
                ),
            ),
            (
                "Residual findings",
                format!(
                    "{}{}",
                    self.residual_total,
                    if self.verified {
                        " (output re-scanned)"
                    } else {
                        " (kept by rules; output not re-scanned)"
                    }
                ),
            ),
            ("Keys used", e(&self.keys.join(", "))),
            (
                "Quarantine",
                format!(
                    "{} original values, encrypted with {}",
                    self.quarantine_entries,
                    e(&self.quarantine_key)
                ),
            ),
        ]);
        h.push_str("<table>\n");
        for (k, v) in facts {
            let _ = writeln!(h, "<tr><th>{k}</th><td>{v}</td></tr>");
        }
        h.push_str("</table>\n");
        count_table(
            &mut h,
            "Findings by entity",
            "entity",
            &self.counts.findings_by_entity,
        );
        count_table(
            &mut h,
            "Actions by operator",
            "operator",
            &self.counts.actions_by_operator,
        );
        count_table(
            &mut h,
            "Rules triggered",
            "rule",
            &self.counts.rules_triggered,
        );
        count_table(&mut h, "Fallbacks", "fallback", &self.counts.fallbacks);
        count_table(
            &mut h,
            "Residual findings by entity",
            "entity",
            &self.counts.residual_by_entity,
        );
        nested_table(
            &mut h,
            "Findings by column",
            &self.counts.findings_by_column,
        );
        nested_table(
            &mut h,
            "Residual findings by column",
            &self.counts.residual_by_column,
        );
        if !self.columns.is_empty() {
            h.push_str("<h2>Columns</h2>\n<table><tr><th>column</th><th>class</th><th>entity</th><th>confidence</th><th>masking</th></tr>\n");
            for c in &self.columns {
                let how = if c.dropped {
                    "dropped"
                } else if c.whole_cell {
                    "whole cell"
                } else {
                    "findings"
                };
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{:.2}</td><td>{how}</td></tr>",
                    e(&c.column),
                    e(&c.class),
                    e(c.entity.as_deref().unwrap_or("")),
                    c.confidence
                );
            }
            h.push_str("</table>\n");
        }
        h.push_str("<p>Generated by aigis. Values from the data are never shown in this report.</p>\n</body></html>\n");
        h
    }
}

fn count_table(h: &mut String, title: &str, what: &str, counts: &BTreeMap<String, u64>) {
    if counts.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<h2>{}</h2>\n<table><tr><th>{}</th><th>count</th></tr>",
        escape(title),
        escape(what)
    );
    for (k, v) in counts {
        let _ = writeln!(h, "<tr><td>{}</td><td class=\"n\">{v}</td></tr>", escape(k));
    }
    h.push_str("</table>\n");
}

fn nested_table(h: &mut String, title: &str, counts: &BTreeMap<String, BTreeMap<String, u64>>) {
    if counts.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<h2>{}</h2>\n<table><tr><th>column</th><th>entity</th><th>count</th></tr>",
        escape(title)
    );
    for (col, m) in counts {
        for (k, v) in m {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{v}</td></tr>",
                escape(col),
                escape(k)
            );
        }
    }
    h.push_str("</table>\n");
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
