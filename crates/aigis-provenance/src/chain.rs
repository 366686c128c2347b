//! Chain verification: from a model back to the raw data, every link
//! checked.
//!
//! Starting from the model's digest, the verifier finds the training
//! attestation whose subject is that digest, then for each training dataset
//! the transform attestation that produced it, and for each transform input
//! the transform that produced that, until it reaches inputs no attestation
//! produced (the raw data). Evaluation attestations of the model hang off the
//! model. At every step it checks:
//! - the store entry is intact (its bytes hash to its address);
//! - a signature verifies with a trusted key that may sign that kind of step
//!   and has not been rotated out ([`TrustPolicy`]);
//! - every artifact the attestation names that exists on disk still has the
//!   recorded digest; absent files are an error unless `offline` is set, in
//!   which case the recorded digest is taken as is;
//! - with `require_transform`, every training dataset was produced by an
//!   attested transform.
//!
//! The result is a tree ([`ChainReport`]) plus the list of broken links,
//! each naming what broke and how ([`LinkFailure`]).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use serde::Serialize;

use crate::attest::artifact_name;
use crate::digest::Sha256Digest;
use crate::dsse::Envelope;
use crate::error::Result;
use crate::manifest::artifact_digest;
use crate::predicate::Predicate;
use crate::statement::{ResourceDescriptor, Statement};
use crate::store::AttestationStore;
use crate::trust::{TrustFailure, TrustPolicy};

/// What the chain starts from.
#[derive(Debug, Clone)]
pub enum ChainTarget {
    /// A model file or directory on disk (hashed now).
    Path(PathBuf),
    /// A model known only by digest (for offline audits).
    Digest(Sha256Digest),
}

/// How to verify a chain.
#[derive(Debug, Clone)]
pub struct ChainOptions {
    /// Directory that relative artifact names are resolved against.
    pub base_dir: PathBuf,
    /// Accept recorded digests for artifacts absent from disk.
    pub offline: bool,
}

/// Kinds of nodes in the chain tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum NodeKind {
    /// The model the chain starts from.
    Model,
    /// A training attestation.
    Train,
    /// An evaluation attestation.
    Eval,
    /// A transform attestation.
    Transform,
    /// A training dataset.
    Dataset,
    /// A transform input (raw data when nothing produced it).
    Input,
    /// A transform's rules file.
    Rules,
    /// A transform's report.
    Report,
    /// An evaluation's metrics file.
    Metrics,
}

/// How a node came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum NodeStatus {
    /// Checked: signature and trust for steps, digest against the file for
    /// artifacts.
    Verified,
    /// Artifact absent, recorded digest accepted (`offline`).
    Recorded,
    /// Something about this node is broken (see the report's failures).
    Failed,
}

/// One node of the chain tree.
#[derive(Debug, Clone, Serialize)]
pub struct ChainNode {
    /// What the node is.
    pub kind: NodeKind,
    /// Artifact name, or for steps the step name (`train`, `eval`, the
    /// transform's step).
    pub name: String,
    /// Artifact digest (hex), or for steps the store address of the
    /// attestation.
    pub digest: String,
    /// How it came out.
    pub status: NodeStatus,
    /// For steps: the trusted key that signed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// What is under it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ChainNode>,
}

/// The kinds of broken link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LinkFailure {
    /// A file differs from the digest an attestation recorded.
    ChangedFile,
    /// A file an attestation names is absent (and not `offline`).
    MissingFile,
    /// No attestation produced an artifact that needs one.
    MissingAttestation,
    /// A signature does not verify.
    BadSignature,
    /// Signed by a key that is unknown or may not sign this step.
    UntrustedKey,
    /// Signed by a key that was rotated out.
    RotatedOutKey,
    /// Two attestations disagree on an artifact's digest.
    DigestMismatch,
    /// A store entry was altered, swapped or is malformed.
    CorruptAttestation,
}

/// One broken link.
#[derive(Debug, Clone, Serialize)]
pub struct BrokenLink {
    /// What kind of break.
    pub kind: LinkFailure,
    /// The artifact or attestation where it broke.
    pub at: String,
    /// A sentence saying what was found.
    pub detail: String,
}

/// The outcome of a chain verification.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    /// True when nothing is broken.
    pub ok: bool,
    /// The tree, rooted at the model.
    pub root: ChainNode,
    /// Every broken link, in the order found.
    pub failures: Vec<BrokenLink>,
}

/// One usable attestation from the store.
struct Item {
    address: Sha256Digest,
    envelope: Envelope,
    statement: Statement,
    predicate: Predicate,
}

/// The store's attestations indexed by subject.
struct Index {
    items: Vec<Item>,
    by_digest: HashMap<Sha256Digest, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

impl Index {
    fn load(store: &AttestationStore, failures: &mut Vec<BrokenLink>) -> Result<Index> {
        let mut index = Index {
            items: Vec::new(),
            by_digest: HashMap::new(),
            by_name: HashMap::new(),
        };
        for entry in store.entries()? {
            let at = entry.path.display().to_string();
            let parsed = entry.envelope.and_then(|envelope| {
                let statement = envelope.statement()?;
                let predicate = Predicate::from_statement(&statement)?;
                Ok((envelope, statement, predicate))
            });
            let (envelope, statement, predicate) = match parsed {
                Ok(p) => p,
                Err(e) => {
                    failures.push(BrokenLink {
                        kind: LinkFailure::CorruptAttestation,
                        at,
                        detail: e.to_string(),
                    });
                    continue;
                }
            };
            let i = index.items.len();
            for subject in &statement.subject {
                if let Some(d) = subject.sha256() {
                    index.by_digest.entry(d).or_default().push(i);
                }
                index
                    .by_name
                    .entry(subject.name.clone())
                    .or_default()
                    .push(i);
            }
            index.items.push(Item {
                address: entry.digest,
                envelope,
                statement,
                predicate,
            });
        }
        Ok(index)
    }

    /// Attestations with a subject of `digest` whose predicate matches `want`.
    fn producing(&self, digest: &Sha256Digest, want: fn(&Predicate) -> bool) -> Vec<usize> {
        self.matching(self.by_digest.get(digest), want)
    }

    /// Attestations with a subject named `name` (any digest) matching `want`.
    fn named(&self, name: &str, want: fn(&Predicate) -> bool) -> Vec<usize> {
        self.matching(self.by_name.get(name), want)
    }

    fn matching(&self, found: Option<&Vec<usize>>, want: fn(&Predicate) -> bool) -> Vec<usize> {
        found
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| want(&self.items[*i].predicate))
            .collect()
    }
}

fn is_train(p: &Predicate) -> bool {
    matches!(p, Predicate::Train(_))
}
fn is_eval(p: &Predicate) -> bool {
    matches!(p, Predicate::Eval(_))
}
fn is_transform(p: &Predicate) -> bool {
    matches!(p, Predicate::Transform(_))
}

/// Walks and checks the chain of `target`.
pub fn verify_chain(
    target: &ChainTarget,
    store: &AttestationStore,
    trust: &TrustPolicy,
    options: &ChainOptions,
) -> Result<ChainReport> {
    let mut failures = Vec::new();
    let index = Index::load(store, &mut failures)?;
    let mut walker = Walker {
        trust,
        options,
        failures,
        visited: BTreeSet::new(),
        index: &index,
    };
    let (name, digest) = match target {
        ChainTarget::Path(path) => (artifact_name(path)?, artifact_digest(path)?),
        ChainTarget::Digest(d) => (format!("sha256:{d}"), *d),
    };
    let root = walker.model(&name, digest);
    let failures = walker.failures;
    Ok(ChainReport {
        ok: failures.is_empty(),
        root,
        failures,
    })
}

struct Walker<'a> {
    trust: &'a TrustPolicy,
    options: &'a ChainOptions,
    failures: Vec<BrokenLink>,
    visited: BTreeSet<Sha256Digest>,
    index: &'a Index,
}

impl<'a> Walker<'a> {
    fn fail(&mut self, kind: LinkFailure, at: impl Into<String>, detail: impl Into<String>) {
        self.failures.push(BrokenLink {
            kind,
            at: at.into(),
            detail: detail.into(),
        });
    }

    fn index(&self) -> &'a Index {
        self.index
    }

    fn model(&mut self, name: &str, digest: Sha256Digest) -> ChainNode {
        let mut node = ChainNode {
            kind: NodeKind::Model,
            name: name.to_owned(),
            digest: digest.to_hex(),
            status: NodeStatus::Verified,
            signer: None,
            children: Vec::new(),
        };
        let index = self.index();
        let mut trains = index.producing(&digest, is_train);
        if trains.is_empty() {
            let by_name = index.named(name, is_train);
            if let Some(&i) = by_name.first() {
                let recorded = subject_digest(&index.items[i].statement, name);
                self.fail(
                    LinkFailure::ChangedFile,
                    name,
                    format!(
                        "model changed since it was attested: recorded sha256:{recorded}, now sha256:{digest}"
                    ),
                );
                node.status = NodeStatus::Failed;
                trains = by_name;
            } else {
                self.fail(
                    LinkFailure::MissingAttestation,
                    name,
                    format!("no training attestation has the model (sha256:{digest}) as subject"),
                );
                node.status = NodeStatus::Failed;
            }
        }
        for i in trains {
            node.children.push(self.step(i));
        }
        for i in index.producing(&digest, is_eval) {
            node.children.push(self.step(i));
        }
        node
    }

    /// A step node: trust check, then its artifacts and their producers.
    fn step(&mut self, i: usize) -> ChainNode {
        let index = self.index();
        let item = &index.items[i];
        let role = item.predicate.role();
        let at = format!("attestation sha256:{} ({role})", item.address);
        let (kind, name) = match &item.predicate {
            Predicate::Train(_) => (NodeKind::Train, "train".to_owned()),
            Predicate::Eval(_) => (NodeKind::Eval, "eval".to_owned()),
            Predicate::Transform(p) => (NodeKind::Transform, p.step.clone()),
            Predicate::Other(t) => (NodeKind::Transform, t.clone()),
        };
        let mut node = ChainNode {
            kind,
            name,
            digest: item.address.to_hex(),
            status: NodeStatus::Verified,
            signer: None,
            children: Vec::new(),
        };
        if !self.visited.insert(item.address) {
            // Already walked (shared upstream, or a cycle): checked once.
            return node;
        }
        match self.trust.check(&item.envelope, &role) {
            Ok(key) => node.signer = Some(key.label()),
            Err(failure) => {
                let kind = match &failure {
                    TrustFailure::BadSignature { .. } | TrustFailure::Envelope(_) => {
                        LinkFailure::BadSignature
                    }
                    TrustFailure::RotatedOut { .. } => LinkFailure::RotatedOutKey,
                    _ => LinkFailure::UntrustedKey,
                };
                // Name the signer in the tree when it is a known key.
                node.signer = match &failure {
                    TrustFailure::RotatedOut {
                        key,
                        version: Some(v),
                        ..
                    } => Some(format!("{key}@v{v} (rotated out)")),
                    TrustFailure::RotatedOut { key, .. } => Some(format!("{key} (retired)")),
                    TrustFailure::NotPermitted { key, .. } => Some(format!("{key} (not allowed)")),
                    _ => None,
                };
                self.fail(kind, at.clone(), failure.to_string());
                node.status = NodeStatus::Failed;
            }
        }
        match &item.predicate {
            Predicate::Train(p) => {
                for d in &p.datasets {
                    let mut child = self.artifact(NodeKind::Dataset, d);
                    self.producers(&mut child, d, self.trust.require_transform);
                    node.children.push(child);
                }
            }
            Predicate::Eval(p) => {
                node.children
                    .push(self.artifact(NodeKind::Metrics, &p.metrics));
            }
            Predicate::Transform(p) => {
                for d in &p.inputs {
                    let mut child = self.artifact(NodeKind::Input, d);
                    self.producers(&mut child, d, false);
                    node.children.push(child);
                }
                if let Some(r) = &p.rules {
                    node.children.push(self.artifact(NodeKind::Rules, r));
                }
                if let Some(r) = &p.report {
                    node.children.push(self.artifact(NodeKind::Report, r));
                }
            }
            Predicate::Other(_) => {}
        }
        node
    }

    /// Adds the transforms that produced `artifact` under `node`; when none
    /// did and one is required, names the broken link.
    fn producers(&mut self, node: &mut ChainNode, artifact: &ResourceDescriptor, required: bool) {
        let index = self.index();
        let Some(digest) = artifact.sha256() else {
            return;
        };
        let found = index.producing(&digest, is_transform);
        if found.is_empty() {
            if required {
                let by_name = index.named(&artifact.name, is_transform);
                if let Some(&i) = by_name.first() {
                    let produced = subject_digest(&index.items[i].statement, &artifact.name);
                    self.fail(
                        LinkFailure::DigestMismatch,
                        artifact.name.clone(),
                        format!(
                            "trained on sha256:{digest}, but the transform that wrote it recorded sha256:{produced}"
                        ),
                    );
                } else {
                    self.fail(
                        LinkFailure::MissingAttestation,
                        artifact.name.clone(),
                        format!("no transform attestation produced this dataset (sha256:{digest})"),
                    );
                }
                node.status = NodeStatus::Failed;
            }
            return;
        }
        for i in found {
            node.children.push(self.step(i));
        }
    }

    /// An artifact node, its recorded digest checked against the file.
    fn artifact(&mut self, kind: NodeKind, d: &ResourceDescriptor) -> ChainNode {
        let mut node = ChainNode {
            kind,
            name: d.name.clone(),
            digest: d.digest.get("sha256").cloned().unwrap_or_default(),
            status: NodeStatus::Verified,
            signer: None,
            children: Vec::new(),
        };
        let Some(recorded) = d.sha256() else {
            self.fail(
                LinkFailure::CorruptAttestation,
                d.name.clone(),
                "artifact has no valid sha256 digest",
            );
            node.status = NodeStatus::Failed;
            return node;
        };
        let path = self.options.base_dir.join(&d.name);
        if !path.exists() {
            if self.options.offline {
                node.status = NodeStatus::Recorded;
            } else {
                self.fail(
                    LinkFailure::MissingFile,
                    d.name.clone(),
                    format!(
                        "file is absent (recorded sha256:{recorded}); use --offline to accept recorded digests"
                    ),
                );
                node.status = NodeStatus::Failed;
            }
            return node;
        }
        match artifact_digest(&path) {
            Ok(actual) if actual == recorded => {}
            Ok(actual) => {
                self.fail(
                    LinkFailure::ChangedFile,
                    d.name.clone(),
                    format!("recorded sha256:{recorded}, now sha256:{actual}"),
                );
                node.status = NodeStatus::Failed;
            }
            Err(e) => {
                self.fail(LinkFailure::MissingFile, d.name.clone(), e.to_string());
                node.status = NodeStatus::Failed;
            }
        }
        node
    }
}

/// The digest a statement recorded for the subject called `name`.
fn subject_digest(statement: &Statement, name: &str) -> String {
    statement
        .subject
        .iter()
        .find(|s| s.name == name)
        .and_then(|s| s.digest.get("sha256").cloned())
        .unwrap_or_default()
}
