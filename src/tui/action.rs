//! What a key means, and what `update` asks the outside world to do.

use crate::tui::cursor::Move;

/// Everything that can change the state. Keys become Actions through `keymap`; tests send
/// Actions directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    FocusNext,
    FocusPrev,
    Move(Move),
    /// Enter: select the row (drives Access and Role edges), accept a filter, choose in a popup.
    Select,
    /// Esc: close a popup, else stop/clear the filter.
    Back,
    StartFilter,
    FilterChar(char),
    FilterBackspace,
    ToggleFold,
    Expand,
    Collapse,
    ChooseAction,
    Explain,
    Copy,
    Help,
    Findings,
    /// `f`: the fixes for a denied pair; in the fixes popup Enter assumes one.
    Fixes,
    /// Drop every what-if assumption made in the TUI.
    ClearAssumptions,
    /// Reload the project from disk (also sent by `--watch` when a file changes).
    Reload,
    /// `--diff`: list only what changed in Resources and Identities, or everything again.
    ToggleChangedOnly,
    /// Scroll the Paths pane (Up/Down one line, PageUp/PageDown a page).
    ScrollPaths(Move),
    /// Paths: the next (`true`) or previous path.
    NextPath(bool),
    /// Focus a pane by its number (1 Identities … 5 Paths).
    FocusPane(u8),
    /// Toggle the focused pane full screen.
    Zoom,
    /// Back (`false`) or forward (`true`) through the selections made.
    History(bool),
    /// `:`: the command line that jumps to a resource or principal.
    Command,
    /// Tab in the command line: complete to the highlighted candidate.
    Complete,
    /// `w`: save the current view as Markdown.
    Save,
    /// Ctrl-L: clear the terminal and draw everything again.
    Redraw,
    /// Ctrl-Z: give the terminal back to the shell until resumed.
    Suspend,
    /// `--mouse`: a click at a cell (focus and select what is there).
    Click(u16, u16),
    /// `--mouse`: the wheel over a cell (`true`: down).
    Wheel(u16, u16, bool),
    Resize(u16, u16),
}

/// Work for the event loop after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Put this (already redacted) text on the clipboard; the event loop says how it went.
    Copy(String),
    /// Clear the terminal and draw every cell again.
    Redraw,
    /// Suspend the process (Ctrl-Z), restoring the terminal first and taking it back after.
    Suspend,
}
