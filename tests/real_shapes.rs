//! Real output shapes (`tests/real-shapes/`): every sample of what `az` and `az rest` really print
//! loads as its kind with its identities linked, and a tenant exported in those shapes — whose
//! role assignments name managed identities only by object ID — answers with the identities'
//! names, the same whichever way an identity is named.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use reach::finding::Severity;
use reach::load::{load_files, Limits};
use reach::model::{self, Model, PrincipalKind};
use std::path::{Path, PathBuf};

fn shapes() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real-shapes")
}

fn load_one(path: &Path) -> reach::load::RawProject {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    load_files(
        "sample",
        vec![(name, std::fs::read(path).unwrap())],
        &Limits::default(),
    )
}

/// What each sample must load as (its file kind).
const KINDS: &[(&str, &str)] = &[
    ("az-ad-group-list.json", "az/groups"),
    ("az-ad-group-member-list.json", "az/users"),
    ("az-ad-signed-in-user-show.json", "az/users"),
    ("az-ad-user-list.json", "az/users"),
    ("az-identity-list.json", "az/identities"),
    ("az-identity-show.2020.json", "az/identities"),
    ("az-identity-show.json", "az/identities"),
    ("az-ml-batch-deployment-show.json", "az/ml-batch-deployment"),
    ("az-ml-batch-endpoint-show.json", "az/ml-batch-endpoint"),
    ("az-ml-compute-list.json", "az/ml-compute"),
    ("az-ml-compute-show.synapse-uai.json", "az/ml-compute"),
    ("az-ml-connection-list.json", "az/ml-connection"),
    ("az-ml-datastore-list.json", "az/ml-datastore"),
    ("az-ml-environment-show.json", "az/ml-environment"),
    (
        "az-ml-online-deployment-list.json",
        "az/ml-online-deployment",
    ),
    (
        "az-ml-online-deployment-show.json",
        "az/ml-online-deployment",
    ),
    ("az-ml-online-endpoint-list.json", "az/ml-online-endpoint"),
    (
        "az-ml-online-endpoint-show.sai-2021.json",
        "az/ml-online-endpoint",
    ),
    (
        "az-ml-online-endpoint-show.sai.json",
        "az/ml-online-endpoint",
    ),
    ("az-ml-workspace-list.json", "az/ml-workspace"),
    (
        "graph-directoryobject-get.uai-sp.json",
        "az/service-principals",
    ),
    ("graph-directoryobjects-getbyids.json", "az/users"),
    ("graph-group-transitive-members.json", "az/users"),
    ("graph-sp-get.application.json", "az/service-principals"),
    ("rest-ml-batch-endpoint-get.json", "arm/ml-batch-endpoint"),
    ("rest-ml-compute-get.amlcompute.json", "arm/ml-compute"),
    ("rest-ml-compute-get.computeinstance.json", "arm/ml-compute"),
    ("rest-ml-connection-get.json", "arm/ml-connection"),
    ("rest-ml-connection-list.json", "arm/ml-connection"),
    ("rest-ml-datastore-get.accountkey.json", "arm/ml-datastore"),
    (
        "rest-ml-datastore-get.serviceprincipal.json",
        "arm/ml-datastore",
    ),
    ("rest-ml-datastore-list.json", "arm/ml-datastore"),
    ("rest-ml-online-endpoint-get.json", "arm/ml-online-endpoint"),
    (
        "rest-ml-online-endpoint-list.json",
        "arm/ml-online-endpoint",
    ),
    ("rest-ml-workspace-get.json", "arm/ml-workspace"),
    ("rest-ml-workspace-list.json", "arm/ml-workspace"),
    (
        "rest-pim-role-assignment-schedule-instances.json",
        "az/pim-assignment-schedules",
    ),
    (
        "rest-pim-role-eligibility-schedule-instances.json",
        "az/pim-eligibilities",
    ),
    ("rest-role-assignments-list.json", "az/role-assignments"),
];

#[test]
fn every_sample_loads_as_its_kind_and_names_its_source() {
    let dir = shapes().join("samples");
    let mut seen = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let side = dir.join(name.replace(".json", ".source.md"));
        assert!(side.exists(), "{name} has no {side:?} naming its source");
        let want = KINDS
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, k)| *k)
            .unwrap_or_else(|| panic!("{name}: add its expected kind to KINDS"));
        let raw = load_one(&p);
        let kinds: Vec<&str> = raw.files.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, [want], "{name}");
        let errors: Vec<_> = raw
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        seen.push(name);
    }
    assert_eq!(seen.len(), KINDS.len(), "a sample in KINDS is missing");
}

fn model_of(files: &[&str]) -> Model {
    let dir = shapes().join("samples");
    let raw = load_files(
        "samples",
        files
            .iter()
            .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
            .collect(),
        &Limits::default(),
    );
    model::build(raw)
}

#[test]
fn az_ml_show_identities_are_named_by_their_owner() {
    // a real `az ml online-endpoint show`, top-level `properties` dict and all
    let m = model_of(&["az-ml-online-endpoint-show.sai.json"]);
    let p = m
        .resolve_principal("7862abec-a34c-4486-b51e-db1bb146ef75")
        .unwrap();
    assert_eq!(m.principal(p).name, "endpoint:qwen35-ep-a100");
    assert!(m.principal(p).system_assigned);
    let ep = m.resolve_resource("endpoint:qwen35-ep-a100").unwrap();
    let reach::model::Attrs::Endpoint(e) = &m.scope(ep).attrs else {
        panic!("not an endpoint")
    };
    assert_eq!(e.auth_mode, "key");
    assert_eq!(e.identity.system, Some(p));

    // az ml compute list: a compute instance's system-assigned identity (placeholder ID: no
    // object ID is invented)
    let m = model_of(&["az-ml-compute-list.json"]);
    let p = m.resolve_principal("compute:compxxxxxxx-xxxinst").unwrap();
    assert_eq!(m.principal(p).object_id, None);
    assert_eq!(m.principal(p).kind, PrincipalKind::ManagedIdentity);
}

#[test]
fn a_uai_described_by_graph_and_by_az_identity_is_one_principal() {
    // the same identity (kjh-mi) from a Graph directoryObjects GET and `az identity show`
    let m = model_of(&[
        "graph-directoryobject-get.uai-sp.json",
        "az-identity-show.2020.json",
    ]);
    let by = |r: &str| m.resolve_principal(r).unwrap();
    let p = by("kjh-mi");
    assert_eq!(by("8097154c-b14f-4898-928c-16ca80e12dfd"), p);
    assert_eq!(by("a72223ed-0a1e-4683-9b4b-44bed448bccc"), p);
    assert_eq!(
        by("/subscriptions/1b877039-42c8-467f-a80b-950b770fa4ff/resourcegroups/kjh-microsoft-learn/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kjh-mi"),
        p
    );
    let mis = m
        .principals
        .iter()
        .filter(|x| x.kind == PrincipalKind::ManagedIdentity)
        .count();
    assert_eq!(mis, 1, "{:#?}", m.principals);
}

#[test]
fn a_rest_workspace_example_with_one_id_for_two_identities_is_a_finding() {
    // the REST spec example gives its system- and user-assigned identities the same object ID:
    // they are not merged into one, and the model says why
    let m = model_of(&["rest-ml-workspace-get.json"]);
    assert!(
        m.findings
            .iter()
            .any(|f| f.rule == "MODEL" && f.message.contains("disagree")),
        "{:#?}",
        m.findings
    );
    let ws = m.resolve_resource("workspace:testworkspace").unwrap();
    let reach::model::Attrs::Workspace(w) = &m.scope(ws).attrs else {
        panic!("not a workspace")
    };
    assert!(w.identity.system.is_some());
    assert_eq!(w.identity.user.len(), 1);
    assert!(w.storage.is_some() && w.key_vault.is_some() && w.registry.is_some());
}

#[test]
fn pim_schedules_are_recognised_and_never_standing_access() {
    let m = model_of(&[
        "rest-pim-role-eligibility-schedule-instances.json",
        "rest-pim-role-assignment-schedule-instances.json",
    ]);
    // both Microsoft samples ended in 2020-2021: read with their schedules, and left out of
    // every answer with a finding each, never counted as standing access
    assert!(m.assignments.is_empty());
    let ended: Vec<&str> = m
        .findings
        .iter()
        .filter(|f| f.rule == "RBAC-PIM-ELIGIBLE" && f.message.contains("has ended"))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(ended.len(), 2, "{:#?}", m.findings);
    assert!(ended
        .iter()
        .any(|f| f.starts_with("PIM eligibility of Contributor for")));
    assert!(ended
        .iter()
        .any(|f| f.starts_with("PIM active assignment of ")));
}

#[test]
fn az_ml_datastore_list_says_the_credential_type_is_unknown() {
    let credential = |file: &str| {
        let m = model_of(&[file]);
        let ds = m
            .scopes
            .iter()
            .find(|s| s.kind == reach::model::ResKind::Datastore)
            .unwrap();
        let reach::model::Attrs::Datastore(d) = &ds.attrs else {
            panic!("not a datastore")
        };
        d.credential.clone()
    };
    use reach::load::raw::DatastoreCredential;
    assert_eq!(
        credential("az-ml-datastore-list.json"),
        DatastoreCredential::Unknown
    );
    // the REST form keeps it
    assert_eq!(
        credential("rest-ml-datastore-get.accountkey.json"),
        DatastoreCredential::AccountKey
    );
}

// ---------------------------------------------------------------- the tenant

fn tenant() -> String {
    shapes().join("tenant").display().to_string()
}

fn reach(args: &[&str]) -> common::Run {
    let mut all: Vec<&str> = args.to_vec();
    let t = tenant();
    all.extend(["-p", t.as_str()]);
    common::run(&all)
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    let r = reach(&all);
    assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn names(v: &serde_json::Value) -> Vec<String> {
    v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn tenant_who_can_names_every_managed_identity_and_its_job_paths() {
    let v = json(&["who-can", "storage:stfrauddata", "--action", "read-blobs"]);
    assert_eq!(
        names(&v),
        [
            "admin@contoso.example",
            "alice@contoso.example",
            "compute:cpu-sai",
            "endpoint:ep-sai",
            "uai-deploy",
            "uai-train",
            "uai-ws",
            "workspace:ws-fraud",
        ]
    );
    // alice runs jobs on cpu-sai, whose identity was granted Storage Blob Data Reader by object ID
    let alice = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "alice@contoso.example")
        .unwrap();
    let via_cpu = alice["paths"].as_array().unwrap().iter().any(|path| {
        let texts: Vec<&str> = path["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["text"].as_str().unwrap())
            .collect();
        path["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "CMP-JOB-CODE-ID")
            && texts.iter().any(|t| t.contains("compute:cpu-sai"))
    });
    assert!(via_cpu, "{alice:#}");
    // no principal is a bare GUID
    assert!(!names(&v)
        .iter()
        .any(|n| n.len() == 36 && n.matches('-').count() == 4));
}

/// Each identity by name, object ID, client ID and resource ID: all four answers equal.
#[test]
fn tenant_what_can_is_the_same_by_every_name_of_an_identity() {
    let sub = "/subscriptions/3f1c9a52-7d44-4b0e-9a61-2c8e5d7b4f10";
    let ws = format!("{sub}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws-fraud");
    let uai = |n: &str| {
        format!("{sub}/resourcegroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{n}")
    };
    let cases: Vec<(&str, [String; 3])> = vec![
        (
            "workspace:ws-fraud",
            [
                "0d3f6c1e-6b0a-4c57-9d2e-5f4a3b2c1d01".into(),
                "e1f2a3b4-0001-4c5d-8e6f-7a8b9c0d1e01".into(),
                ws.clone(),
            ],
        ),
        (
            "compute:cpu-sai",
            [
                "3c4d5e6f-0002-4a7b-8c9d-0e1f2a3b4c02".into(),
                "e1f2a3b4-0002-4c5d-8e6f-7a8b9c0d1e02".into(),
                format!("{ws}/computes/cpu-sai"),
            ],
        ),
        (
            "endpoint:ep-sai",
            [
                "6f7a8b9c-0004-4d0e-9f1a-3b4c5d6e7f04".into(),
                "e1f2a3b4-0004-4c5d-8e6f-7a8b9c0d1e04".into(),
                format!("{ws}/onlineEndpoints/ep-sai"),
            ],
        ),
        (
            "uai-ws",
            [
                "2b3c4d5e-0001-4f6a-9b0c-1d2e3f4a5b01".into(),
                "1a2b3c4d-0001-4e5f-8a9b-0c1d2e3f4a01".into(),
                uai("uai-ws"),
            ],
        ),
        (
            "uai-train",
            [
                "5e6f7a8b-0003-4c9d-8e0f-2a3b4c5d6e03".into(),
                "4d5e6f7a-0003-4b8c-9d0e-1f2a3b4c5d03".into(),
                uai("uai-train"),
            ],
        ),
        (
            "uai-deploy",
            [
                "8b9c0d1e-0005-4f2a-9b3c-5d6e7f8a9b06".into(),
                "7a8b9c0d-0005-4e1f-8a2b-4c5d6e7f8a05".into(),
                uai("uai-deploy"),
            ],
        ),
    ];
    for (name, others) in cases {
        let by_name = json(&["what-can", name]);
        assert_eq!(by_name["principal"]["name"], name, "{by_name:#}");
        assert!(
            !by_name["resources"].as_array().unwrap().is_empty(),
            "{name} reaches nothing"
        );
        for other in &others {
            assert_eq!(json(&["what-can", other]), by_name, "{name} as {other}");
        }
    }
}

#[test]
fn tenant_lint_sees_roles_granted_to_object_ids() {
    let v = json(&["lint"]);
    let mut got: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let rules: Vec<&str> = got.iter().map(|(r, _)| r.as_str()).collect();
    // AcrPull of compute:cpu-sai and the roles of uai-deploy and uai-ws were granted to their
    // object IDs: no CMP-SAI-ACRPULL, no EP-UAI-NO-AUTO, and WS-UAI-ROLES only for the one role
    // really missing (Contributor on Application Insights); every file loaded
    assert_eq!(
        rules,
        ["CMP-DEFAULT-ID", "DS-CREDENTIAL", "WS-UAI-ROLES"],
        "{got:#?}"
    );
    let ws_uai = &got[2].1;
    assert!(
        ws_uai.contains("uai-ws") && ws_uai.contains("appi-fraud"),
        "{ws_uai}"
    );
}

// ---------------------------------------------------------------- entries of the wrong shape

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    d
}

#[test]
fn typed_entries_with_wrong_field_types_are_errors_naming_file_entry_and_field() {
    let d = folder(&[
        (
            "rbac/assignments.json",
            r#"[{"type": "Microsoft.Authorization/roleAssignments", "principalId": 42, "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", "scope": "/subscriptions/s"},
                {"type": "Microsoft.Authorization/roleAssignments", "properties": "not an object"}]"#,
        ),
        (
            "ml/endpoint.json",
            r#"{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e", "name": "e", "auth_mode": {"oops": 1}, "properties": {"azureml.onlineendpointid": "x"}}"#,
        ),
        (
            "users.json",
            r##"[{"@odata.type": "#microsoft.graph.user", "id": "a11ce000-0000-4000-8000-000000000001", "userPrincipalName": "alice@contoso.example"}]"##,
        ),
    ]);
    let p = d.path().to_str().unwrap();
    // lint lists them and exits 1; a query prints every load error on stderr and answers,
    // saying the answer is incomplete (entries were not loaded: exit 3, issue 20)
    let lint = common::run(&["lint", "-p", p]);
    assert_eq!(lint.code, Some(1), "{}", lint.all());
    let r = common::run(&["what-can", "alice@contoso.example", "-p", p]);
    assert_eq!(r.code, Some(3), "{}", r.all());
    assert!(
        r.stdout
            .starts_with("INCOMPLETE: 2 files loaded in part (bad entries)"),
        "{}",
        r.stdout
    );
    for want in [
        "rbac/assignments.json#0: expected a role assignment (az role assignment list -o json) at entry 0: field `principalId`: invalid type: integer `42`",
        "rbac/assignments.json#1: expected a role assignment (az role assignment list -o json) at entry 1: field `properties`: invalid type: a string, expected an object",
        "ml/endpoint.json#0: expected auth_mode to be text, found a mapping",
    ] {
        assert!(r.stderr.contains(want), "missing on stderr: {want}\n{}", r.stderr);
    }
    assert!(!r.all().contains("not recognised"), "{}", r.all());
}

#[test]
fn a_folder_of_empty_and_unrecognised_files_loads_nothing_and_exits_2() {
    let d = folder(&[
        ("empty.json", ""),
        ("list.json", "[]"),
        ("other.json", r#"{"hello": "world"}"#),
        ("notes.yaml", "just: text\n"),
    ]);
    let r = common::run(&["who-can", "storage:x", "-p", d.path().to_str().unwrap()]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    assert!(r.stderr.contains("nothing could be loaded"), "{}", r.stderr);
}

// ---------------------------------------------------------------- fixes, sources, references

#[test]
fn fix_commands_for_managed_identities_are_runnable() {
    // a UAI known from `az ml online-endpoint show`: by object ID and principal type
    let v = json(&[
        "explain",
        "uai-deploy",
        "keyvault:kv-fraud",
        "--action",
        "read-secrets",
    ]);
    let cmd = v["fixes"][0]["command"].as_str().unwrap();
    assert!(
        cmd.starts_with("az role assignment create --assignee-object-id '8b9c0d1e-0005-4f2a-9b3c-5d6e7f8a9b06' --assignee-principal-type ServicePrincipal --role 'Key Vault Secrets User' --scope '/subscriptions/"),
        "{cmd}"
    );
    // a system-assigned identity whose object ID no file gives: the command that prints it
    let d = folder(&[
        ("reach.yaml", "reach: 1\nsubscription: s1\nresource_group: rg-ml\nworkspace: ws\n"),
        ("ml/ep.yml", "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: ep-x\nauth_mode: key\n"),
        ("kv.json", r#"{"id": "/subscriptions/s1/resourceGroups/rg-ml/providers/Microsoft.KeyVault/vaults/kv", "name": "kv", "type": "Microsoft.KeyVault/vaults", "properties": {"enableRbacAuthorization": true}}"#),
    ]);
    let r = common::run(&[
        "explain",
        "endpoint:ep-x",
        "keyvault:kv",
        "--action",
        "read-secrets",
        "--format",
        "json",
        "-p",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let cmd = v["fixes"][0]["command"].as_str().unwrap();
    assert_eq!(
        cmd,
        "az role assignment create --assignee-object-id \"$(az ml online-endpoint show -n 'ep-x' -g 'rg-ml' -w 'ws' --query identity.principal_id -o tsv)\" --assignee-principal-type ServicePrincipal --role 'Key Vault Secrets User' --scope '/subscriptions/s1/resourceGroups/rg-ml/providers/Microsoft.KeyVault/vaults/kv'"
    );
}

#[test]
fn network_preview_step_cites_the_export_that_holds_the_network_setting() {
    let sub = "/subscriptions/s1/resourceGroups/rg-ml/providers";
    let d = folder(&[
        ("reach.yaml", "reach: 1\nsubscription: s1\nresource_group: rg-ml\nworkspace: ws\n"),
        ("ml/ds.yml", "$schema: https://azuremlschemas.azureedge.net/latest/azureBlob.schema.json\nname: ds\ntype: azure_blob\naccount_name: stnet\ncontainer_name: c\n"),
        ("azure/stnet.json", &format!(r#"{{"id": "{sub}/Microsoft.Storage/storageAccounts/stnet", "name": "stnet", "type": "Microsoft.Storage/storageAccounts", "networkRuleSet": {{"bypass": "AzureServices", "defaultAction": "Deny"}}}}"#)),
        ("azure/ra.json", &format!(r#"[{{"principalId": "11111111-0000-4000-8000-000000000005", "principalName": "erin@contoso.com", "principalType": "User", "roleDefinitionId": "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", "scope": "{sub}/Microsoft.MachineLearningServices/workspaces/ws"}},
            {{"principalId": "12121212-0000-4000-8000-000000000001", "principalType": "ServicePrincipal", "roleDefinitionId": "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "scope": "{sub}/Microsoft.Storage/storageAccounts/stnet"}}]"#)),
        // the workspace is declared only in reach.yaml; its identity comes from Graph
        ("azure/sp.json", &format!(r##"[{{"@odata.type": "#microsoft.graph.servicePrincipal", "id": "12121212-0000-4000-8000-000000000001", "appId": "12121212-0000-4000-8000-000000000002", "displayName": "ws", "servicePrincipalType": "ManagedIdentity", "alternativeNames": ["isExplicit=False", "{sub}/Microsoft.MachineLearningServices/workspaces/ws"]}}]"##)),
    ]);
    let r = common::run(&[
        "explain",
        "erin@contoso.com",
        "storage:stnet",
        "--action",
        "read-blobs",
        "--format",
        "json",
        "-p",
        d.path().to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let step = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["steps"].as_array().unwrap().iter())
        .find(|s| s["rule"] == "NET-WS-MSI-PREVIEW")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(step["source"], "azure/stnet.json#0", "{step:#}");
}

#[test]
fn an_ambiguous_reference_says_where_each_candidate_is() {
    let ws = |rg: &str, w: &str| {
        format!("/subscriptions/s1/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{w}")
    };
    let ep = |rg: &str, w: &str| {
        format!(
            r#"{{"id": "{}/onlineEndpoints/ep-x", "name": "ep-x", "auth_mode": "key"}}"#,
            ws(rg, w)
        )
    };
    let d = folder(&[
        ("a.json", &ep("rg-a", "ws-a")),
        ("b.json", &ep("rg-b", "ws-b")),
    ]);
    let r = common::run(&["who-can", "endpoint:ep-x", "-p", d.path().to_str().unwrap()]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    for (rg, w) in [("rg-a", "ws-a"), ("rg-b", "ws-b")] {
        let want = format!(
            "endpoint:ep-x in workspace {w}, resource group {rg}: {}/onlineEndpoints/ep-x",
            ws(rg, w)
        );
        assert!(r.stderr.contains(&want), "{want}\n{}", r.stderr);
    }
    // and the ID it prints is accepted
    let id = format!("{}/onlineEndpoints/ep-x", ws("rg-b", "ws-b"));
    let r = common::run(&["who-can", &id, "-p", d.path().to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}", r.all());
}
