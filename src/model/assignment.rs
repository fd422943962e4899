//! Role assignments and deny assignments, resolved to ids.

use crate::load::raw::Permission;
use crate::model::role::action_matches;
use crate::model::{PrincipalId, RoleId, ScopeId};
use crate::source::Source;

#[derive(Clone, Debug)]
pub struct Assignment {
    pub principal: PrincipalId,
    pub role: RoleId,
    pub scope: ScopeId,
    /// An ABAC condition: kept and shown as "conditional, not evaluated".
    pub condition: Option<String>,
    pub source: Source,
    /// Made by a what-if assumption rather than read from an export.
    pub assumed: bool,
}

/// Who a deny assignment applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DenyTarget {
    Everyone,
    Principal(PrincipalId),
    /// An object id reach knows nothing about.
    Unknown(String),
}

#[derive(Clone, Debug)]
pub struct Deny {
    pub name: String,
    pub scope: ScopeId,
    pub permissions: Vec<Permission>,
    pub principals: Vec<DenyTarget>,
    pub excluded: Vec<PrincipalId>,
    pub no_children: bool,
    pub source: Source,
}

impl Deny {
    /// Does this deny cover `action` (actions − notActions, or data actions − notDataActions)?
    pub fn covers_action(&self, action: &str) -> bool {
        let data = crate::model::role::is_data_action(action);
        self.permissions.iter().any(|p| {
            let (allow, not) = if data {
                (&p.data_actions, &p.not_data_actions)
            } else {
                (&p.actions, &p.not_actions)
            };
            allow.iter().any(|a| action_matches(a, action))
                && !not.iter().any(|n| action_matches(n, action))
        })
    }
}
