//! Warming: answering, before anyone asks, the sub-goals every "who reaches this resource"
//! summary leads to (the goals each acts-as edge requires, then who can act as each identity),
//! so that selecting a storage account in a 100k-assignment tenant finds them kept instead of
//! computing three hundred goals of a thousand principals each. The TUI starts it in the
//! background once the first screen is drawn (`Engine::warm_in_background`); answers never
//! change, only when they are computed.

use super::graph::AccessGraph;
use super::query::Search;
use super::shared::Shared;
use crate::model::{Model, PrincipalId, ScopeId};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Every acts-as edge's goals, then its actors, on `threads` threads, kept in `sh`. Checks
/// `stop` before each item. Returns how many goals and edges were answered (0, 0 when
/// stopped or when nothing may be kept).
pub(crate) fn warm(
    m: &Model,
    g: &AccessGraph,
    sh: &Shared,
    stop: &AtomicBool,
    threads: usize,
) -> (usize, usize) {
    if !sh.enabled {
        return (0, 0);
    }
    let mut goals: Vec<(ScopeId, String)> = Vec::new();
    let mut seen: HashSet<(ScopeId, String)> = HashSet::new();
    let mut edges: Vec<(PrincipalId, usize)> = Vec::new();
    for (ident, list) in &g.acts_as {
        for (k, e) in list.iter().enumerate() {
            edges.push((*ident, k));
            let alts = e.any_of.iter().map(|a| (a.scope, a.action.clone()));
            for (s, a) in e.requires.iter().cloned().chain(alts) {
                if seen.insert((s, a.to_ascii_lowercase())) {
                    goals.push((s, a));
                }
            }
        }
    }
    goals.sort();
    edges.sort();
    let (none, revoked) = (Vec::new(), Default::default());
    let search = || {
        let mut s = Search::new(m, g, &none, &revoked, 1);
        s.light = true;
        s.sharing(sh)
    };
    let answered = |v: Vec<Option<bool>>| v.into_iter().flatten().filter(|&b| b).count();
    let n_goals = answered(crate::par::map_on(threads, &goals, None, |(s, a)| {
        !stop.load(Ordering::Relaxed) && {
            search().warm_goal(*s, a);
            true
        }
    }));
    let n_edges = answered(crate::par::map_on(threads, &edges, None, |(ident, k)| {
        !stop.load(Ordering::Relaxed) && {
            search().warm_edge(*ident, *k);
            true
        }
    }));
    if stop.load(Ordering::Relaxed) {
        return (0, 0);
    }
    sh.forget_goals();
    (n_goals, n_edges)
}

/// A warm-up running on its own thread for one engine. Dropping it (the engine replaced on a
/// reload, say) tells it to stop; nothing waits for it.
pub(crate) struct Warming {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<(usize, usize)>>,
}

impl Warming {
    pub fn spawn(m: Arc<Model>, g: Arc<AccessGraph>, sh: Arc<Shared>) -> Option<Warming> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        // one core is left to the user's questions, and at most two warm: each thread's search
        // holds its own working memory, which on a many-core machine added up to more than the
        // answers kept (issue 18: 1.59 GB within 10 s at 100k)
        let threads = crate::par::cores().saturating_sub(1).clamp(1, 2);
        let handle = std::thread::Builder::new()
            .name("reach-warm".into())
            .spawn(move || warm(&m, &g, &sh, &flag, threads))
            .ok()?;
        Some(Warming {
            stop,
            handle: Some(handle),
        })
    }

    pub fn finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Wait for it; what it answered (None if it panicked or was already waited for).
    pub fn wait(&mut self) -> Option<(usize, usize)> {
        self.handle.take()?.join().ok()
    }
}

impl Drop for Warming {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
