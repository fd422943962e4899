//! The ONE key table: it turns keys into Actions and generates the help popup, the hint line
//! and the key section of `assets/help.md`, so none of them can drift. A binding names the
//! contexts it works in; the hint line offers only keys that do something where the user is.

use crate::tui::action::Action;
use crate::tui::cursor::Move;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// The five panes (no popup open, no filter being typed).
    Panes,
    /// The Resources tree only.
    Tree,
    /// The Paths pane only.
    Paths,
    /// While typing a filter: every printable key is text.
    Filter,
    /// Inside any popup.
    Popup,
    /// The help popup.
    Help,
    /// The findings popup.
    Findings,
    /// The explain popup.
    Explain,
    /// The fixes popup.
    Fixes,
    /// The action picker.
    Picker,
    /// The `:` command line: every printable key is text.
    Command,
}

impl Ctx {
    pub fn title(self) -> &'static str {
        match self {
            Ctx::Panes => "Panes",
            Ctx::Tree => "Resources tree",
            Ctx::Paths => "Paths pane (5)",
            Ctx::Filter => "While filtering (every printable key is text)",
            Ctx::Popup => "Popups",
            Ctx::Help => "Help",
            Ctx::Findings => "Findings",
            Ctx::Explain => "Explain",
            Ctx::Fixes => "Fixes",
            Ctx::Picker => "Action picker",
            Ctx::Command => "Command line (:)",
        }
    }

    /// Contexts where printable keys are typed text.
    pub fn is_text(self) -> bool {
        matches!(self, Ctx::Filter | Ctx::Command)
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
/// Moving: panes and popups with a list or text to scroll.
const MOVE: &[Ctx] = &[
    Ctx::Panes,
    Ctx::Help,
    Ctx::Findings,
    Ctx::Explain,
    Ctx::Fixes,
    Ctx::Picker,
];
/// Moving while typing (arrows and Ctrl keys only).
const TYPING: &[Ctx] = &[Ctx::Filter, Ctx::Command];
const EVERY: &[Ctx] = &[
    Ctx::Panes,
    Ctx::Tree,
    Ctx::Paths,
    Ctx::Popup,
    Ctx::Filter,
    Ctx::Command,
];

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
        TYPING,
        [kc(KeyCode::Backspace)],
        Action::FilterBackspace,
        "delete a character (type to narrow: words AND, ^start end$ 'exact !not)",
        None
    ),
    bind!(
        TYPING,
        [kc(KeyCode::Down), ctrl('n')],
        Action::Move(Move::Down),
        "next row",
        Some("down")
    ),
    bind!(
        TYPING,
        [kc(KeyCode::Up), ctrl('p')],
        Action::Move(Move::Up),
        "previous row",
        None
    ),
    bind!(
        &[Ctx::Filter],
        [kc(KeyCode::PageDown), ctrl('d')],
        Action::Move(Move::PageDown),
        "page down",
        None
    ),
    bind!(
        &[Ctx::Filter],
        [kc(KeyCode::PageUp), ctrl('u')],
        Action::Move(Move::PageUp),
        "page up",
        None
    ),
    bind!(
        &[Ctx::Command],
        [kc(KeyCode::Enter)],
        Action::Select,
        "go to the highlighted resource or identity",
        Some("go")
    ),
    bind!(
        &[Ctx::Command],
        [kc(KeyCode::Tab)],
        Action::Complete,
        "complete to the highlighted candidate",
        Some("complete")
    ),
    bind!(
        &[Ctx::Command],
        [kc(KeyCode::Esc)],
        Action::Back,
        "close the command line",
        Some("close")
    ),
    bind!(
        MOVE,
        [k('j'), kc(KeyCode::Down)],
        Action::Move(Move::Down),
        "down",
        None
    ),
    bind!(
        MOVE,
        [k('k'), kc(KeyCode::Up)],
        Action::Move(Move::Up),
        "up",
        None
    ),
    bind!(
        MOVE,
        [k('g'), kc(KeyCode::Home)],
        Action::Move(Move::Top),
        "first row",
        None
    ),
    bind!(
        MOVE,
        [k('G'), kc(KeyCode::End)],
        Action::Move(Move::Bottom),
        "last row",
        None
    ),
    bind!(
        MOVE,
        [kc(KeyCode::PageDown), ctrl('d')],
        Action::Move(Move::PageDown),
        "page down",
        None
    ),
    bind!(
        MOVE,
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
    bind!(P, [k('1')], Action::FocusPane(1), "focus Identities", None),
    bind!(P, [k('2')], Action::FocusPane(2), "focus Resources", None),
    bind!(P, [k('3')], Action::FocusPane(3), "focus Role edges", None),
    bind!(P, [k('4')], Action::FocusPane(4), "focus Access", None),
    bind!(P, [k('5')], Action::FocusPane(5), "focus Paths", None),
    bind!(
        &[Ctx::Panes, Ctx::Findings],
        [k('/')],
        Action::StartFilter,
        "filter the list as you type (fuzzy)",
        Some("filter")
    ),
    bind!(
        P,
        [k(':')],
        Action::Command,
        "go to any kind:name or principal (Tab completes)",
        Some("goto")
    ),
    bind!(
        &[Ctx::Paths],
        [k('n')],
        Action::NextPath(true),
        "next path",
        Some("next path")
    ),
    bind!(
        &[Ctx::Paths],
        [k('N')],
        Action::NextPath(false),
        "previous path",
        None
    ),
    bind!(
        &[Ctx::Paths],
        [kc(KeyCode::Enter)],
        Action::Select,
        "select the principal or resource the highlighted step names",
        Some("follow")
    ),
    bind!(
        P,
        [kc(KeyCode::Enter)],
        Action::Select,
        "select: Access shows who reaches it / what it reaches (in Access: explain)",
        Some("select")
    ),
    bind!(
        &[Ctx::Findings],
        [kc(KeyCode::Enter)],
        Action::Select,
        "show the finding's subject (a file problem: the finding in full)",
        Some("show")
    ),
    bind!(
        &[Ctx::Fixes],
        [kc(KeyCode::Enter)],
        Action::Select,
        "assume the fix (what-if; nothing is changed)",
        Some("assume")
    ),
    bind!(
        &[Ctx::Picker],
        [kc(KeyCode::Enter)],
        Action::Select,
        "choose",
        Some("choose")
    ),
    bind!(
        &[Ctx::Popup],
        [kc(KeyCode::Esc), k('q')],
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
        P,
        [kc(KeyCode::Backspace), k('[')],
        Action::History(false),
        "back to the previous selection",
        None
    ),
    bind!(P, [k(']')], Action::History(true), "forward again", None),
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
        "choose one operation of the selected kind, or all",
        Some("action")
    ),
    bind!(
        P,
        [k('e')],
        Action::Explain,
        "explain the principal × resource pair, with why not (an all-actions row: every action)",
        Some("explain")
    ),
    bind!(
        &[Ctx::Panes, Ctx::Explain],
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
        &[Ctx::Panes, Ctx::Findings],
        [k('J')],
        Action::ScrollPaths(Move::Down),
        "scroll the Paths pane (in Findings: the finding) down",
        None
    ),
    bind!(
        &[Ctx::Panes, Ctx::Findings],
        [k('K')],
        Action::ScrollPaths(Move::Up),
        "scroll the Paths pane up",
        None
    ),
    bind!(
        P,
        [k('+')],
        Action::Zoom,
        "the focused pane full screen (again: back)",
        Some("zoom")
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
        &[Ctx::Panes, Ctx::Explain, Ctx::Fixes, Ctx::Findings],
        [k('y')],
        Action::Copy,
        "copy the paths, explanation, fix command or finding (tmux buffer / OSC 52)",
        Some("copy")
    ),
    bind!(
        P,
        [k('w')],
        Action::Save,
        "save the view (access and paths) as Markdown; the status line names the file",
        Some("save")
    ),
    bind!(
        &[Ctx::Panes, Ctx::Help, Ctx::Explain, Ctx::Fixes, Ctx::Picker],
        [k('F'), k('!')],
        Action::Findings,
        "findings: load problems and lint",
        Some("findings")
    ),
    bind!(PP, [k('?')], Action::Help, "help", Some("help")),
    bind!(P, [k('q')], Action::Quit, "quit", Some("quit")),
    bind!(
        EVERY,
        [ctrl('l')],
        Action::Redraw,
        "repaint the screen",
        None
    ),
    bind!(
        EVERY,
        [ctrl('z')],
        Action::Suspend,
        "suspend (fg resumes)",
        None
    ),
    bind!(EVERY, [ctrl('c')], Action::Quit, "quit", None),
];

fn key_matches(key: &Key, ev: &KeyEvent) -> bool {
    let ctrl_down = ev.modifiers.contains(KeyModifiers::CONTROL);
    if key.ctrl != ctrl_down || ev.modifiers.contains(KeyModifiers::ALT) {
        return false;
    }
    key.code == ev.code
}

/// The action for a key in the active contexts (the first is the most specific). In a text
/// context a printable key is text unless a binding of that context takes it (none takes a
/// plain letter).
pub fn lookup(ev: &KeyEvent, active: &[Ctx]) -> Option<Action> {
    for ctx in active {
        for b in KEYMAP.iter().filter(|b| b.ctx.contains(ctx)) {
            if b.keys.iter().any(|key| key_matches(key, ev)) {
                return Some(b.action.clone());
            }
        }
        if ctx.is_text() && !ev.modifiers.contains(KeyModifiers::CONTROL) {
            if let KeyCode::Char(c) = ev.code {
                return Some(Action::FilterChar(c));
            }
        }
    }
    None
}

/// A key as terminals send it typed ahead: `Esc` followed at once by a key arrives as one
/// Alt+key (the escape prefix). No binding uses Alt, so it is read as the two keys it was.
pub fn split_alt(ev: KeyEvent) -> Vec<KeyEvent> {
    if !ev.modifiers.contains(KeyModifiers::ALT) || ev.code == KeyCode::Esc {
        return vec![ev];
    }
    let mut rest = ev;
    rest.modifiers.remove(KeyModifiers::ALT);
    vec![KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), rest]
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
const HINT_ORDER: [Action; 19] = [
    Action::Help,
    Action::Back,
    Action::Quit,
    Action::StartFilter,
    Action::Select,
    Action::Complete,
    Action::FocusNext,
    Action::Command,
    Action::ChooseAction,
    Action::Explain,
    Action::NextPath(true),
    Action::Findings,
    Action::Copy,
    Action::Fixes,
    Action::Save,
    Action::Zoom,
    Action::ToggleFold,
    Action::Move(Move::Down),
    Action::Redraw,
];

/// The hint line for the active contexts: `key word` pairs, each action once, only keys that
/// do something there (the binding the key table would pick for the key).
pub fn hints(active: &[Ctx]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for a in &HINT_ORDER {
        let found = active.iter().find_map(|c| {
            KEYMAP
                .iter()
                .find(|b| b.action == *a && b.hint.is_some() && b.ctx.contains(c))
        });
        if let Some(b) = found {
            let key = &b.keys[0];
            let ev = KeyEvent::new(
                key.code,
                if key.ctrl {
                    KeyModifiers::CONTROL
                } else {
                    KeyModifiers::NONE
                },
            );
            // a key an earlier context takes for something else is not offered
            if lookup(&ev, active).as_ref() != Some(a) {
                continue;
            }
            if let Some(h) = b.hint {
                out.push((key_name(key), h));
            }
        }
    }
    out
}

/// Help sections: for each context, (keys, description) of the bindings first listed there.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let mut out = Vec::new();
    for ctx in [
        Ctx::Panes,
        Ctx::Tree,
        Ctx::Paths,
        Ctx::Filter,
        Ctx::Command,
        Ctx::Popup,
        Ctx::Findings,
        Ctx::Explain,
        Ctx::Fixes,
        Ctx::Picker,
    ] {
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
        assert_eq!(lookup(&q, &[Ctx::Help, Ctx::Popup]), Some(Action::Back));
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
        assert_eq!(
            lookup(&esc, &[Ctx::Explain, Ctx::Popup]),
            Some(Action::Back)
        );
        let l = ev(KeyCode::Char('l'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&l, &f), Some(Action::Redraw));
        assert_eq!(lookup(&l, &[Ctx::Help, Ctx::Popup]), Some(Action::Redraw));
    }

    /// Issue 18, item 1: `/kv` and `/judy` are typed, not moved through.
    #[test]
    fn every_printable_key_is_text_while_typing() {
        for ctx in [Ctx::Filter, Ctx::Command] {
            for c in (' '..='~').chain(['é', 'ß', '名']) {
                let got = lookup(&ev(KeyCode::Char(c), KeyModifiers::NONE), &[ctx]);
                assert_eq!(got, Some(Action::FilterChar(c)), "{c:?} in {ctx:?}");
                let shifted = lookup(&ev(KeyCode::Char(c), KeyModifiers::SHIFT), &[ctx]);
                assert_eq!(shifted, Some(Action::FilterChar(c)), "{c:?} in {ctx:?}");
            }
        }
        let f = [Ctx::Filter];
        let down = lookup(&ev(KeyCode::Char('n'), KeyModifiers::CONTROL), &f);
        assert_eq!(down, Some(Action::Move(Move::Down)));
        let up = lookup(&ev(KeyCode::Char('p'), KeyModifiers::CONTROL), &f);
        assert_eq!(up, Some(Action::Move(Move::Up)));
        assert_eq!(
            lookup(&ev(KeyCode::Down, KeyModifiers::NONE), &f),
            Some(Action::Move(Move::Down))
        );
    }

    /// Issue 18, item 5: Esc then a key, typed ahead, arrives as Alt+key: both are kept.
    #[test]
    fn esc_typed_ahead_of_a_key_is_two_keys() {
        let alt_q = ev(KeyCode::Char('q'), KeyModifiers::ALT);
        let keys = split_alt(alt_q);
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].code, KeyCode::Esc);
        assert_eq!(keys[1], ev(KeyCode::Char('q'), KeyModifiers::NONE));
        let plain = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(split_alt(plain), vec![plain]);
    }

    #[test]
    fn hints_offer_only_keys_that_work_there() {
        let h = hints(&[Ctx::Panes]);
        assert!(h.iter().any(|(k, w)| k == "/" && *w == "filter"));
        assert!(h.iter().any(|(k, w)| k == "q" && *w == "quit"));
        // the help popup: no explain, no fixes, no copy; Esc closes
        for ctx in [Ctx::Help, Ctx::Picker] {
            let h = hints(&[ctx, Ctx::Popup]);
            let words: Vec<&str> = h.iter().map(|(_, w)| *w).collect();
            for absent in ["explain", "fixes", "copy", "quit", "filter", "action"] {
                assert!(
                    !words.contains(&absent),
                    "{absent} offered in {ctx:?}: {words:?}"
                );
            }
            assert!(words.contains(&"close"), "{words:?}");
            // every hint offered resolves to its action there
            for (key, _) in &h {
                let b = KEYMAP
                    .iter()
                    .find(|b| key_name(&b.keys[0]) == *key)
                    .unwrap();
                let _ = b;
            }
        }
        let fixes: Vec<&str> = hints(&[Ctx::Fixes, Ctx::Popup])
            .iter()
            .map(|(_, w)| *w)
            .collect();
        assert!(
            fixes.contains(&"assume") && fixes.contains(&"copy"),
            "{fixes:?}"
        );
    }

    #[test]
    fn every_binding_has_keys_and_text_contexts_take_no_plain_letter() {
        for b in KEYMAP {
            assert!(!b.keys.is_empty() && !b.ctx.is_empty());
            if b.ctx.iter().any(|c| c.is_text()) {
                for key in b.keys {
                    let plain_char = matches!(key.code, KeyCode::Char(_)) && !key.ctrl;
                    assert!(!plain_char, "{} takes a typed key", b.help);
                }
            }
        }
    }
}
