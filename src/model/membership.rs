//! Group membership: the transitive closure every principal's groups come from, and the what-if
//! that takes role assignments and group memberships away (`Model::remove_links`), so a
//! proposed revocation can be checked by asking the engine again.

use super::{Model, Principal, PrincipalId};
use std::collections::BTreeSet;

/// A config entry reach can take away in a what-if: a role assignment or a direct group
/// membership. Path steps carry the one they stand on (`engine::Step::link`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Link {
    /// The model's assignment at this index (into `Model::assignments`).
    Assignment(usize),
    /// `member` is a direct member of `group`.
    Membership {
        member: PrincipalId,
        group: PrincipalId,
    },
}

/// Transitive groups of every principal (sorted, not including itself), and the principals
/// that reach themselves through a membership cycle. Iterative, so cycles terminate.
pub(crate) fn closure(principals: &[Principal]) -> (Vec<Vec<PrincipalId>>, Vec<PrincipalId>) {
    let mut out = vec![Vec::new(); principals.len()];
    let mut cyclic = Vec::new();
    for (i, (slot, pr)) in out.iter_mut().zip(principals).enumerate() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<PrincipalId> = pr.member_of.iter().map(|(g, _)| *g).collect();
        while let Some(g) = stack.pop() {
            if seen.insert(g) {
                if let Some(p) = principals.get(g.0 as usize) {
                    stack.extend(p.member_of.iter().map(|(x, _)| *x));
                }
            }
        }
        // In a cycle a principal reaches itself: noted, but it is not its own group.
        if seen.remove(&PrincipalId(i as u32)) {
            cyclic.push(PrincipalId(i as u32));
        }
        *slot = seen.into_iter().collect();
    }
    (out, cyclic)
}

impl Model {
    /// What-if: remove these assignments and direct memberships (links that name nothing are
    /// ignored). Assignment indexes refer to this model as it is before the call; group closures
    /// and indexes are rebuilt. Rules run afterwards see the changed model.
    pub fn remove_links(&mut self, links: &[Link]) {
        let mut revoked = Vec::new();
        for l in links {
            match *l {
                Link::Assignment(i) if i < self.assignments.len() => revoked.push(i),
                Link::Assignment(_) => {}
                Link::Membership { member, group } => {
                    let (m, g) = (member.0 as usize, group.0 as usize);
                    if let Some(gp) = self.principals.get_mut(g) {
                        gp.members.retain(|(x, _)| *x != member);
                    }
                    if let Some(mp) = self.principals.get_mut(m) {
                        mp.member_of.retain(|(x, _)| *x != group);
                    }
                }
            }
        }
        if !revoked.is_empty() {
            self.assume(Vec::new(), &revoked);
        }
        self.group_closure = closure(&self.principals).0;
    }

    /// Does `member` sit directly in `group`?
    pub fn is_direct_member(&self, member: PrincipalId, group: PrincipalId) -> bool {
        self.principal(group)
            .members
            .iter()
            .any(|(x, _)| *x == member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Model {
        crate::model::build(crate::demo::load())
    }

    fn pid(m: &Model, name: &str) -> PrincipalId {
        m.resolve_principal(name).unwrap()
    }

    #[test]
    fn removing_a_membership_drops_the_inherited_groups() {
        let mut m = demo();
        let (alice, squad, team) = (
            pid(&m, "alice@contoso.com"),
            pid(&m, "fraud-squad"),
            pid(&m, "ml-team"),
        );
        assert!(m.groups_of(alice).contains(&team));
        assert!(m.is_direct_member(alice, squad));
        m.remove_links(&[Link::Membership {
            member: alice,
            group: squad,
        }]);
        assert!(!m.is_direct_member(alice, squad));
        assert!(!m.groups_of(alice).contains(&squad));
        assert!(
            !m.groups_of(alice).contains(&team),
            "ml-team came through fraud-squad"
        );
        // erin stays in fraud-squad and so in ml-team
        let erin = pid(&m, "erin@contoso.com");
        assert!(m.groups_of(erin).contains(&team));
    }

    #[test]
    fn removing_an_assignment_reindexes() {
        let mut m = demo();
        let sp = pid(&m, "sp-cicd");
        let before = m.assignments_of(sp).count();
        let i = m
            .assignments
            .iter()
            .position(|a| a.principal == sp)
            .unwrap();
        m.remove_links(&[Link::Assignment(i), Link::Assignment(usize::MAX)]);
        assert_eq!(m.assignments_of(sp).count(), before - 1);
    }
}
