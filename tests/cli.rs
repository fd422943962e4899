//! The real binary: text, JSON, exit codes, references, broken pipes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

#[allow(dead_code)]
#[path = "../examples/gen_tenant.rs"]
mod gen_tenant;
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_reach")
}

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contoso")
}

fn reach(args: &[&str]) -> Output {
    Command::new(bin()).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the contoso fixture with one role assignment file, in a temp dir.
fn project_with(assignments: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    std::fs::write(dir.path().join("azure/role-assignments.json"), assignments).unwrap();
    dir
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

const S: &str = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";

fn team_c_data_scientist() -> String {
    format!(
        r#"[{{"principalId": "22222222-0000-0000-0000-000000000003", "principalType": "Group", "principalName": "team-c",
            "roleDefinitionId": "/subscriptions/{S}/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121",
            "roleDefinitionName": "AzureML Data Scientist", "scope": "/subscriptions/{S}"}}]"#
    )
}

#[test]
fn who_can_text_lists_members_with_paths_under_80_columns() {
    let p = project_with(&team_c_data_scientist());
    let o = reach(&[
        "who-can",
        "endpoint:ep-aad",
        "--action",
        "score",
        "-p",
        p.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("alice@contoso.com  (User)"), "{out}");
    assert!(out.contains("RBAC-GROUP"), "{out}");
    assert!(out.contains("EP-SCORE-AAD"), "{out}");
    assert!(out.contains("azure/groups.json#0"), "{out}");
    for line in out.lines() {
        assert!(line.chars().count() <= 80, "line over 80 columns: {line:?}");
    }
}

#[test]
fn who_can_json_follows_the_interface() {
    let p = project_with(&team_c_data_scientist());
    let o = reach(&[
        "who-can",
        "endpoint:ep-aad",
        "--action",
        "score",
        "-p",
        p.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["resource"]["kind"], "endpoint");
    assert_eq!(v["resource"]["name"], "ep-aad");
    assert_eq!(
        v["action"],
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action"
    );
    let alice = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "alice@contoso.com")
        .unwrap();
    assert_eq!(alice["type"], "User");
    assert_eq!(alice["id"], "11111111-0000-0000-0000-000000000001");
    let path = &alice["paths"][0];
    assert_eq!(path["rules"][0], "RBAC-GROUP");
    assert_eq!(path["steps"][0]["rule"], "RBAC-GROUP");
    assert!(path["steps"][0]["source"]
        .as_str()
        .unwrap()
        .starts_with("azure/groups.json"));
    assert!(path["steps"][0]["text"]
        .as_str()
        .unwrap()
        .contains("is a member of"));
}

#[test]
fn explain_no_has_why_not_and_exit_0() {
    let p = project_with("[]");
    let o = reach(&[
        "explain",
        "bob@contoso.com",
        "endpoint:ep-aad",
        "--action",
        "score",
        "-p",
        p.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["allowed"], false);
    assert_eq!(v["why_not"][0]["rule"], "EP-SCORE-AAD");
    assert!(v["fixes"].is_array());
}

#[test]
fn unknown_and_ambiguous_references_exit_2_with_candidates() {
    let p = project_with("[]");
    let dir = p.path().to_str().unwrap();
    let o = reach(&["who-can", "endpoint:ep-frd", "-p", dir]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown reference 'endpoint:ep-frd'"),
        "{}",
        stderr(&o)
    );
    let o = reach(&["who-can", "ep", "-p", dir]);
    assert_eq!(o.status.code(), Some(2));
    let o = reach(&["what-can", "nobody@contoso.com", "-p", dir]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown reference"), "{}", stderr(&o));
    let o = reach(&["who-can", "endpoint:ep-aad", "--action", "fly", "-p", dir]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown operation 'fly'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn lint_exit_code_follows_error_findings() {
    let p = project_with("[]");
    let o = reach(&["lint", "-p", p.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    std::fs::write(
        p.path().join("ml/endpoints/ep-k8s.yml"),
        "$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineEndpoint.schema.json\nname: ep-k8s\ncompute: azureml:k8s\nauth_mode: aad_token\n",
    )
    .unwrap();
    let o = reach(&["lint", "-p", p.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "EP-AUTH-MODES")
        .unwrap();
    assert_eq!(f["severity"], "error");
    assert_eq!(f["source"], "ml/endpoints/ep-k8s.yml:4");
}

#[test]
fn nothing_loaded_exits_2() {
    let d = tempfile::tempdir().unwrap();
    let o = reach(&["lint", "-p", d.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nothing could be loaded"),
        "{}",
        stderr(&o)
    );
    let o = reach(&["lint", "-p", "/nonexistent/reach-test"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn broken_pipe_ends_quietly() {
    // an answer of megabytes, so `head -1` closes the pipe long before reach is done writing
    let d = tempfile::tempdir().unwrap();
    gen_tenant::generate(2000, 5, d.path());
    let whole = Command::new(bin())
        .args(["export", "--format", "json", "-p"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(
        whole.stdout.len() > 1 << 20,
        "the answer is only {} bytes: too little to break the pipe",
        whole.stdout.len()
    );
    let cmd = format!(
        "set -o pipefail; '{}' export --format json -p '{}' | head -1",
        bin(),
        d.path().display()
    );
    let o = Command::new("bash").arg("-c").arg(&cmd).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
    assert_eq!(stderr(&o), "", "stderr must stay quiet");
}

#[test]
fn rules_catalog_lists_every_rule_and_prints_one() {
    let o = reach(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for id in [
        "RBAC-SCOPE",
        "EP-SAI-AUTO",
        "DS-CREDENTIAL",
        "ACR-PRIVATE-BUILD",
        "JOB-PIPELINE-ID",
    ] {
        assert!(out.contains(id), "{id} missing from:\n{out}");
    }
    let o = reach(&["rules", "ep-sai-secrets"]);
    assert!(stdout(&o).contains("enforce_access_to_default_secret_stores"));
    let o = reach(&["rules", "EP-SAI-SECRET"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("EP-SAI-SECRETS"), "{}", stderr(&o));
}

#[test]
fn demo_is_built_in() {
    let o = reach(&["lint", "--demo", "--format", "json"]);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["findings"].as_array().is_some_and(|f| !f.is_empty()));
}

#[test]
fn diff_flag_with_a_missing_folder_fails_cleanly_without_a_terminal() {
    let f = fixture();
    let f = f.to_str().unwrap();
    let missing = "/nonexistent/reach-snapshot";
    for (args, which) in [
        (["--diff", missing, f], "--diff OLD"),
        (["--diff", f, missing], "--diff NEW"),
    ] {
        let o = reach(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains(missing) && err.contains("not found"), "{err}");
        assert!(err.contains(which), "{err}");
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
        assert!(!err.contains("panicked"), "{err}");
    }
    // a folder with nothing reach recognises
    let empty = tempfile::tempdir().unwrap();
    let o = reach(&["--diff", empty.path().to_str().unwrap(), f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nothing could be loaded"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn diff_flag_rejects_what_it_cannot_be_combined_with() {
    let f = fixture();
    let f = f.to_str().unwrap();
    for (args, says) in [
        (vec!["--diff", f], "2 values required"),
        (vec!["--diff", f, f, "--demo"], "cannot be used with"),
        (vec![f, "--diff", f, f], "cannot be used with"),
        (vec!["--diff", f, f, "lint"], "use `reach diff OLD NEW`"),
    ] {
        let o = reach(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn diff_flag_without_a_terminal_prints_the_summary_and_the_diff() {
    let new = project_with(&team_c_data_scientist());
    let old = fixture();
    let o = reach(&[
        "--diff",
        old.to_str().unwrap(),
        new.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("reach: loaded "), "{out}");
    assert!(
        out.contains(&format!("Compared with {}:", old.display())),
        "{out}"
    );
    assert!(out.contains("Access gained: "), "{out}");
    // the group's new role at the subscription reaches its member alice
    assert!(out.contains("\n+ alice@contoso.com "), "{out}");
    assert!(
        !out.contains("\x1b["),
        "no terminal control sequences in a pipe"
    );
}

/// Issue 17, defect 3: a multi-byte character typed into `--action`, a reference or an
/// `--assume-*` argument is an answer or a clear error, never a panic (exit 101).
#[test]
fn non_ascii_user_input_never_panics() {
    let long = "Microsoft.MachineLearningServices/workspacesé/x";
    let runs: Vec<Vec<&str>> = vec![
        vec!["who-can", "endpoint:ep-fraud", "--demo", "--action", long],
        vec!["who-can", "endpoint:ep-fraud", "--demo", "--action", "é"],
        vec![
            "who-can",
            "endpoint:ep-fraud",
            "--demo",
            "--action",
            "Microsoft.Storage/storageAccounts/blobServices/containersé/x",
        ],
        vec!["who-can", "endpointé:ep-fraud", "--demo"],
        vec!["who-can", "é:é", "--demo"],
        vec!["what-can", "é", "--demo", "--action", long],
        vec![
            "explain",
            "é",
            "endpoint:ep-fraud",
            "--demo",
            "--action",
            long,
        ],
        vec!["matrix", "--demo", "--action", long],
        vec!["matrix", "--demo", "--resources", "endpointé,é"],
        vec!["rules", "EP-SAI-SECRETé"],
        vec!["export", "--demo", "--format", "json", "--resource", "é:é"],
        vec![
            "who-can",
            "endpoint:ep-fraud",
            "--demo",
            "--assume-assignment",
            "é",
            "AzureML Data Scientisté",
            "/subscriptionsé/x",
        ],
        vec![
            "who-can",
            "endpoint:ep-fraud",
            "--demo",
            "--assume-revoked",
            "é",
            "é",
            "é",
        ],
    ];
    for args in runs {
        let o = reach(&args);
        let err = stderr(&o);
        assert_ne!(o.status.code(), Some(101), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            matches!(o.status.code(), Some(0..=2)),
            "{args:?}: exit {:?}: {err}",
            o.status.code()
        );
    }
}
