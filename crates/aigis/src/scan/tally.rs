//! Counters of a scan run: findings by entity, inputs and records read,
//! bytes, and what was skipped.

use aigis_detect::Entity;

/// Findings counted per entity (few entities: a small vector).
#[derive(Debug, Clone, Default)]
pub(crate) struct EntityCounts(Vec<(Entity, u64)>);

impl EntityCounts {
    /// Counts one finding of `entity`.
    pub(crate) fn add(&mut self, entity: &Entity) {
        self.add_n(entity, 1);
    }

    fn add_n(&mut self, entity: &Entity, n: u64) {
        match self.0.iter_mut().find(|(e, _)| e == entity) {
            Some((_, c)) => *c += n,
            None => self.0.push((entity.clone(), n)),
        }
    }

    /// Adds another set of counts.
    pub(crate) fn merge(&mut self, other: &EntityCounts) {
        for (e, n) in &other.0 {
            self.add_n(e, *n);
        }
    }

    /// Total findings.
    pub(crate) fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    /// Counts, most frequent first (ties by name).
    pub(crate) fn sorted(&self) -> Vec<(Entity, u64)> {
        let mut v = self.0.clone();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// True when a finding of any of `entities` was counted.
    pub(crate) fn any_of(&self, entities: &[Entity]) -> bool {
        self.0.iter().any(|(e, n)| *n > 0 && entities.contains(e))
    }
}

/// An input that was not (completely) scanned, and why.
#[derive(Debug, Clone)]
pub(crate) struct SkippedInput {
    /// The input's name.
    pub(crate) source: String,
    /// The reason, as a message (never input content).
    pub(crate) reason: String,
}

/// Bad records skipped in one input.
#[derive(Debug, Clone)]
pub(crate) struct SkippedRecords {
    /// The input's name.
    pub(crate) source: String,
    /// How many.
    pub(crate) count: u64,
    /// The first reasons, as messages.
    pub(crate) reasons: Vec<String>,
}

/// Everything counted over a run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    /// Findings by entity.
    pub(crate) findings: EntityCounts,
    /// Inputs read to the end.
    pub(crate) inputs: u64,
    /// Records read.
    pub(crate) records: u64,
    /// Fields scanned.
    pub(crate) fields: u64,
    /// Input bytes consumed.
    pub(crate) bytes: u64,
    /// Inputs skipped whole or in part.
    pub(crate) skipped_inputs: Vec<SkippedInput>,
    /// Bad records skipped, per input.
    pub(crate) skipped_records: Vec<SkippedRecords>,
    /// Records where invalid UTF-8 was replaced, per input.
    pub(crate) lossy: Vec<(String, u64)>,
    /// Wall-clock seconds.
    pub(crate) seconds: f64,
    /// Worker threads used.
    pub(crate) threads: usize,
}
