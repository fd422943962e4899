//! `reach check` (access assertions) and the SARIF of `reach lint` / `reach check`, through the
//! real binary: exit codes, the failing rule's paths and fix, bad policy files, SARIF valid
//! against the published 2.1.0 schema, stable between runs, and snapshots.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{run, run_in};
use serde_json::Value;
use std::path::{Path, PathBuf};

const DEMO_POLICY: &str = "sample-configs/demo/reach-policy.yaml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A policy file in a temp dir (the rules after the header).
fn policy(rules: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("reach-policy.yaml");
    std::fs::write(&p, format!("reach-policy: 1\nrules:\n{rules}")).unwrap();
    (dir, p)
}

fn check(policy: &Path, extra: &[&str]) -> common::Run {
    let p = policy.to_str().unwrap();
    let mut args = vec!["check", p, "--demo"];
    args.extend_from_slice(extra);
    run(&args)
}

/// The language-tag pattern of the published schema (`run.language`, `toolComponent.language`):
/// the crate rejects it as a regex (a stray `]`).
const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

fn drop_stray_patterns(v: &mut Value) -> usize {
    match v {
        Value::Object(o) => {
            let mut n = 0;
            if o.get("pattern").is_some_and(|p| p == STRAY) {
                o.remove("pattern");
                n += 1;
            }
            n + o.values_mut().map(drop_stray_patterns).sum::<usize>()
        }
        Value::Array(a) => a.iter_mut().map(drop_stray_patterns).sum(),
        _ => 0,
    }
}

/// The published schema (`tests/fixtures`, unchanged) less its two language-tag patterns,
/// which no regex engine of the crate accepts. reach writes no `language`, so no check is lost.
fn schema_validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/sarif-2.1.0-rtm.5.json")).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(drop_stray_patterns(&mut schema), 2);
    jsonschema::draft4::new(&schema).unwrap()
}

fn assert_valid_sarif(text: &str) -> Value {
    let v: Value = serde_json::from_str(text).unwrap();
    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF not valid:\n{}", errors.join("\n"));
    v
}

#[test]
fn the_demo_policy_fails_one_rule_with_its_paths_and_fix() {
    let r = run(&["check", DEMO_POLICY, "--demo"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    let out = &r.stdout;
    assert!(
        out.starts_with(
            "Policy sample-configs/demo/reach-policy.yaml: 6 rule(s), 5 passed, 1 failed"
        ),
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("PASS ")).count(),
        5,
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("FAIL ")).count(),
        1,
        "{out}"
    );
    assert!(out.contains("FAIL the CI service principal never reads vault secrets nor writes the training\n      data [sample-configs/demo/reach-policy.yaml:32]"), "{out}");
    // the principal, each step's rule and source, and the checked removal with its command
    assert!(out.contains("sp-cicd (ServicePrincipal) → write-blobs on storage stdata: reaches it"));
    assert!(out.contains("[azure/role-assignments.json#10]"));
    assert!(out.contains("CMP-JOB-CODE-ID"));
    assert!(out.contains("fix (checked by what-if: with these removals the rule passes):"));
    assert!(out.contains("- revoke Contributor on workspace ws-main from sp-cicd"));
    assert!(out.contains("$ az role assignment delete --assignee \"6c28c541-de05-4607-b2a5-f8c5134eb70e\" --role \"Contributor\" --scope \"/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-main\""));
    assert!(out.ends_with("1 of 6 rule(s) failed\n"), "{out}");
}

#[test]
fn the_demo_policy_reads_from_the_project_folder_too() {
    // -p on the folder the policy sits in: the loader skips the policy file quietly
    let r = run_in(
        &root().join("sample-configs/demo"),
        &["check", "reach-policy.yaml", "-p", "."],
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.stdout.contains("[reach-policy.yaml:32]"), "{}", r.stdout);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let lint = run(&["lint", "-p", "sample-configs/demo", "--format", "json"]);
    assert!(
        !lint.stdout.contains("reach-policy.yaml"),
        "not a load finding"
    );
}

#[test]
fn exit_codes_pass_fail_and_bad_policy() {
    let (_d, pass) = policy(
        "  - name: a\n    resource: storage:stdata\n    action: write-blobs\n    none: [security-reviewers]\n",
    );
    let r = check(&pass, &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(r.stdout.contains("PASS a"));
    let (_d, fail) = policy(
        "  - name: a\n    resource: storage:stdata\n    action: write-blobs\n    none: [ml-team]\n",
    );
    assert_eq!(check(&fail, &[]).code, Some(1));
    // a bad reference and an unknown key: exit 2, file:line on stderr, nothing on stdout
    let (_d, bad) = policy(
        "  - name: a\n    resource: storage:stdata\n    action: write-blobs\n    none: [ml-teem]\n",
    );
    let r = check(&bad, &[]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    assert!(r.stdout.is_empty());
    let file = bad.display().to_string();
    assert!(
        r.stderr.contains(&format!(
            "reach: {file}:6: principal: unknown reference 'ml-teem'; closest: ml-team"
        )),
        "{}",
        r.stderr
    );
    let (_d, bad) = policy("  - name: a\n    resource: storage:stdata\n    nobody: [x]\n");
    let r = check(&bad, &[]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains(&format!("{}:5: unknown key 'nobody'", bad.display())),
        "{}",
        r.stderr
    );
    // a resource that does not exist is an error, not a rule that passes
    let (_d, bad) = policy("  - name: a\n    resource: endpoint:ep-gone\n    only: []\n");
    let r = check(&bad, &[]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains(":4: resource: unknown reference 'endpoint:ep-gone'"),
        "{}",
        r.stderr
    );
    // a missing file
    let r = run(&["check", "/nonexistent/reach-policy.yaml", "--demo"]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("cannot read the policy file"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_error_of_a_file_is_reported_at_once() {
    let (_d, bad) = policy(
        "  - name: a\n    resource: endpoint:ep-frud\n    action: score\n    only: [scorers, nobody@contoso.com]\n\
         \x20 - name: b\n    principal: sp-cicdd\n    cannot: [{resource: kv-main, action: fly}]\n",
    );
    let r = check(&bad, &[]);
    assert_eq!(r.code, Some(2));
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.stderr);
    for (l, want) in lines.iter().zip([
        ":4: resource",
        ":6: principal",
        ":8: principal",
        ":9: action",
    ]) {
        assert!(l.contains(want), "{l} lacks {want}");
    }
}

#[test]
fn json_and_markdown_carry_the_same_answer() {
    let r = run(&["check", DEMO_POLICY, "--demo", "--format", "json"]);
    assert_eq!(r.code, Some(1));
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["passed"], 5);
    assert_eq!(v["failed"], 1);
    let failed: Vec<&Value> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["passed"] == false)
        .collect();
    assert_eq!(failed.len(), 1);
    let f = failed[0];
    assert_eq!(f["kind"], "cannot");
    assert_eq!(f["source"], "sample-configs/demo/reach-policy.yaml:32");
    assert_eq!(f["violations"][0]["principal"]["name"], "sp-cicd");
    assert_eq!(
        f["violations"][0]["paths"][0]["steps"][0]["source"],
        "azure/role-assignments.json#10"
    );
    assert_eq!(f["fix"]["verified"], true);
    assert_eq!(f["fix"]["removals"][0]["kind"], "assignment");
    let md = run(&["check", DEMO_POLICY, "--demo", "--format", "markdown"]);
    assert_eq!(md.code, Some(1));
    assert!(
        md.stdout
            .starts_with("## reach check: 1 of 6 rule(s) failed"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("### FAIL: the CI service principal"));
    assert!(md.stdout.contains(
        "revoke Contributor on workspace ws-main from sp-cicd (`azure/role-assignments.json#10`)"
    ));
}

#[test]
fn output_is_identical_between_runs_and_masks_names() {
    for format in ["text", "json", "sarif", "markdown"] {
        let a = run(&["check", DEMO_POLICY, "--demo", "--format", format]);
        let b = run(&["check", DEMO_POLICY, "--demo", "--format", format]);
        assert_eq!(a.stdout, b.stdout, "{format} differs between runs");
    }
    let m = run(&["check", DEMO_POLICY, "--demo", "--mask-names"]);
    assert_eq!(m.code, Some(1));
    assert!(!m.stdout.contains("sp-cicd"), "{}", m.stdout);
    assert!(!m.stdout.contains("6f3c2a1b-9d8e"), "subscription masked");
    assert!(
        m.stdout.contains("sp-01 (ServicePrincipal)"),
        "{}",
        m.stdout
    );
    let s = run(&[
        "check",
        DEMO_POLICY,
        "--demo",
        "--mask-names",
        "--format",
        "sarif",
    ]);
    assert!(
        !s.stdout.contains("sp-cicd") && !s.stdout.contains("contoso.com"),
        "{}",
        s.stdout
    );
}

#[test]
fn masked_sarif_rule_ids_hide_the_names_in_rule_names() {
    let (_d, p) = policy(
        "  - name: carol@contoso.com never writes stdata\n    principal: carol@contoso.com\n    cannot: [{resource: storage:stdata, action: write-blobs}]\n",
    );
    let r = check(&p, &["--format", "sarif"]);
    assert!(
        r.stdout
            .contains("\"policy/carol-contoso-com-never-writes-stdata\""),
        "{}",
        r.stdout
    );
    let m = check(&p, &["--format", "sarif", "--mask-names"]);
    assert_eq!(m.code, Some(1));
    assert!(
        !m.stdout.contains("carol") && !m.stdout.contains("contoso"),
        "{}",
        m.stdout
    );
    assert!(
        m.stdout.contains("\"policy/user-03-never-writes-stdata\""),
        "{}",
        m.stdout
    );
}

#[test]
fn what_if_options_apply_to_check() {
    // revoking the assignment the fix names makes the policy pass
    let r = run(&[
        "check",
        DEMO_POLICY,
        "--demo",
        "--assume-revoked",
        "sp-cicd",
        "Contributor",
        "workspace:ws-main",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(r.stdout.contains("6 passed, 0 failed"));
}

#[test]
fn check_sarif_is_valid_and_points_at_the_rule_and_each_step() {
    let r = run(&["check", DEMO_POLICY, "--demo", "--format", "sarif"]);
    assert_eq!(r.code, Some(1));
    let v = assert_valid_sarif(&r.stdout);
    let run0 = &v["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 6, "one SARIF rule per policy rule");
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "one result per failing principal");
    let res = &results[0];
    assert_eq!(
        res["ruleId"],
        "policy/the-ci-service-principal-never-reads-vault-secrets-nor-writes-the-training-data"
    );
    assert_eq!(
        rules[res["ruleIndex"].as_u64().unwrap() as usize]["id"],
        res["ruleId"]
    );
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "sample-configs/demo/reach-policy.yaml"
    );
    assert_eq!(loc["region"]["startLine"], 32);
    // the assignment entry #10 of role-assignments.json is turned into its line
    let related = res["relatedLocations"].as_array().unwrap();
    let ra = related
        .iter()
        .find(|l| l["physicalLocation"]["artifactLocation"]["uri"] == "azure/role-assignments.json")
        .unwrap();
    let line = ra["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap() as usize;
    let text =
        std::fs::read_to_string(root().join("sample-configs/demo/azure/role-assignments.json"))
            .unwrap();
    let entry = text
        .lines()
        .skip(line - 1)
        .take(12)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        entry.trim_start().starts_with('{'),
        "line {line} starts an entry:\n{entry}"
    );
    assert!(
        entry.contains("6c28c541-de05-4607-b2a5-f8c5134eb70e"),
        "entry #10 is sp-cicd's:\n{entry}"
    );
}

#[test]
fn lint_sarif_is_valid_with_catalog_rules_and_lines() {
    let r = run(&["lint", "--demo", "--format", "sarif"]);
    assert_eq!(
        r.code,
        Some(1),
        "lint exits 1 on an error finding, whatever the format"
    );
    let v = assert_valid_sarif(&r.stdout);
    let run0 = &v["runs"][0];
    let json = run(&["lint", "--demo", "--format", "json"]);
    let findings: Value = serde_json::from_str(&json.stdout).unwrap();
    let n = findings["findings"].as_array().unwrap().len();
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), n, "one result per finding");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let reject = rules
        .iter()
        .find(|r| r["id"] == "EP-ENFORCE-REJECT")
        .unwrap();
    let catalog = run(&["rules", "EP-ENFORCE-REJECT", "--format", "json"]);
    let cat: Value = serde_json::from_str(&catalog.stdout).unwrap();
    assert_eq!(reject["shortDescription"]["text"], cat["summary"]);
    assert_eq!(reject["fullDescription"]["text"], cat["detail"]);
    let res = results
        .iter()
        .find(|r| r["ruleId"] == "EP-ENFORCE-REJECT")
        .unwrap();
    assert_eq!(res["level"], "error");
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "azureml/endpoints/ep-churn/endpoint.yml"
    );
    assert_eq!(loc["region"]["startLine"], 6);
    for lvl in results.iter().map(|r| r["level"].as_str().unwrap()) {
        assert!(["error", "warning", "note"].contains(&lvl));
    }
}

#[test]
fn sarif_uris_are_relative_to_the_working_directory() {
    let r = run(&["lint", "-p", "sample-configs/demo", "--format", "sarif"]);
    let v = assert_valid_sarif(&r.stdout);
    let uris: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(!uris.is_empty());
    assert!(
        uris.iter().all(|u| u.starts_with("sample-configs/demo/")),
        "{uris:?}"
    );
}

#[test]
fn the_schema_check_itself_rejects_a_broken_log() {
    // guard against a validator that accepts anything
    let r = run(&["lint", "--demo", "--format", "sarif"]);
    let mut v: Value = serde_json::from_str(&r.stdout).unwrap();
    v["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!schema_validator().is_valid(&v));
    v["runs"][0]["results"][0]["level"] = Value::from("error");
    v["version"] = Value::from("2.0.0");
    assert!(!schema_validator().is_valid(&v));
}

/// The SARIF with reach's version left out (it changes with every release).
fn versionless(sarif: &str) -> String {
    let mut v: Value = serde_json::from_str(sarif).unwrap();
    for k in ["version", "semanticVersion"] {
        v["runs"][0]["tool"]["driver"][k] = Value::from("[version]");
    }
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn check_sarif_snapshot() {
    let r = run(&["check", DEMO_POLICY, "--demo", "--format", "sarif"]);
    insta::assert_snapshot!("check_demo_sarif", versionless(&r.stdout));
}

#[test]
fn lint_sarif_snapshot() {
    let r = run(&["lint", "--demo", "--format", "sarif"]);
    insta::assert_snapshot!("lint_demo_sarif", versionless(&r.stdout));
}

#[test]
fn check_text_snapshot() {
    let r = run(&["check", DEMO_POLICY, "--demo"]);
    insta::assert_snapshot!("check_demo_text", r.stdout);
}

#[test]
fn the_readme_tour_shows_the_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let head = "$ reach check sample-configs/demo/reach-policy.yaml --demo\n";
    let start = readme
        .find(head)
        .expect("README tour has the check example")
        + head.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let (before, after) = shown
        .split_once("…\n")
        .expect("the tour elides the passing rules");
    let real = run(&["check", DEMO_POLICY, "--demo"]).stdout;
    assert!(
        real.starts_with(before),
        "README tour head differs from:\n{real}"
    );
    assert!(
        real.ends_with(after),
        "README tour tail differs from:\n{real}"
    );
}
