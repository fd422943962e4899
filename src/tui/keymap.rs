//! The ONE key table: it turns keys into Actions and generates the help popup, the hint line
//! and the key section of `assets/help.md`, so none of them can drift.

use crate::tui::action::Action;
use crate::tui::cursor::Move;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// The four panes.
    Panes,
    /// The Resources tree only.
    Tree,
    /// While typing a filter.
    Filter,
    /// Inside a popup (help, findings, explain, action picker).
    Popup,
}

impl Ctx {
    pub fn title(self) -> &'static str {
        match self {
            Ctx::Panes => "Panes",
            Ctx::Tree => "Resources tree",
            Ctx::Filter => "While filtering",
            Ctx::Popup => "Popups",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}
const fn kc(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

pub struct Binding {
    pub ctx: &'static [Ctx],
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
    /// Short word for the hint line (None: help only).
    pub hint: Option<&'static str>,
}

const P: &[Ctx] = &[Ctx::Panes];
const PP: &[Ctx] = &[Ctx::Panes, Ctx::Popup];
const PPF: &[Ctx] = &[Ctx::Panes, Ctx::Popup, Ctx::Filter];
const EVERY: &[Ctx] = &[Ctx::Panes, Ctx::Tree, Ctx::Popup, Ctx::Filter];

macro_rules! bind {
    ($ctx:expr, [$($key:expr),+], $act:expr, $help:expr, $hint:expr) => {
        Binding { ctx: $ctx, keys: &[$($key),+], action: $act, help: $help, hint: $hint }
    };
}

/// The table, in the order help shows it. The first binding that matches wins.
pub const KEYMAP: &[Binding] = &[
    bind!(
        &[Ctx::Filter],
        [kc(KeyCode::Enter)],
        Action::Select,
        "keep the filter and select the row",
        Some("select")
    ),
    bind!(
        &[Ctx::Filter],
        [kc(KeyCode::Esc)],
        Action::Back,
        "clear the filter",
        Some("clear")
    ),
    bind!(
        &[Ctx::Filter],
        [kc(KeyCode::Backspace)],
        Action::FilterBackspace,
        "delete a character (type to narrow)",
        None
    ),
    bind!(
        PPF,
        [k('j'), kc(KeyCode::Down)],
        Action::Move(Move::Down),
        "down",
        None
    ),
    bind!(
        PPF,
        [k('k'), kc(KeyCode::Up)],
        Action::Move(Move::Up),
        "up",
        None
    ),
    bind!(
        PP,
        [k('g'), kc(KeyCode::Home)],
        Action::Move(Move::Top),
        "first row",
        None
    ),
    bind!(
        PP,
        [k('G'), kc(KeyCode::End)],
        Action::Move(Move::Bottom),
        "last row",
        None
    ),
    bind!(
        PPF,
        [kc(KeyCode::PageDown), ctrl('d')],
        Action::Move(Move::PageDown),
        "page down",
        None
    ),
    bind!(
        PPF,
        [kc(KeyCode::PageUp), ctrl('u')],
        Action::Move(Move::PageUp),
        "page up",
        None
    ),
    bind!(
        P,
        [kc(KeyCode::Tab)],
        Action::FocusNext,
        "next pane",
        Some("pane")
    ),
    bind!(
        P,
        [kc(KeyCode::BackTab)],
        Action::FocusPrev,
        "previous pane",
        None
    ),
    bind!(
        P,
        [k('/')],
        Action::StartFilter,
        "filter the pane as you type (fuzzy)",
        Some("filter")
    ),
    bind!(
        PP,
        [kc(KeyCode::Enter)],
        Action::Select,
        "select: Access shows who reaches it / what it reaches (in Access: explain; in a popup: choose)",
        Some("select")
    ),
    bind!(
        &[Ctx::Popup],
        [kc(KeyCode::Esc)],
        Action::Back,
        "close the popup",
        Some("close")
    ),
    bind!(
        P,
        [kc(KeyCode::Esc)],
        Action::Back,
        "clear the pane's filter",
        None
    ),
    bind!(
        &[Ctx::Tree],
        [k(' ')],
        Action::ToggleFold,
        "fold or unfold",
        Some("fold")
    ),
    bind!(
        &[Ctx::Tree],
        [k('l'), kc(KeyCode::Right)],
        Action::Expand,
        "unfold",
        None
    ),
    bind!(
        &[Ctx::Tree],
        [k('h'), kc(KeyCode::Left)],
        Action::Collapse,
        "fold (or go to the parent)",
        None
    ),
    bind!(
        P,
        [k('a')],
        Action::ChooseAction,
        "choose one action (score, read-blobs…) or all",
        Some("action")
    ),
    bind!(
        PP,
        [k('e')],
        Action::Explain,
        "explain the principal × resource pair, with why not",
        Some("explain")
    ),
    bind!(
        PP,
        [k('f')],
        Action::Fixes,
        "fixes for a denied pair, least privilege first (Enter: assume)",
        Some("fixes")
    ),
    bind!(
        P,
        [k('X')],
        Action::ClearAssumptions,
        "clear the what-if assumptions (status: N assumed)",
        None
    ),
    bind!(
        P,
        [k('J')],
        Action::ScrollPaths(Move::Down),
        "scroll the Paths pane down",
        None
    ),
    bind!(
        P,
        [k('K')],
        Action::ScrollPaths(Move::Up),
        "scroll the Paths pane up",
        None
    ),
    bind!(
        P,
        [k('r')],
        Action::Reload,
        "reload the project from disk (--watch: on every change)",
        None
    ),
    bind!(
        P,
        [k('D')],
        Action::ToggleChangedOnly,
        "--diff: list only what changed (again: everything)",
        None
    ),
    bind!(
        PP,
        [k('y')],
        Action::Copy,
        "copy the explanation, or a fix's az command (OSC 52)",
        Some("copy")
    ),
    bind!(
        PP,
        [k('F'), k('!')],
        Action::Findings,
        "findings: load problems and lint",
        Some("findings")
    ),
    bind!(PP, [k('?')], Action::Help, "help", Some("help")),
    bind!(PP, [k('q')], Action::Quit, "quit", Some("quit")),
    bind!(EVERY, [ctrl('c')], Action::Quit, "quit", None),
];

fn key_matches(key: &Key, ev: &KeyEvent) -> bool {
    let ctrl_down = ev.modifiers.contains(KeyModifiers::CONTROL);
    if key.ctrl != ctrl_down || ev.modifiers.contains(KeyModifiers::ALT) {
        return false;
    }
    key.code == ev.code
}

/// The action for a key in the active contexts (the first is the most specific).
pub fn lookup(ev: &KeyEvent, active: &[Ctx]) -> Option<Action> {
    for ctx in active {
        for b in KEYMAP.iter().filter(|b| b.ctx.contains(ctx)) {
            if b.keys.iter().any(|key| key_matches(key, ev)) {
                return Some(b.action.clone());
            }
        }
    }
    if active.contains(&Ctx::Filter) && !ev.modifiers.contains(KeyModifiers::CONTROL) {
        if let KeyCode::Char(c) = ev.code {
            return Some(Action::FilterChar(c));
        }
    }
    None
}

pub fn key_name(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Backspace => "Bksp".into(),
        KeyCode::Up => "Up".into(),
        KeyCode::Down => "Down".into(),
        KeyCode::Left => "Left".into(),
        KeyCode::Right => "Right".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        other => format!("{other:?}"),
    };
    if key.ctrl {
        format!("C-{base}")
    } else {
        base
    }
}

/// `j/Down` for a binding.
pub fn keys_label(b: &Binding) -> String {
    b.keys.iter().map(key_name).collect::<Vec<_>>().join("/")
}

/// Which hints come first when the line is short.
const HINT_ORDER: [Action; 12] = [
    Action::Back,
    Action::Help,
    Action::Quit,
    Action::StartFilter,
    Action::Select,
    Action::FocusNext,
    Action::ChooseAction,
    Action::Explain,
    Action::Findings,
    Action::Copy,
    Action::Fixes,
    Action::ToggleFold,
];

/// The hint line for the active contexts: `key word` pairs, each action once.
pub fn hints(active: &[Ctx]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for b in HINT_ORDER.iter().filter_map(|a| {
        KEYMAP.iter().find(|b| {
            b.action == *a && b.hint.is_some() && active.iter().any(|c| b.ctx.contains(c))
        })
    }) {
        if let Some(h) = b.hint {
            out.push((key_name(&b.keys[0]), h));
        }
    }
    out
}

/// Help sections: for each context, (keys, description) of the bindings first listed there.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let mut out = Vec::new();
    for ctx in [Ctx::Panes, Ctx::Tree, Ctx::Filter, Ctx::Popup] {
        let rows: Vec<(String, &'static str)> = KEYMAP
            .iter()
            .filter(|b| b.ctx.first() == Some(&ctx))
            .map(|b| (keys_label(b), b.help))
            .collect();
        if !rows.is_empty() {
            out.push((ctx.title(), rows));
        }
    }
    out
}

/// The key section of `assets/help.md`, generated from the table.
pub fn help_markdown() -> String {
    let mut s = String::from("<!-- keys: generated from src/tui/keymap.rs -->\n");
    for (title, rows) in help_sections() {
        s.push_str(&format!("\n### {title}\n\n| key | does |\n| --- | --- |\n"));
        for (keys, help) in rows {
            s.push_str(&format!("| `{keys}` | {help} |\n"));
        }
    }
    s.push_str("\n<!-- /keys -->\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn maps_keys_by_context() {
        let p = [Ctx::Panes];
        let f = [Ctx::Filter];
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(lookup(&q, &p), Some(Action::Quit));
        assert_eq!(lookup(&q, &f), Some(Action::FilterChar('q')));
        let g = ev(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&g, &p), Some(Action::Move(Move::Bottom)));
        let cc = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&cc, &f), Some(Action::Quit));
        let sp = ev(KeyCode::Char(' '), KeyModifiers::NONE);
        assert_eq!(
            lookup(&sp, &[Ctx::Tree, Ctx::Panes]),
            Some(Action::ToggleFold)
        );
        assert_eq!(lookup(&sp, &p), None);
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(lookup(&esc, &[Ctx::Popup]), Some(Action::Back));
    }

    #[test]
    fn every_binding_has_keys_and_hints_are_unique() {
        assert!(KEYMAP
            .iter()
            .all(|b| !b.keys.is_empty() && !b.ctx.is_empty()));
        let h = hints(&[Ctx::Panes]);
        assert!(h.iter().any(|(k, w)| k == "/" && *w == "filter"));
        assert!(h.iter().any(|(k, w)| k == "q" && *w == "quit"));
    }
}
