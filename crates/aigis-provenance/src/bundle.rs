//! Model signatures in the OpenSSF model-signing format (v1.0 predicate,
//! key mode): a Sigstore bundle v0.3 whose DSSE envelope carries an in-toto
//! statement about the model's manifest.
//!
//! Layout written (what `model_signing verify key` accepts):
//! `{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
//!   "verificationMaterial": {"publicKey": {"hint": H}, "tlogEntries": []},
//!   "dsseEnvelope": {...}}` where H is the hex SHA-256 of the public key's
//! PEM, the single subject is `{name: <model name>, digest: {sha256: <root
//! digest>}}`, and the predicate is `{"serialization": {"method": "files",
//! "hash_type": "sha256", "allow_symlinks", "ignore_paths"}, "resources":
//! [{"name", "algorithm": "sha256", "digest"}]}`. The signature is DER
//! ECDSA-SHA256 over the DSSE PAE; the DSSE key id is the signer's key id
//! (model-signing writes an empty one and ignores it when verifying; the
//! hint is what names the key).
//!
//! Verification mirrors model-signing 1.1.1: media type v0.3 only; a hint,
//! when present, must name the given key (absent hints are accepted and
//! reported); the first signature must verify; payload type, statement type
//! and predicate type are checked; the subject digest must equal the digest
//! over the listed resources; then the model is walked again with the
//! signature's ignore paths and every file compared.

use std::path::Path;

use serde_json::Value;

use crate::digest::Sha256Digest;
use crate::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE, pae};
use crate::error::{Error, Result, VerifyError};
use crate::keys::{PublicKey, Signer};
use crate::manifest::{Manifest, ManifestOptions, Resource, root_digest};
use crate::statement::{ResourceDescriptor, Statement};

/// The Sigstore bundle media type model-signing writes and accepts.
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// The model-signing predicate type.
pub const MODEL_PREDICATE_TYPE: &str = "https://model_signing/signature/v1.0";

/// A Sigstore bundle holding a DSSE envelope and a public-key hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The bundle's media type.
    pub media_type: String,
    /// `verificationMaterial.publicKey.hint`, when present.
    pub hint: Option<String>,
    /// The DSSE envelope.
    pub envelope: Envelope,
}

impl Bundle {
    /// Parses a bundle. Refuses bundles without a DSSE envelope (message
    /// signatures) and without verification material.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        const WHAT: &str = "Sigstore bundle";
        let value: Value = serde_json::from_slice(bytes).map_err(|e| Error::json(WHAT, &e))?;
        let Value::Object(mut map) = value else {
            return Err(Error::parse(WHAT, "expected a JSON object"));
        };
        let media_type = match map.get("mediaType") {
            Some(Value::String(s)) => s.clone(),
            _ => return Err(Error::parse(WHAT, "field `mediaType` must be a string")),
        };
        let hint = match map.get("verificationMaterial") {
            Some(Value::Object(material)) => match material.get("publicKey") {
                Some(Value::Object(pk)) => match pk.get("hint") {
                    Some(Value::String(h)) if !h.is_empty() => Some(h.clone()),
                    None | Some(Value::Null) | Some(Value::String(_)) => None,
                    Some(_) => {
                        return Err(Error::parse(
                            WHAT,
                            "field `verificationMaterial.publicKey.hint` must be a string",
                        ));
                    }
                },
                None => None,
                Some(_) => {
                    return Err(Error::parse(
                        WHAT,
                        "field `verificationMaterial.publicKey` must be an object",
                    ));
                }
            },
            _ => {
                return Err(Error::parse(
                    WHAT,
                    "field `verificationMaterial` must be an object",
                ));
            }
        };
        let envelope = match map.remove("dsseEnvelope") {
            Some(env @ Value::Object(_)) => Envelope::from_value(env, WHAT)?,
            _ => {
                return Err(Error::parse(
                    WHAT,
                    "field `dsseEnvelope` is missing (only DSSE bundles are model signatures)",
                ));
            }
        };
        Ok(Bundle {
            media_type,
            hint,
            envelope,
        })
    }

    /// The bundle as model-signing writes it (compact JSON).
    pub fn to_json(&self) -> Vec<u8> {
        let mut public_key = serde_json::Map::new();
        if let Some(hint) = &self.hint {
            public_key.insert("hint".into(), Value::String(hint.clone()));
        }
        let mut material = serde_json::Map::new();
        material.insert("publicKey".into(), Value::Object(public_key));
        material.insert("tlogEntries".into(), Value::Array(Vec::new()));
        let mut top = serde_json::Map::new();
        top.insert("mediaType".into(), Value::String(self.media_type.clone()));
        top.insert("verificationMaterial".into(), Value::Object(material));
        top.insert("dsseEnvelope".into(), self.envelope.to_value());
        serde_json::to_vec(&Value::Object(top)).unwrap_or_default()
    }
}

/// The in-toto statement model-signing signs for `manifest`.
pub fn model_statement(manifest: &Manifest) -> Statement {
    let mut serialization = serde_json::json!({
        "method": manifest.serialization.method,
        "hash_type": manifest.serialization.hash_type,
        "allow_symlinks": manifest.serialization.allow_symlinks,
    });
    if !manifest.serialization.ignore_paths.is_empty() {
        serialization["ignore_paths"] = serde_json::json!(manifest.serialization.ignore_paths);
    }
    let resources: Vec<Value> = manifest
        .resources
        .iter()
        .map(|r| serde_json::json!({"name": r.name, "algorithm": "sha256", "digest": r.digest.to_hex()}))
        .collect();
    Statement {
        subject: vec![ResourceDescriptor::new(
            manifest.model_name.clone(),
            manifest.root_digest(),
        )],
        predicate_type: MODEL_PREDICATE_TYPE.to_owned(),
        predicate: serde_json::json!({"serialization": serialization, "resources": resources}),
    }
}

/// A signed model: the bundle to write and the manifest it covers.
#[derive(Debug, Clone)]
pub struct SignedModel {
    /// The signature file's content.
    pub bundle: Bundle,
    /// What was signed.
    pub manifest: Manifest,
}

/// Walks, hashes and signs the model at `path`. The signer must be an ECDSA
/// P-256 key (model-signing refuses Ed25519 keys).
pub fn sign_model(
    path: &Path,
    options: &ManifestOptions,
    signer: &dyn Signer,
) -> Result<SignedModel> {
    let public = signer.public_key();
    if !matches!(public, PublicKey::EcdsaP256(_)) {
        return Err(Error::Key {
            path: None,
            reason: format!(
                "model signatures need an ECDSA P-256 key (model-signing refuses {} keys)",
                public.algorithm()
            ),
        });
    }
    let manifest = Manifest::build(path, options)?;
    let payload = model_statement(&manifest).to_json();
    let sig = signer.sign(&pae(IN_TOTO_PAYLOAD_TYPE, &payload))?;
    let envelope = Envelope {
        payload_type: IN_TOTO_PAYLOAD_TYPE.to_owned(),
        payload,
        // model_signing writes an empty key id and ignores it when
        // verifying; ours names the signer (`signing@v1` for a keyring key).
        signatures: vec![crate::dsse::Signature {
            keyid: signer.key_id().to_owned(),
            sig,
        }],
    };
    Ok(SignedModel {
        bundle: Bundle {
            media_type: BUNDLE_MEDIA_TYPE.to_owned(),
            hint: Some(public.pem_hint()),
            envelope,
        },
        manifest,
    })
}

/// Options for [`verify_model`].
#[derive(Debug, Clone, Default)]
pub struct VerifyModelOptions {
    /// Extra paths (relative to the model root) to leave out, e.g. the
    /// signature file when it sits inside the model directory.
    pub extra_ignore_paths: Vec<String>,
    /// Do not ignore git paths beyond what the signature lists.
    pub no_ignore_git_paths: bool,
    /// Hash symbolic links to files instead of refusing them.
    pub allow_symlinks: bool,
}

/// What a successful model verification established.
#[derive(Debug, Clone)]
pub struct VerifiedModel {
    /// The model name in the signature.
    pub model_name: String,
    /// The signed model digest (subject).
    pub digest: Sha256Digest,
    /// Number of files checked.
    pub files: usize,
    /// False when the bundle had no key hint (accepted, as model-signing
    /// does, with a warning).
    pub had_hint: bool,
}

/// The signed content of a model bundle, after the signature checked out.
struct SignedManifest {
    model_name: String,
    digest: Sha256Digest,
    resources: Vec<Resource>,
    ignore_paths: Vec<String>,
}

/// Verifies a model-signing bundle against `key`, then the model at `path`
/// against the signed manifest.
pub fn verify_model(
    path: &Path,
    bundle: &Bundle,
    key: &PublicKey,
    options: &VerifyModelOptions,
) -> Result<VerifiedModel> {
    let signed = verify_bundle(bundle, key)?;
    let mut ignore_paths = signed.ignore_paths.clone();
    ignore_paths.extend(options.extra_ignore_paths.iter().cloned());
    let manifest = Manifest::build(
        path,
        &ManifestOptions {
            ignore_paths,
            ignore_git_paths: !options.no_ignore_git_paths,
            allow_symlinks: options.allow_symlinks,
        },
    )?;
    manifest.compare_with_signed(&signed.resources)?;
    Ok(VerifiedModel {
        model_name: signed.model_name,
        digest: signed.digest,
        files: manifest.resources.len(),
        had_hint: bundle.hint.is_some(),
    })
}

/// Checks everything about a bundle that does not need the model's files.
fn verify_bundle(bundle: &Bundle, key: &PublicKey) -> Result<SignedManifest> {
    if bundle.media_type != BUNDLE_MEDIA_TYPE {
        return Err(VerifyError::WrongMediaType {
            found: bundle.media_type.clone(),
            expected: BUNDLE_MEDIA_TYPE.to_owned(),
        }
        .into());
    }
    if let Some(hint) = &bundle.hint {
        let actual = key.pem_hint();
        if *hint != actual {
            return Err(VerifyError::KeyMismatch {
                hint: hint.clone(),
                actual,
            }
            .into());
        }
    }
    let envelope = &bundle.envelope;
    // model-signing checks the first signature only, over the in-toto PAE.
    let first = envelope
        .signatures
        .first()
        .ok_or(VerifyError::NoSignatures)?;
    if !key.verify(&pae(IN_TOTO_PAYLOAD_TYPE, &envelope.payload), &first.sig) {
        return Err(VerifyError::BadSignature {
            keyid: key.pem_hint(),
        }
        .into());
    }
    let statement = envelope.statement()?;
    parse_model_statement(&statement)
}

/// Reads the manifest out of a model-signing statement.
fn parse_model_statement(statement: &Statement) -> Result<SignedManifest> {
    let bad = |reason: String| Error::from(VerifyError::Statement { reason });
    if statement.predicate_type != MODEL_PREDICATE_TYPE {
        return Err(bad(format!(
            "predicateType {:?}, expected {MODEL_PREDICATE_TYPE:?}",
            statement.predicate_type
        )));
    }
    let [subject] = statement.subject.as_slice() else {
        return Err(bad(format!(
            "expected one subject, found {}",
            statement.subject.len()
        )));
    };
    let recorded = subject
        .sha256()
        .ok_or_else(|| bad("subject has no sha256 digest".into()))?;
    let predicate = &statement.predicate;
    let serialization = predicate
        .get("serialization")
        .ok_or_else(|| bad("predicate has no serialization".into()))?;
    let method = serialization.get("method").and_then(Value::as_str);
    if method != Some("files") {
        return Err(bad(format!(
            "serialization method {method:?} is not supported (only \"files\")"
        )));
    }
    let ignore_paths = match serialization.get("ignore_paths") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("ignore_paths must be strings".into()))?,
        Some(_) => return Err(bad("ignore_paths must be a list".into())),
    };
    let Some(Value::Array(items)) = predicate.get("resources") else {
        return Err(bad("predicate has no resources list".into()));
    };
    let mut resources = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = |name: &str| item.get(name).and_then(Value::as_str);
        let (Some(name), Some(algorithm), Some(digest)) =
            (field("name"), field("algorithm"), field("digest"))
        else {
            return Err(bad(format!(
                "resources[{i}] needs name, algorithm and digest"
            )));
        };
        if algorithm != "sha256" {
            return Err(bad(format!(
                "resources[{i}] uses {algorithm:?}; only sha256 is supported"
            )));
        }
        let digest = Sha256Digest::from_hex(digest)
            .map_err(|_| bad(format!("resources[{i}] digest is not 64 hex digits")))?;
        resources.push(Resource {
            name: name.to_owned(),
            digest,
        });
    }
    let computed = root_digest(&resources);
    if computed != recorded {
        return Err(VerifyError::InconsistentManifest {
            recorded: recorded.to_hex(),
            computed: computed.to_hex(),
        }
        .into());
    }
    Ok(SignedManifest {
        model_name: subject.name.clone(),
        digest: recorded,
        resources,
        ignore_paths,
    })
}
