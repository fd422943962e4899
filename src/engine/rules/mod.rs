//! The rule catalog: every rule of `access-rules.md` as one value (ID, summary, seed reference,
//! whether it lints, and how it adds edges or findings). One file per ID prefix.

mod compute;
mod datastore;
mod endpoint;
mod endpoint_identity;
mod job;
mod keyvault;
mod names;
mod network;
mod rbac;
mod registry;
mod storage;
mod workspace;

use super::graph::AccessGraph;
use super::query::Search;
use crate::model::{Attrs, Model, PrincipalId, ResKind, ScopeId};
use serde::Serialize;
use std::collections::HashSet;

/// One access rule.
#[derive(Clone, Copy, Serialize)]
pub struct Rule {
    pub id: &'static str,
    /// One line.
    pub summary: &'static str,
    /// The full rule in words.
    pub detail: &'static str,
    /// The seed document (and section) it comes from.
    pub seed: &'static str,
    /// Produces lint findings when the configuration breaks it.
    pub lint: bool,
    /// Adds edges and findings to the graph (the RBAC core rules are applied by the query itself).
    #[serde(skip)]
    pub apply: fn(&Model, &mut AccessGraph),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// Seed documents, by file name.
pub const SEED_AUTH: &str = "000_10aee21997e6b5b6.txt (Set up authentication between Azure Machine Learning and other services)";
pub const SEED_ENDPOINTS: &str =
    "003_945cdbaf256cc446.txt (Authentication and authorization for managed online endpoints)";
pub const SEED_RBAC: &str = "azure-rbac-facts.md (general Azure RBAC semantics)";

pub(crate) fn none(_: &Model, _: &mut AccessGraph) {}

/// Built-in role GUIDs the rules name.
pub(crate) const ACRPULL_GUID: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
pub(crate) const CONTRIBUTOR_GUID: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
pub(crate) const KV_ADMIN_GUID: &str = "00482a5a-887f-4fb3-b363-3b7fe8e74483";
pub(crate) const MI_OPERATOR_GUID: &str = "f1a07417-d97a-45cb-824c-7a7467783830";

/// Every rule, in catalog order.
pub fn catalog() -> Vec<&'static Rule> {
    let mut all: Vec<&'static Rule> = Vec::new();
    // order matters: later rules check access that earlier ones granted
    for family in [
        rbac::RULES,
        storage::RULES,
        keyvault::RULES,
        workspace::RULES,
        registry::RULES,
        compute::RULES,
        datastore::RULES,
        endpoint::RULES,
        endpoint_identity::RULES,
        job::RULES,
        network::RULES,
        names::RULES,
    ] {
        all.extend(family.iter());
    }
    all
}

/// Does `p` hold `action` at `s` in the graph built so far (groups, inheritance, denies and
/// earlier rules' edges included)?
pub(crate) fn holds(m: &Model, g: &AccessGraph, p: PrincipalId, s: ScopeId, action: &str) -> bool {
    let none = HashSet::new();
    let mut search = Search::new(m, g, &[], &none, 2).for_principal(p);
    search.holders(s, action).contains_key(&p)
}

/// The workspace's container registry, when linked.
pub(crate) fn ws_registry(m: &Model, ws: ScopeId) -> Option<ScopeId> {
    m.workspace_attrs(ws)
        .and_then(|w| w.registry.as_ref().map(|(r, _)| *r))
}

/// The storage account of the workspace's default datastore (else its linked storage account).
pub(crate) fn default_storage(m: &Model, ws: ScopeId) -> Option<ScopeId> {
    let from_ds = m
        .scope(ws)
        .children
        .iter()
        .find_map(|c| match &m.scope(*c).attrs {
            Attrs::Datastore(d) if d.is_default => d.storage,
            _ => None,
        });
    from_ds.or_else(|| {
        m.workspace_attrs(ws)
            .and_then(|w| w.storage.as_ref().map(|(s, _)| *s))
    })
}

/// The fix "assign ROLE on SCOPE to P" for an Azure ML missing link.
pub(crate) fn role_fix(
    m: &Model,
    p: PrincipalId,
    role_guid: &str,
    scope: ScopeId,
) -> Option<crate::finding::Fix> {
    let role = m.role(m.role_by_guid(role_guid)?);
    let pr = m.principal(p);
    let sc = m.scope(scope).id.to_string();
    Some(crate::finding::Fix {
        role: role.name.clone(),
        scope: sc.clone(),
        at: m.scope_ref(scope),
        principal: pr.name.clone(),
        grants_also: super::fixes::grants_also(role, ""),
        command: crate::engine::assign_cmd::assign_command(m, p, &role.name, &sc),
    })
}

/// A missing link: a finding for `lint` and a hint for `explain`'s why_not, both with the fix.
pub(crate) struct Gap<'a> {
    pub rule: &'static str,
    pub severity: crate::finding::Severity,
    pub message: String,
    pub subject: ScopeId,
    pub source: &'a crate::source::Source,
    /// Who lacks it, where, and for which actions (None: any).
    pub who: Option<PrincipalId>,
    pub at: ScopeId,
    pub pattern: Option<&'a str>,
    pub fix: Option<crate::finding::Fix>,
}

pub(crate) fn gap(m: &Model, g: &mut AccessGraph, gap: Gap<'_>) {
    let f = crate::finding::Finding::new(
        gap.rule,
        gap.severity,
        gap.message.clone(),
        m.scope(gap.subject).id.to_string(),
        gap.source.clone(),
    );
    g.finding(f.with_fix(gap.fix.clone()));
    g.hint(super::graph::Hint {
        principal: gap.who,
        scope: Some(gap.at),
        pattern: gap.pattern.map(str::to_string),
        rule: gap.rule,
        text: gap.message,
        fix: gap.fix,
    });
}

/// A registry in the model whose login server or name matches an image reference's host.
pub(crate) fn registry_of_image(m: &Model, image: &str) -> Option<ScopeId> {
    let host = image.trim().split('/').next()?.to_ascii_lowercase();
    let name = host.strip_suffix(".azurecr.io")?;
    m.scopes_of_kind(ResKind::Registry)
        .find(|r| m.scope(*r).name.eq_ignore_ascii_case(name))
}

/// Look up a rule by ID (case-insensitive).
pub fn rule(id: &str) -> Option<&'static Rule> {
    catalog()
        .into_iter()
        .find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_documented() {
        let c = catalog();
        let mut ids: Vec<&str> = c.iter().map(|r| r.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
        for r in c {
            assert!(
                !r.summary.is_empty() && !r.detail.is_empty() && !r.seed.is_empty(),
                "{}",
                r.id
            );
        }
        assert!(rule("ep-score-aad").is_some());
    }
}
