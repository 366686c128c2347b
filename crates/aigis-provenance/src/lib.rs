//! Signed provenance for AI artifacts: digests, model signatures that the
//! OpenSSF model-signing tool accepts, in-toto attestations in DSSE
//! envelopes, a content-addressed attestation store, and verification of the
//! whole chain from a deployed model back to the raw data.
//!
//! Entry points:
//! - Hashing: [`Sha256Digest`] for bytes and files, [`Manifest`] for a model
//!   directory walked exactly as model-signing walks it, [`artifact_digest`]
//!   for the digest that names an artifact in attestations.
//! - Keys: the [`Signer`] trait (a private key with a key id) implemented by
//!   [`Ed25519Signer`] and [`EcdsaP256Signer`] over RustCrypto key types;
//!   [`PublicKey`] verifies and computes key ids.
//! - Model signatures: [`sign_model`] / [`verify_model`] produce and check
//!   the Sigstore [`Bundle`] (v0.3, DSSE, predicate
//!   `https://model_signing/signature/v1.0`).
//! - Attestations: describe a run ([`TransformRun`], [`TrainRun`],
//!   [`EvalRun`]), sign it ([`attest_transform`], ...), keep it in an
//!   [`AttestationStore`]; [`record_transform`] does all three for pipeline
//!   steps such as `aigis mask`.
//! - Verification: [`Envelope::verify`] for one envelope, [`verify_chain`]
//!   for a model's whole history under a [`TrustPolicy`] built from the
//!   `[provenance]` configuration section ([`ProvenanceConfig`]); trust
//!   entries that name a keyring key are resolved through a [`KeySource`].
//!
//! ```
//! use aigis_provenance::{Artifact, Ed25519Signer, Envelope, Sha256Digest, Signer, TransformRun, attest_transform};
//!
//! let signer = Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(&[7; 32]));
//! let run = TransformRun::new(
//!     "mask",
//!     vec![Artifact::new("raw/customers.csv", Sha256Digest::of_bytes(b"raw"))],
//!     vec![Artifact::new("clean/customers.csv", Sha256Digest::of_bytes(b"clean"))],
//! );
//! let envelope: Envelope = attest_transform(&run, &signer)?;
//! envelope.verify(&signer.public_key())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod attest;
mod bundle;
mod chain;
mod digest;
mod dsse;
mod error;
mod fsutil;
mod json;
mod keys;
mod manifest;
mod predicate;
mod statement;
mod store;
mod trust;

pub use attest::{
    Artifact, EvalRun, TrainRun, TransformRun, artifact_name, attest_eval, attest_train,
    attest_transform, record_transform,
};
pub use bundle::{
    BUNDLE_MEDIA_TYPE, Bundle, MODEL_PREDICATE_TYPE, SignedModel, VerifiedModel,
    VerifyModelOptions, model_statement, sign_model, verify_model,
};
pub use chain::{
    BrokenLink, ChainNode, ChainOptions, ChainReport, ChainTarget, LinkFailure, NodeKind,
    NodeStatus, verify_chain,
};
pub use digest::Sha256Digest;
pub use dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE, Signature, pae};
pub use error::{Error, Result, VerifyError};
pub use fsutil::write_atomic;
pub use json::canonical_json;
pub use keys::{
    Algorithm, EcdsaP256Signer, Ed25519Signer, PublicKey, Signer, signer_from_pem,
    signer_from_pem_file,
};
pub use manifest::{
    GIT_PATHS, Manifest, ManifestOptions, Resource, Serialization, artifact_digest, root_digest,
};
pub use predicate::{
    EVAL_PREDICATE_TYPE, EvalPredicate, Predicate, TRAIN_PREDICATE_TYPE, TRANSFORM_PREDICATE_TYPE,
    Tool, TrainPredicate, TransformPredicate,
};
pub use statement::{ResourceDescriptor, STATEMENT_TYPE, Statement};
pub use store::{AttestationStore, StoredEntry};
pub use trust::{
    DEFAULT_ATTESTATION_KEY, DEFAULT_MODEL_KEY, KeySource, KeyVersion, ProvenanceConfig,
    TrustFailure, TrustPolicy, TrustedKey, TrustedKeyConfig,
};

/// Re-exported key crates, so callers name the same versions.
pub use ed25519_dalek;
pub use p256;
