//! Issue 17, defect 4: one differential harness. Every way reach answers "who reaches what" —
//! `who-can` with and without `--action`, the light summaries (with the engine's kept answers),
//! `what-can` and its summary, and `explain` — must agree per principal *and per operation*,
//! on every resource and principal. Run on the demo and on a generated tenant (managed
//! identities, RBAC-ASSIGN, groups); `tests/identity_cycles.rs` and `tests/hostile_graphs.rs`
//! add cycles and diamonds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reach::engine::{action::summary_ops, Engine};
use reach::model::{PrincipalId, ScopeId};
use std::collections::{BTreeMap, BTreeSet};

#[allow(dead_code)]
#[path = "../examples/gen_tenant.rs"]
mod gen_tenant;

type Pairs = BTreeSet<(PrincipalId, String)>;

/// (principal, operation) for resource `s`, asked one operation at a time (`--action`).
fn by_action(e: &Engine, s: ScopeId) -> Pairs {
    let mut out = Pairs::new();
    for op in summary_ops(e.model().scope(s).kind) {
        let Ok(w) = e.who_can(s, Some(op)) else {
            continue;
        };
        for p in w.principals {
            out.insert((p.principal.pid, op.to_string()));
        }
    }
    out
}

fn all_ops(e: &Engine, s: ScopeId) -> Pairs {
    let mut out = Pairs::new();
    let w = e.who_can(s, None).unwrap();
    let single = summary_ops(e.model().scope(s).kind);
    for p in w.principals {
        // one operation only: who_can lists no per-principal actions
        let ops: Vec<String> = if p.actions.is_empty() && single.len() == 1 {
            vec![single[0].to_string()]
        } else {
            p.actions.clone()
        };
        for op in ops {
            out.insert((p.principal.pid, op));
        }
    }
    out
}

fn summary(e: &Engine, s: ScopeId) -> Pairs {
    let mut out = Pairs::new();
    for r in e.who_can_summary(s, None).unwrap() {
        for op in r.actions {
            out.insert((r.principal.pid, op));
        }
    }
    out
}

/// How much of an engine to compare: every `n`-th resource, principal (what-can) and explain
/// question.
struct Every {
    resource: usize,
    what_can: usize,
    explain: usize,
}

/// Everything compared on one engine (`every` says how much). Returns how many (resource,
/// principal, operation) facts agreed.
fn agree(e: &Engine, label: &str, every: Every) -> usize {
    let m = e.model();
    let mut truth: BTreeMap<ScopeId, Pairs> = BTreeMap::new();
    let mut facts = 0;
    for s in m.scope_ids().step_by(every.resource) {
        let want = by_action(e, s);
        let r = m.scope_ref(s);
        assert_eq!(
            all_ops(e, s),
            want,
            "{label}, {r}: who-can (all operations) vs --action"
        );
        assert_eq!(summary(e, s), want, "{label}, {r}: summary vs --action");
        facts += want.len();
        truth.insert(s, want);
    }
    // what-can: the same facts seen from each principal
    let by_id: BTreeMap<String, ScopeId> =
        m.scope_ids().map(|s| (e.resource_ref(s).id, s)).collect();
    for p in m.principal_ids().step_by(every.what_can) {
        let want: BTreeSet<(ScopeId, String)> = truth
            .iter()
            .flat_map(|(s, pairs)| {
                pairs
                    .iter()
                    .filter(|(q, _)| *q == p)
                    .map(|(_, op)| (*s, op.clone()))
            })
            .collect();
        let name = &m.principal(p).name;
        for (how, w) in [
            ("what-can", e.what_can(p, None)),
            ("what-can summary", e.what_can_summary(p, None)),
        ] {
            let mut got = BTreeSet::new();
            for r in w.resources {
                let s = by_id[&r.resource.id];
                if !truth.contains_key(&s) {
                    continue; // a resource not in the sample
                }
                let ops: Vec<String> = if r.actions.is_empty() {
                    summary_ops(m.scope(s).kind)
                        .iter()
                        .map(|o| o.to_string())
                        .collect()
                } else {
                    r.actions
                };
                for op in ops {
                    got.insert((s, op));
                }
            }
            let diff: Vec<_> = got
                .symmetric_difference(&want)
                .map(|(s, op)| format!("{} {op}", m.scope_ref(*s)))
                .collect();
            assert!(
                diff.is_empty(),
                "{label}, {name}: {how} vs who-can differ on {diff:?}"
            );
        }
    }
    // explain: allowed exactly where who-can says so (every `explain_every`-th question)
    let mut n = 0;
    for (s, pairs) in &truth {
        for op in summary_ops(m.scope(*s).kind) {
            for p in m.principal_ids() {
                n += 1;
                if n % every.explain != 0 {
                    continue;
                }
                let Ok(x) = e.explain(p, *s, op) else {
                    continue;
                };
                let want = pairs.contains(&(p, op.to_string()));
                assert_eq!(
                    x.allowed,
                    want,
                    "{label}: explain {} {} {op}",
                    m.principal(p).name,
                    m.scope_ref(*s)
                );
            }
        }
    }
    facts
}

#[test]
fn every_mode_agrees_on_the_demo() {
    let e = Engine::new(reach::model::build(reach::demo::load()));
    let every = Every {
        resource: 1,
        what_can: 1,
        explain: 1,
    };
    let facts = agree(&e, "demo", every);
    assert!(facts > 100, "only {facts} facts");
}

#[test]
fn every_mode_agrees_on_a_generated_tenant_with_kept_answers() {
    let d = tempfile::tempdir().unwrap();
    gen_tenant::generate(200, 3, d.path());
    let raw = reach::load::load_path(d.path(), &reach::load::Limits::default()).unwrap();
    let mut e = Engine::new(reach::model::build(raw));
    // the summaries read the answers the warm-up keeps, as in the TUI
    e.warm_in_background();
    e.wait_warm();
    let every = Every {
        resource: 5,
        what_can: 20,
        explain: 211,
    };
    let facts = agree(&e, "generated", every);
    assert!(facts > 100, "only {facts} facts");
}

/// The large run, from `scripts/differential DIR` (a generated tenant, e.g. 100k assignments):
/// every resource, what-can of every 200th principal, every 20,011th explain question.
#[test]
#[ignore = "large: run by scripts/differential"]
fn every_mode_agrees_on_the_tenant_in_reach_diff_tenant() {
    let Ok(dir) = std::env::var("REACH_DIFF_TENANT") else {
        println!("note: REACH_DIFF_TENANT not set; skipped");
        return;
    };
    let raw = reach::load::load_path(std::path::Path::new(&dir), &reach::load::Limits::default())
        .unwrap();
    let mut e = Engine::new(reach::model::build(raw));
    e.warm_in_background();
    e.wait_warm();
    let every = Every {
        resource: 1,
        what_can: 200,
        explain: 20_011,
    };
    let facts = agree(&e, &dir, every);
    println!("{dir}: {facts} (resource, principal, operation) facts agree in every mode");
}

/// Under a what-if assumption, the what-can summary marks a row assumed exactly when the full
/// what-can finds a path through the assumption (the TUI marks rows before their paths are
/// asked for).
#[test]
fn what_can_summary_marks_assumed_rows_like_what_can() {
    let whatif = reach::cli::WhatIf {
        assume: [
            "judy@contoso.com",
            "Storage Blob Data Reader",
            "storage:stdata",
        ]
        .map(String::from)
        .to_vec(),
        revoked: Vec::new(),
    };
    let e = reach::cli::open_with(None, true, true, &whatif).unwrap();
    let m = e.model();
    let mut marked = 0;
    for p in m.principal_ids() {
        let full: BTreeMap<String, bool> = e
            .what_can(p, None)
            .resources
            .into_iter()
            .map(|r| (r.resource.id, r.paths.iter().any(|x| x.assumed)))
            .collect();
        let light: BTreeMap<String, bool> = e
            .what_can_summary(p, None)
            .resources
            .into_iter()
            .map(|r| (r.resource.id, r.assumed))
            .collect();
        assert_eq!(light, full, "{}", m.principal(p).name);
        marked += light.values().filter(|a| **a).count();
    }
    assert!(marked > 0, "no row depends on the assumption");
}
