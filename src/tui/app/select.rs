//! Selecting a resource or identity: Role edges at once (from the model), Access asked of the
//! engine (answered on the query worker in the running TUI), the highlighted row's paths asked
//! when it is shown, and the history of selections that `[`/`]` walk.

use super::*;
use crate::tui::queries::{Answer, Ask};
use crate::tui::widgets::path_view::PathView;

impl AppState {
    /// Select a resource: Access shows who reaches it. Recorded in the history.
    pub fn select_resource(&mut self, s: ScopeId) {
        self.history.push(Subject::Resource(s));
        self.show_subject(Subject::Resource(s));
    }

    /// Select an identity: Access shows what it reaches. Recorded in the history.
    pub fn select_principal(&mut self, p: PrincipalId) {
        self.history.push(Subject::Principal(p));
        self.show_subject(Subject::Principal(p));
    }

    fn show_subject(&mut self, subject: Subject) {
        self.subject = Some(subject);
        let m = self.engine.model();
        match subject {
            Subject::Resource(s) => {
                self.last_resource = Some(s);
                self.resources.subject = self.resources.row_of(s);
                self.identities.subject = None;
                self.edges.set_rows(edges::for_resource(m, s));
            }
            Subject::Principal(p) => {
                self.last_principal = Some(p);
                self.identities.subject = self.identities.row_of(p);
                self.resources.subject = None;
                self.edges.set_rows(edges::for_principal(m, p));
            }
        }
        self.refresh_access();
    }

    /// `[` / Backspace, `]`: the previous or next selection, shown in its pane.
    pub(super) fn go_history(&mut self, forward: bool) {
        let Some(s) = self.history.step(forward) else {
            self.message = Some(if forward {
                "nothing to go forward to (] after [)".into()
            } else {
                "no earlier selection".into()
            });
            return;
        };
        match s {
            Subject::Resource(r) => self.reveal_resource(r),
            Subject::Principal(p) => self.reveal_principal(p),
        }
        self.show_subject(s);
        let (at, n) = (self.history.at + 1, self.history.visited.len());
        self.message = Some(format!("selection {at} of {n} ([ back, ] forward)"));
    }

    pub(super) fn reveal_principal(&mut self, p: PrincipalId) {
        if let Some(r) = self.identities.row_of(p) {
            self.identities.list.reveal(r);
        }
    }

    pub(super) fn reveal_resource(&mut self, s: ScopeId) {
        if let Some(r) = self.resources.row_of(s) {
            self.resources.list.filter.clear();
            self.resources.unfold_to(r);
            self.resources.list.reveal(r);
        }
    }

    /// Ask again who reaches the subject / what it reaches, for the chosen action. Until the
    /// answer arrives Access says it is working (and what it was asked).
    pub(super) fn refresh_access(&mut self) {
        let op = self.action.map(str::to_string);
        let m = self.engine.model();
        let ask = match self.subject {
            Some(Subject::Resource(s)) => {
                let name = show(&m.scope_label(s)).into_owned();
                self.access.pending(
                    format!(
                        "Access to {name} · {}",
                        op.as_deref().unwrap_or("all actions")
                    ),
                    format!("working out who reaches {name}"),
                );
                Ask::WhoCan { s, op }
            }
            Some(Subject::Principal(p)) => {
                let name = show(&m.principal(p).name).into_owned();
                self.access.pending(
                    format!(
                        "What {name} reaches · {}",
                        op.as_deref().unwrap_or("all actions")
                    ),
                    format!("working out what {name} reaches"),
                );
                Ask::WhatCan { p, op }
            }
            None => return,
        };
        self.queries.cancel_paths();
        self.queries.ask(&self.engine, ask);
        self.relayout();
        // inline, the answer is there already; the running TUI takes it within a frame
        if !self.queries.in_background() {
            self.apply_answers();
            self.fill_access_paths();
            self.apply_answers();
        }
    }

    /// Apply every answer that arrived; true when any did.
    pub(super) fn apply_answers(&mut self) -> bool {
        let got = self.queries.take();
        let any = !got.is_empty();
        for (ask, answer) in got {
            self.apply_answer(ask, answer);
        }
        any
    }

    pub(super) fn apply_answer(&mut self, ask: Ask, answer: Answer) {
        let m = self.engine.model();
        match (ask, answer) {
            (Ask::WhoCan { s, op }, Answer::WhoCan(Ok((rows, notes)))) => {
                let name = m.scope_label(s);
                self.access.show_summary(&name, rows, notes, op.as_deref());
            }
            (Ask::WhoCan { s, op }, Answer::WhoCan(Err(e))) => {
                let title = format!(
                    "Access to {} · {}",
                    show(&m.scope_label(s)),
                    op.as_deref().unwrap_or("all actions")
                );
                self.access.show_error(title, &e);
            }
            (Ask::WhatCan { op, .. }, Answer::WhatCan(w)) => {
                self.access.show_what_can(&self.engine, &w, op.as_deref());
            }
            (Ask::Paths { .. }, Answer::Paths(paths, more)) => {
                let views = paths.iter().map(PathView::of).collect();
                self.access.fill_paths(views, more);
                return;
            }
            _ => return,
        }
        self.mark_access();
        self.mark_policy();
        if let Some((kept, name)) = self.access_keep.take() {
            let row = name.and_then(|n| self.access.rows.iter().position(|r| r.name == n));
            kept.restore(&mut self.access.list, row);
        }
        self.relayout();
    }

    /// Ask for the highlighted Access row's paths when they are missing and not yet asked.
    pub(super) fn fill_access_paths(&mut self) {
        let Some((row_p, row_s, ops)) = self.access.wants_paths() else {
            return;
        };
        let (p, s) = match (self.subject, row_p, row_s) {
            (Some(Subject::Resource(s)), Some(p), _) => (p, s),
            (Some(Subject::Principal(p)), _, Some(s)) => (p, s),
            _ => return,
        };
        let Some(row) = self.access.list.current() else {
            return;
        };
        self.access.asked_paths = Some(row);
        let tag = self.action.is_none();
        let ask = Ask::Paths { p, s, ops, tag };
        self.queries.ask(&self.engine, ask);
        if !self.queries.in_background() {
            self.apply_answers();
        }
    }

    /// After the engine changed (same principals and scopes): findings, role edges and Access
    /// again, keeping their filters and cursors.
    pub(super) fn refresh_results(&mut self) {
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
        let Some(subject) = self.subject else {
            return;
        };
        self.access_keep = Some((access_kept, access_name));
        self.show_subject(subject);
        edges_kept.restore(&mut self.edges.list, None);
    }
}
