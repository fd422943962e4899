//! Terminal events → Actions through the key table. Holds no state.

use crate::tui::action::Action;
use crate::tui::keymap::{self, Ctx};
use crossterm::event::{Event, KeyEventKind};

pub fn to_action(ev: &Event, active: &[Ctx]) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => keymap::lookup(k, active),
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        _ => None,
    }
}
