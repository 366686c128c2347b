//! LOCATION: street addresses, reported as one span from the street to the
//! last of city, region and postcode.
//!
//! A street is found in one of these shapes:
//! - house number, capitalized words, street type (USPS/Royal Mail
//!   suffixes): `519 Nathan Forge`, `Flat 3, 12 Kings Road`;
//! - street type first, words, house number (Spanish, Italian, French
//!   style): `Paseo Víctor Ariño 9`, `Calle Mayor 5`, `12, rue Gilbert`;
//! - a German compound street name and number: `Hauptstr. 5`,
//!   `Hans-Meier-Allee 12`, `Am Markt 3/5`;
//! - US military addresses (`USNS Smith, FPO AP 12345`, `PSC 1234, Box
//!   5678, APO AA 12345`, `Unit 1234 Box 5678, DPO AE 12345`).
//!
//! The span then extends over secondary units (Apt., Suite, Piso, Puerta),
//! and comma-separated city names, US state codes, ZIP codes, UK postcodes
//! and five-digit European postcodes.

use super::{Cx, kw};
use crate::gazetteer;
use crate::lex::flag;
use crate::{Entity, Finding};

/// Street types that follow the street name (English-speaking countries;
/// the USPS Publication 28 suffixes and common British ones).
pub(crate) const SUFFIX_TYPES: &[&str] = &[
    "alley",
    "allee",
    "annex",
    "arcade",
    "avenue",
    "ave",
    "bayou",
    "beach",
    "bend",
    "bluff",
    "bluffs",
    "bottom",
    "boulevard",
    "blvd",
    "branch",
    "bridge",
    "brook",
    "brooks",
    "burg",
    "burgs",
    "bypass",
    "camp",
    "canyon",
    "cape",
    "causeway",
    "center",
    "centers",
    "circle",
    "circles",
    "cir",
    "cliff",
    "cliffs",
    "club",
    "common",
    "commons",
    "corner",
    "corners",
    "course",
    "court",
    "courts",
    "ct",
    "cove",
    "coves",
    "creek",
    "crescent",
    "crest",
    "crossing",
    "crossroad",
    "curve",
    "dale",
    "dam",
    "divide",
    "drive",
    "drives",
    "dr",
    "estate",
    "estates",
    "expressway",
    "extension",
    "extensions",
    "fall",
    "falls",
    "ferry",
    "field",
    "fields",
    "flat",
    "flats",
    "ford",
    "fords",
    "forest",
    "forge",
    "forges",
    "fork",
    "forks",
    "fort",
    "freeway",
    "garden",
    "gardens",
    "gateway",
    "glen",
    "glens",
    "green",
    "greens",
    "grove",
    "groves",
    "harbor",
    "harbors",
    "haven",
    "heights",
    "highway",
    "hwy",
    "hill",
    "hills",
    "hollow",
    "inlet",
    "island",
    "islands",
    "isle",
    "junction",
    "junctions",
    "key",
    "keys",
    "knoll",
    "knolls",
    "lake",
    "lakes",
    "land",
    "landing",
    "lane",
    "ln",
    "light",
    "lights",
    "loaf",
    "lock",
    "locks",
    "lodge",
    "loop",
    "mall",
    "manor",
    "manors",
    "meadow",
    "meadows",
    "mews",
    "mill",
    "mills",
    "mission",
    "motorway",
    "mount",
    "mountain",
    "mountains",
    "neck",
    "orchard",
    "oval",
    "overpass",
    "park",
    "parks",
    "parkway",
    "parkways",
    "pass",
    "passage",
    "path",
    "pike",
    "pine",
    "pines",
    "place",
    "pl",
    "plain",
    "plains",
    "plaza",
    "point",
    "points",
    "port",
    "ports",
    "prairie",
    "radial",
    "ramp",
    "ranch",
    "rapid",
    "rapids",
    "rest",
    "ridge",
    "ridges",
    "river",
    "road",
    "roads",
    "rd",
    "route",
    "row",
    "rue",
    "run",
    "shoal",
    "shoals",
    "shore",
    "shores",
    "skyway",
    "spring",
    "springs",
    "spur",
    "spurs",
    "square",
    "squares",
    "sq",
    "station",
    "stravenue",
    "stream",
    "street",
    "streets",
    "st",
    "summit",
    "terrace",
    "throughway",
    "trace",
    "track",
    "trafficway",
    "trail",
    "trailer",
    "tunnel",
    "turnpike",
    "underpass",
    "union",
    "unions",
    "valley",
    "valleys",
    "viaduct",
    "view",
    "views",
    "village",
    "villages",
    "ville",
    "vista",
    "walk",
    "walks",
    "wall",
    "way",
    "ways",
    "well",
    "wells",
    "close",
    "parade",
    "rise",
    "wharf",
    "yard",
    "vale",
    "bank",
    "gate",
    "brow",
    "end",
    "croft",
    "hts",
    "pkwy",
    "ter",
    "trl",
];

/// Street types that come before the street name (Spanish, Catalan,
/// Portuguese, Italian, French).
pub(crate) const PREFIX_TYPES: &[&str] = &[
    "calle",
    "c",
    "avenida",
    "avda",
    "av",
    "paseo",
    "pº",
    "plaza",
    "pza",
    "camino",
    "carretera",
    "ctra",
    "ronda",
    "rambla",
    "vía",
    "via",
    "vial",
    "travesía",
    "travesia",
    "pasaje",
    "callejón",
    "callejon",
    "cuesta",
    "glorieta",
    "alameda",
    "urbanización",
    "urbanizacion",
    "urb",
    "cañada",
    "canada",
    "acceso",
    "bulevar",
    "pasadizo",
    "carrer",
    "passeig",
    "rúa",
    "rua",
    "praza",
    "largo",
    "rue",
    "avenue",
    "boulevard",
    "bd",
    "bld",
    "chemin",
    "impasse",
    "place",
    "allée",
    "allee",
    "route",
    "quai",
    "cours",
    "passage",
    "square",
    "voie",
    "faubourg",
    "sentier",
    "viale",
    "piazza",
    "corso",
    "vicolo",
];

/// German street-name endings (as a compound suffix or a separate word).
const DE_SUFFIXES: &[&str] = &[
    "strasse",
    "str",
    "weg",
    "platz",
    "allee",
    "gasse",
    "ring",
    "damm",
    "ufer",
    "steig",
    "pfad",
    "chaussee",
    "markt",
    "graben",
    "wall",
    "hof",
    "berg",
    "brücke",
    "bruecke",
    "tor",
    "kamp",
    "stieg",
    "zeile",
    "promenade",
];

/// French street types written after the house number ("12, rue X").
pub(crate) const FR_TYPES: &[&str] = &[
    "rue",
    "avenue",
    "boulevard",
    "chemin",
    "impasse",
    "place",
    "allée",
    "route",
    "quai",
    "cours",
    "passage",
    "square",
    "voie",
    "faubourg",
    "bd",
    "av",
];

/// Lowercase words inside a city name ("Frankfurt am Main").
pub(crate) const CITY_PARTICLES: &[&str] = &[
    "am", "an", "der", "de", "del", "la", "le", "les", "sur", "en", "im", "bei", "upon", "on",
];

/// Lowercase words inside a street name ("Calle de la Paz").
pub(crate) const ADDR_PARTICLES: &[&str] = &[
    "de", "del", "la", "las", "los", "d", "du", "des", "le", "les", "l", "y", "i", "da", "do",
    "dos", "di",
];

/// Secondary unit designators.
pub(crate) const UNITS: &[&str] = &[
    "apt",
    "apartment",
    "suite",
    "ste",
    "unit",
    "flat",
    "studio",
    "floor",
    "fl",
    "room",
    "rm",
    "building",
    "bldg",
    "piso",
    "puerta",
    "escalera",
    "esc",
    "portal",
    "bajo",
    "planta",
    "étage",
    "etage",
    "bâtiment",
    "batiment",
    "appartement",
    "app",
    "wohnung",
    "whg",
    "box",
    "po",
];

/// USPS state and territory codes, including military AA/AE/AP.
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "UM", "FM", "MH", "PW", "AA", "AE", "AP",
];

#[inline]
fn eq_any(w: &[u8], list: &[&str]) -> bool {
    list.iter().any(|x| w.eq_ignore_ascii_case(x.as_bytes()))
}

/// A house number: 1-5 digits, optionally a letter ("78G", "12a") or a
/// German range/fraction ("3/5", "12-14").
fn house_number(cx: &Cx<'_>, i: usize) -> Option<usize> {
    let t = cx.toks.get(i)?;
    let b = cx.b(t);
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 6 || b.len() - digits > 1 {
        return None;
    }
    // "3/5", "12-14"
    if matches!(cx.gap_after(i), b"/" | b"-")
        && cx
            .toks
            .get(i + 1)
            .is_some_and(|n| n.is(flag::DIGITS) && n.len() <= 4)
    {
        return Some(i + 1);
    }
    Some(i)
}

#[inline]
fn cap(t: &crate::lex::Token) -> bool {
    t.is(flag::ALPHA) && t.is(flag::UPPER_FIRST) && !t.is(flag::CLAIMED)
}

pub(crate) fn find(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let toks = cx.toks;
    let mut postcodes = Postcodes::default();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if t.is(flag::CLAIMED) {
            i += 1;
            continue;
        }
        let street = if t.is(flag::HAS_DIGIT) {
            number_first(cx, i).or_else(|| military(cx, i))
        } else if t.is(flag::ALPHA) && t.is(flag::UPPER_FIRST) {
            type_first(cx, i)
                .or_else(|| german(cx, i))
                .or_else(|| unit_first(cx, i))
                .or_else(|| military(cx, i))
                .or_else(|| french_before_postcode(cx, i, &mut postcodes))
        } else if t.is(flag::ALPHA) {
            french_before_postcode(cx, i, &mut postcodes)
        } else {
            None
        };
        let Some((last_tok, how)) = street else {
            i += 1;
            continue;
        };
        let (end_tok, parts) = extend(cx, last_tok);
        let start = t.start;
        let end = toks[end_tok].end;
        let score = if parts > 0 { 0.9 } else { 0.7 };
        cx.emit(
            out,
            Entity::LOCATION,
            start,
            end,
            score,
            "street_address",
            || {
                (
                    format!(
                        "{how}{}",
                        if parts > 0 { " with city/postcode" } else { "" }
                    ),
                    None,
                )
            },
        );
        i = end_tok + 1;
    }
}

/// Where the next five-digit token (a French postcode) is, found by one
/// forward scan over a field's tokens however often it is asked.
#[derive(Default)]
struct Postcodes {
    /// The first five-digit token at or after the last `from` asked
    /// about (`usize::MAX`: none); `None` before the first question.
    at: Option<usize>,
}

impl Postcodes {
    /// Index of the first five-digit token at or after `from`, or
    /// `usize::MAX`; `from` must not decrease from one call to the next,
    /// so each token is looked at once.
    fn next_from(&mut self, toks: &[crate::lex::Token], from: usize) -> usize {
        match self.at {
            Some(at) if at >= from => at,
            _ => {
                let at = toks
                    .get(from..)
                    .and_then(|rest| rest.iter().position(|t| t.is(flag::DIGITS) && t.len() == 5))
                    .map_or(usize::MAX, |p| from + p);
                self.at = Some(at);
                at
            }
        }
    }
}

/// [`french_without_number`], asked only when a five-digit token lies
/// where its postcode would be (2 to 7 tokens on): most words are turned
/// away without being looked up.
#[inline]
fn french_before_postcode(
    cx: &Cx<'_>,
    i: usize,
    postcodes: &mut Postcodes,
) -> Option<(usize, &'static str)> {
    if postcodes.next_from(cx.toks, i + 2) <= i + 7 {
        french_without_number(cx, i)
    } else {
        None
    }
}

/// `519 Nathan Forge`, `45216 Alexander Glens`, `12, rue Gilbert Guillon`.
fn number_first(cx: &Cx<'_>, i: usize) -> Option<(usize, &'static str)> {
    let toks = cx.toks;
    // Cheap reject: a word follows the house number (itself one token or
    // a range of two).
    let word_at = |k: usize| toks.get(k).is_some_and(|t| t.is(flag::ALPHA));
    if !word_at(i + 1) && !word_at(i + 2) {
        return None;
    }
    if cx.byte_before(toks[i].start).is_some_and(|b| {
        b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'/' || b == b'#'
    }) {
        return None;
    }
    let hn = house_number(cx, i)?;
    let gap = cx.gap_after(hn);
    if !matches!(gap, b" " | b", ") {
        return None;
    }
    // French style: "12, rue ..." / "12 rue ..."
    toks.get(hn + 1)?;
    if cx.has(hn + 1, kw::FR_STREET) {
        let end = name_words(cx, hn + 2, 5)?;
        return Some((end, "house number, French street type, name"));
    }
    if gap != b" " {
        return None;
    }
    // English style: number, 1-4 capitalized words, street type.
    let mut k = hn + 1;
    let mut words = 0;
    while let Some(w) = toks.get(k) {
        if !cap(w) || words >= 5 {
            return None;
        }
        words += 1;
        if words >= 2 && cx.has(k, kw::STREET_SUFFIX) {
            return Some((k, "house number, street name, street type"));
        }
        if cx.gap_after(k) != b" " {
            return None;
        }
        k += 1;
    }
    None
}

/// `rue Verdier, 02881 Boutin`, `chemin du Moulin, 23510 Duval`: a French
/// street type and name with no house number (common for rural roads),
/// accepted only when a comma and a five-digit postcode follow.
#[inline]
fn french_without_number(cx: &Cx<'_>, i: usize) -> Option<(usize, &'static str)> {
    let toks = cx.toks;
    // The gap first: it is cheaper than looking the word up.
    if cx.gap_after(i) != b" " || !cx.has(i, kw::FR_STREET) {
        return None;
    }
    let last = name_words(cx, i + 1, 6)?;
    let postcode = toks.get(last + 1)?;
    (cx.gap_after(last) == b", " && postcode.is(flag::DIGITS) && postcode.len() == 5)
        .then_some((last, "French street type and name, postcode"))
}

/// Capitalized words (with particles) from `k`; returns the last word.
fn name_words(cx: &Cx<'_>, k: usize, max: usize) -> Option<usize> {
    let toks = cx.toks;
    let mut last = None;
    let mut j = k;
    let mut n = 0;
    while let Some(w) = toks.get(j) {
        let particle =
            !w.is(flag::UPPER_FIRST) && w.is(flag::ALPHA) && cx.has(j, kw::ADDR_PARTICLE);
        if !(cap(w) || particle) || n >= max {
            break;
        }
        if cap(w) {
            last = Some(j);
        }
        n += 1;
        let gap = cx.gap_after(j);
        if !matches!(gap, b" " | b"'" | b"-") && gap != "\u{2019}".as_bytes() {
            break;
        }
        j += 1;
    }
    last
}

/// `Paseo Víctor Ariño 9`, `Calle Mayor 5`, `Vial Ruth Cañellas 1`.
fn type_first(cx: &Cx<'_>, i: usize) -> Option<(usize, &'static str)> {
    let toks = cx.toks;
    let t = toks[i];
    if !cx.has(i, kw::STREET_PREFIX) || t.len() < 2 {
        return None;
    }
    let mut k = i + 1;
    let g = cx.gap_after(i);
    if !matches!(g, b" " | b". " | b"/ " | b"/") {
        return None;
    }
    // Name words, then a house number.
    let last_name = name_words(cx, k, 6)?;
    k = last_name + 1;
    let gap = cx.gap_after(last_name);
    if !matches!(
        gap,
        b" " | b", " | b", n\xc2\xba " | b" n\xc2\xba " | b", no " | b" no "
    ) {
        return None;
    }
    // Optional "nº"/"no" between.
    if toks
        .get(k)
        .is_some_and(|w| w.is(flag::ALPHA) && eq_any(cx.b(w), &["no", "n", "num"]))
    {
        k += 1;
    }
    let hn = house_number(cx, k)?;
    if cx
        .byte_at(toks[hn].end)
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    Some((hn, "street type, name, house number"))
}

/// `Hauptstr. 5`, `Hans-Meier-Allee 12`, `Niemeierweg 3/5`, `Am Markt 3`.
fn german(cx: &Cx<'_>, i: usize) -> Option<(usize, &'static str)> {
    let toks = cx.toks;
    let t = toks[i];
    if !t.is(flag::UPPER_FIRST) {
        return None;
    }
    // Hyphenated compound: Name-Name-Allee
    let mut j = i;
    while cx.gap_after(j) == b"-" && toks.get(j + 1).is_some_and(|n| n.is(flag::ALPHA)) && j - i < 4
    {
        j += 1;
    }
    // Cheap reject: a house number (a token starting with a digit) comes
    // right after the street word or after a second word ("Am Markt 3").
    let number_at = |k: usize| toks.get(k).is_some_and(|n| n.is(flag::HAS_DIGIT));
    if !number_at(j + 1) && !number_at(j + 2) {
        return None;
    }
    let last = toks[j];
    // Cheap reject: German street words end in one of these letters.
    let lb = cx.b(&last);
    let tail = lb.last().map(u8::to_ascii_lowercase);
    let next_ok =
        cx.gap_after(j) == b" " && toks.get(j + 1).is_some_and(|n| n.is(flag::UPPER_FIRST));
    if !matches!(
        tail,
        Some(b'e' | b'r' | b'g' | b'z' | b'm' | b'f' | b'd' | b't' | b'l' | b'p' | b'n')
    ) && !next_ok
    {
        return None;
    }
    let mut buf = [0u8; 64];
    let lw = gazetteer::fold(cx.s(&last), &mut buf)?;
    let ends_de = DE_SUFFIXES
        .iter()
        .any(|s| lw.ends_with(s.as_bytes()) && (lw.len() > s.len() + 2 || j > i));
    // Two words: "Am Markt", "Berliner Straße"
    let (last_word_tok, ok) = if ends_de {
        (j, true)
    } else if cx.gap_after(j) == b" " {
        let n = toks.get(j + 1)?;
        let mut nbuf = [0u8; 64];
        let nw = gazetteer::fold(cx.s(n), &mut nbuf)?;
        let two = n.is(flag::ALPHA)
            && n.is(flag::UPPER_FIRST)
            && DE_SUFFIXES.iter().any(|s| {
                nw == s.as_bytes() || (nw.ends_with(s.as_bytes()) && nw.len() > s.len() + 2)
            });
        (j + 1, two && j == i)
    } else {
        (j, false)
    };
    if !ok {
        return None;
    }
    let mut k = last_word_tok;
    let mut gap = cx.gap_after(k);
    if gap == b". " {
        gap = b" ";
    }
    if gap != b" " {
        return None;
    }
    k += 1;
    let hn = house_number(cx, k)?;
    if cx
        .byte_at(toks[hn].end)
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    Some((hn, "German street name and house number"))
}

/// `Studio 78G, Nathan Key`, `Flat 3, 12 Kings Road`, `Apt. 5, ...`.
fn unit_first(cx: &Cx<'_>, i: usize) -> Option<(usize, &'static str)> {
    let toks = cx.toks;
    let t = toks[i];
    if !t.is(flag::UPPER_FIRST) || !cx.has(i, kw::UNIT) {
        return None;
    }
    let g = cx.gap_after(i);
    if !matches!(g, b" " | b". " | b" #") {
        return None;
    }
    let num = toks.get(i + 1)?;
    if !num.is(flag::HAS_DIGIT) || num.len() > 6 || cx.gap_after(i + 1) != b", " {
        return None;
    }
    // Then "Nathan Key" (street without number) or "12 Kings Road".
    if let Some((end, _)) = number_first(cx, i + 2) {
        return Some((end, "unit, house number, street"));
    }
    let mut k = i + 2;
    let mut words = 0;
    while let Some(w) = toks.get(k) {
        if !cap(w) || words >= 5 {
            return None;
        }
        words += 1;
        if words >= 2 && cx.has(k, kw::STREET_SUFFIX) {
            return Some((k, "unit, street name, street type"));
        }
        if cx.gap_after(k) != b" " {
            return None;
        }
        k += 1;
    }
    None
}

/// US military addresses.
fn military(cx: &Cx<'_>, i: usize) -> Option<(usize, &'static str)> {
    let toks = cx.toks;
    let t = toks[i];
    let w = cx.b(&t);
    if !t.is(flag::ALL_UPPER) && w != b"Unit" {
        return None;
    }
    if eq_any(w, &["USNS", "USS", "USCGC", "USNV"]) && t.is(flag::ALL_UPPER) {
        let last = name_words(cx, i + 1, 3)?;
        if cx.gap_after(last) == b", "
            && toks
                .get(last + 1)
                .is_some_and(|x| eq_any(cx.b(x), &["FPO", "APO", "DPO"]))
        {
            return Some((last, "military ship address"));
        }
        return None;
    }
    if eq_any(w, &["PSC", "Unit", "CMR"]) && (t.is(flag::ALL_UPPER) || w == b"Unit") {
        let n = toks.get(i + 1)?;
        if !n.is(flag::DIGITS) {
            return None;
        }
        // ", Box 1234" or " Box 1234"
        let b = toks.get(i + 2)?;
        let bn = toks.get(i + 3)?;
        if !(eq_any(cx.b(b), &["Box"]) && bn.is(flag::DIGITS)) {
            return None;
        }
        if cx.gap_after(i + 3) == b", "
            && toks
                .get(i + 4)
                .is_some_and(|x| eq_any(cx.b(x), &["FPO", "APO", "DPO"]))
        {
            return Some((i + 3, "military unit address"));
        }
    }
    None
}

/// Extends an address over secondary units and `, City`, `, ST 12345`,
/// `, 12345 City`, `, City, 12345`, `, HP34 9XP`. Returns the last token
/// and how many such parts were added.
fn extend(cx: &Cx<'_>, last: usize) -> (usize, usize) {
    let toks = cx.toks;
    let mut end = last;
    let mut parts = 0;
    // Secondary unit right after the street: " Apt. 123", " Suite 456",
    // " Puerta 2", " Piso 3".
    loop {
        let g = cx.gap_after(end);
        let Some(u) = toks.get(end + 1) else { break };
        if matches!(g, b" " | b", ") && u.is(flag::ALPHA) && cx.has(end + 1, kw::UNIT) {
            let ng = cx.gap_after(end + 1);
            if matches!(ng, b" " | b". " | b" #" | b"." | b": ")
                && toks
                    .get(end + 2)
                    .is_some_and(|n| n.is(flag::HAS_DIGIT) && n.len() <= 6)
            {
                end += 2;
                continue;
            }
        }
        break;
    }
    for _ in 0..5 {
        let g = cx.gap_after(end);
        if !matches!(g, b", " | b" , " | b"," | b" ")
            || cx
                .bytes
                .get(toks[end].end..)
                .is_some_and(|r| r.starts_with(b"\n"))
        {
            break;
        }
        let comma = g.contains(&b',');
        let k = end + 1;
        let Some(t) = toks.get(k) else { break };
        if t.is(flag::CLAIMED) {
            break;
        }
        // US state + ZIP
        if t.is(flag::ALL_UPPER)
            && t.len() == 2
            && eq_any(cx.b(t), US_STATES)
            && cx.gap_after(k) == b" "
            && toks
                .get(k + 1)
                .is_some_and(|z| z.is(flag::DIGITS) && z.len() == 5)
        {
            end = k + 1;
            if cx.gap_after(end) == b"-"
                && toks
                    .get(end + 1)
                    .is_some_and(|x| x.is(flag::DIGITS) && x.len() == 4)
            {
                end += 1;
            }
            parts += 1;
            break;
        }
        // UK postcode: "HP34 9XP", "SW1A 1AA", "M1 1AE"
        if let Some(pe) = uk_postcode(cx, k) {
            end = pe;
            parts += 1;
            break;
        }
        // Five-digit postcode (then optionally a city): "12345 Berlin"
        if t.is(flag::DIGITS) && (t.len() == 5 || t.len() == 4) {
            if t.len() == 4 && !comma {
                break;
            }
            end = k;
            parts += 1;
            if cx.gap_after(k) == b" "
                && toks.get(k + 1).is_some_and(cap)
                && let Some(c) = city_words(cx, k + 1)
            {
                end = c;
            }
            continue;
        }
        // City words (only after a comma).
        if comma
            && cap(t)
            && let Some(c) = city_words(cx, k)
        {
            end = c;
            parts += 1;
            continue;
        }
        break;
    }
    (end, parts)
}

/// 1-4 capitalized words (with place particles and hyphens) from `k`.
fn city_words(cx: &Cx<'_>, k: usize) -> Option<usize> {
    let toks = cx.toks;
    let mut j = k;
    let mut last = None;
    let mut n = 0;
    while let Some(w) = toks.get(j) {
        let particle =
            w.is(flag::ALPHA) && !w.is(flag::UPPER_FIRST) && cx.has(j, kw::CITY_PARTICLE);
        if !(cap(w) || particle || (w.is(flag::ALL_UPPER) && w.len() > 2)) || n >= 6 {
            break;
        }
        if !particle {
            last = Some(j);
        }
        n += 1;
        let g = cx.gap_after(j);
        if !matches!(g, b" " | b"-") {
            break;
        }
        j += 1;
    }
    last
}

/// A UK postcode starting at token `k`; returns its last token.
fn uk_postcode(cx: &Cx<'_>, k: usize) -> Option<usize> {
    let toks = cx.toks;
    let a = toks.get(k)?;
    let b = toks.get(k + 1)?;
    if cx.gap_after(k) != b" " {
        return None;
    }
    let (ab, bb) = (cx.b(a), cx.b(b));
    let outward = (2..=4).contains(&ab.len())
        && ab[0].is_ascii_uppercase()
        && ab
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && ab.iter().any(u8::is_ascii_digit);
    let inward = bb.len() == 3
        && bb[0].is_ascii_digit()
        && bb[1].is_ascii_uppercase()
        && bb[2].is_ascii_uppercase();
    (outward && inward).then_some(k + 1)
}

#[cfg(test)]
mod tests {
    use crate::{Entity, FieldHint, Scanner};

    fn locs(s: &str) -> Vec<&str> {
        Scanner::builtin()
            .scan(s, FieldHint::default())
            .into_iter()
            .filter(|f| f.entity == Entity::LOCATION)
            .map(|f| &s[f.start..f.end])
            .collect()
    }

    #[test]
    fn addresses() {
        for a in [
            "519 Nathan Forge, Port Jillville, FM 92179",
            "Studio 78G, Nathan Key, Thompsonmouth, HP34 9XP",
            "Paseo Víctor Ariño 9, Málaga, 30746",
            "Vial Ruth Cañellas 1 Puerta 2 , Pontevedra, 04616",
            "Hans-Meier-Allee 12, 23456 Aachen",
            "63, rue Gilbert Guillon, 26497 Saint Margaux",
            "USNS Smith, FPO AP 12345",
            "45216 Alexander Glens Apt. 117, East Tamara, WI 94724",
            "rue de Georges, 69640 Vaillant",
            "chemin Stéphane Jacquot, 89229 Pires",
        ] {
            let s = format!("ship to {a}. Thanks");
            assert_eq!(locs(&s), [a], "{a}");
        }
        // Without a house number, only with a postcode.
        assert!(locs("take the rue Verdier to the left").is_empty());
    }

    #[test]
    fn postcodes_are_found_from_any_later_token() {
        let mut toks = Vec::new();
        crate::lex::tokenize("a 12345 b c 1234 d 54321 e", &mut toks);
        let mut p = super::Postcodes::default();
        let got: Vec<usize> = (0..toks.len() + 1).map(|i| p.next_from(&toks, i)).collect();
        assert_eq!(got, [1, 1, 6, 6, 6, 6, 6, usize::MAX, usize::MAX]);
    }
}
