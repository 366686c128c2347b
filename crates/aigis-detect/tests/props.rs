//! Invariants on arbitrary input: no panic, offsets in range and on char
//! boundaries, output sorted and non-overlapping, scores in [0, 1],
//! deterministic.

use aigis_detect::{ColumnPrior, Entity, FieldHint, Scanner, find_secrets};
use proptest::prelude::*;

fn check(s: &Scanner, text: &str, hint: FieldHint<'_>) {
    let a = s.scan(text, hint);
    for w in a.windows(2) {
        assert!(w[0].end <= w[1].start, "overlap {:?} {:?}", w[0], w[1]);
    }
    for f in &a {
        assert!(f.start < f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert!((0.0..=1.0).contains(&f.score));
    }
    assert_eq!(a, s.scan(text, hint));
    if text.len() < 4096 {
        let explained: Vec<_> = s.explain(text, hint).into_iter().map(|(f, _)| f).collect();
        assert_eq!(explained, a);
    }
}

/// Text built from pieces that exercise many recognizers.
fn pieces() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("4111 1111 1111 1111".to_string()),
        Just("211-28-7964".to_string()),
        Just("+49(0)8109434136".to_string()),
        Just("GB82 WEST 1234 5698 7654 32".to_string()),
        Just("Jennifer Moore".to_string()),
        Just("519 Nathan Forge, Port Jillville, FM 92179".to_string()),
        Just("a@b.com".to_string()),
        Just("https://x.org/".to_string()),
        Just("2021-09-22".to_string()),
        Just("12c2::1".to_string()),
        Just("password=Zx8!qR2#pL9w".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
        Just(" ".to_string()),
        Just(", ".to_string()),
        Just("\n".to_string()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(text in "\\PC{0,200}") {
        let s = Scanner::builtin();
        check(&s, &text, FieldHint::default());
        let _ = find_secrets(&text);
    }

    #[test]
    fn structured_text(text in pieces()) {
        let s = Scanner::builtin();
        check(&s, &text, FieldHint::default());
        let prior = ColumnPrior::new(Entity::PERSON, 0.9);
        check(&s, &text, FieldHint::named("name").with_prior(Some(&prior)));
        for entity in [Entity::PERSON, Entity::LOCATION, Entity::CREDIT_CARD, Entity::EMAIL_ADDRESS] {
            let open = ColumnPrior::new(entity.clone(), 1.0);
            let sure = open.clone().confirmed(true);
            let hint = FieldHint::named("c");
            check(&s, &text, hint.with_prior(Some(&sure)));
            // A confirmed column either settles the cell as its entity whole
            // or scans it exactly as an unconfirmed one.
            let fast = s.scan(&text, hint.with_prior(Some(&sure)));
            let full = s.scan(&text, hint.with_prior(Some(&open)));
            let whole = match fast.as_slice() {
                [f] => f.entity == entity
                    && f.start <= text.len() - text.trim_start().len()
                    && f.end >= text.trim_end().len(),
                _ => false,
            };
            prop_assert!(whole || fast == full, "{text:?} {entity}: {fast:?} vs {full:?}");
        }
        for m in find_secrets(&text) {
            prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        }
    }

    #[test]
    fn bytes_as_text(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        check(&Scanner::builtin(), &text, FieldHint::named("x"));
    }
}

#[test]
fn pathological_repetition() {
    let s = Scanner::builtin();
    for unit in [
        "1 ",
        "A ",
        "Aa ",
        "1.",
        "1-",
        "a@",
        "@a.",
        "www.",
        "::",
        "-----BEGIN ",
        "Mr. ",
        "x=",
        "eyJ.",
    ] {
        let text = unit.repeat(5_000);
        check(&s, &text, FieldHint::default());
    }
}
