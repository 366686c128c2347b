//! `date_shift`: move every date of one data subject by the same number of
//! days, so intervals between a subject's dates (age at admission, length
//! of stay) survive while the dates themselves do not.
//!
//! The shift is derived, not stored: take the first 8 bytes of
//! `HMAC-SHA256(key, "aigis/date-shift/v1" || 0x00 || subject id)` as a
//! big-endian integer x, let r = x mod 2N; the shift is -(r+1) days when
//! r < N, else r-N+1 days: uniform over [-N, -1] ∪ [1, N], never 0. The
//! output keeps the input's format (see docs/mask.md for the formats).

use hmac::Mac;
use serde::{Deserialize, Serialize};

use crate::RedactError;
use crate::date::{self, ParseOptions, Precision};
use crate::keys::{HmacKey, KeyRef};
use crate::operator::{BuildContext, FallbackConfig, Operator};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

const LABEL: &[u8] = b"aigis/date-shift/v1\0";

/// Options of `date_shift`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DateShiftConfig {
    /// HMAC key name. Default: `[mask.keys] date_shift` (`"pseudonym"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Largest shift in days, 1 to 3650. Default 30.
    pub max_days: u32,
    /// Read `03/04/2025` as 3 April. Default false.
    pub day_first: bool,
    /// Operator for values that are not dates, or records without a
    /// subject. Default `replace`.
    pub fallback: FallbackConfig,
}

impl Default for DateShiftConfig {
    fn default() -> Self {
        DateShiftConfig {
            key: None,
            max_days: 30,
            day_first: false,
            fallback: FallbackConfig::default(),
        }
    }
}

/// Built `date_shift`.
pub struct DateShift {
    mac: HmacSha256,
    key: KeyRef,
    max_days: u32,
    opts: ParseOptions,
    fallback: Box<Operator>,
}

impl DateShiftConfig {
    /// Checks the options and fetches the current version of the key.
    pub fn build(&self, cx: &BuildContext<'_>) -> Result<DateShift, RedactError> {
        let name = self.key.as_deref().unwrap_or(&cx.key_names.date_shift);
        let key = cx.keys.hmac_key(name, None)?;
        self.with_key(&key, self.fallback.build(cx)?)
    }

    /// Builds with a given key (any version) and fallback.
    pub fn with_key(
        &self,
        key: &HmacKey,
        fallback: Box<Operator>,
    ) -> Result<DateShift, RedactError> {
        if !(1..=3650).contains(&self.max_days) {
            return Err(RedactError::InvalidOption {
                operator: "date_shift",
                option: "max_days",
                reason: "must be 1 to 3650".into(),
            });
        }
        let mut mac = key.state();
        mac.update(LABEL);
        Ok(DateShift {
            mac,
            key: key.key_ref().clone(),
            max_days: self.max_days,
            opts: ParseOptions {
                day_first: self.day_first,
            },
            fallback,
        })
    }
}

impl DateShift {
    /// The key this operator uses.
    pub fn key_ref(&self) -> &KeyRef {
        &self.key
    }

    pub(crate) fn fallback(&self) -> &Operator {
        &self.fallback
    }

    /// The shift in days for `subject`: in [-max_days, -1] ∪ [1, max_days].
    pub fn shift_days(&self, subject: &str) -> i64 {
        let mut mac = self.mac.clone();
        mac.update(subject.as_bytes());
        let d = mac.finalize().into_bytes();
        let mut x = [0u8; 8];
        x.copy_from_slice(&d[..8]);
        let n = u64::from(self.max_days);
        let r = u64::from_be_bytes(x) % (2 * n);
        if r < n {
            -(r as i64) - 1
        } else {
            (r - n) as i64 + 1
        }
    }

    /// Shifts the date in `value` for `subject`, appending it to `out`.
    pub fn try_apply(
        &self,
        value: &str,
        subject: Option<&str>,
        out: &mut String,
    ) -> Result<(), RedactError> {
        let subject = subject.ok_or(RedactError::NoSubject)?;
        let d = date::parse(value, self.opts).ok_or(RedactError::Shape { expected: "date" })?;
        if d.precision != Precision::Day {
            return Err(RedactError::Shape {
                expected: "date with a day",
            });
        }
        let shifted = date::shift(d.date, self.shift_days(subject)).ok_or(RedactError::Shape {
            expected: "date within years -9999 to 9999",
        })?;
        d.render_day(shifted, out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(c: DateShiftConfig) -> DateShift {
        let keys = crate::operator::test_support::keys();
        c.build(&BuildContext::new(&keys)).unwrap()
    }

    fn shifted(d: &DateShift, v: &str, s: &str) -> String {
        let mut out = String::new();
        d.try_apply(v, Some(s), &mut out).unwrap();
        out
    }

    #[test]
    fn shift_is_per_subject_and_bounded() {
        let d = op(DateShiftConfig::default());
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..2000 {
            let s = d.shift_days(&format!("subject-{i}"));
            assert!(s != 0 && (-30..=30).contains(&s));
            seen.insert(s);
        }
        assert_eq!(seen.len(), 60, "every shift in range is used");
        assert_eq!(d.shift_days("a"), d.shift_days("a"));
    }

    #[test]
    fn keeps_the_format() {
        let d = op(DateShiftConfig::default());
        let out = shifted(&d, "2019-06-30", "p1");
        assert_eq!(out.len(), 10);
        assert_eq!(out.as_bytes()[4], b'-');
        assert_ne!(out, "2019-06-30");
        let out = shifted(&d, "October 22, 2025 ", "p1");
        assert!(
            out.ends_with(' ') && out.contains(", 20") && out.as_bytes()[0].is_ascii_uppercase(),
            "{out}"
        );
        let out = shifted(&d, "2019-06-30T14:22:00Z", "p1");
        assert!(out.ends_with("T14:22:00Z"));
    }

    #[test]
    fn refuses_without_subject_or_date() {
        let d = op(DateShiftConfig::default());
        let mut out = String::new();
        assert!(matches!(
            d.try_apply("2019-06-30", None, &mut out),
            Err(RedactError::NoSubject)
        ));
        assert!(matches!(
            d.try_apply("soon", Some("p"), &mut out),
            Err(RedactError::Shape { .. })
        ));
        assert!(matches!(
            d.try_apply("October 2025", Some("p"), &mut out),
            Err(RedactError::Shape { .. })
        ));
        assert!(out.is_empty());
        let keys = crate::operator::test_support::keys();
        let bad = DateShiftConfig {
            max_days: 0,
            ..Default::default()
        };
        assert!(bad.build(&BuildContext::new(&keys)).is_err());
    }
}
