//! Making attestations: describe a run, get a signed DSSE envelope.
//!
//! [`record_transform`] is the one call a pipeline step (such as `aigis
//! mask`) makes after writing its outputs: it builds the transform statement,
//! signs it and stores it content-addressed, returning the store digest.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::digest::Sha256Digest;
use crate::dsse::Envelope;
use crate::error::{Error, Result};
use crate::keys::Signer;
use crate::manifest::artifact_digest;
use crate::predicate::{
    EVAL_PREDICATE_TYPE, EvalPredicate, TRAIN_PREDICATE_TYPE, TRANSFORM_PREDICATE_TYPE, Tool,
    TrainPredicate, TransformPredicate,
};
use crate::statement::{ResourceDescriptor, Statement};
use crate::store::AttestationStore;

/// A named artifact with its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// The name recorded (a path relative to where verification runs, with
    /// `/` separators).
    pub name: String,
    /// Its digest: file SHA-256, or a directory's model-signing root digest.
    pub digest: Sha256Digest,
}

impl Artifact {
    /// An artifact whose digest the caller already has (e.g. computed while
    /// streaming the output).
    pub fn new(name: impl Into<String>, digest: Sha256Digest) -> Self {
        Artifact {
            name: name.into(),
            digest,
        }
    }

    /// Hashes the file or directory at `path` and names it by that path.
    pub fn from_path(path: &Path) -> Result<Self> {
        Ok(Artifact {
            name: artifact_name(path)?,
            digest: artifact_digest(path)?,
        })
    }

    /// The in-toto descriptor.
    pub fn descriptor(&self) -> ResourceDescriptor {
        ResourceDescriptor::new(self.name.clone(), self.digest)
    }
}

/// The recorded name of `path`: UTF-8, `/` separators, no leading `./`.
pub fn artifact_name(path: &Path) -> Result<String> {
    let text = path.to_str().ok_or_else(|| Error::NonUtf8Path {
        path: path.to_owned(),
    })?;
    let mut name = text.replace(std::path::MAIN_SEPARATOR, "/");
    while let Some(rest) = name.strip_prefix("./") {
        name = rest.to_owned();
    }
    Ok(name)
}

/// One run of a transform step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformRun {
    /// The step's name (`mask`, `scan`, ...).
    pub step: String,
    /// What was read.
    pub inputs: Vec<Artifact>,
    /// What was written (the statement's subjects; at least one).
    pub outputs: Vec<Artifact>,
    /// The rules or configuration applied.
    pub rules: Option<Artifact>,
    /// The report written.
    pub report: Option<Artifact>,
    /// Free-form parameters.
    pub parameters: BTreeMap<String, String>,
    /// What ran the step.
    pub tool: Tool,
}

impl TransformRun {
    /// A run of `step` by this aigis build, with no rules, report or
    /// parameters yet.
    pub fn new(step: impl Into<String>, inputs: Vec<Artifact>, outputs: Vec<Artifact>) -> Self {
        TransformRun {
            step: step.into(),
            inputs,
            outputs,
            rules: None,
            report: None,
            parameters: BTreeMap::new(),
            tool: Tool::aigis(),
        }
    }

    /// The statement describing this run.
    pub fn statement(&self) -> Result<Statement> {
        if self.outputs.is_empty() {
            return Err(Error::Usage(
                "a transform attestation needs at least one output".into(),
            ));
        }
        if self.step.is_empty() {
            return Err(Error::Usage(
                "a transform attestation needs a step name".into(),
            ));
        }
        let predicate = TransformPredicate {
            step: self.step.clone(),
            tool: self.tool.clone(),
            inputs: self.inputs.iter().map(Artifact::descriptor).collect(),
            rules: self.rules.as_ref().map(Artifact::descriptor),
            report: self.report.as_ref().map(Artifact::descriptor),
            parameters: self.parameters.clone(),
        };
        statement(
            self.outputs.iter().map(Artifact::descriptor).collect(),
            TRANSFORM_PREDICATE_TYPE,
            &predicate,
        )
    }
}

/// One training run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainRun {
    /// The datasets trained on.
    pub datasets: Vec<Artifact>,
    /// The model produced (the subject).
    pub model: Artifact,
    /// The commit of the training code.
    pub code_commit: Option<String>,
    /// Hyperparameters.
    pub parameters: BTreeMap<String, String>,
    /// What recorded it.
    pub tool: Tool,
}

impl TrainRun {
    /// The statement describing this run.
    pub fn statement(&self) -> Result<Statement> {
        if self.datasets.is_empty() {
            return Err(Error::Usage(
                "a training attestation needs at least one dataset".into(),
            ));
        }
        let predicate = TrainPredicate {
            tool: self.tool.clone(),
            datasets: self.datasets.iter().map(Artifact::descriptor).collect(),
            code_commit: self.code_commit.clone(),
            parameters: self.parameters.clone(),
        };
        statement(
            vec![self.model.descriptor()],
            TRAIN_PREDICATE_TYPE,
            &predicate,
        )
    }
}

/// One evaluation of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalRun {
    /// The model evaluated (the subject).
    pub model: Artifact,
    /// The metrics file.
    pub metrics: Artifact,
    /// The metrics file's JSON content, when it is JSON.
    pub results: Option<Value>,
    /// What recorded it.
    pub tool: Tool,
}

impl EvalRun {
    /// The statement describing this evaluation.
    pub fn statement(&self) -> Result<Statement> {
        let predicate = EvalPredicate {
            tool: self.tool.clone(),
            metrics: self.metrics.descriptor(),
            results: self.results.clone(),
        };
        statement(
            vec![self.model.descriptor()],
            EVAL_PREDICATE_TYPE,
            &predicate,
        )
    }
}

fn statement(
    subject: Vec<ResourceDescriptor>,
    predicate_type: &str,
    predicate: &impl serde::Serialize,
) -> Result<Statement> {
    let predicate = serde_json::to_value(predicate)
        .map_err(|e| Error::Usage(format!("cannot encode predicate: {e}")))?;
    Ok(Statement {
        subject,
        predicate_type: predicate_type.to_owned(),
        predicate,
    })
}

/// Signs a transform attestation.
pub fn attest_transform(run: &TransformRun, signer: &dyn Signer) -> Result<Envelope> {
    Envelope::sign_statement(&run.statement()?, signer)
}

/// Signs a training attestation.
pub fn attest_train(run: &TrainRun, signer: &dyn Signer) -> Result<Envelope> {
    Envelope::sign_statement(&run.statement()?, signer)
}

/// Signs an evaluation attestation.
pub fn attest_eval(run: &EvalRun, signer: &dyn Signer) -> Result<Envelope> {
    Envelope::sign_statement(&run.statement()?, signer)
}

/// Signs a transform attestation for `run` and stores it; returns the
/// envelope's store digest. This is what `aigis mask` calls once per run,
/// after its outputs are written.
pub fn record_transform(
    store: &AttestationStore,
    run: &TransformRun,
    signer: &dyn Signer,
) -> Result<Sha256Digest> {
    let envelope = attest_transform(run, signer)?;
    store.put(&envelope)
}
