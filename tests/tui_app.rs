//! App logic driven by Actions (and keys through the key table), with no terminal and no
//! sleeping. Uses a small hand-built project so the assertions do not depend on the demo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use reach::tui::action::{Action, Effect};
use reach::tui::app::{AppState, Focus, Popup, Subject};
use reach::tui::cursor::Move;
use reach::tui::event::to_action;
use reach::tui::theme::Theme;
use tui_common::*;

fn access_names(a: &AppState) -> Vec<String> {
    a.access.rows.iter().map(|r| r.name.clone()).collect()
}

fn select_fraud(a: &mut AppState) {
    feed(a, filter("fraud"));
    feed(a, [Action::Select]);
}

#[test]
fn starts_on_resources_with_nothing_selected() {
    let a = app(80, 24);
    assert_eq!(a.focus, Focus::Resources);
    assert!(a.subject.is_none());
    assert!(a.access.message.is_some());
    assert_eq!(a.findings.rows.len(), a.engine().lint().len());
}

#[test]
fn filter_narrows_as_you_type_and_esc_clears() {
    let mut a = app(80, 24);
    feed(&mut a, [Action::FocusPrev]);
    assert_eq!(a.focus, Focus::Identities);
    let all = a.identities.list.len();
    feed(&mut a, filter("carol"));
    assert_eq!(a.identities.list.len(), 1);
    let row = a.identities.list.current().unwrap();
    assert_eq!(a.identities.rows[row].name, "carol@contoso.com");
    let (_, hl) = a.identities.list.at(0).unwrap();
    assert_eq!(&*hl, &[0, 1, 2, 3, 4]);
    feed(&mut a, [Action::FilterBackspace, Action::Back]);
    assert_eq!(a.identities.list.len(), all);
    assert!(!a.identities.list.filter.editing);
    // the cursor stays on the row it was on
    assert_eq!(a.identities.list.current(), Some(row));
}

#[test]
fn keys_go_through_the_table() {
    let mut a = app(80, 24);
    let key = |c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let mut effects = Vec::new();
    for ev in [
        key(KeyCode::Char('/')),
        key(KeyCode::Char('f')),
        key(KeyCode::Char('r')),
        key(KeyCode::Char('q')),
        key(KeyCode::Backspace),
        key(KeyCode::Enter),
    ] {
        let action = to_action(&ev, &a.contexts()).unwrap();
        effects.extend(a.update(action));
    }
    assert!(effects.is_empty(), "q while typing a filter is a character");
    assert!(matches!(a.subject, Some(Subject::Resource(_))));
    let q = to_action(&key(KeyCode::Char('q')), &a.contexts()).unwrap();
    assert_eq!(a.update(q), vec![Effect::Quit]);
}

#[test]
fn a_selected_resource_lists_groups_and_the_members_they_pass_access_to() {
    let mut a = app(80, 24);
    select_fraud(&mut a);
    let Some(Subject::Resource(s)) = a.subject else {
        panic!("no resource selected")
    };
    assert_eq!(a.engine().model().scope(s).name, "ep-fraud");
    let names = access_names(&a);
    for n in [
        "alice@contoso.com",
        "carol@contoso.com",
        "fraud-scorers",
        "ops-oncall",
    ] {
        assert!(names.contains(&n.to_string()), "{n} missing from {names:?}");
    }
    let alice = a
        .access
        .rows
        .iter()
        .find(|r| r.name == "alice@contoso.com")
        .unwrap();
    assert!(alice.actions.contains("score"), "{}", alice.actions);
    assert!(alice
        .paths
        .iter()
        .any(|p| p.steps.iter().any(|s| s.rule == "RBAC-GROUP")));
    assert!(alice.paths[0].steps.iter().all(|s| !s.source.is_empty()));
    // role edges: the inherited assignment of the group on the workspace
    assert!(a
        .edges
        .rows
        .iter()
        .any(|e| e.name == "fraud-scorers" && e.inherited.is_some()));
}

#[test]
fn choosing_an_action_gives_exactly_who_can_for_it() {
    let mut a = app(80, 24);
    select_fraud(&mut a);
    let Some(Subject::Resource(s)) = a.subject else {
        panic!()
    };
    feed(&mut a, [Action::ChooseAction]);
    let score = reach::engine::action::OPERATIONS
        .iter()
        .position(|o| *o == "score")
        .unwrap();
    feed(&mut a, (0..=score).map(|_| Action::Move(Move::Down)));
    feed(&mut a, [Action::Select]);
    assert_eq!(a.action, Some("score"));
    let w = a.engine().who_can(s, Some("score")).unwrap();
    let expected: Vec<String> = w
        .principals
        .iter()
        .map(|p| reach::text::show(&p.principal.name).into_owned())
        .collect();
    assert_eq!(access_names(&a), expected);
    assert!(!expected.contains(&"bob@contoso.com".to_string()));
}

#[test]
fn a_selected_identity_shows_what_it_reaches() {
    let mut a = app(80, 24);
    feed(&mut a, [Action::FocusPrev]);
    feed(&mut a, filter("alice"));
    feed(&mut a, [Action::Select]);
    let Some(Subject::Principal(p)) = a.subject else {
        panic!()
    };
    let w = a.engine().what_can(p, None);
    assert_eq!(a.access.rows.len(), w.resources.len());
    assert!(access_names(&a).contains(&"ep-fraud".to_string()));
    assert!(a
        .edges
        .rows
        .iter()
        .any(|e| e.inherited.as_deref() == Some("via fraud-scorers")));
}

#[test]
fn explain_on_an_identity_shows_why_not() {
    let mut a = app(80, 24);
    select_fraud(&mut a);
    feed(&mut a, [Action::FocusPrev]);
    feed(&mut a, filter("bob"));
    feed(&mut a, [Action::Back]);
    feed(&mut a, [Action::Explain]);
    let Some(Popup::Explain(x)) = &a.popup else {
        panic!("no explain popup: {:?}", a.message)
    };
    assert!(!x.allowed);
    assert_eq!(x.op, "score");
    assert!(!x.why_not.is_empty());
    // Esc closes the popup first; q then quits
    feed(&mut a, [Action::Back]);
    assert!(a.popup.is_none());
}

#[test]
fn explain_needs_a_pair() {
    let mut a = app(80, 24);
    feed(&mut a, [Action::FocusPrev, Action::Explain]);
    assert!(a.popup.is_none());
    assert!(a.message.as_deref().unwrap().contains("select a resource"));
}

#[test]
fn enter_on_an_access_row_explains_it_and_y_copies_redacted_text() {
    let mut a = app(80, 24);
    select_fraud(&mut a);
    feed(&mut a, [Action::FocusNext, Action::FocusNext]);
    assert_eq!(a.focus, Focus::Access);
    feed(&mut a, filter("deploy"));
    feed(&mut a, [Action::Select]);
    assert!(matches!(a.popup, Some(Popup::Explain(_))));
    let fx = a.update(Action::Copy);
    let [Effect::Copy(text)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert!(text.contains("deploy-bot sig=[REDACTED]"), "{text}");
    assert!(!text.contains(SECRET));
    assert!(text.contains("path 1"));
}

#[test]
fn findings_list_and_enter_on_an_unresolvable_subject_says_so() {
    let mut a = app(80, 24);
    feed(&mut a, [Action::Findings]);
    assert!(matches!(a.popup, Some(Popup::Findings)));
    let i = a
        .findings
        .rows
        .iter()
        .position(|f| f.rule == "LOAD")
        .unwrap();
    assert_eq!(a.findings.rows[i].source, "ml/broken.yml:3");
    feed(&mut a, (0..i).map(|_| Action::Move(Move::Down)));
    feed(&mut a, [Action::Select]);
    assert!(a.message.as_deref().unwrap().contains("ml/broken.yml"));
}

#[test]
fn findings_enter_selects_a_resolvable_subject() {
    let mut a = app(80, 24);
    let target = a.findings.rows.iter().position(|f| {
        a.engine().model().scope_by_arm(&f.raw_subject).is_some()
            || a.engine().model().resolve_principal(&f.raw_subject).is_ok()
    });
    let Some(i) = target else {
        eprintln!("note: the fixture has no finding about a resource or principal");
        return;
    };
    feed(&mut a, [Action::Findings]);
    feed(&mut a, (0..i).map(|_| Action::Move(Move::Down)));
    feed(&mut a, [Action::Select]);
    assert!(a.popup.is_none());
    assert!(a.subject.is_some());
}

#[test]
fn folding_hides_children_and_h_goes_to_the_parent() {
    let mut a = app(80, 24);
    let visible = a.resources.list.len();
    // the first row (the subscription) has children
    feed(&mut a, [Action::Move(Move::Top), Action::ToggleFold]);
    assert_eq!(a.resources.list.len(), 1);
    feed(&mut a, [Action::Expand]);
    assert_eq!(a.resources.list.len(), visible);
    feed(&mut a, [Action::Move(Move::Bottom), Action::Collapse]);
    let cur = a.resources.list.current().unwrap();
    assert!(a.resources.rows[cur].has_children);
}

#[test]
fn help_toggles_and_popups_close_with_esc() {
    let mut a = app(80, 24);
    feed(&mut a, [Action::Help]);
    assert!(matches!(a.popup, Some(Popup::Help(_))));
    feed(&mut a, [Action::Move(Move::Down), Action::Help]);
    assert!(a.popup.is_none());
    feed(&mut a, [Action::ChooseAction, Action::Back]);
    assert!(a.popup.is_none());
    assert_eq!(a.update(Action::Quit), vec![Effect::Quit]);
}

#[test]
fn drawing_is_pure_and_repeatable() {
    let mut a = app(80, 24);
    select_fraud(&mut a);
    let theme = Theme::new(true, false);
    let t1 = render(&a, &theme);
    let t2 = render(&a, &theme);
    assert_eq!(t1.backend().buffer(), t2.backend().buffer());
}

#[test]
fn names_are_escaped_and_secrets_never_shown() {
    let mut a = app(120, 40);
    select_fraud(&mut a);
    let t = render(&a, &Theme::new(true, false));
    let s = screen(t.backend().buffer());
    assert!(s.contains("eve\\u{202e}moc.osotnoc@"), "{s}");
    assert!(!s.contains('\u{202e}'));
    assert!(s.contains("deploy-bot sig=[REDACTED]"));
    assert!(!s.contains(SECRET));
}

#[test]
fn resize_below_the_minimum_shows_too_small_and_back() {
    let mut a = app(80, 24);
    feed(&mut a, [Action::Resize(50, 12)]);
    let t = render(&a, &Theme::new(true, false));
    assert!(screen(t.backend().buffer()).contains("terminal too small"));
    feed(&mut a, [Action::Resize(80, 24)]);
    let t = render(&a, &Theme::new(true, false));
    assert!(screen(t.backend().buffer()).contains("Resources"));
}

#[test]
fn help_md_key_section_matches_the_key_table() {
    let md =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/help.md")).unwrap();
    let keys = reach::tui::keymap::help_markdown();
    assert!(
        md.contains(&keys),
        "assets/help.md is out of date; its key section should be:\n{keys}"
    );
}

#[test]
fn a_fix_assumed_from_explain_opens_a_marked_path_and_x_clears_it() {
    let mut a = app(80, 24);
    select_fraud(&mut a);
    feed(&mut a, [Action::FocusPrev]);
    feed(&mut a, filter("bob"));
    feed(&mut a, [Action::Back, Action::Explain]);
    let Some(Popup::Explain(x)) = &a.popup else {
        panic!("no explain popup: {:?}", a.message)
    };
    assert!(!x.allowed);
    assert!(x.fixes > 0, "no fixes offered for a denied pair");
    let bob = a.identities.current().unwrap();

    feed(&mut a, [Action::Fixes]);
    let Some(Popup::Fixes(f)) = &a.popup else {
        panic!("no fixes popup: {:?}", a.message)
    };
    assert!(f.fixes[0].command.starts_with("az role assignment create"));
    let first = f.fixes[0].clone();
    // y copies the command
    let fx = a.update(Action::Copy);
    assert!(matches!(fx.as_slice(), [Effect::Copy(c)] if c.starts_with("az role")));

    feed(&mut a, [Action::Select]);
    assert_eq!(a.assumptions.len(), 1, "{:?}", a.message);
    assert!(a.engine().has_assumptions());
    let Some(Popup::Explain(x)) = &a.popup else {
        panic!("the pair is not explained again: {:?}", a.message)
    };
    assert!(x.allowed, "the fix {} did not allow it", first.role);
    assert!(x.paths.iter().any(|p| p.assumed));
    assert!(x
        .paths
        .iter()
        .flat_map(|p| &p.steps)
        .any(|s| s.assumed && s.source == "assumed"));
    // bob now reaches ep-fraud in Access, marked
    let row = a
        .access
        .rows
        .iter()
        .find(|r| r.principal == Some(bob))
        .expect("bob is not in Access after the fix");
    assert!(row.assumed);
    // the status line says assumptions are active
    feed(&mut a, [Action::Back]);
    let s = screen(render(&a, &Theme::new(false, false)).backend().buffer());
    assert!(s.lines().next().unwrap().contains("1 assumed"), "{s}");
    assert!(s.contains("path 1"));

    feed(&mut a, [Action::ClearAssumptions]);
    assert!(a.assumptions.is_empty());
    assert!(!a.engine().has_assumptions());
    assert!(a.access.rows.iter().all(|r| !r.assumed));
    let s = screen(render(&a, &Theme::new(false, false)).backend().buffer());
    assert!(!s.lines().next().unwrap().contains("assumed"), "{s}");
}

#[test]
fn fixes_on_an_allowed_pair_say_there_is_nothing_to_fix() {
    let mut a = app(80, 24);
    select_fraud(&mut a);
    feed(&mut a, [Action::FocusPrev]);
    feed(&mut a, filter("alice"));
    feed(&mut a, [Action::Back, Action::Fixes]);
    assert!(a.popup.is_none());
    assert!(a.message.as_deref().unwrap().contains("nothing to fix"));
    feed(&mut a, [Action::ClearAssumptions]);
    assert!(a.message.as_deref().unwrap().contains("no assumptions"));
}

#[test]
fn the_paths_pane_scrolls_and_stops_at_the_end() {
    let mut a = app(80, 24);
    select_fraud(&mut a);
    feed(&mut a, [Action::FocusNext, Action::FocusNext]);
    // the row with the most path lines
    let (w, h) = reach::tui::panes::access::AccessPane::paths_body(a.areas().paths);
    let plain = Theme::new(false, false);
    let mut best = (0, 0);
    for pos in 0..a.access.list.len() {
        let n = a.access.path_lines(w, &plain).len();
        if n > best.1 {
            best = (pos, n);
        }
        feed(&mut a, [Action::Move(Move::Down)]);
    }
    feed(&mut a, [Action::Move(Move::Top)]);
    feed(&mut a, (0..best.0).map(|_| Action::Move(Move::Down)));
    let total = a.access.path_lines(w, &plain).len();
    assert!(
        total > h,
        "the fixture needs a row with more path lines than fit"
    );
    let before = screen(render(&a, &plain).backend().buffer());
    feed(&mut a, [Action::ScrollPaths(Move::Down)]);
    assert_eq!(a.access.paths_offset(), 1);
    let after = screen(render(&a, &plain).backend().buffer());
    assert_ne!(before, after);
    assert!(after.contains("J/K"));
    feed(
        &mut a,
        (0..total + 5).map(|_| Action::ScrollPaths(Move::Down)),
    );
    assert_eq!(a.access.paths_offset(), total - h);
    feed(&mut a, [Action::ScrollPaths(Move::Up)]);
    assert_eq!(a.access.paths_offset(), total - h - 1);
    // another row starts at the top
    feed(&mut a, [Action::Move(Move::Down)]);
    if a.access.list.current() != Some(best.0) {
        assert_eq!(a.access.paths_offset(), 0);
    }
}

#[test]
fn reload_of_the_built_in_demo_is_a_no_op_with_a_message() {
    let mut a = app(80, 24);
    select_fraud(&mut a);
    feed(&mut a, [Action::Reload]);
    assert!(a.message.as_deref().unwrap().contains("nothing to reload"));
    assert!(a.subject.is_some());
}
