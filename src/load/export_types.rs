//! Typed shapes of the Azure CLI / Graph exports (camelCase, unknown fields ignored, `null`
//! accepted everywhere) and their conversion to raw values. Each function reads one entry.

use super::exports::detail;
use super::raw::{
    AccessPolicy, MemberRef, Permission, PrincipalKind, RawAssignment, RawDeny, RawPim,
    RawPrincipal, RawProject, RawResource, RawRoleDef, ResourceProps,
};
use crate::source::Source;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

type R = Result<(), String>;

fn parse<T: DeserializeOwned>(raw: &RawValue) -> Result<T, String> {
    serde_json::from_str(raw.get()).map_err(|e| located::<T>(raw, &e))
}

/// The error again, with the path of the field it is in (`principalId`, `properties.scope`):
/// only on the error path, so good entries are read in one pass.
fn located<'a, T: Deserialize<'a>>(raw: &'a RawValue, e: &serde_json::Error) -> String {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(pe) if pe.path().iter().next().is_some() => {
            format!("field `{}`: {}", pe.path(), detail(pe.inner()))
        }
        _ => detail(e),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| {
        if s.trim().len() == s.len() {
            s
        } else {
            s.trim().to_string()
        }
    })
    .filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------- role assignments

/// Borrowed from the file where possible (the big export: no allocation for fields not kept).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct AssignmentJ<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    principal_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    principal_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    principal_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    role_definition_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    role_definition_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    scope: Option<Cow<'a, str>>,
    #[serde(borrow)]
    condition: Option<Cow<'a, str>>,
    #[serde(borrow)]
    properties: Option<Box<AssignmentJ<'a>>>,
    // PIM schedule instances (`properties{…}`)
    status: Option<String>,
    start_date_time: Option<String>,
    end_date_time: Option<String>,
    assignment_type: Option<String>,
    origin_role_assignment_id: Option<String>,
    member_type: Option<String>,
    expanded_properties: Option<ExpandedJ>,
}

/// A PIM instance's `expandedProperties` (only the principal's name is kept).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ExpandedJ {
    principal: Option<ExpandedPrincipalJ>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ExpandedPrincipalJ {
    display_name: Option<String>,
    email: Option<String>,
}

/// Trimmed, non-empty, owned.
fn kept(s: Option<Cow<'_, str>>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub fn assignment(raw: &RawValue, source: Source, out: &mut RawProject) -> R {
    let a: AssignmentJ =
        serde_json::from_str(raw.get()).map_err(|e| located::<AssignmentJ>(raw, &e))?;
    let p = a.properties.map(|b| *b).unwrap_or_default();
    let principal_id = kept(a.principal_id.or(p.principal_id)).ok_or("missing principalId")?;
    let scope = kept(a.scope.or(p.scope)).ok_or("missing scope")?;
    let role_definition_id = kept(a.role_definition_id.or(p.role_definition_id));
    let role_name = kept(a.role_definition_name.or(p.role_definition_name));
    if role_definition_id.is_none() && role_name.is_none() {
        return Err("missing roleDefinitionId".to_string());
    }
    out.assignments.push(RawAssignment {
        id: kept(a.id),
        principal_id,
        principal_name: kept(a.principal_name.or(p.principal_name)),
        principal_type: kept(a.principal_type.or(p.principal_type)),
        role_definition_id,
        role_name,
        scope,
        condition: kept(a.condition.or(p.condition)),
        source,
        pim: None,
    });
    Ok(())
}

/// One PIM schedule instance (`az rest …/roleEligibilityScheduleInstances` when `eligible`,
/// `…/roleAssignmentScheduleInstances` otherwise): a role assignment's fields and its schedule.
pub fn pim_instance(raw: &RawValue, source: Source, eligible: bool, out: &mut RawProject) -> R {
    let a: AssignmentJ =
        serde_json::from_str(raw.get()).map_err(|e| located::<AssignmentJ>(raw, &e))?;
    let p = a.properties.map(|b| *b).unwrap_or_default();
    let principal_id = kept(a.principal_id.or(p.principal_id)).ok_or("missing principalId")?;
    let scope = kept(a.scope.or(p.scope)).ok_or("missing scope")?;
    let role_definition_id =
        kept(a.role_definition_id.or(p.role_definition_id)).ok_or("missing roleDefinitionId")?;
    let expanded = p.expanded_properties.and_then(|e| e.principal);
    let principal_name = expanded.and_then(|e| non_empty(e.email).or(non_empty(e.display_name)));
    out.assignments.push(RawAssignment {
        id: kept(a.id),
        principal_id,
        principal_name,
        principal_type: kept(p.principal_type),
        role_definition_id: Some(role_definition_id),
        role_name: None,
        scope,
        condition: kept(p.condition),
        source,
        pim: Some(RawPim {
            eligible,
            activated: p
                .assignment_type
                .is_some_and(|t| t.eq_ignore_ascii_case("activated")),
            status: non_empty(p.status),
            start: non_empty(p.start_date_time),
            end: non_empty(p.end_date_time),
            origin: non_empty(p.origin_role_assignment_id),
            member_type: non_empty(p.member_type),
        }),
    });
    Ok(())
}

// ---------------------------------------------------------------- role definitions

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct PermissionJ {
    actions: Option<Vec<String>>,
    not_actions: Option<Vec<String>>,
    data_actions: Option<Vec<String>>,
    not_data_actions: Option<Vec<String>>,
}

fn permissions(p: Option<Vec<PermissionJ>>) -> Vec<Permission> {
    p.unwrap_or_default()
        .into_iter()
        .map(|p| Permission {
            actions: p.actions.unwrap_or_default(),
            not_actions: p.not_actions.unwrap_or_default(),
            data_actions: p.data_actions.unwrap_or_default(),
            not_data_actions: p.not_data_actions.unwrap_or_default(),
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RoleDefJ {
    id: Option<String>,
    name: Option<String>,
    role_name: Option<String>,
    role_type: Option<String>,
    #[serde(rename = "type")]
    ty: Option<String>,
    description: Option<String>,
    assignable_scopes: Option<Vec<String>>,
    permissions: Option<Vec<PermissionJ>>,
    properties: Option<Box<RoleDefJ>>,
}

pub fn role_def(raw: &RawValue, source: Source, out: &mut RawProject) -> R {
    let d: RoleDefJ = parse(raw)?;
    let p = d.properties.map(|b| *b).unwrap_or_default();
    let role_name = non_empty(d.role_name.or(p.role_name)).ok_or("missing roleName")?;
    let id = non_empty(d.id).or(non_empty(d.name)).ok_or("missing id")?;
    // REST calls the role type `properties.type`; the CLI `roleType` (its `type` is the ARM type).
    let role_type = non_empty(d.role_type.or(p.role_type).or(p.ty));
    out.role_defs.push(RawRoleDef {
        id,
        role_name,
        role_type,
        description: non_empty(d.description.or(p.description)),
        assignable_scopes: d
            .assignable_scopes
            .or(p.assignable_scopes)
            .unwrap_or_default(),
        permissions: permissions(d.permissions.or(p.permissions)),
        source,
    });
    Ok(())
}

// ---------------------------------------------------------------- deny assignments

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct DenyPrincipalJ {
    id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct DenyJ {
    id: Option<String>,
    name: Option<String>,
    deny_assignment_name: Option<String>,
    scope: Option<String>,
    permissions: Option<Vec<PermissionJ>>,
    principals: Option<Vec<DenyPrincipalJ>>,
    exclude_principals: Option<Vec<DenyPrincipalJ>>,
    do_not_apply_to_child_scopes: Option<bool>,
    properties: Option<Box<DenyJ>>,
}

fn ids(p: Option<Vec<DenyPrincipalJ>>) -> Vec<String> {
    p.unwrap_or_default()
        .into_iter()
        .filter_map(|p| non_empty(p.id))
        .collect()
}

pub fn deny(raw: &RawValue, source: Source, out: &mut RawProject) -> R {
    let d: DenyJ = parse(raw)?;
    let p = d.properties.map(|b| *b).unwrap_or_default();
    let scope = non_empty(d.scope.or(p.scope)).ok_or("missing properties.scope")?;
    let id = non_empty(d.id)
        .or(non_empty(d.name.clone()))
        .unwrap_or_default();
    out.denies.push(RawDeny {
        id,
        name: non_empty(d.deny_assignment_name.or(p.deny_assignment_name))
            .or(d.name)
            .unwrap_or_default(),
        scope,
        permissions: permissions(d.permissions.or(p.permissions)),
        principals: ids(d.principals.or(p.principals)),
        exclude_principals: ids(d.exclude_principals.or(p.exclude_principals)),
        do_not_apply_to_child_scopes: d
            .do_not_apply_to_child_scopes
            .or(p.do_not_apply_to_child_scopes)
            .unwrap_or(false),
        source,
    });
    Ok(())
}

// ---------------------------------------------------------------- directory objects

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct DirJ {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    id: Option<String>,
    object_id: Option<String>,
    object_type: Option<String>,
    display_name: Option<String>,
    user_principal_name: Option<String>,
    app_id: Option<String>,
    service_principal_type: Option<String>,
    alternative_names: Option<Vec<String>>,
    security_enabled: Option<bool>,
    group_types: Option<Vec<String>>,
    members: Option<Vec<DirJ>>,
}

impl DirJ {
    fn kind(&self) -> Option<PrincipalKind> {
        let t = self
            .odata_type
            .as_deref()
            .or(self.object_type.as_deref())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let t = t.trim_start_matches("#microsoft.graph.");
        if self
            .service_principal_type
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("ManagedIdentity"))
        {
            return Some(PrincipalKind::ManagedIdentity);
        }
        match t {
            "user" => Some(PrincipalKind::User),
            "group" => Some(PrincipalKind::Group),
            "serviceprincipal" => Some(PrincipalKind::ServicePrincipal),
            _ if self.user_principal_name.is_some() => Some(PrincipalKind::User),
            _ if self.service_principal_type.is_some() || self.app_id.is_some() => {
                Some(PrincipalKind::ServicePrincipal)
            }
            _ if self.security_enabled.is_some()
                || self.group_types.is_some()
                || self.members.is_some() =>
            {
                Some(PrincipalKind::Group)
            }
            _ => None,
        }
    }
}

pub fn directory(
    raw: &RawValue,
    source: Source,
    _out: &mut RawProject,
) -> Result<RawPrincipal, String> {
    let d: DirJ = parse(raw)?;
    let kind = d
        .kind()
        .ok_or("cannot tell whether it is a user, group or service principal (no @odata.type)")?;
    let alt = d.alternative_names.clone().unwrap_or_default();
    let system_assigned = alt
        .iter()
        .any(|a| a.trim().eq_ignore_ascii_case("isExplicit=False"));
    let owner = alt
        .iter()
        .find(|a| a.trim_start().starts_with('/'))
        .map(|a| a.trim().to_string());
    let members_exported = d.members.is_some();
    let members = d
        .members
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| {
            let kind = m.kind();
            let reference = non_empty(m.id.or(m.object_id))
                .or(non_empty(m.user_principal_name))
                .or(non_empty(m.display_name))?;
            Some(MemberRef {
                reference,
                kind,
                source: source.clone(),
            })
        })
        .collect();
    Ok(RawPrincipal {
        kind,
        object_id: non_empty(d.id.or(d.object_id)),
        display_name: non_empty(d.display_name),
        upn: non_empty(d.user_principal_name),
        client_id: non_empty(d.app_id),
        resource_id: if kind == PrincipalKind::ManagedIdentity {
            owner
        } else {
            None
        },
        system_assigned: kind == PrincipalKind::ManagedIdentity && system_assigned,
        members,
        members_exported: kind == PrincipalKind::Group && members_exported,
        source,
    })
}

/// The group of a member-list file (`<group>.members.json` or `{"group": …}`), by ID or name.
pub fn group_from_ref(g: &str, file: &std::sync::Arc<str>) -> RawPrincipal {
    let is_guid = g.len() == 36 && g.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    RawPrincipal {
        kind: PrincipalKind::Group,
        object_id: is_guid.then(|| g.to_string()),
        display_name: (!is_guid).then(|| g.to_string()),
        upn: None,
        client_id: None,
        resource_id: None,
        system_assigned: false,
        members: Vec::new(),
        members_exported: true,
        source: Source::File { file: file.clone() },
    }
}

// ---------------------------------------------------------------- az identity

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct IdentityJ {
    id: Option<String>,
    name: Option<String>,
    client_id: Option<String>,
    principal_id: Option<String>,
}

pub fn identity(raw: &RawValue, source: Source, out: &mut RawProject) -> R {
    let i: IdentityJ = parse(raw)?;
    let id = non_empty(i.id).ok_or("missing id")?;
    let (client_id, principal_id) = (non_empty(i.client_id), non_empty(i.principal_id));
    out.principals.push(RawPrincipal {
        kind: PrincipalKind::ManagedIdentity,
        object_id: principal_id.clone(),
        display_name: non_empty(i.name.clone()),
        upn: None,
        client_id: client_id.clone(),
        resource_id: Some(id.clone()),
        system_assigned: false,
        members: Vec::new(),
        members_exported: false,
        source: source.clone(),
    });
    out.resources.push(RawResource {
        id,
        name: non_empty(i.name),
        props: ResourceProps::Identity {
            client_id,
            principal_id,
        },
        source,
    });
    Ok(())
}

// ---------------------------------------------------------------- storage, key vault, ACR

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct NetRulesJ {
    bypass: Option<String>,
    default_action: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct StorageJ {
    id: Option<String>,
    name: Option<String>,
    allow_shared_key_access: Option<bool>,
    network_rule_set: Option<NetRulesJ>,
    tenant_id: Option<String>,
    is_hns_enabled: Option<bool>,
}

pub fn storage(raw: &RawValue, source: Source, out: &mut RawProject) -> R {
    let st: StorageJ = parse(raw)?;
    let net = st.network_rule_set.unwrap_or_default();
    let name = non_empty(st.name);
    out.resources.push(RawResource {
        id: non_empty(st.id).or(name.clone()).unwrap_or_default(),
        name,
        props: ResourceProps::Storage {
            allow_shared_key_access: st.allow_shared_key_access,
            network_default_action: non_empty(net.default_action),
            network_bypass: non_empty(net.bypass),
            tenant_id: non_empty(st.tenant_id),
            is_hns: st.is_hns_enabled,
        },
        source,
    });
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct KvPermsJ {
    secrets: Option<Vec<String>>,
    keys: Option<Vec<String>>,
    certificates: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct KvPolicyJ {
    object_id: Option<String>,
    permissions: Option<KvPermsJ>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct KvPropsJ {
    enable_rbac_authorization: Option<bool>,
    access_policies: Option<Vec<KvPolicyJ>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct KeyVaultJ {
    id: Option<String>,
    name: Option<String>,
    properties: Option<KvPropsJ>,
}

fn lower(v: Option<Vec<String>>) -> Vec<String> {
    v.unwrap_or_default()
        .into_iter()
        .map(|s| s.to_ascii_lowercase())
        .collect()
}

pub fn keyvault(raw: &RawValue, source: Source, out: &mut RawProject) -> R {
    let kv: KeyVaultJ = parse(raw)?;
    let props = kv.properties.unwrap_or_default();
    let access_policies = props
        .access_policies
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let perms = p.permissions.unwrap_or_default();
            AccessPolicy {
                object_id: non_empty(p.object_id).unwrap_or_default(),
                secrets: lower(perms.secrets),
                keys: lower(perms.keys),
                certificates: lower(perms.certificates),
                source: source.clone(),
            }
        })
        .collect();
    let name = non_empty(kv.name);
    out.resources.push(RawResource {
        id: non_empty(kv.id).or(name.clone()).unwrap_or_default(),
        name,
        props: ResourceProps::KeyVault {
            rbac_authorization: props.enable_rbac_authorization,
            access_policies,
        },
        source,
    });
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct AcrJ {
    id: Option<String>,
    name: Option<String>,
    admin_user_enabled: Option<bool>,
    role_assignment_mode: Option<String>,
}

pub fn acr(raw: &RawValue, source: Source, out: &mut RawProject) -> R {
    let a: AcrJ = parse(raw)?;
    let name = non_empty(a.name);
    out.resources.push(RawResource {
        id: non_empty(a.id).or(name.clone()).unwrap_or_default(),
        name,
        props: ResourceProps::Acr {
            admin_user_enabled: a.admin_user_enabled,
            role_assignment_mode: non_empty(a.role_assignment_mode),
        },
        source,
    });
    Ok(())
}
