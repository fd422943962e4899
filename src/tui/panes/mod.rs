//! One state struct + render function per pane. A pane never reads another pane's fields; the
//! app moves data between them through `update`.

pub mod access;
pub mod command;
pub mod edges;
pub mod explain;
pub mod findings;
pub mod fixes;
pub mod help;
pub mod identities;
pub mod picker;
pub mod resources;

use crate::model::PrincipalKind;

/// A principal kind as a tag: the word when there is room, else a short code.
pub fn kind_tag(k: PrincipalKind, wide: bool) -> &'static str {
    match (k, wide) {
        (PrincipalKind::User, true) => "User",
        (PrincipalKind::Group, true) => "Group",
        (PrincipalKind::ServicePrincipal, true) => "ServicePrincipal",
        (PrincipalKind::ManagedIdentity, true) => "ManagedIdentity",
        (PrincipalKind::User, false) => "U",
        (PrincipalKind::Group, false) => "G",
        (PrincipalKind::ServicePrincipal, false) => "SP",
        (PrincipalKind::ManagedIdentity, false) => "MI",
    }
}

/// Rows at least this wide show whole kind words.
pub const WIDE: usize = 40;
