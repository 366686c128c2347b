//! Finding personal data and secrets in text.
//!
//! The seam is the [`Recognizer`] trait: a recognizer looks at a piece of
//! text (a line, a JSON string leaf, a table cell) and reports candidate
//! [`Finding`]s with a score in `[0, 1]`. A [`Scanner`] owns a set of
//! recognizers, runs them over a field, applies context enhancement and
//! resolves overlaps, and returns findings sorted by position. Rule-based
//! recognizers, gazetteers, custom recognizers from files and (later) ML
//! models all plug in the same way.
//!
//! Offsets in a finding are UTF-8 byte offsets into the text given to the
//! scanner; callers that need character offsets convert them.
//!
//! ```
//! use aigis_detect::{Entity, FieldHint, Scanner};
//!
//! let scanner = Scanner::builtin();
//! let text = "card 4111 1111 1111 1111, ssn 211-28-7964";
//! let found = scanner.scan(text, FieldHint::default());
//! assert_eq!(found[0].entity, Entity::CREDIT_CARD);
//! assert_eq!(&text[found[1].start..found[1].end], "211-28-7964");
//! ```
//!
//! Tables: [`TableProfile`] accumulates per-column statistics and classifies
//! columns; its [`TableProfile::priors`] feed back into scanning through
//! [`FieldHint::with_prior`].

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod builtin;
mod column;
mod config;
mod context;
mod custom;
mod entity;
mod error;
mod explain;
mod finding;
mod gazetteer;
mod lex;
mod recognizer;
mod scanner;
mod validate;

pub use builtin::Builtin;
pub use builtin::secret::{SecretMatch, find_secrets};
pub use column::{
    CONFIRM_SHARE, ColumnClass, ColumnClassification, ColumnPrior, ColumnProfile, PRIOR_BOOST,
    PRIOR_WARMUP_ROWS, TableProfile,
};
pub use config::ScanConfig;
pub use custom::{
    CustomRecognizer, PatternSpec, RecognizerFile, RecognizerSpec, load_recognizer_file,
    parse_presidio_yaml, parse_toml,
};
pub use entity::Entity;
pub use error::RecognizerFileError;
pub use explain::{ContextEvidence, Explanation, FieldEvidence, PriorEvidence};
pub use finding::Finding;
pub use recognizer::{Basis, FieldHint, Recognizer};
pub use scanner::{DEFAULT_MIN_SCORE, Scanner, ScannerBuilder};
pub use validate::Validator;
