//! Applying operators to arbitrary text and spans: never a panic, output
//! valid UTF-8, and every byte outside the reported spans copied in order.
#![no_main]

use aigis_detect::{Entity, Finding};
use aigis_redact::{FieldContext, KeySet, Layer, MaskConfig, RuleSet, RulesSource};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const EXTRA_RULES: &str = r#"
[columns.m]
operator = "mask"
keep_last = 2
[columns.e]
operator = "encrypt"
[columns.d]
operator = "date_shift"
[columns.g]
operator = "generalize"
date = "month"
[columns.k]
operator = "keep"
[columns.t]
operator = "tokenize"
format = "generic"
"#;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let keys = KeySet::with(&[("pseudonym", 1, &[1; 32]), ("mask", 1, &[2; 32])]);
        let src = RulesSource::new(None, EXTRA_RULES.to_string());
        let cfg: MaskConfig = src.parse().expect("fixed rules parse");
        RuleSet::resolve(
            &[Layer {
                config: &cfg,
                source: Some(&src),
            }],
            &keys,
            None,
        )
        .expect("fixed rules build")
    })
}

fuzz_target!(|data: &[u8]| {
    // [column selector][n spans][3 bytes per span: start, end, entity][text...]
    let Some((&col, rest)) = data.split_first() else {
        return;
    };
    let Some((&n, rest)) = rest.split_first() else {
        return;
    };
    let n = usize::from(n % 8).min(rest.len() / 3);
    let (spec, text) = rest.split_at(n * 3);
    let text = String::from_utf8_lossy(text);
    let entities = [
        Entity::PERSON,
        Entity::CREDIT_CARD,
        Entity::US_SSN,
        Entity::IBAN_CODE,
        Entity::IP_ADDRESS,
        Entity::DATE_TIME,
        Entity::EMAIL_ADDRESS,
        Entity::new("CUSTOM"),
    ];
    let findings: Vec<Finding> = spec
        .chunks_exact(3)
        .map(|c| Finding {
            entity: entities[usize::from(c[2]) % entities.len()].clone(),
            start: usize::from(c[0]),
            end: usize::from(c[1]),
            score: f32::from(c[2]) / 255.0,
            recognizer: "fuzz",
        })
        .collect();
    let columns = [
        None,
        Some("m"),
        Some("e"),
        Some("d"),
        Some("g"),
        Some("k"),
        Some("t"),
    ];
    let column = columns[usize::from(col) % columns.len()];
    let cx = FieldContext {
        column,
        subject: (col % 2 == 0).then_some("subject"),
    };
    let mut out = String::new();
    let mut actions = Vec::new();
    rules().apply_field(&text, &findings, &cx, &mut out, &mut actions);
    let (mut pos, mut opos) = (0, 0);
    for a in &actions {
        assert!(a.start >= pos && a.start < a.end && a.end <= text.len());
        assert_eq!(text[pos..a.start], out[opos..a.out_start]);
        pos = a.end;
        opos = a.out_end;
    }
    assert_eq!(text[pos..], out[opos..]);
});
