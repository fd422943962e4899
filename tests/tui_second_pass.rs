//! Issue 18, the TUI's second pass: one test (or more) per item, on the hand-built fixture and
//! the demo, through the key table where keys are the point, with no terminal and no sleeping
//! (the worker-thread tests wait for answers, they never time anything).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use reach::engine::Engine;
use reach::tui::action::{Action, Effect};
use reach::tui::app::{AppState, Focus, Popup, Subject};
use reach::tui::cursor::Move;
use reach::tui::keymap::{lookup, split_alt};
use reach::tui::theme::Theme;
use std::time::Duration;
use tui_common::*;

fn demo(w: u16, h: u16) -> AppState {
    AppState::new(Engine::new(reach::model::build(reach::demo::load())), w, h)
}

/// Type keys as the event loop does: each key looked up in the contexts of the moment.
fn keys(a: &mut AppState, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        let ev = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        if let Some(act) = lookup(&ev, &a.contexts()) {
            fx.extend(a.update(act));
        }
    }
    fx
}

fn key(a: &mut AppState, code: KeyCode, m: KeyModifiers) -> Vec<Effect> {
    let mut fx = Vec::new();
    for k in split_alt(KeyEvent::new(code, m)) {
        if let Some(act) = lookup(&k, &a.contexts()) {
            fx.extend(a.update(act));
        }
    }
    fx
}

fn text(a: &AppState) -> String {
    screen(render(a, &Theme::new(false, false)).backend().buffer())
}

fn select_fraud(a: &mut AppState) {
    keys(a, "/ep-fraud");
    key(a, KeyCode::Enter, KeyModifiers::NONE);
}

/// Item 1: j and k are text in a filter; arrows and Ctrl-n/p move.
#[test]
fn item_1_j_and_k_are_typed_into_a_filter() {
    let mut a = demo(80, 24);
    keys(&mut a, "/kv");
    assert_eq!(a.resources.list.filter.query(), "kv");
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('1'), KeyModifiers::NONE);
    assert_eq!(a.focus, Focus::Identities);
    keys(&mut a, "/judy");
    assert_eq!(a.identities.list.filter.query(), "judy");
    let row = a.identities.list.current().unwrap();
    assert_eq!(a.identities.rows[row].name, "judy@contoso.com");
    // Ctrl-n moves the cursor and keeps the query
    keys(&mut a, "@");
    key(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(a.identities.list.filter.query(), "judy");
}

/// Item 2: `y` copies in every popup whose hints offer it, and the panes.
#[test]
fn item_2_y_copies_in_explain_fixes_findings_and_panes() {
    let mut a = app(80, 24);
    keys(&mut a, "F");
    assert!(matches!(a.popup, Some(Popup::Findings)));
    assert!(matches!(keys(&mut a, "y").as_slice(), [Effect::Copy(_)]));
    keys(&mut a, "q");
    select_fraud(&mut a);
    keys(&mut a, "4");
    assert!(matches!(keys(&mut a, "y").as_slice(), [Effect::Copy(t)] if t.contains("path 1")));
    // explain a denied pair (bob reads only), then its fixes
    keys(&mut a, "1/bob");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    keys(&mut a, "e");
    assert!(matches!(a.popup, Some(Popup::Explain(_))));
    assert!(matches!(keys(&mut a, "y").as_slice(), [Effect::Copy(_)]));
    keys(&mut a, "f");
    if matches!(a.popup, Some(Popup::Fixes(_))) {
        assert!(matches!(keys(&mut a, "y").as_slice(), [Effect::Copy(t)] if t.contains("az role")));
    }
    // the help popup offers no copy, and y does nothing there
    keys(&mut a, "?");
    assert!(keys(&mut a, "y").is_empty());
}

/// Item 3: q closes a popup (and keeps the what-if assumptions); q on the main screen quits.
#[test]
fn item_3_q_closes_popups_and_quits_only_the_main_screen() {
    let mut a = app(80, 24);
    for open in ["?", "F", "a"] {
        keys(&mut a, open);
        assert!(a.popup.is_some(), "{open}");
        assert!(keys(&mut a, "q").is_empty(), "q in {open} quit");
        assert!(a.popup.is_none(), "q did not close {open}");
    }
    assert_eq!(keys(&mut a, "q"), vec![Effect::Quit]);
}

/// Item 4: Ctrl-L repaints everywhere, even while typing.
#[test]
fn item_4_ctrl_l_asks_for_a_full_repaint() {
    let mut a = app(80, 24);
    assert_eq!(
        key(&mut a, KeyCode::Char('l'), KeyModifiers::CONTROL),
        vec![Effect::Redraw]
    );
    keys(&mut a, "/ep");
    assert_eq!(
        key(&mut a, KeyCode::Char('l'), KeyModifiers::CONTROL),
        vec![Effect::Redraw]
    );
    assert_eq!(a.resources.list.filter.query(), "ep");
}

/// Item 5: Esc typed ahead of `/` (Alt+/) closes the popup and starts a filter.
#[test]
fn item_5_esc_then_a_key_is_both_keys() {
    let mut a = app(80, 24);
    keys(&mut a, "?");
    key(&mut a, KeyCode::Char('/'), KeyModifiers::ALT);
    assert!(a.popup.is_none());
    assert!(a.resources.list.filter.editing);
}

/// Wait for the worker's answers (no timing: as long as it takes).
fn settle(a: &mut AppState) {
    while a.busy() {
        a.wait_answers(Duration::from_millis(50));
    }
}

/// Item 6: queries run off the UI thread; the list says it is working; moving on cancels;
/// the answer is the one the inline engine gives.
#[test]
fn item_6_queries_run_on_the_worker_and_moving_on_cancels() {
    let mut inline = demo(120, 40);
    let mut a = demo(120, 40);
    a.ask_in_background();
    let m = a.engine().model();
    let fraud = m.resolve_resource("endpoint:ep-fraud").unwrap();
    let stdata = m.resolve_resource("storage:stdata").unwrap();
    a.select_resource(fraud);
    // not answered on this thread: the list is waiting and says so
    assert!(a.access.waiting && a.access.rows.is_empty());
    assert!(text(&a).contains("working out who reaches ep-fraud"));
    // moving on before the answer: only the last selection's answer is shown
    a.select_resource(stdata);
    settle(&mut a);
    inline.select_resource(stdata);
    let names = |x: &AppState| {
        x.access
            .rows
            .iter()
            .map(|r| r.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&inline));
    assert!(a.access.title.contains("stdata"), "{}", a.access.title);
    // the highlighted row's paths come from the worker too
    settle(&mut a);
    assert_eq!(
        a.access.current().map(|r| r.paths.len()),
        inline.access.current().map(|r| r.paths.len())
    );
}

/// Item 7: Paths takes focus (5), pages, n/N jump between paths, + zooms, Enter on a step
/// follows it and [ comes back; an all-actions row explains every action.
#[test]
fn item_7_paths_focus_next_path_zoom_follow_and_explain_all() {
    let mut a = demo(80, 24);
    select_fraud(&mut a);
    keys(&mut a, "4/alice");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    // the row explains: every operation alice has on ep-fraud, not just the first
    let ops = a.access.current().unwrap().ops.len();
    keys(&mut a, "q");
    keys(&mut a, "e");
    let Some(Popup::Explain(x)) = &a.popup else {
        panic!("no explain popup")
    };
    assert_eq!(x.also.len() + 1, ops);
    keys(&mut a, "q");
    keys(&mut a, "5");
    assert_eq!(a.focus, Focus::Paths);
    let normal = a.areas().paths;
    keys(&mut a, "+");
    assert!(a.areas().paths.height > normal.height && a.areas().identities.width == 0);
    keys(&mut a, "n");
    let first = a.access.paths_cursor();
    keys(&mut a, "n");
    let second = a.access.paths_cursor();
    assert!(second > first, "n moved {first} -> {second}");
    keys(&mut a, "N");
    assert_eq!(a.access.paths_cursor(), first);
    // follow the membership step (alice → fraud-squad)
    keys(&mut a, "j");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let Some(Subject::Principal(p)) = a.subject else {
        panic!("the step was not followed: {:?}", a.message)
    };
    assert_eq!(a.engine().model().principal(p).name, "fraud-squad");
    keys(&mut a, "+[");
    assert!(matches!(a.subject, Some(Subject::Resource(_))));
    keys(&mut a, "]");
    assert_eq!(a.subject, Some(Subject::Principal(p)));
}

/// Item 8: a header, one column per operation (the CLI's names in the Paths pane), a position,
/// natural order.
#[test]
fn item_8_access_header_columns_position_and_natural_order() {
    let mut a = demo(80, 24);
    select_fraud(&mut a);
    let s = text(&a);
    assert!(s.contains("PRINCIPAL"), "{s}");
    assert!(s.contains(&format!("1/{}", a.access.rows.len())), "{s}");
    assert!(s.contains("can: read write delete score list-keys"), "{s}");
    use reach::engine::{PrincipalRef, Reached};
    let reached = |n: &str| Reached {
        principal: PrincipalRef {
            name: n.into(),
            id: n.into(),
            kind: reach::model::PrincipalKind::User,
            pid: reach::model::PrincipalId(0),
        },
        actions: vec!["read".into()],
        assumed: false,
        latent: None,
        conditional: false,
    };
    let rows = ["user10", "user2", "User1"].map(reached).to_vec();
    a.access.show_summary("x", rows, Vec::new(), None);
    let names: Vec<&str> = a.access.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["User1", "user2", "user10"]);
}

/// Item 9: at 80 columns the status line leads with load errors (after the INCOMPLETE marker
/// they imply), then findings, then the project.
#[test]
fn item_9_status_line_puts_errors_first() {
    let a = app(80, 24);
    let s = text(&a);
    let status = s.lines().next().unwrap();
    // issue 20: the fixture's load error dropped input, so the INCOMPLETE marker leads
    assert!(
        status.starts_with(" INCOMPLETE: 1 file · 1 load error (F)"),
        "{status}"
    );
    assert!(status.contains("other finding"), "{status}");
    let hints = s.lines().last().unwrap();
    assert!(
        hints.contains("? help") && hints.contains("q quit"),
        "{hints}"
    );
}

/// Item 10: honest words, popups offering only keys that work, Enter on a load finding, the
/// finding filter and detail scroll, the picker's operations by kind.
#[test]
fn item_10_wording_hints_findings_and_picker() {
    let mut a = app(80, 24);
    // an identity that reaches nothing says so, without a contradicting title
    keys(&mut a, "1/eve");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let s = text(&a);
    assert!(s.contains("What eve"), "{s}");
    assert!(s.contains("reaches nothing"), "{s}");
    assert!(!s.contains("Nobody reaches it"), "{s}");
    // Enter on the load finding keeps the popup open and says where the problem is
    keys(&mut a, "F");
    keys(&mut a, "/LOAD");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(a.findings.list.len(), 1);
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(matches!(a.popup, Some(Popup::Findings)));
    assert!(a.message.as_deref().unwrap().contains("ml/broken.yml"));
    keys(&mut a, "J");
    assert_eq!(a.findings.detail_scroll, 1);
    let hints = text(&a).lines().last().unwrap().to_string();
    assert!(
        !hints.contains("explain") && !hints.contains("action"),
        "{hints}"
    );
    keys(&mut a, "qq");
    // the picker offers what applies to an endpoint: score, not pull-image
    let mut a = app(80, 24);
    select_fraud(&mut a);
    keys(&mut a, "a");
    let Some(Popup::Picker(p)) = &a.popup else {
        panic!("no picker")
    };
    assert!(p.ops.contains(&"score") && !p.ops.contains(&"pull-image"));
}

/// Item 11: number keys, fixed pane sizes, back and forward, the `:` command line.
#[test]
fn item_11_numbers_sizes_history_and_goto() {
    let mut a = app(80, 24);
    let before = a.areas();
    for (k, f) in [
        ('1', Focus::Identities),
        ('3', Focus::Edges),
        ('4', Focus::Access),
        ('5', Focus::Paths),
        ('2', Focus::Resources),
    ] {
        keys(&mut a, &k.to_string());
        assert_eq!(a.focus, f);
        assert_eq!(a.areas().identities, before.identities);
        assert_eq!(a.areas().resources, before.resources);
    }
    keys(&mut a, ":ep-chu");
    assert!(a.command.is_some());
    key(&mut a, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(a.command.as_ref().unwrap().input, "endpoint:ep-churn");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(a.access.title.contains("ep-churn"), "{}", a.access.title);
    keys(&mut a, ":carol");
    key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(a.focus, Focus::Identities);
    assert!(matches!(a.subject, Some(Subject::Principal(_))));
    key(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    assert!(a.access.title.contains("ep-churn"));
    keys(&mut a, "]");
    assert!(a.access.title.contains("carol"));
}

/// Item 12: ASCII when the locale is not UTF-8; no italics or dim where unsupported; only
/// 16-colour escapes written.
#[test]
fn item_12_terminal_capabilities() {
    use reach::tui::caps::{sgr16, Caps};
    let c = Caps::detect(|k| match k {
        "TERM" => Some("linux".into()),
        "LANG" => Some("C".into()),
        _ => None,
    });
    let t = Theme::with_caps(c, false, false);
    assert!(t.ascii());
    let mut a = app(80, 24);
    select_fraud(&mut a);
    let buf = render(&a, &t).backend().buffer().clone();
    assert!(buf
        .content
        .iter()
        .all(|c| !c.modifier.contains(ratatui::style::Modifier::ITALIC)));
    // borders and markers are ASCII (step texts may hold the engine's own `…`)
    let unicode_glyphs = ['▸', '●', '▾', '▹', '✓', '✗', '≈', '·', '┌', '━', '│', '┃'];
    assert!(buf
        .content
        .iter()
        .all(|c| !c.symbol().chars().any(|ch| unicode_glyphs.contains(&ch))));
    // what crossterm writes for the theme's colours becomes 16-colour escapes
    let mut out = Vec::new();
    {
        use crossterm::style::{Color, SetForegroundColor};
        crossterm::queue!(out, SetForegroundColor(Color::DarkCyan)).unwrap();
    }
    let fixed = String::from_utf8(sgr16(&out)).unwrap();
    assert_eq!(fixed, "\x1b[36m");
}

/// Item 14: `w` writes the view as Markdown (the report code) and names the file.
#[test]
fn item_14_w_saves_the_view_as_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    a.save_dir = dir.path().to_path_buf();
    select_fraud(&mut a);
    keys(&mut a, "w");
    let name = a.saved.clone().expect("no file named");
    assert!(text(&a).contains(&name));
    let md = std::fs::read_to_string(dir.path().join(&name)).unwrap();
    assert!(md.starts_with("# Access to ep-fraud"), "{md}");
    assert!(md.contains("| alice@contoso.com"), "{md}");
    assert!(md.contains("## Paths:"), "{md}");
    assert!(!md.contains(SECRET), "a secret reached the file");
    keys(&mut a, "w");
    assert_ne!(
        a.saved.as_deref(),
        Some(name.as_str()),
        "overwrote the first file"
    );
}

/// Item 15: a click focuses and selects; the wheel scrolls the pane under it; Ctrl-Z asks to
/// suspend.
#[test]
fn item_15_mouse_and_suspend() {
    let mut a = app(80, 24);
    let ids = a.areas().identities;
    // the second row of Identities
    let fx = a.update(Action::Click(ids.x + 3, ids.y + 2));
    assert!(fx.is_empty());
    assert_eq!(a.focus, Focus::Identities);
    assert!(matches!(a.subject, Some(Subject::Principal(_))));
    assert_eq!(a.identities.list.cursor.selected, 1);
    a.update(Action::Wheel(ids.x + 3, ids.y + 2, true));
    assert_eq!(a.identities.list.cursor.selected, 4);
    let ev = Event::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
    let act = reach::tui::event::to_action(&ev, &a.contexts()).unwrap();
    assert_eq!(a.update(act), vec![Effect::Suspend]);
    let _ = Move::Up;
}
