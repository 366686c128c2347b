//! The keyring as the key source of the masking operators: HMAC keys are
//! handed over as keyed HMAC states, so no key bytes leave the keyring.

use aigis_keys::{KeyKind, Keyring};
use aigis_redact::{HmacKey, KeySource, RedactError};

/// Adapts a [`Keyring`] to [`KeySource`].
pub(crate) struct RingKeys<'a>(pub(crate) &'a Keyring);

impl KeySource for RingKeys<'_> {
    fn hmac_key(&self, name: &str, version: Option<u32>) -> Result<HmacKey, RedactError> {
        let key = match version {
            None => self.0.hmac_key(name),
            Some(v) => self.0.hmac_key_version(name, v),
        }
        .map_err(|e| RedactError::KeyUnavailable {
            name: name.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(HmacKey::from_keyed_state(
            name,
            key.id().version,
            key.mac_state(),
        ))
    }
}

/// Creates the HMAC keys the rules name that the keyring does not hold
/// yet (a workspace made before `mask` was a default key); returns the
/// names created, for the ledger.
pub(crate) fn ensure_hmac_keys(
    ring: &Keyring,
    names: &[String],
) -> anyhow::Result<Vec<(String, u32)>> {
    let mut created = Vec::new();
    let existing: Vec<String> = ring.list()?.into_iter().map(|k| k.name).collect();
    for name in names {
        if !existing.contains(name) && !created.iter().any(|(n, _)| n == name) {
            let info = ring.create_key(name, KeyKind::Hmac)?;
            created.push((name.clone(), info.current.unwrap_or(1)));
        }
    }
    Ok(created)
}
