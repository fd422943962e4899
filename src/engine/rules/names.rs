//! NAME-CONTROL-CHARS: a name taken from a config holds terminal control or BIDI characters.
//! reach shows them escaped, but other tools (the portal, `az`, a terminal `cat`) may not.

use super::Rule;
use crate::engine::graph::AccessGraph;
use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::source::Source;
use crate::text::{escape, has_dangerous};

pub const RULES: &[Rule] = &[Rule {
    id: "NAME-CONTROL-CHARS",
    summary: "a name in the configs holds terminal control or BIDI characters (shown escaped)",
    detail: "A principal, resource, role or file name contains a control character (ESC, a CSI/OSC sequence, BEL, backspace, carriage return…) or a BIDI override/isolate. reach always shows such names escaped (\\e, \\r, \\u{202e}…), but another tool printing the same name could let it move the cursor, rewrite the screen, hide text or reverse how a name reads. Such a name is almost never legitimate: check who created it.",
    seed: "reach (hostile input: terminal injection)",
    lint: true,
    apply,
}];

fn warn(g: &mut AccessGraph, what: &str, name: &str, source: Source) {
    let msg = format!(
        "{what} name \"{}\" contains terminal control or BIDI characters (shown escaped)",
        escape(name)
    );
    g.finding(Finding::new(
        "NAME-CONTROL-CHARS",
        Severity::Warning,
        msg,
        escape(name).into_owned(),
        source,
    ));
}

fn first(sources: &[Source]) -> Source {
    sources.first().cloned().unwrap_or(Source::Rule)
}

fn apply(m: &Model, g: &mut AccessGraph) {
    // A managed identity's name is its resource's name: reported once, as the resource.
    for p in m.principals.iter().filter(|p| p.resource.is_none()) {
        let names = [Some(&p.name), p.upn.as_ref(), p.display_name.as_ref()];
        let mut seen: Vec<&str> = Vec::new();
        for n in names.into_iter().flatten() {
            if has_dangerous(n) && !seen.contains(&n.as_str()) {
                seen.push(n);
                warn(g, "principal", n, first(&p.sources));
            }
        }
    }
    for s in &m.scopes {
        if has_dangerous(&s.name) {
            warn(g, "resource", &s.name, first(&s.sources));
        }
    }
    for r in m.roles.iter().filter(|r| !r.builtin) {
        if has_dangerous(&r.name) {
            warn(g, "role", &r.name, r.source.clone());
        }
    }
    for f in &m.files {
        if has_dangerous(&f.path) {
            let src = Source::File {
                file: std::sync::Arc::from(f.path.as_str()),
            };
            warn(g, "file", &f.path, src);
        }
    }
}
