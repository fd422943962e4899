//! The cheap who-can summary (what the TUI lists first) agrees with the full who-can on every
//! resource of the demo: same principals, same operations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reach::engine::Engine;

#[test]
fn summary_matches_full_who_can_on_every_demo_resource() {
    let e = Engine::new(reach::model::build(reach::demo::load()));
    let mut checked = 0;
    for s in e.model().scope_ids() {
        let Ok(full) = e.who_can(s, None) else {
            continue;
        };
        let sum = e.who_can_summary(s, None).unwrap();
        let a: Vec<(String, Vec<String>)> = full
            .principals
            .iter()
            .map(|p| (p.principal.name.clone(), p.actions.clone()))
            .collect();
        let b: Vec<(String, Vec<String>)> = sum
            .iter()
            .map(|r| (r.principal.name.clone(), r.actions.clone()))
            .collect();
        // with a single summarised operation who_can leaves `actions` empty
        let b: Vec<_> = if a.iter().all(|(_, x)| x.is_empty()) {
            b.into_iter().map(|(n, _)| (n, Vec::new())).collect()
        } else {
            b
        };
        assert_eq!(a, b, "{}", e.model().scope_ref(s));
        checked += 1;
    }
    assert!(checked > 20, "only {checked} resources checked");
}

#[allow(dead_code)]
#[path = "../examples/gen_tenant.rs"]
mod gen_tenant;

/// An engine on the project in `dir`.
fn engine_of(dir: &std::path::Path) -> Engine {
    let raw = reach::load::load_path(dir, &reach::load::Limits::default()).unwrap();
    Engine::new(reach::model::build(raw))
}

/// Names and operations of a summary, for comparing.
fn rows(v: &[reach::engine::Reached]) -> Vec<(String, Vec<String>, bool)> {
    v.iter()
        .map(|r| (r.principal.name.clone(), r.actions.clone(), r.assumed))
        .collect()
}

/// The engine keeps light answers across summaries (sub-goals, acts-as edges, what a scope's
/// assignments reach). On a generated tenant, with managed identities that data roles make
/// reachable through RBAC-ASSIGN, every resource's summary agrees with the full who-can, and
/// does not depend on which resources were asked before or on the warm-up: one engine answers
/// in tree order, another in reverse order while warming up in the background and again once
/// it is done, a third forgets its kept answers before every question.
#[test]
fn kept_answers_do_not_change_summaries_on_a_generated_tenant() {
    let d = tempfile::tempdir().unwrap();
    gen_tenant::generate(1000, 11, d.path());
    let build = || engine_of(d.path());
    let (a, mut b, c) = (build(), build(), build());
    // b's answers are asked while its background warm-up runs (both fill the same store)
    b.warm_in_background();
    let ids: Vec<_> = a.model().scope_ids().collect();
    let forward: Vec<_> = ids
        .iter()
        .map(|&s| a.who_can_summary(s, None).ok().map(|v| rows(&v)))
        .collect();
    let mut backward: Vec<_> = ids
        .iter()
        .rev()
        .map(|&s| b.who_can_summary(s, None).ok().map(|v| rows(&v)))
        .collect();
    backward.reverse();
    assert!(b.wait_warm().is_some(), "the warm-up ended");
    let after_warm: Vec<_> = ids
        .iter()
        .map(|&s| b.who_can_summary(s, None).ok().map(|v| rows(&v)))
        .collect();
    let [goals, edges, reaches, _] = a.kept_answers();
    assert!(
        goals > 0 && edges > 0 && reaches > 0,
        "nothing was kept: {:?}",
        a.kept_answers()
    );
    let mut via_identity = 0;
    for (i, &s) in ids.iter().enumerate() {
        c.forget_kept();
        let cold = c.who_can_summary(s, None).ok().map(|v| rows(&v));
        let label = a.model().scope_ref(s);
        assert_eq!(forward[i], cold, "{label}: tree order vs cold");
        assert_eq!(backward[i], cold, "{label}: reverse order vs cold");
        assert_eq!(after_warm[i], cold, "{label}: after the warm-up vs cold");
        let Ok(full) = c.who_can(s, None) else {
            continue;
        };
        let names: Vec<&str> = full
            .principals
            .iter()
            .map(|p| p.principal.name.as_str())
            .collect();
        let summary: Vec<&str> = forward[i]
            .iter()
            .flatten()
            .map(|(n, _, _)| n.as_str())
            .collect();
        assert_eq!(names, summary, "{label}: summary vs full who-can");
        via_identity += full
            .principals
            .iter()
            .filter(|p| {
                p.paths
                    .iter()
                    .any(|path| path.steps.iter().any(|st| st.rule == "RBAC-ASSIGN"))
            })
            .count();
    }
    assert!(
        via_identity > 0,
        "no access through RBAC-ASSIGN was exercised"
    );
}

/// A warm-up keeps the acts-as edges' answers; stopped before it starts, it keeps nothing.
#[test]
fn warm_up_keeps_every_edge_and_stops_when_told() {
    let d = tempfile::tempdir().unwrap();
    gen_tenant::generate(600, 5, d.path());
    let e = engine_of(d.path());
    let edges: usize = e.graph().acts_as.values().map(Vec::len).sum();
    assert!(edges > 0);
    let stopped = std::sync::atomic::AtomicBool::new(true);
    assert_eq!(e.warm(&stopped), (0, 0));
    assert_eq!(e.kept_answers()[1], 0, "nothing answered once stopped");
    let (goals, answered) = e.warm(&std::sync::atomic::AtomicBool::new(false));
    assert!(goals > 0);
    assert_eq!(answered, edges, "every edge answered");
    assert_eq!(e.kept_answers()[1], edges, "and kept");
    assert_eq!(e.kept_answers()[0], 0, "the goals they needed are let go");
}

/// The kept answers stay within their memory budget: an engine held to 64 KiB forgets as it
/// goes (and says how often), stays under the budget after every question, and answers every
/// resource exactly as an engine with the default budget does. The default keeps more than
/// 64 KiB on this tenant, so the budget is what holds the small one down.
#[test]
fn a_small_kept_budget_forgets_answers_but_changes_none() {
    let d = tempfile::tempdir().unwrap();
    gen_tenant::generate(1000, 11, d.path());
    let build = || engine_of(d.path());
    let (roomy, small) = (build(), build());
    const BUDGET: usize = 64 << 10;
    small.set_kept_budget(BUDGET);
    let ids: Vec<_> = roomy.model().scope_ids().collect();
    for &s in &ids {
        let want = roomy.who_can_summary(s, None).ok().map(|v| rows(&v));
        let got = small.who_can_summary(s, None).ok().map(|v| rows(&v));
        let label = roomy.model().scope_ref(s);
        assert_eq!(want, got, "{label}: small budget vs default");
        let (bytes, _) = small.kept_memory();
        assert!(
            bytes <= BUDGET,
            "{label}: {bytes} bytes kept over a budget of {BUDGET}"
        );
    }
    let (roomy_bytes, roomy_evictions) = roomy.kept_memory();
    assert!(
        roomy_bytes > BUDGET,
        "the default kept only {roomy_bytes} bytes"
    );
    assert_eq!(roomy_evictions, 0, "the default budget never bit here");
    assert!(small.kept_memory().1 > 0, "the small budget never forgot");
    assert!(
        small.kept_answers()[3] < roomy.kept_answers()[3],
        "the small budget keeps fewer principals: {:?} vs {:?}",
        small.kept_answers(),
        roomy.kept_answers()
    );
}
