//! Human-readable reports.

use std::fmt::Write as _;

use crate::check::{CheckReport, Severity};
use crate::testing::{TestOutcome, TestReport};

/// `FAIL - file:line - namespace - message (rule id)` lines, then a
/// summary line.
pub fn check_text(report: &CheckReport) -> String {
    let mut out = String::new();
    for f in &report.load_failures {
        let _ = writeln!(out, "ERROR - {}", f.message);
    }
    for doc in &report.documents {
        let doc_suffix = if doc.document > 0 {
            format!(" (document {})", doc.document)
        } else {
            String::new()
        };
        for v in &doc.results {
            let label = match v.severity {
                Severity::Failure => "FAIL",
                Severity::Warning => "WARN",
                Severity::Error => "ERROR",
            };
            let place = match v.line {
                Some(line) => format!("{}:{line}", doc.path),
                None => doc.path.clone(),
            };
            let id = v.id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "{label} - {place}{doc_suffix} - {} - {}{id}",
                v.namespace, v.message
            );
        }
    }
    let _ = writeln!(
        out,
        "{} documents checked: {} failures, {} warnings, {} files not loaded",
        report.documents.len(),
        report.failures(),
        report.warnings(),
        report.load_failures.len()
    );
    out
}

/// `opa test`-like output: failures and errors in detail, then
/// `PASS: n/m`, coverage per file, and a `N passed, N failed` line.
pub fn test_text(report: &TestReport, verbose: bool) -> String {
    let mut out = String::new();
    let mut current_file = "";
    for t in &report.tests {
        if t.outcome == TestOutcome::Pass && !verbose {
            continue;
        }
        if t.file != current_file {
            let _ = writeln!(out, "{}:", t.file);
            current_file = &t.file;
        }
        let label = match t.outcome {
            TestOutcome::Pass => "PASS",
            TestOutcome::Fail => "FAIL",
            TestOutcome::Error => "ERROR",
        };
        let _ = writeln!(
            out,
            "data.{}.{}: {label} ({}µs)",
            t.package, t.name, t.duration_us
        );
        if let Some(e) = &t.error {
            let _ = writeln!(out, "  {e}");
        }
        for p in &t.prints {
            let _ = writeln!(out, "  print: {p}");
        }
    }
    let total = report.tests.len();
    let pass = report.count(TestOutcome::Pass);
    let fail = report.count(TestOutcome::Fail);
    let error = report.count(TestOutcome::Error);
    if total > 0 {
        let _ = writeln!(out, "{}", "-".repeat(60));
    }
    let _ = writeln!(out, "PASS: {pass}/{total}");
    if fail > 0 {
        let _ = writeln!(out, "FAIL: {fail}/{total}");
    }
    if error > 0 {
        let _ = writeln!(out, "ERROR: {error}/{total}");
    }
    for c in &report.coverage {
        let _ = writeln!(
            out,
            "coverage {:>6.2}% {} (not covered: {})",
            c.percent,
            c.file,
            lines_list(&c.not_covered)
        );
    }
    let _ = writeln!(out, "coverage {:>6.2}% total", report.total_coverage());
    let _ = writeln!(out, "{pass} passed, {} failed", fail + error);
    out
}

fn lines_list(lines: &[u32]) -> String {
    if lines.is_empty() {
        return "-".into();
    }
    lines
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
