//! The `[scan]` section of aigis.toml, owned here; the binary assembles
//! the whole file from each crate's section.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::custom::{CustomRecognizer, RecognizerSpec, inline_path, load_recognizer_file};
use crate::error::RecognizerFileError;
use crate::{DEFAULT_MIN_SCORE, Entity, Scanner, ScannerBuilder};

fn default_min_score() -> f32 {
    DEFAULT_MIN_SCORE
}

/// Detection settings (`[scan]` in aigis.toml).
///
/// ```toml
/// [scan]
/// min_score = 0.5                       # findings below are dropped
/// entities = []                         # report only these (empty: all)
/// disable = ["URL"]                     # never report these
/// recognizer_files = ["recognizers.toml", "presidio.yaml"]
///
/// [[scan.recognizer]]                   # inline custom recognizers
/// name = "employee_id"
/// entity = "EMPLOYEE_ID"
/// regex = '\bE-\d{6}\b'
/// score = 0.7
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Findings scoring below this are dropped (default 0.5).
    #[serde(default = "default_min_score")]
    pub min_score: f32,
    /// Report only these entities (empty: all).
    #[serde(default)]
    pub entities: Vec<String>,
    /// Never report these entities.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Recognizer files (aigis TOML or Presidio YAML), relative to the
    /// directory of aigis.toml.
    #[serde(default)]
    pub recognizer_files: Vec<String>,
    /// Inline custom recognizers.
    #[serde(default, rename = "recognizer")]
    pub recognizers: Vec<RecognizerSpec>,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            min_score: DEFAULT_MIN_SCORE,
            entities: Vec::new(),
            disable: Vec::new(),
            recognizer_files: Vec::new(),
            recognizers: Vec::new(),
        }
    }
}

impl ScanConfig {
    /// A scanner builder with these settings; recognizer files are read
    /// relative to `base_dir`. Add `--recognizers FILE` results to it and
    /// call `build()`.
    pub fn builder(&self, base_dir: &Path) -> Result<ScannerBuilder, RecognizerFileError> {
        let mut b = Scanner::builder().min_score(self.min_score);
        let mut disable: Vec<Entity> = self.disable.iter().map(|e| Entity::new(e)).collect();
        for f in &self.recognizer_files {
            let loaded = load_recognizer_file(&base_dir.join(f))?;
            disable.extend(loaded.disable.iter().cloned());
            b = b.recognizers(loaded.boxed());
        }
        for spec in &self.recognizers {
            let r = CustomRecognizer::build(&spec.normalized(), &inline_path(), 0)?;
            b = b.recognizer(Box::new(r));
        }
        Ok(
            b.only(self.entities.iter().map(|e| Entity::new(e)).collect())
                .disable(disable),
        )
    }

    /// The scanner these settings describe.
    pub fn build(&self, base_dir: &Path) -> Result<Scanner, RecognizerFileError> {
        Ok(self.builder(base_dir)?.build())
    }
}
