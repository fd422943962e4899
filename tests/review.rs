//! Security-review outputs on the demo project, through the real binary: export formats
//! (Markdown, DOT, Mermaid), the access matrix, diff of two crafted snapshots, `--mask-names`,
//! completions and the man page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod crafted;

use crafted::{crafted, demo};
use serde_json::Value;
use std::process::{Command, Output};

fn reach(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reach"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let o = reach(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn snapshot(name: &str, body: &str) {
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, body);
    });
}

#[test]
fn markdown_report_snapshot() {
    let md = ok(&["export", "--format", "markdown", "--demo"]);
    assert!(md.starts_with("# Access review: demo"));
    assert!(md.contains("## Workspace ws-main") && md.contains("### endpoint:ep-fraud"));
    assert!(md.contains("### Errors (") && md.contains("`azureml/"));
    snapshot("export_markdown", &md);
    let one = ok(&[
        "export",
        "--format",
        "markdown",
        "--demo",
        "--resource",
        "keyvault:kv-main",
    ]);
    snapshot("export_markdown_kv_main", &one);
}

#[test]
fn dot_snapshot_and_graphviz_accepts_it() {
    let one = ok(&[
        "export",
        "--format",
        "dot",
        "--demo",
        "--resource",
        "endpoint:ep-fraud",
    ]);
    snapshot("export_dot_ep_fraud", &one);
    let all = ok(&["export", "--format", "dot", "--demo"]);
    let by_principal = ok(&[
        "export",
        "--format",
        "dot",
        "--demo",
        "--principal",
        "judy@contoso.com",
    ]);
    if Command::new("dot").arg("-V").output().is_err() {
        eprintln!("note: Graphviz `dot` is not installed; skipping the render check (apt-get install graphviz)");
        return;
    }
    for g in [&one, &all, &by_principal] {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("g.dot");
        std::fs::write(&f, g).unwrap();
        let o = Command::new("dot").arg("-Tsvg").arg(&f).output().unwrap();
        assert!(
            o.status.success(),
            "dot rejected the graph: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stdout).contains("<svg"));
    }
}

/// A checker for the Mermaid subset reach emits (see `src/report/mermaid.rs`): a `flowchart`
/// header, node statements with quoted labels in one of four shapes, edges with quoted labels
/// between declared nodes, `classDef` and `class` lines, `%%` comments.
fn check_mermaid(src: &str) -> Result<(), String> {
    fn id(s: &str) -> bool {
        s.len() > 1 && s.starts_with('n') && s[1..].chars().all(|c| c.is_ascii_digit())
    }
    fn quoted(s: &str) -> bool {
        s.len() >= 2 && s.starts_with('"') && s.ends_with('"') && !s[1..s.len() - 1].contains('"')
    }
    let mut nodes = std::collections::HashSet::new();
    let mut header = false;
    for (i, raw) in src.lines().enumerate() {
        let l = raw.trim();
        let err = |m: &str| Err(format!("line {}: {m}: {raw}", i + 1));
        if l.is_empty() || l.starts_with("%%") {
            continue;
        }
        if !header {
            if l != "flowchart LR" {
                return err("expected `flowchart LR`");
            }
            header = true;
            continue;
        }
        if let Some(rest) = l.strip_prefix("classDef ") {
            let mut p = rest.splitn(2, ' ');
            let (name, style) = (p.next().unwrap_or(""), p.next().unwrap_or(""));
            let style_ok = style.split(',').all(|kv| {
                kv.split_once(':')
                    .is_some_and(|(k, v)| !k.is_empty() && !v.is_empty())
            });
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) || !style_ok {
                return err("bad classDef");
            }
            continue;
        }
        if let Some(rest) = l.strip_prefix("class ") {
            let (ids, name) = rest.split_once(' ').unwrap_or(("", ""));
            if !ids.split(',').all(|x| nodes.contains(x)) || name.is_empty() {
                return err("bad class statement");
            }
            continue;
        }
        if let Some((from, rest)) = l.split_once(" -->|") {
            let Some((label, to)) = rest.rsplit_once("| ") else {
                return err("edge without a closing |");
            };
            if !nodes.contains(from) || !nodes.contains(to) || !quoted(label) {
                return err("bad edge");
            }
            continue;
        }
        let cut = l.find(['[', '(', '{']).unwrap_or(l.len());
        let (nid, shape) = l.split_at(cut);
        let label = [("([", "])"), ("{{", "}}"), ("[/", "/]"), ("[", "]")]
            .iter()
            .find_map(|(o, c)| shape.strip_prefix(o).and_then(|s| s.strip_suffix(c)));
        match label {
            Some(lb) if id(nid) && quoted(lb) => {
                nodes.insert(nid.to_string());
            }
            _ => return err("not a node, edge, class or comment"),
        }
    }
    if header {
        Ok(())
    } else {
        Err("no flowchart header".into())
    }
}

#[test]
fn mermaid_snapshot_and_grammar() {
    let one = ok(&[
        "export",
        "--format",
        "mermaid",
        "--demo",
        "--principal",
        "judy@contoso.com",
    ]);
    snapshot("export_mermaid_judy", &one);
    let all = ok(&["export", "--format", "mermaid", "--demo"]);
    for g in [&one, &all] {
        check_mermaid(g).unwrap();
    }
    assert!(check_mermaid("flowchart LR\n  n1[\"a\"] --> n2\n").is_err());
    assert!(check_mermaid("flowchart LR\n  n1[\"a\"b\"]\n").is_err());
}

#[test]
fn json_export_is_the_whole_graph_with_sources() {
    let v: Value = serde_json::from_str(&ok(&["export", "--format", "json", "--demo"])).unwrap();
    assert_eq!(v["format"], "reach-export/1");
    for k in [
        "principals",
        "resources",
        "assignments",
        "rule_edges",
        "findings",
    ] {
        assert!(v[k].as_array().is_some_and(|a| !a.is_empty()), "{k}");
    }
    assert!(v["assignments"][0]["source"].as_str().is_some());
}

#[test]
fn matrix_snapshots() {
    let text = ok(&["matrix", "--demo"]);
    snapshot("matrix_text", &text);
    for l in text.lines() {
        assert!(l.chars().count() <= 80, "{l}");
    }
    snapshot("matrix_csv", &ok(&["matrix", "--demo", "--format", "csv"]));
    snapshot(
        "matrix_score_collapsed",
        &ok(&["matrix", "--demo", "--action", "score", "--collapse-groups"]),
    );
    let j: Value = serde_json::from_str(&ok(&[
        "matrix",
        "--demo",
        "--format",
        "json",
        "--resources",
        "keyvault,registry",
    ]))
    .unwrap();
    let refs: Vec<&str> = j["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs,
        [
            "keyvault:kv-main",
            "registry:acrmain",
            "registry:acrprivate"
        ]
    );
    let ivan = j["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "ivan@contoso.com")
        .unwrap();
    assert_eq!(ivan["cells"]["keyvault:kv-main"]["class"], "secrets");
    let o = reach(&["matrix", "--demo", "--resources", "nope"]);
    assert_eq!(o.status.code(), Some(2));
}

fn has(changes: &Value, who: &str, action: &str, res: &str) -> bool {
    changes
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["principal"]["name"] == who && c["action"] == action && c["reference"] == res)
}

#[test]
fn diff_of_crafted_snapshots() {
    let (_dir, old, new) = crafted();
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = reach(&["diff", o, n, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "access was gained: exit 1");
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let g = &d["gained"];
    // the group's new role reaches the group and its member
    assert!(has(g, "security-reviewers", "read-blobs", "storage:stlake"));
    assert!(has(g, "heidi@contoso.com", "read-blobs", "storage:stlake"));
    assert!(has(
        g,
        "heidi@contoso.com",
        "read-blobs",
        "datastore:ds-lake"
    ));
    // without the deny assignment, the subscription Contributor can write kv-main
    assert!(has(g, "carol@contoso.com", "write", "keyvault:kv-main"));
    // aad_token: score needs score/action, which the operator role has
    assert!(has(g, "ops-oncall", "score", "endpoint:ep-churn"));
    let path = g
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["principal"]["name"] == "heidi@contoso.com" && c["reference"] == "storage:stlake"
        })
        .unwrap()["path"]["rules"]
        .clone();
    assert_eq!(path, serde_json::json!(["RBAC-GROUP", "RBAC-SCOPE"]));
    assert_eq!(d["lost"], serde_json::json!([]));
    // scoring ep-churn no longer goes through its keys
    let changed = d["changed"].as_array().unwrap();
    let alice = changed
        .iter()
        .find(|c| {
            c["principal"]["name"] == "alice@contoso.com"
                && c["action"] == "score"
                && c["reference"] == "endpoint:ep-churn"
        })
        .unwrap();
    let rules = |p: &Value| p["rules"].as_array().unwrap().clone();
    assert!(rules(&alice["path"]).contains(&"EP-SCORE-AAD".into()));
    assert!(rules(&alice["gone_path"]).contains(&"EP-SCORE-KEY".into()));

    let text = String::from_utf8(reach(&["diff", o, n]).stdout).unwrap();
    snapshot("diff_text", &text);
    let md = String::from_utf8(reach(&["diff", o, n, "--format", "markdown"]).stdout).unwrap();
    snapshot("diff_markdown", &md);

    // the reverse loses what was gained; nothing gained: exit 0
    let back = reach(&["diff", n, o, "--format", "json"]);
    assert_eq!(back.status.code(), Some(0));
    let b: Value = serde_json::from_slice(&back.stdout).unwrap();
    assert!(has(
        &b["lost"],
        "carol@contoso.com",
        "write",
        "keyvault:kv-main"
    ));
    assert_eq!(reach(&["diff", o, o]).status.code(), Some(0));
}

/// Every user UPN / display name / mail, group name, non-MI service principal name,
/// subscription and tenant ID of the demo.
fn real_names() -> Vec<String> {
    let dir = demo();
    let read = |f: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("azure").join(f)).unwrap()).unwrap()
    };
    let list = |v: Value| -> Vec<Value> {
        match v {
            Value::Array(a) => a,
            Value::Object(mut o) => match o.remove("value") {
                Some(Value::Array(a)) => a,
                _ => vec![Value::Object(o)],
            },
            _ => vec![],
        }
    };
    let mut names = Vec::new();
    let mut push = |v: &Value| {
        if let Some(s) = v.as_str() {
            names.push(s.to_string());
        }
    };
    for u in list(read("users.json")) {
        for k in ["userPrincipalName", "displayName", "mail", "id"] {
            push(&u[k]);
        }
    }
    for g in list(read("groups.json")) {
        push(&g["displayName"]);
        push(&g["id"]);
    }
    for sp in list(read("service-principals.json")) {
        if sp["servicePrincipalType"] != "ManagedIdentity" {
            push(&sp["displayName"]);
            push(&sp["appId"]);
        }
    }
    let manifest = std::fs::read_to_string(dir.join("reach.yaml")).unwrap();
    for key in ["tenant:", "subscription:", "{name: "] {
        for l in manifest.lines().filter(|l| l.contains(key)) {
            let v = l.split(key).nth(1).unwrap().trim();
            let v = v.split([',', ' ', '#']).next().unwrap().trim();
            if !v.is_empty() && !v.contains(':') {
                names.push(v.to_string());
            }
        }
    }
    let all = std::fs::read_to_string(dir.join("azure/keyvault-kv-main.json")).unwrap();
    if let Some(t) = all.split("\"tenantId\": \"").nth(1) {
        names.push(t.split('"').next().unwrap().to_string());
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn mask_names_hides_every_real_name() {
    let names = real_names();
    assert!(names.iter().any(|n| n == "alice@contoso.com"));
    assert!(names.iter().any(|n| n == "sp-cicd"));
    assert!(names
        .iter()
        .any(|n| n == "4c6f1d2e-8a3b-4f5c-9d7e-2b1a0c9e8f71"));
    assert!(names.iter().any(|n| n == "mallory@partner.example"));
    let mut runs: Vec<Vec<&str>> = vec![
        vec![],
        vec!["lint"],
        vec!["who-can", "endpoint:ep-fraud"],
        vec!["who-can", "keyvault:kv-main"],
        vec!["who-can", "subscription:sub-1"],
        vec!["what-can", "user-01"],
        vec!["what-can", "group-03"],
        vec!["what-can", "compute:cpu-cluster"],
        vec!["explain", "user-01", "endpoint:ep-fraud"],
        vec!["explain", "user-05", "keyvault:kv-main"],
    ];
    let mut all = Vec::new();
    for r in runs.drain(..) {
        for f in ["text", "json"] {
            let mut a = r.clone();
            if !r.is_empty() {
                a.extend(["--format", f]);
            }
            a.extend(["--demo", "--mask-names"]);
            all.push(a);
        }
    }
    for f in ["json", "markdown", "dot", "mermaid"] {
        all.push(vec!["export", "--format", f, "--demo", "--mask-names"]);
    }
    for f in ["text", "csv", "json"] {
        all.push(vec!["matrix", "--format", f, "--demo", "--mask-names"]);
    }
    for args in &all {
        let o = reach(args);
        let out =
            String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
        assert!(o.status.code().is_some_and(|c| c <= 1), "{args:?}: {out}");
        assert!(!o.stdout.is_empty(), "{args:?}");
        let lower = out.to_lowercase();
        for n in &names {
            assert!(
                !lower.contains(&n.to_lowercase()),
                "{args:?} shows {n}:\n{out}"
            );
        }
    }
    let (_dir, old, new) = crafted();
    for f in ["text", "json", "markdown"] {
        let o = reach(&[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            f,
            "--mask-names",
        ]);
        let out = String::from_utf8_lossy(&o.stdout).to_lowercase();
        for n in &names {
            assert!(!out.contains(&n.to_lowercase()), "diff {f} shows {n}");
        }
    }
    // pseudonyms are stable between runs and typed references resolve
    let a = ok(&["who-can", "endpoint:ep-fraud", "--demo", "--mask-names"]);
    let b = ok(&["who-can", "endpoint:ep-fraud", "--demo", "--mask-names"]);
    assert_eq!(a, b);
    assert!(a.contains("user-01") && a.contains("group-"));
    assert!(ok(&["what-can", "sp-01", "--demo", "--mask-names"]).contains("sp-01"));
}

#[test]
fn completions_and_man_page() {
    for sh in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let c = ok(&["completions", sh]);
        assert!(c.contains("matrix") && c.contains("mask-names"), "{sh}");
    }
    let man = ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH reach"),
        "{}",
        &man[..80]
    );
    assert!(man.contains("who\\-can") || man.contains("who-can"));
    assert_eq!(reach(&["completions", "nosh"]).status.code(), Some(2));
}
