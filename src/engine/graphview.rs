//! The access graph as nodes and labelled edges, for drawing (`reach export --format
//! dot|mermaid`): principals → groups / identities acted as → role assignments → resources, each
//! edge labelled with the rule IDs of the steps it stands for. Built from who-can paths.

use super::review::{HopIndex, Review};
use super::AccessPath;
use crate::model::{Model, PrincipalKind, ResKind};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    User,
    Group,
    ServicePrincipal,
    Identity,
    Role,
    Resource,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Stable, graph-safe id (`n1`, `n2`… in order of first appearance).
    pub id: String,
    pub label: String,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub rules: Vec<&'static str>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct GraphView {
    pub title: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

pub(crate) struct Builder<'a> {
    m: &'a Model,
    hops: HopIndex,
    view: GraphView,
    ids: BTreeMap<(NodeKind, String), String>,
    edges: BTreeMap<(String, String), Vec<&'static str>>,
    order: Vec<(String, String)>,
}

fn principal_kind(m: &Model, name: &str) -> NodeKind {
    let k = m
        .principals
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| p.kind);
    match k {
        Some(PrincipalKind::User) => NodeKind::User,
        Some(PrincipalKind::Group) => NodeKind::Group,
        Some(PrincipalKind::ServicePrincipal) => NodeKind::ServicePrincipal,
        _ => NodeKind::Identity,
    }
}

impl<'a> Builder<'a> {
    pub fn new(m: &'a Model, title: String) -> Self {
        Builder {
            m,
            hops: HopIndex::new(m),
            view: GraphView {
                title,
                ..Default::default()
            },
            ids: BTreeMap::new(),
            edges: BTreeMap::new(),
            order: Vec::new(),
        }
    }

    fn node(&mut self, kind: NodeKind, label: &str) -> String {
        let key = (kind, label.to_string());
        if let Some(id) = self.ids.get(&key) {
            return id.clone();
        }
        let id = format!("n{}", self.ids.len() + 1);
        self.ids.insert(key, id.clone());
        self.view.nodes.push(Node {
            id: id.clone(),
            label: label.to_string(),
            kind,
        });
        id
    }

    fn edge(&mut self, from: &str, to: &str, rules: &[&'static str]) {
        let k = (from.to_string(), to.to_string());
        let e = self.edges.entry(k.clone()).or_insert_with(|| {
            self.order.push(k);
            Vec::new()
        });
        for r in rules {
            if !e.contains(r) {
                e.push(r);
            }
        }
    }

    /// "X holds ROLE on KIND NAME, …" or "X got ROLE on NAME …": the role and where.
    fn role_in(&self, text: &str) -> Option<String> {
        self.m.roles.iter().find_map(|r| {
            ["holds", "got"].iter().find_map(|verb| {
                let pat = format!(" {verb} {} on ", r.name);
                let (_, rest) = text.split_once(pat.as_str())?;
                let end = rest
                    .find([',', ';', '('])
                    .unwrap_or(rest.len())
                    .min(rest.find(" automatically").unwrap_or(rest.len()));
                let (at, _) = rest.split_at_checked(end)?;
                Some(format!("{} @ {}", r.name, at.trim()))
            })
        })
    }

    /// Add one path from `who` to the resource `target`.
    pub fn path(&mut self, who: &str, target: &str, p: &AccessPath) {
        let mut cur = self.node(principal_kind(self.m, who), who);
        let mut seen = vec![who.to_ascii_lowercase()];
        let mut pending: Vec<&'static str> = Vec::new();
        for s in &p.steps {
            pending.push(s.rule);
            let next = self
                .hops
                .names_in(&s.text)
                .into_iter()
                .find(|n| !seen.contains(&n.to_ascii_lowercase()));
            if let Some(n) = next {
                seen.push(n.to_ascii_lowercase());
                let id = self.node(principal_kind(self.m, &n), &n);
                self.edge(&cur, &id, &pending);
                pending.clear();
                cur = id;
            } else if let Some(role) = self.role_in(&s.text) {
                let id = self.node(NodeKind::Role, &role);
                self.edge(&cur, &id, &pending);
                pending.clear();
                cur = id;
            }
        }
        let t = self.node(NodeKind::Resource, target);
        self.edge(&cur, &t, &pending);
    }

    pub fn finish(mut self) -> GraphView {
        for k in self.order {
            let rules = self.edges.remove(&k).unwrap_or_default();
            self.view.edges.push(Edge {
                from: k.0,
                to: k.1,
                rules,
            });
        }
        self.view
    }
}

/// The graph of a review: every path to every sensitive resource.
pub fn from_review(m: &Model, r: &Review, title: String) -> GraphView {
    let mut b = Builder::new(m, title);
    for ws in &r.workspaces {
        for res in &ws.resources {
            for reach in &res.reach {
                for p in &reach.paths {
                    b.path(&reach.principal.name, &res.reference, p);
                }
            }
        }
    }
    b.finish()
}

/// The graph of one what-can answer: `who` to each resource.
pub fn from_what_can(m: &Model, w: &super::WhatCan) -> GraphView {
    let mut b = Builder::new(m, format!("what {} can reach", w.principal.name));
    for r in &w.resources {
        let target = resource_label(r.resource.kind, &r.resource.name);
        for p in &r.paths {
            b.path(&w.principal.name, &target, p);
        }
    }
    b.finish()
}

/// The graph of one who-can answer.
pub fn from_who_can(m: &Model, w: &super::WhoCan) -> GraphView {
    let target = resource_label(w.resource.kind, &w.resource.name);
    let mut b = Builder::new(m, format!("who can reach {target}"));
    for pa in &w.principals {
        for p in &pa.paths {
            b.path(&pa.principal.name, &target, p);
        }
    }
    b.finish()
}

fn resource_label(k: ResKind, name: &str) -> String {
    format!("{}:{name}", k.word())
}
