//! Issue 18, item 13: the status line says names are masked, and managed identities' object
//! IDs are masked too. Its own test binary: the mask is process-wide.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_common;

use reach::engine::Engine;
use reach::tui::app::AppState;
use reach::tui::theme::Theme;
use tui_common::*;

fn demo(w: u16, h: u16) -> AppState {
    AppState::new(Engine::new(reach::model::build(reach::demo::load())), w, h)
}

fn text(a: &AppState) -> String {
    screen(render(a, &Theme::new(false, false)).backend().buffer())
}

/// Item 13: the status line says names are masked; managed identities' IDs are masked too.
#[test]
fn item_13_masked_badge_and_managed_identity_ids() {
    let m = reach::model::build(reach::demo::load());
    let mask = reach::mask::Mask::from_model(&m);
    let mi = m
        .principals
        .iter()
        .find(|p| p.kind == reach::model::PrincipalKind::ManagedIdentity && p.object_id.is_some())
        .unwrap();
    let oid = mi.object_id.clone().unwrap();
    let cmd = format!("az role assignment create --assignee \"{oid}\" --role Reader");
    let masked = mask.text(&cmd);
    assert!(!masked.contains(&oid), "{masked}");
    assert!(masked.contains("mi-"), "{masked}");
    // the badge (the mask is process-wide: the CLI test binary checks the rest)
    reach::mask::request();
    reach::mask::observe(&m);
    reach::tui::mask::refresh();
    let a = demo(120, 40);
    let s = text(&a);
    assert!(s.lines().next().unwrap().contains("masked"), "{s}");
}
