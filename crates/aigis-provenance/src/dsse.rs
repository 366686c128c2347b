//! DSSE envelopes (Dead Simple Signing Envelope, v1): parsing, writing,
//! signing and verifying.
//!
//! A signature covers the pre-authentication encoding
//! `PAE = "DSSEv1" SP len(type) SP type SP len(body) SP body` (lengths in
//! ASCII decimal), never the JSON. Envelopes are written compactly with keys
//! in the order `payload`, `payloadType`, `signatures` and each signature as
//! `keyid`, `sig`: the canonical JSON form, so a deterministic signer
//! reproduces an envelope byte for byte. The parser accepts standard or
//! URL-safe base64, padded or not (the DSSE spec allows either) and ignores
//! unknown fields; it never panics on any input (it is fuzzed).
//!
//! Key ids: a signature with an empty key id is tried against every
//! candidate key; one with a key id is tried only against the key with that
//! id (as securesystemslib does).

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, VerifyError};
use crate::keys::{PublicKey, Signer};
use crate::statement::Statement;

/// The payload type of in-toto statements.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Standard base64 with padding, as written.
const B64: GeneralPurpose = base64::engine::general_purpose::STANDARD;
/// Lenient decoders: padding optional, standard or URL-safe alphabet.
const B64_STD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const B64_URL_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Encodes bytes as standard padded base64.
pub(crate) fn b64_encode(data: &[u8]) -> String {
    B64.encode(data)
}

/// Decodes standard or URL-safe base64, padded or not.
pub(crate) fn b64_decode(text: &str) -> Option<Vec<u8>> {
    B64_STD_LENIENT
        .decode(text)
        .or_else(|_| B64_URL_LENIENT.decode(text))
        .ok()
}

/// The bytes a DSSE signature covers.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// One signature in an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The signer's key id (may be empty).
    pub keyid: String,
    /// The raw signature bytes (Ed25519: 64 bytes; ECDSA: DER).
    pub sig: Vec<u8>,
}

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// What the payload is (for attestations [`IN_TOTO_PAYLOAD_TYPE`]).
    pub payload_type: String,
    /// The signed payload bytes.
    pub payload: Vec<u8>,
    /// The signatures, in order.
    pub signatures: Vec<Signature>,
}

/// Wire form of an envelope (field order = canonical key order).
#[derive(Serialize, Deserialize)]
struct WireEnvelope {
    payload: String,
    #[serde(rename = "payloadType")]
    payload_type: String,
    signatures: Vec<WireSignature>,
}

#[derive(Serialize, Deserialize)]
struct WireSignature {
    #[serde(default)]
    keyid: String,
    sig: String,
}

impl Envelope {
    /// Signs `payload` of type `payload_type` with `signer`.
    pub fn sign(payload_type: &str, payload: Vec<u8>, signer: &dyn Signer) -> Result<Self> {
        let mut envelope = Envelope {
            payload_type: payload_type.to_owned(),
            payload,
            signatures: Vec::new(),
        };
        envelope.add_signature(signer)?;
        Ok(envelope)
    }

    /// Signs a statement as an in-toto payload (canonical JSON).
    pub fn sign_statement(statement: &Statement, signer: &dyn Signer) -> Result<Self> {
        Self::sign(IN_TOTO_PAYLOAD_TYPE, statement.to_json(), signer)
    }

    /// Adds one more signature by `signer`.
    pub fn add_signature(&mut self, signer: &dyn Signer) -> Result<()> {
        let sig = signer.sign(&pae(&self.payload_type, &self.payload))?;
        self.signatures.push(Signature {
            keyid: signer.key_id().to_owned(),
            sig,
        });
        Ok(())
    }

    /// Parses an envelope from JSON.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        const WHAT: &str = "DSSE envelope";
        let wire: WireEnvelope =
            serde_json::from_slice(bytes).map_err(|e| Error::json(WHAT, &e))?;
        Self::from_wire(wire, WHAT)
    }

    /// Parses an envelope from an already-parsed JSON value (e.g. the
    /// `dsseEnvelope` of a bundle).
    pub(crate) fn from_value(value: serde_json::Value, what: &'static str) -> Result<Self> {
        let wire: WireEnvelope =
            serde_json::from_value(value).map_err(|e| Error::parse(what, e.to_string()))?;
        Self::from_wire(wire, what)
    }

    fn from_wire(wire: WireEnvelope, what: &'static str) -> Result<Self> {
        let payload = b64_decode(&wire.payload)
            .ok_or_else(|| Error::parse(what, "field `payload` is not valid base64"))?;
        let signatures = wire
            .signatures
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let sig = b64_decode(&s.sig).ok_or_else(|| {
                    Error::parse(
                        what,
                        format!("field `signatures[{i}].sig` is not valid base64"),
                    )
                })?;
                Ok(Signature {
                    keyid: s.keyid,
                    sig,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Envelope {
            payload_type: wire.payload_type,
            payload,
            signatures,
        })
    }

    /// The compact canonical JSON of this envelope.
    pub fn to_json(&self) -> Vec<u8> {
        // A struct of strings always serializes.
        serde_json::to_vec(&self.to_wire()).unwrap_or_default()
    }

    /// The envelope as a JSON value (for embedding in a bundle).
    pub(crate) fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self.to_wire()).unwrap_or_default()
    }

    fn to_wire(&self) -> WireEnvelope {
        WireEnvelope {
            payload: b64_encode(&self.payload),
            payload_type: self.payload_type.clone(),
            signatures: self
                .signatures
                .iter()
                .map(|s| WireSignature {
                    keyid: s.keyid.clone(),
                    sig: b64_encode(&s.sig),
                })
                .collect(),
        }
    }

    /// Refuses envelopes with no signatures or with one key id used twice.
    fn check_signature_list(&self) -> Result<(), VerifyError> {
        if self.signatures.is_empty() {
            return Err(VerifyError::NoSignatures);
        }
        let mut seen = std::collections::BTreeSet::new();
        for s in &self.signatures {
            if !s.keyid.is_empty() && !seen.insert(s.keyid.as_str()) {
                return Err(VerifyError::DuplicateKeyId {
                    keyid: s.keyid.clone(),
                });
            }
        }
        Ok(())
    }

    /// Verifies that at least one signature is by one of `keys`. Returns the
    /// index into `keys` of the first key that verified.
    ///
    /// A signature naming a key id is tried only with the key of that id
    /// ([`PublicKey::keyid`]); one with an empty key id with every key.
    pub fn verify_any(&self, keys: &[&PublicKey]) -> Result<usize, VerifyError> {
        self.check_signature_list()?;
        let message = pae(&self.payload_type, &self.payload);
        let ids: Vec<String> = keys.iter().map(|k| k.keyid()).collect();
        let mut tried = None;
        for s in &self.signatures {
            for (i, key) in keys.iter().enumerate() {
                if !s.keyid.is_empty() && s.keyid != ids[i] {
                    continue;
                }
                tried.get_or_insert(i);
                if key.verify(&message, &s.sig) {
                    return Ok(i);
                }
            }
        }
        match tried {
            Some(i) => Err(VerifyError::BadSignature {
                keyid: ids[i].clone(),
            }),
            None => Err(VerifyError::UnknownKeyId {
                keyids: self.signatures.iter().map(|s| s.keyid.clone()).collect(),
            }),
        }
    }

    /// Verifies that at least one signature is by `key`.
    pub fn verify(&self, key: &PublicKey) -> Result<(), VerifyError> {
        self.verify_any(&[key]).map(|_| ())
    }

    /// The in-toto statement inside, after checking the payload type. Does
    /// not verify signatures.
    pub fn statement(&self) -> Result<Statement> {
        if self.payload_type != IN_TOTO_PAYLOAD_TYPE {
            return Err(VerifyError::WrongPayloadType {
                found: self.payload_type.clone(),
                expected: IN_TOTO_PAYLOAD_TYPE.to_owned(),
            }
            .into());
        }
        Statement::from_json(&self.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{EcdsaP256Signer, Ed25519Signer};

    fn ed(seed: u8) -> Ed25519Signer {
        Ed25519Signer::new(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
    }

    #[test]
    fn pae_matches_spec_example() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
    }

    #[test]
    fn sign_parse_verify_round_trip() {
        let signer = ed(1);
        let env = Envelope::sign("text/plain", b"hi".to_vec(), &signer).unwrap();
        let parsed = Envelope::from_json(&env.to_json()).unwrap();
        assert_eq!(parsed, env);
        parsed.verify(&signer.public_key()).unwrap();
        assert_eq!(
            parsed.verify(&ed(2).public_key()),
            Err(VerifyError::UnknownKeyId {
                keyids: vec![signer.key_id().to_owned()]
            })
        );
    }

    #[test]
    fn empty_keyid_is_tried_with_every_key_and_bad_sig_named() {
        let signer = ed(1).with_key_id("");
        let mut env = Envelope::sign("t", b"x".to_vec(), &signer).unwrap();
        let keys = [ed(2).public_key(), signer.public_key()];
        assert_eq!(env.verify_any(&[&keys[0], &keys[1]]), Ok(1));
        env.payload = b"y".to_vec();
        assert!(matches!(
            env.verify_any(&[&keys[0], &keys[1]]),
            Err(VerifyError::BadSignature { .. })
        ));
    }

    #[test]
    fn duplicate_keyids_and_empty_lists_are_refused() {
        let signer = ed(1);
        let mut env = Envelope::sign("t", b"x".to_vec(), &signer).unwrap();
        env.add_signature(&signer).unwrap();
        assert!(matches!(
            env.verify(&signer.public_key()),
            Err(VerifyError::DuplicateKeyId { .. })
        ));
        env.signatures.clear();
        assert_eq!(
            env.verify(&signer.public_key()),
            Err(VerifyError::NoSignatures)
        );
    }

    #[test]
    fn ecdsa_envelopes_verify() {
        let signer = EcdsaP256Signer::new(p256::ecdsa::SigningKey::from_slice(&[3; 32]).unwrap());
        let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{}".to_vec(), &signer).unwrap();
        env.verify(&signer.public_key()).unwrap();
    }

    #[test]
    fn malformed_inputs_are_parse_errors() {
        for input in [
            &b""[..],
            b"{",
            b"[]",
            b"{\"payload\":1}",
            b"{\"payload\":\"!!\",\"payloadType\":\"t\",\"signatures\":[]}",
            b"{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"%\"}]}",
        ] {
            assert!(
                matches!(Envelope::from_json(input), Err(Error::Parse { .. })),
                "{input:?}"
            );
        }
    }
}
