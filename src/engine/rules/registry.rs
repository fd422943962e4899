//! Container registry rules: admin user disabled (ACR-NO-ADMIN), private base images used as is
//! (ACR-PRIVATE-PULL) or built on (ACR-PRIVATE-BUILD), and registries in ABAC repository mode
//! where AcrPull/AcrPush are not honoured (ACR-ABAC-MODE, reach's own ID for a decision).

use super::{
    gap, holds, registry_of_image, role_fix, ws_registry, Gap, Rule, ACRPULL_GUID,
    MI_OPERATOR_GUID, SEED_AUTH,
};
use crate::engine::action::*;
use crate::engine::graph::{AccessGraph, Block, Hint};
use crate::finding::{Finding, Severity};
use crate::model::{Attrs, Model, PrincipalId, ResKind, ScopeId};
use crate::source::Source;
use crate::text::show;

pub const RULES: &[Rule] = &[
    Rule { id: "ACR-NO-ADMIN", summary: "With the admin user disabled, images are built and pulled with managed identities only", detail: "When a registry's admin user is disabled, Azure ML builds and pulls images with managed identities only: credentials give no access, and every pull needs AcrPull (or another role granting pull/read) for the identity that pulls.", seed: SEED_AUTH, lint: false, apply: apply_no_admin },
    Rule { id: "ACR-ABAC-MODE", summary: "A registry in ABAC repository-permission mode does not honour AcrPull/AcrPush", detail: "reach's own rule (a decision recorded in the Azure ML rules issue): a registry whose roleAssignmentMode is ABAC repository permissions does not honour AcrPull/AcrPush, so those roles give no pull or push path there, and the configuration is reported.", seed: "decision: Azure ML rules issue (roleAssignmentMode in az acr show)", lint: true, apply: apply_abac },
    Rule { id: "ACR-PRIVATE-PULL", summary: "Using a private registry's base image as is needs AcrPull for the compute's identity on that registry", detail: "To use a base image from a private registry as is, the identity that pulls it (the compute's managed identity for a job, the endpoint identity for a deployment) needs AcrPull on that registry.", seed: SEED_AUTH, lint: true, apply: apply_private_pull },
    Rule { id: "ACR-PRIVATE-BUILD", summary: "Building on a private registry's base image needs a UAI with AcrPull, Managed Identity Operator for the workspace identity, and a container_registry connection", detail: "To build a managed environment on a private registry's base image: a user-assigned identity with AcrPull on the private registry; the workspace identity holds Managed Identity Operator on that identity; and a workspace connection of type container_registry with credentials.type managed_identity, the identity's client_id and resource_id, targeting the registry. Each missing link is a finding that names it.", seed: SEED_AUTH, lint: true, apply: apply_private_build },
];

fn apply_no_admin(m: &Model, g: &mut AccessGraph) {
    for r in m.scopes_of_kind(ResKind::Registry) {
        let Attrs::Registry(reg) = &m.scope(r).attrs else {
            continue;
        };
        if let Some((false, _)) = reg.admin_enabled {
            g.hint(Hint {
                principal: None,
                scope: Some(r),
                pattern: Some("Microsoft.ContainerRegistry/registries/*".into()),
                rule: "ACR-NO-ADMIN",
                text: format!("{} has its admin user disabled: credentials give no access; pulls and pushes need a role such as AcrPull/AcrPush", m.scope(r).name), fix: None });
        }
    }
}

fn apply_abac(m: &Model, g: &mut AccessGraph) {
    let roles: Vec<_> = [
        "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "8311e382-0749-4cb8-b61a-304f252e45ec",
    ]
    .iter()
    .filter_map(|id| m.role_by_guid(id))
    .collect();
    for r in m.scopes_of_kind(ResKind::Registry).collect::<Vec<_>>() {
        let Attrs::Registry(reg) = &m.scope(r).attrs else {
            continue;
        };
        let Some(src) = &reg.abac_mode else { continue };
        let name = m.scope(r).name.clone();
        for role in &roles {
            g.block(r, Block { pattern: "Microsoft.ContainerRegistry/registries/*".into(), data_only: false, role: Some(*role), rule: "ACR-ABAC-MODE", text: format!("{name} uses ABAC repository permissions: AcrPull/AcrPush are not honoured there") });
        }
        let msg = format!("registry {} is in ABAC repository-permission mode: AcrPull/AcrPush assignments give no access; use the repository-scoped roles", show(&name));
        g.finding(Finding::new(
            "ACR-ABAC-MODE",
            Severity::Warning,
            msg,
            m.scope(r).id.to_string(),
            src.clone(),
        ));
    }
}

/// A private registry: known to the model, and not the workspace's own registry.
fn private_registry(m: &Model, ws: ScopeId, image: &str) -> Option<ScopeId> {
    let r = registry_of_image(m, image)?;
    (ws_registry(m, ws) != Some(r)).then_some(r)
}

/// The image a job pulls as is: an inline image, or the image of an environment that an
/// `azureml:NAME:VERSION` / `azureml:NAME@latest` reference names and that Azure ML does not
/// build on (a built environment's image lives in the workspace registry).
fn image_of(m: &Model, ws: ScopeId, reference: &str) -> Option<String> {
    let r = reference.trim();
    let Some(rest) = r.strip_prefix("azureml:") else {
        return Some(r.to_string());
    };
    let name = rest.split([':', '@']).next()?;
    m.environments
        .iter()
        .find(|e| e.workspace == ws && e.name.eq_ignore_ascii_case(name) && !e.built)
        .and_then(|e| e.image.clone())
}

fn compute_identity(m: &Model, ws: ScopeId, compute: &str) -> Option<(ScopeId, PrincipalId)> {
    let name = compute.trim().trim_start_matches("azureml:");
    let c = m.scope(ws).children.iter().copied().find(|c| {
        m.scope(*c).kind == ResKind::Compute && m.scope(*c).name.eq_ignore_ascii_case(name)
    })?;
    match &m.scope(c).attrs {
        Attrs::Compute(ca) => ca.identity.default_identity().map(|p| (c, p)),
        _ => None,
    }
}

fn apply_private_pull(m: &Model, g: &mut AccessGraph) {
    for job in &m.jobs {
        let Some(compute) = job.compute.as_deref().or_else(|| {
            job.steps
                .iter()
                .find_map(|s| s.compute.as_ref().map(|c| c.value.as_str()))
        }) else {
            continue;
        };
        let Some((c, ident)) = compute_identity(m, job.workspace, compute) else {
            continue;
        };
        for img in job
            .images
            .iter()
            .filter_map(|i| image_of(m, job.workspace, i))
        {
            let Some(r) = private_registry(m, job.workspace, &img) else {
                continue;
            };
            if !holds(m, g, ident, r, ACR_PULL) {
                missing_pull(m, g, ident, c, r, &job.source);
            }
        }
    }
    for d in m
        .scopes_of_kind(ResKind::OnlineDeployment)
        .collect::<Vec<_>>()
    {
        let Attrs::Deployment(dep) = &m.scope(d).attrs else {
            continue;
        };
        let (Some((img, src)), Some(ep), Some(ws)) =
            (&dep.image, dep.endpoint, m.scope(d).workspace)
        else {
            continue;
        };
        let Some(r) = private_registry(m, ws, img) else {
            continue;
        };
        let Attrs::Endpoint(e) = &m.scope(ep).attrs else {
            continue;
        };
        let Some(ident) = e.identity.default_identity() else {
            continue;
        };
        if !holds(m, g, ident, r, ACR_PULL) {
            missing_pull(m, g, ident, ep, r, src);
        }
    }
}

fn missing_pull(
    m: &Model,
    g: &mut AccessGraph,
    ident: PrincipalId,
    user: ScopeId,
    r: ScopeId,
    src: &Source,
) {
    let message = format!(
        "{} {} pulls images from private registry {} as {}, which lacks AcrPull there",
        m.scope(user).kind.word(),
        show(&m.scope(user).name),
        show(&m.scope(r).name),
        show(&m.principal(ident).name)
    );
    let fix = role_fix(m, ident, ACRPULL_GUID, r);
    gap(
        m,
        g,
        Gap {
            rule: "ACR-PRIVATE-PULL",
            severity: Severity::Warning,
            message,
            subject: r,
            source: src,
            who: Some(ident),
            at: r,
            pattern: Some(ACR_PULL),
            fix,
        },
    );
}

fn apply_private_build(m: &Model, g: &mut AccessGraph) {
    for env in m.environments.iter().filter(|e| e.built) {
        let Some(img) = env.image.as_deref() else {
            continue;
        };
        let Some(r) = private_registry(m, env.workspace, img) else {
            continue;
        };
        for (msg, who, fix) in build_gaps(m, g, env.workspace, r) {
            let message = format!(
                "environment {} builds on {}: {msg}",
                show(&env.name),
                show(img)
            );
            let at = who.map_or(r, |(_, s)| s);
            gap(
                m,
                g,
                Gap {
                    rule: "ACR-PRIVATE-BUILD",
                    severity: Severity::Error,
                    message,
                    subject: r,
                    source: &env.source,
                    who: who.map(|(p, _)| p),
                    at,
                    pattern: None,
                    fix,
                },
            );
        }
    }
}

type BuildGap = (
    String,
    Option<(PrincipalId, ScopeId)>,
    Option<crate::finding::Fix>,
);

/// The missing links of ACR-PRIVATE-BUILD for registry `r` in workspace `ws`.
fn build_gaps(m: &Model, g: &AccessGraph, ws: ScopeId, r: ScopeId) -> Vec<BuildGap> {
    let rname = m.scope(r).name.to_ascii_lowercase();
    let conn = m
        .scope(ws)
        .children
        .iter()
        .copied()
        .find(|c| match &m.scope(*c).attrs {
            Attrs::Connection(k) => {
                k.connection_type == "container_registry"
                    && k.target
                        .as_deref()
                        .is_some_and(|t| t.to_ascii_lowercase().contains(&rname))
            }
            _ => false,
        });
    let Some(conn) = conn else {
        let rn = &m.scope(r).name;
        let fix = crate::finding::Fix {
            role: "a container_registry connection".into(),
            scope: m.scope(ws).id.to_string(),
            at: m.scope_ref(ws),
            principal: format!("workspace {}", m.scope(ws).name),
            grants_also: "lets the workspace build on the registry with the identity".into(),
            command: format!("az ml connection create --file {rn}-connection.yml   # name: {rn}-connection / type: container_registry / target: {rn}.azurecr.io / credentials: {{type: managed_identity, client_id: <UAI client id>, resource_id: <UAI resource id>}}"),
        };
        return vec![(
            format!("no workspace connection of type container_registry targets {rn}"),
            None,
            Some(fix),
        )];
    };
    let Attrs::Connection(k) = &m.scope(conn).attrs else {
        return Vec::new();
    };
    if k.credential_type != "managed_identity" {
        return vec![(
            format!(
                "connection {} uses credentials.type {}, not managed_identity",
                m.scope(conn).name,
                k.credential_type
            ),
            None,
            None,
        )];
    }
    let uai = k
        .resource_id
        .as_deref()
        .and_then(|id| m.principals_by_key(id).first().copied())
        .or_else(|| {
            k.client_id
                .as_deref()
                .and_then(|id| m.principals_by_key(id).first().copied())
        });
    let Some(uai) = uai else {
        return vec![(
            format!(
                "connection {} names identity {}, which is not in the exports",
                m.scope(conn).name,
                k.resource_id.clone().unwrap_or_default()
            ),
            None,
            None,
        )];
    };
    let mut gaps = Vec::new();
    if !holds(m, g, uai, r, ACR_PULL) {
        gaps.push((
            format!(
                "identity {} lacks AcrPull on {}",
                m.principal(uai).name,
                m.scope(r).name
            ),
            Some((uai, r)),
            role_fix(m, uai, ACRPULL_GUID, r),
        ));
    }
    if let (Some(w), Some(res)) = (m.workspace_attrs(ws), m.principal(uai).resource) {
        let ws_ident = w
            .identity
            .system
            .or_else(|| w.identity.user.first().map(|(p, _)| *p));
        match ws_ident {
            Some(wi) if !holds(m, g, wi, res, UAI_ASSIGN) => gaps.push((
                format!(
                    "the workspace identity {} lacks Managed Identity Operator on {}",
                    m.principal(wi).name,
                    m.principal(uai).name
                ),
                Some((wi, res)),
                role_fix(m, wi, MI_OPERATOR_GUID, res),
            )),
            _ => {}
        }
    }
    gaps
}
