//! The engine: Rego modules compiled once, evaluated many times, with
//! limits, and with errors turned into [`PolicyError`].
//!
//! [`Engine::new`] parses every module (syntax errors carry file:line:col),
//! adds data and the `aigis.secrets` builtin, and compiles the whole set
//! up front, so a broken policy fails before any input is read. The result
//! is cheap to [`Clone`]: modules, compiled schedules and data are shared
//! (`Arc`), so each worker thread clones the prepared engine and evaluates
//! on its own copy.
//!
//! Fail closed: every evaluation runs under a wall-clock limit (regorus'
//! cooperative execution timer, checked in every loop of the interpreter),
//! and a panic inside the engine is caught and returned as
//! [`PolicyError::Internal`]; callers count any error as a denial.
//! Builtin errors follow OPA (the expression is undefined rather than the
//! whole query failing), so results equal OPA's.

use std::num::NonZeroU32;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value;

use crate::bundle::PolicyBundle;
use crate::error::{PolicyError, regorus_location};
use crate::secrets::{self, SecretFinder};

/// Interpreter work units between clock reads of the execution timer: a
/// clock read per unit costs more than most rule bodies.
const TIMER_CHECK_INTERVAL: NonZeroU32 = match NonZeroU32::new(256) {
    Some(n) => n,
    None => NonZeroU32::MIN,
};

/// The rule names `policy check` looks for in each package.
pub const CHECK_RULES: [&str; 3] = ["deny", "violation", "warn"];

/// How an [`Engine`] is built.
#[derive(Clone)]
pub struct EngineOptions {
    /// Wall-clock limit for one evaluation (default 5 s).
    pub time_limit: Duration,
    /// What `aigis.secrets` calls (default: aigis-detect's recognizers,
    /// [`crate::DetectSecrets`]); `None` makes the builtin fail (closed).
    pub secret_finder: Option<Arc<dyn SecretFinder>>,
    /// Record which policy lines are evaluated (for `policy test`).
    pub coverage: bool,
    /// Most bytes the process may have allocated while policies evaluate
    /// (default 4 GiB). Checked by the interpreter as it allocates; above
    /// it, evaluation stops with [`PolicyError::Limit`]. The accounting is
    /// process-wide (regorus counts through its allocator), so the last
    /// engine built sets it for all; `None` leaves the current setting.
    pub memory_limit: Option<u64>,
}

/// The default [`EngineOptions::memory_limit`]: 4 GiB.
pub const DEFAULT_MEMORY_LIMIT: u64 = 4 << 30;

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            time_limit: Duration::from_secs(5),
            secret_finder: Some(Arc::new(crate::secrets::DetectSecrets)),
            coverage: false,
            memory_limit: Some(DEFAULT_MEMORY_LIMIT),
        }
    }
}

impl std::fmt::Debug for EngineOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineOptions")
            .field("time_limit", &self.time_limit)
            .field("secret_finder", &self.secret_finder.is_some())
            .field("coverage", &self.coverage)
            .field("memory_limit", &self.memory_limit)
            .finish()
    }
}

/// A package and the check rules (`deny`, `violation`, `warn`) and tests
/// (`test_*`) it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageInfo {
    /// Dotted package name without `data.` (`aigis.endpoint`).
    pub name: String,
    /// Which of [`CHECK_RULES`] it declares.
    pub check_rules: Vec<&'static str>,
    /// Its `test_*` rules, in source order, with the file they are in.
    pub tests: Vec<(String, String)>,
}

/// Compiled Rego, ready to evaluate. Clone it per thread.
#[derive(Clone)]
pub struct Engine {
    inner: regorus::Engine,
    /// The wall-clock limit of one evaluation (also given to compiled
    /// decisions).
    time_limit: Duration,
    packages: Arc<Vec<PackageInfo>>,
    digest: Arc<str>,
    data: Arc<Value>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("packages", &self.packages)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

// Workers share prepared engines across threads; make sure that stays true.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
};

/// One result of a general query: the values of its expressions and the
/// variables it bound.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    /// Each expression's value, in order.
    pub expressions: Vec<Value>,
    /// Variable bindings.
    pub bindings: serde_json::Map<String, Value>,
}

impl Engine {
    /// Parses and compiles `bundle` with `data` as the base document.
    pub fn new(
        bundle: &PolicyBundle,
        data: &Value,
        options: &EngineOptions,
    ) -> Result<Engine, PolicyError> {
        let mut inner = regorus::Engine::new();
        inner.set_strict_builtin_errors(false);
        inner.set_execution_timer_config(ExecutionTimerConfig {
            limit: options.time_limit,
            check_interval: TIMER_CHECK_INTERVAL,
        });
        if let Some(limit) = options.memory_limit {
            regorus::set_global_memory_limit(Some(limit));
        }
        inner.set_enable_coverage(options.coverage);
        inner.set_gather_prints(true);
        let mut packages: Vec<PackageInfo> = Vec::new();
        for module in bundle.modules() {
            let package = inner
                .add_policy(module.path.clone(), module.text.clone())
                .map_err(|e| syntax_error(&module.path, &e))?;
            let name = package
                .strip_prefix("data.")
                .unwrap_or(&package)
                .to_string();
            let mut rules = Vec::new();
            for rule in CHECK_RULES {
                if inner
                    .has_declared_rule_rooted_at(&module.path, rule)
                    .unwrap_or(false)
                {
                    rules.push(rule);
                }
            }
            let tests: Vec<(String, String)> = test_rule_names(&module.text)
                .into_iter()
                .map(|t| (t, module.path.clone()))
                .collect();
            match packages.iter_mut().find(|p| p.name == name) {
                Some(p) => {
                    for r in rules {
                        if !p.check_rules.contains(&r) {
                            p.check_rules.push(r);
                        }
                    }
                    for t in tests {
                        if !p.tests.iter().any(|(n, _)| *n == t.0) {
                            p.tests.push(t);
                        }
                    }
                }
                None => packages.push(PackageInfo {
                    name,
                    check_rules: rules,
                    tests,
                }),
            }
        }
        if !data.is_null() {
            inner
                .add_data(crate::convert::to_regorus(data))
                .map_err(|e| PolicyError::Data {
                    path: "<data>".into(),
                    message: format!("{e:#}"),
                })?;
        }
        crate::opa_compat::register(&mut inner)
            .and_then(|()| secrets::register(&mut inner, options.secret_finder.clone()))
            .map_err(|e| PolicyError::Compile {
                path: None,
                line: 0,
                col: 0,
                message: format!("{e:#}"),
            })?;
        // Compile now: conflicts, unsafe variables and unknown functions
        // are reported before any input is evaluated.
        let compiled = guarded("compile", || inner.eval_query("true".to_string(), false));
        match compiled {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                let loc = regorus_location(&e);
                return Err(PolicyError::Compile {
                    path: loc.path,
                    line: loc.line,
                    col: loc.col,
                    message: loc.message,
                });
            }
            Err(panic) => return Err(panic),
        }
        packages.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Engine {
            inner,
            time_limit: options.time_limit,
            packages: Arc::new(packages),
            digest: bundle.digest().into(),
            data: Arc::new(data.clone()),
        })
    }

    /// The prepared regorus engine (for compiling to bytecode).
    pub(crate) fn regorus(&self) -> &regorus::Engine {
        &self.inner
    }

    /// The execution timer every evaluation runs under.
    pub(crate) fn timer(&self) -> ExecutionTimerConfig {
        ExecutionTimerConfig {
            limit: self.time_limit,
            check_interval: TIMER_CHECK_INTERVAL,
        }
    }

    /// The base data document.
    pub(crate) fn data(&self) -> &Value {
        &self.data
    }

    /// Packages in the bundle with their check rules and tests.
    pub fn packages(&self) -> &[PackageInfo] {
        &self.packages
    }

    /// The digest of the bundle this engine was built from.
    pub fn bundle_digest(&self) -> &str {
        &self.digest
    }

    /// Sets `input` for the next evaluations.
    pub fn set_input(&mut self, input: &Value) {
        self.inner.set_input(crate::convert::to_regorus(input));
    }

    /// Sets `input` from an already converted regorus value.
    pub fn set_input_value(&mut self, input: regorus::Value) {
        self.inner.set_input(input);
    }

    /// Evaluates a document path under `data` (`aigis.endpoint.deny`,
    /// `data.aigis.endpoint`), `None` when undefined.
    pub fn eval_path(&mut self, path: &str) -> Result<Option<Value>, PolicyError> {
        let path = path.trim();
        let query = if path == "data" || path.starts_with("data.") || path.starts_with("data[") {
            path.to_string()
        } else {
            format!("data.{path}")
        };
        let results = self.eval_query(&query)?;
        match results.into_iter().next() {
            Some(mut r) if !r.expressions.is_empty() => Ok(Some(r.expressions.swap_remove(0))),
            _ => Ok(None),
        }
    }

    /// Evaluates a Rego query; each result has the expressions' values and
    /// the bindings. Empty when the query is undefined.
    pub fn eval_query(&mut self, query: &str) -> Result<Vec<QueryResult>, PolicyError> {
        let inner = &mut self.inner;
        let out = guarded(query, || inner.eval_query(query.to_string(), false))?
            .map_err(|e| eval_error(query, &e))?;
        let mut results = Vec::with_capacity(out.result.len());
        for r in out.result {
            let mut expressions = Vec::with_capacity(r.expressions.len());
            for e in &r.expressions {
                expressions.push(to_json(&e.value, query)?);
            }
            let bindings = match to_json(&r.bindings, query)? {
                Value::Object(m) => m,
                _ => serde_json::Map::new(),
            };
            results.push(QueryResult {
                expressions,
                bindings,
            });
        }
        Ok(results)
    }

    /// Evaluates one rule by its full path (`data.aigis.endpoint.deny`),
    /// `None` when undefined. Faster than [`Engine::eval_path`]: no query
    /// is parsed.
    pub fn eval_rule(&mut self, rule: &str) -> Result<Option<Value>, PolicyError> {
        let inner = &mut self.inner;
        let value = guarded(rule, || inner.eval_rule(rule.to_string()))?
            .map_err(|e| eval_error(rule, &e))?;
        if value == regorus::Value::Undefined {
            return Ok(None);
        }
        to_json(&value, rule).map(Some)
    }

    /// Output of `print()` calls since the last call.
    pub fn take_prints(&mut self) -> Vec<String> {
        self.inner.take_prints().unwrap_or_default()
    }

    /// Coverage gathered so far: per file, covered and not covered lines.
    pub fn coverage(&self) -> Vec<FileCoverage> {
        match self.inner.get_coverage_report() {
            Ok(report) => report
                .files
                .into_iter()
                .map(|f| FileCoverage {
                    path: f.path.to_string(),
                    covered: f.covered.into_iter().collect(),
                    not_covered: f.not_covered.into_iter().collect(),
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Lines of one policy file that evaluation reached, and those it did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCoverage {
    /// The policy file.
    pub path: String,
    /// Lines evaluated.
    pub covered: Vec<u32>,
    /// Lines of rule bodies never evaluated.
    pub not_covered: Vec<u32>,
}

/// Runs `f`, turning a panic into [`PolicyError::Internal`].
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, PolicyError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        PolicyError::Internal {
            query: what.to_string(),
            message,
        }
    })
}

fn syntax_error(path: &str, err: &anyhow::Error) -> PolicyError {
    let loc = regorus_location(err);
    PolicyError::Syntax {
        path: loc.path.unwrap_or_else(|| path.to_string()),
        line: loc.line,
        col: loc.col,
        message: loc.message,
    }
}

fn eval_error(query: &str, err: &anyhow::Error) -> PolicyError {
    if let Some(limit) = err
        .chain()
        .find_map(|c| c.downcast_ref::<regorus::LimitError>())
    {
        return PolicyError::Limit {
            query: query.to_string(),
            limit: limit.to_string(),
        };
    }
    let loc = regorus_location(err);
    if loc.message.contains("time limit") || loc.message.contains("execution exceeded") {
        return PolicyError::Limit {
            query: query.to_string(),
            limit: loc.message,
        };
    }
    PolicyError::Eval {
        query: query.to_string(),
        path: loc.path,
        line: loc.line,
        col: loc.col,
        message: loc.message,
    }
}

fn to_json(value: &regorus::Value, what: &str) -> Result<Value, PolicyError> {
    crate::convert::to_json(value).map_err(|e| PolicyError::Eval {
        query: what.to_string(),
        path: None,
        line: 0,
        col: 0,
        message: format!("result is not representable as JSON: {e}"),
    })
}

/// Names of `test_*` rules declared in a module's text, in order.
fn test_rule_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if !line.starts_with("test_") {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(rego: &str) -> Result<Engine, PolicyError> {
        let mut b = PolicyBundle::new();
        b.add("p.rego", rego);
        Engine::new(&b, &Value::Null, &EngineOptions::default())
    }

    #[test]
    fn evaluates_paths_and_rules() {
        let mut e = engine(
            "package t\nimport rego.v1\ndeny contains \"no\" if input.x > 1\nallow := true\n",
        )
        .unwrap();
        e.set_input(&serde_json::json!({"x": 2}));
        assert_eq!(
            e.eval_path("t.deny").unwrap(),
            Some(serde_json::json!(["no"]))
        );
        assert_eq!(
            e.eval_rule("data.t.allow").unwrap(),
            Some(Value::Bool(true))
        );
        assert_eq!(e.eval_path("t.nothing").unwrap(), None);
        assert_eq!(e.packages()[0].check_rules, vec!["deny"]);
    }

    #[test]
    fn syntax_errors_name_file_line_col() {
        let err = engine("package t\n\nallow if {\n  input.x ==\n}\n").unwrap_err();
        match err {
            PolicyError::Syntax {
                path, line, col, ..
            } => {
                assert_eq!(path, "p.rego");
                assert!(line >= 4, "line {line}");
                assert!(col >= 1);
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn compile_errors_surface_before_evaluation() {
        // Unsafe variables are found when compiling.
        let err = engine("package t\nimport rego.v1\nx if { y > 1 }\n").unwrap_err();
        assert!(matches!(err, PolicyError::Compile { line: 3, .. }), "{err}");
        // regorus finds unknown functions only when the rule runs; the
        // evaluation then fails (closed).
        match engine("package t\nimport rego.v1\nx := no_such_fn(1)\n") {
            Err(e) => assert!(matches!(e, PolicyError::Compile { .. }), "{e}"),
            Ok(mut e) => assert!(e.eval_path("t.x").is_err()),
        }
        // Conflicting values are an evaluation error (as in OPA).
        let mut e =
            engine("package t\nimport rego.v1\nx = 1 if input.a\nx = 2 if input.b\n").unwrap();
        e.set_input(&serde_json::json!({"a": true, "b": true}));
        assert!(e.eval_path("t.x").is_err());
    }

    #[test]
    fn looping_policy_is_stopped_by_the_timer() {
        let mut b = PolicyBundle::new();
        b.add(
            "loop.rego",
            "package t\nimport rego.v1\nspin := count([x | some x in numbers.range(1, 5000); some y in numbers.range(1, 5000); x == y + 1000000])\n",
        );
        let options = EngineOptions {
            time_limit: Duration::from_millis(100),
            ..EngineOptions::default()
        };
        let mut e = Engine::new(&b, &Value::Null, &options).unwrap();
        let err = e.eval_path("t.spin").unwrap_err();
        assert!(matches!(err, PolicyError::Limit { .. }), "{err}");
    }

    #[test]
    fn secrets_builtin_fails_closed_without_a_finder() {
        let mut b = PolicyBundle::new();
        b.add(
            "s.rego",
            "package t\nimport rego.v1\nfound := aigis.secrets(\"x\")\n",
        );
        let options = EngineOptions {
            secret_finder: None,
            ..EngineOptions::default()
        };
        let mut e = Engine::new(&b, &Value::Null, &options).unwrap();
        assert!(e.eval_path("t.found").is_err());
    }

    #[test]
    fn secrets_builtin_uses_the_detect_recognizers_by_default() {
        let mut e = engine(
            "package t\nimport rego.v1\nkinds := {f.kind | some f in aigis.secrets(input.s)}\nspans := [[f.start, f.end] | some f in aigis.secrets(input.s)]\n",
        )
        .unwrap();
        let key = ["AKIA", "IOSFODNN7EXAMPLE"].concat();
        e.set_input(&serde_json::json!({"s": format!("id={key} ok")}));
        assert_eq!(
            e.eval_path("t.kinds").unwrap(),
            Some(serde_json::json!(["aws_access_key"]))
        );
        assert_eq!(
            e.eval_path("t.spans").unwrap(),
            Some(serde_json::json!([[3, 23]]))
        );
        e.set_input(&serde_json::json!({"s": "s3://acme/raw and nothing secret"}));
        assert_eq!(e.eval_path("t.kinds").unwrap(), Some(serde_json::json!([])));
    }

    #[test]
    fn secrets_builtin_calls_the_finder() {
        struct Fixed;
        impl SecretFinder for Fixed {
            fn find(&self, text: &str) -> Vec<crate::SecretMatch> {
                text.find("KEY")
                    .map(|i| crate::SecretMatch {
                        kind: "test_key".into(),
                        start: i,
                        end: i + 3,
                        score: 0.5,
                    })
                    .into_iter()
                    .collect()
            }
        }
        let mut b = PolicyBundle::new();
        b.add(
            "s.rego",
            "package t\nimport rego.v1\nfound := aigis.secrets(input.s)\n",
        );
        let options = EngineOptions {
            secret_finder: Some(Arc::new(Fixed)),
            ..EngineOptions::default()
        };
        let mut e = Engine::new(&b, &Value::Null, &options).unwrap();
        e.set_input(&serde_json::json!({"s": "a KEY here"}));
        assert_eq!(
            e.eval_path("t.found").unwrap(),
            Some(serde_json::json!([{"kind": "test_key", "start": 2, "end": 5, "score": 0.5}]))
        );
    }

    #[test]
    fn clones_evaluate_independently_across_threads() {
        let e = engine("package t\nimport rego.v1\ndouble := input.n * 2\n").unwrap();
        let handles: Vec<_> = (0..4)
            .map(|n| {
                let mut e = e.clone();
                std::thread::spawn(move || {
                    e.set_input(&serde_json::json!({"n": n}));
                    e.eval_path("t.double").unwrap()
                })
            })
            .collect();
        let got: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(
            got,
            (0..4)
                .map(|n| Some(serde_json::json!(n * 2)))
                .collect::<Vec<_>>()
        );
    }
}
