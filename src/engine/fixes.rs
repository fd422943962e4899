//! Fixes: the role assignments that would turn a "no" into a "yes", least privilege first — the
//! narrowest scope that works, then the role that grants the least else. Each candidate is
//! checked by re-running the search with the assignment assumed; a deny assignment means no role
//! can fix it (none proposed).

use super::explain::Fix;
use super::query::{short_action, Search};
use super::Engine;
use crate::model::{Assignment, PrincipalId, ResKind, RoleDef, RoleId, ScopeId};
use crate::source::Source;
use std::collections::HashSet;

/// At most this many fixes are proposed.
pub const MAX_FIXES: usize = 6;

/// How much a role grants, for least-privilege ordering: wide wildcards weigh more.
pub fn breadth(r: &RoleDef) -> u64 {
    let weight = |p: &String| -> u64 {
        match p.split_once('*') {
            None => 1,
            Some((head, _)) => {
                let segs = head.matches('/').count() as u32;
                10u64.pow(6u32.saturating_sub(segs))
            }
        }
    };
    r.permissions
        .iter()
        .map(|p| {
            p.actions
                .iter()
                .chain(&p.data_actions)
                .map(weight)
                .sum::<u64>()
        })
        .sum::<u64>()
}

fn assignable(r: &RoleDef, scope_norm: &str) -> bool {
    r.builtin
        || r.assignable_scopes.is_empty()
        || r.assignable_scopes
            .iter()
            .any(|a| a == "/" || scope_norm == a || scope_norm.starts_with(&format!("{a}/")))
}

/// What else a role grants, in a few words.
pub fn grants_also(r: &RoleDef, action: &str) -> String {
    let mut others: Vec<String> = r
        .permissions
        .iter()
        .flat_map(|p| p.actions.iter().chain(&p.data_actions))
        .filter(|a| !a.eq_ignore_ascii_case(action))
        .map(|a| {
            if a == "*" {
                "everything (*)".to_string()
            } else {
                short_action(a)
            }
        })
        .collect();
    let nots: usize = r
        .permissions
        .iter()
        .map(|p| p.not_actions.len() + p.not_data_actions.len())
        .sum();
    if others.is_empty() {
        return "nothing else".into();
    }
    let n = others.len();
    others.truncate(3);
    let mut s = others.join(", ");
    if n > 3 {
        s.push_str(&format!(" (+{} more)", n - 3));
    }
    if nots > 0 {
        s.push_str(&format!("; minus {nots} NotActions"));
    }
    s
}

impl Engine {
    /// Least-privilege role assignments for `p` that would allow `action` on `s`.
    pub fn fixes(&self, p: PrincipalId, s: ScopeId, action: &str) -> Vec<Fix> {
        let m = self.model();
        let g = self.graph();
        let none = HashSet::new();
        let probe = Search::new(m, g, &[], &none, 1);
        if probe.denied(p, s, action).is_some() {
            return Vec::new();
        }
        // the goals a role could satisfy: the goal itself, or the one missing requirement of a
        // derivation (a key for a key-auth endpoint…)
        let mut goals: Vec<(ScopeId, String)> = Vec::new();
        if g.block_for(s, action, None).is_none() {
            goals.push((s, action.to_string()));
        }
        for d in g.derivations_for(s, action) {
            if let [req] = d.requires.as_slice() {
                goals.push(req.clone());
            }
        }
        let mut cands: Vec<(usize, u64, String, RoleId, ScopeId)> = Vec::new();
        for (gs, ga) in &goals {
            let scopes: Vec<ScopeId> = m
                .scope(*gs)
                .ancestors
                .iter()
                .copied()
                .filter(|a| !matches!(m.scope(*a).kind, ResKind::Root | ResKind::ManagementGroup))
                .collect();
            for (depth, sc) in scopes.iter().enumerate() {
                let norm = m.scope(*sc).id.norm().to_string();
                for (i, r) in m.roles.iter().enumerate() {
                    let rid = RoleId(i as u32);
                    if r.grants(ga)
                        && assignable(r, &norm)
                        && g.block_for(*gs, ga, Some(rid)).is_none()
                    {
                        cands.push((depth, breadth(r), r.name.clone(), rid, *sc));
                    }
                }
            }
        }
        cands.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
        let mut out: Vec<Fix> = Vec::new();
        let mut per_scope: std::collections::HashMap<ScopeId, usize> = Default::default();
        for (_, _, _, rid, sc) in cands {
            if out.len() >= MAX_FIXES {
                break;
            }
            if per_scope.get(&sc).copied().unwrap_or(0) >= 2
                || out
                    .iter()
                    .any(|f| f.role == m.role(rid).name && f.scope == m.scope(sc).id.to_string())
            {
                continue;
            }
            let extra = [Assignment {
                principal: p,
                role: rid,
                scope: sc,
                condition: None,
                source: Source::Rule,
                assumed: true,
                tenure: Default::default(),
                parsed: None,
            }];
            let mut check = Search::new(m, g, &extra, &none, 2).for_principal(p);
            if !check.holders(s, action).contains_key(&p) {
                continue;
            }
            *per_scope.entry(sc).or_default() += 1;
            out.push(self.fix(p, rid, sc, action));
        }
        out
    }

    fn fix(&self, p: PrincipalId, rid: RoleId, sc: ScopeId, action: &str) -> Fix {
        let m = self.model();
        let pr = m.principal(p);
        let role = m.role(rid);
        let scope = m.scope(sc).id.to_string();
        Fix {
            role: role.name.clone(),
            scope: scope.clone(),
            at: m.scope_ref(sc),
            principal: pr.name.clone(),
            grants_also: grants_also(role, action),
            command: super::assign_cmd::assign_command(m, p, &role.name, &scope),
        }
    }
}
