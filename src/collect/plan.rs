//! The plan: which inputs to read, with which `az` command, into which file. Inputs are planned in
//! stages, each from what the stages before it returned (a workspace names its storage account;
//! an endpoint list names the endpoints to `show`; role assignments name the role definitions and
//! principals to read; a group's members name the nested groups to read next).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// API versions (`../shared/reference/collect.md` §2).
pub const ML_API: &str = "2024-04-01";
pub const AUTH_API: &str = "2022-04-01";
pub const PIM_API: &str = "2020-10-01";
pub const ARM: &str = "https://management.azure.com";
pub const GRAPH: &str = "https://graph.microsoft.com/v1.0";
/// `directoryObjects/getByIds` takes at most 1000 IDs.
pub const GET_BY_IDS_BATCH: usize = 1000;
/// Properties read for each group member (the Graph default set, plus what tells a managed
/// identity and its owner).
pub const MEMBER_SELECT: &str =
    "id,displayName,userPrincipalName,appId,servicePrincipalType,alternativeNames";
/// Nested groups are followed this deep at most.
pub const MAX_NESTING: usize = 16;

/// What an input holds; decides how its document is read for the next stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Workspace,
    Computes,
    OnlineEndpoints,
    OnlineEndpoint,
    OnlineDeployments,
    BatchEndpoints,
    BatchEndpoint,
    BatchDeployments,
    Datastores,
    Connections,
    Environments,
    Storage,
    KeyVault,
    Registry,
    Identity,
    RoleAssignments,
    DenyAssignments,
    PimEligible,
    PimActive,
    RoleDefinition,
    Principals,
    Members,
}

/// How an input is fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fetch {
    /// One `az` call whose stdout is the document.
    Once(Vec<String>),
    /// `az rest` GET of `url`, following `nextLink` / `@odata.nextLink`; the pages are written
    /// as one document in the shape of a single response (`{"value": [...]}`).
    Paged(String),
}

impl Fetch {
    /// The `az` arguments of the first call (without `az`).
    pub fn argv(&self) -> Vec<String> {
        match self {
            Fetch::Once(a) => a.clone(),
            Fetch::Paged(url) => rest_get(url),
        }
    }
}

/// One input: one file, one command.
#[derive(Clone, Debug)]
pub struct Input {
    /// Path of the file, relative to the output folder, `/`-separated.
    pub file: String,
    pub role: Role,
    /// What it is, for people: "role assignments of subscription S".
    pub what: String,
    /// The scope whose answers a gap here affects: an ARM ID, a group's object ID for a member
    /// list, or empty for the whole tenant.
    pub scope: String,
    /// What reach may miss when this input is not complete.
    pub affects: &'static str,
    pub fetch: Fetch,
    /// The workspace it belongs to (Azure ML inputs), for fan-out.
    pub ws: Option<WsRef>,
    /// Endpoint name (endpoint show / deployment list).
    pub endpoint: Option<String>,
}

/// A workspace to collect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsRef {
    pub subscription: String,
    pub resource_group: String,
    pub name: String,
    /// Folder under `azureml/` (the name, or `<rg>.<name>` when two workspaces share a name).
    pub folder: String,
}

impl WsRef {
    pub fn id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.MachineLearningServices/workspaces/{}",
            self.subscription, self.resource_group, self.name
        )
    }
    fn ml(&self, words: &[&str], extra: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = std::iter::once("ml")
            .chain(words.iter().copied())
            .map(String::from)
            .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v.extend(
            [
                "--resource-group",
                &self.resource_group,
                "--workspace-name",
                &self.name,
                "--subscription",
                &self.subscription,
                "-o",
                "json",
            ]
            .map(String::from),
        );
        v
    }
}

/// `az rest --method get --url URL -o json`.
pub fn rest_get(url: &str) -> Vec<String> {
    ["rest", "--method", "get", "--url", url, "-o", "json"]
        .map(String::from)
        .to_vec()
}

/// Name a file part safely: letters, digits, `.`, `-`, `_`; anything else becomes `_`; never
/// empty, never starting with a dot (hidden files are not read).
pub fn safe(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    while s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    if s.is_empty() {
        s.push('_');
    }
    s
}

/// A readable key for an ARM scope: `S`, `S.rg`, `S.rg.workspaces.ws`, ….
pub fn scope_key(scope: &str) -> String {
    let parts: Vec<&str> = scope.split('/').filter(|p| !p.is_empty()).collect();
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let p = parts[i].to_ascii_lowercase();
        if p == "subscriptions" || p == "resourcegroups" {
            if let Some(v) = parts.get(i + 1) {
                out.push(v);
            }
            i += 2;
        } else if p == "providers" {
            i += 2; // the namespace: the type that follows names the kind
        } else {
            out.push(parts[i]);
            i += 1;
        }
    }
    safe(&out.join("."))
}

/// Parts of an ARM resource ID: subscription, resource group, name (last segment).
pub fn arm_parts(id: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = id.split('/').filter(|p| !p.is_empty()).collect();
    let at = |key: &str| {
        parts
            .iter()
            .position(|p| p.eq_ignore_ascii_case(key))
            .and_then(|i| parts.get(i + 1))
            .map(|s| s.to_string())
    };
    let sub = at("subscriptions")?;
    let rg = at("resourceGroups")?;
    let name = parts.last()?.to_string();
    Some((sub, rg, name))
}

pub fn subscription_of(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.split('/').filter(|p| !p.is_empty()).collect();
    parts
        .iter()
        .position(|p| p.eq_ignore_ascii_case("subscriptions"))
        .and_then(|i| parts.get(i + 1))
        .map(|s| s.to_string())
}

// ---------------------------------------------------------------- stage 0: workspaces

pub fn workspace_show(ws: &WsRef) -> Input {
    let argv = [
        "ml",
        "workspace",
        "show",
        "--name",
        &ws.name,
        "--resource-group",
        &ws.resource_group,
        "--subscription",
        &ws.subscription,
        "-o",
        "json",
    ]
    .map(String::from)
    .to_vec();
    Input {
        file: format!("azureml/{}/workspace.json", ws.folder),
        role: Role::Workspace,
        what: format!("workspace {}", ws.name),
        scope: ws.id(),
        affects: "answers about this workspace and its identity may be missing",
        fetch: Fetch::Once(argv),
        ws: Some(ws.clone()),
        endpoint: None,
    }
}

/// The workspaces of a subscription (or one resource group): one ARM list, paged.
pub fn workspace_list_url(subscription: &str, resource_group: Option<&str>) -> String {
    match resource_group {
        Some(rg) => format!(
            "{ARM}/subscriptions/{subscription}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces?api-version={ML_API}"
        ),
        None => format!(
            "{ARM}/subscriptions/{subscription}/providers/Microsoft.MachineLearningServices/workspaces?api-version={ML_API}"
        ),
    }
}

/// Folders for workspaces: the name, or `<rg>.<name>` where names repeat.
pub fn folders(list: &mut [WsRef]) {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for w in list.iter() {
        *count.entry(w.name.to_ascii_lowercase()).or_default() += 1;
    }
    for w in list.iter_mut() {
        w.folder = if count[&w.name.to_ascii_lowercase()] > 1 {
            safe(&format!("{}.{}", w.resource_group, w.name))
        } else {
            safe(&w.name)
        };
    }
}

// ---------------------------------------------------------------- stage 1

fn ml_input(ws: &WsRef, role: Role, words: &[&str], file: &str, what: &str) -> Input {
    Input {
        file: format!("azureml/{}/{file}", ws.folder),
        role,
        what: format!("{what} of workspace {}", ws.name),
        scope: ws.id(),
        affects: "answers about this workspace's resources and identities may be incomplete",
        fetch: Fetch::Once(ws.ml(words, &[])),
        ws: Some(ws.clone()),
        endpoint: None,
    }
}

pub(super) fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// User-assigned identity IDs named by an `az ml` object: `identity.user_assigned_identities`
/// (a map keyed by ARM ID for a workspace, a list of `{resource_id}` for computes and endpoints)
/// and `primary_user_assigned_identity`.
pub fn uai_ids(v: &Value, out: &mut BTreeSet<String>) {
    if let Some(u) = v
        .get("identity")
        .and_then(|i| i.get("user_assigned_identities"))
    {
        match u {
            Value::Object(m) => out.extend(m.keys().filter(|k| k.starts_with('/')).cloned()),
            Value::Array(a) => out.extend(
                a.iter()
                    .filter_map(|e| text(e, "resource_id").or_else(|| text(e, "id")))
                    .map(str::to_string),
            ),
            _ => {}
        }
    }
    if let Some(p) = text(v, "primary_user_assigned_identity") {
        out.insert(p.to_string());
    }
}

/// A resource read with `az <group> show --name N --resource-group RG --subscription S`.
fn resource_show(id: &str, role: Role) -> Option<Input> {
    let (sub, rg, name) = arm_parts(id)?;
    let (words, prefix, what): (&[&str], &str, &str) = match role {
        Role::Storage => (
            &["storage", "account", "show"],
            "storage",
            "storage account",
        ),
        Role::KeyVault => (&["keyvault", "show"], "keyvault", "key vault"),
        Role::Registry => (&["acr", "show"], "acr", "container registry"),
        _ => (&["identity", "show"], "identity", "user-assigned identity"),
    };
    let mut argv: Vec<String> = words.iter().map(|s| s.to_string()).collect();
    argv.extend(
        [
            "--name",
            &name,
            "--resource-group",
            &rg,
            "--subscription",
            &sub,
            "-o",
            "json",
        ]
        .map(String::from),
    );
    Some(Input {
        file: format!("azure/resources/{prefix}.{}.json", safe(&name)),
        role,
        what: format!("{what} {name}"),
        scope: id.to_string(),
        affects: if role == Role::Identity {
            "this identity's object and client IDs are unknown: paths through it may be unnamed"
        } else {
            "this resource's settings (network, local keys, permission model) are unknown"
        },
        fetch: Fetch::Once(argv),
        ws: None,
        endpoint: None,
    })
}

fn assignments(sub: &str) -> Input {
    Input {
        file: format!("azure/role-assignments.{}.json", safe(sub)),
        role: Role::RoleAssignments,
        what: format!("role assignments of subscription {sub}"),
        scope: format!("/subscriptions/{sub}"),
        affects: "answers may miss principals",
        fetch: Fetch::Once(
            [
                "role",
                "assignment",
                "list",
                "--all",
                "--subscription",
                sub,
                "-o",
                "json",
            ]
            .map(String::from)
            .to_vec(),
        ),
        ws: None,
        endpoint: None,
    }
}

fn denies(sub: &str) -> Input {
    Input {
        file: format!("azure/deny-assignments.{}.json", safe(sub)),
        role: Role::DenyAssignments,
        what: format!("deny assignments of subscription {sub}"),
        scope: format!("/subscriptions/{sub}"),
        affects: "answers may list principals a deny assignment blocks",
        fetch: Fetch::Paged(format!(
            "{ARM}/subscriptions/{sub}/providers/Microsoft.Authorization/denyAssignments?api-version={AUTH_API}"
        )),
        ws: None,
        endpoint: None,
    }
}

fn pim(scope: &str, eligible: bool) -> Input {
    let (kind, api, role, what, affects) = if eligible {
        (
            "eligible",
            "roleEligibilityScheduleInstances",
            Role::PimEligible,
            "PIM eligible role assignments",
            "answers may miss principals who can activate a role (PIM)",
        )
    } else {
        (
            "active",
            "roleAssignmentScheduleInstances",
            Role::PimActive,
            "PIM active role assignments",
            "answers may miss time-bound (PIM) assignments",
        )
    };
    Input {
        file: format!("azure/pim/{kind}.{}.json", scope_key(scope)),
        role,
        what: format!("{what} at {scope}"),
        scope: scope.to_string(),
        affects,
        fetch: Fetch::Paged(format!(
            "{ARM}{scope}/providers/Microsoft.Authorization/{api}?api-version={PIM_API}"
        )),
        ws: None,
        endpoint: None,
    }
}

/// Stage 1: from the workspaces (their `show` documents), everything that needs only them.
pub fn stage1(workspaces: &[(WsRef, Value)]) -> Vec<Input> {
    let mut out = Vec::new();
    let mut subs = BTreeSet::new();
    let mut scopes: Vec<String> = Vec::new();
    let mut deps: BTreeMap<String, (String, Role)> = BTreeMap::new();
    let mut uais = BTreeSet::new();
    for (ws, doc) in workspaces {
        out.push(ml_input(
            ws,
            Role::Computes,
            &["compute", "list"],
            "computes.json",
            "computes",
        ));
        out.push(ml_input(
            ws,
            Role::OnlineEndpoints,
            &["online-endpoint", "list"],
            "online-endpoints.json",
            "online endpoints",
        ));
        out.push(ml_input(
            ws,
            Role::BatchEndpoints,
            &["batch-endpoint", "list"],
            "batch-endpoints.json",
            "batch endpoints",
        ));
        out.push(Input {
            file: format!("azureml/{}/datastores.json", ws.folder),
            role: Role::Datastores,
            what: format!("datastores of workspace {}", ws.name),
            scope: ws.id(),
            affects: "answers may miss access through datastore credentials",
            fetch: Fetch::Paged(format!("{ARM}{}/datastores?api-version={ML_API}", ws.id())),
            ws: Some(ws.clone()),
            endpoint: None,
        });
        out.push(ml_input(
            ws,
            Role::Connections,
            &["connection", "list"],
            "connections.json",
            "connections",
        ));
        out.push(ml_input(
            ws,
            Role::Environments,
            &["environment", "list"],
            "environments.json",
            "environments",
        ));
        subs.insert(ws.subscription.clone());
        scopes.push(format!(
            "/subscriptions/{}/resourceGroups/{}",
            ws.subscription, ws.resource_group
        ));
        scopes.push(ws.id());
        for (key, role) in [
            ("storage_account", Role::Storage),
            ("key_vault", Role::KeyVault),
            ("container_registry", Role::Registry),
        ] {
            if let Some(id) = text(doc, key).filter(|s| s.starts_with('/')) {
                deps.entry(id.to_ascii_lowercase())
                    .or_insert((id.to_string(), role));
            }
        }
        uai_ids(doc, &mut uais);
    }
    for (id, role) in deps.values() {
        if let Some(i) = resource_show(id, *role) {
            out.push(i);
            scopes.push(id.clone());
        }
        if let Some(s) = subscription_of(id) {
            subs.insert(s);
        }
    }
    out.extend(identities(&uais, &BTreeSet::new()));
    for s in &subs {
        out.push(assignments(s));
        out.push(denies(s));
    }
    let mut seen = BTreeSet::new();
    let all_scopes = subs
        .iter()
        .map(|s| format!("/subscriptions/{s}"))
        .chain(scopes);
    for scope in all_scopes {
        if seen.insert(scope.to_ascii_lowercase()) {
            out.push(pim(&scope, true));
            out.push(pim(&scope, false));
        }
    }
    out
}

/// `az identity show` for each UAI not read yet.
pub fn identities(ids: &BTreeSet<String>, done: &BTreeSet<String>) -> Vec<Input> {
    let mut seen = BTreeSet::new();
    ids.iter()
        .filter(|id| !done.contains(&id.to_ascii_lowercase()))
        .filter(|id| seen.insert(id.to_ascii_lowercase()))
        .filter_map(|id| resource_show(id, Role::Identity))
        .collect()
}

// ---------------------------------------------------------------- stage 2

/// The entries of a list document: a top-level array, or `value` of an object.
pub fn entries(v: &Value) -> &[Value] {
    match v {
        Value::Array(a) => a,
        Value::Object(o) => match o.get("value") {
            Some(Value::Array(a)) => a,
            _ => &[],
        },
        _ => &[],
    }
}

/// Endpoint `show` and deployment list for each endpoint of an endpoint list.
pub fn endpoints(ws: &WsRef, list: &Value, online: bool) -> Vec<Input> {
    let (group, dep_group, folder, what) = if online {
        (
            "online-endpoint",
            "online-deployment",
            "online-endpoints",
            "online endpoint",
        )
    } else {
        (
            "batch-endpoint",
            "batch-deployment",
            "batch-endpoints",
            "batch endpoint",
        )
    };
    let (role, dep_role) = if online {
        (Role::OnlineEndpoint, Role::OnlineDeployments)
    } else {
        (Role::BatchEndpoint, Role::BatchDeployments)
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for e in entries(list) {
        let Some(name) = text(e, "name") else {
            continue;
        };
        if !seen.insert(name.to_ascii_lowercase()) {
            continue;
        }
        let scope = format!(
            "{}/{}/{name}",
            ws.id(),
            if online {
                "onlineEndpoints"
            } else {
                "batchEndpoints"
            }
        );
        out.push(Input {
            file: format!("azureml/{}/{folder}/{}.json", ws.folder, safe(name)),
            role,
            what: format!("{what} {name}"),
            scope: scope.clone(),
            affects: "answers about this endpoint (auth mode, identity) may be wrong",
            fetch: Fetch::Once(ws.ml(&[group, "show"], &["--name", name])),
            ws: Some(ws.clone()),
            endpoint: Some(name.to_string()),
        });
        out.push(Input {
            file: format!(
                "azureml/{}/{folder}/{}.deployments.json",
                ws.folder,
                safe(name)
            ),
            role: dep_role,
            what: format!("deployments of {what} {name}"),
            scope,
            affects:
                "answers about this endpoint's deployments (images, compute) may be incomplete",
            fetch: Fetch::Once(ws.ml(&[dep_group, "list"], &["--endpoint-name", name])),
            ws: Some(ws.clone()),
            endpoint: Some(name.to_string()),
        });
    }
    out
}

// Stage 3 (role definitions, directory objects, group members) is in `references.rs`.
pub use super::references::{groups_in, members, principals, references, role_definition};

#[cfg(test)]
mod tests {
    use super::*;

    fn ws() -> WsRef {
        WsRef {
            subscription: "sub1".into(),
            resource_group: "rg-ml".into(),
            name: "ws-main".into(),
            folder: "ws-main".into(),
        }
    }

    #[test]
    fn scope_keys_are_readable_and_distinct() {
        assert_eq!(scope_key("/subscriptions/S"), "S");
        assert_eq!(scope_key("/subscriptions/S/resourceGroups/rg"), "S.rg");
        assert_eq!(
            scope_key(
                "/subscriptions/S/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"
            ),
            "S.rg.storageAccounts.st"
        );
    }

    #[test]
    fn safe_names_never_escape_or_hide() {
        assert_eq!(safe("../etc/passwd"), "_._etc_passwd");
        assert_eq!(safe(".hidden"), "_hidden");
        assert_eq!(safe(""), "_");
        assert_eq!(safe("ep-fraud_1.v2"), "ep-fraud_1.v2");
    }

    #[test]
    fn stage1_plans_dependencies_subscriptions_and_pim_scopes_once() {
        let doc = serde_json::json!({
            "id": ws().id(),
            "storage_account": "/subscriptions/sub2/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata",
            "key_vault": "/subscriptions/sub1/resourceGroups/rg-ml/providers/Microsoft.Keyvault/vaults/kv-main",
            "identity": {"type": "system_assigned,user_assigned", "user_assigned_identities": {
                "/subscriptions/sub1/resourceGroups/rg-ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-a": {"client_id": "c", "principal_id": "p"}}},
            "primary_user_assigned_identity": "/subscriptions/sub1/resourceGroups/rg-ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-a"
        });
        let plan = stage1(&[(ws(), doc)]);
        let files: Vec<&str> = plan.iter().map(|i| i.file.as_str()).collect();
        for f in [
            "azureml/ws-main/computes.json",
            "azureml/ws-main/datastores.json",
            "azure/resources/storage.stdata.json",
            "azure/resources/keyvault.kv-main.json",
            "azure/resources/identity.uai-a.json",
            "azure/role-assignments.sub1.json",
            "azure/role-assignments.sub2.json",
            "azure/deny-assignments.sub2.json",
            "azure/pim/eligible.sub1.json",
            "azure/pim/active.sub2.rg-data.storageAccounts.stdata.json",
            "azure/pim/eligible.sub1.rg-ml.workspaces.ws-main.json",
        ] {
            assert!(files.contains(&f), "{f} missing from {files:#?}");
        }
        let uniq: BTreeSet<&str> = files.iter().copied().collect();
        assert_eq!(uniq.len(), files.len(), "a file planned twice");
        assert_eq!(
            files.iter().filter(|f| f.contains("identity.")).count(),
            1,
            "the UAI named twice is read once"
        );
    }

    #[test]
    fn principals_are_batched_by_1000() {
        let ids: BTreeSet<String> = (0..2500).map(|i| format!("{i:08}")).collect();
        let p = principals(&ids);
        assert_eq!(p.len(), 3);
        let Fetch::Once(argv) = &p[2].fetch else {
            panic!("getByIds is one call")
        };
        let body: Value = serde_json::from_str(&argv[6]).unwrap();
        assert_eq!(body["ids"].as_array().unwrap().len(), 500);
    }

    #[test]
    fn references_read_cli_and_rest_shapes() {
        let cli = serde_json::json!([{"principalId": "A", "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/G1", "scope": "/subscriptions/s"}]);
        let pim = serde_json::json!({"value": [{"properties": {"principalId": "b", "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/g1"}}]});
        let deny = serde_json::json!({"value": [{"properties": {"principals": [{"id": "00000000-0000-0000-0000-000000000000"}], "excludePrincipals": [{"id": "C"}]}}]});
        let (roles, ps) = references(&[
            (&Role::RoleAssignments, &cli),
            (&Role::PimEligible, &pim),
            (&Role::DenyAssignments, &deny),
        ]);
        assert_eq!(roles.len(), 1, "same GUID, any case, read once");
        assert_eq!(ps.into_iter().collect::<Vec<_>>(), ["a", "b", "c"]);
    }
}
