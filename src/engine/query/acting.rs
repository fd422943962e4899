//! Acts-as: whoever can act as an identity that holds a goal holds it too (RBAC-ASSIGN,
//! EP-SAI-*, CMP-*, job identities…). Who can act as an identity through one edge is the
//! conjunction of the goals the edge requires, and one of its alternatives.

use super::{EdgeActors, Holders, RawPath, Search, Seen};
use crate::engine::explain::Step;
use crate::engine::graph::{AccessGraph, ActsAs};
use crate::model::{PrincipalId, ScopeId};
use std::collections::HashSet;
use std::sync::Arc;

impl<'a> Search<'a> {
    /// Who can act as `ident` through its `k`-th acts-as edge `e`: holders of every goal it
    /// requires (and of one of its alternatives), each path ending with the acts-as step. The
    /// answer does not depend on the goal being searched, so it is kept for the search, unless
    /// a required goal was still being evaluated (a cycle): that answer is partial and is not
    /// kept.
    fn edge_actors(&mut self, ident: PrincipalId, k: usize, e: &'a ActsAs) -> Arc<EdgeActors> {
        if let Some(r) = self.edge_memo.get(&(ident, k)) {
            return r.clone();
        }
        let hits = self.cycle_hits;
        let reqs: Vec<Arc<Holders>> = e
            .requires
            .iter()
            .map(|(rs, ra)| self.holders(*rs, ra))
            .collect();
        let alts: Vec<Arc<Holders>> = e
            .any_of
            .iter()
            .map(|alt| self.holders(alt.scope, &alt.action))
            .collect();
        // existence only (light): the acts-as step is not kept
        let step = |text: &str| Step {
            rule: e.rule,
            text: text.to_string(),
            source: e.source.clone(),
            assumed: false,
            link: None,
            latent: None,
            until: None,
            conditional: None,
        };
        let mut actors = Vec::new();
        for (actor, mut combos) in self.conjoin(&reqs) {
            if e.any_of.is_empty() {
                if !self.light {
                    combos.iter_mut().for_each(|c| c.steps.push(step(&e.text)));
                }
                actors.push((actor, combos, 0));
                continue;
            }
            // the first alternatives the actor holds, up to the cap (the rest are counted,
            // unless only existence is asked)
            let (mut paths, mut more) = (Vec::new(), 0);
            'alts: for (alt, holders) in e.any_of.iter().zip(&alts) {
                let Some(set) = holders.get(&actor) else {
                    continue;
                };
                for a in &combos {
                    for b in &set.paths {
                        if paths.len() >= self.cap {
                            if self.light {
                                break 'alts;
                            }
                            more += 1;
                            continue;
                        }
                        super::tick();
                        let mut steps = a.steps.clone();
                        steps.extend(b.steps.iter().cloned());
                        if !self.light {
                            steps.push(step(&alt.text));
                        }
                        let mut nodes = a.nodes.clone();
                        nodes.extend(b.nodes.iter().filter(|n| !a.nodes.contains(n)));
                        paths.push(RawPath { steps, nodes });
                    }
                }
            }
            if !paths.is_empty() {
                actors.push((actor, paths, more));
            }
        }
        let r = Arc::new(actors);
        if self.cycle_hits == hits {
            self.edge_memo.insert((ident, k), r.clone());
        }
        r
    }

    /// Principals holding every goal in `reqs`, with the paths of all halves concatenated.
    pub(super) fn conjoin(&self, reqs: &[Arc<Holders>]) -> Vec<(PrincipalId, Vec<RawPath>)> {
        let Some(first) = reqs.first() else {
            return Vec::new();
        };
        let mut result = Vec::new();
        for (p, set) in first.iter() {
            let mut combos: Vec<RawPath> = set.paths.clone();
            let mut ok = true;
            for r in reqs.iter().skip(1) {
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

    /// `actor` acts as an identity whose paths are `ident_paths`: each of its paths through
    /// the edge (`combos`: steps ending with the acts-as step, and nodes), then `note`, then
    /// the identity's path; `more` paths the edge left out are counted.
    fn act_as(
        &self,
        out: &mut Holders,
        actor: PrincipalId,
        combos: &[(&[Step], &[PrincipalId])],
        more: usize,
        ident_paths: &[RawPath],
        note: &Option<Step>,
    ) {
        // paths the edge left out count for an actor that holds the goal
        let left_out = more * ident_paths.len();
        if self.full(out, actor, combos.len() * ident_paths.len() + left_out) {
            return;
        }
        for (c_steps, c_nodes) in combos {
            for ip in ident_paths {
                // no principal twice on one path: an explanation goes round no loop. Existence
                // (light) keeps one path per principal, and the one kept may pass the identity
                // while another way does not; what it proves holds either way (every holder
                // met was derived before), so light answers skip the check.
                if !self.light && ip.nodes.iter().any(|n| c_nodes.contains(n)) {
                    continue;
                }
                let mut steps = c_steps.to_vec(); // ends with the acts-as step
                steps.extend(note.iter().cloned());
                steps.extend(ip.steps.iter().cloned());
                let mut nodes = c_nodes.to_vec();
                nodes.extend(ip.nodes.iter().copied());
                self.push(out, actor, RawPath { steps, nodes });
            }
        }
        if let Some(set) = out.get_mut(&actor).filter(|_| left_out > 0) {
            set.more += left_out;
        }
    }

    /// Acts-as: whoever can act as an identity that holds the goal holds it too.
    pub(super) fn acting(&mut self, s: ScopeId, action: &str, out: &mut Holders) {
        let data_goal = action
            .to_ascii_lowercase()
            .starts_with("microsoft.storage/")
            && crate::model::role::is_data_action(action);
        let mut done: HashSet<PrincipalId> = HashSet::new();
        // who is in `out` already, for the kept edges' thousands of actors (light)
        let mut present = Seen::new(0);
        if self.shared().is_some() {
            present = Seen::new(self.m.principals.len());
            out.keys().for_each(|p| {
                present.insert(*p);
            });
        }
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
                let g: &'a AccessGraph = self.g;
                let edges = g.acts_as.get(&ident).into_iter().flatten();
                let ident_paths = out.get(&ident).map(|s| s.paths.clone()).unwrap_or_default();
                for (k, e) in edges.enumerate().filter(|(_, e)| e.applies(s, action)) {
                    // existence only (light): no step text
                    let note = e.data_note.as_ref().filter(|_| data_goal && !self.light);
                    let note = note.map(|(rule, text)| Step {
                        rule,
                        text: text.clone(),
                        source: e.source.clone(),
                        assumed: false,
                        link: None,
                        latent: None,
                        until: None,
                        conditional: None,
                    });
                    // kept by the engine (light): one chain per actor, no step
                    if let Some(kept) = self.kept_edge(ident, k, e) {
                        for (actor, nodes) in kept.iter() {
                            if present.contains(actor) {
                                continue; // light: one path is all it keeps
                            }
                            let combo: &[(&[Step], &[PrincipalId])] = &[(&[], nodes)];
                            self.act_as(out, actor, combo, 0, &ident_paths, &note);
                            if out.contains_key(&actor) {
                                present.insert(actor);
                            }
                        }
                        continue;
                    }
                    let actors = self.edge_actors(ident, k, e);
                    for (actor, combos, more) in actors.iter() {
                        let combos: Vec<(&[Step], &[PrincipalId])> = combos
                            .iter()
                            .map(|c| (c.steps.as_slice(), c.nodes.as_slice()))
                            .collect();
                        self.act_as(out, *actor, &combos, *more, &ident_paths, &note);
                    }
                }
            }
        }
        if let Some(set) = &self.only {
            out.retain(|p, _| set.contains(p));
        }
    }
}
