//! Role definitions and action matching (RBAC-ACTIONS): `actions − notActions` for the control
//! plane, `dataActions − notDataActions` for the data plane, `*` a wildcard, case-insensitive.
//! The built-in catalog ships in `assets/roles/builtin-roles.json`.

use crate::load::raw::{Permission, RawRoleDef};
use crate::source::Source;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleId(pub u32);

#[derive(Clone, Debug)]
pub struct RoleDef {
    /// The role definition GUID, lower case.
    pub guid: String,
    pub name: String,
    pub builtin: bool,
    pub description: String,
    /// Lower-cased assignable scopes (`/` = anywhere).
    pub assignable_scopes: Vec<String>,
    pub permissions: Vec<Permission>,
    pub source: Source,
}

/// How a role stands with respect to one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Granted by this pattern.
    Yes(String),
    /// Matched by `pattern` but removed by the NotActions entry `not`.
    Removed {
        pattern: String,
        not: String,
    },
    No,
}

impl RoleDef {
    pub fn from_raw(raw: &RawRoleDef, builtin: bool) -> RoleDef {
        RoleDef {
            guid: guid_of(&raw.id),
            name: raw.role_name.clone(),
            builtin,
            description: raw.description.clone().unwrap_or_default(),
            assignable_scopes: raw
                .assignable_scopes
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            permissions: raw.permissions.clone(),
            source: raw.source.clone(),
        }
    }

    /// Does this role grant `action`? Data actions are checked against `dataActions` only
    /// (RBAC-DATA: `actions` never grant data actions).
    pub fn grant(&self, action: &str) -> Grant {
        let data = is_data_action(action);
        let mut removed = Grant::No;
        for p in &self.permissions {
            let (allow, deny) = if data {
                (&p.data_actions, &p.not_data_actions)
            } else {
                (&p.actions, &p.not_actions)
            };
            let Some(pat) = allow.iter().find(|a| action_matches(a, action)) else {
                continue;
            };
            match deny.iter().find(|n| action_matches(n, action)) {
                None => return Grant::Yes(pat.clone()),
                Some(n) => {
                    removed = Grant::Removed {
                        pattern: pat.clone(),
                        not: n.clone(),
                    }
                }
            }
        }
        removed
    }

    pub fn grants(&self, action: &str) -> bool {
        matches!(self.grant(action), Grant::Yes(_))
    }

    /// Total count of action and data-action patterns, for least-privilege ordering.
    pub fn breadth(&self) -> usize {
        self.permissions
            .iter()
            .map(|p| p.actions.len() + p.data_actions.len())
            .sum()
    }
}

/// The GUID at the end of a role definition ID (or the string itself), lower case.
pub fn guid_of(id: &str) -> String {
    id.trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

thread_local! {
    /// Cells of `action_matches`' table filled on this thread (tests bound its work with it).
    static MATCH_CELLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Cells `action_matches` has filled on the calling thread so far: at most
/// (pattern length) × (action length + 1) a call.
pub fn match_cells_on_this_thread() -> u64 {
    MATCH_CELLS.with(|c| c.get())
}

/// Azure action pattern matching: case-insensitive, `*` matches any run of characters
/// (including `/`), and `/*/` may also match a single `/` (so `workspaces/*/write` covers
/// `workspaces/write`: the built-in roles rely on it, see azure-rbac-facts.md §3).
///
/// ```
/// use reach::model::role::action_matches;
/// assert!(action_matches("Microsoft.Storage/*/read", "microsoft.storage/storageAccounts/read"));
/// assert!(!action_matches("*/read", "Microsoft.Storage/storageAccounts/listKeys/action"));
/// ```
pub fn action_matches(pattern: &str, action: &str) -> bool {
    // Dynamic programming over (pattern, action) positions: O(len²), whatever the number of
    // `*` (collapsing each `/*/` in turn was exponential in their count).
    let p = pattern.as_bytes();
    let a = action.as_bytes();
    // Fast answers first: most patterns tested against an action differ in their literal start
    // (another provider or resource type), and many have no `*` at all.
    let Some(first_star) = p.iter().position(|&c| c == b'*') else {
        return pattern.eq_ignore_ascii_case(action);
    };
    match (p.get(..first_star), a.get(..first_star)) {
        (Some(ph), Some(ah)) if ph.eq_ignore_ascii_case(ah) => {}
        _ => return false,
    }
    let m = a.len();
    let at = |row: &[bool], j: usize| row.get(j).copied().unwrap_or(false);
    // ok[j] for the current pattern position i: does p[i..] match a[j..]?
    let mut next = vec![false; m + 1];
    if let Some(end) = next.last_mut() {
        *end = true; // empty pattern matches empty action
    }
    let mut after_next = vec![false; m + 1]; // row i + 2
    let mut cur = vec![false; m + 1];
    for (i, &pc) in p.iter().enumerate().rev() {
        // `/*/` may also stand for `/`: the star matches nothing and its `/` is skipped.
        let collapse = pc == b'*'
            && i.checked_sub(1).and_then(|k| p.get(k)) == Some(&b'/')
            && p.get(i + 1) == Some(&b'/');
        let mut star = false; // the star matches a[j..k] for some k, then p[i+1..] matches a[k..]
        MATCH_CELLS.with(|c| c.set(c.get().wrapping_add(cur.len() as u64)));
        for (j, c) in cur.iter_mut().enumerate().rev() {
            *c = if pc == b'*' {
                star = star || at(&next, j);
                star || (collapse && at(&after_next, j))
            } else {
                a.get(j).is_some_and(|x| pc.eq_ignore_ascii_case(x)) && at(&next, j + 1)
            };
        }
        // rotate the rows: after_next <- next <- cur, and reuse the oldest as the next cur
        std::mem::swap(&mut after_next, &mut next);
        std::mem::swap(&mut next, &mut cur);
    }
    at(&next, 0)
}

/// Data-plane actions are checked against `dataActions`. These prefixes are the data actions
/// reach deals with (blob/file/queue/table data, key vault secrets/keys/certificates,
/// registry repository content in ABAC mode, cognitive services).
pub fn is_data_action(action: &str) -> bool {
    const DATA: [&str; 11] = [
        "microsoft.storage/storageaccounts/blobservices/containers/blobs/",
        "microsoft.storage/storageaccounts/fileservices/fileshares/files/",
        "microsoft.storage/storageaccounts/fileservices/readfilebackupsemantics/",
        "microsoft.storage/storageaccounts/queueservices/queues/messages/",
        "microsoft.storage/storageaccounts/tableservices/tables/entities/",
        "microsoft.keyvault/vaults/secrets/getsecret/",
        "microsoft.keyvault/vaults/secrets/readmetadata/",
        "microsoft.keyvault/vaults/keys/",
        "microsoft.keyvault/vaults/certificates/",
        "microsoft.containerregistry/registries/repositories/",
        "microsoft.cognitiveservices/accounts/",
    ];
    let a = action.to_ascii_lowercase();
    DATA.iter().any(|d| a.starts_with(d))
        || a.starts_with("microsoft.keyvault/vaults/secrets/") && a.ends_with("/action")
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CatalogRole {
    name: String,
    role_name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    assignable_scopes: Vec<String>,
    permissions: Vec<CatalogPerm>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CatalogPerm {
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    not_actions: Vec<String>,
    #[serde(default)]
    data_actions: Vec<String>,
    #[serde(default)]
    not_data_actions: Vec<String>,
}

const BUILTIN_JSON: &str = include_str!("../../assets/roles/builtin-roles.json");

/// The built-in role catalog compiled into the binary (the shape `az role definition list` prints).
pub fn builtin_catalog() -> Vec<RoleDef> {
    let roles: Vec<CatalogRole> = serde_json::from_str(BUILTIN_JSON).unwrap_or_default();
    roles
        .into_iter()
        .map(|r| RoleDef {
            guid: guid_of(&r.name),
            name: r.role_name,
            builtin: true,
            description: r.description.unwrap_or_default(),
            assignable_scopes: r
                .assignable_scopes
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            permissions: r
                .permissions
                .into_iter()
                .map(|p| Permission {
                    actions: p.actions,
                    not_actions: p.not_actions,
                    data_actions: p.data_actions,
                    not_data_actions: p.not_data_actions,
                })
                .collect(),
            source: Source::Builtin,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str) -> RoleDef {
        builtin_catalog()
            .into_iter()
            .find(|r| r.name == name)
            .unwrap()
    }

    #[test]
    fn catalog_loads_all_roles() {
        let c = builtin_catalog();
        assert_eq!(c.len(), 28);
        assert!(c
            .iter()
            .all(|r| r.guid.len() == 36 && r.source == Source::Builtin));
    }

    #[test]
    fn wildcards() {
        assert!(action_matches("*", "anything/at/all"));
        assert!(action_matches(
            "Microsoft.MachineLearningServices/workspaces/*/action",
            "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action"
        ));
        assert!(!action_matches(
            "Microsoft.MachineLearningServices/workspaces/*/action",
            "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read"
        ));
        assert!(action_matches(
            "Microsoft.MachineLearningServices/workspaces/*/write",
            "Microsoft.MachineLearningServices/workspaces/write"
        ));
        assert!(action_matches("a/*/b/*/c", "a/b/c"));
        assert!(!action_matches("a/*/b", "a/c"));
        assert!(action_matches("a*b*c", "aXXbYYc"));
        assert!(!action_matches("a*b*c", "aXXbYY"));
        assert!(action_matches("", ""));
        assert!(!action_matches("", "x"));
    }

    #[test]
    fn owner_reads_no_blob_by_actions_alone() {
        let owner = role("Owner");
        assert!(owner.grants("Microsoft.Storage/storageAccounts/listKeys/action"));
        assert!(
            !owner.grants("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read")
        );
        assert!(role("Storage Blob Data Reader")
            .grants("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"));
    }

    #[test]
    fn not_actions_subtract() {
        let ds = role("AzureML Data Scientist");
        assert!(
            ds.grants("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action")
        );
        assert!(matches!(
            ds.grant("Microsoft.MachineLearningServices/workspaces/computes/write"),
            Grant::Removed { .. }
        ));
        let contrib = role("Contributor");
        assert!(!contrib.grants("Microsoft.Authorization/roleAssignments/write"));
        assert!(contrib.grants("Microsoft.KeyVault/vaults/write"));
    }

    #[test]
    fn reader_does_not_match_actions() {
        let reader = role("Reader");
        assert!(!reader
            .grants("Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action"));
        assert!(reader.grants("Microsoft.MachineLearningServices/workspaces/datastores/read"));
    }
}
