//! RBAC-CONDITION: what a role assignment's ABAC condition does to one action, decided offline
//! where the exports decide it (`model::condition`), kept as a requirement in words where the
//! request decides it (a container name, a blob path or tag, the network it comes from).

use crate::model::condition::{names, Attr, Source, Verdict};
use crate::model::{Assignment, Model};

/// How a condition bears on one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// No condition, or one that does not limit this action (the note says why, when there is
    /// a condition).
    Free(Option<String>),
    /// Holds only if the request meets this requirement.
    Conditional(String),
    /// The condition rules the action out, whatever the request.
    Denied,
}

/// What reach knows of a request offline: a plain action has no sub-operation; nothing else.
fn known(attr: &Attr) -> Option<Vec<crate::model::condition::Value>> {
    attr.is(Source::Request, names::SUB_OPERATION)
        .then(Vec::new)
}

/// `effect`, with the role definition GUIDs a requirement names replaced by the roles' names.
pub fn effect_named(m: &Model, a: &Assignment, action: &str) -> Effect {
    match effect(a, action) {
        Effect::Conditional(req) => Effect::Conditional(role_names(m, req)),
        e => e,
    }
}

/// Each GUID in `text` that is a known role definition, replaced by the role's name (looked up
/// by GUID, not by scanning every role).
fn role_names(m: &Model, text: String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match m.role_by_guid(word).filter(|_| word.len() == 36) {
            Some(r) => out.push_str(&m.role(r).name),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_hexdigit() || c == '-' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

pub fn effect(a: &Assignment, action: &str) -> Effect {
    let Some(parsed) = &a.parsed else {
        return Effect::Free(None);
    };
    let c = match parsed.as_ref() {
        Ok(c) => c,
        Err(_) => return Effect::Conditional("condition not understood".to_string()),
    };
    if !c.restricts(action) {
        return Effect::Free(Some(
            "its condition restricts other actions, not this one".to_string(),
        ));
    }
    match c.evaluate(action, &known) {
        Verdict::Allowed => Effect::Free(Some(
            "its condition allows this action whatever the request".to_string(),
        )),
        Verdict::Denied => Effect::Denied,
        Verdict::Requires(r) => Effect::Conditional(r.to_string()),
    }
}
