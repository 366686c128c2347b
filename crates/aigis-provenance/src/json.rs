//! Canonical JSON: object keys sorted by their UTF-8 bytes, no whitespace,
//! strings escaped minimally (non-ASCII written as UTF-8). This is the form
//! securesystemslib hashes for key ids and the form aigis writes statement
//! payloads in, so the same statement always has the same bytes (and, with
//! deterministic signatures, the same envelope). Written here rather than
//! relying on `serde_json::Value`'s map order, which a cargo feature
//! (`preserve_order`) elsewhere in the build could change.

use serde_json::Value;

/// Serializes `value` canonically.
pub fn canonical_json(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(&Value::String(key.clone()), out);
                out.push(b':');
                write_value(item, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        scalar => write_scalar(scalar, out),
    }
}

fn write_scalar(value: &Value, out: &mut Vec<u8>) {
    // Writing a scalar Value into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_keys_recursively_without_spaces() {
        let v = serde_json::json!({"b": 1, "a": {"z": [true, null], "é": "é"}});
        assert_eq!(
            String::from_utf8(canonical_json(&v)).unwrap(),
            r#"{"a":{"z":[true,null],"é":"é"},"b":1}"#
        );
    }
}
