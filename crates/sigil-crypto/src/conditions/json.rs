//! An order-keeping JSON value and a writer that prints it as JavaScript's `JSON.stringify` does.
//!
//! The hash of conditions is taken over the exact text `JSON.stringify` gives, so free-form parts
//! of a condition (Solana `params`, `pdaInterface.fields`) must keep the key order a JavaScript
//! object would have, and numbers must print as JavaScript prints them. `serde_json::Value` sorts
//! keys (this workspace does not enable `preserve_order`) and prints `1.0` for a float one, so
//! this small type stands in for it.

use crate::CryptoError;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;
use std::fmt;

/// Deepest nesting of JSON arrays and objects accepted anywhere in a conditions document.
pub const MAX_JSON_DEPTH: usize = 32;

/// Most JSON values (of any kind, counted recursively) accepted in one conditions document.
pub const MAX_JSON_VALUES: usize = 50_000;

/// A JSON value whose objects keep their keys in document order.
///
/// Duplicate keys keep the position of their first occurrence and the value of their last,
/// as `JSON.parse` does.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as parsed.
    Number(serde_json::Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object, keys in document order.
    Object(Vec<(String, JsonValue)>),
}

impl JsonValue {
    /// Parses JSON text, keeping object key order. Depth is capped by serde_json (128) and then
    /// checked against [`MAX_JSON_DEPTH`] and [`MAX_JSON_VALUES`].
    pub(crate) fn parse(text: &str) -> Result<JsonValue, CryptoError> {
        Self::parse_at_depth(text, 0)
    }

    /// [`JsonValue::parse`] for text that stands at `depth` inside the document the limits are
    /// about: a conditions array parsed alone is one level inside its request body, and counts
    /// so, or the same conditions would pass alone and fail in the body.
    pub(crate) fn parse_at_depth(text: &str, depth: usize) -> Result<JsonValue, CryptoError> {
        let value: JsonValue = serde_json::from_str(text).map_err(CryptoError::Json)?;
        value.check_limits(depth)?;
        Ok(value)
    }

    /// Converts a `serde_json::Value` (whose object keys come in that map's order) standing at
    /// `depth` inside the document the limits are about (see [`JsonValue::parse_at_depth`]),
    /// refusing anything deeper or larger than the limits before recursing further.
    pub(crate) fn from_serde_at_depth(
        value: &serde_json::Value,
        depth: usize,
    ) -> Result<JsonValue, CryptoError> {
        let mut budget = MAX_JSON_VALUES;
        Self::from_serde_bounded(value, depth, &mut budget)
    }

    fn from_serde_bounded(
        value: &serde_json::Value,
        depth: usize,
        budget: &mut usize,
    ) -> Result<JsonValue, CryptoError> {
        if depth > MAX_JSON_DEPTH {
            return Err(CryptoError::NestingTooDeep {
                max: MAX_JSON_DEPTH,
            });
        }
        *budget = budget.checked_sub(1).ok_or(CryptoError::InputTooLarge {
            len: MAX_JSON_VALUES + 1,
            max: MAX_JSON_VALUES,
        })?;
        Ok(match value {
            serde_json::Value::Null => JsonValue::Null,
            serde_json::Value::Bool(b) => JsonValue::Bool(*b),
            serde_json::Value::Number(n) => JsonValue::Number(n.clone()),
            serde_json::Value::String(s) => JsonValue::String(s.clone()),
            serde_json::Value::Array(items) => JsonValue::Array(
                items
                    .iter()
                    .map(|item| Self::from_serde_bounded(item, depth + 1, budget))
                    .collect::<Result<_, _>>()?,
            ),
            serde_json::Value::Object(map) => JsonValue::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), Self::from_serde_bounded(v, depth + 1, budget)?)))
                    .collect::<Result<_, CryptoError>>()?,
            ),
        })
    }

    fn check_limits(&self, depth: usize) -> Result<(), CryptoError> {
        // Iterative walk: the value may be up to serde_json's own limit (128) deep.
        let mut stack = vec![(self, depth)];
        let mut count = 0usize;
        while let Some((value, depth)) = stack.pop() {
            if depth > MAX_JSON_DEPTH {
                return Err(CryptoError::NestingTooDeep {
                    max: MAX_JSON_DEPTH,
                });
            }
            count += 1;
            if count > MAX_JSON_VALUES {
                return Err(CryptoError::InputTooLarge {
                    len: count,
                    max: MAX_JSON_VALUES,
                });
            }
            match value {
                JsonValue::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
                JsonValue::Object(entries) => {
                    stack.extend(entries.iter().map(|(_, v)| (v, depth + 1)))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The value under `key`, if this is an object that has it.
    pub(crate) fn get(&self, key: &str) -> Option<&JsonValue> {
        match self {
            JsonValue::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text `JSON.stringify` gives for this value.
    pub fn to_js_string(&self) -> String {
        let mut out = String::new();
        self.write_js(&mut out);
        out
    }

    pub(crate) fn write_js(&self, out: &mut String) {
        match self {
            JsonValue::Null => out.push_str("null"),
            JsonValue::Bool(true) => out.push_str("true"),
            JsonValue::Bool(false) => out.push_str("false"),
            JsonValue::Number(n) => out.push_str(&js_number(n)),
            JsonValue::String(s) => write_js_string(s, out),
            JsonValue::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_js(out);
                }
                out.push(']');
            }
            JsonValue::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in js_key_order(entries).into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_js_string(key, out);
                    out.push(':');
                    value.write_js(out);
                }
                out.push('}');
            }
        }
    }

    /// The same value as a `serde_json::Value` (object keys then follow that map's order).
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            JsonValue::Null => serde_json::Value::Null,
            JsonValue::Bool(b) => serde_json::Value::Bool(*b),
            JsonValue::Number(n) => serde_json::Value::Number(n.clone()),
            JsonValue::String(s) => serde_json::Value::String(s.clone()),
            JsonValue::Array(items) => {
                serde_json::Value::Array(items.iter().map(JsonValue::to_serde).collect())
            }
            JsonValue::Object(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_serde()))
                    .collect(),
            ),
        }
    }
}

/// Writes a JSON string literal. serde_json escapes exactly as `JSON.stringify` does for any
/// Rust string: `\"`, `\\`, `\b \f \n \r \t`, other controls as lowercase `\u00xx`, all else raw.
pub(crate) fn write_js_string(s: &str, out: &mut String) {
    // Serializing a &str cannot fail.
    match serde_json::to_string(s) {
        Ok(quoted) => out.push_str(&quoted),
        Err(_) => out.push_str("\"\""),
    }
}

/// JavaScript's own-property order: array-index keys (canonical integers below 2^32 - 1)
/// ascending, then the other keys in insertion order.
fn js_key_order(entries: &[(String, JsonValue)]) -> Vec<(&str, &JsonValue)> {
    let mut indexed: Vec<(u32, &str, &JsonValue)> = Vec::new();
    let mut named: Vec<(&str, &JsonValue)> = Vec::new();
    for (key, value) in entries {
        match array_index(key) {
            Some(index) => indexed.push((index, key, value)),
            None => named.push((key, value)),
        }
    }
    indexed.sort_by_key(|(index, _, _)| *index);
    indexed
        .into_iter()
        .map(|(_, k, v)| (k, v))
        .chain(named)
        .collect()
}

fn array_index(key: &str) -> Option<u32> {
    if key.is_empty() || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = key.parse().ok()?;
    (value != u32::MAX).then_some(value)
}

/// Formats a JSON number as JavaScript does: JSON numbers are doubles there, printed with the
/// shortest round-trip digits (ECMA-262 Number::toString).
pub(crate) fn js_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(x) => js_number_f64(x),
        None => n.to_string(),
    }
}

fn js_number_f64(x: f64) -> String {
    if !x.is_finite() {
        return "null".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    if x < 0.0 {
        return format!("-{}", js_number_f64(-x));
    }
    // Rust's `{:e}` prints the shortest digits that round-trip: "d.ddde<exp>".
    let sci = format!("{x:e}");
    let Some((mantissa, exponent)) = sci.split_once('e') else {
        return sci;
    };
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let Ok(exponent) = exponent.parse::<i64>() else {
        return sci;
    };
    let k = digits.len() as i64;
    let n = exponent + 1;
    if k <= n && n <= 21 {
        let zeros = usize::try_from(n - k).unwrap_or(0);
        format!("{digits}{}", "0".repeat(zeros))
    } else if 0 < n && n <= 21 {
        let split = usize::try_from(n).unwrap_or(0);
        let (int_part, frac_part) = digits.split_at(split.min(digits.len()));
        format!("{int_part}.{frac_part}")
    } else if -6 < n && n <= 0 {
        let zeros = usize::try_from(-n).unwrap_or(0);
        format!("0.{}{digits}", "0".repeat(zeros))
    } else {
        let e = n - 1;
        let sign = if e >= 0 { '+' } else { '-' };
        let (first, rest) = digits.split_at(1.min(digits.len()));
        if rest.is_empty() {
            format!("{first}e{sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{sign}{}", e.abs())
        }
    }
}

impl<'de> Deserialize<'de> for JsonValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonValueVisitor)
    }
}

struct JsonValueVisitor;

impl<'de> Visitor<'de> for JsonValueVisitor {
    type Value = JsonValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<JsonValue, E> {
        Ok(JsonValue::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<JsonValue, E> {
        serde_json::Number::from_f64(v)
            .map(JsonValue::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<JsonValue, E> {
        Ok(JsonValue::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<JsonValue, E> {
        Ok(JsonValue::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(JsonValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonValue, A::Error> {
        let mut entries: Vec<(String, JsonValue)> = Vec::new();
        let mut positions: HashMap<String, usize> = HashMap::new();
        while let Some((key, value)) = map.next_entry::<String, JsonValue>()? {
            match positions.get(&key) {
                Some(&at) => {
                    if let Some(slot) = entries.get_mut(at) {
                        slot.1 = value;
                    }
                }
                None => {
                    positions.insert(key.clone(), entries.len());
                    entries.push((key, value));
                }
            }
        }
        Ok(JsonValue::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(text: &str) -> String {
        JsonValue::parse(text)
            .map(|v| v.to_js_string())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        assert_eq!(
            js("[0, -0, 1.0, 1.5, 100, 1e21, 1e20, 1.5e-7, 0.000001, 123456789012345680000]"),
            "[0,0,1,1.5,100,1e+21,100000000000000000000,1.5e-7,0.000001,123456789012345680000]"
        );
        assert_eq!(js("18446744073709551615"), "18446744073709552000");
        assert_eq!(js("-2.5e-10"), "-2.5e-10");
    }

    #[test]
    fn object_keys_keep_document_order_with_array_indices_first() {
        assert_eq!(
            js(r#"{"b":1,"a":2,"10":3,"2":4,"02":5}"#),
            r#"{"2":4,"10":3,"b":1,"a":2,"02":5}"#
        );
    }

    #[test]
    fn duplicate_keys_keep_first_position_and_last_value() {
        assert_eq!(js(r#"{"a":1,"b":2,"a":3}"#), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn strings_escape_as_json_stringify() {
        assert_eq!(
            js(r#""a\"b\\c\n\u0001\u007f\u2028é""#),
            "\"a\\\"b\\\\c\\n\\u0001\u{7f}\u{2028}é\""
        );
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused() {
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH + 2),
            "]".repeat(MAX_JSON_DEPTH + 2)
        );
        assert!(matches!(
            JsonValue::parse(&deep),
            Err(CryptoError::NestingTooDeep { .. })
        ));
        let value: serde_json::Value = serde_json::from_str(&deep).expect("valid json");
        assert!(matches!(
            JsonValue::from_serde_at_depth(&value, 0),
            Err(CryptoError::NestingTooDeep { .. })
        ));
    }
}
