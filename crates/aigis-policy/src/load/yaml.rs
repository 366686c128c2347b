//! YAML streams (multi-document) with the line of every key.
//!
//! saphyr parses YAML 1.2 (core schema) and keeps a span on every node;
//! aliases are expanded with saphyr's expansion budget (so an alias bomb is
//! an error, not an out-of-memory). Merge keys (`<<: *base`) are applied the
//! way Kubernetes tooling does: keys already in the mapping win. Empty
//! documents are skipped.

use std::path::Path;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};

use super::lines::{Locations, push_token};
use crate::error::LoadError;

/// Deepest nesting accepted; deeper input is rejected instead of risking
/// the stack.
const MAX_DEPTH: usize = 256;

pub(super) fn parse(path: &Path, text: &str) -> Result<Vec<(Value, Locations)>, LoadError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| LoadError::Syntax {
        path: path.to_path_buf(),
        parser: "yaml",
        line: e.marker().line(),
        col: e.marker().col() + 1,
        message: e.info().to_string(),
    })?;
    let mut out = Vec::with_capacity(docs.len());
    for doc in &docs {
        if matches!(doc.data, YamlData::Value(Scalar::Null) | YamlData::BadValue) {
            continue;
        }
        let mut locations = Locations::new();
        let value = convert(path, doc, String::new(), &mut locations, 0)?;
        out.push((value, locations));
    }
    Ok(out)
}

fn too_deep(path: &Path, node: &MarkedYaml<'_>) -> LoadError {
    LoadError::Syntax {
        path: path.to_path_buf(),
        parser: "yaml",
        line: node.span.start.line(),
        col: node.span.start.col() + 1,
        message: format!("nesting deeper than {MAX_DEPTH} levels"),
    }
}

fn convert(
    path: &Path,
    node: &MarkedYaml<'_>,
    pointer: String,
    locations: &mut Locations,
    depth: usize,
) -> Result<Value, LoadError> {
    if depth > MAX_DEPTH {
        return Err(too_deep(path, node));
    }
    locations.insert(pointer.clone(), node.span.start.line());
    Ok(match &node.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(text, _, _) => Value::String(text.to_string()),
        YamlData::Tagged(_, inner) => convert(path, inner, pointer, locations, depth + 1)?,
        YamlData::Sequence(items) => {
            let mut arr = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let p = push_token(&pointer, &i.to_string());
                arr.push(convert(path, item, p, locations, depth + 1)?);
            }
            Value::Array(arr)
        }
        YamlData::Mapping(map) => {
            let mut obj = Map::new();
            let mut merges = Vec::new();
            for (k, v) in map {
                let key = key_string(k);
                if key == "<<" && matches!(k.data, YamlData::Value(Scalar::String(_))) {
                    merges.push(v);
                    continue;
                }
                let p = push_token(&pointer, &key);
                locations.insert(p.clone(), k.span.start.line());
                let value = convert(path, v, p, locations, depth + 1)?;
                obj.insert(key, value);
            }
            for merge in merges {
                let sources: Vec<&MarkedYaml<'_>> = match &merge.data {
                    YamlData::Sequence(items) => items.iter().collect(),
                    _ => vec![merge],
                };
                for source in sources {
                    if let Value::Object(extra) =
                        convert(path, source, pointer.clone(), locations, depth + 1)?
                    {
                        for (k, v) in extra {
                            obj.entry(k).or_insert(v);
                        }
                    }
                }
            }
            Value::Object(obj)
        }
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    })
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::from(*i),
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner())
            .map(Value::Number)
            // .nan and .inf have no JSON form; keep their YAML spelling.
            .unwrap_or_else(|| Value::String(f.into_inner().to_string())),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

/// Mapping keys become strings: scalars by their plain spelling, anything
/// else (rare: a sequence as a key) by its JSON text.
fn key_string(node: &MarkedYaml<'_>) -> String {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => s.to_string(),
        YamlData::Value(Scalar::Null) => "null".to_string(),
        YamlData::Value(s) => match scalar(s) {
            Value::String(s) => s,
            v => v.to_string(),
        },
        YamlData::Representation(text, _, _) => text.to_string(),
        YamlData::Tagged(_, inner) => key_string(inner),
        _ => {
            let mut scratch = Locations::new();
            convert(Path::new(""), node, String::new(), &mut scratch, 0)
                .map(|v| v.to_string())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Vec<(Value, Locations)> {
        parse(Path::new("t.yaml"), text).unwrap()
    }

    #[test]
    fn multi_document_with_lines() {
        let docs = load(
            "a: 1\n---\nkind: Endpoint\nspec:\n  auth:\n    required: false\n  models:\n    - name: m\n      stage: dev\n",
        );
        assert_eq!(docs.len(), 2);
        let (v, l) = &docs[1];
        assert_eq!(v["spec"]["auth"]["required"], false);
        assert_eq!(l.line_of("/kind"), Some(3));
        assert_eq!(l.line_of("/spec/auth/required"), Some(6));
        assert_eq!(l.line_of("/spec/models/0"), Some(8));
        assert_eq!(l.line_of("/spec/models/0/stage"), Some(9));
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let (v, _) = &load("i: 42\nf: 0.5\nb: true\nn: null\ns: 'yes'\nt: yes\nbig: 1e3\n")[0];
        assert_eq!(v["i"], 42);
        assert_eq!(v["f"], 0.5);
        assert_eq!(v["b"], true);
        assert!(v["n"].is_null());
        assert_eq!(v["s"], "yes");
        assert_eq!(v["t"], "yes");
        assert_eq!(v["big"], 1000.0);
    }

    #[test]
    fn merge_keys_and_anchors() {
        let (v, _) = &load("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n")[0];
        assert_eq!(v["d"], serde_json::json!({"x": 1, "y": 3}));
    }

    #[test]
    fn empty_documents_are_skipped() {
        assert_eq!(load("---\n---\na: 1\n").len(), 1);
        assert!(load("").is_empty());
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse(Path::new("bad.yaml"), "a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        match err {
            LoadError::Syntax { line, parser, .. } => {
                assert_eq!(parser, "yaml");
                assert!(line >= 2, "line {line}");
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        assert!(parse(Path::new("bomb.yaml"), &text).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(5000) + &"]".repeat(5000);
        assert!(parse(Path::new("deep.yaml"), &text).is_err());
    }
}
