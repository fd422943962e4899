//! Issue 20 item 1, no silent truncation: when loading drops input (a file over a limit, a file
//! not parsed, entries not loaded), every answer says it is incomplete — a banner in text,
//! `"incomplete"` in JSON — and exits 3; the same project loaded whole answers with exit 0.
//! `--max-file-size` sets the size limit (tiny here, so the test files stay small).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{copy_tree, run, sample, Run};
use std::path::Path;

/// A copy of the demo project (its role assignments export is ≈ 20 KB, the other files less
/// than 8 KB).
fn demo_copy(root: &Path) -> String {
    copy_tree(&sample("demo"), root);
    root.display().to_string()
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stdout))
}

const WHO: [&str; 4] = ["who-can", "endpoint:ep-fraud", "--action", "score"];

#[test]
fn a_file_over_the_size_limit_makes_who_can_exit_3_with_a_banner() {
    let d = tempfile::tempdir().unwrap();
    let p = demo_copy(d.path());
    let mut args = WHO.to_vec();
    args.extend(["-p", &p, "--max-file-size", "8K"]);
    let r = run(&args);
    assert_eq!(r.code, Some(3), "{}", r.all());
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("INCOMPLETE: 1 file skipped (size limit)"),
        "{first}"
    );
    assert!(
        r.stdout.contains("azure/role-assignments.json: file is"),
        "{}",
        r.stdout
    );
    // the answer itself follows the banner
    assert!(
        r.stdout.contains("Who can score endpoint ep-fraud"),
        "{}",
        r.stdout
    );

    args.extend(["--format", "json"]);
    let r = run(&args);
    assert_eq!(r.code, Some(3), "{}", r.all());
    let v = json(&r);
    let inc = v["incomplete"].as_array().expect("an incomplete list");
    assert_eq!(inc.len(), 1, "{inc:?}");
    assert_eq!(inc[0]["file"], "azure/role-assignments.json");
    assert_eq!(inc[0]["kind"], "size-limit");
    let reason = inc[0]["reason"].as_str().unwrap();
    assert!(reason.contains("over the 8192-byte limit"), "{reason}");
    assert!(v["principals"].is_array(), "the answer is still there: {v}");
}

#[test]
fn the_same_project_loaded_whole_exits_0_without_a_banner() {
    let d = tempfile::tempdir().unwrap();
    let p = demo_copy(d.path());
    let mut args = WHO.to_vec();
    args.extend(["-p", &p]);
    let r = run(&args);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(!r.all().contains("INCOMPLETE"), "{}", r.all());
    args.extend(["--format", "json"]);
    let r = run(&args);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(json(&r).get("incomplete").is_none(), "{}", r.stdout);
    // a limit above every file changes nothing
    let r = run(&[
        "who-can",
        "endpoint:ep-fraud",
        "-p",
        &p,
        "--max-file-size",
        "1M",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(!r.all().contains("INCOMPLETE"), "{}", r.all());
}

#[test]
fn every_query_command_says_so_and_exits_3() {
    let d = tempfile::tempdir().unwrap();
    let p = demo_copy(d.path());
    let policy = format!("{p}/reach-policy.yaml");
    let lim = ["-p", p.as_str(), "--max-file-size", "8K"];
    let with = |cmd: &[&'static str]| {
        let mut a: Vec<&str> = cmd.to_vec();
        a.extend(lim);
        a
    };
    let text_cases: Vec<Vec<&str>> = vec![
        with(&["what-can", "alice@contoso.com"]),
        with(&["explain", "alice@contoso.com", "endpoint:ep-fraud"]),
        with(&["matrix"]),
        with(&["export", "--format", "markdown"]),
        vec!["check", &policy, "-p", &p, "--max-file-size", "8K"],
    ];
    for args in text_cases {
        let r = run(&args);
        assert_eq!(r.code, Some(3), "{args:?}: {}", r.all());
        assert!(
            r.stdout
                .lines()
                .next()
                .unwrap_or("")
                .contains("INCOMPLETE: 1 file skipped"),
            "{args:?}: {}",
            r.stdout
        );
    }
    let json_cases: Vec<Vec<&str>> = vec![
        with(&["what-can", "alice@contoso.com", "--format", "json"]),
        with(&[
            "explain",
            "alice@contoso.com",
            "endpoint:ep-fraud",
            "--format",
            "json",
        ]),
        with(&["matrix", "--format", "json"]),
        with(&["export", "--format", "json"]),
        vec![
            "check",
            &policy,
            "-p",
            &p,
            "--max-file-size",
            "8K",
            "--format",
            "json",
        ],
    ];
    for args in json_cases {
        let r = run(&args);
        assert_eq!(r.code, Some(3), "{args:?}: {}", r.all());
        let v = json(&r);
        assert_eq!(
            v["incomplete"][0]["file"], "azure/role-assignments.json",
            "{args:?}: {v}"
        );
    }
    // diff: either snapshot incomplete; files named with their snapshot's folder
    let r = run(&["diff", &p, &p, "--max-file-size", "8K", "--format", "json"]);
    assert_eq!(r.code, Some(3), "{}", r.all());
    let v = json(&r);
    assert_eq!(v["incomplete"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(
        v["incomplete"][0]["file"],
        format!("{p}/azure/role-assignments.json")
    );
    // formats with a place for it carry it there: Markdown as a quote, DOT and Mermaid as
    // comments; CSV and SARIF (no place for it) on stderr
    let firsts = [
        (with(&["export", "--format", "markdown"]), "> INCOMPLETE: "),
        (with(&["export", "--format", "dot"]), "// INCOMPLETE: "),
        (with(&["export", "--format", "mermaid"]), "%% INCOMPLETE: "),
        (
            vec![
                "diff",
                &p,
                &p,
                "--max-file-size",
                "8K",
                "--format",
                "markdown",
            ],
            "> INCOMPLETE: ",
        ),
    ];
    for (args, first) in firsts {
        let r = run(&args);
        assert_eq!(r.code, Some(3), "{args:?}: {}", r.all());
        assert!(r.stdout.starts_with(first), "{args:?}: {}", r.stdout);
    }
    for args in [
        with(&["matrix", "--format", "csv"]),
        vec![
            "check",
            &policy,
            "-p",
            &p,
            "--max-file-size",
            "8K",
            "--format",
            "sarif",
        ],
    ] {
        let r = run(&args);
        assert_eq!(r.code, Some(3), "{args:?}: {}", r.all());
        assert!(!r.stdout.contains("INCOMPLETE"), "{args:?}: {}", r.stdout);
        assert!(
            r.stderr.contains("INCOMPLETE: 1 file skipped"),
            "{args:?}: {}",
            r.stderr
        );
    }
    // `reach PATH` without a terminal (the summary) too
    let r = run(&[&p, "--max-file-size", "8K"]);
    assert_eq!(r.code, Some(3), "{}", r.all());
    assert!(
        r.stdout.starts_with("INCOMPLETE: 1 file skipped"),
        "{}",
        r.stdout
    );
    // lint's answer is the list of problems itself: it exits 1 for them, as before
    let r = run(&["lint", "-p", &p, "--max-file-size", "8K"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.stdout.contains("8192-byte limit"), "{}", r.stdout);
}

#[test]
fn a_file_not_parsed_or_a_bad_entry_is_incomplete_too() {
    let d = tempfile::tempdir().unwrap();
    let p = demo_copy(d.path());
    std::fs::write(d.path().join("azureml/broken.yml"), "a: [1, 2\n").unwrap();
    let r = run(&["who-can", "endpoint:ep-fraud", "-p", &p, "--format", "json"]);
    assert_eq!(r.code, Some(3), "{}", r.all());
    let v = json(&r);
    assert_eq!(v["incomplete"][0]["file"], "azureml/broken.yml", "{v}");
    assert_eq!(v["incomplete"][0]["kind"], "parse-error", "{v}");

    let d = tempfile::tempdir().unwrap();
    let p = demo_copy(d.path());
    std::fs::write(
        d.path().join("azure/more-assignments.json"),
        r#"[{"principalId": "83efa260-124e-4c52-a8d1-6dadbb1d63d3", "roleDefinitionName": "Reader",
            "roleDefinitionId": "/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
            "scope": "/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69",
            "type": "Microsoft.Authorization/roleAssignments",
            "id": "/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69/providers/Microsoft.Authorization/roleAssignments/1"},
           42]"#,
    )
    .unwrap();
    let r = run(&["who-can", "endpoint:ep-fraud", "-p", &p]);
    assert_eq!(r.code, Some(3), "{}", r.all());
    assert!(
        r.stdout
            .starts_with("INCOMPLETE: 1 file loaded in part (bad entries)"),
        "{}",
        r.stdout
    );
}

#[test]
fn max_file_size_accepts_sizes_and_rejects_anything_else() {
    let d = tempfile::tempdir().unwrap();
    let p = demo_copy(d.path());
    for good in ["1048576", "512K", "512M", "2G", "64m", "1GiB"] {
        let r = run(&[
            "who-can",
            "endpoint:ep-fraud",
            "-p",
            &p,
            "--max-file-size",
            good,
        ]);
        assert_eq!(r.code, Some(0), "{good}: {}", r.all());
    }
    // the option is global: before the command too
    let r = run(&[
        "--max-file-size",
        "8K",
        "who-can",
        "endpoint:ep-fraud",
        "-p",
        &p,
    ]);
    assert_eq!(r.code, Some(3), "{}", r.all());
    for bad in ["", "abc", "12Q", "0", "-5", "1.5G", "M", "99999999999T"] {
        let opt = format!("--max-file-size={bad}");
        let r = run(&["who-can", "endpoint:ep-fraud", "-p", &p, &opt]);
        assert_eq!(r.code, Some(2), "{bad:?}: {}", r.all());
        assert!(
            r.stderr.contains("--max-file-size"),
            "{bad:?}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{bad:?}: {}", r.stdout);
    }
}
