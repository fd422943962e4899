//! The terminal: raw mode and the alternate screen while the TUI runs, restored on every exit
//! path — `Drop` of the guard (quit, error) and a panic hook that restores, then chains the
//! previous hook so the panic message prints on a sane terminal. Mouse capture stays off.
//!
//! Only a panic on the TUI's own thread ends the TUI. The engine's workers (one operation of a
//! summary, the background warm-up) catch theirs and carry on without that item; restoring the
//! terminal for them would leave the TUI drawing on a plain screen, and their message would draw
//! over it. Their messages are kept and printed once the terminal is restored.

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::{Mutex, Once};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Owns the terminal while the TUI runs; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn new() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, Hide) {
            let _ = restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                let _ = restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = restore();
        for m in take_caught() {
            eprintln!("reach: an internal error was caught while the TUI ran (that part of an answer was left out or computed again): {m}");
        }
    }
}

/// Messages of panics on threads other than the TUI's, since the hook was installed.
static CAUGHT: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The panic messages kept from other threads, emptied.
pub fn take_caught() -> Vec<String> {
    std::mem::take(&mut *CAUGHT.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Leave raw mode and the alternate screen, show the cursor. Safe to call twice.
pub fn restore() -> io::Result<()> {
    let r = disable_raw_mode();
    execute!(io::stdout(), LeaveAlternateScreen, Show)?;
    r
}

/// Install, once, the hook that restores the terminal when the calling thread (the TUI's)
/// panics, and keeps the messages of other threads' panics (see the module comment).
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        let ui = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().id() != ui {
                CAUGHT
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(info.to_string());
                return;
            }
            let _ = restore();
            previous(info);
        }));
    });
}
