//! `semver.is_valid` and `semver.compare` as OPA computes them.
//!
//! OPA parses versions with its fork of coreos/go-semver, which is more
//! lenient than SemVer 2.0.0 (and than regorus): one leading `v` is
//! dropped, numeric parts may have leading zeros, and an empty pre-release
//! after `-` is accepted. Pre-release identifiers compare numerically when
//! both are integers, numbers before words, and a longer list after a
//! shorter equal prefix; build metadata is ignored.

use std::cmp::Ordering;

use regorus::Value;

/// A parsed version: major, minor, patch, pre-release identifiers.
#[derive(Debug, PartialEq, Eq)]
struct Version<'a> {
    core: [i64; 3],
    pre: &'a str,
}

/// True for a pre-release or metadata part go-semver accepts: empty, or
/// dot-separated non-empty runs of `[0-9A-Za-z-]`.
fn valid_identifier(id: &str) -> bool {
    id.is_empty()
        || id.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Parses like OPA: drop one `v`, split off `+metadata`, then
/// `-prerelease`, then exactly three base-10 integers.
fn parse(text: &str) -> Option<Version<'_>> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (text, metadata) = text.split_once('+').unwrap_or((text, ""));
    let (text, pre) = text.split_once('-').unwrap_or((text, ""));
    if !valid_identifier(pre) || !valid_identifier(metadata) {
        return None;
    }
    let mut parts = text.splitn(3, '.');
    let mut core = [0i64; 3];
    for slot in &mut core {
        *slot = go_parse_int(parts.next()?)?;
    }
    Some(Version { core, pre })
}

/// Go's `strconv.ParseInt(s, 10, 64)`: an optional sign, then digits.
fn go_parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn compare_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    let mut xs = a.split('.');
    let mut ys = b.split('.');
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (go_parse_int(x), go_parse_int(y)) {
                    (Some(i), Some(j)) => i.cmp(&j).then_with(|| x.cmp(y)),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => x.cmp(y),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

fn compare(a: &Version<'_>, b: &Version<'_>) -> Ordering {
    a.core.cmp(&b.core).then_with(|| compare_pre(a.pre, b.pre))
}

/// `semver.is_valid(x)`: false for anything that is not a valid version,
/// including non-strings.
pub(crate) fn is_valid(args: &[Value]) -> Value {
    Value::Bool(matches!(args.first(), Some(Value::String(s)) if parse(s).is_some()))
}

/// `semver.compare(a, b)`: -1, 0 or 1; undefined when either is invalid
/// (OPA raises an error there, which is undefined without strict errors).
pub(crate) fn compare_values(args: &[Value]) -> Value {
    let version = |i: usize| match args.get(i) {
        Some(Value::String(s)) => parse(s),
        _ => None,
    };
    match (version(0), version(1)) {
        (Some(a), Some(b)) => Value::from(match compare(&a, &b) {
            Ordering::Less => -1i64,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }),
        _ => Value::Undefined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(s: &str) -> bool {
        parse(s).is_some()
    }

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(&parse(a).unwrap(), &parse(b).unwrap())
    }

    #[test]
    fn validity_follows_opa() {
        // Answers from OPA's semver.is_valid (opa_eval.py).
        for (s, want) in [
            ("v1.2.3", true),
            ("V1.2.3", false),
            ("1.2", false),
            ("01.2.3", true),
            ("1.2.3-01", true),
            ("1.2.3+build", true),
            ("v1.2.3-alpha", true),
            ("vv1.2.3", false),
            (" 1.2.3", false),
            ("1.2.3 ", false),
            ("v", false),
            ("1.2.3-alpha.1+b.2", true),
            ("1.2.3-", true),
            ("v01.2.3", true),
            ("1.2.3-a..b", false),
            ("1.2.3.4", false),
        ] {
            assert_eq!(valid(s), want, "{s}");
        }
    }

    #[test]
    fn precedence() {
        assert_eq!(cmp("1.2.3", "1.10.0"), Ordering::Less);
        assert_eq!(cmp("1.0.0-alpha", "1.0.0"), Ordering::Less);
        assert_eq!(cmp("1.0.0-alpha.1", "1.0.0-alpha"), Ordering::Greater);
        assert_eq!(cmp("1.0.0-2", "1.0.0-10"), Ordering::Less);
        assert_eq!(cmp("1.0.0-2", "1.0.0-a"), Ordering::Less);
        assert_eq!(cmp("1.0.0+x", "1.0.0+y"), Ordering::Equal);
        assert_eq!(cmp("v1.2.3", "1.2.3"), Ordering::Equal);
    }
}
