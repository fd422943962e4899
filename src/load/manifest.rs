//! `reach.yaml`: any YAML document whose top level has a `reach:` key. Defaults (subscription,
//! resource group, workspace, tenant), extra workspaces, principals, role assignments written by
//! name, and facts no export carries. References stay as written; the model resolves them.

use super::aml_fields::loc;
use super::raw::{
    Manifest, ManifestWorkspace, MemberRef, PrincipalKind, RawAssignment, RawFact, RawPrincipal,
};
use super::yaml::{Node, Y};
use super::Out;
use crate::finding::{Finding, Severity};
use crate::source::Source;
use crate::text;
use std::sync::Arc;

pub fn is_manifest(y: &Y) -> bool {
    y.has("reach")
}

fn s(y: &Y, k: &str) -> Option<String> {
    loc(y, k).map(|l| l.value)
}

pub fn read(y: &Y, file: &Arc<str>, out: &mut Out) {
    let src = |line: u32| Source::line(file, line.max(1));
    let ws: Vec<_> = list(y, "workspaces", file, out).collect();
    let workspaces = ws
        .into_iter()
        .filter_map(|(e, line)| workspace(e, line, file, out))
        .collect();
    out.manifests.push(Manifest {
        source: src(y.key_line("reach")),
        subscription: s(y, "subscription"),
        resource_group: s(y, "resource_group"),
        workspace: s(y, "workspace"),
        tenant: s(y, "tenant"),
        workspaces,
    });
    let principals: Vec<_> = list(y, "principals", file, out).collect();
    for (e, line) in principals {
        if let Some(p) = principal(e, line, file, out) {
            out.principals.push(p);
        }
    }
    let assignments: Vec<_> = list(y, "role_assignments", file, out).collect();
    for (e, line) in assignments {
        if let Some(a) = assignment(e, line, file, out) {
            out.assignments.push(a);
        }
    }
    let facts: Vec<_> = list(y, "facts", file, out).collect();
    for (e, line) in facts {
        if let Some(f) = fact(e, line, file, out) {
            out.facts.push(f);
        }
    }
}

/// The mapping entries of a list key; a wrong shape is one error finding.
fn list<'a>(
    y: &'a Y,
    key: &str,
    file: &Arc<str>,
    out: &mut Out,
) -> impl Iterator<Item = (&'a Y, u32)> {
    let items: &[Y] = match y.get(key) {
        None => &[],
        Some(v) if v.is_null() => &[],
        Some(v) => match v.as_seq() {
            Some(items) => items,
            None => {
                let msg = format!(
                    "reach.yaml `{key}`: expected a list, found {}",
                    v.describe()
                );
                out.findings.push(Finding::load(
                    Severity::Error,
                    msg,
                    Source::line(file, y.key_line(key).max(1)),
                ));
                &[]
            }
        },
    };
    let mut good = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.as_map().is_some() {
            good.push((item, item.line));
        } else {
            let msg = format!(
                "reach.yaml `{key}`: expected a mapping at entry {i}, found {}",
                item.describe()
            );
            out.findings.push(Finding::load(
                Severity::Error,
                msg,
                Source::line(file, item.line.max(1)),
            ));
        }
    }
    good.into_iter()
}

fn missing(what: &str, key: &str, line: u32, file: &Arc<str>, out: &mut Out) {
    let msg = format!("reach.yaml {what}: expected a `{key}` value, found none");
    out.findings.push(Finding::load(
        Severity::Error,
        msg,
        Source::line(file, line.max(1)),
    ));
}

fn workspace(e: &Y, line: u32, file: &Arc<str>, out: &mut Out) -> Option<ManifestWorkspace> {
    let Some(name) = s(e, "name") else {
        missing("workspace", "name", line, file, out);
        return None;
    };
    Some(ManifestWorkspace {
        name,
        resource_group: s(e, "resource_group"),
        subscription: s(e, "subscription"),
        source: Source::line(file, line.max(1)),
    })
}

fn principal_kind(t: &str) -> Option<PrincipalKind> {
    match t.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
        "user" => Some(PrincipalKind::User),
        "group" => Some(PrincipalKind::Group),
        "service_principal" | "serviceprincipal" | "sp" | "app" | "application" => {
            Some(PrincipalKind::ServicePrincipal)
        }
        "managed_identity" | "managedidentity" | "identity" | "uai" | "user_assigned_identity" => {
            Some(PrincipalKind::ManagedIdentity)
        }
        _ => None,
    }
}

fn principal(e: &Y, line: u32, file: &Arc<str>, out: &mut Out) -> Option<RawPrincipal> {
    let src = Source::line(file, line.max(1));
    let t = s(e, "type").unwrap_or_default();
    let Some(kind) = principal_kind(&t) else {
        let msg = format!(
            "reach.yaml principal: expected `type` user, group, service_principal or managed_identity, found {}",
            if t.is_empty() { "none".to_string() } else { format!("`{}`", text::show(&t)) }
        );
        out.findings.push(Finding::load(Severity::Error, msg, src));
        return None;
    };
    let name = s(e, "name");
    let members = match e.get("members").map(|m| &m.node) {
        Some(Node::Seq(items)) => items
            .iter()
            .filter_map(|m| {
                m.text().map(|r| MemberRef {
                    reference: r,
                    kind: None,
                    source: Source::line(file, m.line.max(1)),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let upn = name
        .clone()
        .filter(|n| kind == PrincipalKind::User && n.contains('@'));
    Some(RawPrincipal {
        kind,
        object_id: s(e, "id")
            .or_else(|| s(e, "object_id"))
            .or_else(|| s(e, "principal_id")),
        display_name: name,
        upn,
        client_id: s(e, "client_id"),
        resource_id: s(e, "resource_id"),
        system_assigned: false,
        members_exported: kind == PrincipalKind::Group && e.has("members"),
        members,
        source: src,
    })
}

fn assignment(e: &Y, line: u32, file: &Arc<str>, out: &mut Out) -> Option<RawAssignment> {
    let principal = s(e, "principal").or_else(|| s(e, "principal_id"));
    let role = s(e, "role").or_else(|| s(e, "role_name"));
    let scope = s(e, "scope");
    let (Some(principal_id), Some(scope)) = (principal, scope) else {
        missing(
            "role assignment",
            if e.has("principal") || e.has("principal_id") {
                "scope"
            } else {
                "principal"
            },
            line,
            file,
            out,
        );
        return None;
    };
    if role.is_none() && !e.has("role_definition_id") {
        missing("role assignment", "role", line, file, out);
        return None;
    }
    Some(RawAssignment {
        id: None,
        principal_id,
        principal_name: None,
        principal_type: s(e, "principal_type"),
        role_definition_id: s(e, "role_definition_id"),
        role_name: role,
        scope,
        condition: s(e, "condition"),
        source: Source::line(file, line.max(1)),
        pim: None,
    })
}

fn fact(e: &Y, line: u32, file: &Arc<str>, out: &mut Out) -> Option<RawFact> {
    let Some(resource) = s(e, "resource") else {
        missing("fact", "resource", line, file, out);
        return None;
    };
    let settings = e
        .as_map()
        .unwrap_or_default()
        .iter()
        .filter(|(k, _)| k.text != "resource")
        .map(|(k, v)| {
            let value = match v.as_str() {
                Some(t) if text::is_secret_key(&k.text) && !t.is_empty() => {
                    text::REDACTED.to_string()
                }
                Some(t) => text::redact(t).into_owned(),
                None => String::new(),
            };
            (k.text.clone(), value)
        })
        .collect();
    Some(RawFact {
        resource,
        settings,
        source: Source::line(file, line.max(1)),
    })
}
