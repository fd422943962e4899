//! Text output that reads well at 80 columns: each principal (or resource), then its paths as
//! indented steps with rule ID, words and source. Config text is escaped and redacted.

use crate::engine::{AccessPath, Explanation, PrincipalAccess, ResourceAccess, WhatCan, WhoCan};
use crate::finding::Finding;
use crate::text::show;
use std::fmt::Write;

const WIDTH: usize = 80;
const RULE_COL: usize = 22;
/// Fixes shown in text (JSON lists them all).
const TEXT_FIXES: usize = 3;

/// Wrap `text` to WIDTH with the first line prefixed by `first` and the rest indented by `indent`.
pub(crate) fn wrap(out: &mut String, first: &str, indent: usize, text: &str) {
    let mut line = first.to_string();
    let mut width = first.chars().count();
    let pad = " ".repeat(indent);
    let room = WIDTH.saturating_sub(indent).max(20);
    let words = text.split(' ').flat_map(|w| {
        let chars: Vec<char> = w.chars().collect();
        chars
            .chunks(room)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
    });
    for word in words {
        let word = word.as_str();
        let w = word.chars().count();
        if width + 1 + w > WIDTH && width > indent {
            out.push_str(line.trim_end());
            out.push('\n');
            line = pad.clone();
            width = indent;
        } else if width > first.chars().count()
            || !first.is_empty() && width > indent && !line.ends_with(' ')
        {
            line.push(' ');
            width += 1;
        }
        line.push_str(word);
        width += w;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// `  label: value`, or the value on its own indented line when it would pass 80 columns.
fn labeled(out: &mut String, label: &str, value: &str) {
    if label.len() + value.chars().count() + 4 <= WIDTH {
        let _ = writeln!(out, "  {label}: {value}");
    } else {
        let _ = writeln!(out, "  {label}:\n    {value}");
    }
}

pub(crate) fn path_lines(out: &mut String, i: usize, p: &AccessPath) {
    let mut marks = String::new();
    if p.assumed {
        marks.push_str(" [assumed]");
    }
    if p.conditional.is_some() {
        marks.push_str(" [conditional]"); // the step says what the condition requires
    }
    if let Some(l) = p.latent {
        marks.push_str(&format!(" [{l}"));
        if let Some(u) = &p.until {
            marks.push_str(&format!(" until {}", show(crate::model::when::day(u))));
        }
        marks.push(']');
    }
    let head = match &p.action {
        Some(a) => format!("    path {} ({}){marks}", i + 1, show(a)),
        None => format!("    path {}{marks}", i + 1),
    };
    out.push_str(&head);
    out.push('\n');
    for s in &p.steps {
        let first = format!("      {:<w$}", s.rule, w = RULE_COL - 6);
        let first = if first.chars().count() > RULE_COL {
            format!("{first} ")
        } else {
            first
        };
        let text = format!("{} [{}]", show(&s.text), show(&s.source.to_string()));
        wrap(out, &first, RULE_COL, &text);
    }
}

fn principal_block(out: &mut String, pa: &PrincipalAccess) {
    let _ = write!(
        out,
        "{}  ({})",
        show(&pa.principal.name),
        crate::model::principal::kind_word(pa.principal.kind)
    );
    if !pa.actions.is_empty() {
        let _ = write!(out, "  can: {}", pa.actions.join(", "));
    }
    if let Some(l) = pa.latent {
        let _ = write!(out, "  [{l} only: must activate first]");
    }
    if pa.conditional {
        let _ = write!(out, "  [conditional]");
    }
    out.push('\n');
    for (i, p) in pa.paths.iter().enumerate() {
        path_lines(out, i, p);
    }
    if pa.more_paths > 0 {
        let _ = writeln!(out, "    … {} more path(s) not shown", pa.more_paths);
    }
}

pub fn who_can(w: &WhoCan, op: Option<&str>) -> String {
    let mut out = String::new();
    let what = op.unwrap_or("reach");
    let _ = writeln!(
        out,
        "Who can {what} {} {}",
        w.resource.kind.word(),
        show(&w.resource.name)
    );
    if let Some(a) = &w.action {
        labeled(&mut out, "action", &show(a));
    }
    let _ = writeln!(out, "  {} principal(s)\n", w.principals.len());
    for pa in &w.principals {
        principal_block(&mut out, pa);
        out.push('\n');
    }
    for n in &w.notes {
        wrap(&mut out, "note: ", 6, &show(n));
    }
    out
}

fn resource_block(out: &mut String, r: &ResourceAccess) {
    let _ = writeln!(
        out,
        "{} {}  can: {}{}",
        r.resource.kind.word(),
        show(&r.resource.name),
        r.actions.join(", "),
        r.latent
            .map(|l| format!("  [{l} only: must activate first]"))
            .unwrap_or_default()
            + if r.conditional { "  [conditional]" } else { "" }
    );
    for (i, p) in r.paths.iter().enumerate() {
        path_lines(out, i, p);
    }
    if r.more_paths > 0 {
        let _ = writeln!(out, "    … {} more path(s) not shown", r.more_paths);
    }
}

pub fn what_can(w: &WhatCan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "What {} ({}) can reach",
        show(&w.principal.name),
        crate::model::principal::kind_word(w.principal.kind)
    );
    if let Some(a) = &w.action {
        labeled(&mut out, "action", &show(a));
    }
    let _ = writeln!(out, "  {} resource(s)\n", w.resources.len());
    for r in &w.resources {
        resource_block(&mut out, r);
        out.push('\n');
    }
    for n in &w.notes {
        wrap(&mut out, "note: ", 6, &show(n));
    }
    out
}

pub fn explain(e: &Explanation) -> String {
    let mut out = String::new();
    let mut verdict = match (e.allowed, e.latent) {
        (true, Some(l)) => format!("YES, {l} only (after activating)"),
        (true, None) => "YES".to_string(),
        (false, _) => "NO".to_string(),
    };
    if e.conditional {
        verdict.push_str(", if the request meets a condition");
    }
    let _ = writeln!(
        out,
        "{verdict}: {} → {} {}",
        show(&e.principal.name),
        e.resource.kind.word(),
        show(&e.resource.name)
    );
    labeled(&mut out, "action", &show(&e.action));
    out.push('\n');
    for (i, p) in e.paths.iter().enumerate() {
        path_lines(&mut out, i, p);
    }
    if e.more_paths > 0 {
        let _ = writeln!(out, "    … {} more path(s) not shown", e.more_paths);
    }
    if !e.why_not.is_empty() {
        out.push_str("why not:\n");
        for m in &e.why_not {
            let first = format!("  {:<w$}", m.rule, w = RULE_COL - 2);
            let first = if first.chars().count() > RULE_COL {
                format!("{first} ")
            } else {
                first
            };
            wrap(&mut out, &first, RULE_COL, &show(&m.text));
        }
    }
    if !e.fixes.is_empty() {
        out.push_str("fixes (least privilege first):\n");
        for f in e.fixes.iter().take(TEXT_FIXES) {
            let head = format!(
                "{} on {} for {} (also grants: {})",
                f.role, f.at, f.principal, f.grants_also
            );
            wrap(&mut out, "  - ", 4, &show(&head));
            // commands stay on one line so they can be copied
            let _ = writeln!(out, "    $ {}", show(&f.command));
        }
        if e.fixes.len() > TEXT_FIXES {
            let _ = writeln!(
                out,
                "  … {} more with --format json",
                e.fixes.len() - TEXT_FIXES
            );
        }
    }
    for n in &e.notes {
        wrap(&mut out, "note: ", 6, &show(n));
    }
    out
}

pub fn findings(fs: &[Finding]) -> String {
    let mut out = String::new();
    for f in fs {
        let first = format!("{:<7} {:<18}", f.severity.to_string(), f.rule);
        let text = format!("{} [{}]", show(&f.message), show(&f.source.to_string()));
        wrap(&mut out, &format!("{first} "), 27, &text);
    }
    let count = |s| fs.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        out,
        "{} finding(s): {} error(s), {} warning(s), {} info",
        fs.len(),
        count(crate::finding::Severity::Error),
        count(crate::finding::Severity::Warning),
        count(crate::finding::Severity::Info)
    );
    out
}

/// What `reach [PATH]` prints without the TUI: counts by kind, findings, commands to try.
pub fn summary(e: &crate::engine::Engine, demo: bool) -> String {
    use crate::model::ResKind;
    let m = e.model();
    let mut out = String::new();
    let label = if demo {
        "built-in demo project".to_string()
    } else {
        show(&m.label).into_owned()
    };
    let _ = writeln!(out, "reach: loaded {label}: {} file(s)", m.files.len());
    let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
    for s in m.scope_ids() {
        let k = m.scope(s).kind;
        if !matches!(k, ResKind::Root) {
            *kinds.entry(k.word()).or_default() += 1;
        }
    }
    let ks: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    wrap(&mut out, "  resources: ", 13, &ks.join(", "));
    let _ = writeln!(
        out,
        "  principals: {}, roles: {}, assignments: {}, deny assignments: {}",
        m.principals.len(),
        m.roles.len(),
        m.assignments.len(),
        m.denies.len()
    );
    let fs = e.lint();
    let errors = fs
        .iter()
        .filter(|f| f.severity == crate::finding::Severity::Error)
        .count();
    let _ = writeln!(
        out,
        "  findings: {} ({errors} error(s)) — see `reach lint`",
        fs.len()
    );
    let p = if demo {
        "--demo".to_string()
    } else {
        format!("-p {}", show(&m.label))
    };
    out.push_str("\nTry:\n");
    let first_ep = m
        .scopes_of_kind(ResKind::OnlineEndpoint)
        .next()
        .map(|s| m.scope_ref(s))
        .unwrap_or_else(|| "endpoint:NAME".into());
    let _ = writeln!(out, "  reach who-can {first_ep} --action score {p}");
    let _ = writeln!(out, "  reach what-can PRINCIPAL {p}");
    let _ = writeln!(
        out,
        "  reach explain PRINCIPAL {first_ep} --action score {p}"
    );
    let _ = writeln!(out, "  reach lint {p}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_80_with_hanging_indent() {
        let mut out = String::new();
        let long = "word ".repeat(40);
        wrap(&mut out, "      RBAC-SCOPE    ", 20, long.trim());
        for l in out.lines() {
            assert!(l.chars().count() <= 80, "{l}");
        }
        assert!(out
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with(&" ".repeat(20))));
    }
}
