//! Turning files into Rego input: one loader per kind of file.
//!
//! [`load_file`] picks a [`Parser`] from the file name (or takes the one
//! forced with `--parser`), reads the file and returns one [`Document`] per
//! document in it (a multi-document YAML file gives several). Each document's
//! [`Document::input`] is what a policy sees as `input`.
//!
//! # Location metadata
//!
//! When a document is a JSON object, the loader adds one reserved key,
//! `__aigis__`, to it:
//!
//! ```json
//! {"__aigis__": {"file": "k8s/serve.yaml", "document": 0, "parser": "yaml",
//!                "lines": {"": 1, "/spec": 4, "/spec/auth/required": 6}}}
//! ```
//!
//! `lines` maps a JSON Pointer (RFC 6901) into the document to the 1-based
//! line where that key (or array item) starts in the file. Policies can read
//! it, but usually need not: a violation object that names a `key` (a JSON
//! Pointer string or an array of path segments) or a `line` is placed at
//! that line by the check runner (see [`crate::check`]). Documents that are
//! not objects (a top-level YAML list, a scalar) carry no metadata.

mod airflow;
mod dockerfile;
mod dotenv;
mod hcl;
mod json;
mod lines;
mod yaml;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::LoadError;
pub use lines::{LineIndex, Locations, pointer_from_segments};

/// The key under which a document's location metadata is stored.
pub const META_KEY: &str = "__aigis__";

/// The most bytes a single input file may have (64 MiB).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// A kind of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Parser {
    /// YAML 1.2, multi-document (`---`): Kubernetes, KServe, Seldon, MLflow
    /// `MLmodel`, aigis manifests.
    Yaml,
    /// One JSON document.
    Json,
    /// A `terraform show -json` plan (JSON with `planned_values` /
    /// `resource_changes`); given as is.
    TfPlan,
    /// Terraform / HCL2 configuration (`.tf`, `.hcl`).
    Hcl,
    /// An Airflow DAG file (Python source), summarised (see the module doc
    /// of the loader and docs/policy.md).
    Airflow,
    /// A Dockerfile.
    Dockerfile,
    /// A `.env` file of `KEY=value` lines.
    Dotenv,
}

/// Every parser name accepted by `--parser`.
pub const PARSER_NAMES: &str = "yaml, json, tfplan, hcl, airflow, dockerfile, dotenv";

impl Parser {
    /// The name used by `--parser` and in `__aigis__.parser`.
    pub fn name(self) -> &'static str {
        match self {
            Parser::Yaml => "yaml",
            Parser::Json => "json",
            Parser::TfPlan => "tfplan",
            Parser::Hcl => "hcl",
            Parser::Airflow => "airflow",
            Parser::Dockerfile => "dockerfile",
            Parser::Dotenv => "dotenv",
        }
    }

    /// Looks a parser up by its name.
    pub fn from_name(name: &str) -> Result<Parser, LoadError> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Parser::Yaml,
            "json" => Parser::Json,
            "tfplan" => Parser::TfPlan,
            "hcl" | "hcl2" | "tf" | "terraform" => Parser::Hcl,
            "airflow" | "python" | "dag" => Parser::Airflow,
            "dockerfile" | "docker" => Parser::Dockerfile,
            "dotenv" | "env" => Parser::Dotenv,
            _ => {
                return Err(LoadError::UnknownParser {
                    name: name.to_string(),
                    expected: PARSER_NAMES,
                });
            }
        })
    }

    /// The parser for a file name, if its name says what it is.
    ///
    /// `.yaml`/`.yml`/`MLmodel` -> YAML; `.json` -> JSON (a plan is
    /// recognised by content when loaded); `.tf`/`.hcl` -> HCL; `.py` ->
    /// Airflow; `Dockerfile`, `*.Dockerfile`, `Dockerfile.*` -> Dockerfile;
    /// `.env`, `*.env`, `.env.*` -> dotenv.
    pub fn for_path(path: &Path) -> Option<Parser> {
        let name = path.file_name()?.to_str()?;
        let lower = name.to_ascii_lowercase();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("yaml" | "yml") => return Some(Parser::Yaml),
            Some("json") => return Some(Parser::Json),
            Some("tf" | "hcl") => return Some(Parser::Hcl),
            Some("py") => return Some(Parser::Airflow),
            Some("env") => return Some(Parser::Dotenv),
            Some("dockerfile") => return Some(Parser::Dockerfile),
            _ => {}
        }
        if lower == "mlmodel" {
            Some(Parser::Yaml)
        } else if lower == "dockerfile" || lower.starts_with("dockerfile.") {
            Some(Parser::Dockerfile)
        } else if lower == ".env" || lower.starts_with(".env.") {
            Some(Parser::Dotenv)
        } else {
            None
        }
    }
}

/// One document of an input file, ready to be a policy's `input`.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file it came from, as given.
    pub path: PathBuf,
    /// Its 0-based index in the file (YAML streams hold several).
    pub index: usize,
    /// The parser that read it.
    pub parser: Parser,
    /// The value policies see as `input` (with `__aigis__` when an object).
    pub input: Value,
    /// Lines of keys in the file, by JSON Pointer.
    pub locations: Locations,
}

impl Document {
    /// The line for a JSON Pointer, falling back to the nearest ancestor
    /// that has one.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        self.locations.line_of(pointer)
    }
}

/// Reads a file and turns it into documents, with `forced` overriding the
/// choice by file name.
pub fn load_file(path: &Path, forced: Option<Parser>) -> Result<Vec<Document>, LoadError> {
    let parser = match forced.or_else(|| Parser::for_path(path)) {
        Some(p) => p,
        None => {
            return Err(LoadError::UnknownKind {
                path: path.to_path_buf(),
            });
        }
    };
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let (line, col) = LineIndex::new(&String::from_utf8_lossy(e.as_bytes())).line_col(offset);
        LoadError::Syntax {
            path: path.to_path_buf(),
            parser: parser.name(),
            line,
            col,
            message: "file is not valid UTF-8".to_string(),
        }
    })?;
    load_str(path, &text, parser)
}

/// Turns the text of a file into documents with the given parser.
pub fn load_str(path: &Path, text: &str, parser: Parser) -> Result<Vec<Document>, LoadError> {
    let parsed: Vec<(Value, Locations)> = match parser {
        Parser::Yaml => yaml::parse(path, text)?,
        Parser::Json | Parser::TfPlan => vec![json::parse(path, text)?],
        Parser::Hcl => vec![hcl::parse(path, text)?],
        Parser::Airflow => vec![airflow::parse(path, text)?],
        Parser::Dockerfile => vec![dockerfile::parse(text)],
        Parser::Dotenv => vec![dotenv::parse(text)],
    };
    let parser = match parser {
        Parser::Json
            if parsed
                .first()
                .is_some_and(|(v, _)| json::is_terraform_plan(v)) =>
        {
            Parser::TfPlan
        }
        p => p,
    };
    Ok(parsed
        .into_iter()
        .enumerate()
        .map(|(index, (value, locations))| {
            let input = with_meta(value, path, index, parser, &locations);
            Document {
                path: path.to_path_buf(),
                index,
                parser,
                input,
                locations,
            }
        })
        .collect())
}

fn with_meta(
    value: Value,
    path: &Path,
    index: usize,
    parser: Parser,
    locations: &Locations,
) -> Value {
    match value {
        Value::Object(mut map) => {
            let mut meta = Map::new();
            meta.insert(
                "file".into(),
                Value::String(path.to_string_lossy().into_owned()),
            );
            meta.insert("document".into(), Value::from(index));
            meta.insert("parser".into(), Value::String(parser.name().into()));
            meta.insert("lines".into(), locations.to_json());
            map.insert(META_KEY.into(), Value::Object(meta));
            Value::Object(map)
        }
        other => other,
    }
}

/// Removes the `__aigis__` key from an input, giving back the document as
/// it was in the file.
pub fn strip_meta(mut input: Value) -> Value {
    if let Value::Object(map) = &mut input {
        map.remove(META_KEY);
    }
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_by_name() {
        let p = |s: &str| Parser::for_path(Path::new(s));
        assert_eq!(p("a/b.yaml"), Some(Parser::Yaml));
        assert_eq!(p("MLmodel"), Some(Parser::Yaml));
        assert_eq!(p("main.tf"), Some(Parser::Hcl));
        assert_eq!(p("dags/etl.py"), Some(Parser::Airflow));
        assert_eq!(p("Dockerfile"), Some(Parser::Dockerfile));
        assert_eq!(p("api.Dockerfile"), Some(Parser::Dockerfile));
        assert_eq!(p(".env"), Some(Parser::Dotenv));
        assert_eq!(p(".env.prod"), Some(Parser::Dotenv));
        assert_eq!(p("notes.txt"), None);
        assert!(Parser::from_name("nope").is_err());
        assert_eq!(Parser::from_name("HCL").unwrap(), Parser::Hcl);
    }

    #[test]
    fn object_documents_get_meta() {
        let docs = load_str(Path::new("x.json"), r#"{"a": {"b": 1}}"#, Parser::Json).unwrap();
        let meta = &docs[0].input[META_KEY];
        assert_eq!(meta["file"], "x.json");
        assert_eq!(meta["parser"], "json");
        assert_eq!(meta["lines"]["/a/b"], 1);
        assert_eq!(
            strip_meta(docs[0].input.clone()),
            serde_json::json!({"a": {"b": 1}})
        );
    }
}
