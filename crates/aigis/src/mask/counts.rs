//! Counters of a mask run, kept per worker chunk and merged in input
//! order. They hold names, counts and positions, never values. Workers
//! count into a [`Tally`] (interned keys, no allocation per finding); the
//! writing thread folds each chunk's tally into the run's [`Counts`].

use std::collections::{BTreeMap, HashMap};

use aigis_detect::Entity;
use aigis_redact::{Action, Effect, OperatorKind, RedactError, RuleKind};
use serde::Serialize;

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
    /// Total residual findings.
    pub(crate) fn residuals(&self) -> u64 {
        self.residual_by_entity.values().sum()
    }
}

/// Key of one transformed span in a [`Tally`]: integer and interned
/// parts only, so counting allocates nothing per finding.
#[derive(Clone, PartialEq, Eq, Hash)]
struct SpanKey {
    entity: Entity,
    /// Interned column name ([`Tally::column`]), `NONE` when none.
    column: u32,
    operator: OperatorKind,
    rule: RuleKind,
}

/// Key of one residual finding in a [`Tally`].
#[derive(Clone, PartialEq, Eq, Hash)]
struct ResidualKey {
    entity: Entity,
    column: u32,
    /// Table column index (for the gate's classes).
    index: Option<usize>,
    gated: bool,
}

/// The maps a [`Tally`] counts in, looked up once or more per finding:
/// keyed by entity and column names (a handful per input), hashed with a
/// fast, randomly seeded hasher; their order never reaches the output,
/// which is folded into sorted maps.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Column id of "no column".
const NONE: u32 = u32::MAX;

/// A worker chunk's counters: keyed by entity, interned column id and
/// operator, turned into [`Counts`]' named maps once per chunk on the
/// writing thread ([`Counts::add_tally`]).
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) fields: u64,
    pub(crate) fields_changed: u64,
    pub(crate) records_suppressed: u64,
    pub(crate) quarantined: u64,
    names: Vec<String>,
    ids: FastMap<String, u32>,
    spans: FastMap<SpanKey, u64>,
    /// Cells of dropped columns, by interned column.
    drops: FastMap<u32, u64>,
    fallbacks: Vec<(OperatorKind, OperatorKind, RedactError, u64)>,
    residuals: FastMap<ResidualKey, u64>,
}

impl Tally {
    fn column(&mut self, name: Option<&str>) -> u32 {
        let Some(name) = name else { return NONE };
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(NONE - 1);
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }

    /// Counts one action of a rule.
    pub(crate) fn action(
        &mut self,
        a: &Action,
        index: Option<usize>,
        column: Option<&str>,
        gate_min: f32,
    ) {
        let column = self.column(column);
        *self
            .spans
            .entry(SpanKey {
                entity: a.entity.clone(),
                column,
                operator: a.operator,
                rule: a.rule,
            })
            .or_default() += 1;
        if let Some((op, why)) = &a.fallback {
            match self
                .fallbacks
                .iter_mut()
                .find(|(o, to, w, _)| o == op && *to == a.operator && w == why)
            {
                Some(slot) => slot.3 += 1,
                None => self.fallbacks.push((*op, a.operator, why.clone(), 1)),
            }
        }
        if a.effect == Effect::Kept {
            self.residual_at(&a.entity, index, column, a.score, gate_min);
        }
    }

    /// Counts one cell of a column dropped by a column rule.
    pub(crate) fn drop_cell(&mut self, column: Option<&str>) {
        let column = self.column(column);
        *self.drops.entry(column).or_default() += 1;
    }

    /// Counts one residual finding.
    pub(crate) fn residual(
        &mut self,
        entity: &Entity,
        index: Option<usize>,
        column: Option<&str>,
        score: f32,
        gate_min: f32,
    ) {
        let column = self.column(column);
        self.residual_at(entity, index, column, score, gate_min);
    }

    fn residual_at(
        &mut self,
        entity: &Entity,
        index: Option<usize>,
        column: u32,
        score: f32,
        gate_min: f32,
    ) {
        *self
            .residuals
            .entry(ResidualKey {
                entity: entity.clone(),
                column,
                index,
                gated: score >= gate_min,
            })
            .or_default() += 1;
    }

    fn name(&self, id: u32) -> Option<&str> {
        self.names
            .get(usize::try_from(id).ok()?)
            .map(String::as_str)
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str, n: u64) {
    match map.get_mut(key) {
        Some(v) => *v += n,
        None => {
            map.insert(key.to_owned(), n);
        }
    }
}

fn bump2(map: &mut BTreeMap<String, BTreeMap<String, u64>>, key: &str, inner: &str, n: u64) {
    match map.get_mut(key) {
        Some(m) => bump(m, inner, n),
        None => {
            let mut m = BTreeMap::new();
            m.insert(inner.to_owned(), n);
            map.insert(key.to_owned(), m);
        }
    }
}

impl Counts {
    /// Adds a worker chunk's tally.
    pub(crate) fn add_tally(&mut self, t: &Tally) {
        self.fields += t.fields;
        self.fields_changed += t.fields_changed;
        self.records_suppressed += t.records_suppressed;
        self.quarantined += t.quarantined;
        for (k, &n) in &t.spans {
            let entity = k.entity.as_str();
            let column = t.name(k.column);
            bump(&mut self.findings_by_entity, entity, n);
            if let Some(c) = column {
                bump2(&mut self.findings_by_column, c, entity, n);
            }
            bump(&mut self.actions_by_operator, k.operator.as_str(), n);
            let rule = match k.rule {
                RuleKind::Column => format!("column:{}", column.unwrap_or_default()),
                RuleKind::Entity => format!("entity:{entity}"),
                RuleKind::Default => "default".to_owned(),
            };
            bump(&mut self.rules_triggered, &rule, n);
        }
        for (&c, &n) in &t.drops {
            bump(&mut self.actions_by_operator, "drop", n);
            let rule = format!("column:{}", t.name(c).unwrap_or_default());
            bump(&mut self.rules_triggered, &rule, n);
        }
        for (op, to, why, n) in &t.fallbacks {
            bump(&mut self.fallbacks, &format!("{op} -> {to}: {why}"), *n);
        }
        for (k, &n) in &t.residuals {
            let entity = k.entity.as_str();
            bump(&mut self.residual_by_entity, entity, n);
            if let Some(c) = t.name(k.column) {
                bump2(&mut self.residual_by_column, c, entity, n);
            }
            if k.gated {
                *self
                    .gate_residuals
                    .entry((entity.to_owned(), k.index))
                    .or_default() += n;
            }
        }
    }
}
