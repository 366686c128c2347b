//! Column priors: when the field's column is known to hold an entity and
//! no recognizer reported it for most of this cell, the whole cell is
//! reported as that entity if its shape fits (letters for a name or place,
//! digits and phone punctuation for a phone number, ...). Entities whose
//! recognizers validate a checksum (cards, IBANs, IP and Bitcoin
//! addresses) are never filled: a cell that fails validation is not one.

use super::Cx;
use crate::{Entity, Finding};

pub(crate) fn fill(cx: &Cx<'_>, out: &mut Vec<Finding>, first: usize) {
    let Some(prior) = cx.hint.prior else {
        return;
    };
    let text = cx.text;
    let (start, end) = crate::lex::trim_bounds(text);
    if start >= end || end - start > 200 {
        return;
    }
    let cell = &text[start..end];
    let covered: usize = out
        .get(first..)
        .unwrap_or(&[])
        .iter()
        .filter(|f| f.entity == prior.entity)
        .map(|f| f.end.min(end).saturating_sub(f.start.max(start)))
        .sum();
    if covered * 10 >= (end - start) * 6 {
        return;
    }
    let e = &prior.entity;
    let fits = if *e == Entity::PERSON {
        person_shape(cell)
    } else if *e == Entity::LOCATION {
        cell.chars().any(char::is_alphabetic) && !cell.contains('@') && !cell.contains("://")
    } else if *e == Entity::DATE_TIME {
        cell.len() <= 40 && cell.bytes().any(|b| b.is_ascii_digit())
    } else if *e == Entity::PHONE_NUMBER {
        let d = cell.bytes().filter(u8::is_ascii_digit).count();
        (7..=20).contains(&d)
            && cell
                .bytes()
                .all(|b| b.is_ascii_digit() || b" +-().x/".contains(&b))
    } else if *e == Entity::US_SSN || *e == Entity::US_ITIN {
        cell.bytes().filter(u8::is_ascii_digit).count() == 9
            && cell
                .bytes()
                .all(|b| b.is_ascii_digit() || b" -".contains(&b))
    } else if *e == Entity::EMAIL_ADDRESS {
        cell.contains('@') && !cell.contains(char::is_whitespace)
    } else if *e == Entity::US_PASSPORT
        || *e == Entity::US_DRIVER_LICENSE
        || *e == Entity::US_BANK_NUMBER
    {
        (5..=20).contains(&cell.len())
            && cell.bytes().any(|b| b.is_ascii_digit())
            && cell.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    } else {
        false
    };
    if !fits {
        return;
    }
    let score = 0.45 + 0.45 * prior.confidence.clamp(0.0, 1.0);
    cx.emit(out, e.clone(), start, end, score, "column_prior", || {
        ("whole cell, shape fits the column's entity".into(), None)
    });
}

/// One to six words of letters (with `-`, `'`, `.`), at least one capital.
fn person_shape(cell: &str) -> bool {
    let words = cell.split_whitespace().count();
    (1..=6).contains(&words)
        && cell.len() <= 80
        && cell.chars().any(char::is_uppercase)
        && cell
            .chars()
            .all(|c| c.is_alphabetic() || c.is_whitespace() || "-'.’".contains(c))
}
