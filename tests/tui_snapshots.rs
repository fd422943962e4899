//! Whole screens of the demo project as insta snapshots (80×24, the product's promise, and
//! 120×40), plus exact-buffer checks for what snapshots cannot show: focus and selection styles,
//! NO_COLOR, ASCII.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_common;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use reach::engine::view::default_op;
use reach::engine::Engine;
use reach::tui::action::Action;
use reach::tui::app::{AppState, Popup, Subject};
use reach::tui::cursor::Move;
use reach::tui::theme::Theme;
use tui_common::{feed, filter, render, screen};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn demo(w: u16, h: u16) -> AppState {
    let engine = Engine::new(reach::model::build(reach::demo::load()));
    AppState::new(engine, w, h)
}

fn snap(name: &str, a: &AppState) {
    let t = render(a, &Theme::new(true, false));
    let text = screen(t.backend().buffer());
    insta::assert_snapshot!(format!("{name}_{}x{}", a.size.width, a.size.height), text);
}

/// `/fraud` Enter in Resources: the fraud endpoint becomes the subject.
fn select_endpoint(a: &mut AppState) {
    feed(a, filter("ep-fraud"));
    feed(a, [Action::Select]);
}

#[test]
fn start() {
    for (w, h) in SIZES {
        snap("start", &demo(w, h));
    }
}

#[test]
fn filtering() {
    for (w, h) in SIZES {
        let mut a = demo(w, h);
        feed(&mut a, filter("fraud"));
        snap("filter", &a);
    }
}

#[test]
fn selected_resource_with_a_path() {
    for (w, h) in SIZES {
        let mut a = demo(w, h);
        select_endpoint(&mut a);
        assert!(matches!(a.subject, Some(Subject::Resource(_))));
        feed(&mut a, [Action::FocusNext, Action::FocusNext]);
        // a member reaching it through a group
        let i = a
            .access
            .rows
            .iter()
            .position(|r| {
                r.paths
                    .iter()
                    .any(|p| p.steps.iter().any(|s| s.rule == "RBAC-GROUP"))
            })
            .unwrap_or(0);
        feed(&mut a, (0..i).map(|_| Action::Move(Move::Down)));
        snap("resource_path", &a);
    }
}

#[test]
fn selected_identity() {
    for (w, h) in SIZES {
        let mut a = demo(w, h);
        feed(&mut a, [Action::FocusPrev]);
        feed(&mut a, filter("alice"));
        feed(&mut a, [Action::Select, Action::Back]);
        assert!(matches!(a.subject, Some(Subject::Principal(_))));
        snap("identity", &a);
    }
}

#[test]
fn explain_with_why_not() {
    for (w, h) in SIZES {
        let mut a = demo(w, h);
        select_endpoint(&mut a);
        let Some(Subject::Resource(s)) = a.subject else {
            panic!("ep-fraud not found")
        };
        // the first identity that cannot perform the default operation
        let e = a.engine();
        let op = default_op(e.model().scope(s).kind);
        let pos = (0..a.identities.list.len())
            .find(|&pos| {
                let (row, _) = a.identities.list.at(pos).unwrap();
                let p = a.identities.rows[row].id;
                !e.explain(p, s, op).unwrap().allowed
            })
            .expect("someone cannot reach it");
        feed(&mut a, [Action::FocusPrev]);
        feed(&mut a, (0..pos).map(|_| Action::Move(Move::Down)));
        feed(&mut a, [Action::Explain]);
        let Some(Popup::Explain(x)) = &a.popup else {
            panic!("no explain popup")
        };
        assert!(!x.allowed && !x.why_not.is_empty());
        snap("explain_why_not", &a);
    }
}

/// The fixes popup for the first identity that cannot reach ep-fraud; then the first fix
/// assumed: the status line marks it, and Access shows the path marked assumed.
#[test]
fn fixes_and_an_assumed_fix() {
    for (w, h) in SIZES {
        let mut a = demo(w, h);
        select_endpoint(&mut a);
        let Some(Subject::Resource(s)) = a.subject else {
            panic!("ep-fraud not found")
        };
        let e = a.engine();
        let op = default_op(e.model().scope(s).kind);
        let pos = (0..a.identities.list.len())
            .find(|&pos| {
                let (row, _) = a.identities.list.at(pos).unwrap();
                let x = e.explain(a.identities.rows[row].id, s, op).unwrap();
                !x.allowed && !x.fixes.is_empty()
            })
            .expect("someone cannot reach it");
        feed(&mut a, [Action::FocusPrev]);
        feed(&mut a, (0..pos).map(|_| Action::Move(Move::Down)));
        feed(&mut a, [Action::Fixes]);
        assert!(matches!(a.popup, Some(Popup::Fixes(_))), "{:?}", a.message);
        snap("fixes", &a);
        feed(&mut a, [Action::Select]);
        assert_eq!(a.assumptions.len(), 1);
        feed(&mut a, [Action::Back, Action::FocusNext, Action::FocusNext]);
        feed(&mut a, [Action::FocusNext]);
        let who = a.identities.rows[a.identities.list.current().unwrap()].id;
        let i = a
            .access
            .rows
            .iter()
            .position(|r| r.principal == Some(who))
            .unwrap();
        feed(&mut a, (0..i).map(|_| Action::Move(Move::Down)));
        assert!(a.access.current().unwrap().assumed);
        snap("assumed", &a);
    }
}

#[test]
fn help() {
    for (w, h) in SIZES {
        let mut a = demo(w, h);
        feed(&mut a, [Action::Help]);
        snap("help", &a);
    }
}

#[test]
fn findings() {
    for (w, h) in SIZES {
        let mut a = demo(w, h);
        feed(&mut a, [Action::Findings]);
        snap("findings", &a);
    }
}

#[test]
fn too_small() {
    let a = demo(59, 15);
    snap("too_small", &a);
}

fn row_of(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let w = buf.area.width;
    for y in 0..buf.area.height {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count() as u16;
            return Some((x, y));
        }
    }
    None
}

#[test]
fn focus_and_selection_are_visible_without_colour() {
    let mut a = demo(80, 24);
    select_endpoint(&mut a);
    let t = render(&a, &Theme::new(false, false));
    let buf = t.backend().buffer();
    // the focused pane's title is reverse video, the others are not
    let (x, y) = row_of(buf, "Resources (").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    let (x, y) = row_of(buf, "Identities (").unwrap();
    assert!(!buf[(x, y)].modifier.contains(Modifier::REVERSED));
    // the cursor row of the focused pane: marker + reverse video across the row
    let (x, y) = row_of(buf, "▸ ● ep-fraud").unwrap();
    for dx in 0..20 {
        assert!(
            buf[(x + dx, y)].modifier.contains(Modifier::REVERSED),
            "col {dx}"
        );
    }
    // an unfocused pane's cursor row: the marker, bold, no reverse video
    let (x, y) = row_of(buf, "▸ alice").unwrap();
    assert!(!buf[(x + 2, y)].modifier.contains(Modifier::REVERSED));
    assert!(buf[(x + 2, y)].modifier.contains(Modifier::BOLD));
    // the focused pane has a heavier border
    let (bx, by) = row_of(buf, "┏").unwrap();
    assert!(by > 0 && bx == 0);
}

#[test]
fn no_color_means_no_colour_in_any_cell() {
    let mut a = demo(120, 40);
    select_endpoint(&mut a);
    feed(&mut a, [Action::FocusNext, Action::FocusNext]);
    for popup in [
        None,
        Some(Action::Explain),
        Some(Action::Findings),
        Some(Action::Help),
    ] {
        if let Some(p) = popup {
            feed(&mut a, [Action::Back, p]);
        }
        let t = render(&a, &Theme::from_env(true, false));
        for c in t.backend().buffer().content.iter() {
            assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{:?}", c);
        }
    }
    // and the colour theme does use colour
    let t = render(&a, &Theme::new(true, false));
    assert!(t
        .backend()
        .buffer()
        .content
        .iter()
        .any(|c| c.fg != Color::Reset));
}

#[test]
fn colours_are_the_16_ansi_ones() {
    let mut a = demo(120, 40);
    select_endpoint(&mut a);
    let t = render(&a, &Theme::new(true, false));
    for c in t.backend().buffer().content.iter() {
        assert!(!matches!(c.fg, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
        assert!(!matches!(c.bg, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
    }
}

#[test]
fn ascii_uses_no_box_drawing_or_arrows() {
    let mut a = demo(80, 24);
    select_endpoint(&mut a);
    let t = render(&a, &Theme::new(false, true));
    let s = screen(t.backend().buffer());
    // (rule texts from the engine may contain …; the TUI's own glyphs may not)
    for bad in ['┌', '┏', '─', '━', '│', '▸', '●', '→', '↑', '▾', '·'] {
        assert!(!s.contains(bad), "{bad} in\n{s}");
    }
    assert!(s.contains("> * ep-fraud"), "{s}");
}

/// Issue 16: judy is only PIM-eligible for the blobs of stdata: her row and her path are marked
/// latent (`◇`, `%` in ASCII), the path head says until when, and the legend explains it.
#[test]
fn eligible_row_and_path() {
    for (w, h) in SIZES {
        let mut a = demo(w, h);
        feed(&mut a, filter("stdata"));
        feed(&mut a, [Action::Select]);
        assert!(matches!(a.subject, Some(Subject::Resource(_))));
        feed(&mut a, [Action::FocusNext, Action::FocusNext]);
        let i = a
            .access
            .rows
            .iter()
            .position(|r| r.name == "judy@contoso.com")
            .expect("judy reaches stdata, latent");
        assert_eq!(a.access.rows[i].latent, Some("eligible"));
        assert!(a
            .access
            .rows
            .iter()
            .filter(|r| r.name != "judy@contoso.com")
            .all(|r| r.latent.is_none()));
        feed(&mut a, (0..i).map(|_| Action::Move(Move::Down)));
        // the row's paths are asked for when highlighted
        for _ in 0..200 {
            if !a.access.current().is_some_and(|r| r.paths.is_empty()) {
                break;
            }
            a.tick();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let t = render(&a, &Theme::new(true, false));
        let text = screen(t.backend().buffer());
        assert!(text.contains("◇ judy@contoso.com"), "{text}");

        assert!(text.contains("[eligible]"), "{text}");
        snap("eligible", &a);
        let t = render(&a, &Theme::new(false, true));
        let text = screen(t.backend().buffer());
        assert!(text.contains("% judy@contoso.com"), "{text}");
        // heidi reads the blobs only in container raw (an ABAC condition); she also reads the
        // account unconditionally, so her row is not conditional, her blob path is
        let h = a
            .access
            .rows
            .iter()
            .position(|r| r.name == "heidi@contoso.com")
            .expect("heidi reaches stdata");
        assert!(!a.access.rows[h].conditional);
        let up = i.saturating_sub(h);
        feed(&mut a, (0..up).map(|_| Action::Move(Move::Up)));
        for _ in 0..200 {
            if !a.access.current().is_some_and(|r| r.paths.is_empty()) {
                break;
            }
            a.tick();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let row = a.access.current().unwrap();
        assert_eq!(row.name, "heidi@contoso.com");
        assert!(row
            .paths
            .iter()
            .any(|p| p.conditional.as_deref() == Some("only in container 'raw'")));
        let t = render(&a, &Theme::new(true, false));
        let text = screen(t.backend().buffer());
        assert!(text.contains("[conditional: only in"), "{text}");
    }
}
