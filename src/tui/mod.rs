//! The terminal UI. Keys become Actions (`keymap`, the one key table), `AppState::update`
//! turns Actions into state changes and Effects, and `ui::draw` renders borrowed state with a
//! `Theme`. Engine questions run on a worker thread (`queries`): the UI thread waits at most one
//! frame for an answer, then draws a spinner and keeps reading keys; moving on cancels. The
//! event loop blocks on input when nothing is pending: an idle TUI writes nothing. With
//! `--watch` it also wakes for file changes (`watch`) and redraws only after a reload. With
//! `--diff OLD NEW` it opens NEW and marks what changed since OLD (`app::DiffMode`).

pub mod action;
pub mod app;
pub mod caps;
pub mod clipboard;
pub mod cursor;
pub mod event;
pub mod filter;
pub mod keymap;
pub mod listing;
pub mod marks;
pub mod mask;
pub mod panes;
pub mod queries;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod watch;
pub mod widgets;

use crate::engine::Engine;
use action::{Action, Effect};
use app::AppState;
use event::Input;
use std::io;
use std::time::{Duration, Instant};
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
    /// Capture the mouse: click to focus and select, wheel to scroll.
    pub mouse: bool,
}

/// `--diff`: the snapshot the loaded project is compared with.
pub struct Baseline {
    pub engine: Engine,
    /// How OLD is named on screen (the path as given; escaped when shown).
    pub label: String,
}

/// How often the event loop looks at the watch channel while waiting for a key (only with
/// `--watch`; it draws nothing unless a change arrived).
const WATCH_TICK: Duration = Duration::from_millis(100);
/// One frame: the longest the UI thread waits for the engine before drawing a spinner.
const FRAME: Duration = Duration::from_millis(16);
/// How often the spinner turns.
const SPIN: Duration = Duration::from_millis(120);

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
    app.ask_in_background();
    let mut guard = TerminalGuard::new(opts.mouse)?;
    let size = guard.terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    let watch = match (&opts.path, opts.watch) {
        (Some(p), true) => Some(watch::Watch::spawn(p.clone())),
        _ => None,
    };
    app.watching = watch.is_some();
    let mut spun = Instant::now();
    loop {
        guard.terminal.draw(|f| ui::draw(f, &app, &theme))?;
        // once the screen is up (and again after a reload brings a new engine)
        app.warm_engine();
        let action = loop {
            // the engine's answers first: at most a frame's wait, then the spinner
            if app.busy() {
                if app.wait_answers(FRAME) {
                    break None;
                }
                if spun.elapsed() >= SPIN {
                    spun = Instant::now();
                    app.tick();
                    break None;
                }
            } else if app.poll_answers() {
                break None;
            }
            if let Some(w) = &watch {
                if w.changed() {
                    break Some(Action::Reload);
                }
            }
            let wait = if app.busy() {
                Some(Duration::ZERO)
            } else if watch.is_some() {
                Some(WATCH_TICK)
            } else {
                None
            };
            if let Some(t) = wait {
                if !crossterm::event::poll(t)? {
                    continue;
                }
            }
            // blocks until input when nothing is pending: no tick, no redraw while idle
            match event::input(&crossterm::event::read()?) {
                Input::Action(a) => break Some(a),
                Input::Keys(keys) => {
                    for k in keys {
                        if let Some(a) = keymap::lookup(&k, &app.contexts()) {
                            if handle(&mut guard, &mut app, a)? {
                                return Ok(());
                            }
                        }
                    }
                    break None;
                }
                Input::Nothing => continue,
            }
        };
        if let Some(a) = action {
            if handle(&mut guard, &mut app, a)? {
                return Ok(());
            }
        }
    }
}

/// Update the app with one action and carry out its effects; true when the user quit.
fn handle(guard: &mut TerminalGuard, app: &mut AppState, a: Action) -> io::Result<bool> {
    for effect in app.update(a) {
        match effect {
            Effect::Quit => return Ok(true),
            Effect::Copy(text) => {
                let how = clipboard::copy(guard.terminal.backend_mut(), &text)?;
                app.message = Some(how.message(text.lines().count()));
            }
            Effect::Redraw => guard.terminal.clear()?,
            Effect::Suspend => guard.suspend()?,
        }
    }
    Ok(false)
}
