//! `.env` files: `KEY=value` per line, `export` prefix allowed, `#`
//! comments, single- or double-quoted values (double quotes understand
//! `\n`, `\"`, `\\`).
//!
//! ```json
//! {"variables": [{"name": "DB_PASSWORD", "value": "...", "line": 3}],
//!  "env": {"DB_PASSWORD": "..."}}
//! ```

use serde_json::{Map, Value, json};

use super::lines::Locations;

pub(super) fn parse(text: &str) -> (Value, Locations) {
    let mut variables = Vec::new();
    let mut env = Map::new();
    let mut locations = Locations::new();
    locations.insert(String::new(), 1);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let value = unquote(value.trim());
        locations.insert(format!("/variables/{}", variables.len()), i + 1);
        locations.insert(super::lines::push_token("/env", name), i + 1);
        variables.push(json!({"name": name, "value": value, "line": i + 1}));
        env.insert(name.to_string(), Value::String(value));
    }
    (
        json!({"variables": variables, "env": Value::Object(env)}),
        locations,
    )
}

fn unquote(value: &str) -> String {
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.split_once('\'')) {
        return inner.0.to_string();
    }
    if let Some(inner) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        return out;
    }
    // Unquoted: an inline comment starts at " #".
    match value.find(" #") {
        Some(i) => value[..i].trim_end().to_string(),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_with_lines() {
        let (v, l) =
            parse("# c\nA=1\nexport B='two words'\nC=\"x\\ny\" \nD=plain # note\nbad line\n");
        assert_eq!(
            v["env"],
            json!({"A": "1", "B": "two words", "C": "x\ny", "D": "plain"})
        );
        assert_eq!(v["variables"][1]["line"], 3);
        assert_eq!(l.line_of("/env/D"), Some(5));
    }
}
