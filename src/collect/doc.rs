//! The JSON document in what `az` printed: lines before it that are not JSON (`az ml` may print
//! "Class X: This is an experimental class…" before its JSON) are dropped; the document is kept
//! byte for byte; paged REST answers are merged into the shape of one response.

use serde_json::{Map, Value};

/// The document: its bytes as printed (from its first `{`/`[` line to its end) and its value.
pub struct Doc {
    pub bytes: Vec<u8>,
    pub value: Value,
}

/// Find and parse the JSON document in stdout.
pub fn document(stdout: &[u8]) -> Result<Doc, String> {
    let text = std::str::from_utf8(stdout).map_err(|e| format!("az printed invalid UTF-8: {e}"))?;
    let mut offset = 0;
    let mut start = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            start = Some(offset);
            break;
        }
        offset += line.len();
    }
    let Some(start) = start else {
        return Err(if text.trim().is_empty() {
            "az printed nothing".to_string()
        } else {
            "az printed no JSON".to_string()
        });
    };
    let rest = &text[start..];
    let mut it = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
    let value = match it.next() {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(format!("az printed invalid JSON: {e}")),
        None => return Err("az printed no JSON".to_string()),
    };
    let end = it.byte_offset();
    let mut bytes = rest.as_bytes()[..end].to_vec();
    bytes.push(b'\n');
    Ok(Doc { bytes, value })
}

/// How many items a document holds: a list's length, `value`'s length, or 1.
pub fn items(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.len(),
        Value::Object(o) => match o.get("value") {
            Some(Value::Array(a)) => a.len(),
            _ => 1,
        },
        _ => 1,
    }
}

/// The link to the next page: ARM `nextLink`, Graph `@odata.nextLink`.
pub fn next_link(v: &Value) -> Option<String> {
    ["nextLink", "@odata.nextLink"].iter().find_map(|k| {
        v.get(*k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

/// Pages merged into one response: the first page's keys, every page's `value` entries, no
/// next link.
pub fn merge(pages: Vec<Value>) -> Value {
    let mut first: Option<Map<String, Value>> = None;
    let mut all = Vec::new();
    for p in pages {
        let Value::Object(mut o) = p else { continue };
        if let Some(Value::Array(a)) = o.remove("value") {
            all.extend(a);
        }
        if first.is_none() {
            first = Some(o);
        }
    }
    let mut o = first.unwrap_or_default();
    o.remove("nextLink");
    o.remove("@odata.nextLink");
    o.insert("value".to_string(), Value::Array(all));
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_the_experimental_class_line_and_keeps_bytes() {
        let out = b"Class SynapseSparkCompute: This is an experimental class, and may change at any time.\n[\n  {\"name\": \"a\"}\n]\n";
        let d = document(out).unwrap();
        assert_eq!(d.bytes, b"[\n  {\"name\": \"a\"}\n]\n");
        assert_eq!(items(&d.value), 1);
    }

    #[test]
    fn nothing_or_junk_is_an_error() {
        assert_eq!(document(b"").err().unwrap(), "az printed nothing");
        assert!(document(b"[1,").err().unwrap().contains("invalid JSON"));
        assert_eq!(document(b"hello\n").err().unwrap(), "az printed no JSON");
    }

    #[test]
    fn pages_merge_into_one_response() {
        let p1 =
            serde_json::json!({"@odata.context": "c", "value": [1, 2], "@odata.nextLink": "n"});
        let p2 = serde_json::json!({"@odata.context": "c", "value": [3]});
        assert_eq!(next_link(&p1).as_deref(), Some("n"));
        assert_eq!(next_link(&p2), None);
        let m = merge(vec![p1, p2]);
        assert_eq!(
            m,
            serde_json::json!({"@odata.context": "c", "value": [1, 2, 3]})
        );
    }
}
