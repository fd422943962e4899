//! Principals: users, groups, service principals and managed identities (user-assigned ones and
//! the system-assigned identities of workspaces, computes and endpoints).

use crate::source::Source;
use serde::Serialize;

pub use crate::load::raw::PrincipalKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrincipalId(pub u32);

#[derive(Clone, Debug)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// Display name per the interface: UPN for users, display name for groups and service
    /// principals, the resource name for a UAI, `workspace:W` / `compute:C` / `endpoint:E` for a
    /// system-assigned identity.
    pub name: String,
    pub object_id: Option<String>,
    pub client_id: Option<String>,
    pub upn: Option<String>,
    pub display_name: Option<String>,
    /// UAI: its resource scope. System-assigned: the owning resource's scope.
    pub resource: Option<crate::model::ScopeId>,
    pub system_assigned: bool,
    /// Direct members (groups only), with the entry that lists them.
    pub members: Vec<(PrincipalId, Source)>,
    /// Direct groups this principal is a member of.
    pub member_of: Vec<(PrincipalId, Source)>,
    /// Group: whether its members were exported. Anything else: true.
    pub members_exported: bool,
    /// Whether this principal's data came from an export or manifest (false: only seen as the
    /// target of an assignment, so its group memberships are unknown).
    pub described: bool,
    pub sources: Vec<Source>,
}

impl Principal {
    pub fn new(kind: PrincipalKind, name: String) -> Principal {
        Principal {
            kind,
            name,
            object_id: None,
            client_id: None,
            upn: None,
            display_name: None,
            resource: None,
            system_assigned: false,
            members: Vec::new(),
            member_of: Vec::new(),
            members_exported: true,
            described: false,
            sources: Vec::new(),
        }
    }
}

/// `User`, `Group`, `ServicePrincipal`, `ManagedIdentity` as in the JSON output.
pub fn kind_word(k: PrincipalKind) -> &'static str {
    match k {
        PrincipalKind::User => "User",
        PrincipalKind::Group => "Group",
        PrincipalKind::ServicePrincipal => "ServicePrincipal",
        PrincipalKind::ManagedIdentity => "ManagedIdentity",
    }
}

impl Serialize for PrincipalKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind_word(*self))
    }
}

/// Parse an exported `principalType` / reach.yaml `type`.
pub fn kind_from_word(w: &str) -> Option<PrincipalKind> {
    let k = w.to_ascii_lowercase().replace(['_', '-', ' '], "");
    Some(match k.as_str() {
        "user" | "foreignuser" => PrincipalKind::User,
        "group" | "foreigngroup" => PrincipalKind::Group,
        "serviceprincipal" | "application" | "sp" => PrincipalKind::ServicePrincipal,
        "managedidentity" | "msi" | "userassignedidentity" | "uai" => {
            PrincipalKind::ManagedIdentity
        }
        _ => return None,
    })
}
