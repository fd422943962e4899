//! `reach diff OLD NEW`: the access gained and lost between two snapshots of a project, and the
//! findings added and resolved. Access is compared per (principal, operation, resource) over
//! every resource and its summarised operations; principals and resources are matched by name
//! and ARM ID (case-insensitive), so ids that differ between exports do not count as changes.

use super::review::{class_of, AccessClass, HopIndex};
use super::{AccessPath, Engine, PrincipalRef, ResourceRef};
use crate::finding::Finding;
use crate::model::{Model, PrincipalId, ResKind, ScopeId};
use serde::Serialize;
use std::collections::BTreeMap;

/// One access present in one snapshot and not the other.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub principal: PrincipalRef,
    pub action: String,
    pub class: AccessClass,
    pub resource: ResourceRef,
    /// `kind:name` reference of the resource.
    pub reference: String,
    /// The path that is new (gained) or gone (lost), principal first.
    pub path: Option<AccessPath>,
    /// Access kept but reached another way: a path that is gone…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gone_path: Option<AccessPath>,
    /// Latent access (`eligible`): reached only by activating a role first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latent: Option<&'static str>,
    #[serde(skip)]
    all_paths: Vec<AccessPath>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    /// Standing access gained.
    pub gained: Vec<Change>,
    /// Latent access gained: a principal became able to reach it by activating a role
    /// (a PIM eligibility), without holding it.
    pub eligible_gained: Vec<Change>,
    pub lost: Vec<Change>,
    /// Access kept whose paths changed (`path` is new, `gone_path` is gone).
    pub changed: Vec<Change>,
    pub findings_added: Vec<Finding>,
    pub findings_resolved: Vec<Finding>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.gained.is_empty()
            && self.eligible_gained.is_empty()
            && self.lost.is_empty()
            && self.changed.is_empty()
            && self.findings_added.is_empty()
            && self.findings_resolved.is_empty()
    }
}

/// Paths compared per access: whole path sets, not the first few a query shows per principal.
pub const MAX_PATHS: usize = 64;

impl Change {
    /// This change's principal in `m` (another snapshot): matched as the diff matches them, by
    /// name (case-insensitive) and kind.
    pub fn principal_in(&self, m: &Model) -> Option<PrincipalId> {
        let name = &self.principal.name;
        m.principals_by_key(name).iter().copied().find(|&p| {
            let pr = m.principal(p);
            pr.kind == self.principal.kind && pr.name.eq_ignore_ascii_case(name)
        })
    }

    /// This change's resource in `m` (another snapshot), by ARM ID.
    pub fn resource_in(&self, m: &Model) -> Option<ScopeId> {
        m.scope_by_arm(&self.resource.id)
    }
}

type Key = (String, String, String, String);

/// Every (principal, resource, operation) a snapshot allows.
fn access(e: &Engine) -> BTreeMap<Key, Change> {
    let m = e.model();
    let hops = HopIndex::new(m);
    let mut out = BTreeMap::new();
    for s in m.scope_ids() {
        if matches!(m.scope(s).kind, ResKind::Root | ResKind::ManagementGroup) {
            continue;
        }
        let Some(r) = e.reach_of(s, None, &hops) else {
            continue;
        };
        for reach in r.reach {
            for a in &reach.actions {
                let all_paths: Vec<AccessPath> = reach
                    .paths
                    .iter()
                    .filter(|p| p.action.as_deref().is_none_or(|x| x == a))
                    .cloned()
                    .collect();
                // latent when the whole row is, or when every path of this operation is and
                // none was left out (a path not shown could be standing)
                let latent = reach.latent.or_else(|| {
                    let all = !all_paths.is_empty()
                        && reach.more_paths == 0
                        && all_paths.iter().all(|p| p.latent.is_some());
                    all.then(|| all_paths.iter().find_map(|p| p.latent))
                        .flatten()
                });
                let key = (
                    r.resource.id.to_ascii_lowercase(),
                    reach.principal.name.to_ascii_lowercase(),
                    crate::model::principal::kind_word(reach.principal.kind).to_string(),
                    a.clone(),
                );
                out.insert(
                    key,
                    Change {
                        principal: reach.principal.clone(),
                        action: a.clone(),
                        class: class_of(a),
                        resource: r.resource.clone(),
                        reference: r.reference.clone(),
                        path: all_paths.first().cloned(),
                        gone_path: None,
                        latent,
                        all_paths,
                    },
                );
            }
        }
    }
    out
}

/// What makes two findings the same finding for the diff: rule, severity, message, subject.
pub fn finding_key(f: &Finding) -> (String, crate::finding::Severity, String, String) {
    (
        f.rule.clone(),
        f.severity,
        f.message.clone(),
        f.subject.to_ascii_lowercase(),
    )
}

/// Compare two snapshots over their whole path sets (`MAX_PATHS` per access); each engine's
/// own cap is put back afterwards.
pub fn diff_snapshots(old: &mut Engine, new: &mut Engine) -> Diff {
    let caps = (old.max_paths, new.max_paths);
    old.max_paths = MAX_PATHS;
    new.max_paths = MAX_PATHS;
    let d = diff(old, new);
    (old.max_paths, new.max_paths) = caps;
    d
}

/// Compare two snapshots (with each engine's path cap).
pub fn diff(old: &Engine, new: &Engine) -> Diff {
    let a = access(old);
    let b = access(new);
    let (eligible_gained, gained): (Vec<Change>, Vec<Change>) = b
        .iter()
        .filter(|(k, _)| !a.contains_key(*k))
        .map(|(_, c)| c.clone())
        .partition(|c| c.latent.is_some());
    let lost = a
        .iter()
        .filter(|(k, _)| !b.contains_key(*k))
        .map(|(_, c)| c.clone())
        .collect();
    let rules = |c: &Change| -> Vec<Vec<&'static str>> {
        let mut r: Vec<_> = c.all_paths.iter().map(|p| p.rules.clone()).collect();
        r.sort();
        r
    };
    let mut changed = Vec::new();
    for (k, was) in &a {
        let Some(now) = b.get(k) else { continue };
        let (rw, rn) = (rules(was), rules(now));
        if rw == rn {
            continue;
        }
        let mut c = now.clone();
        c.path = now
            .all_paths
            .iter()
            .find(|p| !rw.contains(&p.rules))
            .cloned();
        c.gone_path = was
            .all_paths
            .iter()
            .find(|p| !rn.contains(&p.rules))
            .cloned();
        changed.push(c);
    }
    let fa = old.lint();
    let fb = new.lint();
    let ka: Vec<_> = fa.iter().map(finding_key).collect();
    let kb: Vec<_> = fb.iter().map(finding_key).collect();
    Diff {
        gained,
        eligible_gained,
        lost,
        changed,
        findings_added: fb
            .iter()
            .filter(|f| !ka.contains(&finding_key(f)))
            .cloned()
            .collect(),
        findings_resolved: fa
            .iter()
            .filter(|f| !kb.contains(&finding_key(f)))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Assignment;

    fn demo() -> crate::model::Model {
        crate::model::build(crate::demo::load())
    }

    /// NEW = the demo with grace holding Endpoint Scorer on ep-fraud, and without the
    /// `scorers` group's assignment.
    fn changed() -> crate::model::Model {
        let mut m = demo();
        let grace = m.resolve_principal("grace@contoso.com").unwrap();
        let role = m.resolve_role("Endpoint Scorer").unwrap();
        let ep = m.resolve_resource("endpoint:ep-fraud").unwrap();
        let scorers = m.resolve_principal("scorers").unwrap();
        let revoked = m.find_assignments(scorers, role, ep);
        assert_eq!(revoked.len(), 1);
        m.assume(
            vec![Assignment {
                principal: grace,
                role,
                scope: ep,
                condition: None,
                source: crate::source::Source::Assumed,
                assumed: false,
                tenure: Default::default(),
                parsed: None,
            }],
            &revoked,
        );
        m
    }

    #[test]
    fn diff_snapshots_compares_whole_path_sets_and_puts_the_caps_back() {
        let mut old = Engine::new(demo());
        let mut new = Engine::new(changed());
        new.max_paths = 3;
        let d = diff_snapshots(&mut old, &mut new);
        assert_eq!(
            (old.max_paths, new.max_paths),
            (crate::engine::DEFAULT_MAX_PATHS, 3)
        );
        let find = |cs: &[Change], who: &str| {
            cs.iter()
                .find(|c| {
                    c.principal.name == who
                        && c.action == "score"
                        && c.reference == "endpoint:ep-fraud"
                })
                .cloned()
        };
        let g = find(&d.gained, "grace@contoso.com").expect("grace gained score");
        let l = find(&d.lost, "scorers").expect("scorers lost score");
        assert!(l.path.as_ref().unwrap().rules.contains(&"RBAC-SCOPE"));
        // placed on NEW: by name and kind, and by ARM id
        let m = new.model();
        assert_eq!(
            g.principal_in(m),
            m.resolve_principal("grace@contoso.com").ok()
        );
        assert_eq!(l.principal_in(m), m.resolve_principal("scorers").ok());
        assert_eq!(
            g.resource_in(m),
            m.resolve_resource("endpoint:ep-fraud").ok()
        );
        // the same name as another kind is not the same principal
        let mut other = l.clone();
        other.principal.kind = crate::model::PrincipalKind::User;
        assert_eq!(other.principal_in(m), None);
        // a finding matches itself and nothing with another message
        let f = new.lint().into_iter().next().unwrap();
        let mut g2 = f.clone();
        assert_eq!(finding_key(&f), finding_key(&g2));
        g2.message.push('!');
        assert_ne!(finding_key(&f), finding_key(&g2));
    }
}
