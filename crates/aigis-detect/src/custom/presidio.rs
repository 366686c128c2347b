//! Presidio's YAML recognizer format (the `recognizers:` list of a
//! recognizer-registry or analyzer configuration file), so that teams can
//! bring their Presidio recognizers along.
//!
//! Understood: custom pattern recognizers (`name`, `supported_entity` or
//! `supported_entities`, `patterns` of `name`/`regex`/`score`, `context`,
//! `deny_list`, `deny_list_score`, `supported_language(s)`, `enabled`,
//! `type: custom`, `country_code`, `version`), `global_regex_flags`
//! (IGNORECASE, MULTILINE, DOTALL, VERBOSE become inline flags), and
//! predefined recognizers (`type: predefined` or a bare class name):
//! `enabled: false` on one that has an aigis equivalent turns that built-in
//! entity off; others are listed as ignored.

use std::path::Path;

use serde::Deserialize;

use super::{CustomRecognizer, PatternSpec, RecognizerFile, RecognizerSpec};
use crate::Entity;
use crate::error::RecognizerFileError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    supported_languages: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    global_regex_flags: Option<u32>,
    #[serde(default)]
    recognizers: Option<Vec<Entry>>,
    #[serde(default)]
    recognizer_registry: Option<Box<File>>,
    // Analyzer-engine configuration keys, accepted and not used.
    #[serde(default)]
    nlp_configuration: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    default_score_threshold: Option<f32>,
    #[serde(default)]
    supported_countries: Option<serde_yaml_ng::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Entry {
    Predefined(String),
    Full(Box<Recognizer>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pattern {
    #[serde(default)]
    name: Option<String>,
    regex: String,
    #[serde(default)]
    score: Option<f32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Recognizer {
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    class_name: Option<String>,
    #[serde(default)]
    supported_entity: Option<String>,
    #[serde(default)]
    supported_entities: Option<Vec<String>>,
    #[serde(default)]
    supported_language: Option<String>,
    #[serde(default)]
    supported_languages: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    patterns: Option<Vec<Pattern>>,
    #[serde(default)]
    context: Option<Vec<String>>,
    #[serde(default)]
    deny_list: Option<Vec<String>>,
    #[serde(default)]
    deny_list_score: Option<f32>,
    #[serde(default)]
    country_code: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    global_regex_flags: Option<u32>,
}

/// Presidio predefined recognizer class -> aigis built-in entity.
fn predefined_entity(class: &str) -> Option<Entity> {
    Some(match class {
        "CreditCardRecognizer" => Entity::CREDIT_CARD,
        "CryptoRecognizer" => Entity::CRYPTO,
        "DateRecognizer" => Entity::DATE_TIME,
        "EmailRecognizer" => Entity::EMAIL_ADDRESS,
        "IbanRecognizer" => Entity::IBAN_CODE,
        "IpRecognizer" => Entity::IP_ADDRESS,
        "MedicalLicenseRecognizer" => Entity::MEDICAL_LICENSE,
        "PhoneRecognizer" => Entity::PHONE_NUMBER,
        "UrlRecognizer" => Entity::URL,
        "UsBankRecognizer" => Entity::US_BANK_NUMBER,
        "UsLicenseRecognizer" => Entity::US_DRIVER_LICENSE,
        "UsItinRecognizer" => Entity::US_ITIN,
        "UsPassportRecognizer" => Entity::US_PASSPORT,
        "UsSsnRecognizer" => Entity::US_SSN,
        _ => return None,
    })
}

/// Python `re` flags as an inline-flag prefix for the Rust regex crate.
fn flag_prefix(flags: u32) -> String {
    let mut f = String::new();
    if flags & 2 != 0 {
        f.push('i');
    }
    if flags & 8 != 0 {
        f.push('m');
    }
    if flags & 16 != 0 {
        f.push('s');
    }
    if flags & 64 != 0 {
        f.push('x');
    }
    if f.is_empty() { f } else { format!("(?{f})") }
}

/// Line of the first `name: <name>` in the text (0 if not found).
fn line_of_name(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            t.strip_prefix("name:")
                .is_some_and(|v| v.trim().trim_matches(|c| c == '"' || c == '\'') == name)
        })
        .map_or(0, |i| i + 1)
}

pub(crate) fn parse(text: &str, path: &Path) -> Result<RecognizerFile, RecognizerFileError> {
    let file: File = serde_yaml_ng::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        RecognizerFileError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.to_string(),
        }
    })?;
    let mut out = RecognizerFile::default();
    collect(
        &file,
        file.global_regex_flags.unwrap_or(0),
        text,
        path,
        &mut out,
    )?;
    Ok(out)
}

fn collect(
    file: &File,
    flags: u32,
    text: &str,
    path: &Path,
    out: &mut RecognizerFile,
) -> Result<(), RecognizerFileError> {
    let _ = (
        &file.supported_languages,
        &file.nlp_configuration,
        file.default_score_threshold,
        &file.supported_countries,
    );
    if let Some(reg) = &file.recognizer_registry {
        collect(
            reg,
            reg.global_regex_flags.unwrap_or(flags),
            text,
            path,
            out,
        )?;
    }
    for entry in file.recognizers.iter().flatten() {
        match entry {
            Entry::Predefined(class) => {
                if predefined_entity(class).is_none() {
                    out.ignored.push(class.clone());
                }
            }
            Entry::Full(r) => {
                let line = line_of_name(text, &r.name);
                let predefined = r.kind.as_deref() == Some("predefined");
                if let Some(k) = r
                    .kind
                    .as_deref()
                    .filter(|k| *k != "predefined" && *k != "custom")
                {
                    return Err(RecognizerFileError::Invalid {
                        path: path.to_path_buf(),
                        line,
                        name: r.name.clone(),
                        problem: format!(
                            "unknown type {k:?}; expected \"custom\" or \"predefined\""
                        ),
                    });
                }
                let enabled = r.enabled.unwrap_or(true);
                if predefined {
                    let class = r.class_name.as_deref().unwrap_or(&r.name);
                    match predefined_entity(class) {
                        Some(e) if !enabled => out.disable.push(e),
                        Some(_) => {}
                        None => out.ignored.push(class.to_string()),
                    }
                    continue;
                }
                if !enabled {
                    continue;
                }
                let _ = (
                    &r.supported_language,
                    &r.supported_languages,
                    &r.country_code,
                    &r.version,
                );
                let entity = r
                    .supported_entity
                    .clone()
                    .or_else(|| {
                        r.supported_entities
                            .as_ref()
                            .and_then(|v| v.first().cloned())
                    })
                    .ok_or_else(|| RecognizerFileError::Invalid {
                        path: path.to_path_buf(),
                        line,
                        name: r.name.clone(),
                        problem: "expected `supported_entity` (or `supported_entities`)".into(),
                    })?;
                let prefix = flag_prefix(r.global_regex_flags.unwrap_or(flags));
                let spec = RecognizerSpec {
                    name: r.name.clone(),
                    entity,
                    patterns: r
                        .patterns
                        .iter()
                        .flatten()
                        .map(|p| PatternSpec {
                            name: p.name.clone(),
                            regex: format!("{prefix}{}", p.regex),
                            score: p.score.unwrap_or(0.5),
                        })
                        .collect(),
                    regex: None,
                    score: None,
                    validator: None,
                    context: r.context.clone().unwrap_or_default(),
                    deny_list: r.deny_list.clone().unwrap_or_default(),
                    deny_list_score: r.deny_list_score.unwrap_or(1.0),
                    case_sensitive: false,
                    case_insensitive_regex: false,
                };
                out.recognizers
                    .push(CustomRecognizer::build(&spec, path, line)?);
            }
        }
    }
    Ok(())
}
