//! Operation names (`score`, `read-blobs`…) → the concrete Azure action for a resource kind, and
//! the operations worth summarising per kind.

use crate::model::{Model, ResKind, ScopeId};

pub const ML: &str = "Microsoft.MachineLearningServices/workspaces";
pub const EP_SCORE: &str =
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action";
pub const EP_KEYS: &str =
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action";
pub const EP_REGEN: &str =
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/regenerateKeys/action";
pub const EP_TOKEN: &str =
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/token/action";
pub const EP_WRITE: &str = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write";
pub const BLOB_READ: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
pub const BLOB_WRITE: &str =
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write";
pub const STG_KEYS: &str = "Microsoft.Storage/storageAccounts/listKeys/action";
pub const KV_GET_SECRET: &str = "Microsoft.KeyVault/vaults/secrets/getSecret/action";
pub const KV_WRITE: &str = "Microsoft.KeyVault/vaults/write";
pub const ACR_PULL: &str = "Microsoft.ContainerRegistry/registries/pull/read";
pub const ACR_PUSH: &str = "Microsoft.ContainerRegistry/registries/push/write";
pub const ACR_CREDS: &str = "Microsoft.ContainerRegistry/registries/listCredentials/action";
pub const UAI_ASSIGN: &str = "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action";
pub const JOB_WRITE: &str = "Microsoft.MachineLearningServices/workspaces/jobs/write";
pub const COMPUTE_WRITE: &str = "Microsoft.MachineLearningServices/workspaces/computes/write";
pub const CONN_SECRETS: &str =
    "Microsoft.MachineLearningServices/workspaces/connections/listsecrets/action";
pub const DS_SECRETS: &str =
    "Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action";
pub const DEPLOY_WRITE: &str = "Microsoft.Resources/deployments/write";
/// reach's name for "create/update an endpoint from the studio" (EP-CP-STUDIO): two checks.
pub const STUDIO_DEPLOY: &str = "reach/studio-deploy/onlineEndpoints/write";

/// The operation names of the interface.
pub const OPERATIONS: [&str; 16] = [
    "read",
    "write",
    "delete",
    "score",
    "list-keys",
    "regenerate-keys",
    "get-token",
    "read-blobs",
    "write-blobs",
    "pull-image",
    "push-image",
    "read-secrets",
    "read-connection-secrets",
    "assign-identity",
    "submit-job",
    "studio-deploy",
];

/// Why an operation could not be turned into an action for a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionError(pub String);

/// Resolve `--action` for a resource: a full action (contains `/`) is taken as is; an operation
/// name is mapped by the resource kind.
pub fn resolve(m: &Model, s: ScopeId, op: &str) -> Result<String, ActionError> {
    if op.contains('/') {
        return Ok(op.to_string());
    }
    let sc = m.scope(s);
    let k = sc.kind;
    let lower = op.to_ascii_lowercase();
    match action_for(&lower, k, &sc.id.resource_type()) {
        Some(a) => Ok(a),
        None if OPERATIONS.contains(&lower.as_str()) => Err(ActionError(format!(
            "operation '{lower}' does not apply to a {}",
            k.word()
        ))),
        None => Err(ActionError(format!(
            "unknown operation '{}'; expected a full action or one of: {}",
            crate::text::show(op),
            OPERATIONS.join(", ")
        ))),
    }
}

/// The action operation `op` (lower case) names on a resource of kind `k` and ARM type `ty`;
/// None when it does not apply there. The one table of `resolve` and `summary_ops`.
fn action_for(op: &str, k: ResKind, ty: &str) -> Option<String> {
    let a = match (op, k) {
        ("read", _) => format!("{ty}/read"),
        ("write", _) => format!("{ty}/write"),
        ("delete", _) => format!("{ty}/delete"),
        ("score", ResKind::OnlineEndpoint) => EP_SCORE.into(),
        ("list-keys", ResKind::OnlineEndpoint) => EP_KEYS.into(),
        ("list-keys", ResKind::Storage) => STG_KEYS.into(),
        ("list-keys", ResKind::Registry) => ACR_CREDS.into(),
        ("list-keys", ResKind::Workspace) => format!("{ML}/listKeys/action"),
        ("regenerate-keys", ResKind::OnlineEndpoint) => EP_REGEN.into(),
        ("regenerate-keys", ResKind::Storage) => {
            "Microsoft.Storage/storageAccounts/regeneratekey/action".into()
        }
        ("get-token", ResKind::OnlineEndpoint) => EP_TOKEN.into(),
        ("read-blobs", ResKind::Storage | ResKind::Datastore) => BLOB_READ.into(),
        ("write-blobs", ResKind::Storage | ResKind::Datastore) => BLOB_WRITE.into(),
        ("pull-image", ResKind::Registry) => ACR_PULL.into(),
        ("push-image", ResKind::Registry) => ACR_PUSH.into(),
        ("read-secrets", ResKind::KeyVault) => KV_GET_SECRET.into(),
        ("read-secrets", ResKind::Datastore | ResKind::Workspace) => DS_SECRETS.into(),
        ("read-secrets" | "read-connection-secrets", ResKind::Connection | ResKind::Workspace) => {
            CONN_SECRETS.into()
        }
        ("assign-identity", ResKind::Identity) => UAI_ASSIGN.into(),
        ("submit-job", ResKind::Workspace | ResKind::Compute) => JOB_WRITE.into(),
        ("studio-deploy", ResKind::OnlineEndpoint) => STUDIO_DEPLOY.into(),
        _ => return None,
    };
    Some(a)
}

/// The operations summarised for a resource kind when no `--action` is given: every operation
/// `--action` accepts for that kind (so the all-operations answer and `--action` never
/// disagree on what is asked), in the order of `OPERATIONS`. None for the tenant root.
pub fn summary_ops(k: ResKind) -> Vec<&'static str> {
    if k == ResKind::Root {
        return Vec::new();
    }
    OPERATIONS
        .iter()
        .copied()
        .filter(|op| action_for(op, k, "T").is_some())
        .collect()
}
