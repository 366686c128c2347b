//! Why a finding has the score it has (`aigis scan --explain`).
//!
//! Explanations are only built by [`crate::Scanner::explain`], which scans
//! the field again in trace mode; the normal scan path never allocates or
//! formats any of this.

use std::fmt;

use crate::{Basis, Entity, Finding};

/// The evidence behind one finding's final score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Explanation {
    /// The finding's entity.
    pub entity: Entity,
    /// The recognizer (or rule) that produced it.
    pub recognizer: &'static str,
    /// The recognizer's account of its pattern, base score and validation.
    pub basis: Option<Basis>,
    /// Score the recognizer reported, before context.
    pub recognizer_score: f32,
    /// A context word found near the finding.
    pub context: Option<ContextEvidence>,
    /// The field name matched a context word.
    pub field_name: Option<FieldEvidence>,
    /// The column prior agreed with the finding's entity.
    pub prior: Option<PriorEvidence>,
    /// Score after context, hint and prior.
    pub final_score: f32,
}

/// A context word seen in the window around a finding.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ContextEvidence {
    /// The context word or phrase that matched.
    pub word: String,
    /// `"before"` or `"after"` the finding.
    pub side: &'static str,
    /// Words between the finding and the context word.
    pub distance: usize,
    /// Score added.
    pub boost: f32,
}

/// The field's name matched a context word.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldEvidence {
    /// The context word that matched the field name.
    pub word: String,
    /// Score added.
    pub boost: f32,
}

/// The column prior matched the finding's entity.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PriorEvidence {
    /// The prior's confidence.
    pub confidence: f32,
    /// Score added.
    pub boost: f32,
}

impl Explanation {
    pub(crate) fn new(f: &Finding, basis: Option<Basis>) -> Explanation {
        Explanation {
            entity: f.entity.clone(),
            recognizer: f.recognizer,
            basis,
            recognizer_score: f.score,
            context: None,
            field_name: None,
            prior: None,
            final_score: f.score,
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:.2} by {}",
            self.entity, self.final_score, self.recognizer
        )?;
        match &self.basis {
            Some(b) => {
                write!(f, ": {} (base {:.2}", b.pattern, b.base_score)?;
                if let Some(v) = &b.validation {
                    write!(f, ", {v} ok")?;
                }
                f.write_str(")")?;
            }
            None => write!(f, ": recognizer score {:.2}", self.recognizer_score)?,
        }
        if let Some(c) = &self.context {
            write!(
                f,
                "; context {:?} {} word(s) {} +{:.2}",
                c.word, c.distance, c.side, c.boost
            )?;
        }
        if let Some(h) = &self.field_name {
            write!(f, "; field name matches {:?} +{:.2}", h.word, h.boost)?;
        }
        if let Some(p) = &self.prior {
            write!(f, "; column prior {:.2} +{:.2}", p.confidence, p.boost)?;
        }
        Ok(())
    }
}
