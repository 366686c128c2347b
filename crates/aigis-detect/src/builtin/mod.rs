//! The built-in recognizers. They share one tokenization of each field
//! ([`crate::lex`]); each family lives in its own module and looks only at
//! the tokens that can start one of its entities.

pub(crate) mod address;
pub(crate) mod card;
pub(crate) mod crypto;
pub(crate) mod date;
pub(crate) mod email;
pub(crate) mod iban;
pub(crate) mod ip;
pub(crate) mod medical;
pub(crate) mod names;
pub(crate) mod phone;
pub(crate) mod phone_intl;
pub(crate) mod prior;
pub(crate) mod secret;
pub(crate) mod ssn;
pub(crate) mod url;
pub(crate) mod usid;

use std::cell::{Cell, RefCell};

use crate::lex::{self, Token, flag, sep};
use crate::{Basis, Entity, FieldHint, Finding, Recognizer};

/// Every built-in recognizer family behind one [`Recognizer`]: e-mail, URL,
/// IP, phone, payment card, SSN/ITIN, IBAN, Bitcoin, dates, US passport,
/// driver licence and bank account, DEA numbers, secrets, person names and
/// locations. Findings name the specific rule in `recognizer`.
#[derive(Debug, Default)]
pub struct Builtin {
    _private: (),
}

impl Builtin {
    /// All built-in families. Loads the gazetteers (once per process).
    pub fn new() -> Builtin {
        crate::gazetteer::warm();
        Builtin::default()
    }
}

/// Keyword bits stored with the gazetteer classes (see
/// [`crate::gazetteer::class`]); [`keywords`] lists the words.
pub(crate) mod kw {
    pub const TITLE: u32 = 1 << 8;
    pub const PARTICLE: u32 = 1 << 9;
    pub const PLACE_PREFIX: u32 = 1 << 10;
    pub const LEGAL: u32 = 1 << 11;
    pub const CONNECTOR: u32 = 1 << 12;
    pub const PLACE_PARTICLE: u32 = 1 << 13;
    pub const CUE: u32 = 1 << 14;
    pub const CALENDAR: u32 = 1 << 15;
    pub const STREET_SUFFIX: u32 = 1 << 16;
    pub const STREET_PREFIX: u32 = 1 << 17;
    pub const UNIT: u32 = 1 << 18;
    pub const FR_STREET: u32 = 1 << 19;
    pub const CITY_PARTICLE: u32 = 1 << 20;
    pub const ADDR_PARTICLE: u32 = 1 << 21;
    pub const ADDRESS_CUE: u32 = 1 << 22;
}

/// Every recognizer word list with its keyword bit, loaded into the
/// gazetteer map (folded) so one lookup per word answers every question.
pub(crate) fn keywords() -> Vec<(&'static [&'static str], u32)> {
    vec![
        (names::TITLES, kw::TITLE),
        (names::PARTICLES, kw::PARTICLE),
        (names::PLACE_PREFIXES, kw::PLACE_PREFIX),
        (names::LEGAL, kw::LEGAL),
        (names::CONNECTORS, kw::CONNECTOR),
        (names::PLACE_PARTICLES, kw::PLACE_PARTICLE),
        (names::CUES, kw::CUE),
        (names::ADDRESS_CUES, kw::ADDRESS_CUE),
        (names::CALENDAR, kw::CALENDAR),
        (address::SUFFIX_TYPES, kw::STREET_SUFFIX),
        (address::PREFIX_TYPES, kw::STREET_PREFIX),
        (address::UNITS, kw::UNIT),
        (address::FR_TYPES, kw::FR_STREET),
        (address::CITY_PARTICLES, kw::CITY_PARTICLE),
        (address::ADDR_PARTICLES, kw::ADDR_PARTICLE),
    ]
}

const UNKNOWN: u32 = u32::MAX;

thread_local! {
    static TOKENS: RefCell<Vec<Token>> = const { RefCell::new(Vec::new()) };
    static CLASSES: RefCell<Vec<Cell<u32>>> = const { RefCell::new(Vec::new()) };
}

type Trace = RefCell<Vec<(Finding, Basis)>>;

/// What every family sees: the text, its tokens and the field hint.
pub(crate) struct Cx<'a> {
    pub text: &'a str,
    pub bytes: &'a [u8],
    pub toks: &'a [Token],
    pub hint: FieldHint<'a>,
    trace: Option<&'a Trace>,
    /// Gazetteer and keyword classes per token, computed on first use.
    classes: &'a [Cell<u32>],
}

impl<'a> Cx<'a> {
    /// What the families see of `text` and its tokens.
    fn new(
        text: &'a str,
        toks: &'a [Token],
        hint: FieldHint<'a>,
        trace: Option<&'a Trace>,
        classes: &'a [Cell<u32>],
    ) -> Cx<'a> {
        Cx {
            text,
            bytes: text.as_bytes(),
            toks,
            hint,
            trace,
            classes,
        }
    }

    /// Gazetteer and keyword classes of token `i` (0 for non-words).
    ///
    /// Gazetteer classes (name, place, common word) are only ever asked of
    /// capitalized words, where names start; a word in lower case gets its
    /// keyword bits alone ("dear", "rue", "de"), from a map small enough to
    /// stay in cache.
    #[inline]
    pub fn cls(&self, i: usize) -> u32 {
        let Some(c) = self.classes.get(i) else {
            return 0;
        };
        let v = c.get();
        if v != UNKNOWN {
            return v;
        }
        self.first_cls(i, c)
    }

    /// [`Cx::cls`] of a token not looked up yet: looks it up and
    /// remembers the answer in `slot`. Kept out of line so that the
    /// remembered case stays small enough to inline.
    #[inline(never)]
    fn first_cls(&self, i: usize, slot: &Cell<u32>) -> u32 {
        let v = match self.toks.get(i) {
            // ASCII letters alone hash without being folded first.
            Some(t) if t.is(flag::ALPHA) && t.len() <= 40 && !t.is(flag::NON_ASCII) => {
                if t.is(flag::UPPER_FIRST) {
                    crate::gazetteer::classes_ascii_letters(self.b(t))
                } else {
                    crate::gazetteer::keyword_classes_ascii_letters(self.b(t))
                }
            }
            Some(t) if t.is(flag::ALPHA) && t.len() <= 40 => {
                if t.is(flag::UPPER_FIRST) {
                    crate::gazetteer::classes(self.s(t))
                } else {
                    crate::gazetteer::keyword_classes(self.s(t))
                }
            }
            _ => 0,
        };
        slot.set(v);
        v
    }

    /// Whether token `i` has any of the class or keyword bits `bits`.
    #[inline]
    pub fn has(&self, i: usize, bits: u32) -> bool {
        self.cls(i) & bits != 0
    }

    /// The token's text.
    #[inline]
    pub fn s(&self, t: &Token) -> &'a str {
        self.text.get(t.start..t.end).unwrap_or("")
    }

    /// The token's bytes.
    #[inline]
    pub fn b(&self, t: &Token) -> &'a [u8] {
        self.bytes.get(t.start..t.end).unwrap_or(&[])
    }

    /// Bytes between token `i` and token `i + 1` (to the end of the text
    /// for the last token).
    #[inline]
    pub fn gap_after(&self, i: usize) -> &'a [u8] {
        let Some(t) = self.toks.get(i) else {
            return &[];
        };
        let end = self.toks.get(i + 1).map_or(self.bytes.len(), |n| n.start);
        self.bytes.get(t.end..end).unwrap_or(&[])
    }

    /// Bytes between token `i - 1` and token `i` (from the start of the
    /// text for the first token).
    #[inline]
    pub fn gap_before(&self, i: usize) -> &'a [u8] {
        let Some(t) = self.toks.get(i) else {
            return &[];
        };
        let start = if i == 0 {
            0
        } else {
            self.toks.get(i - 1).map_or(0, |p| p.end)
        };
        self.bytes.get(start..t.start).unwrap_or(&[])
    }

    /// The byte just before `pos`, if any.
    #[inline]
    pub fn byte_before(&self, pos: usize) -> Option<u8> {
        pos.checked_sub(1).and_then(|p| self.bytes.get(p).copied())
    }

    /// The byte at `pos`, if any.
    #[inline]
    pub fn byte_at(&self, pos: usize) -> Option<u8> {
        self.bytes.get(pos).copied()
    }

    /// Pushes a finding; `basis` is only evaluated when explaining.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn emit(
        &self,
        out: &mut Vec<Finding>,
        entity: Entity,
        start: usize,
        end: usize,
        score: f32,
        recognizer: &'static str,
        basis: impl FnOnce() -> (String, Option<&'static str>),
    ) {
        let f = Finding {
            entity,
            start,
            end,
            score,
            recognizer,
        };
        if let Some(t) = self.trace {
            let (pattern, validation) = basis();
            t.borrow_mut().push((
                f.clone(),
                Basis {
                    pattern,
                    base_score: score,
                    validation: validation.map(str::to_string),
                },
            ));
        }
        out.push(f);
    }
}

impl Builtin {
    /// Tokenizes `text` into the thread's buffers and hands the tokens,
    /// their summary and the (not yet computed) token classes to `f`.
    fn with_tokens<R>(
        text: &str,
        f: impl FnOnce(&mut Vec<Token>, lex::Summary, &[Cell<u32>]) -> R,
    ) -> R {
        CLASSES.with(|ccell| {
            TOKENS.with(|cell| {
                // A re-entrant call (a recognizer scanning from inside another)
                // gets its own buffer instead of panicking on the borrow.
                let mut own;
                let mut guard = cell.try_borrow_mut();
                let toks: &mut Vec<Token> = match guard.as_deref_mut() {
                    Ok(v) => v,
                    Err(_) => {
                        own = Vec::new();
                        &mut own
                    }
                };
                let sum = lex::tokenize(text, toks);
                let mut own_classes;
                let mut cguard = ccell.try_borrow_mut();
                let classes: &mut Vec<Cell<u32>> = match cguard.as_deref_mut() {
                    Ok(v) => v,
                    Err(_) => {
                        own_classes = Vec::new();
                        &mut own_classes
                    }
                };
                classes.clear();
                classes.resize(toks.len(), Cell::new(UNKNOWN));
                f(toks, sum, classes)
            })
        })
    }

    fn run(&self, text: &str, hint: FieldHint<'_>, out: &mut Vec<Finding>, trace: Option<&Trace>) {
        Builtin::with_tokens(text, |toks, sum, classes| {
            let first = out.len();
            {
                let cx = Cx::new(text, toks, hint, trace, classes);
                // Families that span punctuation run first and claim their
                // spans, so that tokens inside an e-mail address or URL are
                // not read again as names, numbers or dates.
                if sum.has(sep::AT) {
                    email::find(&cx, out);
                }
                if sum.has(sep::COLON | sep::SLASH | sep::DOT) {
                    url::find(&cx, out);
                }
                if text.len() >= 12
                    && (sum.has(sep::EQ | sep::COLON | sep::DASH) || sum.max_token >= 15)
                {
                    secret::find(&cx, out);
                }
            }
            if out.len() > first {
                claim(toks, &out[first..]);
            }
            let cx = Cx::new(text, toks, hint, trace, classes);
            // Each family runs only if the field can hold its entity.
            let d = sum.digits;
            if d >= 12 {
                card::find(&cx, out);
            }
            if d >= 9 {
                ssn::find(&cx, out);
            }
            if d >= 2 && sum.letters >= 2 && sum.max_token >= 4 && text.len() >= 15 {
                iban::find(&cx, out);
            }
            if (d >= 4 && sum.has(sep::DOT)) || sum.has(sep::COLON) {
                ip::find(&cx, out);
            }
            if sum.max_token >= 14 {
                crypto::find(&cx, out);
            }
            if d >= 7 && sum.letters >= 2 && sum.max_token >= 9 {
                medical::find(&cx, out);
            }
            if d >= 6 {
                usid::find(&cx, out);
                phone::find(&cx, out);
            }
            if d >= 5 {
                date::find(&cx, out);
            }
            if sum.letters >= 2 {
                address::find(&cx, out);
                names::find(&cx, out);
            }
            if hint.prior.is_some() {
                prior::fill(&cx, out, first);
            }
        });
    }
}

/// Marks tokens that overlap any of `claims` (sorted or not).
fn claim(toks: &mut [Token], claims: &[Finding]) {
    for c in claims {
        let from = toks.partition_point(|t| t.end <= c.start);
        for t in toks.iter_mut().skip(from) {
            if t.start >= c.end {
                break;
            }
            t.flags |= flag::CLAIMED;
        }
    }
}

impl Recognizer for Builtin {
    fn name(&self) -> &'static str {
        "builtin"
    }

    fn recognize(&self, text: &str, hint: FieldHint<'_>, out: &mut Vec<Finding>) {
        self.run(text, hint, out, None);
    }

    /// Runs only the families that report `entity`, in turn, until one
    /// reports it over the whole trimmed text, then (failing that) the
    /// column prior's shape rule, as the full run ends with it. False,
    /// running nothing, for an entity no family owns. No gates and no
    /// claims: a cell that is one entity whole has none to make.
    fn recognize_entity(
        &self,
        text: &str,
        hint: FieldHint<'_>,
        entity: &Entity,
        out: &mut Vec<Finding>,
    ) -> bool {
        type Family = fn(&Cx<'_>, &mut Vec<Finding>);
        let families: &[Family] = match entity.as_str() {
            "EMAIL_ADDRESS" => &[email::find],
            "URL" => &[url::find],
            "CREDIT_CARD" => &[card::find],
            "US_SSN" | "US_ITIN" => &[ssn::find],
            "IBAN_CODE" => &[iban::find],
            "IP_ADDRESS" => &[ip::find],
            "CRYPTO" => &[crypto::find],
            "MEDICAL_LICENSE" => &[medical::find],
            "US_PASSPORT" | "US_DRIVER_LICENSE" | "US_BANK_NUMBER" => &[usid::find],
            "PHONE_NUMBER" => &[phone::find],
            "DATE_TIME" => &[date::find],
            "PERSON" => &[names::find],
            // A street address has a number; a bare place name does not.
            "LOCATION" if text.bytes().any(|b| b.is_ascii_digit()) => &[address::find, names::find],
            "LOCATION" => &[names::find, address::find],
            _ => return false,
        };
        let first = out.len();
        Builtin::with_tokens(text, |toks, _, classes| {
            let cx = Cx::new(text, toks, hint, None, classes);
            for find in families {
                find(&cx, out);
                let found = out.get(first..).unwrap_or(&[]);
                if found
                    .iter()
                    .any(|f| crate::scanner::is_whole(text, entity, f))
                {
                    return;
                }
            }
            // As the last step of the full run: the column's entity by shape.
            prior::fill(&cx, out, first);
        });
        true
    }

    fn explain(&self, text: &str, hint: FieldHint<'_>, findings: &[Finding]) -> Vec<Option<Basis>> {
        let trace: Trace = RefCell::new(Vec::new());
        let mut sink = Vec::new();
        self.run(text, hint, &mut sink, Some(&trace));
        let mut by_span: std::collections::HashMap<(usize, usize, &'static str, String), Basis> =
            std::collections::HashMap::new();
        for (f, b) in trace.into_inner() {
            by_span
                .entry((f.start, f.end, f.recognizer, f.entity.as_str().to_string()))
                .or_insert(b);
        }
        findings
            .iter()
            .map(|f| {
                by_span
                    .get(&(f.start, f.end, f.recognizer, f.entity.as_str().to_string()))
                    .cloned()
            })
            .collect()
    }
}

/// ASCII-lowercases `s` into `buf` (cleared) and returns it.
#[inline]
pub(crate) fn lower<'b>(s: &[u8], buf: &'b mut [u8; 32]) -> Option<&'b [u8]> {
    let out = buf.get_mut(..s.len())?;
    for (o, &b) in out.iter_mut().zip(s) {
        *o = b.to_ascii_lowercase();
    }
    Some(out)
}
