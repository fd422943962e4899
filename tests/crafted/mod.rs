//! Two crafted snapshots of the demo project for `reach diff` and `reach --diff`, in a
//! temporary folder: OLD is the demo as it is; NEW changes it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-configs/demo")
}

pub fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.path().is_dir() {
            copy(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

/// Two snapshots of the demo: NEW adds a role to a group, drops the deny assignment and switches
/// ep-churn from key to aad_token.
pub fn crafted() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    copy(&demo(), &old);
    copy(&demo(), &new);
    let ra = new.join("azure/role-assignments.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&ra).unwrap()).unwrap();
    let sub = "/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69";
    let groups: Value =
        serde_json::from_str(&std::fs::read_to_string(new.join("azure/groups.json")).unwrap())
            .unwrap();
    let reviewers = groups["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["displayName"] == "security-reviewers")
        .unwrap()["id"]
        .clone();
    v.as_array_mut().unwrap().push(serde_json::json!({
        "id": format!("{sub}/resourceGroups/rg-ml/providers/Microsoft.Authorization/roleAssignments/11111111-2222-3333-4444-555555555555"),
        "name": "11111111-2222-3333-4444-555555555555",
        "principalId": reviewers,
        "principalName": "security-reviewers",
        "principalType": "Group",
        "roleDefinitionId": format!("{sub}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"),
        "roleDefinitionName": "Storage Blob Data Reader",
        "scope": format!("{sub}/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stlake"),
        "type": "Microsoft.Authorization/roleAssignments"
    }));
    std::fs::write(&ra, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    std::fs::remove_file(new.join("azure/deny-assignments.json")).unwrap();
    let ep = new.join("azureml/endpoints/ep-churn/endpoint.yml");
    let y = std::fs::read_to_string(&ep).unwrap();
    assert!(y.contains("auth_mode: key"));
    std::fs::write(&ep, y.replace("auth_mode: key", "auth_mode: aad_token")).unwrap();
    (dir, old, new)
}

/// `crafted`, and NEW also loses access (the `scorers` group's Endpoint Scorer on ep-fraud is
/// removed: the group and judy, who scores only through it, lose score), resolves a finding
/// (ep-k8s switched from aad_token to key) and adds one (a broken JSON file).
pub fn crafted_with_losses() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (dir, old, new) = crafted();
    let ra = new.join("azure/role-assignments.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&ra).unwrap()).unwrap();
    let before = v.as_array().unwrap().len();
    v.as_array_mut()
        .unwrap()
        .retain(|a| a["principalName"] != "scorers");
    assert_eq!(v.as_array().unwrap().len(), before - 1);
    std::fs::write(&ra, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let ep = new.join("azureml/endpoints/ep-k8s/endpoint.yml");
    let y = std::fs::read_to_string(&ep).unwrap();
    assert!(y.contains("auth_mode: aad_token"));
    std::fs::write(&ep, y.replace("auth_mode: aad_token", "auth_mode: key")).unwrap();
    std::fs::write(new.join("azure/broken.json"), "{\"value\": [1, 2,\n").unwrap();
    (dir, old, new)
}
