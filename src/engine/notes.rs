//! What an answer adds about what reach cannot know: groups whose members were not exported,
//! identities known only by object ID, principals that appear only in role assignments.

use super::Engine;
use crate::model::PrincipalId;

impl Engine {
    /// What reach cannot know about these principals (groups whose members were not exported).
    pub fn membership_notes(&self, reached: impl Iterator<Item = PrincipalId>) -> Vec<String> {
        let mut notes = Vec::new();
        for p in reached {
            let pr = self.model.principal(p);
            if pr.kind == crate::model::PrincipalKind::Group && !pr.members_exported {
                notes.push(format!(
                    "group {} reaches it, but its members were not exported: they reach it too",
                    pr.name
                ));
            }
            notes.extend(self.unlinked_note(p));
        }
        notes.sort();
        notes.dedup();
        notes
    }

    /// A service principal or managed identity known only by object ID: say how to name it.
    fn unlinked_note(&self, p: PrincipalId) -> Option<String> {
        let pr = self.model.principal(p);
        let unnamed = pr.resource.is_none()
            && pr.display_name.is_none()
            && pr.object_id.as_deref() == Some(pr.name.as_str())
            && matches!(
                pr.kind,
                crate::model::PrincipalKind::ServicePrincipal
                    | crate::model::PrincipalKind::ManagedIdentity
            );
        unnamed.then(|| format!(
            "{}: object ID not linked to a resource: export `az ml … show` of the workspace, compute or endpoint it belongs to, or the service principal (`az ad sp show --id {}`), to name it",
            pr.name, pr.name
        ))
    }

    pub(super) fn principal_notes(&self, p: PrincipalId) -> Vec<String> {
        let pr = self.model.principal(p);
        let mut notes = Vec::new();
        if !pr.described {
            notes.push(format!(
                "{} appears only in role assignments: its group memberships were not exported",
                pr.name
            ));
        }
        notes.extend(self.unlinked_note(p));
        notes
    }
}
