//! The secret finder behind `aigis.secrets(text)` in this build: a small set
//! of well-known credential shapes. It is a stand-in until the binary hands
//! policies aigis-detect's secret recognizers; it finds only:
//!
//! - AWS access key ids (`AKIA`/`ASIA`/`A3T…` + 16 upper-case letters or
//!   digits);
//! - PEM private key blocks (`-----BEGIN … PRIVATE KEY-----`);
//! - GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36, and
//!   `github_pat_` fine-grained tokens);
//! - Slack tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`);
//! - JSON Web Tokens (three base64url parts, the first two starting `eyJ`);
//! - `password=`/`secret:`/`token=`/`api_key=` style assignments whose
//!   value is at least 8 characters, not a template, with at least 3 bits of
//!   Shannon entropy per character.
//!
//! Only kinds and byte offsets leave this module.

use aigis_policy::{SecretFinder, SecretMatch};
use regex::Regex;

/// Regex-based finder for well-known secret shapes.
pub(crate) struct PatternSecretFinder {
    fixed: Vec<(&'static str, Regex)>,
    assignment: Regex,
}

impl PatternSecretFinder {
    /// Compiles the patterns.
    pub(crate) fn new() -> PatternSecretFinder {
        // The patterns are constants; a failure would be a programming error
        // caught by the unit tests, so fall back to a never-matching regex
        // rather than panic.
        let re = |p: &str| Regex::new(p).unwrap_or_else(|_| never());
        PatternSecretFinder {
            fixed: vec![
                (
                    "aws_access_key_id",
                    re(r"\b(?:AKIA|ASIA|A3T[A-Z0-9])[A-Z0-9]{16}\b"),
                ),
                (
                    "private_key",
                    re(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
                ),
                (
                    "github_token",
                    re(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b"),
                ),
                ("github_token", re(r"\bgithub_pat_[A-Za-z0-9_]{60,255}\b")),
                ("slack_token", re(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b")),
                (
                    "jwt",
                    re(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}"),
                ),
            ],
            assignment: re(
                r#"(?i)\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)\w*["']?\s*[:=]\s*["']?([^\s"',;]{8,})"#,
            ),
        }
    }
}

fn never() -> Regex {
    // `[^\s\S]` matches no character at all.
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| never())
}

impl SecretFinder for PatternSecretFinder {
    fn find(&self, text: &str) -> Vec<SecretMatch> {
        let mut out = Vec::new();
        for (kind, re) in &self.fixed {
            for m in re.find_iter(text) {
                out.push(SecretMatch {
                    kind: (*kind).to_string(),
                    start: m.start(),
                    end: m.end(),
                });
            }
        }
        for caps in self.assignment.captures_iter(text) {
            let Some(value) = caps.get(1) else { continue };
            let v = value.as_str();
            let templated = v.contains("{{") || v.contains("${") || v.starts_with('$');
            let covered = out
                .iter()
                .any(|m| m.start <= value.start() && value.end() <= m.end);
            if !templated && !covered && shannon_entropy(v) >= 3.0 {
                out.push(SecretMatch {
                    kind: "password_assignment".to_string(),
                    start: value.start(),
                    end: value.end(),
                });
            }
        }
        out.sort_by_key(|m| (m.start, m.end));
        out
    }
}

/// Bits of Shannon entropy per character.
fn shannon_entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        PatternSecretFinder::new()
            .find(text)
            .into_iter()
            .map(|m| m.kind)
            .collect()
    }

    #[test]
    fn finds_well_known_shapes() {
        let aws = ["AKIA", "IOSFODNN7EXAMPLE"].concat();
        assert_eq!(kinds(&format!("key = '{aws}'")), vec!["aws_access_key_id"]);
        assert_eq!(
            kinds("-----BEGIN RSA PRIVATE KEY-----\nMIIE"),
            vec!["private_key"]
        );
        let gh = format!("ghp_{}", "a1B2".repeat(9));
        assert_eq!(kinds(&gh), vec!["github_token"]);
        assert_eq!(
            kinds(&["xoxb-", "1234567890-abcdef"].concat()),
            vec!["slack_token"]
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(kinds(jwt), vec!["jwt"]);
        assert_eq!(
            kinds("password = \"Xk9#mQ2$vL\""),
            vec!["password_assignment"]
        );
    }

    #[test]
    fn ignores_placeholders_and_low_entropy() {
        assert!(kinds("password = \"{{ var.value.pw }}\"").is_empty());
        assert!(kinds("password=aaaaaaaaaaaa").is_empty());
        assert!(kinds("token: ${TOKEN_FROM_ENV}").is_empty());
        assert!(kinds("hello world, s3://bucket/path").is_empty());
    }

    #[test]
    fn offsets_cover_the_secret_only() {
        let text = "x password=Xk9#mQ2$vLp y";
        let m = &PatternSecretFinder::new().find(text)[0];
        assert_eq!(&text[m.start..m.end], "Xk9#mQ2$vLp");
    }
}
