//! The loader's output: typed, located, unresolved. One value per thing found in a file; nothing
//! here refers to anything by index. `model::build` resolves references and merges duplicates.
//!
//! Secret values (keys, SAS tokens, client secrets, passwords) are never stored: only the fact
//! that a credential of some kind is present, and where.

use crate::finding::Finding;
use crate::source::{Located, Source};
use std::path::PathBuf;

/// Everything read from one project folder.
#[derive(Debug, Default)]
pub struct RawProject {
    /// Project root as given (for display only).
    pub root: PathBuf,
    /// Every file looked at, with what it was recognised as.
    pub files: Vec<FileInfo>,
    /// `LOAD` findings: unreadable, malformed, not recognised (info), limits hit.
    pub findings: Vec<Finding>,
    /// reach.yaml manifests (normally one).
    pub manifests: Vec<Manifest>,
    /// Azure ML CLI v2 YAML documents.
    pub aml: Vec<AmlDoc>,
    pub assignments: Vec<RawAssignment>,
    pub role_defs: Vec<RawRoleDef>,
    pub denies: Vec<RawDeny>,
    pub principals: Vec<RawPrincipal>,
    /// `az … show` exports of resources (storage, key vault, ACR, workspace, compute, endpoint…).
    pub resources: Vec<RawResource>,
    /// reach.yaml `facts:` entries.
    pub facts: Vec<RawFact>,
}

#[derive(Debug, Clone)]
pub struct FileInfo {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    /// What it was recognised as: `azureml/online-endpoint`, `az/role-assignments`, `reach.yaml`,
    /// `unrecognised`, `error`.
    pub kind: String,
}

// ---------------------------------------------------------------- reach.yaml

#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub source: Source,
    pub subscription: Option<String>,
    pub resource_group: Option<String>,
    pub workspace: Option<String>,
    pub tenant: Option<String>,
    /// Extra workspaces: name, resource group, subscription (defaults from above when None).
    pub workspaces: Vec<ManifestWorkspace>,
}

#[derive(Debug, Clone)]
pub struct ManifestWorkspace {
    pub name: String,
    pub resource_group: Option<String>,
    pub subscription: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct RawFact {
    /// The resource reference as written (`registry:acrmain`, an ARM ID…).
    pub resource: String,
    /// Each `key: value` besides `resource`, values as text (`true`, `access_policy`, a UPN…).
    pub settings: Vec<(String, String)>,
    pub source: Source,
}

// ---------------------------------------------------------------- Azure exports

#[derive(Debug, Clone)]
pub struct RawAssignment {
    pub id: Option<String>,
    pub principal_id: String,
    pub principal_name: Option<String>,
    /// `User`, `Group`, `ServicePrincipal`, `ForeignGroup`, `Device`… as exported.
    pub principal_type: Option<String>,
    /// A role definition ID (full or GUID); may be empty when only the name is known.
    pub role_definition_id: Option<String>,
    pub role_name: Option<String>,
    pub scope: String,
    pub condition: Option<String>,
    pub source: Source,
    /// Read from a Privileged Identity Management schedule instance, not a role assignment.
    pub pim: Option<RawPim>,
}

/// What a PIM schedule instance adds to a role assignment's fields (ARM 2020-10-01).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPim {
    /// `roleEligibilityScheduleInstances` (true) or `roleAssignmentScheduleInstances` (false).
    pub eligible: bool,
    /// Active instances: `assignmentType: Activated` (an eligibility someone activated), as
    /// opposed to `Assigned` (a time-bound or permanent active assignment).
    pub activated: bool,
    pub status: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Active instances: the role assignment this instance is (`originRoleAssignmentId`).
    pub origin: Option<String>,
    /// `Direct`, `Group` or `Inherited`.
    pub member_type: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Permission {
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub data_actions: Vec<String>,
    pub not_data_actions: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RawRoleDef {
    /// Full ID or bare GUID.
    pub id: String,
    pub role_name: String,
    /// `BuiltInRole` / `CustomRole` as exported (None if absent).
    pub role_type: Option<String>,
    pub description: Option<String>,
    pub assignable_scopes: Vec<String>,
    pub permissions: Vec<Permission>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct RawDeny {
    pub id: String,
    pub name: String,
    pub scope: String,
    pub permissions: Vec<Permission>,
    /// Principal object IDs (the all-principals GUID `00000000-0000-0000-0000-000000000000` = everyone).
    pub principals: Vec<String>,
    pub exclude_principals: Vec<String>,
    pub do_not_apply_to_child_scopes: bool,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalKind {
    User,
    Group,
    ServicePrincipal,
    ManagedIdentity,
}

#[derive(Debug, Clone)]
pub struct RawPrincipal {
    pub kind: PrincipalKind,
    /// Entra object ID (`id` / `objectId` / `principalId`).
    pub object_id: Option<String>,
    pub display_name: Option<String>,
    pub upn: Option<String>,
    /// Application (client) ID: `appId`, `clientId`.
    pub client_id: Option<String>,
    /// For a UAI: its ARM ID. For a system-assigned identity: the ARM ID of its owner
    /// (from `alternativeNames`), when known.
    pub resource_id: Option<String>,
    /// True for a system-assigned identity (alternativeNames `isExplicit=False`).
    pub system_assigned: bool,
    /// Group members as written: object IDs or names, each with its line/entry.
    pub members: Vec<MemberRef>,
    /// False when the export of this group carried no member list (membership unknown).
    pub members_exported: bool,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct MemberRef {
    /// Object ID or name (UPN, display name, group name).
    pub reference: String,
    /// `@odata.type`-derived kind when the export says it.
    pub kind: Option<PrincipalKind>,
    pub source: Source,
}

/// An `az … show` export of one resource.
#[derive(Debug, Clone)]
pub struct RawResource {
    pub id: String,
    pub name: Option<String>,
    pub props: ResourceProps,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub enum ResourceProps {
    Storage {
        /// `allowSharedKeyAccess` (None = absent = allowed).
        allow_shared_key_access: Option<bool>,
        /// `networkRuleSet.defaultAction` (`Allow`/`Deny`).
        network_default_action: Option<String>,
        /// `networkRuleSet.bypass` (`AzureServices`…).
        network_bypass: Option<String>,
        tenant_id: Option<String>,
        is_hns: Option<bool>,
    },
    KeyVault {
        /// `properties.enableRbacAuthorization` (None/false = access-policy model).
        rbac_authorization: Option<bool>,
        access_policies: Vec<AccessPolicy>,
    },
    Acr {
        admin_user_enabled: Option<bool>,
        /// `roleAssignmentMode` (`AbacRepositoryPermissions` = ABAC mode).
        role_assignment_mode: Option<String>,
    },
    /// `az identity show`.
    Identity {
        client_id: Option<String>,
        principal_id: Option<String>,
    },
    Other {
        resource_type: String,
    },
}

#[derive(Debug, Clone)]
pub struct AccessPolicy {
    pub object_id: String,
    /// Secret permissions, lower-cased (`get`, `list`, `all`…).
    pub secrets: Vec<String>,
    pub keys: Vec<String>,
    pub certificates: Vec<String>,
    pub source: Source,
}

// ---------------------------------------------------------------- Azure ML CLI v2 YAML

/// One Azure ML object: a CLI v2 YAML document, or an `az ml … show|list` / ARM REST export of
/// one (those carry their ARM ID, which places them without looking at folders).
#[derive(Debug, Clone)]
pub struct AmlDoc {
    pub source: Source,
    /// The object's ARM ID when the source gives one (exports; a YAML with an `id:`).
    pub id: Option<String>,
    /// Folder of the file, relative to the project root (`""` for the root), for workspace placement.
    pub dir: String,
    /// `name:` as written (placeholders kept).
    pub name: Option<Located<String>>,
    pub kind: AmlKind,
}

#[derive(Debug, Clone)]
pub enum AmlKind {
    Workspace(WorkspaceSpec),
    Compute(ComputeSpec),
    OnlineEndpoint(EndpointSpec),
    OnlineDeployment(DeploymentSpec),
    BatchEndpoint(EndpointSpec),
    BatchDeployment(DeploymentSpec),
    Datastore(DatastoreSpec),
    Job(JobSpec),
    Connection(ConnectionSpec),
    Environment(EnvironmentSpec),
    /// An Azure ML registry (not a container registry).
    Registry,
    Data,
    Model,
    Component,
    Schedule,
    /// Recognised as Azure ML YAML but of a kind reach ignores; the string names it.
    Other(String),
}

impl AmlKind {
    /// A stable order of the kinds (a workspace before what it holds).
    pub fn rank(&self) -> u8 {
        match self {
            AmlKind::Workspace(_) => 0,
            AmlKind::Compute(_) => 1,
            AmlKind::OnlineEndpoint(_) => 2,
            AmlKind::OnlineDeployment(_) => 3,
            AmlKind::BatchEndpoint(_) => 4,
            AmlKind::BatchDeployment(_) => 5,
            AmlKind::Datastore(_) => 6,
            AmlKind::Job(_) => 7,
            AmlKind::Connection(_) => 8,
            AmlKind::Environment(_) => 9,
            AmlKind::Registry => 10,
            AmlKind::Data => 11,
            AmlKind::Model => 12,
            AmlKind::Component => 13,
            AmlKind::Schedule => 14,
            AmlKind::Other(_) => 15,
        }
    }
}

/// `identity:` of a workspace, compute or endpoint.
#[derive(Debug, Clone, Default)]
pub struct IdentitySpec {
    /// Normalised type: `system_assigned`, `user_assigned`, `system_assigned,user_assigned`, `none`
    /// (case and spaces folded as the Azure ML SDK does).
    pub kind: String,
    /// The system-assigned identity's object ID (`principal_id`, printed by `az ml … show` and
    /// ARM; never in a user's YAML).
    pub principal_id: Option<String>,
    pub tenant_id: Option<String>,
    /// User-assigned identities (from the mapping keys of a workspace, or the `resource_id` of
    /// each list entry of a compute/endpoint), with the IDs `az ml … show` prints for each.
    pub user_assigned: Vec<UaiRef>,
    pub line: u32,
}

/// One user-assigned identity named in an `identity:` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UaiRef {
    /// Its ARM ID as written (a placeholder is kept as written).
    pub resource_id: Located<String>,
    pub client_id: Option<String>,
    /// Its object ID.
    pub principal_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct WorkspaceSpec {
    /// Full ARM ID when the source gives one (`az ml workspace show`).
    pub id: Option<String>,
    pub subscription: Option<String>,
    pub resource_group: Option<String>,
    pub identity: Option<IdentitySpec>,
    pub primary_user_assigned_identity: Option<Located<String>>,
    pub user_assigned_identity_for_cmk_encryption: Option<Located<String>>,
    pub storage_account: Option<Located<String>>,
    pub key_vault: Option<Located<String>>,
    pub container_registry: Option<Located<String>>,
    pub application_insights: Option<Located<String>>,
    pub public_network_access: Option<Located<String>>,
    pub system_datastores_auth_mode: Option<Located<String>>,
    /// Only identity / managed_network keys (an `az ml workspace update` fragment).
    pub update_fragment: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ComputeSpec {
    pub id: Option<String>,
    /// `amlcompute`, `computeinstance`, `kubernetes`, `synapsespark`, `virtualmachine`… (lower case).
    pub compute_type: String,
    pub identity: Option<IdentitySpec>,
    /// Attached compute's ARM ID.
    pub resource_id: Option<Located<String>>,
    /// Whether ssh_settings carries a password (the value itself is never kept).
    pub has_admin_password: bool,
}

#[derive(Debug, Clone, Default)]
pub struct EndpointSpec {
    pub id: Option<String>,
    /// Normalised: `key`, `aml_token`, `aad_token` (None = absent = the default).
    pub auth_mode: Option<Located<String>>,
    pub identity: Option<IdentitySpec>,
    /// `properties.enforce_access_to_default_secret_stores` (`enabled` / `true` = true).
    pub enforce_access_to_default_secret_stores: Option<Located<bool>>,
    /// Kubernetes endpoint (schema or `compute:` present).
    pub kubernetes: bool,
    pub compute: Option<Located<String>>,
    pub public_network_access: Option<Located<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct DeploymentSpec {
    pub endpoint_name: Option<Located<String>>,
    pub kubernetes: bool,
    /// Inline `environment.image` or the environment reference string.
    pub image: Option<Located<String>>,
    pub environment_ref: Option<Located<String>>,
    /// `environment_variables` (online) or `settings.environment_variables` (batch):
    /// name and value; secret-looking values are redacted by the loader.
    pub environment_variables: Vec<(String, Located<String>)>,
    /// Batch: `compute:` reference.
    pub compute: Option<Located<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatastoreCredential {
    /// No credentials: identity-based.
    None,
    AccountKey,
    Sas,
    ServicePrincipal {
        tenant_id: Option<String>,
        client_id: Option<String>,
    },
    Certificate {
        tenant_id: Option<String>,
        client_id: Option<String>,
    },
    /// Something else (a type reach does not know); the string names it.
    Other(String),
    /// Not told: `az ml datastore show|list` prints `credentials: {}` for every datastore, with
    /// or without a stored credential (the REST form, `az rest …/datastores`, keeps the type).
    Unknown,
}

#[derive(Debug, Clone)]
pub struct DatastoreSpec {
    pub id: Option<String>,
    /// `azure_blob`, `azure_file`, `azure_data_lake_gen1`, `azure_data_lake_gen2`, `one_lake`, `hdfs`.
    pub datastore_type: String,
    pub account_name: Option<Located<String>>,
    pub container: Option<Located<String>>,
    pub credential: DatastoreCredential,
    pub credential_line: u32,
    /// Tenant of the storage (`credentials.tenant_id`), used by DS-NO-CROSS-TENANT.
    pub tenant_id: Option<String>,
    pub endpoint: Option<String>,
    /// Is it the workspace's default datastore (`workspaceblobstore` or flagged)?
    pub is_default: bool,
}

#[derive(Debug, Clone, Default)]
pub struct JobSpec {
    /// `command`, `pipeline`, `sweep`, `spark`, `automl`…
    pub job_type: String,
    pub compute: Option<Located<String>>,
    /// Top-level `identity:`.
    pub identity: Option<JobIdentity>,
    /// `identity:` found under `settings:` (ignored by Azure ML; linted).
    pub misplaced_identity_line: Option<u32>,
    /// Pipeline steps (`jobs:` entries).
    pub steps: Vec<JobStep>,
    /// Datastore names referenced as `azureml://datastores/NAME/...` (placeholders kept).
    pub datastores: Vec<Located<String>>,
    /// Environment/image references.
    pub images: Vec<Located<String>>,
}

#[derive(Debug, Clone)]
pub struct JobIdentity {
    /// `user_identity`, `managed`, `aml_token` (normalised; `managed_identity` → `managed`).
    pub kind: String,
    pub client_id: Option<String>,
    pub resource_id: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct JobStep {
    pub name: Located<String>,
    pub step_type: Option<String>,
    pub compute: Option<Located<String>>,
    pub identity: Option<JobIdentity>,
    /// The step runs a pipeline component (`type: pipeline` or a component of pipeline kind).
    pub is_pipeline_component: bool,
    pub datastores: Vec<Located<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct ConnectionSpec {
    pub connection_type: String,
    pub target: Option<Located<String>>,
    /// `credentials.type` normalised (`managed_identity`, `pat`, `username_password`, `api_key`…);
    /// `none` when absent.
    pub credential_type: String,
    pub client_id: Option<Located<String>>,
    pub resource_id: Option<Located<String>>,
    /// A secret value was present (never kept).
    pub has_secret: bool,
}

#[derive(Debug, Clone, Default)]
pub struct EnvironmentSpec {
    pub image: Option<Located<String>>,
    pub build_path: Option<Located<String>>,
    /// `conda_file:` — Azure ML builds a managed image on top of `image`.
    pub conda_file: Option<Located<String>>,
}
