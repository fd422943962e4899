//! The resolved access model: scopes (a tree with ancestors precomputed), principals (with
//! transitive group membership), role definitions, assignments, deny assignments, identity
//! attachments and jobs. Immutable once built; indexes by scope and principal for tenant scale.
//! Knows nothing of terminals, the CLI or the access rules.

// issue 17: user input must never panic on a byte offset inside a character or an index out
// of range (test code may)
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

pub mod assignment;
mod build;
mod build_attrs;
mod build_identities;
pub(crate) mod build_principals;
pub mod condition;
pub mod ids;
pub mod lookup;
pub mod membership;
pub mod principal;
pub mod resource;
pub mod role;
pub mod when;

pub use assignment::{Assignment, Deny, DenyTarget, Tenure};
pub use build::build;
pub use ids::{ArmId, ResKind};
pub use membership::Link;
pub use principal::{Principal, PrincipalId, PrincipalKind};
pub use resource::*;
pub use role::{RoleDef, RoleId};

use crate::finding::Finding;
use crate::load::raw::FileInfo;
use crate::source::Source;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScopeId(pub u32);

/// One node of the scope tree: the tenant root, a management group, subscription, resource
/// group, resource or child resource.
#[derive(Clone, Debug)]
pub struct Scope {
    pub id: ArmId,
    pub kind: ResKind,
    pub name: String,
    pub parent: Option<ScopeId>,
    /// Self first, then each ancestor up to the root.
    pub ancestors: Vec<ScopeId>,
    pub children: Vec<ScopeId>,
    /// The workspace this resource belongs to (workspace children, and the workspace itself).
    pub workspace: Option<ScopeId>,
    pub attrs: Attrs,
    /// Files that describe it (empty: only named by an assignment or a reference).
    pub sources: Vec<Source>,
}

/// Cheap enough to clone: the TUI keeps the loaded model and rebuilds from a clone of it when
/// what-if assumptions change.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// A label for the project (its folder, or `demo`).
    pub label: String,
    /// The tenant named in reach.yaml, if any.
    pub tenant: Option<String>,
    pub files: Vec<FileInfo>,
    pub scopes: Vec<Scope>,
    pub principals: Vec<Principal>,
    pub roles: Vec<RoleDef>,
    pub assignments: Vec<Assignment>,
    pub denies: Vec<Deny>,
    pub jobs: Vec<Job>,
    pub environments: Vec<Environment>,
    /// `LOAD` and `MODEL` findings, in a stable order.
    pub findings: Vec<Finding>,
    pub(crate) scope_index: HashMap<String, ScopeId>,
    pub(crate) principal_index: HashMap<String, Vec<PrincipalId>>,
    pub(crate) role_by_guid: HashMap<String, RoleId>,
    pub(crate) role_by_name: HashMap<String, RoleId>,
    pub(crate) assign_by_scope: Vec<Vec<u32>>,
    pub(crate) assign_by_principal: Vec<Vec<u32>>,
    pub(crate) deny_by_scope: HashMap<ScopeId, Vec<u32>>,
    /// Transitive groups of each principal (not including itself), sorted.
    pub(crate) group_closure: Vec<Vec<PrincipalId>>,
}

impl Model {
    /// Rebuild the assignment indexes by scope and by principal.
    pub(crate) fn reindex_assignments(&mut self) {
        let mut by_scope = vec![Vec::new(); self.scopes.len()];
        let mut by_principal = vec![Vec::new(); self.principals.len()];
        for (i, a) in self.assignments.iter().enumerate() {
            if let Some(v) = by_scope.get_mut(a.scope.0 as usize) {
                v.push(i as u32);
            }
            if let Some(v) = by_principal.get_mut(a.principal.0 as usize) {
                v.push(i as u32);
            }
        }
        self.assign_by_scope = by_scope;
        self.assign_by_principal = by_principal;
    }

    /// What-if: drop the assignments at `revoked` (indexes into `assignments`) and add `extra`
    /// (marked assumed). Rules run afterwards see the changed model.
    pub fn assume(&mut self, extra: Vec<Assignment>, revoked: &[usize]) {
        let mut i = 0;
        self.assignments.retain(|_| {
            let keep = !revoked.contains(&i);
            i += 1;
            keep
        });
        self.assignments.extend(extra.into_iter().map(|mut a| {
            a.assumed = true;
            a.source = Source::Assumed;
            a
        }));
        self.reindex_assignments();
    }

    /// Indexes of the assignments of exactly this principal, role and scope.
    pub fn find_assignments(&self, p: PrincipalId, role: RoleId, scope: ScopeId) -> Vec<usize> {
        self.assignments
            .iter()
            .enumerate()
            .filter(|(_, a)| a.principal == p && a.role == role && a.scope == scope)
            .map(|(i, _)| i)
            .collect()
    }

    /// A role by name or definition ID; unknown names list the closest.
    pub fn resolve_role(&self, reference: &str) -> Result<RoleId, lookup::LookupError> {
        self.role_by_name(reference)
            .or_else(|| self.role_by_guid(reference))
            .ok_or_else(|| lookup::LookupError::Unknown {
                reference: reference.to_string(),
                candidates: lookup::closest(
                    reference,
                    self.roles.iter().map(|r| (r.name.clone(), r.name.clone())),
                ),
            })
    }

    // The IDs are indexes this model handed out (`scope_ids`, the lookups, the build), never
    // text a user typed: an ID from another model is a programming error, not bad input.
    #[allow(clippy::indexing_slicing, reason = "an ID is an index into this model")]
    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.0 as usize]
    }
    #[allow(clippy::indexing_slicing, reason = "an ID is an index into this model")]
    pub fn principal(&self, id: PrincipalId) -> &Principal {
        &self.principals[id.0 as usize]
    }
    #[allow(clippy::indexing_slicing, reason = "an ID is an index into this model")]
    pub fn role(&self, id: RoleId) -> &RoleDef {
        &self.roles[id.0 as usize]
    }
    #[allow(clippy::indexing_slicing, reason = "an ID is an index into this model")]
    pub(crate) fn scope_mut(&mut self, id: ScopeId) -> &mut Scope {
        &mut self.scopes[id.0 as usize]
    }
    #[allow(clippy::indexing_slicing, reason = "an ID is an index into this model")]
    pub(crate) fn principal_mut(&mut self, id: PrincipalId) -> &mut Principal {
        &mut self.principals[id.0 as usize]
    }
    pub fn scope_ids(&self) -> impl Iterator<Item = ScopeId> {
        (0..self.scopes.len() as u32).map(ScopeId)
    }
    pub fn principal_ids(&self) -> impl Iterator<Item = PrincipalId> {
        (0..self.principals.len() as u32).map(PrincipalId)
    }

    /// Look up a scope by ARM ID (any case).
    pub fn scope_by_arm(&self, id: &str) -> Option<ScopeId> {
        let a = ArmId::parse(id)?;
        self.scope_index.get(a.norm()).copied()
    }

    /// Principals whose object id, client id, UPN, name, display name or resource id equals `key`
    /// (case-insensitive).
    pub fn principals_by_key(&self, key: &str) -> &[PrincipalId] {
        self.principal_index
            .get(&key.trim().to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn role_by_guid(&self, guid: &str) -> Option<RoleId> {
        self.role_by_guid.get(&role::guid_of(guid)).copied()
    }
    pub fn role_by_name(&self, name: &str) -> Option<RoleId> {
        self.role_by_name
            .get(&name.trim().to_ascii_lowercase())
            .copied()
    }

    /// Assignments made exactly at `scope`.
    pub fn assignments_at(&self, scope: ScopeId) -> impl Iterator<Item = &Assignment> {
        self.assign_by_scope
            .get(scope.0 as usize)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.assignments.get(i as usize))
    }

    /// Assignments held directly by `p` (not through groups).
    pub fn assignments_of(&self, p: PrincipalId) -> impl Iterator<Item = &Assignment> {
        self.assign_by_principal
            .get(p.0 as usize)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.assignments.get(i as usize))
    }

    /// Deny assignments made exactly at `scope`.
    pub fn denies_at(&self, scope: ScopeId) -> impl Iterator<Item = &Deny> {
        self.deny_by_scope
            .get(&scope)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.denies.get(i as usize))
    }

    /// Transitive groups of `p`, sorted (RBAC-GROUP).
    pub fn groups_of(&self, p: PrincipalId) -> &[PrincipalId] {
        self.group_closure
            .get(p.0 as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Is `a` an ancestor-or-self of `b` in the scope tree?
    pub fn is_within(&self, b: ScopeId, a: ScopeId) -> bool {
        self.scope(b).ancestors.contains(&a)
    }

    /// The workspace attributes, if `s` is a workspace.
    pub fn workspace_attrs(&self, s: ScopeId) -> Option<&WorkspaceAttrs> {
        match &self.scope(s).attrs {
            Attrs::Workspace(w) => Some(w),
            _ => None,
        }
    }

    /// Scopes of one kind, in id order.
    pub fn scopes_of_kind(&self, kind: ResKind) -> impl Iterator<Item = ScopeId> + '_ {
        self.scope_ids()
            .filter(move |s| self.scope(*s).kind == kind)
    }

    /// The display name used for a scope in answers: its name, `rg-ml`, the subscription id…
    pub fn scope_label(&self, s: ScopeId) -> String {
        let sc = self.scope(s);
        match sc.kind {
            ResKind::Root => "/ (tenant root)".into(),
            ResKind::OnlineDeployment | ResKind::BatchDeployment => {
                let ep = sc
                    .parent
                    .map(|p| self.scope(p).name.clone())
                    .unwrap_or_default();
                format!("{ep}/{}", sc.name)
            }
            _ => sc.name.clone(),
        }
    }
}
