//! Datastore rules: identity-based access with the caller's token (DS-IDENTITY-BASED), cached
//! credentials anyone with secret access can use (DS-CREDENTIAL), kinds that support identity
//! access (DS-SUPPORTED-KINDS), cross-tenant storage (DS-NO-CROSS-TENANT). DS-COMPUTE-MI is the
//! data step on compute-identity paths (added with CMP-JOB-CODE-ID).

use super::{Rule, SEED_AUTH};
use crate::engine::action::*;
use crate::engine::graph::{AccessGraph, ActsAs, Derivation, Hint};
use crate::finding::{Finding, Severity};
use crate::load::raw::DatastoreCredential;
use crate::model::{Attrs, DatastoreAttrs, Model, ResKind, ScopeId};
use crate::text::show;

pub const RULES: &[Rule] = &[
    Rule { id: "DS-IDENTITY-BASED", summary: "An identity-based datastore stores no credentials: every access uses the caller's Entra token (needs Storage Blob Data Reader)", detail: "A datastore without stored credentials is identity-based: it keeps only account information, and every access uses the caller's Microsoft Entra token, so the caller needs at least Storage Blob Data Reader on the storage account.", seed: SEED_AUTH, lint: false, apply: apply_identity_based },
    Rule { id: "DS-CREDENTIAL", summary: "A datastore's cached credentials let anyone who can read them reach the storage with the credential's power", detail: "A datastore with credentials (account key, SAS token, service principal secret or certificate) caches them in the workspace key vault. Any workspace user who can read those secrets — Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action on the workspace, or secret read on the workspace key vault (KV-POLICY-SELFGRANT) — reaches the storage with the credential's full power, whatever their own storage roles. An account key or SAS reaches the data actions it allows; a service principal's secret reaches what that principal reaches. Reader's */read does not match an /action, so plain Readers do not get this path.", seed: SEED_AUTH, lint: true, apply: apply_credential },
    Rule { id: "DS-SUPPORTED-KINDS", summary: "Identity-based access works only for Azure Blob, ADLS Gen1 and ADLS Gen2", detail: "Identity-based data access is supported only for Azure Blob Storage, Azure Data Lake Storage Gen1 and Gen2. Other kinds (Azure Files, say) need credentials.", seed: SEED_AUTH, lint: true, apply: apply_kinds },
    Rule { id: "DS-NO-CROSS-TENANT", summary: "Storage in another tenant cannot be reached through a datastore", detail: "Cross-tenant access to storage accounts is not supported: a datastore whose storage lives in another tenant cannot be used.", seed: SEED_AUTH, lint: true, apply: apply_tenant },
    Rule { id: "DS-COMPUTE-MI", summary: "With identity-based access, training jobs read data as the compute's managed identity by default", detail: "With identity-based access, training jobs read data as the compute's managed identity by default; granting that identity Storage Blob Data Reader lets every job on the compute read the data without granting each data scientist. reach adds this step to the paths of job submitters that go through the compute's default identity (CMP-JOB-CODE-ID).", seed: SEED_AUTH, lint: false, apply: super::none },
];

fn datastores(m: &Model) -> Vec<(ScopeId, &DatastoreAttrs)> {
    m.scopes_of_kind(ResKind::Datastore)
        .filter_map(|d| match &m.scope(d).attrs {
            Attrs::Datastore(a) => Some((d, &**a)),
            _ => None,
        })
        .collect()
}

fn apply_identity_based(m: &Model, g: &mut AccessGraph) {
    for (d, a) in datastores(m) {
        let (DatastoreCredential::None, Some(st)) = (&a.credential, a.storage) else {
            continue;
        };
        let (dn, sn) = (m.scope(d).name.clone(), m.scope(st).name.clone());
        for action in [BLOB_READ, BLOB_WRITE] {
            g.derive(d, Derivation {
                pattern: action.into(),
                data_only: true,
                requires: vec![(st, action.into())],
                rule: "DS-IDENTITY-BASED",
                text: format!("datastore {dn} is identity-based: the caller's own Entra token is used on {sn}"),
                source: a.credential_source.clone(),
            });
        }
        g.hint(Hint { principal: None, scope: Some(d), pattern: Some("Microsoft.Storage/*".into()), rule: "DS-IDENTITY-BASED", text: format!("datastore {dn} is identity-based: the caller needs a data role such as Storage Blob Data Reader on {sn}"), fix: None });
    }
}

fn cred_word(c: &DatastoreCredential) -> &'static str {
    match c {
        DatastoreCredential::AccountKey => "an account key",
        DatastoreCredential::Sas => "a SAS token",
        DatastoreCredential::ServicePrincipal { .. } => "a service principal secret",
        DatastoreCredential::Certificate { .. } => "a service principal certificate",
        _ => "credentials",
    }
}

fn apply_credential(m: &Model, g: &mut AccessGraph) {
    for (d, a) in datastores(m) {
        if matches!(a.credential, DatastoreCredential::None) {
            continue;
        }
        if a.credential == DatastoreCredential::Unknown {
            // `az ml datastore show|list` prints `credentials: {}` whatever is stored: no guess
            let msg = format!("datastore {}: credential type unknown (az ml datastore show/list prints `credentials: {{}}` for every datastore), so reach shows no path through a cached credential; export it with `az rest --method get --url \"https://management.azure.com{}?api-version=2024-04-01\"` to know whether it holds an account key, SAS token or service principal secret", show(&m.scope(d).name), m.scope(d).id);
            credential_finding(m, g, d, a, msg);
            continue;
        }
        let Some(ws) = m.scope(d).workspace else {
            continue;
        };
        let kv = m
            .workspace_attrs(ws)
            .and_then(|w| w.key_vault.as_ref().map(|(k, _)| *k));
        let what = cred_word(&a.credential);
        let dn = m.scope(d).name.clone();
        let mut routes = vec![(ws, DS_SECRETS.to_string())];
        if let Some(kv) = kv {
            routes.push((kv, KV_GET_SECRET.to_string()));
        }
        let kvname = kv
            .map(|k| m.scope(k).name.clone())
            .unwrap_or_else(|| "the workspace key vault".into());
        let shared_key_off =
            |st: ScopeId| matches!(&m.scope(st).attrs, Attrs::Storage(x) if !x.allow_shared_key);
        match (&a.credential, a.storage) {
            (DatastoreCredential::AccountKey | DatastoreCredential::Sas, Some(st))
                if shared_key_off(st) =>
            {
                g.hint(Hint { principal: None, scope: Some(st), pattern: Some("Microsoft.Storage/*".into()), rule: "DS-CREDENTIAL", text: format!("datastore {dn} caches {what}, but {} disallows shared-key access, so it reaches nothing", m.scope(st).name), fix: None });
            }
            (DatastoreCredential::AccountKey | DatastoreCredential::Sas, Some(st)) => {
                let sn = m.scope(st).name.clone();
                for target in [st, d] {
                    for req in &routes {
                        g.derive(target, Derivation {
                            pattern: "Microsoft.Storage/storageAccounts/*".into(),
                            data_only: true,
                            requires: vec![req.clone()],
                            rule: "DS-CREDENTIAL",
                            text: format!("datastore {dn} caches {what} for {sn} in {kvname}; reading it gives that credential's data access"),
                            source: a.credential_source.clone(),
                        });
                    }
                }
            }
            (
                DatastoreCredential::ServicePrincipal {
                    client_id: Some(cid),
                    ..
                }
                | DatastoreCredential::Certificate {
                    client_id: Some(cid),
                    ..
                },
                _,
            ) => {
                if let Some(sp) = m.principals_by_key(cid).first().copied() {
                    for req in &routes {
                        g.acts_as(ActsAs::new(sp, vec![req.clone()], "DS-CREDENTIAL", format!("datastore {dn} caches {what} of {} in {kvname}; reading it lets one act as that service principal", m.principal(sp).name), a.credential_source.clone()));
                    }
                }
            }
            _ => {}
        }
        let msg = format!("datastore {} caches {what} in {}: any workspace user who can read datastore secrets (or secrets in the vault) reaches the storage with it, whatever their own roles; consider identity-based access", show(&dn), show(&kvname));
        credential_finding(m, g, d, a, msg);
    }
}

fn credential_finding(m: &Model, g: &mut AccessGraph, d: ScopeId, a: &DatastoreAttrs, msg: String) {
    g.finding(Finding::new(
        "DS-CREDENTIAL",
        Severity::Warning,
        msg,
        m.scope(d).id.to_string(),
        a.credential_source.clone(),
    ));
}

fn apply_kinds(m: &Model, g: &mut AccessGraph) {
    for (d, a) in datastores(m) {
        let supported = matches!(
            a.datastore_type.as_str(),
            "azure_blob" | "azure_data_lake_gen1" | "azure_data_lake_gen2"
        );
        if matches!(a.credential, DatastoreCredential::None)
            && !supported
            && !a.datastore_type.is_empty()
        {
            let msg = format!("datastore {} is {} without credentials, but identity-based access works only for Azure Blob, ADLS Gen1 and ADLS Gen2", show(&m.scope(d).name), a.datastore_type);
            g.finding(Finding::new(
                "DS-SUPPORTED-KINDS",
                Severity::Warning,
                msg,
                m.scope(d).id.to_string(),
                a.credential_source.clone(),
            ));
        }
    }
}

fn apply_tenant(m: &Model, g: &mut AccessGraph) {
    for (d, a) in datastores(m) {
        let Some(t) = a
            .tenant_id
            .as_deref()
            .filter(|t| !t.contains('<') && !t.to_ascii_uppercase().starts_with("XXXX"))
        else {
            continue;
        };
        let storage_tenant = a.storage.and_then(|s| match &m.scope(s).attrs {
            Attrs::Storage(st) => st.tenant_id.clone(),
            _ => None,
        });
        let Some(home) = storage_tenant.or_else(|| m.tenant.clone()) else {
            continue;
        };
        if !home.eq_ignore_ascii_case(t) {
            let msg = format!("datastore {} authenticates in tenant {t}, but the project's tenant is {home}: storage in another tenant cannot be reached through a datastore", show(&m.scope(d).name));
            g.finding(Finding::new(
                "DS-NO-CROSS-TENANT",
                Severity::Error,
                msg,
                m.scope(d).id.to_string(),
                a.credential_source.clone(),
            ));
        }
    }
}
