//! The terminal: raw mode and the alternate screen while the TUI runs, restored on every exit
//! path — `Drop` of the guard (quit, error) and a panic hook that restores, then chains the
//! previous hook so the panic message prints on a sane terminal. Mouse capture is on only with
//! `--mouse`. Output goes through `caps::Sgr16` (16-colour escapes only). Ctrl-Z restores the
//! terminal, stops the process, and takes the terminal back when it is resumed.
//!
//! Only a panic on the TUI's own thread ends the TUI. The engine's workers (one operation of a
//! summary, the background warm-up) catch theirs and carry on without that item; restoring the
//! terminal for them would leave the TUI drawing on a plain screen, and their message would draw
//! over it. Their messages are kept and printed once the terminal is restored.

use crate::tui::caps::Sgr16;
use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

pub type Term = Terminal<CrosstermBackend<Sgr16<Stdout>>>;

/// Mouse capture is on (so `restore` turns it off).
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Owns the terminal while the TUI runs; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: Term,
    mouse: bool,
}

impl TerminalGuard {
    pub fn new(mouse: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        take_over(mouse)?;
        match Terminal::new(CrosstermBackend::new(Sgr16::new(io::stdout()))) {
            Ok(terminal) => Ok(TerminalGuard { terminal, mouse }),
            Err(e) => {
                let _ = restore();
                Err(e)
            }
        }
    }

    /// Ctrl-Z: give the terminal back, stop until resumed (`fg`), take it again, and make the
    /// next draw repaint every cell.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore()?;
        #[cfg(unix)]
        signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
        take_over(self.mouse)?;
        self.terminal.clear()
    }
}

/// Raw mode, the alternate screen, no cursor, and the mouse when asked.
fn take_over(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    let r = if mouse {
        MOUSE.store(true, Ordering::SeqCst);
        execute!(out, EnterAlternateScreen, Hide, EnableMouseCapture)
    } else {
        execute!(out, EnterAlternateScreen, Hide)
    };
    if let Err(e) = r {
        let _ = restore();
        return Err(e);
    }
    Ok(())
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
    if MOUSE.swap(false, Ordering::SeqCst) {
        execute!(io::stdout(), DisableMouseCapture)?;
    }
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
