//! The terminal UI. Keys become Actions (`keymap`, the one key table), `AppState::update`
//! turns Actions into state changes and Effects (it alone calls the engine and caches the
//! results), and `ui::draw` renders borrowed state with a `Theme`. The event loop blocks on
//! input: an idle TUI writes nothing. With `--watch` it also wakes for file changes (a
//! background thread polls the folder; see `watch`) and redraws only after a reload. With
//! `--diff OLD NEW` it opens NEW and marks what changed since OLD (`app::DiffMode`).

pub mod action;
pub mod app;
pub mod clipboard;
pub mod cursor;
pub mod event;
pub mod filter;
pub mod keymap;
pub mod listing;
pub mod marks;
pub mod mask;
pub mod panes;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod watch;
pub mod widgets;

use crate::engine::Engine;
use action::{Action, Effect};
use app::AppState;
use std::io;
use terminal::TerminalGuard;
use theme::Theme;

/// How the TUI looks, and where it reloads from.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub no_color: bool,
    pub ascii: bool,
    /// The project folder (None: the built-in demo; `r` then has nothing to reload).
    pub path: Option<std::path::PathBuf>,
    /// Reload when a file under `path` changes.
    pub watch: bool,
    /// `--policy FILE`: the file as named and its text, checked on every engine.
    pub policy: Option<(String, String)>,
}

/// `--diff`: the snapshot the loaded project is compared with.
pub struct Baseline {
    pub engine: Engine,
    /// How OLD is named on screen (the path as given; escaped when shown).
    pub label: String,
}

/// How often the event loop looks at the watch channel while waiting for a key (only with
/// `--watch`; it draws nothing unless a change arrived).
const WATCH_TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// Run the TUI on an engine (compared with `old` under `--diff`) until the user quits. The
/// terminal is restored however it ends.
pub fn run(engine: Engine, opts: Options, old: Option<Baseline>) -> io::Result<()> {
    let theme = Theme::from_env(opts.no_color, opts.ascii);
    mask::refresh();
    let mut app = AppState::new(engine, 80, 24);
    app.source = opts.path.clone();
    // the diff is computed before the screen is taken over
    if let Some(b) = old {
        app.load_diff(b.engine, &b.label);
    }
    if let Some((file, text)) = opts.policy.clone() {
        app.set_policy(&file, text);
    }
    let mut guard = TerminalGuard::new()?;
    let size = guard.terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    let watch = match (&opts.path, opts.watch) {
        (Some(p), true) => Some(watch::Watch::spawn(p.clone())),
        _ => None,
    };
    app.watching = watch.is_some();
    loop {
        guard.terminal.draw(|f| ui::draw(f, &app, &theme))?;
        // once the screen is up (and again after a reload brings a new engine)
        app.warm_engine();
        let action = loop {
            if let Some(w) = &watch {
                if w.changed() {
                    break Action::Reload;
                }
                if !crossterm::event::poll(WATCH_TICK)? {
                    continue;
                }
            }
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
