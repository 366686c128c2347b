//! The scanner: runs every recognizer over a field and resolves overlaps.

use crate::{FieldHint, Finding, Recognizer};

/// A configured set of recognizers. Cheap to share across threads
/// (`&Scanner` is `Sync`); build once, scan many fields.
pub struct Scanner {
    recognizers: Vec<Box<dyn Recognizer>>,
}

impl Scanner {
    /// A scanner over the given recognizers.
    pub fn from_recognizers(recognizers: Vec<Box<dyn Recognizer>>) -> Scanner {
        Scanner { recognizers }
    }

    /// Scans one field and appends its findings, sorted by start offset, to
    /// `out` (which is not cleared, so callers can reuse one buffer).
    pub fn scan_into(&self, text: &str, hint: FieldHint<'_>, out: &mut Vec<Finding>) {
        let first = out.len();
        for r in &self.recognizers {
            r.recognize(text, hint, out);
        }
        if let Some(tail) = out.get_mut(first..) {
            tail.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        }
    }

    /// Scans one field and returns its findings sorted by start offset.
    pub fn scan(&self, text: &str, hint: FieldHint<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        self.scan_into(text, hint, &mut out);
        out
    }
}
