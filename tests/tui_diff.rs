//! `reach --diff OLD NEW` in the TUI, on two crafted snapshots of the demo (`tests/crafted`):
//! NEW gives `security-reviewers` a role on stlake, drops the deny assignment, switches
//! ep-churn from key to aad_token and ep-k8s from aad_token to key, removes the `scorers`
//! group's Endpoint Scorer on ep-fraud and adds a broken file. The app is opened on NEW with
//! the engine's diff against OLD, driven by Actions and rendered into ratatui's TestBackend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod crafted;
mod tui_common;

use ratatui::style::Color;
use reach::engine::diff::{diff_snapshots, Diff};
use reach::engine::Engine;
use reach::tui::action::{Action, Effect};
use reach::tui::app::{AppState, Focus, Popup, Subject};
use reach::tui::cursor::Move;
use reach::tui::marks::Mark;
use reach::tui::theme::Theme;
use std::path::{Path, PathBuf};
use tui_common::{feed, filter, render, screen};

fn open(root: &Path) -> Engine {
    let raw = reach::load::load_path(root, &reach::load::Limits::default()).unwrap();
    Engine::new(reach::model::build(raw))
}

/// The app on NEW, compared with OLD (named `old_label` on screen; the project named `new`).
fn diff_app_named(old: &Path, new: &Path, old_label: &str, w: u16, h: u16) -> AppState {
    let mut a = AppState::new(open(new), w, h);
    a.project = "new".into();
    a.source = Some(new.to_path_buf());
    a.load_diff(open(old), old_label);
    a
}

fn diff_app(old: &Path, new: &Path, w: u16, h: u16) -> AppState {
    diff_app_named(old, new, "old", w, h)
}

/// The diff as `reach diff OLD NEW` computes it, from engines of its own.
fn engine_diff(old: &Path, new: &Path) -> Diff {
    diff_snapshots(&mut open(old), &mut open(new))
}

fn plain() -> Theme {
    Theme::new(false, false)
}

fn text(a: &AppState, theme: &Theme) -> String {
    screen(render(a, theme).backend().buffer())
}

/// The screen line that holds `needle` (the first).
fn line_with(s: &str, needle: &str) -> String {
    s.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not on screen:\n{s}"))
        .to_string()
}

fn crafted() -> (tempfile::TempDir, PathBuf, PathBuf) {
    crafted::crafted_with_losses()
}

/// `/name` Enter in the focused pane, then Esc (the filter is cleared, the selection stays).
fn select(a: &mut AppState, name: &str) {
    feed(a, filter(name));
    feed(a, [Action::Select, Action::Back]);
}

/// Distinct principals with a change of kind `m` on `reference`.
fn principals_on(d: &Diff, m: Mark, reference: &str) -> usize {
    let list = match m {
        Mark::Gained => &d.gained,
        Mark::Lost => &d.lost,
        Mark::Changed => &d.changed,
    };
    let mut names: Vec<&str> = list
        .iter()
        .filter(|c| c.reference == reference)
        .map(|c| c.principal.name.as_str())
        .collect();
    names.sort();
    names.dedup();
    names.len()
}

#[test]
fn the_status_line_counts_the_engines_diff_against_old() {
    let (_d, old, new) = crafted();
    let d = engine_diff(&old, &new);
    assert!(!d.gained.is_empty() && !d.lost.is_empty() && !d.changed.is_empty());
    assert_eq!((d.findings_added.len(), d.findings_resolved.len()), (1, 1));
    let a = diff_app(&old, &new, 200, 40);
    let s = text(&a, &plain());
    let status = s.lines().next().unwrap();
    let want = format!(
        "diff: {} gained, {} lost, {} changed, 1 findings added, 1 resolved vs old (D)",
        d.gained.len(),
        d.lost.len(),
        d.changed.len()
    );
    assert!(status.contains(&want), "{status}");
    // load errors, then the other findings, follow; resolved ones are not counted
    let present = a.engine().lint().len();
    let errors = a.load_errors();
    assert!(
        status.contains(&format!("{errors} load error"))
            && status.contains(&format!("{} other findings", present - errors)),
        "{status}"
    );
    // the start message says what the marks mean and which key narrows the lists
    assert!(s.contains("+ gained  - lost  ~ reached another way"), "{s}");
}

#[test]
fn old_is_escaped_and_shortened_from_the_left_at_80_columns() {
    let (_d, old, new) = crafted();
    let label = "/very/long/path/to/the/snapshots/of/last-week/old\u{1b}[2J\u{202e}";
    let a = diff_app_named(&old, &new, label, 80, 24);
    let s = text(&a, &plain());
    let status = s.lines().next().unwrap();
    assert!(
        !s.contains('\u{1b}') && !s.contains('\u{202e}'),
        "{status:?}"
    );
    // NEW holds a broken file: the INCOMPLETE marker (issue 20), then the counts in short,
    // OLD's end kept
    let d = engine_diff(&old, &new);
    let short = format!(
        " INCOMPLETE: 1 file diff +{} -{} ~{}, findings +1 -1 vs …",
        d.gained.len(),
        d.lost.len(),
        d.changed.len()
    );
    assert!(status.starts_with(&short), "{status}");
    assert!(status.contains("/old\\e[2J\\u{202e} (D)"), "{status}");
}

#[test]
fn a_lost_principal_is_listed_with_the_path_that_is_gone() {
    let (_d, old, new) = crafted();
    let d = engine_diff(&old, &new);
    let mut a = diff_app(&old, &new, 80, 24);
    select(&mut a, "ep-fraud");
    let Some(Subject::Resource(s)) = a.subject else {
        panic!("ep-fraud is not selected")
    };
    // judy scored ep-fraud only through scorers: NEW's who-can does not have her
    let now = a.engine().who_can(s, Some("score")).unwrap();
    assert!(now
        .principals
        .iter()
        .all(|p| p.principal.name != "judy@contoso.com"));
    let judy = a
        .access
        .rows
        .iter()
        .find(|r| r.name == "judy@contoso.com")
        .expect("judy is not listed as lost");
    assert_eq!(judy.mark(), Some(Mark::Lost));
    assert_eq!(judy.actions, "score");
    let rd = judy.diff.as_ref().unwrap();
    assert_eq!(rd.gone.len(), 1);
    assert!(rd.gone[0]
        .steps
        .iter()
        .any(|s| s.rule == "RBAC-SCOPE" && s.text.contains("scorers holds Endpoint Scorer")));
    // changed rows come first: lost ones are on screen at 80x24
    let scr = text(&a, &plain());
    let row = line_with(&scr, "judy@contoso.com");
    assert!(row.contains("U  - judy@contoso.com"), "{row}");
    // the resource row counts the principals that lost access, as the engine does
    let lost = principals_on(&d, Mark::Lost, "endpoint:ep-fraud");
    assert_eq!(lost, 2, "judy and scorers");
    let res = line_with(&scr, "● ep-fraud");
    assert!(res.contains(&format!("-{lost}")), "{res}");
    // highlighted: the Paths pane shows what was lost and the gone path
    feed(&mut a, [Action::FocusNext, Action::FocusNext]);
    let pos = a
        .access
        .list
        .position_of(
            a.access
                .rows
                .iter()
                .position(|r| r.name == "judy@contoso.com")
                .unwrap(),
        )
        .unwrap();
    feed(&mut a, [Action::Move(Move::Top)]);
    feed(&mut a, (0..pos).map(|_| Action::Move(Move::Down)));
    let scr = text(&a, &plain());
    assert!(scr.contains("Paths: judy@contoso.com (0, 1 gone)"), "{scr}");
    assert!(scr.contains("- lost: score"), "{scr}");
    assert!(scr.contains("- gone path 1 · score"), "{scr}");
    assert!(scr.contains("scorers holds Endpoint Scorer"), "{scr}");
    // y copies the gone path too
    let fx = a.update(Action::Copy);
    let [Effect::Copy(c)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert!(
        c.contains("- lost: score") && c.contains("gone path 1 - score"),
        "{c}"
    );
    // e explains the pair against NEW: judy can no longer score it
    feed(&mut a, [Action::Explain]);
    let Some(Popup::Explain(x)) = &a.popup else {
        panic!("no explain popup: {:?}", a.message)
    };
    assert!(!x.allowed);
}

#[test]
fn gained_and_changed_principals_are_marked_with_new_and_gone_paths() {
    let (_d, old, new) = crafted();
    let d = engine_diff(&old, &new);
    let mut a = diff_app(&old, &new, 120, 40);
    select(&mut a, "ep-churn");
    let mark_of = |a: &AppState, n: &str| {
        a.access
            .rows
            .iter()
            .find(|r| r.name == n)
            .unwrap_or_else(|| panic!("{n} not in Access"))
            .mark()
    };
    // ops-oncall can score now (aad_token and its operator role); alice scores another way
    assert_eq!(mark_of(&a, "ops-oncall"), Some(Mark::Gained));
    assert_eq!(mark_of(&a, "alice@contoso.com"), Some(Mark::Changed));
    assert_eq!(mark_of(&a, "grace@contoso.com"), None);
    // marked rows first, in the order gained, lost, changed
    let marks: Vec<u8> = a
        .access
        .rows
        .iter()
        .map(|r| r.mark().map_or(3, |m| m as u8))
        .collect();
    assert!(marks.windows(2).all(|w| w[0] <= w[1]), "{marks:?}");
    let scr = text(&a, &plain());
    assert!(
        line_with(&scr, "ops-oncall").contains("G  + ops-oncall"),
        "{scr}"
    );
    assert!(
        line_with(&scr, "~ alice@contoso.com").contains("U  ~"),
        "{scr}"
    );
    let res = line_with(&scr, "● ep-churn");
    let (g, c) = (
        principals_on(&d, Mark::Gained, "endpoint:ep-churn"),
        principals_on(&d, Mark::Changed, "endpoint:ep-churn"),
    );
    assert!(res.contains(&format!("+{g} ~{c} endpoint")), "{res}");
    // the gained row's new path is shown as usual, after what it gained
    feed(&mut a, [Action::FocusNext, Action::FocusNext]);
    let scr = text(&a, &plain());
    assert!(scr.contains("Paths: ops-oncall"), "{scr}");
    assert!(scr.contains("+ gained: score"), "{scr}");
    assert!(scr.contains("path 1 · "), "{scr}");
    // alice: her score path through the keys is gone, the aad_token one is new
    let pos = a
        .access
        .list
        .position_of(
            a.access
                .rows
                .iter()
                .position(|r| r.name == "alice@contoso.com")
                .unwrap(),
        )
        .unwrap();
    feed(&mut a, (0..pos).map(|_| Action::Move(Move::Down)));
    let row = a.access.current().unwrap();
    assert_eq!(row.name, "alice@contoso.com");
    let rd = row.diff.as_ref().unwrap();
    assert_eq!(rd.changed, vec!["score".to_string()]);
    assert!(rd.gone[0].steps.iter().any(|s| s.rule == "EP-SCORE-KEY"));
    assert!(row
        .paths
        .iter()
        .any(|p| p.steps.iter().any(|s| s.rule == "EP-SCORE-AAD")));
    let (w, _) = reach::tui::panes::access::AccessPane::paths_body(a.areas().paths);
    let lines: Vec<String> = a
        .access
        .path_lines(w, &plain())
        .iter()
        .map(|l| l.to_string())
        .collect();
    assert_eq!(lines[0], "~ reached another way: score");
    let gone = lines
        .iter()
        .position(|l| l.starts_with("- gone path 1 · score"))
        .expect("no gone path");
    assert!(lines[gone..].iter().any(|l| l.contains("EP-SCORE-KEY")));
}

#[test]
fn identities_are_marked_and_a_principal_lists_the_resources_it_lost() {
    let (_d, old, new) = crafted();
    let mut a = diff_app(&old, &new, 120, 40);
    feed(&mut a, [Action::FocusPrev]);
    assert_eq!(a.focus, Focus::Identities);
    let scr = text(&a, &plain());
    assert!(
        line_with(&scr, "judy@contoso.com").contains("-1 User"),
        "{scr}"
    );
    assert!(
        line_with(&scr, "heidi@contoso.com").contains("+2 User"),
        "{scr}"
    );
    // grace's access did not change
    let grace = line_with(&scr, "grace@contoso.com");
    assert!(!grace.contains('+') && !grace.contains('~'), "{grace}");
    select(&mut a, "judy");
    let row = &a.access.rows[0];
    assert_eq!(
        (row.name.as_str(), row.mark()),
        ("ep-fraud", Some(Mark::Lost))
    );
    assert!(row.scope.is_some(), "the resource is still in NEW");
    let scr = text(&a, &plain());
    // the score column (code s) is marked on the lost row (judy's columns also hold the blob
    // operations her PIM eligibility reaches on stdata)
    let lost = line_with(&scr, "- ep-fraud endpoint");
    let cells: Vec<&str> = lost
        .trim_end_matches([' ', '│'])
        .split_whitespace()
        .skip_while(|t| *t != "endpoint")
        .skip(1)
        .collect();
    assert_eq!(cells, ["s", "·", "·"], "{scr}");
    assert_eq!(row.ops, vec!["score".to_string()]);
}

#[test]
fn d_lists_only_what_changed_and_back() {
    let (_d, old, new) = crafted();
    let mut a = diff_app(&old, &new, 120, 40);
    let (ids, res) = (a.identities.list.len(), a.resources.list.len());
    feed(&mut a, [Action::ToggleChangedOnly]);
    let listed = |l: &reach::tui::listing::Listing| -> Vec<usize> {
        (0..l.len()).map(|p| l.at(p).unwrap().0).collect()
    };
    let id_rows = listed(&a.identities.list);
    assert!(!id_rows.is_empty() && id_rows.len() < ids);
    assert!(id_rows.iter().all(|&i| a.identities.changed(i)));
    let res_rows = listed(&a.resources.list);
    assert!(!res_rows.is_empty() && res_rows.len() < res);
    // a listed resource changed, or a scope above one that did
    for &i in &res_rows {
        let has_changed_descendant = (0..a.resources.rows.len()).any(|j| {
            let mut p = Some(j);
            while let Some(k) = p {
                if k == i {
                    return a.resources.changed(j);
                }
                p = a.resources.rows[k].parent;
            }
            false
        });
        assert!(
            has_changed_descendant,
            "{} listed",
            a.resources.rows[i].label
        );
    }
    let scr = text(&a, &plain());
    assert!(
        scr.contains("Identities (") && scr.contains(" changed)"),
        "{scr}"
    );
    assert!(!scr.contains("grace@contoso.com"), "{scr}");
    assert!(a.message.as_deref().unwrap().contains("only what changed"));
    // a filter finds only changed rows too
    feed(&mut a, [Action::FocusPrev]);
    feed(&mut a, filter("grace"));
    assert_eq!(a.identities.list.len(), 0);
    feed(&mut a, (0..5).map(|_| Action::FilterBackspace));
    feed(&mut a, "judy".chars().map(Action::FilterChar));
    assert_eq!(a.identities.list.len(), 1);
    feed(&mut a, [Action::Back, Action::Back]);
    // D again: everything
    feed(&mut a, [Action::ToggleChangedOnly]);
    assert_eq!(a.identities.list.len(), ids);
    assert_eq!(a.resources.list.len(), res);
    assert!(text(&a, &plain()).contains("grace@contoso.com"));
}

#[test]
fn d_without_a_diff_says_so_and_changes_nothing() {
    let mut a = tui_common::app(80, 24);
    let n = a.identities.list.len();
    feed(&mut a, [Action::ToggleChangedOnly]);
    assert!(a.message.as_deref().unwrap().contains("--diff"));
    assert_eq!(a.identities.list.len(), n);
    assert!(!text(&a, &plain()).contains("diff:"));
}

#[test]
fn findings_added_are_marked_and_resolved_ones_listed() {
    let (_d, old, new) = crafted();
    let mut a = diff_app(&old, &new, 120, 40);
    let added: Vec<_> = a
        .findings
        .rows
        .iter()
        .filter(|r| r.mark == Some(Mark::Gained))
        .collect();
    assert_eq!(added.len(), 1);
    assert!(added[0].rule == "LOAD" && added[0].source.contains("azure/broken.json"));
    let resolved: Vec<_> = a
        .findings
        .rows
        .iter()
        .filter(|r| r.mark == Some(Mark::Lost))
        .collect();
    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0].rule, "EP-AUTH-MODES");
    assert_eq!(a.findings.present().count(), a.engine().lint().len());
    feed(&mut a, [Action::Findings]);
    let scr = text(&a, &plain());
    assert!(scr.contains("+1 added, -1 resolved"), "{scr}");
    assert!(
        line_with(&scr, "broken.json").contains("+ error   LOAD"),
        "{scr}"
    );
    feed(&mut a, [Action::Move(Move::Bottom)]);
    let scr = text(&a, &plain());
    assert!(
        line_with(&scr, "EP-AUTH-MODES").contains("- error"),
        "{scr}"
    );
    assert!(scr.contains("- resolved"), "{scr}");
}

#[test]
fn markers_are_glyphs_in_ascii_and_without_colour_and_coloured_otherwise() {
    let (_d, old, new) = crafted();
    let mut a = diff_app(&old, &new, 80, 24);
    select(&mut a, "ep-fraud");
    let ascii = text(&a, &Theme::new(false, true));
    assert!(ascii.is_ascii(), "{ascii}");
    assert!(ascii.contains("U  - judy@contoso.com"), "{ascii}");
    assert!(line_with(&ascii, "* ep-fraud").contains("-2"), "{ascii}");
    // the marker cell's colour: red for lost with colour, none without
    let t = render(&a, &Theme::new(true, false));
    let buf = t.backend().buffer();
    let s = screen(buf);
    let (y, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("- judy@contoso.com"))
        .unwrap();
    let x = line.chars().position(|c| c == '-').unwrap();
    let cell = &buf[(x as u16, y as u16)];
    assert_eq!((cell.symbol(), cell.fg), ("-", Color::Red));
    let mono = render(&a, &Theme::new(false, false));
    let cell = &mono.backend().buffer()[(x as u16, y as u16)];
    assert_eq!((cell.symbol(), cell.fg), ("-", Color::Reset));
    // gained is green in the counts of a resource
    select(&mut a, "ep-churn");
    let t = render(&a, &Theme::new(true, false));
    let buf = t.backend().buffer();
    let s = screen(buf);
    let (y, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("● ep-churn"))
        .unwrap();
    let x = line.chars().position(|c| c == '+').unwrap();
    assert_eq!(buf[(x as u16, y as u16)].fg, Color::Green);
}

#[test]
fn a_reload_of_new_compares_it_with_old_again() {
    let (_d, old, new) = crafted();
    let mut a = diff_app(&old, &new, 120, 40);
    select(&mut a, "ep-fraud");
    assert!(a.access.rows.iter().any(|r| r.name == "judy@contoso.com"));
    // NEW gets the scorers' assignment back: judy has not lost anything any more
    std::fs::copy(
        old.join("azure/role-assignments.json"),
        new.join("azure/role-assignments.json"),
    )
    .unwrap();
    feed(&mut a, [Action::Reload]);
    // NEW's broken file is still a problem of its own (OLD's findings do not count)
    let msg = a.message.clone().unwrap();
    assert!(msg.contains("reloaded new · 1 file problem (F)"), "{msg}");
    let d = engine_diff(&old, &new);
    assert!(d
        .lost
        .iter()
        .all(|c| c.principal.name != "judy@contoso.com"));
    let status = text(&a, &plain()).lines().next().unwrap().to_string();
    assert!(
        status.contains(&format!("{} lost", d.lost.len())),
        "{status}"
    );
    // the selection survived and Access was marked again
    assert!(matches!(a.subject, Some(Subject::Resource(_))));
    assert!(a
        .access
        .rows
        .iter()
        .all(|r| r.name != "judy@contoso.com" || r.mark().is_none()));
}

#[test]
fn diff_screen_80x24() {
    let (_d, old, new) = crafted();
    let mut a = diff_app(&old, &new, 80, 24);
    select(&mut a, "ep-fraud");
    insta::assert_snapshot!("diff_ep_fraud_80x24", text(&a, &Theme::new(true, false)));
    feed(&mut a, [Action::ToggleChangedOnly, Action::FocusPrev]);
    insta::assert_snapshot!(
        "diff_changed_only_ascii_80x24",
        text(&a, &Theme::new(false, true))
    );
}

#[test]
fn the_reverse_diff_loses_what_was_gained_and_old_file_problems_are_not_news() {
    let (_d, old, new) = crafted();
    // OLD is the snapshot with the broken file and the extra role
    let mut a = diff_app(&new, &old, 200, 40);
    let d = engine_diff(&new, &old);
    assert!(d
        .lost
        .iter()
        .any(|c| c.principal.name == "security-reviewers" && c.reference == "storage:stlake"));
    // the first message counts OLD's own file problems
    assert!(a
        .message
        .as_deref()
        .unwrap()
        .contains("OLD: 1 file problem"));
    select(&mut a, "stlake");
    let row = a
        .access
        .rows
        .iter()
        .find(|r| r.name == "security-reviewers")
        .expect("the group that lost its role is listed");
    assert_eq!(row.mark(), Some(Mark::Lost));
    // OLD's broken file is a resolved finding, not a problem of the project on screen
    assert!(a
        .findings
        .rows
        .iter()
        .any(|r| r.rule == "LOAD" && r.mark == Some(Mark::Lost)));
    feed(&mut a, [Action::Reload]);
    let msg = a.message.clone().unwrap();
    assert!(!msg.contains("file problem"), "{msg}");
    let status = text(&a, &plain()).lines().next().unwrap().to_string();
    let present = a.engine().lint().len();
    assert!(
        status.contains(&format!("{present} findings (F)")),
        "{status}"
    );
}

#[test]
fn a_chosen_action_marks_only_its_own_changes() {
    let (_d, old, new) = crafted();
    let mut a = diff_app(&old, &new, 120, 40);
    select(&mut a, "ep-fraud");
    let choose = |a: &mut AppState, op: &str| {
        let i = reach::engine::action::OPERATIONS
            .iter()
            .position(|o| *o == op)
            .unwrap();
        feed(a, [Action::ChooseAction, Action::Move(Move::Top)]);
        feed(a, (0..=i).map(|_| Action::Move(Move::Down)));
        feed(a, [Action::Select]);
        assert_eq!(a.action, Some(op));
    };
    // judy lost score: listed under score, not under read
    choose(&mut a, "score");
    assert!(a
        .access
        .rows
        .iter()
        .any(|r| r.name == "judy@contoso.com" && r.mark() == Some(Mark::Lost)));
    choose(&mut a, "read");
    assert!(a.access.rows.iter().all(|r| r.name != "judy@contoso.com"));
    assert!(a
        .access
        .rows
        .iter()
        .filter_map(|r| r.diff.as_ref())
        .all(|d| [&d.gained, &d.lost, &d.changed]
            .iter()
            .all(|ops| ops.iter().all(|o| o == "read"))));
}
