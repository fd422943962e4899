//! Every lint rule of the catalog shows a finding on a sample project (the demo, lint-tour, or
//! broken for NAME-CONTROL-CHARS).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reach::engine::{rules, Engine};
use reach::load::{self, Limits};
use std::collections::BTreeSet;
use std::path::Path;

fn rules_with_findings(e: &Engine) -> BTreeSet<String> {
    e.lint().into_iter().map(|f| f.rule).collect()
}

#[test]
fn every_lint_rule_fires_on_a_sample_project() {
    let demo = Engine::new(reach::model::build(reach::demo::load()));
    let tour_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-configs/lint-tour");
    let tour = Engine::new(reach::model::build(
        load::load_path(&tour_dir, &Limits::default()).unwrap(),
    ));
    let broken_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-configs/broken");
    let broken = Engine::new(reach::model::build(
        load::load_path(&broken_dir, &Limits::default()).unwrap(),
    ));
    let mut seen = rules_with_findings(&demo);
    seen.extend(rules_with_findings(&tour));
    seen.extend(rules_with_findings(&broken));
    let missing: Vec<&str> = rules::catalog()
        .iter()
        .filter(|r| r.lint)
        .map(|r| r.id)
        .filter(|id| !seen.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "lint rules with no finding on demo or lint-tour: {missing:?}"
    );
}

#[test]
fn the_demo_has_no_load_errors() {
    let demo = Engine::new(reach::model::build(reach::demo::load()));
    let bad: Vec<String> = demo
        .lint()
        .into_iter()
        .filter(|f| f.rule == "LOAD" || f.rule == "MODEL")
        .map(|f| format!("{} {} {}", f.severity, f.source, f.message))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}
