//! The engine: rules turn the model into an access graph once; queries walk it and return paths
//! of explained steps as plain data. Knows nothing of terminals or output formats.

// issue 17: user input must never panic on a byte offset inside a character or an index out
// of range (test code may)
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

pub mod action;
pub mod assign_cmd;
mod conditions;
mod coverage;
pub mod diff;
pub mod explain;
pub mod export;
pub mod fixes;
pub mod graph;
pub mod graphview;
mod latent;
pub mod matrix;
mod notes;
mod query;
pub mod review;
pub mod revoke;
pub mod rules;
mod shared;
pub mod view;
mod warm;
mod why_not;

pub use explain::*;
pub use latent::{set_default_assume_condition, set_default_latent, Latent};
pub use query::short_action;
pub use query::work_on_this_thread;

use crate::finding::Finding;
use crate::model::{Assignment, Model, PrincipalId, ResKind, ScopeId};
use action::ActionError;
use graph::AccessGraph;
use query::{Holders, PathSet, RawPath, Search};
use std::collections::HashSet;
use std::sync::Arc;

/// Default cap on paths shown per principal; the rest are counted as "N more".
pub const DEFAULT_MAX_PATHS: usize = 8;

/// The kept-answer budget every engine made from now on starts with (the CLI's
/// `--kept-memory`).
pub fn set_default_kept_budget(bytes: usize) {
    shared::set_start_budget(bytes);
}

pub struct Engine {
    /// Shared with a background warm-up (`warm_in_background`), hence `Arc`.
    model: Arc<Model>,
    graph: Arc<AccessGraph>,
    /// No what-if overlay at query time: assumptions are applied to the model before the rules
    /// run (`Model::assume`), so rule-derived edges see them too.
    no_extra: Vec<Assignment>,
    no_revoked: HashSet<usize>,
    /// Light answers kept across queries (the TUI's summaries; see `shared.rs`).
    shared: Arc<shared::Shared>,
    warming: Option<warm::Warming>,
    /// `name_rank`, made on first use (shared by `share`d engines).
    name_rank: Arc<std::sync::OnceLock<Vec<u32>>>,
    pub max_paths: usize,
    /// Which access answers count (`--latent`): standing and latent by default.
    pub latent: Latent,
    /// ABAC conditions reach cannot decide (`--assume-condition`): shown as conditional
    /// (None, the default), assumed met, or assumed failed.
    pub assume_condition: Option<bool>,
    /// Whether any assignment is a PIM eligibility, and whether any carries a condition.
    special_kinds: (bool, bool),
}

impl Engine {
    /// Run every rule over the model and build the access graph.
    pub fn new(model: Model) -> Engine {
        let mut graph = AccessGraph::default();
        for rule in rules::catalog() {
            (rule.apply)(&model, &mut graph);
        }
        for (i, a) in model.assignments.iter().enumerate() {
            if query::special(a) {
                graph
                    .special
                    .entry(a.scope)
                    .or_default()
                    .push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        let shared = shared::Shared::new(!model.assignments.iter().any(|a| a.assumed));
        let special_kinds = (
            model.assignments.iter().any(|a| a.latent().is_some()),
            model.assignments.iter().any(|a| a.condition.is_some()),
        );
        Engine {
            model: Arc::new(model),
            graph: Arc::new(graph),
            shared: Arc::new(shared),
            warming: None,
            name_rank: Arc::default(),
            no_extra: Vec::new(),
            no_revoked: HashSet::new(),
            max_paths: DEFAULT_MAX_PATHS,
            special_kinds,
            latent: latent::default_latent(),
            assume_condition: latent::default_assume_condition(),
        }
    }

    /// The same engine for another thread (the TUI's query worker): model, graph, kept answers
    /// and name order are shared, not copied; the background warm-up stays with this one.
    pub fn share(&self) -> Engine {
        Engine {
            model: self.model.clone(),
            graph: self.graph.clone(),
            no_extra: Vec::new(),
            no_revoked: HashSet::new(),
            shared: self.shared.clone(),
            warming: None,
            name_rank: self.name_rank.clone(),
            max_paths: self.max_paths,
            latent: self.latent,
            assume_condition: self.assume_condition,
            special_kinds: self.special_kinds,
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }
    pub fn graph(&self) -> &AccessGraph {
        &self.graph
    }

    /// Whether any what-if assumption is in force.
    pub fn has_assumptions(&self) -> bool {
        self.model.assignments.iter().any(|a| a.assumed)
    }

    fn search(&self) -> Search<'_> {
        let mut s = Search::new(
            &self.model,
            &self.graph,
            &self.no_extra,
            &self.no_revoked,
            self.max_paths.max(1) * 4,
        );
        s.conditions = self.assume_condition;
        s
    }

    /// Existence only: one path per principal, no step texts (see `Search::light`).
    pub(super) fn light_search(&self) -> Search<'_> {
        let mut search = Search::new(
            &self.model,
            &self.graph,
            &self.no_extra,
            &self.no_revoked,
            1,
        );
        search.light = true;
        search.conditions = self.assume_condition;
        search.sharing(&self.shared)
    }

    /// Answer ahead of any question what the TUI's summaries lead to whichever resource is
    /// selected (see `warm.rs`), on all cores, and wait for it. `stop` ends it early. Returns
    /// how many goals and edges were answered.
    pub fn warm(&self, stop: &std::sync::atomic::AtomicBool) -> (usize, usize) {
        warm::warm(
            &self.model,
            &self.graph,
            &self.shared,
            stop,
            crate::par::cores(),
        )
    }

    /// The same on a background thread (one core left free); the engine tells it to stop when
    /// dropped. Queries meanwhile are answered as usual, finding whatever it has kept so far.
    pub fn warm_in_background(&mut self) {
        if self.warming.is_none() && self.shared.enabled {
            self.warming =
                warm::Warming::spawn(self.model.clone(), self.graph.clone(), self.shared.clone());
        }
    }

    /// Whether a background warm-up is running.
    pub fn warming(&self) -> bool {
        self.warming.as_ref().is_some_and(|w| !w.finished())
    }

    /// Wait for the background warm-up: what it answered (None: none was started).
    pub fn wait_warm(&mut self) -> Option<(usize, usize)> {
        self.warming.as_mut()?.wait()
    }

    /// Forget the light answers kept across queries, so the next one is answered cold (for
    /// benchmarks; answers do not change).
    pub fn forget_kept(&self) {
        self.shared.clear();
    }

    /// Hold the answers kept across queries within `bytes` (past it they are forgotten,
    /// goals first; answers never change). Engines start with 160 MiB
    /// (`shared::DEFAULT_BUDGET`), or what `set_default_kept_budget` set.
    pub fn set_kept_budget(&self, bytes: usize) {
        self.shared.set_budget(bytes);
    }

    /// Bytes the kept answers hold now, and how often the budget made the engine forget them.
    pub fn kept_memory(&self) -> (usize, usize) {
        self.shared.memory()
    }

    /// How many light answers the engine keeps (sub-goals, acts-as edges, scope reaches), and
    /// how many principals they hold in all.
    pub fn kept_answers(&self) -> [usize; 4] {
        self.shared.counts()
    }

    pub fn principal_ref(&self, p: PrincipalId) -> PrincipalRef {
        let pr = self.model.principal(p);
        PrincipalRef {
            name: pr.name.clone(),
            id: pr
                .object_id
                .clone()
                .or_else(|| pr.resource.map(|r| self.model.scope(r).id.to_string()))
                .unwrap_or_default(),
            kind: pr.kind,
            pid: p,
        }
    }

    pub fn resource_ref(&self, s: ScopeId) -> ResourceRef {
        let sc = self.model.scope(s);
        ResourceRef {
            id: sc.id.to_string(),
            kind: sc.kind,
            name: self.model.scope_label(s),
        }
    }

    /// Every principal that can perform `op` (an operation name or full action) on `s`; with
    /// no action, every summarised operation of the resource kind.
    pub fn who_can(&self, s: ScopeId, op: Option<&str>) -> Result<WhoCan, ActionError> {
        self.who_can_as(s, op, self.latent)
    }

    /// `who_can` counting the access `latent` says (policy rules choose their own).
    pub fn who_can_as(
        &self,
        s: ScopeId,
        op: Option<&str>,
        latent: Latent,
    ) -> Result<WhoCan, ActionError> {
        let ops = self.ops_for(s, op)?;
        let mut search = self.search();
        search.no_latent = latent == Latent::Exclude;
        // operations, paths, paths left out, a standing path found, an unconditional one
        type Row = (Vec<String>, Vec<AccessPath>, usize, bool, bool);
        let mut per: std::collections::BTreeMap<PrincipalId, Row> = Default::default();
        let mut moot: Vec<String> = Vec::new();
        let mut at_least = false;
        for (label, action) in &ops {
            let h = search.holders(s, action);
            for (p, set) in h.iter() {
                at_least |= set.at_least;
                let e = per.entry(*p).or_default();
                e.0.push(label.clone());
                let tag = (ops.len() > 1).then(|| label.clone());
                e.1.extend(set.paths.iter().map(|r| to_path(r, tag.clone())));
                e.2 += set.more;
                e.3 |= set.paths.iter().any(|r| r.latent().is_none());
                e.4 |= set.paths.iter().any(|r| r.conditional().is_none());
                // a condition made moot for this operation by an unconditional path
                if set.paths.iter().any(|r| r.conditional().is_some())
                    && set.paths.iter().any(|r| r.conditional().is_none())
                {
                    moot.push(format!(
                        "{}: an ABAC condition on one of its assignments does not limit {label} here: also granted unconditionally",
                        self.model.principal(*p).name
                    ));
                }
            }
        }
        let goals: Vec<(ScopeId, &str)> = ops.iter().map(|(_, a)| (s, a.as_str())).collect();
        let mut standing = latent::Settling::new(self, latent::Settle::Latent);
        let mut unconditional = latent::Settling::new(self, latent::Settle::Conditional);
        let mut principals: Vec<PrincipalAccess> = per
            .into_iter()
            .map(|(p, (actions, paths, more, found, free))| {
                let kind = paths.iter().find_map(|x| x.latent);
                let mark = latent::row_mark(found, kind, || standing.holds(p, &goals));
                let cond = paths.iter().any(|x| x.conditional.is_some());
                let conditional =
                    latent::row_conditional(free, cond, || unconditional.holds(p, &goals));
                let mut pa = self.principal_access(
                    p,
                    if ops.len() > 1 { actions } else { Vec::new() },
                    paths,
                    more,
                );
                pa.latent = mark;
                pa.conditional = conditional;
                pa
            })
            .filter(|pa| latent != Latent::Only || pa.latent.is_some())
            .collect();
        principals.sort_by(principal_order);
        let mut notes = self.membership_notes(principals.iter().map(|p| p.principal.pid));
        notes.extend(moot);
        let pids: Vec<PrincipalId> = principals.iter().map(|p| p.principal.pid).collect();
        notes.extend(self.collect_notes(s, &pids));
        notes.extend(at_least.then(at_least_note));
        Ok(WhoCan {
            resource: self.resource_ref(s),
            action: match ops.as_slice() {
                [(_, only)] => Some(only.clone()),
                _ => None,
            },
            principals,
            notes,
        })
    }

    /// Who reaches `s` and with which operations, without their paths (one path per principal
    /// is searched, enough to know it exists): the cheap list the TUI shows before a row's
    /// paths are asked for with `explain`.
    pub fn who_can_summary(
        &self,
        s: ScopeId,
        op: Option<&str>,
    ) -> Result<Vec<Reached>, ActionError> {
        self.who_can_summary_as(s, op, self.latent)
    }

    /// `who_can_summary` counting the access `latent` says.
    pub fn who_can_summary_as(
        &self,
        s: ScopeId,
        op: Option<&str>,
        latent: Latent,
    ) -> Result<Vec<Reached>, ActionError> {
        let ops = self.ops_for(s, op)?;
        // operations are independent goals: one light search each, on all cores; per
        // principal: whether an assumption is on the way, and the latent kind of its path
        // and whether its path is conditional
        type Found = (PrincipalId, bool, Option<&'static str>, bool);
        let one = |action: &str| -> Vec<Found> {
            let mut search = self.light_search();
            search.no_latent = latent == Latent::Exclude;
            search
                .holders(s, action)
                .iter()
                .map(|(p, set)| {
                    let standing = set.paths.iter().any(|r| r.latent().is_none());
                    let kind = set.paths.iter().find_map(|r| r.latent());
                    (
                        *p,
                        set.paths.iter().any(|r| r.assumed()),
                        kind.filter(|_| !standing),
                        !set.paths.iter().any(|r| r.conditional().is_none()),
                    )
                })
                .collect()
        };
        let found = crate::par::map(&ops, None, |(_, action)| one(action));
        // per principal: the operations (who-can lists at most a few dozen), an assumption on
        // the way, a standing path found, the latent kind of one, an unconditional path found,
        // a conditional one
        type Row = (Vec<usize>, bool, bool, Option<&'static str>, bool, bool);
        let mut per: Vec<Row> =
            vec![(Vec::new(), false, false, None, false, false); self.model.principals.len()];
        let mut reached: Vec<PrincipalId> = Vec::new();
        for (i, ((_, action), holders)) in ops.iter().zip(found).enumerate() {
            for (p, assumed, kind, cond) in holders.unwrap_or_else(|| one(action)) {
                let Some(e) = per.get_mut(p.0 as usize) else {
                    continue;
                };
                if e.0.is_empty() {
                    reached.push(p);
                }
                e.0.push(i);
                e.1 |= assumed;
                e.2 |= kind.is_none();
                e.3 = e.3.or(kind);
                e.4 |= !cond;
                e.5 |= cond;
            }
        }
        let goals: Vec<(ScopeId, &str)> = ops.iter().map(|(_, a)| (s, a.as_str())).collect();
        let mut standing = latent::Settling::new(self, latent::Settle::Latent);
        let mut unconditional = latent::Settling::new(self, latent::Settle::Conditional);
        // by name, case-insensitively, then id: ranks made once per engine
        let rank = self.name_rank();
        reached.sort_unstable_by_key(|p| rank.get(p.0 as usize).copied().unwrap_or(u32::MAX));
        Ok(reached
            .into_iter()
            .map(|p| {
                // `reached` holds only principals found in `per` above
                let (idx, assumed, found, kind, free, cond) = per
                    .get_mut(p.0 as usize)
                    .map(std::mem::take)
                    .unwrap_or_default();
                Reached {
                    principal: self.principal_ref(p),
                    actions: idx
                        .into_iter()
                        .filter_map(|i| ops.get(i).map(|(op, _)| op.clone()))
                        .collect(),
                    assumed,
                    // marks come from the one path kept, settled when it is marked. A path
                    // made of answers the engine kept (acts-as edges, sub-goals) holds no steps
                    // and so no marks: such a row can lack its mark here, never its place
                    // (its paths, asked when highlighted, are marked)
                    latent: latent::row_mark(found, kind, || standing.holds(p, &goals)),
                    conditional: latent::row_conditional(free, cond, || {
                        unconditional.holds(p, &goals)
                    }),
                }
            })
            .filter(|r| latent != Latent::Only || r.latent.is_some())
            .collect())
    }

    /// Each principal's place when all are sorted by name (case-insensitively), then id: the
    /// order summaries list them in, made once.
    fn name_rank(&self) -> &[u32] {
        self.name_rank.get_or_init(|| {
            let mut order: Vec<(String, String, u32)> = self
                .model
                .principal_ids()
                .map(|p| {
                    let r = self.principal_ref(p);
                    (r.name.to_ascii_lowercase(), r.id, p.0)
                })
                .collect();
            order.sort();
            let mut rank = vec![u32::MAX; self.model.principals.len()];
            for (i, (_, _, p)) in order.into_iter().enumerate() {
                if let Some(r) = rank.get_mut(p as usize) {
                    *r = i as u32;
                }
            }
            rank
        })
    }

    fn principal_access(
        &self,
        p: PrincipalId,
        actions: Vec<String>,
        mut paths: Vec<AccessPath>,
        more: usize,
    ) -> PrincipalAccess {
        sort_paths(&mut paths);
        let extra = paths.len().saturating_sub(self.max_paths);
        paths.truncate(self.max_paths);
        PrincipalAccess {
            principal: self.principal_ref(p),
            actions,
            paths,
            more_paths: more + extra,
            latent: None,
            conditional: false,
        }
    }

    /// What `p` can reach: every resource with the operations it can perform there (or the
    /// given action), each with its paths.
    pub fn what_can(&self, p: PrincipalId, op: Option<&str>) -> WhatCan {
        self.what_can_with(p, op, false, &|| false)
    }

    /// What `p` reaches and with which operations, without paths (the cheap list the TUI shows
    /// first; a row's paths come from `explain`).
    pub fn what_can_summary(&self, p: PrincipalId, op: Option<&str>) -> WhatCan {
        self.what_can_with(p, op, true, &|| false)
    }

    /// `what_can_summary` that gives up (None) as soon as `stop` says so, checked before each
    /// resource: the TUI cancels a list nobody waits for any more.
    pub fn what_can_summary_until(
        &self,
        p: PrincipalId,
        op: Option<&str>,
        stop: &dyn Fn() -> bool,
    ) -> Option<WhatCan> {
        let w = self.what_can_with(p, op, true, stop);
        (!stop()).then_some(w)
    }

    fn what_can_with(
        &self,
        p: PrincipalId,
        op: Option<&str>,
        light: bool,
        stop: &dyn Fn() -> bool,
    ) -> WhatCan {
        let latent = self.latent;
        let mut search = self.search().for_principal(p);
        search.no_latent = latent == Latent::Exclude;
        if light {
            search.cap = 1;
            search.light = true;
        }
        let mut standing = latent::Settling::for_principal(self, p, latent::Settle::Latent);
        let mut unconditional =
            latent::Settling::for_principal(self, p, latent::Settle::Conditional);
        let mut resources = Vec::new();
        let mut at_least = false;
        for s in self.model.scope_ids() {
            if stop() {
                break;
            }
            if matches!(
                self.model.scope(s).kind,
                ResKind::Root | ResKind::ManagementGroup
            ) {
                continue;
            }
            let Ok(ops) = self.ops_for(s, op) else {
                continue;
            };
            if let Some(a) = op.filter(|o| o.contains('/')) {
                let ty = self.model.scope(s).id.resource_type().to_ascii_lowercase();
                if !a.to_ascii_lowercase().starts_with(&format!("{ty}/")) {
                    continue;
                }
            }
            let mut actions = Vec::new();
            let mut paths = Vec::new();
            let mut more = 0;
            let mut assumed = false;
            let mut found = false;
            let mut kind = None;
            let (mut free, mut cond) = (false, false);
            for (label, action) in &ops {
                let h = search.holders(s, action);
                if let Some(set) = h.get(&p) {
                    assumed |= set.paths.iter().any(|r| r.assumed());
                    found |= set.paths.iter().any(|r| r.latent().is_none());
                    kind = kind.or_else(|| set.paths.iter().find_map(|r| r.latent()));
                    free |= set.paths.iter().any(|r| r.conditional().is_none());
                    cond |= set.paths.iter().any(|r| r.conditional().is_some());
                    actions.push(label.clone());
                    let tag = (ops.len() > 1).then(|| label.clone());
                    paths.extend(set.paths.iter().map(|r| to_path(r, tag.clone())));
                    more += set.more;
                    at_least |= set.at_least;
                }
            }
            if actions.is_empty() {
                continue;
            }
            let goals: Vec<(ScopeId, &str)> = ops.iter().map(|(_, a)| (s, a.as_str())).collect();
            let mark = latent::row_mark(found, kind, || standing.holds(p, &goals));
            if latent == Latent::Only && mark.is_none() {
                continue;
            }
            let conditional =
                latent::row_conditional(free, cond, || unconditional.holds(p, &goals));
            if light {
                paths.clear();
                more = 0;
            }
            sort_paths(&mut paths);
            more += paths.len().saturating_sub(self.max_paths);
            paths.truncate(self.max_paths);
            resources.push(ResourceAccess {
                resource: self.resource_ref(s),
                actions,
                paths,
                more_paths: more,
                assumed,
                latent: mark,
                conditional,
            });
        }
        let mut notes = self.principal_notes(p);
        notes.extend(at_least.then(at_least_note));
        WhatCan {
            principal: self.principal_ref(p),
            action: op.map(str::to_string),
            resources,
            notes,
        }
    }

    /// Can `p` perform `op` on `s`? All paths, and when not, what is missing.
    pub fn explain(
        &self,
        p: PrincipalId,
        s: ScopeId,
        op: &str,
    ) -> Result<Explanation, ActionError> {
        let action = action::resolve(&self.model, s, op)?;
        let latent = self.latent;
        let mut search = self.search().for_principal(p);
        search.no_latent = latent == Latent::Exclude;
        let h: std::sync::Arc<Holders> = search.holders(s, &action);
        let mut set: PathSet = h.get(&p).cloned().unwrap_or_default();
        let found = set.paths.iter().any(|r| r.latent().is_none());
        let kind = set.paths.iter().find_map(|r| r.latent());
        let goal = [(s, action.as_str())];
        let mark = latent::row_mark(found, kind, || {
            latent::Settling::for_principal(self, p, latent::Settle::Latent).holds(p, &goal)
        });
        let free = set.paths.iter().any(|r| r.conditional().is_none());
        let cond = set.paths.iter().any(|r| r.conditional().is_some());
        let conditional = latent::row_conditional(free, cond, || {
            latent::Settling::for_principal(self, p, latent::Settle::Conditional).holds(p, &goal)
        });
        if latent == Latent::Only {
            // latent access alone: a principal that also holds it standing has none to show
            if mark.is_none() {
                set = PathSet::default();
            }
        }
        let mut paths: Vec<AccessPath> = set.paths.iter().map(|r| to_path(r, None)).collect();
        sort_paths(&mut paths);
        let more = set.more + paths.len().saturating_sub(self.max_paths);
        paths.truncate(self.max_paths);
        let allowed = !paths.is_empty();
        let mut notes = self.principal_notes(p);
        notes.extend(set.at_least.then(at_least_note));
        let why_not = if allowed {
            Vec::new()
        } else {
            why_not::why_not(self, &mut search, p, s, &action)
        };
        let mut fixes = if allowed {
            Vec::new()
        } else {
            self.fixes(p, s, &action)
        };
        if !allowed {
            for f in why_not::hints(self, p, s, &action).filter_map(|h| h.fix.clone()) {
                if !fixes.contains(&f) {
                    fixes.push(f);
                }
            }
        }
        Ok(Explanation {
            principal: self.principal_ref(p),
            resource: self.resource_ref(s),
            action,
            allowed,
            latent: mark.filter(|_| allowed),
            conditional: conditional && allowed,
            paths,
            more_paths: more,
            why_not,
            fixes,
            notes,
        })
    }

    /// Every finding: load problems, model problems and lint results, in a stable order.
    pub fn lint(&self) -> Vec<Finding> {
        let mut all: Vec<Finding> = self.model.findings.clone();
        all.extend(self.graph.findings.iter().cloned());
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        all.dedup();
        all
    }

    fn ops_for(&self, s: ScopeId, op: Option<&str>) -> Result<Vec<(String, String)>, ActionError> {
        match op {
            Some(o) => Ok(vec![(o.to_string(), action::resolve(&self.model, s, o)?)]),
            None => Ok(action::summary_ops(self.model.scope(s).kind)
                .iter()
                .filter_map(|o| {
                    action::resolve(&self.model, s, o)
                        .ok()
                        .map(|a| (o.to_string(), a))
                })
                .collect()),
        }
    }
}

pub(crate) fn to_path(r: &RawPath, action: Option<String>) -> AccessPath {
    AccessPath {
        action,
        rules: r.steps.iter().map(|s| s.rule).collect(),
        steps: r.steps.clone(),
        assumed: r.assumed(),
        latent: r.latent(),
        until: r.steps.iter().find_map(|s| s.until.clone()),
        conditional: r.conditional().map(str::to_string),
    }
}

fn sort_paths(paths: &mut [AccessPath]) {
    // Same order as comparing (length, action, step texts); the texts are compared in place
    // (no Vec per comparison: a large who-can sorts the paths of thousands of principals).
    paths.sort_by(|a, b| {
        (a.steps.len(), &a.action)
            .cmp(&(b.steps.len(), &b.action))
            .then_with(|| {
                a.steps
                    .iter()
                    .map(|s| s.text.as_str())
                    .cmp(b.steps.iter().map(|s| s.text.as_str()))
            })
    });
}

fn principal_order(a: &PrincipalAccess, b: &PrincipalAccess) -> std::cmp::Ordering {
    (a.principal.name.to_ascii_lowercase(), &a.principal.id)
        .cmp(&(b.principal.name.to_ascii_lowercase(), &b.principal.id))
}

#[cfg(test)]
mod tests;

/// Said when a count of paths not shown is a lower bound (`PathSet::at_least`).
fn at_least_note() -> String {
    "the counts of paths not shown are at least that many: a group nesting cycle leads to \
     more membership chains than reach counts"
        .to_string()
}
