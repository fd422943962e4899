//! A generic, located YAML tree parsed with `serde-saphyr` under a budget (depth, nodes, aliases),
//! plus the extraction helpers the recognisers use. The same tree is built from JSON values for
//! `az ml … show` exports, with line 0.

use super::Limits;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// One YAML value. Numbers keep their text; booleans and numbers read as text via `as_str`.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Seq(Vec<Y>),
    Map(Vec<(Key, Y)>),
}

/// A node with the line (1-based; 0 = unknown) it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Y {
    pub node: Node,
    pub line: u32,
}

/// A mapping key (scalars only, rendered as text) with its line.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub line: u32,
}

fn line_of<T>(s: &Spanned<T>) -> u32 {
    u32::try_from(s.referenced.line()).unwrap_or(u32::MAX)
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Num(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Num(v.to_string()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Num(v.to_string()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
        Ok(Node::Num(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Num(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Node, E> {
        Ok(Node::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<Spanned<Node>>()? {
            let line = line_of(&v);
            out.push(Y {
                node: v.value,
                line,
            });
        }
        Ok(Node::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = map.next_key::<Spanned<KeyText>>()? {
            let v = map.next_value::<Spanned<Node>>()?;
            let line = line_of(&v);
            let key = Key {
                line: line_of(&k),
                text: k.value.0,
            };
            out.push((
                key,
                Y {
                    node: v.value,
                    line,
                },
            ));
        }
        Ok(Node::Map(out))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// A scalar mapping key as text; a sequence or mapping used as a key is an error.
struct KeyText(String);

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = KeyText;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar mapping key")
    }
    fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
        Ok(KeyText(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
        Ok(KeyText(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
        Ok(KeyText(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
        Ok(KeyText(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
        Ok(KeyText(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<KeyText, E> {
        Ok(KeyText(v))
    }
    fn visit_unit<E>(self) -> Result<KeyText, E> {
        Ok(KeyText("null".to_string()))
    }
    fn visit_none<E>(self) -> Result<KeyText, E> {
        Ok(KeyText("null".to_string()))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<KeyText, D::Error> {
        KeyText::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<KeyText, A::Error> {
        Err(de::Error::custom(
            "expected a scalar mapping key, found a sequence (complex keys are not supported)",
        ))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<KeyText, A::Error> {
        Err(de::Error::custom("expected a scalar mapping key, found a mapping (complex keys are not supported; an unquoted `{{placeholder}}` reads as one: quote it)"))
    }
}

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeyVisitor)
    }
}

/// A YAML parse failure: 1-based line (0 when unknown) and a one-line, redacted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub message: String,
}

/// Strip a UTF-8 BOM.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Bytes as UTF-8 text, or the message "not valid UTF-8 at byte N".
pub fn utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    std::str::from_utf8(strip_bom(bytes)).map_err(|e| {
        let upto = e.valid_up_to();
        let line = strip_bom(bytes)
            .iter()
            .take(upto)
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        ParseError {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            message: format!("not valid UTF-8 at byte {upto}"),
        }
    })
}

/// Parse one YAML document under the limits. `Ok(None)` for an empty (or comment-only) file.
pub fn parse(text: &str, limits: &Limits) -> Result<Option<Y>, ParseError> {
    let mut opts = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits.max_depth;
    budget.max_nodes = limits.max_yaml_nodes;
    budget.max_events = limits.max_yaml_nodes.saturating_mul(4);
    budget.max_aliases = limits.max_aliases;
    budget.max_anchors = limits.max_aliases;
    budget.max_reader_input_bytes = usize::try_from(limits.max_yaml_bytes).ok();
    budget.max_total_scalar_bytes = usize::try_from(limits.max_yaml_bytes).unwrap_or(usize::MAX);
    budget.max_documents = 1;
    opts.budget = Some(budget);
    opts.alias_limits.max_total_replayed_events = limits.max_alias_expansion;
    opts.with_snippet = false;
    opts.leading_zero_numbers_as_strings = true;
    opts.underscored_numbers_as_strings = true;
    opts.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    if is_blank(text) {
        return Ok(None);
    }
    match serde_saphyr::from_str_with_options::<Option<Spanned<Node>>>(text, opts) {
        Ok(Some(s)) => {
            let line = line_of(&s);
            Ok(match s.value {
                Node::Null => None,
                node => Some(Y { node, line }),
            })
        }
        Ok(None) => Ok(None),
        Err(e) => Err(to_parse_error(&e, limits)),
    }
}

/// Only whitespace, comments and document markers.
fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

fn to_parse_error(e: &serde_saphyr::Error, limits: &Limits) -> ParseError {
    let line = e
        .location()
        .map_or(0, |l| u32::try_from(l.line()).unwrap_or(u32::MAX));
    let full = e.without_snippet().to_string();
    let first = full
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid YAML");
    let message = crate::text::redact(first).into_owned();
    ParseError {
        line,
        message: tidy(&message, limits),
    }
}

/// Make budget and parser messages read as "expected …, found …" where possible.
fn tidy(msg: &str, limits: &Limits) -> String {
    let lower = msg.to_ascii_lowercase();
    if let Some(rest) = msg.strip_prefix("duplicate mapping key: ") {
        if let Some((key, _)) = rest.split_once(", set DuplicateKeyPolicy") {
            return format!("duplicate key '{key}': each key may appear only once in a mapping");
        }
    }
    if lower.contains("duplicate") {
        return msg.to_string();
    }
    if lower.contains("documents {") {
        return "expected one YAML document, found several (`---` separators)".to_string();
    }
    let breach = |names: &[&str]| names.iter().any(|n| lower.contains(n));
    if breach(&["recursion limit", "depth {"]) {
        return format!(
            "expected YAML nested at most {} levels deep, found deeper nesting",
            limits.max_depth
        );
    }
    if breach(&[
        "alias replay",
        "alias expansion",
        "aliases {",
        "anchors {",
        "aliasanchorratio",
    ]) {
        return format!(
            "expected at most {} aliases expanding to at most {} values, found more (a YAML alias bomb?)",
            limits.max_aliases, limits.max_alias_expansion
        );
    }
    if breach(&["nodes {", "events {"]) {
        return format!(
            "expected at most {} YAML values, found more",
            limits.max_yaml_nodes
        );
    }
    if breach(&[
        "scalarbytes",
        "inputbytes",
        "total_scalar_bytes",
        "input_bytes",
    ]) {
        return format!(
            "expected at most {} bytes of YAML text, found more",
            limits.max_yaml_bytes
        );
    }
    if lower.contains("budget") || lower.contains("alias") && lower.contains("limit") {
        return format!("YAML too large or too deeply nested (limit reached): {msg}");
    }
    msg.to_string()
}

// ---------------------------------------------------------------- helpers

impl Y {
    pub fn new(node: Node, line: u32) -> Self {
        Y { node, line }
    }

    /// Value of `key` in a mapping (exact key).
    pub fn get(&self, key: &str) -> Option<&Y> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Key and value of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Y)> {
        match &self.node {
            Node::Map(m) => m.iter().find(|(k, _)| k.text == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Follow a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Y> {
        keys.iter().try_fold(self, |y, k| y.get(k))
    }

    /// Scalar as text (numbers and booleans rendered); None for null, sequences and mappings.
    pub fn as_str(&self) -> Option<&str> {
        match &self.node {
            Node::Str(s) | Node::Num(s) => Some(s),
            Node::Bool(true) => Some("true"),
            Node::Bool(false) => Some("false"),
            _ => None,
        }
    }

    /// Non-empty scalar text.
    pub fn text(&self) -> Option<String> {
        self.as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    pub fn as_map(&self) -> Option<&[(Key, Y)]> {
        match &self.node {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Y]> {
        match &self.node {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.node, Node::Null)
    }

    /// Keys of a mapping.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.as_map()
            .unwrap_or_default()
            .iter()
            .map(|(k, _)| k.text.as_str())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Line of a key (falls back to the value's line).
    pub fn key_line(&self, key: &str) -> u32 {
        self.entry(key)
            .map_or(0, |(k, v)| if k.line > 0 { k.line } else { v.line })
    }

    /// What a node is, for "found …" messages.
    pub fn describe(&self) -> &'static str {
        match self.node {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Num(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }

    /// Visit every string scalar (depth-first), with its line.
    pub fn walk_strings<'a>(&'a self, f: &mut dyn FnMut(&'a str, u32)) {
        match &self.node {
            Node::Str(s) => f(s, self.line),
            Node::Seq(items) => items.iter().for_each(|y| y.walk_strings(f)),
            Node::Map(m) => m.iter().for_each(|(_, v)| v.walk_strings(f)),
            _ => {}
        }
    }

    /// Build from a JSON value (line 0 everywhere): `az ml … show` exports reuse the YAML code.
    pub fn from_json(v: &serde_json::Value) -> Y {
        use serde_json::Value;
        let node = match v {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Num(n.to_string()),
            Value::String(s) => Node::Str(s.clone()),
            Value::Array(a) => Node::Seq(a.iter().map(Y::from_json).collect()),
            Value::Object(o) => Node::Map(
                o.iter()
                    .map(|(k, v)| {
                        (
                            Key {
                                text: k.clone(),
                                line: 0,
                            },
                            Y::from_json(v),
                        )
                    })
                    .collect(),
            ),
        };
        Y { node, line: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Option<Y>, ParseError> {
        parse(s, &Limits::default())
    }

    #[test]
    fn nested_lines_and_scalars() {
        let y = p("a: 1\nb:\n  c: [x, true]\n  d: ~\n3: three\ntrue: yes\n")
            .unwrap()
            .unwrap();
        assert_eq!(y.get("a").unwrap().as_str(), Some("1"));
        let c = y.path(&["b", "c"]).unwrap();
        assert_eq!(c.line, 3);
        assert_eq!(c.as_seq().unwrap()[1].as_str(), Some("true"));
        assert!(y.path(&["b", "d"]).unwrap().is_null());
        assert_eq!(y.get("3").unwrap().as_str(), Some("three"));
        assert!(y.get("true").is_some());
        assert_eq!(y.key_line("b"), 2);
    }

    #[test]
    fn duplicate_key_is_error() {
        let e = p("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(e.message.to_lowercase().contains("duplicate"), "{e:?}");
        assert_eq!(e.line, 3);
    }

    #[test]
    fn complex_key_is_error() {
        let e = p("? [a, b]\n: 1\n").unwrap_err();
        assert!(
            e.message.contains("scalar mapping key") || e.line > 0,
            "{e:?}"
        );
    }

    #[test]
    fn bom_and_empty() {
        let bytes = b"\xEF\xBB\xBFname: x\n";
        let t = utf8(bytes).unwrap();
        assert_eq!(
            p(t).unwrap().unwrap().get("name").unwrap().as_str(),
            Some("x")
        );
        assert!(p("").unwrap().is_none());
        assert!(p("# only a comment\n\n").unwrap().is_none());
    }

    #[test]
    fn invalid_utf8() {
        let e = utf8(b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!(e.message, "not valid UTF-8 at byte 8");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn alias_bomb_is_fast_error() {
        let mut s = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let mut prev = 'a';
        for c in 'b'..='k' {
            s.push_str(&format!("{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = c;
        }
        let r = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || p(&s))
            .unwrap()
            .join()
            .unwrap();
        // refused by the alias budget (not by running out of memory or time)
        let e = r.expect_err("an alias bomb is refused");
        assert!(e.message.contains("aliases"), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_error() {
        let s = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
        let s2: String = (0..10_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        for text in [s, s2] {
            let r = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || p(&text))
                .unwrap()
                .join()
                .unwrap();
            let e = r.unwrap_err();
            assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn parser_message_is_one_line_and_redacted() {
        let e =
            p("key: \"AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL\nx: [").unwrap_err();
        assert!(!e.message.contains('\n'));
        assert!(!e.message.contains("Zm9vYmFy"), "{}", e.message);
    }
}
