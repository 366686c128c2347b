//! The `[policy]` section of aigis.toml.
//!
//! ```toml
//! [policy]
//! builtin = true                        # load the built-in library
//! paths = ["policies/team"]             # more Rego, evaluated with it
//! namespaces = []                       # packages `check` evaluates (empty: all)
//! enable = []                           # if set, only these rule ids / namespaces report
//! disable = ["endpoint.rate_limit"]     # rule ids / namespaces never reported
//! data = ["policy-data.json"]           # JSON/YAML documents merged into `data`
//! timeout_ms = 5000                     # wall-clock limit per evaluation
//! memory_limit_mb = 4096                # allocation limit while evaluating
//!
//! [policy.params]                       # becomes data.aigis_params
//! allowed_storage_prefixes = ["s3://acme-curated/"]
//! ```
//!
//! The binary's `aigis.toml` has this struct as its `[policy]` field, and
//! `aigis init` writes [`PolicyConfig::commented_defaults`] into the file it
//! creates, so the section has one definition. Relative paths are resolved
//! by whoever reads the file ([`PolicyConfig::resolve_relative_to`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::{DEFAULT_MEMORY_LIMIT, EngineOptions};
use crate::error::ConfigError;

/// The `[policy]` section: which rules run and with which parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// Load the built-in library (default `true`).
    pub builtin: bool,
    /// Extra policy files or directories, loaded with the library (default
    /// none).
    pub paths: Vec<PathBuf>,
    /// Packages `policy check` evaluates; `aigis.*` selects a prefix;
    /// empty (the default) means every package that declares `deny`,
    /// `violation` or `warn`.
    pub namespaces: Vec<String>,
    /// When not empty, only results whose rule id or namespace matches one
    /// of these are reported (default empty: all).
    pub enable: Vec<String>,
    /// Results whose rule id or namespace matches one of these are dropped
    /// (default none).
    pub disable: Vec<String>,
    /// JSON or YAML documents merged into `data` (default none).
    pub data: Vec<PathBuf>,
    /// Parameters for policies, visible as `data.aigis_params` (default
    /// empty table; see docs/policy.md for the library's parameters).
    pub params: serde_json::Map<String, Value>,
    /// Wall-clock limit for one evaluation, in milliseconds (default 5000).
    pub timeout_ms: u64,
    /// Most memory, in MiB, the process may have allocated while policies
    /// evaluate (default 4096); above it evaluation stops with a limit
    /// error.
    pub memory_limit_mb: u64,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            builtin: true,
            paths: Vec::new(),
            namespaces: Vec::new(),
            enable: Vec::new(),
            disable: Vec::new(),
            data: Vec::new(),
            params: serde_json::Map::new(),
            timeout_ms: 5000,
            memory_limit_mb: DEFAULT_MEMORY_LIMIT >> 20,
        }
    }
}

impl PolicyConfig {
    /// Reads the `[policy]` section of an aigis.toml file (defaults when
    /// the section is absent). Other sections are ignored here: each
    /// library owns its own. Relative paths are resolved against the
    /// file's directory.
    pub fn from_file(path: &Path) -> Result<PolicyConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config =
            PolicyConfig::from_toml_str(&text).map_err(|message| ConfigError::Invalid {
                path: path.to_path_buf(),
                message,
            })?;
        if let Some(dir) = path.parent() {
            config.resolve_relative_to(dir);
        }
        Ok(config)
    }

    /// Parses the `[policy]` section out of a whole aigis.toml text.
    pub fn from_toml_str(text: &str) -> Result<PolicyConfig, String> {
        let mut table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        match table.remove("policy") {
            None => Ok(PolicyConfig::default()),
            Some(section) => {
                PolicyConfig::deserialize(section).map_err(|e| format!("[policy]: {}", e.message()))
            }
        }
    }

    /// Engine options carrying this section's limits (no secret finder,
    /// no coverage: the caller adds those).
    pub fn engine_options(&self) -> EngineOptions {
        EngineOptions {
            time_limit: std::time::Duration::from_millis(self.timeout_ms.max(1)),
            memory_limit: Some(self.memory_limit_mb.max(1).saturating_mul(1 << 20)),
            ..EngineOptions::default()
        }
    }

    /// The `[policy]` section as `aigis init` writes it: every setting
    /// commented out at its default, with what it does. Removing the `# `
    /// in front of a `key = value` line gives the same defaults.
    pub fn commented_defaults() -> String {
        let d = PolicyConfig::default();
        format!(
            r#"[policy]
# Rego policy-as-code gates (`aigis policy check|test|eval`); see docs/policy.md.
# Load the built-in library (policies/ of the aigis source: endpoints, models,
# datasets, Terraform, Airflow DAGs, secrets).
# builtin = {builtin}
# More policy files or directories, evaluated with the library (extend it).
# Relative paths are relative to the directory that holds .aigis/.
# paths = []
# Packages `policy check` evaluates ("aigis.*" selects a prefix); [] means
# every package with deny, violation or warn rules.
# namespaces = []
# Only report these rule ids or namespaces ([] means all), e.g. ["aigis.endpoint"].
# enable = []
# Never report these rule ids or namespaces, e.g. ["endpoint.rate_limit"].
# disable = []
# JSON or YAML documents merged into `data`.
# data = []
# Wall-clock limit for one evaluation, in milliseconds.
# timeout_ms = {timeout}
# Memory limit while policies evaluate, in MiB.
# memory_limit_mb = {memory}

# [policy.params] becomes data.aigis_params, the built-in library's settings:
# [policy.params]
# allowed_storage_prefixes = ["s3://acme-curated/", "gs://acme-features/"]
# max_requests_per_minute = 6000
"#,
            builtin = d.builtin,
            timeout = d.timeout_ms,
            memory = d.memory_limit_mb,
        )
    }

    /// Makes relative `paths` and `data` entries relative to `dir`.
    pub fn resolve_relative_to(&mut self, dir: &Path) {
        for p in self.paths.iter_mut().chain(self.data.iter_mut()) {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_absent() {
        let c = PolicyConfig::from_toml_str("[scan]\nx = 1\n").unwrap();
        assert_eq!(c, PolicyConfig::default());
        assert!(c.builtin);
        assert_eq!(c.timeout_ms, 5000);
    }

    #[test]
    fn reads_the_section() {
        let c = PolicyConfig::from_toml_str(
            "[policy]\ndisable = [\"endpoint.rate_limit\"]\npaths = [\"team\"]\n[policy.params]\nallowed_storage_prefixes = [\"s3://a/\"]\n",
        )
        .unwrap();
        assert_eq!(c.disable, vec!["endpoint.rate_limit"]);
        assert_eq!(c.params["allowed_storage_prefixes"][0], "s3://a/");
    }

    #[test]
    fn commented_defaults_parse_to_defaults() {
        let text = PolicyConfig::commented_defaults();
        assert_eq!(
            PolicyConfig::from_toml_str(&text).unwrap(),
            PolicyConfig::default()
        );
        // Uncommenting every setting of the [policy] table itself gives the
        // defaults again (params are examples, not defaults).
        let uncommented: String = text
            .lines()
            .take_while(|l| !l.contains("[policy.params]"))
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            PolicyConfig::from_toml_str(&uncommented).unwrap(),
            PolicyConfig::default()
        );
    }

    #[test]
    fn limits_become_engine_options() {
        let c = PolicyConfig {
            timeout_ms: 250,
            memory_limit_mb: 64,
            ..PolicyConfig::default()
        };
        let o = c.engine_options();
        assert_eq!(o.time_limit, std::time::Duration::from_millis(250));
        assert_eq!(o.memory_limit, Some(64 << 20));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = PolicyConfig::from_toml_str("[policy]\ndisabel = []\n").unwrap_err();
        assert!(err.contains("disabel"), "{err}");
    }

    #[test]
    fn relative_paths_follow_the_file() {
        let mut c = PolicyConfig {
            paths: vec!["team".into()],
            ..PolicyConfig::default()
        };
        c.resolve_relative_to(Path::new("/ws/.aigis"));
        assert_eq!(c.paths[0], PathBuf::from("/ws/.aigis/team"));
    }
}
