//! Online endpoint identity rules: who can act as it (EP-ID), what a system-assigned identity gets
//! automatically (EP-SAI-AUTO, EP-SAI-SECRETS), creations the enforce flag rejects
//! (EP-ENFORCE-REJECT), what a user-assigned identity lacks (EP-UAI-NO-AUTO) and secret references
//! resolved with the endpoint identity (EP-SECRET-INJECTION).

use super::{default_storage, gap, holds, role_fix, ws_registry, Gap, Rule, SEED_ENDPOINTS};
use crate::engine::action::*;
use crate::engine::graph::{AccessGraph, ActsAs, Grant, GrantKind, Hint};
use crate::finding::{Finding, Severity};
use crate::model::{Attrs, EndpointAttrs, Model, PrincipalId, ResKind, ScopeId};
use crate::source::Source;
use crate::text::show;

pub const RULES: &[Rule] = &[
    Rule { id: "EP-ID", summary: "The endpoint identity runs the user container: whoever can deploy to the endpoint acts as it", detail: "An online deployment runs the user container as the endpoint identity: system-assigned (created with the endpoint) or user-assigned (created first, then attached). Whoever can create or update deployments under the endpoint (onlineEndpoints/write) runs code as that identity and reaches what it reaches.", seed: SEED_ENDPOINTS, lint: false, apply: apply_id },
    Rule { id: "EP-SAI-AUTO", summary: "A system-assigned endpoint identity automatically gets AcrPull, Storage Blob Data Reader and AzureML Metrics Writer", detail: "A system-assigned endpoint identity is automatically granted AcrPull on the workspace registry, Storage Blob Data Reader on the workspace default datastore's storage, and AzureML Metrics Writer (preview) on the workspace.", seed: SEED_ENDPOINTS, lint: false, apply: apply_auto },
    Rule { id: "EP-SAI-SECRETS", summary: "A system-assigned endpoint identity gets Connection Secrets Reader only with the enforce flag and a creator who can read connection secrets", detail: "The endpoint identity is also granted 'Azure Machine Learning Workspace Connection Secrets Reader' on the workspace only when all hold: (1) the identity is system-assigned; (2) the endpoint was created with enforce_access_to_default_secret_stores enabled; (3) the user identity that created it can read workspace connection secrets.", seed: SEED_ENDPOINTS, lint: false, apply: apply_secrets },
    Rule { id: "EP-ENFORCE-REJECT", summary: "With a system-assigned identity and the enforce flag, creation is rejected when the creator cannot read connection secrets", detail: "With a system-assigned identity and enforce_access_to_default_secret_stores enabled, creating the endpoint, or a deployment under it, is rejected when the creating user cannot read workspace connection secrets.", seed: SEED_ENDPOINTS, lint: true, apply: apply_reject },
    Rule { id: "EP-UAI-NO-AUTO", summary: "A user-assigned endpoint identity gets no automatic role: AcrPull, Storage Blob Data Reader… must be assigned", detail: "A user-assigned endpoint identity gets no automatic role assignments: every role it needs (AcrPull on the workspace registry, Storage Blob Data Reader on the default storage, …) must be assigned by hand; missing ones are findings.", seed: SEED_ENDPOINTS, lint: true, apply: apply_uai },
    Rule { id: "EP-SECRET-INJECTION", summary: "Deployment environment variables that reference connection secrets are resolved with the endpoint identity", detail: "Deployment environment variables that reference connection secrets (${{azureml://connections/…}}) or key vault secrets (${{keyvault:…}}) are resolved with the endpoint identity, whether its secret-read role came automatically (EP-SAI-SECRETS) or by hand.", seed: SEED_ENDPOINTS, lint: false, apply: apply_injection },
];

fn endpoints(m: &Model) -> Vec<(ScopeId, &EndpointAttrs)> {
    m.scopes_of_kind(ResKind::OnlineEndpoint)
        .filter_map(|s| match &m.scope(s).attrs {
            Attrs::Endpoint(e) => Some((s, &**e)),
            _ => None,
        })
        .collect()
}

fn apply_id(m: &Model, g: &mut AccessGraph) {
    for (s, e) in endpoints(m) {
        for ident in e.identity.all() {
            g.acts_as(ActsAs::new(
                ident,
                vec![(s, EP_WRITE.into())],
                "EP-ID",
                format!(
                    "can deploy to {}, whose container runs as {}",
                    m.scope(s).name,
                    m.principal(ident).name
                ),
                e.identity.source.clone(),
            ));
        }
    }
}

fn role_grant(
    m: &Model,
    g: &mut AccessGraph,
    p: PrincipalId,
    guid: &str,
    scope: ScopeId,
    rule: &'static str,
    why: &str,
) {
    let Some(role) = m.role_by_guid(guid) else {
        return;
    };
    g.grant(Grant {
        principal: p,
        what: GrantKind::Role(role),
        scope,
        rule,
        text: format!(
            "{} got {} on {} automatically ({why})",
            m.principal(p).name,
            m.role(role).name,
            m.scope_label(scope)
        ),
        source: Source::Rule,
    });
}

const ACRPULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
const BLOB_READER: &str = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
const METRICS_WRITER: &str = "635dd51f-9968-44d3-b7fb-6d9a6bd613ae";
const SECRETS_READER: &str = "ea01e6af-a1c1-4350-9563-ad00f8c72ec5";

fn apply_auto(m: &Model, g: &mut AccessGraph) {
    for (s, e) in endpoints(m) {
        let (Some(sai), Some(ws), false) = (e.identity.system, m.scope(s).workspace, e.kubernetes)
        else {
            continue;
        };
        let why = "system-assigned endpoint identity";
        if let Some(r) = ws_registry(m, ws) {
            role_grant(m, g, sai, ACRPULL, r, "EP-SAI-AUTO", why);
        }
        if let Some(st) = default_storage(m, ws) {
            role_grant(m, g, sai, BLOB_READER, st, "EP-SAI-AUTO", why);
        }
        role_grant(m, g, sai, METRICS_WRITER, ws, "EP-SAI-AUTO", why);
    }
}

/// The three conditions of EP-SAI-SECRETS; None when all hold, else the one that fails.
fn secrets_condition(
    m: &Model,
    g: &AccessGraph,
    s: ScopeId,
    e: &EndpointAttrs,
    ws: ScopeId,
) -> Option<String> {
    let ep = m.scope(s).name.clone();
    if e.identity.system.is_none() {
        return Some(format!(
            "{ep}'s identity is user-assigned (condition 1: system-assigned)"
        ));
    }
    if !e.enforce_secret_stores.as_ref().is_some_and(|(on, _)| *on) {
        return Some(format!("{ep} was not created with enforce_access_to_default_secret_stores enabled (condition 2)"));
    }
    let Some((creator, _)) = e.created_by.clone() else {
        return Some(format!(
            "the creator of {ep} is not known (condition 3: add a reach.yaml fact created_by)"
        ));
    };
    if !holds(m, g, creator, ws, CONN_SECRETS) {
        return Some(format!(
            "{}, who created {ep}, cannot read workspace connection secrets (condition 3)",
            m.principal(creator).name
        ));
    }
    None
}

fn apply_secrets(m: &Model, g: &mut AccessGraph) {
    for (s, e) in endpoints(m) {
        let Some(ws) = m.scope(s).workspace else {
            continue;
        };
        match (secrets_condition(m, g, s, e, ws), e.identity.system) {
            (None, Some(sai)) => {
                let who = e
                    .created_by
                    .as_ref()
                    .map(|(p, _)| m.principal(*p).name.clone())
                    .unwrap_or_default();
                role_grant(m, g, sai, SECRETS_READER, ws, "EP-SAI-SECRETS", &format!("system-assigned, enforce flag set, creator {who} can read connection secrets"));
            }
            (Some(why), _) => {
                for ident in e.identity.all() {
                    g.hint(Hint {
                        principal: Some(ident),
                        scope: Some(ws),
                        pattern: Some(CONN_SECRETS.into()),
                        rule: "EP-SAI-SECRETS",
                        text: format!(
                            "no automatic Connection Secrets Reader for {}: {why}",
                            m.principal(ident).name
                        ),
                        fix: None,
                    });
                }
            }
            _ => {}
        }
    }
}

fn apply_reject(m: &Model, g: &mut AccessGraph) {
    for (s, e) in endpoints(m) {
        let (Some(_), Some((true, flag_src)), Some(ws)) = (
            e.identity.system,
            &e.enforce_secret_stores,
            m.scope(s).workspace,
        ) else {
            continue;
        };
        let ep = show(&m.scope(s).name).into_owned();
        match e.created_by.clone() {
            Some((creator, _)) if !holds(m, g, creator, ws, CONN_SECRETS) => {
                let msg = format!("endpoint {ep} has a system-assigned identity and enforce_access_to_default_secret_stores, but its creator {} cannot read workspace connection secrets: creating it or a deployment under it is rejected", show(&m.principal(creator).name));
                g.finding(Finding::new(
                    "EP-ENFORCE-REJECT",
                    Severity::Error,
                    msg,
                    m.scope(s).id.to_string(),
                    flag_src.clone(),
                ));
            }
            None => {
                let msg = format!("endpoint {ep} enforces access to default secret stores; its creator is not known, so reach cannot tell whether creation is rejected (add a reach.yaml fact created_by)");
                g.finding(Finding::new(
                    "EP-ENFORCE-REJECT",
                    Severity::Info,
                    msg,
                    m.scope(s).id.to_string(),
                    flag_src.clone(),
                ));
            }
            _ => {}
        }
    }
}

fn apply_uai(m: &Model, g: &mut AccessGraph) {
    for (s, e) in endpoints(m) {
        let (true, Some(ws), false) = (
            e.identity.system.is_none(),
            m.scope(s).workspace,
            e.kubernetes,
        ) else {
            continue;
        };
        let ep = show(&m.scope(s).name).into_owned();
        if let Some((true, src)) = &e.enforce_secret_stores {
            let msg = format!("endpoint {ep} sets enforce_access_to_default_secret_stores with a user-assigned identity, which Azure ML does not allow");
            g.finding(Finding::new(
                "EP-UAI-NO-AUTO",
                Severity::Warning,
                msg,
                m.scope(s).id.to_string(),
                src.clone(),
            ));
        }
        for (uai, src) in &e.identity.user {
            let mut needs = Vec::new();
            if let Some(r) = ws_registry(m, ws) {
                needs.push((r, ACR_PULL, "AcrPull", ACRPULL));
            }
            if let Some(st) = default_storage(m, ws) {
                needs.push((st, BLOB_READ, "Storage Blob Data Reader", BLOB_READER));
            }
            for (res, action, role, guid) in needs {
                if holds(m, g, *uai, res, action) {
                    continue;
                }
                let message = format!("endpoint {ep} runs as user-assigned identity {}, which gets no automatic roles and lacks {role} on {} {}", show(&m.principal(*uai).name), m.scope(res).kind.word(), show(&m.scope(res).name));
                let fix = role_fix(m, *uai, guid, res);
                gap(
                    m,
                    g,
                    Gap {
                        rule: "EP-UAI-NO-AUTO",
                        severity: Severity::Warning,
                        message,
                        subject: res,
                        source: src,
                        who: Some(*uai),
                        at: res,
                        pattern: Some(action),
                        fix,
                    },
                );
            }
        }
    }
}

fn apply_injection(m: &Model, g: &mut AccessGraph) {
    for d in m
        .scopes_of_kind(ResKind::OnlineDeployment)
        .collect::<Vec<_>>()
    {
        let Attrs::Deployment(dep) = &m.scope(d).attrs else {
            continue;
        };
        let (Some(ep), Some(ws)) = (dep.endpoint, m.scope(d).workspace) else {
            continue;
        };
        let Attrs::Endpoint(e) = &m.scope(ep).attrs else {
            continue;
        };
        for (var, value, src) in &dep.secret_refs {
            let needs_conn = value.contains("azureml://connections/");
            let ok = e.identity.all().iter().any(|i| {
                if needs_conn {
                    holds(m, g, *i, ws, CONN_SECRETS)
                } else {
                    true
                }
            });
            if ok {
                continue;
            }
            let ident = e
                .identity
                .all()
                .first()
                .map(|p| m.principal(*p).name.clone())
                .unwrap_or_else(|| "(no identity)".into());
            let msg = format!("deployment {} resolves {var} from a connection secret with the endpoint identity {}, which cannot read workspace connection secrets", show(&m.scope_label(d)), show(&ident));
            g.finding(Finding::new(
                "EP-SECRET-INJECTION",
                Severity::Warning,
                msg,
                m.scope(d).id.to_string(),
                src.clone(),
            ));
        }
    }
}
