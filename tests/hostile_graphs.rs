//! Issue 17, defect 2: hostile access graphs. Group diamonds nest exponentially many
//! membership chains, identities that can all act as each other make every answer a cycle;
//! every query stays polynomial (counted with the engine's work counter, never a clock) and
//! the counts of paths not shown stay exact where they can be.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{contoso_assignment, contoso_uai, copy_tree, CONTOSO_SUB};

use reach::engine::{work_on_this_thread, Engine};
use std::path::Path;

const SUB: &str = CONTOSO_SUB;
const ALICE: &str = "11111111-0000-0000-0000-000000000001";
const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const MIO: &str = "f1a07417-d97a-45cb-824c-7a7467783830";
const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";

fn ws() -> String {
    format!("{SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws")
}

/// The contoso fixture plus `extra` role assignments and, when given, a groups file and a
/// managed identities file.
fn project(
    dir: &Path,
    extra: Vec<serde_json::Value>,
    groups: Option<serde_json::Value>,
    identities: Option<serde_json::Value>,
) -> Engine {
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contoso"),
        dir,
    );
    let path = dir.join("azure/role-assignments.json");
    let mut ra: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    ra.extend(extra);
    std::fs::write(&path, serde_json::to_string(&ra).unwrap()).unwrap();
    if let Some(g) = groups {
        std::fs::write(dir.join("azure/groups.json"), g.to_string()).unwrap();
    }
    if let Some(i) = identities {
        std::fs::write(dir.join("azure/identities.json"), i.to_string()).unwrap();
    }
    let raw = reach::load::load_path(dir, &reach::load::Limits::default()).unwrap();
    Engine::new(reach::model::build(raw))
}

fn gid(level: usize, side: usize) -> String {
    format!("33333333-0000-0000-0000-{:06}{:06}", level, side)
}

/// Groups two wide and `depth` deep, each group holding both groups of the next level; alice
/// is in both groups of the last level; the first level's two groups hold Reader on the
/// workspace. Alice is reached through 2^depth chains. With `cycle`, the last level's first
/// group also holds the first level's first group: a nesting cycle.
fn diamond(depth: usize, cycle: bool) -> serde_json::Value {
    let mut groups = Vec::new();
    for level in 0..depth {
        for side in 0..2 {
            let mut members: Vec<serde_json::Value> = if level + 1 < depth {
                (0..2)
                    .map(|s| serde_json::json!({"@odata.type": "#microsoft.graph.group", "id": gid(level + 1, s)}))
                    .collect()
            } else {
                vec![serde_json::json!({"@odata.type": "#microsoft.graph.user", "id": ALICE})]
            };
            if cycle && level + 1 == depth && side == 0 {
                members.push(
                    serde_json::json!({"@odata.type": "#microsoft.graph.group", "id": gid(0, 0)}),
                );
            }
            groups.push(serde_json::json!({
                "id": gid(level, side), "displayName": format!("g{level}-{side}"),
                "securityEnabled": true, "groupTypes": [], "members": members,
            }));
        }
    }
    serde_json::json!({ "value": groups })
}

fn alice_more(w: &reach::engine::WhoCan) -> (usize, usize) {
    let a = w
        .principals
        .iter()
        .find(|p| p.principal.name == "alice@contoso.com")
        .expect("alice reaches the workspace");
    (a.paths.len(), a.more_paths)
}

#[test]
fn group_diamonds_are_counted_not_walked() {
    for depth in [6, 24] {
        let d = tempfile::tempdir().unwrap();
        let readers = (0..2)
            .map(|s| contoso_assignment(&gid(0, s), "Group", READER, &ws()))
            .collect();
        let e = project(d.path(), readers, Some(diamond(depth, false)), None);
        let ws = e.model().resolve_resource("workspace:ws").unwrap();
        let before = work_on_this_thread();
        let w = e.who_can(ws, Some("read")).unwrap();
        let work = work_on_this_thread() - before;
        // every chain is counted: 2^depth of them, the shown ones and the rest
        let (shown, more) = alice_more(&w);
        assert_eq!(shown + more, 1 << depth, "depth {depth}");
        // and only a bounded number walked: the cap (32) times the memberships, and a margin
        let memberships = 4 * depth;
        assert!(
            work <= 64 * memberships as u64 + 1000,
            "depth {depth}: {work} steps for {memberships} memberships"
        );
        // explain walks the same way
        let alice = e.model().resolve_principal("alice@contoso.com").unwrap();
        let before = work_on_this_thread();
        let x = e.explain(alice, ws, "read").unwrap();
        assert!(work_on_this_thread() - before <= 64 * memberships as u64 + 1000);
        assert_eq!(x.paths.len() + x.more_paths, 1 << depth);
    }
}

#[test]
fn a_nesting_cycle_under_a_diamond_says_its_count_is_a_lower_bound() {
    let d = tempfile::tempdir().unwrap();
    let depth = 20;
    let readers = vec![contoso_assignment(&gid(0, 0), "Group", READER, &ws())];
    let e = project(d.path(), readers, Some(diamond(depth, true)), None);
    let ws = e.model().resolve_resource("workspace:ws").unwrap();
    let before = work_on_this_thread();
    let w = e.who_can(ws, Some("read")).unwrap();
    let work = work_on_this_thread() - before;
    assert!(work <= 64 * 4 * depth as u64 + 1000, "{work} steps");
    let (shown, more) = alice_more(&w);
    assert!(shown + more >= 64, "{shown} + {more}");
    assert!(
        w.notes.iter().any(|n| n.contains("at least")),
        "no note that the count is a lower bound: {:?}",
        w.notes
    );
}

/// `n` user-assigned identities, each Managed Identity Operator on every other, and carol
/// Managed Identity Operator on the first and Contributor on the workspace.
#[test]
fn an_identity_cycle_bomb_stays_polynomial_and_consistent() {
    let n = 12;
    let uai = |i: usize| {
        format!("{SUB}/resourceGroups/rg-ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-{i}")
    };
    let oid = |i: usize| format!("44444444-0000-0000-0000-{i:012}");
    let ids: Vec<_> = (0..n).map(|i| contoso_uai(i, &oid(i))).collect();
    let mut extra = Vec::new();
    for i in 0..n {
        for j in 0..n {
            if i != j {
                extra.push(contoso_assignment(
                    &oid(i),
                    "ServicePrincipal",
                    MIO,
                    &uai(j),
                ));
            }
        }
    }
    let carol = "11111111-0000-0000-0000-000000000003";
    extra.push(contoso_assignment(carol, "User", MIO, &uai(0)));
    extra.push(contoso_assignment(carol, "User", CONTRIBUTOR, &ws()));
    let d = tempfile::tempdir().unwrap();
    let e = project(d.path(), extra, None, Some(serde_json::Value::Array(ids)));
    let last = e
        .model()
        .resolve_resource(&format!("identity:uai-{}", n - 1))
        .unwrap();
    let before = work_on_this_thread();
    let all = e.who_can(last, None).unwrap();
    let work = work_on_this_thread() - before;
    // polynomial: n identities, n² assignments; generous, but far below n! chains
    let bound = 2_000 * (n * n) as u64;
    assert!(work <= bound, "{work} steps over {bound}");
    let one = e.who_can(last, Some("assign-identity")).unwrap();
    let names = |w: &reach::engine::WhoCan, op: Option<&str>| -> Vec<String> {
        w.principals
            .iter()
            .filter(|p| op.is_none_or(|o| p.actions.iter().any(|a| a == o)))
            .map(|p| p.principal.name.clone())
            .collect()
    };
    assert_eq!(names(&all, Some("assign-identity")), names(&one, None));
    assert!(names(&one, None).contains(&"carol@contoso.com".to_string()));
}
