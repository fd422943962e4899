//! Issue 17, defect 1: identities that can act as each other (a cycle of Managed Identity
//! Operator assignments) must not make an answer depend on how the question was asked. Every
//! operation of the all-operations answer, of the light summary and of `--action` names the
//! same principals, on every resource, for cycles of two and three identities.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{contoso_assignment, contoso_uai, copy_tree, CONTOSO_SUB};

use reach::engine::{action::summary_ops, Engine};
use std::collections::BTreeSet;
use std::path::Path;

const SUB: &str = CONTOSO_SUB;
const MIO: &str = "f1a07417-d97a-45cb-824c-7a7467783830";
const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const CAROL: &str = "11111111-0000-0000-0000-000000000003";

fn uai(i: usize) -> String {
    format!("{SUB}/resourceGroups/rg-ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-{i}")
}
fn oid(i: usize) -> String {
    format!("44444444-0000-0000-0000-00000000000{i}")
}

/// The contoso fixture with `n` user-assigned identities, each Managed Identity Operator on
/// the next (the last on the first), and carol Managed Identity Operator on the first plus
/// Contributor on the workspace (so she can make a compute act as it).
fn project(n: usize, dir: &Path) -> Engine {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contoso");
    copy_tree(&fixture, dir);
    let ids: Vec<_> = (1..=n).map(|i| contoso_uai(i, &oid(i))).collect();
    std::fs::write(
        dir.join("azure/identities.json"),
        serde_json::to_string(&ids).unwrap(),
    )
    .unwrap();
    let path = dir.join("azure/role-assignments.json");
    let mut ra: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for i in 1..=n {
        let next = i % n + 1;
        ra.push(contoso_assignment(
            &oid(i),
            "ServicePrincipal",
            MIO,
            &uai(next),
        ));
    }
    ra.push(contoso_assignment(CAROL, "User", MIO, &uai(1)));
    let ws = format!(
        "{SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws"
    );
    ra.push(contoso_assignment(CAROL, "User", CONTRIBUTOR, &ws));
    std::fs::write(&path, serde_json::to_string(&ra).unwrap()).unwrap();
    let raw = reach::load::load_path(dir, &reach::load::Limits::default()).unwrap();
    Engine::new(reach::model::build(raw))
}

/// (principal, operation) pairs of the all-operations answer, of the summary and of each
/// `--action`, for resource `s`.
fn three_ways(e: &Engine, s: reach::model::ScopeId) -> [BTreeSet<(String, String)>; 3] {
    let mut all = BTreeSet::new();
    for p in e.who_can(s, None).unwrap().principals {
        for op in p.actions {
            all.insert((p.principal.name.clone(), op));
        }
    }
    let mut summary = BTreeSet::new();
    for r in e.who_can_summary(s, None).unwrap() {
        for op in r.actions {
            summary.insert((r.principal.name.clone(), op));
        }
    }
    let mut each = BTreeSet::new();
    for op in summary_ops(e.model().scope(s).kind) {
        let Ok(w) = e.who_can(s, Some(op)) else {
            continue; // an operation that does not apply to this resource
        };
        for p in w.principals {
            each.insert((p.principal.name.clone(), op.to_string()));
        }
    }
    [all, summary, each]
}

#[test]
fn identity_cycles_give_one_answer_whichever_way_it_is_asked() {
    for n in [2, 3] {
        let d = tempfile::tempdir().unwrap();
        let e = project(n, d.path());
        let mut checked = 0;
        for s in e.model().scope_ids() {
            let label = e.model().scope_ref(s);
            let [all, summary, each] = three_ways(&e, s);
            assert_eq!(all, each, "{n}-cycle, {label}: all operations vs --action");
            assert_eq!(summary, each, "{n}-cycle, {label}: summary vs --action");
            checked += each.len();
        }
        assert!(checked > 0);
        // the case the issue names: carol can assign the last identity of the cycle
        let last = e
            .model()
            .resolve_resource(&format!("identity:uai-{n}"))
            .unwrap();
        let [all, _, _] = three_ways(&e, last);
        assert!(
            all.contains(&("carol@contoso.com".into(), "assign-identity".into())),
            "{n}-cycle: carol cannot assign uai-{n}: {all:?}"
        );
    }
}
