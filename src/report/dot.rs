//! Graphviz DOT of the access graph (`reach export --format dot`): principals → groups and
//! identities → role assignments → resources, edges labelled with rule IDs. Node ids are
//! generated (`n1`…); every label is a quoted, escaped string.

use crate::engine::graphview::{GraphView, NodeKind};
use std::fmt::Write;

/// A DOT double-quoted string: escaped, redacted, quotes and backslashes escaped.
fn quote(s: &str) -> String {
    let shown = crate::text::show(s);
    let mut out = String::with_capacity(shown.len() + 2);
    out.push('"');
    for c in shown.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn shape(k: NodeKind) -> &'static str {
    match k {
        NodeKind::User => "shape=ellipse, style=filled, fillcolor=\"#dbe9f6\"",
        NodeKind::Group => "shape=ellipse, style=\"filled,dashed\", fillcolor=\"#e4f3e0\"",
        NodeKind::ServicePrincipal => "shape=hexagon, style=filled, fillcolor=\"#f3e6f8\"",
        NodeKind::Identity => "shape=hexagon, style=filled, fillcolor=\"#fff2cc\"",
        NodeKind::Role => "shape=note, style=filled, fillcolor=\"#f2f2f2\"",
        NodeKind::Resource => "shape=box, style=\"filled,bold\", fillcolor=\"#fde2e1\"",
    }
}

pub fn render(g: &GraphView) -> String {
    let mut out = String::from("digraph reach {\n");
    let _ = writeln!(out, "  label={};", quote(&g.title));
    out.push_str("  labelloc=t;\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=8];\n");
    for n in &g.nodes {
        let _ = writeln!(
            out,
            "  {} [label={}, {}];",
            n.id,
            quote(&n.label),
            shape(n.kind)
        );
    }
    for e in &g.edges {
        let _ = writeln!(
            out,
            "  {} -> {} [label={}];",
            e.from,
            e.to,
            quote(&e.rules.join("\n"))
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_are_escaped() {
        assert_eq!(super::quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
