//! OPA builtins that regorus 0.14 lacks or gets wrong, added as regorus
//! extensions so policies written for OPA run unchanged and give OPA's
//! results:
//!
//! - `crypto.md5`, `crypto.sha1`, `crypto.sha256` (hex of the digest);
//!   `crypto.hmac.md5|sha1|sha256|sha512(x, key)` (hex);
//!   `crypto.hmac.equal(a, b)` (constant time);
//! - `net.cidr_intersects`, `net.cidr_contains_matches`, `net.cidr_merge`;
//! - `regex.find_all_string_submatch_n`;
//! - `io.jwt.decode`, `io.jwt.verify_hs256|hs384|hs512`;
//! - `time.add_date` (regorus fails on day overflow such as Feb 29 + 1
//!   year; Go, and so OPA, normalises it to Mar 1);
//! - `net.cidr_expand`, bounded: a network of more than
//!   [`MAX_CIDR_EXPAND`] addresses is an error instead of an allocation
//!   that runs the machine out of memory before any limit can look;
//! - `semver.is_valid` and `semver.compare` with OPA's lenient parsing
//!   (see [`crate::semver`]);
//! - `trace(note)`, which is `true` in OPA (the note goes to the trace).
//!
//! Like OPA's builtins with strict errors off, a bad argument makes the
//! call undefined rather than failing the query.

use std::collections::BTreeSet;
use std::net::IpAddr;

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use hmac::digest::{Digest, block_api::BlockSizeUser};
use hmac::{KeyInit, Mac, SimpleHmac};
use ipnet::IpNet;
use regorus::Value;
use subtle::ConstantTimeEq as _;

type Ext = Box<dyn regorus::Extension>;

/// Most addresses `net.cidr_expand` produces (a /10 in IPv4).
pub const MAX_CIDR_EXPAND: u128 = 1 << 22;

/// Registers every compatibility builtin on the engine.
pub(crate) fn register(engine: &mut regorus::Engine) -> anyhow::Result<()> {
    let add = |engine: &mut regorus::Engine, name: &str, nargs: u8, f: Ext| {
        engine.add_extension(name.to_string(), nargs, f)
    };
    add(
        engine,
        "crypto.md5",
        1,
        hash_fn(|b| HEXLOWER.encode(&md5::Md5::digest(b))),
    )?;
    add(
        engine,
        "crypto.sha1",
        1,
        hash_fn(|b| HEXLOWER.encode(&sha1::Sha1::digest(b))),
    )?;
    add(
        engine,
        "crypto.sha256",
        1,
        hash_fn(|b| HEXLOWER.encode(&sha2::Sha256::digest(b))),
    )?;
    add(engine, "crypto.hmac.md5", 2, hmac_fn(hmac_hex::<md5::Md5>))?;
    add(
        engine,
        "crypto.hmac.sha1",
        2,
        hmac_fn(hmac_hex::<sha1::Sha1>),
    )?;
    add(
        engine,
        "crypto.hmac.sha256",
        2,
        hmac_fn(hmac_hex::<sha2::Sha256>),
    )?;
    add(
        engine,
        "crypto.hmac.sha512",
        2,
        hmac_fn(hmac_hex::<sha2::Sha512>),
    )?;
    add(
        engine,
        "crypto.hmac.equal",
        2,
        Box::new(|args: Vec<Value>| {
            Ok(match (str_arg(&args, 0), str_arg(&args, 1)) {
                (Some(a), Some(b)) => Value::Bool(bool::from(a.as_bytes().ct_eq(b.as_bytes()))),
                _ => Value::Undefined,
            })
        }),
    )?;
    add(
        engine,
        "net.cidr_intersects",
        2,
        Box::new(|args: Vec<Value>| {
            Ok(match (net_arg(&args, 0), net_arg(&args, 1)) {
                (Some(a), Some(b)) => {
                    Value::Bool(a.contains(&b.network()) || b.contains(&a.network()))
                }
                _ => Value::Undefined,
            })
        }),
    )?;
    add(
        engine,
        "net.cidr_contains_matches",
        2,
        Box::new(|args: Vec<Value>| Ok(cidr_contains_matches(&args))),
    )?;
    add(
        engine,
        "net.cidr_merge",
        1,
        Box::new(|args: Vec<Value>| Ok(cidr_merge(&args))),
    )?;
    add(
        engine,
        "regex.find_all_string_submatch_n",
        3,
        Box::new(|args: Vec<Value>| Ok(find_all_submatch(&args))),
    )?;
    add(
        engine,
        "io.jwt.decode",
        1,
        Box::new(|args: Vec<Value>| Ok(jwt_decode(&args))),
    )?;
    add(
        engine,
        "io.jwt.verify_hs256",
        2,
        jwt_verify_fn(hmac_raw::<sha2::Sha256>),
    )?;
    add(
        engine,
        "io.jwt.verify_hs384",
        2,
        jwt_verify_fn(hmac_raw::<sha2::Sha384>),
    )?;
    add(
        engine,
        "io.jwt.verify_hs512",
        2,
        jwt_verify_fn(hmac_raw::<sha2::Sha512>),
    )?;
    add(
        engine,
        "time.add_date",
        4,
        Box::new(|args: Vec<Value>| Ok(add_date(&args))),
    )?;
    add(
        engine,
        "net.cidr_expand",
        1,
        Box::new(|args: Vec<Value>| cidr_expand(&args)),
    )?;
    add(
        engine,
        "semver.is_valid",
        1,
        Box::new(|args: Vec<Value>| Ok(crate::semver::is_valid(&args))),
    )?;
    add(
        engine,
        "semver.compare",
        2,
        Box::new(|args: Vec<Value>| Ok(crate::semver::compare_values(&args))),
    )?;
    add(
        engine,
        "trace",
        1,
        Box::new(|args: Vec<Value>| {
            Ok(str_arg(&args, 0).map_or(Value::Undefined, |_| Value::Bool(true)))
        }),
    )?;
    Ok(())
}

fn str_arg(args: &[Value], i: usize) -> Option<&str> {
    match args.get(i) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn int_arg(args: &[Value], i: usize) -> Option<i64> {
    match args.get(i) {
        Some(v @ Value::Number(_)) => v.as_i64().ok(),
        _ => None,
    }
}

fn hash_fn(f: fn(&[u8]) -> String) -> Ext {
    Box::new(move |args: Vec<Value>| {
        Ok(str_arg(&args, 0).map_or(Value::Undefined, |s| Value::from(f(s.as_bytes()))))
    })
}

fn hmac_raw<D: Digest + BlockSizeUser + Clone>(key: &[u8], msg: &[u8]) -> Option<Vec<u8>> {
    let mut mac = <SimpleHmac<D> as KeyInit>::new_from_slice(key).ok()?;
    mac.update(msg);
    Some(mac.finalize().into_bytes().to_vec())
}

fn hmac_hex<D: Digest + BlockSizeUser + Clone>(key: &[u8], msg: &[u8]) -> Option<Vec<u8>> {
    hmac_raw::<D>(key, msg)
}

fn hmac_fn(f: fn(&[u8], &[u8]) -> Option<Vec<u8>>) -> Ext {
    Box::new(move |args: Vec<Value>| {
        Ok(match (str_arg(&args, 0), str_arg(&args, 1)) {
            (Some(x), Some(key)) => f(key.as_bytes(), x.as_bytes())
                .map_or(Value::Undefined, |mac| Value::from(HEXLOWER.encode(&mac))),
            _ => Value::Undefined,
        })
    })
}

/// A CIDR, or a single address as a /32 or /128.
fn parse_net(s: &str) -> Option<IpNet> {
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}

fn net_arg(args: &[Value], i: usize) -> Option<IpNet> {
    str_arg(args, i).and_then(parse_net)
}

/// (key, network) pairs of a `net.cidr_contains_matches` operand: a string
/// is its own key; arrays give indices, objects keys, sets the elements;
/// an element is a CIDR string or an array whose first item is one.
fn keyed_nets(v: &Value) -> Option<Vec<(Value, IpNet)>> {
    let elem = |e: &Value| -> Option<IpNet> {
        match e {
            Value::String(s) => parse_net(s),
            Value::Array(a) => match a.first() {
                Some(Value::String(s)) => parse_net(s),
                _ => None,
            },
            _ => None,
        }
    };
    Some(match v {
        Value::String(s) => vec![(v.clone(), parse_net(s)?)],
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, e)| Some((Value::from(i as u64), elem(e)?)))
            .collect::<Option<Vec<_>>>()?,
        Value::Set(s) => s
            .iter()
            .map(|e| Some((e.clone(), elem(e)?)))
            .collect::<Option<Vec<_>>>()?,
        Value::Object(o) => o
            .iter()
            .map(|(k, e)| Some((k.clone(), elem(e)?)))
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    })
}

fn cidr_contains_matches(args: &[Value]) -> Value {
    let (Some(cidrs), Some(items)) = (
        args.first().and_then(keyed_nets),
        args.get(1).and_then(keyed_nets),
    ) else {
        return Value::Undefined;
    };
    let mut out = BTreeSet::new();
    for (k1, net) in &cidrs {
        for (k2, item) in &items {
            if net.contains(item) {
                out.insert(Value::from(vec![k1.clone(), k2.clone()]));
            }
        }
    }
    Value::from(out)
}

fn cidr_merge(args: &[Value]) -> Value {
    let items: Vec<&Value> = match args.first() {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Set(s)) => s.iter().collect(),
        _ => return Value::Undefined,
    };
    let mut nets = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) => match parse_net(s) {
                Some(n) => nets.push(n.trunc()),
                None => return Value::Undefined,
            },
            _ => return Value::Undefined,
        }
    }
    Value::from(
        IpNet::aggregate(&nets)
            .into_iter()
            .map(|n| Value::from(n.to_string()))
            .collect::<BTreeSet<_>>(),
    )
}

fn cidr_expand(args: &[Value]) -> anyhow::Result<Value> {
    let Some(net) = str_arg(args, 0).and_then(|s| s.parse::<IpNet>().ok()) else {
        return Ok(Value::Undefined);
    };
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    let count = 1u128.checked_shl(host_bits).unwrap_or(u128::MAX);
    if count > MAX_CIDR_EXPAND {
        anyhow::bail!(
            "net.cidr_expand: {net} holds {count} addresses, more than the {MAX_CIDR_EXPAND} aigis expands"
        );
    }
    let out: BTreeSet<Value> = match net.trunc() {
        IpNet::V4(n) => ipnet::Ipv4AddrRange::new(n.network(), n.broadcast())
            .map(|a| Value::from(a.to_string()))
            .collect(),
        IpNet::V6(n) => ipnet::Ipv6AddrRange::new(n.network(), n.broadcast())
            .map(|a| Value::from(a.to_string()))
            .collect(),
    };
    Ok(Value::from(out))
}

fn find_all_submatch(args: &[Value]) -> Value {
    let (Some(pattern), Some(text), Some(n)) =
        (str_arg(args, 0), str_arg(args, 1), int_arg(args, 2))
    else {
        return Value::Undefined;
    };
    let Ok(re) = regex::Regex::new(pattern) else {
        return Value::Undefined;
    };
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let matches: Vec<Value> = re
        .captures_iter(text)
        .take(limit)
        .map(|caps| {
            Value::from(
                caps.iter()
                    .map(|g| Value::from(g.map_or("", |m| m.as_str())))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    Value::from(matches)
}

/// Header, payload and signature bytes of a compact JWS.
fn jwt_parts(token: &str) -> Option<(serde_json::Value, serde_json::Value, Vec<u8>, &str)> {
    let mut it = token.split('.');
    let (h, p, s) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let decode = |part: &str| {
        BASE64URL_NOPAD
            .decode(part.trim_end_matches('=').as_bytes())
            .ok()
    };
    let header: serde_json::Value = serde_json::from_slice(&decode(h)?).ok()?;
    let payload: serde_json::Value = serde_json::from_slice(&decode(p)?).ok()?;
    let signature = decode(s)?;
    let signed = token.get(..h.len() + 1 + p.len())?;
    Some((header, payload, signature, signed))
}

fn jwt_decode(args: &[Value]) -> Value {
    match str_arg(args, 0).and_then(jwt_parts) {
        Some((header, payload, sig, _)) => Value::from(vec![
            Value::from(header),
            Value::from(payload),
            Value::from(HEXLOWER.encode(&sig)),
        ]),
        None => Value::Undefined,
    }
}

fn jwt_verify_fn(mac: fn(&[u8], &[u8]) -> Option<Vec<u8>>) -> Ext {
    Box::new(move |args: Vec<Value>| {
        let (Some(token), Some(secret)) = (str_arg(&args, 0), str_arg(&args, 1)) else {
            return Ok(Value::Undefined);
        };
        Ok(match jwt_parts(token) {
            Some((_, _, sig, signed)) => match mac(secret.as_bytes(), signed.as_bytes()) {
                Some(expected) => Value::Bool(bool::from(expected.as_slice().ct_eq(&sig))),
                None => Value::Bool(false),
            },
            None => Value::Bool(false),
        })
    })
}

const NS_PER_SEC: i128 = 1_000_000_000;
const SECS_PER_DAY: i128 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (month may be any
/// value in 1..=12; day is taken as given, so overflow normalises).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `time.add_date(ns, years, months, days)` with Go's normalisation, in UTC.
fn add_date(args: &[Value]) -> Value {
    let (Some(ns), Some(years), Some(months), Some(days)) = (
        int_arg(args, 0),
        int_arg(args, 1),
        int_arg(args, 2),
        int_arg(args, 3),
    ) else {
        return Value::Undefined;
    };
    let ns = i128::from(ns);
    let day = ns.div_euclid(NS_PER_SEC * SECS_PER_DAY);
    let within = ns.rem_euclid(NS_PER_SEC * SECS_PER_DAY);
    let Ok(day) = i64::try_from(day) else {
        return Value::Undefined;
    };
    let (y, m, d) = civil_from_days(day);
    let total_months = (y * 12 + (m - 1))
        .saturating_add(years.saturating_mul(12))
        .saturating_add(months);
    let (ny, nm) = (total_months.div_euclid(12), total_months.rem_euclid(12) + 1);
    let new_day = days_from_civil(ny, nm, 1) + (d - 1) + days;
    let out = i128::from(new_day) * NS_PER_SEC * SECS_PER_DAY + within;
    match i64::try_from(out) {
        Ok(v) => Value::from(v),
        Err(_) => Value::Undefined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-800_000, -1, 0, 1, 11_016, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z, "{z}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn add_date_normalises_like_go() {
        // 2024-02-29T10:00:00Z + 1 year = 2025-03-01T10:00:00Z
        let feb29 = Value::from(1_709_200_800_000_000_000i64);
        let got = add_date(&[feb29, Value::from(1), Value::from(0), Value::from(0)]);
        assert_eq!(got, Value::from(1_740_823_200_000_000_000i64));
        // Jan 31 + 1 month = "Feb 31" = Mar 3 (2023 is not a leap year)
        let jan31 = Value::from(1_675_123_200_000_000_000i64);
        let got = add_date(&[jan31, Value::from(0), Value::from(1), Value::from(0)]);
        assert_eq!(got, Value::from(1_677_801_600_000_000_000i64));
    }

    #[test]
    fn jwt_decode_and_verify() {
        // HS256 over header {"alg":"HS256","typ":"JWT"}, payload {"sub":"1"}, key "secret".
        let header = BASE64URL_NOPAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = BASE64URL_NOPAD.encode(br#"{"sub":"1"}"#);
        let signed = format!("{header}.{payload}");
        let sig = hmac_raw::<sha2::Sha256>(b"secret", signed.as_bytes()).unwrap();
        let token = format!("{signed}.{}", BASE64URL_NOPAD.encode(&sig));
        let decoded = jwt_decode(&[Value::from(token.as_str())]);
        assert_eq!(decoded[1]["sub"], Value::from("1"));
        let verify = jwt_verify_fn(hmac_raw::<sha2::Sha256>);
        let mut verify = verify;
        assert_eq!(
            verify(vec![Value::from(token.as_str()), Value::from("secret")]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            verify(vec![Value::from(token.as_str()), Value::from("wrong")]).unwrap(),
            Value::Bool(false)
        );
    }
}
