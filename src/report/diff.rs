//! `reach diff` as text: access gained and lost (principal, class and operation, resource, and
//! the path that is new or gone), then findings added and resolved.

use crate::engine::diff::{Change, Diff};
use crate::text::show;
use std::fmt::Write;

fn change(out: &mut String, sign: char, c: &Change) {
    let _ = writeln!(
        out,
        "{sign} {}  {} ({})  {}",
        show(&c.principal.name),
        c.class.word(),
        c.action,
        show(&c.reference)
    );
    for (mark, p) in [("new path:", &c.path), ("gone path:", &c.gone_path)] {
        let Some(p) = p else { continue };
        if sign == '~' {
            let _ = writeln!(out, "    {mark}");
        }
        for s in &p.steps {
            let _ = writeln!(
                out,
                "      {:<18} {} [{}]",
                s.rule,
                show(&s.text),
                show(&s.source.to_string())
            );
        }
    }
}

pub fn text(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Access gained: {}, lost: {}, reached another way: {}; findings added: {}, resolved: {}",
        d.gained.len(),
        d.lost.len(),
        d.changed.len(),
        d.findings_added.len(),
        d.findings_resolved.len()
    );
    if !d.eligible_gained.is_empty() {
        let _ = writeln!(
            out,
            "Eligibility gained (latent: reached after activating a role): {}",
            d.eligible_gained.len()
        );
    }
    if !d.gained.is_empty() {
        out.push_str("\nGained\n");
        d.gained.iter().for_each(|c| change(&mut out, '+', c));
    }
    if !d.eligible_gained.is_empty() {
        out.push_str("\nEligibility gained\n");
        d.eligible_gained
            .iter()
            .for_each(|c| change(&mut out, '+', c));
    }
    if !d.lost.is_empty() {
        out.push_str("\nLost\n");
        d.lost.iter().for_each(|c| change(&mut out, '-', c));
    }
    if !d.changed.is_empty() {
        out.push_str("\nReached another way\n");
        d.changed.iter().for_each(|c| change(&mut out, '~', c));
    }
    for (title, sign, fs) in [
        ("Findings added", '+', &d.findings_added),
        ("Findings resolved", '-', &d.findings_resolved),
    ] {
        if fs.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}");
        for f in fs {
            let _ = writeln!(
                out,
                "{sign} {:<7} {:<18} {} [{}]",
                f.severity.to_string(),
                show(&f.rule),
                show(&f.message),
                show(&f.source.to_string())
            );
        }
    }
    out
}
