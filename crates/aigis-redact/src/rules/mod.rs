//! Masking rules: which operator applies to which entity or column.
//!
//! [`MaskConfig`] is the serde model of aigis.toml's `[mask]` section and of
//! a `--rules` file. Layers combine in order, built-in defaults first, then
//! aigis.toml, then `--rules FILE` ([`MaskConfig::merge`]):
//! - an entity or column rule in a later layer replaces the whole rule of
//!   that name (options are not merged one by one);
//! - `inherit = false` in a layer drops the entity and column rules of all
//!   layers before it (keys, the default operator and the gate are kept
//!   unless the layer sets them);
//! - `default`, `gate` and each `[mask.keys]` entry replace what was before.
//!
//! A finding gets the operator of its column's rule if there is one, else of
//! its entity's rule, else the `default` operator ([`RuleSet::operator_for`]).

mod defaults;
mod source;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aigis_detect::Entity;
use serde::{Deserialize, Serialize};

use crate::gate::GateConfig;
use crate::keys::{KeyRef, KeySource};
use crate::operator::{BuildContext, KeyNames, Operator, OperatorConfig};
use crate::{RedactError, RulesError};

pub use defaults::render_default_toml;
pub use source::RulesSource;

/// What a key in `[mask.keys]` is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyUse {
    /// `hash`
    Hash,
    /// `date_shift`
    DateShift,
    /// `encrypt`
    Encrypt,
    /// `tokenize`
    Tokenize,
}

/// The `[mask]` section of aigis.toml, and the whole of a `--rules` file.
///
/// Every field is optional so layers can be combined; the effective values
/// are the built-in defaults ([`MaskConfig::defaults`]) overridden layer by
/// layer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskConfig {
    /// Keep the entity and column rules of the layers before this one
    /// (built-in defaults, aigis.toml). Default true; `false` starts from no
    /// rules at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherit: Option<bool>,
    /// Keyring key names used by rules that name none (`hash`,
    /// `date_shift`: `"pseudonym"`; `encrypt`, `tokenize`: `"mask"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<KeyUse, String>,
    /// Operator for findings whose entity has no rule. Default `replace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<OperatorConfig>,
    /// Rules by entity name (`PERSON`, `EMAIL_ADDRESS`, a custom
    /// recognizer's entity).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub entities: BTreeMap<String, OperatorConfig>,
    /// Rules by column name (table column or last key of a JSON path); they
    /// apply to every finding in that column whatever its entity, and win
    /// over entity rules. `drop` drops the column.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, OperatorConfig>,
    /// When `aigis mask` fails the pipeline (`--fail-on`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateConfig>,
    /// The column (table) or field (JSONL: its path, or its nearest key)
    /// holding the data subject's id, for `date_shift`: all dates of one
    /// subject move by the same number of days, across records, files and
    /// runs. Unset: each record is its own subject. A record without the
    /// field has no subject and its dates go to the fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_column: Option<String>,
}

impl MaskConfig {
    /// The built-in rules (see docs/mask.md, "Default rules", for why each).
    pub fn defaults() -> MaskConfig {
        defaults::default_config()
    }

    /// Lays `over` on top of `self` (see the module documentation).
    pub fn merge(&mut self, over: &MaskConfig) {
        if over.inherit == Some(false) {
            self.entities.clear();
            self.columns.clear();
        }
        self.keys
            .extend(over.keys.iter().map(|(k, v)| (*k, v.clone())));
        if over.default.is_some() {
            self.default.clone_from(&over.default);
        }
        if over.gate.is_some() {
            self.gate.clone_from(&over.gate);
        }
        if over.subject_column.is_some() {
            self.subject_column.clone_from(&over.subject_column);
        }
        self.entities
            .extend(over.entities.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.columns
            .extend(over.columns.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.inherit = None;
    }

    /// The key names in effect.
    pub fn key_names(&self) -> KeyNames {
        let mut names = KeyNames::default();
        for (k, v) in &self.keys {
            let slot = match k {
                KeyUse::Hash => &mut names.hash,
                KeyUse::DateShift => &mut names.date_shift,
                KeyUse::Encrypt => &mut names.encrypt,
                KeyUse::Tokenize => &mut names.tokenize,
            };
            slot.clone_from(v);
        }
        names
    }
}

/// One layer of rules and, if it came from text, that text (for error
/// positions).
#[derive(Clone, Copy)]
pub struct Layer<'a> {
    /// The parsed rules.
    pub config: &'a MaskConfig,
    /// Where they came from.
    pub source: Option<&'a RulesSource>,
}

/// Which kind of rule chose an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A column rule (the field's column).
    Column,
    /// An entity rule (the finding's entity).
    Entity,
    /// The default operator.
    Default,
}

/// Effective, built rules: an operator per entity and column, ready to
/// transform values. `Send + Sync`; build once per run.
pub struct RuleSet {
    entities: HashMap<Entity, Operator, foldhash::fast::RandomState>,
    columns: HashMap<Box<str>, Operator, foldhash::fast::RandomState>,
    default: Operator,
    keys_used: Vec<KeyRef>,
    gate: GateConfig,
    subject_column: Option<Box<str>>,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("entities", &self.entities.len())
            .field("columns", &self.columns.len())
            .field("keys_used", &self.keys_used)
            .finish_non_exhaustive()
    }
}

impl RuleSet {
    /// Builds `config` as the complete, effective rules (no layering).
    pub fn build(config: &MaskConfig, keys: &dyn KeySource) -> Result<RuleSet, RulesError> {
        RuleSet::resolve(
            &[Layer {
                config,
                source: None,
            }],
            keys,
            None,
        )
    }

    /// Builds the effective rules: the built-in defaults, then `layers` in
    /// order. With `known_entities`, an entity rule naming anything else
    /// (a typo: `EMAIL`) is an error; built-in entities are always known.
    pub fn resolve(
        layers: &[Layer<'_>],
        keys: &dyn KeySource,
        known_entities: Option<&[Entity]>,
    ) -> Result<RuleSet, RulesError> {
        // Effective rules, each remembering the layer it came from.
        let mut merged = MaskConfig::defaults();
        let mut origin: BTreeMap<(bool, String), usize> = BTreeMap::new();
        for (i, layer) in layers.iter().enumerate() {
            if layer.config.inherit == Some(false) {
                origin.clear();
            }
            merged.merge(layer.config);
            for name in layer.config.entities.keys() {
                origin.insert((false, name.clone()), i);
            }
            for name in layer.config.columns.keys() {
                origin.insert((true, name.clone()), i);
            }
        }
        for layer in layers {
            check_entities(layer, known_entities)?;
        }
        let key_names = merged.key_names();
        let cx = BuildContext {
            keys,
            key_names: &key_names,
        };
        let source_of = |is_column: bool, name: &str| {
            origin
                .get(&(is_column, name.to_string()))
                .and_then(|&i| layers.get(i))
                .and_then(|l| l.source)
        };
        let build =
            |op: &OperatorConfig, source: Option<&RulesSource>, path: &[&str], rule: String| {
                op.build(&cx)
                    .map_err(|e| build_error(source, path, rule, e))
            };

        let mut entities = HashMap::default();
        for (name, op) in &merged.entities {
            let src = source_of(false, name);
            let built = build(op, src, &["entities", name], format!("entity {name}"))?;
            entities.insert(Entity::new(name), built);
        }
        let mut columns = HashMap::default();
        for (name, op) in &merged.columns {
            let src = source_of(true, name);
            let built = build(op, src, &["columns", name], format!("column {name}"))?;
            columns.insert(Box::from(name.as_str()), built);
        }
        let default_src = layers
            .iter()
            .rev()
            .find(|l| l.config.default.is_some())
            .and_then(|l| l.source);
        let default_cfg = merged
            .default
            .clone()
            .unwrap_or_else(OperatorConfig::replace);
        let default = build(&default_cfg, default_src, &["default"], "default".into())?;

        let gate = merged.gate.clone().unwrap_or_default();
        let gate_src = layers
            .iter()
            .rev()
            .find(|l| l.config.gate.is_some())
            .and_then(|l| l.source);
        gate.check(known_entities).map_err(|message| {
            let (line, column) = gate_src.map_or((0, 0), |s| s.locate(&["gate"]));
            RulesError::Gate {
                path: gate_src.and_then(|s| s.path().map(Into::into)),
                line,
                column,
                message,
            }
        })?;

        let mut keys_used = BTreeSet::new();
        for op in entities
            .values()
            .chain(columns.values())
            .chain(std::iter::once(&default))
        {
            keys_used.extend(op.keys());
        }
        Ok(RuleSet {
            entities,
            columns,
            default,
            keys_used: keys_used.into_iter().collect(),
            gate,
            subject_column: merged
                .subject_column
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(Box::from),
        })
    }

    /// The operator for a finding of `entity` in `column`, and which rule
    /// chose it: the column's rule, else the entity's, else the default.
    pub fn operator_for(&self, column: Option<&str>, entity: &Entity) -> (&Operator, RuleKind) {
        if let Some(op) = column.and_then(|c| self.columns.get(c)) {
            return (op, RuleKind::Column);
        }
        match self.entities.get(entity) {
            Some(op) => (op, RuleKind::Entity),
            None => (&self.default, RuleKind::Default),
        }
    }

    /// The column or field holding the data subject's id (`date_shift`),
    /// if the rules name one.
    pub fn subject_column(&self) -> Option<&str> {
        self.subject_column.as_deref()
    }

    /// The rule of `column`, if any (the pipeline drops `drop` columns
    /// without scanning them).
    pub fn column_rule(&self, column: &str) -> Option<&Operator> {
        self.columns.get(column)
    }

    /// Keys (name and version) the rules use, for the run's report.
    pub fn keys_used(&self) -> &[KeyRef] {
        &self.keys_used
    }

    /// The gate rules in effect.
    pub fn gate(&self) -> &GateConfig {
        &self.gate
    }
}

fn build_error(
    source: Option<&RulesSource>,
    path: &[&str],
    rule: String,
    e: RedactError,
) -> RulesError {
    let (line, column) = source.map_or((0, 0), |s| s.locate(path));
    RulesError::Build {
        path: source.and_then(|s| s.path().map(Into::into)),
        line,
        column,
        rule,
        source: e,
    }
}

fn check_entities(layer: &Layer<'_>, known: Option<&[Entity]>) -> Result<(), RulesError> {
    let Some(known) = known else {
        return Ok(());
    };
    let is_known = |n: &str| Entity::BUILTIN.iter().chain(known).any(|e| e.as_str() == n);
    for name in layer.config.entities.keys() {
        if !is_known(name) {
            let (line, column) = layer
                .source
                .map_or((0, 0), |s| s.locate(&["entities", name]));
            let suggestion = Entity::BUILTIN
                .iter()
                .chain(known)
                .map(|e| {
                    let e = e.as_str();
                    let prefix = e.starts_with(name.as_str()) || name.starts_with(e);
                    (if prefix { 0 } else { edit_distance(name, e) }, e)
                })
                .filter(|(d, _)| *d <= 2.max(name.len() / 3))
                .min()
                .map(|(_, e)| e.to_string());
            return Err(RulesError::UnknownEntity {
                path: layer.source.and_then(|s| s.path().map(Into::into)),
                line,
                column,
                name: name.clone(),
                suggestion,
            });
        }
    }
    Ok(())
}

/// Levenshtein distance over bytes (entity names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeySet;
    use crate::operator::{HashConfig, OperatorKind};

    fn keys() -> KeySet {
        crate::operator::test_support::keys()
    }

    fn resolve_one(
        cfg: &MaskConfig,
        src: &RulesSource,
        known: Option<&[Entity]>,
    ) -> Result<RuleSet, RulesError> {
        RuleSet::resolve(
            &[Layer {
                config: cfg,
                source: Some(src),
            }],
            &keys(),
            known,
        )
    }

    fn parse(text: &str) -> (MaskConfig, RulesSource) {
        let s = RulesSource::new(Some("rules.toml".into()), text.into());
        (s.parse().unwrap(), s)
    }

    #[test]
    fn defaults_build() {
        let rules = RuleSet::build(&MaskConfig::defaults(), &keys()).unwrap();
        let (op, kind) = rules.operator_for(None, &Entity::PERSON);
        assert_eq!((op.kind(), kind), (OperatorKind::Hash, RuleKind::Entity));
        let (op, kind) = rules.operator_for(Some("x"), &Entity::new("EMPLOYEE_ID"));
        assert_eq!(
            (op.kind(), kind),
            (OperatorKind::Replace, RuleKind::Default)
        );
        let names: Vec<String> = rules.keys_used().iter().map(ToString::to_string).collect();
        assert_eq!(names, ["mask@v1", "pseudonym@v1"]);
    }

    #[test]
    fn column_rules_win() {
        let (cfg, src) = parse(
            "[columns.email]\noperator = \"redact\"\n[columns.legacy]\noperator = \"drop\"\n",
        );
        let rules = resolve_one(&cfg, &src, None).unwrap();
        let (op, kind) = rules.operator_for(Some("email"), &Entity::EMAIL_ADDRESS);
        assert_eq!((op.kind(), kind), (OperatorKind::Redact, RuleKind::Column));
        let (op, _) = rules.operator_for(Some("other"), &Entity::EMAIL_ADDRESS);
        assert_eq!(op.kind(), OperatorKind::Hash);
        assert_eq!(
            rules.column_rule("legacy").map(Operator::kind),
            Some(OperatorKind::Drop)
        );
    }

    #[test]
    fn layers_override_in_order() {
        let (toml_cfg, toml_src) =
            parse("[entities.PERSON]\noperator = \"mask\"\n[keys]\nhash = \"other\"\n");
        let (file_cfg, file_src) = parse("[entities.PERSON]\noperator = \"redact\"\n");
        let mut ks = keys();
        ks.insert("other", 4, &[3; 32]);
        let layers = [
            Layer {
                config: &toml_cfg,
                source: Some(&toml_src),
            },
            Layer {
                config: &file_cfg,
                source: Some(&file_src),
            },
        ];
        let rules = RuleSet::resolve(&layers, &ks, None).unwrap();
        assert_eq!(
            rules.operator_for(None, &Entity::PERSON).0.kind(),
            OperatorKind::Redact
        );
        // EMAIL_ADDRESS is still the default hash, now under key `other`
        assert!(
            rules
                .keys_used()
                .iter()
                .any(|k| &*k.name == "other" && k.version == 4)
        );
        // inherit = false drops the default entity rules
        let (bare, bare_src) = parse("inherit = false\n[entities.US_SSN]\noperator = \"mask\"\n");
        let rules = resolve_one(&bare, &bare_src, None).unwrap();
        assert_eq!(
            rules.operator_for(None, &Entity::PERSON).1,
            RuleKind::Default
        );
        assert_eq!(
            rules.operator_for(None, &Entity::US_SSN).0.kind(),
            OperatorKind::Mask
        );
    }

    #[test]
    fn unknown_entity_is_an_error_with_its_line() {
        let (cfg, src) = parse("inherit = true\n\n[entities.EMAIL]\noperator = \"hash\"\n");
        let err = resolve_one(&cfg, &src, Some(&[])).unwrap_err();
        match &err {
            RulesError::UnknownEntity {
                line,
                name,
                suggestion,
                ..
            } => {
                assert_eq!(
                    (*line, name.as_str(), suggestion.as_deref()),
                    (3, "EMAIL", Some("EMAIL_ADDRESS"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with("rules.toml:3:11: unknown entity `EMAIL`"),
            "{err}"
        );
        // a custom entity is fine when declared
        let (cfg, src) = parse("[entities.EMPLOYEE_ID]\noperator = \"hash\"\n");
        let custom = [Entity::new("EMPLOYEE_ID")];
        assert!(resolve_one(&cfg, &src, Some(&custom)).is_ok());
    }

    #[test]
    fn build_errors_name_rule_and_line() {
        let (cfg, src) = parse(
            "[entities.PERSON]\noperator = \"hash\"\n\n[columns.ssn]\noperator = \"hash\"\nlength = 99\n",
        );
        let err = resolve_one(&cfg, &src, None).unwrap_err();
        assert!(matches!(&err, RulesError::Build { line: 4, .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains("rule for column ssn: operator `hash`: option `length`"),
            "{err}"
        );
        let missing = MaskConfig {
            entities: [(
                "PERSON".to_string(),
                OperatorConfig::Hash(HashConfig {
                    key: Some("gone".into()),
                    ..Default::default()
                }),
            )]
            .into(),
            ..Default::default()
        };
        let err = RuleSet::build(&missing, &keys()).unwrap_err();
        assert!(
            err.to_string().contains("no hmac key named `gone`"),
            "{err}"
        );
    }

    #[test]
    fn gate_errors_have_a_line() {
        let (cfg, src) = parse("inherit = true\n[gate]\nfail_on = [\"EMPLOYEE_ID\"]\n");
        let layer = Layer {
            config: &cfg,
            source: Some(&src),
        };
        let err = RuleSet::resolve(&[layer], &keys(), Some(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "rules.toml:2:2: gate: fail_on names unknown entity `EMPLOYEE_ID`"
        );
        let (cfg, src) = parse("[gate]\nmin_score = 2.0\n");
        let err = resolve_one(&cfg, &src, None).unwrap_err();
        assert!(
            err.to_string()
                .contains("min_score must be between 0 and 1"),
            "{err}"
        );
    }

    #[test]
    fn edit_distance_works() {
        assert_eq!(edit_distance("EMAIL", "EMAIL_ADDRESS"), 8);
        assert_eq!(edit_distance("PERSN", "PERSON"), 1);
        assert_eq!(edit_distance("", "AB"), 2);
    }
}
