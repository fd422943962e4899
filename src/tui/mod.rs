//! The terminal UI. Keys become Actions (`keymap`, the one key table), `AppState::update`
//! turns Actions into state changes and Effects (it alone calls the engine and caches the
//! results), and `ui::draw` renders borrowed state with a `Theme`. The event loop blocks on
//! input: an idle TUI writes nothing.

pub mod action;
pub mod app;
pub mod clipboard;
pub mod cursor;
pub mod event;
pub mod filter;
pub mod keymap;
pub mod listing;
pub mod panes;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod widgets;

use crate::engine::Engine;
use action::Effect;
use app::AppState;
use std::io;
use terminal::TerminalGuard;
use theme::Theme;

/// How the TUI looks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub no_color: bool,
    pub ascii: bool,
}

/// Run the TUI on an engine until the user quits. The terminal is restored however it ends.
pub fn run(engine: Engine, opts: Options) -> io::Result<()> {
    let theme = Theme::from_env(opts.no_color, opts.ascii);
    let mut guard = TerminalGuard::new()?;
    let size = guard.terminal.size()?;
    let mut app = AppState::new(engine, size.width, size.height);
    loop {
        guard.terminal.draw(|f| ui::draw(f, &app, &theme))?;
        let action = loop {
            // blocks until input: no tick, no redraw while idle
            if let Some(a) = event::to_action(&crossterm::event::read()?, &app.contexts()) {
                break a;
            }
        };
        for effect in app.update(action) {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::Copy(text) => clipboard::copy(guard.terminal.backend_mut(), &text)?,
            }
        }
    }
}
