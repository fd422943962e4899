//! Mermaid flowchart of the access graph (`reach export --format mermaid`), the same graph as
//! the DOT output. Emits a small subset of the grammar: `flowchart LR`, node statements
//! `id["label"]` / `id(["label"])` / `id{{"label"}}` / `id[/"label"/]`, edges `a -->|"rules"| b`
//! and `classDef`/`class` lines. Labels are quoted with `"` replaced by `#quot;`.

use crate::engine::graphview::{GraphView, NodeKind};
use std::fmt::Write;

/// A quoted Mermaid label: escaped, redacted; characters with meaning in Mermaid text are
/// written as entity codes.
pub fn label(s: &str) -> String {
    let shown = crate::text::show(s);
    let mut out = String::from("\"");
    for c in shown.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn node(id: &str, kind: NodeKind, text: &str) -> String {
    let l = label(text);
    match kind {
        NodeKind::User | NodeKind::Group => format!("{id}([{l}])"),
        NodeKind::ServicePrincipal | NodeKind::Identity => format!("{id}{{{{{l}}}}}"),
        NodeKind::Role => format!("{id}[/{l}/]"),
        NodeKind::Resource => format!("{id}[{l}]"),
    }
}

fn class(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::User => "user",
        NodeKind::Group => "group",
        NodeKind::ServicePrincipal => "sp",
        NodeKind::Identity => "identity",
        NodeKind::Role => "role",
        NodeKind::Resource => "resource",
    }
}

pub fn render(g: &GraphView) -> String {
    let mut out = String::new();
    let title = crate::text::show(&g.title).replace(['\n', '\r'], " ");
    let _ = writeln!(out, "%% reach: {title}");
    out.push_str("flowchart LR\n");
    for n in &g.nodes {
        let _ = writeln!(out, "  {}", node(&n.id, n.kind, &n.label));
    }
    for e in &g.edges {
        let _ = writeln!(
            out,
            "  {} -->|{}| {}",
            e.from,
            label(&e.rules.join(", ")),
            e.to
        );
    }
    for (k, style) in [
        (NodeKind::User, "fill:#dbe9f6"),
        (NodeKind::Group, "fill:#e4f3e0,stroke-dasharray:4"),
        (NodeKind::ServicePrincipal, "fill:#f3e6f8"),
        (NodeKind::Identity, "fill:#fff2cc"),
        (NodeKind::Role, "fill:#f2f2f2"),
        (NodeKind::Resource, "fill:#fde2e1,stroke-width:2px"),
    ] {
        let ids: Vec<&str> = g
            .nodes
            .iter()
            .filter(|n| n.kind == k)
            .map(|n| n.id.as_str())
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(out, "  classDef {} {style}", class(k));
            let _ = writeln!(out, "  class {} {}", ids.join(","), class(k));
        }
    }
    out
}
