//! Azure CLI / Microsoft Graph JSON exports. A file holds one object, an array, or `{"value": [...]}`
//! (Graph, `az rest`); the kind is recognised from the first object's keys, then every entry is
//! deserialised on its own into a typed struct (no `serde_json::Value` tree of a 90 MB file), so
//! one bad entry is one finding and the others still load.
//!
//! Accepted (first object's keys decide; `null` is accepted for every field):
//! - role assignments: `roleDefinitionId` + `principalId` + `scope` (CLI), or the same under
//!   `properties` (REST);
//! - role definitions: `roleName` + `permissions` (CLI, `roleType`), or `properties.roleName` (REST,
//!   `properties.type`);
//! - deny assignments: `properties.denyAssignmentName` (REST, usually in `{"value": [...]}`);
//! - directory objects (`az ad user/group/sp list`, Graph): `@odata.type`, `objectType` (pre-2.37 CLI),
//!   `userPrincipalName`, `servicePrincipalType`, `securityEnabled` / `groupTypes`. Each entry's own
//!   type decides user / group / service principal; `servicePrincipalType: ManagedIdentity` is a
//!   managed identity, system-assigned when `alternativeNames` has `isExplicit=False` (its owner is
//!   the ARM ID in `alternativeNames`). A group with a `members` array (Graph
//!   `groups?$expand=members`) has `members_exported = true`; without one, false.
//! - group member lists (`az ad group member list`): the file must say which group, either by its
//!   name, `<group>.members.json` (group display name or object ID), or by the wrapper
//!   `{"group": "<name or id>", "members": [...]}`. Without either, the objects load as plain
//!   principals (`az/directory-objects` when of mixed types).
//! - `az identity show/list`: `type` `Microsoft.ManagedIdentity/userAssignedIdentities` (or
//!   `clientId` + `principalId` + `tenantId`): a managed-identity principal and an Identity resource;
//! - `az storage account show`: `type` `Microsoft.Storage/storageAccounts`, `allowSharedKeyAccess`,
//!   `networkRuleSet` or `primaryEndpoints`;
//! - `az keyvault show`: `type` `Microsoft.KeyVault/vaults`, `properties.vaultUri` or
//!   `properties.accessPolicies`;
//! - `az acr show`: `type` `Microsoft.ContainerRegistry/registries`, `loginServer` or `adminUserEnabled`;
//! - `az ml workspace|compute|online-endpoint|datastore show`: an Azure ML ARM `id` (workspace,
//!   `/computes/X`, `/onlineEndpoints/X`, `/datastores/X`) and no ARM `properties` envelope; read
//!   with the Azure ML YAML extraction.

use super::arm_ml::{self, MlKind};
use super::azureml;
use super::export_types as t;
use super::raw::{MemberRef, PrincipalKind, RawPrincipal, RawProject};
use super::yaml::Y;
use crate::finding::{Finding, Severity};
use crate::source::Source;
use crate::text;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::sync::Arc;

/// The recognised export kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Assignments,
    RoleDefs,
    Denies,
    /// PIM `roleEligibilityScheduleInstances` / `roleEligibilitySchedules`.
    Eligibilities,
    /// PIM `roleAssignmentScheduleInstances` / `roleAssignmentSchedules`.
    ActiveSchedules,
    Directory,
    GroupMembers,
    Identities,
    Storage,
    KeyVaults,
    Acrs,
    /// An Azure ML object from `az ml … show|list` or ARM REST.
    Ml(MlKind),
}

impl Kind {
    /// What one entry should be, for "expected …" messages.
    fn what(self) -> String {
        match self {
            Kind::Assignments => "a role assignment (az role assignment list -o json)".into(),
            Kind::RoleDefs => "a role definition (az role definition list -o json)".into(),
            Kind::Denies => "a deny assignment (az rest …/denyAssignments)".into(),
            Kind::Eligibilities => {
                "a PIM eligibility (az rest …/roleEligibilityScheduleInstances)".into()
            }
            Kind::ActiveSchedules => {
                "a PIM assignment schedule (az rest …/roleAssignmentScheduleInstances)".into()
            }
            Kind::Directory => "a directory object (az ad user/group/sp list)".into(),
            Kind::GroupMembers => "a group member (az ad group member list)".into(),
            Kind::Identities => "a managed identity (az identity list)".into(),
            Kind::Storage => "a storage account (az storage account show)".into(),
            Kind::KeyVaults => "a key vault (az keyvault show)".into(),
            Kind::Acrs => "a container registry (az acr show)".into(),
            Kind::Ml(k) => format!("an Azure ML {} ({} or az rest)", k.family(), k.command()),
        }
    }
    fn label(self, rest: bool) -> String {
        match self {
            Kind::Assignments => "az/role-assignments",
            Kind::RoleDefs => "az/role-definitions",
            Kind::Denies => "az/deny-assignments",
            Kind::Eligibilities => "az/pim-eligibilities",
            Kind::ActiveSchedules => "az/pim-assignment-schedules",
            Kind::Directory => "az/directory-objects",
            Kind::GroupMembers => "az/group-members",
            Kind::Identities => "az/identities",
            Kind::Storage => "az/storage-accounts",
            Kind::KeyVaults => "az/keyvaults",
            Kind::Acrs => "az/container-registries",
            Kind::Ml(k) => {
                return format!("{}/ml-{}", if rest { "arm" } else { "az" }, k.family());
            }
        }
        .to_string()
    }
}

/// `{"value": [...]}`, `{"group": G, "members": [...]}` or any object.
#[derive(Deserialize)]
struct Wrapper<'a> {
    #[serde(borrow, default)]
    value: Option<&'a RawValue>,
    #[serde(default)]
    group: Option<Value>,
    #[serde(borrow, default)]
    members: Option<&'a RawValue>,
}

/// The outcome for one file: its kind label (`None` = not an export).
pub type Outcome = Option<String>;

/// Read one JSON file. Returns the kind label, `Some("error")` when the JSON is malformed,
/// or None when it is valid JSON but not a recognised export.
pub fn read(text: &str, file: &Arc<str>, max_depth: usize, out: &mut RawProject) -> Outcome {
    if let Some(line) = too_deep(text, max_depth) {
        let msg =
            format!("expected JSON nested at most {max_depth} levels deep, found deeper nesting");
        out.findings.push(Finding::load(
            Severity::Error,
            msg,
            Source::line(file, line),
        ));
        return Some("error".to_string());
    }
    // A top-level list (the usual `az … list -o json` export, the big files) is split into its
    // entries in one scan; anything else is validated as a whole first.
    if text.trim_start().starts_with('[') {
        return match serde_json::from_str::<Vec<&RawValue>>(text) {
            Ok(entries) => read_entries(entries, None, file, out),
            Err(e) => {
                out.findings.push(json_error(&e, file));
                Some("error".to_string())
            }
        };
    }
    let top: &RawValue = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.findings.push(json_error(&e, file));
            return Some("error".to_string());
        }
    };
    let body = top.get().trim_start();
    let (entries, group) = if body.starts_with('{') {
        let w: Wrapper = serde_json::from_str(top.get()).ok()?;
        match (w.value, w.group.as_ref().and_then(group_ref), w.members) {
            (Some(v), _, _) if v.get().trim_start().starts_with('[') => {
                (parse_list(v, file, out)?, None)
            }
            (_, Some(g), Some(m)) if m.get().trim_start().starts_with('[') => {
                (parse_list(m, file, out)?, Some(g))
            }
            _ => (vec![top], None),
        }
    } else {
        return None;
    };
    read_entries(entries, group, file, out)
}

/// Recognise and load the entries of one file (`Some(label)`; None: not a recognised export).
fn read_entries(
    entries: Vec<&RawValue>,
    group: Option<String>,
    file: &Arc<str>,
    out: &mut RawProject,
) -> Outcome {
    let group = group.or_else(|| members_file_group(file));
    if entries.is_empty() {
        out.findings.push(Finding::load(
            Severity::Info,
            "empty JSON list: nothing to load",
            Source::File { file: file.clone() },
        ));
        return Some("empty".to_string());
    }
    let kind = if group.is_some() {
        Some(Kind::GroupMembers)
    } else {
        classify_first(&entries)
    };
    let kind = kind?;
    let label = load_entries(kind, &entries, group, file, out);
    Some(label)
}

/// The line where `[`/`{` nesting first exceeds `max` (strings skipped), if it does.
///
/// One pass over the bytes; string contents are skipped with `memchr` (most of an export's bytes
/// are inside strings), and the line is counted only when the limit is hit.
fn too_deep(text: &str, max: usize) -> Option<u32> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                i += 1;
                loop {
                    let k = memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
                    if b.get(i + k) == Some(&b'\\') {
                        i += k + 2; // an escape: skip the escaped byte too
                    } else {
                        i += k + 1;
                        break;
                    }
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    let lines = memchr::memchr_iter(b'\n', b.get(..i).unwrap_or_default()).count();
                    return Some(u32::try_from(lines).unwrap_or(u32::MAX).saturating_add(1));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn parse_list<'a>(
    raw: &'a RawValue,
    file: &Arc<str>,
    out: &mut RawProject,
) -> Option<Vec<&'a RawValue>> {
    match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
        Ok(v) => Some(v),
        Err(e) => {
            out.findings.push(json_error(&e, file));
            None
        }
    }
}

fn group_ref(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Object(o) => ["id", "displayName", "name"]
            .iter()
            .find_map(|k| o.get(*k)?.as_str().map(str::to_string)),
        _ => None,
    }
}

/// `<group>.members.json` names the group of an `az ad group member list` export.
fn members_file_group(file: &str) -> Option<String> {
    let name = file.rsplit('/').next().unwrap_or(file);
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".members.json")
        // ASCII lower-casing keeps every byte offset, so the stem's length is a boundary of `name`
        .and_then(|s| name.get(..s.len()))?;
    (!stem.is_empty()).then(|| stem.to_string())
}

/// A JSON syntax error: one line, with line and column.
pub fn json_error(e: &serde_json::Error, file: &Arc<str>) -> Finding {
    let line = u32::try_from(e.line()).unwrap_or(u32::MAX).max(1);
    let msg = format!("invalid JSON: {}", text::redact(&e.to_string()));
    Finding::load(Severity::Error, msg, Source::line(file, line))
}

fn describe(raw: &RawValue) -> &'static str {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "a list",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        _ => "a number",
    }
}

fn classify_first(entries: &[&RawValue]) -> Option<Kind> {
    let first = entries
        .iter()
        .find(|e| e.get().trim_start().starts_with('{'))?;
    let v: Value = serde_json::from_str(first.get()).ok()?;
    classify(&v)
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn has(v: &Value, path: &[&str]) -> bool {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .is_some_and(|x| !x.is_null())
}

/// The kind an entry says it is by its ARM `type`.
fn by_type(ty: &str) -> Option<Kind> {
    Some(match ty {
        "microsoft.authorization/roleassignments" => Kind::Assignments,
        "microsoft.authorization/roledefinitions" => Kind::RoleDefs,
        "microsoft.authorization/denyassignments" => Kind::Denies,
        "microsoft.authorization/roleeligibilityscheduleinstances"
        | "microsoft.authorization/roleeligibilityschedules" => Kind::Eligibilities,
        "microsoft.authorization/roleassignmentscheduleinstances"
        | "microsoft.authorization/roleassignmentschedules" => Kind::ActiveSchedules,
        "microsoft.managedidentity/userassignedidentities" => Kind::Identities,
        "microsoft.storage/storageaccounts" => Kind::Storage,
        "microsoft.keyvault/vaults" => Kind::KeyVaults,
        "microsoft.containerregistry/registries" => Kind::Acrs,
        _ => return None,
    })
}

/// Recognise an export by the keys of its first object: what it says it is (its ARM `type`)
/// first, then the unmistakable keys of each export, then an Azure ML ARM ID, then the Azure ML
/// YAML shapes (for `az ml … list` output without IDs). An entry recognised this way whose
/// fields have the wrong types is an error, never "not recognised".
pub fn classify(v: &Value) -> Option<Kind> {
    let ty = s(v, &["type"]).unwrap_or_default().to_ascii_lowercase();
    if let Some(k) = by_type(&ty) {
        return Some(k);
    }
    if (has(v, &["roleDefinitionId"]) && has(v, &["principalId"]))
        || (has(v, &["properties", "roleDefinitionId"]) && has(v, &["properties", "principalId"]))
    {
        return Some(Kind::Assignments);
    }
    if (has(v, &["roleName"]) && has(v, &["permissions"])) || has(v, &["properties", "roleName"]) {
        return Some(Kind::RoleDefs);
    }
    if has(v, &["properties", "denyAssignmentName"]) || has(v, &["denyAssignmentName"]) {
        return Some(Kind::Denies);
    }
    if let Some(k) = arm_ml::kind_of(v) {
        return Some(Kind::Ml(k));
    }
    if has(v, &["@odata.type"])
        || has(v, &["objectType"])
        || has(v, &["userPrincipalName"])
        || has(v, &["servicePrincipalType"])
        || has(v, &["securityEnabled"])
        || has(v, &["groupTypes"])
        || (has(v, &["appId"]) && has(v, &["id"]))
    {
        return Some(Kind::Directory);
    }
    if has(v, &["loginServer"]) || has(v, &["adminUserEnabled"]) {
        return Some(Kind::Acrs);
    }
    if has(v, &["allowSharedKeyAccess"])
        || has(v, &["networkRuleSet"])
        || has(v, &["primaryEndpoints"])
    {
        return Some(Kind::Storage);
    }
    if has(v, &["properties", "vaultUri"]) || has(v, &["properties", "accessPolicies"]) {
        return Some(Kind::KeyVaults);
    }
    if has(v, &["clientId"]) && has(v, &["principalId"]) && has(v, &["tenantId"]) {
        return Some(Kind::Identities);
    }
    classify_ml_shape(v)
}

/// `az ml … show|list` output without an ARM ID: the YAML shape rules, on the same keys.
fn classify_ml_shape(v: &Value) -> Option<Kind> {
    if !v.is_object() {
        return None;
    }
    let y = Y::from_json(v);
    let family = azureml::recognise(&y)?.family;
    let k = match family {
        "workspace" => MlKind::Workspace,
        "compute" => MlKind::Compute,
        "online-endpoint" => MlKind::OnlineEndpoint,
        "online-deployment" => MlKind::OnlineDeployment,
        "batch-endpoint" => MlKind::BatchEndpoint,
        "batch-deployment" => MlKind::BatchDeployment,
        "datastore" => MlKind::Datastore,
        "connection" => MlKind::Connection,
        "environment" => MlKind::Environment,
        _ => return None,
    };
    Some(Kind::Ml(k))
}

fn load_entries(
    kind: Kind,
    entries: &[&RawValue],
    group: Option<String>,
    file: &Arc<str>,
    out: &mut RawProject,
) -> String {
    let mut group_principal = group.map(|g| t::group_from_ref(&g, file));
    let mut kinds_seen: Vec<PrincipalKind> = Vec::new();
    let mut rest = false;
    for (i, raw) in entries.iter().enumerate() {
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        let src = Source::entry(file, index);
        if !raw.get().trim_start().starts_with('{') {
            let msg = format!(
                "expected {} at entry {i}, found {}",
                kind.what(),
                describe(raw)
            );
            out.findings.push(Finding::load(Severity::Error, msg, src));
            continue;
        }
        let r = match kind {
            Kind::Assignments => t::assignment(raw, src, out),
            Kind::RoleDefs => t::role_def(raw, src, out),
            Kind::Denies => t::deny(raw, src, out),
            Kind::Directory | Kind::GroupMembers => t::directory(raw, src.clone(), out).map(|p| {
                kinds_seen.push(p.kind);
                if let Some(g) = group_principal.as_mut() {
                    g.members.push(member_of(&p, src));
                }
                out.principals.push(p);
            }),
            Kind::Identities => t::identity(raw, src, out),
            Kind::Storage => t::storage(raw, src, out),
            Kind::KeyVaults => t::keyvault(raw, src, out),
            Kind::Acrs => t::acr(raw, src, out),
            Kind::Eligibilities | Kind::ActiveSchedules => {
                t::pim_instance(raw, src, kind == Kind::Eligibilities, out)
            }
            Kind::Ml(k) => ml_entry(k, raw, file, src, out).map(|r| rest |= r),
        };
        if let Err(detail) = r {
            let msg = format!("expected {} at entry {i}: {detail}", kind.what());
            out.findings.push(Finding::load(
                Severity::Error,
                msg,
                Source::entry(file, index),
            ));
        }
    }
    if let Some(g) = group_principal {
        out.principals.push(g);
    }
    if kind == Kind::Directory {
        for k in &mut kinds_seen {
            if *k == PrincipalKind::ManagedIdentity {
                *k = PrincipalKind::ServicePrincipal;
            }
        }
        kinds_seen.sort();
        kinds_seen.dedup();
        return match kinds_seen.as_slice() {
            [PrincipalKind::User] => "az/users",
            [PrincipalKind::Group] => "az/groups",
            [PrincipalKind::ServicePrincipal] => "az/service-principals",
            _ => return kind.label(false),
        }
        .to_string();
    }
    kind.label(rest)
}

/// One Azure ML object (`az ml … show` or ARM REST); Ok(true) when it was the REST shape.
fn ml_entry(
    k: MlKind,
    raw: &RawValue,
    file: &Arc<str>,
    src: Source,
    out: &mut RawProject,
) -> Result<bool, String> {
    let v: Value = serde_json::from_str(raw.get()).map_err(|e| detail(&e))?;
    if !v.is_object() {
        return Err("found something other than an object".to_string());
    }
    // each entry's own ID decides (a list may mix kinds); the file's kind otherwise
    let kind = arm_ml::kind_of(&v).unwrap_or(k);
    if kind == MlKind::Other {
        return Ok(arm_ml::is_rest(&v));
    }
    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    let (doc, problems) = arm_ml::read(&v, kind, file, src.clone(), dir);
    for p in problems {
        out.findings
            .push(Finding::load(Severity::Error, p, src.clone()));
    }
    out.aml.push(doc);
    Ok(arm_ml::is_rest(&v))
}

fn member_of(p: &RawPrincipal, src: Source) -> MemberRef {
    let reference = p
        .object_id
        .clone()
        .or_else(|| p.upn.clone())
        .or_else(|| p.display_name.clone())
        .unwrap_or_default();
    MemberRef {
        reference,
        kind: Some(p.kind),
        source: src,
    }
}

/// A typed-deserialisation error as one line, without serde_json's position (entry-relative).
pub fn detail(e: &serde_json::Error) -> String {
    let m = e.to_string();
    let mut m = m.split(" at line ").next().unwrap_or(&m).to_string();
    // "expected struct AssignmentJ" names reach's own type, not the user's data
    if let Some(i) = m.find("expected struct ") {
        m.truncate(i);
        m.push_str("expected an object");
    }
    text::redact(&unquote_strings(&m)).into_owned()
}

/// serde quotes the offending value (`invalid type: string "…", expected a boolean`); a value in
/// the wrong field can be a secret, so the quoted text is dropped: `invalid type: a string, …`.
fn unquote_strings(m: &str) -> String {
    let mut out = String::with_capacity(m.len());
    let mut rest = m;
    while let Some((before, after)) = rest.split_once("string \"") {
        out.push_str(before);
        out.push_str("a string");
        let mut escaped = false;
        let mut chars = after.chars();
        for c in chars.by_ref() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => break,
                _ => {}
            }
        }
        // after the closing quote, or empty when the quote is not closed
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}
