#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The real binary on `sample-configs/broken` (plus the hostile files made at test time): one
//! clear finding per hostile input, word for word; the good files still load and answer; no
//! hang, no raw control character on any output; limits hit are findings, never crashes.

mod common;

use common::*;
use std::path::Path;

fn findings(dir: &Path) -> (Vec<String>, Run) {
    // the junk file is 20 MiB: over an 8 MiB limit (the default YAML limit is 64 MiB)
    let r = run_in(
        dir,
        &[
            "lint",
            "-p",
            ".",
            "--format",
            "json",
            "--max-file-size",
            "8M",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("lint json");
    let lines = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f["source"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    (lines, r)
}

/// Every hostile input and the one finding it produces (README.md lists the same).
fn expected(made: &Made) -> Vec<String> {
    let mut e: Vec<String> = [
        "hostile/alias-bomb.yml:6 error LOAD: invalid YAML: expected at most 1000 aliases expanding to at most 100000 values, found more (a YAML alias bomb?)",
        "hostile/binary.json:1 error LOAD: not valid UTF-8 at byte 0",
        "hostile/deep-nesting.json:1 error LOAD: expected JSON nested at most 128 levels deep, found deeper nesting",
        "hostile/deep-nesting.yml:2 error LOAD: invalid YAML: expected YAML nested at most 128 levels deep, found deeper nesting",
        "hostile/duplicate-keys.yml:4 error LOAD: invalid YAML: duplicate key 'auth_mode': each key may appear only once in a mapping",
        "hostile/huge-line.json:1 error LOAD: invalid JSON: expected `,` or `}` at line 1 column 5242946",
        "hostile/invalid-utf8.yml:2 error LOAD: not valid UTF-8 at byte 25",
        "hostile/junk.yml error LOAD: file is 20971520 bytes, over the 8388608-byte limit for YAML files (raise it with --max-file-size); skipped",
        "wrong-types/acr.json#0 error LOAD: expected a container registry (az acr show) at entry 0: field `adminUserEnabled`: invalid type: integer `1`, expected a boolean",
        "wrong-types/deny-assignments.json#0 error LOAD: expected a deny assignment (az rest …/denyAssignments) at entry 0: field `properties.doNotApplyToChildScopes`: invalid type: a string, expected a boolean",
        "wrong-types/directory.json#1 error LOAD: expected a directory object (az ad user/group/sp list) at entry 1: field `displayName`: invalid type: sequence, expected a string",
        "wrong-types/identities.json#1 error LOAD: expected a managed identity (az identity list) at entry 1: field `clientId`: invalid type: integer `12345`, expected a string",
        "wrong-types/keyvault.json#0 error LOAD: expected a key vault (az keyvault show) at entry 0: field `properties.enableRbacAuthorization`: invalid type: a string, expected a boolean",
        "wrong-types/ml-compute.json#0 error LOAD: expected identity.type to be text, found a list; ignored",
        "wrong-types/ml-datastore.json#0 error LOAD: expected credentials to be a mapping, found a string; ignored",
        "wrong-types/ml-endpoint.json#0 error LOAD: expected auth_mode to be text, found a mapping; ignored",
        "wrong-types/ml-team.members.json#1 error LOAD: expected a group member (az ad group member list) at entry 1: field `id`: invalid type: map, expected a string",
        "wrong-types/ml-workspace.json#0 error LOAD: expected identity to be a mapping, found a string; ignored",
        "wrong-types/role-assignments.json#1 error LOAD: expected a role assignment (az role assignment list -o json) at entry 1: field `principalId`: invalid type: integer `42`, expected a string",
        "wrong-types/role-definitions.json#1 error LOAD: expected a role definition (az role definition list -o json) at entry 1: field `permissions[0].actions`: invalid type: a string, expected a sequence",
        "wrong-types/storage.json#0 error LOAD: expected a storage account (az storage account show) at entry 0: field `allowSharedKeyAccess`: invalid type: a string, expected a boolean",
        "azure/groups.json#2 warning MODEL: group membership cycle: cycle-a → cycle-b (each is a member of the others; access is shared among all of them)",
        "hostile/dangling-assignments.json#0 warning MODEL: role assignment names role '/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69/providers/Microsoft.Authorization/roleDefinitions/deadbeef-0000-4000-8000-000000000000', which is neither built in nor in an exported role definition; assignment ignored",
        "hostile/ep-good-conflict.yml:1 warning MODEL: endpoint ep-good: conflicting setting: auth_mode aad_token in azureml/endpoints/ep-good/endpoint.yml:3, but key in hostile/ep-good-conflict.yml:3",
        "hostile/loop-a.yml warning LOAD: broken symlink (or a symlink loop), not followed",
        "hostile/loop-b.yml warning LOAD: broken symlink (or a symlink loop), not followed",
        r#"hostile/terminal-endpoint.yml:1 warning NAME-CONTROL-CHARS: resource name "ep-\e]8;;https:__evil.example\a-link" contains terminal control or BIDI characters (shown escaped)"#,
        r#"hostile/terminal-names.json#0 warning NAME-CONTROL-CHARS: principal name "Eve \e[2J\e]0;pwned\a Admin" contains terminal control or BIDI characters (shown escaped)"#,
        r#"hostile/terminal-names.json#0 warning NAME-CONTROL-CHARS: principal name "eve\e[31m@contoso.com" contains terminal control or BIDI characters (shown escaped)"#,
        r#"hostile/terminal-names.json#1 warning NAME-CONTROL-CHARS: principal name "mallory\u{202e}txt.exe@contoso.com" contains terminal control or BIDI characters (shown escaped)"#,
        r#"hostile/terminal-names.json#2 warning NAME-CONTROL-CHARS: principal name "trudy\r\bbob@contoso.com" contains terminal control or BIDI characters (shown escaped)"#,
        "hostile/dangling-assignments.json#1 info MODEL: role assignment principal '99999999-0000-4000-8000-000000000099' is in no user, group or service principal export and the assignment gives no name (a deleted identity?); shown by object ID",
        "hostile/dir-loop info LOAD: symlink to a folder already read (a loop or a second link), not followed",
        "hostile/empty.yml info LOAD: empty file",
        "hostile/outside.yml info LOAD: symlink points outside the project folder, not followed",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if made.fifo {
        e.push("hostile/pipe.yml warning LOAD: not a regular file, skipped".into());
    }
    if made.device {
        e.push("hostile/device.json warning LOAD: not a regular file, skipped".into());
    }
    if made.unreadable {
        e.push("hostile/unreadable.yml:1 error LOAD: cannot read file: Permission denied (os error 13)".into());
    }
    e.sort();
    e
}

fn no_raw_controls(what: &str, s: &str) {
    for c in s.chars() {
        assert!(
            c == '\n' || !reach::text::is_dangerous(c),
            "{what}: raw {c:?} reached the output:\n{s}"
        );
    }
}

#[test]
fn broken_folder_one_clear_finding_each_and_good_files_answer() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let made = broken_copy(root.path(), outside.path());
    for n in &made.notes {
        eprintln!("note: {n}");
    }
    let (mut got, r) = findings(root.path());
    assert_eq!(r.code, Some(1), "lint exits 1 on errors: {}", r.stderr);
    // The unreadable file, when root can read it anyway, loads as an unrecognised file.
    got.retain(|l| !l.starts_with("hostile/unreadable.yml ") || made.unreadable);
    got.sort();
    let want = expected(&made);
    if got != want {
        let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
        let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
        panic!("findings differ\nunexpected: {extra:#?}\nmissing: {missing:#?}");
    }

    // Queries still answer from the good files; load errors go to stderr as file:line: message;
    // the answer says it is incomplete (a banner, exit 3).
    let w = run_in(
        root.path(),
        &[
            "who-can",
            "endpoint:ep-good",
            "-p",
            ".",
            "--max-file-size",
            "8M",
        ],
    );
    assert_eq!(w.code, Some(3), "{}", w.stderr);
    assert!(w.stdout.starts_with("INCOMPLETE: "), "{}", w.stdout);
    assert!(
        w.stdout.contains(
            "alice@contoso.com  (User)  can: read, write, delete, score, list-keys, regenerate-keys, get-token"
        ),
        "{}",
        w.stdout
    );
    assert!(w.stdout.contains("bob@contoso.com  (User)"), "{}", w.stdout);
    let errors: Vec<&str> = want
        .iter()
        .filter(|l| l.contains(" error LOAD: "))
        .map(|l| l.as_str())
        .collect();
    let mut stderr: Vec<String> = w.stderr.lines().map(str::to_string).collect();
    stderr.retain(|l| !l.starts_with("hostile/unreadable.yml") || made.unreadable);
    let mut want_err: Vec<String> = errors
        .iter()
        .map(|l| l.replacen(" error LOAD: ", ": ", 1))
        .collect();
    want_err.sort();
    stderr.sort();
    assert_eq!(stderr, want_err);
    // The BOM file loaded.
    let d = run_in(root.path(), &["what-can", "dave@contoso.com", "-p", "."]);
    assert_eq!(d.code, Some(3), "{}", d.stderr);
    assert!(
        d.stdout
            .contains("\nWhat dave@contoso.com (User) can reach"),
        "{}",
        d.stdout
    );
    // No output of any command carries a raw control or BIDI character.
    let text = run_in(root.path(), &["lint", "-p", "."]);
    no_raw_controls("lint", &text.all());
    assert!(text
        .stdout
        .contains(r#"principal name "Eve \e[2J\e]0;pwned\a Admin""#));
    for args in [
        vec!["who-can", "endpoint:ep-good", "-p", "."],
        vec!["what-can", "eve\u{1b}[31m@contoso.com", "-p", "."],
        vec!["what-can", "mallory\u{202e}txt.exe@contoso.com", "-p", "."],
        vec![
            "explain",
            "trudy\r\u{8}bob@contoso.com",
            "endpoint:ep-good",
            "-p",
            ".",
        ],
        vec![
            "who-can",
            "endpoint:ep-\u{1b}]8;;https:__evil.example\u{7}-link",
            "-p",
            ".",
        ],
        vec!["what-can", "no-such-\u{1b}[2J-user", "-p", "."],
        vec!["export", "--format", "json", "-p", "."],
    ] {
        let r = run_in(root.path(), &args);
        assert!(
            r.code == Some(3) || r.code == Some(2),
            "{args:?}: {:?} {}",
            r.code,
            r.stderr
        );
        if args[0] == "export" {
            // JSON escapes control characters itself; BIDI characters stay as text.
            assert!(!r.stdout.contains('\u{1b}') && r.stdout.contains("\\u001b"));
            no_raw_controls("export stderr", &r.stderr);
        } else {
            no_raw_controls(&format!("{args:?}"), &r.all());
        }
    }
    let who = run_in(
        root.path(),
        &[
            "who-can",
            "endpoint:ep-\u{1b}]8;;https:__evil.example\u{7}-link",
            "-p",
            ".",
        ],
    );
    assert_eq!(who.code, Some(3), "{}", who.stderr);
    assert!(
        who.stdout
            .contains("\nWho can reach endpoint ep-\\e]8;;https:__evil.example\\a-link"),
        "{}",
        who.stdout
    );
}

#[test]
fn peak_memory_broken_within_256_mib_of_good() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let good = tempfile::tempdir().unwrap();
    broken_copy(root.path(), outside.path());
    copy_tree(&sample("broken"), good.path());
    std::fs::remove_dir_all(good.path().join("hostile")).unwrap();
    std::fs::remove_dir_all(good.path().join("wrong-types")).unwrap();
    let peak = |dir: &Path| -> Option<u64> {
        let script = "import resource,subprocess,sys\nsubprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
        let out = std::process::Command::new("python3")
            .args(["-c", script, bin(), "lint", "-p"])
            .arg(dir)
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    let (Some(g), Some(b)) = (peak(good.path()), peak(root.path())) else {
        eprintln!("note: python3 not available to read the child's peak RSS; memory check skipped");
        return;
    };
    eprintln!("peak RSS: good folder {g} KiB, broken folder {b} KiB");
    assert!(b <= g + 256 * 1024, "broken {b} KiB vs good {g} KiB");
}

#[test]
fn limits_are_findings_word_for_word() {
    use reach::load::{load_path, Limits};
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    std::fs::create_dir_all(r.join("a-very-long-folder-name")).unwrap();
    std::fs::write(r.join("a-very-long-folder-name/x.yml"), "a: 1\n").unwrap();
    std::fs::write(r.join("b.yml"), "a: 1\n").unwrap();
    std::fs::write(r.join("c.yml"), "a: &x [1]\nb: *x\nc: *x\n").unwrap();
    std::fs::write(r.join("d.yml"), "a: [[[[1]]]]\n").unwrap();
    std::fs::write(r.join("e.json"), "[[[[1]]]]\n").unwrap();
    std::fs::write(
        r.join("f.yml"),
        "a: 1234567890123456789012345678901234567890\n",
    )
    .unwrap();
    std::fs::write(r.join("g.yml"), "a: 1\n").unwrap();
    std::fs::write(r.join("h.yml"), "a: 1\n").unwrap();
    let limits = Limits {
        max_yaml_bytes: 40,
        max_files: 5,
        max_path_len: 20,
        max_depth: 3,
        max_aliases: 1,
        ..Limits::default()
    };
    let p = load_path(r, &limits).unwrap();
    let mut got: Vec<String> = p
        .findings
        .iter()
        .filter(|f| f.severity != reach::finding::Severity::Info)
        .map(|f| format!("{} {}", f.source, f.message))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "a-very-long-folder-name path longer than 20 bytes, skipped",
            "c.yml:3 invalid YAML: expected at most 1 aliases expanding to at most 100000 values, found more (a YAML alias bomb?)",
            "d.yml:1 invalid YAML: expected YAML nested at most 3 levels deep, found deeper nesting",
            "e.json:1 expected JSON nested at most 3 levels deep, found deeper nesting",
            "f.yml file is 44 bytes, over the 40-byte limit for YAML files (raise it with --max-file-size); skipped",
            "h.yml more than 5 files in the project folder; the rest are skipped",
        ]
    );
}

#[test]
fn head_one_ends_quietly() {
    let sh = format!(
        "'{}' rules | head -1; '{}' lint --demo | head -1",
        bin(),
        bin()
    );
    let out = std::process::Command::new("sh").args(["-c", &sh]).output();
    let Ok(out) = out else {
        eprintln!("note: no sh; skipped");
        return;
    };
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "stderr must stay quiet"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}
