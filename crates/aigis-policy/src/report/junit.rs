//! JUnit XML, one test case per checked document and namespace, for CI
//! systems that show test reports.

use std::fmt::Write as _;

use quick_xml::escape::escape;

use crate::check::{CheckReport, Severity};

/// The check report as JUnit XML.
pub fn check_junit(report: &CheckReport) -> String {
    let mut cases = String::new();
    let (mut tests, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for doc in &report.documents {
        for ns in &doc.namespaces {
            tests += 1;
            let name = if doc.document > 0 {
                format!("{}#{}", doc.path, doc.document)
            } else {
                doc.path.clone()
            };
            let _ = write!(
                cases,
                "    <testcase classname=\"{}\" name=\"{}\">",
                escape(ns.as_str()),
                escape(name.as_str())
            );
            let mut failed = false;
            for v in doc.results.iter().filter(|v| &v.namespace == ns) {
                let line = v
                    .line
                    .map(|l| format!("{}:{l}", doc.path))
                    .unwrap_or_else(|| doc.path.clone());
                let text = format!("{line}: {}", v.message);
                match v.severity {
                    Severity::Failure => {
                        failed = true;
                        let _ = write!(
                            cases,
                            "\n      <failure message=\"{}\" type=\"{}\">{}</failure>",
                            escape(v.message.as_str()),
                            escape(v.rule.as_str()),
                            escape(text.as_str())
                        );
                    }
                    Severity::Error => {
                        errors += 1;
                        let _ = write!(
                            cases,
                            "\n      <error message=\"{}\">{}</error>",
                            escape(v.message.as_str()),
                            escape(text.as_str())
                        );
                    }
                    Severity::Warning => {
                        let _ = write!(
                            cases,
                            "\n      <system-out>WARN {}</system-out>",
                            escape(text.as_str())
                        );
                    }
                }
            }
            if failed {
                failures += 1;
            }
            cases.push_str("</testcase>\n");
        }
    }
    for f in &report.load_failures {
        tests += 1;
        errors += 1;
        let _ = writeln!(
            cases,
            "    <testcase classname=\"load\" name=\"{}\"><error message=\"{}\"/></testcase>",
            escape(f.path.as_str()),
            escape(f.message.as_str())
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"aigis policy check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}
