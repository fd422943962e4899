//! Issue 16: latent access (PIM eligibilities) through the real binary: `--latent` on every
//! query command, the text and JSON marks (snapshots), and the diff's own kind of change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{run, sample};
use serde_json::Value;

fn names(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).unwrap();
    v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

/// `reach ARGS --demo` in text and JSON: both exit 0 and match the snapshots `{name}_text` and
/// `{name}_json`.
fn snapshots(name: &str, args: &[&str]) {
    for format in ["text", "json"] {
        let mut a = args.to_vec();
        a.extend(["--demo", "--format", format]);
        let r = run(&a);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        insta::assert_snapshot!(format!("{name}_{format}"), r.stdout);
    }
}

#[test]
fn latent_modes_on_who_can() {
    let who = |mode: &str| {
        let r = run(&[
            "who-can",
            "storage:stdata",
            "--action",
            "read-blobs",
            "--demo",
            "--format",
            "json",
            "--latent",
            mode,
        ]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        names(&r.stdout)
    };
    let all = who("include");
    let standing = who("exclude");
    let only = who("only");
    assert_eq!(only, ["judy@contoso.com"]);
    assert!(all.contains(&"judy@contoso.com".to_string()));
    assert!(!standing.contains(&"judy@contoso.com".to_string()));
    // include is standing plus latent-only, nothing else
    let mut both: Vec<String> = standing.iter().chain(&only).cloned().collect();
    both.sort_by_key(|n| n.to_ascii_lowercase());
    assert_eq!(all, both);
    let bad = run(&[
        "who-can",
        "storage:stdata",
        "--demo",
        "--latent",
        "sometimes",
    ]);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(bad.stderr.contains("include"), "{}", bad.stderr);
}

#[test]
fn eligible_path_text_and_json_snapshots() {
    snapshots(
        "latent_who_can",
        &[
            "who-can",
            "storage:stdata",
            "--action",
            "read-blobs",
            "--latent",
            "only",
        ],
    );
    let x = run(&["explain", "judy@contoso.com", "storage:stdata", "--demo"]);
    assert_eq!(x.code, Some(0), "{}", x.stderr);
    assert!(
        x.stdout
            .starts_with("YES, eligible only (after activating): judy@contoso.com"),
        "{}",
        x.stdout
    );
    let x = run(&[
        "explain",
        "judy@contoso.com",
        "storage:stdata",
        "--demo",
        "--latent",
        "exclude",
    ]);
    assert!(x.stdout.starts_with("NO: judy@contoso.com"), "{}", x.stdout);
}

#[test]
fn what_can_and_matrix_mark_latent_rows() {
    let r = run(&["what-can", "judy@contoso.com", "--demo", "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let stdata = v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "stdata")
        .expect("judy reaches stdata");
    assert_eq!(stdata["latent"], "eligible");
    let only = run(&["what-can", "judy@contoso.com", "--demo", "--latent", "only"]);
    assert!(only.stdout.contains("storage stdata"), "{}", only.stdout);
    assert!(
        !only.stdout.contains("endpoint ep-fraud"),
        "{}",
        only.stdout
    );
    let m = run(&["matrix", "--demo", "--format", "csv"]);
    let judy = m.stdout.lines().find(|l| l.starts_with("judy@")).unwrap();
    assert!(judy.contains("write (eligible)"), "{judy}");
}

/// An eligibility added between two snapshots is its own kind of change, and `diff` exits 1.
#[test]
fn diff_reports_an_eligibility_gained() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    let new = dir.path().join("new");
    common::copy_tree(&sample("demo"), &old);
    common::copy_tree(&sample("demo"), &new);
    std::fs::remove_file(old.join("azure/pim-eligibility.json")).unwrap();
    let r = run(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["gained"].as_array().unwrap().len(), 0, "{}", r.stdout);
    let e = v["eligible_gained"].as_array().unwrap();
    assert!(!e.is_empty());
    assert!(e
        .iter()
        .all(|c| c["principal"]["name"] == "judy@contoso.com" && c["latent"] == "eligible"));
    let t = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert!(t.stdout.contains("\nEligibility gained\n"), "{}", t.stdout);
}

/// ABAC conditions through the binary: heidi's container condition and erin's delegation, text
/// and JSON snapshots, and `--assume-condition` both ways.
#[test]
fn conditional_paths_text_and_json_snapshots() {
    snapshots(
        "conditional_who_can",
        &[
            "who-can",
            "storage:stdata",
            "--action",
            "Microsoft.Authorization/roleAssignments/write",
        ],
    );
    let blobs = |extra: &[&str]| {
        let mut a = vec![
            "who-can",
            "storage:stdata",
            "--action",
            "read-blobs",
            "--demo",
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        let r = run(&a);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        v["principals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "heidi@contoso.com")
            .cloned()
    };
    let shown = blobs(&[]).expect("heidi reads stdata's blobs, conditionally");
    assert_eq!(shown["conditional"], true);
    assert_eq!(
        shown["paths"][0]["conditional"], "only in container 'raw'",
        "{shown}"
    );
    let met = blobs(&["--assume-condition", "true"]).expect("assumed met");
    assert!(met.get("conditional").is_none(), "{met}");
    assert!(blobs(&["--assume-condition", "false"]).is_none());
}
