//! Property tests of the input loaders: arbitrary text never panics, and
//! what loads is a JSON value whose recorded key lines lie inside the file.

use std::path::Path;

use aigis_policy::{LoadError, Parser, load_str};
use proptest::prelude::*;

const PARSERS: [Parser; 6] = [
    Parser::Yaml,
    Parser::Json,
    Parser::Hcl,
    Parser::Airflow,
    Parser::Dockerfile,
    Parser::Dotenv,
];

/// Text built from pieces that matter to these grammars, so the parsers
/// get past their first token often.
fn grammar_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just(": ".to_string()),
        Just("- ".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("=".to_string()),
        Just(",".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("<<: ".to_string()),
        Just("resource \"a\" \"b\" ".to_string()),
        Just("${x.y}".to_string()),
        Just("<<EOT\n".to_string()),
        Just("EOT\n".to_string()),
        Just("def f(x=1):\n".to_string()),
        Just("DAG(dag_id=".to_string()),
        Just("f\"{a}\"".to_string()),
        Just("ENV A=1 \\\n".to_string()),
        Just("export ".to_string()),
        "[a-z0-9_.:/]{1,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn loaders_never_panic(text in grammar_soup()) {
        let lines = text.lines().count().max(1);
        for parser in PARSERS {
            match load_str(Path::new("p.txt"), &text, parser) {
                Ok(docs) => {
                    for d in docs {
                        prop_assert!(serde_json::to_string(&d.input).is_ok());
                        if let Some(line) = d.line_of("") {
                            prop_assert!(line >= 1 && line <= lines + 1, "{parser:?} line {line} of {lines}");
                        }
                    }
                }
                Err(LoadError::Syntax { line, .. }) => {
                    prop_assert!(line <= lines + 1, "{parser:?} error line {line} of {lines}");
                }
                Err(other) => prop_assert!(false, "{parser:?}: {other}"),
            }
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,200}") {
        for parser in PARSERS {
            let _ = load_str(Path::new("u.txt"), &text, parser);
        }
    }
}
