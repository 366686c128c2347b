//! MEDICAL_LICENSE: US DEA registration numbers (two letters, seven digits,
//! the last a check digit).

use super::Cx;
use crate::lex::flag;
use crate::validate::dea;
use crate::{Entity, Finding};

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    for t in cx.toks {
        if t.len() != 9 || t.is(flag::CLAIMED) || !t.is(flag::HAS_ALPHA) || !t.is(flag::HAS_DIGIT) {
            continue;
        }
        let b = cx.b(t);
        if !(b[0].is_ascii_uppercase() && (b[1].is_ascii_uppercase() || b[1] == b'9')) || !dea(b) {
            continue;
        }
        cx.emit(
            out,
            Entity::MEDICAL_LICENSE,
            t.start,
            t.end,
            0.65,
            "us_dea",
            || {
                (
                    "DEA number: registrant type, initial, 7 digits".into(),
                    Some("dea"),
                )
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    #[test]
    fn dea_numbers() {
        let s = "Prescriber DEA AB1234563; follow-up";
        let f = Scanner::builtin().scan(s, FieldHint::default());
        assert!(
            f.iter()
                .any(|f| f.entity == Entity::MEDICAL_LICENSE && &s[f.start..f.end] == "AB1234563")
        );
        let s = "ref AB1234564";
        assert!(Scanner::builtin().scan(s, FieldHint::default()).is_empty());
    }
}
