//! The search's side of the answers the engine keeps across queries (`engine/shared.rs`): the
//! light search of everyone reads role holders by scope and role, acts-as edges and sub-goals
//! from the store, and fills it. See `Search::sharing`.

use super::groups::on_chain;
use super::{denied_by, Holders, PathSet, RawPath, Search, Seen};
use crate::engine::graph::{AccessGraph, ActsAs};
use crate::engine::shared::{Chains, RoleReach, ScopeReach, Shared, Tree};
use crate::model::{Deny, Model, PrincipalId, ScopeId};
use std::sync::{Arc, OnceLock};

impl<'a> Search<'a> {
    /// Keep and reuse light answers in `shared` (only for light searches of everyone, with no
    /// what-if overlay: the answers kept there must not depend on the search).
    pub fn sharing(mut self, shared: &'a Shared) -> Self {
        if shared.enabled && self.light && self.extra.is_empty() && self.revoked.is_empty() {
            self.shared = Some(shared);
        }
        self
    }

    /// The shared store, while the search is one whose answers it may keep.
    pub(super) fn shared(&self) -> Option<&'a Shared> {
        self.shared
            .filter(|_| self.only.is_none() && !self.roles_only)
    }

    /// The shared store for its kept role holders (`roles_only` searches use those alone).
    pub(super) fn shared_roles(&self) -> Option<&'a Shared> {
        self.shared.filter(|_| self.only.is_none())
    }

    /// Answer a goal the way an acts-as edge asks it (kept by the engine; see `Engine::warm`).
    pub fn warm_goal(&mut self, s: ScopeId, action: &str) {
        self.for_edge += 1;
        self.holders(s, action);
        self.for_edge -= 1;
    }

    /// Answer who can act as `ident` through its `k`-th acts-as edge (kept by the engine).
    pub fn warm_edge(&mut self, ident: PrincipalId, k: usize) {
        let g: &'a AccessGraph = self.g;
        if let Some(e) = g.acts_as.get(&ident).and_then(|v| v.get(k)) {
            self.for_edge += 1;
            self.kept_edge(ident, k, e);
            self.for_edge -= 1;
        }
    }

    /// Light, everyone: role assignments by the scope they are made at and by role, each
    /// role's holders expanded once for the engine (`ScopeReach`), then the roles that grant
    /// `action` and no block at `s` removes, then denies at `s`.
    pub(super) fn direct_shared(
        &mut self,
        sh: &'a Shared,
        s: ScopeId,
        action: &str,
        denies: &[&'a Deny],
        out: &mut Holders,
        seen: &mut Seen,
    ) {
        let m = self.m;
        let mut found: Vec<(PrincipalId, PathSet)> = Vec::new();
        for &anc in &m.scope(s).ancestors {
            // a leaf's assignments serve only its own goals: not kept
            let leaf = m.scope(anc).children.is_empty();
            let reach = if leaf {
                Arc::new(scope_reach(m, anc))
            } else {
                sh.reach(anc, || scope_reach(m, anc))
            };
            for rr in &reach.roles {
                if self.role_grant(rr.role, action).is_none()
                    || self.g.block_for(s, action, Some(rr.role)).is_some()
                {
                    continue;
                }
                let mut made = false;
                let tree = rr.reached.get_or_init(|| {
                    made = true;
                    expand_all(m, &rr.assignments)
                });
                if made && !leaf {
                    sh.note(tree.bytes()); // kept with its scope reach
                }
                for (i, p) in tree.entries() {
                    if !seen.insert(p) || denied_by(m, denies, p).is_some() {
                        continue; // a denied principal's members are in `tree` themselves
                    }
                    let path = RawPath {
                        steps: Vec::new(),
                        nodes: tree.chain(i),
                    };
                    found.push((
                        p,
                        PathSet {
                            paths: vec![path],
                            more: 0,
                            at_least: false,
                        },
                    ));
                }
            }
        }
        // built in one pass from sorted entries (much cheaper than one insert each)
        found.sort_unstable_by_key(|(p, _)| *p);
        if out.is_empty() {
            *out = found.into_iter().collect();
        } else {
            out.extend(found);
        }
    }

    /// Who can act as `ident` through its `k`-th edge, as the engine keeps it (light searches
    /// that share: computed and kept on first use).
    pub(super) fn kept_edge(
        &mut self,
        ident: PrincipalId,
        k: usize,
        e: &'a ActsAs,
    ) -> Option<Arc<Chains>> {
        let sh = self.shared()?;
        if let Some(kept) = sh.edge(ident, k) {
            return Some(kept);
        }
        let hits = self.cycle_hits;
        let goal = |search: &mut Self, s: ScopeId, action: &str| {
            let lower = action.to_ascii_lowercase();
            if let Some(kept) = sh.goal(s, &lower) {
                return kept;
            }
            let h = search.holders(s, action); // kept by the engine unless partial
            sh.goal(s, &lower)
                .unwrap_or_else(|| Arc::new(Chains::of_holders(&h).0))
        };
        let reqs: Vec<Arc<Chains>> = e
            .requires
            .iter()
            .map(|(rs, ra)| goal(self, *rs, ra))
            .collect();
        let alts: Vec<Arc<Chains>> = e
            .any_of
            .iter()
            .map(|alt| goal(self, alt.scope, &alt.action))
            .collect();
        // as `edge_actors` with one path each: every required goal held (nodes joined), then
        // the first alternative held
        let mut actors = Chains::default();
        let mut nodes: Vec<PrincipalId> = Vec::new();
        let join = |nodes: &mut Vec<PrincipalId>, more: &[PrincipalId]| {
            let n = nodes.len();
            for &q in more {
                if !nodes.iter().take(n).any(|x| *x == q) {
                    nodes.push(q);
                }
            }
        };
        if let Some(first) = reqs.first() {
            'actors: for (actor, chain) in first.iter() {
                nodes.clear();
                nodes.extend_from_slice(chain);
                for other in reqs.iter().skip(1) {
                    let Some(c) = other.get(actor) else {
                        continue 'actors;
                    };
                    join(&mut nodes, c);
                }
                if !alts.is_empty() {
                    let Some(c) = alts.iter().find_map(|a| a.get(actor)) else {
                        continue;
                    };
                    join(&mut nodes, c);
                }
                actors.push(actor, &nodes);
            }
        }
        let actors = Arc::new(actors.shrink());
        if self.cycle_hits == hits {
            sh.keep_edge(ident, k, actors.clone());
        }
        Some(actors)
    }
}

/// The assignments made exactly at `at`, by role (roles in order of first assignment).
fn scope_reach(m: &Model, at: ScopeId) -> ScopeReach {
    let mut r = ScopeReach::default();
    for &i in m.assign_by_scope.get(at.0 as usize).into_iter().flatten() {
        let Some(role) = m
            .assignments
            .get(i as usize)
            .filter(|a| !super::special(a))
            .map(|a| a.role)
        else {
            continue;
        };
        match r.roles.iter_mut().find(|x| x.role == role) {
            Some(x) => x.assignments.push(i),
            None => r.roles.push(RoleReach {
                role,
                assignments: vec![i],
                reached: OnceLock::new(),
            }),
        }
    }
    r
}

/// The holders of `assignments` and their members down the nesting, each principal once.
fn expand_all(m: &Model, assignments: &[u32]) -> Tree {
    let mut tree = Tree::default();
    let mut seen = Seen::new(m.principals.len());
    let mut scratch = (Vec::new(), Vec::new(), Vec::new());
    for a in assignments
        .iter()
        .filter_map(|&i| m.assignments.get(i as usize))
    {
        let holder = a.principal;
        members(m, holder, &mut seen, &mut tree, &mut scratch);
    }
    tree.shrink()
}

/// Light expansion of one holder: it and, for a group, every member down the nesting not yet
/// in `seen`, each added to `out` with the entry of the group it was reached through. A
/// principal met once is not expanded again, like `Search::expand` in light mode. `scratch`
/// holds the arena, the stack and each arena entry's entry in `out` between calls.
type Scratch = (Vec<(PrincipalId, u32, u32)>, Vec<u32>, Vec<u32>);
fn members(m: &Model, holder: PrincipalId, seen: &mut Seen, out: &mut Tree, scratch: &mut Scratch) {
    if !seen.insert(holder) {
        return; // met already: so were its members
    }
    let (arena, stack, entry) = scratch;
    arena.clear();
    stack.clear();
    entry.clear();
    arena.push((holder, u32::MAX, 0));
    entry.push(out.push(holder, None));
    push_members(m, arena, stack, 0);
    while let Some(at) = stack.pop() {
        let Some(&(p, parent, _)) = arena.get(at as usize) else {
            continue; // not reached: the stack holds arena entries
        };
        entry.resize(arena.len(), u32::MAX);
        if !seen.insert(p) {
            continue;
        }
        // the parent was added when it was expanded, which is how `at` came to be
        let pushed = out.push(p, entry.get(parent as usize).copied());
        if let Some(e) = entry.get_mut(at as usize) {
            *e = pushed;
        }
        push_members(m, arena, stack, at);
    }
}

/// Push the members of the principal at arena entry `at` that are not on its chain already.
fn push_members(
    m: &Model,
    arena: &mut Vec<(PrincipalId, u32, u32)>,
    stack: &mut Vec<u32>,
    at: u32,
) {
    let Some(&(p, _, _)) = arena.get(at as usize) else {
        return;
    };
    for (i, (mem, _)) in m.principal(p).members.iter().enumerate() {
        if !on_chain(arena, at, *mem) {
            arena.push((*mem, at, i as u32));
            stack.push((arena.len() - 1) as u32);
        }
    }
}
