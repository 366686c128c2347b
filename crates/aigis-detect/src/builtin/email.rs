//! EMAIL_ADDRESS: `local@domain.tld`, found from each `@`.

use super::Cx;
use crate::{Entity, Finding};

const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 255;

#[inline]
fn local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._%+-'".contains(&b)
}

#[inline]
fn domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let bytes = cx.bytes;
    let mut last_end = 0;
    for at in memchr::memchr_iter(b'@', bytes) {
        if at < last_end {
            continue;
        }
        if let Some((s, e)) = span_at(bytes, at) {
            last_end = e;
            cx.emit(out, Entity::EMAIL_ADDRESS, s, e, 0.9, "email", || {
                (
                    "local part @ domain with a known-shape top-level domain".into(),
                    None,
                )
            });
        }
    }
}

/// The e-mail address around the `@` at `at`, if it is one.
pub(crate) fn span_at(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    // Local part, leftwards.
    let mut s = at;
    while s > 0 && at - s < MAX_LOCAL && local_byte(bytes[s - 1]) {
        s -= 1;
    }
    while s < at && matches!(bytes[s], b'.' | b'\'' | b'-' | b'+') {
        s += 1;
    }
    if s == at || bytes.get(at - 1) == Some(&b'.') {
        return None;
    }
    // Mailbox names don't follow a letter/digit directly (`a@b` inside a
    // longer token is fine, `x://user@host` is a URL credential).
    if s > 0 && (bytes[s - 1] == b'/' || bytes[s - 1] == b':') {
        return None;
    }
    // Domain, rightwards.
    let mut e = at + 1;
    while e < bytes.len() && e - at <= MAX_DOMAIN && domain_byte(bytes[e]) {
        e += 1;
    }
    while e > at + 1 && matches!(bytes[e - 1], b'.' | b'-') {
        e -= 1;
    }
    let domain = bytes.get(at + 1..e)?;
    let mut labels = 0;
    let mut tld: &[u8] = &[];
    for label in domain.split(|&b| b == b'.') {
        if label.is_empty()
            || label.len() > 63
            || label[0] == b'-'
            || label[label.len() - 1] == b'-'
        {
            return None;
        }
        labels += 1;
        tld = label;
    }
    if labels < 2 || tld.len() < 2 || tld.len() > 24 || !tld.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    Some((s, e))
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn emails(s: &str) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::EMAIL_ADDRESS)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn finds_addresses() {
        assert_eq!(
            emails("mail jenspeterniemeier@yahoo.de."),
            ["jenspeterniemeier@yahoo.de"]
        );
        assert_eq!(
            emails("login ok user=a.b+x@mail.example.co.uk src"),
            ["a.b+x@mail.example.co.uk"]
        );
    }

    #[test]
    fn rejects_lookalikes() {
        assert!(emails("@home user@localhost a@b.1 x@.com").is_empty());
        assert!(emails("https://user@github.com/x").is_empty());
    }
}
