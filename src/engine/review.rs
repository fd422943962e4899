//! Plain data for security reviews (`reach export --format markdown|dot|mermaid`, `reach matrix`,
//! `reach diff`): the sensitive resources of each workspace, who reaches each and how, grouped
//! into action classes, with the identity hops of each path. Gathered from `who_can`; no
//! formatting here.

use super::{AccessPath, Engine, PrincipalRef, ResourceRef, WhoCan};
use crate::finding::Finding;
use crate::model::{Attrs, Model, ResKind, ScopeId};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// How much an operation gives, weakest first: `read` (see the resource), `use` (its data
/// plane: score, read blobs, pull images, submit jobs, get a token), `secrets` (keys, secrets,
/// credentials), `write` (change, delete or take over the resource or act as it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessClass {
    Read,
    Use,
    Secrets,
    Write,
}

impl AccessClass {
    pub fn word(self) -> &'static str {
        match self {
            AccessClass::Read => "read",
            AccessClass::Use => "use",
            AccessClass::Secrets => "secrets",
            AccessClass::Write => "write",
        }
    }
    /// One letter for dense tables (`R`, `U`, `S`, `W`).
    pub fn letter(self) -> char {
        match self {
            AccessClass::Read => 'R',
            AccessClass::Use => 'U',
            AccessClass::Secrets => 'S',
            AccessClass::Write => 'W',
        }
    }
}

/// The class of an operation name or full Azure action.
pub fn class_of(op: &str) -> AccessClass {
    let o = op.to_ascii_lowercase();
    let secret = [
        "list-keys",
        "regenerate-keys",
        "read-secrets",
        "read-connection-secrets",
    ];
    let used = [
        "score",
        "get-token",
        "read-blobs",
        "pull-image",
        "submit-job",
    ];
    if secret.contains(&o.as_str())
        || [
            "listkeys",
            "listsecrets",
            "listcredentials",
            "getsecret",
            "regeneratekey",
        ]
        .iter()
        .any(|k| o.contains(k))
    {
        AccessClass::Secrets
    } else if used.contains(&o.as_str())
        || ["/score/", "/token/", "blobs/read", "pull/read"]
            .iter()
            .any(|k| o.contains(k))
    {
        AccessClass::Use
    } else if o == "read" || o.ends_with("/read") {
        AccessClass::Read
    } else {
        AccessClass::Write
    }
}

/// Resource kinds a review covers by default.
pub const SENSITIVE: [ResKind; 7] = [
    ResKind::OnlineEndpoint,
    ResKind::BatchEndpoint,
    ResKind::Datastore,
    ResKind::Storage,
    ResKind::KeyVault,
    ResKind::Registry,
    ResKind::Connection,
];

/// One principal's reach to one resource, summarised.
#[derive(Clone, Debug, Serialize)]
pub struct Reach {
    pub principal: PrincipalRef,
    pub classes: Vec<AccessClass>,
    pub actions: Vec<String>,
    /// Rule IDs over every path, sorted.
    pub rules: Vec<&'static str>,
    /// Distinct identity hops (groups, identities acted as) of the paths, shortest first.
    pub via: Vec<Vec<String>>,
    pub paths: Vec<AccessPath>,
    /// Reached by latent paths only (`eligible`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latent: Option<&'static str>,
    /// Reached only by conditional paths (RBAC-CONDITION).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
    /// Paths the query left out (then `paths` may not show every kind of access).
    #[serde(skip)]
    pub more_paths: usize,
}

impl Reach {
    pub fn strongest(&self) -> Option<AccessClass> {
        self.classes.iter().max().copied()
    }
}

/// A sensitive resource and everyone who reaches it.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceReview {
    pub resource: ResourceRef,
    /// `kind:name` reference, as typed on the command line.
    pub reference: String,
    /// What it sits on or is tied to (a datastore's storage account), as a reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backed_by: Option<String>,
    pub reach: Vec<Reach>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct WorkspaceReview {
    /// None: resources tied to no workspace.
    pub workspace: Option<ResourceRef>,
    pub resources: Vec<ResourceReview>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Review {
    pub project: String,
    pub workspaces: Vec<WorkspaceReview>,
    pub findings: Vec<Finding>,
}

/// Principal names found in step texts, for identity hops.
pub struct HopIndex {
    names: HashMap<String, String>,
}

impl HopIndex {
    pub fn new(m: &Model) -> HopIndex {
        let names = m
            .principals
            .iter()
            .map(|p| (p.name.to_ascii_lowercase(), p.name.clone()))
            .collect();
        HopIndex { names }
    }

    /// Principal names mentioned in `text`, in order.
    pub fn names_in(&self, text: &str) -> Vec<String> {
        text.split_whitespace()
            .map(|w| w.trim_matches(|c: char| ",;()'\"[]".contains(c) || c == '.'))
            .filter_map(|w| self.names.get(&w.to_ascii_lowercase()).cloned())
            .collect()
    }

    /// The principals a path passes through after its first, in order.
    pub fn hops(&self, who: &str, p: &AccessPath) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &p.steps {
            for n in self.names_in(&s.text) {
                if !n.eq_ignore_ascii_case(who) && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }
}

/// Turn one who-can answer into per-principal summaries.
pub fn summarise(w: &WhoCan, hops: &HopIndex, single_op: Option<&str>) -> Vec<Reach> {
    w.principals
        .iter()
        .map(|pa| {
            let actions = if pa.actions.is_empty() {
                single_op.map(str::to_string).into_iter().collect()
            } else {
                pa.actions.clone()
            };
            let classes: BTreeSet<AccessClass> = actions.iter().map(|a| class_of(a)).collect();
            let rules: BTreeSet<&'static str> = pa
                .paths
                .iter()
                .flat_map(|p| p.rules.iter().copied())
                .collect();
            let mut via: Vec<Vec<String>> = Vec::new();
            for p in &pa.paths {
                let h = hops.hops(&pa.principal.name, p);
                if !via.contains(&h) {
                    via.push(h);
                }
            }
            Reach {
                principal: pa.principal.clone(),
                classes: classes.into_iter().collect(),
                actions,
                rules: rules.into_iter().collect(),
                via,
                paths: pa.paths.clone(),
                latent: pa.latent,
                conditional: pa.conditional,
                more_paths: pa.more_paths,
            }
        })
        .collect()
}

impl Engine {
    /// Who reaches `s` (every summarised operation, or `op`), summarised per principal.
    pub fn reach_of(
        &self,
        s: ScopeId,
        op: Option<&str>,
        hops: &HopIndex,
    ) -> Option<ResourceReview> {
        let w = self.who_can(s, op).ok()?;
        let single = op.map(str::to_string).or_else(|| self.single_op(s));
        let m = self.model();
        let backed_by = match &m.scope(s).attrs {
            Attrs::Datastore(d) => d.storage.map(|st| m.scope_ref(st)),
            _ => None,
        };
        Some(ResourceReview {
            reference: m.scope_ref(s),
            backed_by,
            reach: summarise(&w, hops, single.as_deref()),
            notes: w.notes.clone(),
            resource: w.resource,
        })
    }

    /// The one summarised operation of a resource, when only one applies (who_can then lists
    /// no per-principal actions).
    fn single_op(&self, s: ScopeId) -> Option<String> {
        let ops: Vec<&str> = super::action::summary_ops(self.model().scope(s).kind)
            .into_iter()
            .filter(|o| super::action::resolve(self.model(), s, o).is_ok())
            .collect();
        match ops.as_slice() {
            [one] => Some(one.to_string()),
            _ => None,
        }
    }

    /// The sensitive resources, grouped by workspace: each workspace's endpoints, datastores
    /// (each followed by its storage), connections, then its key vault, registry and storage;
    /// resources tied to no workspace come last.
    pub fn review_scopes(&self, kinds: &[ResKind]) -> Vec<(Option<ScopeId>, Vec<ScopeId>)> {
        let m = self.model();
        let mut seen: BTreeSet<ScopeId> = BTreeSet::new();
        let mut out = Vec::new();
        let wanted = |s: ScopeId| kinds.contains(&m.scope(s).kind);
        for ws in m.scopes_of_kind(ResKind::Workspace) {
            let mut list = Vec::new();
            let mut push = |s: ScopeId, list: &mut Vec<ScopeId>| {
                if wanted(s) && seen.insert(s) {
                    list.push(s);
                }
            };
            for k in [
                ResKind::OnlineEndpoint,
                ResKind::BatchEndpoint,
                ResKind::Datastore,
                ResKind::Connection,
            ] {
                for s in m
                    .scopes_of_kind(k)
                    .filter(|s| m.scope(*s).workspace == Some(ws))
                {
                    push(s, &mut list);
                    if let Attrs::Datastore(d) = &m.scope(s).attrs {
                        if let Some(st) = d.storage {
                            push(st, &mut list);
                        }
                    }
                }
            }
            if let Some(w) = m.workspace_attrs(ws) {
                for (s, _) in [&w.key_vault, &w.registry, &w.storage]
                    .into_iter()
                    .flatten()
                {
                    push(*s, &mut list);
                }
            }
            if wanted(ws) && seen.insert(ws) {
                list.insert(0, ws);
            }
            out.push((Some(ws), list));
        }
        let rest: Vec<ScopeId> = m
            .scope_ids()
            .filter(|s| wanted(*s) && !seen.contains(s))
            .collect();
        if !rest.is_empty() {
            out.push((None, rest));
        }
        out
    }

    /// The whole review: sensitive resources per workspace with who reaches them, and findings.
    pub fn review(&self, kinds: &[ResKind]) -> Review {
        let hops = HopIndex::new(self.model());
        let workspaces = self
            .review_scopes(kinds)
            .into_iter()
            .map(|(ws, list)| WorkspaceReview {
                workspace: ws.map(|w| self.resource_ref(w)),
                resources: list
                    .into_iter()
                    .filter_map(|s| self.reach_of(s, None, &hops))
                    .collect(),
            })
            .collect();
        Review {
            project: self.model().label.clone(),
            workspaces,
            findings: self.lint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_order_and_map() {
        assert_eq!(class_of("read"), AccessClass::Read);
        assert_eq!(class_of("score"), AccessClass::Use);
        assert_eq!(class_of("list-keys"), AccessClass::Secrets);
        assert_eq!(class_of("delete"), AccessClass::Write);
        assert_eq!(
            class_of("Microsoft.KeyVault/vaults/secrets/getSecret/action"),
            AccessClass::Secrets
        );
        assert!(AccessClass::Write > AccessClass::Secrets);
    }
}
