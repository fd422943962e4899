//! JSON output: serde of the engine's result types, with every string passed through
//! `text::redact` (JSON escapes control characters itself).

use serde::Serialize;
use serde_json::Value;

/// Serialise `v` as pretty JSON with secrets redacted.
pub fn to_string<T: Serialize>(v: &T) -> String {
    let mut value = serde_json::to_value(v).unwrap_or(Value::Null);
    redact(&mut value);
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "null".into())
}

fn redact(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(r) = crate::text::redact(s) {
                *s = r;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact),
        Value::Object(o) => o.values_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_nested_strings_and_escapes_controls() {
        let v = serde_json::json!({"a": ["x?sig=SECRET123&y=1"], "n": "bell\u{7}"});
        let s = super::to_string(&v);
        assert!(!s.contains("SECRET123"), "{s}");
        assert!(s.contains("\\u0007"), "{s}");
    }
}
