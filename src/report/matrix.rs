//! `reach matrix`: principals × resources as a text grid (numbered columns with a legend, so it
//! fits 80 columns), CSV, or JSON. A cell is the strongest access class (`R` read, `U` use,
//! `S` secrets, `W` write) or, with `--action`, `✓` when the action is allowed; a cell reached
//! only by latent access (a PIM-eligible role) is in lower case (`w`, `e` for an action).

use crate::engine::matrix::{Matrix, MatrixRow};
use crate::text::show;
use std::fmt::Write;

const NAME_COL: usize = 28;

/// The rows shown: all, or (collapsed) only those not implied by a group row.
fn rows(m: &Matrix, collapse: bool) -> Vec<&MatrixRow> {
    m.principals
        .iter()
        .filter(|r| !collapse || !r.only_via_groups)
        .collect()
}

fn cell_text(m: &Matrix, r: &MatrixRow, reference: &str, ascii: bool) -> String {
    let mut t = cell_base(m, r, reference, ascii);
    if r.cells.get(reference).is_some_and(|c| c.conditional) {
        t.push('?');
    }
    t
}

fn cell_base(m: &Matrix, r: &MatrixRow, reference: &str, ascii: bool) -> String {
    match r.cells.get(reference) {
        None => ".".into(),
        Some(c) if c.latent.is_some() && m.action.is_some() => "e".into(),
        Some(c) if c.latent.is_some() => c.class.letter().to_ascii_lowercase().to_string(),
        Some(_) if m.action.is_some() => if ascii { "y" } else { "✓" }.into(),
        Some(c) => c.class.letter().to_string(),
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub fn text(m: &Matrix, collapse: bool) -> String {
    let mut out = String::new();
    match &m.action {
        Some(a) => {
            let _ = writeln!(out, "Access matrix: who can {} (✓ allowed, . not)", show(a));
        }
        None => out.push_str(
            "Access matrix: strongest access (W write, S secrets, U use, R read, . none)\n",
        ),
    }
    if m.principals
        .iter()
        .any(|r| r.cells.values().any(|c| c.conditional))
    {
        out.push_str("  ? after a cell: only if the request meets an ABAC condition\n");
    }
    if m.principals
        .iter()
        .any(|r| r.cells.values().any(|c| c.latent.is_some()))
    {
        out.push_str("  lower case (e for an action): only after activating a PIM-eligible role\n");
    }
    if m.resources.is_empty() {
        out.push_str("  no resources match\n");
        return out;
    }
    let mut head = format!("{:<NAME_COL$}", "");
    for i in 0..m.resources.len() {
        let _ = write!(head, "{:>3}", i + 1);
    }
    out.push_str(head.trim_end());
    out.push('\n');
    for r in rows(m, collapse) {
        let mut name = show(&r.principal.name).into_owned();
        if collapse && r.principal.kind == crate::model::PrincipalKind::Group {
            name.push_str(" (+members)");
        }
        let mut line = format!("{:<NAME_COL$}", clip(&name, NAME_COL - 1));
        for res in &m.resources {
            let _ = write!(line, "{:>3}", cell_text(m, r, &res.reference, false));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    for (i, res) in m.resources.iter().enumerate() {
        let _ = writeln!(out, "{:>3}  {}", i + 1, show(&res.reference));
    }
    let hidden = m.principals.len() - rows(m, collapse).len();
    if hidden > 0 {
        let _ = writeln!(
            out,
            "\n{hidden} principal(s) that reach these only through a group are folded into it; \
             drop --collapse-groups to list them"
        );
    }
    out
}

/// A CSV field (RFC 4180 quoting).
fn csv_field(s: &str) -> String {
    let s = show(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

pub fn csv(m: &Matrix, collapse: bool) -> String {
    let mut out = String::from("principal,type");
    for r in &m.resources {
        out.push(',');
        out.push_str(&csv_field(&r.reference));
    }
    out.push('\n');
    for r in rows(m, collapse) {
        out.push_str(&csv_field(&r.principal.name));
        out.push(',');
        out.push_str(crate::model::principal::kind_word(r.principal.kind));
        for res in &m.resources {
            out.push(',');
            if let Some(c) = r.cells.get(&res.reference) {
                out.push_str(if m.action.is_some() {
                    "yes"
                } else {
                    c.class.word()
                });
                if let Some(l) = c.latent {
                    out.push_str(&format!(" ({l})"));
                }
                if c.conditional {
                    out.push_str(" (conditional)");
                }
            }
        }
        out.push('\n');
    }
    out
}

/// As JSON, with `incomplete` when loading dropped input (`json::to_string_noting`).
pub fn json(m: &Matrix, collapse: bool, incomplete: &[crate::load::Incomplete]) -> String {
    if collapse {
        let mut v = m.clone();
        v.principals.retain(|r| !r.only_via_groups);
        super::json::to_string_noting(&v, incomplete)
    } else {
        super::json::to_string_noting(m, incomplete)
    }
}
