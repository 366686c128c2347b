//! Finding personal data and secrets in text.
//!
//! The seam is the [`Recognizer`] trait: a recognizer looks at a piece of
//! text (a line, a JSON string leaf, a table cell) and reports candidate
//! [`Finding`]s with a score in `[0, 1]`. A [`Scanner`] owns a set of
//! recognizers, runs them over a field, applies context enhancement and
//! resolves overlaps, and returns findings sorted by position. Rule-based
//! recognizers, gazetteers and (later) ML models all plug in the same way.
//!
//! Offsets in a finding are UTF-8 byte offsets into the text given to the
//! scanner; callers that need character offsets convert them.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod entity;
mod finding;
mod recognizer;
mod scanner;

pub use entity::Entity;
pub use finding::Finding;
pub use recognizer::{FieldHint, Recognizer};
pub use scanner::Scanner;
