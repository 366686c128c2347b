//! The scanner on arbitrary text (bytes decoded lossily, as readers do):
//! no panic, findings in range, on char boundaries, sorted and disjoint,
//! the same with explanations (column priors confirmed or not), and the
//! secret finder in range too.
#![no_main]

use std::sync::LazyLock;

use aigis_detect::{ColumnPrior, Entity, FieldHint, Scanner, find_secrets};
use libfuzzer_sys::fuzz_target;

static SCANNER: LazyLock<Scanner> = LazyLock::new(Scanner::builtin);

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // The top bit of the selector makes the column confirmed (the scanner
    // then tries the entity's own recognizers first).
    let prior = ColumnPrior::new(
        Entity::BUILTIN[usize::from(sel) % Entity::BUILTIN.len()].clone(),
        0.9,
    )
    .confirmed(sel & 0x80 != 0);
    let hint = match sel % 3 {
        0 => FieldHint::default(),
        1 => FieldHint::named("contact_phone"),
        _ => FieldHint::named("value").with_prior(Some(&prior)),
    };
    let found = SCANNER.scan(&text, hint);
    for f in &found {
        assert!(f.start < f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert!((0.0..=1.0).contains(&f.score));
    }
    for w in found.windows(2) {
        assert!(w[0].end <= w[1].start);
    }
    if text.len() < 2048 {
        let explained: Vec<_> = SCANNER
            .explain(&text, hint)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(explained, found);
    }
    for m in find_secrets(&text) {
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end) && m.start < m.end);
    }
});
