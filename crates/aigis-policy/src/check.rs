//! `policy check`: conftest-style rules over loaded documents.
//!
//! For every document and every selected package, the runner evaluates
//! the package's `deny`, `violation` and `warn` rules. Each element of
//! such a rule is one result:
//! - a string is the message;
//! - an object gives `msg` (or `message`), and optionally `rule` (an id
//!   that `enable`/`disable` can name), `line` (a number), or `key` (a JSON
//!   Pointer string or an array of path segments) whose line the loader
//!   recorded; other fields are kept as details.
//!
//! `deny` and `violation` results fail the check; `warn` results do not.
//! A document whose evaluation fails gets an error result and counts as
//! failed (fail closed).

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::decision::{DecisionRecord, DecisionResult, json_digest};
use crate::engine::Engine;
use crate::error::LoadError;
use crate::load::{Document, Parser, load_file, pointer_from_segments};

/// Which packages and rule ids report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Packages to evaluate; `prefix.*` selects a prefix; empty = all.
    pub namespaces: Vec<String>,
    /// When not empty, only results matching one of these report.
    pub enable: Vec<String>,
    /// Results matching one of these never report.
    pub disable: Vec<String>,
}

impl Selection {
    fn namespace_selected(&self, name: &str) -> bool {
        self.namespaces.is_empty() || self.namespaces.iter().any(|s| selector_matches(s, name))
    }

    fn reports(&self, namespace: &str, id: Option<&str>) -> bool {
        let hit = |s: &String| {
            selector_matches(s, namespace) || id.is_some_and(|id| selector_matches(s, id))
        };
        (self.enable.is_empty() || self.enable.iter().any(hit)) && !self.disable.iter().any(hit)
    }
}

/// `a.b` matches `a.b`; `a.*` matches `a` and everything under `a.`.
fn selector_matches(selector: &str, name: &str) -> bool {
    match selector.strip_suffix(".*") {
        Some(prefix) => {
            name == prefix || (name.starts_with(prefix) && name[prefix.len()..].starts_with('.'))
        }
        None => selector == name,
    }
}

/// How serious a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// From `deny` or `violation`: fails the check.
    Failure,
    /// From `warn`: reported, does not fail.
    Warning,
    /// Evaluation failed: fails the check.
    Error,
}

/// One result of a check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// How serious.
    pub severity: Severity,
    /// The package (`aigis.endpoint`).
    pub namespace: String,
    /// `deny`, `violation` or `warn` (`error` for a failed evaluation).
    pub rule: String,
    /// The rule id the policy gave (`endpoint.auth_required`), if any.
    pub id: Option<String>,
    /// The message.
    pub message: String,
    /// The line in the input file, when known.
    pub line: Option<usize>,
    /// Other fields of an object result.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub details: Value,
}

/// The results for one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentReport {
    /// The input file.
    pub path: String,
    /// Document index in the file.
    pub document: usize,
    /// The parser that read it.
    pub parser: &'static str,
    /// Results (failures, warnings, errors), in package order.
    pub results: Vec<Violation>,
    /// The packages evaluated.
    pub namespaces: Vec<String>,
    /// `sha256:` of the input.
    #[serde(skip)]
    pub input_digest: String,
}

impl DocumentReport {
    /// Failures + errors.
    pub fn failures(&self) -> usize {
        self.results
            .iter()
            .filter(|v| v.severity != Severity::Warning)
            .count()
    }

    /// Warnings.
    pub fn warnings(&self) -> usize {
        self.results
            .iter()
            .filter(|v| v.severity == Severity::Warning)
            .count()
    }

    /// The decision record for this document.
    pub fn decision(&self, bundle_digest: &str) -> DecisionRecord {
        let errors = self.results.iter().any(|v| v.severity == Severity::Error);
        DecisionRecord {
            action: "policy.check",
            bundle_digest: bundle_digest.to_string(),
            input_digest: self.input_digest.clone(),
            input_path: Some(self.path.clone()),
            document: Some(self.document),
            query: self.namespaces.join(","),
            result: if errors {
                DecisionResult::Error
            } else if self.failures() > 0 {
                DecisionResult::Denied
            } else {
                DecisionResult::Allowed
            },
            violations: self.failures(),
            warnings: self.warnings(),
        }
    }
}

/// A file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadFailure {
    /// The file.
    pub path: String,
    /// Why (with line and column when the parser gave them).
    pub message: String,
}

/// Everything `policy check` found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckReport {
    /// Per document, in input order.
    pub documents: Vec<DocumentReport>,
    /// Files that did not load.
    pub load_failures: Vec<LoadFailure>,
}

impl CheckReport {
    /// Total failures (+ evaluation errors) over all documents.
    pub fn failures(&self) -> usize {
        self.documents.iter().map(DocumentReport::failures).sum()
    }

    /// Total warnings.
    pub fn warnings(&self) -> usize {
        self.documents.iter().map(DocumentReport::warnings).sum()
    }

    /// True when nothing failed and every file loaded.
    pub fn passed(&self) -> bool {
        self.failures() == 0 && self.load_failures.is_empty()
    }
}

/// Checks one document with a (per-thread) engine.
pub fn check_document(
    engine: &mut Engine,
    doc: &Document,
    selection: &Selection,
) -> DocumentReport {
    let mut report = DocumentReport {
        path: doc.path.to_string_lossy().into_owned(),
        document: doc.index,
        parser: doc.parser.name(),
        results: Vec::new(),
        namespaces: Vec::new(),
        input_digest: json_digest(&doc.input),
    };
    let packages: Vec<(String, Vec<&'static str>)> = engine
        .packages()
        .iter()
        .filter(|p| !p.check_rules.is_empty() && selection.namespace_selected(&p.name))
        .map(|p| (p.name.clone(), p.check_rules.clone()))
        .collect();
    engine.set_input(&doc.input);
    for (namespace, rules) in packages {
        for rule in rules {
            let path = format!("data.{namespace}.{rule}");
            match engine.eval_rule(&path) {
                Ok(Some(value)) => {
                    for v in results_of(&value, &namespace, rule, doc) {
                        if selection.reports(&v.namespace, v.id.as_deref()) {
                            report.results.push(v);
                        }
                    }
                }
                Ok(None) => {}
                Err(e) => report.results.push(Violation {
                    severity: Severity::Error,
                    namespace: namespace.clone(),
                    rule: "error".into(),
                    id: None,
                    message: e.to_string(),
                    line: None,
                    details: Value::Null,
                }),
            }
        }
        report.namespaces.push(namespace);
    }
    // Read top to bottom: by line, then package and message.
    report.results.sort_by(|a, b| {
        (a.line.unwrap_or(0), &a.namespace, &a.message).cmp(&(
            b.line.unwrap_or(0),
            &b.namespace,
            &b.message,
        ))
    });
    report
}

fn results_of(value: &Value, namespace: &str, rule: &str, doc: &Document) -> Vec<Violation> {
    let severity = if rule == "warn" {
        Severity::Warning
    } else {
        Severity::Failure
    };
    let make =
        |message: String, id: Option<String>, line: Option<usize>, details: Value| Violation {
            severity,
            namespace: namespace.to_string(),
            rule: rule.to_string(),
            id,
            message,
            line,
            details,
        };
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Bool(false) | Value::Null => Vec::new(),
        Value::Bool(true) => {
            return vec![make(format!("{namespace}.{rule}"), None, None, Value::Null)];
        }
        // A partial object rule (`deny[key] := msg`): one result per entry.
        Value::Object(map) => map.values().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(s) => make(s.clone(), None, None, Value::Null),
            Value::Object(obj) => {
                let message = obj
                    .get("msg")
                    .or_else(|| obj.get("message"))
                    .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_string))
                    .unwrap_or_else(|| item.to_string());
                let id = obj
                    .get("rule")
                    .or_else(|| obj.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let line = obj
                    .get("line")
                    .and_then(Value::as_u64)
                    .map(|l| l as usize)
                    .or_else(|| match obj.get("key") {
                        Some(Value::String(p)) => doc.line_of(p),
                        Some(Value::Array(segs)) => doc.line_of(&pointer_from_segments(segs)),
                        _ => None,
                    })
                    .or_else(|| doc.line_of(""));
                let mut details = obj.clone();
                for k in ["msg", "message", "rule", "id", "line", "key"] {
                    details.remove(k);
                }
                let details = if details.is_empty() {
                    Value::Null
                } else {
                    Value::Object(details)
                };
                make(message, id, line, details)
            }
            other => make(other.to_string(), None, None, Value::Null),
        })
        .collect()
}

/// Loads and checks files in parallel (rayon; each worker clones the
/// engine once). Documents come back in input order.
pub fn check_files(
    engine: &Engine,
    files: &[std::path::PathBuf],
    parser: Option<Parser>,
    selection: &Selection,
) -> CheckReport {
    let per_file: Vec<Result<Vec<DocumentReport>, (std::path::PathBuf, LoadError)>> = files
        .par_iter()
        .map_init(
            || engine.clone(),
            |engine, path| {
                let docs = load_file(path, parser).map_err(|e| (path.clone(), e))?;
                Ok(docs
                    .iter()
                    .map(|d| check_document(engine, d, selection))
                    .collect())
            },
        )
        .collect();
    let mut report = CheckReport::default();
    for r in per_file {
        match r {
            Ok(docs) => report.documents.extend(docs),
            Err((path, e)) => report.load_failures.push(LoadFailure {
                path: path.to_string_lossy().into_owned(),
                message: e.to_string(),
            }),
        }
    }
    report
}

/// Expands files and directories into the files to check: a directory
/// gives every file under it that some parser recognises (hidden entries
/// skipped), sorted; a file is taken as is.
pub fn collect_inputs(
    paths: &[std::path::PathBuf],
    parser: Option<Parser>,
) -> Result<Vec<std::path::PathBuf>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
            path: path.clone(),
            source,
        })?;
        if !meta.is_dir() {
            out.push(path.clone());
            continue;
        }
        for entry in walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || {
                    let n = e.file_name().to_string_lossy();
                    !n.starts_with('.') || Parser::for_path(e.path()) == Some(Parser::Dotenv)
                }
            })
        {
            let entry = entry.map_err(|e| LoadError::Io {
                path: e.path().unwrap_or(path).to_path_buf(),
                source: e.into(),
            })?;
            if entry.file_type().is_file()
                && (parser.is_some() || Parser::for_path(entry.path()).is_some())
            {
                out.push(entry.into_path());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EngineOptions, PolicyBundle};
    use std::path::Path;

    fn engine() -> Engine {
        let mut b = PolicyBundle::new();
        b.add(
            "p.rego",
            r#"package t
import rego.v1
deny contains {"msg": "auth off", "rule": "t.auth", "key": ["spec", "auth", "required"]} if {
  input.spec.auth.required == false
}
violation contains "plain string" if input.spec.x
warn contains {"msg": "tls", "line": 1} if true
"#,
        );
        Engine::new(&b, &Value::Null, &EngineOptions::default()).unwrap()
    }

    fn doc() -> Document {
        crate::load::load_str(
            Path::new("e.yaml"),
            "kind: Endpoint\nspec:\n  x: true\n  auth:\n    required: false\n",
            Parser::Yaml,
        )
        .unwrap()
        .remove(0)
    }

    #[test]
    fn results_carry_lines_ids_and_severity() {
        let mut e = engine();
        let r = check_document(&mut e, &doc(), &Selection::default());
        assert_eq!(r.failures(), 2);
        assert_eq!(r.warnings(), 1);
        let auth = r
            .results
            .iter()
            .find(|v| v.id.as_deref() == Some("t.auth"))
            .unwrap();
        assert_eq!(auth.line, Some(5));
        assert_eq!(auth.severity, Severity::Failure);
        let d = r.decision(e.bundle_digest());
        assert_eq!(d.result, DecisionResult::Denied);
        assert_eq!(d.violations, 2);
    }

    #[test]
    fn selection_filters() {
        let mut e = engine();
        let sel = Selection {
            disable: vec!["t.auth".into()],
            ..Selection::default()
        };
        assert_eq!(check_document(&mut e, &doc(), &sel).failures(), 1);
        let sel = Selection {
            namespaces: vec!["other.*".into()],
            ..Selection::default()
        };
        assert!(check_document(&mut e, &doc(), &sel).results.is_empty());
        assert!(selector_matches("aigis.*", "aigis.endpoint"));
        assert!(!selector_matches("aigis.*", "aigisx"));
    }
}
