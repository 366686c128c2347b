//! One detected span.

use crate::Entity;

/// A span of text that a recognizer believes is `entity`.
///
/// `start..end` are UTF-8 byte offsets into the scanned text, on character
/// boundaries. A finding never carries the matched value itself: callers
/// that are allowed to show it slice the text they scanned.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What was found.
    pub entity: Entity,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Confidence in `[0, 1]` after validation and context enhancement.
    pub score: f32,
    /// Name of the recognizer that produced it (stable, documented).
    pub recognizer: &'static str,
}
