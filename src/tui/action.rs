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
    Resize(u16, u16),
}

/// Work for the event loop after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Put this (already redacted) text on the clipboard via OSC 52.
    Copy(String),
}
