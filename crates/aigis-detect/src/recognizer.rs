//! The `Recognizer` trait: the one seam every detector plugs into.

use crate::Finding;

/// What the scanner knows about the field being scanned, beyond its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldHint<'a> {
    /// Column name of a table cell or last key of a JSON path (`"email"`,
    /// `"dob"`), used as context; `None` for free text.
    pub name: Option<&'a str>,
}

/// Finds candidate spans of one or more entity types in a piece of text.
///
/// Implementations must be cheap to call many millions of times, must never
/// panic on any input, and must report byte offsets on char boundaries.
/// They may push findings in any order; the scanner sorts and resolves
/// overlaps.
pub trait Recognizer: Send + Sync {
    /// Stable name, reported with each finding.
    fn name(&self) -> &'static str;
    /// Appends this recognizer's findings in `text` to `out`.
    fn recognize(&self, text: &str, hint: FieldHint<'_>, out: &mut Vec<Finding>);
}
