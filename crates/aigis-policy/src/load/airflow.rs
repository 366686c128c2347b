//! Airflow DAG files (Python source), read with a Python parser written in
//! Rust (rustpython-parser; no Python interpreter involved) and summarised
//! into the facts policies check:
//!
//! ```json
//! {"dags": [{"dag_id": "etl", "line": 9, "kwargs": {...}}],
//!  "dag_ids": ["etl"],
//!  "tasks": [{"task_id": "load", "operator": "S3ToRedshiftOperator",
//!             "line": 14, "kwargs": {"s3_bucket": "acme-raw", ...}}],
//!  "storage_paths": [{"path": "s3://acme-raw/x/", "scheme": "s3", "line": 5}],
//!  "connections": [{"conn_id": "aws_default", "kwarg": "aws_conn_id", "line": 16}],
//!  "credentials": [{"name": "password", "value": "...", "templated": false, "line": 7}],
//!  "strings": [{"value": "...", "line": 3}],
//!  "imports": ["airflow", "airflow.providers.amazon.aws.operators.s3"]}
//! ```
//!
//! Keyword arguments are given as literals (strings, numbers, booleans,
//! None, lists, tuples, dicts); a name bound earlier in the file to a
//! literal resolves to that literal; f-strings keep their constant parts
//! with `{}` where a value is interpolated; anything else is `null`.
//! A task is a call whose callee ends in `Operator` or `Sensor` or that
//! has a `task_id=` argument, or a function decorated with `@task`.
//! A credential is a string literal bound (by assignment, keyword or dict
//! key) to a name that looks like one (password, secret, token, api_key,
//! private_key, ...), excluding names that only refer to one (`*_id`,
//! `*_name`, `*_path`, `*_file`, `*_url`, `*_var`, `*_env`).

use std::collections::HashMap;
use std::path::Path;

use rustpython_ast::Visitor;
use rustpython_ast::text_size::TextRange;
use rustpython_parser::ast::{self, Constant, Expr, Stmt};
use rustpython_parser::{Parse, ParseErrorType};
use serde_json::{Map, Value, json};

use super::lines::{LineIndex, Locations};
use crate::error::LoadError;

/// Deepest bracket nesting accepted (CPython stops at 200 too).
const MAX_NESTING: usize = 200;

/// URL schemes of object and file stores.
const STORAGE_SCHEMES: &[&str] = &[
    "s3", "s3a", "s3n", "gs", "gcs", "abfs", "abfss", "wasb", "wasbs", "az", "adl", "hdfs", "oss",
    "r2",
];

pub(super) fn parse(path: &Path, text: &str) -> Result<(Value, Locations), LoadError> {
    let index = LineIndex::new(text);
    let syntax = |offset: usize, message: String| {
        let (line, col) = index.line_col(offset);
        LoadError::Syntax {
            path: path.to_path_buf(),
            parser: "python",
            line,
            col,
            message,
        }
    };
    if let Some(offset) = too_deep(text) {
        return Err(syntax(
            offset,
            format!("brackets nested deeper than {MAX_NESTING} levels"),
        ));
    }
    let suite = ast::Suite::parse(text, &path.to_string_lossy())
        .map_err(|e| syntax(u32::from(e.offset) as usize, describe(&e.error)))?;
    let mut collector = Collector {
        index: &index,
        symbols: HashMap::new(),
        out: Summary::default(),
    };
    for stmt in suite {
        collector.visit_stmt(stmt);
    }
    Ok(collector.out.into_value())
}

/// The offset where bracket nesting first exceeds the limit (brackets in
/// strings count too, which only makes the guard stricter).
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A parse error in words, without quoting the source (a token could be
/// part of a secret).
fn describe(error: &ParseErrorType) -> String {
    match error {
        ParseErrorType::Eof => "unexpected end of file".to_string(),
        ParseErrorType::ExtraToken(_) => "unexpected extra token".to_string(),
        ParseErrorType::InvalidToken => "invalid token".to_string(),
        ParseErrorType::UnrecognizedToken(_, Some(expected)) => {
            format!("unexpected token, expected {expected}")
        }
        ParseErrorType::UnrecognizedToken(_, None) => "unexpected token".to_string(),
        ParseErrorType::Lexical(e) => {
            let text = e.to_string();
            // Lexical errors can quote a character; keep them short.
            text.chars().take(120).collect()
        }
    }
}

#[derive(Default)]
struct Summary {
    dags: Vec<Value>,
    tasks: Vec<Value>,
    storage_paths: Vec<Value>,
    connections: Vec<Value>,
    credentials: Vec<Value>,
    strings: Vec<Value>,
    imports: Vec<Value>,
}

impl Summary {
    fn into_value(self) -> (Value, Locations) {
        let mut locations = Locations::new();
        locations.insert(String::new(), 1);
        let mut obj = Map::new();
        let dag_ids: Vec<Value> = self
            .dags
            .iter()
            .filter_map(|d| d.get("dag_id").filter(|v| v.is_string()).cloned())
            .collect();
        for (name, items) in [
            ("dags", self.dags),
            ("tasks", self.tasks),
            ("storage_paths", self.storage_paths),
            ("connections", self.connections),
            ("credentials", self.credentials),
            ("strings", self.strings),
        ] {
            for (i, item) in items.iter().enumerate() {
                if let Some(line) = item.get("line").and_then(Value::as_u64) {
                    locations.insert(format!("/{name}/{i}"), line as usize);
                }
            }
            obj.insert(name.into(), Value::Array(items));
        }
        obj.insert("dag_ids".into(), Value::Array(dag_ids));
        obj.insert("imports".into(), Value::Array(self.imports));
        (Value::Object(obj), locations)
    }
}

struct Collector<'a> {
    index: &'a LineIndex,
    /// Names bound to literals so far (module and function scope alike).
    symbols: HashMap<String, Value>,
    out: Summary,
}

impl Collector<'_> {
    fn line(&self, range: TextRange) -> usize {
        self.index.line(u32::from(range.start()) as usize)
    }

    /// The literal value of an expression, or `None` when it is not one.
    fn literal(&self, expr: &Expr) -> Option<Value> {
        Some(match expr {
            Expr::Constant(c) => constant(&c.value)?,
            Expr::JoinedStr(j) => Value::String(render_fstring(&j.values)),
            Expr::List(l) => Value::Array(l.elts.iter().map(|e| self.literal_or_null(e)).collect()),
            Expr::Tuple(t) => {
                Value::Array(t.elts.iter().map(|e| self.literal_or_null(e)).collect())
            }
            Expr::Set(s) => Value::Array(s.elts.iter().map(|e| self.literal_or_null(e)).collect()),
            Expr::Dict(d) => {
                let mut map = Map::new();
                for (k, v) in d.keys.iter().zip(&d.values) {
                    if let Some(Value::String(k)) = k.as_ref().and_then(|k| self.literal(k)) {
                        map.insert(k, self.literal_or_null(v));
                    }
                }
                Value::Object(map)
            }
            Expr::Name(n) => self.symbols.get(n.id.as_str())?.clone(),
            _ => return None,
        })
    }

    fn literal_or_null(&self, expr: &Expr) -> Value {
        self.literal(expr).unwrap_or(Value::Null)
    }

    fn string_literal(&self, expr: &Expr) -> Option<String> {
        match self.literal(expr)? {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    fn note_credential(&mut self, name: &str, value: &Expr, line: usize) {
        if !looks_like_credential(name) {
            return;
        }
        if let Some(text) = self.string_literal(value)
            && !text.is_empty()
        {
            let templated = is_templated(&text);
            self.out.credentials.push(json!({
                "name": name, "value": text, "templated": templated, "line": line,
            }));
        }
    }

    fn note_string(&mut self, text: String, line: usize) {
        if let Some(scheme) = storage_scheme(&text) {
            self.out.storage_paths.push(json!({
                "path": text, "scheme": scheme, "line": line,
            }));
        }
        self.out.strings.push(json!({"value": text, "line": line}));
    }

    fn kwargs(&self, call: &ast::ExprCall) -> Map<String, Value> {
        call.keywords
            .iter()
            .filter_map(|k| {
                let name = k.arg.as_ref()?.as_str().to_string();
                Some((name, self.literal_or_null(&k.value)))
            })
            .collect()
    }

    fn inspect_call(&mut self, call: &ast::ExprCall) {
        let name = callee_name(&call.func);
        let line = self.line(call.range);
        let kwargs = self.kwargs(call);
        if name == "DAG" {
            let dag_id = kwargs
                .get("dag_id")
                .cloned()
                .or_else(|| call.args.first().map(|a| self.literal_or_null(a)))
                .unwrap_or(Value::Null);
            self.out.dags.push(json!({
                "dag_id": dag_id, "line": line, "kwargs": Value::Object(kwargs.clone()),
            }));
        } else if name.ends_with("Operator")
            || name.ends_with("Sensor")
            || kwargs.contains_key("task_id")
        {
            self.out.tasks.push(json!({
                "task_id": kwargs.get("task_id").cloned().unwrap_or(Value::Null),
                "operator": name,
                "line": line,
                "kwargs": Value::Object(kwargs.clone()),
            }));
        }
        for k in &call.keywords {
            let Some(arg) = k.arg.as_ref().map(|a| a.as_str()) else {
                continue;
            };
            let kline = self.line(k.range);
            if (arg == "conn_id" || arg.ends_with("_conn_id"))
                && let Some(id) = self.string_literal(&k.value)
            {
                self.out
                    .connections
                    .push(json!({"conn_id": id, "kwarg": arg, "line": kline}));
            }
            self.note_credential(arg, &k.value, kline);
        }
        if name == "get_connection"
            && let Some(id) = call.args.first().and_then(|a| self.string_literal(a))
        {
            self.out
                .connections
                .push(json!({"conn_id": id, "kwarg": "get_connection", "line": line}));
        }
    }

    fn bind(&mut self, target: &Expr, value: &Expr, line: usize) {
        if let Expr::Name(n) = target {
            let name = n.id.as_str().to_string();
            self.note_credential(&name, value, line);
            match self.literal(value) {
                Some(v) => {
                    self.symbols.insert(name, v);
                }
                None => {
                    self.symbols.remove(&name);
                }
            }
        } else if let Expr::Attribute(a) = target {
            self.note_credential(a.attr.as_str(), value, line);
        } else if let Expr::Subscript(s) = target
            && let Some(key) = self.string_literal(&s.slice)
        {
            self.note_credential(&key, value, line);
        }
    }

    fn task_decorator(&mut self, decorators: &[Expr], name: &str, line: usize) {
        for d in decorators {
            let (callee, call) = match d {
                Expr::Call(c) => (callee_name(&c.func), Some(c)),
                other => (callee_name(other), None),
            };
            let base = callee.split('.').next().unwrap_or("");
            let kwargs = call.map(|c| self.kwargs(c)).unwrap_or_default();
            if callee == "dag" {
                let dag_id = kwargs
                    .get("dag_id")
                    .cloned()
                    .unwrap_or_else(|| Value::String(name.to_string()));
                self.out.dags.push(json!({
                    "dag_id": dag_id, "line": line, "kwargs": Value::Object(kwargs),
                }));
            } else if base == "task" {
                let task_id = kwargs
                    .get("task_id")
                    .cloned()
                    .unwrap_or_else(|| Value::String(name.to_string()));
                self.out.tasks.push(json!({
                    "task_id": task_id, "operator": format!("@{callee}"), "line": line,
                    "kwargs": Value::Object(kwargs),
                }));
            }
        }
    }
}

impl Visitor for Collector<'_> {
    fn visit_stmt(&mut self, node: Stmt) {
        match &node {
            Stmt::Assign(a) => {
                let line = self.line(a.range);
                for t in &a.targets {
                    self.bind(t, &a.value, line);
                }
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let line = self.line(a.range);
                    self.bind(&a.target, v, line);
                }
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    self.out.imports.push(Value::String(alias.name.to_string()));
                }
            }
            Stmt::ImportFrom(i) => {
                if let Some(m) = &i.module {
                    self.out.imports.push(Value::String(m.to_string()));
                }
            }
            Stmt::FunctionDef(f) => {
                let line = self.line(f.range);
                self.task_decorator(&f.decorator_list, f.name.as_str(), line);
            }
            Stmt::AsyncFunctionDef(f) => {
                let line = self.line(f.range);
                self.task_decorator(&f.decorator_list, f.name.as_str(), line);
            }
            _ => {}
        }
        self.generic_visit_stmt(node);
    }

    fn visit_expr(&mut self, node: Expr) {
        match node {
            Expr::Call(call) => {
                self.inspect_call(&call);
                self.generic_visit_expr_call(call);
            }
            Expr::Constant(c) => {
                if let Constant::Str(s) = c.value {
                    let line = self.line(c.range);
                    self.note_string(s, line);
                }
            }
            Expr::JoinedStr(j) => {
                let line = self.line(j.range);
                self.note_string(render_fstring(&j.values), line);
                for v in j.values {
                    if let Expr::FormattedValue(f) = v {
                        self.visit_expr(*f.value);
                    }
                }
            }
            Expr::Dict(d) => {
                let line = self.line(d.range);
                for (k, v) in d.keys.iter().zip(&d.values) {
                    if let Some(key) = k.as_ref().and_then(|k| self.string_literal(k)) {
                        self.note_credential(&key, v, line);
                    }
                }
                self.generic_visit_expr_dict(d);
            }
            other => self.generic_visit_expr(other),
        }
    }

    // rustpython-ast's default visitor stops at these nodes; walk into the
    // expressions they hold.
    fn visit_keyword(&mut self, node: ast::Keyword) {
        self.visit_expr(node.value);
    }

    fn visit_withitem(&mut self, node: ast::WithItem) {
        self.visit_expr(node.context_expr);
    }

    fn visit_comprehension(&mut self, node: ast::Comprehension) {
        self.visit_expr(node.iter);
        for e in node.ifs {
            self.visit_expr(e);
        }
    }

    fn visit_arguments(&mut self, node: ast::Arguments) {
        for a in node
            .posonlyargs
            .into_iter()
            .chain(node.args)
            .chain(node.kwonlyargs)
        {
            if let Some(d) = a.default {
                self.visit_expr(*d);
            }
        }
    }

    fn visit_match_case(&mut self, node: ast::MatchCase) {
        if let Some(g) = node.guard {
            self.visit_expr(*g);
        }
        for s in node.body {
            self.visit_stmt(s);
        }
    }
}

fn constant(c: &Constant) -> Option<Value> {
    Some(match c {
        Constant::None => Value::Null,
        Constant::Bool(b) => Value::Bool(*b),
        Constant::Str(s) => Value::String(s.clone()),
        Constant::Int(i) => {
            let text = i.to_string();
            text.parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::String(text))
        }
        Constant::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Constant::Tuple(items) => Value::Array(
            items
                .iter()
                .map(|c| constant(c).unwrap_or(Value::Null))
                .collect(),
        ),
        Constant::Bytes(_) | Constant::Complex { .. } | Constant::Ellipsis => return None,
    })
}

/// An f-string's constant parts, with `{}` for each interpolated value.
fn render_fstring(values: &[Expr]) -> String {
    let mut out = String::new();
    for v in values {
        match v {
            Expr::Constant(c) => {
                if let Constant::Str(s) = &c.value {
                    out.push_str(s);
                }
            }
            Expr::JoinedStr(j) => out.push_str(&render_fstring(&j.values)),
            _ => out.push_str("{}"),
        }
    }
    out
}

/// `a.b.Name` -> `Name` for attributes; the plain name otherwise; dotted
/// for decorators (`task.virtualenv`).
fn callee_name(func: &Expr) -> String {
    match func {
        Expr::Name(n) => n.id.to_string(),
        Expr::Attribute(a) => {
            if let Expr::Name(base) = a.value.as_ref()
                && (base.id.as_str() == "task" || base.id.as_str() == "dag")
            {
                return format!("{}.{}", base.id, a.attr);
            }
            a.attr.to_string()
        }
        _ => String::new(),
    }
}

fn storage_scheme(text: &str) -> Option<&'static str> {
    let (scheme, rest) = text.split_once("://")?;
    if rest.is_empty() {
        return None;
    }
    STORAGE_SCHEMES
        .iter()
        .copied()
        .find(|s| s.eq_ignore_ascii_case(scheme))
}

/// True for names that hold a credential rather than refer to one.
pub(crate) fn looks_like_credential(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    const REFERS: &[&str] = &[
        "_id", "_name", "_path", "_file", "_url", "_uri", "_var", "_env", "_length", "_type",
    ];
    if REFERS.iter().any(|s| n.ends_with(s)) {
        return false;
    }
    const HOLDS: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "access_key",
        "private_key",
        "credential",
        "auth_key",
        "signing_key",
        "connection_string",
        "conn_str",
    ];
    HOLDS.iter().any(|h| n.contains(h))
}

/// Values filled in at run time (Jinja, shell/Terraform style, f-string
/// placeholders) are not hardcoded.
fn is_templated(text: &str) -> bool {
    text.contains("{{") || text.contains("${") || text.contains("{}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAG: &str = r#"
from airflow import DAG
from airflow.providers.amazon.aws.operators.s3 import S3CreateObjectOperator
import datetime

RAW = "s3://acme-raw/events/"
password = "hunter2-not-real"
db_password = "{{ var.value.db_password }}"
secret_name = "prod/db"

with DAG(dag_id="etl_events", schedule="@daily", start_date=datetime.datetime(2024, 1, 1)) as dag:
    extract = S3CreateObjectOperator(
        task_id="extract",
        s3_key=f"{RAW}{{{{ ds }}}}/part.json",
        data="x",
        aws_conn_id="aws_default",
        replace=True,
        tags=["a", 1, None],
    )
    load = S3CreateObjectOperator(task_id="load", s3_key=RAW, aws_conn_id=CONN, extra={"token": "abc123xyz"})
    extract >> load

@task
def transform():
    return "gs://acme-features/x"
"#;

    #[test]
    fn summarises_a_dag() {
        let (v, l) = parse(Path::new("dags/etl.py"), DAG).unwrap();
        assert_eq!(v["dag_ids"], json!(["etl_events"]));
        assert_eq!(v["dags"][0]["kwargs"]["schedule"], "@daily");
        let tasks = v["tasks"].as_array().unwrap();
        assert_eq!(tasks.len(), 3);
        assert_eq!(tasks[0]["task_id"], "extract");
        assert_eq!(tasks[0]["operator"], "S3CreateObjectOperator");
        assert_eq!(tasks[0]["line"], 12);
        assert_eq!(tasks[0]["kwargs"]["replace"], true);
        assert_eq!(tasks[0]["kwargs"]["tags"], json!(["a", 1, null]));
        assert_eq!(tasks[1]["kwargs"]["s3_key"], "s3://acme-raw/events/");
        assert!(tasks[1]["kwargs"]["aws_conn_id"].is_null());
        assert_eq!(tasks[2]["task_id"], "transform");
        assert_eq!(tasks[2]["operator"], "@task");
        let paths: Vec<&str> = v["storage_paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["path"].as_str().unwrap())
            .collect();
        assert!(paths.contains(&"s3://acme-raw/events/"));
        assert!(paths.contains(&"gs://acme-features/x"));
        assert_eq!(v["connections"][0]["conn_id"], "aws_default");
        let creds: Vec<(&str, bool)> = v["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap(),
                    c["templated"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            creds,
            vec![("password", false), ("db_password", true), ("token", false)]
        );
        assert!(v["imports"].as_array().unwrap().contains(&json!("airflow")));
        assert_eq!(l.line_of("/tasks/0"), Some(12));
    }

    #[test]
    fn syntax_error_has_position_without_source_text() {
        let err = parse(Path::new("bad.py"), "x = 1\ndef f(:\n    pass\n").unwrap_err();
        match &err {
            LoadError::Syntax { line, parser, .. } => {
                assert_eq!(*parser, "python");
                assert_eq!(*line, 2);
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("x = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(Path::new("deep.py"), &text).is_err());
    }

    #[test]
    fn credential_names() {
        for n in [
            "password",
            "DB_PASSWORD",
            "api_key",
            "client_secret",
            "slack_token",
        ] {
            assert!(looks_like_credential(n), "{n}");
        }
        for n in [
            "secret_name",
            "token_url",
            "aws_conn_id",
            "task_id",
            "password_file",
        ] {
            assert!(!looks_like_credential(n), "{n}");
        }
    }
}
