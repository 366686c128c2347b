//! Column classification for tables, and column priors.
//!
//! A [`ColumnProfile`] accumulates, for one column, how many non-empty
//! cells it has, which entities were found in them and how much of each
//! cell they cover, and the cells' average size. Profiles merge, so each
//! worker thread can keep its own and combine them at the end. A column is
//! classified from the share of cells that *are* an entity (a finding
//! covering most of the cell), helped by hints from the header name; free
//! text columns, where findings cover a small part of long cells, get
//! `none`.
//!
//! Priors close the loop: after a warm-up sample of rows,
//! [`TableProfile::priors`] says which columns confidently hold one entity,
//! and scanning a cell with [`crate::FieldHint::with_prior`] makes the
//! scanner report the whole cell as that entity when its shape fits, even
//! where the cell alone would not be recognized (a city that is in no
//! gazetteer, a bare number with no context).

use crate::{Entity, Finding};

/// Rows a table reader buffers and scans before asking for priors.
pub const PRIOR_WARMUP_ROWS: usize = 1000;

/// Score added (times the prior's confidence) to a finding whose entity is
/// the column's prior.
pub const PRIOR_BOOST: f32 = 0.4;

/// A column is *confirmed* to hold its prior's entity when at least this
/// share of the warm-up's non-empty cells were that entity whole.
pub const CONFIRM_SHARE: f64 = 0.95;

/// A finding "is" the cell when it covers at least this share of the
/// cell's non-whitespace characters.
const FULL_COVER: f32 = 0.75;

/// What a column is known to hold, learnt from a warm-up sample of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPrior {
    /// The entity the column's cells are.
    pub entity: Entity,
    /// Confidence in `[0, 1]`.
    pub confidence: f32,
    /// Whether at least [`CONFIRM_SHARE`] of the sampled cells were the
    /// entity whole (not merely the best candidate). The scanner then
    /// tries the entity's own recognizers on a cell first and stops there
    /// when they report the whole cell (see [`crate::Scanner::scan_into`]).
    pub confirmed: bool,
}

impl ColumnPrior {
    /// A prior for `entity` with `confidence`, not confirmed.
    pub fn new(entity: Entity, confidence: f32) -> ColumnPrior {
        ColumnPrior {
            entity,
            confidence,
            confirmed: false,
        }
    }

    /// The same prior, confirmed or not.
    #[must_use]
    pub fn confirmed(self, confirmed: bool) -> ColumnPrior {
        ColumnPrior { confirmed, ..self }
    }
}

/// How sensitive a column is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ColumnClass {
    /// Identifies a person on its own (name, e-mail, phone, SSN, card,
    /// account, street address, ...).
    DirectIdentifier,
    /// Identifies a person in combination with others (date of birth,
    /// city, IP address, ...).
    QuasiIdentifier,
    /// Not identifying, but must be protected (credentials).
    Sensitive,
    /// Nothing found consistently.
    None,
}

impl ColumnClass {
    /// The class's name as printed (`"direct_identifier"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnClass::DirectIdentifier => "direct_identifier",
            ColumnClass::QuasiIdentifier => "quasi_identifier",
            ColumnClass::Sensitive => "sensitive",
            ColumnClass::None => "none",
        }
    }
}

/// The classification of one column.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ColumnClassification {
    /// Column name.
    pub column: String,
    /// Entities found, with the share of non-empty cells where one was
    /// found (highest first).
    pub entities: Vec<(Entity, f64)>,
    /// The entity the column holds, if any (the class is `none` otherwise).
    pub entity: Option<Entity>,
    /// The column's class.
    pub class: ColumnClass,
    /// Confidence in `[0, 1]`.
    pub confidence: f32,
    /// Non-empty cells seen.
    pub cells: u64,
}

#[derive(Debug, Clone, PartialEq)]
struct EntityStat {
    entity: Entity,
    /// Cells where the entity was found at all.
    any: u64,
    /// Cells the entity covers (almost) entirely.
    full: u64,
}

/// Mergeable statistics for one column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnProfile {
    name: String,
    hint: Option<Entity>,
    cells: u64,
    bytes: u64,
    words: u64,
    stats: Vec<EntityStat>,
}

impl ColumnProfile {
    /// An empty profile for a column called `name`.
    pub fn new(name: &str) -> ColumnProfile {
        ColumnProfile {
            name: name.to_string(),
            hint: header_hint(name),
            cells: 0,
            bytes: 0,
            words: 0,
            stats: Vec::new(),
        }
    }

    /// The column's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Records one cell and the findings the scanner reported for it.
    pub fn observe(&mut self, cell: &str, findings: &[Finding]) {
        let (lead, end) = crate::lex::trim_bounds(cell);
        let Some(trimmed) = cell.get(lead..end).filter(|t| !t.is_empty()) else {
            return;
        };
        self.cells += 1;
        self.bytes += trimmed.len() as u64;
        self.words += word_count(trimmed) as u64;
        if findings.is_empty() {
            return;
        }
        // The common case of a table cell that is one entity whole: no
        // counting needed to know the finding covers it.
        if let [f] = findings
            && f.start <= lead
            && f.end >= lead + trimmed.len()
        {
            self.count(&f.entity, true);
            return;
        }
        let total = non_ws(trimmed) as f32;
        // Coverage per entity (findings do not overlap).
        let mut seen: [(Option<&Entity>, usize); 4] = [(None, 0); 4];
        let mut extra: Vec<(&Entity, usize)> = Vec::new();
        for f in findings {
            let covered = cell.get(f.start..f.end).map_or(0, non_ws);
            match seen
                .iter_mut()
                .find(|(e, _)| e.is_none() || *e == Some(&f.entity))
            {
                Some(slot) => {
                    slot.0 = Some(&f.entity);
                    slot.1 += covered;
                }
                None => match extra.iter_mut().find(|(e, _)| *e == &f.entity) {
                    Some(x) => x.1 += covered,
                    None => extra.push((&f.entity, covered)),
                },
            }
        }
        let all = seen
            .iter()
            .filter_map(|(e, c)| e.map(|e| (e, *c)))
            .chain(extra);
        for (e, covered) in all {
            let full = total > 0.0 && covered as f32 >= FULL_COVER * total;
            self.count(e, full);
        }
    }

    /// Counts one cell where `entity` was found (`full`: covering it).
    fn count(&mut self, entity: &Entity, full: bool) {
        match self.stats.iter_mut().find(|s| &s.entity == entity) {
            Some(s) => {
                s.any += 1;
                s.full += u64::from(full);
            }
            None => self.stats.push(EntityStat {
                entity: entity.clone(),
                any: 1,
                full: u64::from(full),
            }),
        }
    }

    /// Adds another profile of the same column (from another thread).
    pub fn merge(&mut self, other: &ColumnProfile) {
        self.cells += other.cells;
        self.bytes += other.bytes;
        self.words += other.words;
        for o in &other.stats {
            match self.stats.iter_mut().find(|s| s.entity == o.entity) {
                Some(s) => {
                    s.any += o.any;
                    s.full += o.full;
                }
                None => self.stats.push(o.clone()),
            }
        }
    }

    /// Non-empty cells seen.
    pub fn cells(&self) -> u64 {
        self.cells
    }

    /// The column's classification from what has been seen so far.
    pub fn classify(&self) -> ColumnClassification {
        let cells = self.cells.max(1) as f64;
        let mut entities: Vec<(Entity, f64)> = self
            .stats
            .iter()
            .map(|s| (s.entity.clone(), s.any as f64 / cells))
            .collect();
        entities.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let avg_words = self.words as f64 / cells;
        // Best entity by "full" share, with a bonus for a header match.
        let mut best: Option<(&EntityStat, f64)> = None;
        for s in &self.stats {
            let share = s.full as f64 / cells;
            let bonus = if self.hint.as_ref() == Some(&s.entity) {
                0.25
            } else {
                0.0
            };
            let v = share + bonus;
            if best.is_none_or(|(_, b)| v > b) {
                best = Some((s, v));
            }
        }
        let (entity, class, confidence) = match best {
            Some((s, _)) if self.cells > 0 => {
                let share = s.full as f64 / cells;
                let hinted = self.hint.as_ref() == Some(&s.entity);
                let need = if hinted { 0.3 } else { 0.5 };
                // Free text: many words per cell and findings that cover
                // only part of them.
                let free_text = avg_words > 8.0 && share < 0.6;
                if share >= need && !free_text {
                    let conf = (share + if hinted { 0.2 } else { 0.0 }).min(1.0);
                    (
                        Some(s.entity.clone()),
                        class_of(&s.entity, avg_words),
                        conf as f32,
                    )
                } else {
                    (
                        None,
                        ColumnClass::None,
                        (1.0 - share).clamp(0.0, 1.0) as f32,
                    )
                }
            }
            _ => (None, ColumnClass::None, 1.0),
        };
        ColumnClassification {
            column: self.name.clone(),
            entities,
            entity,
            class,
            confidence,
            cells: self.cells,
        }
    }

    /// A prior for scanning the rest of the column, if the column
    /// confidently holds one entity.
    pub fn prior(&self) -> Option<ColumnPrior> {
        let c = self.classify();
        let entity = c.entity?;
        if c.confidence < 0.5 {
            return None;
        }
        let whole = self
            .stats
            .iter()
            .find(|s| s.entity == entity)
            .map_or(0, |s| s.full);
        let confirmed =
            c.class != ColumnClass::None && whole as f64 >= CONFIRM_SHARE * self.cells as f64;
        Some(ColumnPrior::new(entity, c.confidence).confirmed(confirmed))
    }
}

/// Profiles for every column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableProfile {
    columns: Vec<ColumnProfile>,
}

impl TableProfile {
    /// Empty profiles for the given header.
    pub fn new<S: AsRef<str>>(headers: &[S]) -> TableProfile {
        TableProfile {
            columns: headers
                .iter()
                .map(|h| ColumnProfile::new(h.as_ref()))
                .collect(),
        }
    }

    /// Records one cell of column `col` (ignored if out of range).
    pub fn observe(&mut self, col: usize, cell: &str, findings: &[Finding]) {
        if let Some(c) = self.columns.get_mut(col) {
            c.observe(cell, findings);
        }
    }

    /// Adds another profile of the same table (same header).
    pub fn merge(&mut self, other: &TableProfile) {
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            a.merge(b);
        }
    }

    /// The per-column profiles.
    pub fn columns(&self) -> &[ColumnProfile] {
        &self.columns
    }

    /// Classifies every column.
    pub fn classify(&self) -> Vec<ColumnClassification> {
        self.columns.iter().map(ColumnProfile::classify).collect()
    }

    /// Priors per column (index = column), from what has been seen so far.
    pub fn priors(&self) -> Vec<Option<ColumnPrior>> {
        self.columns.iter().map(ColumnProfile::prior).collect()
    }
}

/// Whitespace-separated words of `s` (`split_whitespace().count()`,
/// branch-free over ASCII so that it vectorizes).
fn word_count(s: &str) -> usize {
    if !s.is_ascii() {
        return s.split_whitespace().count();
    }
    // Same set as `char::is_whitespace` on ASCII (tab to CR, space).
    let ws = |b: u8| (b == b' ') | (b.wrapping_sub(b'\t') < 5);
    let b = s.as_bytes();
    let first = b.first().is_some_and(|&x| !ws(x));
    // Each byte beside the one before it (two slices zipped, which
    // vectorizes better than `windows(2)`).
    let rest = b.get(1..).unwrap_or_default();
    let starts: usize = rest
        .iter()
        .zip(b)
        .map(|(&cur, &prev)| usize::from(ws(prev) & !ws(cur)))
        .sum();
    starts + usize::from(first)
}

fn non_ws(s: &str) -> usize {
    if s.is_ascii() {
        // Same set as `char::is_whitespace` on ASCII (tab to CR, space).
        return s
            .bytes()
            .filter(|&b| b != b' ' && !(b'\t'..=b'\r').contains(&b))
            .count();
    }
    s.chars().filter(|c| !c.is_whitespace()).count()
}

fn class_of(e: &Entity, avg_words: f64) -> ColumnClass {
    if *e == Entity::LOCATION {
        // A street address identifies a household; a city does not.
        if avg_words >= 3.0 {
            ColumnClass::DirectIdentifier
        } else {
            ColumnClass::QuasiIdentifier
        }
    } else if *e == Entity::DATE_TIME || *e == Entity::IP_ADDRESS || *e == Entity::URL {
        ColumnClass::QuasiIdentifier
    } else if *e == Entity::SECRET {
        ColumnClass::Sensitive
    } else {
        ColumnClass::DirectIdentifier
    }
}

/// Entity suggested by a column header (`"email"`, `"dob"`, `"city"`, ...).
pub(crate) fn header_hint(name: &str) -> Option<Entity> {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |ws: &[&str]| words.iter().any(|w| ws.contains(w));
    let joined: String = words.concat();
    let contains = |ws: &[&str]| ws.iter().any(|w| joined.contains(w));
    Some(if contains(&["mail"]) {
        Entity::EMAIL_ADDRESS
    } else if contains(&["phone", "mobile", "telephone", "cellphone", "fax"])
        || has(&["tel", "cell", "msisdn"])
    {
        Entity::PHONE_NUMBER
    } else if has(&["ssn", "ssns"]) || contains(&["socialsecurity"]) {
        Entity::US_SSN
    } else if contains(&["iban"]) {
        Entity::IBAN_CODE
    } else if contains(&["card", "ccnum", "pan"]) && !contains(&["company"]) || has(&["cc"]) {
        Entity::CREDIT_CARD
    } else if has(&["ip", "ipv4", "ipv6", "ipaddr", "ipaddress"])
        || joined.starts_with("ip") && contains(&["addr"])
    {
        Entity::IP_ADDRESS
    } else if contains(&["passport"]) {
        Entity::US_PASSPORT
    } else if contains(&["license", "licence"]) || has(&["dl"]) {
        Entity::US_DRIVER_LICENSE
    } else if contains(&["iban"])
        || (contains(&["account", "acct"]) && !contains(&["type", "status", "manager"]))
    {
        Entity::US_BANK_NUMBER
    } else if contains(&["wallet", "bitcoin", "btc"]) {
        Entity::CRYPTO
    } else if has(&["dea"]) {
        Entity::MEDICAL_LICENSE
    } else if contains(&["url", "website", "homepage", "link"]) {
        Entity::URL
    } else if contains(&[
        "address",
        "street",
        "city",
        "town",
        "country",
        "zip",
        "postcode",
        "postal",
        "location",
        "residence",
        "village",
        "municipality",
        "locality",
        "region",
    ]) || has(&["addr", "state", "place"])
    {
        Entity::LOCATION
    } else if contains(&["dob", "birth", "date", "joined", "signup", "since"])
        || has(&["created", "day", "dt"])
    {
        Entity::DATE_TIME
    } else if contains(&[
        "name",
        "surname",
        "firstname",
        "lastname",
        "person",
        "customer",
        "patient",
        "contact",
        "holder",
        "owner",
    ]) && !contains(&[
        "company", "username", "user", "file", "host", "product", "plan",
    ]) {
        Entity::PERSON
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn counts_agree_with_std(s in "[ a\t\n\u{0b}\u{0c}\rü\u{2003}\u{a0}x]{0,40}") {
            proptest::prop_assert_eq!(
                (word_count(&s), non_ws(&s)),
                (s.split_whitespace().count(), s.chars().filter(|c| !c.is_whitespace()).count())
            );
        }
    }

    #[test]
    fn a_prior_is_confirmed_only_when_nearly_every_cell_is_the_entity() {
        let mut p = ColumnProfile::new("contact");
        for i in 0..100 {
            let cell = "ada@example.com";
            let found = if i < 96 {
                vec![f(Entity::EMAIL_ADDRESS, 0, cell.len())]
            } else {
                Vec::new()
            };
            p.observe(cell, &found);
        }
        let prior = p.prior().expect("a prior");
        assert_eq!(prior.entity, Entity::EMAIL_ADDRESS);
        assert!(prior.confirmed);
        for _ in 0..4 {
            p.observe("see notes", &[]);
        }
        let prior = p.prior().expect("still a prior");
        assert!(!prior.confirmed, "96 of 104 cells is not confirmation");
    }

    #[test]
    fn counts_match_the_std_definitions() {
        for s in [
            "",
            "a",
            "  two words ",
            "tab\tand\nnewline\r\x0b\x0cend",
            "ünï cödé\u{2003}wide space",
            "   ",
        ] {
            assert_eq!(
                (word_count(s), non_ws(s)),
                (
                    s.split_whitespace().count(),
                    s.chars().filter(|c| !c.is_whitespace()).count()
                ),
                "{s:?}"
            );
        }
    }

    fn f(e: Entity, s: usize, t: usize) -> Finding {
        Finding {
            entity: e,
            start: s,
            end: t,
            score: 0.9,
            recognizer: "t",
        }
    }

    #[test]
    fn classifies_and_merges() {
        let mut a = ColumnProfile::new("contact");
        let mut b = ColumnProfile::new("contact");
        for _ in 0..10 {
            a.observe("a@b.com", &[f(Entity::EMAIL_ADDRESS, 0, 7)]);
            b.observe("x@y.org", &[f(Entity::EMAIL_ADDRESS, 0, 7)]);
        }
        b.observe("n/a", &[]);
        a.merge(&b);
        let c = a.classify();
        assert_eq!(c.entity, Some(Entity::EMAIL_ADDRESS));
        assert_eq!(c.class, ColumnClass::DirectIdentifier);
        assert_eq!(c.cells, 21);
        assert!(a.prior().is_some());
    }

    #[test]
    fn free_text_is_none() {
        let mut p = ColumnProfile::new("notes");
        let cell =
            "Customer called about the invoice and asked for a refund to be sent to a@b.com today";
        let at = cell.find("a@b.com").unwrap();
        for _ in 0..10 {
            p.observe(cell, &[f(Entity::EMAIL_ADDRESS, at, at + 7)]);
        }
        assert_eq!(p.classify().class, ColumnClass::None);
        assert!(p.prior().is_none());
    }

    #[test]
    fn header_hints() {
        assert_eq!(header_hint("email"), Some(Entity::EMAIL_ADDRESS));
        assert_eq!(header_hint("signup_date"), Some(Entity::DATE_TIME));
        assert_eq!(header_hint("full_name"), Some(Entity::PERSON));
        assert_eq!(header_hint("street_address"), Some(Entity::LOCATION));
        assert_eq!(header_hint("ip_address"), Some(Entity::IP_ADDRESS));
        assert_eq!(header_hint("app_version"), None);
        assert_eq!(header_hint("last_order_id"), None);
    }
}
