//! Custom recognizers: regular expressions with an optional validator,
//! context words and a score, and deny-lists of literal values. They come
//! from aigis's own TOML format (the shape of the `[[scan.recognizer]]`
//! entries in aigis.toml) or from Presidio's YAML recognizer files.
//!
//! ```toml
//! [[recognizer]]
//! name = "employee_id"
//! entity = "EMPLOYEE_ID"
//! patterns = [{ name = "E-number", regex = '\bE-\d{6}\b', score = 0.6 }]
//! validator = "luhn"            # optional: luhn, mod97, aba, dea, ssn, ip, bitcoin
//! context = ["employee", "staff id"]
//! deny_list = ["Project Titan"] # literal values, matched as whole words
//! deny_list_score = 1.0
//! case_sensitive = false        # for the deny list
//! ```

mod aigis;
mod presidio;

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};

pub use aigis::{PatternSpec, RecognizerSpec};

use crate::error::RecognizerFileError;
use crate::validate::Validator;
use crate::{Basis, Entity, FieldHint, Finding, Recognizer};

/// Size limit for one compiled custom regex.
const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// What a recognizer file holds.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RecognizerFile {
    /// The custom recognizers, ready for [`crate::ScannerBuilder::recognizers`].
    pub recognizers: Vec<CustomRecognizer>,
    /// Built-in entities the file turns off (Presidio `type: predefined`
    /// entries with `enabled: false`).
    pub disable: Vec<Entity>,
    /// Entries that were understood but have no aigis equivalent (Presidio
    /// predefined recognizers for other countries, NLP recognizers); the
    /// caller may warn about them.
    pub ignored: Vec<String>,
}

impl RecognizerFile {
    /// The recognizers as trait objects for a scanner builder.
    pub fn boxed(self) -> Vec<Box<dyn Recognizer>> {
        self.recognizers
            .into_iter()
            .map(|r| Box::new(r) as Box<dyn Recognizer>)
            .collect()
    }
}

/// Loads a recognizer file: `.toml` in aigis's format, `.yaml`/`.yml` in
/// Presidio's recognizer-registry format.
pub fn load_recognizer_file(path: &Path) -> Result<RecognizerFile, RecognizerFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| RecognizerFileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("toml") => parse_toml(&text, path),
        Some("yaml" | "yml") => parse_presidio_yaml(&text, path),
        _ => Err(RecognizerFileError::UnknownFormat {
            path: path.to_path_buf(),
        }),
    }
}

/// Parses aigis's TOML recognizer format (`[[recognizer]]` tables).
pub fn parse_toml(text: &str, path: &Path) -> Result<RecognizerFile, RecognizerFileError> {
    aigis::parse(text, path)
}

/// Parses Presidio's YAML recognizer format (`recognizers:` list).
pub fn parse_presidio_yaml(text: &str, path: &Path) -> Result<RecognizerFile, RecognizerFileError> {
    presidio::parse(text, path)
}

/// One compiled pattern.
#[derive(Debug)]
struct Pattern {
    name: String,
    regex: Regex,
    score: f32,
}

/// A recognizer built from a file: regex patterns (with an optional
/// validator) and a deny list.
#[derive(Debug)]
pub struct CustomRecognizer {
    name: &'static str,
    entity: Entity,
    patterns: Vec<Pattern>,
    validator: Option<Validator>,
    deny: Option<AhoCorasick>,
    deny_score: f32,
    context: Vec<String>,
}

/// Interns a recognizer name for `Finding::recognizer` (`&'static str`):
/// each distinct name is allocated once per process, however often files
/// are reloaded.
fn intern(name: &str) -> &'static str {
    static NAMES: LazyLock<Mutex<Vec<&'static str>>> = LazyLock::new(|| Mutex::new(Vec::new()));
    let mut names = match NAMES.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    if let Some(n) = names.iter().find(|n| **n == name) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.push(leaked);
    leaked
}

impl CustomRecognizer {
    /// Builds a recognizer from its spec; `path` and `line` locate errors.
    pub fn build(
        spec: &RecognizerSpec,
        path: &Path,
        line: usize,
    ) -> Result<CustomRecognizer, RecognizerFileError> {
        let invalid = |problem: String| RecognizerFileError::Invalid {
            path: path.to_path_buf(),
            line,
            name: spec.name.clone(),
            problem,
        };
        if spec.name.trim().is_empty() {
            return Err(invalid("`name` must not be empty".into()));
        }
        if spec.entity.trim().is_empty()
            || !spec
                .entity
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(invalid(
                "`entity` must be a name of letters, digits and '_' (e.g. EMPLOYEE_ID)".into(),
            ));
        }
        if spec.patterns.is_empty() && spec.deny_list.is_empty() {
            return Err(invalid(
                "expected at least one of `patterns` or `deny_list`".into(),
            ));
        }
        let validator = match &spec.validator {
            None => None,
            Some(v) => Some(Validator::from_name(v).ok_or_else(|| {
                invalid(format!(
                    "unknown validator {v:?}; expected one of {}",
                    Validator::NAMES.join(", ")
                ))
            })?),
        };
        let mut patterns = Vec::with_capacity(spec.patterns.len());
        for (i, p) in spec.patterns.iter().enumerate() {
            if !(0.0..=1.0).contains(&p.score) {
                return Err(invalid(format!(
                    "pattern {} score {} is outside [0, 1]",
                    i + 1,
                    p.score
                )));
            }
            let regex = RegexBuilder::new(&p.regex)
                .case_insensitive(spec.case_insensitive_regex)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| {
                    invalid(format!(
                        "pattern {} ({:?}) is not a valid regex: {e}",
                        i + 1,
                        p.name.as_deref().unwrap_or("")
                    ))
                })?;
            patterns.push(Pattern {
                name: p
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("pattern {}", i + 1)),
                regex,
                score: p.score,
            });
        }
        let deny = if spec.deny_list.is_empty() {
            None
        } else {
            let words: Vec<&str> = spec
                .deny_list
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(!spec.case_sensitive)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(words)
                    .map_err(|e| invalid(format!("deny list cannot be compiled: {e}")))?,
            )
        };
        if !(0.0..=1.0).contains(&spec.deny_list_score) {
            return Err(invalid(format!(
                "deny_list_score {} is outside [0, 1]",
                spec.deny_list_score
            )));
        }
        Ok(CustomRecognizer {
            name: intern(&spec.name),
            entity: Entity::new(&spec.entity),
            patterns,
            validator,
            deny,
            deny_score: spec.deny_list_score,
            context: spec.context.iter().map(|c| c.to_lowercase()).collect(),
        })
    }

    /// The entity this recognizer reports.
    pub fn entity(&self) -> &Entity {
        &self.entity
    }
}

fn word_boundary(text: &[u8], s: usize, e: usize) -> bool {
    let before = s
        .checked_sub(1)
        .and_then(|p| text.get(p))
        .is_some_and(|b| b.is_ascii_alphanumeric());
    let after = text.get(e).is_some_and(|b| b.is_ascii_alphanumeric());
    !before && !after
}

impl Recognizer for CustomRecognizer {
    fn name(&self) -> &'static str {
        self.name
    }

    fn recognize(&self, text: &str, _hint: FieldHint<'_>, out: &mut Vec<Finding>) {
        for p in &self.patterns {
            for m in p.regex.find_iter(text) {
                if m.start() == m.end() {
                    continue;
                }
                if let Some(v) = self.validator
                    && !v.check(m.as_str())
                {
                    continue;
                }
                out.push(Finding {
                    entity: self.entity.clone(),
                    start: m.start(),
                    end: m.end(),
                    score: p.score,
                    recognizer: self.name,
                });
            }
        }
        if let Some(ac) = &self.deny {
            let bytes = text.as_bytes();
            for m in ac.find_iter(text) {
                if word_boundary(bytes, m.start(), m.end())
                    && text.is_char_boundary(m.start())
                    && text.is_char_boundary(m.end())
                {
                    out.push(Finding {
                        entity: self.entity.clone(),
                        start: m.start(),
                        end: m.end(),
                        score: self.deny_score,
                        recognizer: self.name,
                    });
                }
            }
        }
    }

    fn context_words(&self) -> Vec<(Entity, Vec<String>)> {
        if self.context.is_empty() {
            Vec::new()
        } else {
            vec![(self.entity.clone(), self.context.clone())]
        }
    }

    fn explain(
        &self,
        text: &str,
        _hint: FieldHint<'_>,
        findings: &[Finding],
    ) -> Vec<Option<Basis>> {
        findings
            .iter()
            .map(|f| {
                let value = text.get(f.start..f.end)?;
                for p in &self.patterns {
                    if p.regex
                        .find_at(text, f.start)
                        .is_some_and(|m| m.start() == f.start && m.end() == f.end)
                    {
                        return Some(Basis {
                            pattern: format!("custom pattern {:?}", p.name),
                            base_score: p.score,
                            validation: self
                                .validator
                                .filter(|v| v.check(value))
                                .map(|v| v.name().to_string()),
                        });
                    }
                }
                self.deny.as_ref().map(|_| Basis {
                    pattern: "deny-list entry".into(),
                    base_score: self.deny_score,
                    validation: None,
                })
            })
            .collect()
    }
}

/// Where inline recognizers (from aigis.toml) are reported in errors.
pub(crate) fn inline_path() -> PathBuf {
    PathBuf::from("<aigis.toml [scan]>")
}
