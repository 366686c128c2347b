//! Anonymization for aigis: the operators that transform detected personal
//! data, the rules that say which operator applies to which entity or
//! column, and the function that applies them to a field's findings.
//!
//! - [`OperatorConfig`] is what a rule says (`operator = "hash"` and its
//!   options); [`OperatorConfig::build`] turns it into an [`Operator`] with
//!   its keys, ready to transform values from many threads.
//! - Keys come in as raw material through [`KeySource`] ([`HmacKey`],
//!   [`SivKey`], [`FpeKey`]); the keyring implements it at the edge.
//! - [`MaskConfig`] is the `[mask]` section of aigis.toml and the shape of a
//!   `--rules` file; [`RuleSet::build`] resolves and builds it.
//! - [`RuleSet::apply_field`] applies the rules to one field's text and the
//!   scanner's findings, and reports one [`Action`] per transformed span.
//!
//! ```
//! use aigis_detect::{Entity, Finding};
//! use aigis_redact::{FieldContext, KeySet, MaskConfig, RuleSet};
//!
//! let keys = KeySet::with(&[("pseudonym", 1, &[7; 32]), ("mask", 1, &[9; 32])]);
//! let rules = RuleSet::build(&MaskConfig::defaults(), &keys)?;
//! let text = "mail jane@example.com from 10.1.2.3";
//! let findings = [
//!     Finding { entity: Entity::EMAIL_ADDRESS, start: 5, end: 21, score: 0.9, recognizer: "email" },
//!     Finding { entity: Entity::IP_ADDRESS, start: 27, end: 35, score: 0.9, recognizer: "ip" },
//! ];
//! let mut out = String::new();
//! let mut actions = Vec::new();
//! rules.apply_field(text, &findings, &FieldContext::default(), &mut out, &mut actions);
//! assert!(out.starts_with("mail tok_v1_"));
//! assert!(out.ends_with(" from 10.1.2.0/24"));
//! assert_eq!(actions.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod apply;
mod checks;
mod date;
mod error;
mod ff1;
mod gate;
mod keys;
mod operator;
mod rules;

pub use apply::{Action, FieldContext, FieldOutcome};
pub use error::{RedactError, RulesError};
pub use gate::{ColumnClass, GateConfig, GateFailure, GateRule, Residual};
pub use keys::{FpeKey, HmacKey, KeyRef, KeySet, KeySource, SivKey};
pub use operator::{
    Applied, BuildContext, CharMask, CharMaskConfig, DateGranularity, DateShift, DateShiftConfig,
    Effect, EmptyConfig, Encrypt, EncryptConfig, FallbackConfig, Generalize, GeneralizeConfig,
    GeneralizeKind, Hash, HashConfig, KeyNames, NormalizeStep, Operator, OperatorConfig,
    OperatorKind, Replace, ReplaceConfig, Tokenize, TokenizeConfig, TokenizeFormat, ValueContext,
};
pub use rules::{KeyUse, Layer, MaskConfig, RuleKind, RuleSet, RulesSource, render_default_toml};
