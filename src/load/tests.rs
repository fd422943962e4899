//! Whole-loader tests over in-memory files.

use super::raw::*;
use super::*;

fn load(files: &[(&str, &str)]) -> RawProject {
    let files = files
        .iter()
        .map(|(p, s)| (p.to_string(), s.as_bytes().to_vec()))
        .collect();
    load_files("t", files, &Limits::default())
}

fn load_bytes(path: &str, bytes: &[u8]) -> RawProject {
    load_files(
        "t",
        vec![(path.to_string(), bytes.to_vec())],
        &Limits::default(),
    )
}

fn only_finding(p: &RawProject) -> &Finding {
    assert_eq!(p.findings.len(), 1, "{:?}", p.findings);
    &p.findings[0]
}

#[test]
fn empty_files_are_info() {
    for (path, text) in [("a.yml", ""), ("b.json", "  \n"), ("c.yaml", "# nothing\n")] {
        let p = load(&[(path, text)]);
        let f = only_finding(&p);
        assert_eq!(f.severity, Severity::Info);
        assert!(f.message.starts_with("empty file"), "{}", f.message);
        assert_eq!(p.files[0].kind, "empty");
    }
}

#[test]
fn invalid_utf8_and_bom() {
    let p = load_bytes("x.yml", b"name: a\nauth_mode: k\xC3\x28\n");
    let f = only_finding(&p);
    assert_eq!(f.message, "not valid UTF-8 at byte 20");
    assert_eq!(f.source.to_string(), "x.yml:2");
    assert_eq!(p.files[0].kind, "error");
    let p = load_bytes(
        "r.json",
        b"\xEF\xBB\xBF[{\"roleDefinitionId\":\"r\",\"principalId\":\"p\",\"scope\":\"/s\"}]",
    );
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    assert_eq!(p.assignments.len(), 1);
}

#[test]
fn duplicate_key_is_one_error_with_line() {
    let p = load(&[("ep.yml", "name: a\nauth_mode: key\nname: b\n")]);
    let f = only_finding(&p);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.source.to_string(), "ep.yml:3");
    assert!(
        f.message.to_lowercase().contains("duplicate"),
        "{}",
        f.message
    );
}

#[test]
fn alias_bomb_and_deep_nesting_are_errors() {
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    let mut prev = 'a';
    for c in 'b'..='m' {
        bomb.push_str(&format!("{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        prev = c;
    }
    let deep_yaml = format!("k: {}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_json = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_obj = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    // each is stopped by a budget (aliases, nesting depth) and named as such below; how fast
    // that is belongs to the benchmarks, not to a clock here
    let p = load(&[
        ("bomb.yml", &bomb),
        ("deep.yml", &deep_yaml),
        ("deep.json", &deep_json),
        ("deepobj.json", &deep_obj),
    ]);
    assert_eq!(p.findings.len(), 4, "{:?}", p.findings);
    assert!(
        p.findings.iter().all(|f| f.severity == Severity::Error),
        "{:?}",
        p.findings
    );
    assert!(p.files.iter().all(|f| f.kind == "error"));
    let json = p
        .findings
        .iter()
        .find(|f| f.subject == "deep.json")
        .unwrap();
    assert!(
        json.message.contains("nested at most 128 levels"),
        "{}",
        json.message
    );
}

#[test]
fn invalid_json_has_line() {
    let p = load(&[("x.json", "[\n {\"a\": 1},\n {\"b\": }\n]")]);
    let f = only_finding(&p);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.source.to_string(), "x.json:3");
    assert!(f.message.starts_with("invalid JSON"));
    let p = load_bytes("bin.json", &[0x00, 0x01, 0x02, 0xff]);
    assert_eq!(only_finding(&p).severity, Severity::Error);
}

#[test]
fn wrong_typed_entry_is_one_finding_others_load() {
    let json = r#"[
      {"roleDefinitionId": "r1", "principalId": "p1", "scope": "/s"},
      {"roleDefinitionId": "r2", "principalId": 42, "scope": "/s"},
      "oops",
      {"roleDefinitionId": "r4", "principalId": "p4", "scope": "/s", "condition": null, "description": null}
    ]"#;
    let p = load(&[("ra.json", json)]);
    assert_eq!(p.assignments.len(), 2);
    assert_eq!(p.assignments[1].source.to_string(), "ra.json#3");
    assert_eq!(p.findings.len(), 2, "{:?}", p.findings);
    assert_eq!(p.findings[0].source.to_string(), "ra.json#1");
    assert!(
        p.findings[0].message.contains("expected a role assignment"),
        "{}",
        p.findings[0].message
    );
    assert!(
        p.findings[0].message.contains("integer `42`"),
        "{}",
        p.findings[0].message
    );
    assert_eq!(
        p.findings[1].message,
        "expected a role assignment (az role assignment list -o json) at entry 2, found a string"
    );
}

#[test]
fn graph_groups_with_members_and_value_wrapper() {
    let json = r##"{"@odata.context": "x", "value": [
      {"@odata.type": "#microsoft.graph.group", "id": "g1", "displayName": "ml-team",
       "members": [{"@odata.type": "#microsoft.graph.user", "id": "u1", "userPrincipalName": "alice@contoso.com"},
                   {"@odata.type": "#microsoft.graph.servicePrincipal", "id": "s1"}]},
      {"@odata.type": "#microsoft.graph.group", "id": "g2", "displayName": "empty", "members": []}
    ]}"##;
    let p = load(&[("groups.json", json)]);
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    assert_eq!(p.files[0].kind, "az/groups");
    assert_eq!(p.principals.len(), 2);
    assert!(p.principals.iter().all(|g| g.members_exported));
    assert_eq!(
        p.principals[0].members[1].kind,
        Some(PrincipalKind::ServicePrincipal)
    );
    assert_eq!(p.principals[1].source.to_string(), "groups.json#1");
}

#[test]
fn unrecognised_is_one_info() {
    for (path, text) in [
        (
            "conda.yml",
            "channels: [defaults]\ndependencies: [python]\n",
        ),
        ("pkg.json", "{\"name\": \"x\"}"),
        ("list.yml", "- a\n"),
    ] {
        let p = load(&[(path, text)]);
        let f = only_finding(&p);
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(
            f.message,
            "not recognised as an Azure ML, Azure export or reach.yaml file"
        );
        assert_eq!(p.files[0].kind, "unrecognised");
    }
}

#[test]
fn reach_manifest() {
    let y = "reach: 1\nsubscription: 0000\nresource_group: rg-ml\nworkspace: ws-main\nworkspaces:\n  - {name: ws-eu, resource_group: rg-eu}\nprincipals:\n  - {name: alice@contoso.com, type: user, id: a1}\n  - {name: ml-team, type: group, members: [alice@contoso.com, other-group]}\n  - {name: uai-deploy, type: managed_identity, resource_id: /x/uai-deploy, client_id: c, principal_id: p}\n  - {name: bad, type: robot}\nrole_assignments:\n  - {principal: ml-team, role: AzureML Data Scientist, scope: 'workspace:ws-main'}\nfacts:\n  - {resource: 'registry:acrmain', admin_user_enabled: true}\n  - {resource: 'keyvault:kv-main', permission_model: access_policy}\n";
    let p = load(&[("reach.yaml", y)]);
    assert_eq!(p.files[0].kind, "reach.yaml");
    let m = &p.manifests[0];
    assert_eq!(
        (m.subscription.as_deref(), m.workspace.as_deref()),
        (Some("0000"), Some("ws-main"))
    );
    assert_eq!(m.workspaces[0].resource_group.as_deref(), Some("rg-eu"));
    assert_eq!(p.principals.len(), 3);
    assert_eq!(p.principals[0].upn.as_deref(), Some("alice@contoso.com"));
    let g = &p.principals[1];
    assert_eq!(
        g.members
            .iter()
            .map(|m| m.reference.as_str())
            .collect::<Vec<_>>(),
        ["alice@contoso.com", "other-group"]
    );
    assert!(g.members_exported);
    let u = &p.principals[2];
    assert_eq!(
        (u.kind, u.object_id.as_deref(), u.client_id.as_deref()),
        (PrincipalKind::ManagedIdentity, Some("p"), Some("c"))
    );
    let a = &p.assignments[0];
    assert_eq!(
        (
            a.principal_id.as_str(),
            a.role_name.as_deref(),
            a.scope.as_str()
        ),
        (
            "ml-team",
            Some("AzureML Data Scientist"),
            "workspace:ws-main"
        )
    );
    assert_eq!(a.source.to_string(), "reach.yaml:13");
    assert_eq!(
        p.facts[0].settings,
        [("admin_user_enabled".to_string(), "true".to_string())]
    );
    let f = only_finding(&p);
    assert_eq!(f.source.to_string(), "reach.yaml:11");
    assert!(f.message.contains("`robot`"));
}

#[test]
fn no_secret_value_is_stored() {
    let key =
        "Q2FuYXJ5S2V5MTIzNDU2Nzg5MEFCQ0RFRmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1Njc4OTAxMjM0NTY3OA==";
    let files = [
        ("ds/blob.yml", format!("$schema: https://azuremlschemas.azureedge.net/latest/azureBlob.schema.json\nname: ds\ntype: azure_blob\naccount_name: acct\ncontainer_name: c\ncredentials:\n  account_key: {key}\n")),
        ("ds/sas.yml", "$schema: https://azuremlschemas.azureedge.net/latest/azureBlob.schema.json\nname: ds2\ntype: azure_blob\ncredentials:\n  sas_token: ?sv=2021&sig=SASSECRETVALUE123\n".to_string()),
        ("ds/sp.yml", "$schema: https://azuremlschemas.azureedge.net/latest/azureDataLakeGen2.schema.json\nname: ds3\ntype: azure_data_lake_gen2\naccount_name: a\nfilesystem: f\ncredentials:\n  tenant_id: t\n  client_id: c\n  client_secret: CLIENTSECRETVALUE\n".to_string()),
        ("conn/git.yml", "type: git\ntarget: https://github.com/x\ncredentials:\n  type: username_password\n  username: bob\n  password: GITPASSWORDVALUE\n".to_string()),
        ("conn/aoai.yml", "$schema: http://azureml/sdk-2-0/Connection.json\ntype: azure_open_ai\nazure_endpoint: https://u:URLPASSWORD@x.openai.azure.com\napi_key: APIKEYVALUE\n".to_string()),
        ("dep.yml", format!("$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nendpoint_name: e\nenvironment_variables:\n  DB_PASSWORD: ENVPASSWORDVALUE\n  CONN: DefaultEndpointsProtocol=https;AccountKey={key}\n")),
        ("bad.yml", format!("name: x\nsecret: \"{key}\nother: [")),
        ("reach.yaml", "reach: 1\nfacts:\n  - {resource: 'storage:s', client_secret: FACTSECRETVALUE}\n".to_string()),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let p = load(&refs);
    let dump = format!("{p:?}");
    for secret in [
        key,
        "SASSECRETVALUE123",
        "CLIENTSECRETVALUE",
        "GITPASSWORDVALUE",
        "APIKEYVALUE",
        "ENVPASSWORDVALUE",
        "URLPASSWORD",
        "FACTSECRETVALUE",
    ] {
        assert!(!dump.contains(secret), "{secret} leaked");
    }
    let creds: Vec<_> = p
        .aml
        .iter()
        .filter_map(|d| match &d.kind {
            AmlKind::Datastore(ds) => Some(ds.credential.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(creds[0], DatastoreCredential::AccountKey);
    assert_eq!(creds[1], DatastoreCredential::Sas);
    assert!(matches!(
        creds[2],
        DatastoreCredential::ServicePrincipal { .. }
    ));
    let conns: Vec<_> = p
        .aml
        .iter()
        .filter_map(|d| match &d.kind {
            AmlKind::Connection(c) => Some((c.credential_type.clone(), c.has_secret)),
            _ => None,
        })
        .collect();
    assert_eq!(
        conns,
        [
            ("api_key".to_string(), true),
            ("username_password".to_string(), true)
        ]
    );
}

#[test]
fn load_path_errors_name_the_problem() {
    let e = load_path(Path::new("/definitely/not/here"), &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("not found"), "{e}");
    let f = tempfile::NamedTempFile::new().unwrap();
    let e = load_path(f.path(), &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("not a folder"), "{e}");
}

#[test]
fn deterministic_order_and_placement_dir() {
    let ep = "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: e\nauth_mode: aml_token\n";
    let files = [("z/ep.yml", ep), ("a/b/ep.yml", ep), ("m.yml", ep)];
    let p1 = load(&files);
    let mut rev = files;
    rev.reverse();
    let p2 = load(&rev);
    assert_eq!(format!("{p1:?}"), format!("{p2:?}"));
    assert_eq!(
        p1.aml.iter().map(|d| d.dir.as_str()).collect::<Vec<_>>(),
        ["a/b", "", "z"]
    );
    assert_eq!(p1.aml[0].source.to_string(), "a/b/ep.yml:1");
}

#[test]
fn multi_document_yaml_is_one_finding() {
    let p = load(&[("k8s.yml", "a: 1\n---\nb: 2\n")]);
    let f = only_finding(&p);
    assert_eq!(f.source.to_string(), "k8s.yml:2");
    assert!(
        f.message.contains("expected one YAML document"),
        "{}",
        f.message
    );
}

#[test]
fn pim_schedule_instances_are_read_with_their_schedule() {
    // `reach collect`'s azure/pim/*.json: an eligible role is not an active assignment
    let pim = r#"{"value": [{"properties": {"scope": "/subscriptions/s", "principalId": "p",
        "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/g",
        "principalType": "User", "status": "Provisioned", "memberType": "Direct"},
      "name": "n", "id": "/subscriptions/s/providers/Microsoft.Authorization/RoleEligibilityScheduleInstances/n",
      "type": "Microsoft.Authorization/RoleEligibilityScheduleInstances"}]}"#;
    let p = load(&[("azure/pim/eligible.s.json", pim)]);
    assert_eq!(p.files[0].kind, "az/pim-eligibilities");
    // read with its schedule, never as a plain role assignment
    assert_eq!(p.assignments.len(), 1);
    let pim = p.assignments[0].pim.as_ref().expect("a PIM instance");
    assert!(pim.eligible && !pim.activated);
    assert_eq!(pim.status.as_deref(), Some("Provisioned"));
    assert_eq!(pim.member_type.as_deref(), Some("Direct"));
}

#[test]
fn collect_manifest_gaps_are_findings() {
    let m = r#"{"collect_manifest": 1, "sealed": true, "inputs": [{"file": "azure/deny-assignments.s.json",
      "what": "deny assignments of subscription s", "scope": "/subscriptions/s",
      "affects": "answers may list principals a deny assignment blocks", "status": "denied"}]}"#;
    let p = load(&[("t/collect-manifest.json", m)]);
    assert_eq!(p.files[0].kind, "reach/collect-manifest");
    let f = only_finding(&p);
    assert_eq!(f.rule, "COLLECT");
    assert!(
        f.message.contains("(t/azure/deny-assignments.s.json)"),
        "{}",
        f.message
    );
}

/// Issue 20: the defaults load a 1M-assignment tenant (a ≈ 930 MB assignment export, a ≈ 30 MB
/// reach.yaml at ≈ 15 bytes a YAML value), and `--max-file-size` sizes are parsed strictly.
#[test]
fn default_limits_fit_a_1m_assignment_tenant_and_sizes_parse() {
    let l = Limits::default();
    assert!(l.max_file_bytes >= 2 * 930_000_000, "{l:?}");
    assert!(l.max_yaml_bytes >= 2 * 30_000_000, "{l:?}");
    assert!(l.max_yaml_nodes >= 2 * 30_000_000 / 15, "{l:?}");
    assert_eq!(l.max_alias_expansion, 100_000, "alias bombs stay stopped");
    let one_g = Limits::default().with_max_file_size(1 << 30);
    assert_eq!(
        (one_g.max_file_bytes, one_g.max_yaml_bytes),
        (1 << 30, 1 << 30)
    );
    assert!(one_g.max_yaml_nodes >= (1 << 30) / 8);
    for (s, n) in [
        ("1048576", 1u64 << 20),
        ("512K", 512 << 10),
        ("512M", 512 << 20),
        ("2G", 2 << 30),
        ("64mib", 64 << 20),
        (" 7 ", 7),
    ] {
        assert_eq!(super::parse_size(s), Ok(n), "{s}");
    }
    for s in ["", "M", "0", "-1", "1.5G", "12Q", "18446744073709551615K"] {
        assert!(super::parse_size(s).is_err(), "{s}");
    }
}
