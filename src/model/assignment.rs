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
    /// Standing, or what Privileged Identity Management says of it.
    pub tenure: Tenure,
    /// `condition`, parsed (RBAC-CONDITION); Err: not understood (why).
    pub parsed: Option<std::sync::Arc<Result<super::condition::Condition, String>>>,
}

/// How an assignment holds (PIM schedule instances, ARM 2020-10-01).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Tenure {
    /// A role assignment in force with no schedule reach knows of.
    #[default]
    Standing,
    /// PIM-eligible: the principal can activate the role (RBAC-PIM-ELIGIBLE); `until` is the
    /// eligibility's end as exported (None: no end).
    Eligible { until: Option<String> },
    /// A PIM active instance: in force now, `until` its end; `activated` when it is an
    /// eligibility someone activated (`assignmentType: Activated`).
    Active {
        activated: bool,
        until: Option<String>,
    },
}

impl Assignment {
    /// `eligible` for an eligibility (access one has to activate first), else None.
    pub fn latent(&self) -> Option<&'static str> {
        matches!(self.tenure, Tenure::Eligible { .. }).then_some("eligible")
    }
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
