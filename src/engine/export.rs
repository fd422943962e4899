//! The whole access model as plain data (`reach export --format json`): principals, resources,
//! assignments with sources, the edges the rules added, and every finding.

use super::Engine;
use crate::finding::Finding;
use crate::model::principal::kind_word;
use crate::source::Source;
use serde::Serialize;

#[derive(Serialize)]
pub struct ExportDoc {
    pub format: &'static str,
    pub principals: Vec<ExportPrincipal>,
    pub resources: Vec<ExportResource>,
    pub assignments: Vec<ExportAssignment>,
    pub deny_assignments: Vec<ExportDeny>,
    pub rule_edges: Vec<ExportEdge>,
    pub findings: Vec<Finding>,
}

#[derive(Serialize)]
pub struct ExportPrincipal {
    pub name: String,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub member_of: Vec<String>,
    pub sources: Vec<Source>,
}

#[derive(Serialize)]
pub struct ExportResource {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub parent: Option<String>,
    pub sources: Vec<Source>,
}

#[derive(Serialize)]
pub struct ExportAssignment {
    pub principal: String,
    pub role: String,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    pub source: Source,
}

#[derive(Serialize)]
pub struct ExportDeny {
    pub name: String,
    pub scope: String,
    pub source: Source,
}

/// An edge a rule added: an implicit grant, a derivation or an acts-as.
#[derive(Serialize)]
pub struct ExportEdge {
    pub rule: &'static str,
    pub kind: &'static str,
    pub text: String,
    pub scope: Option<String>,
    pub source: Source,
}

impl Engine {
    pub fn export(&self) -> ExportDoc {
        let m = self.model();
        let g = self.graph();
        let principals = m
            .principal_ids()
            .map(|p| {
                let pr = m.principal(p);
                ExportPrincipal {
                    name: pr.name.clone(),
                    id: self.principal_ref(p).id,
                    kind: kind_word(pr.kind),
                    member_of: pr
                        .member_of
                        .iter()
                        .map(|(g, _)| m.principal(*g).name.clone())
                        .collect(),
                    sources: pr.sources.clone(),
                }
            })
            .collect();
        let resources = m
            .scope_ids()
            .map(|s| {
                let sc = m.scope(s);
                ExportResource {
                    id: sc.id.to_string(),
                    kind: sc.kind.word(),
                    name: sc.name.clone(),
                    parent: sc.parent.map(|p| m.scope(p).id.to_string()),
                    sources: sc.sources.clone(),
                }
            })
            .collect();
        let assignments = m
            .assignments
            .iter()
            .map(|a| ExportAssignment {
                principal: m.principal(a.principal).name.clone(),
                role: m.role(a.role).name.clone(),
                scope: m.scope(a.scope).id.to_string(),
                condition: a.condition.clone(),
                source: a.source.clone(),
            })
            .collect();
        let deny_assignments = m
            .denies
            .iter()
            .map(|d| ExportDeny {
                name: d.name.clone(),
                scope: m.scope(d.scope).id.to_string(),
                source: d.source.clone(),
            })
            .collect();
        let mut rule_edges = Vec::new();
        let mut scopes: Vec<_> = g
            .grants
            .keys()
            .chain(g.derivations.keys())
            .copied()
            .collect();
        scopes.sort();
        scopes.dedup();
        for s in scopes {
            let sid = Some(m.scope(s).id.to_string());
            for gr in g.grants.get(&s).into_iter().flatten() {
                rule_edges.push(ExportEdge {
                    rule: gr.rule,
                    kind: "grant",
                    text: gr.text.clone(),
                    scope: sid.clone(),
                    source: gr.source.clone(),
                });
            }
            for d in g.derivations.get(&s).into_iter().flatten() {
                rule_edges.push(ExportEdge {
                    rule: d.rule,
                    kind: "derivation",
                    text: d.text.clone(),
                    scope: sid.clone(),
                    source: d.source.clone(),
                });
            }
        }
        let mut ids: Vec<_> = g.acts_as.keys().copied().collect();
        ids.sort();
        for p in ids {
            for a in g.acts_as.get(&p).into_iter().flatten() {
                // an edge with alternatives is listed once per alternative, in its words
                let texts: Vec<&String> = match a.any_of.is_empty() {
                    true => vec![&a.text],
                    false => a.any_of.iter().map(|alt| &alt.text).collect(),
                };
                for text in texts {
                    rule_edges.push(ExportEdge {
                        rule: a.rule,
                        kind: "acts-as",
                        text: text.clone(),
                        scope: None,
                        source: a.source.clone(),
                    });
                }
            }
        }
        ExportDoc {
            format: "reach-export/1",
            principals,
            resources,
            assignments,
            deny_assignments,
            rule_edges,
            findings: self.lint(),
        }
    }
}
