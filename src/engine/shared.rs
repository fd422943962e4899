//! Existence-only answers the engine keeps across queries. The TUI asks "who reaches this
//! resource" on every selection; the sub-goals those questions lead to (who can assign a
//! managed identity, who can write an endpoint in a workspace, who can list a storage account's
//! keys) are the same whichever resource is selected, and at tenant scale they are most of the
//! work. Three kinds of answer are kept, all light (one path per principal, no step texts):
//!
//! - `goals`: the holders of a goal searched as a sub-goal (never the question asked itself,
//!   so browsing thousands of resources does not grow it);
//! - `edges`: who can act as an identity through one acts-as edge;
//! - `reach`: the role assignments made at one scope, by role, with each role's holders
//!   expanded down the groups: the same for every goal at or below the scope, whatever its
//!   action, so a subscription's ten thousand assignments are read once, not once per goal.
//!   Only scopes with children are kept; the store is bounded by the model, not by browsing.
//!
//! An answer that met a goal still being evaluated (a cycle) depends on the question that led
//! to it and is never kept. Nothing is kept when what-if assumptions are in force (their steps
//! name the goal's scope). The engine is rebuilt on reload, and this with it.
//!
//! What is kept is counted in bytes (the vectors' capacities and a fixed overhead an entry)
//! and held within a budget (`DEFAULT_BUDGET`, `--kept-memory`): past it, the goals are
//! forgotten first (the edges answer selections without them), then everything. Forgetting
//! never changes an answer, only how soon the next one comes; searches under way keep the
//! answers they hold (`Arc`).

use super::query::{Holders, PathSet, RawPath};
use crate::model::role::RoleId;
use crate::model::{PrincipalId, ScopeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// The budget of an engine made without one: 160 MiB. At 100k assignments a warm-up and an
/// hour of browsing keep about 55 MB (docs/performance.md), so the budget bites only on
/// bigger tenants, where it keeps the process under the 300 MB the TUI promises.
pub const DEFAULT_BUDGET: usize = 160 << 20;

/// The budget new engines start with (`set_start_budget`; the CLI's `--kept-memory`).
static START_BUDGET: AtomicUsize = AtomicUsize::new(DEFAULT_BUDGET);

/// Set the budget every engine made from now on starts with.
pub fn set_start_budget(bytes: usize) {
    START_BUDGET.store(bytes, Ordering::Relaxed);
}

/// Bytes a map entry and its `Arc` cost beyond the vectors (hash slot, key, counts).
const ENTRY: usize = 64;

fn vec_bytes<T>(v: &Vec<T>) -> usize {
    v.capacity() * std::mem::size_of::<T>()
}

/// The role assignments made at one scope, by role, each role's holders expanded down the
/// group nesting on first use (`Tree`): what every goal at or below the scope starts from,
/// whatever its action (a goal takes the roles that grant its action and no block removes).
#[derive(Debug, Default)]
pub(crate) struct ScopeReach {
    pub roles: Vec<RoleReach>,
}

#[derive(Debug)]
pub(crate) struct RoleReach {
    pub role: RoleId,
    /// Indexes of the assignments (in the model) of this role at the scope, in order.
    pub assignments: Vec<u32>,
    /// Their holders, each principal once, expanded when first needed.
    pub reached: OnceLock<Tree>,
}

/// Principals reached by expanding groups, each with the entry of the group it was reached
/// through: its chain is itself, then that entry's chain. 8 bytes an entry (a subscription's
/// owners and contributors are thousands of principals).
#[derive(Debug, Default)]
pub(crate) struct Tree {
    ids: Vec<PrincipalId>,
    parent: Vec<u32>,
}

impl ScopeReach {
    /// Bytes held, not counting the role trees (noted as each is expanded).
    pub fn bytes(&self) -> usize {
        ENTRY
            + vec_bytes(&self.roles)
            + self
                .roles
                .iter()
                .map(|r| vec_bytes(&r.assignments))
                .sum::<usize>()
    }
}

impl Tree {
    const ROOT: u32 = u32::MAX;

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        vec_bytes(&self.ids) + vec_bytes(&self.parent)
    }

    /// Add `p`, reached through entry `via` (None: it holds the assignment); its entry.
    pub fn push(&mut self, p: PrincipalId, via: Option<u32>) -> u32 {
        self.ids.push(p);
        self.parent.push(via.unwrap_or(Self::ROOT));
        (self.ids.len() - 1) as u32
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Entries in the order they were added.
    pub fn entries(&self) -> impl Iterator<Item = (u32, PrincipalId)> + '_ {
        self.ids.iter().enumerate().map(|(i, p)| (i as u32, *p))
    }

    /// The chain of entry `i`, principal first, holder last.
    pub fn chain(&self, mut i: u32) -> Vec<PrincipalId> {
        let mut v = Vec::new();
        while let (Some(p), Some(&up)) = (self.ids.get(i as usize), self.parent.get(i as usize)) {
            v.push(*p);
            i = up;
        }
        v
    }

    pub fn shrink(mut self) -> Tree {
        self.ids.shrink_to_fit();
        self.parent.shrink_to_fit();
        self
    }
}

type ByAction<T> = HashMap<String, HashMap<ScopeId, Arc<T>>>;

/// Principals, each with one chain (the principals its path passes, itself first), stored flat:
/// a light answer in about a tenth of the memory of `Holders` (a kept 100k tenant's answers
/// are millions of entries).
#[derive(Debug, Default)]
pub(crate) struct Chains {
    ids: Vec<PrincipalId>,
    ends: Vec<u32>,
    nodes: Vec<PrincipalId>,
}

impl Chains {
    pub fn push(&mut self, p: PrincipalId, chain: &[PrincipalId]) {
        self.ids.push(p);
        self.nodes.extend_from_slice(chain);
        self.ends.push(self.nodes.len() as u32);
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Bytes held, with the entry that keeps it.
    pub fn bytes(&self) -> usize {
        ENTRY + vec_bytes(&self.ids) + vec_bytes(&self.ends) + vec_bytes(&self.nodes)
    }

    pub fn iter(&self) -> impl Iterator<Item = (PrincipalId, &[PrincipalId])> {
        self.ids
            .iter()
            .enumerate()
            .map(|(i, p)| (*p, self.chain_at(i)))
    }

    /// The chain of entry `i`.
    fn chain_at(&self, i: usize) -> &[PrincipalId] {
        let end = |k: usize| self.ends.get(k).map_or(0, |&e| e as usize);
        let start = i.checked_sub(1).map_or(0, end);
        self.nodes.get(start..end(i)).unwrap_or_default()
    }

    pub fn shrink(mut self) -> Chains {
        self.ids.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.nodes.shrink_to_fit();
        self
    }

    /// A light answer as chains (each principal's first path), in principal order, and
    /// whether that is all of it: every principal with exactly one path and no path with a
    /// step (light paths keep only assumed steps, and nothing is kept under assumptions). How
    /// many more paths the cap left out is not kept.
    pub fn of_holders(h: &Holders) -> (Chains, bool) {
        let mut c = Chains::default();
        let mut exact = true;
        for (p, set) in h {
            if let Some(first) = set.paths.first() {
                c.push(*p, &first.nodes);
            }
            // paths counted over the cap are not kept: light answers never read the count
            exact &= matches!(set.paths.as_slice(), [only] if only.steps.is_empty());
        }
        (c.shrink(), exact)
    }

    /// The chain of `p`, when the chains are in principal order (`of_holders`, `Search`'s
    /// edge answers).
    pub fn get(&self, p: PrincipalId) -> Option<&[PrincipalId]> {
        let i = self.ids.binary_search(&p).ok()?;
        Some(self.chain_at(i))
    }

    /// Back to a light answer (principals in order, as `of_holders` kept them).
    pub fn to_holders(&self) -> Holders {
        self.iter()
            .map(|(p, nodes)| {
                let path = RawPath {
                    steps: Vec::new(),
                    nodes: nodes.to_vec(),
                };
                (
                    p,
                    PathSet {
                        paths: vec![path],
                        more: 0,
                        at_least: false,
                    },
                )
            })
            .collect()
    }
}

#[derive(Default)]
pub(crate) struct Shared {
    /// False when assumptions are in force: then nothing is kept.
    pub enabled: bool,
    goals: Mutex<ByAction<Chains>>,
    edges: Mutex<HashMap<(PrincipalId, usize), Arc<Chains>>>,
    /// By scope; only scopes with children (a leaf's assignments serve its own goals alone).
    reach: Mutex<HashMap<ScopeId, Arc<ScopeReach>>>,
    /// Bytes kept in all, and of that in `goals`.
    bytes: AtomicUsize,
    goal_bytes: AtomicUsize,
    budget: AtomicUsize,
    /// How often the budget made the store forget (goals alone, or everything).
    evictions: AtomicUsize,
}

/// A poisoned lock only means a query panicked while holding it; the maps are still whole
/// (every insert is one call).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(enabled: bool) -> Shared {
        Shared {
            enabled,
            budget: AtomicUsize::new(START_BUDGET.load(Ordering::Relaxed)),
            ..Shared::default()
        }
    }

    pub fn set_budget(&self, bytes: usize) {
        self.budget.store(bytes, Ordering::Relaxed);
        self.enforce();
    }

    /// Bytes kept now, and how often the budget made the store forget.
    pub fn memory(&self) -> (usize, usize) {
        (
            self.bytes.load(Ordering::Relaxed),
            self.evictions.load(Ordering::Relaxed),
        )
    }

    /// Count `bytes` more kept (a role tree expanded in a kept scope reach), then hold the
    /// budget.
    pub fn note(&self, bytes: usize) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.enforce();
    }

    /// Over the budget: forget the goals; still over, forget everything. A tree counted by
    /// `note` after its scope reach was forgotten stays counted until the next full clear,
    /// so the count errs high (forgets early), never low.
    fn enforce(&self) {
        let budget = self.budget.load(Ordering::Relaxed);
        if self.bytes.load(Ordering::Relaxed) <= budget {
            return;
        }
        self.evictions.fetch_add(1, Ordering::Relaxed);
        self.forget_goals();
        if self.bytes.load(Ordering::Relaxed) > budget {
            self.clear();
        }
    }

    /// `lower`: the action, lower-cased.
    pub fn goal(&self, s: ScopeId, lower: &str) -> Option<Arc<Chains>> {
        lock(&self.goals).get(lower)?.get(&s).cloned()
    }
    pub fn keep_goal(&self, s: ScopeId, lower: &str, h: Arc<Chains>) {
        let add = h.bytes();
        {
            let mut g = lock(&self.goals);
            let old = match g.get_mut(lower) {
                Some(by_scope) => by_scope.insert(s, h),
                None => {
                    g.insert(lower.to_string(), HashMap::from([(s, h)]));
                    None
                }
            };
            // counted while the lock is held, so `forget_goals` subtracts what it drops
            let old = old.map_or(0, |o| o.bytes());
            self.goal_bytes.fetch_add(add, Ordering::Relaxed);
            self.goal_bytes.fetch_sub(old, Ordering::Relaxed);
            self.bytes.fetch_add(add, Ordering::Relaxed);
            self.bytes.fetch_sub(old, Ordering::Relaxed);
        }
        self.enforce();
    }

    pub fn edge(&self, ident: PrincipalId, k: usize) -> Option<Arc<Chains>> {
        lock(&self.edges).get(&(ident, k)).cloned()
    }
    pub fn keep_edge(&self, ident: PrincipalId, k: usize, a: Arc<Chains>) {
        let add = a.bytes();
        {
            let mut e = lock(&self.edges);
            let old = e.insert((ident, k), a).map_or(0, |o| o.bytes());
            self.bytes.fetch_add(add, Ordering::Relaxed);
            self.bytes.fetch_sub(old, Ordering::Relaxed);
        }
        self.enforce();
    }

    /// The assignments at `s` by role, made with `make` the first time.
    pub fn reach(&self, s: ScopeId, make: impl FnOnce() -> ScopeReach) -> Arc<ScopeReach> {
        if let Some(r) = lock(&self.reach).get(&s) {
            return r.clone();
        }
        let r = Arc::new(make()); // outside the lock: other scopes go on meanwhile
        let (kept, added) = {
            let mut reach = lock(&self.reach);
            match reach.get(&s) {
                Some(other) => (other.clone(), false),
                None => {
                    self.bytes.fetch_add(r.bytes(), Ordering::Relaxed);
                    reach.insert(s, r.clone());
                    (r, true)
                }
            }
        };
        if added {
            self.enforce();
        }
        kept
    }

    /// Forget the kept goals: once every acts-as edge is answered, the goals they required are
    /// asked by nothing but derivations, which keep theirs again on first use.
    pub fn forget_goals(&self) {
        let mut g = lock(&self.goals);
        g.clear();
        let dropped = self.goal_bytes.swap(0, Ordering::Relaxed);
        self.bytes.fetch_sub(dropped, Ordering::Relaxed);
    }

    /// Forget every kept answer (benchmarks measure the first question this way; the budget
    /// when forgetting the goals was not enough).
    pub fn clear(&self) {
        // all three locks at once, so no insert lands between a map's clear and the count's
        let mut g = lock(&self.goals);
        let mut e = lock(&self.edges);
        let mut r = lock(&self.reach);
        g.clear();
        e.clear();
        r.clear();
        self.goal_bytes.store(0, Ordering::Relaxed);
        self.bytes.store(0, Ordering::Relaxed);
    }

    /// How many answers are kept (goals, edges, expanded roles at a scope) and how many
    /// principals they hold in all: for tests and the benchmarks.
    pub fn counts(&self) -> [usize; 4] {
        let goals = lock(&self.goals);
        let edges = lock(&self.edges);
        let reach = lock(&self.reach);
        let trees: Vec<&Tree> = reach
            .values()
            .flat_map(|r| r.roles.iter())
            .filter_map(|r| r.reached.get())
            .collect();
        let entries = goals
            .values()
            .flat_map(HashMap::values)
            .map(|c| c.len())
            .sum::<usize>()
            + edges.values().map(|c| c.len()).sum::<usize>()
            + trees.iter().map(|t| t.len()).sum::<usize>();
        [total(&goals), edges.len(), trees.len(), entries]
    }
}

fn total<T>(m: &ByAction<T>) -> usize {
    m.values().map(HashMap::len).sum()
}
