//! Table-driven cases from `tests/cases/*.yaml`: values that must be found
//! (`expect`) and look-alikes that must not be (`absent`).

use std::path::Path;

use aigis_detect::{Entity, FieldHint, Scanner};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    note: Option<String>,
    text: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    expect: Vec<(String, String)>,
    #[serde(default)]
    absent: Vec<String>,
}

fn run(file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let cases: Vec<Case> = serde_yaml_ng::from_str(&text).unwrap();
    let scanner = Scanner::builtin();
    let mut failures = Vec::new();
    for c in &cases {
        let hint = c
            .field
            .as_deref()
            .map_or_else(FieldHint::default, FieldHint::named);
        let found = scanner.scan(&c.text, hint);
        let got: Vec<(Entity, &str)> = found
            .iter()
            .map(|f| (f.entity.clone(), &c.text[f.start..f.end]))
            .collect();
        for (e, v) in &c.expect {
            if !got.iter().any(|(ge, gv)| ge.as_str() == e && gv == v) {
                failures.push(format!(
                    "{}: expected {e} {v:?} in {:?}; got {got:?}",
                    file, c.text
                ));
            }
        }
        for e in &c.absent {
            if let Some(g) = got.iter().find(|(ge, _)| ge.as_str() == e) {
                failures.push(format!(
                    "{} ({}): unexpected {g:?}",
                    file,
                    c.note.as_deref().unwrap_or("")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn entities() {
    run("entities.yaml");
}

#[test]
fn lookalikes() {
    run("lookalikes.yaml");
}
