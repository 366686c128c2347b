//! `generalize`: replace a value by a coarser one that still serves
//! statistics: an IP address by its network, a date by its month or year, a
//! number by its bucket, a postal code by its leading characters.
//!
//! A value that cannot be read as the kind asked for is never left as it
//! was: the fallback operator (default `replace`) handles it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use aigis_detect::Entity;
use serde::{Deserialize, Serialize};

use crate::RedactError;
use crate::date::{self, ParseOptions, Precision};
use crate::operator::{BuildContext, FallbackConfig, Operator};

/// What kind of value `generalize` expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneralizeKind {
    /// IP_ADDRESS -> ip, DATE_TIME -> date; otherwise the first of ip, date,
    /// number that reads the value.
    Auto,
    /// IPv4 or IPv6 address -> network prefix in CIDR notation.
    Ip,
    /// A date (formats in docs/mask.md) -> month or year, same style.
    Date,
    /// An integer or decimal (an age) -> its bucket, `40-49`.
    Number,
    /// A postal code -> its first `postal_keep` characters, the rest masked.
    PostalCode,
}

/// How coarse a generalized date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateGranularity {
    /// Keep year and month (`2019-06`, `October 2025`).
    Month,
    /// Keep the year only.
    Year,
}

/// Options of `generalize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GeneralizeConfig {
    /// Kind of value. Default `auto`.
    pub kind: GeneralizeKind,
    /// IPv4 prefix length kept, 0 to 31. Default 24 (`192.0.2.0/24`).
    pub ipv4_prefix: u8,
    /// IPv6 prefix length kept, 0 to 127. Default 48 (`2001:db8:1::/48`).
    pub ipv6_prefix: u8,
    /// Date granularity. Default `year` (the HIPAA Safe Harbor rule for
    /// dates tied to a person).
    pub date: DateGranularity,
    /// Read `03/04/2025` as 3 April (day first). Default false (4 March);
    /// a first field above 12, or `.` separators, always mean day first.
    pub day_first: bool,
    /// Width of number buckets when `buckets` is empty. Default 10
    /// (`42` -> `40-49`).
    pub bucket_size: u64,
    /// Explicit bucket bounds, ascending (`[18, 30, 45, 65]` gives `<18`,
    /// `18-29`, `30-44`, `45-64`, `65+`). Default empty (fixed-width).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<i64>,
    /// Leading characters of a postal code kept. Default 3 (`41418` ->
    /// `414**`).
    pub postal_keep: usize,
    /// Operator for values that cannot be read. Default `replace`.
    pub fallback: FallbackConfig,
}

impl Default for GeneralizeConfig {
    fn default() -> Self {
        GeneralizeConfig {
            kind: GeneralizeKind::Auto,
            ipv4_prefix: 24,
            ipv6_prefix: 48,
            date: DateGranularity::Year,
            day_first: false,
            bucket_size: 10,
            buckets: Vec::new(),
            postal_keep: 3,
            fallback: FallbackConfig::default(),
        }
    }
}

/// Built `generalize`.
pub struct Generalize {
    config: GeneralizeConfig,
    fallback: Box<Operator>,
}

fn invalid(option: &'static str, reason: &str) -> RedactError {
    RedactError::InvalidOption {
        operator: "generalize",
        option,
        reason: reason.into(),
    }
}

impl GeneralizeConfig {
    /// Checks the options.
    pub fn build(&self, cx: &BuildContext<'_>) -> Result<Generalize, RedactError> {
        if self.ipv4_prefix > 31 {
            return Err(invalid("ipv4_prefix", "must be 0 to 31"));
        }
        if self.ipv6_prefix > 127 {
            return Err(invalid("ipv6_prefix", "must be 0 to 127"));
        }
        if self.bucket_size < 2 || self.bucket_size > i64::MAX as u64 {
            return Err(invalid(
                "bucket_size",
                "must be at least 2 (a bucket of 1 keeps the value)",
            ));
        }
        if self.buckets.windows(2).any(|w| w[0] >= w[1]) {
            return Err(invalid("buckets", "must be strictly ascending"));
        }
        if self.postal_keep == 0 {
            return Err(invalid("postal_keep", "must be at least 1"));
        }
        Ok(Generalize {
            config: self.clone(),
            fallback: self.fallback.build(cx)?,
        })
    }
}

impl Generalize {
    pub(crate) fn fallback(&self) -> &Operator {
        &self.fallback
    }

    /// Generalizes `value`, appending the result to `out`.
    pub fn try_apply(
        &self,
        value: &str,
        entity: &Entity,
        out: &mut String,
    ) -> Result<(), RedactError> {
        let c = &self.config;
        match c.kind {
            GeneralizeKind::Ip => self.ip(value, out),
            GeneralizeKind::Date => self.date(value, out),
            GeneralizeKind::Number => self.number(value, out),
            GeneralizeKind::PostalCode => self.postal(value, out),
            GeneralizeKind::Auto => match entity.as_str() {
                "IP_ADDRESS" => self.ip(value, out),
                "DATE_TIME" => self.date(value, out),
                _ => self
                    .ip(value, out)
                    .or_else(|_| self.date(value, out))
                    .or_else(|_| self.number(value, out))
                    .map_err(|_| RedactError::Shape {
                        expected: "IP address, date or number",
                    }),
            },
        }
    }

    fn ip(&self, value: &str, out: &mut String) -> Result<(), RedactError> {
        use std::fmt::Write;
        let ip: IpAddr = value.parse().map_err(|_| RedactError::Shape {
            expected: "IPv4 or IPv6 address",
        })?;
        match ip {
            IpAddr::V4(a) => {
                let p = u32::from(self.config.ipv4_prefix);
                let mask = if p == 0 { 0 } else { u32::MAX << (32 - p) };
                let _ = write!(out, "{}/{p}", Ipv4Addr::from(u32::from(a) & mask));
            }
            IpAddr::V6(a) => {
                let p = u32::from(self.config.ipv6_prefix);
                let mask = if p == 0 { 0 } else { u128::MAX << (128 - p) };
                let _ = write!(out, "{}/{p}", Ipv6Addr::from(u128::from(a) & mask));
            }
        }
        Ok(())
    }

    fn date(&self, value: &str, out: &mut String) -> Result<(), RedactError> {
        let opts = ParseOptions {
            day_first: self.config.day_first,
        };
        let d = date::parse(value, opts).ok_or(RedactError::Shape { expected: "date" })?;
        match (self.config.date, d.precision) {
            (DateGranularity::Year, _) => d.render_year(out),
            (DateGranularity::Month, Precision::Day) => d.render_month(out),
            // Already no finer than asked: writing it again would leave it.
            (DateGranularity::Month, Precision::Month) => {
                return Err(RedactError::Shape {
                    expected: "date finer than a month",
                });
            }
        }
        Ok(())
    }

    fn number(&self, value: &str, out: &mut String) -> Result<(), RedactError> {
        use std::fmt::Write;
        let t = value.trim();
        let (int_part, frac) = match t.split_once('.') {
            Some((i, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (i, f),
            _ => (t, ""),
        };
        let v: i64 = int_part
            .parse()
            .map_err(|_| RedactError::Shape { expected: "number" })?;
        // Floor: a negative number with a fraction lies one lower (-0.5 is in [-1, 0)).
        let negative_fraction = t.starts_with('-') && frac.bytes().any(|b| b != b'0');
        let v = if negative_fraction {
            v.saturating_sub(1)
        } else {
            v
        };
        let b = &self.config.buckets;
        if b.is_empty() {
            let size = self.config.bucket_size as i64;
            let lo = v.div_euclid(size).saturating_mul(size);
            let hi = lo.saturating_add(size - 1);
            let _ = write!(out, "{lo}-{hi}");
        } else {
            let i = b.partition_point(|&x| x <= v);
            match (i.checked_sub(1).and_then(|j| b.get(j)), b.get(i)) {
                (None, Some(first)) => {
                    let _ = write!(out, "<{first}");
                }
                (Some(lo), Some(next)) => {
                    let _ = write!(out, "{lo}-{}", next - 1);
                }
                (Some(last), None) => {
                    let _ = write!(out, "{last}+");
                }
                (None, None) => return Err(RedactError::Shape { expected: "number" }),
            }
        }
        Ok(())
    }

    fn postal(&self, value: &str, out: &mut String) -> Result<(), RedactError> {
        let alnum = value.chars().filter(|c| c.is_alphanumeric()).count();
        if alnum <= self.config.postal_keep || alnum > 12 {
            return Err(RedactError::Shape {
                expected: "postal code longer than the kept prefix",
            });
        }
        let mut seen = 0;
        for c in value.chars() {
            if c.is_alphanumeric() {
                seen += 1;
                out.push(if seen <= self.config.postal_keep {
                    c
                } else {
                    '*'
                });
            } else {
                out.push(c);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generalized(c: GeneralizeConfig, v: &str, e: Entity) -> Result<String, RedactError> {
        let keys = crate::operator::test_support::keys();
        let g = c.build(&BuildContext::new(&keys)).unwrap();
        let mut out = String::new();
        g.try_apply(v, &e, &mut out).map(|()| out)
    }

    fn ok(c: GeneralizeConfig, v: &str, e: Entity) -> String {
        generalized(c, v, e).unwrap()
    }

    #[test]
    fn ip_prefixes() {
        let d = GeneralizeConfig::default;
        assert_eq!(
            ok(d(), "194.143.42.178", Entity::IP_ADDRESS),
            "194.143.42.0/24"
        );
        assert_eq!(
            ok(
                d(),
                "2c20:0a05:13cf:41e1:e40d:b10b:6e09:b41f",
                Entity::IP_ADDRESS
            ),
            "2c20:a05:13cf::/48"
        );
        let c = GeneralizeConfig {
            ipv4_prefix: 16,
            ipv6_prefix: 64,
            ..d()
        };
        assert_eq!(
            ok(c.clone(), "10.212.219.31", Entity::IP_ADDRESS),
            "10.212.0.0/16"
        );
        assert_eq!(ok(c, "fe80::1:2:3:4", Entity::IP_ADDRESS), "fe80::/64");
        let z = GeneralizeConfig {
            ipv4_prefix: 0,
            ..d()
        };
        assert_eq!(ok(z, "1.2.3.4", Entity::IP_ADDRESS), "0.0.0.0/0");
        assert!(generalized(d(), "4.18.2", Entity::IP_ADDRESS).is_err());
        assert!(generalized(d(), "1.2.3.4:80", Entity::IP_ADDRESS).is_err());
    }

    #[test]
    fn dates_to_year_and_month() {
        let d = GeneralizeConfig::default;
        assert_eq!(ok(d(), "October 22, 2025", Entity::DATE_TIME), "2025");
        assert_eq!(ok(d(), "13/10/2024", Entity::DATE_TIME), "2024");
        let m = GeneralizeConfig {
            date: DateGranularity::Month,
            ..d()
        };
        assert_eq!(
            ok(m.clone(), "October 22, 2025", Entity::DATE_TIME),
            "October 2025"
        );
        assert_eq!(
            ok(m.clone(), "2019-06-30T10:00:00Z", Entity::DATE_TIME),
            "2019-06"
        );
        assert_eq!(ok(m.clone(), "06/03/2015", Entity::DATE_TIME), "06/2015");
        let dm = GeneralizeConfig {
            day_first: true,
            ..m.clone()
        };
        assert_eq!(ok(dm, "06/03/2015", Entity::DATE_TIME), "03/2015");
        assert!(generalized(m, "October 2025", Entity::DATE_TIME).is_err());
        assert_eq!(ok(d(), "October 2025", Entity::DATE_TIME), "2025");
        assert!(generalized(d(), "yesterday", Entity::DATE_TIME).is_err());
    }

    #[test]
    fn numbers_to_buckets() {
        let c = GeneralizeConfig {
            kind: GeneralizeKind::Number,
            ..Default::default()
        };
        assert_eq!(ok(c.clone(), "42", Entity::new("AGE")), "40-49");
        assert_eq!(ok(c.clone(), "40", Entity::new("AGE")), "40-49");
        assert_eq!(ok(c.clone(), "42.7", Entity::new("AGE")), "40-49");
        assert_eq!(ok(c.clone(), "-3", Entity::new("AGE")), "-10--1");
        assert_eq!(ok(c.clone(), "-0.5", Entity::new("AGE")), "-10--1");
        assert_eq!(ok(c.clone(), "-10.0", Entity::new("AGE")), "-10--1");
        assert!(generalized(c.clone(), "4x", Entity::new("AGE")).is_err());
        assert!(generalized(c.clone(), "", Entity::new("AGE")).is_err());
        let b = GeneralizeConfig {
            buckets: vec![18, 30, 45, 65],
            ..c
        };
        assert_eq!(ok(b.clone(), "17", Entity::new("AGE")), "<18");
        assert_eq!(ok(b.clone(), "18", Entity::new("AGE")), "18-29");
        assert_eq!(ok(b.clone(), "64", Entity::new("AGE")), "45-64");
        assert_eq!(ok(b, "90", Entity::new("AGE")), "65+");
    }

    #[test]
    fn postal_codes_to_prefix() {
        let c = GeneralizeConfig {
            kind: GeneralizeKind::PostalCode,
            ..Default::default()
        };
        assert_eq!(ok(c.clone(), "41418", Entity::LOCATION), "414**");
        assert_eq!(ok(c.clone(), "SW1A 1AA", Entity::LOCATION), "SW1* ***");
        assert!(generalized(c, "123", Entity::LOCATION).is_err());
    }

    #[test]
    fn auto_tries_ip_date_number() {
        let d = GeneralizeConfig::default;
        assert_eq!(ok(d(), "10.0.0.7", Entity::new("HOST")), "10.0.0.0/24");
        assert_eq!(ok(d(), "2020-01-02", Entity::new("VISIT")), "2020");
        assert_eq!(ok(d(), "37", Entity::new("AGE")), "30-39");
        assert!(generalized(d(), "Zoë", Entity::new("X")).is_err());
    }

    #[test]
    fn bad_options() {
        let keys = crate::operator::test_support::keys();
        let cx = BuildContext::new(&keys);
        for c in [
            GeneralizeConfig {
                ipv4_prefix: 32,
                ..Default::default()
            },
            GeneralizeConfig {
                ipv6_prefix: 128,
                ..Default::default()
            },
            GeneralizeConfig {
                bucket_size: 0,
                ..Default::default()
            },
            GeneralizeConfig {
                buckets: vec![3, 3],
                ..Default::default()
            },
            GeneralizeConfig {
                postal_keep: 0,
                ..Default::default()
            },
        ] {
            assert!(c.build(&cx).is_err(), "{c:?}");
        }
    }
}
