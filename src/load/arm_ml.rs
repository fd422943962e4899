//! Azure ML objects in JSON exports, in the two shapes real tools print:
//!
//! - `az ml <kind> show|list`: snake_case keys like the YAML, an ARM `id`, and sometimes a free
//!   `properties` dict of strings (`AzureAsyncOperationUri`, `azureml.onlineendpointid`…) next to
//!   `auth_mode` and `identity` (`principal_id`, `user_assigned_identities`);
//! - ARM REST (`az rest`, `{"value": [...]}` lists): `{id, name, type, identity, properties}` with
//!   camelCase keys inside `properties` and `identity`.
//!
//! Both become the YAML tree the Azure ML extraction reads (`azureml.rs`), so one reader serves
//! YAML, the CLI and REST. The kind comes from the ARM ID's path below the workspace (or the ARM
//! `type`), never from folder names.

use super::aml_fields::normalise_enum;
use super::azureml::{self, Recognised};
use super::raw::{AmlDoc, DatastoreCredential};
use super::yaml::{Key, Node, Y};
use crate::source::Source;
use serde_json::Value;
use std::sync::Arc;

/// The Azure ML object kinds reach reads from exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MlKind {
    Workspace,
    Compute,
    OnlineEndpoint,
    OnlineDeployment,
    BatchEndpoint,
    BatchDeployment,
    Datastore,
    Connection,
    Environment,
    /// Below a workspace but of a kind that decides no access (jobs, models, data…).
    Other,
}

impl MlKind {
    /// The YAML family name (`azureml.rs`).
    pub fn family(self) -> &'static str {
        match self {
            MlKind::Workspace => "workspace",
            MlKind::Compute => "compute",
            MlKind::OnlineEndpoint => "online-endpoint",
            MlKind::OnlineDeployment => "online-deployment",
            MlKind::BatchEndpoint => "batch-endpoint",
            MlKind::BatchDeployment => "batch-deployment",
            MlKind::Datastore => "datastore",
            MlKind::Connection => "connection",
            MlKind::Environment => "environment",
            MlKind::Other => "other",
        }
    }

    /// The `az ml` command that prints it, for "expected …" messages.
    pub fn command(self) -> &'static str {
        match self {
            MlKind::Workspace => "az ml workspace show",
            MlKind::Compute => "az ml compute show",
            MlKind::OnlineEndpoint => "az ml online-endpoint show",
            MlKind::OnlineDeployment => "az ml online-deployment show",
            MlKind::BatchEndpoint => "az ml batch-endpoint show",
            MlKind::BatchDeployment => "az ml batch-deployment show",
            MlKind::Datastore => "az ml datastore show",
            MlKind::Connection => "az ml connection show",
            MlKind::Environment => "az ml environment show",
            MlKind::Other => "an Azure ML object",
        }
    }
}

/// The kind of an Azure ML ARM ID or ARM type (`…/workspaces/W/onlineEndpoints/E/deployments/D`,
/// `Microsoft.MachineLearningServices/workspaces/computes`), case-insensitive; None when it is
/// not below `Microsoft.MachineLearningServices/workspaces`.
pub fn kind_of_path(path: &str) -> Option<MlKind> {
    let lower = path.trim().to_ascii_lowercase();
    let marker = "microsoft.machinelearningservices/workspaces";
    let i = lower.find(marker)?;
    let rest = lower.get(i + marker.len()..)?.trim_start_matches('/');
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    // An ARM ID has the workspace name first; an ARM type does not.
    let is_id = lower.starts_with('/');
    let segs = if is_id { segs.get(1..)? } else { &segs[..] };
    let kinds: Vec<&str> = if is_id {
        segs.iter().step_by(2).copied().collect()
    } else {
        segs.to_vec()
    };
    Some(match kinds.as_slice() {
        [] => MlKind::Workspace,
        ["computes"] => MlKind::Compute,
        ["onlineendpoints"] => MlKind::OnlineEndpoint,
        ["onlineendpoints", "deployments"] => MlKind::OnlineDeployment,
        ["batchendpoints"] => MlKind::BatchEndpoint,
        ["batchendpoints", "deployments"] => MlKind::BatchDeployment,
        ["datastores"] => MlKind::Datastore,
        ["connections"] => MlKind::Connection,
        ["environments"] | ["environments", "versions"] => MlKind::Environment,
        _ => MlKind::Other,
    })
}

/// The keys of an ARM resource envelope: `{id, name, type, properties, …}`.
const ENVELOPE: [&str; 12] = [
    "id",
    "name",
    "type",
    "properties",
    "identity",
    "kind",
    "location",
    "tags",
    "sku",
    "systemData",
    "etag",
    "zones",
];

/// Is this JSON object an ARM REST envelope (settings under `properties`, camelCase) rather than
/// `az ml … show` output (settings at the top level, snake_case, and a free `properties` dict)?
pub fn is_rest(v: &Value) -> bool {
    let Some(o) = v.as_object() else {
        return false;
    };
    o.get("properties").is_some_and(Value::is_object)
        && o.keys().all(|k| ENVELOPE.contains(&k.as_str()))
}

/// An ID as `az ml` may print it: `azureml:/subscriptions/…` (environment and model versions).
fn strip_azureml(id: &str) -> &str {
    let t = id.trim();
    t.strip_prefix("azureml:").unwrap_or(t)
}

/// The kind of one JSON object, from its `id`, then its ARM `type`, then (REST examples and
/// exports with placeholder IDs) the keys under `properties`.
pub fn kind_of(v: &Value) -> Option<MlKind> {
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .map(strip_azureml)
        .and_then(kind_of_path);
    let ty = v
        .get("type")
        .and_then(Value::as_str)
        .filter(|t| t.contains('/'))
        .and_then(kind_of_path);
    match (id, ty) {
        (Some(MlKind::Other), Some(t)) => Some(t),
        (Some(i), _) => Some(i),
        (None, Some(t)) => Some(t),
        (None, None) if is_rest(v) => kind_of_properties(v.get("properties")?),
        (None, None) => None,
    }
}

/// An ARM REST object whose ID and type do not say (the REST specs' examples print `"string"`):
/// the keys each kind's `properties` always has.
fn kind_of_properties(p: &Value) -> Option<MlKind> {
    let has = |k: &str| p.get(k).is_some();
    Some(if has("datastoreType") {
        MlKind::Datastore
    } else if has("computeType") {
        MlKind::Compute
    } else if has("authMode") && has("defaults") {
        MlKind::BatchEndpoint
    } else if has("authMode") {
        MlKind::OnlineEndpoint
    } else if has("endpointComputeType") {
        MlKind::OnlineDeployment
    } else if has("category") && (has("authType") || has("target")) {
        MlKind::Connection
    } else if has("storageAccount") || has("keyVault") || has("discoveryUrl") {
        MlKind::Workspace
    } else {
        return None;
    })
}

/// Keys whose maps hold names chosen by users or ARM IDs: their keys are kept as written.
const VERBATIM: [&str; 6] = [
    "user_assigned_identities",
    "environment_variables",
    "tags",
    "properties",
    "metadata",
    "inputs",
];

/// camelCase → snake_case for one key (`userAssignedIdentities` → `user_assigned_identities`);
/// dotted keys (`azureml.onlineendpointid`) come out lower-cased.
fn snake(key: &str) -> String {
    normalise_enum(key)
}

fn to_y(v: &Value, convert_keys: bool) -> Y {
    if !convert_keys {
        return Y::from_json(v);
    }
    let node = match v {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Number(n) => Node::Num(n.to_string()),
        Value::String(s) => Node::Str(s.clone()),
        Value::Array(a) => Node::Seq(a.iter().map(|x| to_y(x, true)).collect()),
        Value::Object(o) => Node::Map(
            o.iter()
                .map(|(k, x)| {
                    let key = snake(k);
                    let y = if key == "user_assigned_identities" {
                        // ARM IDs as keys, camelCase IDs inside
                        uai_map(x)
                    } else {
                        to_y(x, !VERBATIM.contains(&key.as_str()))
                    };
                    (Key { text: key, line: 0 }, y)
                })
                .collect(),
        ),
    };
    Y { node, line: 0 }
}

/// `userAssignedIdentities`: keys (ARM IDs) kept, each value's keys converted.
fn uai_map(v: &Value) -> Y {
    match v {
        Value::Object(o) => Y {
            node: Node::Map(
                o.iter()
                    .map(|(k, x)| {
                        (
                            Key {
                                text: k.clone(),
                                line: 0,
                            },
                            to_y(x, true),
                        )
                    })
                    .collect(),
            ),
            line: 0,
        },
        other => to_y(other, true),
    }
}

fn map_mut(y: &mut Y) -> Option<&mut Vec<(Key, Y)>> {
    match &mut y.node {
        Node::Map(m) => Some(m),
        _ => None,
    }
}

fn take(y: &mut Y, key: &str) -> Option<Y> {
    let m = map_mut(y)?;
    let i = m.iter().position(|(k, _)| k.text == key)?;
    Some(m.remove(i).1)
}

fn put(y: &mut Y, key: &str, v: Y) {
    if let Some(m) = map_mut(y) {
        m.retain(|(k, _)| k.text != key);
        m.push((
            Key {
                text: key.to_string(),
                line: 0,
            },
            v,
        ));
    }
}

fn rename(y: &mut Y, from: &str, to: &str) {
    if let Some(v) = take(y, from) {
        put(y, to, v);
    }
}

fn text(s: &str) -> Y {
    Y {
        node: Node::Str(s.to_string()),
        line: 0,
    }
}

/// An ARM REST object as the snake_case tree `az ml … show` would print: `properties` flattened
/// to the top level, keys converted, and the few fields REST names differently renamed.
fn rest_tree(v: &Value, kind: MlKind) -> Y {
    let mut top = Y {
        node: Node::Map(Vec::new()),
        line: 0,
    };
    if let Value::Object(o) = v {
        for (k, x) in o {
            match k.as_str() {
                "properties" => {
                    if let Node::Map(props) = to_y(x, true).node {
                        for (pk, pv) in props {
                            put(&mut top, &pk.text, pv);
                        }
                    }
                }
                // the ARM resource type: `type` means the compute/datastore type in az ml output
                "type" => {}
                _ => put(&mut top, &snake(k), to_y(x, true)),
            }
        }
    }
    match kind {
        MlKind::Compute => rename(&mut top, "compute_type", "type"),
        MlKind::Datastore => {
            rename(&mut top, "datastore_type", "type");
            if let Some(c) = top.get("credentials").cloned() {
                let mut c = c;
                rename(&mut c, "credentials_type", "type");
                // only the kind of secret is printed (`secretsType`), never its value
                take(&mut c, "secrets");
                put(&mut top, "credentials", c);
            }
        }
        MlKind::Connection => {
            rename(&mut top, "category", "type");
            if let Some(auth) = take(&mut top, "auth_type") {
                let mut c = top.get("credentials").cloned().unwrap_or(Y {
                    node: Node::Map(Vec::new()),
                    line: 0,
                });
                put(&mut c, "type", auth);
                put(&mut top, "credentials", c);
            }
        }
        MlKind::OnlineDeployment | MlKind::BatchDeployment => {
            rename(&mut top, "environment_id", "environment");
        }
        MlKind::Workspace => {
            if let Some(u) = top
                .path(&["encryption", "identity", "user_assigned_identity"])
                .cloned()
            {
                put(&mut top, "user_assigned_identity_for_cmk_encryption", u);
            }
        }
        _ => {}
    }
    top
}

/// Name of the endpoint a deployment's ARM ID sits under.
fn endpoint_of(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let marker = if lower.contains("/onlineendpoints/") {
        "/onlineendpoints/"
    } else {
        "/batchendpoints/"
    };
    let i = lower.find(marker)?;
    let rest = id.get(i + marker.len()..)?;
    rest.split('/').next().map(str::to_string)
}

/// Read one Azure ML JSON object (`az ml … show` or ARM REST) of `kind` into an `AmlDoc`, plus
/// the type problems of its access-deciding fields.
pub fn read(
    v: &Value,
    kind: MlKind,
    file: &Arc<str>,
    source: Source,
    dir: &str,
) -> (AmlDoc, Vec<String>) {
    let rest = is_rest(v);
    let mut y = if rest {
        rest_tree(v, kind)
    } else {
        to_y(v, false)
    };
    let id = y
        .get("id")
        .and_then(Y::text)
        .map(|s| strip_azureml(&s).to_string())
        .filter(|s| s.starts_with('/'));
    if matches!(kind, MlKind::OnlineDeployment | MlKind::BatchDeployment) && !y.has("endpoint_name")
    {
        if let Some(ep) = id.as_deref().and_then(endpoint_of) {
            put(&mut y, "endpoint_name", text(&ep));
        }
    }
    if kind == MlKind::Environment && !y.has("name") {
        // a version's ID: …/environments/NAME/versions/V
        if let Some(n) = id.as_deref().and_then(environment_name) {
            put(&mut y, "name", text(&n));
        }
    }
    let problems = super::aml_types::check(&y, kind.family())
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    let variant = variant_of(&y, kind);
    let rec = Recognised {
        family: kind.family(),
        variant,
    };
    let mut doc = azureml::build(&y, &rec, file, dir);
    doc.source = source;
    doc.id = id;
    if kind == MlKind::Datastore && !rest {
        unknown_credentials(&y, &mut doc);
    }
    (doc, problems)
}

fn environment_name(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let i = lower.find("/environments/")?;
    let rest = id.get(i + "/environments/".len()..)?;
    rest.split('/').next().map(str::to_string)
}

/// The YAML variant for the kind label and builders (`managed` / `kubernetes` endpoints…).
fn variant_of(y: &Y, kind: MlKind) -> Option<String> {
    let kind_word = y
        .get("kind")
        .and_then(Y::text)
        .map(|k| k.to_ascii_lowercase())
        .or_else(|| {
            y.get("endpoint_compute_type")
                .and_then(Y::text)
                .map(|k| k.to_ascii_lowercase())
        });
    let kubernetes = kind_word
        .as_deref()
        .is_some_and(|k| k == "k8s" || k == "kubernetes")
        || y.get("type")
            .and_then(Y::text)
            .is_some_and(|t| t.eq_ignore_ascii_case("kubernetes"));
    match kind {
        MlKind::OnlineEndpoint | MlKind::OnlineDeployment => {
            Some(if kubernetes { "kubernetes" } else { "managed" }.to_string())
        }
        MlKind::Compute | MlKind::Datastore | MlKind::Connection => y
            .get("type")
            .and_then(Y::text)
            .map(|t| normalise_enum(&t).replace("aml_compute", "amlcompute")),
        _ => None,
    }
}

/// `az ml datastore show|list` prints `credentials: {}` whether or not a credential is stored
/// (the SDK drops it); only a printed credential kind or key says which.
fn unknown_credentials(y: &Y, doc: &mut AmlDoc) {
    let empty = match y.get("credentials") {
        None => true,
        Some(c) => c.is_null() || c.as_map().is_some_and(<[_]>::is_empty),
    };
    if let super::raw::AmlKind::Datastore(d) = &mut doc.kind {
        if empty && d.credential == DatastoreCredential::None {
            d.credential = DatastoreCredential::Unknown;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_ids_and_types() {
        let ws = "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w";
        assert_eq!(kind_of_path(ws), Some(MlKind::Workspace));
        assert_eq!(
            kind_of_path(&format!("{ws}/onlineEndpoints/e/deployments/blue")),
            Some(MlKind::OnlineDeployment)
        );
        assert_eq!(
            kind_of_path(&format!("{ws}/environments/env/versions/3")),
            Some(MlKind::Environment)
        );
        assert_eq!(kind_of_path(&format!("{ws}/jobs/j")), Some(MlKind::Other));
        assert_eq!(
            kind_of_path("Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments"),
            Some(MlKind::BatchDeployment)
        );
        assert_eq!(kind_of_path("Microsoft.Storage/storageAccounts"), None);
    }

    #[test]
    fn rest_datastore_keeps_the_credential_kind_and_no_secret() {
        let v: Value = serde_json::from_str(r#"{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/datastores/d", "name": "d", "type": "Microsoft.MachineLearningServices/workspaces/datastores", "properties": {"credentials": {"credentialsType": "Sas", "secrets": {"secretsType": "Sas", "sasToken": "sv=2020&sig=abc"}}, "datastoreType": "AzureBlob", "accountName": "acct", "containerName": "c", "isDefault": true}}"#).unwrap();
        let (doc, problems) = read(
            &v,
            MlKind::Datastore,
            &Arc::from("f.json"),
            Source::default(),
            "",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let super::super::raw::AmlKind::Datastore(d) = doc.kind else {
            panic!("not a datastore")
        };
        assert_eq!(d.credential, DatastoreCredential::Sas);
        assert_eq!(d.datastore_type, "azure_blob");
        assert_eq!(d.account_name.map(|a| a.value).as_deref(), Some("acct"));
        assert!(d.is_default);
        assert!(doc.id.is_some_and(|i| i.ends_with("/datastores/d")));
    }

    #[test]
    fn az_ml_datastore_list_credentials_are_unknown() {
        let v: Value = serde_json::from_str(r#"{"account_name": "acct", "container_name": "c", "credentials": {}, "type": "azure_blob", "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/datastores/d", "name": "d"}"#).unwrap();
        let (doc, _) = read(
            &v,
            MlKind::Datastore,
            &Arc::from("f.json"),
            Source::default(),
            "",
        );
        let super::super::raw::AmlKind::Datastore(d) = doc.kind else {
            panic!("not a datastore")
        };
        assert_eq!(d.credential, DatastoreCredential::Unknown);
    }
}
