//! The built-in rules, chosen for GDPR-style pseudonymization (Art. 4(5)):
//! direct identifiers become keyed pseudonyms that still join across files
//! (the key is the "additional information kept separately"), identifiers
//! whose format downstream systems validate keep their format, quasi-
//! identifiers are generalized, free-form locations are replaced, secrets
//! are removed.
//!
//! | entity | operator | why |
//! |---|---|---|
//! | PERSON, EMAIL_ADDRESS, PHONE_NUMBER | hash | stable keyed pseudonym: joins and counts work, no guess can be tested without the key |
//! | US_PASSPORT, US_DRIVER_LICENSE, US_ITIN, MEDICAL_LICENSE, CRYPTO | hash | identifiers nobody needs in clear for training |
//! | CREDIT_CARD | tokenize (card) | stays a Luhn-valid card number of the same length for systems that validate it (PCI-style tokenization); reversible by the key holder |
//! | US_SSN | tokenize (ssn) | keeps the NNN-NN-NNNN shape and SSA validity; reversible |
//! | IBAN_CODE | tokenize (iban) | keeps the country and valid check digits; reversible |
//! | US_BANK_NUMBER | tokenize | same digits count; numbers under 6 digits fall back to replace |
//! | IP_ADDRESS | generalize | /24 and /48 networks, the usual GDPR practice for logs |
//! | DATE_TIME | generalize (year) | dates tied to a person reduced to the year (HIPAA Safe Harbor); use date_shift to keep intervals |
//! | LOCATION, URL | replace | addresses and URLs are free-form; a placeholder keeps the sentence readable |
//! | SECRET | redact | credentials have no analytic value and must not survive |
//! | anything else | replace (`default`) | unknown entities are never left in clear |

use std::collections::BTreeMap;

use serde::Serialize;

use crate::gate::GateConfig;
use crate::operator::{EmptyConfig, GeneralizeConfig, HashConfig, OperatorConfig, TokenizeConfig};
use crate::rules::{KeyUse, MaskConfig};

/// The default rule of each entity, with the reason written next to it in
/// the rendered TOML.
fn default_rules() -> Vec<(&'static str, OperatorConfig, &'static str)> {
    let hash = || OperatorConfig::Hash(HashConfig::default());
    let tokenize = || OperatorConfig::Tokenize(TokenizeConfig::default());
    vec![
        (
            "PERSON",
            hash(),
            "names: keyed pseudonym, the same name gives the same token everywhere",
        ),
        (
            "EMAIL_ADDRESS",
            hash(),
            "case-folded before hashing, so Jane@X.com = jane@x.com",
        ),
        (
            "PHONE_NUMBER",
            hash(),
            "digits only before hashing, so formatting does not matter",
        ),
        ("US_PASSPORT", hash(), "identifier: pseudonym"),
        ("US_DRIVER_LICENSE", hash(), "identifier: pseudonym"),
        ("US_ITIN", hash(), "identifier: pseudonym"),
        ("MEDICAL_LICENSE", hash(), "identifier: pseudonym"),
        (
            "CRYPTO",
            hash(),
            "wallet address: pseudonym (case kept, base58 is case-sensitive)",
        ),
        (
            "CREDIT_CARD",
            tokenize(),
            "FF1: same length, Luhn-valid, reversible with the key",
        ),
        (
            "US_SSN",
            tokenize(),
            "FF1: NNN-NN-NNNN shape and SSA validity kept, reversible",
        ),
        (
            "IBAN_CODE",
            tokenize(),
            "FF1: country kept, check digits valid, reversible",
        ),
        (
            "US_BANK_NUMBER",
            tokenize(),
            "FF1 over the digits; under 6 digits falls back to replace",
        ),
        (
            "IP_ADDRESS",
            OperatorConfig::Generalize(GeneralizeConfig::default()),
            "IPv4 /24, IPv6 /48",
        ),
        (
            "DATE_TIME",
            OperatorConfig::Generalize(GeneralizeConfig::default()),
            "year only (HIPAA Safe Harbor); date_shift keeps intervals instead",
        ),
        (
            "LOCATION",
            OperatorConfig::replace(),
            "addresses and cities: <LOCATION>",
        ),
        ("URL", OperatorConfig::replace(), "<URL>"),
        (
            "SECRET",
            OperatorConfig::Redact(EmptyConfig {}),
            "credentials are removed",
        ),
    ]
}

pub(super) fn default_config() -> MaskConfig {
    let keys: BTreeMap<KeyUse, String> = [
        (KeyUse::Hash, "pseudonym"),
        (KeyUse::DateShift, "pseudonym"),
        (KeyUse::Encrypt, "mask"),
        (KeyUse::Tokenize, "mask"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    MaskConfig {
        inherit: None,
        keys,
        default: Some(OperatorConfig::replace()),
        entities: default_rules()
            .into_iter()
            .map(|(e, op, _)| (e.to_string(), op))
            .collect(),
        columns: BTreeMap::new(),
        gate: Some(GateConfig::default()),
        subject_column: None,
    }
}

#[derive(Serialize)]
struct Wrapped<'a> {
    mask: &'a MaskConfig,
}

/// The built-in `[mask]` section as commented TOML, for the aigis.toml that
/// `aigis init` writes: the `[mask]` header, then every default rule and
/// option commented out with the reason for it. Uncommenting all of it
/// gives back exactly the defaults.
pub fn render_default_toml() -> String {
    let defaults = default_config();
    let reasons: BTreeMap<&str, &str> = default_rules()
        .into_iter()
        .map(|(e, _, why)| (e, why))
        .collect();
    let body = toml::to_string(&Wrapped { mask: &defaults }).unwrap_or_default();
    let mut out = String::new();
    out.push_str(
        "# Rules of `aigis mask` (docs/mask.md): which operator transforms which entity\n\
         # or column. Below are the built-in defaults, commented out: uncomment and edit\n\
         # a rule to change it. Column rules ([mask.columns.NAME]) win over entity rules.\n\
         # `aigis mask --rules FILE` lays a file of the same shape on top of this section.\n",
    );
    out.push_str("[mask]\n");
    out.push_str(
        "# inherit = true  # false: drop the built-in entity rules, keep only those written here\n",
    );
    out.push_str(
        "# subject_column = \"customer_id\"  # date_shift: one shift per value of this column (default: per record)\n",
    );
    for line in body.lines() {
        if line == "[mask]" {
            continue;
        }
        if let Some(entity) = line
            .strip_prefix("[mask.entities.")
            .and_then(|l| l.strip_suffix(']'))
        {
            if let Some(why) = reasons.get(entity) {
                out.push_str("#\n# ");
                out.push_str(why);
                out.push('\n');
            }
        } else if line.starts_with("[mask.") && !line.starts_with("[mask.entities.") {
            out.push_str("#\n");
        }
        if line.is_empty() {
            continue;
        }
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(
        "#\n# Column rules apply to every finding in the column, whatever its entity:\n\
         # [mask.columns.notes]\n# operator = \"redact\"\n\
         # [mask.columns.legacy_ssn]\n# operator = \"drop\"\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_defaults_parse_back_to_the_defaults() {
        let text = render_default_toml();
        // as written (all commented) it is an empty [mask] section
        let empty: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            empty
                .get("mask")
                .and_then(|m| m.as_table())
                .map(|t| t.len()),
            Some(0)
        );
        // uncommented, it is exactly the defaults
        let rules = text.split("#\n# Column rules apply").next().unwrap();
        let uncommented: String = rules
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| {
                let key = l
                    .split_once(" = ")
                    .is_some_and(|(k, _)| k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
                // `inherit` and `subject_column` are shown with an example
                // value, not their default.
                (l.starts_with('[') || key)
                    && !l.starts_with("inherit")
                    && !l.starts_with("subject_column")
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let uncommented = format!("[mask]\n{uncommented}");
        let src = crate::rules::RulesSource::new(None, uncommented.clone());
        let parsed = src.parse().unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        assert_eq!(parsed, default_config());
    }

    #[test]
    fn every_builtin_entity_has_a_rule() {
        let cfg = default_config();
        for e in aigis_detect::Entity::BUILTIN {
            assert!(cfg.entities.contains_key(e.as_str()), "{e}");
        }
    }
}
