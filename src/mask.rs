//! `--mask-names`: stable pseudonyms for the names a live demo should not show. Users become
//! `user-NN`, groups `group-NN`, service principals `sp-NN` (numbered in name order within each
//! kind), subscription GUIDs `sub-N` and tenant IDs `tenant-N`. Every string that identifies one
//! of them (UPN, display name, object ID, client ID) maps to the same pseudonym.
//!
//! Masking is applied to rendered output (text, CSV, Markdown, DOT, Mermaid) and to every string
//! and key of JSON output, so names embedded in step texts, finding messages and fix commands are
//! caught too. Managed identities' names (`compute:cpu-cluster`, `uai-train`) and resource names
//! are kept: they describe the structure a reviewer needs to follow, not people; their object
//! and client IDs become `mi-NN` (a fix's `--assignee` GUID would name them otherwise).
//!
//! The CLI asks for masking once per run (`request`); each loaded model adds its names
//! (`observe`), and the output sink calls `apply_output` / `apply_text`.

use crate::model::{Attrs, Model, PrincipalKind, ResKind};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// A deterministic mapping from real names to pseudonyms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mask {
    /// (lower-cased needle, pseudonym), longest needle first.
    pairs: Vec<(String, String)>,
    /// (pseudonym, the name a reference resolves by).
    canon: Vec<(String, String)>,
}

impl Mask {
    /// Build the mapping from a model: principals sorted by kind then name, subscriptions and
    /// tenants sorted by ID.
    pub fn from_model(m: &Model) -> Mask {
        let mut mask = Mask::default();
        for (kind, prefix) in [
            (PrincipalKind::User, "user"),
            (PrincipalKind::Group, "group"),
            (PrincipalKind::ServicePrincipal, "sp"),
        ] {
            let mut ps: Vec<_> = m.principals.iter().filter(|p| p.kind == kind).collect();
            ps.sort_by_key(|p| (p.name.to_ascii_lowercase(), p.object_id.clone()));
            for (i, p) in ps.iter().enumerate() {
                let alias = format!("{prefix}-{:02}", i + 1);
                let key = p.object_id.clone().unwrap_or_else(|| p.name.clone());
                mask.canon.push((alias.clone(), key));
                let names = [
                    Some(&p.name),
                    p.upn.as_ref(),
                    p.display_name.as_ref(),
                    p.object_id.as_ref(),
                    p.client_id.as_ref(),
                ];
                for n in names.into_iter().flatten() {
                    mask.add(n, &alias);
                }
            }
        }
        // managed identities keep their names (they are structure), but their object and client
        // IDs are as identifying as a person's: `mi-NN`, numbered in name order
        let mut mis: Vec<_> = m
            .principals
            .iter()
            .filter(|p| p.kind == PrincipalKind::ManagedIdentity)
            .collect();
        mis.sort_by_key(|p| (p.name.to_ascii_lowercase(), p.object_id.clone()));
        for (i, p) in mis.iter().enumerate() {
            let alias = format!("mi-{:02}", i + 1);
            let key = p.object_id.clone().unwrap_or_else(|| p.name.clone());
            mask.canon.push((alias.clone(), key));
            for n in [p.object_id.as_ref(), p.client_id.as_ref()]
                .into_iter()
                .flatten()
            {
                mask.add(n, &alias);
            }
        }
        let subs: BTreeSet<String> = m
            .scopes
            .iter()
            .filter_map(|s| match s.kind {
                ResKind::Subscription => Some(s.name.to_ascii_lowercase()),
                _ => s.id.subscription().map(str::to_ascii_lowercase),
            })
            .collect();
        for (i, s) in subs.iter().enumerate() {
            mask.add(s, &format!("sub-{}", i + 1));
        }
        let mut tenants: BTreeSet<String> =
            m.tenant.iter().map(|t| t.to_ascii_lowercase()).collect();
        for s in &m.scopes {
            let t = match &s.attrs {
                Attrs::Storage(a) => a.tenant_id.as_ref(),
                Attrs::Datastore(a) => a.tenant_id.as_ref(),
                _ => None,
            };
            tenants.extend(t.map(|t| t.to_ascii_lowercase()));
        }
        for (i, t) in tenants.iter().enumerate() {
            mask.add(t, &format!("tenant-{}", i + 1));
        }
        mask.pairs
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        mask
    }

    /// This mask plus the names only `other` knows. Aliases already given keep their number;
    /// a new name gets the next free number of its kind.
    fn merged(mut self, other: Mask) -> Mask {
        let mut next: std::collections::HashMap<String, usize> = Default::default();
        for (_, a) in &self.pairs {
            if let Some((k, n)) = a.rsplit_once('-') {
                let e = next.entry(k.to_string()).or_default();
                *e = (*e).max(n.parse().unwrap_or(0));
            }
        }
        let mut renamed: std::collections::HashMap<String, String> = Default::default();
        let mut known: Vec<(String, String)> = Vec::new();
        for (needle, alias) in &other.pairs {
            if let Some(mine) = self.alias(needle) {
                renamed.insert(alias.clone(), mine.to_string());
            }
        }
        for (needle, alias) in other.pairs {
            if self.alias(&needle).is_some() {
                continue;
            }
            let new = renamed.entry(alias.clone()).or_insert_with(|| {
                let (k, _) = alias.rsplit_once('-').unwrap_or((alias.as_str(), ""));
                let n = next.entry(k.to_string()).or_default();
                *n += 1;
                let w = if k == "sub" || k == "tenant" { 1 } else { 2 };
                format!("{k}-{:0w$}", *n)
            });
            known.push((needle, new.clone()));
        }
        for (alias, key) in other.canon {
            if let Some(new) = renamed.get(&alias) {
                if !self.canon.iter().any(|(a, _)| a == new) {
                    self.canon.push((new.clone(), key));
                }
            }
        }
        self.pairs.extend(known);
        self.pairs
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        self
    }

    fn add(&mut self, needle: &str, alias: &str) {
        let n = needle.trim().to_ascii_lowercase();
        // Very short or placeholder values would mask ordinary words.
        if n.chars().count() < 3 || n.starts_with('<') || self.pairs.iter().any(|(k, _)| *k == n) {
            return;
        }
        self.pairs.push((n, alias.to_string()));
    }

    /// The pseudonym of a real name, if it has one.
    pub fn alias(&self, name: &str) -> Option<&str> {
        let n = name.trim().to_ascii_lowercase();
        self.pairs
            .iter()
            .find(|(k, _)| *k == n)
            .map(|(_, a)| a.as_str())
    }

    /// A real name for a pseudonym (so `reach what-can user-03 --mask-names` works).
    pub fn unalias(&self, alias: &str) -> Option<String> {
        let a = alias.trim();
        let principal = self.canon.iter().find(|(x, _)| x.eq_ignore_ascii_case(a));
        let other = || self.pairs.iter().find(|(_, x)| x.eq_ignore_ascii_case(a));
        principal
            .map(|(_, key)| key.clone())
            .or_else(|| other().map(|(needle, _)| needle.clone()))
    }

    /// Replace every real name in `s` (ASCII case-insensitive, at word boundaries).
    pub fn text(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (needle, alias) in &self.pairs {
            out = replace_word(&out, needle, alias);
        }
        out
    }

    /// Mask every string and object key of a JSON value.
    pub fn json(&self, v: &mut serde_json::Value) {
        use serde_json::Value;
        match v {
            Value::String(s) => *s = self.text(s),
            Value::Array(a) => a.iter_mut().for_each(|x| self.json(x)),
            Value::Object(o) => {
                let old = std::mem::take(o);
                for (k, mut x) in old {
                    self.json(&mut x);
                    o.insert(self.text(&k), x);
                }
            }
            _ => {}
        }
    }

    /// Mask rendered output: JSON documents value by value (keeping the layout), anything else
    /// as text.
    pub fn output(&self, s: &str) -> String {
        let t = s.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(s) {
                self.json(&mut v);
                if let Ok(j) = serde_json::to_string_pretty(&v) {
                    return if s.ends_with('\n') { j + "\n" } else { j };
                }
            }
        }
        self.text(s)
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// Replace `needle` (lower case) in `hay` where it stands as a whole word. Where the match is
/// followed by column padding (two spaces or ` |`), the padding absorbs the change in length so
/// tables stay aligned.
fn replace_word(hay: &str, needle: &str, alias: &str) -> String {
    let lower = hay.to_ascii_lowercase();
    let mut out = String::with_capacity(hay.len());
    let mut last = 0;
    let mut from = 0;
    let delta = alias.chars().count() as isize - needle.chars().count() as isize;
    while let Some(i) = lower[from..].find(needle).map(|i| i + from) {
        let mut end = i + needle.len();
        let before = hay[..i].chars().next_back().is_some_and(is_word);
        let after = hay[end..].chars().next().is_some_and(is_word);
        if !before && !after {
            out.push_str(&hay[last..i]);
            out.push_str(alias);
            let rest = &hay[end..];
            let spaces = rest.len() - rest.trim_start_matches(' ').len();
            let padded = spaces >= 2 || rest.starts_with(" |");
            if padded && delta < 0 {
                out.push_str(&" ".repeat(delta.unsigned_abs()));
            } else if padded && delta > 0 {
                end += (delta as usize).min(spaces.saturating_sub(1));
            }
            last = end;
        }
        from = end.max(i + 1);
        while !lower.is_char_boundary(from) {
            from += 1;
        }
    }
    out.push_str(&hay[last..]);
    out
}

static WANTED: AtomicBool = AtomicBool::new(false);
static ACTIVE: Mutex<Option<Mask>> = Mutex::new(None);

/// `--mask-names` was given: every model loaded from now on feeds the mask.
pub fn request() {
    WANTED.store(true, Ordering::SeqCst);
}

/// Add a loaded model's names to the mask in force (when masking was requested). Loading two
/// snapshots (`reach diff`) masks the names of both.
pub fn observe(m: &Model) {
    if !WANTED.load(Ordering::SeqCst) {
        return;
    }
    if let Ok(mut g) = ACTIVE.lock() {
        let mut mask = Mask::from_model(m);
        if let Some(old) = g.take() {
            mask = old.merged(mask);
        }
        *g = Some(mask);
    }
}

/// The mask in force, if `--mask-names` was given and a model was loaded.
pub fn active() -> Option<Mask> {
    ACTIVE.lock().ok().and_then(|g| g.clone())
}

/// Mask a piece of output when masking is on; otherwise return it unchanged.
pub fn apply_output(s: &str) -> Cow<'_, str> {
    match active() {
        Some(m) => Cow::Owned(m.output(s)),
        None => Cow::Borrowed(s),
    }
}

/// Mask a message for stderr when masking is on.
pub fn apply_text(s: &str) -> Cow<'_, str> {
    match active() {
        Some(m) => Cow::Owned(m.text(s)),
        None => Cow::Borrowed(s),
    }
}

/// A reference typed by the user: a pseudonym becomes the real name it stands for.
pub fn unmask_ref(r: &str) -> String {
    let Some(m) = active() else {
        return r.to_string();
    };
    if let Some(real) = m.unalias(r) {
        return real;
    }
    // `subscription:sub-1`, `/subscriptions/sub-1/…`: pseudonyms inside a reference
    let mut out = r.to_string();
    for (needle, alias) in &m.pairs {
        if alias.starts_with("sub-") || alias.starts_with("tenant-") {
            out = replace_word(&out, alias, needle);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(pairs: &[(&str, &str)]) -> Mask {
        let mut m = Mask::default();
        for (n, a) in pairs {
            m.add(n, a);
        }
        m.pairs.sort_by_key(|b| std::cmp::Reverse(b.0.len()));
        m
    }

    #[test]
    fn replaces_whole_words_case_insensitively() {
        let m = mask(&[("alice@contoso.com", "user-01"), ("ml-team", "group-02")]);
        assert_eq!(
            m.text("Alice@Contoso.com is a member of ml-team; ml-teams stays."),
            "user-01 is a member of group-02; ml-teams stays."
        );
        assert_eq!(m.text("xml-team"), "xml-team");
    }

    #[test]
    fn masks_json_strings_and_keys_and_resolves_aliases() {
        let m = mask(&[("6f3c2a1b", "sub-1"), ("bob@contoso.com", "user-02")]);
        let out = m.output("{\"/subscriptions/6f3c2a1b/x\": [\"bob@contoso.com\"]}\n");
        assert!(out.contains("/subscriptions/sub-1/x"), "{out}");
        assert!(out.contains("user-02") && out.ends_with('\n'), "{out}");
        assert_eq!(m.unalias("user-02").as_deref(), Some("bob@contoso.com"));
        assert_eq!(m.alias("BOB@contoso.com"), Some("user-02"));
    }

    #[test]
    fn keeps_columns_aligned() {
        let m = mask(&[("alice@contoso.com", "user-01"), ("bob", "user-02")]);
        assert_eq!(
            m.text("alice@contoso.com   W\nbob       W"),
            "user-01             W\nuser-02   W"
        );
        assert_eq!(m.text("| bob | x"), "| user-02 | x");
    }

    #[test]
    fn non_ascii_text_survives() {
        let m = mask(&[("bob", "user-01")]);
        assert_eq!(m.text("→ bob → é bob"), "→ user-01 → é user-01");
    }
}
