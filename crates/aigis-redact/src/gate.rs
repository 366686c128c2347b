//! The gate of `aigis mask`: rules under which a run fails the pipeline
//! (exit 1) because personal data is still in the output.
//!
//! A residual is a finding in the output, found by the verify pass
//! (re-scanning what was written) or left in place by a `keep` rule. The
//! gate fails when any residual at or above `min_score` matches a rule:
//! - `any`: every residual;
//! - a column class (`direct_identifier`, `quasi_identifier`, `sensitive`):
//!   residuals in a column the scanner classified so;
//! - an entity name (`US_SSN`): residuals of that entity, anywhere.

use std::fmt;
use std::str::FromStr;

use aigis_detect::Entity;
use serde::{Deserialize, Serialize};

/// Class of a table column: the scanner's own column classes, so that a
/// gate rule and a classification compare directly.
pub use aigis_detect::ColumnClass;

/// One `--fail-on` rule. Written as a string: `any`, a column class, or an
/// entity name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum GateRule {
    /// Any residual finding.
    Any,
    /// A residual in a column of this class.
    Class(ColumnClass),
    /// A residual of this entity.
    Entity(Entity),
}

impl FromStr for GateRule {
    type Err = String;

    fn from_str(s: &str) -> Result<GateRule, String> {
        let s = s.trim();
        Ok(match s {
            "any" => GateRule::Any,
            "direct_identifier" => GateRule::Class(ColumnClass::DirectIdentifier),
            "quasi_identifier" => GateRule::Class(ColumnClass::QuasiIdentifier),
            "sensitive" => GateRule::Class(ColumnClass::Sensitive),
            _ => {
                let entity_like = s.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
                    && s.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
                if !entity_like {
                    return Err(s.to_string());
                }
                GateRule::Entity(Entity::new(s))
            }
        })
    }
}

impl TryFrom<String> for GateRule {
    type Error = String;
    fn try_from(s: String) -> Result<GateRule, String> {
        s.parse().map_err(|bad| {
            format!(
                "gate rule `{bad}`: expected `any`, direct_identifier, quasi_identifier, sensitive or an entity name"
            )
        })
    }
}

impl From<GateRule> for String {
    fn from(r: GateRule) -> String {
        r.to_string()
    }
}

impl fmt::Display for GateRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateRule::Any => f.write_str("any"),
            GateRule::Class(c) => f.write_str(c.as_str()),
            GateRule::Entity(e) => f.write_str(e.as_str()),
        }
    }
}

/// The `[mask.gate]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GateConfig {
    /// Rules that fail the run. Default empty: the gate is off unless asked
    /// (`--fail-on direct_identifier,US_SSN` or this list).
    pub fail_on: Vec<GateRule>,
    /// Residuals scored below this are ignored. Default 0.5.
    pub min_score: f32,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig {
            fail_on: Vec::new(),
            min_score: 0.5,
        }
    }
}

/// A finding left in the output, as the gate sees it (never its value).
#[derive(Debug, Clone, PartialEq)]
pub struct Residual {
    /// Entity of the finding.
    pub entity: Entity,
    /// Class of its column, for tables.
    pub class: Option<ColumnClass>,
    /// Score of the finding.
    pub score: f32,
}

/// A gate rule that matched, with how many residuals matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateFailure {
    /// The rule.
    pub rule: GateRule,
    /// Residuals that matched it.
    pub count: usize,
}

impl fmt::Display for GateFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.count == 1 { "" } else { "s" };
        match &self.rule {
            GateRule::Any => write!(f, "{} residual finding{s}", self.count),
            GateRule::Class(c) => write!(
                f,
                "{} residual finding{s} in {} columns",
                self.count,
                c.as_str()
            ),
            GateRule::Entity(e) => write!(f, "{} residual {e} finding{s}", self.count),
        }
    }
}

impl GateConfig {
    /// Parses a `--fail-on` list (`direct_identifier,US_SSN`).
    pub fn parse_fail_on(list: &str) -> Result<Vec<GateRule>, String> {
        list.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| GateRule::try_from(s.to_string()))
            .collect()
    }

    /// Checks `min_score` and, given the known entities (beyond the
    /// built-in ones), that entity rules name one; says what is wrong.
    pub(crate) fn check(&self, known: Option<&[Entity]>) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.min_score) {
            return Err("min_score must be between 0 and 1".into());
        }
        let Some(known) = known else {
            return Ok(());
        };
        for rule in &self.fail_on {
            if let GateRule::Entity(e) = rule
                && !Entity::BUILTIN.iter().chain(known).any(|k| k == e)
            {
                return Err(format!("fail_on names unknown entity `{e}`"));
            }
        }
        Ok(())
    }

    /// The rules that `residuals` break, in rule order; empty means pass.
    pub fn evaluate<'a>(
        &self,
        residuals: impl IntoIterator<Item = &'a Residual>,
    ) -> Vec<GateFailure> {
        let mut counts = vec![0usize; self.fail_on.len()];
        for r in residuals {
            if r.score < self.min_score {
                continue;
            }
            for (rule, count) in self.fail_on.iter().zip(counts.iter_mut()) {
                let hit = match rule {
                    GateRule::Any => true,
                    GateRule::Class(c) => r.class == Some(*c),
                    GateRule::Entity(e) => r.entity == *e,
                };
                if hit {
                    *count += 1;
                }
            }
        }
        self.fail_on
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(rule, count)| GateFailure {
                rule: rule.clone(),
                count,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(entity: Entity, class: Option<ColumnClass>, score: f32) -> Residual {
        Residual {
            entity,
            class,
            score,
        }
    }

    #[test]
    fn parses_rules() {
        let rules = GateConfig::parse_fail_on("direct_identifier, US_SSN,any").unwrap();
        assert_eq!(
            rules,
            [
                GateRule::Class(ColumnClass::DirectIdentifier),
                GateRule::Entity(Entity::US_SSN),
                GateRule::Any
            ]
        );
        assert!(GateConfig::parse_fail_on("direct-identifier").is_err());
        assert!(GateConfig::parse_fail_on("us_ssn").is_err());
        let cfg: GateConfig =
            toml::from_str("fail_on = [\"sensitive\", \"CREDIT_CARD\"]\n").unwrap();
        assert_eq!(cfg.fail_on.len(), 2);
        assert_eq!(cfg.min_score, 0.5);
        assert!(toml::from_str::<GateConfig>("fail_on = [\"nope\"]\n").is_err());
        assert!(toml::from_str::<GateConfig>("fail = []\n").is_err());
    }

    #[test]
    fn evaluates_residuals() {
        let g = GateConfig {
            fail_on: GateConfig::parse_fail_on("direct_identifier,US_SSN").unwrap(),
            min_score: 0.5,
        };
        let res = [
            r(
                Entity::EMAIL_ADDRESS,
                Some(ColumnClass::DirectIdentifier),
                0.9,
            ),
            r(Entity::US_SSN, None, 0.8),
            r(Entity::US_SSN, Some(ColumnClass::DirectIdentifier), 0.4),
            r(Entity::PERSON, Some(ColumnClass::QuasiIdentifier), 0.9),
        ];
        let f = g.evaluate(&res);
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[0].to_string(),
            "1 residual finding in direct_identifier columns"
        );
        assert_eq!(f[1].to_string(), "1 residual US_SSN finding");
        assert!(GateConfig::default().evaluate(&res).is_empty());
    }

    #[test]
    fn unknown_entities_are_caught_when_known_list_given() {
        let g = GateConfig {
            fail_on: GateConfig::parse_fail_on("EMPLOYEE_ID").unwrap(),
            min_score: 0.0,
        };
        assert!(g.check(None).is_ok());
        assert_eq!(
            g.check(Some(&[])),
            Err("fail_on names unknown entity `EMPLOYEE_ID`".to_string())
        );
        let nan = GateConfig {
            min_score: f32::NAN,
            ..GateConfig::default()
        };
        assert!(nan.check(None).is_err());
        assert!(g.check(Some(&[Entity::new("EMPLOYEE_ID")])).is_ok());
    }
}
