//! The path search. `Search::holders(scope, action)` returns every principal that can perform the
//! action there, each with its paths, walking: role assignments at the scope and its ancestors
//! (RBAC-SCOPE, RBAC-ACTIONS), rule-made grants, group members (RBAC-GROUP), deny assignments
//! (RBAC-DENY), derivations (credential paths) and acts-as edges. Results are memoised per goal;
//! a goal already being evaluated contributes nothing (so cycles end), and no path visits a
//! principal twice.

use super::explain::Step;
use super::graph::{AccessGraph, GrantKind};
use crate::model::role::Grant as RoleGrant;
use crate::model::{Assignment, Deny, DenyTarget, Model, PrincipalId, ScopeId};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

#[derive(Clone, Debug)]
pub(crate) struct RawPath {
    pub steps: Vec<Step>,
    pub nodes: Vec<PrincipalId>,
}

impl RawPath {
    pub fn assumed(&self) -> bool {
        self.steps.iter().any(|s| s.assumed)
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct PathSet {
    pub paths: Vec<RawPath>,
    /// Paths left out by the cap.
    pub more: usize,
}

pub(crate) type Holders = BTreeMap<PrincipalId, PathSet>;

pub(crate) struct Search<'a> {
    pub m: &'a Model,
    pub g: &'a AccessGraph,
    /// What-if assignments, checked like exported ones.
    pub extra: &'a [Assignment],
    /// Indexes of model assignments removed by what-if.
    pub revoked: &'a HashSet<usize>,
    /// Restrict to this principal and its groups (plus identities it may act as).
    pub only: Option<HashSet<PrincipalId>>,
    /// With `only`: every principal whose assignments can matter — the principal, its groups,
    /// the identities anyone may act as, and their groups — with those assignments by scope.
    interest: HashSet<PrincipalId>,
    interest_by_scope: HashMap<ScopeId, Vec<u32>>,
    pub cap: usize,
    /// Existence only: paths keep their nodes but not their step texts (unless a step is assumed).
    pub light: bool,
    memo: HashMap<(ScopeId, String), Rc<Holders>>,
    visiting: HashSet<(ScopeId, String)>,
}

impl<'a> Search<'a> {
    pub fn new(
        m: &'a Model,
        g: &'a AccessGraph,
        extra: &'a [Assignment],
        revoked: &'a HashSet<usize>,
        cap: usize,
    ) -> Self {
        Search {
            m,
            g,
            extra,
            revoked,
            only: None,
            interest: HashSet::new(),
            interest_by_scope: HashMap::new(),
            light: false,
            cap,
            memo: HashMap::new(),
            visiting: HashSet::new(),
        }
    }

    /// Limit the search to one principal (and what it can act as).
    pub fn for_principal(mut self, p: PrincipalId) -> Self {
        let m = self.m;
        let mut set: HashSet<PrincipalId> = m.groups_of(p).iter().copied().collect();
        set.insert(p);
        let mut interest = set.clone();
        for &ident in self.g.acts_as.keys() {
            interest.insert(ident);
            interest.extend(m.groups_of(ident).iter().copied());
        }
        let mut by_scope: HashMap<ScopeId, Vec<u32>> = HashMap::new();
        for &q in &interest {
            for &i in m
                .assign_by_principal
                .get(q.0 as usize)
                .into_iter()
                .flatten()
            {
                by_scope
                    .entry(m.assignments[i as usize].scope)
                    .or_default()
                    .push(i);
            }
        }
        self.only = Some(set);
        self.interest = interest;
        self.interest_by_scope = by_scope;
        self
    }

    fn admits(&self, p: PrincipalId) -> bool {
        match &self.only {
            None => true,
            Some(_) => self.interest.contains(&p),
        }
    }

    pub fn holders(&mut self, s: ScopeId, action: &str) -> Rc<Holders> {
        let key = (s, action.to_ascii_lowercase());
        if let Some(h) = self.memo.get(&key) {
            return h.clone();
        }
        if self.visiting.contains(&key) {
            return Rc::new(Holders::new());
        }
        self.visiting.insert(key.clone());
        let mut out = Holders::new();
        self.direct(s, action, &mut out);
        self.derived(s, action, &mut out);
        self.acting(s, action, &mut out);
        self.visiting.remove(&key);
        let rc = Rc::new(out);
        self.memo.insert(key, rc.clone());
        rc
    }

    fn candidate_assignments(&self, s: ScopeId) -> Vec<(usize, &'a Assignment)> {
        let m = self.m;
        let mut v: Vec<(usize, &'a Assignment)> = match &self.only {
            Some(_) => m
                .scope(s)
                .ancestors
                .iter()
                .flat_map(|anc| self.interest_by_scope.get(anc).into_iter().flatten())
                .map(|&i| (i as usize, &m.assignments[i as usize]))
                .collect(),
            None => m
                .scope(s)
                .ancestors
                .iter()
                .flat_map(|&anc| m.assign_by_scope.get(anc.0 as usize).into_iter().flatten())
                .map(|&i| (i as usize, &m.assignments[i as usize]))
                .collect(),
        };
        v.retain(|(i, _)| !self.revoked.contains(i));
        v.sort_by_key(|(i, _)| *i);
        let anc = &m.scope(s).ancestors;
        v.extend(
            self.extra
                .iter()
                .filter(|a| anc.contains(&a.scope))
                .map(|a| (usize::MAX, a)),
        );
        v
    }

    fn direct(&mut self, s: ScopeId, action: &str, out: &mut Holders) {
        let m = self.m;
        let mut seen = HashSet::new();
        for (_, asg) in self.candidate_assignments(s) {
            let role = m.role(asg.role);
            let RoleGrant::Yes(pattern) = role.grant(action) else {
                continue;
            };
            if self.g.block_for(s, action, Some(asg.role)).is_some() {
                continue;
            }
            let step = Step {
                rule: "RBAC-SCOPE",
                text: scope_text(m, asg, s, action, &pattern),
                source: asg.source.clone(),
                assumed: asg.assumed,
            };
            let mut tail = vec![step];
            tail.extend(self.notes(s, action));
            self.expand(asg.principal, tail, s, action, out, &mut seen);
        }
        let grants: Vec<_> = m
            .scope(s)
            .ancestors
            .iter()
            .flat_map(|a| self.g.grants.get(a).into_iter().flatten())
            .collect();
        for gr in grants {
            let ok = match &gr.what {
                GrantKind::Role(r) => {
                    m.role(*r).grants(action) && self.g.block_for(s, action, Some(*r)).is_none()
                }
                GrantKind::Pattern(p) => crate::model::role::action_matches(p, action),
            };
            if !ok {
                continue;
            }
            let mut tail = vec![Step {
                rule: gr.rule,
                text: gr.text.clone(),
                source: gr.source.clone(),
                assumed: false,
            }];
            tail.extend(self.notes(s, action));
            self.expand(gr.principal, tail, s, action, out, &mut seen);
        }
    }

    fn notes(&self, s: ScopeId, action: &str) -> Vec<Step> {
        self.g
            .notes_for(s, action)
            .map(|n| Step {
                rule: n.rule,
                text: n.text.clone(),
                source: n.source.clone(),
                assumed: false,
            })
            .collect()
    }

    /// The holder and, for a group, every member down the nesting, each with its chain of
    /// RBAC-GROUP steps before `tail`.
    fn expand(
        &mut self,
        holder: PrincipalId,
        tail: Vec<Step>,
        s: ScopeId,
        action: &str,
        out: &mut Holders,
        seen: &mut HashSet<PrincipalId>,
    ) {
        // the chain is kept as ids (holder first) and the index of each member entry in its
        // group; step texts are built only for paths that are kept
        let mut stack: Vec<(PrincipalId, Vec<PrincipalId>, Vec<u32>)> =
            vec![(holder, vec![holder], Vec::new())];
        while let Some((p, nodes, idx)) = stack.pop() {
            // existence only: a principal reached once (and its members) needs no second visit
            if !self.admits(p) || (self.light && !seen.insert(p)) {
                continue;
            }
            match self.denied(p, s, action) {
                Some(_) => {} // why_not reports the deny
                None if out.get(&p).is_some_and(|set| set.paths.len() >= self.cap) => {
                    // over the cap: count it without building the path
                    if let Some(set) = out.get_mut(&p) {
                        set.more += 1;
                    }
                }
                None if self.light => {
                    let steps = if tail.iter().any(|t| t.assumed) {
                        tail.clone()
                    } else {
                        Vec::new()
                    };
                    self.push(
                        out,
                        p,
                        RawPath {
                            steps,
                            nodes: nodes.iter().rev().copied().collect(),
                        },
                    );
                }
                None => {
                    let mut steps = self.membership_steps(&nodes, &idx);
                    steps.extend(tail.iter().cloned());
                    let mut path_nodes = nodes.clone();
                    path_nodes.reverse();
                    self.push(
                        out,
                        p,
                        RawPath {
                            steps,
                            nodes: path_nodes,
                        },
                    );
                }
            }
            for (i, (mem, _)) in self.m.principal(p).members.iter().enumerate() {
                if nodes.contains(mem) {
                    continue;
                }
                let mut n = nodes.clone();
                n.push(*mem);
                let mut x = idx.clone();
                x.push(i as u32);
                stack.push((*mem, n, x));
            }
        }
    }

    /// RBAC-GROUP steps for a chain holder → … → member, principal first.
    fn membership_steps(&self, nodes: &[PrincipalId], idx: &[u32]) -> Vec<Step> {
        let m = self.m;
        (1..nodes.len())
            .rev()
            .map(|i| {
                let (group, member) = (nodes[i - 1], nodes[i]);
                let source = m
                    .principal(group)
                    .members
                    .get(idx[i - 1] as usize)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default();
                Step {
                    rule: "RBAC-GROUP",
                    text: format!(
                        "{} is a member of {}",
                        m.principal(member).name,
                        m.principal(group).name
                    ),
                    source,
                    assumed: false,
                }
            })
            .collect()
    }

    /// When `p` already has the paths the cap allows, count `n` more and say so (the caller then
    /// skips building them).
    fn full(&self, out: &mut Holders, p: PrincipalId, n: usize) -> bool {
        match out.get_mut(&p) {
            Some(set) if set.paths.len() >= self.cap => {
                set.more += n;
                true
            }
            _ => false,
        }
    }

    fn push(&self, out: &mut Holders, p: PrincipalId, path: RawPath) {
        let set = out.entry(p).or_default();
        if set.paths.iter().any(|x| x.steps == path.steps) {
            return;
        }
        if set.paths.len() >= self.cap {
            set.more += 1;
        } else {
            set.paths.push(path);
        }
    }

    /// The deny assignment that blocks `action` at `s` for `p`, if any (RBAC-DENY).
    pub fn denied(&self, p: PrincipalId, s: ScopeId, action: &str) -> Option<&'a Deny> {
        let m = self.m;
        if m.denies.is_empty() {
            return None;
        }
        let groups = m.groups_of(p);
        let member = |x: &PrincipalId| *x == p || groups.contains(x);
        for &anc in &m.scope(s).ancestors {
            for d in m.denies_at(anc) {
                if d.no_children && anc != s || !d.covers_action(action) {
                    continue;
                }
                let applies = d.principals.iter().any(|t| match t {
                    DenyTarget::Everyone => true,
                    DenyTarget::Principal(x) => member(x),
                    DenyTarget::Unknown(_) => false,
                });
                if applies && !d.excluded.iter().any(member) {
                    return Some(d);
                }
            }
        }
        None
    }

    fn derived(&mut self, s: ScopeId, action: &str, out: &mut Holders) {
        let derivs: Vec<_> = self.g.derivations_for(s, action).cloned().collect();
        for d in derivs {
            let reqs: Vec<Rc<Holders>> = d
                .requires
                .iter()
                .map(|(rs, ra)| self.holders(*rs, ra))
                .collect();
            let step = Step {
                rule: d.rule,
                text: d.text.clone(),
                source: d.source.clone(),
                assumed: false,
            };
            for (p, combos) in self.conjoin(&reqs) {
                if self.full(out, p, combos.len()) {
                    continue;
                }
                for mut path in combos {
                    path.steps.push(step.clone());
                    self.push(out, p, path);
                }
            }
        }
    }

    /// Principals holding every goal in `reqs`, with the paths of all halves concatenated.
    fn conjoin(&self, reqs: &[Rc<Holders>]) -> Vec<(PrincipalId, Vec<RawPath>)> {
        let Some(first) = reqs.first() else {
            return Vec::new();
        };
        let mut result = Vec::new();
        for (p, set) in first.iter() {
            let mut combos: Vec<RawPath> = set.paths.clone();
            let mut ok = true;
            for r in &reqs[1..] {
                let Some(other) = r.get(p) else {
                    ok = false;
                    break;
                };
                let mut next = Vec::new();
                for a in &combos {
                    for b in &other.paths {
                        if next.len() >= self.cap {
                            break;
                        }
                        let mut steps = a.steps.clone();
                        steps.extend(b.steps.iter().cloned());
                        let mut nodes = a.nodes.clone();
                        nodes.extend(b.nodes.iter().filter(|n| !a.nodes.contains(n)));
                        next.push(RawPath { steps, nodes });
                    }
                }
                combos = next;
            }
            if ok && !combos.is_empty() {
                result.push((*p, combos));
            }
        }
        result
    }

    /// Acts-as: whoever can act as an identity that holds the goal holds it too.
    fn acting(&mut self, s: ScopeId, action: &str, out: &mut Holders) {
        let data_goal = action
            .to_ascii_lowercase()
            .starts_with("microsoft.storage/")
            && crate::model::role::is_data_action(action);
        let mut done: HashSet<PrincipalId> = HashSet::new();
        loop {
            let todo: Vec<PrincipalId> = out
                .keys()
                .copied()
                .filter(|p| !done.contains(p) && self.g.acts_as.contains_key(p))
                .collect();
            if todo.is_empty() {
                break;
            }
            for ident in todo {
                done.insert(ident);
                let edges = self.g.acts_as.get(&ident).cloned().unwrap_or_default();
                let ident_paths = out.get(&ident).map(|s| s.paths.clone()).unwrap_or_default();
                for e in edges.into_iter().filter(|e| e.applies(s, action)) {
                    let reqs: Vec<Rc<Holders>> = e
                        .requires
                        .iter()
                        .map(|(rs, ra)| self.holders(*rs, ra))
                        .collect();
                    let step = Step {
                        rule: e.rule,
                        text: e.text.clone(),
                        source: e.source.clone(),
                        assumed: false,
                    };
                    for (actor, combos) in self.conjoin(&reqs) {
                        if self.full(out, actor, combos.len() * ident_paths.len()) {
                            continue;
                        }
                        for c in &combos {
                            for ip in &ident_paths {
                                if ip.nodes.iter().any(|n| c.nodes.contains(n)) {
                                    continue; // no principal twice on one path
                                }
                                let mut steps = c.steps.clone();
                                steps.push(step.clone());
                                if let (true, Some((rule, text))) = (data_goal, &e.data_note) {
                                    steps.push(Step {
                                        rule,
                                        text: text.clone(),
                                        source: e.source.clone(),
                                        assumed: false,
                                    });
                                }
                                steps.extend(ip.steps.iter().cloned());
                                let mut nodes = c.nodes.clone();
                                nodes.extend(ip.nodes.iter().copied());
                                self.push(out, actor, RawPath { steps, nodes });
                            }
                        }
                    }
                }
            }
        }
        if let Some(set) = &self.only {
            out.retain(|p, _| set.contains(p));
        }
    }
}

/// "ml-team holds AzureML Data Scientist on ws-main, inherited by ep-fraud; it grants …/score/action via 'workspaces/*/action'"
fn scope_text(m: &Model, a: &Assignment, s: ScopeId, action: &str, pattern: &str) -> String {
    let role = m.role(a.role);
    let at = m.scope(a.scope);
    let mut t = format!(
        "{} holds {} on {} {}",
        m.principal(a.principal).name,
        role.name,
        at.kind.word(),
        m.scope_label(a.scope)
    );
    if a.scope != s {
        t.push_str(&format!(", inherited by {}", m.scope_label(s)));
    }
    if !pattern.eq_ignore_ascii_case(action) {
        t.push_str(&format!(
            "; it grants {} via '{}'",
            short_action(action),
            short_action(pattern)
        ));
    }
    if a.condition.is_some() {
        t.push_str(" (conditional, not evaluated)");
    }
    t
}

/// `…/onlineEndpoints/score/action` for the long Azure ML actions; others unchanged.
pub fn short_action(a: &str) -> String {
    for prefix in [
        "Microsoft.MachineLearningServices/workspaces/",
        "Microsoft.Storage/storageAccounts/blobServices/containers/",
    ] {
        if a.len() > prefix.len() && a[..prefix.len()].eq_ignore_ascii_case(prefix) {
            return format!("…/{}", &a[prefix.len()..]);
        }
    }
    a.to_string()
}
