//! `reach --policy FILE`: the demo's policy in the TUI (its failing rule in the findings view,
//! the principal that breaks it marked `!` in Access), and the binary without a terminal
//! (the summary, then the check) or with a bad policy file (exit 2).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod tui_common;

use reach::engine::Engine;
use reach::tui::action::Action;
use reach::tui::app::AppState;
use reach::tui::theme::Theme;
use tui_common::{feed, filter, render, screen};

const DEMO_POLICY: &str = "sample-configs/demo/reach-policy.yaml";

fn demo_with_policy(w: u16, h: u16) -> AppState {
    let engine = Engine::new(reach::model::build(reach::demo::load()));
    let mut a = AppState::new(engine, w, h);
    let text =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO_POLICY))
            .unwrap();
    a.set_policy(DEMO_POLICY, text);
    a
}

fn text(a: &AppState) -> String {
    screen(render(a, &Theme::new(false, true)).backend().buffer())
}

#[test]
fn the_failing_rule_is_in_the_findings_view() {
    let mut a = demo_with_policy(120, 40);
    feed(&mut a, [Action::Findings]);
    let s = text(&a);
    assert!(
        s.contains("error   POLICY rule 'the CI service principal never reads vault secrets"),
        "{s}"
    );
    let row = a.findings.rows.iter().find(|r| r.rule == "POLICY").unwrap();
    assert_eq!(row.source, "sample-configs/demo/reach-policy.yaml:32");
    assert!(
        row.message
            .ends_with("sp-cicd → write-blobs on storage stdata: reaches it"),
        "{}",
        row.message
    );
}

#[test]
fn the_offending_principal_is_marked_in_access() {
    let mut a = demo_with_policy(120, 40);
    feed(&mut a, filter("stdata"));
    feed(
        &mut a,
        [Action::Select, Action::FocusNext, Action::FocusNext],
    );
    let s = text(&a);
    // every principal that writes stdata is listed; only sp-cicd breaks the policy
    assert_eq!(
        s.matches("! ").count(),
        0,
        "sp-cicd is below the fold:\n{s}"
    );
    feed(&mut a, filter("sp-cicd"));
    let s = text(&a);
    let row = s
        .lines()
        .find(|l| l.contains("sp-cicd"))
        .unwrap_or_else(|| panic!("sp-cicd is listed:\n{s}"));
    assert!(row.contains("! sp-cicd"), "{row}");
    assert_eq!(s.matches("! ").count(), 1, "{s}");
}

#[test]
fn without_a_terminal_the_summary_is_followed_by_the_check() {
    let r = common::run(&["--demo", "--policy", DEMO_POLICY]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(
        r.stdout.starts_with("reach: loaded built-in demo project"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("\nPolicy sample-configs/demo/reach-policy.yaml: 6 rule(s), 5 passed, 1 failed"));
}

#[test]
fn a_bad_policy_file_stops_before_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.yaml");
    std::fs::write(
        &p,
        "reach-policy: 1\nrules:\n  - name: a\n    resource: kv-main\n    onyl: []\n",
    )
    .unwrap();
    let r = common::run(&["--demo", "--policy", p.to_str().unwrap()]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains(":5: unknown key 'onyl'"), "{}", r.stderr);
    let r = common::run(&["--policy", p.to_str().unwrap(), "lint", "--demo"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("use `reach check FILE`"), "{}", r.stderr);
}
