//! Reloading from disk: a copy of `sample-configs/demo` in a temporary folder is changed while
//! the app is open; `r` (Action::Reload) and the `--watch` thread bring the change in, and the
//! focus, selection and filters survive. Waits poll until a deadline; no fixed sleeps.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_common;

use reach::engine::Engine;
use reach::tui::action::Action;
use reach::tui::app::{AppState, Focus, Subject};
use reach::tui::watch::{Backend, Watch};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tui_common::{feed, filter};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-configs/demo"),
        &root,
    );
    (dir, root)
}

fn open(root: &Path) -> AppState {
    let raw = reach::load::load_path(root, &reach::load::Limits::default()).unwrap();
    let mut a = AppState::new(Engine::new(reach::model::build(raw)), 120, 40);
    a.source = Some(root.to_path_buf());
    a
}

/// An identity chosen through the filter `o` (kept), then ep-fraud selected in Resources
/// through the filter `ep-fraud` (kept).
fn select(a: &mut AppState) {
    feed(a, [Action::FocusPrev]);
    feed(a, filter("o"));
    feed(a, [Action::Select, Action::FocusNext]);
    feed(a, filter("ep-fraud"));
    feed(a, [Action::Select]);
}

fn subject_name(a: &AppState) -> String {
    match a.subject {
        Some(Subject::Resource(s)) => a.engine().model().scope(s).name.clone(),
        Some(Subject::Principal(p)) => a.engine().model().principal(p).name.clone(),
        None => String::new(),
    }
}

/// A user with an object id who does not reach the selected resource.
fn outsider(a: &AppState) -> (String, String) {
    let m = a.engine().model();
    let inside: Vec<_> = a.access.rows.iter().filter_map(|r| r.principal).collect();
    let p = m
        .principal_ids()
        .find(|p| {
            let pr = m.principal(*p);
            pr.kind == reach::model::PrincipalKind::User
                && pr.object_id.is_some()
                && !inside.contains(p)
        })
        .expect("every user reaches ep-fraud");
    let pr = m.principal(p);
    (pr.object_id.clone().unwrap(), pr.name.clone())
}

/// Give `oid` the same role on the same scope as an existing assignment that reaches ep-fraud.
fn grant(root: &Path, oid: &str, name: &str, a: &AppState) {
    let file = root.join("azure/role-assignments.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let Some(Subject::Resource(s)) = a.subject else {
        panic!()
    };
    let m = a.engine().model();
    let within = |scope: &str| m.scope_by_arm(scope).is_some_and(|sc| m.is_within(s, sc));
    let list = doc.as_array_mut().unwrap();
    let template = list
        .iter()
        .find(|e| {
            within(e["scope"].as_str().unwrap_or_default())
                && e["roleDefinitionName"]
                    .as_str()
                    .is_some_and(|r| r.contains("AzureML") || r == "Contributor" || r == "Owner")
        })
        .cloned()
        .expect("no assignment reaching ep-fraud to copy");
    let mut new = template;
    new["principalId"] = Value::from(oid);
    new["principalName"] = Value::from(name);
    new["principalType"] = Value::from("User");
    new["id"] = Value::from(format!(
        "{}/providers/Microsoft.Authorization/roleAssignments/11111111-2222-3333-4444-555555555555",
        new["scope"].as_str().unwrap()
    ));
    new["name"] = Value::from("11111111-2222-3333-4444-555555555555");
    list.push(new);
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
}

fn survived(a: &AppState) {
    assert_eq!(subject_name(a), "ep-fraud");
    assert_eq!(a.focus, Focus::Resources);
    assert_eq!(a.identities.list.filter.query(), "o");
    assert_eq!(a.resources.list.filter.query(), "ep-fraud");
    let cur = a.resources.current().unwrap();
    assert_eq!(a.engine().model().scope(cur).name, "ep-fraud");
}

#[test]
fn reload_brings_in_a_new_assignment_and_keeps_selection_and_filter() {
    let (_tmp, root) = demo_copy();
    let mut a = open(&root);
    select(&mut a);
    let cur = a.identities.current();
    let cur_name = cur.map(|p| a.engine().model().principal(p).name.clone());
    let (oid, name) = outsider(&a);
    grant(&root, &oid, &name, &a);
    feed(&mut a, [Action::Reload]);
    let msg = a.message.clone().unwrap_or_default();
    assert!(msg.starts_with("reloaded"), "{msg}");
    survived(&a);
    assert_eq!(
        a.identities
            .current()
            .map(|p| a.engine().model().principal(p).name.clone()),
        cur_name,
        "the identity cursor moved"
    );
    assert!(
        a.access.rows.iter().any(|r| r.name == name),
        "{name} does not reach ep-fraud after the reload"
    );
}

#[test]
fn a_file_that_breaks_shows_as_a_finding_and_the_rest_stays_usable() {
    let (_tmp, root) = demo_copy();
    let mut a = open(&root);
    select(&mut a);
    let rows = a.access.rows.len();
    let loads = |a: &AppState| a.findings.rows.iter().filter(|f| f.rule == "LOAD").count();
    let before = loads(&a);
    std::fs::write(
        root.join("azureml/compute/gpu-cluster.yml"),
        "name: gpu-cluster\ntype: [amlcompute\n  : : :\n",
    )
    .unwrap();
    feed(&mut a, [Action::Reload]);
    assert!(loads(&a) > before, "no LOAD finding for the broken file");
    assert!(a.message.as_deref().unwrap().contains("file problem"));
    survived(&a);
    assert_eq!(a.access.rows.len(), rows);
}

#[test]
fn assumptions_survive_a_reload_or_are_dropped_with_a_message() {
    let (_tmp, root) = demo_copy();
    let mut a = open(&root);
    select(&mut a);
    // a denied pair: an outsider on ep-fraud, explained from Identities
    let (_, name) = outsider(&a);
    feed(&mut a, [Action::FocusPrev, Action::Back]);
    feed(&mut a, filter(&name));
    feed(&mut a, [Action::Back, Action::Fixes]);
    assert!(
        matches!(a.popup, Some(reach::tui::app::Popup::Fixes(_))),
        "{:?}",
        a.message
    );
    feed(&mut a, [Action::Select, Action::Back, Action::FocusNext]);
    assert_eq!(a.assumptions.len(), 1);
    feed(&mut a, [Action::Reload]);
    assert_eq!(a.assumptions.len(), 1, "{:?}", a.message);
    assert!(a.engine().has_assumptions());
    assert!(a.access.rows.iter().any(|r| r.name == name && r.assumed));
    // the principal disappears from the files: the assumption is dropped
    for f in [
        "azure/users.json",
        "azure/role-assignments.json",
        "azure/groups.json",
    ] {
        let p = root.join(f);
        if let Ok(t) = std::fs::read_to_string(&p) {
            std::fs::write(&p, t.replace(&name, "someone-else@contoso.com")).unwrap();
        }
    }
    let oid = a.assumptions[0].principal_key.clone();
    for e in walk(&root) {
        let t = std::fs::read_to_string(&e).unwrap_or_default();
        if t.contains(&oid) {
            std::fs::write(&e, t.replace(&oid, "99999999-9999-9999-9999-999999999999")).unwrap();
        }
    }
    feed(&mut a, [Action::Reload]);
    assert!(a.assumptions.is_empty());
    assert!(
        a.message.as_deref().unwrap().contains("dropped assumption"),
        "{:?}",
        a.message
    );
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

/// A change reported by a watch (`spawn` picks notifications; `poll` is the fallback).
fn watch_reports_a_change(make: impl Fn(&std::path::Path) -> Watch, backend: Backend) {
    let (_tmp, root) = demo_copy();
    let mut a = open(&root);
    select(&mut a);
    let w = make(&root);
    assert_eq!(w.backend, backend);
    // a hidden file (an editor's swap file) is not a change
    std::fs::write(root.join(".reach.swp"), "x").unwrap();
    if backend == Backend::Notify {
        assert!(
            !w.wait(Duration::from_millis(800)),
            "a hidden file was reported"
        );
    }
    let (oid, name) = outsider(&a);
    grant(&root, &oid, &name, &a);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !w.wait(Duration::from_millis(100)) {
        assert!(
            Instant::now() < deadline,
            "the watch never reported the change"
        );
    }
    feed(&mut a, [Action::Reload]);
    survived(&a);
    assert!(a.access.rows.iter().any(|r| r.name == name));
}

#[test]
fn the_watch_reports_a_change_and_reload_brings_it_in() {
    watch_reports_a_change(|r| Watch::spawn(r.to_path_buf()), Backend::Notify);
}

#[test]
fn the_polling_fallback_reports_a_change_too() {
    watch_reports_a_change(|r| Watch::poll(r.to_path_buf()), Backend::Poll);
}
