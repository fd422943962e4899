//! Taking access away: which role assignments and group memberships to remove so that some
//! principals no longer reach a goal (an action on a resource). Each cut is chosen from the
//! principals' own paths — the step nearest the resource that no other principal's path uses,
//! else the step nearest the principal — and the whole plan is checked by what-if: the model
//! without those links is built again, the rules run again, and the engine is asked again, until
//! no target reaches the goal or no path is left that a removal can cut.

use super::action::ActionError;
use super::{AccessPath, Engine, PrincipalRef, Step, WhoCan};
use crate::model::{Link, PrincipalId, ScopeId};
use crate::source::Source;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What-if rounds at most: each round cuts every path it sees (paths past the per-principal
/// cap are seen in the next round).
const MAX_ROUNDS: usize = 6;
/// Paths looked at per principal in the what-if rounds.
const ROUND_PATHS: usize = 32;

/// One goal whose access should be taken from some principals.
#[derive(Clone, Debug)]
pub struct Goal {
    pub scope: ScopeId,
    /// An operation or full action; None: every summarised operation of the resource kind.
    pub op: Option<String>,
    pub targets: BTreeSet<PrincipalId>,
}

/// One removal: a role assignment to delete or a group membership to end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Removal {
    /// `assignment` or `membership`.
    pub kind: &'static str,
    /// In words: "revoke Contributor on workspace ws-main from sp-cicd".
    pub text: String,
    /// The config entry that holds it.
    pub source: Source,
    /// The command that makes the change; reach never runs it.
    pub command: String,
    /// The targets whose paths it cuts, by name.
    pub cuts_for: Vec<String>,
    #[serde(skip)]
    pub link: Link,
}

/// A target that still reaches the goal after the removals, with a path that no removal of an
/// assignment or membership cuts (an access policy, a key, a rule of the service): the steps to
/// change instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Remaining {
    pub principal: PrincipalRef,
    pub path: AccessPath,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevokePlan {
    pub removals: Vec<Removal>,
    pub remaining: Vec<Remaining>,
    /// Principals that are not targets and lose the access too.
    pub also_removes: Vec<PrincipalRef>,
    /// Checked by what-if: with the removals, no target reaches any goal.
    pub verified: bool,
}

impl Engine {
    /// The removals that take each goal from its targets (see the module comment). Targets that
    /// do not reach a goal need nothing. Deterministic: links are chosen in path order and the
    /// removals listed in model order.
    pub fn revoke_plan(&self, goals: &[Goal]) -> Result<RevokePlan, ActionError> {
        let answer = |e: &Engine| -> Result<Vec<WhoCan>, ActionError> {
            goals
                .iter()
                .map(|g| e.who_can(g.scope, g.op.as_deref()))
                .collect()
        };
        let before = answer(self)?;
        let mut cuts: BTreeMap<Link, BTreeSet<PrincipalId>> = BTreeMap::new();
        let mut stuck: BTreeMap<PrincipalId, AccessPath> = BTreeMap::new();
        let mut now = before.clone();
        let mut what_if: Option<Engine> = None;
        for _ in 0..MAX_ROUNDS {
            let mut added = false;
            for (goal, w) in goals.iter().zip(&now) {
                let usage = link_users(w);
                for pa in &w.principals {
                    let p = pa.principal.pid;
                    if !goal.targets.contains(&p) {
                        continue;
                    }
                    for path in &pa.paths {
                        let links: Vec<Link> = path.steps.iter().filter_map(|s| s.link).collect();
                        let mut covered = false;
                        for l in &links {
                            if let Some(who) = cuts.get_mut(l) {
                                who.insert(p);
                                covered = true;
                            }
                        }
                        if covered {
                            continue;
                        }
                        let only_targets = |l: &Link| {
                            usage
                                .get(l)
                                .is_none_or(|users| users.is_subset(&goal.targets))
                        };
                        let pick = links
                            .iter()
                            .rev()
                            .find(|l| only_targets(l))
                            .or(links.first());
                        match pick {
                            Some(l) => {
                                cuts.entry(*l).or_default().insert(p);
                                added = true;
                            }
                            None => {
                                stuck.entry(p).or_insert_with(|| path.clone());
                            }
                        }
                    }
                }
            }
            if !added {
                break;
            }
            let mut m = self.model().clone();
            m.remove_links(&cuts.keys().copied().collect::<Vec<_>>());
            let mut e = Engine::new(m);
            e.max_paths = ROUND_PATHS;
            now = answer(&e)?;
            what_if = Some(e);
        }
        let reached = |w: &[WhoCan]| -> BTreeSet<PrincipalId> {
            w.iter()
                .flat_map(|x| x.principals.iter().map(|p| p.principal.pid))
                .collect()
        };
        let (had, has) = (reached(&before), reached(&now));
        let targets: BTreeSet<PrincipalId> = goals
            .iter()
            .flat_map(|g| g.targets.iter().copied())
            .collect();
        let still: BTreeSet<PrincipalId> = goals
            .iter()
            .zip(&now)
            .flat_map(|(g, w)| {
                w.principals
                    .iter()
                    .map(|p| p.principal.pid)
                    .filter(|p| g.targets.contains(p))
                    .collect::<Vec<_>>()
            })
            .collect();
        // a target still reaching: its stuck path, else the first path the what-if shows
        let mut remaining = Vec::new();
        for p in &still {
            let path = stuck.get(p).cloned().or_else(|| {
                now.iter()
                    .flat_map(|w| &w.principals)
                    .find(|pa| pa.principal.pid == *p)
                    .and_then(|pa| pa.paths.first().cloned())
            });
            if let Some(path) = path {
                remaining.push(Remaining {
                    principal: self.principal_ref(*p),
                    path,
                });
            }
        }
        let also_removes = had
            .difference(&has)
            .filter(|p| !targets.contains(p))
            .map(|p| self.principal_ref(*p))
            .collect();
        drop(what_if);
        let removals = cuts.iter().map(|(l, who)| self.removal(*l, who)).collect();
        Ok(RevokePlan {
            removals,
            remaining,
            also_removes,
            verified: still.is_empty(),
        })
    }

    fn removal(&self, link: Link, who: &BTreeSet<PrincipalId>) -> Removal {
        let m = self.model();
        let mut cuts_for: Vec<String> = who.iter().map(|p| m.principal(*p).name.clone()).collect();
        cuts_for.sort_by_key(|n| n.to_ascii_lowercase());
        let assignee = |p: PrincipalId| {
            let pr = m.principal(p);
            pr.object_id
                .clone()
                .or_else(|| pr.upn.clone())
                .unwrap_or_else(|| pr.name.clone())
        };
        match link {
            Link::Assignment(i) => {
                #[allow(
                    clippy::indexing_slicing,
                    reason = "a link's assignment index comes from a path of this model"
                )]
                let a = &m.assignments[i];
                let role = &m.role(a.role).name;
                let scope = m.scope(a.scope);
                Removal {
                    kind: "assignment",
                    text: format!(
                        "revoke {role} on {} {} from {}",
                        scope.kind.word(),
                        m.scope_label(a.scope),
                        m.principal(a.principal).name
                    ),
                    source: a.source.clone(),
                    command: format!(
                        "az role assignment delete --assignee \"{}\" --role \"{role}\" --scope \"{}\"",
                        assignee(a.principal),
                        scope.id
                    ),
                    cuts_for,
                    link,
                }
            }
            Link::Membership { member, group } => {
                let source = m
                    .principal(group)
                    .members
                    .iter()
                    .find(|(x, _)| *x == member)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default();
                Removal {
                    kind: "membership",
                    text: format!(
                        "remove {} from group {}",
                        m.principal(member).name,
                        m.principal(group).name
                    ),
                    source,
                    command: format!(
                        "az ad group member remove --group \"{}\" --member-id \"{}\"",
                        assignee(group),
                        assignee(member)
                    ),
                    cuts_for,
                    link,
                }
            }
        }
    }
}

/// For each link, the principals whose shown paths use it.
fn link_users(w: &WhoCan) -> BTreeMap<Link, BTreeSet<PrincipalId>> {
    let mut out: BTreeMap<Link, BTreeSet<PrincipalId>> = BTreeMap::new();
    for pa in &w.principals {
        for l in pa
            .paths
            .iter()
            .flat_map(|p| p.steps.iter())
            .filter_map(|s: &Step| s.link)
        {
            out.entry(l).or_default().insert(pa.principal.pid);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Engine {
        Engine::new(crate::model::build(crate::demo::load()))
    }

    fn goal(e: &Engine, res: &str, op: &str, who: &[&str]) -> Goal {
        let m = e.model();
        Goal {
            scope: m.resolve_resource(res).unwrap(),
            op: Some(op.to_string()),
            targets: who
                .iter()
                .map(|w| m.resolve_principal(w).unwrap())
                .collect(),
        }
    }

    fn names(v: &[PrincipalRef]) -> Vec<&str> {
        v.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn a_principal_holding_the_role_itself_loses_its_assignment() {
        let e = demo();
        let g = goal(&e, "storage:stdata", "write-blobs", &["sp-cicd"]);
        let plan = e.revoke_plan(&[g]).unwrap();
        assert!(plan.verified, "{plan:#?}");
        assert_eq!(plan.removals.len(), 1, "{plan:#?}");
        let r = &plan.removals[0];
        assert_eq!(r.kind, "assignment");
        assert_eq!(
            r.text,
            "revoke Contributor on workspace ws-main from sp-cicd"
        );
        assert_eq!(r.source.to_string(), "azure/role-assignments.json#10");
        assert!(
            r.command
                .starts_with("az role assignment delete --assignee"),
            "{}",
            r.command
        );
        // uai-train's own assignment is on the other path, but others use it: not cut
        assert!(
            plan.also_removes.is_empty(),
            "{:?}",
            names(&plan.also_removes)
        );
    }

    #[test]
    fn a_member_loses_its_membership_when_the_group_holds_it_for_others() {
        // judy scores ep-fraud only through scorers, which ops-oncall also uses
        let e = demo();
        let g = goal(&e, "endpoint:ep-fraud", "score", &["judy@contoso.com"]);
        let plan = e.revoke_plan(&[g]).unwrap();
        assert!(plan.verified, "{plan:#?}");
        let texts: Vec<&str> = plan.removals.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["remove judy@contoso.com from group scorers"]);
        assert_eq!(plan.removals[0].kind, "membership");
        assert!(plan.removals[0]
            .command
            .starts_with("az ad group member remove --group"));
        assert!(
            plan.also_removes.is_empty(),
            "{:?}",
            names(&plan.also_removes)
        );
    }

    #[test]
    fn a_group_whose_every_user_is_a_target_loses_its_assignment_once() {
        // every principal that scores through ml-team's role is a target: one removal
        let e = demo();
        let who = [
            "ml-team",
            "fraud-squad",
            "alice@contoso.com",
            "bob@contoso.com",
            "erin@contoso.com",
        ];
        let g = goal(&e, "endpoint:ep-fraud", "score", &who);
        let plan = e.revoke_plan(&[g]).unwrap();
        assert!(plan.verified, "{plan:#?}");
        let texts: Vec<&str> = plan.removals.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            texts,
            ["revoke AzureML Data Scientist on workspace ws-main from ml-team"]
        );
        assert_eq!(plan.removals[0].cuts_for.len(), 5);
    }

    #[test]
    fn collateral_is_reported_when_a_holder_group_is_a_target() {
        // scorers itself is a target: only its assignment cuts it, and its members lose it too
        let e = demo();
        let g = goal(&e, "endpoint:ep-fraud", "score", &["scorers"]);
        let plan = e.revoke_plan(&[g]).unwrap();
        assert!(plan.verified, "{plan:#?}");
        assert_eq!(plan.removals.len(), 1);
        assert!(plan.removals[0].text.starts_with("revoke Endpoint Scorer"));
        // judy reaches only through scorers; ops-oncall also has its own role on ws-main
        assert_eq!(names(&plan.also_removes), ["judy@contoso.com"]);
    }

    #[test]
    fn a_path_without_an_assignment_or_membership_is_left_with_its_steps() {
        // ivan writes stdata through a key vault access policy and a cached account key
        let e = demo();
        let g = goal(&e, "storage:stdata", "write-blobs", &["ivan@contoso.com"]);
        let plan = e.revoke_plan(&[g]).unwrap();
        assert!(!plan.verified);
        assert!(plan.removals.is_empty(), "{plan:#?}");
        assert_eq!(
            names(
                &plan
                    .remaining
                    .iter()
                    .map(|r| r.principal.clone())
                    .collect::<Vec<_>>()
            ),
            ["ivan@contoso.com"]
        );
        assert!(plan.remaining[0]
            .path
            .steps
            .iter()
            .any(|s| s.rule == "KV-POLICY-SELFGRANT"));
    }

    #[test]
    fn nobody_to_cut_is_verified_with_nothing_to_do() {
        let e = demo();
        let g = goal(&e, "endpoint:ep-fraud", "score", &["grace@contoso.com"]);
        let plan = e.revoke_plan(&[g]).unwrap();
        assert!(plan.verified && plan.removals.is_empty() && plan.remaining.is_empty());
    }
}
