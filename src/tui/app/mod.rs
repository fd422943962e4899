//! The application state and its only mutator, `update(Action) -> Vec<Effect>`. It calls the
//! engine and caches the results in the panes; it never draws.

mod diff;
mod policy;
mod reload;
mod whatif;

use crate::engine::view::default_op;
use crate::engine::Engine;
use crate::finding::Severity;
use crate::model::{Assignment, Model, PrincipalId, PrincipalKind, ScopeId};
use crate::tui::action::{Action, Effect};
use crate::tui::cursor::Move;
use crate::tui::keymap::Ctx;
use crate::tui::listing::Listing;
use crate::tui::marks::Mark;
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
use crate::tui::theme::Theme;
use crate::tui::ui;
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
}

impl Focus {
    const ORDER: [Focus; 4] = [
        Focus::Identities,
        Focus::Resources,
        Focus::Edges,
        Focus::Access,
    ];
    fn step(self, by: isize) -> Focus {
        let i = Focus::ORDER.iter().position(|f| *f == self).unwrap_or(0) as isize;
        Focus::ORDER[(i + by).rem_euclid(4) as usize]
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

pub struct AppState {
    engine: Engine,
    pub project: String,
    pub focus: Focus,
    pub identities: IdentitiesPane,
    pub resources: ResourcesPane,
    pub edges: EdgesPane,
    pub access: AccessPane,
    pub findings: FindingsPane,
    pub popup: Option<Popup>,
    pub subject: Option<Subject>,
    last_resource: Option<ScopeId>,
    last_principal: Option<PrincipalId>,
    /// The chosen operation; None = all (a summary per principal).
    pub action: Option<&'static str>,
    /// A one-line message for the hint line (cleared by the next key).
    pub message: Option<String>,
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
    /// `--policy FILE`: the policy checked on every engine (None: no policy).
    pub policy: Option<policy::PolicyMode>,
}

impl AppState {
    pub fn new(engine: Engine, width: u16, height: u16) -> AppState {
        let m = engine.model();
        let mut app = AppState {
            project: crate::tui::mask::show(&m.label).into_owned(),
            identities: IdentitiesPane::new(m),
            resources: ResourcesPane::new(m),
            findings: FindingsPane::new(&engine.lint()),
            engine,
            focus: Focus::Resources,
            edges: EdgesPane::default(),
            access: AccessPane::new(),
            popup: None,
            subject: None,
            last_resource: None,
            last_principal: None,
            action: None,
            message: None,
            size: Rect::new(0, 0, width, height),
            base: None,
            assumptions: Vec::new(),
            source: None,
            watching: false,
            diff: None,
            policy: None,
        };
        app.relayout();
        app
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
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
        if self.popup.is_some() {
            vec![Ctx::Popup]
        } else if self.focused().filter.editing {
            vec![Ctx::Filter]
        } else if self.focus == Focus::Resources {
            vec![Ctx::Tree, Ctx::Panes]
        } else {
            vec![Ctx::Panes]
        }
    }

    pub fn update(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::Quit => return vec![Effect::Quit],
            Action::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                self.relayout();
                return Vec::new();
            }
            _ => self.message = None,
        }
        let fx = if self.popup.is_some() {
            self.update_popup(a)
        } else if self.focused().filter.editing {
            self.update_filter(a)
        } else {
            self.update_panes(a)
        };
        self.fill_access_paths();
        fx
    }

    /// The highlighted Access row's paths, asked of the engine when first shown (one `explain`
    /// per operation the row reaches).
    fn fill_access_paths(&mut self) {
        let Some((row_p, row_s, ops)) = self.access.wants_paths() else {
            return;
        };
        let (p, s) = match (self.subject, row_p, row_s) {
            (Some(Subject::Resource(s)), Some(p), _) => (p, s),
            (Some(Subject::Principal(p)), _, Some(s)) => (p, s),
            _ => return,
        };
        let mut paths = Vec::new();
        let mut more = 0;
        let tag = self.action.is_none();
        for op in &ops {
            let Ok(x) = self.engine.explain(p, s, op) else {
                continue;
            };
            more += x.more_paths;
            paths.extend(x.paths.into_iter().map(|mut ap| {
                if tag {
                    ap.action = Some(op.clone());
                }
                crate::tui::widgets::path_view::PathView::of(&ap)
            }));
        }
        self.access.fill_paths(paths, more);
    }

    fn focused(&self) -> &Listing {
        match self.focus {
            Focus::Identities => &self.identities.list,
            Focus::Resources => &self.resources.list,
            Focus::Edges => &self.edges.list,
            Focus::Access => &self.access.list,
        }
    }

    fn focused_mut(&mut self) -> &mut Listing {
        match self.focus {
            Focus::Identities => &mut self.identities.list,
            Focus::Resources => &mut self.resources.list,
            Focus::Edges => &mut self.edges.list,
            Focus::Access => &mut self.access.list,
        }
    }

    /// Tell every list how many rows it shows (after a resize or a focus change).
    fn relayout(&mut self) {
        let l = ui::layout(self.size, self.focus);
        let inner = |r: Rect| r.height.saturating_sub(2) as usize;
        self.identities.list.set_height(inner(l.identities));
        self.resources.list.set_height(inner(l.resources));
        self.edges.list.set_height(inner(l.edges));
        self.access.list.set_height(inner(l.access));
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

    fn update_panes(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::FocusNext | Action::FocusPrev => {
                self.focus = self.focus.step(if a == Action::FocusNext { 1 } else { -1 });
                self.relayout();
            }
            Action::Move(m) => self.focused_mut().apply(m),
            Action::Select => return self.select(),
            Action::Back => {
                self.focused_mut().clear_filter();
            }
            Action::StartFilter => self.focused_mut().start_filter(),
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
            Action::ChooseAction => {
                let mut p = Picker::default();
                let at = self
                    .action
                    .and_then(|op| {
                        crate::engine::action::OPERATIONS
                            .iter()
                            .position(|o| *o == op)
                    })
                    .map_or(0, |i| i + 1);
                p.cursor.set_height(Picker::len(), Picker::len());
                p.cursor.set(at, Picker::len());
                self.popup = Some(Popup::Picker(p));
            }
            Action::Explain => self.explain(),
            Action::Fixes => match self.explain_pair() {
                Ok(pair) => self.open_fixes(pair),
                Err(msg) => self.message = Some(msg.replace("press e", "press f")),
            },
            Action::ClearAssumptions => self.clear_assumptions(),
            Action::Reload => self.reload(),
            Action::ToggleChangedOnly => self.toggle_changed_only(),
            Action::ScrollPaths(m) => {
                let area = ui::layout(self.size, self.focus).paths;
                let (w, h) = AccessPane::paths_body(area);
                let total = self.access.path_lines(w, &Theme::new(false, false)).len();
                self.access.scroll_paths(m, total, h);
            }
            Action::Copy => return self.copy(),
            Action::Help => self.popup = Some(Popup::Help(HelpView::default())),
            Action::Findings => self.popup = Some(Popup::Findings),
            _ => {}
        }
        Vec::new()
    }

    fn update_popup(&mut self, a: Action) -> Vec<Effect> {
        let Some(popup) = self.popup.as_mut() else {
            return Vec::new();
        };
        match (popup, a) {
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
            (Popup::Fixes(f), Action::Copy) => {
                if let Some(fx) = f.current() {
                    let cmd = show(&fx.command).into_owned();
                    self.message = Some("copied the az command (OSC 52)".into());
                    return vec![Effect::Copy(cmd)];
                }
            }
            (Popup::Explain(x), Action::Fixes) => {
                if let Some(pair) = x.pair {
                    self.open_fixes(pair);
                }
            }
            (Popup::Findings, Action::Move(m)) => self.findings.list.apply(m),
            (Popup::Picker(p), Action::Move(m)) => p.cursor.apply(m, Picker::len()),
            (Popup::Findings, Action::Select) => self.jump_to_finding(),
            (Popup::Picker(p), Action::Select) => {
                self.action = p.choice();
                self.popup = None;
                self.refresh_access();
            }
            (Popup::Help(_) | Popup::Explain(_), Action::Select) => self.popup = None,
            (Popup::Explain(_), Action::Copy) => return self.copy(),
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
        }
        Vec::new()
    }

    pub fn select_resource(&mut self, s: ScopeId) {
        self.subject = Some(Subject::Resource(s));
        self.last_resource = Some(s);
        self.resources.subject = self.resources.row_of(s);
        self.identities.subject = None;
        self.edges
            .set_rows(edges::for_resource(self.engine.model(), s));
        self.refresh_access();
    }

    pub fn select_principal(&mut self, p: PrincipalId) {
        self.subject = Some(Subject::Principal(p));
        self.last_principal = Some(p);
        self.identities.subject = self.identities.row_of(p);
        self.resources.subject = None;
        self.edges
            .set_rows(edges::for_principal(self.engine.model(), p));
        self.refresh_access();
    }

    fn reveal_principal(&mut self, p: PrincipalId) {
        if let Some(r) = self.identities.row_of(p) {
            self.identities.list.reveal(r);
        }
    }

    fn reveal_resource(&mut self, s: ScopeId) {
        if let Some(r) = self.resources.row_of(s) {
            self.resources.list.filter.clear();
            self.resources.unfold_to(r);
            self.resources.list.reveal(r);
        }
    }

    /// Re-run the query for the subject and the chosen action.
    fn refresh_access(&mut self) {
        let op = self.action;
        match self.subject {
            Some(Subject::Resource(s)) => match self.engine.who_can_summary(s, op) {
                Ok(rows) => {
                    let name = self.engine.model().scope_label(s);
                    let notes = self
                        .engine
                        .membership_notes(rows.iter().map(|r| r.principal.pid));
                    self.access.show_summary(&name, rows, notes, op);
                }
                Err(e) => {
                    let name = self.engine.model().scope_label(s);
                    let title = format!(
                        "Access to {} · {}",
                        crate::tui::mask::show(&name),
                        op.unwrap_or("all actions")
                    );
                    self.access.show_error(title, &e.0);
                }
            },
            Some(Subject::Principal(p)) => {
                let w = self.engine.what_can_summary(p, op);
                self.access.show_what_can(&self.engine, &w, op);
            }
            None => {}
        }
        self.mark_access();
        self.mark_policy();
        self.relayout();
        self.fill_access_paths();
    }

    /// The principal × resource pair `e` explains, from the focus and the selections.
    fn explain_pair(&self) -> Result<(PrincipalId, ScopeId), &'static str> {
        let none =
            "select a resource (Enter in Resources), then press e on an identity or an Access row";
        match (self.focus, self.subject) {
            (Focus::Access, Some(Subject::Resource(s))) => self
                .access
                .current()
                .and_then(|r| r.principal)
                .map(|p| (p, s))
                .ok_or(none),
            (Focus::Access, Some(Subject::Principal(p))) => self
                .access
                .current()
                .and_then(|r| r.scope)
                .map(|s| (p, s))
                .ok_or(none),
            (Focus::Identities, _) => match (self.identities.current(), self.last_resource) {
                (Some(p), Some(s)) => Ok((p, s)),
                _ => {
                    Err("select a resource first (Enter in Resources), then press e on an identity")
                }
            },
            (Focus::Resources, _) => match (self.last_principal, self.resources.current()) {
                (Some(p), Some(s)) => Ok((p, s)),
                _ => Err(
                    "select an identity first (Enter in Identities), then press e on a resource",
                ),
            },
            (Focus::Edges, subject) => {
                let e = self.edges.current().ok_or(none)?;
                match subject {
                    Some(Subject::Resource(s)) => Ok((e.principal, s)),
                    _ => Ok((e.principal, e.scope)),
                }
            }
            _ => Err(none),
        }
    }

    fn explain(&mut self) {
        match self.explain_pair() {
            Ok(pair) => self.explain_at(pair),
            Err(msg) => self.message = Some(msg.to_string()),
        }
    }

    /// The operation explain and fixes ask about on `s`: the chosen one, else the default.
    fn op_for(&self, s: ScopeId) -> &'static str {
        self.action
            .unwrap_or_else(|| default_op(self.engine.model().scope(s).kind))
    }

    fn explain_at(&mut self, (p, s): (PrincipalId, ScopeId)) {
        let op = self.op_for(s);
        match self.engine.explain(p, s, op) {
            Ok(x) => {
                let mut v = ExplainView::of(&x, op);
                v.pair = Some((p, s));
                self.popup = Some(Popup::Explain(v));
            }
            Err(e) => self.message = Some(show(&e.0).into_owned()),
        }
    }

    /// After the engine changed (same principals and scopes): findings, role edges and Access
    /// again, keeping their filters and cursors.
    fn refresh_results(&mut self) {
        self.recheck_policy();
        let kept = Kept::of(&self.findings.list);
        self.findings = self.findings_pane();
        kept.restore(&mut self.findings.list, None);
        self.refresh_subject();
        self.relayout();
    }

    /// Re-run the subject's role edges and Access, keeping filters and the highlighted rows.
    fn refresh_subject(&mut self) {
        let edges_kept = Kept::of(&self.edges.list);
        let access_kept = Kept::of(&self.access.list);
        let access_name = self.access.current().map(|r| r.name.clone());
        match self.subject {
            Some(Subject::Resource(s)) => self.select_resource(s),
            Some(Subject::Principal(p)) => self.select_principal(p),
            None => return,
        }
        edges_kept.restore(&mut self.edges.list, None);
        let row = access_name.and_then(|n| self.access.rows.iter().position(|r| r.name == n));
        access_kept.restore(&mut self.access.list, row);
    }

    /// `y`: the explanation in the popup, else the highlighted Access row's paths.
    fn copy(&mut self) -> Vec<Effect> {
        let text = match &self.popup {
            Some(Popup::Explain(x)) => Some(x.plain()),
            _ => self.access.current().map(|r| {
                let mut s = format!("{} · {}\n", self.access.title, r.name);
                if !r.actions.is_empty() {
                    s.push_str(&format!("can: {}\n", r.actions));
                }
                if let Some(d) = &r.diff {
                    for m in Mark::ALL.into_iter().filter(|m| !d.ops(*m).is_empty()) {
                        s.push_str(&format!(
                            "{} {}: {}\n",
                            m.glyph(),
                            m.word(),
                            d.ops(m).join(" ")
                        ));
                    }
                }
                for (i, p) in r.paths.iter().enumerate() {
                    p.plain(i + 1, &mut s);
                }
                for (i, p) in r.diff.iter().flat_map(|d| &d.gone).enumerate() {
                    p.plain_as("gone path", i + 1, &mut s);
                }
                s
            }),
        };
        match text {
            Some(t) => {
                self.message = Some(format!("copied {} lines (OSC 52)", t.lines().count()));
                vec![Effect::Copy(crate::text::redact(&t).into_owned())]
            }
            None => {
                self.message =
                    Some("nothing to copy: highlight an Access row or explain (e)".into());
                Vec::new()
            }
        }
    }

    fn jump_to_finding(&mut self) {
        let Some(subject) = self.findings.current().map(|f| f.raw_subject.clone()) else {
            return;
        };
        let m = self.engine.model();
        let scope = m
            .scope_by_arm(&subject)
            .or_else(|| m.resolve_resource(&subject).ok());
        if let Some(s) = scope {
            self.popup = None;
            self.focus = Focus::Resources;
            self.reveal_resource(s);
            self.select_resource(s);
        } else if let Ok(p) = m.resolve_principal(&subject) {
            self.popup = None;
            self.focus = Focus::Identities;
            self.reveal_principal(p);
            self.select_principal(p);
        } else {
            self.message = Some(format!(
                "{} is not a resource or identity reach knows",
                crate::tui::mask::show(&subject)
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
