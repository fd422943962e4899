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
    // sp-deployer is Contributor on the subscription; carol is only PIM-eligible for Owner (not
    // active): listed, marked latent
    assert_eq!(
        names,
        [
            "alice@contoso.com",
            "bob@contoso.com",
            "carol@contoso.com",
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
    let latent: Vec<(&str, &str)> = w["principals"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?, p["latent"].as_str()?)))
        .collect();
    assert_eq!(latent, [("carol@contoso.com", "eligible")], "{}", r.stdout);
    assert_eq!(who["carol@contoso.com"], [["RBAC-PIM-ELIGIBLE"]]);
    assert!(
        r.stdout.contains(r#""until": "2027-01-10T00:31:41.477Z""#),
        "{}",
        r.stdout
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
    // every file collect writes is a shape reach reads (issue 14): nothing "not recognised",
    // no load error, and every managed identity named by its owner or UAI name
    let lint = reach(&scn, &["lint", "-p", p, "--format", "json"], out.path());
    let l: Value = serde_json::from_str(&lint.stdout).unwrap();
    let load: Vec<&Value> = l["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"] == "LOAD"
                && (f["severity"] == "error"
                    || f["message"].as_str().unwrap().contains("not recognised"))
        })
        .collect();
    assert!(load.is_empty(), "{load:#?}");
    let e = reach(&scn, &["export", "--format", "json", "-p", p], out.path());
    let x: Value = serde_json::from_str(&e.stdout).unwrap();
    for pr in x["principals"].as_array().unwrap() {
        let name = pr["name"].as_str().unwrap();
        if pr["type"] == "ManagedIdentity" {
            assert!(
                !(name.len() == 36 && name.matches('-').count() == 4),
                "a managed identity shown as a bare GUID: {pr}"
            );
        }
    }
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

/// A workspace with 20 computes, 20 online endpoints and 5,000 role assignments (1,204
/// principals in 30 groups), each az call taking 50 ms: the work is counted (calls, batches,
/// parallel calls), not timed; the time is printed for the record.
#[test]
fn a_large_workspace_is_read_in_parallel_with_few_calls() {
    if skip() {
        return;
    }
    let mut s = contoso();
    s.delay_ms = 50;
    let ws = ws_id();
    let computes: Vec<Value> = (0..20)
        .map(|i| json!({"id": format!("{ws}/computes/cc-{i:02}"), "name": format!("cc-{i:02}"), "type": "amlcompute",
            "identity": {"type": "system_assigned", "principal_id": format!("c0ffee00-0000-4000-8000-{i:012}"), "tenant_id": TENANT}}))
        .collect();
    s.route(
        ml(&["compute", "list"], &[]),
        vec![ok(serde_json::to_string_pretty(&computes).unwrap())],
    );
    let eps: Vec<Value> = (0..20)
        .map(|i| json!({"id": format!("{ws}/onlineEndpoints/ep-{i:02}"), "name": format!("ep-{i:02}"), "auth_mode": "key",
            "scoring_uri": format!("https://ep-{i:02}.eastus.inference.ml.azure.com/score"),
            "identity": {"type": "system_assigned", "principal_id": format!("e0e0e0e0-0000-4000-8000-{i:012}"), "tenant_id": TENANT}}))
        .collect();
    s.route(
        ml(&["online-endpoint", "list"], &[]),
        vec![ok(serde_json::to_string_pretty(&eps).unwrap())],
    );
    for (i, e) in eps.iter().enumerate() {
        let name = format!("ep-{i:02}");
        s.route(
            ml(&["online-endpoint", "show"], &["--name", &name]),
            vec![ok(e.to_string())],
        );
        s.route(
            ml(&["online-deployment", "list"], &["--endpoint-name", &name]),
            vec![ok("[]".into())],
        );
    }
    let roles = [
        "f6c7c914-8db3-469d-8ca1-694a8f32e121",
        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    ];
    let user = |i: usize| format!("a0000000-0000-4000-8000-{i:012}");
    let group = |i: usize| format!("b0000000-0000-4000-8000-{i:012}");
    let scopes = [format!("/subscriptions/{SUB}"), rg_id(), ws.clone()];
    let assignments: Vec<Value> = (0..5000)
        .map(|i| {
            let (pid, ptype) = if i % 40 == 0 { (group(i / 40 % 30), "Group") } else { (user(i % 1200), "User") };
            json!({"id": format!("{}/providers/Microsoft.Authorization/roleAssignments/{i:08}-0000-4000-8000-000000000000", scopes[i % 3]),
                "name": format!("{i:08}-0000-4000-8000-000000000000"), "principalId": pid, "principalType": ptype,
                "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{}", roles[i % 5]),
                "scope": scopes[i % 3], "type": "Microsoft.Authorization/roleAssignments", "condition": null, "conditionVersion": null})
        })
        .collect();
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
        vec![ok(serde_json::to_string_pretty(&assignments).unwrap())],
    );
    // the principals: those of both subscriptions' assignments, PIM's carol, the deny exclusion
    let mut ids: std::collections::BTreeSet<String> = assignments
        .iter()
        .map(|a| a["principalId"].as_str().unwrap().to_string())
        .collect();
    let sub2: Value = serde_json::from_str(&fixture("role-assignments.sub2.json")).unwrap();
    ids.extend(
        sub2.as_array()
            .unwrap()
            .iter()
            .map(|a| a["principalId"].as_str().unwrap().to_string()),
    );
    ids.insert("1b2c3d4e-5f60-4172-8384-a5b6c7d8e9f3".into());
    ids.insert("d75cae5f-db64-47f8-a539-e1c6375c7d87".into());
    let ids: Vec<String> = ids.into_iter().collect();
    let known: Value = serde_json::from_str(&fixture("principals.json")).unwrap();
    let object = |id: &str| -> Value {
        if let Some(o) = known["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
        {
            return o.clone();
        }
        if id.starts_with('b') {
            json!({"@odata.type": "#microsoft.graph.group", "id": id, "displayName": format!("team-{}", &id[30..]), "securityEnabled": true, "groupTypes": []})
        } else {
            json!({"@odata.type": "#microsoft.graph.user", "id": id, "displayName": format!("User {}", &id[30..]), "userPrincipalName": format!("u{}@contoso.com", &id[30..])})
        }
    };
    assert_eq!(
        ids.len(),
        1170 + 30 + 4,
        "users, groups, and the contoso principals of SUB2, PIM and the deny"
    );
    for chunk in ids.chunks(1000) {
        let body = json!({"value": chunk.iter().map(|i| object(i)).collect::<Vec<_>>()});
        s.route(get_by_ids(chunk), vec![ok(body.to_string())]);
    }
    for g in 0..30 {
        let members: Vec<Value> = (0..10).map(|k| object(&user(g * 10 + k))).collect();
        s.route(
            rest(&format!(
                "{GRAPH}/groups/{}/members?$select={SELECT}&$top=999",
                group(g)
            )),
            vec![ok(json!({"value": members}).to_string())],
        );
    }
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("tenant");
    let r = collect(&s, &dir, &["--jobs", "4"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(s.unmatched().is_empty(), "{:#?}", s.unmatched());
    let calls = s.calls();
    let count = |pred: &dyn Fn(&Vec<String>) -> bool| calls.iter().filter(|c| pred(c)).count();
    assert_eq!(
        count(&|c| c.iter().any(|a| a.ends_with("/directoryObjects/getByIds"))),
        2,
        "1,204 principals: two batches"
    );
    assert_eq!(
        count(&|c| c.get(2).map(String::as_str) == Some("show") && c[1] == "online-endpoint"),
        20
    );
    assert_eq!(
        count(&|c| c.iter().any(|a| a.contains("/roleDefinitions/"))),
        5 + 2 + 1,
        "one read per role (SUB, SUB2, PIM)"
    );
    assert_eq!(
        count(&|c| c.iter().any(|a| a.contains("/members?"))),
        30 + 3,
        "each group once (ml-team: two pages)"
    );
    // every call is one az process: 3 up-front, the rest one per input or page, no retry
    let m = manifest(&dir);
    let recorded: u64 = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["calls"].as_u64().unwrap())
        .sum();
    assert_eq!(
        calls.len() as u64,
        recorded + 2,
        "the up-front workspace show is the workspace input"
    );
    assert!(calls.len() <= 130, "{} calls", calls.len());
    let most = s.max_inflight();
    assert!(
        (2..=4).contains(&most),
        "{most} az processes at once (--jobs 4)"
    );
    let ra = read(&dir, &format!("azure/role-assignments.{SUB}.json"));
    assert_eq!(ra.as_array().unwrap().len(), 5000);
    eprintln!(
        "large workspace: {} az calls, at most {most} at once",
        calls.len()
    );
}
