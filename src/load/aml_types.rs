//! Type checks on the Azure ML fields that decide access: a value of the wrong type (an
//! `auth_mode` that is a mapping, an `identity` that is text) would otherwise read as absent and
//! silently fall back to a default. Each wrong type is one "expected …, found …" problem.

use super::yaml::{Node, Y};

#[derive(Clone, Copy)]
enum Want {
    Text,
    Map,
    ListOrMap,
}

impl Want {
    fn ok(self, y: &Y) -> bool {
        matches!(
            (self, &y.node),
            (_, Node::Null)
                | (Want::Text, Node::Str(_) | Node::Num(_) | Node::Bool(_))
                | (Want::Map | Want::ListOrMap, Node::Map(_))
                | (Want::ListOrMap, Node::Seq(_))
        )
    }
    fn words(self) -> &'static str {
        match self {
            Want::Text => "text",
            Want::Map => "a mapping",
            Want::ListOrMap => "a list or a mapping",
        }
    }
}

fn fields(family: &str) -> &'static [(&'static str, Want)] {
    use Want::*;
    match family {
        "workspace" => &[
            ("storage_account", Text),
            ("key_vault", Text),
            ("container_registry", Text),
            ("application_insights", Text),
            ("primary_user_assigned_identity", Text),
            ("public_network_access", Text),
            ("system_datastores_auth_mode", Text),
            ("identity", Map),
        ],
        "compute" => &[
            ("type", Text),
            ("resource_id", Text),
            ("identity", Map),
            ("ssh_settings", Map),
        ],
        "online-endpoint" | "batch-endpoint" => &[
            ("auth_mode", Text),
            ("compute", Text),
            ("public_network_access", Text),
            ("identity", Map),
            ("properties", Map),
        ],
        "online-deployment" | "batch-deployment" => {
            &[("endpoint_name", Text), ("environment_variables", Map)]
        }
        "datastore" => &[
            ("type", Text),
            ("account_name", Text),
            ("container_name", Text),
            ("store_name", Text),
            ("filesystem", Text),
            ("credentials", Map),
        ],
        "connection" => &[("type", Text), ("credentials", Map)],
        _ => &[],
    }
}

/// Problems with the access-deciding fields of an Azure ML document of `family`: (line, message).
pub fn check(y: &Y, family: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut want = |parent: &Y, prefix: &str, key: &str, w: Want| {
        if let Some(v) = parent.get(key) {
            if !w.ok(v) {
                out.push((
                    parent.key_line(key),
                    format!(
                        "expected {prefix}{key} to be {}, found {}; ignored",
                        w.words(),
                        v.describe()
                    ),
                ));
            }
        }
    };
    want(y, "", "name", Want::Text);
    for (key, w) in fields(family) {
        want(y, "", key, *w);
    }
    if let Some(id) = y.get("identity").filter(|i| i.as_map().is_some()) {
        want(id, "identity.", "type", Want::Text);
        want(id, "identity.", "user_assigned_identities", Want::ListOrMap);
    }
    out
}
