//! Terminal events → Actions through the key table. Holds no state. A key event may stand for
//! two keys (Esc typed ahead of a key arrives as Alt+key: `keymap::split_alt`), so the event
//! loop looks each key up in the contexts of the moment (the first may close a popup).

use crate::tui::action::Action;
use crate::tui::keymap::{self, Ctx};
use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};

/// What an event is: keys to look up one by one, or an action at once.
pub enum Input {
    Keys(Vec<KeyEvent>),
    Action(Action),
    Nothing,
}

pub fn input(ev: &Event) -> Input {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Input::Keys(keymap::split_alt(*k)),
        Event::Resize(w, h) => Input::Action(Action::Resize(*w, *h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                Input::Action(Action::Click(m.column, m.row))
            }
            MouseEventKind::ScrollDown => Input::Action(Action::Wheel(m.column, m.row, true)),
            MouseEventKind::ScrollUp => Input::Action(Action::Wheel(m.column, m.row, false)),
            _ => Input::Nothing,
        },
        _ => Input::Nothing,
    }
}

/// The action for an event in the given contexts (the first key only; tests).
pub fn to_action(ev: &Event, active: &[Ctx]) -> Option<Action> {
    match input(ev) {
        Input::Keys(keys) => keys.first().and_then(|k| keymap::lookup(k, active)),
        Input::Action(a) => Some(a),
        Input::Nothing => None,
    }
}
