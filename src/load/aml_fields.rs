//! Field extraction shared by the Azure ML YAML reader and the `az ml … show` exports: enum
//! normalisation as the Azure ML SDK does it, identity shapes, datastore credentials, job
//! identities, located text. Every string kept goes through `text::redact`.

use super::raw::{DatastoreCredential, IdentitySpec, JobIdentity, UaiRef};
use super::yaml::{Node, Y};
use crate::source::Located;
use crate::text;

/// `SystemAssigned, UserAssigned` → `system_assigned,user_assigned`; `AMLToken` → `aml_token`;
/// `Key` → `key`. Each comma-separated part is trimmed and converted camel → snake, lower case.
pub fn normalise_enum(s: &str) -> String {
    s.split(',')
        .map(|p| camel_to_snake(p.trim()))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

fn camel_to_snake(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|k| chars.get(k)).copied();
        if c == ' ' || c == '-' {
            if !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if let Some(prev) = prev.filter(|_| c.is_ascii_uppercase()) {
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if (prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower))
                && !out.ends_with('_')
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Scalar text of `key`, redacted, with the key's line.
pub fn loc(y: &Y, key: &str) -> Option<Located<String>> {
    let v = y.get(key)?;
    let t = v.text()?;
    Some(Located::new(text::redact(&t).into_owned(), y.key_line(key)))
}

/// Scalar text at a path of keys, redacted, with the last key's line.
pub fn loc_path(y: &Y, keys: &[&str]) -> Option<Located<String>> {
    let (last, parents) = keys.split_last()?;
    let parent = y.path(parents)?;
    loc(parent, last)
}

/// Plain redacted text of `key`.
pub fn txt(y: &Y, key: &str) -> Option<String> {
    loc(y, key).map(|l| l.value)
}

/// Normalised enum text of `key`.
pub fn enum_of(y: &Y, key: &str) -> Option<Located<String>> {
    loc(y, key).map(|l| Located::new(normalise_enum(&l.value), l.line))
}

/// `enabled`, `true`, `True`, `yes` → true; anything else → false.
pub fn truthy(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "enabled" | "true" | "yes" | "on" | "1"
    )
}

/// `identity:` of a workspace (UAI mapping keyed by ARM ID, each value `null`, `{}` or
/// `{client_id, principal_id}`), compute or endpoint (list of `{resource_id, client_id,
/// principal_id}`); a bare string, a single mapping or a list of strings is accepted too. The
/// system-assigned identity's `principal_id` and `tenant_id` are kept when printed (`az ml …
/// show`, ARM REST after key conversion).
pub fn identity(parent: &Y) -> Option<IdentitySpec> {
    let id = parent.get("identity")?;
    let line = parent.key_line("identity");
    if let Some(s) = id.text() {
        return Some(IdentitySpec {
            kind: normalise_enum(&s),
            line,
            ..IdentitySpec::default()
        });
    }
    id.as_map()?;
    let user_assigned = id
        .get("user_assigned_identities")
        .map(uai_list)
        .unwrap_or_default();
    let kind = match id.get("type").and_then(Y::text) {
        Some(t) => normalise_enum(&t),
        None if !user_assigned.is_empty() => "user_assigned".to_string(),
        None => String::new(),
    };
    Some(IdentitySpec {
        kind,
        principal_id: guid_text(id, "principal_id"),
        tenant_id: guid_text(id, "tenant_id"),
        user_assigned,
        line,
    })
}

/// A GUID-valued field (object, client or tenant ID), trimmed and lower-cased; placeholders such
/// as `<PRINCIPAL_ID>` or `xxxxxxxx-…` are kept as written (they never match a real ID).
fn guid_text(y: &Y, key: &str) -> Option<String> {
    let t = txt(y, key)?;
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_ascii_lowercase())
}

fn uai_ref(resource_id: Located<String>, ids: Option<&Y>) -> UaiRef {
    UaiRef {
        resource_id,
        client_id: ids.and_then(|v| guid_text(v, "client_id")),
        principal_id: ids
            .and_then(|v| guid_text(v, "principal_id").or_else(|| guid_text(v, "object_id"))),
    }
}

fn uai_list(v: &Y) -> Vec<UaiRef> {
    let mut out = Vec::new();
    match &v.node {
        Node::Map(m) => {
            if let Some(r) = v.get("resource_id").and_then(Y::text) {
                out.push(uai_ref(Located::new(r, v.key_line("resource_id")), Some(v)));
            } else {
                for (k, val) in m {
                    let ids = val.as_map().map(|_| val);
                    out.push(uai_ref(Located::new(k.text.clone(), k.line), ids));
                }
            }
        }
        Node::Seq(items) => {
            for item in items {
                if let Some(s) = item.text() {
                    out.push(uai_ref(Located::new(s, item.line), None));
                } else if let Some(r) = item.get("resource_id").and_then(Y::text) {
                    out.push(uai_ref(
                        Located::new(r, item.key_line("resource_id")),
                        Some(item),
                    ));
                } else if let Some((k, val)) = item.as_map().and_then(|m| m.first()) {
                    let ids = val.as_map().map(|_| val);
                    out.push(uai_ref(Located::new(k.text.clone(), k.line), ids));
                }
            }
        }
        _ => {
            if let Some(s) = v.text() {
                out.push(uai_ref(Located::new(s, v.line), None));
            }
        }
    }
    for u in &mut out {
        u.resource_id.value = text::redact(u.resource_id.value.trim()).into_owned();
    }
    out.retain(|u| !u.resource_id.value.is_empty());
    out
}

/// `show` export prints it). Absent or empty = identity-based.
pub fn datastore_credential(ds: &Y) -> (DatastoreCredential, u32) {
    let Some(c) = ds.get("credentials") else {
        return (DatastoreCredential::None, 0);
    };
    let line = ds.key_line("credentials");
    let present = |k: &str| c.get(k).is_some_and(|v| !v.is_null());
    let tenant = txt(c, "tenant_id");
    let client = txt(c, "client_id");
    let cred = if present("account_key") {
        DatastoreCredential::AccountKey
    } else if present("sas_token") {
        DatastoreCredential::Sas
    } else if present("thumbprint") || present("certificate") {
        DatastoreCredential::Certificate {
            tenant_id: tenant,
            client_id: client,
        }
    } else if present("client_secret") || (present("tenant_id") && present("client_id")) {
        DatastoreCredential::ServicePrincipal {
            tenant_id: tenant,
            client_id: client,
        }
    } else if let Some(t) = c.get("type").and_then(Y::text) {
        match normalise_enum(&t).as_str() {
            "account_key" => DatastoreCredential::AccountKey,
            "sas" | "sas_token" => DatastoreCredential::Sas,
            "service_principal" => DatastoreCredential::ServicePrincipal {
                tenant_id: tenant,
                client_id: client,
            },
            "certificate" => DatastoreCredential::Certificate {
                tenant_id: tenant,
                client_id: client,
            },
            "none" | "no_credentials" => DatastoreCredential::None,
            other => DatastoreCredential::Other(other.to_string()),
        }
    } else if c.as_map().is_some_and(|m| !m.is_empty()) {
        let keys: Vec<&str> = c.keys().collect();
        DatastoreCredential::Other(keys.join("+"))
    } else {
        DatastoreCredential::None
    };
    (cred, line)
}

/// A job's `identity:` (top level or per step).
pub fn job_identity(parent: &Y) -> Option<JobIdentity> {
    let id = parent.get("identity")?;
    let line = parent.key_line("identity");
    let raw = id.text().or_else(|| id.get("type").and_then(Y::text))?;
    let mut kind = normalise_enum(&raw);
    if kind == "managed_identity" {
        kind = "managed".to_string();
    }
    Some(JobIdentity {
        kind,
        client_id: txt(id, "client_id"),
        resource_id: txt(id, "msi_resource_id").or_else(|| txt(id, "resource_id")),
        line,
    })
}

/// Every `azureml://datastores/NAME/...` reference in the subtree, first occurrence of each name.
pub fn datastore_refs(y: &Y) -> Vec<Located<String>> {
    let mut out: Vec<Located<String>> = Vec::new();
    y.walk_strings(&mut |s, line| {
        let mut rest = s;
        while let Some((_, after)) = rest.split_once("azureml://datastores/") {
            rest = after;
            let name = datastore_name(rest);
            if !name.is_empty() && !out.iter().any(|l| l.value == name) {
                out.push(Located::new(text::redact(name).into_owned(), line));
            }
        }
    });
    out
}

/// The datastore name at the start of `s`: up to the next `/` outside a `${{…}}` expression.
fn datastore_name(s: &str) -> &str {
    let mut depth = 0usize;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("{{") {
            depth += 1;
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix("}}") {
            depth = depth.saturating_sub(1);
            rest = after;
            continue;
        }
        if depth == 0 && (c == '/' || c.is_ascii_whitespace() || c == '\'' || c == '"') {
            break;
        }
        let mut next = rest.chars();
        next.next();
        rest = next.as_str();
    }
    // `rest` is always a suffix of `s`
    s.strip_suffix(rest).unwrap_or(s)
}

/// `environment_variables` as (name, value) with secrets redacted; non-scalar values skipped.
pub fn env_vars(y: Option<&Y>) -> Vec<(String, Located<String>)> {
    let Some(map) = y.and_then(Y::as_map) else {
        return Vec::new();
    };
    map.iter()
        .filter(|(_, v)| v.as_map().is_none() && v.as_seq().is_none())
        .map(|(k, v)| {
            let raw = v.as_str().unwrap_or_default();
            // Only `${{…}}` references matter for access; any other value may be a plain-text
            // secret under an innocent name (`STORAGE_KEY`, `DB_URL`), so it is never kept.
            let value = if raw.contains("${{") {
                text::redact(raw).into_owned()
            } else if raw.is_empty() {
                String::new()
            } else {
                text::REDACTED.to_string()
            };
            (k.text.clone(), Located::new(value, k.line))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{yaml, Limits};

    fn y(s: &str) -> Y {
        yaml::parse(s, &Limits::default()).unwrap().unwrap()
    }

    #[test]
    fn enum_normalisation() {
        assert_eq!(
            normalise_enum("SystemAssigned, UserAssigned"),
            "system_assigned,user_assigned"
        );
        assert_eq!(
            normalise_enum("system_assigned, user_assigned"),
            "system_assigned,user_assigned"
        );
        assert_eq!(normalise_enum("Key"), "key");
        assert_eq!(normalise_enum("AMLToken"), "aml_token");
        assert_eq!(normalise_enum("aml_token"), "aml_token");
        assert_eq!(normalise_enum("AADToken"), "aad_token");
        assert_eq!(normalise_enum("UserIdentity"), "user_identity");
        assert_eq!(normalise_enum("None"), "none");
    }

    #[test]
    fn identity_shapes() {
        let ws = y("identity:\n  type: \"system_assigned,user_assigned\"\n  user_assigned_identities:\n    \"/subscriptions/s/rg/u1\" : {}\n    /subscriptions/s/rg/u2: null\n");
        let i = identity(&ws).unwrap();
        assert_eq!(i.kind, "system_assigned,user_assigned");
        assert_eq!(
            i.user_assigned
                .iter()
                .map(|l| l.resource_id.value.as_str())
                .collect::<Vec<_>>(),
            ["/subscriptions/s/rg/u1", "/subscriptions/s/rg/u2"]
        );
        assert_eq!(i.user_assigned[0].resource_id.line, 4);
        assert_eq!(i.line, 1);
        let c = y("identity:\n  type: UserAssigned\n  user_assigned_identities:\n    - resource_id: /x/u1\n    - /x/u2\n");
        let i = identity(&c).unwrap();
        assert_eq!(i.kind, "user_assigned");
        assert_eq!(i.user_assigned.len(), 2);
        assert_eq!(i.user_assigned[0].resource_id.line, 4);
        let s = y("identity:\n  type: user_assigned\n  user_assigned_identities: /x/u3\n");
        assert_eq!(
            identity(&s).unwrap().user_assigned[0].resource_id.value,
            "/x/u3"
        );
        let m = y("identity:\n  user_assigned_identities:\n    resource_id: /x/u4\n");
        let i = identity(&m).unwrap();
        assert_eq!(
            (
                i.kind.as_str(),
                i.user_assigned[0].resource_id.value.as_str()
            ),
            ("user_assigned", "/x/u4")
        );
        assert_eq!(
            identity(&y("identity: SystemAssigned\n")).unwrap().kind,
            "system_assigned"
        );
        assert!(identity(&y("name: x\n")).is_none());
    }

    #[test]
    fn identity_ids_as_az_ml_show_prints_them() {
        // az ml workspace show: a map keyed by ARM ID, each value with client_id/principal_id
        let ws = y("identity:\n  principal_id: E94F5A51-fc98-4c7c-b7e2-51dfe028aeb9\n  tenant_id: 72f988bf-86f1-41af-91ab-2d7cd011db47\n  type: system_assigned,user_assigned\n  user_assigned_identities:\n    /subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u1:\n      client_id: 4eeb969a-ad22-4bc4-8506-b75fcec3f38f\n      principal_id: 1118d738-fcf3-45df-850e-19c699c7b943\n");
        let i = identity(&ws).unwrap();
        assert_eq!(
            i.principal_id.as_deref(),
            Some("e94f5a51-fc98-4c7c-b7e2-51dfe028aeb9")
        );
        assert_eq!(
            i.tenant_id.as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        let u = &i.user_assigned[0];
        assert!(u.resource_id.value.ends_with("/userAssignedIdentities/u1"));
        assert_eq!(
            u.client_id.as_deref(),
            Some("4eeb969a-ad22-4bc4-8506-b75fcec3f38f")
        );
        assert_eq!(
            u.principal_id.as_deref(),
            Some("1118d738-fcf3-45df-850e-19c699c7b943")
        );
        // az ml compute|online-endpoint show: a list of {resource_id, client_id, principal_id}
        let c = y("identity:\n  type: user_assigned\n  user_assigned_identities:\n  - client_id: <CLIENT_ID>\n    principal_id: <PRINCIPAL_ID>\n    resource_id: /x/u2\n");
        let i = identity(&c).unwrap();
        assert_eq!(i.principal_id, None);
        let u = &i.user_assigned[0];
        assert_eq!(
            (
                u.resource_id.value.as_str(),
                u.client_id.as_deref(),
                u.principal_id.as_deref()
            ),
            ("/x/u2", Some("<client_id>"), Some("<principal_id>"))
        );
    }

    #[test]
    fn credential_variants() {
        let cases = [
            ("credentials:\n  account_key: abc\n", DatastoreCredential::AccountKey),
            ("credentials:\n  sas_token: ?sv=1\n", DatastoreCredential::Sas),
            ("credentials: {}\n", DatastoreCredential::None),
            ("name: x\n", DatastoreCredential::None),
            ("credentials:\n", DatastoreCredential::None),
            (
                "credentials:\n  tenant_id: t\n  client_id: c\n  client_secret: s\n",
                DatastoreCredential::ServicePrincipal { tenant_id: Some("t".into()), client_id: Some("c".into()) },
            ),
            (
                "credentials:\n  tenant_id: t\n  client_id: c\n  thumbprint: th\n  certificate: cert\n",
                DatastoreCredential::Certificate { tenant_id: Some("t".into()), client_id: Some("c".into()) },
            ),
            ("credentials:\n  type: AccountKey\n", DatastoreCredential::AccountKey),
            ("credentials:\n  kerberos_password: p\n", DatastoreCredential::Other("kerberos_password".into())),
        ];
        for (src, want) in cases {
            assert_eq!(datastore_credential(&y(src)).0, want, "{src}");
        }
    }

    #[test]
    fn datastore_references() {
        let j = y("a: azureml://datastores/workspaceblobstore/paths/x\nb:\n  - azureml://datastores/${{default_datastore}}/paths/${{name}}/o\n  - azureml://datastores/workspaceblobstore/paths/y\n");
        let d = datastore_refs(&j);
        assert_eq!(
            d.iter().map(|l| l.value.as_str()).collect::<Vec<_>>(),
            ["workspaceblobstore", "${{default_datastore}}"]
        );
        assert_eq!(d[1].line, 3);
    }

    #[test]
    fn env_var_redaction() {
        let e = y("env:\n  PASSWORD: hunter2\n  URL: https://bob:pw@host\n  PLAIN: x\n  API_KEY: ${{azureml://connections/c/credentials/key}}\n  EMPTY: ''\n");
        let v = env_vars(e.get("env"));
        assert_eq!(v[0].1.value, "[REDACTED]");
        assert_eq!(v[1].1.value, "[REDACTED]");
        assert_eq!(v[2].1.value, "[REDACTED]");
        assert_eq!(v[3].1.value, "${{azureml://connections/c/credentials/key}}");
        assert_eq!(v[4].1.value, "");
    }
}
