//! `reach collect` against the fake az (tests/fake_az/fake_az.py, Python 3): the folder, the manifest,
//! retries, denied/unlicensed inputs, up-front failures, --resume after an interruption, and
//! what reach answers on the collected folder. No network anywhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod collect_support;

use collect_support::*;
use serde_json::{json, Value};
use std::path::Path;

fn skip() -> bool {
    if !python3() {
        eprintln!("python3 not found: the fake az needs it; collect tests skipped");
        return true;
    }
    false
}

fn collect(scn: &Scenario, out: &Path, extra: &[&str]) -> Run {
    let o = out.to_str().unwrap();
    let mut args = vec!["collect", "-g", "rg-ml", "-w", "ws-main", "-o", o];
    args.extend(extra);
    reach(scn, &args, Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn read(dir: &Path, rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(rel)).unwrap()).unwrap()
}

const FILES: &[&str] = &[
    "azure/deny-assignments.0b8e3c11-2d4f-4a6b-9c8d-7e6f5a4b3c21.json",
    "azure/deny-assignments.6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69.json",
    "azure/resources/acr.acrmain.json",
    "azure/resources/identity.uai-train.json",
    "azure/resources/identity.uai-ws.json",
    "azure/resources/keyvault.kv-main.json",
    "azure/resources/storage.stmaindata.json",
    "azure/role-assignments.0b8e3c11-2d4f-4a6b-9c8d-7e6f5a4b3c21.json",
    "azure/role-assignments.6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69.json",
    "azureml/ws-main/batch-endpoints.json",
    "azureml/ws-main/computes.json",
    "azureml/ws-main/connections.json",
    "azureml/ws-main/datastores.json",
    "azureml/ws-main/environments.json",
    "azureml/ws-main/online-endpoints.json",
    "azureml/ws-main/online-endpoints/ep-fraud.deployments.json",
    "azureml/ws-main/online-endpoints/ep-fraud.json",
    "azureml/ws-main/workspace.json",
    "entra/members/45f25951-d04f-4c44-b9b0-2a79e915658d.members.json",
    "entra/members/9e8d7c6b-5a49-4382-9170-6e5d4c3b2a10.members.json",
    "entra/principals.1.json",
];

#[test]
fn collects_the_contoso_workspace_into_one_file_per_input() {
    if skip() {
        return;
    }
    let scn = contoso();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("tenant");
    let r = collect(&scn, &dir, &[]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(
        scn.unmatched().is_empty(),
        "unplanned calls: {:#?}",
        scn.unmatched()
    );
    let m = manifest(&dir);
    let st = statuses(&m);
    for f in FILES {
        assert_eq!(
            st.get(*f).map(String::as_str),
            Some("complete"),
            "{f}: {st:#?}"
        );
        assert!(dir.join(f).is_file(), "{f} not written");
    }
    assert!(st.values().all(|s| s == "complete"), "{st:#?}");
    assert_eq!(
        st.keys()
            .filter(|f| f.starts_with("azure/role-definitions/"))
            .count(),
        8
    );
    assert_eq!(
        st.keys().filter(|f| f.starts_with("azure/pim/")).count(),
        14
    );
    // the experimental-class line is not in the file; the file is az's JSON byte for byte
    let computes = std::fs::read_to_string(dir.join("azureml/ws-main/computes.json")).unwrap();
    assert_eq!(computes, fixture("computes.json"));
    // two pages of datastores: one document in the shape of one response
    let ds = read(&dir, "azureml/ws-main/datastores.json");
    assert_eq!(ds["value"].as_array().unwrap().len(), 2);
    assert!(ds.get("nextLink").is_none());
    let rec = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == "azureml/ws-main/datastores.json")
        .unwrap();
    assert_eq!(rec["pages"], 2);
    assert_eq!(rec["items"], 2);
    // the manifest: who, where, exact commands, no token
    assert_eq!(m["tenant"], TENANT);
    assert_eq!(m["account"], "auditor@contoso.com");
    assert_eq!(m["az_version"], "2.67.0");
    assert_eq!(m["sealed"], true);
    let ra = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == format!("azure/role-assignments.{SUB}.json"))
        .unwrap();
    assert_eq!(
        ra["command"],
        json!([
            "az",
            "role",
            "assignment",
            "list",
            "--all",
            "--subscription",
            SUB,
            "-o",
            "json"
        ])
    );
    assert_eq!(ra["items"], 5);
    let sha = ra["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    // nested groups were followed: fraud-squad came from ml-team's member list
    let squad = read(&dir, &format!("entra/members/{SQUAD}.members.json"));
    assert_eq!(squad["value"][0]["userPrincipalName"], "bob@contoso.com");
    // no temp file is left
    let mut leftovers = Vec::new();
    for e in walk(&dir) {
        if !e.ends_with(".json") {
            leftovers.push(e);
        }
    }
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.to_string_lossy().into_owned());
        }
    }
    out
}

/// Gaps of every kind: a 403, the PIM licence error, a 429 with and without Retry-After, a page
/// that keeps failing, an input that fails outright.
fn degraded() -> Scenario {
    let mut s = contoso();
    s.route(
        rest(&format!(
            "{ARM}/subscriptions/{SUB2}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01"
        )),
        vec![err(DENIED_REST, 1)],
    );
    for sc in [
        format!("/subscriptions/{SUB}"),
        format!("/subscriptions/{SUB2}"),
        rg_id(),
        ws_id(),
        storage_id(),
        kv_id(),
        acr_id(),
    ] {
        for eligible in [true, false] {
            s.route(rest(&pim_url(&sc, eligible)), vec![err(UNLICENSED, 1)]);
        }
    }
    s.route(
        v(&[
            "role",
            "assignment",
            "list",
            "--all",
            "--subscription",
            SUB,
            "-o",
            "json",
        ]),
        vec![
            err(THROTTLED_AFTER_2, 1),
            ok(fixture("role-assignments.sub1.json")),
        ],
    );
    let members = format!("{GRAPH}/groups/{ML_TEAM}/members?$select={SELECT}&$top=999");
    s.route(
        rest(&members),
        vec![
            err(THROTTLED_GRAPH, 1),
            ok(fixture("members.ml-team.page1.json")),
        ],
    );
    let ds = format!("{ARM}{}/datastores?api-version=2024-04-01&$skip=1", ws_id());
    s.route(
        rest(&ds),
        vec![err(
            "ERROR: Service Unavailable({\"error\":{\"code\":\"ServiceUnavailable\"}})",
            1,
        )],
    );
    s.route(
        ml(&["environment", "list"], &[]),
        vec![err("ERROR: An unexpected error occurred.", 1)],
    );
    // carol is named only by the PIM instances, which were not read
    let mut ids: Vec<String> = serde_json::from_str(&fixture("principal-ids.json")).unwrap();
    ids.retain(|i| i != "1b2c3d4e-5f60-4172-8384-a5b6c7d8e9f3");
    s.route(get_by_ids(&ids), vec![ok(fixture("principals.json"))]);
    s
}

fn input<'a>(m: &'a Value, file: &str) -> &'a Value {
    m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == file)
        .unwrap_or_else(|| panic!("{file} not in the manifest"))
}

#[test]
fn gaps_are_recorded_per_input_and_become_findings() {
    if skip() {
        return;
    }
    let scn = degraded();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("tenant");
    let r = collect(&scn, &dir, &["--tries", "3"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("not complete"), "{}", r.stdout);
    let m = manifest(&dir);
    let st = statuses(&m);
    assert_eq!(st[&format!("azure/deny-assignments.{SUB2}.json")], "denied");
    assert!(
        !dir.join(format!("azure/deny-assignments.{SUB2}.json"))
            .exists(),
        "no file for a denied input"
    );
    let pim: Vec<&String> = st
        .iter()
        .filter(|(f, _)| f.starts_with("azure/pim/"))
        .map(|(_, s)| s)
        .collect();
    assert_eq!(pim.len(), 14);
    assert!(pim.iter().all(|s| *s == "unlicensed"), "{pim:?}");
    assert_eq!(st["azureml/ws-main/datastores.json"], "partial");
    assert_eq!(
        read(&dir, "azureml/ws-main/datastores.json")["value"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(st["azureml/ws-main/environments.json"], "failed");
    // 429 with Retry-After 2 s: waited exactly that, one retry
    let ra = input(&m, &format!("azure/role-assignments.{SUB}.json"));
    assert_eq!(ra["status"], "complete");
    assert_eq!(ra["calls"], 2);
    assert_eq!(ra["waited_ms"], 2000);
    // 429 without Retry-After: the default backoff (2 s, plus at most a quarter)
    let mem = input(&m, &format!("entra/members/{ML_TEAM}.members.json"));
    assert_eq!(mem["status"], "complete");
    assert_eq!(mem["calls"], 3, "one retry, then two pages");
    let w = mem["waited_ms"].as_u64().unwrap();
    assert!((2000..=2500).contains(&w), "{w}");
    // the failing page: three tries, then partial
    assert_eq!(input(&m, "azureml/ws-main/datastores.json")["calls"], 4);
    assert!(r.stderr.contains("retry"), "{}", r.stderr);

    // reach on the folder: each gap is a COLLECT warning in lint …
    let lint = reach(
        &scn,
        &["lint", "-p", dir.to_str().unwrap(), "--format", "json"],
        out.path(),
    );
    let fs: Value = serde_json::from_str(&lint.stdout).unwrap();
    let collect: Vec<&Value> = fs["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "COLLECT")
        .collect();
    let msgs: Vec<&str> = collect
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs.iter().any(|m| m.starts_with(&format!(
            "deny assignments of subscription {SUB2} were not read (denied)"
        ))),
        "{msgs:#?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("were not read (unlicensed)")),
        "{msgs:#?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m
                .starts_with("datastores of workspace ws-main were read only in part (partial)")),
        "{msgs:#?}"
    );
    assert_eq!(
        collect
            .iter()
            .filter(|f| f["severity"] == "warning")
            .count(),
        17,
        "{msgs:#?}"
    );
    // … and a note on the who-can answers it may affect
    let storage = reach(
        &scn,
        &[
            "who-can",
            "storage:stmaindata",
            "-p",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ],
        out.path(),
    );
    assert_eq!(storage.code, Some(0), "{}", storage.stderr);
    assert!(
        storage.stdout.contains(&format!(
            "deny assignments of subscription {SUB2} were not read (denied)"
        )),
        "{}",
        storage.stdout
    );
    let text = reach(
        &scn,
        &["who-can", "storage:stmaindata", "-p", dir.to_str().unwrap()],
        out.path(),
    );
    assert!(
        text.stdout
            .contains("note: deny assignments of subscription"),
        "{}",
        text.stdout
    );
    let ws = reach(
        &scn,
        &[
            "who-can",
            "workspace:ws-main",
            "--action",
            "read",
            "-p",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ],
        out.path(),
    );
    assert!(
        !ws.stdout
            .contains(&format!("deny assignments of subscription {SUB2}")),
        "not about this subscription: {}",
        ws.stdout
    );
    assert!(
        ws.stdout
            .contains("environments of workspace ws-main were not read (failed)"),
        "{}",
        ws.stdout
    );
}

#[test]
fn who_can_on_the_collected_folder_names_principals_and_paths() {
    if skip() {
        return;
    }
    let scn = contoso();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("tenant");
    assert_eq!(collect(&scn, &dir, &[]).code, Some(0));
    let p = dir.to_str().unwrap();
    let r = reach(
        &scn,
        &[
            "who-can",
            "workspace:ws-main",
            "--action",
            "read",
            "-p",
            p,
            "--format",
            "json",
        ],
        out.path(),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let w: Value = serde_json::from_str(&r.stdout).unwrap();
    let who: std::collections::BTreeMap<String, Vec<Vec<String>>> = w["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let paths = p["paths"].as_array().unwrap().iter().map(|x| {
                x["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string())
                    .collect()
            });
            (p["name"].as_str().unwrap().to_string(), paths.collect())
        })
        .collect();
    let names: Vec<&str> = who.keys().map(String::as_str).collect();
    // ml-team holds AzureML Data Scientist on the workspace; alice is in it, bob through
    // fraud-squad (a nested group read from ml-team's member list) and his own Reader on rg-ml;
    // sp-deployer is Contributor on the subscription; carol is only PIM-eligible (not active)
    assert_eq!(
        names,
        [
            "alice@contoso.com",
            "bob@contoso.com",
            "fraud-squad",
            "ml-team",
            "sp-deployer"
        ],
        "{}",
        r.stdout
    );
    assert!(
        who["alice@contoso.com"]
            .iter()
            .any(|p| p == &["RBAC-GROUP", "RBAC-SCOPE"]),
        "{:?}",
        who["alice@contoso.com"]
    );
    assert!(
        who["bob@contoso.com"]
            .iter()
            .any(|p| p == &["RBAC-GROUP", "RBAC-GROUP", "RBAC-SCOPE"]),
        "{:?}",
        who["bob@contoso.com"]
    );
    assert!(
        who["bob@contoso.com"].iter().any(|p| p == &["RBAC-SCOPE"]),
        "{:?}",
        who["bob@contoso.com"]
    );
    assert!(
        !w.to_string().contains("not read"),
        "no gap in a complete collection"
    );
    // the UAI reaches the storage account in the other subscription
    let st = reach(
        &scn,
        &[
            "who-can",
            "storage:stmaindata",
            "--action",
            "write-blobs",
            "-p",
            p,
        ],
        out.path(),
    );
    assert!(st.stdout.contains("uai-ws"), "{}", st.stdout);
}

#[test]
fn up_front_failures_exit_2_and_write_nothing() {
    if skip() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("tenant");
    let cases: Vec<(Scenario, Vec<&str>, &str)> = vec![
        (
            {
                let mut s = contoso();
                s.route(
                    v(&["account", "show", "-o", "json"]),
                    vec![err("ERROR: Please run 'az login' to setup account.", 1)],
                );
                s
            },
            vec![],
            "az is not logged in: run `az login`",
        ),
        (
            {
                let mut s = contoso();
                s.route(
                    v(&["version", "-o", "json"]),
                    vec![ok("{\"azure-cli\": \"2.67.0\", \"extensions\": {}}".into())],
                );
                s
            },
            vec![],
            "run `az extension add --name ml`",
        ),
        (
            contoso(),
            vec!["--tenant", "11111111-2222-4333-8444-555555555555"],
            "run `az login --tenant 11111111-2222-4333-8444-555555555555`",
        ),
        (
            {
                let mut s = contoso();
                s.route(
                v(&["ml", "workspace", "show", "--name", "ws-main", "--resource-group", "rg-ml", "--subscription", SUB, "-o", "json"]),
                vec![err("ERROR: (AuthorizationFailed) The client 'auditor@contoso.com' with object id 'x' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read' over scope '/subscriptions/x'.\nCode: AuthorizationFailed", 1)],
            );
                s
            },
            vec![],
            "ask for Reader on the workspace or its resource group",
        ),
        (
            {
                let mut s = contoso();
                s.route(
                v(&["ml", "workspace", "show", "--name", "ws-main", "--resource-group", "rg-ml", "--subscription", SUB, "-o", "json"]),
                vec![err("ERROR: (ResourceNotFound) The Resource 'Microsoft.MachineLearningServices/workspaces/ws-main' under resource group 'rg-ml' was not found.\nCode: ResourceNotFound", 1)],
            );
                s
            },
            vec![],
            "was not found: check -g and -w",
        ),
        (
            {
                let mut s = contoso();
                s.route(
                v(&["account", "show", "--subscription", "nope", "-o", "json"]),
                vec![err("ERROR: Subscription 'nope' not found. Check the spelling and casing and try again.", 1)],
            );
                s
            },
            vec!["--subscription", "nope"],
            "subscription nope is not one az can use",
        ),
    ];
    for (scn, extra, want) in cases {
        let r = collect(&scn, &dir, &extra);
        assert_eq!(r.code, Some(2), "{want}: {}", r.stderr);
        assert!(r.stderr.contains(want), "want {want:?} in {}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "one line: {}", r.stderr);
        assert!(!dir.exists(), "{want}: the folder was written");
    }
    // az not installed: a PATH without it
    let scn = contoso();
    let r = reach_env(
        &scn,
        &[
            "collect",
            "-g",
            "rg-ml",
            "-w",
            "ws-main",
            "-o",
            dir.to_str().unwrap(),
        ],
        out.path(),
        &[("PATH", "/nonexistent")],
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains("az (the Azure CLI) is not installed or not on PATH"),
        "{}",
        r.stderr
    );
    assert!(!dir.exists());
    // a folder with other files in it
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("x.yml"), "a: 1").unwrap();
    let r = collect(&scn, &dir, &[]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("is not empty"), "{}", r.stderr);
    assert!(scn.calls().is_empty(), "checked before any az call");
}

#[test]
fn resume_after_an_interruption_reads_only_what_is_missing() {
    if skip() {
        return;
    }
    let mut scn = contoso();
    // reach is killed (as by ^C or a crash) while reading one role definition
    let rd = rest(&format!(
        "{ARM}/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c?api-version=2022-04-01"
    ));
    let body = fixture("role-definition.b24988ac-6180-42a0-ab88-20f7382dd24c.json");
    scn.route(
        rd.clone(),
        vec![json!({"kill_parent": true, "stdout": body.clone()})],
    );
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("tenant");
    let r = collect(&scn, &dir, &["--jobs", "1"]);
    assert_eq!(r.code, None, "killed: {}", r.stderr);
    let m = manifest(&dir);
    assert_eq!(m["sealed"], false);
    let st = statuses(&m);
    let done: Vec<&String> = st
        .iter()
        .filter(|(_, s)| *s == "complete")
        .map(|(f, _)| f)
        .collect();
    assert!(st.values().any(|s| s == "pending"), "{st:#?}");
    assert!(done.len() > 20, "{st:#?}");
    for f in walk(&dir) {
        if f.ends_with(".json") {
            let text = std::fs::read_to_string(&f).unwrap();
            assert!(
                serde_json::from_str::<Value>(&text).is_ok(),
                "{f} is not whole JSON"
            );
        }
    }
    // reach reads the unfinished folder and says so
    let lint = reach(
        &scn,
        &["lint", "-p", dir.to_str().unwrap(), "--format", "json"],
        out.path(),
    );
    assert!(lint.stdout.contains("did not finish"), "{}", lint.stdout);
    // without --resume the folder is refused
    let again = collect(&scn, &dir, &[]);
    assert_eq!(again.code, Some(2));
    assert!(again.stderr.contains("add --resume"), "{}", again.stderr);
    // --resume: only what was not complete is read again
    scn.route(rd, vec![ok(body)]);
    let r = collect(&scn, &dir, &["--resume"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let calls = scn.calls();
    let m2 = manifest(&dir);
    assert_eq!(m2["sealed"], true);
    assert!(statuses(&m2).values().all(|s| s == "complete"));
    for f in &done {
        let rec = input(&m2, f);
        if f.as_str() != "azureml/ws-main/workspace.json" {
            assert_eq!(rec["resumed"], true, "{f} read again");
        }
        let cmd: Vec<String> = rec["command"].as_array().unwrap()[1..]
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        if !f.ends_with("workspace.json")
            && !f.starts_with("azureml/ws-main/datastores")
            && !f.starts_with("entra/members/")
        {
            assert!(!calls.contains(&cmd), "{f} was read again");
        }
    }
    assert!(calls.len() < 20, "{} calls on resume", calls.len());
}
