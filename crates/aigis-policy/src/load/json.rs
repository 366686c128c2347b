//! JSON documents, and `terraform show -json` plans recognised by content.
//!
//! serde_json reads the value (exactly, as OPA would); for files up to
//! [`POSITION_LIMIT`] bytes the same text is also read by the YAML parser
//! (JSON is YAML 1.2) only to learn the line of each key.

use std::path::Path;

use serde_json::Value;

use super::lines::Locations;
use crate::error::LoadError;

/// Files larger than this get no per-key lines (only line 1 for the
/// document), to keep big plan files cheap.
pub const POSITION_LIMIT: usize = 4 * 1024 * 1024;

pub(super) fn parse(path: &Path, text: &str) -> Result<(Value, Locations), LoadError> {
    let value: Value = serde_json::from_str(text).map_err(|e| LoadError::Syntax {
        path: path.to_path_buf(),
        parser: "json",
        line: e.line(),
        col: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    let mut locations = Locations::new();
    if text.len() <= POSITION_LIMIT
        && let Ok(docs) = super::yaml::parse(path, text)
        && let Some((_, lines)) = docs.into_iter().next()
    {
        locations = lines;
    }
    if locations.is_empty() {
        locations.insert(String::new(), 1);
    }
    Ok((value, locations))
}

/// serde_json appends " at line L column C"; the position is reported
/// separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// True for the output of `terraform show -json PLAN`.
pub(super) fn is_terraform_plan(value: &Value) -> bool {
    value.get("terraform_version").is_some()
        && (value.get("planned_values").is_some() || value.get("resource_changes").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_for_keys() {
        let (v, l) = parse(
            Path::new("a.json"),
            "{\n  \"a\": {\n    \"b\": [1, 2]\n  }\n}\n",
        )
        .unwrap();
        assert_eq!(v["a"]["b"][1], 2);
        assert_eq!(l.line_of("/a/b"), Some(3));
    }

    #[test]
    fn error_names_line_and_column() {
        let err = parse(Path::new("bad.json"), "{\n  \"a\": 1,\n}\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("bad.json:3:1: invalid json:"), "{text}");
        assert!(!text.contains(" at line "), "{text}");
    }

    #[test]
    fn plans_are_recognised() {
        let v = serde_json::json!({"terraform_version": "1.9.0", "planned_values": {}});
        assert!(is_terraform_plan(&v));
        assert!(!is_terraform_plan(&serde_json::json!({"a": 1})));
    }
}
