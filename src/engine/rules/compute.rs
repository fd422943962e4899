//! Compute rules: identity kinds (CMP-IDENTITY-KIND), the default identity (CMP-DEFAULT-ID), job
//! code acting as any attached identity (CMP-JOB-CODE-ID, with DS-COMPUTE-MI on data paths), the
//! Entra name of a compute's identity (CMP-SAI-NAME, matched in the model), the automatic AcrPull
//! (CMP-SAI-ACRPULL) and AKS (CMP-AKS-ACRPULL).

use super::{gap, holds, role_fix, ws_registry, Gap, Rule, ACRPULL_GUID, SEED_AUTH};
use crate::engine::action::*;
use crate::engine::graph::{AccessGraph, ActsAs, Grant, GrantKind};
use crate::finding::{Finding, Severity};
use crate::model::{Attrs, ComputeAttrs, Model, ResKind, ScopeId};
use crate::source::Source;
use crate::text::show;

pub const RULES: &[Rule] = &[
    Rule { id: "CMP-IDENTITY-KIND", summary: "A compute cluster has either one system-assigned identity or user-assigned identities, never both", detail: "An Azure ML compute cluster supports either one system-assigned identity or one or more user-assigned identities, not both at once.", seed: SEED_AUTH, lint: true, apply: apply_kind },
    Rule { id: "CMP-DEFAULT-ID", summary: "A compute's default identity is its system-assigned identity, else its first user-assigned one", detail: "The default managed identity of a compute is its system-assigned identity, or else its first user-assigned identity. The platform uses the default identity to mount storage, pull from the registry and reach datastores; DEFAULT_IDENTITY_CLIENT_ID holds its client ID.", seed: SEED_AUTH, lint: false, apply: apply_default },
    Rule { id: "CMP-JOB-CODE-ID", summary: "Code in a job can use any identity attached to the compute, so job submitters reach what those identities reach", detail: "Code in a job can use any identity attached to the compute by that identity's client ID (DEFAULT_IDENTITY_CLIENT_ID holds the default UAI's). So any principal that can run a job on the compute (Microsoft.MachineLearningServices/workspaces/jobs/write on the workspace) reaches what every attached identity reaches.", seed: SEED_AUTH, lint: false, apply: apply_job_code },
    Rule { id: "CMP-SAI-NAME", summary: "A compute's system-assigned identity shows in Entra ID as /<workspace>/computes/<compute>", detail: "A compute's system-assigned identity shows up in Entra ID with the name /<workspace-name>/computes/<compute-name>; reach matches exported service principals by that name (or by the owner ID in alternativeNames) and shows the identity as compute:<name>.", seed: SEED_AUTH, lint: false, apply: super::none },
    Rule { id: "CMP-SAI-ACRPULL", summary: "A compute with a system-assigned identity gets AcrPull on the workspace registry automatically (not Kubernetes; not if created before the registry)", detail: "A compute cluster or instance created with a system-assigned identity is granted AcrPull on the workspace registry automatically. If the compute was created before the workspace registry existed, AcrPull must be assigned by hand; without it image pulls fail. Kubernetes (attached) compute gets no automatic AcrPull: it must be assigned by hand (finding when missing and the compute pulls from the workspace registry).", seed: SEED_AUTH, lint: true, apply: apply_acrpull },
    Rule { id: "CMP-AKS-ACRPULL", summary: "AKS created or attached gets AcrPull for its service principal; a bring-your-own AKS must use a service principal, not a managed identity", detail: "When AKS is created or attached, its cluster service principal is granted AcrPull on the workspace registry. A bring-your-own AKS cluster must use a service principal, not a managed identity.", seed: SEED_AUTH, lint: true, apply: apply_aks },
];

fn computes(m: &Model) -> Vec<(ScopeId, &ComputeAttrs)> {
    m.scopes_of_kind(ResKind::Compute)
        .filter_map(|c| match &m.scope(c).attrs {
            Attrs::Compute(a) => Some((c, &**a)),
            _ => None,
        })
        .collect()
}

fn apply_kind(m: &Model, g: &mut AccessGraph) {
    for (c, a) in computes(m) {
        if a.compute_type == "amlcompute"
            && a.identity.system.is_some()
            && !a.identity.user.is_empty()
        {
            let msg = format!("compute cluster {} sets both a system-assigned and user-assigned identities ({}); a cluster supports one or the other", show(&m.scope(c).name), a.identity.kind);
            g.finding(Finding::new(
                "CMP-IDENTITY-KIND",
                Severity::Error,
                msg,
                m.scope(c).id.to_string(),
                a.identity.source.clone(),
            ));
        }
    }
}

fn apply_default(m: &Model, g: &mut AccessGraph) {
    for (c, a) in computes(m) {
        if a.identity.system.is_none() {
            if let Some((p, src)) = a.identity.user.first() {
                let msg = format!("compute {}: its default identity is its first user-assigned identity {} (DEFAULT_IDENTITY_CLIENT_ID); the platform mounts storage and pulls images with it", show(&m.scope(c).name), show(&m.principal(*p).name));
                g.finding(Finding::new(
                    "CMP-DEFAULT-ID",
                    Severity::Info,
                    msg,
                    m.scope(c).id.to_string(),
                    src.clone(),
                ));
            }
        }
    }
}

fn apply_job_code(m: &Model, g: &mut AccessGraph) {
    for (c, a) in computes(m) {
        let Some(ws) = m.scope(c).workspace else {
            continue;
        };
        let default = a.identity.default_identity();
        for ident in a.identity.all() {
            let cname = m.scope(c).name.clone();
            let mut edge = ActsAs::new(
                ident,
                vec![(ws, JOB_WRITE.into())],
                "CMP-JOB-CODE-ID",
                format!(
                    "can run jobs on compute {cname}, whose code can use its identity {}",
                    m.principal(ident).name
                ),
                a.identity.source.clone(),
            );
            if Some(ident) == default {
                edge.data_note = Some((
                    "DS-COMPUTE-MI",
                    format!(
                        "jobs on {cname} read identity-based datastores as its default identity {}",
                        m.principal(ident).name
                    ),
                ));
            }
            g.acts_as(edge);
        }
    }
}

fn apply_acrpull(m: &Model, g: &mut AccessGraph) {
    let acrpull = m.role_by_guid(ACRPULL_GUID);
    for (c, a) in computes(m) {
        let Some(reg) = m.scope(c).workspace.and_then(|ws| ws_registry(m, ws)) else {
            continue;
        };
        let name = show(&m.scope(c).name).into_owned();
        let rname = show(&m.scope(reg).name).into_owned();
        match (a.compute_type.as_str(), a.identity.system) {
            ("kubernetes", ident) => {
                let ident = ident.or_else(|| a.identity.user.first().map(|(p, _)| *p));
                let lacks = ident.is_none_or(|p| !holds(m, g, p, reg, ACR_PULL));
                if a.pulls_from_workspace_registry && lacks {
                    let message = format!("Kubernetes compute {name} pulls from workspace registry {rname} but gets no automatic AcrPull; none is assigned");
                    missing_acrpull(m, g, c, a, reg, ident, message);
                }
            }
            (_, Some(sai)) if a.created_before_registry && !holds(m, g, sai, reg, ACR_PULL) => {
                let message = format!("compute {name} was created before workspace registry {rname}: AcrPull was not granted automatically and is not assigned, so image pulls fail");
                missing_acrpull(m, g, c, a, reg, Some(sai), message);
            }
            (_, Some(_)) if a.created_before_registry => {}
            (_, Some(sai)) => {
                if let Some(role) = acrpull {
                    g.grant(Grant {
                        principal: sai,
                        what: GrantKind::Role(role),
                        scope: reg,
                        rule: "CMP-SAI-ACRPULL",
                        text: format!(
                            "{} got AcrPull on {} automatically (system-assigned compute identity)",
                            m.principal(sai).name,
                            m.scope(reg).name
                        ),
                        source: Source::Rule,
                    });
                }
            }
            _ => {}
        }
    }
}

/// A compute whose identity lacks AcrPull on the workspace registry: finding, why_not hint and
/// the AcrPull assignment that fixes it.
fn missing_acrpull(
    m: &Model,
    g: &mut AccessGraph,
    c: ScopeId,
    a: &ComputeAttrs,
    reg: ScopeId,
    who: Option<crate::model::PrincipalId>,
    message: String,
) {
    let fix = who.and_then(|p| role_fix(m, p, ACRPULL_GUID, reg));
    let gp = Gap {
        rule: "CMP-SAI-ACRPULL",
        severity: Severity::Warning,
        message,
        subject: c,
        source: &a.source,
        who,
        at: reg,
        pattern: Some(ACR_PULL),
        fix,
    };
    gap(m, g, gp);
}

fn apply_aks(m: &Model, g: &mut AccessGraph) {
    for (c, a) in computes(m) {
        if a.compute_type != "kubernetes" || a.identity.all().is_empty() {
            continue;
        }
        let msg = format!("Kubernetes compute {} is set up with a managed identity ({}); a bring-your-own AKS cluster must use a service principal, which is what gets AcrPull on the workspace registry", show(&m.scope(c).name), a.identity.kind);
        g.finding(Finding::new(
            "CMP-AKS-ACRPULL",
            Severity::Warning,
            msg,
            m.scope(c).id.to_string(),
            a.identity.source.clone(),
        ));
    }
}
