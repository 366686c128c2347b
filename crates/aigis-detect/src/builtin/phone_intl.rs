//! Validation of international numbers outside the five plans the phone
//! recognizer knows, with libphonenumber's metadata (via the `phonenumber`
//! crate's parser and validator) for the number's own calling code only.
//!
//! The crate's default database compiles the patterns of every region the
//! first time any number is parsed, and shares one locked pattern cache
//! among all of them. Parsing and validating a number with a calling code
//! only ever reads that code's regions, so each code gets its own small
//! database, built the first time a number with that code is seen, from the
//! metadata compiled into this crate (`data/phone_metadata.postcard.z`,
//! written by `examples/gen_phone_meta.rs`). The answer is the same as with
//! the default database; a test compares the two.

use std::sync::OnceLock;

use phonenumber::metadata::{Database, loader};

/// The metadata of every region, parsing and validation fields only.
static METADATA: &[u8] = include_bytes!("../../data/phone_metadata.postcard.z");

/// Calling codes are at most three digits.
const CODES: usize = 1000;

/// The regions of each calling code, in the metadata's order.
struct Regions {
    by_code: Vec<Vec<loader::Metadata>>,
}

fn regions() -> &'static Regions {
    static REGIONS: OnceLock<Regions> = OnceLock::new();
    REGIONS.get_or_init(|| {
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(METADATA, 4 << 20)
            .unwrap_or_default();
        let all: Vec<loader::Metadata> = postcard::from_bytes(&raw).unwrap_or_default();
        let mut by_code: Vec<Vec<loader::Metadata>> = vec![Vec::new(); CODES];
        for m in all {
            if let Some(slot) = m.country_code.and_then(|c| by_code.get_mut(usize::from(c))) {
                slot.push(m);
            }
        }
        Regions { by_code }
    })
}

/// The database of one calling code (`None`: not a calling code, or its
/// metadata did not load).
fn database(code: usize) -> Option<&'static Database> {
    static DATABASES: [OnceLock<Option<Database>>; CODES] = [const { OnceLock::new() }; CODES];
    DATABASES
        .get(code)?
        .get_or_init(|| {
            let metadata = regions().by_code.get(code)?;
            if metadata.is_empty() {
                return None;
            }
            Database::from(metadata.clone()).ok()
        })
        .as_ref()
}

/// The calling code `digits` starts with: the first of its one-, two- and
/// three-digit prefixes that is a code (codes are prefix-free, so at most
/// one is), as the parser finds it.
fn calling_code(digits: &[u8]) -> Option<usize> {
    let by_code = &regions().by_code;
    let mut code = 0usize;
    for &d in digits.iter().take(3) {
        code = code * 10 + usize::from(d);
        if by_code.get(code).is_some_and(|r| !r.is_empty()) {
            return Some(code);
        }
    }
    None
}

/// Whether `+digits` (digit values 0..=9) is a valid number of its calling
/// code's plan, as `phonenumber::parse` and `phonenumber::is_valid` with
/// the default database judge it.
pub(super) fn is_valid(digits: &[u8]) -> bool {
    if digits.first().is_none_or(|&d| d == 0) || digits.iter().any(|&d| d > 9) {
        return false;
    }
    let Some(db) = calling_code(digits).and_then(database) else {
        return false;
    };
    let mut s = String::with_capacity(digits.len() + 1);
    s.push('+');
    s.extend(digits.iter().map(|&d| char::from(b'0' + d)));
    phonenumber::parse_with(db, None, &s).is_ok_and(|n| phonenumber::is_valid_with(db, &n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crate's answer with its default database.
    fn reference(digits: &[u8]) -> bool {
        let s: String = std::iter::once('+')
            .chain(digits.iter().map(|&d| char::from(b'0' + d)))
            .collect();
        phonenumber::parse(None, &s).is_ok_and(|n| phonenumber::is_valid(&n))
    }

    #[test]
    fn metadata_loads_every_region() {
        let n: usize = regions().by_code.iter().map(Vec::len).sum();
        assert!(n > 240, "{n} regions");
        assert_eq!(calling_code(&[4, 4, 2, 0]), Some(44));
        assert_eq!(calling_code(&[3, 5, 3, 1]), Some(353));
        assert_eq!(calling_code(&[8, 0, 0, 1]), Some(800));
        assert_eq!(calling_code(&[2, 8, 9, 5]), None);
    }

    #[test]
    fn known_numbers() {
        // Irish mobile, Japanese fixed line, Brazilian mobile, Indian mobile.
        for ok in [
            "353851234567",
            "81312345678",
            "5511961234567",
            "919876543210",
        ] {
            let d: Vec<u8> = ok.bytes().map(|b| b - b'0').collect();
            assert!(is_valid(&d), "{ok}");
            assert!(reference(&d), "{ok}");
        }
        for bad in ["3531", "999123456789", "35300000000000000"] {
            let d: Vec<u8> = bad.bytes().map(|b| b - b'0').collect();
            assert!(!is_valid(&d), "{bad}");
        }
    }

    /// Every example number of every region of the crate's database, and
    /// variants of it one digit longer, shorter or changed: the same answer
    /// as the default database (a mix of valid and invalid numbers in every
    /// plan, which random digits would not give).
    #[test]
    fn examples_and_variants_same_as_default_database() {
        let db = &*phonenumber::metadata::DATABASE;
        let (mut checked, mut valid) = (0usize, 0usize);
        for meta in db.iter() {
            let d = meta.descriptors();
            let kinds = [
                Some(d.general()),
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.personal_number(),
                d.voip(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ];
            for example in kinds.into_iter().flatten().filter_map(|k| k.example()) {
                let mut base: Vec<u8> = meta
                    .country_code()
                    .to_string()
                    .bytes()
                    .map(|b| b - b'0')
                    .collect();
                base.extend(example.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0'));
                let mut variants = vec![base.clone(), base[..base.len() - 1].to_vec()];
                let mut longer = base.clone();
                longer.push(5);
                variants.push(longer);
                for at in [base.len() - 1, base.len() / 2 + 1] {
                    let mut changed = base.clone();
                    if let Some(x) = changed.get_mut(at) {
                        *x = (*x + 3) % 10;
                    }
                    variants.push(changed);
                }
                for v in variants {
                    let want = reference(&v);
                    assert_eq!(is_valid(&v), want, "+{:?} of {}", v, meta.id());
                    checked += 1;
                    valid += usize::from(want);
                }
            }
        }
        assert!(
            checked > 5000 && valid > 2000,
            "{checked} checked, {valid} valid"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Same answer as the default database, on numbers that start
        /// with a real calling code (most random ones would not).
        #[test]
        fn same_as_default_database(
            code in proptest::sample::select(
                (1usize..CODES).filter(|&c| regions().by_code.get(c).is_some_and(|r| !r.is_empty())).collect::<Vec<_>>()
            ),
            rest in proptest::collection::vec(0u8..10, 4..13),
        ) {
            let mut d: Vec<u8> = code.to_string().bytes().map(|b| b - b'0').collect();
            d.extend(rest);
            proptest::prop_assert_eq!(is_valid(&d), reference(&d));
        }
    }
}
