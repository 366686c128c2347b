//! The operators without keys: `redact`, `replace`, `mask` (and the empty
//! option set of `redact`, `drop`, `suppress`, `keep`).

use aigis_detect::Entity;
use serde::{Deserialize, Serialize};

use crate::RedactError;

/// Options of `redact`, `drop`, `suppress` and `keep`: none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyConfig {}

/// Options of `replace`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReplaceConfig {
    /// Replacement text. Default: the entity name in angle brackets,
    /// `<EMAIL_ADDRESS>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Built `replace`.
#[derive(Debug, Clone)]
pub struct Replace {
    value: Option<Box<str>>,
}

impl ReplaceConfig {
    /// Builds the operator (never fails).
    pub fn build(&self) -> Result<Replace, RedactError> {
        Ok(Replace {
            value: self.value.as_deref().map(Box::from),
        })
    }
}

impl Replace {
    pub(crate) fn apply(&self, entity: &Entity, out: &mut String) {
        match &self.value {
            Some(v) => out.push_str(v),
            None => {
                out.push('<');
                out.push_str(entity.as_str());
                out.push('>');
            }
        }
    }
}

/// Options of `mask`: replace characters with a mask character.
///
/// Characters are Unicode scalar values, so a masked value has as many
/// characters as the original. At least half of the maskable characters are
/// always masked: when `keep_first + keep_last` would keep more, nothing is
/// kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CharMaskConfig {
    /// The mask character. Default `*`.
    #[serde(rename = "char")]
    pub mask_char: char,
    /// Characters kept in clear at the start (separators not counted).
    /// Default 0.
    pub keep_first: usize,
    /// Characters kept in clear at the end (separators not counted).
    /// Default 0.
    pub keep_last: usize,
    /// Keep separators in place so the value keeps its shape
    /// (`***-**-1234`). Default true.
    pub keep_separators: bool,
    /// Which characters are separators. Default space and `-.@/_()+:,`.
    /// Letters and digits are refused here.
    pub separators: String,
}

impl Default for CharMaskConfig {
    fn default() -> Self {
        CharMaskConfig {
            mask_char: '*',
            keep_first: 0,
            keep_last: 0,
            keep_separators: true,
            separators: " -.@/_()+:,".into(),
        }
    }
}

/// Built `mask`.
#[derive(Debug, Clone)]
pub struct CharMask {
    mask_char: char,
    keep_first: usize,
    keep_last: usize,
    separators: Option<Box<[char]>>,
}

impl CharMaskConfig {
    /// Checks the options.
    pub fn build(&self) -> Result<CharMask, RedactError> {
        if self.mask_char.is_alphanumeric() {
            return Err(RedactError::InvalidOption {
                operator: "mask",
                option: "char",
                reason: "must not be a letter or digit".into(),
            });
        }
        if self.separators.chars().any(char::is_alphanumeric) {
            return Err(RedactError::InvalidOption {
                operator: "mask",
                option: "separators",
                reason: "must not contain letters or digits (they would stay in clear)".into(),
            });
        }
        Ok(CharMask {
            mask_char: self.mask_char,
            keep_first: self.keep_first,
            keep_last: self.keep_last,
            separators: self
                .keep_separators
                .then(|| self.separators.chars().collect()),
        })
    }
}

impl CharMask {
    fn is_sep(&self, c: char) -> bool {
        self.separators.as_ref().is_some_and(|s| s.contains(&c))
    }

    pub(crate) fn apply(&self, value: &str, out: &mut String) {
        let n = value.chars().filter(|&c| !self.is_sep(c)).count();
        let kept = self.keep_first.saturating_add(self.keep_last);
        let (first, last) = if kept.saturating_mul(2) > n {
            (0, 0)
        } else {
            (self.keep_first, self.keep_last)
        };
        let mut i = 0;
        out.reserve(value.len());
        for c in value.chars() {
            if self.is_sep(c) {
                out.push(c);
                continue;
            }
            if i < first || i >= n - last {
                out.push(c);
            } else {
                out.push(self.mask_char);
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(c: CharMaskConfig, v: &str) -> String {
        let mut out = String::new();
        c.build().unwrap().apply(v, &mut out);
        out
    }

    #[test]
    fn replace_defaults_to_entity_name() {
        let mut out = String::new();
        ReplaceConfig::default()
            .build()
            .unwrap()
            .apply(&Entity::EMAIL_ADDRESS, &mut out);
        assert_eq!(out, "<EMAIL_ADDRESS>");
        let mut out = String::new();
        ReplaceConfig {
            value: Some("[x]".into()),
        }
        .build()
        .unwrap()
        .apply(&Entity::PERSON, &mut out);
        assert_eq!(out, "[x]");
    }

    #[test]
    fn mask_keeps_separators_and_ends() {
        let c = CharMaskConfig {
            keep_last: 4,
            ..Default::default()
        };
        assert_eq!(mask(c.clone(), "123-45-6789"), "***-**-6789");
        assert_eq!(
            mask(CharMaskConfig::default(), "jane.doe@mail.com"),
            "****.***@****.***"
        );
        let c2 = CharMaskConfig {
            keep_separators: false,
            mask_char: '#',
            ..Default::default()
        };
        assert_eq!(mask(c2, "a-b"), "###");
        let c3 = CharMaskConfig {
            keep_first: 1,
            keep_last: 1,
            ..Default::default()
        };
        assert_eq!(mask(c3, "Zoë Ångström"), "Z** *******m");
    }

    #[test]
    fn mask_never_keeps_more_than_half() {
        let c = CharMaskConfig {
            keep_last: 4,
            ..Default::default()
        };
        assert_eq!(mask(c.clone(), "1234"), "****");
        assert_eq!(mask(c.clone(), "12345678"), "****5678");
        assert_eq!(mask(c, "1234567"), "*******");
    }

    #[test]
    fn mask_edge_cases() {
        assert_eq!(mask(CharMaskConfig::default(), ""), "");
        assert_eq!(mask(CharMaskConfig::default(), "---"), "---");
        assert_eq!(mask(CharMaskConfig::default(), "日本語"), "***");
    }

    #[test]
    fn mask_refuses_leaky_options() {
        assert!(
            CharMaskConfig {
                separators: "a".into(),
                ..Default::default()
            }
            .build()
            .is_err()
        );
        assert!(
            CharMaskConfig {
                mask_char: 'x',
                ..Default::default()
            }
            .build()
            .is_err()
        );
    }
}
