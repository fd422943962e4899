//! Group membership in the search: a holder and every member down the nesting, each with its
//! chain of RBAC-GROUP steps (`expand`). The full search lists a principal's members through
//! its first `cap` chains only and counts the rest over the nesting (`count_unlisted`), so
//! group diamonds cost polynomial work; light searches visit each principal once.

use super::{denied_by, tick, Holders, RawPath, Search, Seen};
use crate::engine::explain::Step;
use crate::model::{Deny, PrincipalId};
use std::collections::HashMap;

impl<'a> Search<'a> {
    /// The holder and, for a group, every member down the nesting, each with its chain of
    /// RBAC-GROUP steps before `tail`.
    pub(super) fn expand(
        &mut self,
        holder: PrincipalId,
        tail: Vec<Step>,
        denies: &[&'a Deny],
        out: &mut Holders,
        seen: &mut Seen,
    ) {
        // the chains share one arena: each entry is (principal, parent entry, index of the
        // member entry in the parent group); step texts are built only for paths that are kept
        let mut arena: Vec<(PrincipalId, u32, u32)> = vec![(holder, u32::MAX, 0)];
        let mut stack: Vec<u32> = vec![0];
        // full search: the chains listed to each principal. A principal's members are walked
        // through its first `cap` chains only, so the walk is at most `cap` times the nesting
        // (group diamonds nest exponentially many chains); the chains left out are counted
        // from the nesting afterwards (`count_unlisted`).
        let mut listed: HashMap<PrincipalId, u64> = HashMap::new();
        let mut pruned = false;
        while let Some(at) = stack.pop() {
            let Some(&(p, _, _)) = arena.get(at as usize) else {
                continue; // not reached: the stack holds arena entries
            };
            // existence only: a principal reached once (and its members) needs no second visit
            if !self.admits(p) || (self.light && !seen.insert(p)) {
                continue;
            }
            let nth = if self.light {
                0
            } else {
                let n = listed.entry(p).or_default();
                *n += 1;
                *n
            };
            match denied_by(self.m, denies, p) {
                Some(_) => {} // why_not reports the deny
                None if out.get(&p).is_some_and(|set| set.paths.len() >= self.cap) => {
                    // over the cap: count it without building the path
                    if let Some(set) = out.get_mut(&p) {
                        set.more += 1;
                    }
                }
                None => {
                    // principal first, holder last
                    let (path_nodes, idx) = chain(&arena, at);
                    let steps = if !self.light {
                        let mut steps = self.membership_steps(&path_nodes, &idx);
                        steps.extend(tail.iter().cloned());
                        steps
                    } else if tail
                        .iter()
                        .any(|t| t.assumed || t.latent.is_some() || t.conditional.is_some())
                    {
                        tail.clone()
                    } else {
                        Vec::new()
                    };
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
            if nth > self.cap as u64 {
                pruned = true; // its members have `cap` chains through it already
                continue;
            }
            for (i, (mem, _)) in self.m.principal(p).members.iter().enumerate() {
                if on_chain(&arena, at, *mem) {
                    continue;
                }
                tick();
                arena.push((*mem, at, i as u32));
                stack.push((arena.len() - 1) as u32);
            }
        }
        if pruned {
            self.count_unlisted(holder, &listed, denies, out);
        }
    }

    /// After a walk from `holder` that stopped listing chains at the cap: add to each reached
    /// principal's `more` the chains to it that were not listed, counted over the nesting in
    /// topological order (chains into a group, summed over its members), linear in the
    /// nesting. With a cycle in the nesting, chains are not countable that way (simple paths):
    /// the counts stay lower bounds, marked `at_least`.
    fn count_unlisted(
        &self,
        holder: PrincipalId,
        listed: &HashMap<PrincipalId, u64>,
        denies: &[&'a Deny],
        out: &mut Holders,
    ) {
        let m = self.m;
        let members = |p: PrincipalId| {
            m.principal(p)
                .members
                .iter()
                .map(|(q, _)| *q)
                .filter(|q| listed.contains_key(q))
        };
        let mut indegree: HashMap<PrincipalId, u32> = listed.keys().map(|p| (*p, 0)).collect();
        for &p in listed.keys() {
            for q in members(p) {
                *indegree.entry(q).or_default() += 1;
            }
        }
        let mut chains: HashMap<PrincipalId, u64> = HashMap::new();
        let mut ready: Vec<PrincipalId> = indegree
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(p, _)| *p)
            .collect();
        chains.insert(holder, 1);
        let mut done = 0;
        while let Some(p) = ready.pop() {
            done += 1;
            let here = chains.get(&p).copied().unwrap_or(0);
            for q in members(p) {
                let c = chains.entry(q).or_default();
                *c = c.saturating_add(here);
                if let Some(d) = indegree.get_mut(&q) {
                    *d -= 1;
                    if *d == 0 {
                        ready.push(q);
                    }
                }
            }
        }
        let acyclic = done == listed.len();
        for (&p, &n) in listed {
            if denied_by(m, denies, p).is_some() {
                continue;
            }
            let Some(set) = out.get_mut(&p) else {
                continue;
            };
            if acyclic {
                let all = chains.get(&p).copied().unwrap_or(n);
                set.more += usize::try_from(all.saturating_sub(n)).unwrap_or(usize::MAX);
            } else {
                set.at_least = true;
            }
        }
    }

    /// RBAC-GROUP steps for a chain principal → … → holder (principal first); `idx[k]` is the
    /// index of `nodes[k]` among the members of the group `nodes[k + 1]`.
    fn membership_steps(&self, nodes: &[PrincipalId], idx: &[u32]) -> Vec<Step> {
        let m = self.m;
        nodes
            .windows(2)
            .enumerate()
            .filter_map(|(k, w)| match *w {
                [member, group] => Some((k, member, group)),
                _ => None,
            })
            .map(|(k, member, group)| {
                let source = m
                    .principal(group)
                    .members
                    .get(idx.get(k).map_or(usize::MAX, |&i| i as usize))
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
                    link: Some(crate::model::Link::Membership { member, group }),
                    latent: None,
                    until: None,
                    conditional: None,
                }
            })
            .collect()
    }
}

/// The chain ending at arena entry `at`, principal first, holder last, with each member's
/// index in the next (parent) group.
fn chain(arena: &[(PrincipalId, u32, u32)], mut at: u32) -> (Vec<PrincipalId>, Vec<u32>) {
    let (mut nodes, mut idx) = (Vec::new(), Vec::new());
    loop {
        let Some(&(p, parent, i)) = arena.get(at as usize) else {
            return (nodes, idx); // not reached: parents are earlier entries
        };
        nodes.push(p);
        if parent == u32::MAX {
            return (nodes, idx);
        }
        idx.push(i);
        at = parent;
    }
}

/// Is `p` on the chain ending at arena entry `at`?
pub(super) fn on_chain(arena: &[(PrincipalId, u32, u32)], mut at: u32, p: PrincipalId) -> bool {
    loop {
        let Some(&(q, parent, _)) = arena.get(at as usize) else {
            return false; // not reached: parents are earlier entries
        };
        if q == p {
            return true;
        }
        if parent == u32::MAX {
            return false;
        }
        at = parent;
    }
}
