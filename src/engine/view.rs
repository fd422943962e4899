//! Small helpers for views (the TUI) that belong with the engine's vocabulary.

use crate::model::ResKind;

/// The operation `explain` asks about when none is chosen: score for endpoints, read-blobs for
/// storage and datastores, read-secrets for key vaults, pull-image for registries,
/// assign-identity for identities, read-connection-secrets for connections, read otherwise.
pub fn default_op(k: ResKind) -> &'static str {
    match k {
        ResKind::OnlineEndpoint => "score",
        ResKind::Storage | ResKind::Datastore => "read-blobs",
        ResKind::KeyVault => "read-secrets",
        ResKind::Registry => "pull-image",
        ResKind::Identity => "assign-identity",
        ResKind::Connection => "read-connection-secrets",
        _ => "read",
    }
}
