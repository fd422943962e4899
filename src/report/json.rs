//! JSON output: serde of the engine's result types, with every string passed through
//! `text::redact` (JSON escapes control characters itself).

use serde::Serialize;
use serde_json::Value;
use std::sync::Mutex;

/// Serialise `v` as pretty JSON with secrets redacted.
pub fn to_string<T: Serialize>(v: &T) -> String {
    to_string_noting(v, &[])
}

/// `to_string`, with `"incomplete": [{file, reason, kind}]` added to the top-level object when
/// loading dropped input (absent when nothing was dropped; a non-object is wrapped as
/// `{"answer": …, "incomplete": …}` then).
pub fn to_string_noting<T: Serialize>(v: &T, incomplete: &[crate::load::Incomplete]) -> String {
    let mut value = serde_json::to_value(v).unwrap_or(Value::Null);
    if !incomplete.is_empty() {
        let list = serde_json::to_value(incomplete).unwrap_or(Value::Null);
        match &mut value {
            Value::Object(o) => {
                o.insert("incomplete".to_string(), list);
            }
            other => {
                let answer = std::mem::take(other);
                *other = serde_json::json!({ "answer": answer, "incomplete": list });
            }
        }
    }
    redact_on_all_cores(&mut value);
    let out = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "null".into());
    // a who-can answer at tenant scale is a tree of millions of nodes: freeing it is not the
    // caller's wait (the thread is not waited for; if it cannot start, it is freed here)
    if let Err(e) = std::thread::Builder::new().spawn(move || drop(value)) {
        drop(e);
    }
    out
}

/// `redact`, with the elements of a long list (the principals of a who-can answer) split over
/// the cores.
fn redact_on_all_cores(v: &mut Value) {
    match v {
        Value::Array(a) if a.len() >= 256 => {
            let per = a.len().div_ceil(crate::par::cores().max(1));
            // each chunk with whether it is done: one whose thread cannot start is done here
            let chunks: Vec<Mutex<(&mut [Value], bool)>> =
                a.chunks_mut(per).map(|c| Mutex::new((c, false))).collect();
            std::thread::scope(|s| {
                for m in chunks.iter().skip(1) {
                    let work = move || {
                        if let Ok(mut g) = m.lock() {
                            g.0.iter_mut().for_each(redact);
                            g.1 = true;
                        }
                    };
                    let _ = std::thread::Builder::new().spawn_scoped(s, work);
                }
                redact_chunk(&chunks[0]);
            });
            chunks.iter().for_each(redact_chunk);
        }
        Value::Object(o) => o.values_mut().for_each(redact_on_all_cores),
        other => redact(other),
    }
}

fn redact_chunk(m: &Mutex<(&mut [Value], bool)>) {
    let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
    if !g.1 {
        g.0.iter_mut().for_each(redact);
        g.1 = true;
    }
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

    #[test]
    fn redacts_every_element_of_a_long_list_split_over_threads() {
        let items: Vec<serde_json::Value> = (0..1001)
            .map(|i| serde_json::json!({"path": format!("x?sig=SECRET{i}&y=1"), "i": i}))
            .collect();
        let s = super::to_string(&serde_json::json!({ "principals": items }));
        assert!(!s.contains("SECRET"), "a secret survived");
        assert_eq!(s.matches("\"i\": ").count(), 1001, "every element is kept");
    }
}
