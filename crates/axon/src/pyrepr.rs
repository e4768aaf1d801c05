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

use serde_json::{Map, Value};
use sha3::{Digest, Sha3_256};

/// `str(value)` as Python prints it: a top-level string is itself, everything else is `repr`.
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => {
            let mut out = String::new();
            py_repr_into(other, &mut out);
            out
        }
    }
}

fn py_repr_into(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else if let Some(f) = n.as_f64() {
                out.push_str(&py_float_repr(f));
            }
        }
        Value::String(s) => py_str_repr_into(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_repr_into(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
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

    #[test]
    fn empty_hash_is_sha3_of_empty_text() {
        let none: [&str; 0] = [];
        assert_eq!(
            body_hash(&Map::new(), &none),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        );
    }
}
