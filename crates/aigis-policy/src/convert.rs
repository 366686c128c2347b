//! Conversion between `serde_json` values (what loaders and reports use)
//! and regorus values (what the engines evaluate).
//!
//! Every decision converts its input in and its result out, so both
//! directions walk the tree directly instead of going through serde's
//! data model: no copy of the JSON input, no per-entry serde calls. The
//! values produced equal those of regorus' serde conversions
//! (`regorus::Value::from(serde_json::Value)` and
//! `serde_json::to_value(&regorus::Value)`); the rare shapes where those
//! do something special (numbers, non-string object keys, serde_json's
//! private number marker) are handed to them, and the tests below compare
//! the two paths.

use std::collections::BTreeMap;

use regorus::Value as RegoValue;
use serde_json::Value as Json;

/// The key serde_json uses for numbers kept as text; regorus reads an
/// object whose first entry has this key as that number.
const SERDE_NUMBER_KEY: &str = "$serde_json::private::Number";

/// `json` as a regorus value; `Undefined` when regorus' own conversion
/// would give that (a number it cannot represent).
pub(crate) fn to_regorus(json: &Json) -> RegoValue {
    value_in(json).unwrap_or(RegoValue::Undefined)
}

fn value_in(json: &Json) -> Option<RegoValue> {
    Some(match json {
        Json::Null => RegoValue::Null,
        Json::Bool(b) => RegoValue::Bool(*b),
        Json::String(s) => RegoValue::from(s.as_str()),
        Json::Number(_) => defined(RegoValue::from(json.clone()))?,
        Json::Array(items) => {
            RegoValue::from(items.iter().map(value_in).collect::<Option<Vec<_>>>()?)
        }
        Json::Object(map) => {
            if map.is_empty() {
                return Some(RegoValue::new_object());
            }
            if map.keys().next().is_some_and(|k| k == SERDE_NUMBER_KEY) {
                return defined(RegoValue::from(json.clone()));
            }
            // Collected, not inserted one by one: the map is built in bulk
            // from the (already sorted) entries.
            let fields = map
                .iter()
                .map(|(k, v)| Some((RegoValue::from(k.as_str()), value_in(v)?)))
                .collect::<Option<BTreeMap<_, _>>>()?;
            RegoValue::from(fields)
        }
    })
}

fn defined(value: RegoValue) -> Option<RegoValue> {
    (value != RegoValue::Undefined).then_some(value)
}

/// Every integer below this is a float printed exactly (2^53).
const EXACT_FLOAT_INTEGERS: u64 = 1 << 53;

/// `value` as JSON, as `serde_json::to_value` gives it: sets become
/// arrays in sorted order, objects have their keys sorted.
pub(crate) fn to_json(value: &RegoValue) -> Result<Json, serde_json::Error> {
    Ok(match value {
        RegoValue::Null => Json::Null,
        RegoValue::Bool(b) => Json::Bool(*b),
        RegoValue::String(s) => Json::String(s.to_string()),
        RegoValue::Array(items) => {
            Json::Array(items.iter().map(to_json).collect::<Result<_, _>>()?)
        }
        RegoValue::Set(items) => {
            Json::Array(items.iter_sorted().map(to_json).collect::<Result<_, _>>()?)
        }
        RegoValue::Object(fields) => {
            let mut out = serde_json::Map::new();
            for (k, v) in fields.iter_sorted() {
                let RegoValue::String(key) = k else {
                    // Non-string keys are written as their JSON text.
                    return serde_json::to_value(value);
                };
                out.insert(key.to_string(), to_json(v)?);
            }
            Json::Object(out)
        }
        // regorus writes a number as its decimal text read back by
        // serde_json. Below 2^53 that text is the integer itself, even for
        // an integral float; a negative zero keeps its sign and larger
        // floats print rounded digits, so those are left to regorus.
        RegoValue::Number(n) => match n.as_u64() {
            Some(u) if u < EXACT_FLOAT_INTEGERS && n.is_positive() => Json::from(u),
            _ => serde_json::to_value(value)?,
        },
        RegoValue::Undefined => serde_json::to_value(value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn json_value() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            (-1e300f64..1e300).prop_map(|f| json!(f)),
            (-1e6f64..1e20).prop_map(|f| json!(f.trunc())),
            "[a-z$:_ é]{0,8}".prop_map(Json::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
                prop::collection::btree_map("[a-z$]{0,4}", inner, 0..6)
                    .prop_map(|m| Json::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Both directions equal regorus' serde conversions.
        #[test]
        fn equals_serde_conversions(json in json_value()) {
            let ours = to_regorus(&json);
            let theirs = RegoValue::from(json.clone());
            prop_assert_eq!(&ours, &theirs);
            prop_assert_eq!(to_json(&ours).ok(), serde_json::to_value(&theirs).ok());
        }
    }

    #[test]
    fn special_shapes_follow_regorus() {
        for json in [
            json!({}),
            json!([]),
            json!({"$serde_json::private::Number": "12"}),
            json!({"$serde_json::private::Number": "x"}),
            json!({"a": {"$serde_json::private::Number": 1, "b": 2}}),
            json!(1.5),
            json!(-3),
            json!(u64::MAX),
        ] {
            assert_eq!(to_regorus(&json), RegoValue::from(json.clone()), "{json}");
        }
    }

    #[test]
    fn sets_and_odd_keys_serialize_like_serde() {
        let mut set = std::collections::BTreeSet::new();
        set.insert(RegoValue::from("b"));
        set.insert(RegoValue::from(json!({"k": [1, 2.5, null]})));
        set.insert(RegoValue::from(json!(3)));
        let mut odd = BTreeMap::new();
        odd.insert(RegoValue::from(json!(1)), RegoValue::from("one"));
        odd.insert(RegoValue::from("x"), RegoValue::from(set.clone()));
        for value in [
            RegoValue::from(set),
            RegoValue::from(odd),
            RegoValue::Undefined,
            RegoValue::new_set(),
            RegoValue::from(0u64),
            RegoValue::from(7i64),
            RegoValue::from(-7i64),
            RegoValue::from(u64::MAX),
            RegoValue::from(json!(5.0)),
            RegoValue::from(json!(-0.0)),
            RegoValue::from(json!(0.0)),
            RegoValue::from(json!(1e19)),
            RegoValue::from(json!(7.294730926647747e17)),
            RegoValue::from(json!(9007199254740991.0)),
            RegoValue::from(json!(9007199254740992.0)),
            RegoValue::from(json!(1e300)),
            RegoValue::from(json!(2.5)),
            RegoValue::from(
                json!({"$serde_json::private::Number": "123456789012345678901234567890"}),
            ),
        ] {
            assert_eq!(
                to_json(&value).ok(),
                serde_json::to_value(&value).ok(),
                "{value:?}"
            );
        }
    }
}
