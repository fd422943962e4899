#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Canary secrets planted in every field kind (YAML and JSON, reach.yaml, error paths) must not
//! appear in any output of any command, in either format. The demo's fake secrets neither.

mod common;

use common::*;
use std::path::Path;

const S: &str = "6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69";

/// (file, content). Every canary is `zqxcanary` + a distinct tag.
fn canary_project() -> Vec<(String, String)> {
    let rg = format!("/subscriptions/{S}/resourceGroups/rg-ml");
    let ws = format!("{rg}/providers/Microsoft.MachineLearningServices/workspaces/ws-main");
    let ra = format!("/subscriptions/{S}/providers/Microsoft.Authorization/roleDefinitions");
    let ds = "$schema: https://azuremlschemas.azureedge.net/latest";
    vec![
        ("reach.yaml".into(), format!("reach: 1\nsubscription: {S}\nresource_group: rg-ml\nworkspace: ws-main\nprincipals:\n  - {{name: svc-app, type: service_principal, id: 5a5a5a5a-0000-4000-8000-00000000005a, client_secret: zqxcanaryreachsecret}}\n")),
        ("azureml/workspace.yml".into(), format!("{ds}/workspace.schema.json\nname: ws-main\nidentity:\n  type: system_assigned\n")),
        ("azureml/ds-key.yml".into(), format!("{ds}/azureBlob.schema.json\nname: ds-key\ntype: azure_blob\naccount_name: stdata\ncontainer_name: raw\ncredentials:\n  account_key: zqxcanarydsaccountkey\n")),
        ("azureml/ds-sas.yml".into(), format!("{ds}/azureBlob.schema.json\nname: ds-sas\ntype: azure_blob\naccount_name: stdata\ncontainer_name: sas\ncredentials:\n  sas_token: ?sv=2021&sig=zqxcanarydssastoken\n")),
        ("azureml/ds-sp.yml".into(), format!("{ds}/azureDataLakeGen2.schema.json\nname: ds-sp\ntype: azure_data_lake_gen2\naccount_name: stlake\nfilesystem: fs\ncredentials:\n  tenant_id: 4c6f1d2e-8a3b-4f5c-9d7e-2b1a0c9e8f71\n  client_id: 0f0f0f0f-0000-4000-8000-00000000000f\n  client_secret: zqxcanarydsclientsecret\n")),
        ("azureml/conn-git.yml".into(), "name: conn-git\ntype: git\ntarget: https://github.com/org/repo\ncredentials:\n  type: pat\n  pat: zqxcanaryconnpat\n".into()),
        ("azureml/conn-user.yml".into(), "name: conn-user\ntype: container_registry\ntarget: https://acrx.azurecr.io\ncredentials:\n  type: username_password\n  username: admin\n  password: zqxcanaryconnpassword\n".into()),
        ("azureml/conn-s3.yml".into(), "name: conn-s3\ntype: s3\ntarget: https://bucket.s3.amazonaws.com\ncredentials:\n  type: access_key\n  access_key_id: AKIAEXAMPLE\n  secret_access_key: zqxcanaryconns3secret\n".into()),
        ("azureml/conn-aoai.yml".into(), format!("name: conn-aoai\ntype: azure_open_ai\nazure_endpoint: https://aoai.openai.azure.com/\nopen_ai_resource_id: {rg}/providers/Microsoft.CognitiveServices/accounts/aoai\napi_key: zqxcanaryconnapikey\n")),
        ("azureml/conn-key.yml".into(), "name: conn-key\ntype: custom\ntarget: https://api.example\ncredentials:\n  type: api_key\n  key: zqxcanaryconnkey\n".into()),
        ("azureml/compute.yml".into(), format!("{ds}/amlCompute.schema.json\nname: cpu\ntype: amlcompute\nssh_public_access_enabled: true\nssh_settings:\n  admin_username: azureuser\n  admin_password: zqxcanarysshpassword\n")),
        ("azureml/ep/endpoint.yml".into(), format!("{ds}/managedOnlineEndpoint.schema.json\nname: ep-c\nauth_mode: key\n")),
        ("azureml/ep/deployment.yml".into(), format!("{ds}/managedOnlineDeployment.schema.json\nname: blue\nendpoint_name: ep-c\nmodel: azureml:m:1\nenvironment_variables:\n  DB_PASSWORD: zqxcanarydeppassword\n  STORAGE_KEY: zqxcanarydepstoragekey\n  DB_URL: postgres://app:zqxcanarydepurlpw@db.example/x\n  AOAI_KEY: ${{{{azureml://connections/conn-aoai/credentials/key}}}}\n")),
        ("azureml/job.yml".into(), format!("{ds}/commandJob.schema.json\ncommand: python train.py\nenvironment: azureml:env:1\ncompute: azureml:cpu\nenvironment_variables:\n  HF_TOKEN: zqxcanaryjobtoken\n  SOME_SETTING: zqxcanaryjobplain\n")),
        ("azureml/broken-secret.yml".into(), "name: ds-broken\ncredentials:\n  account_key: \"zqxcanaryparseerror\n  x: [\n".into()),
        ("azureml/dup-secret.yml".into(), "name: ds-dup\naccount_key: zqxcanarydupone\naccount_key: zqxcanaryduptwo\n".into()),
        ("azure/users.json".into(), r#"[{"displayName": "Alice", "id": "b8153b62-ae54-4f26-a6b6-5062213dbe99", "userPrincipalName": "alice@contoso.com", "passwordProfile": {"password": "zqxcanaryuserpassword"}}]"#.into()),
        ("azure/sps.json".into(), r#"[{"servicePrincipalType": "Application", "id": "5a5a5a5a-0000-4000-8000-00000000005a", "appId": "6b6b6b6b-0000-4000-8000-00000000006b", "displayName": "svc-app", "passwordCredentials": [{"secretText": "zqxcanaryspsecret"}]}]"#.into()),
        ("azure/role-assignments.json".into(), format!(r#"[{{"principalId": "b8153b62-ae54-4f26-a6b6-5062213dbe99", "principalType": "User", "roleDefinitionId": "{ra}/f6c7c914-8db3-469d-8ca1-694a8f32e121", "scope": "{ws}", "description": "temporary: password zqxcanaryradescription"}}, {{"principalId": "5a5a5a5a-0000-4000-8000-00000000005a", "roleDefinitionId": "{ra}/acdd72a7-3385-48ef-bd42-f606fba81ae7", "scope": "{ws}"}}]"#)),
        ("azure/storage.json".into(), format!(r#"{{"type": "Microsoft.Storage/storageAccounts", "id": "{rg}/providers/Microsoft.Storage/storageAccounts/stdata", "name": "stdata", "allowSharedKeyAccess": true, "connectionString": "DefaultEndpointsProtocol=https;AccountName=stdata;AccountKey=zqxcanarystgconnstr", "keys": [{{"keyName": "key1", "value": "zqxcanarystgkey"}}], "primaryEndpoints": {{"blob": "https://stdata.blob.core.windows.net/?sig=zqxcanarystgsas"}}}}"#)),
        ("azure/keyvault.json".into(), format!(r#"{{"type": "Microsoft.KeyVault/vaults", "id": "{rg}/providers/Microsoft.KeyVault/vaults/kv-main", "name": "kv-main", "properties": {{"vaultUri": "https://kv-main.vault.azure.net/", "enableRbacAuthorization": true, "secrets": [{{"name": "db", "value": "zqxcanarykvsecret"}}]}}}}"#)),
        ("azure/acr.json".into(), format!(r#"{{"type": "Microsoft.ContainerRegistry/registries", "id": "{rg}/providers/Microsoft.ContainerRegistry/registries/acrx", "name": "acrx", "adminUserEnabled": true, "loginServer": "acrx.azurecr.io", "passwords": [{{"name": "password", "value": "zqxcanaryacrpassword"}}]}}"#)),
        ("azure/storage-typeerror.json".into(), format!(r#"{{"type": "Microsoft.Storage/storageAccounts", "id": "{rg}/providers/Microsoft.Storage/storageAccounts/stbad", "name": "stbad", "allowSharedKeyAccess": "zqxcanarytypeerror"}}"#)),
        ("azure/broken.json".into(), "{\"type\": \"Microsoft.KeyVault/vaults\", \"password\": \"zqxcanaryjsonsyntax\" \"x\"}".into()),
        ("azure/ml-datastore.json".into(), format!(r#"{{"id": "{ws}/datastores/ds-show", "name": "ds-show", "type": "azure_blob", "account_name": "stdata", "container_name": "c", "credentials": {{"account_key": "zqxcanarymlshowkey"}}}}"#)),
    ]
}

fn commands() -> Vec<Vec<&'static str>> {
    let mut v: Vec<Vec<&str>> = Vec::new();
    for f in ["text", "json"] {
        v.push(vec!["who-can", "workspace:ws-main", "--format", f]);
        v.push(vec!["who-can", "datastore:ds-key", "--format", f]);
        v.push(vec!["who-can", "endpoint:ep-c", "--format", f]);
        v.push(vec!["who-can", "connection:conn-aoai", "--format", f]);
        v.push(vec!["what-can", "alice@contoso.com", "--format", f]);
        v.push(vec!["what-can", "svc-app", "--format", f]);
        v.push(vec!["what-can", "compute:cpu", "--format", f]);
        v.push(vec![
            "explain",
            "alice@contoso.com",
            "datastore:ds-key",
            "--format",
            f,
        ]);
        v.push(vec![
            "explain",
            "alice@contoso.com",
            "endpoint:ep-c",
            "--format",
            f,
        ]);
        v.push(vec!["explain", "svc-app", "storage:stdata", "--format", f]);
        v.push(vec!["lint", "--format", f]);
        v.push(vec!["rules", "--format", f]);
        v.push(vec!["rules", "DS-CREDENTIAL", "--format", f]);
    }
    v.push(vec!["export", "--format", "json"]);
    v.push(vec![
        "export",
        "--format",
        "json",
        "--resource",
        "datastore:ds-key",
    ]);
    v.push(vec![
        "export",
        "--format",
        "json",
        "--principal",
        "alice@contoso.com",
    ]);
    v.push(vec!["export", "--format", "dot"]);
    v.push(vec!["who-can", "zqxcanaryarg"]);
    v
}

fn check_no_canary(dir: &Path, args: &[&str], canaries: &[String]) -> bool {
    let r = run_in(dir, args);
    let all = r.all();
    for c in canaries {
        assert!(
            !all.contains(c.as_str()),
            "reach {args:?} leaked {c}:\n{all}"
        );
    }
    // 3: answered, but incomplete (the canary project has broken entries on purpose)
    matches!(r.code, Some(0 | 3))
}

#[test]
fn canaries_never_show_in_any_output() {
    let d = tempfile::tempdir().unwrap();
    let mut canaries = Vec::new();
    for (f, body) in canary_project() {
        let p = d.path().join(&f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &body).unwrap();
        let mut rest = body.as_str();
        while let Some(i) = rest.find("zqxcanary") {
            let tail = &rest[i..];
            let end = tail
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(tail.len());
            canaries.push(tail[..end].to_string());
            rest = &tail[end..];
        }
    }
    canaries.retain(|c| c != "zqxcanaryarg");
    assert!(canaries.len() >= 25, "{canaries:?}");
    let mut answered = 0;
    for args in commands() {
        let mut a = args.clone();
        a.extend(["-p", "."]);
        if args[0] == "rules" {
            a.truncate(args.len());
        }
        answered += usize::from(check_no_canary(d.path(), &a, &canaries));
    }
    // `reach PATH` (summary) too.
    check_no_canary(d.path(), &["."], &canaries);
    assert!(answered >= 20, "most commands must answer, {answered} did");
}

#[test]
fn demo_fake_secrets_never_show() {
    let canaries = [
        "cmVhY2gtZGVtby1GQUtFLWFjY291bnQta2V5L2RzLXJhdzqFhdU2AqGOnr0lrFZSdqhVc6NfHkeWkEB/+9x7NA=="
            .to_string(),
        "cmVhY2gtZGVtby1GQUtFLWFjY291bnQta2V5".to_string(),
        "ed628a829b30d3a989b3803f45de763e".to_string(),
    ];
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in ["text", "json"] {
        for args in [
            vec!["who-can", "datastore:ds-raw", "--format", f],
            vec!["who-can", "connection:aoai-conn", "--format", f],
            vec!["who-can", "endpoint:ep-fraud", "--format", f],
            vec!["what-can", "alice@contoso.com", "--format", f],
            vec![
                "explain",
                "alice@contoso.com",
                "datastore:ds-raw",
                "--format",
                f,
            ],
            vec!["lint", "--format", f],
        ] {
            let mut a = args.clone();
            a.push("--demo");
            check_no_canary(here, &a, &canaries);
        }
    }
    check_no_canary(here, &["export", "--format", "json", "--demo"], &canaries);
    check_no_canary(here, &["--demo"], &canaries);
}
