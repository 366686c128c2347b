//! Custom recognizers from files: aigis TOML, Presidio YAML, errors.

use std::path::Path;

use aigis_detect::{
    Entity, FieldHint, RecognizerFileError, ScanConfig, Scanner, load_recognizer_file,
    parse_presidio_yaml, parse_toml,
};

fn scanner_with(file: aigis_detect::RecognizerFile) -> Scanner {
    Scanner::builder().recognizers(file.boxed()).build()
}

fn found<'t>(s: &Scanner, text: &'t str) -> Vec<(String, &'t str)> {
    s.scan(text, FieldHint::default())
        .into_iter()
        .map(|f| (f.entity.as_str().to_string(), &text[f.start..f.end]))
        .collect()
}

#[test]
fn toml_regex_validator_context_deny_list() {
    let toml = r#"
[[recognizer]]
name = "employee_id"
entity = "EMPLOYEE_ID"
regex = '\bE-\d{6}\b'
score = 0.3
context = ["employee"]

[[recognizer]]
name = "loyalty_card"
entity = "LOYALTY_CARD"
patterns = [{ name = "16 digits", regex = '\b\d{16}\b', score = 0.9 }]
validator = "luhn"

[[recognizer]]
name = "codenames"
entity = "PROJECT"
deny_list = ["Project Titan", "sapphire"]
"#;
    let file = parse_toml(toml, Path::new("r.toml")).unwrap();
    assert_eq!(file.recognizers.len(), 3);
    let s = scanner_with(file);
    // Low score alone, boosted by context.
    assert!(
        found(&s, "ref E-123456")
            .iter()
            .all(|(e, _)| e != "EMPLOYEE_ID")
    );
    assert!(found(&s, "employee E-123456").contains(&("EMPLOYEE_ID".into(), "E-123456")));
    // Validator.
    assert!(
        found(&s, "x 7992739871300000 y")
            .iter()
            .all(|(e, _)| e != "LOYALTY_CARD")
    );
    // Deny list: whole words, case-insensitive by default.
    let f = found(&s, "about project titan and Sapphires and SAPPHIRE.");
    assert!(f.contains(&("PROJECT".into(), "project titan")));
    assert!(f.contains(&("PROJECT".into(), "SAPPHIRE")));
    assert!(!f.iter().any(|(_, v)| *v == "Sapphire"));
}

#[test]
fn presidio_yaml() {
    let yaml = r#"
global_regex_flags: 26
recognizers:
  -
    name: "Zip code Recognizer"
    supported_language: "en"
    patterns:
      -
         name: "zip code (weak)"
         regex: "(\\b\\d{5}(?:\\-\\d{4})?\\b)"
         score: 0.01
    context:
     - zip
     - code
    supported_entity: "ZIP"
  -
    name: "Titles recognizer"
    supported_language: "en"
    supported_entity: "TITLE"
    deny_list:
      - Mr.
      - Dr.
  - name: UrlRecognizer
    type: predefined
    enabled: false
  - SpacyRecognizer
"#;
    let file = parse_presidio_yaml(yaml, Path::new("p.yaml")).unwrap();
    assert_eq!(file.recognizers.len(), 2);
    assert_eq!(file.disable, vec![Entity::URL]);
    assert_eq!(file.ignored, vec!["SpacyRecognizer".to_string()]);
    // Presidio's weak 0.01 pattern plus context reaches 0.4: below aigis's
    // default minimum, above a lowered one.
    let s = Scanner::builder()
        .min_score(0.3)
        .recognizers(file.boxed())
        .build();
    let text = "zip code 10023";
    let f: Vec<_> = s
        .scan(text, FieldHint::default())
        .into_iter()
        .filter(|f| f.entity.as_str() == "ZIP")
        .collect();
    assert_eq!(f.len(), 1);
}

#[test]
fn errors_name_file_line_and_problem() {
    let bad_regex = "[[recognizer]]\nname = \"x\"\nentity = \"X\"\nregex = '(?<=a)b'\n";
    let e = parse_toml(bad_regex, Path::new("r.toml")).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(e, RecognizerFileError::Invalid { line: 1, .. }),
        "{msg}"
    );
    assert!(
        msg.starts_with("r.toml:1: recognizer \"x\": pattern 1"),
        "{msg}"
    );

    let unknown_field = "[[recognizer]]\nname = \"x\"\nentity = \"X\"\nregexp = 'a'\n";
    let e = parse_toml(unknown_field, Path::new("r.toml")).unwrap_err();
    assert!(
        matches!(e, RecognizerFileError::Syntax { line: 4, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("unknown field"), "{e}");

    let bad_validator =
        "[[recognizer]]\nname = \"x\"\nentity = \"X\"\nregex = 'a'\nvalidator = \"crc\"\n";
    let e = parse_toml(bad_validator, Path::new("r.toml")).unwrap_err();
    assert!(e.to_string().contains("expected one of luhn"), "{e}");

    let empty = "[[recognizer]]\nname = \"x\"\nentity = \"X\"\n";
    assert!(
        parse_toml(empty, Path::new("r.toml"))
            .unwrap_err()
            .to_string()
            .contains("expected at least one of")
    );

    let yaml = "recognizers:\n  - name: a\n    supported_entity: A\n    patterns:\n      - regex: 12\n        scor: 1\n";
    let e = parse_presidio_yaml(yaml, Path::new("p.yaml")).unwrap_err();
    assert!(matches!(e, RecognizerFileError::Syntax { .. }), "{e}");

    // Deny-list values never appear in errors.
    let secret = "[[recognizer]]\nname = \"x\"\nentity = \"X\"\ndeny_list = [\"Top Secret Person\"]\ndeny_list_score = 2.0\n";
    let e = parse_toml(secret, Path::new("r.toml")).unwrap_err();
    assert!(!e.to_string().contains("Top Secret"), "{e}");
}

/// Test fixture writer (the disallowed `std::fs::write` is about outputs).
fn put(path: std::path::PathBuf, content: &str) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(content.as_bytes()).unwrap();
}

#[test]
fn files_and_config() {
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path().join("r.toml"),
        "[[recognizer]]\nname = \"emp\"\nentity = \"EMPLOYEE_ID\"\nregex = 'E-\\d{6}'\nscore = 0.9\n",
    );
    assert_eq!(
        load_recognizer_file(&dir.path().join("r.toml"))
            .unwrap()
            .recognizers
            .len(),
        1
    );
    assert!(matches!(
        load_recognizer_file(&dir.path().join("r.txt")),
        Err(RecognizerFileError::Io { .. })
    ));
    put(dir.path().join("r.txt"), "");
    assert!(matches!(
        load_recognizer_file(&dir.path().join("r.txt")),
        Err(RecognizerFileError::UnknownFormat { .. })
    ));

    let cfg: ScanConfig = toml::from_str(
        "min_score = 0.6\ndisable = [\"URL\"]\nrecognizer_files = [\"r.toml\"]\n[[recognizer]]\nname = \"inline\"\nentity = \"TICKET\"\nregex = 'TCK-\\d+'\nscore = 0.8\n",
    )
    .unwrap();
    let s = cfg.build(dir.path()).unwrap();
    let text = "E-123456 TCK-9 http://x.org/a";
    let ents: Vec<String> = s
        .scan(text, FieldHint::default())
        .into_iter()
        .map(|f| f.entity.as_str().to_string())
        .collect();
    assert_eq!(ents, ["EMPLOYEE_ID", "TICKET"]);
    assert!(toml::from_str::<ScanConfig>("min_scor = 1").is_err());
}
