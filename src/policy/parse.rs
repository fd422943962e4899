//! Reading a policy file: `read` parses the YAML strictly (serde-saphyr, keeping the line of
//! every value; an unknown key, a wrong type or a duplicate key is an error with its line), and
//! `resolve` checks each rule's shape and resolves every resource, principal and action against
//! the model. A reference that does not resolve is an error, never a rule that passes.

use super::{Check, Goal, Latent, Named, Policy, PolicyError, Rule, VERSION};
use crate::model::{lookup::LookupError, Model};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::fmt;

/// The file as written, with lines; references not yet resolved.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    #[serde(rename = "reach-policy")]
    version: Spanned<u32>,
    rules: Spanned<Vec<Spanned<DraftRule>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftRule {
    name: Spanned<String>,
    resource: Option<Spanned<String>>,
    principal: Option<Spanned<String>>,
    action: Option<Spanned<String>>,
    latent: Option<Spanned<String>>,
    only: Option<Spanned<Vec<Spanned<Item>>>>,
    none: Option<Spanned<Vec<Spanned<Item>>>>,
    must: Option<Spanned<Vec<Spanned<Item>>>>,
    cannot: Option<Spanned<Vec<Spanned<Item>>>>,
    at_most: Option<Spanned<u64>>,
}

/// One entry of a list: a name (a principal, or a resource when the rule gives the action), or
/// `{resource, action}`.
#[derive(Debug)]
enum Item {
    Name(String),
    Target {
        resource: Spanned<String>,
        action: Option<Spanned<String>>,
    },
}

const TARGET_KEYS: &[&str] = &["resource", "action"];

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or {resource, action}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Item, E> {
                Ok(Item::Name(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Item, E> {
                Ok(Item::Name(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                let (mut resource, mut action) = (None, None);
                while let Some(k) = map.next_key::<String>()? {
                    let slot = match k.as_str() {
                        "resource" => &mut resource,
                        "action" => &mut action,
                        other => return Err(de::Error::unknown_field(other, TARGET_KEYS)),
                    };
                    if slot.is_some() {
                        return Err(de::Error::duplicate_field(if k == "resource" {
                            "resource"
                        } else {
                            "action"
                        }));
                    }
                    *slot = Some(map.next_value::<Spanned<String>>()?);
                }
                let resource = resource.ok_or_else(|| de::Error::missing_field("resource"))?;
                Ok(Item::Target { resource, action })
            }
        }
        d.deserialize_any(V)
    }
}

fn line_of<T>(s: &Spanned<T>) -> u32 {
    u32::try_from(s.referenced.line()).unwrap_or(u32::MAX)
}

/// Parse a policy file's text. `file` names it in errors.
pub fn read(text: &str, file: &str) -> Result<Draft, PolicyError> {
    let err = |line: u32, message: String| PolicyError {
        file: file.to_string(),
        line,
        message,
    };
    let mut opts = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    let limits = crate::load::Limits::default();
    budget.max_depth = limits.max_depth;
    budget.max_nodes = limits.max_yaml_nodes;
    budget.max_aliases = limits.max_aliases;
    budget.max_anchors = limits.max_aliases;
    budget.max_documents = 1;
    opts.budget = Some(budget);
    opts.with_snippet = false;
    opts.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    if text.trim().is_empty() {
        return Err(err(
            0,
            format!("empty: expected `reach-policy: {VERSION}` and `rules:`"),
        ));
    }
    let draft: Draft = serde_saphyr::from_str_with_options(text, opts).map_err(|e| {
        let line = e
            .location()
            .map_or(0, |l| u32::try_from(l.line()).unwrap_or(u32::MAX));
        err(line, tidy(&e.without_snippet().to_string()))
    })?;
    if draft.version.value != VERSION {
        return Err(err(
            line_of(&draft.version),
            format!(
                "reach-policy: {} is not a version this reach reads; expected reach-policy: {VERSION}",
                draft.version.value
            ),
        ));
    }
    Ok(draft)
}

/// Parser messages in the words of this file: the key names it accepts, without the position
/// (the error carries the line).
fn tidy(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg).trim();
    let first = first
        .rsplit_once(" at line ")
        .map_or(first, |(m, _)| m)
        .trim();
    let m = first.replace('`', "'");
    if let Some(rest) = m.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest);
        return format!("duplicate key '{key}': each key may appear only once");
    }
    if m.starts_with("invalid u64") || m.starts_with("invalid u32") {
        return "expected a whole number (0 or more)".into();
    }
    if m == "expected sequence start" {
        return "expected a list ([a, b] or one '- item' per line)".into();
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        return format!("unknown key {rest}");
    }
    if let Some(rest) = m.strip_prefix("missing field ") {
        return format!("missing key {rest}");
    }
    crate::text::redact(&m).into_owned()
}

/// What each rule kind needs, for messages.
const KINDS: &str = "one of only, none, must, cannot, at_most";

/// Check every rule's shape and resolve its references against `m`. All problems are reported,
/// each with its line.
pub fn resolve(draft: &Draft, file: &str, m: &Model) -> Result<Policy, Vec<PolicyError>> {
    let mut errors = Vec::new();
    let mut rules = Vec::new();
    let mut names: Vec<(String, u32)> = Vec::new();
    for r in &draft.rules.value {
        let mut cx = Cx {
            m,
            file,
            errors: Vec::new(),
        };
        let line = line_of(r);
        let r = &r.value;
        let name = r.name.value.trim().to_string();
        if name.is_empty() {
            cx.error(line_of(&r.name), "a rule's name may not be empty".into());
        } else if let Some((_, first)) = names.iter().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            cx.error(
                line_of(&r.name),
                format!("a rule named '{name}' is already at line {first}: names must be unique"),
            );
        } else {
            names.push((name.clone(), line_of(&r.name)));
        }
        let latent = cx.latent(r);
        if let Some(check) = cx.check(r, line) {
            if cx.errors.is_empty() {
                rules.push(Rule {
                    name,
                    line,
                    latent,
                    check,
                });
            }
        }
        errors.extend(cx.errors);
    }
    if draft.rules.value.is_empty() {
        errors.push(PolicyError {
            file: file.to_string(),
            line: line_of(&draft.rules),
            message: "no rules: expected at least one under rules:".into(),
        });
    }
    if errors.is_empty() {
        Ok(Policy {
            file: file.to_string(),
            rules,
        })
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// Read and resolve in one step (every error, or the policy).
pub fn parse(text: &str, file: &str, m: &Model) -> Result<Policy, Vec<PolicyError>> {
    let draft = read(text, file).map_err(|e| vec![e])?;
    resolve(&draft, file, m)
}

struct Cx<'a> {
    m: &'a Model,
    file: &'a str,
    errors: Vec<PolicyError>,
}

impl Cx<'_> {
    fn error(&mut self, line: u32, message: String) {
        self.errors.push(PolicyError {
            file: self.file.to_string(),
            line,
            message,
        });
    }

    fn lookup(&mut self, line: u32, what: &str, e: LookupError) {
        self.error(line, format!("{what}: {e}"));
    }

    fn latent(&mut self, r: &DraftRule) -> Latent {
        let Some(l) = &r.latent else {
            return Latent::default();
        };
        match l.value.trim().to_ascii_lowercase().as_str() {
            "include" => Latent::Include,
            "exclude" => Latent::Exclude,
            "only" => Latent::Only,
            other => {
                self.error(
                    line_of(l),
                    format!("latent: '{other}' is not one of include, exclude, only"),
                );
                Latent::default()
            }
        }
    }

    fn principal(&mut self, written: &str, line: u32) -> Option<Named> {
        match self
            .m
            .resolve_principal(&crate::mask::unmask_ref(written.trim()))
        {
            Ok(pid) => Some(Named {
                pid,
                written: written.trim().to_string(),
                line,
            }),
            Err(e) => {
                self.lookup(line, "principal", e);
                None
            }
        }
    }

    /// A resource and an optional action: the action must apply to the resource's kind.
    fn goal(
        &mut self,
        resource: &Spanned<String>,
        action: Option<&Spanned<String>>,
        line: u32,
    ) -> Option<Goal> {
        let scope = match self
            .m
            .resolve_resource(&crate::mask::unmask_ref(resource.value.trim()))
        {
            Ok(s) => s,
            Err(e) => {
                self.lookup(line_of(resource), "resource", e);
                return None;
            }
        };
        let op = match action {
            None => None,
            Some(a) => {
                let op = a.value.trim();
                if let Err(e) = crate::engine::action::resolve(self.m, scope, op) {
                    self.error(line_of(a), format!("action: {}", e.0));
                    return None;
                }
                Some(op.to_string())
            }
        };
        Some(Goal { scope, op, line })
    }

    /// Names of a principal list; a `{resource, action}` entry is an error here.
    fn names(&mut self, key: &str, list: &Spanned<Vec<Spanned<Item>>>) -> Vec<Named> {
        let mut out = Vec::new();
        for it in &list.value {
            match &it.value {
                Item::Name(n) => {
                    if let Some(p) = self.principal(n, line_of(it)) {
                        if !out.iter().any(|x: &Named| x.pid == p.pid) {
                            out.push(p);
                        }
                    }
                }
                Item::Target { .. } => self.error(
                    line_of(it),
                    format!("{key}: expected principal names here, found {{resource, action}}"),
                ),
            }
        }
        out
    }

    /// Goals of a principal rule: `{resource, action}` entries, or resource names when the rule
    /// gives the action.
    fn goals(
        &mut self,
        key: &str,
        list: &Spanned<Vec<Spanned<Item>>>,
        action: Option<&Spanned<String>>,
    ) -> Vec<Goal> {
        let mut out = Vec::new();
        for it in &list.value {
            let line = line_of(it);
            let (resource, own) = match &it.value {
                Item::Target { resource, action } => (resource.clone(), action.as_ref()),
                Item::Name(n) => (
                    Spanned {
                        value: n.clone(),
                        referenced: it.referenced,
                        defined: it.defined,
                    },
                    None,
                ),
            };
            let Some(act) = own.or(action) else {
                self.error(
                    line,
                    format!(
                        "{key}: no action for {}: give {{resource, action}} or the rule's action",
                        resource.value
                    ),
                );
                continue;
            };
            if let Some(g) = self.goal(&resource, Some(act), line) {
                out.push(g);
            }
        }
        out
    }

    fn check(&mut self, r: &DraftRule, line: u32) -> Option<Check> {
        let kinds: Vec<(&str, u32)> = [
            ("only", r.only.as_ref().map(line_of)),
            ("none", r.none.as_ref().map(line_of)),
            ("must", r.must.as_ref().map(line_of)),
            ("cannot", r.cannot.as_ref().map(line_of)),
            ("at_most", r.at_most.as_ref().map(line_of)),
        ]
        .into_iter()
        .filter_map(|(k, l)| l.map(|l| (k, l)))
        .collect();
        let kind = match kinds.as_slice() {
            [(k, _)] => *k,
            [] => {
                self.error(line, format!("the rule asserts nothing: expected {KINDS}"));
                return None;
            }
            [_, (_, l2), ..] => {
                let ks: Vec<&str> = kinds.iter().map(|(k, _)| *k).collect();
                self.error(
                    *l2,
                    format!(
                        "a rule asserts one thing; this one has {}: split it into several rules",
                        ks.join(" and ")
                    ),
                );
                return None;
            }
        };
        match (&r.resource, &r.principal) {
            (Some(_), Some(p)) => {
                self.error(
                    line_of(p),
                    "a rule names a resource or a principal, not both".into(),
                );
                None
            }
            (None, None) => {
                self.error(
                    line,
                    "the rule names neither a resource: nor a principal:".into(),
                );
                None
            }
            (Some(res), None) => self.resource_rule(r, res, kind, line),
            (None, Some(p)) => self.principal_rule(r, p, kind),
        }
    }

    fn resource_rule(
        &mut self,
        r: &DraftRule,
        res: &Spanned<String>,
        kind: &str,
        line: u32,
    ) -> Option<Check> {
        if kind == "cannot" {
            let l = r.cannot.as_ref().map_or(line, line_of);
            self.error(
                l,
                "cannot: goes with principal: (what it cannot reach); for a resource, say none: [who]".into(),
            );
            return None;
        }
        // the lists are resolved even when the resource is not, so every error is reported
        let goal = self.goal(res, r.action.as_ref(), line_of(res));
        let empty = |list: &Spanned<Vec<Spanned<Item>>>| list.value.is_empty();
        match kind {
            "only" => {
                let allowed = self.names("only", r.only.as_ref()?);
                Some(Check::Only {
                    goal: goal?,
                    allowed,
                })
            }
            "none" => {
                let list = r.none.as_ref()?;
                let denied = self.names("none", list);
                if empty(list) {
                    self.error(
                        line_of(list),
                        "none: lists nobody, so it can never fail".into(),
                    );
                }
                Some(Check::None {
                    goal: goal?,
                    denied,
                })
            }
            "must" => {
                let list = r.must.as_ref()?;
                let who = self.names("must", list);
                if empty(list) {
                    self.error(
                        line_of(list),
                        "must: lists nobody, so it can never fail".into(),
                    );
                }
                Some(Check::MustReach { goal: goal?, who })
            }
            _ => {
                let n = r.at_most.as_ref()?;
                Some(Check::AtMost {
                    goal: goal?,
                    n: usize::try_from(n.value).unwrap_or(usize::MAX),
                    line: line_of(n),
                })
            }
        }
    }

    fn principal_rule(&mut self, r: &DraftRule, p: &Spanned<String>, kind: &str) -> Option<Check> {
        let (list, must) = match kind {
            "cannot" => (r.cannot.as_ref()?, false),
            "must" => (r.must.as_ref()?, true),
            other => {
                let l = [&r.only, &r.none]
                    .into_iter()
                    .flatten()
                    .map(line_of)
                    .chain(r.at_most.as_ref().map(line_of))
                    .next()
                    .unwrap_or_else(|| line_of(p));
                self.error(
                    l,
                    format!("{other}: goes with resource: (who may reach it); for a principal, say cannot: or must: [{{resource, action}}]"),
                );
                return None;
            }
        };
        let who = self.principal(&p.value, line_of(p));
        let key = if must { "must" } else { "cannot" };
        let goals = self.goals(key, list, r.action.as_ref());
        if list.value.is_empty() {
            self.error(
                line_of(list),
                format!("{key}: lists nothing, so it can never fail"),
            );
        }
        let who = who?;
        Some(if must {
            Check::MustHave { who, goals }
        } else {
            Check::Cannot { who, goals }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        crate::model::build(crate::demo::load())
    }

    fn errors(text: &str) -> Vec<String> {
        match parse(text, "p.yaml", &model()) {
            Ok(p) => panic!("expected errors, got {p:?}"),
            Err(es) => es.iter().map(ToString::to_string).collect(),
        }
    }

    const HEAD: &str = "reach-policy: 1\nrules:\n";

    #[test]
    fn reads_every_rule_kind() {
        let text = format!(
            "{HEAD}  - name: a\n    resource: endpoint:ep-fraud\n    action: score\n    only: [scorers, ops-oncall]\n\
             \x20 - name: b\n    resource: storage:stdata\n    action: write-blobs\n    none: [ml-engineers]\n\
             \x20 - name: c\n    resource: endpoint:ep-churn\n    action: list-keys\n    at_most: 3\n\
             \x20 - name: d\n    resource: storage:stdata\n    action: read-blobs\n    must: [uai-deploy]\n    latent: exclude\n\
             \x20 - name: e\n    principal: sp-cicd\n    cannot: [{{resource: keyvault:kv-main, action: read-secrets}}]\n\
             \x20 - name: f\n    principal: uai-deploy\n    action: read-blobs\n    must: [storage:stdata]\n"
        );
        let p = parse(&text, "p.yaml", &model()).unwrap();
        let kinds: Vec<&str> = p.rules.iter().map(|r| r.check.kind()).collect();
        assert_eq!(kinds, ["only", "none", "at_most", "must", "cannot", "must"]);
        assert_eq!(p.rules[0].line, 3);
        assert_eq!(p.rules[3].latent, Latent::Exclude);
        assert!(
            matches!(&p.rules[0].check, Check::Only { allowed, .. } if allowed.len() == 2 && allowed[1].line == 6)
        );
        assert!(matches!(&p.rules[2].check, Check::AtMost { n: 3, .. }));
        assert!(
            matches!(&p.rules[5].check, Check::MustHave { goals, .. } if goals[0].op.as_deref() == Some("read-blobs"))
        );
    }

    #[test]
    fn an_unknown_key_is_an_error_with_its_line() {
        let e = errors(&format!(
            "{HEAD}  - name: a\n    resource: endpoint:ep-fraud\n    onyl: [scorers]\n"
        ));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("p.yaml:5: unknown key 'onyl'"), "{e:?}");
        assert!(e[0].contains("only"), "lists the keys it accepts: {e:?}");
        let e = errors(&format!(
            "{HEAD}  - name: a\n    principal: sp-cicd\n    cannot:\n      - {{resource: kv-main, acton: read}}\n"
        ));
        assert!(e[0].starts_with("p.yaml:6: unknown key 'acton'"), "{e:?}");
    }

    #[test]
    fn an_unknown_reference_is_an_error_naming_the_closest() {
        let e = errors(&format!(
            "{HEAD}  - name: a\n    resource: endpoint:ep-frud\n    action: score\n    only: [scorers, opps-oncall]\n"
        ));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with("p.yaml:4: resource: unknown reference 'endpoint:ep-frud'"),
            "{e:?}"
        );
        assert!(e[0].contains("endpoint:ep-fraud"), "{e:?}");
        assert!(
            e[1].starts_with("p.yaml:6: principal: unknown reference 'opps-oncall'"),
            "{e:?}"
        );
    }

    #[test]
    fn shape_errors_say_what_was_expected() {
        let cases = [
            ("  - name: a\n    resource: storage:stdata\n", "p.yaml:3: the rule asserts nothing"),
            (
                "  - name: a\n    resource: storage:stdata\n    only: []\n    at_most: 2\n",
                "p.yaml:6: a rule asserts one thing; this one has only and at_most",
            ),
            (
                "  - name: a\n    resource: storage:stdata\n    action: fly\n    only: []\n",
                "p.yaml:5: action: unknown operation 'fly'",
            ),
            (
                "  - name: a\n    resource: storage:stdata\n    action: score\n    only: []\n",
                "p.yaml:5: action: operation 'score' does not apply to a storage",
            ),
            (
                "  - name: a\n    principal: sp-cicd\n    only: [x]\n",
                "p.yaml:5: only: goes with resource:",
            ),
            (
                "  - name: a\n    resource: kv-main\n    cannot: [x]\n",
                "p.yaml:5: cannot: goes with principal:",
            ),
            (
                "  - name: a\n    principal: sp-cicd\n    cannot: [kv-main]\n",
                "p.yaml:5: cannot: no action for kv-main",
            ),
            (
                "  - name: a\n    resource: kv-main\n    latent: sometimes\n    only: []\n",
                "p.yaml:5: latent: 'sometimes' is not one of include, exclude, only",
            ),
            (
                "  - name: a\n    resource: kv-main\n    at_most: -1\n",
                "p.yaml:5: expected a whole number",
            ),
            (
                "  - name: a\n    resource: kv-main\n    none: []\n",
                "p.yaml:5: none: lists nobody",
            ),
            (
                "  - name: a\n    resource: kv-main\n    only: []\n  - name: A\n    resource: kv-main\n    only: []\n",
                "p.yaml:6: a rule named 'A' is already at line 3",
            ),
        ];
        for (body, want) in cases {
            let e = errors(&format!("{HEAD}{body}"));
            assert!(e[0].starts_with(want), "{body}\n→ {e:?}\nwanted {want}");
        }
    }

    #[test]
    fn the_version_and_the_top_level_are_checked() {
        let e = errors("reach-policy: 2\nrules: []\n");
        assert!(
            e[0].starts_with("p.yaml:1: reach-policy: 2 is not a version"),
            "{e:?}"
        );
        let e = errors("rules: []\n");
        assert!(e[0].contains("missing key 'reach-policy'"), "{e:?}");
        let e = errors("reach-policy: 1\nrules: []\n");
        assert!(e[0].starts_with("p.yaml:2: no rules"), "{e:?}");
        let e = errors("");
        assert!(e[0].starts_with("p.yaml: empty"), "{e:?}");
        let e = errors("reach-policy: 1\nreach-policy: 1\nrules: []\n");
        assert!(
            e[0].starts_with("p.yaml:2: duplicate key 'reach-policy'"),
            "{e:?}"
        );
    }
}
