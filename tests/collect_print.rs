//! `reach collect --print`: snapshots of the bash and PowerShell scripts, the bash script run
//! against the fake az writing the same folder as `reach collect`, and no command anywhere (run
//! by reach, run by the script, or written in either script) that returns secrets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod collect_support;

use collect_support::*;
use reach::collect::deny;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

fn print(args: &[&str]) -> String {
    let out = Command::new(bin()).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn print_bash_snapshot() {
    let s = print(&[
        "collect", "-g", "rg-ml", "-w", "ws-main", "-o", "./tenant", "--print",
    ]);
    assert!(s.starts_with("#!/usr/bin/env bash"));
    insta::assert_snapshot!("collect_print_bash", s);
}

#[test]
fn print_powershell_snapshot() {
    let s = print(&[
        "collect",
        "--subscription",
        SUB,
        "-o",
        "./tenant",
        "--print",
        "powershell",
    ]);
    assert!(s.contains("$Subscription = '6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69'"));
    insta::assert_snapshot!("collect_print_powershell", s);
}

/// Substrings found only in commands that return secrets.
const SECRET_COMMANDS: &[&str] = &[
    "--populate-secrets",
    "--show-secrets",
    "list-keys",
    "listkeys",
    "list-secrets",
    "listsecrets",
    "listcredentials",
    "generate-sas",
    "show-connection-string",
    "get-credentials",
    "get-access-token",
    "keys list",
    "secret show",
    "secret list",
    "credential show",
    "credential list",
    "regenerate",
];

#[test]
fn no_script_holds_a_secret_command() {
    for args in [
        vec![
            "collect", "-g", "rg-ml", "-w", "ws-main", "-o", "t", "--print",
        ],
        vec![
            "collect",
            "--subscription",
            SUB,
            "-o",
            "t",
            "--print",
            "powershell",
        ],
    ] {
        let s = print(&args).to_ascii_lowercase();
        for bad in SECRET_COMMANDS {
            assert!(!s.contains(bad), "{args:?} holds {bad}");
        }
    }
    // the scan can fail: a script with such a command is caught
    assert!(SECRET_COMMANDS
        .iter()
        .any(|b| "az storage account keys list".contains(b)));
}

fn jq() -> bool {
    Command::new("jq")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Every .json file under `dir` (manifest aside), parsed.
fn folder(dir: &Path) -> BTreeMap<String, Value> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Value>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                assert!(rel.ends_with(".json"), "stray file {rel}");
                if rel != "collect-manifest.json" {
                    out.insert(
                        rel,
                        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap(),
                    );
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn the_bash_script_writes_the_same_folder_and_no_secret_is_asked_for() {
    if !python3() || !jq() {
        eprintln!("python3 or jq not found: the printed bash script is not run here");
        return;
    }
    let scn = contoso();
    let out = tempfile::tempdir().unwrap();
    let by_reach = out.path().join("by-reach");
    let r = reach(
        &scn,
        &[
            "collect",
            "-g",
            "rg-ml",
            "-w",
            "ws-main",
            "-o",
            by_reach.to_str().unwrap(),
        ],
        out.path(),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let reach_calls = scn.calls();
    let script = out.path().join("collect.sh");
    std::fs::write(
        &script,
        print(&[
            "collect", "-g", "rg-ml", "-w", "ws-main", "-o", "./tenant", "--print",
        ]),
    )
    .unwrap();
    let by_script = out.path().join("by-script");
    scn.write();
    let run = Command::new("bash")
        .arg(&script)
        .arg(&by_script)
        .env("PATH", fake_path(&scn))
        .env("FAKE_AZ_DIR", scn.dir.path())
        .env("REACH_COLLECT_SLEEP_SCALE", "0.001")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        scn.unmatched().is_empty(),
        "the script ran commands reach does not: {:#?}",
        scn.unmatched()
    );
    let a = folder(&by_reach);
    let b = folder(&by_script);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert_eq!(v, &b[k], "{k} differs");
    }
    let ma = manifest(&by_reach);
    let mb = manifest(&by_script);
    assert_eq!(statuses(&ma), statuses(&mb));
    for (ra, rb) in ma["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .zip(mb["inputs"].as_array().unwrap())
    {
        for key in [
            "file", "what", "scope", "affects", "status", "command", "items", "pages", "sha256",
        ] {
            if key == "sha256" && ra["pages"].as_u64() > Some(1) {
                continue; // merged pages: the same JSON, formatted by jq rather than by reach
            }
            assert_eq!(ra[key], rb[key], "{} {key}", ra["file"]);
        }
    }
    // every command either ran: none returns secrets
    for argv in reach_calls.iter().chain(scn.calls().iter()) {
        assert_eq!(deny::refuse(argv), None, "az {argv:?}");
    }
}
