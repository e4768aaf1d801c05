//! Python's `str()` of JSON values, and bittensor's body hash built on it.
//!
//! bittensor 10.5.0 hashes each field named in a synapse's `required_hash_fields` as
//! `sha3_256(str(model_dump()[field]))`: the text is Python's rendering of the value, not JSON.
//! A list is `[1, 2]`, a dict `{'a': 1.0}`, a string inside a container is quoted with `'`, `None`,
//! `True` and `False` are spelled as Python spells them, and floats use Python's shortest `repr`
//! (`1e-05`, `1e+16`, `0.1`). This module renders a [`serde_json::Value`] the same way, so our
//! dendrite and axon agree byte for byte with bittensor's. Values that JSON cannot tell apart
//! (a Python tuple arrives as a list) are rendered as their JSON form, as the receiving side of
//! bittensor also sees them after parsing.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use sha3::{Digest, Sha3_256};

/// A JSON value that keeps its objects' key order, as Python's `dict` does. `serde_json::Map`
/// sorts keys, and `str()` of a dict renders keys in arrival order, so hashing what a Python
/// dendrite sent needs the order of the bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderedValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, integer or float as written.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<OrderedValue>),
    /// An object, keys in arrival order.
    Object(Vec<(String, OrderedValue)>),
}

impl From<&Value> for OrderedValue {
    fn from(v: &Value) -> Self {
        match v {
            Value::Null => OrderedValue::Null,
            Value::Bool(b) => OrderedValue::Bool(*b),
            Value::Number(n) => OrderedValue::Number(n.clone()),
            Value::String(s) => OrderedValue::String(s.clone()),
            Value::Array(a) => OrderedValue::Array(a.iter().map(OrderedValue::from).collect()),
            Value::Object(m) => {
                OrderedValue::Object(m.iter().map(|(k, v)| (k.clone(), v.into())).collect())
            }
        }
    }
}

impl<'de> Deserialize<'de> for OrderedValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<OrderedValue, E> {
                Ok(OrderedValue::Null)
            }
            fn visit_none<E>(self) -> Result<OrderedValue, E> {
                Ok(OrderedValue::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<OrderedValue, E> {
                Ok(OrderedValue::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<OrderedValue, E> {
                Ok(OrderedValue::Number(i.into()))
            }
            fn visit_u64<E>(self, u: u64) -> Result<OrderedValue, E> {
                Ok(OrderedValue::Number(u.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<OrderedValue, E> {
                Number::from_f64(f)
                    .map(OrderedValue::Number)
                    .ok_or_else(|| E::custom("a non-finite float"))
            }
            fn visit_str<E>(self, s: &str) -> Result<OrderedValue, E> {
                Ok(OrderedValue::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<OrderedValue, E> {
                Ok(OrderedValue::String(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OrderedValue, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(OrderedValue::Array(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedValue, A::Error> {
                let mut out: Vec<(String, OrderedValue)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, OrderedValue>()? {
                    // A repeated key keeps its first position and its last value, as Python's json.
                    if let Some(slot) = out.iter_mut().find(|(key, _)| *key == k) {
                        slot.1 = v;
                    } else {
                        out.push((k, v));
                    }
                }
                Ok(OrderedValue::Object(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// `str(value)` as Python prints it: a top-level string is itself, everything else is `repr`.
pub fn py_str(value: &Value) -> String {
    py_str_ordered(&OrderedValue::from(value))
}

/// [`py_str`] of an order-keeping value.
pub fn py_str_ordered(value: &OrderedValue) -> String {
    match value {
        OrderedValue::String(s) => s.clone(),
        other => {
            let mut out = String::new();
            py_repr_into(other, &mut out);
            out
        }
    }
}

fn py_repr_into(value: &OrderedValue, out: &mut String) {
    match value {
        OrderedValue::Null => out.push_str("None"),
        OrderedValue::Bool(true) => out.push_str("True"),
        OrderedValue::Bool(false) => out.push_str("False"),
        OrderedValue::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else if let Some(f) = n.as_f64() {
                out.push_str(&py_float_repr(f));
            }
        }
        OrderedValue::String(s) => py_str_repr_into(s, out),
        OrderedValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_repr_into(item, out);
            }
            out.push(']');
        }
        OrderedValue::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_str_repr_into(k, out);
                out.push_str(": ");
                py_repr_into(v, out);
            }
            out.push('}');
        }
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in `-4..16` and in scientific notation (`1.5e-05`, `1e+16`) otherwise.
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's `{:e}` gives the same shortest round-trip digits as Python's repr.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = usize::try_from(exp).unwrap_or(0).saturating_add(1);
            let mut int_part: String = digits.chars().take(int_len).collect();
            while int_part.len() < int_len {
                int_part.push('0');
            }
            let frac: String = digits.chars().skip(int_len).collect();
            let frac = if frac.is_empty() {
                "0".to_string()
            } else {
                frac
            };
            format!("{sign}{int_part}.{frac}")
        } else {
            let zeros = "0".repeat(usize::try_from(-exp - 1).unwrap_or(0));
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{esign}{:02}", exp.unsigned_abs())
    }
}

/// Python's `repr(str)`: single quotes unless the text holds `'` and no `"`; backslash escapes for
/// the quote, `\\`, `\n`, `\r`, `\t` and for characters Python does not print.
fn py_str_repr_into(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !is_py_printable(c) => {
                let code = u32::from(c);
                if code < 0x100 {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// An approximation of Python's `str.isprintable` for one character: control characters and
/// separators other than the ASCII space are not printable, nor are the common format characters.
fn is_py_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() {
        return false;
    }
    let code = u32::from(c);
    // Zs/Zl/Zp separators, soft hyphen and zero-width/bidi format characters (Cf).
    !(c.is_whitespace()
        || code == 0xad
        || (0x200b..=0x200f).contains(&code)
        || (0x202a..=0x202e).contains(&code)
        || (0x2060..=0x2064).contains(&code)
        || code == 0xfeff)
}

/// Hex SHA3-256 of UTF-8 text, as bittensor's `get_hash`.
pub fn sha3_hex(text: &str) -> String {
    hex::encode(Sha3_256::digest(text.as_bytes()))
}

/// bittensor's `Synapse.body_hash` over a synapse's full JSON dump: the SHA3-256 of the
/// concatenated hex SHA3-256 of `str(field)` for each field in `required_hash_fields`, in that
/// order. A field missing from the dump hashes as `None`.
pub fn body_hash<S: AsRef<str>>(dump: &Map<String, Value>, required_hash_fields: &[S]) -> String {
    let mut joined = String::new();
    for field in required_hash_fields {
        let value = dump.get(field.as_ref()).unwrap_or(&Value::Null);
        joined.push_str(&sha3_hex(&py_str(value)));
    }
    sha3_hex(&joined)
}

/// [`body_hash`] of a JSON object as its bytes spell it: nested dicts hash in their written key
/// order, which is what the sender hashed. Bytes that are not a JSON object give `None`.
pub fn body_hash_of_json<S: AsRef<str>>(
    bytes: &[u8],
    required_hash_fields: &[S],
) -> Option<String> {
    let OrderedValue::Object(entries) = serde_json::from_slice::<OrderedValue>(bytes).ok()? else {
        return None;
    };
    let mut joined = String::new();
    for field in required_hash_fields {
        let value = entries
            .iter()
            .find(|(k, _)| k == field.as_ref())
            .map(|(_, v)| v)
            .unwrap_or(&OrderedValue::Null);
        joined.push_str(&sha3_hex(&py_str_ordered(value)));
    }
    Some(sha3_hex(&joined))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_render_as_python_repr() {
        for (f, s) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (123456789012345.6, "123456789012345.6"),
            (1e22, "1e+22"),
            (0.0, "0.0"),
        ] {
            assert_eq!(py_float_repr(f), s, "{f}");
        }
    }

    #[test]
    fn containers_render_as_python_str() {
        let v = json!({"a": [1, 2.0, "x'y", null, true], "b": {"c": "d\n"}});
        assert_eq!(
            py_str(&v),
            "{'a': [1, 2.0, \"x'y\", None, True], 'b': {'c': 'd\\n'}}"
        );
        assert_eq!(py_str(&json!("plain")), "plain");
        assert_eq!(py_str(&json!("é\u{7f}")), "é\u{7f}");
        assert_eq!(py_str(&json!(["é\u{7f}"])), "['é\\x7f']");
    }

    /// Expected texts and hashes printed by Python 3.11 (`str(v)`, `sha3_256(str(v))`).
    #[test]
    fn matches_python_on_tricky_values() {
        let cases = [
            (
                r#"[1.0, 1e-05, 1e16, -0.0, 123456.789]"#,
                "[1.0, 1e-05, 1e+16, -0.0, 123456.789]",
                "de7b6273acc01346faea2d99c96cb0ff9f1c7f9b619638bb7380814a63efe3ce",
            ),
            (
                r#"{"a": "it's", "b": "say \"hi\"", "c": "both ' \"", "d": null, "e": true}"#,
                r#"{'a': "it's", 'b': 'say "hi"', 'c': 'both \' "', 'd': None, 'e': True}"#,
                "cdab775657f5ef4e2d1dd246ef6a3a64910384c8eb145853884021648812b92a",
            ),
            (
                "\"plain text\"",
                "plain text",
                "3ecb2d5f5d7342c781f53cc7fde31df405d2d67bad1843a8f0edfb64fb1ffc95",
            ),
            (
                r#"["tab\tnew\nline\\", "é ü \u00a0 \u007f"]"#,
                r"['tab\tnew\nline\\', 'é ü \xa0 \x7f']",
                "c66593590c5ec9091f89f56d490121448c712870cf96c35365e1875014962b4b",
            ),
            (
                "42",
                "42",
                "4e169ddf479c8cd9b4c45e0284181730cb42df3a8be892a7f379bd690db1eafa",
            ),
            (
                r#"{"nested": [{"x": 1.5e300}]}"#,
                "{'nested': [{'x': 1.5e+300}]}",
                "63f9c454a28a62deae35c52158688669a100152939bf96de27dac8401985fd74",
            ),
        ];
        for (json_text, text, hash) in cases {
            let v: OrderedValue = serde_json::from_str(json_text).unwrap();
            assert_eq!(py_str_ordered(&v), text, "{json_text}");
            assert_eq!(sha3_hex(&py_str_ordered(&v)), hash, "{json_text}");
        }
    }

    #[test]
    fn nested_dicts_hash_in_written_order() {
        let a = br#"{"m": {"z": 1, "a": 2}}"#;
        let b = br#"{"m": {"a": 2, "z": 1}}"#;
        assert_ne!(body_hash_of_json(a, &["m"]), body_hash_of_json(b, &["m"]));
        assert_eq!(
            body_hash_of_json(a, &["m"]),
            Some(sha3_hex(&sha3_hex("{'z': 1, 'a': 2}")))
        );
        assert_eq!(body_hash_of_json(b"[1]", &["m"]), None);
    }

    #[test]
    fn empty_hash_is_sha3_of_empty_text() {
        let none: [&str; 0] = [];
        assert_eq!(
            body_hash(&Map::new(), &none),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        );
    }
}
