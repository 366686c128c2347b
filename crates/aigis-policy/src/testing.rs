//! `policy test`: runs every `test_*` rule, like `opa test`.
//!
//! A test passes when its rule evaluates to `true`; it fails when the rule
//! is `false` or undefined; it errors when evaluation fails (a builtin
//! error in strict mode, a conflict, a limit). Each test runs on a fresh
//! clone of the compiled engine with no input. Coverage is the share of
//! policy lines (outside `*_test.rego`) that evaluation reached.

use serde::Serialize;

use crate::engine::Engine;

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TestOutcome {
    /// The rule was `true`.
    Pass,
    /// The rule was `false` or undefined.
    Fail,
    /// Evaluation failed.
    Error,
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestResult {
    /// The package.
    pub package: String,
    /// The rule name (`test_auth_required`).
    pub name: String,
    /// The file declaring it.
    pub file: String,
    /// How it ended.
    pub outcome: TestOutcome,
    /// The error, for [`TestOutcome::Error`].
    pub error: Option<String>,
    /// Output of `print()` during the test.
    pub prints: Vec<String>,
    /// Wall-clock duration in microseconds.
    pub duration_us: u64,
}

/// Coverage of one policy file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// The policy file.
    pub file: String,
    /// Lines evaluated.
    pub covered: Vec<u32>,
    /// Lines never evaluated.
    pub not_covered: Vec<u32>,
    /// covered / (covered + not covered), in percent.
    pub percent: f64,
}

/// All test results and coverage.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TestReport {
    /// One per test rule.
    pub tests: Vec<TestResult>,
    /// One per non-test policy file that has rule bodies.
    pub coverage: Vec<Coverage>,
}

impl TestReport {
    /// Count of tests with the outcome.
    pub fn count(&self, outcome: TestOutcome) -> usize {
        self.tests.iter().filter(|t| t.outcome == outcome).count()
    }

    /// Coverage over all files, in percent.
    pub fn total_coverage(&self) -> f64 {
        let covered: usize = self.coverage.iter().map(|c| c.covered.len()).sum();
        let total: usize = self
            .coverage
            .iter()
            .map(|c| c.covered.len() + c.not_covered.len())
            .sum();
        if total == 0 {
            100.0
        } else {
            covered as f64 * 100.0 / total as f64
        }
    }
}

/// Runs every test whose `package.name` contains `filter` (all when
/// `None`). The engine should be built with coverage on.
pub fn run_tests(engine: &Engine, filter: Option<&str>) -> TestReport {
    let mut report = TestReport::default();
    let mut covered_engine = engine.clone();
    for package in engine.packages() {
        for (name, file) in &package.tests {
            let full = format!("{}.{name}", package.name);
            if filter.is_some_and(|f| !full.contains(f)) {
                continue;
            }
            let started = std::time::Instant::now();
            let rule = format!("data.{full}");
            let result = covered_engine.eval_rule(&rule);
            let prints = covered_engine.take_prints();
            let (outcome, error) = match result {
                Ok(Some(serde_json::Value::Bool(true))) => (TestOutcome::Pass, None),
                Ok(_) => (TestOutcome::Fail, None),
                Err(e) => (TestOutcome::Error, Some(e.to_string())),
            };
            report.tests.push(TestResult {
                package: package.name.clone(),
                name: name.clone(),
                file: file.clone(),
                outcome,
                error,
                prints,
                duration_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            });
        }
    }
    report.coverage = covered_engine
        .coverage()
        .into_iter()
        .filter(|f| !f.path.ends_with("_test.rego"))
        .filter(|f| !f.covered.is_empty() || !f.not_covered.is_empty())
        .map(|f| {
            let total = f.covered.len() + f.not_covered.len();
            let percent = if total == 0 {
                100.0
            } else {
                f.covered.len() as f64 * 100.0 / total as f64
            };
            Coverage {
                file: f.path,
                covered: f.covered,
                not_covered: f.not_covered,
                percent,
            }
        })
        .collect();
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EngineOptions, PolicyBundle};

    #[test]
    fn pass_fail_error_and_coverage() {
        let mut b = PolicyBundle::new();
        b.add(
            "p.rego",
            "package t\nimport rego.v1\nallow if input.user == \"admin\"\nunused if input.never\n",
        );
        b.add(
            "p_test.rego",
            "package t\nimport rego.v1\ntest_admin if allow with input as {\"user\": \"admin\"}\ntest_guest if allow with input as {\"user\": \"guest\"}\ntest_broken if 1 / 0 == 1\n",
        );
        let options = EngineOptions {
            coverage: true,
            ..EngineOptions::default()
        };
        let engine = Engine::new(&b, &serde_json::Value::Null, &options).unwrap();
        let report = run_tests(&engine, None);
        let outcome = |n: &str| report.tests.iter().find(|t| t.name == n).unwrap().outcome;
        assert_eq!(outcome("test_admin"), TestOutcome::Pass);
        assert_eq!(outcome("test_guest"), TestOutcome::Fail);
        assert_ne!(outcome("test_broken"), TestOutcome::Pass);
        assert_eq!(report.coverage.len(), 1);
        assert!(report.coverage[0].covered.contains(&3));
        assert!(report.coverage[0].not_covered.contains(&4));
    }
}
