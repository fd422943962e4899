//! SARIF 2.1.0 for code scanning (GitHub, Azure DevOps and other SARIF viewers): `reach lint`
//! writes one result per finding, `reach check` one per principal that breaks a rule. Rule IDs
//! and help text come from the rule catalog (`reach rules`); each policy rule is a SARIF rule of
//! its own. Locations are `file:line`: files relative to the folder reach was run from (the
//! repository root in CI), JSON export entries turned into the line their entry starts on. The
//! output is deterministic (sorted keys, results in report order, fingerprints from content), so
//! two runs on the same input are identical. No I/O here: the CLI reads the files the line map
//! needs.

use crate::engine::rules;
use crate::finding::{Finding, Severity};
use crate::policy::eval::{Report, RuleResult, Violation};
use crate::source::Source;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Turns sources into SARIF physical locations.
#[derive(Clone, Debug, Default)]
pub struct Locator {
    /// Joined before a project-relative file to make its URI: `""`, `tenant/`, or
    /// `file:///abs/tenant/` for a folder outside the working directory.
    pub base: String,
    /// The line each JSON entry starts on, by project-relative file (see `entry_lines`).
    pub entries: BTreeMap<String, Vec<u32>>,
}

impl Locator {
    /// URI and line (1 when the whole file is meant) of a source in the project; None for
    /// `builtin`, `rule` and `assumed`.
    fn place(&self, s: &Source) -> Option<(String, u32)> {
        let (file, line) = match s {
            Source::Line { file, line } => (file, (*line).max(1)),
            Source::Entry { file, index } => (
                file,
                self.entries
                    .get(&**file)
                    .and_then(|v| v.get(*index as usize))
                    .copied()
                    .unwrap_or(1),
            ),
            Source::File { file } => (file, 1),
            Source::Builtin | Source::Rule | Source::Assumed => return None,
        };
        Some((format!("{}{}", self.base, encode(file)), line))
    }

    fn location(&self, s: &Source, message: Option<&str>) -> Option<Value> {
        let (uri, line) = self.place(s)?;
        Some(physical(&uri, line, message))
    }
}

fn physical(uri: &str, line: u32, message: Option<&str>) -> Value {
    let mut art = Map::new();
    art.insert("uri".into(), json!(uri));
    if !uri.starts_with("file:") {
        art.insert("uriBaseId".into(), json!("%SRCROOT%"));
    }
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": Value::Object(art),
            "region": {"startLine": line}
        }
    });
    if let (Some(m), Value::Object(o)) = (message, &mut loc) {
        o.insert("message".into(), json!({ "text": m }));
    }
    loc
}

/// The project-relative files whose JSON entries a source list points into.
pub fn entry_files<'a>(sources: impl Iterator<Item = &'a Source>) -> BTreeSet<String> {
    sources
        .filter_map(|s| match s {
            Source::Entry { file, .. } => Some(file.to_string()),
            _ => None,
        })
        .collect()
}

/// Every source a check report cites (steps, removals), for `entry_files`.
pub fn report_sources(r: &Report) -> Vec<&Source> {
    let mut out = Vec::new();
    for rule in &r.rules {
        for v in &rule.violations {
            out.extend(
                v.paths
                    .iter()
                    .flat_map(|p| p.steps.iter().map(|s| &s.source)),
            );
            out.extend(v.removals.iter().map(|x| &x.source));
        }
        if let Some(plan) = &rule.fix {
            out.extend(plan.removals.iter().map(|x| &x.source));
        }
    }
    out
}

/// The line (1-based) each entry of a JSON export starts on, numbered as the loader numbers
/// them: a top-level list's items, or a `value` (or group `members`) list's items, or the one
/// object. Empty when the text is not JSON.
pub fn entry_lines(text: &str) -> Vec<u32> {
    use serde_json::value::RawValue;
    let line_at = |v: &RawValue| -> u32 {
        let off = (v.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        let upto = text.as_bytes().get(..off).unwrap_or_default();
        u32::try_from(memchr::memchr_iter(b'\n', upto).count() + 1).unwrap_or(u32::MAX)
    };
    if text.trim_start().starts_with('[') {
        return serde_json::from_str::<Vec<&RawValue>>(text)
            .map(|v| v.into_iter().map(line_at).collect())
            .unwrap_or_default();
    }
    #[derive(serde::Deserialize)]
    struct Wrapper<'a> {
        #[serde(borrow)]
        value: Option<&'a RawValue>,
        #[serde(borrow)]
        members: Option<&'a RawValue>,
    }
    let Ok(top) = serde_json::from_str::<&RawValue>(text) else {
        return Vec::new();
    };
    if let Ok(w) = serde_json::from_str::<Wrapper>(top.get()) {
        for list in [w.value, w.members].into_iter().flatten() {
            if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(list.get()) {
                return items.into_iter().map(line_at).collect();
            }
        }
    }
    vec![line_at(top)]
}

/// The URI prefix for files under a folder: `""` for the working directory, `tenant/` for a
/// folder below it (given `/`-separated), `file:///abs/tenant/` for one elsewhere.
pub fn base_uri(folder: &str, absolute: bool) -> String {
    let f = folder.trim_end_matches('/');
    match (f.is_empty(), absolute) {
        (true, false) => String::new(),
        (_, true) => format!("file://{}/", encode(f)),
        (false, false) => format!("{}/", encode(f)),
    }
}

/// Percent-encode a relative path for a URI (`/` kept).
pub fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A stable fingerprint of a result's identity (FNV-1a, 64 bits, hex).
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn log(rules: Vec<Value>, results: Vec<Value>) -> Value {
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "reach",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    })
}

/// A rule descriptor for a finding's rule ID: from the catalog, or reach's own `LOAD`/`MODEL`.
fn finding_rule(id: &str, severity: Severity) -> Value {
    let (short, full, seed) = match rules::rule(id) {
        Some(r) => (r.summary.to_string(), r.detail.to_string(), r.seed.to_string()),
        None => match id {
            "LOAD" => (
                "A file reach could not read as expected".to_string(),
                "A file under the project folder is unreadable, malformed, not recognised or over a limit. The message says which file, which line (or entry) and what was expected; the rest of the folder still loads.".to_string(),
                String::new(),
            ),
            "MODEL" => (
                "A reference between config entries that does not resolve".to_string(),
                "An entry names something the project does not describe (a principal, role, scope or workspace), or two files describe the same resource differently.".to_string(),
                String::new(),
            ),
            other => (format!("reach finding {other}"), format!("reach finding {other}."), String::new()),
        },
    };
    let help = if seed.is_empty() {
        full.clone()
    } else {
        format!("{full}\n\nSource: {seed}. Run `reach rules {id}` for the rule.")
    };
    json!({
        "id": id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help},
        "defaultConfiguration": {"level": level(severity)},
        "properties": {"tags": ["azure-ml", "access"]}
    })
}

/// `reach lint --format sarif`: one result per finding.
pub fn lint(findings: &[Finding], loc: &Locator) -> Value {
    // one descriptor per rule ID, at the most severe level it was found at
    let mut ids: BTreeMap<&str, Severity> = BTreeMap::new();
    for f in findings {
        let e = ids.entry(f.rule.as_str()).or_insert(f.severity);
        *e = (*e).min(f.severity);
    }
    let index: BTreeMap<&str, usize> = ids.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let descriptors = ids.iter().map(|(id, s)| finding_rule(id, *s)).collect();
    let results = findings
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            if let Some(fix) = &f.fix {
                if !text.ends_with(['.', ')']) {
                    text.push('.');
                }
                text.push_str(&format!(
                    " Fix: {} on {} for {}: {}",
                    fix.role, fix.at, fix.principal, fix.command
                ));
            }
            let mut r = json!({
                "ruleId": f.rule,
                "ruleIndex": index.get(f.rule.as_str()).copied().unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": text},
                "partialFingerprints": {
                    "reachFinding/v1": fingerprint(&[&f.rule, &f.subject, &f.message, &f.source.to_string()])
                },
                "properties": {"subject": f.subject}
            });
            if let (Some(l), Value::Object(o)) = (loc.location(&f.source, None), &mut r) {
                o.insert("locations".into(), json!([l]));
            }
            r
        })
        .collect();
    log(descriptors, results)
}

/// `policy/<name as a slug>`, unique within the report. Under `--mask-names` the slug is made
/// from the masked name (a slug would no longer match the name the mask looks for).
fn rule_ids(r: &Report) -> Vec<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    r.rules
        .iter()
        .map(|rule| {
            let mut slug = String::new();
            for c in crate::mask::apply_text(&rule.name).chars() {
                if c.is_ascii_alphanumeric() {
                    slug.push(c.to_ascii_lowercase());
                } else if !slug.ends_with('-') {
                    slug.push('-');
                }
            }
            let slug = slug.trim_matches('-');
            let base = format!("policy/{}", if slug.is_empty() { "rule" } else { slug });
            let mut id = base.clone();
            let mut n = 2;
            while !seen.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        })
        .collect()
}

fn kind_help(kind: &str) -> &'static str {
    match kind {
        "only" => "Every principal that reaches the resource must be listed in `only:` or be a member (at any depth) of a listed group. A group that reaches it is itself a principal: list it, or it breaks the rule.",
        "none" => "No principal listed in `none:`, and no member (at any depth) of a listed group, may reach the resource.",
        "must" => "Each listed principal must reach the resource (or the principal must reach each listed resource): a broken deployment identity is caught before deploy.",
        "at_most" => "At most this many identities (users, service principals, managed identities; groups count through their members) may reach the resource.",
        _ => "The principal, and each member of it when it is a group, must not reach any of the listed resources.",
    }
}

fn check_rule(id: &str, rule: &RuleResult) -> Value {
    let help = format!(
        "{}\n\n{}\n\nA result names the principal, each path by which it reaches the resource (every step with its access rule and the config entry behind it), and the change that would make the rule pass: the role assignment or group membership to remove (checked by what-if), or for `must` the least-privilege assignment to add. Run `reach check` locally for the same output as text.",
        rule.assertion,
        kind_help(rule.kind)
    );
    json!({
        "id": id,
        "name": rule.kind,
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": rule.assertion},
        "help": {"text": help},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["azure-ml", "access", "policy"]}
    })
}

fn violation_text(v: &Violation, rule: &RuleResult) -> String {
    let what = match (&v.operation, v.actions.is_empty()) {
        (Some(a), _) => crate::engine::short_action(a),
        (None, false) => v.actions.join(", "),
        (None, true) => "reach".into(),
    };
    let mut t = format!(
        "{}: {} ({}) → {what} on {} {}: {}.",
        rule.name,
        v.principal.name,
        crate::model::principal::kind_word(v.principal.kind),
        v.resource.kind.word(),
        v.resource.name,
        v.why
    );
    for (i, p) in v.paths.iter().enumerate() {
        let steps: Vec<String> = p
            .steps
            .iter()
            .map(|s| format!("{} {} [{}]", s.rule, s.text, s.source))
            .collect();
        t.push_str(&format!(" Path {}: {}.", i + 1, steps.join(" → ")));
    }
    if v.more_paths > 0 {
        t.push_str(&format!(" {} more path(s).", v.more_paths));
    }
    for m in &v.why_not {
        t.push_str(&format!(" Why not: {} {}.", m.rule, m.text));
    }
    if let Some(f) = v.fixes.first() {
        t.push_str(&format!(
            " Fix: add {} on {} for {}: {}",
            f.role, f.at, f.principal, f.command
        ));
    }
    for x in &v.removals {
        t.push_str(&format!(
            " To drop it: {} [{}]: {}",
            x.text, x.source, x.command
        ));
    }
    if let Some(plan) = &rule.fix {
        let mine: Vec<String> = plan
            .removals
            .iter()
            .filter(|x| x.cuts_for.iter().any(|n| n == &v.principal.name))
            .map(|x| format!("{} [{}]: {}", x.text, x.source, x.command))
            .collect();
        if !mine.is_empty() {
            t.push_str(&format!(" Fix: {}", mine.join("; ")));
        }
    }
    t
}

/// `reach check --format sarif`: one result per principal (and goal) that breaks a rule, at the
/// rule's line in the policy file, with each step's config entry as a related location.
/// `policy_uri` is the policy file's URI (relative to the working directory).
pub fn check(r: &Report, loc: &Locator, policy_uri: &str) -> Value {
    let ids = rule_ids(r);
    let descriptors = r
        .rules
        .iter()
        .zip(&ids)
        .map(|(rule, id)| check_rule(id, rule))
        .collect();
    let mut results = Vec::new();
    for (i, (rule, id)) in r.rules.iter().zip(&ids).enumerate() {
        for v in &rule.violations {
            let mut related = Vec::new();
            let mut seen = BTreeSet::new();
            for s in v.paths.iter().flat_map(|p| &p.steps) {
                if let Some(place) = loc.place(&s.source) {
                    if seen.insert(place.clone()) {
                        let mut l =
                            physical(&place.0, place.1, Some(&format!("{} {}", s.rule, s.text)));
                        if let Value::Object(o) = &mut l {
                            o.insert("id".into(), json!(related.len()));
                        }
                        related.push(l);
                    }
                }
            }
            let mut res = json!({
                "ruleId": id,
                "ruleIndex": i,
                "level": "error",
                "message": {"text": violation_text(v, rule)},
                "locations": [physical(&encode(policy_uri), rule.line, None)],
                "partialFingerprints": {
                    "reachPolicy/v1": fingerprint(&[
                        id,
                        &v.principal.id,
                        &v.principal.name,
                        &v.resource.id,
                        v.action.as_deref().unwrap_or(""),
                    ])
                },
                "properties": {
                    "principal": v.principal.name,
                    "resource": v.resource.id
                }
            });
            if let Value::Object(o) = &mut res {
                if !related.is_empty() {
                    o.insert("relatedLocations".into(), Value::Array(related));
                }
            }
            results.push(res);
        }
    }
    log(descriptors, results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_lines_follow_the_loader_numbering() {
        let list = "[\n  {\"a\": 1},\n\n  {\"b\": [\n 2]}\n]\n";
        assert_eq!(entry_lines(list), [2, 4]);
        let wrapped = "{\"@odata\": \"x\",\n \"value\": [\n  {},\n  {}\n ]}";
        assert_eq!(entry_lines(wrapped), [3, 4]);
        assert_eq!(entry_lines("\n\n{\"id\": 1}"), [3]);
        assert!(entry_lines("not json").is_empty());
    }

    #[test]
    fn uris_are_percent_encoded_and_sources_placed() {
        let loc = Locator {
            base: base_uri("my tenant", false),
            entries: [("azure/ra.json".to_string(), vec![2, 9])].into(),
        };
        let f: std::sync::Arc<str> = "azure/ra.json".into();
        assert_eq!(
            loc.place(&Source::entry(&f, 1)),
            Some(("my%20tenant/azure/ra.json".to_string(), 9))
        );
        assert_eq!(loc.place(&Source::entry(&f, 7)).map(|p| p.1), Some(1));
        assert_eq!(loc.place(&Source::Builtin), None);
        assert_eq!(encode("a b/ü#.yml"), "a%20b/%C3%BC%23.yml");
        assert_eq!(base_uri("", false), "");
        assert_eq!(base_uri("/abs/t", true), "file:///abs/t/");
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
    }
}
