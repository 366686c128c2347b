//! aigis's attestation predicates: what a pipeline step did, as the
//! predicate of an in-toto statement.
//!
//! | predicateType | subject | predicate |
//! |---|---|---|
//! | [`TRANSFORM_PREDICATE_TYPE`] | the outputs | step, tool, inputs, rules?, report?, parameters? |
//! | [`TRAIN_PREDICATE_TYPE`] | the model | tool, datasets, codeCommit?, parameters? |
//! | [`EVAL_PREDICATE_TYPE`] | the model | tool, metrics (file), results? (its JSON) |
//!
//! Artifacts are in-toto resource descriptors `{"name", "digest":
//! {"sha256"}}`; a directory's digest is its model-signing root digest (see
//! [`crate::manifest::artifact_digest`]). Unknown fields are ignored when
//! reading, so later versions can add fields without breaking verifiers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::statement::{ResourceDescriptor, Statement};

/// Predicate type of a transform (scan, mask, filter, ...) attestation.
pub const TRANSFORM_PREDICATE_TYPE: &str = "https://aigis.dev/attestation/transform/v1";
/// Predicate type of a training attestation.
pub const TRAIN_PREDICATE_TYPE: &str = "https://aigis.dev/attestation/train/v1";
/// Predicate type of an evaluation attestation.
pub const EVAL_PREDICATE_TYPE: &str = "https://aigis.dev/attestation/eval/v1";

/// The program that performed a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// Program name.
    pub name: String,
    /// Program version.
    pub version: String,
}

impl Tool {
    /// This build of aigis.
    pub fn aigis() -> Self {
        Tool {
            name: "aigis".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// A transform step: raw inputs in, processed outputs (the subjects) out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformPredicate {
    /// The step's name (`mask`, `scan`, `dedupe`, ...).
    pub step: String,
    /// What ran it.
    pub tool: Tool,
    /// The inputs with their digests.
    pub inputs: Vec<ResourceDescriptor>,
    /// The rules or configuration file the step applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<ResourceDescriptor>,
    /// The report the step wrote (findings, masking summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ResourceDescriptor>,
    /// Free-form parameters of the run.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
}

/// Training: datasets in, the model (the subject) out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainPredicate {
    /// What recorded it.
    pub tool: Tool,
    /// The training datasets with their digests.
    pub datasets: Vec<ResourceDescriptor>,
    /// The commit of the training code.
    #[serde(
        rename = "codeCommit",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub code_commit: Option<String>,
    /// Hyperparameters and other settings.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
}

/// Evaluation of a model (the subject).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalPredicate {
    /// What recorded it.
    pub tool: Tool,
    /// The metrics file with its digest.
    pub metrics: ResourceDescriptor,
    /// The metrics file's content when it is JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Value>,
}

/// A statement's predicate, read according to its type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Predicate {
    /// A transform.
    Transform(TransformPredicate),
    /// Training.
    Train(TrainPredicate),
    /// Evaluation.
    Eval(EvalPredicate),
    /// A predicate type aigis does not interpret.
    Other(String),
}

impl Predicate {
    /// Reads the predicate of `statement`.
    pub fn from_statement(statement: &Statement) -> Result<Self> {
        fn read<T: serde::de::DeserializeOwned>(value: &Value, what: &'static str) -> Result<T> {
            serde_json::from_value(value.clone()).map_err(|e| Error::parse(what, e.to_string()))
        }
        Ok(match statement.predicate_type.as_str() {
            TRANSFORM_PREDICATE_TYPE => {
                Predicate::Transform(read(&statement.predicate, "transform predicate")?)
            }
            TRAIN_PREDICATE_TYPE => {
                Predicate::Train(read(&statement.predicate, "train predicate")?)
            }
            EVAL_PREDICATE_TYPE => Predicate::Eval(read(&statement.predicate, "eval predicate")?),
            other => Predicate::Other(other.to_owned()),
        })
    }

    /// The kind of step, as trust rules name it: `transform:<step>`,
    /// `train`, `eval`, or the predicate type.
    pub fn role(&self) -> String {
        match self {
            Predicate::Transform(p) => format!("transform:{}", p.step),
            Predicate::Train(_) => "train".to_owned(),
            Predicate::Eval(_) => "eval".to_owned(),
            Predicate::Other(t) => t.clone(),
        }
    }
}
