//! aigis's TOML recognizer format.

use std::path::Path;

use serde::Deserialize;

use super::{CustomRecognizer, RecognizerFile};
use crate::error::{RecognizerFileError, line_col};

fn default_score() -> f32 {
    0.6
}

fn default_deny_score() -> f32 {
    1.0
}

/// One pattern of a custom recognizer.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatternSpec {
    /// A label for explanations.
    #[serde(default)]
    pub name: Option<String>,
    /// The regular expression (Rust `regex` syntax: no look-around or
    /// back-references; matching is linear-time).
    pub regex: String,
    /// Score of a match before context, in `[0, 1]` (default 0.6).
    #[serde(default = "default_score")]
    pub score: f32,
}

/// A custom recognizer as written in a file or in aigis.toml.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecognizerSpec {
    /// Unique name, reported as the finding's recognizer.
    pub name: String,
    /// Entity reported (`EMPLOYEE_ID`, or a built-in name like `US_SSN`).
    pub entity: String,
    /// Regex patterns.
    #[serde(default)]
    pub patterns: Vec<PatternSpec>,
    /// Shorthand for one pattern: `regex = "..."` (with `score`).
    #[serde(default)]
    pub regex: Option<String>,
    /// Score of the shorthand pattern.
    #[serde(default)]
    pub score: Option<f32>,
    /// Validator a match must pass: luhn, mod97, aba, dea, ssn, ip, bitcoin.
    #[serde(default)]
    pub validator: Option<String>,
    /// Context words that raise the score when near a match.
    #[serde(default)]
    pub context: Vec<String>,
    /// Literal values reported wherever they appear as whole words.
    #[serde(default)]
    pub deny_list: Vec<String>,
    /// Score of a deny-list match (default 1.0).
    #[serde(default = "default_deny_score")]
    pub deny_list_score: f32,
    /// Match deny-list values case-sensitively (default false).
    #[serde(default)]
    pub case_sensitive: bool,
    /// Match the regexes case-insensitively (default false).
    #[serde(default, rename = "ignore_case")]
    pub case_insensitive_regex: bool,
}

impl RecognizerSpec {
    /// The spec with the `regex`/`score` shorthand folded into `patterns`.
    pub fn normalized(&self) -> RecognizerSpec {
        let mut s = self.clone();
        if let Some(r) = s.regex.take() {
            s.patterns.insert(
                0,
                PatternSpec {
                    name: None,
                    regex: r,
                    score: s.score.take().unwrap_or_else(default_score),
                },
            );
        }
        s
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    recognizer: Vec<toml::Spanned<RecognizerSpec>>,
}

pub(crate) fn parse(text: &str, path: &Path) -> Result<RecognizerFile, RecognizerFileError> {
    let file: File = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        RecognizerFileError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    let mut out = RecognizerFile::default();
    let mut seen: Vec<String> = Vec::new();
    for spanned in &file.recognizer {
        let (line, _) = line_col(text, spanned.span().start);
        let spec = spanned.get_ref().normalized();
        if seen.contains(&spec.name) {
            return Err(RecognizerFileError::Invalid {
                path: path.to_path_buf(),
                line,
                name: spec.name.clone(),
                problem: "a recognizer with this name is already defined".into(),
            });
        }
        seen.push(spec.name.clone());
        out.recognizers
            .push(CustomRecognizer::build(&spec, path, line)?);
    }
    Ok(out)
}
