//! The plan's last stage: what the role assignments, PIM instances and deny assignments name
//! (role definitions to read, principals to look up with `getByIds`) and the members of each
//! group found, read group by group so nesting keeps its steps.

use super::plan::{
    entries, rest_get, safe, subscription_of, text, Fetch, Input, Role, ARM, AUTH_API,
    GET_BY_IDS_BATCH, GRAPH, MEMBER_SELECT,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// GUID at the end of a role definition ID, lower case.
fn role_guid(id: &str) -> String {
    id.rsplit('/').next().unwrap_or(id).to_ascii_lowercase()
}

/// Role definition IDs and principal IDs named by assignments (CLI shape, or REST
/// `properties`), PIM instances and deny assignments.
pub fn references(docs: &[(&Role, &Value)]) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let mut roles: BTreeMap<String, String> = BTreeMap::new();
    let mut principals = BTreeSet::new();
    let everyone = "00000000-0000-0000-0000-000000000000";
    for (role, doc) in docs {
        for e in entries(doc) {
            let p = e.get("properties").unwrap_or(e);
            match role {
                Role::RoleAssignments | Role::PimEligible | Role::PimActive => {
                    let rd = text(e, "roleDefinitionId").or_else(|| text(p, "roleDefinitionId"));
                    // one read per role: the smallest of the IDs naming it (any order of
                    // the files plans the same command)
                    if let Some(rd) = rd.filter(|s| s.starts_with('/')) {
                        let e = roles.entry(role_guid(rd)).or_insert_with(|| rd.to_string());
                        if rd < e.as_str() {
                            *e = rd.to_string();
                        }
                    }
                    if let Some(pid) = text(e, "principalId").or_else(|| text(p, "principalId")) {
                        principals.insert(pid.to_ascii_lowercase());
                    }
                }
                Role::DenyAssignments => {
                    for key in ["principals", "excludePrincipals"] {
                        if let Some(Value::Array(a)) = p.get(key) {
                            principals.extend(
                                a.iter()
                                    .filter_map(|x| text(x, "id"))
                                    .filter(|id| *id != everyone)
                                    .map(str::to_ascii_lowercase),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
    (roles, principals)
}

pub fn role_definition(id: &str) -> Input {
    let guid = role_guid(id);
    Input {
        file: format!("azure/role-definitions/{}.json", safe(&guid)),
        role: Role::RoleDefinition,
        what: format!("role definition {guid}"),
        scope: subscription_of(id)
            .map(|s| format!("/subscriptions/{s}"))
            .unwrap_or_default(),
        affects: "what this role grants is unknown (unless it is a built-in role reach ships)",
        fetch: Fetch::Once(rest_get(&format!("{ARM}{id}?api-version={AUTH_API}"))),
        ws: None,
        endpoint: None,
    }
}

/// `directoryObjects/getByIds`, batches of at most 1000 IDs (sorted, so a rerun plans the same
/// batches).
pub fn principals(ids: &BTreeSet<String>) -> Vec<Input> {
    let all: Vec<&String> = ids.iter().collect();
    all.chunks(GET_BY_IDS_BATCH)
        .enumerate()
        .map(|(i, chunk)| {
            let body = serde_json::json!({
                "ids": chunk,
                "types": ["user", "group", "servicePrincipal"],
            })
            .to_string();
            Input {
                file: format!("entra/principals.{}.json", i + 1),
                role: Role::Principals,
                what: format!(
                    "directory objects {}–{} named by role assignments",
                    i * GET_BY_IDS_BATCH + 1,
                    i * GET_BY_IDS_BATCH + chunk.len()
                ),
                scope: String::new(),
                affects:
                    "principals appear by object ID only, and groups among them are not expanded",
                fetch: Fetch::Once(
                    [
                        "rest",
                        "--method",
                        "post",
                        "--url",
                        &format!("{GRAPH}/directoryObjects/getByIds"),
                        "--body",
                        &body,
                        "-o",
                        "json",
                    ]
                    .map(String::from)
                    .to_vec(),
                ),
                ws: None,
                endpoint: None,
            }
        })
        .collect()
}

fn is_group(v: &Value) -> bool {
    text(v, "@odata.type").is_some_and(|t| t.eq_ignore_ascii_case("#microsoft.graph.group"))
}

/// Object IDs of the groups in a directory-object list (getByIds result or a member list).
pub fn groups_in(doc: &Value, out: &mut BTreeSet<String>) {
    out.extend(
        entries(doc)
            .iter()
            .filter(|e| is_group(e))
            .filter_map(|e| text(e, "id"))
            .map(str::to_ascii_lowercase),
    );
}

/// The direct members of a group (`groups/{id}/members`, paged); nested groups are read in
/// turn, so each path keeps its group-in-group steps.
pub fn members(gid: &str) -> Input {
    Input {
        file: format!("entra/members/{}.members.json", safe(gid)),
        role: Role::Members,
        what: format!("members of group {gid}"),
        scope: gid.to_string(),
        affects: "members of this group are unknown: they reach what the group reaches",
        fetch: Fetch::Paged(format!(
            "{GRAPH}/groups/{gid}/members?$select={MEMBER_SELECT}&$top=999"
        )),
        ws: None,
        endpoint: None,
    }
}
