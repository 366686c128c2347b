//! Anonymization operators: each is a config struct (what a rules file
//! says, serde, unknown options refused) that builds a runtime operator.
//!
//! [`OperatorConfig`] is the tagged union a rule holds (`operator = "hash"`
//! plus that operator's options); [`OperatorConfig::build`] fetches keys and
//! checks options once, and the resulting [`Operator`] transforms values
//! many millions of times, from many threads, without allocating more than
//! its output.
//!
//! Transforming never fails: the operators that can meet a value they cannot
//! handle (`tokenize`, `generalize`, `date_shift`) carry a fallback operator
//! that always succeeds, and [`Applied`] says that it ran and why. A value is
//! never left as it was unless the rule says `keep`.

mod basic;
mod date_shift;
mod encrypt;
mod generalize;
mod hash;
mod tokenize;

use std::fmt;

use aigis_detect::Entity;
use serde::{Deserialize, Serialize};

use crate::RedactError;
use crate::keys::KeySource;

pub use basic::{CharMask, CharMaskConfig, EmptyConfig, Replace, ReplaceConfig};
pub use date_shift::{DateShift, DateShiftConfig};
pub use encrypt::{Encrypt, EncryptConfig};
pub use generalize::{DateGranularity, Generalize, GeneralizeConfig, GeneralizeKind};
pub use hash::{Hash, HashConfig, NormalizeStep};
pub use tokenize::{Tokenize, TokenizeConfig, TokenizeFormat};

/// One rule's operator and its options, as written in a rules file:
/// `operator = "<name>"` plus the options of that operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "operator", rename_all = "snake_case")]
pub enum OperatorConfig {
    /// Remove the value.
    Redact(EmptyConfig),
    /// Replace the value with `<ENTITY>` or a given text.
    Replace(ReplaceConfig),
    /// Mask characters, optionally keeping the first/last few and separators.
    Mask(CharMaskConfig),
    /// Keyed HMAC-SHA256 pseudonym token.
    Hash(HashConfig),
    /// Deterministic AES-SIV encryption to a reversible token.
    Encrypt(EncryptConfig),
    /// Format-preserving encryption (FF1).
    Tokenize(TokenizeConfig),
    /// Coarser value: IP prefix, month or year, bucket, postal prefix.
    Generalize(GeneralizeConfig),
    /// Move dates by a per-subject constant number of days.
    DateShift(DateShiftConfig),
    /// Drop the field (the column) that holds the value.
    Drop(EmptyConfig),
    /// Suppress the whole record that holds the value.
    Suppress(EmptyConfig),
    /// Leave the value as it is (an explicit allow rule).
    Keep(EmptyConfig),
}

/// What an operator that always succeeds may be used as a fallback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "operator", rename_all = "snake_case")]
pub enum FallbackConfig {
    /// Remove the value.
    Redact(EmptyConfig),
    /// Replace with `<ENTITY>` or a given text (the default fallback).
    Replace(ReplaceConfig),
    /// Mask characters.
    Mask(CharMaskConfig),
    /// Keyed hash token.
    Hash(HashConfig),
    /// Reversible AES-SIV token.
    Encrypt(EncryptConfig),
}

impl Default for FallbackConfig {
    fn default() -> Self {
        FallbackConfig::Replace(ReplaceConfig::default())
    }
}

impl FallbackConfig {
    fn to_operator_config(&self) -> OperatorConfig {
        match self {
            FallbackConfig::Redact(c) => OperatorConfig::Redact(c.clone()),
            FallbackConfig::Replace(c) => OperatorConfig::Replace(c.clone()),
            FallbackConfig::Mask(c) => OperatorConfig::Mask(c.clone()),
            FallbackConfig::Hash(c) => OperatorConfig::Hash(c.clone()),
            FallbackConfig::Encrypt(c) => OperatorConfig::Encrypt(c.clone()),
        }
    }

    pub(crate) fn build(&self, cx: &BuildContext<'_>) -> Result<Box<Operator>, RedactError> {
        self.to_operator_config().build(cx).map(Box::new)
    }
}

/// Key names operators use when their rule names none (the effective
/// `[mask.keys]` table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNames {
    /// HMAC key for `hash`. Default `"pseudonym"` (created by `aigis init`).
    pub hash: String,
    /// HMAC key for `date_shift`. Default `"pseudonym"` (used under its own
    /// domain-separation label, so tokens and shifts are unrelated).
    pub date_shift: String,
    /// 256- or 512-bit key for `encrypt`. Default `"mask"`.
    pub encrypt: String,
    /// 256-bit key for `tokenize`. Default `"mask"` (FF1 uses a key derived
    /// under its own label, never the same AES key as `encrypt`).
    pub tokenize: String,
}

impl Default for KeyNames {
    fn default() -> Self {
        KeyNames {
            hash: "pseudonym".into(),
            date_shift: "pseudonym".into(),
            encrypt: "mask".into(),
            tokenize: "mask".into(),
        }
    }
}

/// What building an operator needs: the keys and the default key names.
#[derive(Clone, Copy)]
pub struct BuildContext<'a> {
    /// Where keys come from.
    pub keys: &'a dyn KeySource,
    /// Key names for rules that name none.
    pub key_names: &'a KeyNames,
}

impl<'a> BuildContext<'a> {
    /// A context with the default key names.
    pub fn new(keys: &'a dyn KeySource) -> BuildContext<'a> {
        static DEFAULT: std::sync::OnceLock<KeyNames> = std::sync::OnceLock::new();
        BuildContext {
            keys,
            key_names: DEFAULT.get_or_init(KeyNames::default),
        }
    }
}

impl OperatorConfig {
    /// The operator's name as written in rules files.
    pub fn kind(&self) -> OperatorKind {
        match self {
            OperatorConfig::Redact(_) => OperatorKind::Redact,
            OperatorConfig::Replace(_) => OperatorKind::Replace,
            OperatorConfig::Mask(_) => OperatorKind::Mask,
            OperatorConfig::Hash(_) => OperatorKind::Hash,
            OperatorConfig::Encrypt(_) => OperatorKind::Encrypt,
            OperatorConfig::Tokenize(_) => OperatorKind::Tokenize,
            OperatorConfig::Generalize(_) => OperatorKind::Generalize,
            OperatorConfig::DateShift(_) => OperatorKind::DateShift,
            OperatorConfig::Drop(_) => OperatorKind::Drop,
            OperatorConfig::Suppress(_) => OperatorKind::Suppress,
            OperatorConfig::Keep(_) => OperatorKind::Keep,
        }
    }

    /// Checks the options and fetches the keys; the result is ready to
    /// transform values.
    pub fn build(&self, cx: &BuildContext<'_>) -> Result<Operator, RedactError> {
        Ok(match self {
            OperatorConfig::Redact(_) => Operator::Redact,
            OperatorConfig::Replace(c) => Operator::Replace(c.build()?),
            OperatorConfig::Mask(c) => Operator::Mask(c.build()?),
            OperatorConfig::Hash(c) => Operator::Hash(c.build(cx)?),
            OperatorConfig::Encrypt(c) => Operator::Encrypt(c.build(cx)?),
            OperatorConfig::Tokenize(c) => Operator::Tokenize(Box::new(c.build(cx)?)),
            OperatorConfig::Generalize(c) => Operator::Generalize(c.build(cx)?),
            OperatorConfig::DateShift(c) => Operator::DateShift(c.build(cx)?),
            OperatorConfig::Drop(_) => Operator::Drop,
            OperatorConfig::Suppress(_) => Operator::Suppress,
            OperatorConfig::Keep(_) => Operator::Keep,
        })
    }

    /// Shorthand for a `replace` rule with the default `<ENTITY>` text.
    pub fn replace() -> OperatorConfig {
        OperatorConfig::Replace(ReplaceConfig::default())
    }
}

/// Operator names, for reports and counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OperatorKind {
    /// `redact`
    Redact,
    /// `replace`
    Replace,
    /// `mask`
    Mask,
    /// `hash`
    Hash,
    /// `encrypt`
    Encrypt,
    /// `tokenize`
    Tokenize,
    /// `generalize`
    Generalize,
    /// `date_shift`
    DateShift,
    /// `drop`
    Drop,
    /// `suppress`
    Suppress,
    /// `keep`
    Keep,
}

impl OperatorKind {
    /// Every operator, in documentation order.
    pub const ALL: [OperatorKind; 11] = [
        OperatorKind::Redact,
        OperatorKind::Replace,
        OperatorKind::Mask,
        OperatorKind::Hash,
        OperatorKind::Encrypt,
        OperatorKind::Tokenize,
        OperatorKind::Generalize,
        OperatorKind::DateShift,
        OperatorKind::Drop,
        OperatorKind::Suppress,
        OperatorKind::Keep,
    ];

    /// The name used in rules files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorKind::Redact => "redact",
            OperatorKind::Replace => "replace",
            OperatorKind::Mask => "mask",
            OperatorKind::Hash => "hash",
            OperatorKind::Encrypt => "encrypt",
            OperatorKind::Tokenize => "tokenize",
            OperatorKind::Generalize => "generalize",
            OperatorKind::DateShift => "date_shift",
            OperatorKind::Drop => "drop",
            OperatorKind::Suppress => "suppress",
            OperatorKind::Keep => "keep",
        }
    }

    /// Whether a holder of the key can get the original value back
    /// (`encrypt`, `tokenize`).
    pub fn is_reversible(self) -> bool {
        matches!(self, OperatorKind::Encrypt | OperatorKind::Tokenize)
    }
}

impl fmt::Display for OperatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an operator knows about the value besides its text.
#[derive(Debug, Clone, Copy)]
pub struct ValueContext<'a> {
    /// The entity type of the finding (or of the column's cells).
    pub entity: &'a Entity,
    /// The data subject the record is about, for `date_shift` (the pipeline
    /// takes it from a configured subject column, else the record number).
    pub subject: Option<&'a str>,
}

/// A built operator, ready to transform values. `Send + Sync`: share one
/// across threads.
pub enum Operator {
    /// Remove the value.
    Redact,
    /// Replace the value.
    Replace(Replace),
    /// Mask characters.
    Mask(CharMask),
    /// Keyed hash token.
    Hash(Hash),
    /// Reversible AES-SIV token.
    Encrypt(Encrypt),
    /// Format-preserving encryption (boxed: it holds three FF1 key schedules).
    Tokenize(Box<Tokenize>),
    /// Coarser value.
    Generalize(Generalize),
    /// Per-subject date shift.
    DateShift(DateShift),
    /// Drop the field.
    Drop,
    /// Suppress the record.
    Suppress,
    /// Leave the value.
    Keep,
}

impl fmt::Debug for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Operator({})", self.kind())
    }
}

/// What applying an operator to one value did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The operator that produced the output (the fallback's, if it ran).
    pub operator: OperatorKind,
    /// Set when the rule's operator could not handle the value and its
    /// fallback ran instead: the rule's operator and why (never the value).
    pub fallback: Option<(OperatorKind, RedactError)>,
    /// What the caller must do with the field or record.
    pub effect: Effect,
}

/// The consequence of an operator beyond the text it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The value was replaced by the operator's output.
    Transformed,
    /// The value was left as it was (`keep`).
    Kept,
    /// The field (column) must be dropped; nothing was written for the value.
    DropField,
    /// The record must be suppressed; nothing was written for the value.
    SuppressRecord,
}

impl Operator {
    /// This operator's name.
    pub fn kind(&self) -> OperatorKind {
        match self {
            Operator::Redact => OperatorKind::Redact,
            Operator::Replace(_) => OperatorKind::Replace,
            Operator::Mask(_) => OperatorKind::Mask,
            Operator::Hash(_) => OperatorKind::Hash,
            Operator::Encrypt(_) => OperatorKind::Encrypt,
            Operator::Tokenize(_) => OperatorKind::Tokenize,
            Operator::Generalize(_) => OperatorKind::Generalize,
            Operator::DateShift(_) => OperatorKind::DateShift,
            Operator::Drop => OperatorKind::Drop,
            Operator::Suppress => OperatorKind::Suppress,
            Operator::Keep => OperatorKind::Keep,
        }
    }

    /// Keys this operator (and its fallback) uses, for the report.
    pub fn keys(&self) -> Vec<crate::KeyRef> {
        let mut out = Vec::new();
        match self {
            Operator::Hash(h) => out.push(h.key_ref().clone()),
            Operator::Encrypt(e) => out.push(e.key_ref().clone()),
            Operator::Tokenize(t) => {
                out.push(t.key_ref().clone());
                out.extend(t.fallback().keys());
            }
            Operator::Generalize(g) => out.extend(g.fallback().keys()),
            Operator::DateShift(d) => {
                out.push(d.key_ref().clone());
                out.extend(d.fallback().keys());
            }
            _ => {}
        }
        out
    }

    /// Transforms `value` and appends the result to `out`.
    ///
    /// Never fails and never writes `value` itself unless the operator is
    /// `keep`: if the operator cannot handle the value, whatever it wrote is
    /// taken back and its fallback runs.
    pub fn apply(&self, value: &str, cx: &ValueContext<'_>, out: &mut String) -> Applied {
        let mark = out.len();
        let result = match self {
            Operator::Redact => Ok(()),
            Operator::Replace(r) => {
                r.apply(cx.entity, out);
                Ok(())
            }
            Operator::Mask(m) => {
                m.apply(value, out);
                Ok(())
            }
            Operator::Hash(h) => {
                h.apply(value, cx.entity, out);
                Ok(())
            }
            Operator::Encrypt(e) => {
                e.apply(value, out);
                Ok(())
            }
            Operator::Tokenize(t) => t.try_apply(value, cx.entity, out),
            Operator::Generalize(g) => g.try_apply(value, cx.entity, out),
            Operator::DateShift(d) => d.try_apply(value, cx.subject, out),
            Operator::Drop => return self.applied(Effect::DropField),
            Operator::Suppress => return self.applied(Effect::SuppressRecord),
            Operator::Keep => {
                out.push_str(value);
                return self.applied(Effect::Kept);
            }
        };
        match result {
            Ok(()) => self.applied(Effect::Transformed),
            Err(reason) => {
                out.truncate(mark);
                let fallback = match self {
                    Operator::Tokenize(t) => t.fallback(),
                    Operator::Generalize(g) => g.fallback(),
                    Operator::DateShift(d) => d.fallback(),
                    // Only the three above return errors.
                    _ => &Operator::Redact,
                };
                let mut applied = fallback.apply(value, cx, out);
                applied.fallback = Some((self.kind(), reason));
                applied
            }
        }
    }

    fn applied(&self, effect: Effect) -> Applied {
        Applied {
            operator: self.kind(),
            fallback: None,
            effect,
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::keys::KeySet;

    /// A key set with `pseudonym` (v1) and `mask` (v1) keys.
    pub fn keys() -> KeySet {
        KeySet::with(&[("pseudonym", 1, &[0x11; 32]), ("mask", 1, &[0x22; 32])])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Operator>();
    }

    #[test]
    fn unknown_options_are_refused() {
        let err = toml::from_str::<OperatorConfig>("operator = \"redact\"\nvalue = 1\n");
        assert!(err.is_err());
        let err = toml::from_str::<OperatorConfig>("operator = \"hash\"\nkeep_last = 1\n");
        assert!(err.is_err());
        let err = toml::from_str::<OperatorConfig>("operator = \"hsh\"\n");
        assert!(err.is_err());
    }

    #[test]
    fn every_operator_name_parses() {
        for kind in OperatorKind::ALL {
            let c: OperatorConfig =
                toml::from_str(&format!("operator = \"{}\"\n", kind.as_str())).unwrap();
            assert_eq!(c.kind(), kind);
        }
    }

    #[test]
    fn fallback_runs_and_is_reported() {
        let keys = test_support::keys();
        let cx = BuildContext::new(&keys);
        let op = OperatorConfig::Generalize(GeneralizeConfig::default())
            .build(&cx)
            .unwrap();
        let entity = Entity::DATE_TIME;
        let vcx = ValueContext {
            entity: &entity,
            subject: None,
        };
        let mut out = String::from("x ");
        let a = op.apply("not a date", &vcx, &mut out);
        assert_eq!(out, "x <DATE_TIME>");
        assert_eq!(a.operator, OperatorKind::Replace);
        assert!(matches!(
            a.fallback,
            Some((OperatorKind::Generalize, RedactError::Shape { .. }))
        ));
    }
}
