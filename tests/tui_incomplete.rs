//! Issue 20 item 1: the TUI's status line says when loading dropped input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_common;

use reach::engine::Engine;
use reach::load::{load_files, Limits};
use reach::tui::app::AppState;
use reach::tui::theme::Theme;
use tui_common::{render, screen};

fn app_with(limits: &Limits, width: u16) -> AppState {
    let files: Vec<(String, Vec<u8>)> = reach::demo::DEMO_FILES
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    let raw = load_files("t", files, limits);
    AppState::new(Engine::new(reach::model::build(raw)), width, 24)
}

fn status(a: &AppState) -> String {
    let s = screen(render(a, &Theme::new(false, false)).backend().buffer());
    s.lines().next().unwrap().to_string()
}

#[test]
fn the_status_line_marks_a_file_skipped_over_the_size_limit() {
    let limits = Limits {
        max_file_bytes: 8 << 10,
        ..Limits::default()
    };
    let line = status(&app_with(&limits, 100));
    assert!(
        line.starts_with(" INCOMPLETE: 1 file skipped (size limit) · 1 load error (F)"),
        "{line}"
    );
}

#[test]
fn a_project_loaded_whole_has_no_marker() {
    let line = status(&app_with(&Limits::default(), 100));
    assert!(!line.contains("INCOMPLETE"), "{line}");
}

#[test]
fn a_narrow_status_line_keeps_a_short_marker() {
    let limits = Limits {
        max_file_bytes: 8 << 10,
        ..Limits::default()
    };
    let line = status(&app_with(&limits, 60));
    assert!(
        line.starts_with(" INCOMPLETE: 1 file · 1 load error (F)"),
        "{line}"
    );
}
