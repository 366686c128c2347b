//! The `Recognizer` trait: the one seam every detector plugs into.

use crate::column::ColumnPrior;
use crate::{Entity, Finding};

/// What the scanner knows about the field being scanned, beyond its text.
///
/// Build it with [`FieldHint::named`] and [`FieldHint::with_prior`] (or
/// `FieldHint::default()` for free text); the struct may gain fields.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct FieldHint<'a> {
    /// Column name of a table cell or last key of a JSON path (`"email"`,
    /// `"dob"`), used as context; `None` for free text.
    pub name: Option<&'a str>,
    /// What the column is known to hold, learnt from earlier rows (see
    /// [`crate::TableProfile::priors`]); `None` when unknown.
    pub prior: Option<&'a ColumnPrior>,
}

impl<'a> FieldHint<'a> {
    /// A hint for a field called `name` (column header, JSON key).
    pub fn named(name: &'a str) -> FieldHint<'a> {
        FieldHint {
            name: Some(name),
            prior: None,
        }
    }

    /// The same hint with a column prior (or without one, for `None`).
    #[must_use]
    pub fn with_prior(self, prior: Option<&'a ColumnPrior>) -> FieldHint<'a> {
        FieldHint { prior, ..self }
    }
}

/// How a recognizer arrived at a finding's score before context: reported
/// by `--explain`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Basis {
    /// The pattern or rule that matched, in words (`"16 digits in groups of 4"`).
    pub pattern: String,
    /// Score the pattern gives before context.
    pub base_score: f32,
    /// The validator that accepted the value (`"luhn"`, `"mod97"`), if any.
    pub validation: Option<String>,
}

/// Finds candidate spans of one or more entity types in a piece of text.
///
/// Implementations must be cheap to call many millions of times, must never
/// panic on any input, and must report byte offsets on char boundaries.
/// They may push findings in any order and may push several findings for
/// the same span (one per plausible entity, each with its own score); the
/// scanner applies context, drops findings under the minimum score and
/// resolves overlaps.
pub trait Recognizer: Send + Sync {
    /// Stable name, reported with each finding unless the finding names a
    /// more specific rule.
    fn name(&self) -> &'static str;

    /// Appends this recognizer's findings in `text` to `out`.
    fn recognize(&self, text: &str, hint: FieldHint<'_>, out: &mut Vec<Finding>);

    /// Appends this recognizer's findings of `entity` in `text`, looking
    /// for that entity alone, when it can do so more cheaply than
    /// [`Recognizer::recognize`]; findings of other entities may come
    /// along. Returns false, having appended nothing, when it cannot; the
    /// scanner then calls `recognize`. Used for cells of a table column
    /// confirmed to hold `entity` (see [`crate::ColumnPrior`]).
    fn recognize_entity(
        &self,
        text: &str,
        hint: FieldHint<'_>,
        entity: &Entity,
        out: &mut Vec<Finding>,
    ) -> bool {
        let _ = (text, hint, entity, out);
        false
    }

    /// Words that, near a finding of the given entity, raise its score
    /// (lowercase; a phrase is words separated by single spaces). Called
    /// once when the scanner is built.
    fn context_words(&self) -> Vec<(Entity, Vec<String>)> {
        Vec::new()
    }

    /// Explains the base scores of `findings`, which this recognizer
    /// produced for `text` (one entry per finding, `None` where it has
    /// nothing to say). Only called by [`crate::Scanner::explain`], never on
    /// the normal scan path.
    fn explain(&self, text: &str, hint: FieldHint<'_>, findings: &[Finding]) -> Vec<Option<Basis>> {
        let _ = (text, hint);
        vec![None; findings.len()]
    }
}
