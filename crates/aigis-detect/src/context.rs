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
/// Score added when the field's name matches a context word.
pub const HINT_BOOST: f32 = 0.35;
/// A finding with supporting context scores at least this.
pub const MIN_WITH_CONTEXT: f32 = 0.4;

/// Built-in context words per entity.
pub(crate) fn builtin_words() -> Vec<(Entity, &'static [&'static str])> {
    vec![
        (
            Entity::PERSON,
            &[
                "name", "names", "customer", "patient", "client", "employee", "applicant", "holder",
                "cardholder", "beneficiary", "contact", "caller", "agent", "user", "mr", "mrs", "ms",
                "miss", "dr", "prof", "sir", "madam", "dear", "hi", "hello", "thanks", "attention",
                "attn", "signed", "by", "from", "member", "owner", "payee", "recipient", "insured",
                "guardian", "parent", "manager", "tenant", "author", "physician", "nurse", "pt",
                "surname", "firstname", "lastname", "fullname", "given", "family",
            ],
        ),
        (
            Entity::EMAIL_ADDRESS,
            &["email", "e-mail", "mail", "contact", "address", "login", "username", "reply"],
        ),
        (
            Entity::PHONE_NUMBER,
            &[
                "phone", "telephone", "tel", "mobile", "cell", "cellphone", "call", "caller", "text",
                "sms", "fax", "number", "contact", "reach", "reachable", "whatsapp", "landline",
                "dial", "ring", "hotline", "handy", "telefon", "telefono", "portable", "msisdn",
            ],
        ),
        (
            Entity::CREDIT_CARD,
            &[
                "card", "credit", "debit", "visa", "mastercard", "amex", "discover", "pan",
                "payment", "cc", "ccnum", "cardnumber", "charge",
            ],
        ),
        (
            Entity::US_SSN,
            &["ssn", "social security", "social", "ssa", "ssns", "taxpayer", "tin"],
        ),
        (Entity::US_ITIN, &["itin", "taxpayer", "tax id", "individual taxpayer"]),
        (
            Entity::IBAN_CODE,
            &["iban", "bank", "account", "wire", "transfer", "sepa", "bic", "swift", "beneficiary"],
        ),
        (
            Entity::IP_ADDRESS,
            &[
                "ip", "ipv4", "ipv6", "address", "addr", "src", "dst", "source", "host", "client",
                "server", "remote", "peer", "login", "from", "gateway", "subnet",
            ],
        ),
        (Entity::URL, &["url", "link", "website", "homepage", "site", "href", "uri", "web"]),
        (
            Entity::LOCATION,
            &[
                "address", "addr", "street", "city", "town", "lives", "live", "located", "location",
                "ship", "shipping", "mailing", "billing", "residence", "resides", "moved", "from",
                "in", "at", "to", "zip", "postcode", "postal", "country", "region", "state",
                "village", "municipality", "place", "home", "locality", "transferred",
            ],
        ),
        (
            Entity::DATE_TIME,
            &[
                "date", "dob", "birth", "born", "birthday", "on", "since", "admitted", "admission",
                "discharged", "appointment", "scheduled", "starts", "started", "joined", "opened",
                "signup", "signed", "created", "expires", "issued", "dated", "visit", "until",
            ],
        ),
        (
            Entity::US_PASSPORT,
            &["passport", "passport number", "passport no", "travel document", "pp"],
        ),
        (
            Entity::US_DRIVER_LICENSE,
            &[
                "driver", "drivers", "driving", "license", "licence", "dl", "dln", "permit",
                "lic",
            ],
        ),
        (
            Entity::US_BANK_NUMBER,
            &[
                "account", "acct", "acc", "bank", "checking", "savings", "deposit", "iban",
                "beneficiary", "wire", "debit", "ach", "routing",
            ],
        ),
        (Entity::CRYPTO, &["bitcoin", "btc", "wallet", "crypto", "address", "withdrawal", "deposit"]),
        (
            Entity::MEDICAL_LICENSE,
            &["dea", "prescriber", "license", "licence", "registration", "medical", "physician", "npi"],
        ),
        (
            Entity::SECRET,
            &["password", "passwd", "token", "secret", "key", "apikey", "credential", "auth"],
        ),
    ]
}

/// A set of context words (or phrases) for one entity, lowercased.
#[derive(Debug, Clone, Default)]
pub(crate) struct Words {
    phrases: Vec<Vec<Box<[u8]>>>,
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
            if !parts.is_empty() {
                self.phrases.push(parts);
            }
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
        for dist in 0..window.len() {
            for (pi, phrase) in self.phrases.iter().enumerate() {
                if phrase_at(phrase, window, dist, before) {
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
        let pw = if before { &phrase[n - 1 - k] } else { &phrase[k] };
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
    s.split(|b| !(b.is_ascii_alphanumeric() || *b >= 0x80))
        .filter(|w| !w.is_empty())
}

/// Up to `max` words before `start`, nearest first.
pub(crate) fn words_before<'t>(text: &'t [u8], start: usize, max: usize, out: &mut Vec<&'t [u8]>) {
    out.clear();
    let lo = start.saturating_sub(BYTES_BEFORE);
    let Some(region) = text.get(lo..start) else {
        return;
    };
    let mut it = split_words(region).collect::<Vec<_>>();
    // The first word may be cut by the byte window; drop it unless the
    // window starts the text.
    if lo > 0 && !it.is_empty() && region.first().is_some_and(|b| b.is_ascii_alphanumeric()) {
        it.remove(0);
    }
    out.extend(it.into_iter().rev().take(max));
}

/// Up to `max` words after `end`, nearest first.
pub(crate) fn words_after<'t>(text: &'t [u8], end: usize, max: usize, out: &mut Vec<&'t [u8]>) {
    out.clear();
    let hi = (end + BYTES_AFTER).min(text.len());
    let Some(region) = text.get(end..hi) else {
        return;
    };
    let mut v: Vec<&[u8]> = split_words(region).collect();
    if hi < text.len() && region.last().is_some_and(|b| b.is_ascii_alphanumeric()) {
        v.pop();
    }
    out.extend(v.into_iter().take(max));
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
        let mut w = Vec::new();
        words_before(text, text.len() - 3, WORDS_BEFORE, &mut w);
        assert_eq!(w[0], b"security");
        let ws = Words::new(&["ssn", "social security"]);
        assert_eq!(ws.find(&w, true), Some((1, 0)));
        let ws = Words::new(&["customer"]);
        assert_eq!(ws.find(&w, true).map(|x| x.1), Some(5));
    }

    #[test]
    fn prefix_rule() {
        assert!(word_matches(b"card", b"cardholder"));
        assert!(!word_matches(b"dl", b"dlx"));
        assert!(word_matches(b"dl", b"DL"));
    }
}
