//! The path search. `Search::holders(scope, action)` returns every principal that can perform the
//! action there, each with its paths, walking: role assignments at the scope and its ancestors
//! (RBAC-SCOPE, RBAC-ACTIONS), rule-made grants, group members (RBAC-GROUP), deny assignments
//! (RBAC-DENY), derivations (credential paths) and acts-as edges. Results are memoised per goal;
//! a goal met while it is still being evaluated answers what the round before found for it,
//! and a question that met one is solved to a fixpoint (`holders`). Full answers' paths visit
//! no principal twice. Group membership is in `groups.rs`, acts-as edges in `acting.rs`; the light
//! search's use of the answers the engine keeps across queries is in `kept.rs`.

mod acting;
mod groups;
mod kept;
use super::conditions::Effect;
use super::explain::Step;
use super::graph::{AccessGraph, GrantKind};
use super::shared::{Chains, Shared};
use crate::model::role::Grant as RoleGrant;
use crate::model::role::RoleId;
use crate::model::{when, Assignment, Deny, DenyTarget, Model, PrincipalId, ScopeId, Tenure};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub(crate) struct RawPath {
    pub steps: Vec<Step>,
    pub nodes: Vec<PrincipalId>,
}

impl RawPath {
    pub fn assumed(&self) -> bool {
        self.steps.iter().any(|s| s.assumed)
    }

    /// The first conditional step's requirement, if the path has one.
    pub fn conditional(&self) -> Option<&str> {
        self.steps.iter().find_map(|s| s.conditional.as_deref())
    }

    /// The first latent step's kind (`eligible`), if the path has one.
    pub fn latent(&self) -> Option<&'static str> {
        self.steps.iter().find_map(|s| s.latent)
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct PathSet {
    pub paths: Vec<RawPath>,
    /// Paths left out by the cap.
    pub more: usize,
    /// `more` is a lower bound: chains through a group nesting cycle were not all counted.
    pub at_least: bool,
}

thread_local! {
    /// Work done by searches on this thread: goals evaluated, membership chains walked and
    /// acts-as paths joined. Tests bound a query's work with it instead of a clock.
    static WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn tick() {
    WORK.with(|w| w.set(w.get().wrapping_add(1)));
}

/// Work done by searches on the calling thread so far (see `WORK`).
pub fn work_on_this_thread() -> u64 {
    WORK.with(|w| w.get())
}

/// Rounds a question's fixpoint may take. Each round walks every cycle once with the
/// answers of the round before, so two or three rounds settle real tenants; a question that
/// has not settled by then keeps its answers marked partial (never kept, never reused as
/// complete).
const MAX_ROUNDS: usize = 64;

pub(crate) type Holders = BTreeMap<PrincipalId, PathSet>;

/// Who can act as an identity through one acts-as edge: each actor with its paths (ending with
/// the acts-as step) and how many more the cap left out.
pub(crate) type EdgeActors = Vec<(PrincipalId, Vec<RawPath>, usize)>;

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
    /// Answers by goal, and whether each met a goal still being evaluated (a cycle): such an
    /// answer depends on the question that led to it.
    memo: HashMap<(ScopeId, u32), (Arc<Holders>, bool)>,
    /// Goals met while still being evaluated (or answers that had): an answer computed while
    /// this grew is partial.
    cycle_hits: usize,
    /// Light answers kept by the engine across searches (see `shared.rs`).
    shared: Option<&'a Shared>,
    /// Goals asked for an acts-as edge on its own (`warm_edge`), not for a question: kept.
    for_edge: usize,
    /// Goal actions by id: as asked (any case) and lower-cased, so `memo` keys are two integers.
    action_ids: HashMap<String, u32>,
    lower_ids: HashMap<String, u32>,
    /// `role_grant` answers, by action then role.
    role_grants: HashMap<String, HashMap<RoleId, Option<String>>>,
    visiting: HashSet<(ScopeId, u32)>,
    /// While a question is solved to a fixpoint: the answers of the round before, for goals
    /// that met a cycle.
    prev: HashMap<(ScopeId, u32), Arc<Holders>>,
    /// `edge_actors` answers, by identity and edge index.
    edge_memo: HashMap<(PrincipalId, usize), Arc<EdgeActors>>,
    /// Standing access only: PIM eligibilities are left out (`--latent exclude`).
    pub no_latent: bool,
    /// ABAC conditions reach cannot decide: shown as conditional (None), assumed met
    /// (`--assume-condition true`) or assumed failed (`false`: such paths are left out).
    pub conditions: Option<bool>,
    /// Share only the kept role holders (which hold standing, unconditional assignments alone),
    /// not kept goals or acts-as edges: a search that leaves latent or conditional access out
    /// may not reuse answers that hold it.
    pub roles_only: bool,
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
            cycle_hits: 0,
            shared: None,
            for_edge: 0,
            action_ids: HashMap::new(),
            lower_ids: HashMap::new(),
            role_grants: HashMap::new(),
            visiting: HashSet::new(),
            prev: HashMap::new(),
            edge_memo: HashMap::new(),
            no_latent: false,
            conditions: None,
            roles_only: false,
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
                if let Some(a) = m.assignments.get(i as usize) {
                    by_scope.entry(a.scope).or_default().push(i);
                }
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

    /// Every principal that can perform `action` at `s`. Asked as a question (no goal under
    /// evaluation), an answer that met a cycle is solved to a fixpoint: the goals it met while
    /// they were still being evaluated are asked again, each cycle now reading the answers of
    /// the round before, until no answer grows (holders only grow from round to round, so
    /// this ends within goals × principals rounds). Then every answer of the last round is
    /// complete, and reused as such by later questions of the same search.
    pub fn holders(&mut self, s: ScopeId, action: &str) -> Arc<Holders> {
        if !self.visiting.is_empty() {
            return self.goal(s, action);
        }
        let hits = self.cycle_hits;
        let mut h = self.goal(s, action);
        let mut last = self.partial_sizes();
        let mut solved = last.is_empty();
        for _ in 0..MAX_ROUNDS {
            if solved {
                break;
            }
            self.prev = self
                .memo
                .iter()
                .filter(|(_, (_, partial))| *partial)
                .map(|(k, (a, _))| (*k, a.clone()))
                .collect();
            self.memo.retain(|_, (_, partial)| !*partial);
            h = self.goal(s, action);
            let now = self.partial_sizes();
            solved = now == last;
            last = now;
        }
        self.prev.clear();
        if solved {
            for (_, partial) in self.memo.values_mut() {
                *partial = false;
            }
            self.cycle_hits = hits;
        }
        h
    }

    /// The goals whose answers met a cycle, with how many principals each holds, in order.
    fn partial_sizes(&self) -> Vec<((ScopeId, u32), usize)> {
        let mut v: Vec<_> = self
            .memo
            .iter()
            .filter(|(_, (_, partial))| *partial)
            .map(|(k, (a, _))| (*k, a.len()))
            .collect();
        v.sort_unstable_by_key(|(k, _)| (k.0 .0, k.1));
        v
    }

    /// One goal: from the memo, or evaluated. A goal met while it is still being evaluated
    /// answers what the round before found for it (nothing in the first round).
    fn goal(&mut self, s: ScopeId, action: &str) -> Arc<Holders> {
        let key = (s, self.action_id(action));
        if let Some((h, partial)) = self.memo.get(&key) {
            if *partial {
                self.cycle_hits += 1;
            }
            return h.clone();
        }
        if self.visiting.contains(&key) {
            self.cycle_hits += 1;
            return self.prev.get(&key).cloned().unwrap_or_default();
        }
        // a sub-goal (one asked while answering another) is kept by the engine; the question
        // itself is not, so browsing does not grow the store
        let sub = self
            .shared()
            .filter(|_| !self.visiting.is_empty() || self.for_edge > 0);
        let lower = sub.map(|_| action.to_ascii_lowercase());
        if let (Some(sh), Some(lower)) = (sub, &lower) {
            if let Some(kept) = sh.goal(s, lower) {
                let h = Arc::new(kept.to_holders());
                self.memo.insert(key, (h.clone(), false));
                return h;
            }
        }
        tick();
        let hits = self.cycle_hits;
        self.visiting.insert(key);
        let mut out = Holders::new();
        self.direct(s, action, &mut out);
        self.derived(s, action, &mut out);
        self.acting(s, action, &mut out);
        self.visiting.remove(&key);
        let partial = self.cycle_hits != hits;
        let rc = Arc::new(out);
        if let (Some(sh), Some(lower), false) = (sub, &lower, partial) {
            if let (kept, true) = Chains::of_holders(&rc) {
                sh.keep_goal(s, lower, Arc::new(kept));
            }
        }
        self.memo.insert(key, (rc.clone(), partial));
        rc
    }

    /// One id per action, case-insensitively.
    fn action_id(&mut self, action: &str) -> u32 {
        if let Some(&id) = self.action_ids.get(action) {
            return id;
        }
        let next = self.lower_ids.len() as u32;
        let id = *self
            .lower_ids
            .entry(action.to_ascii_lowercase())
            .or_insert(next);
        self.action_ids.insert(action.to_string(), id);
        id
    }

    fn candidate_assignments(&self, s: ScopeId) -> Vec<(usize, &'a Assignment)> {
        let m = self.m;
        let mut v: Vec<(usize, &'a Assignment)> = match &self.only {
            Some(_) => m
                .scope(s)
                .ancestors
                .iter()
                .flat_map(|anc| self.interest_by_scope.get(anc).into_iter().flatten())
                .filter_map(|&i| Some((i as usize, m.assignments.get(i as usize)?)))
                .collect(),
            None => m
                .scope(s)
                .ancestors
                .iter()
                .flat_map(|&anc| m.assign_by_scope.get(anc.0 as usize).into_iter().flatten())
                .filter_map(|&i| Some((i as usize, m.assignments.get(i as usize)?)))
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
        let mut seen = Seen::new(m.principals.len());
        let denies = self.denies_for(s, action);
        if let Some(sh) = self.shared_roles() {
            // the kept role holders leave out PIM eligibilities and conditional assignments:
            // those are read one by one, after the standing ones
            self.direct_shared(sh, s, action, &denies, out, &mut seen);
            self.direct_each(s, action, &denies, out, &mut seen, true);
        } else {
            self.direct_each(s, action, &denies, out, &mut seen, false);
        }
        self.direct_grants(s, action, &denies, out, &mut seen);
    }

    /// Role assignments at `s` and its ancestors, one by one (`special_only`: only PIM
    /// eligibilities and conditional assignments, which the kept holders leave out).
    fn direct_each(
        &mut self,
        s: ScopeId,
        action: &str,
        denies: &[&'a Deny],
        out: &mut Holders,
        seen: &mut Seen,
        special_only: bool,
    ) {
        let m = self.m;
        // a tenant has a few dozen roles and up to millions of assignments: decide each role
        // once per goal (its pattern, or None when it does not grant or a block removes it)
        let mut by_role: Vec<Option<Option<String>>> = vec![None; m.roles.len()];
        let candidates = if special_only {
            let m = self.m;
            let g: &'a AccessGraph = self.g;
            let mut v: Vec<(usize, &'a Assignment)> = m
                .scope(s)
                .ancestors
                .iter()
                .flat_map(|anc| g.special.get(anc).into_iter().flatten())
                .filter_map(|&i| Some((i as usize, m.assignments.get(i as usize)?)))
                .collect();
            v.sort_by_key(|(i, _)| *i);
            v
        } else {
            self.candidate_assignments(s)
        };
        for (i, asg) in candidates {
            if self.no_latent && asg.latent().is_some() {
                continue;
            }
            let r = asg.role.0 as usize;
            if r >= by_role.len() {
                by_role.resize(r + 1, None);
            }
            if let Some(slot @ None) = by_role.get_mut(r) {
                *slot = Some(
                    self.role_grant(asg.role, action)
                        .filter(|_| self.g.block_for(s, action, Some(asg.role)).is_none()),
                );
            }
            // the pattern is borrowed; only a kept step text reads it
            let Some(Some(Some(pattern))) = by_role.get(r) else {
                continue;
            };
            // the step is RBAC-CONDITION's when the condition decides it (RBAC-SCOPE's otherwise)
            let (note, conditional, by_condition) =
                match crate::engine::conditions::effect_named(m, asg, action) {
                    Effect::Free(note) => (note, None, false),
                    Effect::Denied => continue,
                    Effect::Conditional(req) => match self.conditions {
                        Some(false) => continue,
                        Some(true) => (Some(format!("condition assumed met: {req}")), None, true),
                        None => (Some(format!("conditional: {req}")), Some(req), true),
                    },
                };
            // existence only (light): a step text is kept only when it is assumed or latent,
            // which the answer marks
            let latent = asg.latent();
            let tail = if self.light && !asg.assumed && latent.is_none() && conditional.is_none() {
                Vec::new()
            } else {
                let until = match &asg.tenure {
                    Tenure::Eligible { until } => until.clone(),
                    _ => None,
                };
                let mut tail = vec![Step {
                    rule: if latent.is_some() {
                        "RBAC-PIM-ELIGIBLE"
                    } else if by_condition {
                        "RBAC-CONDITION"
                    } else {
                        "RBAC-SCOPE"
                    },
                    text: scope_text(m, asg, s, action, pattern, note.as_deref()),
                    latent,
                    until,
                    conditional,
                    source: asg.source.clone(),
                    assumed: asg.assumed,
                    link: (!asg.assumed && i != usize::MAX)
                        .then_some(crate::model::Link::Assignment(i)),
                }];
                tail.extend(self.notes(s, action));
                tail
            };
            self.expand(asg.principal, tail, denies, out, seen);
        }
    }

    /// Rule-made grants at `s` and its ancestors.
    fn direct_grants(
        &mut self,
        s: ScopeId,
        action: &str,
        denies: &[&'a Deny],
        out: &mut Holders,
        seen: &mut Seen,
    ) {
        let m = self.m;
        let grants: Vec<_> = m
            .scope(s)
            .ancestors
            .iter()
            .flat_map(|a| self.g.grants.get(a).into_iter().flatten())
            .collect();
        for gr in grants {
            if !self.admits(gr.principal) {
                continue; // expand would stop at the holder
            }
            let ok = match &gr.what {
                GrantKind::Role(r) => {
                    self.role_grant(*r, action).is_some()
                        && self.g.block_for(s, action, Some(*r)).is_none()
                }
                GrantKind::Pattern(p) => crate::model::role::action_matches(p, action),
            };
            if !ok {
                continue;
            }
            let tail = if self.light {
                Vec::new()
            } else {
                let mut tail = vec![Step {
                    rule: gr.rule,
                    text: gr.text.clone(),
                    source: gr.source.clone(),
                    assumed: false,
                    link: None,
                    latent: None,
                    until: None,
                    conditional: None,
                }];
                tail.extend(self.notes(s, action));
                tail
            };
            self.expand(gr.principal, tail, denies, out, seen);
        }
    }

    /// The pattern by which `role` grants `action` (None: it does not, or NotActions remove
    /// it), decided once per search: what-can asks the same few actions at every scope.
    fn role_grant(&mut self, role: RoleId, action: &str) -> Option<String> {
        if let Some(d) = self.role_grants.get(action).and_then(|r| r.get(&role)) {
            return d.clone();
        }
        let d = match self.m.role(role).grant(action) {
            RoleGrant::Yes(p) => Some(p),
            _ => None,
        };
        self.role_grants
            .entry(action.to_string())
            .or_default()
            .insert(role, d.clone());
        d
    }

    fn notes(&self, s: ScopeId, action: &str) -> Vec<Step> {
        self.g
            .notes_for(s, action)
            .map(|n| Step {
                rule: n.rule,
                text: n.text.clone(),
                source: n.source.clone(),
                assumed: false,
                link: None,
                latent: None,
                until: None,
                conditional: None,
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
        denied_by(self.m, &self.denies_for(s, action), p)
    }

    /// The deny assignments that cover `action` at `s` (inherited unless doNotApplyToChildScopes),
    /// whoever they name: decided once per goal, then checked per principal with `denied_by`.
    fn denies_for(&self, s: ScopeId, action: &str) -> Vec<&'a Deny> {
        let m = self.m;
        if m.denies.is_empty() {
            return Vec::new();
        }
        m.scope(s)
            .ancestors
            .iter()
            .flat_map(|&anc| {
                m.denies_at(anc)
                    .filter(move |d| !(d.no_children && anc != s) && d.covers_action(action))
            })
            .collect()
    }

    fn derived(&mut self, s: ScopeId, action: &str, out: &mut Holders) {
        let g: &'a AccessGraph = self.g; // borrowed from the graph, not from self
        let derivs: Vec<_> = g.derivations_for(s, action).collect();
        for d in derivs {
            let reqs: Vec<Arc<Holders>> = d
                .requires
                .iter()
                .map(|(rs, ra)| self.holders(*rs, ra))
                .collect();
            let step = Step {
                rule: d.rule,
                text: d.text.clone(),
                source: d.source.clone(),
                assumed: false,
                link: None,
                latent: None,
                until: None,
                conditional: None,
            };
            for (p, combos) in self.conjoin(&reqs) {
                if self.full(out, p, combos.len()) {
                    continue;
                }
                for mut path in combos {
                    if !self.light {
                        path.steps.push(step.clone()); // existence only (light): no text
                    }
                    self.push(out, p, path);
                }
            }
        }
    }
}

/// An assignment the kept role holders leave out: a PIM eligibility, or one with a condition
/// (both mark the paths through them).
pub(crate) fn special(a: &Assignment) -> bool {
    a.latent().is_some() || a.condition.is_some()
}

/// The first of `denies` that applies to `p` (RBAC-DENY): it names everyone, `p` or one of its
/// groups, and excludes neither.
fn denied_by<'a>(m: &Model, denies: &[&'a Deny], p: PrincipalId) -> Option<&'a Deny> {
    if denies.is_empty() {
        return None;
    }
    let groups = m.groups_of(p);
    let member = |x: &PrincipalId| *x == p || groups.contains(x);
    denies.iter().copied().find(|d| {
        d.principals.iter().any(|t| match t {
            DenyTarget::Everyone => true,
            DenyTarget::Principal(x) => member(x),
            DenyTarget::Unknown(_) => false,
        }) && !d.excluded.iter().any(member)
    })
}

/// Principals already expanded for one goal: a bit per principal (ids are dense indexes).
struct Seen(Vec<u64>);

impl Seen {
    fn new(n: usize) -> Seen {
        Seen(vec![0; n.div_ceil(64)])
    }
    fn contains(&self, p: PrincipalId) -> bool {
        let (w, b) = (p.0 as usize / 64, p.0 % 64);
        self.0.get(w).is_some_and(|x| x & (1 << b) != 0)
    }
    /// Mark `p`; false when it was marked already.
    fn insert(&mut self, p: PrincipalId) -> bool {
        let (w, b) = (p.0 as usize / 64, p.0 % 64);
        if w >= self.0.len() {
            self.0.resize(w + 1, 0);
        }
        let Some(word) = self.0.get_mut(w) else {
            return false; // not reached: resized above
        };
        let fresh = *word & (1 << b) == 0;
        *word |= 1 << b;
        fresh
    }
}

/// "ml-team holds AzureML Data Scientist on ws-main, inherited by ep-fraud; it grants …/score/action via 'workspaces/*/action'"
fn scope_text(
    m: &Model,
    a: &Assignment,
    s: ScopeId,
    action: &str,
    pattern: &str,
    condition: Option<&str>,
) -> String {
    let role = m.role(a.role);
    let at = m.scope(a.scope);
    let holds = match &a.tenure {
        Tenure::Eligible { .. } => "is eligible (PIM) for",
        _ => "holds",
    };
    let mut t = format!(
        "{} {holds} {} on {} {}",
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
    if let Some(c) = condition {
        t.push_str(&format!(" ({c})"));
    }
    match &a.tenure {
        Tenure::Standing => {}
        Tenure::Eligible { until } => {
            t.push_str(&format!(
                "; can activate it {}; activation may need approval or MFA, which exports do not show",
                until
                    .as_deref()
                    .map_or("with no end date".to_string(), |u| format!("until {}", when::day(u)))
            ));
        }
        Tenure::Active { activated, until } => {
            let how = if *activated {
                "activated through PIM"
            } else {
                "a PIM time-bound assignment"
            };
            match until {
                Some(u) => t.push_str(&format!(" ({how}, until {})", when::day(u))),
                None => t.push_str(&format!(" ({how})")),
            }
        }
    }
    t
}

/// `…/onlineEndpoints/score/action` for the long Azure ML actions; others unchanged.
pub fn short_action(a: &str) -> String {
    for prefix in [
        "Microsoft.MachineLearningServices/workspaces/",
        "Microsoft.Storage/storageAccounts/blobServices/containers/",
    ] {
        // `split_at_checked`: the prefix length may fall inside a multi-byte
        // character of what the user typed (issue 17)
        if let Some((head, rest)) = a.split_at_checked(prefix.len()) {
            if !rest.is_empty() && head.eq_ignore_ascii_case(prefix) {
                return format!("…/{rest}");
            }
        }
    }
    a.to_string()
}
