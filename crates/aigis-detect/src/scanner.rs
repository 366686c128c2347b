//! The scanner: runs every recognizer over a field, applies context, drops
//! findings under the minimum score and resolves overlaps.

use std::collections::BTreeMap;

use crate::column::PRIOR_BOOST;
use crate::context::{self, Words};
use crate::explain::{ContextEvidence, FieldEvidence, PriorEvidence};
use crate::{Builtin, Entity, Explanation, FieldHint, Finding, Recognizer};

/// Findings scoring below this are dropped unless the configuration says
/// otherwise.
pub const DEFAULT_MIN_SCORE: f32 = 0.5;

/// A configured set of recognizers. Cheap to share across threads
/// (`&Scanner` is `Sync`); build once, scan many fields.
pub struct Scanner {
    /// Distinguishes scanners in the per-thread field-name memo.
    id: u64,
    recognizers: Vec<Box<dyn Recognizer>>,
    context: Vec<(Entity, Words)>,
    min_score: f32,
    only: Vec<Entity>,
    disabled: Vec<Entity>,
}

/// Builds a [`Scanner`]: the built-in recognizers (on by default), extra
/// recognizers, the minimum score and entity filters.
pub struct ScannerBuilder {
    builtin: bool,
    extra: Vec<Box<dyn Recognizer>>,
    min_score: f32,
    only: Vec<Entity>,
    disabled: Vec<Entity>,
}

impl Default for ScannerBuilder {
    fn default() -> Self {
        ScannerBuilder {
            builtin: true,
            extra: Vec::new(),
            min_score: DEFAULT_MIN_SCORE,
            only: Vec::new(),
            disabled: Vec::new(),
        }
    }
}

impl ScannerBuilder {
    /// Whether to include the built-in recognizers (default true).
    #[must_use]
    pub fn builtin(mut self, on: bool) -> Self {
        self.builtin = on;
        self
    }

    /// Adds a recognizer (custom, ML, ...).
    #[must_use]
    pub fn recognizer(mut self, r: Box<dyn Recognizer>) -> Self {
        self.extra.push(r);
        self
    }

    /// Adds several recognizers.
    #[must_use]
    pub fn recognizers<I: IntoIterator<Item = Box<dyn Recognizer>>>(mut self, rs: I) -> Self {
        self.extra.extend(rs);
        self
    }

    /// Findings scoring below `score` are dropped (clamped to `[0, 1]`).
    #[must_use]
    pub fn min_score(mut self, score: f32) -> Self {
        self.min_score = if score.is_nan() {
            DEFAULT_MIN_SCORE
        } else {
            score.clamp(0.0, 1.0)
        };
        self
    }

    /// Reports only these entities (empty: all).
    #[must_use]
    pub fn only(mut self, entities: Vec<Entity>) -> Self {
        self.only = entities;
        self
    }

    /// Never reports these entities.
    #[must_use]
    pub fn disable(mut self, entities: Vec<Entity>) -> Self {
        self.disabled = entities;
        self
    }

    /// The scanner.
    pub fn build(self) -> Scanner {
        let mut recognizers: Vec<Box<dyn Recognizer>> = Vec::new();
        if self.builtin {
            recognizers.push(Box::new(Builtin::new()));
        }
        recognizers.extend(self.extra);
        let mut s = Scanner::assemble(recognizers);
        s.min_score = self.min_score;
        s.only = self.only;
        s.disabled = self.disabled;
        s
    }
}

impl Scanner {
    /// Every built-in recognizer with the default settings.
    pub fn builtin() -> Scanner {
        ScannerBuilder::default().build()
    }

    /// A builder, starting from the defaults.
    pub fn builder() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// A scanner over exactly the given recognizers, with the default
    /// minimum score and the built-in context words.
    pub fn from_recognizers(recognizers: Vec<Box<dyn Recognizer>>) -> Scanner {
        Scanner::assemble(recognizers)
    }

    fn assemble(recognizers: Vec<Box<dyn Recognizer>>) -> Scanner {
        let mut context: Vec<(Entity, Words)> = context::builtin_words()
            .into_iter()
            .map(|(e, w)| (e, Words::new(w)))
            .collect();
        for r in &recognizers {
            for (entity, words) in r.context_words() {
                match context.iter_mut().find(|(e, _)| *e == entity) {
                    Some((_, w)) => w.extend(&words),
                    None => context.push((entity, Words::new(&words))),
                }
            }
        }
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Scanner {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            recognizers,
            context,
            min_score: DEFAULT_MIN_SCORE,
            only: Vec::new(),
            disabled: Vec::new(),
        }
    }

    /// The minimum score a reported finding has.
    pub fn min_score(&self) -> f32 {
        self.min_score
    }

    /// Scans one field and appends its findings, sorted by start offset and
    /// not overlapping, to `out` (which is not cleared, so callers can reuse
    /// one buffer).
    ///
    /// A cell of a column whose [`crate::ColumnPrior`] is `confirmed` is
    /// first given to the recognizers of the column's entity alone
    /// ([`Recognizer::recognize_entity`]); when what they find settles into
    /// one finding of that entity covering the whole (trimmed) cell, that
    /// is the cell's result. Anything else (no finding, a partial one,
    /// another entity) falls back to every recognizer, so a cell that is
    /// not the column's entity is scanned exactly as it would be without
    /// the prior's confirmation.
    pub fn scan_into(&self, text: &str, hint: FieldHint<'_>, out: &mut Vec<Finding>) {
        if let Some(prior) = hint.prior.filter(|p| p.confirmed)
            && self.scan_confirmed(text, hint, &prior.entity, out)
        {
            return;
        }
        let first = out.len();
        for r in &self.recognizers {
            r.recognize(text, hint, out);
        }
        self.settle(text, hint, out, first);
    }

    /// The confirmed-column path of [`Scanner::scan_into`]: true when the
    /// cell's result is in `out`, false (with `out` as it was) when the
    /// cell needs every recognizer.
    fn scan_confirmed(
        &self,
        text: &str,
        hint: FieldHint<'_>,
        entity: &Entity,
        out: &mut Vec<Finding>,
    ) -> bool {
        let (start, end) = crate::lex::trim_bounds(text);
        if start >= end {
            return false;
        }
        let first = out.len();
        for r in &self.recognizers {
            if !r.recognize_entity(text, hint, entity, out) {
                r.recognize(text, hint, out);
            }
        }
        self.settle(text, hint, out, first);
        let whole = matches!(out.get(first..), Some([f]) if is_whole(text, entity, f));
        if !whole {
            out.truncate(first);
        }
        whole
    }

    /// Filters `out[first..]` to reported, well-formed findings, applies
    /// context to contested or weak ones, drops those under the minimum
    /// score and resolves overlaps.
    fn settle(&self, text: &str, hint: FieldHint<'_>, out: &mut Vec<Finding>, first: usize) {
        let mut w = first;
        for i in first..out.len() {
            if self.reported(&out[i]) && sane(text, &out[i]) {
                out.swap(w, i);
                w += 1;
            }
        }
        out.truncate(w);
        let Some(tail) = out.get_mut(first..) else {
            return;
        };
        sort_by_position(tail);
        let n = tail.len();
        let mut cache = WindowCache::default();
        let mut i = 0;
        while i < n {
            let j = cluster_end(tail, i);
            let contested = j - i > 1;
            for f in &mut tail[i..j] {
                f.score = if contested || f.score < self.min_score {
                    self.enhance(text, hint, f, None, &mut cache)
                } else {
                    f.score.min(1.0)
                };
            }
            i = j;
        }
        let min = self.min_score;
        let mut k = 0;
        out.retain(|f| {
            let keep = k < first || f.score >= min;
            k += 1;
            keep
        });
        if out.len() - first > 1 {
            resolve(out, first);
        }
    }

    /// Scans one field and returns its findings sorted by start offset.
    pub fn scan(&self, text: &str, hint: FieldHint<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        self.scan_into(text, hint, &mut out);
        out
    }

    /// Scans one field like [`Scanner::scan`] and says why each reported
    /// finding has its score. Slower than `scan`; meant for `--explain`.
    pub fn explain(&self, text: &str, hint: FieldHint<'_>) -> Vec<(Finding, Explanation)> {
        // The same two paths as `scan_into`.
        if let Some(prior) = hint.prior.filter(|p| p.confirmed) {
            let raw = self.explained_candidates(text, hint, Some(&prior.entity));
            let got = self.explain_candidates(text, hint, raw);
            if let [(f, _)] = got.as_slice()
                && is_whole(text, &prior.entity, f)
            {
                return got;
            }
        }
        let raw = self.explained_candidates(text, hint, None);
        self.explain_candidates(text, hint, raw)
    }

    /// Every recognizer's reported, well-formed findings with their bases
    /// (only `entity`'s, where a recognizer can look for it alone).
    fn explained_candidates(
        &self,
        text: &str,
        hint: FieldHint<'_>,
        entity: Option<&Entity>,
    ) -> Vec<(Finding, Explanation)> {
        let mut raw: Vec<(Finding, Explanation)> = Vec::new();
        for r in &self.recognizers {
            let mut found = Vec::new();
            if !entity.is_some_and(|e| r.recognize_entity(text, hint, e, &mut found)) {
                r.recognize(text, hint, &mut found);
            }
            let bases = r.explain(text, hint, &found);
            for (i, f) in found.into_iter().enumerate() {
                if self.reported(&f) && sane(text, &f) {
                    let basis = bases.get(i).cloned().flatten();
                    let ex = Explanation::new(&f, basis);
                    raw.push((f, ex));
                }
            }
        }
        raw
    }

    /// Context, minimum score and overlaps applied to explained candidates.
    fn explain_candidates(
        &self,
        text: &str,
        hint: FieldHint<'_>,
        mut raw: Vec<(Finding, Explanation)>,
    ) -> Vec<(Finding, Explanation)> {
        // Same order and the same rule as the scan path.
        raw.sort_by(|a, b| position_order(&a.0, &b.0));
        let only: Vec<Finding> = raw.iter().map(|(f, _)| f.clone()).collect();
        let mut kept: Vec<Finding> = Vec::new();
        let mut why: Vec<Explanation> = Vec::new();
        let mut cache = WindowCache::default();
        let mut i = 0;
        while i < only.len() {
            let j = cluster_end(&only, i);
            let contested = j - i > 1;
            for (f, ex) in &mut raw[i..j] {
                let score = if contested || f.score < self.min_score {
                    self.enhance(text, hint, f, Some(ex), &mut cache)
                } else {
                    f.score.min(1.0)
                };
                ex.final_score = score;
                if score >= self.min_score {
                    let mut f = f.clone();
                    f.score = score;
                    kept.push(f);
                    why.push(ex.clone());
                }
            }
            i = j;
        }
        // Resolve overlaps on the findings, then pair survivors with their
        // explanations (same span, entity and score identify one).
        let mut slots: std::collections::HashMap<(usize, usize, &'static str, String), Vec<usize>> =
            std::collections::HashMap::new();
        for (i, f) in kept.iter().enumerate().rev() {
            slots
                .entry((f.start, f.end, f.recognizer, f.entity.as_str().to_string()))
                .or_default()
                .push(i);
        }
        let mut resolved = kept.clone();
        resolve(&mut resolved, 0);
        resolved
            .into_iter()
            .filter_map(|f| {
                let i = slots
                    .get_mut(&(f.start, f.end, f.recognizer, f.entity.as_str().to_string()))?
                    .pop()?;
                Some((f, why.get(i)?.clone()))
            })
            .collect()
    }

    fn reported(&self, f: &Finding) -> bool {
        (self.only.is_empty() || self.only.contains(&f.entity))
            && !self.disabled.contains(&f.entity)
    }

    /// The finding's score after context words, field name and prior.
    fn enhance<'t>(
        &self,
        text: &'t str,
        hint: FieldHint<'t>,
        f: &Finding,
        mut trace: Option<&mut Explanation>,
        cache: &mut WindowCache<'t>,
    ) -> f32 {
        let mut score = f.score.clamp(0.0, 1.0);
        let found = self.context.iter().position(|(e, _)| *e == f.entity);
        let words = found.and_then(|i| self.context.get(i)).map(|(_, w)| w);
        let mut supported = false;
        if let Some(words) = words.filter(|w| !w.is_empty()) {
            let (before, after) = cache.windows(text.as_bytes(), f.start, f.end);
            let mut hit = words
                .find(before.words(), true)
                .map(|(p, d)| (p, d, "before"));
            if hit.is_none() {
                hit = words
                    .find(after.words(), false)
                    .map(|(p, d)| (p, d, "after"));
            }
            if let Some((p, dist, side)) = hit {
                // Nearer words weigh a little more, so that of two entities
                // competing for one span the one with the nearest context
                // wins; words before a value count more than words after it.
                let base = if side == "before" {
                    context::CONTEXT_BOOST
                } else {
                    context::CONTEXT_BOOST_AFTER
                };
                let boost = base + 0.002 * (8usize.saturating_sub(dist)) as f32;
                score += boost;
                supported = true;
                if let Some(t) = trace.as_deref_mut() {
                    t.context = Some(ContextEvidence {
                        word: words.phrase(p),
                        side,
                        distance: dist,
                        boost,
                    });
                }
            }
            let named = match (hint.name, found, trace.is_some()) {
                (Some(name), Some(ci), false) => self.name_match(name, ci, words, cache),
                (Some(name), _, _) => cache
                    .name(name)
                    .and_then(|parts| words.find(parts.words(), true))
                    .map(|(p, _)| p),
                (None, _, _) => None,
            };
            if let Some(p) = named {
                score += context::HINT_BOOST;
                supported = true;
                if let Some(t) = trace.as_deref_mut() {
                    t.field_name = Some(FieldEvidence {
                        word: words.phrase(p),
                        boost: context::HINT_BOOST,
                    });
                }
            }
        }
        if let Some(prior) = hint.prior.filter(|p| p.entity == f.entity) {
            let boost = PRIOR_BOOST * prior.confidence.clamp(0.0, 1.0);
            score += boost;
            supported = true;
            if let Some(t) = trace {
                t.prior = Some(PriorEvidence {
                    confidence: prior.confidence,
                    boost,
                });
            }
        }
        if supported {
            score = score.max(context::MIN_WITH_CONTEXT);
        }
        let base = f.score.clamp(0.0, 1.0);
        if score > base {
            context::saturate(score).max(base)
        } else {
            score
        }
    }
}

/// Field names recently seen on this thread and, per context entry of the
/// scanner that saw them, whether the name matches the entry's words:
/// table cells of one column share the answer instead of recomputing it.
/// Several names are kept because a table is scanned row by row, so the
/// column (and its name) changes from one cell to the next.
#[derive(Default)]
struct NameMemo {
    scanner: u64,
    /// (name, per context entry: `None` not yet asked, `Some(answer)`).
    names: Vec<(String, Vec<Option<Option<usize>>>)>,
}

/// Names remembered per thread; past this the memo starts over.
const NAME_MEMO_SIZE: usize = 64;

thread_local! {
    static NAME_MEMO: std::cell::RefCell<NameMemo> = std::cell::RefCell::new(NameMemo::default());
}

impl Scanner {
    /// The phrase of context entry `ci` that field name `name` matches,
    /// if any (memoised per thread for recent names).
    fn name_match<'t>(
        &self,
        name: &'t str,
        ci: usize,
        words: &Words,
        cache: &mut WindowCache<'t>,
    ) -> Option<usize> {
        let mut direct = || {
            cache
                .name(name)
                .and_then(|parts| words.find(parts.words(), true))
                .map(|(p, _)| p)
        };
        NAME_MEMO.with(|m| {
            let Ok(mut m) = m.try_borrow_mut() else {
                return direct();
            };
            if m.scanner != self.id {
                m.scanner = self.id;
                m.names.clear();
            }
            let entries = self.context.len();
            let at = match m.names.iter().position(|(n, _)| n == name) {
                Some(at) => at,
                None => {
                    if m.names.len() >= NAME_MEMO_SIZE {
                        m.names.clear();
                    }
                    m.names.push((name.to_string(), vec![None; entries]));
                    m.names.len() - 1
                }
            };
            let Some((_, hits)) = m.names.get_mut(at) else {
                return direct();
            };
            match hits.get(ci).copied() {
                Some(Some(answer)) => answer,
                Some(None) => {
                    let answer = direct();
                    if let Some(slot) = hits.get_mut(ci) {
                        *slot = Some(answer);
                    }
                    answer
                }
                None => direct(),
            }
        })
    }
}

/// Context windows of the last span looked at (alternatives for one span
/// share them) and the field name's words, computed once per field. Both
/// are handed out by reference: a window is 136 bytes, and copying them
/// per finding showed up in profiles.
#[derive(Default)]
struct WindowCache<'t> {
    span: Option<(usize, usize, context::Window<'t>, context::Window<'t>)>,
    /// The field name's words, `None` inside when the name is generic.
    name: Option<Option<context::Window<'t>>>,
}

impl<'t> WindowCache<'t> {
    fn windows(
        &mut self,
        text: &'t [u8],
        start: usize,
        end: usize,
    ) -> (&context::Window<'t>, &context::Window<'t>) {
        if !matches!(self.span, Some((s, e, _, _)) if s == start && e == end) {
            self.span = Some((
                start,
                end,
                context::words_before(text, start, context::WORDS_BEFORE),
                context::words_after(text, end, context::WORDS_AFTER),
            ));
        }
        match &self.span {
            Some((_, _, b, a)) => (b, a),
            None => unreachable_windows(),
        }
    }

    /// The words of the field's name, or `None` for a generic name
    /// (`text`, `message`, ...) that is no evidence.
    fn name(&mut self, name: &'t str) -> Option<&context::Window<'t>> {
        self.name
            .get_or_insert_with(|| {
                (!context::generic_field_name(name))
                    .then(|| context::words_before(name.as_bytes(), name.len(), 8))
            })
            .as_ref()
    }
}

/// Empty windows, for the branch [`WindowCache::windows`] never takes
/// (the span was just set), so that no `unwrap` is needed.
fn unreachable_windows<'a, 't>() -> (&'a context::Window<'t>, &'a context::Window<'t>) {
    static EMPTY: context::Window<'static> = context::Window::EMPTY;
    (&EMPTY, &EMPTY)
}

fn position_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    a.start
        .cmp(&b.start)
        .then(b.end.cmp(&a.end))
        .then(b.score.total_cmp(&a.score))
        .then(a.entity.cmp(&b.entity))
}

fn sort_by_position(v: &mut [Finding]) {
    v.sort_by(position_order);
}

/// End (exclusive) of the group of mutually overlapping findings starting
/// at `i` in a position-sorted slice.
fn cluster_end(v: &[Finding], i: usize) -> usize {
    let mut j = i + 1;
    let mut max_end = v.get(i).map_or(0, |f| f.end);
    while let Some(f) = v.get(j) {
        if f.start >= max_end {
            break;
        }
        max_end = max_end.max(f.end);
        j += 1;
    }
    j
}

/// Whether `f` is `entity` and covers all of `text` but its leading and
/// trailing whitespace.
pub(crate) fn is_whole(text: &str, entity: &Entity, f: &Finding) -> bool {
    let (start, end) = crate::lex::trim_bounds(text);
    f.entity == *entity && f.start <= start && f.end >= end
}

/// Drops findings whose offsets are out of range or not on char boundaries
/// (a misbehaving recognizer must not make callers panic when slicing).
fn sane(text: &str, f: &Finding) -> bool {
    f.start < f.end
        && f.end <= text.len()
        && text.is_char_boundary(f.start)
        && text.is_char_boundary(f.end)
        && f.score.is_finite()
}

/// Sorts `out[first..]` by position and removes overlaps: within each group
/// of overlapping findings the highest score wins (then the longer span,
/// then the earlier start), and anything overlapping a winner is dropped.
pub(crate) fn resolve(out: &mut Vec<Finding>, first: usize) {
    let Some(tail) = out.get_mut(first..) else {
        return;
    };
    sort_by_position(tail);
    let n = tail.len();
    if n < 2 {
        return;
    }
    let mut small = [false; 32];
    let mut big = Vec::new();
    let drop: &mut [bool] = if n <= small.len() {
        &mut small[..n]
    } else {
        big.resize(n, false);
        &mut big
    };
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        let mut max_end = tail[i].end;
        while j < n && tail[j].start < max_end {
            max_end = max_end.max(tail[j].end);
            j += 1;
        }
        if j - i > 1 {
            resolve_cluster(&tail[i..j], &mut drop[i..j]);
        }
        i = j;
    }
    if !drop.iter().any(|&d| d) {
        return;
    }
    let mut k = 0;
    out.retain(|_| {
        let keep = k < first || !drop[k - first];
        k += 1;
        keep
    });
}

fn better(a: &Finding, b: &Finding) -> bool {
    a.score
        .total_cmp(&b.score)
        .then((a.end - a.start).cmp(&(b.end - b.start)))
        .then(b.start.cmp(&a.start))
        .is_gt()
}

/// How much lower a containing finding may score and still win.
const CONTAIN_MARGIN: f32 = 0.2;

fn resolve_cluster(c: &[Finding], drop: &mut [bool]) {
    let mut order: Vec<usize> = (0..c.len()).collect();
    order.sort_by(|&x, &y| {
        if better(&c[x], &c[y]) {
            std::cmp::Ordering::Less
        } else if better(&c[y], &c[x]) {
            std::cmp::Ordering::Greater
        } else {
            x.cmp(&y)
        }
    });
    // Accepted spans keyed by start; each new candidate checks its
    // neighbours only, so large clusters stay O(n log n).
    let mut accepted: BTreeMap<usize, usize> = BTreeMap::new();
    for (rank, &idx) in order.iter().enumerate() {
        let f = &c[idx];
        // A longer finding that contains this one and scores nearly as
        // well (a street address containing a city) takes precedence.
        let contained = order[rank + 1..].iter().any(|&o| {
            let g = &c[o];
            !drop[o]
                && g.start <= f.start
                && g.end >= f.end
                && g.end - g.start > f.end - f.start
                && g.score >= f.score - CONTAIN_MARGIN
        });
        if contained {
            drop[idx] = true;
            continue;
        }
        let before = accepted.range(..f.end).next_back();
        let overlaps = before.is_some_and(|(_, &end)| end > f.start);
        if overlaps {
            drop[idx] = true;
        } else {
            accepted.insert(f.start, f.end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(e: Entity, s: usize, t: usize, score: f32) -> Finding {
        Finding {
            entity: e,
            start: s,
            end: t,
            score,
            recognizer: "t",
        }
    }

    #[test]
    fn overlaps_keep_best() {
        let mut v = vec![
            f(Entity::PERSON, 0, 10, 0.6),
            f(Entity::LOCATION, 5, 20, 0.9),
            f(Entity::PHONE_NUMBER, 25, 30, 0.7),
            f(Entity::US_SSN, 25, 30, 0.5),
        ];
        resolve(&mut v, 0);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].entity, Entity::LOCATION);
        assert_eq!(v[1].entity, Entity::PHONE_NUMBER);
    }

    /// Reports one fixed finding over the whole field.
    struct Fixed(f32);

    impl Recognizer for Fixed {
        fn name(&self) -> &'static str {
            "fixed"
        }
        fn recognize(&self, text: &str, _: FieldHint<'_>, out: &mut Vec<Finding>) {
            out.push(f(Entity::PERSON, 0, text.len(), self.0));
        }
    }

    #[test]
    fn a_confirmed_column_settles_whole_cells_and_scans_the_rest_fully() {
        let s = Scanner::builtin();
        let open = crate::ColumnPrior::new(Entity::EMAIL_ADDRESS, 1.0);
        let sure = open.clone().confirmed(true);
        let hint = FieldHint::named("contact");
        let whole = s.scan(" ada@example.com ", hint.with_prior(Some(&sure)));
        assert_eq!(whole.len(), 1);
        assert_eq!((whole[0].start, whole[0].end), (1, 16));
        assert_eq!(whole[0].entity, Entity::EMAIL_ADDRESS);
        // Not an e-mail address whole: every recognizer runs, as without
        // confirmation (the card is found although the column is e-mail).
        for cell in [
            "ada@example.com, card 4111 1111 1111 1111",
            "4111 1111 1111 1111",
            "n/a",
            "   ",
        ] {
            assert_eq!(
                s.scan(cell, hint.with_prior(Some(&sure))),
                s.scan(cell, hint.with_prior(Some(&open))),
                "{cell}"
            );
        }
        let card = s.scan("4111 1111 1111 1111", hint.with_prior(Some(&sure)));
        assert_eq!(card[0].entity, Entity::CREDIT_CARD);
        // `--explain` takes the same path and reports the same findings.
        let explained: Vec<Finding> = s
            .explain(" ada@example.com ", hint.with_prior(Some(&sure)))
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(explained, whole);
    }

    #[test]
    fn context_raises_a_score_but_never_to_certainty() {
        let prior = crate::ColumnPrior::new(Entity::PERSON, 1.0);
        let hint = FieldHint::named("patient name").with_prior(Some(&prior));
        for base in [0.1, 0.4, 0.7, 0.95] {
            let s = Scanner::from_recognizers(vec![Box::new(Fixed(base))]);
            let got = s.scan("Ada", hint);
            assert_eq!(got.len(), 1, "{base}");
            // Context is only consulted where it can change the outcome.
            assert!(
                got[0].score > base || base >= DEFAULT_MIN_SCORE,
                "{base} -> {}",
                got[0].score
            );
            assert!(
                got[0].score <= context::MAX_WITH_CONTEXT,
                "{base} -> {}",
                got[0].score
            );
            let why = s.explain("Ada", hint);
            assert_eq!(why[0].1.final_score, got[0].score);
        }
        // A recognizer that is certain stays certain.
        let s = Scanner::from_recognizers(vec![Box::new(Fixed(1.0))]);
        assert_eq!(s.scan("Ada", hint)[0].score, 1.0);
        let s = Scanner::builder()
            .builtin(false)
            .recognizer(Box::new(Fixed(1.0)))
            .min_score(1.0)
            .build();
        assert_eq!(s.scan("Ada", hint).len(), 1);
    }

    #[test]
    fn saturation_keeps_the_order_of_raw_scores() {
        let mut last = 0.0;
        for i in 0..=250 {
            let raw = i as f32 / 100.0;
            let s = context::saturate(raw);
            assert!(s >= last && s < context::MAX_WITH_CONTEXT, "{raw} -> {s}");
            if raw <= context::KNEE {
                assert_eq!(s, raw);
            } else {
                assert!(s > last, "{raw} -> {s}");
            }
            last = s;
        }
    }

    #[test]
    fn generic_field_names_are_no_evidence() {
        let s = Scanner::builtin();
        // A bare ten-digit run fits the US plan but needs context: "phone"
        // as the field name is context, "text" (the usual JSON key for free
        // text) is not, though "text" is a phone context word in prose.
        let num = "2125550143";
        assert!(!s.scan(num, FieldHint::named("phone")).is_empty());
        assert!(s.scan(num, FieldHint::named("text")).is_empty());
        assert!(s.scan(num, FieldHint::named("customer_notes")).is_empty());
        let t = "meet me later, her number is 2125550143";
        let found = s.scan(t, FieldHint::named("text"));
        assert_eq!(
            found.iter().map(|f| f.entity.as_str()).collect::<Vec<_>>(),
            ["PHONE_NUMBER"]
        );
        assert!(context::generic_field_name("$.payload.message"));
        assert!(!context::generic_field_name("mobile"));
    }
}
