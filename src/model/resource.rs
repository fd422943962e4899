//! What reach knows about each resource beyond its place in the scope tree: the settings that
//! matter for access, merged from every file that describes it.

use crate::load::raw::DatastoreCredential;
use crate::model::{PrincipalId, ScopeId};
use crate::source::Source;

/// Identities attached to a workspace, compute or endpoint (WS-IDENTITY, CMP-DEFAULT-ID, EP-ID).
#[derive(Clone, Debug, Default)]
pub struct IdentityAttach {
    /// The system-assigned identity, when the resource has one.
    pub system: Option<PrincipalId>,
    /// User-assigned identities in the order written (the first is a compute's default).
    pub user: Vec<(PrincipalId, Source)>,
    /// Where `identity:` was written (or the resource's own source when implied).
    pub source: Source,
    /// `identity.type` as written and normalised.
    pub kind: String,
}

impl IdentityAttach {
    /// Every attached identity: system-assigned first, then user-assigned.
    pub fn all(&self) -> Vec<PrincipalId> {
        self.system
            .into_iter()
            .chain(self.user.iter().map(|(p, _)| *p))
            .collect()
    }
    /// CMP-DEFAULT-ID: the system-assigned identity, else the first user-assigned one.
    pub fn default_identity(&self) -> Option<PrincipalId> {
        self.system.or_else(|| self.user.first().map(|(p, _)| *p))
    }
}

#[derive(Clone, Debug, Default)]
pub struct WorkspaceAttrs {
    pub identity: IdentityAttach,
    pub primary_uai: Option<(String, Source)>,
    pub cmk_uai: Option<(String, Source)>,
    pub storage: Option<(ScopeId, Source)>,
    pub key_vault: Option<(ScopeId, Source)>,
    pub registry: Option<(ScopeId, Source)>,
    pub app_insights: Option<(ScopeId, Source)>,
    pub public_network_access: Option<String>,
    pub system_datastores_auth_mode: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ComputeAttrs {
    pub compute_type: String,
    pub identity: IdentityAttach,
    pub attached_resource: Option<String>,
    /// reach.yaml fact: the compute pulls images from the workspace registry.
    pub pulls_from_workspace_registry: bool,
    /// reach.yaml fact: created before the workspace registry existed (no automatic AcrPull).
    pub created_before_registry: bool,
    pub source: Source,
}

#[derive(Clone, Debug, Default)]
pub struct EndpointAttrs {
    /// `key`, `aml_token` or `aad_token` (the default when absent: `key` online, `aad_token` batch).
    pub auth_mode: String,
    pub auth_source: Source,
    /// True when auth_mode was written (false: the default applies).
    pub auth_written: bool,
    pub kubernetes: bool,
    pub identity: IdentityAttach,
    pub enforce_secret_stores: Option<(bool, Source)>,
    pub created_by: Option<(PrincipalId, Source)>,
    pub compute: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct DeploymentAttrs {
    pub endpoint: Option<ScopeId>,
    pub image: Option<(String, Source)>,
    /// Environment variables whose values reference connection or key vault secrets.
    pub secret_refs: Vec<(String, String, Source)>,
    pub compute: Option<String>,
    pub source: Source,
}

#[derive(Clone, Debug)]
pub struct DatastoreAttrs {
    pub datastore_type: String,
    pub storage: Option<ScopeId>,
    pub account_name: Option<String>,
    pub credential: DatastoreCredential,
    pub credential_source: Source,
    pub tenant_id: Option<String>,
    pub is_default: bool,
}

#[derive(Clone, Debug)]
pub struct StorageAttrs {
    /// `allowSharedKeyAccess` (absent = true).
    pub allow_shared_key: bool,
    pub shared_key_source: Option<Source>,
    /// networkRuleSet.defaultAction Deny.
    pub network_restricted: bool,
    /// The export that holds the network setting.
    pub network_source: Option<Source>,
    pub bypass_azure_services: bool,
    pub tenant_id: Option<String>,
}

impl Default for StorageAttrs {
    fn default() -> Self {
        StorageAttrs {
            allow_shared_key: true,
            shared_key_source: None,
            network_restricted: false,
            network_source: None,
            bypass_azure_services: false,
            tenant_id: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct AccessPolicyAttr {
    pub principal: Option<PrincipalId>,
    pub object_id: String,
    pub secrets: Vec<String>,
    pub source: Source,
}

#[derive(Clone, Debug, Default)]
pub struct KeyVaultAttrs {
    /// RBAC permission model (`enableRbacAuthorization: true`); false = access policies.
    pub rbac: bool,
    /// Where the permission model was stated (None = not exported: assumed access-policy).
    pub model_source: Option<Source>,
    pub access_policies: Vec<AccessPolicyAttr>,
}

#[derive(Clone, Debug, Default)]
pub struct RegistryAttrs {
    pub admin_enabled: Option<(bool, Source)>,
    /// ABAC repository-permission mode: AcrPull/AcrPush are not honoured.
    pub abac_mode: Option<Source>,
}

#[derive(Clone, Debug, Default)]
pub struct ConnectionAttrs {
    pub connection_type: String,
    pub credential_type: String,
    pub client_id: Option<String>,
    pub resource_id: Option<String>,
    pub target: Option<String>,
    pub source: Source,
}

/// Per-kind settings of a scope.
#[derive(Clone, Debug, Default)]
pub enum Attrs {
    #[default]
    None,
    Workspace(Box<WorkspaceAttrs>),
    Compute(Box<ComputeAttrs>),
    Endpoint(Box<EndpointAttrs>),
    Deployment(Box<DeploymentAttrs>),
    Datastore(Box<DatastoreAttrs>),
    Storage(Box<StorageAttrs>),
    KeyVault(Box<KeyVaultAttrs>),
    Registry(Box<RegistryAttrs>),
    Connection(Box<ConnectionAttrs>),
}

/// A job or pipeline (not an ARM scope of its own here; it matters for the identity it runs as).
#[derive(Clone, Debug)]
pub struct Job {
    pub name: String,
    pub workspace: ScopeId,
    pub job_type: String,
    pub compute: Option<String>,
    pub identity: Option<crate::load::raw::JobIdentity>,
    pub misplaced_identity_line: Option<u32>,
    pub steps: Vec<crate::load::raw::JobStep>,
    pub datastores: Vec<String>,
    /// Environment references (`azureml:env:1`) and inline images, as written.
    pub images: Vec<String>,
    pub source: Source,
}

/// An Azure ML environment (its base image matters for ACR-PRIVATE-BUILD).
#[derive(Clone, Debug)]
pub struct Environment {
    pub name: String,
    pub workspace: ScopeId,
    pub image: Option<String>,
    /// Azure ML builds an image on top of `image` (a conda file or build context is given);
    /// otherwise the image is used as is.
    pub built: bool,
    pub source: Source,
}
