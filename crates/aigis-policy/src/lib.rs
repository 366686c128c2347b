//! Policy-as-code gates for AI data pipelines and model endpoints.
//!
//! aigis evaluates Rego (v1), the language of Open Policy Agent, in
//! process with [regorus], over the files ML teams have: Kubernetes and
//! KServe manifests, aigis endpoint/model/dataset manifests, MLflow
//! `MLmodel` files, Terraform configuration and plans, Airflow DAGs,
//! Dockerfiles and `.env` files.
//!
//! The pieces, in the order a check uses them:
//! - [`load_file`] turns a file into [`Document`]s (one per YAML document),
//!   each with the line of every key ([`Locations`]);
//! - [`PolicyBundle`] collects Rego modules (files, directories, or the
//!   built-in library) and gives the bundle's digest;
//! - [`Engine`] compiles a bundle once (typed [`PolicyError`]s with
//!   file:line:col), evaluates under a time limit, fails closed, and is
//!   cloned per thread; `aigis.secrets(str)` calls a [`SecretFinder`]
//!   (aigis-detect's recognizers by default);
//! - [`check_files`] runs conftest-style `deny`/`violation`/`warn` rules,
//!   [`run_tests`] runs `test_*` rules like `opa test`;
//! - [`report`] renders text, JSON, SARIF 2.1.0 and JUnit;
//! - each decision becomes a [`DecisionRecord`] (digests and counts, no
//!   input values) that the binary records in the ledger.
//!
//! ```
//! use aigis_policy::{Engine, EngineOptions, PolicyBundle};
//! let mut bundle = PolicyBundle::new();
//! bundle.add("gate.rego", "package gate\nimport rego.v1\nallow if input.tls == true\n");
//! let mut engine = Engine::new(&bundle, &serde_json::Value::Null, &EngineOptions::default())?;
//! engine.set_input(&serde_json::json!({"tls": true}));
//! assert_eq!(engine.eval_path("gate.allow")?, Some(serde_json::json!(true)));
//! # Ok::<(), aigis_policy::PolicyError>(())
//! ```

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod bundle;
mod check;
mod compiled;
mod config;
mod convert;
mod decision;
mod engine;
mod error;
mod library;
mod load;
mod opa_compat;
pub mod report;
mod secrets;
mod semver;
mod testing;

pub use bundle::{PolicyBundle, PolicyModule, TestFiles};
pub use check::{
    CheckReport, DocumentReport, LoadFailure, Selection, Severity, Violation, check_document,
    check_files, collect_inputs,
};
pub use compiled::CompiledDecision;
pub use config::PolicyConfig;
pub use decision::{DecisionRecord, DecisionResult, json_digest};
pub use engine::{
    CHECK_RULES, DEFAULT_MEMORY_LIMIT, Engine, EngineOptions, FileCoverage, PackageInfo,
    QueryResult,
};
pub use error::{ConfigError, LoadError, PolicyError};
pub use load::{
    Document, LineIndex, Locations, MAX_INPUT_BYTES, META_KEY, PARSER_NAMES, Parser, load_file,
    load_str, pointer_from_segments, strip_meta,
};
pub use secrets::{DetectSecrets, SECRETS_BUILTIN, SecretFinder, SecretMatch};
pub use testing::{Coverage, TestOutcome, TestReport, TestResult, run_tests};
