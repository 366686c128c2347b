//! IP_ADDRESS: dotted-quad IPv4 and IPv6, parsed by the standard library.
//! Version strings shaped like addresses (`4.18.2.1`, `v1.2.3.4`,
//! `1.2.3.4-rc1`, "build 2.0.1.7") are left alone.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::Cx;
use crate::context;
use crate::lex::flag;
use crate::{Entity, Finding};

/// Words that, just before a dotted quad, say it is a version.
const VERSION_WORDS: &[&str] = &[
    "version",
    "versions",
    "ver",
    "v",
    "build",
    "release",
    "rel",
    "update",
    "upgrade",
    "hotfix",
    "patch",
    "firmware",
    "fw",
    "rolled",
    "deployed",
    "deploy",
    "rev",
    "tag",
    "bump",
    "bumped",
    "installed",
    "install",
    "revision",
    "semver",
    "changelog",
];

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let toks = cx.toks;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if t.is(flag::CLAIMED) {
            i += 1;
            continue;
        }
        if t.is(flag::DIGITS)
            && t.len() <= 3
            && cx.gap_after(i) == b"."
            && let Some(next) = ipv4(cx, i, out)
        {
            i = next;
            continue;
        }
        if t.is(flag::HEX)
            && t.len() <= 4
            && cx.gap_after(i).first() == Some(&b':')
            && let Some(next) = ipv6(cx, i, out)
        {
            i = next;
            continue;
        }
        i += 1;
    }
}

fn ipv4(cx: &Cx<'_>, i: usize, out: &mut Vec<Finding>) -> Option<usize> {
    let toks = cx.toks;
    let last = i + 3;
    for k in i..=last {
        let t = toks.get(k)?;
        if !t.is(flag::DIGITS) || t.len() > 3 {
            return None;
        }
        if k < last && cx.gap_after(k) != b"." {
            return None;
        }
    }
    let (s, e) = (toks[i].start, toks[last].end);
    // Part of a longer dotted run (1.2.3.4.5) or glued to a word.
    if cx
        .byte_before(s)
        .is_some_and(|b| b == b'.' || b == b'-' || b.is_ascii_alphanumeric())
    {
        // `v1.2.3.4` is a version.
        return Some(last + 1);
    }
    let after = cx.bytes.get(e..).unwrap_or(&[]);
    if after.first() == Some(&b'.') && after.get(1).is_some_and(u8::is_ascii_digit) {
        return Some(last + 1);
    }
    if after.first().is_some_and(|b| b.is_ascii_alphanumeric()) {
        return Some(last + 1);
    }
    if after.first() == Some(&b'-') && after.get(1).is_some_and(u8::is_ascii_alphabetic) {
        // 1.2.3.4-rc1, -beta
        return Some(last + 1);
    }
    let addr: Ipv4Addr = cx.text.get(s..e)?.parse().ok()?;
    let o = addr.octets();
    let before = context::words_before(cx.bytes, s, 3);
    if context::any_word(before.words(), VERSION_WORDS) {
        return Some(last + 1);
    }
    // A field named like a version ("app_version", "build") holds versions.
    if let Some(name) = cx.hint.name {
        let words = context::words_before(name.as_bytes(), name.len(), 6);
        if context::any_word(words.words(), VERSION_WORDS)
            && cx.hint.prior.is_none_or(|p| p.entity != Entity::IP_ADDRESS)
        {
            return Some(last + 1);
        }
    }
    let well_known = addr.is_private() || addr.is_loopback() || addr.is_link_local() || o[0] == 100;
    // Small first three parts look like a version number; such addresses
    // need an IP context word to be reported.
    let version_like = !well_known && o[0] <= 20 && o[1] <= 30 && o[2] <= 20;
    let score = if version_like { 0.4 } else { 0.85 };
    cx.emit(out, Entity::IP_ADDRESS, s, e, score, "ip_address", || {
        let p = if version_like {
            "dotted quad with small parts (version-like: needs context)"
        } else {
            "dotted quad, every octet 0-255"
        };
        (p.into(), Some("ip"))
    });
    Some(last + 1)
}

fn ipv6(cx: &Cx<'_>, i: usize, out: &mut Vec<Finding>) -> Option<usize> {
    let toks = cx.toks;
    let s = toks[i].start;
    if cx.byte_before(s).is_some_and(|b| {
        b.is_ascii_alphanumeric() || b == b':' && s >= 2 && cx.bytes[s - 2] != b':'
    }) {
        return None;
    }
    // Extend over hex groups joined by ':' or '::' (and a trailing dotted quad).
    let mut k = i;
    let mut groups = 1;
    loop {
        let gap = cx.gap_after(k);
        let next = toks.get(k + 1);
        let joins = gap == b":" || gap == b"::";
        match next {
            Some(n)
                if joins
                    && (n.is(flag::HEX) && n.len() <= 4 || n.is(flag::DIGITS) && n.len() <= 3) =>
            {
                k += 1;
                groups += 1;
                if groups > 12 {
                    break;
                }
            }
            _ => break,
        }
    }
    let mut e = toks[k].end;
    // A trailing '::' (e.g. "fe80::").
    if cx.bytes.get(e..e + 2) == Some(b"::")
        && !cx.bytes.get(e + 2).is_some_and(u8::is_ascii_alphanumeric)
    {
        e += 2;
    }
    // Shrink from the right until it parses (a time or a label may follow).
    let mut end_tok = k;
    loop {
        let cand = cx.text.get(s..e)?;
        if cand.bytes().filter(|&b| b == b':').count() >= 2 && cand.parse::<Ipv6Addr>().is_ok() {
            break;
        }
        if end_tok == i {
            return None;
        }
        end_tok -= 1;
        e = toks[end_tok].end;
    }
    let cand = cx.text.get(s..e)?;
    let full = !cand.contains("::");
    let groups_n = cand.split(':').filter(|g| !g.is_empty()).count();
    if !full && groups_n < 2 {
        return None;
    }
    if cx
        .bytes
        .get(e)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b':')
    {
        return None;
    }
    cx.emit(out, Entity::IP_ADDRESS, s, e, 0.85, "ip_address", || {
        ("IPv6 address".into(), Some("ip"))
    });
    Some(end_tok + 1)
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn ips(s: &str) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::IP_ADDRESS)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn finds_addresses() {
        assert_eq!(ips("from 91.239.109.220."), ["91.239.109.220"]);
        assert_eq!(ips("src=10.0.0.5 ok"), ["10.0.0.5"]);
        assert_eq!(
            ips("from 12c2:cf64:f588:4254:6e9b:dd0f:fddc:cb26 after"),
            ["12c2:cf64:f588:4254:6e9b:dd0f:fddc:cb26"]
        );
        assert_eq!(ips("peer 2001:db8::1 up"), ["2001:db8::1"]);
    }

    #[test]
    fn leaves_versions_and_times() {
        assert!(ips("after the 4.18.2.1 update").is_empty());
        assert!(ips("build=10.5.7.448 v1.2.3.4 1.2.3.4-rc1 1.2.3.4.5").is_empty());
        assert!(ips("at 08:12:08 and 999.1.1.1").is_empty());
    }
}
