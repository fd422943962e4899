//! `reach --diff OLD NEW --mask-names` in the TUI: no real name of a user, group, service
//! principal or subscription reaches the screen or the clipboard, including the principals only
//! OLD has (lost access). Masking is process-wide, so this is a test binary of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod crafted;
mod tui_common;

use reach::engine::Engine;
use reach::model::{Model, PrincipalKind, ResKind};
use reach::tui::action::{Action, Effect};
use reach::tui::app::{AppState, Subject};
use reach::tui::cursor::Move;
use reach::tui::marks::Mark;
use reach::tui::theme::Theme;
use std::path::Path;
use tui_common::{feed, filter, render, screen};

/// Load as the CLI does under `--mask-names`: each model adds its names to the mask.
fn open(root: &Path) -> Engine {
    let raw = reach::load::load_path(root, &reach::load::Limits::default()).unwrap();
    let m = reach::model::build(raw);
    reach::mask::observe(&m);
    Engine::new(m)
}

/// Every name masking must hide: users, groups and service principals (name, UPN, display
/// name, object id) and subscription IDs.
fn real_names(m: &Model) -> Vec<String> {
    let mut out = Vec::new();
    for p in &m.principals {
        if matches!(
            p.kind,
            PrincipalKind::User | PrincipalKind::Group | PrincipalKind::ServicePrincipal
        ) {
            out.push(p.name.clone());
            out.extend(p.upn.clone());
            out.extend(p.display_name.clone());
            out.extend(p.object_id.clone());
        }
    }
    for s in m.scope_ids() {
        if m.scope(s).kind == ResKind::Subscription {
            out.push(m.scope(s).name.clone());
        }
    }
    out.retain(|n| n.len() >= 3);
    out.sort();
    out.dedup();
    out
}

fn assert_masked(what: &str, text: &str, names: &[String]) {
    let lower = text.to_lowercase();
    for n in names {
        assert!(
            !lower.contains(&n.to_lowercase()),
            "{what} shows {n}:\n{text}"
        );
    }
}

#[test]
fn mask_names_hides_every_real_name_in_the_diff_screens() {
    let (_d, old, new) = crafted::crafted_with_losses();
    reach::mask::request();
    let old_e = open(&old);
    let new_e = open(&new);
    let mut names = real_names(old_e.model());
    names.extend(real_names(new_e.model()));
    assert!(names.iter().any(|n| n == "judy@contoso.com"));
    assert!(names.iter().any(|n| n == "scorers"));
    reach::tui::mask::refresh();

    let mut a = AppState::new(new_e, 80, 24);
    a.load_diff(old_e, "old");
    let mut screens = Vec::new();
    let mut shot = |label: &str, a: &AppState| {
        for theme in [Theme::new(true, false), Theme::new(false, true)] {
            screens.push((
                label.to_string(),
                screen(render(a, &theme).backend().buffer()),
            ));
        }
    };
    shot("start", &a);
    feed(&mut a, filter("ep-fraud"));
    feed(&mut a, [Action::Select, Action::Back]);
    assert!(matches!(a.subject, Some(Subject::Resource(_))));
    // the lost principals are listed under their pseudonyms
    let lost: Vec<&str> = a
        .access
        .rows
        .iter()
        .filter(|r| r.mark() == Some(Mark::Lost))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(lost.len(), 2, "{lost:?}");
    assert!(
        lost.iter()
            .all(|n| n.starts_with("user-") || n.starts_with("group-")),
        "{lost:?}"
    );
    shot("ep-fraud", &a);
    feed(&mut a, [Action::FocusNext, Action::FocusNext]);
    let mut copied = Vec::new();
    for _ in 0..a.access.list.len() {
        shot("access row", &a);
        for fx in a.update(Action::Copy) {
            if let Effect::Copy(t) = fx {
                copied.push(t);
            }
        }
        feed(&mut a, [Action::Move(Move::Down)]);
    }
    assert!(copied.iter().any(|c| c.contains("gone path 1")));
    feed(
        &mut a,
        [Action::FocusPrev, Action::FocusPrev, Action::FocusPrev],
    );
    feed(&mut a, [Action::ToggleChangedOnly]);
    shot("changed only", &a);
    feed(&mut a, [Action::Move(Move::Bottom), Action::Select]);
    shot("an identity", &a);
    feed(&mut a, [Action::Findings]);
    shot("findings", &a);
    feed(&mut a, [Action::Move(Move::Bottom)]);
    shot("resolved finding", &a);

    for (label, s) in &screens {
        assert_masked(label, s, &names);
    }
    for c in &copied {
        assert_masked("the clipboard", c, &names);
    }
    // the screens do show pseudonyms and the diff
    let all: String = screens.iter().map(|(_, s)| s.as_str()).collect();
    assert!(all.contains("user-") && all.contains("group-"));
    // (the counts in short at 80 columns: NEW's broken file puts INCOMPLETE first, issue 20)
    assert!((all.contains("diff: ") || all.contains("diff +")) && all.contains("- gone path 1"));
}
