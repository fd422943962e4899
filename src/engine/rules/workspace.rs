//! Workspace rules: its identity (WS-IDENTITY), the roles a user-assigned workspace identity
//! needs (WS-UAI-ROLES), the primary UAI (WS-PRIMARY-UAI), the CMK identity (WS-CMK-UAI) and the
//! registry admin account (WS-ACR-ADMIN).

use super::{gap, holds, role_fix, Gap, Rule, CONTRIBUTOR_GUID, KV_ADMIN_GUID, SEED_AUTH};
use crate::engine::action::*;
use crate::engine::graph::{AccessGraph, Derivation};
use crate::finding::{Finding, Severity};
use crate::model::{Attrs, Model, ResKind, ScopeId};
use crate::text::show;

pub const RULES: &[Rule] = &[
    Rule { id: "WS-IDENTITY", summary: "A workspace talks to its storage, key vault, registry and Application Insights as its managed identity", detail: "An Azure ML workspace uses a managed identity to talk to its associated storage, key vault, container registry and Application Insights: system-assigned by default, or user-assigned, or both (identity.type: system_assigned,user_assigned). reach names the system-assigned one workspace:W; paths where the workspace acts for a user (studio data preview) show it.", seed: SEED_AUTH, lint: false, apply: super::none },
    Rule { id: "WS-UAI-ROLES", summary: "A user-assigned workspace identity needs Contributor on the workspace, storage, key vault, registry and App Insights (+ Key Vault Administrator or an access policy)", detail: "A workspace whose identity is user-assigned needs: workspace — Contributor; storage — Contributor (+ Storage Blob Data Contributor, optional, for data preview); key vault with the RBAC model — Contributor + Key Vault Administrator; key vault with access policies — Contributor + any access-policy permission except purge; container registry — Contributor; Application Insights — Contributor. Each missing one is a finding naming identity, resource and role.", seed: SEED_AUTH, lint: true, apply: apply_uai_roles },
    Rule { id: "WS-PRIMARY-UAI", summary: "With several UAIs, primary_user_assigned_identity must be one of identity.user_assigned_identities", detail: "With several user-assigned identities, primary_user_assigned_identity must name one of identity.user_assigned_identities. An update lists all identities to keep; those left out are removed.", seed: SEED_AUTH, lint: true, apply: apply_primary },
    Rule { id: "WS-CMK-UAI", summary: "user_assigned_identity_for_cmk_encryption is the identity used from storage to the key vault for CMK; it may differ from the primary", detail: "For a workspace encrypted with a customer-managed key, user_assigned_identity_for_cmk_encryption names the identity used from storage to the key vault; it may differ from the primary identity. (It is a CLI/SDK parameter; SDK 1.35.2 has no YAML key for it, so reach reads it when present.)", seed: SEED_AUTH, lint: false, apply: apply_cmk },
    Rule { id: "WS-ACR-ADMIN", summary: "While a registry's admin user is enabled, whoever can list its credentials can push and pull, bypassing RBAC", detail: "A registry that the workspace created itself has its admin account enabled. While adminUserEnabled is true, anyone who can list the registry's credentials (Microsoft.ContainerRegistry/registries/listCredentials/action) can push and pull with them: a path that bypasses RBAC on the registry.", seed: SEED_AUTH, lint: true, apply: apply_acr_admin },
];

fn workspaces(m: &Model) -> impl Iterator<Item = ScopeId> + '_ {
    m.scopes_of_kind(ResKind::Workspace)
        .filter(|w| m.workspace_attrs(*w).is_some())
}

/// (action that stands for the role, role name, resource) the UAI must hold.
fn required(m: &Model, ws: ScopeId) -> Vec<(&'static str, &'static str, ScopeId)> {
    let Some(w) = m.workspace_attrs(ws) else {
        return Vec::new();
    };
    let mut v = vec![(
        "Microsoft.MachineLearningServices/workspaces/write",
        "Contributor",
        ws,
    )];
    if let Some((s, _)) = w.storage {
        v.push(("Microsoft.Storage/storageAccounts/write", "Contributor", s));
    }
    if let Some((kv, _)) = w.key_vault {
        v.push((KV_WRITE, "Contributor", kv));
        let rbac = matches!(&m.scope(kv).attrs, Attrs::KeyVault(k) if k.rbac);
        if rbac {
            v.push((
                "Microsoft.KeyVault/vaults/secrets/setSecret/action",
                "Key Vault Administrator",
                kv,
            ));
        } else {
            v.push((
                KV_GET_SECRET,
                "an access policy (any permission except purge)",
                kv,
            ));
        }
    }
    if let Some((r, _)) = w.registry {
        v.push((
            "Microsoft.ContainerRegistry/registries/write",
            "Contributor",
            r,
        ));
    }
    if let Some((a, _)) = w.app_insights {
        v.push(("Microsoft.Insights/components/write", "Contributor", a));
    }
    v
}

fn apply_uai_roles(m: &Model, g: &mut AccessGraph) {
    for ws in workspaces(m).collect::<Vec<_>>() {
        let Some(w) = m.workspace_attrs(ws) else {
            continue;
        };
        if w.identity.user.is_empty() {
            continue;
        }
        // the primary identity when it is one of them; otherwise every one
        let id_of = |p: crate::model::PrincipalId| {
            m.principal(p)
                .resource
                .map(|r| m.scope(r).id.norm().to_string())
        };
        let primary = w.primary_uai.as_ref().map(|(p, _)| p.clone());
        let matching: Vec<_> = w
            .identity
            .user
            .iter()
            .filter(|(p, _)| primary.is_some() && id_of(*p) == primary)
            .cloned()
            .collect();
        let uais = if matching.is_empty() {
            w.identity.user.clone()
        } else {
            matching
        };
        for (uai, src) in uais {
            for (action, role, res) in required(m, ws) {
                if holds(m, g, uai, res, action) {
                    continue;
                }
                let name = show(&m.principal(uai).name).into_owned();
                let message = format!(
                    "workspace {} uses user-assigned identity {name}, which lacks {role} on {} {}",
                    show(&m.scope(ws).name),
                    m.scope(res).kind.word(),
                    show(&m.scope_label(res))
                );
                let fix = uai_fix(m, uai, role, res);
                gap(
                    m,
                    g,
                    Gap {
                        rule: "WS-UAI-ROLES",
                        severity: Severity::Warning,
                        message,
                        subject: res,
                        source: &src,
                        who: Some(uai),
                        at: res,
                        pattern: None,
                        fix,
                    },
                );
            }
        }
    }
}

/// The role assignment (or key vault access policy) that supplies a missing WS-UAI-ROLES role.
fn uai_fix(
    m: &Model,
    uai: crate::model::PrincipalId,
    role: &str,
    res: ScopeId,
) -> Option<crate::finding::Fix> {
    match role {
        "Contributor" => role_fix(m, uai, CONTRIBUTOR_GUID, res),
        "Key Vault Administrator" => role_fix(m, uai, KV_ADMIN_GUID, res),
        _ => {
            let pr = m.principal(uai);
            let oid = pr
                .object_id
                .clone()
                .unwrap_or_else(|| "<principal id>".into());
            Some(crate::finding::Fix {
                role: "key vault access policy (get, list, set, delete on secrets, keys and certificates; no purge)".into(),
                scope: m.scope(res).id.to_string(),
                at: m.scope_ref(res),
                principal: pr.name.clone(),
                grants_also: "secret, key and certificate management in this vault".into(),
                command: format!("az keyvault set-policy --name {} --object-id {oid} --secret-permissions get list set delete --key-permissions get list create delete --certificate-permissions get list create delete", m.scope(res).name),
            })
        }
    }
}

fn apply_primary(m: &Model, g: &mut AccessGraph) {
    for ws in workspaces(m).collect::<Vec<_>>() {
        let Some(w) = m.workspace_attrs(ws) else {
            continue;
        };
        let ids: Vec<String> = w
            .identity
            .user
            .iter()
            .filter_map(|(p, _)| {
                m.principal(*p)
                    .resource
                    .map(|r| m.scope(r).id.norm().to_string())
            })
            .collect();
        let name = show(&m.scope(ws).name).into_owned();
        match &w.primary_uai {
            Some((p, src)) if !ids.iter().any(|i| i == p) => {
                let msg = format!("workspace {name}: primary_user_assigned_identity {} is not one of identity.user_assigned_identities", show(p));
                g.finding(Finding::new(
                    "WS-PRIMARY-UAI",
                    Severity::Error,
                    msg,
                    m.scope(ws).id.to_string(),
                    src.clone(),
                ));
            }
            None if ids.len() > 1 => {
                let msg = format!("workspace {name} has {} user-assigned identities but no primary_user_assigned_identity", ids.len());
                g.finding(Finding::new(
                    "WS-PRIMARY-UAI",
                    Severity::Error,
                    msg,
                    m.scope(ws).id.to_string(),
                    w.identity.source.clone(),
                ));
            }
            _ => {}
        }
    }
}

fn apply_cmk(m: &Model, g: &mut AccessGraph) {
    for ws in workspaces(m).collect::<Vec<_>>() {
        let Some(w) = m.workspace_attrs(ws) else {
            continue;
        };
        let Some((cmk, src)) = &w.cmk_uai else {
            continue;
        };
        let primary = w.primary_uai.as_ref().map(|(p, _)| p.as_str());
        let differs = if primary.is_some_and(|p| p == cmk) {
            "the same as the primary identity"
        } else {
            "not the primary identity"
        };
        let msg = format!("workspace {}: {} is the identity storage uses to reach the key vault for customer-managed-key encryption ({differs})", show(&m.scope(ws).name), show(cmk));
        g.finding(Finding::new(
            "WS-CMK-UAI",
            Severity::Info,
            msg,
            m.scope(ws).id.to_string(),
            src.clone(),
        ));
    }
}

fn apply_acr_admin(m: &Model, g: &mut AccessGraph) {
    for r in m.scopes_of_kind(ResKind::Registry).collect::<Vec<_>>() {
        let Attrs::Registry(reg) = &m.scope(r).attrs else {
            continue;
        };
        let Some((true, src)) = &reg.admin_enabled else {
            continue;
        };
        let name = m.scope(r).name.clone();
        for action in [ACR_PULL, ACR_PUSH] {
            g.derive(r, Derivation {
                pattern: action.into(),
                data_only: false,
                requires: vec![(r, ACR_CREDS.into())],
                rule: "WS-ACR-ADMIN",
                text: format!("{name} has its admin user enabled: its credentials push and pull without any role check"),
                source: src.clone(),
            });
        }
        let msg = format!("registry {} has its admin user enabled: anyone who can list its credentials can push and pull images, bypassing RBAC (az acr update -n {} --admin-enabled false)", show(&name), show(&name));
        g.finding(Finding::new(
            "WS-ACR-ADMIN",
            Severity::Warning,
            msg,
            m.scope(r).id.to_string(),
            src.clone(),
        ));
    }
}
