//! Counters of a mask run, kept per worker chunk and merged in input
//! order. They hold names, counts and positions, never values.

use std::collections::BTreeMap;

use serde::Serialize;

fn add_all(into: &mut BTreeMap<String, u64>, from: &BTreeMap<String, u64>) {
    for (k, v) in from {
        *into.entry(k.clone()).or_default() += v;
    }
}

fn add_nested(
    into: &mut BTreeMap<String, BTreeMap<String, u64>>,
    from: &BTreeMap<String, BTreeMap<String, u64>>,
) {
    for (k, v) in from {
        add_all(into.entry(k.clone()).or_default(), v);
    }
}

/// What a run did, by entity, column, operator and rule.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Counts {
    /// Fields (non-empty cells, string leaves, lines) processed.
    pub(crate) fields: u64,
    /// Fields written changed (or dropped).
    pub(crate) fields_changed: u64,
    /// Records left out by a `suppress` rule.
    pub(crate) records_suppressed: u64,
    /// Findings by entity (after merging overlaps into one span: each
    /// transformed span counts once, under its winning entity).
    pub(crate) findings_by_entity: BTreeMap<String, u64>,
    /// Findings by column (table column, or the JSON key) and entity.
    pub(crate) findings_by_column: BTreeMap<String, BTreeMap<String, u64>>,
    /// Transformed spans by the operator that produced the output.
    pub(crate) actions_by_operator: BTreeMap<String, u64>,
    /// Which rules chose operators: `column:NAME`, `entity:NAME`, `default`.
    pub(crate) rules_triggered: BTreeMap<String, u64>,
    /// Fallbacks that ran: `RULE_OPERATOR -> FALLBACK: reason`.
    pub(crate) fallbacks: BTreeMap<String, u64>,
    /// Residual findings (kept by a rule, or found again in the output by
    /// the verify pass) by entity.
    pub(crate) residual_by_entity: BTreeMap<String, u64>,
    /// Residual findings by column and entity.
    pub(crate) residual_by_column: BTreeMap<String, BTreeMap<String, u64>>,
    /// Original values written to the quarantine.
    pub(crate) quarantined: u64,
    /// Residuals at or above the gate's minimum score: (entity, table
    /// column index) -> count; classes are known only at the end.
    #[serde(skip)]
    pub(crate) gate_residuals: BTreeMap<(String, Option<usize>), u64>,
}

impl Counts {
    /// Adds `o` into `self`.
    pub(crate) fn merge(&mut self, o: &Counts) {
        self.fields += o.fields;
        self.fields_changed += o.fields_changed;
        self.records_suppressed += o.records_suppressed;
        self.quarantined += o.quarantined;
        add_all(&mut self.findings_by_entity, &o.findings_by_entity);
        add_nested(&mut self.findings_by_column, &o.findings_by_column);
        add_all(&mut self.actions_by_operator, &o.actions_by_operator);
        add_all(&mut self.rules_triggered, &o.rules_triggered);
        add_all(&mut self.fallbacks, &o.fallbacks);
        add_all(&mut self.residual_by_entity, &o.residual_by_entity);
        add_nested(&mut self.residual_by_column, &o.residual_by_column);
        for (k, v) in &o.gate_residuals {
            *self.gate_residuals.entry(k.clone()).or_default() += v;
        }
    }

    /// Counts one residual finding.
    pub(crate) fn residual(
        &mut self,
        entity: &str,
        index: Option<usize>,
        column: Option<&str>,
        score: f32,
        gate_min: f32,
    ) {
        *self
            .residual_by_entity
            .entry(entity.to_owned())
            .or_default() += 1;
        if let Some(name) = column {
            *self
                .residual_by_column
                .entry(name.to_owned())
                .or_default()
                .entry(entity.to_owned())
                .or_default() += 1;
        }
        if score >= gate_min {
            *self
                .gate_residuals
                .entry((entity.to_owned(), index))
                .or_default() += 1;
        }
    }

    /// Total residual findings.
    pub(crate) fn residuals(&self) -> u64 {
        self.residual_by_entity.values().sum()
    }
}
