//! The application state and its only mutator, `update(Action) -> Vec<Effect>`. It asks the
//! engine (through `Queries`, on a worker thread in the running TUI) and caches the answers in
//! the panes; it never draws.

pub mod command;
mod copy;
mod diff;
mod explain;
mod mouse;
mod paths;
mod policy;
mod reload;
mod select;
mod whatif;

use crate::engine::Engine;
use crate::finding::Severity;
use crate::model::{Assignment, Model, PrincipalId, PrincipalKind, ScopeId};
use crate::tui::action::{Action, Effect};
use crate::tui::cursor::Move;
use crate::tui::keymap::Ctx;
use crate::tui::listing::Listing;
use crate::tui::mask::show;
use crate::tui::panes::access::AccessPane;
use crate::tui::panes::edges::{self, EdgesPane};
use crate::tui::panes::explain::ExplainView;
use crate::tui::panes::findings::FindingsPane;
use crate::tui::panes::fixes::FixesView;
use crate::tui::panes::help::HelpView;
use crate::tui::panes::identities::IdentitiesPane;
use crate::tui::panes::picker::Picker;
use crate::tui::panes::resources::ResourcesPane;
use crate::tui::queries::Queries;
use crate::tui::theme::Theme;
use crate::tui::ui;
pub use command::CommandLine;
pub use diff::DiffMode;
use ratatui::layout::Rect;
use std::path::PathBuf;
pub use whatif::Assumption;
use whatif::{find_principal, principal_key};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Identities,
    Resources,
    Edges,
    Access,
    Paths,
}

impl Focus {
    /// In Tab order; the number keys 1–5 pick by position.
    pub const ORDER: [Focus; 5] = [
        Focus::Identities,
        Focus::Resources,
        Focus::Edges,
        Focus::Access,
        Focus::Paths,
    ];
    fn step(self, by: isize) -> Focus {
        let i = Focus::ORDER.iter().position(|f| *f == self).unwrap_or(0) as isize;
        Focus::ORDER[(i + by).rem_euclid(5) as usize]
    }
}

/// What Access and Role edges are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Resource(ScopeId),
    Principal(PrincipalId),
}

#[derive(Debug)]
pub enum Popup {
    Help(HelpView),
    Findings,
    Explain(ExplainView),
    Fixes(FixesView),
    Picker(Picker),
}

/// A list's filter and cursor, to put back after its rows were rebuilt.
struct Kept {
    query: String,
    editing: bool,
    pos: usize,
}

impl Kept {
    fn of(l: &Listing) -> Kept {
        Kept {
            query: l.filter.query().to_string(),
            editing: l.filter.editing,
            pos: l.cursor.selected,
        }
    }
    /// Restore the query; the cursor on `row` when given and visible, else at the old position.
    fn restore(&self, l: &mut Listing, row: Option<usize>) {
        l.set_query(&self.query);
        l.filter.editing = self.editing;
        match row.filter(|r| l.position_of(*r).is_some()) {
            Some(r) => l.select_row(r),
            None => {
                let total = l.len();
                l.cursor.set(self.pos, total);
            }
        }
    }
}

/// The selections made, to go back and forward through (`[`, `]`, Backspace).
#[derive(Debug, Default)]
pub struct History {
    pub visited: Vec<Subject>,
    /// The entry shown (when going back).
    pub at: usize,
}

impl History {
    const MAX: usize = 200;

    fn push(&mut self, s: Subject) {
        if self.visited.get(self.at) == Some(&s) {
            return;
        }
        self.visited.truncate(self.at + 1);
        self.visited.push(s);
        if self.visited.len() > Self::MAX {
            self.visited.remove(0);
        }
        self.at = self.visited.len() - 1;
    }

    fn step(&mut self, forward: bool) -> Option<Subject> {
        let next = if forward {
            self.at.checked_add(1).filter(|i| *i < self.visited.len())?
        } else {
            self.at.checked_sub(1)?
        };
        self.at = next;
        self.visited.get(next).copied()
    }
}

pub struct AppState {
    engine: Engine,
    queries: Queries,
    pub project: String,
    pub focus: Focus,
    /// The focused pane is shown full screen (`+`).
    pub zoom: bool,
    pub identities: IdentitiesPane,
    pub resources: ResourcesPane,
    pub edges: EdgesPane,
    pub access: AccessPane,
    pub findings: FindingsPane,
    pub popup: Option<Popup>,
    /// `:`: the command line, when open.
    pub command: Option<CommandLine>,
    pub subject: Option<Subject>,
    pub history: History,
    last_resource: Option<ScopeId>,
    last_principal: Option<PrincipalId>,
    /// The chosen operation; None = all (a summary per principal).
    pub action: Option<&'static str>,
    /// A one-line message for the hint line (cleared by the next key).
    pub message: Option<String>,
    /// The file `w` last wrote (shown in the status line).
    pub saved: Option<String>,
    /// Where `w` writes (the current folder).
    pub save_dir: PathBuf,
    pub size: Rect,
    /// The model as loaded, without the TUI's assumptions (kept while any is in force).
    base: Option<Model>,
    /// What-if role assignments assumed in the TUI, in the order made.
    pub assumptions: Vec<Assumption>,
    /// The project folder `r` reloads (None: the built-in demo).
    pub source: Option<PathBuf>,
    /// `--watch` is on (shown in the status line).
    pub watching: bool,
    /// `--diff OLD NEW`: what changed since OLD (None: no diff).
    pub diff: Option<DiffMode>,
    /// Frames the spinner has turned while waiting for the engine.
    pub spin: usize,
    /// `--policy FILE`: the policy checked on every engine (None: no policy).
    pub policy: Option<policy::PolicyMode>,
    /// How the Access list is restored once the answer to a refresh arrives.
    access_keep: Option<(Kept, Option<String>)>,
    /// What loading the project dropped (`load::incomplete`): the status line says
    /// `INCOMPLETE: …` while it is not empty. Set with each model installed.
    pub incomplete: Vec<crate::load::Incomplete>,
}

impl AppState {
    pub fn new(engine: Engine, width: u16, height: u16) -> AppState {
        let m = engine.model();
        let incomplete = crate::load::incomplete::of_model(m);
        let mut app = AppState {
            incomplete,
            project: crate::tui::mask::show(&m.label).into_owned(),
            identities: IdentitiesPane::new(m),
            resources: ResourcesPane::new(m),
            findings: FindingsPane::new(&engine.lint()),
            queries: Queries::inline(),
            engine,
            focus: Focus::Resources,
            zoom: false,
            edges: EdgesPane::default(),
            access: AccessPane::new(),
            popup: None,
            command: None,
            subject: None,
            history: History::default(),
            last_resource: None,
            last_principal: None,
            action: None,
            message: None,
            saved: None,
            save_dir: PathBuf::from("."),
            size: Rect::new(0, 0, width, height),
            base: None,
            assumptions: Vec::new(),
            source: None,
            watching: false,
            diff: None,
            spin: 0,
            policy: None,
            access_keep: None,
        };
        app.relayout();
        app
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Answer the engine's questions on a worker thread from now on (the running TUI); the UI
    /// thread then never waits for a query.
    pub fn ask_in_background(&mut self) {
        self.queries = Queries::worker(&self.engine);
    }

    /// Let the engine answer, in the background, what selecting any resource leads to (see
    /// `Engine::warm_in_background`). Once per engine: a reload or what-if brings a new one.
    pub fn warm_engine(&mut self) {
        self.engine.warm_in_background();
    }

    /// Wait for the engine's background answers (benchmarks).
    pub fn wait_engine_warm(&mut self) -> Option<(usize, usize)> {
        self.engine.wait_warm()
    }

    /// The key contexts active now, most specific first.
    pub fn contexts(&self) -> Vec<Ctx> {
        match &self.popup {
            Some(Popup::Findings) if self.findings.list.filter.editing => vec![Ctx::Filter],
            Some(p) => vec![
                match p {
                    Popup::Help(_) => Ctx::Help,
                    Popup::Findings => Ctx::Findings,
                    Popup::Explain(_) => Ctx::Explain,
                    Popup::Fixes(_) => Ctx::Fixes,
                    Popup::Picker(_) => Ctx::Picker,
                },
                Ctx::Popup,
            ],
            None if self.command.is_some() => vec![Ctx::Command],
            None if self.focus != Focus::Paths && self.focused().filter.editing => {
                vec![Ctx::Filter]
            }
            None => match self.focus {
                Focus::Resources => vec![Ctx::Tree, Ctx::Panes],
                Focus::Paths => vec![Ctx::Paths, Ctx::Panes],
                _ => vec![Ctx::Panes],
            },
        }
    }

    pub fn update(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::Quit => return vec![Effect::Quit],
            Action::Redraw => return vec![Effect::Redraw],
            Action::Suspend => return vec![Effect::Suspend],
            Action::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                self.relayout();
                return Vec::new();
            }
            _ => self.message = None,
        }
        let fx = if self.popup.is_some() {
            self.update_popup(a)
        } else if self.command.is_some() {
            self.update_command(a)
        } else if self.focus != Focus::Paths && self.focused().filter.editing {
            self.update_filter(a)
        } else {
            self.update_panes(a)
        };
        self.settle();
        fx
    }

    /// Take the engine's answers that arrived, and ask for the highlighted row's paths when
    /// they are missing (inline: both at once).
    fn settle(&mut self) {
        self.fill_access_paths();
        if !self.queries.in_background() {
            self.apply_answers();
            self.fill_access_paths();
            self.apply_answers();
        }
    }

    /// The running TUI: take the answers that arrived meanwhile. True when any changed the view.
    pub fn poll_answers(&mut self) -> bool {
        let any = self.apply_answers();
        self.fill_access_paths();
        any
    }

    /// Wait up to `t` for an answer (the event loop's frame budget). True when one arrived.
    pub fn wait_answers(&mut self, t: std::time::Duration) -> bool {
        let got = self.queries.wait(t);
        let any = !got.is_empty();
        for (ask, answer) in got {
            self.apply_answer(ask, answer);
        }
        self.fill_access_paths();
        any
    }

    /// Whether the engine is working on a question the screen waits for.
    pub fn busy(&self) -> bool {
        self.queries.busy()
    }

    /// The spinner turns (the event loop calls this while busy).
    pub fn tick(&mut self) {
        self.spin = self.spin.wrapping_add(1);
        self.access.spin = self.spin;
    }

    fn focused(&self) -> &Listing {
        match self.focus {
            Focus::Identities => &self.identities.list,
            Focus::Resources => &self.resources.list,
            Focus::Edges => &self.edges.list,
            Focus::Access | Focus::Paths => &self.access.list,
        }
    }

    fn focused_mut(&mut self) -> &mut Listing {
        match self.focus {
            Focus::Identities => &mut self.identities.list,
            Focus::Resources => &mut self.resources.list,
            Focus::Edges => &mut self.edges.list,
            Focus::Access | Focus::Paths => &mut self.access.list,
        }
    }

    /// The layout now (zoomed or not).
    pub fn areas(&self) -> ui::Areas {
        ui::layout(self.size, self.focus, self.zoom)
    }

    /// Tell every list how many rows it shows (after a resize, a zoom or a focus change).
    fn relayout(&mut self) {
        let l = self.areas();
        let inner = |r: Rect| r.height.saturating_sub(2) as usize;
        self.identities.list.set_height(inner(l.identities));
        self.resources.list.set_height(inner(l.resources));
        self.edges.list.set_height(inner(l.edges));
        // the Access list has a header row
        self.access
            .list
            .set_height(inner(l.access).saturating_sub(1));
        self.findings
            .list
            .set_height(FindingsPane::list_height(self.size));
    }

    fn update_filter(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::FilterChar(c) => self.focused_mut().push_char(c),
            Action::FilterBackspace => self.focused_mut().pop_char(),
            Action::Move(m) => self.focused_mut().apply(m),
            Action::Back => {
                self.focused_mut().clear_filter();
            }
            Action::Select => {
                self.focused_mut().filter.editing = false;
                return self.select();
            }
            _ => {}
        }
        Vec::new()
    }

    fn set_focus(&mut self, f: Focus) {
        self.focus = f;
        self.relayout();
    }

    fn update_panes(&mut self, a: Action) -> Vec<Effect> {
        if self.focus == Focus::Paths && self.update_paths(&a) {
            return Vec::new();
        }
        match a {
            Action::FocusNext | Action::FocusPrev => {
                self.set_focus(self.focus.step(if a == Action::FocusNext { 1 } else { -1 }));
            }
            Action::FocusPane(n) => {
                if let Some(f) = Focus::ORDER.get(usize::from(n).wrapping_sub(1)) {
                    self.set_focus(*f);
                }
            }
            Action::Zoom => {
                self.zoom = !self.zoom;
                self.relayout();
            }
            Action::Move(m) => self.focused_mut().apply(m),
            Action::Select => return self.select(),
            Action::Back => {
                self.focused_mut().clear_filter();
            }
            Action::StartFilter => self.focused_mut().start_filter(),
            Action::History(fwd) => self.go_history(fwd),
            Action::Command => self.open_command(),
            Action::ToggleFold | Action::Expand | Action::Collapse
                if self.focus == Focus::Resources =>
            {
                let want = match a {
                    Action::Expand => Some(false),
                    Action::Collapse => Some(true),
                    _ => None,
                };
                self.resources.fold(want);
            }
            Action::ChooseAction => self.open_picker(),
            Action::Explain => self.explain(),
            Action::Fixes => match self.explain_pair() {
                Ok(pair) => self.open_fixes(pair),
                Err(msg) => self.message = Some(msg.replace("press e", "press f")),
            },
            Action::ClearAssumptions => self.clear_assumptions(),
            Action::Reload => self.reload(),
            Action::ToggleChangedOnly => self.toggle_changed_only(),
            Action::ScrollPaths(m) => self.scroll_paths(m),
            Action::Copy => return self.copy(),
            Action::Save => self.save(),
            Action::Help => self.popup = Some(Popup::Help(HelpView::default())),
            Action::Findings => self.popup = Some(Popup::Findings),
            Action::Click(x, y) => return self.click(x, y),
            Action::Wheel(x, y, down) => self.wheel(x, y, down),
            _ => {}
        }
        Vec::new()
    }

    /// `a`: the operations that apply to the selected resource (its summary operations
    /// first), or every one for an identity.
    fn open_picker(&mut self) {
        use crate::engine::action::{resolve, summary_ops, OPERATIONS};
        let ops = match self.subject {
            Some(Subject::Resource(s)) => {
                let m = self.engine.model();
                let mut v: Vec<&'static str> = summary_ops(m.scope(s).kind);
                let more: Vec<&'static str> = OPERATIONS
                    .iter()
                    .copied()
                    .filter(|o| !v.contains(o) && resolve(m, s, o).is_ok())
                    .collect();
                v.extend(more);
                v
            }
            _ => OPERATIONS.to_vec(),
        };
        let mut p = Picker::with_ops(ops);
        let at = self
            .action
            .and_then(|op| p.ops.iter().position(|o| *o == op))
            .map_or(0, |i| i + 1);
        let n = p.len();
        p.cursor.set_height(n, n);
        p.cursor.set(at, n);
        self.popup = Some(Popup::Picker(p));
    }

    fn update_popup(&mut self, a: Action) -> Vec<Effect> {
        if matches!(self.popup, Some(Popup::Findings)) && self.findings.list.filter.editing {
            let l = &mut self.findings.list;
            match a {
                Action::FilterChar(c) => l.push_char(c),
                Action::FilterBackspace => l.pop_char(),
                Action::Move(m) => l.apply(m),
                Action::Back => {
                    l.clear_filter();
                }
                Action::Select => l.filter.editing = false,
                _ => {}
            }
            self.findings.detail_scroll = 0;
            return Vec::new();
        }
        let Some(popup) = self.popup.as_mut() else {
            return Vec::new();
        };
        match (popup, a) {
            (Popup::Findings, Action::Back) if self.findings.list.filter.is_active() => {
                self.findings.list.clear_filter();
            }
            (_, Action::Back) => self.popup = None,
            (Popup::Help(_), Action::Help) => self.popup = None,
            (_, Action::Help) => self.popup = Some(Popup::Help(HelpView::default())),
            (_, Action::Findings) => self.popup = Some(Popup::Findings),
            (Popup::Help(h), Action::Move(m)) => {
                let n = HelpView::lines(&Theme::new(false, false)).len();
                let h_view = (self.size.height as usize).saturating_sub(4);
                h.scroll = scroll(h.scroll, m, n.saturating_sub(h_view));
            }
            (Popup::Explain(x), Action::Move(m)) => {
                let (w, h) = ui::explain_body(self.size);
                let n = x.lines(w, &Theme::new(false, false)).len();
                x.scroll = scroll(x.scroll, m, n.saturating_sub(h));
            }
            (Popup::Fixes(f), Action::Move(m)) => f.cursor.apply(m, f.fixes.len()),
            (Popup::Fixes(_), Action::Select) => self.apply_fix(),
            (Popup::Fixes(_) | Popup::Explain(_) | Popup::Findings, Action::Copy) => {
                return self.copy()
            }
            (Popup::Explain(x), Action::Fixes) => {
                if let Some(pair) = x.pair {
                    self.open_fixes(pair);
                }
            }
            (Popup::Findings, Action::Move(m)) => {
                self.findings.list.apply(m);
                self.findings.detail_scroll = 0;
            }
            (Popup::Findings, Action::ScrollPaths(m)) => self.findings.scroll_detail(m),
            (Popup::Findings, Action::StartFilter) => self.findings.list.start_filter(),
            (Popup::Picker(p), Action::Move(m)) => {
                let n = p.len();
                p.cursor.apply(m, n);
            }
            (Popup::Findings, Action::Select) => self.open_finding(),
            (Popup::Picker(p), Action::Select) => {
                self.action = p.choice();
                self.popup = None;
                self.refresh_access();
            }
            _ => {}
        }
        Vec::new()
    }

    /// Enter in a pane.
    fn select(&mut self) -> Vec<Effect> {
        match self.focus {
            Focus::Identities => {
                if let Some(p) = self.identities.current() {
                    self.select_principal(p);
                }
            }
            Focus::Resources => {
                if let Some(s) = self.resources.current() {
                    self.select_resource(s);
                }
            }
            Focus::Edges => {
                if let Some(p) = self.edges.current().map(|e| e.principal) {
                    self.select_principal(p);
                    self.reveal_principal(p);
                }
            }
            Focus::Access => self.explain(),
            Focus::Paths => self.follow_step(),
        }
        Vec::new()
    }

    /// Enter in the findings popup: a finding about a resource or identity selects it; any
    /// other (a file that could not be read) shows in full below the list, scrolled to its
    /// start, and says where it is.
    fn open_finding(&mut self) {
        let Some(f) = self.findings.current() else {
            return;
        };
        let subject = f.raw_subject.clone();
        let source = f.source.clone();
        let m = self.engine.model();
        let scope = m
            .scope_by_arm(&subject)
            .or_else(|| m.resolve_resource(&subject).ok());
        if let Some(s) = scope {
            self.popup = None;
            self.focus = Focus::Resources;
            self.reveal_resource(s);
            self.select_resource(s);
            self.relayout();
        } else if let Ok(p) = m.resolve_principal(&subject) {
            self.popup = None;
            self.focus = Focus::Identities;
            self.reveal_principal(p);
            self.select_principal(p);
            self.relayout();
        } else {
            self.findings.detail_scroll = 0;
            self.message = Some(format!(
                "{source}: shown in full below (J/K scroll it); fix the file and press r"
            ));
        }
    }
}

/// A popup scroll position after a move, at most `last`.
fn scroll(at: usize, m: Move, last: usize) -> usize {
    match m {
        Move::Up => at.saturating_sub(1),
        Move::Down => (at + 1).min(last),
        Move::PageUp => at.saturating_sub(10),
        Move::PageDown => (at + 10).min(last),
        Move::Top => 0,
        Move::Bottom => last,
    }
}
