#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every example export in `../shared/reference/export-shapes/` loads as its kind, with the key
//! fields the model needs.

use reach::finding::Severity;
use reach::load::raw::{AmlKind, PrincipalKind, RawProject, ResourceProps};
use reach::load::{load_files, load_path, Limits};
use std::path::{Path, PathBuf};

fn shapes_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/export-shapes");
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!(
            "note: {} not present; export-shape test skipped",
            d.display()
        );
        None
    }
}

fn kind_of<'a>(p: &'a RawProject, file: &str) -> &'a str {
    &p.files.iter().find(|f| f.path == file).unwrap().kind
}

fn from(p: &RawProject, file: &str) -> usize {
    p.resources
        .iter()
        .filter(|r| r.source.file() == Some(file))
        .count()
}

#[test]
fn export_shapes_load_as_their_kind() {
    let Some(dir) = shapes_dir() else { return };
    let p = load_path(&dir, &Limits::default()).unwrap();
    assert!(
        p.findings.iter().all(|f| f.severity == Severity::Info),
        "{:?}",
        p.findings
    );
    let expected = [
        ("az-acr-show.json", "az/container-registries"),
        ("az-ad-group-list.json", "az/groups"),
        ("az-ad-group-member-list.json", "az/directory-objects"),
        ("az-ad-sp-show.json", "az/service-principals"),
        ("az-identity-show.json", "az/identities"),
        ("az-keyvault-show.json", "az/keyvaults"),
        ("az-ml-workspace-show.json", "az/ml-workspace"),
        ("az-rest-deny-assignments.json", "az/deny-assignments"),
        ("az-rest-role-definition.json", "az/role-definitions"),
        ("az-role-assignment-list.json", "az/role-assignments"),
        ("az-role-definition-list-custom.json", "az/role-definitions"),
        ("az-storage-account-show.json", "az/storage-accounts"),
    ];
    for (file, kind) in expected {
        assert_eq!(kind_of(&p, file), kind, "{file}");
    }
    let n_json = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    assert_eq!(
        n_json,
        expected.len(),
        "a new export shape has no expectation here"
    );

    // Role assignments: 4 entries, the ABAC condition kept, sources are entry indexes.
    assert_eq!(p.assignments.len(), 4);
    let a3 = &p.assignments[3];
    assert!(a3
        .condition
        .as_deref()
        .unwrap()
        .contains("blobs-example-container"));
    assert_eq!(a3.source.to_string(), "az-role-assignment-list.json#3");
    assert_eq!(
        p.assignments[1].role_name.as_deref(),
        Some("Key Vault Reader")
    );
    assert_eq!(p.assignments[1].principal_type.as_deref(), Some("Group"));

    // Role definitions: CLI (2) and REST (1) shapes.
    assert_eq!(p.role_defs.len(), 3);
    let prowler = p
        .role_defs
        .iter()
        .find(|d| d.role_name == "ProwlerRole")
        .unwrap();
    assert_eq!(prowler.role_type.as_deref(), Some("CustomRole"));
    assert_eq!(prowler.permissions[0].actions.len(), 2);
    let rest = p
        .role_defs
        .iter()
        .find(|d| d.role_name == "Role name")
        .unwrap();
    assert_eq!(rest.permissions[0].data_actions, ["dataAction"]);
    assert_eq!(rest.assignable_scopes, ["/subscriptions/subId"]);

    // Deny assignment: principals and excludes.
    assert_eq!(p.denies.len(), 1);
    let d = &p.denies[0];
    assert_eq!(d.principals, ["principalId1"]);
    assert_eq!(d.exclude_principals, ["principalId2"]);
    assert_eq!(d.scope, "/subscriptions/subId");
    assert_eq!(d.name, "Deny assignment name");
    assert!(!d.do_not_apply_to_child_scopes);

    // Key vault: access-policy model, one policy with secrets `all`.
    let kv = p
        .resources
        .iter()
        .find(|r| matches!(r.props, ResourceProps::KeyVault { .. }))
        .unwrap();
    match &kv.props {
        ResourceProps::KeyVault {
            rbac_authorization,
            access_policies,
        } => {
            assert_eq!(*rbac_authorization, None);
            assert_eq!(access_policies.len(), 1);
            assert_eq!(access_policies[0].secrets, ["all"]);
        }
        _ => unreachable!(),
    }
    assert!(kv.id.ends_with("/vaults/myKeyVault242"));

    // ACR: admin user enabled.
    let acr = p
        .resources
        .iter()
        .find(|r| matches!(r.props, ResourceProps::Acr { .. }))
        .unwrap();
    assert!(matches!(
        acr.props,
        ResourceProps::Acr {
            admin_user_enabled: Some(true),
            ..
        }
    ));
    assert_eq!(acr.name.as_deref(), Some("miplanserviciobrais"));

    // Storage: 3 accounts, network rules.
    assert_eq!(from(&p, "az-storage-account-show.json"), 3);
    let st: Vec<_> = p
        .resources
        .iter()
        .filter(|r| matches!(r.props, ResourceProps::Storage { .. }))
        .collect();
    assert!(
        matches!(&st[1].props, ResourceProps::Storage { network_default_action: Some(a), .. } if a == "Deny")
    );
    assert_eq!(st[0].name.as_deref(), Some("storagesecond9n"));

    // Service principal show: a VM's system-assigned managed identity.
    let sp = p
        .principals
        .iter()
        .find(|x| x.source.file() == Some("az-ad-sp-show.json"))
        .unwrap();
    assert_eq!(sp.kind, PrincipalKind::ManagedIdentity);
    assert!(sp.system_assigned);
    assert!(sp
        .resource_id
        .as_deref()
        .unwrap()
        .ends_with("/virtualMachines/VM2"));
    assert!(sp
        .resource_id
        .as_deref()
        .unwrap()
        .starts_with("/subscriptions/"));
    assert_eq!(
        sp.object_id.as_deref(),
        Some("57907bf8-73fa-43a6-89a5-1f603e29e452")
    );
    assert_eq!(
        sp.client_id.as_deref(),
        Some("1437b558-aa5c-48b2-9d6d-173e6dec518f")
    );

    // az identity show: a UAI (principal + resource).
    let uai = p
        .principals
        .iter()
        .find(|x| x.source.file() == Some("az-identity-show.json"))
        .unwrap();
    assert_eq!(uai.kind, PrincipalKind::ManagedIdentity);
    assert!(!uai.system_assigned);
    assert_eq!(
        uai.client_id.as_deref(),
        Some("73444643-8088-4d70-9532-c3a0fdc190fz")
    );
    assert_eq!(uai.object_id.as_deref(), Some("9012"));
    assert!(uai
        .resource_id
        .as_deref()
        .unwrap()
        .contains("userAssignedIdentities"));

    // Groups: no member list exported.
    let g = p
        .principals
        .iter()
        .find(|x| x.source.file() == Some("az-ad-group-list.json"))
        .unwrap();
    assert_eq!((g.kind, g.members_exported), (PrincipalKind::Group, false));
    assert_eq!(g.display_name.as_deref(), Some("All Users"));

    // A member list with no group named: its objects load as principals.
    let m: Vec<_> = p
        .principals
        .iter()
        .filter(|x| x.source.file() == Some("az-ad-group-member-list.json"))
        .collect();
    assert_eq!(
        m.iter().map(|x| x.kind).collect::<Vec<_>>(),
        [PrincipalKind::User, PrincipalKind::Group]
    );

    // az ml workspace show: UAI mapping, primary UAI, storage in another resource group.
    let ws = p
        .aml
        .iter()
        .find(|d| matches!(d.kind, AmlKind::Workspace(_)))
        .unwrap();
    assert!(ws.id.as_deref().unwrap().ends_with("/workspaces/RD-Agent"));
    let AmlKind::Workspace(w) = &ws.kind else {
        unreachable!()
    };
    let id = w.identity.as_ref().unwrap();
    assert_eq!(id.kind, "system_assigned,user_assigned");
    assert_eq!(id.user_assigned.len(), 1);
    assert!(id.user_assigned[0]
        .resource_id
        .value
        .ends_with("/userAssignedIdentities/RDAgent_MI"));
    // the IDs az ml prints: the system-assigned object ID and the UAI's client and object IDs
    assert_eq!(
        id.principal_id.as_deref(),
        Some("e94f5a51-fc98-4c7c-b7e2-51dfe028aeb9")
    );
    assert_eq!(
        id.user_assigned[0].client_id.as_deref(),
        Some("4eeb969a-ad22-4bc4-8506-b75fcec3f38f")
    );
    assert_eq!(
        id.user_assigned[0].principal_id.as_deref(),
        Some("1118d738-fcf3-45df-850e-19c699c7b943")
    );
    assert!(w
        .primary_user_assigned_identity
        .as_ref()
        .unwrap()
        .value
        .ends_with("/RDAgent_MI"));
    assert!(w
        .storage_account
        .as_ref()
        .unwrap()
        .value
        .contains("/resourceGroups/Fin-Cluster/"));
    assert_eq!(
        w.system_datastores_auth_mode.as_ref().unwrap().value,
        "identity"
    );
    assert!(w.container_registry.is_none());
}

#[test]
fn group_member_lists_by_file_name_or_wrapper() {
    let Some(dir) = shapes_dir() else { return };
    let members = std::fs::read(dir.join("az-ad-group-member-list.json")).unwrap();
    let wrapped = format!(
        "{{\"group\": \"ml-team\", \"members\": {}}}",
        String::from_utf8_lossy(&members)
    );
    let p = load_files(
        "mem",
        vec![
            ("groups/ml-admins.members.json".to_string(), members),
            ("groups/wrapped.json".to_string(), wrapped.into_bytes()),
        ],
        &Limits::default(),
    );
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    assert_eq!(
        p.files.iter().map(|f| f.kind.as_str()).collect::<Vec<_>>(),
        ["az/group-members", "az/group-members"]
    );
    for name in ["ml-admins", "ml-team"] {
        let g = p
            .principals
            .iter()
            .find(|x| x.display_name.as_deref() == Some(name))
            .unwrap();
        assert_eq!(g.kind, PrincipalKind::Group);
        assert!(g.members_exported);
        assert_eq!(g.members.len(), 2);
        assert_eq!(
            g.members[0].reference,
            "37ca648a-a007-4eef-81d7-1127d9be34e8"
        );
        assert_eq!(g.members[0].kind, Some(PrincipalKind::User));
        assert_eq!(g.members[1].kind, Some(PrincipalKind::Group));
    }
}
