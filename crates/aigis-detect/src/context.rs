//! Context enhancement: words near a finding (or the field's name) that
//! make its entity more likely raise its score, the way Presidio's context
//! enhancer does.
//!
//! The window is up to [`WORDS_BEFORE`] words (at most [`BYTES_BEFORE`]
//! bytes) before the finding and [`WORDS_AFTER`] words after it. A context
//! word matches a window word exactly, or as a prefix when the context word
//! has four or more letters ("card" matches "cardholder"). Phrases match
//! consecutive words.

use crate::Entity;

/// Words looked at before a finding.
pub const WORDS_BEFORE: usize = 6;
/// Words looked at after a finding.
pub const WORDS_AFTER: usize = 3;
/// Bytes looked at before a finding.
pub const BYTES_BEFORE: usize = 80;
/// Bytes looked at after a finding.
pub const BYTES_AFTER: usize = 40;
/// Score added when a context word is found in the window.
pub const CONTEXT_BOOST: f32 = 0.35;
/// Score added when the context word follows the finding.
pub const CONTEXT_BOOST_AFTER: f32 = 0.3;
/// Score added when the field's name matches a context word.
pub const HINT_BOOST: f32 = 0.35;
/// A finding with supporting context scores at least this.
pub const MIN_WITH_CONTEXT: f32 = 0.4;
/// Context words, field names and column priors raise a score towards
/// this and never past it: they make an entity more likely, never certain.
/// Only a recognizer's own score (a deny-list literal, say) can be 1.0, so
/// `--min-score 1` keeps exactly the findings a recognizer is sure of.
pub const MAX_WITH_CONTEXT: f32 = 0.99;
/// Above this, a raised score bends towards [`MAX_WITH_CONTEXT`] instead of
/// being cut off, so that more evidence still ranks higher when two
/// entities compete for one span.
pub const KNEE: f32 = 0.9;

/// How fast a raised score above [`KNEE`] approaches [`MAX_WITH_CONTEXT`]:
/// raw excess over the knee is divided by this before the exponential.
/// Slow enough that raw scores up to about 2.5 (a strong base plus every
/// boost) still map to distinct values.
const SATURATION_SCALE: f32 = 0.3;

/// A raised score (base plus boosts, possibly above 1) mapped into
/// `[0, MAX_WITH_CONTEXT)`: unchanged up to [`KNEE`], then an exponential
/// approach to [`MAX_WITH_CONTEXT`] (monotonic, so the order of raw scores
/// is kept).
pub fn saturate(raw: f32) -> f32 {
    if raw <= KNEE {
        return raw;
    }
    let room = MAX_WITH_CONTEXT - KNEE;
    MAX_WITH_CONTEXT - room * (-(raw - KNEE) / SATURATION_SCALE).exp()
}

/// Field names that say a field holds free text (`text`, `message`,
/// `notes`, ...) rather than one kind of value. They are no evidence for
/// any entity, even where they are also a context word ("text" for a phone
/// number in "text me at ...").
pub(crate) fn generic_field_name(name: &str) -> bool {
    const GENERIC: &[&str] = &[
        "text",
        "body",
        "content",
        "contents",
        "message",
        "msg",
        "messages",
        "note",
        "notes",
        "comment",
        "comments",
        "description",
        "desc",
        "details",
        "summary",
        "value",
        "values",
        "data",
        "payload",
        "input",
        "output",
        "prompt",
        "response",
        "completion",
        "log",
        "line",
        "raw",
        "remarks",
        "memo",
        "transcript",
    ];
    let last = name
        .rsplit(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    GENERIC.iter().any(|g| g.eq_ignore_ascii_case(last))
}

/// Prepositions that are context words for some entities ("moved to",
/// "transferred from", "lives in"). They count only before a finding and
/// only within [`FUNCTION_WORD_REACH`] words of it: "funds go to" after a
/// name, or an "in" six words back, says nothing about it.
const FUNCTION_WORDS: &[&str] = &[
    "at", "by", "for", "from", "in", "into", "near", "of", "on", "to", "with",
];

/// Largest distance (0 = adjacent, 1 = one word between) at which a
/// function word counts.
const FUNCTION_WORD_REACH: usize = 1;

/// Built-in context words per entity.
pub(crate) fn builtin_words() -> Vec<(Entity, &'static [&'static str])> {
    vec![
        (
            Entity::PERSON,
            &[
                "name",
                "names",
                "customer",
                "patient",
                "client",
                "employee",
                "applicant",
                "holder",
                "cardholder",
                "beneficiary",
                "contact",
                "caller",
                "agent",
                "user",
                "mr",
                "mrs",
                "ms",
                "miss",
                "dr",
                "prof",
                "sir",
                "madam",
                "dear",
                "hi",
                "hello",
                "thanks",
                "attention",
                "attn",
                "signed",
                "member",
                "owner",
                "payee",
                "recipient",
                "insured",
                "guardian",
                "manager",
                "tenant",
                "author",
                "physician",
                "nurse",
                "pt",
                "surname",
                "firstname",
                "lastname",
                "fullname",
                "given",
                "family",
            ],
        ),
        (
            Entity::EMAIL_ADDRESS,
            &[
                "email", "e-mail", "mail", "contact", "address", "login", "username", "reply",
            ],
        ),
        (
            Entity::PHONE_NUMBER,
            &[
                "phone",
                "telephone",
                "tel",
                "mobile",
                "cell",
                "cellphone",
                "call",
                "caller",
                "text",
                "sms",
                "fax",
                "reach",
                "reachable",
                "whatsapp",
                "landline",
                "phone number",
                // A person's "number" in conversation is a phone number.
                "my number",
                "her number",
                "his number",
                "your number",
                "their number",
                "our number",
                "dial",
                "ring",
                "hotline",
                "handy",
                "telefon",
                "telefono",
                "portable",
                "msisdn",
            ],
        ),
        (
            Entity::CREDIT_CARD,
            &[
                "card",
                "credit",
                "debit",
                "visa",
                "mastercard",
                "amex",
                "discover",
                "pan",
                "payment",
                "cc",
                "ccnum",
                "cardnumber",
                "charge",
            ],
        ),
        (
            Entity::US_SSN,
            &[
                "ssn",
                "social security",
                "social",
                "ssa",
                "ssns",
                "taxpayer",
                "tin",
            ],
        ),
        (
            Entity::US_ITIN,
            &["itin", "taxpayer", "tax id", "individual taxpayer"],
        ),
        (
            Entity::IBAN_CODE,
            &[
                "iban",
                "bank",
                "account",
                "wire",
                "transfer",
                "sepa",
                "bic",
                "swift",
                "beneficiary",
            ],
        ),
        (
            Entity::IP_ADDRESS,
            &[
                "ip", "ipv4", "ipv6", "address", "addr", "src", "dst", "source", "host", "client",
                "server", "remote", "peer", "login", "from", "gateway", "subnet",
            ],
        ),
        (
            Entity::URL,
            &[
                "url", "link", "website", "homepage", "site", "href", "uri", "web",
            ],
        ),
        (
            Entity::LOCATION,
            &[
                "address",
                "addr",
                "street",
                "city",
                "town",
                "lives",
                "live",
                "located",
                "location",
                "ship",
                "shipping",
                "mailing",
                "billing",
                "residence",
                "resides",
                "moved",
                "from",
                "in",
                "at",
                "to",
                "zip",
                "postcode",
                "postal",
                "country",
                "region",
                "state",
                "village",
                "municipality",
                "place",
                "home",
                "locality",
                "transferred",
            ],
        ),
        (
            Entity::DATE_TIME,
            &[
                "date",
                "dob",
                "birth",
                "born",
                "birthday",
                "on",
                "since",
                "admitted",
                "admission",
                "discharged",
                "appointment",
                "scheduled",
                "starts",
                "started",
                "joined",
                "opened",
                "signup",
                "signed",
                "created",
                "expires",
                "issued",
                "dated",
                "visit",
                "until",
            ],
        ),
        (
            Entity::US_PASSPORT,
            &[
                "passport",
                "passport number",
                "passport no",
                "travel document",
                "pp",
            ],
        ),
        (
            Entity::US_DRIVER_LICENSE,
            &[
                "driver", "drivers", "driving", "license", "licence", "dl", "dln", "permit", "lic",
            ],
        ),
        (
            Entity::US_BANK_NUMBER,
            &[
                "account",
                "acct",
                "acc",
                "bank",
                "checking",
                "savings",
                "deposit",
                "iban",
                "beneficiary",
                "wire",
                "debit",
                "ach",
                "routing",
            ],
        ),
        (
            Entity::CRYPTO,
            &[
                "bitcoin",
                "btc",
                "wallet",
                "crypto",
                "address",
                "withdrawal",
                "deposit",
            ],
        ),
        (
            Entity::MEDICAL_LICENSE,
            &[
                "dea",
                "prescriber",
                "license",
                "licence",
                "registration",
                "medical",
                "physician",
                "npi",
            ],
        ),
        (
            Entity::SECRET,
            &[
                "password",
                "passwd",
                "token",
                "secret",
                "key",
                "apikey",
                "credential",
                "auth",
            ],
        ),
    ]
}

/// A set of context words (or phrases) for one entity, lowercased.
#[derive(Debug, Clone, Default)]
pub(crate) struct Words {
    phrases: Vec<Vec<Box<[u8]>>>,
    /// Phrases by the first byte of their last word (for windows before a
    /// finding) and of their first word (after it).
    by_last: Vec<Vec<Candidate>>,
    by_first: Vec<Vec<Candidate>>,
}

/// A phrase in a [`Words`] bucket, with what it takes to turn it away
/// without reading the phrase: the length of the word that meets the
/// window word first, and whether the phrase is a function word.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    phrase: u16,
    len: usize,
    function: bool,
}

impl Candidate {
    /// Whether a window word of `len` bytes can match the candidate's
    /// word: the length test of [`word_matches`].
    #[inline]
    fn fits(&self, len: usize) -> bool {
        len == self.len || (self.len >= 4 && len > self.len && len <= self.len + 6)
    }
}

impl Words {
    pub(crate) fn new<S: AsRef<str>>(words: &[S]) -> Words {
        let mut w = Words::default();
        w.extend(words);
        w
    }

    pub(crate) fn extend<S: AsRef<str>>(&mut self, words: &[S]) {
        for s in words {
            let parts: Vec<Box<[u8]>> = split_words(s.as_ref().as_bytes())
                .map(|p| p.to_ascii_lowercase().into_boxed_slice())
                .collect();
            if parts.is_empty() || self.phrases.len() >= usize::from(u16::MAX) {
                continue;
            }
            if self.by_last.is_empty() {
                self.by_last = vec![Vec::new(); 256];
                self.by_first = vec![Vec::new(); 256];
            }
            let idx = self.phrases.len() as u16;
            let key =
                |w: Option<&Box<[u8]>>| w.and_then(|w| w.first()).copied().unwrap_or(0) as usize;
            let function =
                parts.len() == 1 && FUNCTION_WORDS.iter().any(|f| f.as_bytes() == &*parts[0]);
            let candidate = |w: Option<&Box<[u8]>>| Candidate {
                phrase: idx,
                len: w.map_or(0, |w| w.len()),
                function,
            };
            if let Some(v) = self.by_last.get_mut(key(parts.last())) {
                v.push(candidate(parts.last()));
            }
            // A function word says something about the word right after
            // it ("moved to X"), nothing about the one before it.
            if !function && let Some(v) = self.by_first.get_mut(key(parts.first())) {
                v.push(candidate(parts.first()));
            }
            self.phrases.push(parts);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Finds a phrase among `window` (words nearest the finding first).
    /// Returns the phrase's index and the distance in words.
    /// `before` says whether the window lists words before the finding
    /// (nearest first, so in reverse text order) or after it.
    pub(crate) fn find(&self, window: &[&[u8]], before: bool) -> Option<(usize, usize)> {
        let buckets = if before {
            &self.by_last
        } else {
            &self.by_first
        };
        for (dist, w) in window.iter().enumerate() {
            let Some(&b) = w.first() else { continue };
            let Some(bucket) = buckets.get(usize::from(b.to_ascii_lowercase())) else {
                continue;
            };
            for c in bucket {
                if !c.fits(w.len()) || (dist > FUNCTION_WORD_REACH && c.function) {
                    continue;
                }
                let pi = usize::from(c.phrase);
                if self
                    .phrases
                    .get(pi)
                    .is_some_and(|p| phrase_at(p, window, dist, before))
                {
                    return Some((pi, dist));
                }
            }
        }
        None
    }

    /// The phrase at `i`, for explanations.
    pub(crate) fn phrase(&self, i: usize) -> String {
        self.phrases
            .get(i)
            .map(|p| {
                p.iter()
                    .map(|w| String::from_utf8_lossy(w).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }
}

/// Window words are stored nearest-first. Before the finding that is
/// reverse text order, so the phrase's last word sits at `window[dist]` and
/// earlier words at `dist + 1, ...`; after the finding its first word sits
/// at `window[dist]`.
fn phrase_at(phrase: &[Box<[u8]>], window: &[&[u8]], dist: usize, before: bool) -> bool {
    let n = phrase.len();
    for k in 0..n {
        let pw = if before {
            &phrase[n - 1 - k]
        } else {
            &phrase[k]
        };
        match window.get(dist + k) {
            Some(w) if word_matches(pw, w) => {}
            _ => return false,
        }
    }
    true
}

/// Exact match, or prefix match for context words of 4+ bytes.
#[inline]
pub(crate) fn word_matches(ctx: &[u8], word: &[u8]) -> bool {
    if word.len() == ctx.len() {
        return word.eq_ignore_ascii_case(ctx);
    }
    ctx.len() >= 4
        && word.len() > ctx.len()
        && word.len() <= ctx.len() + 6
        && word[..ctx.len()].eq_ignore_ascii_case(ctx)
}

/// Splits on anything that is not an ASCII letter/digit or a non-ASCII byte.
pub(crate) fn split_words(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|b| !is_w(*b)).filter(|w| !w.is_empty())
}

/// A fixed-capacity list of window words (no allocation per finding).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window<'t> {
    w: [&'t [u8]; 8],
    n: usize,
}

impl<'t> Window<'t> {
    /// A window with no words.
    pub(crate) const EMPTY: Window<'static> = Window { w: [&[]; 8], n: 0 };

    pub(crate) fn new() -> Window<'t> {
        Window { w: [&[]; 8], n: 0 }
    }

    fn push(&mut self, word: &'t [u8]) -> bool {
        match self.w.get_mut(self.n) {
            Some(slot) => {
                *slot = word;
                self.n += 1;
                true
            }
            None => false,
        }
    }

    pub(crate) fn words(&self) -> &[&'t [u8]] {
        &self.w[..self.n]
    }
}

/// Whether `b` belongs to a word: an ASCII letter or digit, or any byte
/// of a non-ASCII character (one table load, no branches).
#[inline]
fn is_w(b: u8) -> bool {
    crate::lex::CLASS[usize::from(b)] & (crate::lex::WORD | crate::lex::WIDE) != 0
}

/// Up to `max` (at most 8) words before `start`, nearest first.
pub(crate) fn words_before(text: &[u8], start: usize, max: usize) -> Window<'_> {
    let mut out = Window::new();
    let start = start.min(text.len());
    let lo = start.saturating_sub(BYTES_BEFORE);
    // Offsets below are inside `win`, the byte window before the finding.
    let win = text.get(lo..start).unwrap_or(&[]);
    let mut e = win.len();
    while out.n < max {
        let Some(last) = win.get(..e).and_then(|w| w.iter().rposition(|&b| is_w(b))) else {
            break;
        };
        e = last + 1;
        let s = win
            .get(..e)
            .and_then(|w| w.iter().rposition(|&b| !is_w(b)))
            .map_or(0, |p| p + 1);
        // A word cut by the byte window is dropped unless it starts the text.
        if s == 0 && lo > 0 && text.get(lo - 1).is_some_and(|&b| is_w(b)) {
            break;
        }
        out.push(win.get(s..e).unwrap_or(&[]));
        e = s;
    }
    out
}

/// Up to `max` (at most 8) words after `end`, nearest first.
pub(crate) fn words_after(text: &[u8], end: usize, max: usize) -> Window<'_> {
    let mut out = Window::new();
    let hi = (end + BYTES_AFTER).min(text.len());
    let from = end.min(hi);
    // Offsets below are inside `win`, the byte window after the finding.
    let win = text.get(from..hi).unwrap_or(&[]);
    let mut s = 0;
    while out.n < max {
        let Some(first) = win.get(s..).and_then(|w| w.iter().position(|&b| is_w(b))) else {
            break;
        };
        s += first;
        let e = win
            .get(s..)
            .and_then(|w| w.iter().position(|&b| !is_w(b)))
            .map_or(win.len(), |p| s + p);
        // A word cut by the byte window is dropped unless it ends the text.
        if e == win.len() && text.get(hi).is_some_and(|&b| is_w(b)) {
            break;
        }
        out.push(win.get(s..e).unwrap_or(&[]));
        s = e;
    }
    out
}

/// Whether `words` holds any of `needles` (exact, case-insensitive).
pub(crate) fn any_word(words: &[&[u8]], needles: &[&str]) -> bool {
    words
        .iter()
        .any(|w| needles.iter().any(|n| w.eq_ignore_ascii_case(n.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_and_phrases_before() {
        let text = b"Customer verified identity with social security 123";
        let w = words_before(text, text.len() - 3, WORDS_BEFORE);
        let w = w.words();
        assert_eq!(w[0], b"security");
        let ws = Words::new(&["ssn", "social security"]);
        assert_eq!(ws.find(w, true), Some((1, 0)));
        let ws = Words::new(&["customer"]);
        assert_eq!(ws.find(w, true).map(|x| x.1), Some(5));
    }

    #[test]
    fn function_words_count_only_just_before() {
        let ws = Words::new(&["from", "city"]);
        let text = b"transferred from Eisleben";
        let before = words_before(text, 17, WORDS_BEFORE);
        assert_eq!(ws.find(before.words(), true), Some((0, 0)));
        let text = b"Josephine; funds go to me";
        let after = words_after(text, 9, WORDS_AFTER);
        assert_eq!(ws.find(after.words(), false), None);
        let text = b"from the old part of Eisleben";
        let before = words_before(text, 21, WORDS_BEFORE);
        assert_eq!(ws.find(before.words(), true), None);
        let text = b"Eisleben city";
        let after = words_after(text, 8, WORDS_AFTER);
        assert_eq!(ws.find(after.words(), false), Some((1, 0)));
    }

    #[test]
    fn prefix_rule() {
        assert!(word_matches(b"card", b"cardholder"));
        assert!(!word_matches(b"dl", b"dlx"));
        assert!(word_matches(b"dl", b"DL"));
    }
}
