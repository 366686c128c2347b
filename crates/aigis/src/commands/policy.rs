//! `aigis policy check|test|eval`: resolved arguments in, aigis-policy
//! calls out.
//!
//! Settings: the `[policy]` section comes from `--config FILE`, else from
//! the workspace's `.aigis/aigis.toml` (found through `AIGIS_HOME` or by
//! walking up from the current directory), else defaults. Only `check`
//! reads it; `test` and `eval` behave like `opa test` / `opa eval` and see
//! only what their flags give them.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aigis_policy::{
    CheckReport, DecisionRecord, DecisionResult, DecisionSink, Engine, EngineOptions, MemorySink,
    Parser, PolicyBundle, PolicyConfig, Selection, TestFiles, TestOutcome, json_digest, report,
};
use anyhow::{Context as _, bail};
use serde_json::{Value, json};

use super::Outcome;
use super::policy_secrets::PatternSecretFinder;
use crate::cli::{
    CheckFormat, GlobalArgs, PlainFormat, PolicyCheckArgs, PolicyCommand, PolicyEvalArgs,
    PolicyParseArgs, PolicyTestArgs,
};

/// Runs one `aigis policy` subcommand.
pub(crate) fn run(cmd: PolicyCommand, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    match cmd {
        PolicyCommand::Check(args) => check(args, global),
        PolicyCommand::Test(args) => test(args, global),
        PolicyCommand::Eval(args) => eval(args, global),
        PolicyCommand::Parse(args) => parse(args),
    }
}

/// The `[policy]` section: from `explicit` when given, else from the
/// workspace's aigis.toml when there is one, else defaults. (The settings
/// module will call this when it assembles the whole configuration.)
pub(crate) fn policy_config(explicit: Option<&Path>) -> anyhow::Result<PolicyConfig> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => workspace_config(),
    };
    match path {
        Some(p) => PolicyConfig::from_file(&p).map_err(Into::into),
        None => Ok(PolicyConfig::default()),
    }
}

/// `$AIGIS_HOME/aigis.toml` when AIGIS_HOME is set, else the first
/// `.aigis/aigis.toml` found walking up from the current directory.
fn workspace_config() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("AIGIS_HOME") {
        let p = PathBuf::from(home).join("aigis.toml");
        return p.is_file().then_some(p);
    }
    let mut dir = std::env::current_dir().ok()?;
    loop {
        let p = dir.join(".aigis").join("aigis.toml");
        if p.is_file() {
            return Some(p);
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// Where decisions go. Until the ledger crate is wired in, records are
/// kept in memory and counted on stderr; `--no-ledger` drops them.
fn decision_sink(no_ledger: bool) -> Option<MemorySink> {
    (!no_ledger).then(MemorySink::default)
}

fn finish_decisions(sink: Option<MemorySink>, global: &GlobalArgs) {
    if let Some(sink) = sink
        && !global.quiet
    {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "{} policy decision record(s) produced; no ledger is attached in this build",
                sink.records.len()
            );
        }
    }
}

fn parser_arg(name: Option<&str>) -> anyhow::Result<Option<Parser>> {
    name.map(Parser::from_name).transpose().map_err(Into::into)
}

/// Reads a JSON or YAML data document.
fn read_data(path: &Path) -> anyhow::Result<Value> {
    let parser = match Parser::for_path(path) {
        Some(Parser::Yaml) => Parser::Yaml,
        _ => Parser::Json,
    };
    let mut docs = aigis_policy::load_file(path, Some(parser))
        .with_context(|| format!("reading data document {}", path.display()))?;
    if docs.len() != 1 {
        bail!(
            "{}: a data document must hold exactly one document",
            path.display()
        );
    }
    Ok(aigis_policy::strip_meta(docs.remove(0).input))
}

/// Deep-merges `extra` into `base` (objects merge key by key; anything
/// else is replaced).
fn merge(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, e) => *b = e,
    }
}

fn data_document(
    files: &[PathBuf],
    params: Option<&serde_json::Map<String, Value>>,
) -> anyhow::Result<Value> {
    let mut data = json!({});
    for f in files {
        merge(&mut data, read_data(f)?);
    }
    if let Some(params) = params {
        merge(
            &mut data,
            json!({ "aigis_params": Value::Object(params.clone()) }),
        );
    }
    Ok(data)
}

fn engine_options(timeout_ms: u64, coverage: bool) -> EngineOptions {
    EngineOptions {
        time_limit: std::time::Duration::from_millis(timeout_ms.max(1)),
        secret_finder: Some(Arc::new(PatternSecretFinder::new())),
        coverage,
        memory_limit: Some(aigis_policy::DEFAULT_MEMORY_LIMIT),
    }
}

fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn check(args: PolicyCheckArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let config = policy_config(args.config.as_deref())?;
    let parser = parser_arg(args.parser.as_deref())?;

    let mut bundle = if config.builtin && !args.no_builtin {
        PolicyBundle::builtin(TestFiles::Exclude)
    } else {
        PolicyBundle::new()
    };
    for p in config.paths.iter().chain(&args.policies) {
        bundle.add_path(p, TestFiles::Exclude)?;
    }
    if bundle.is_empty() {
        bail!("no policies to check against (give -p DIR or drop --no-builtin)");
    }
    let data_files: Vec<PathBuf> = config.data.iter().chain(&args.data).cloned().collect();
    let data = data_document(&data_files, Some(&config.params))?;
    let engine = Engine::new(&bundle, &data, &engine_options(config.timeout_ms, false))?;

    let selection = Selection {
        namespaces: if args.namespaces.is_empty() {
            config.namespaces.clone()
        } else {
            args.namespaces.clone()
        },
        enable: config.enable.clone(),
        disable: config.disable.clone(),
    };
    let files = aigis_policy::collect_inputs(&args.inputs, parser)?;
    let report = run_in_pool(global, || {
        aigis_policy::check_files(&engine, &files, parser, &selection)
    })?;

    let mut sink = decision_sink(args.no_ledger);
    if let Some(sink) = sink.as_mut() {
        for doc in &report.documents {
            sink.record(&doc.decision(engine.bundle_digest()))?;
        }
    }

    let rendered = match args.format {
        CheckFormat::Text => report::check_text(&report),
        CheckFormat::Json => {
            serde_json::to_string_pretty(&report::check_json(&report, engine.bundle_digest()))?
        }
        CheckFormat::Sarif => serde_json::to_string_pretty(&report::check_sarif(&report))?,
        CheckFormat::Junit => report::check_junit(&report),
    };
    write_stdout(&rendered)?;
    finish_decisions(sink, global);
    outcome_of(&report)
}

fn outcome_of(report: &CheckReport) -> anyhow::Result<Outcome> {
    if !report.load_failures.is_empty() {
        bail!(
            "{} input file(s) could not be read (see the report above)",
            report.load_failures.len()
        );
    }
    Ok(if report.failures() > 0 {
        Outcome::GateFailed
    } else {
        Outcome::Success
    })
}

fn run_in_pool<T: Send>(global: &GlobalArgs, f: impl FnOnce() -> T + Send) -> anyhow::Result<T> {
    match global.threads {
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .context("starting worker threads")?;
            Ok(pool.install(f))
        }
        None => Ok(f()),
    }
}

fn test(args: PolicyTestArgs, _global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let mut bundle = PolicyBundle::new();
    for p in &args.paths {
        bundle.add_path(p, TestFiles::Include)?;
    }
    if bundle.is_empty() {
        bail!("no .rego files found under the given paths");
    }
    let data = data_document(&args.data, None)?;
    let engine = Engine::new(&bundle, &data, &engine_options(5000, true))?;
    let report = aigis_policy::run_tests(&engine, args.run.as_deref());
    let rendered = match args.format {
        PlainFormat::Text => report::test_text(&report, args.verbose),
        PlainFormat::Json => serde_json::to_string_pretty(&report::test_json(&report))?,
    };
    write_stdout(&rendered)?;
    if report.tests.is_empty() {
        bail!("no test_* rules found");
    }
    Ok(
        if report.count(TestOutcome::Fail) + report.count(TestOutcome::Error) > 0 {
            Outcome::GateFailed
        } else {
            Outcome::Success
        },
    )
}

/// True for a plain reference into `data` (what opa_eval.py takes), as
/// opposed to a general query.
fn is_data_path(query: &str) -> bool {
    let q = query.trim();
    !q.is_empty()
        && q.split('.').all(|seg| {
            !seg.is_empty()
                && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !seg.starts_with(|c: char| c.is_ascii_digit())
        })
}

/// `policy parse`: the inputs policies would see, as a JSON array.
fn parse(args: PolicyParseArgs) -> anyhow::Result<Outcome> {
    let parser = parser_arg(args.parser.as_deref())?;
    let mut docs = Vec::new();
    for f in &args.files {
        for d in aigis_policy::load_file(f, parser)? {
            docs.push(d.input);
        }
    }
    write_stdout(&serde_json::to_string_pretty(&Value::Array(docs))?)?;
    Ok(Outcome::Success)
}

fn read_input(path: &Path, parser: Option<Parser>) -> anyhow::Result<Value> {
    let chosen = parser.or_else(|| Parser::for_path(path));
    if matches!(chosen, None | Some(Parser::Json) | Some(Parser::TfPlan)) {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading input {}", path.display()))?;
        return serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: invalid json input",
                path.display(),
                e.line(),
                e.column()
            )
        });
    }
    let mut docs = aigis_policy::load_file(path, chosen)?;
    match docs.len() {
        0 => Ok(Value::Null),
        1 => Ok(docs.remove(0).input),
        n => bail!(
            "{}: holds {n} documents; eval takes one (use `policy check` for streams)",
            path.display()
        ),
    }
}

fn eval(args: PolicyEvalArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let parser = parser_arg(args.parser.as_deref())?;
    let mut bundle = PolicyBundle::new();
    for p in &args.policies {
        bundle.add_path(p, TestFiles::Exclude)?;
    }
    let data = data_document(&args.data, None)?;
    let mut engine = Engine::new(&bundle, &data, &engine_options(5000, false))?;
    let input = args
        .input
        .as_deref()
        .map(|p| read_input(p, parser))
        .transpose()?;
    if let Some(input) = &input {
        engine.set_input(input);
    }
    let value: Option<Value> = if is_data_path(&args.query) {
        engine.eval_path(&args.query)?
    } else {
        let results = engine.eval_query(&args.query)?;
        (!results.is_empty()).then(|| {
            Value::Array(
                results
                    .into_iter()
                    .map(|r| json!({"expressions": r.expressions, "bindings": r.bindings}))
                    .collect(),
            )
        })
    };

    let mut sink = decision_sink(args.no_ledger);
    if let Some(sink) = sink.as_mut() {
        sink.record(&DecisionRecord {
            action: "policy.eval",
            bundle_digest: engine.bundle_digest().to_string(),
            input_digest: json_digest(input.as_ref().unwrap_or(&Value::Null)),
            input_path: args.input.as_ref().map(|p| p.display().to_string()),
            document: None,
            query: args.query.clone(),
            result: if value.is_some() {
                DecisionResult::Defined
            } else {
                DecisionResult::Undefined
            },
            violations: 0,
            warnings: 0,
        })?;
    }

    let line = match (&value, args.format) {
        (Some(v), PlainFormat::Json) => serde_json::to_string(&json!({ "result": v }))?,
        (None, PlainFormat::Json) => "{\"undefined\":true}".to_string(),
        (Some(v), PlainFormat::Text) => serde_json::to_string_pretty(v)?,
        (None, PlainFormat::Text) => "undefined".to_string(),
    };
    write_stdout(&line)?;
    finish_decisions(sink, global);
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_paths_and_queries() {
        assert!(is_data_path("aigis.endpoint"));
        assert!(is_data_path("data.aigis.endpoint.deny"));
        assert!(!is_data_path("x := data.a; x > 1"));
        assert!(!is_data_path("data.a[0]"));
        assert!(!is_data_path(""));
    }

    #[test]
    fn merge_is_deep() {
        let mut a = json!({"x": {"a": 1}, "y": 1});
        merge(&mut a, json!({"x": {"b": 2}, "y": 2}));
        assert_eq!(a, json!({"x": {"a": 1, "b": 2}, "y": 2}));
    }
}
