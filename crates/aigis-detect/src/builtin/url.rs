//! URL: `scheme://host/...`, `www.host/...`, and bare `host.tld/path`.
//! E-mail addresses are claimed first, so their domains are never URLs.

use super::Cx;
use crate::{Entity, Finding};

const MAX_URL: usize = 2048;

/// Top-level domains accepted for bare `host.tld/path` URLs (with a scheme
/// or `www.` any alphabetic TLD is accepted).
const BARE_TLDS: &[&[u8]] = &[
    b"com", b"org", b"net", b"edu", b"gov", b"io", b"co", b"info", b"biz", b"app", b"dev", b"ai",
    b"de", b"fr", b"es", b"uk", b"us", b"eu", b"it", b"nl", b"be", b"ch", b"at", b"ca", b"au",
    b"ie", b"pt", b"se", b"no", b"dk", b"fi", b"pl", b"cz", b"ru", b"jp", b"cn", b"in", b"br",
    b"mx", b"ar", b"cat", b"gal",
];

static SCHEME_SEP: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"://"));

#[inline]
fn url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
}

#[inline]
fn host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let bytes = cx.bytes;
    let mut last_end = 0;
    // scheme://
    for p in SCHEME_SEP.find_iter(bytes) {
        if p < last_end {
            continue;
        }
        let mut s = p;
        while s > 0
            && p - s < 12
            && (bytes[s - 1].is_ascii_alphanumeric() || b"+.-".contains(&bytes[s - 1]))
        {
            s -= 1;
        }
        while s < p && !bytes[s].is_ascii_alphabetic() {
            s += 1;
        }
        let scheme = &bytes[s..p];
        if scheme.is_empty() {
            continue;
        }
        let host_start = p + 3;
        let Some(e) = url_end(bytes, host_start) else {
            continue;
        };
        if !host_ok(bytes, host_start, e, true) {
            continue;
        }
        last_end = e;
        cx.emit(out, Entity::URL, s, e, 0.85, "url", || {
            ("scheme://host/path".into(), None)
        });
    }
    // www.
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'w', b'W', bytes.get(i..).unwrap_or(&[])) {
        let p = i + off;
        i = p + 1;
        if p < last_end
            || !bytes
                .get(p..p + 4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"www."))
        {
            continue;
        }
        if p > 0
            && (bytes[p - 1].is_ascii_alphanumeric()
                || bytes[p - 1] == b'/'
                || bytes[p - 1] == b'@'
                || bytes[p - 1] == b'.')
        {
            continue;
        }
        if out.iter().any(|f| f.start <= p && p < f.end) {
            continue;
        }
        let Some(e) = url_end(bytes, p) else {
            continue;
        };
        if !host_ok(bytes, p, e, true) {
            continue;
        }
        last_end = e;
        i = e;
        cx.emit(out, Entity::URL, p, e, 0.8, "url", || {
            ("www.host/path".into(), None)
        });
    }
    // Bare host.tld/path: found from each '/'.
    let mut from = 0;
    for slash in memchr::memchr_iter(b'/', bytes) {
        if slash < from || slash < last_end || slash == 0 {
            continue;
        }
        let mut s = slash;
        while s > 0 && host_byte(bytes[s - 1]) {
            s -= 1;
        }
        if s == slash
            || (s > 0 && (bytes[s - 1] == b'@' || bytes[s - 1] == b'/' || bytes[s - 1] == b':'))
        {
            continue;
        }
        if out.iter().any(|f| f.start < slash && s < f.end) {
            continue;
        }
        let host = &bytes[s..slash];
        let Some(dot) = memchr::memrchr(b'.', host) else {
            continue;
        };
        let tld = &host[dot + 1..];
        if !BARE_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld)) || dot == 0 {
            continue;
        }
        if !host[..dot].iter().any(u8::is_ascii_alphabetic) {
            continue;
        }
        let Some(e) = url_end(bytes, s) else {
            continue;
        };
        if e <= slash + 1 {
            continue;
        }
        from = e;
        last_end = e;
        cx.emit(out, Entity::URL, s, e, 0.6, "url", || {
            ("host.tld/path without scheme".into(), None)
        });
    }
}

/// End of a URL starting at `start`: URL bytes, then trailing punctuation
/// and unbalanced closing brackets trimmed.
fn url_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut e = start;
    let limit = (start + MAX_URL).min(bytes.len());
    while e < limit && url_byte(bytes[e]) {
        e += 1;
    }
    loop {
        let last = *bytes.get(e.checked_sub(1)?)?;
        if e > start && b".,;:!?'*".contains(&last) {
            e -= 1;
            continue;
        }
        if e > start && (last == b')' || last == b']') {
            let open = if last == b')' { b'(' } else { b'[' };
            let seg = &bytes[start..e];
            let opens = seg.iter().filter(|&&b| b == open).count();
            let closes = seg.iter().filter(|&&b| b == last).count();
            if closes > opens {
                e -= 1;
                continue;
            }
        }
        break;
    }
    (e > start).then_some(e)
}

/// The host (up to the first `/ ? # :`) has a dot-separated name with an
/// alphabetic TLD, or is an IP literal or `localhost`.
fn host_ok(bytes: &[u8], start: usize, end: usize, any_tld: bool) -> bool {
    let seg = &bytes[start..end];
    let seg = match memchr::memchr(b'@', seg) {
        Some(at) => &seg[at + 1..],
        None => seg,
    };
    let host_end = seg
        .iter()
        .position(|b| b"/?#:".contains(b))
        .unwrap_or(seg.len());
    let host = &seg[..host_end];
    if host.eq_ignore_ascii_case(b"localhost") || host.first() == Some(&b'[') {
        return true;
    }
    if std::str::from_utf8(host).is_ok_and(|h| h.parse::<std::net::Ipv4Addr>().is_ok()) {
        return true;
    }
    let Some(dot) = memchr::memrchr(b'.', host) else {
        return false;
    };
    let tld = &host[dot + 1..];
    dot > 0
        && tld.len() >= 2
        && tld.iter().all(u8::is_ascii_alphabetic)
        && (any_tld || BARE_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld)))
        && host.iter().all(|&b| host_byte(b))
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn urls(s: &str) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::URL)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn finds_urls() {
        assert_eq!(
            urls("see https://www.smith.com/category/main.html."),
            ["https://www.smith.com/category/main.html"]
        );
        assert_eq!(
            urls("\"www.colin.fr/list/blog\""),
            ["www.colin.fr/list/blog"]
        );
        assert_eq!(urls("(http://jones.org/)"), ["http://jones.org/"]);
        assert_eq!(urls("go to colin.fr/list now"), ["colin.fr/list"]);
    }

    #[test]
    fn emails_are_not_urls() {
        assert!(urls("mail me at a.b@smith.com today").is_empty());
        assert!(urls("config.yaml/main.html 3/3 replicas 07/04/2000").is_empty());
    }
}
