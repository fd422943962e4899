//! Scenarios for the fake `az` (tests/fake_az/fake_az.py): routes from an exact argument list to recorded
//! replies, the contoso tenant built from tests/fixtures/collect/contoso, and a runner that puts
//! the fake first on PATH.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[path = "../common/mod.rs"]
mod common;

pub const SUB: &str = "6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69";
pub const SUB2: &str = "0b8e3c11-2d4f-4a6b-9c8d-7e6f5a4b3c21";
pub const TENANT: &str = "3c5e7a91-4b2d-4f6e-8a1c-9d0e2f4a6b8c";
pub const ML_TEAM: &str = "45f25951-d04f-4c44-b9b0-2a79e915658d";
pub const SQUAD: &str = "9e8d7c6b-5a49-4382-9170-6e5d4c3b2a10";
pub const ARM: &str = "https://management.azure.com";
pub const GRAPH: &str = "https://graph.microsoft.com/v1.0";
pub const SELECT: &str =
    "id,displayName,userPrincipalName,appId,servicePrincipalType,alternativeNames";

pub fn rg_id() -> String {
    format!("/subscriptions/{SUB}/resourceGroups/rg-ml")
}
pub fn ws_id() -> String {
    format!(
        "{}/providers/Microsoft.MachineLearningServices/workspaces/ws-main",
        rg_id()
    )
}
pub fn storage_id() -> String {
    format!("/subscriptions/{SUB2}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stmaindata")
}
pub fn kv_id() -> String {
    format!("{}/providers/Microsoft.Keyvault/vaults/kv-main", rg_id())
}
pub fn acr_id() -> String {
    format!(
        "{}/providers/Microsoft.ContainerRegistry/registries/acrmain",
        rg_id()
    )
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collect/contoso")
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

pub fn v(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

/// `az ml <words> [extra] --resource-group rg-ml --workspace-name ws-main --subscription SUB -o json`
pub fn ml(words: &[&str], extra: &[&str]) -> Vec<String> {
    let mut a = v(&["ml"]);
    a.extend(v(words));
    a.extend(v(extra));
    a.extend(v(&[
        "--resource-group",
        "rg-ml",
        "--workspace-name",
        "ws-main",
        "--subscription",
        SUB,
        "-o",
        "json",
    ]));
    a
}

pub fn rest(url: &str) -> Vec<String> {
    v(&["rest", "--method", "get", "--url", url, "-o", "json"])
}

pub fn show(group: &[&str], id: &str) -> Vec<String> {
    let parts: Vec<&str> = id.split('/').collect();
    let (sub, rg, name) = (parts[2], parts[4], *parts.last().unwrap());
    let mut a = v(group);
    a.extend(v(&[
        "--name",
        name,
        "--resource-group",
        rg,
        "--subscription",
        sub,
        "-o",
        "json",
    ]));
    a
}

pub fn pim_url(scope: &str, eligible: bool) -> String {
    let api = if eligible {
        "roleEligibilityScheduleInstances"
    } else {
        "roleAssignmentScheduleInstances"
    };
    format!("{ARM}{scope}/providers/Microsoft.Authorization/{api}?api-version=2020-10-01")
}

pub fn ok(body: String) -> Value {
    json!({ "stdout": body })
}
pub fn err(stderr: &str, code: i32) -> Value {
    json!({ "stderr": format!("{stderr}\n"), "exit": code })
}

pub const DENIED_REST: &str = r#"ERROR: Forbidden({"error":{"code":"AuthorizationFailed","message":"The client 'auditor@contoso.com' with object id '5b6c7d8e-9f00-4112-8334-455667788990' does not have authorization to perform action 'Microsoft.Authorization/denyAssignments/read' over scope '/subscriptions/0b8e3c11-2d4f-4a6b-9c8d-7e6f5a4b3c21' or the scope is invalid. If access was recently granted, please refresh your credentials."}})"#;
pub const UNLICENSED: &str = r#"ERROR: Bad Request({"error":{"code":"AadPremiumLicenseRequired","message":"The tenant needs an AAD Premium 2 license."}})"#;
pub const THROTTLED_AFTER_2: &str = r#"ERROR: (SubscriptionRequestsThrottled) Number of 'read' requests for subscription '6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69' actor '5b6c7d8e-9f00-4112-8334-455667788990' exceeded. Please try again after '2' seconds after the additional request
Code: SubscriptionRequestsThrottled"#;
pub const THROTTLED_GRAPH: &str = r#"ERROR: Too Many Requests({"error":{"code":"TooManyRequests","message":"Too many requests.","innerError":{"date":"2026-05-01T10:00:00","request-id":"9a1b2c3d-0000-4000-8000-000000000001"}}})"#;
pub const EXPERIMENTAL: &str = "Class AmlCompute: This is an experimental class, and may change at any time. Please see https://aka.ms/azuremlexperimental for more information.";

/// A scenario: routes and their replies.
pub struct Scenario {
    pub dir: tempfile::TempDir,
    pub delay_ms: u64,
    pub routes: Vec<(Vec<String>, Vec<Value>)>,
}

impl Scenario {
    pub fn new() -> Scenario {
        Scenario {
            dir: tempfile::tempdir().unwrap(),
            delay_ms: 0,
            routes: Vec::new(),
        }
    }

    /// Set (or replace) the replies of `argv`.
    pub fn route(&mut self, argv: Vec<String>, replies: Vec<Value>) -> &mut Self {
        match self.routes.iter_mut().find(|(a, _)| *a == argv) {
            Some(r) => r.1 = replies,
            None => self.routes.push((argv, replies)),
        }
        self
    }

    pub fn write(&self) {
        let routes: Vec<Value> = self
            .routes
            .iter()
            .map(|(a, r)| json!({"argv": a, "replies": r}))
            .collect();
        let doc = json!({"delay_ms": self.delay_ms, "routes": routes});
        std::fs::write(self.dir.path().join("routes.json"), doc.to_string()).unwrap();
        let _ = std::fs::remove_dir_all(self.dir.path().join("state"));
    }

    /// Every call the fake az received, in order.
    pub fn calls(&self) -> Vec<Vec<String>> {
        let p = self.dir.path().join("state/calls.jsonl");
        std::fs::read_to_string(p)
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v["argv"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect()
            })
            .collect()
    }

    /// Calls that matched no route.
    pub fn unmatched(&self) -> Vec<String> {
        let p = self.dir.path().join("state/calls.jsonl");
        std::fs::read_to_string(p)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("\"route\": null"))
            .map(str::to_string)
            .collect()
    }

    pub fn max_inflight(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("state/max_inflight"))
            .unwrap_or_default()
            .trim()
            .parse()
            .unwrap_or(0)
    }
}

/// The contoso tenant: one workspace with a compute cluster (UAI), a compute instance, an online
/// endpoint with one deployment, two pages of datastores, a storage account in a second
/// subscription, role assignments in both, a deny assignment, one PIM-eligible user, and
/// ml-team ⊃ {alice, fraud-squad ⊃ {bob}}.
pub fn contoso() -> Scenario {
    let mut s = Scenario::new();
    s.route(
        v(&["version", "-o", "json"]),
        vec![ok(fixture("version.json"))],
    );
    s.route(
        v(&["account", "show", "-o", "json"]),
        vec![ok(fixture("account.json"))],
    );
    s.route(
        v(&["account", "show", "--subscription", SUB, "-o", "json"]),
        vec![ok(fixture("account.json"))],
    );
    s.route(
        v(&[
            "ml",
            "workspace",
            "show",
            "--name",
            "ws-main",
            "--resource-group",
            "rg-ml",
            "--subscription",
            SUB,
            "-o",
            "json",
        ]),
        vec![ok(fixture("workspace.json"))],
    );
    s.route(
        ml(&["compute", "list"], &[]),
        vec![json!({"prefix": EXPERIMENTAL, "stdout": fixture("computes.json")})],
    );
    s.route(
        ml(&["online-endpoint", "list"], &[]),
        vec![ok(fixture("online-endpoints.json"))],
    );
    s.route(
        ml(&["online-endpoint", "show"], &["--name", "ep-fraud"]),
        vec![ok(fixture("online-endpoint.ep-fraud.json"))],
    );
    s.route(
        ml(
            &["online-deployment", "list"],
            &["--endpoint-name", "ep-fraud"],
        ),
        vec![ok(fixture("online-deployments.ep-fraud.json"))],
    );
    s.route(
        ml(&["batch-endpoint", "list"], &[]),
        vec![ok(fixture("batch-endpoints.json"))],
    );
    s.route(
        ml(&["connection", "list"], &[]),
        vec![ok(fixture("connections.json"))],
    );
    s.route(
        ml(&["environment", "list"], &[]),
        vec![ok(fixture("environments.json"))],
    );
    let ds = format!("{ARM}{}/datastores?api-version=2024-04-01", ws_id());
    s.route(rest(&ds), vec![ok(fixture("datastores.page1.json"))]);
    s.route(
        rest(&format!("{ds}&$skip=1")),
        vec![ok(fixture("datastores.page2.json"))],
    );
    s.route(
        show(&["storage", "account", "show"], &storage_id()),
        vec![ok(fixture("storage.json"))],
    );
    s.route(
        show(&["keyvault", "show"], &kv_id()),
        vec![ok(fixture("keyvault.json"))],
    );
    s.route(
        show(&["acr", "show"], &acr_id()),
        vec![ok(fixture("acr.json"))],
    );
    for name in ["uai-ws", "uai-train"] {
        let id = format!(
            "{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
            rg_id()
        );
        s.route(
            show(&["identity", "show"], &id),
            vec![ok(fixture(&format!("identity.{name}.json")))],
        );
    }
    for (sub, file) in [
        (SUB, "role-assignments.sub1.json"),
        (SUB2, "role-assignments.sub2.json"),
    ] {
        s.route(
            v(&[
                "role",
                "assignment",
                "list",
                "--all",
                "--subscription",
                sub,
                "-o",
                "json",
            ]),
            vec![ok(fixture(file))],
        );
    }
    let deny = |sub: &str| {
        rest(&format!(
            "{ARM}/subscriptions/{sub}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01"
        ))
    };
    s.route(deny(SUB), vec![ok(fixture("deny-assignments.sub1.json"))]);
    s.route(deny(SUB2), vec![ok(fixture("pim-empty.json"))]);
    let scopes = [
        format!("/subscriptions/{SUB}"),
        format!("/subscriptions/{SUB2}"),
        rg_id(),
        ws_id(),
        storage_id(),
        kv_id(),
        acr_id(),
    ];
    for sc in &scopes {
        for eligible in [true, false] {
            s.route(
                rest(&pim_url(sc, eligible)),
                vec![ok(fixture("pim-empty.json"))],
            );
        }
    }
    s.route(
        rest(&pim_url(&format!("/subscriptions/{SUB}"), true)),
        vec![ok(fixture("pim-eligible.sub1.json"))],
    );
    for entry in std::fs::read_dir(fixtures()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(guid) = name
            .strip_prefix("role-definition.")
            .and_then(|n| n.strip_suffix(".json"))
        {
            let body = fixture(&name);
            let id = serde_json::from_str::<Value>(&body).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();
            let _ = guid;
            s.route(
                rest(&format!("{ARM}{id}?api-version=2022-04-01")),
                vec![ok(body)],
            );
        }
    }
    let ids: Vec<String> = serde_json::from_str(&fixture("principal-ids.json")).unwrap();
    s.route(get_by_ids(&ids), vec![ok(fixture("principals.json"))]);
    let members = |g: &str| format!("{GRAPH}/groups/{g}/members?$select={SELECT}&$top=999");
    s.route(
        rest(&members(ML_TEAM)),
        vec![ok(fixture("members.ml-team.page1.json"))],
    );
    s.route(
        rest(&format!("{}&$skiptoken=RFNwdAIAAQAAAA", members(ML_TEAM))),
        vec![ok(fixture("members.ml-team.page2.json"))],
    );
    s.route(
        rest(&members(SQUAD)),
        vec![ok(fixture("members.fraud-squad.json"))],
    );
    s
}

pub fn get_by_ids(ids: &[String]) -> Vec<String> {
    let body = json!({"ids": ids, "types": ["user", "group", "servicePrincipal"]}).to_string();
    v(&[
        "rest",
        "--method",
        "post",
        "--url",
        &format!("{GRAPH}/directoryObjects/getByIds"),
        "--body",
        &body,
        "-o",
        "json",
    ])
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_reach")
}

/// `reach ARGS` with the fake az first on PATH, waits scaled to nothing; killed after `limit`.
pub fn reach(scn: &Scenario, args: &[&str], cwd: &Path) -> Run {
    reach_env(scn, args, cwd, &[])
}

/// The real Python 3 interpreter (not a version manager's shim: the fake az is started
/// hundreds of times).
pub fn python() -> Option<String> {
    static PY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    PY.get_or_init(|| {
        let out = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .stderr(Stdio::null())
            .output()
            .ok()?;
        let p = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !p.is_empty()).then_some(p)
    })
    .clone()
}

/// A folder holding `az`: a shell script that runs tests/fake_az/fake_az.py.
pub fn fake_bin(scn: &Scenario) -> PathBuf {
    let bin = scn.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake_az/fake_az.py");
    let az = bin.join("az");
    std::fs::write(
        &az,
        format!(
            "#!/bin/sh\nexec '{}' '{}' \"$@\"\n",
            python().unwrap(),
            script.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

pub fn fake_path(scn: &Scenario) -> String {
    format!(
        "{}:{}",
        fake_bin(scn).display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

pub fn reach_env(scn: &Scenario, args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Run {
    scn.write();
    // KEEP_SCENARIO=DIR keeps a copy of the scenario (routes.json, fixtures) for a run by hand
    if let Ok(keep) = std::env::var("KEEP_SCENARIO") {
        let _ = std::fs::create_dir_all(&keep);
        let _ = std::fs::copy(
            scn.dir.path().join("routes.json"),
            Path::new(&keep).join("routes.json"),
        );
    }
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(cwd)
        .env("PATH", fake_path(scn))
        .env("FAKE_AZ_DIR", scn.dir.path())
        .env("REACH_COLLECT_SLEEP_SCALE", "0.001")
        .env("NO_COLOR", "1")
        // the fixtures' PIM schedules run 2026-01-10 to 2027-01-10: answers judged mid-way
        .env("REACH_NOW", "2026-06-01T00:00:00Z")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, val) in env {
        cmd.env(k, val);
    }
    let mut child = cmd.spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut errp = child.stderr.take().unwrap();
    let t1 = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t2 = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = errp.read_to_string(&mut s);
        s
    });
    let status = common::wait_guarded(&mut child, args);
    Run {
        code: status.code(),
        stdout: t1.join().unwrap(),
        stderr: t2.join().unwrap(),
    }
}

pub fn python3() -> bool {
    python().is_some()
}

pub fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("collect-manifest.json")).unwrap())
        .unwrap()
}

/// file → status, from the manifest.
pub fn statuses(m: &Value) -> std::collections::BTreeMap<String, String> {
    m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
