//! `aigis policy check|test|eval|parse`: resolved arguments in,
//! aigis-policy calls out, decisions to the ledger.
//!
//! Settings: `check` takes the `[policy]` section from `--config FILE` when
//! given (relative paths relative to that file), else from the workspace's
//! aigis.toml (relative to the directory holding `.aigis/`), else defaults.
//! `test` and `eval` behave like `opa test` / `opa eval` and see only what
//! their flags give them. Decisions are recorded by [`DecisionLog`].

use std::path::{Path, PathBuf};

use aigis_policy::{
    CheckReport, DecisionRecord, DecisionResult, Engine, EngineOptions, Parser, PolicyBundle,
    PolicyConfig, Selection, TestFiles, TestOutcome, json_digest, report,
};
use anyhow::{Context as _, bail};
use serde_json::{Value, json};

use super::Outcome;
use super::policy_ledger::{ACTION_EVAL, DecisionLog, TestRun, is_data_path};
use crate::cli::{
    CheckFormat, GlobalArgs, OutputFormat, PolicyCheckArgs, PolicyCommand, PolicyEvalArgs,
    PolicyParseArgs, PolicyTestArgs,
};
use crate::output;
use crate::settings::Settings;

/// Runs one `aigis policy` subcommand.
pub(crate) fn run(cmd: PolicyCommand, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    match cmd {
        PolicyCommand::Check(args) => check(args, global, &Settings::load(global.quiet)?),
        PolicyCommand::Test(args) => test(args, &Settings::load(global.quiet)?),
        PolicyCommand::Eval(args) => eval(args, &Settings::load(global.quiet)?),
        PolicyCommand::Parse(args) => parse(args),
    }
}

/// The `[policy]` section: from `explicit` when given, else the
/// workspace's (paths resolved against the directory holding `.aigis/`),
/// else defaults.
fn policy_config(explicit: Option<&Path>, settings: &Settings) -> anyhow::Result<PolicyConfig> {
    if let Some(path) = explicit {
        return Ok(PolicyConfig::from_file(path)?);
    }
    let mut config = settings.config.policy.clone();
    if let Some(ws) = &settings.workspace {
        config.resolve_relative_to(ws.base_dir());
    }
    Ok(config)
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

/// Writes a rendered report to stdout with exactly one final newline.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    output::line(text.strip_suffix('\n').unwrap_or(text))
}

fn check(
    args: PolicyCheckArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> anyhow::Result<Outcome> {
    let config = policy_config(args.config.as_deref(), settings)?;
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
    let engine = Engine::new(&bundle, &data, &config.engine_options())?;

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

    let rendered = match args.format {
        CheckFormat::Human => report::check_text(&report),
        CheckFormat::Json => {
            serde_json::to_string_pretty(&report::check_json(&report, engine.bundle_digest()))?
        }
        CheckFormat::Sarif => serde_json::to_string_pretty(&report::check_sarif(&report))?,
        CheckFormat::Junit => report::check_junit(&report),
    };
    write_stdout(&rendered)?;
    let decisions: Vec<DecisionRecord> = report
        .documents
        .iter()
        .map(|doc| doc.decision(engine.bundle_digest()))
        .collect();
    DecisionLog::open(settings, args.no_ledger)?.decisions(&decisions)?;
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

fn test(args: PolicyTestArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let mut bundle = PolicyBundle::new();
    for p in &args.paths {
        bundle.add_path(p, TestFiles::Include)?;
    }
    if bundle.is_empty() {
        bail!("no .rego files found under the given paths");
    }
    let data = data_document(&args.data, None)?;
    let options = EngineOptions {
        coverage: true,
        ..EngineOptions::default()
    };
    let engine = Engine::new(&bundle, &data, &options)?;
    let report = aigis_policy::run_tests(&engine, args.run.as_deref());
    let rendered = match args.format {
        OutputFormat::Human => report::test_text(&report, args.verbose),
        OutputFormat::Json => serde_json::to_string_pretty(&report::test_json(&report))?,
    };
    write_stdout(&rendered)?;
    if report.tests.is_empty() {
        bail!("no test_* rules found");
    }
    let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    DecisionLog::open(settings, args.no_ledger)?.test_run(&TestRun {
        paths: &paths.join(","),
        bundle_digest: engine.bundle_digest(),
        passed: report.count(TestOutcome::Pass),
        failed: report.count(TestOutcome::Fail),
        errors: report.count(TestOutcome::Error),
    })?;
    Ok(
        if report.count(TestOutcome::Fail) + report.count(TestOutcome::Error) > 0 {
            Outcome::GateFailed
        } else {
            Outcome::Success
        },
    )
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

fn eval(args: PolicyEvalArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let parser = parser_arg(args.parser.as_deref())?;
    let mut bundle = PolicyBundle::new();
    for p in &args.policies {
        bundle.add_path(p, TestFiles::Exclude)?;
    }
    let data = data_document(&args.data, None)?;
    let mut engine = Engine::new(&bundle, &data, &EngineOptions::default())?;
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

    let line = match (&value, args.format) {
        (Some(v), OutputFormat::Json) => serde_json::to_string(&json!({ "result": v }))?,
        (None, OutputFormat::Json) => "{\"undefined\":true}".to_string(),
        (Some(v), OutputFormat::Human) => serde_json::to_string_pretty(v)?,
        (None, OutputFormat::Human) => "undefined".to_string(),
    };
    write_stdout(&line)?;
    DecisionLog::open(settings, args.no_ledger)?.decisions(&[DecisionRecord {
        action: ACTION_EVAL,
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
    }])?;
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_deep() {
        let mut a = json!({"x": {"a": 1}, "y": 1});
        merge(&mut a, json!({"x": {"b": 2}, "y": 2}));
        assert_eq!(a, json!({"x": {"a": 1, "b": 2}, "y": 2}));
    }
}
