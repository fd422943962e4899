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
/// A workspace's keys (they include its storage account's key).
pub const WS_KEYS: &str = "Microsoft.MachineLearningServices/workspaces/listKeys/action";
pub const STG_REGEN: &str = "Microsoft.Storage/storageAccounts/regeneratekey/action";
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
    match named(&lower, k) {
        Some(Named::OfType(verb)) => Ok(format!("{}/{verb}", sc.id.resource_type())),
        Some(Named::Fixed(a)) => Ok(a.to_string()),
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

/// What an operation names on a kind of resource: an action of the resource's own ARM type
/// (`{type}/read`) or a fixed action. Decided without building a string, so `summary_ops`
/// (asked for every resource a what-can visits) allocates nothing per operation.
enum Named {
    OfType(&'static str),
    Fixed(&'static str),
}

/// What operation `op` (lower case) names on a resource of kind `k`; None when it does not
/// apply there. The one table of `resolve` and `summary_ops`.
fn named(op: &str, k: ResKind) -> Option<Named> {
    use Named::{Fixed, OfType};
    Some(match (op, k) {
        ("read", _) => OfType("read"),
        ("write", _) => OfType("write"),
        ("delete", _) => OfType("delete"),
        ("score", ResKind::OnlineEndpoint) => Fixed(EP_SCORE),
        ("list-keys", ResKind::OnlineEndpoint) => Fixed(EP_KEYS),
        ("list-keys", ResKind::Storage) => Fixed(STG_KEYS),
        ("list-keys", ResKind::Registry) => Fixed(ACR_CREDS),
        ("list-keys", ResKind::Workspace) => Fixed(WS_KEYS),
        ("regenerate-keys", ResKind::OnlineEndpoint) => Fixed(EP_REGEN),
        ("regenerate-keys", ResKind::Storage) => Fixed(STG_REGEN),
        ("get-token", ResKind::OnlineEndpoint) => Fixed(EP_TOKEN),
        ("read-blobs", ResKind::Storage | ResKind::Datastore) => Fixed(BLOB_READ),
        ("write-blobs", ResKind::Storage | ResKind::Datastore) => Fixed(BLOB_WRITE),
        ("pull-image", ResKind::Registry) => Fixed(ACR_PULL),
        ("push-image", ResKind::Registry) => Fixed(ACR_PUSH),
        ("read-secrets", ResKind::KeyVault) => Fixed(KV_GET_SECRET),
        ("read-secrets", ResKind::Datastore | ResKind::Workspace) => Fixed(DS_SECRETS),
        ("read-secrets" | "read-connection-secrets", ResKind::Connection | ResKind::Workspace) => {
            Fixed(CONN_SECRETS)
        }
        ("assign-identity", ResKind::Identity) => Fixed(UAI_ASSIGN),
        ("submit-job", ResKind::Workspace | ResKind::Compute) => Fixed(JOB_WRITE),
        ("studio-deploy", ResKind::OnlineEndpoint) => Fixed(STUDIO_DEPLOY),
        _ => return None,
    })
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
        .filter(|op| named(op, k).is_some())
        .collect()
}
