//! Writers for check and test reports: human text, JSON, SARIF 2.1.0 and
//! JUnit XML. Each renders a whole report into a `String`; the caller
//! decides where it goes.

mod junit;
mod sarif;
mod text;

pub use junit::check_junit;
pub use sarif::check_sarif;
pub use text::{check_text, test_text};

use serde_json::{Value, json};

use crate::check::CheckReport;
use crate::testing::TestReport;

/// The check report as one JSON document.
pub fn check_json(report: &CheckReport, bundle_digest: &str) -> Value {
    json!({
        "bundle_digest": bundle_digest,
        "documents": report.documents,
        "load_failures": report.load_failures,
        "summary": {
            "documents": report.documents.len(),
            "failures": report.failures(),
            "warnings": report.warnings(),
            "load_failures": report.load_failures.len(),
            "passed": report.passed(),
        },
    })
}

/// The test report as one JSON document.
pub fn test_json(report: &TestReport) -> Value {
    json!({
        "tests": report.tests,
        "coverage": report.coverage,
        "summary": {
            "pass": report.count(crate::TestOutcome::Pass),
            "fail": report.count(crate::TestOutcome::Fail),
            "error": report.count(crate::TestOutcome::Error),
            "coverage_percent": report.total_coverage(),
        },
    })
}
