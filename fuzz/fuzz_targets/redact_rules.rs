//! The masking rules parser: any text either parses to rules that survive a
//! render/parse round trip, or gives an error with a position; never a panic.
#![no_main]

use aigis_redact::{KeySet, Layer, RuleSet, RulesError, RulesSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = RulesSource::new(Some("fuzz.toml".into()), text.to_string());
    match source.parse() {
        Ok(config) => {
            // Rendered back and parsed again, the rules are the same (NaN
            // scores aside, which compare unequal to themselves).
            let rendered = toml::to_string(&config).expect("rules serialize");
            let again = RulesSource::new(None, rendered)
                .parse()
                .expect("rendered rules parse");
            if config == config {
                assert_eq!(config, again);
            }
            // Building may fail (bad option values, keys absent) but never panics,
            // and errors carry a position.
            let keys = KeySet::with(&[("pseudonym", 1, &[1; 32]), ("mask", 1, &[2; 32])]);
            let layer = Layer {
                config: &config,
                source: Some(&source),
            };
            if let Err(e) = RuleSet::resolve(&[layer], &keys, Some(&[])) {
                let _ = e.to_string();
            }
        }
        Err(RulesError::Parse { line, .. }) => assert!(line >= 1),
        Err(other) => panic!("parse returned a non-parse error: {other}"),
    }
});
