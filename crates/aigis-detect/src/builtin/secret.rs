//! SECRET: credentials in text and configs. Each kind reports its own
//! recognizer name (`secret_aws_access_key`, `secret_private_key`,
//! `secret_jwt`, `secret_github_token`, `secret_slack_token`,
//! `secret_stripe_key`, `secret_google_api_key`, `secret_assignment`).
//!
//! Prefix-shaped tokens are found with one Aho-Corasick pass; generic
//! `password=` / `token: "..."` assignments are found from each `=` or `:`
//! and reported only when the value is long and random enough (Shannon
//! entropy) and not a placeholder.

use std::sync::LazyLock;

use super::Cx;
use crate::lex::Token;
use crate::validate::entropy;
use crate::{Entity, Finding};

/// One secret found by [`find_secrets`]. The value is never included.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SecretMatch {
    /// Kind of secret (`"aws_access_key"`, `"private_key"`, `"jwt"`,
    /// `"github_token"`, `"slack_token"`, `"stripe_key"`,
    /// `"google_api_key"`, `"assignment"`).
    pub kind: &'static str,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Confidence in `[0, 1]`.
    pub score: f32,
}

/// Finds secrets in `text`: the function the policy engine exposes as
/// `aigis.secrets(str)`. Results are sorted by position and do not
/// overlap; offsets are UTF-8 byte offsets on char boundaries.
pub fn find_secrets(text: &str) -> Vec<SecretMatch> {
    let mut v = Vec::new();
    let mut toks = Vec::new();
    crate::lex::tokenize(text, &mut toks);
    scan(text.as_bytes(), &toks, &mut |kind, start, end, score| {
        v.push(SecretMatch {
            kind,
            start,
            end,
            score,
        });
    });
    v.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut out: Vec<SecretMatch> = Vec::with_capacity(v.len());
    for m in v {
        if out.last().is_some_and(|l| m.start < l.end) {
            continue;
        }
        out.push(m);
    }
    out
}

static BEGIN: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"-----BEGIN "));

/// The secret prefix starting at `s`, if any.
fn prefix_at(bytes: &[u8], s: usize) -> Option<&'static str> {
    let rest = bytes.get(s..)?;
    let p = match rest.first()? {
        b'A' => ["AKIA", "ASIA", "AIza"]
            .into_iter()
            .find(|p| rest.starts_with(p.as_bytes()))?,
        b'e' => rest.starts_with(b"eyJ").then_some("eyJ")?,
        b'g' => ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]
            .into_iter()
            .find(|p| rest.starts_with(p.as_bytes()))?,
        b'x' => (rest.len() > 5
            && rest.starts_with(b"xox")
            && rest[4] == b'-'
            && b"bpasre".contains(&rest[3]))
        .then_some("xox")?,
        b's' | b'r' => ["sk_live_", "rk_live_", "sk_test_"]
            .into_iter()
            .find(|p| rest.starts_with(p.as_bytes()))?,
        _ => return None,
    };
    Some(p)
}

/// Keys whose values are secrets when assigned.
const KEYS: &[&[u8]] = &[
    b"password",
    b"passwd",
    b"pwd",
    b"pass",
    b"passphrase",
    b"secret",
    b"token",
    b"apikey",
    b"api_key",
    b"api-key",
    b"access_key",
    b"secret_key",
    b"private_key",
    b"client_secret",
    b"auth",
    b"credentials",
    b"credential",
    b"access_token",
    b"refresh_token",
    b"auth_token",
    b"bearer",
    b"session_key",
    b"signing_key",
    b"encryption_key",
    b"master_key",
];

/// Values that are placeholders, not secrets.
const PLACEHOLDERS: &[&[u8]] = &[
    b"password",
    b"changeme",
    b"change_me",
    b"redacted",
    b"example",
    b"placeholder",
    b"secret",
    b"token",
    b"null",
    b"none",
    b"true",
    b"false",
    b"undefined",
    b"your_password",
    b"xxxxxxxx",
    b"required",
    b"optional",
    b"string",
    b"hidden",
    b"masked",
    b"empty",
];

#[inline]
fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn run_end(bytes: &[u8], from: usize, ok: impl Fn(u8) -> bool, max: usize) -> usize {
    let mut e = from;
    while e < bytes.len() && e - from < max && ok(bytes[e]) {
        e += 1;
    }
    e
}

/// Runs every secret rule over `bytes` (whose tokens are `toks`), calling
/// `hit(kind, start, end, score)`.
pub(crate) fn scan(
    bytes: &[u8],
    toks: &[Token],
    hit: &mut dyn FnMut(&'static str, usize, usize, f32),
) {
    // Every prefix-shaped secret is at least 15 bytes long, every
    // assignment at least 12 (key, '=', eight-byte value).
    if bytes.len() < 12 {
        return;
    }
    let mut last_end = 0;
    if bytes.len() >= 30 {
        for s in BEGIN.find_iter(bytes) {
            if let Some((e, kind, score)) = private_key(bytes, s) {
                last_end = e;
                hit(kind, s, e, score);
            }
        }
    }
    for t in toks {
        let s = t.start;
        if s < last_end || t.len() < 3 {
            continue;
        }
        let Some(p) = prefix_at(bytes, s) else {
            continue;
        };
        let glued = s > 0 && word(bytes[s - 1]);
        if glued {
            continue;
        }
        let found = match p {
            "AKIA" | "ASIA" => {
                let e = run_end(
                    bytes,
                    s,
                    |b| b.is_ascii_uppercase() || b.is_ascii_digit(),
                    21,
                );
                (e - s == 20 && !bytes.get(e).is_some_and(|&b| word(b))).then_some((
                    e,
                    "aws_access_key",
                    0.95,
                ))
            }
            "eyJ" => jwt(bytes, s),
            "AIza" => {
                let e = run_end(bytes, s, word, 40);
                (e - s == 39).then_some((e, "google_api_key", 0.9))
            }
            "xox" => {
                let e = run_end(bytes, s, |b| b.is_ascii_alphanumeric() || b == b'-', 255);
                (e - s >= 15 && bytes[s..e].iter().filter(|b| b.is_ascii_digit()).count() >= 4)
                    .then_some((e, "slack_token", 0.9))
            }
            _ if p.starts_with("gh") => {
                let e = run_end(bytes, s, |b| b.is_ascii_alphanumeric() || b == b'_', 255);
                let body = e - s - p.len();
                let ok = if p == "github_pat_" {
                    body >= 40
                } else {
                    body == 36
                };
                ok.then_some((e, "github_token", 0.95))
            }
            _ => {
                let e = run_end(bytes, s, |b| b.is_ascii_alphanumeric() || b == b'_', 255);
                let live = p.contains("live");
                (e - s - p.len() >= 20).then_some((e, "stripe_key", if live { 0.95 } else { 0.7 }))
            }
        };
        if let Some((e, kind, score)) = found {
            last_end = e;
            hit(kind, s, e, score);
        }
    }
    assignments(bytes, hit);
}

fn private_key(bytes: &[u8], s: usize) -> Option<(usize, &'static str, f32)> {
    let head_end =
        s + memchr::memmem::find(bytes.get(s..(s + 80).min(bytes.len()))?, b"-----\n").or_else(
            || {
                memchr::memmem::find(bytes.get(s + 5..(s + 80).min(bytes.len()))?, b"-----")
                    .map(|x| x + 5)
            },
        )? + 5;
    let head = bytes.get(s..head_end)?;
    memchr::memmem::find(head, b"PRIVATE KEY")?;
    let limit = (head_end + 16 * 1024).min(bytes.len());
    let body = bytes.get(head_end..limit)?;
    let e = match memchr::memmem::find(body, b"-----END ") {
        Some(p) => {
            let tail = head_end + p;
            let close = memchr::memmem::find(bytes.get(tail + 9..limit)?, b"-----")
                .map(|x| tail + 9 + x + 5);
            close.unwrap_or(tail)
        }
        None => {
            // No footer: take the base64 lines that follow.
            head_end
                + body
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"+/=\r\n".contains(b))
                    .count()
        }
    };
    Some((e, "private_key", 0.99))
}

fn jwt(bytes: &[u8], s: usize) -> Option<(usize, &'static str, f32)> {
    let seg = |from: usize| {
        run_end(
            bytes,
            from,
            |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            8192,
        )
    };
    let e1 = seg(s);
    if e1 - s < 10 || bytes.get(e1) != Some(&b'.') {
        return None;
    }
    if bytes.get(e1 + 1..e1 + 4) != Some(b"eyJ") {
        return None;
    }
    let e2 = seg(e1 + 1);
    if e2 - e1 < 10 || bytes.get(e2) != Some(&b'.') {
        return None;
    }
    let e3 = seg(e2 + 1);
    if e3 - e2 < 9 {
        return None;
    }
    Some((e3, "jwt", 0.95))
}

/// `key = value`, `key: "value"`, `"key": "value"` with a secret-ish key.
fn assignments(bytes: &[u8], hit: &mut dyn FnMut(&'static str, usize, usize, f32)) {
    let mut last_end = 0;
    for p in memchr::memchr2_iter(b'=', b':', bytes) {
        if p < last_end {
            continue;
        }
        // Key: skip spaces and a closing quote leftwards, then identifier.
        let mut k = p;
        while k > 0 && bytes[k - 1] == b' ' {
            k -= 1;
        }
        if k > 0 && (bytes[k - 1] == b'"' || bytes[k - 1] == b'\'') {
            k -= 1;
        }
        let key_end = k;
        while k > 0 && (word(bytes[k - 1]) || bytes[k - 1] == b'.') && key_end - k < 64 {
            k -= 1;
        }
        let key = &bytes[k..key_end];
        if key.len() < 3 || !key_tail(key) || !key_matches(key) {
            continue;
        }
        // Value.
        let mut v = p + 1;
        if bytes.get(v) == Some(&b'=') || bytes.get(v) == Some(&b'>') {
            v += 1;
        }
        while bytes.get(v) == Some(&b' ') {
            v += 1;
        }
        let quote = match bytes.get(v) {
            Some(&q @ (b'"' | b'\'')) => {
                v += 1;
                Some(q)
            }
            _ => None,
        };
        let e = match quote {
            Some(q) => run_end(bytes, v, |b| b != q && b != b'\n', 256),
            None => run_end(
                bytes,
                v,
                |b| !b.is_ascii_whitespace() && !b",;&\"'<>)}]".contains(&b),
                256,
            ),
        };
        if let Some(score) = value_score(&bytes[v..e]) {
            last_end = e;
            hit("assignment", v, e, score);
        }
    }
}

/// Cheap filter on the key's last three letters before the full check.
fn key_tail(key: &[u8]) -> bool {
    let n = key.len();
    let t = [
        key[n - 3].to_ascii_lowercase(),
        key[n - 2].to_ascii_lowercase(),
        key[n - 1].to_ascii_lowercase(),
    ];
    matches!(
        &t,
        b"ord"
            | b"swd"
            | b"pwd"
            | b"ass"
            | b"ase"
            | b"ret"
            | b"ken"
            | b"key"
            | b"uth"
            | b"als"
            | b"ial"
            | b"rer"
    )
}

fn key_matches(key: &[u8]) -> bool {
    let mut buf = [0u8; 64];
    let Some(l) = buf.get_mut(..key.len()) else {
        return false;
    };
    for (o, &b) in l.iter_mut().zip(key) {
        *o = b.to_ascii_lowercase();
    }
    KEYS.iter().any(|k| {
        l.ends_with(k) && {
            // The keyword is the whole key or follows a separator.
            let at = l.len() - k.len();
            at == 0
                || matches!(l[at - 1], b'_' | b'-' | b'.')
                || (k.len() >= 6 && l[..at].iter().all(u8::is_ascii_alphabetic))
        }
    })
}

/// Score for an assigned value, or `None` for placeholders and low-entropy
/// or too-short values.
fn value_score(v: &[u8]) -> Option<f32> {
    if v.len() < 8 || v.len() > 256 || std::str::from_utf8(v).is_err() {
        return None;
    }
    if v.starts_with(b"${")
        || v.starts_with(b"{{")
        || v.starts_with(b"<")
        || v.starts_with(b"%")
        || v.starts_with(b"$")
    {
        return None;
    }
    let lower: Vec<u8> = v.to_ascii_lowercase();
    if PLACEHOLDERS.iter().any(|p| lower == *p)
        || v.iter().all(|&b| b == v[0])
        || v.iter().all(|b| *b == b'*' || *b == b'x' || *b == b'X')
    {
        return None;
    }
    let h = entropy(v);
    let classes = [
        v.iter().any(u8::is_ascii_lowercase),
        v.iter().any(u8::is_ascii_uppercase),
        v.iter().any(u8::is_ascii_digit),
        v.iter().any(|b| !b.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&x| x)
    .count();
    if h >= 3.5 && classes >= 2 {
        Some(0.85)
    } else if h >= 2.8 && classes >= 2 {
        Some(0.7)
    } else {
        None
    }
}

fn recognizer(kind: &str) -> &'static str {
    match kind {
        "aws_access_key" => "secret_aws_access_key",
        "private_key" => "secret_private_key",
        "jwt" => "secret_jwt",
        "github_token" => "secret_github_token",
        "slack_token" => "secret_slack_token",
        "stripe_key" => "secret_stripe_key",
        "google_api_key" => "secret_google_api_key",
        _ => "secret_assignment",
    }
}

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    scan(cx.bytes, cx.toks, &mut |kind, s, e, score| {
        let s = crate::lex::floor_boundary(cx.text, s);
        let e = crate::lex::ceil_boundary(cx.text, e);
        cx.emit(out, Entity::SECRET, s, e, score, recognizer(kind), || {
            let v = match kind {
                "assignment" => Some("entropy"),
                "private_key" => None,
                _ => Some("shape"),
            };
            (format!("{kind} pattern"), v)
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(&'static str, &str)> {
        find_secrets(s)
            .into_iter()
            .map(|m| (m.kind, &s[m.start..m.end]))
            .collect()
    }

    #[test]
    fn token_shapes() {
        assert_eq!(
            kinds("key AKIAIOSFODNN7EXAMPLE here"),
            [("aws_access_key", "AKIAIOSFODNN7EXAMPLE")]
        );
        let gh = format!("ghp_{}", "a1B2".repeat(9));
        assert_eq!(
            kinds(&format!("t={gh} x")).first().map(|x| x.0),
            Some("github_token")
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(kinds(&format!("Bearer {jwt}")), [("jwt", jwt)]);
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----";
        assert_eq!(kinds(&format!("x\n{pem}\ny")), [("private_key", pem)]);
    }

    #[test]
    fn assignments_need_entropy() {
        assert_eq!(
            kinds("password=Zx8!qR2#pL9w"),
            [("assignment", "Zx8!qR2#pL9w")]
        );
        assert_eq!(
            kinds("\"api_key\": \"9f8e7d6c5b4a3f2e1d0c\""),
            [("assignment", "9f8e7d6c5b4a3f2e1d0c")]
        );
        assert!(
            kinds("password=changeme token: ${TOKEN} secret=xxxxxxxx pwd=aaaaaaaaaa").is_empty()
        );
        assert!(kinds("latency_ms: 1234 passing=true").is_empty());
    }
}
