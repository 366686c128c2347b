//! PERSON and LOCATION from proper-noun runs.
//!
//! A run is a sequence of capitalized words (hyphenated or apostrophe
//! compounds count as one word, single-letter initials and name particles
//! such as "de la", "van", "von" may sit inside). Each word is looked up in
//! the gazetteers (first names, surnames, places, common English words).
//! Leading ordinary words ("Caller", "Patient") are trimmed; what is left is
//! judged:
//!
//! - a run after a title (Mr, Mrs, Dr, Prof, ...) is a person;
//! - two or more words with a known first name or surname are a person,
//!   scored by how many parts are known;
//! - a run followed by a legal form (GmbH, Ltd, Inc, S.A., "and Sons") is
//!   an organisation and left alone;
//! - a run that starts with a place prefix (North, Port, Saint, ...), ends
//!   in a toponymic suffix (-ville, -mouth, -burgh, -sur-Mer, ...) or is a
//!   gazetteer place is a location;
//! - a single known name scores low and needs context ("Dear", "thanks",
//!   the field name) to be reported.

use super::{Cx, kw};
use crate::gazetteer::{self, class};
use crate::lex::{Token, flag};
use crate::{Entity, Finding};

const MAX_GROUPS: usize = 6;

#[derive(Clone, Copy, Default)]
struct Group {
    first_tok: usize,
    last_tok: usize,
    start: usize,
    end: usize,
    /// Union of gazetteer classes of the group's parts (keyword bits
    /// masked off).
    cls: u32,
    /// Every part is a common word and none a first name.
    common_only: bool,
    /// A single-letter initial ("J.").
    initial: bool,
    /// Parts joined with '-' and a lowercase place particle ("-sur-").
    place_compound: bool,
}

pub(crate) const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "sir",
    "dame",
    "lady",
    "lord",
    "herr",
    "frau",
    "mme",
    "mlle",
    "sr",
    "sra",
    "srta",
    "don",
    "dona",
    "doña",
    "pt",
    "rev",
    "fr",
    "capt",
    "sgt",
    "mister",
    "madame",
    "monsieur",
    "señor",
    "señora",
    "doctor",
    "professor",
];

pub(crate) const PARTICLES: &[&str] = &[
    "de", "del", "la", "las", "los", "van", "von", "der", "den", "da", "di", "du", "dos", "das",
    "le", "y", "zu", "ten", "ter", "bin", "al", "el", "am", "an", "im",
];

pub(crate) const PLACE_PREFIXES: &[&str] = &[
    "north", "south", "east", "west", "new", "lake", "port", "mount", "fort", "saint", "st",
    "sainte", "san", "santa", "bad", "upper", "lower", "great", "little", "los", "las", "villa",
    "puerto", "isla", "cape", "glen", "mount", "point",
];

pub(crate) const PLACE_SUFFIXES: &[&str] = &[
    "ville", "mouth", "burgh", "borough", "bury", "chester", "furt", "haven", "shire", "stad",
    "berg", "burg", "town", "land", "view", "port", "side", "fort", "field", "ford", "ham", "wick",
    "by", "dale", "caster", "cester", "minster", "ton", "bourg", "boeuf", "heim", "hausen", "dorf",
    "hagen", "stedt", "stadt", "feld", "brück", "brueck", "ingen",
];

pub(crate) const PLACE_PARTICLES: &[&str] = &[
    "sur", "les", "lès", "la", "en", "sous", "aux", "le", "de", "du", "am", "an", "der", "im",
    "bei",
];

pub(crate) const LEGAL: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "plc",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sarl",
    "sas",
    "sl",
    "slu",
    "ohg",
    "kgaa",
    "holdings",
    "holding",
    "group",
    "sons",
    "corp",
    "corporation",
    "co",
    "company",
    "llp",
    "lp",
    "nv",
    "bv",
    "spa",
    "srl",
    "limited",
    "partners",
    "partner",
    "logistics",
    "industries",
    "solutions",
    "systems",
    "technologies",
    "services",
    "consulting",
    "foundation",
    "bank",
    "gbr",
    "ug",
    "cie",
    "grupo",
    "hermanos",
    "gruppe",
    "associates",
    "ventures",
    "labs",
    "media",
    "capital",
    "trust",
    "enterprises",
    "international",
    "global",
    "sasu",
    "eurl",
    "scs",
    "snc",
];

#[inline]
fn word_token(t: &Token) -> bool {
    t.is(flag::ALPHA) && !t.is(flag::CLAIMED)
}

#[inline]
fn capitalized(t: &Token) -> bool {
    word_token(t) && t.is(flag::UPPER_FIRST) && (t.is(flag::LOWER_REST) || t.len() == 1)
}

/// Whether token `i` starts a sentence (text start, or after . ! ? : ; a
/// newline, an opening quote or bracket).
fn sentence_start(cx: &Cx<'_>, i: usize) -> bool {
    let gap = cx.gap_before(i);
    if i == 0 {
        return true;
    }
    gap.iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| b".!?;\n\"'([{>|*-".contains(b))
        || gap.contains(&b'\n')
}

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let toks = cx.toks;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if !capitalized(&t) {
            i += 1;
            continue;
        }
        // A title directly before?
        let titled = i >= 1 && {
            let p = toks[i - 1];
            word_token(&p)
                && p.is(flag::UPPER_FIRST)
                && cx.has(i - 1, kw::TITLE)
                && matches!(cx.gap_before(i), b" " | b". ")
        };
        let (groups, n, next) = build_run(cx, i);
        if n == 0 {
            i = next.max(i + 1);
            continue;
        }
        // Organisations: a legal form right after the run.
        if let Some(after) = legal_form_after(cx, groups[n - 1].last_tok) {
            i = after;
            continue;
        }
        judge(
            cx,
            &groups[..n],
            titled,
            sentence_start(cx, groups[0].first_tok),
            out,
        );
        i = next.max(i + 1);
    }
}

/// Builds the run starting at token `i`; returns its groups, how many, and
/// the token index after it.
fn build_run(cx: &Cx<'_>, i: usize) -> ([Group; MAX_GROUPS], usize, usize) {
    let toks = cx.toks;
    let mut groups = [Group::default(); MAX_GROUPS];
    let mut n = 0;
    let mut k = i;
    while k < toks.len() && n < MAX_GROUPS {
        let t = toks[k];
        if !capitalized(&t) {
            break;
        }
        // A single letter is an initial only before ". " or " " ("J. Smith");
        // "S.A." is a legal form, not an initial.
        if t.len() == 1 && !matches!(cx.gap_after(k), b". " | b" ") {
            break;
        }
        // One group: parts joined by '-' or an apostrophe after one letter.
        let mut g = Group {
            first_tok: k,
            last_tok: k,
            start: t.start,
            end: t.end,
            cls: 0,
            common_only: true,
            initial: t.len() == 1,
            place_compound: false,
        };
        let mut j = k;
        loop {
            let part = toks[j];
            let c = cx.cls(j) & 0xFF;
            g.cls |= c;
            if c & class::COMMON == 0 || c & class::FIRST != 0 {
                g.common_only = false;
            }
            let gap = cx.gap_after(j);
            let Some(nx) = toks.get(j + 1) else { break };
            let joins_hyphen = gap == b"-" && word_token(nx) && nx.is(flag::UPPER_FIRST);
            let joins_apos =
                (gap == b"'" || gap == "\u{2019}".as_bytes()) && part.len() == 1 && capitalized(nx);
            let place_join = gap == b"-"
                && word_token(nx)
                && !nx.is(flag::UPPER_FIRST)
                && cx.has(j + 1, kw::PLACE_PARTICLE)
                && cx.gap_after(j + 1) == b"-"
                && toks.get(j + 2).is_some_and(capitalized);
            if place_join {
                g.place_compound = true;
                j += 2;
            } else if joins_hyphen || joins_apos {
                j += 1;
            } else {
                break;
            }
            g.initial = false;
        }
        g.last_tok = j;
        g.end = toks[j].end;
        if g.initial && cx.byte_at(g.end) == Some(b'.') {
            g.end += 1;
        }
        groups[n] = g;
        n += 1;
        // Next group: single space (or ". " after an initial), optionally
        // through name particles.
        let gap = cx.gap_after(j);
        let sep_ok = gap == b" " || (g.initial && gap == b". ");
        if !sep_ok {
            k = j + 1;
            break;
        }
        let mut m = j + 1;
        let mut particles = 0;
        while let Some(p) = toks.get(m) {
            if word_token(p)
                && !p.is(flag::UPPER_FIRST)
                && cx.has(m, kw::PARTICLE)
                && cx.gap_after(m) == b" "
                && particles < 2
            {
                m += 1;
                particles += 1;
            } else {
                break;
            }
        }
        if !toks.get(m).is_some_and(capitalized) {
            k = j + 1;
            break;
        }
        k = m;
    }
    (groups, n, k)
}

/// If a legal form (GmbH, Ltd, "and Sons", S.A.) follows the run ending at
/// token `last` within a few tokens, the index after it.
fn legal_form_after(cx: &Cx<'_>, last: usize) -> Option<usize> {
    let toks = cx.toks;
    let mut k = last + 1;
    let mut steps = 0;
    while let Some(t) = toks.get(k) {
        if steps > 6 || t.is(flag::CLAIMED) {
            return None;
        }
        let gap = cx.gap_before(k);
        if gap.len() > 3
            || gap.contains(&b'\n')
            || gap.contains(&b'.') && !gap.starts_with(b". ") && gap != b"."
        {
            return None;
        }
        if cx.has(k, kw::LEGAL) {
            return Some(k + 1);
        }
        // "S.A.", "S.L.", "e.V.": single letters joined by dots.
        if t.len() == 1 && cx.gap_after(k) == b"." && toks.get(k + 1).is_some_and(|n| n.len() == 1)
        {
            return Some(k + 2);
        }
        let connector = cx.has(k, kw::CONNECTOR) || capitalized(t);
        if !connector {
            return None;
        }
        k += 1;
        steps += 1;
    }
    None
}

fn judge(
    cx: &Cx<'_>,
    groups: &[Group],
    titled: bool,
    at_sentence_start: bool,
    out: &mut Vec<Finding>,
) {
    // Trim leading ordinary words ("Caller", "Patient", "Emergency") and
    // trailing ones.
    let mut a = 0;
    let mut b = groups.len();
    // Leading ordinary words go only while a less ordinary one follows.
    while a + 1 < b
        && groups[a].common_only
        && !groups[a].initial
        && groups[a + 1..b].iter().any(|g| !g.common_only)
    {
        a += 1;
    }
    if b - a == 1 && groups[a].common_only && groups[a].cls & class::LAST == 0 && !titled {
        return;
    }
    while b > a && groups[b - 1].common_only && groups[b - 1].cls & class::LAST == 0 {
        b -= 1;
    }
    // A place prefix starts a place even though it is an ordinary word
    // ("Port Jillville", "Lake Marionmouth", "New Joanne").
    if !titled && groups.len() >= 2 && cx.has(groups[0].first_tok, kw::PLACE_PREFIX) {
        let end = groups[groups.len() - 1].end;
        emit_location(cx, out, groups[0].start, end, 0.7, "place prefix and name");
        return;
    }
    let trimmed_lead = a > 0;
    let g = &groups[a..b];
    if g.is_empty() {
        return;
    }
    let start = g[0].start;
    let end = g[g.len() - 1].end;
    let k = g.len();
    let name_bits = |x: &Group| x.cls & (class::FIRST | class::LAST);
    let first_is_first = g[0].cls & class::FIRST != 0;
    let last_is_last = g[k - 1].cls & class::LAST != 0;
    let any_name = g.iter().any(|x| name_bits(x) != 0);
    let unknown = g.iter().filter(|x| x.cls == 0 && !x.initial).count();

    // Place evidence.
    let place_prefix = k >= 2 && cx.has(g[0].first_tok, kw::PLACE_PREFIX) && !titled;
    let last = &g[k - 1];
    let last_word = cx.text.get(last.start..last.end).unwrap_or("");
    let suffix_place = last.cls & (class::FIRST | class::LAST) == 0 && has_place_suffix(last_word);
    let compound_place = g.iter().any(|x| x.place_compound);

    if titled {
        emit_person(cx, out, start, end, 0.85, "title before a capitalized name");
        return;
    }
    if place_prefix || compound_place || (suffix_place && k <= 2 && !first_is_first) {
        emit_location(cx, out, start, end, 0.7, "place prefix, suffix or compound");
        return;
    }
    if k >= 2 {
        // The multi-word lookup is asked last: it misses the cache.
        if !(first_is_first && last_is_last) && place_lookup(cx, start, end) {
            emit_location(cx, out, start, end, 0.7, "multi-word gazetteer place");
            return;
        }
        let strong = g
            .iter()
            .filter(|x| {
                x.cls & class::FIRST != 0
                    || (x.cls & class::LAST != 0 && x.cls & class::COMMON == 0)
            })
            .count();
        let plain = g
            .iter()
            .filter(|x| x.common_only && x.cls & class::LAST == 0)
            .count();
        let score = if first_is_first && last_is_last {
            0.9
        } else if strong >= 1 && plain == 0 {
            0.8
        } else if strong >= 1 {
            0.6
        } else if unknown >= 1 && plain == 0 && any_name {
            0.55
        } else if unknown == k && !at_sentence_start && !trimmed_lead {
            0.45
        } else if unknown == k {
            0.4
        } else {
            return;
        };
        emit_person(
            cx,
            out,
            start,
            end,
            score,
            "capitalized words, gazetteer name parts",
        );
        return;
    }
    // One word.
    let c = g[0].cls;
    let common = c & class::COMMON != 0;
    let word = cx.b(&cx.toks[g[0].first_tok]);
    if g[0].initial
        || word.len() < 3
        || cx.has(g[0].first_tok, kw::CALENDAR)
        || glued(cx, start, end)
    {
        return;
    }
    if c & class::PLACE != 0 && c & (class::FIRST | class::LAST) == 0 {
        let score = if common { 0.35 } else { 0.55 };
        emit_location(cx, out, start, end, score, "gazetteer place");
        return;
    }
    if suffix_place {
        emit_location(cx, out, start, end, 0.5, "toponymic suffix");
        return;
    }
    if c & (class::FIRST | class::LAST | class::PLACE | class::COMMON) == 0
        && cue_before(cx, g[0].first_tok, kw::ADDRESS_CUE)
    {
        emit_person(
            cx,
            out,
            start,
            end,
            0.6,
            "unknown capitalized word after a cue that addresses a person",
        );
        return;
    }
    if c & (class::FIRST | class::LAST) != 0 {
        let cue = person_cue(cx, g[0].first_tok);
        let strong = c & (class::FIRST | class::LAST) != 0 && !common;
        let score = if cue {
            0.7
        } else if strong && !at_sentence_start && c & class::PLACE == 0 && c & class::FIRST != 0 {
            0.55
        } else if strong {
            0.4
        } else {
            // An ordinary word that is also a surname ("Driver", "Wire")
            // needs a title or a cue right before it.
            0.1
        };
        emit_person(
            cx,
            out,
            start,
            end,
            score,
            if cue {
                "single name after a person cue"
            } else {
                "single gazetteer name"
            },
        );
        if c & class::PLACE != 0 {
            emit_location(
                cx,
                out,
                start,
                end,
                0.4,
                "gazetteer place that is also a name",
            );
        }
    }
}

/// Month and weekday names and abbreviations, which are also first names.
pub(crate) const CALENDAR: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words joining the parts of a company name ("Smith and Sons").
pub(crate) const CONNECTORS: &[&str] = &["and", "und", "et", "y", "e", "of"];

/// Glued to digits, slashes or colons (`20/Jan/2024`, `x:Smith`).
fn glued(cx: &Cx<'_>, start: usize, end: usize) -> bool {
    let bad =
        |b: u8| b.is_ascii_digit() || b == b'/' || b == b':' || b == b'_' || b == b'=' || b == b'@';
    cx.byte_before(start).is_some_and(bad) || cx.byte_at(end).is_some_and(|b| bad(b) && b != b':')
}

/// Words that, right before a lone name, say it is a person: greetings,
/// roles, "it's", "for", "by".
pub(crate) const CUES: &[&str] = &[
    "dear",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "thx",
    "cheers",
    "cardholder",
    "holder",
    "customer",
    "patient",
    "client",
    "employee",
    "applicant",
    "beneficiary",
    "caller",
    "agent",
    "for",
    "by",
    "its",
    "it's",
    "im",
    "i'm",
    "name",
    "named",
    "called",
    "signed",
    "contact",
    "attention",
    "attn",
    "user",
    "member",
    "tenant",
    "owner",
    "payee",
    "recipient",
    "colleague",
    "manager",
    "nurse",
    "physician",
    "with",
    "to",
    "cc",
    "from",
    "ask",
    "tell",
    "meet",
    "see",
    "sincerely",
    "regards",
    "love",
    "congrats",
    "welcome",
    "guest",
    "passenger",
    "driver",
];

/// Cues that address or name a person directly ("Dear X", "thanks X",
/// "cardholder X", "it's X"): strong enough to make a capitalized word
/// that is in no gazetteer a person's name. A subset of [`CUES`]; words
/// like "from", "to" or "with" are cues for a known name only.
pub(crate) const ADDRESS_CUES: &[&str] = &[
    "dear",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "thx",
    "cheers",
    "cardholder",
    "holder",
    "customer",
    "patient",
    "client",
    "employee",
    "applicant",
    "beneficiary",
    "caller",
    "named",
    "called",
    "signed",
    "attention",
    "attn",
    "tenant",
    "payee",
    "recipient",
    "sincerely",
    "regards",
    "passenger",
    "guest",
];

fn person_cue(cx: &Cx<'_>, tok: usize) -> bool {
    cue_before(cx, tok, kw::CUE)
}

/// A cue of `bits` right before `tok` (at most a few characters of
/// punctuation between, no line break), or "it's" / "i'm".
fn cue_before(cx: &Cx<'_>, tok: usize, bits: u32) -> bool {
    if tok == 0 {
        return false;
    }
    let gap = cx.gap_before(tok);
    if gap.len() > 3 || gap.contains(&b'\n') {
        return false;
    }
    if cx.has(tok - 1, bits) {
        return true;
    }
    // "it's X", "i'm X" (the apostrophe splits the word)
    let Some(prev) = cx.toks.get(tok - 1) else {
        return false;
    };
    let p = cx.b(prev);
    tok >= 2
        && (p.eq_ignore_ascii_case(b"s") || p.eq_ignore_ascii_case(b"m"))
        && matches!(cx.gap_before(tok - 1), b"'" | b"\xe2\x80\x99")
        && cx.toks.get(tok - 2).is_some_and(|t| {
            let w = cx.b(t);
            w.eq_ignore_ascii_case(b"it")
                || w.eq_ignore_ascii_case(b"i")
                || w.eq_ignore_ascii_case(b"he")
                || w.eq_ignore_ascii_case(b"she")
        })
}

fn has_place_suffix(word: &str) -> bool {
    let mut buf = [0u8; 64];
    let Some(f) = gazetteer::fold(word, &mut buf) else {
        return false;
    };
    PLACE_SUFFIXES
        .iter()
        // The last bytes first: most words differ there, and the slice
        // comparison is a `memcmp` call.
        .any(|s| {
            f.len() >= s.len() + 3 && f.last() == s.as_bytes().last() && f.ends_with(s.as_bytes())
        })
}

/// Whether the text between `start` and `end` (a run) is a gazetteer place.
fn place_lookup(cx: &Cx<'_>, start: usize, end: usize) -> bool {
    let Some(s) = cx.text.get(start..end) else {
        return false;
    };
    let mut buf = [0u8; 64];
    let Some(f) = gazetteer::fold(s, &mut buf) else {
        return false;
    };
    // Every gazetteer place with a space has its first word marked
    // PLACE_START: without that mark the whole text is no place, and the
    // first word (usually just looked up) is a cheaper question than the
    // whole text (a new key, so a cache miss).
    if let Some(sp) = memchr::memchr(b' ', f)
        && gazetteer::lookup(&f[..sp]) & class::PLACE_START == 0
    {
        return false;
    }
    gazetteer::lookup(f) & class::PLACE != 0
}

fn emit_person(
    cx: &Cx<'_>,
    out: &mut Vec<Finding>,
    s: usize,
    e: usize,
    score: f32,
    why: &'static str,
) {
    cx.emit(out, Entity::PERSON, s, e, score, "person_name", || {
        (why.into(), None)
    });
}

fn emit_location(
    cx: &Cx<'_>,
    out: &mut Vec<Finding>,
    s: usize,
    e: usize,
    score: f32,
    why: &'static str,
) {
    cx.emit(out, Entity::LOCATION, s, e, score, "location_name", || {
        (why.into(), None)
    });
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn found(s: &str) -> Vec<(Entity, &str)> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::PERSON || f.entity == Entity::LOCATION)
            .map(|f| (f.entity, &s[f.start..f.end]))
            .collect()
    }

    #[test]
    fn people() {
        assert_eq!(
            found("Caller Jennifer Moore asked us"),
            [(Entity::PERSON, "Jennifer Moore")]
        );
        assert_eq!(
            found("seen by Dr. Okonkwo on"),
            [(Entity::PERSON, "Okonkwo")]
        );
        assert_eq!(
            found("Dear Sofia, your appointment"),
            [(Entity::PERSON, "Sofia")]
        );
        assert_eq!(
            found("name=\"María José de la Fuente\""),
            [(Entity::PERSON, "María José de la Fuente")]
        );
    }

    #[test]
    fn unknown_words_are_names_only_after_a_cue_that_addresses_someone() {
        assert_eq!(
            found("Dear Zbigniewa, your card"),
            [(Entity::PERSON, "Zbigniewa")]
        );
        assert_eq!(
            found("hey it's Zbigniewa, can you"),
            [(Entity::PERSON, "Zbigniewa")]
        );
        assert_eq!(
            found("cardholder Kwiatkowsky, PAN"),
            [(Entity::PERSON, "Kwiatkowsky")]
        );
        // Not after weaker cues, nor ordinary words or months.
        assert!(found("shipped from Zbigniewa today").is_empty());
        assert!(found("Dear Customer, thanks").is_empty());
        assert!(found("thanks Monday works").is_empty());
    }

    #[test]
    fn places_and_orgs() {
        assert_eq!(
            found("lol I moved to Port Jillville last month"),
            [(Entity::LOCATION, "Port Jillville")]
        );
        assert_eq!(
            found("from Thompsonmouth called"),
            [(Entity::LOCATION, "Thompsonmouth")]
        );
        assert!(found("Vendor Schmidt Weber GmbH confirmed").is_empty());
        assert!(found("Vendor Smith, Jones and Brown Ltd confirmed").is_empty());
    }
}
