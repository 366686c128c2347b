//! The `[keys]` section of `aigis.toml`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// `[keys]`: where the master key comes from. The precedence, resolved by
/// the binary: `AIGIS_MASTER_KEY` (base64 of 32 bytes) when set; otherwise
/// `master_key_file`; otherwise, when the keyring was created from a
/// passphrase, `AIGIS_MASTER_PASSPHRASE` stretched with Argon2id under the
/// salt and costs stored in `keys/keyring.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    /// A file holding the base64 master key: mode 0600 (refused when group-
    /// or world-readable) and outside the workspace. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_key_file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_refused() {
        let ok: KeysConfig = toml_like(r#"{"master_key_file": "/etc/aigis.key"}"#);
        assert_eq!(ok.master_key_file, Some(PathBuf::from("/etc/aigis.key")));
        assert!(serde_json::from_str::<KeysConfig>(r#"{"master_key": "x"}"#).is_err());
    }

    fn toml_like(json: &str) -> KeysConfig {
        serde_json::from_str(json).unwrap()
    }
}
