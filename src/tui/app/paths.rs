//! The Paths pane with focus (`5`, Tab): a line cursor that pages, `n`/`N` to the next or
//! previous path, Enter to follow the highlighted step to the principal or resource it names.

use super::*;

impl AppState {
    /// The Paths pane's text width and height now.
    fn paths_box(&self) -> (usize, usize) {
        AccessPane::paths_body(self.areas().paths)
    }

    /// Keys for the focused Paths pane; false when the key is not about it.
    pub(super) fn update_paths(&mut self, a: &Action) -> bool {
        let (w, h) = self.paths_box();
        let body = self.access.paths_body_lines(w, &Theme::new(false, false));
        match a {
            Action::Move(m) => self.access.move_paths_cursor(*m, body.owners.len(), h),
            Action::NextPath(fwd) => {
                let heads = body.heads();
                let at = self.access.paths_cursor();
                let next = if *fwd {
                    heads.iter().copied().find(|l| *l > at)
                } else {
                    heads.iter().rev().copied().find(|l| *l < at)
                };
                match next {
                    Some(l) => self.access.set_paths_cursor(l, body.owners.len(), h),
                    None => {
                        self.message = Some(
                            if *fwd {
                                "no later path"
                            } else {
                                "no earlier path"
                            }
                            .into(),
                        )
                    }
                }
            }
            Action::StartFilter => {
                self.message =
                    Some("the Paths pane has no filter: n/N go from path to path".into());
            }
            Action::Back => {}
            _ => return false,
        }
        true
    }

    /// `J`/`K` from another pane: scroll the Paths pane.
    pub(super) fn scroll_paths(&mut self, m: Move) {
        let (w, h) = self.paths_box();
        let total = self
            .access
            .paths_body_lines(w, &Theme::new(false, false))
            .owners
            .len();
        self.access.scroll_paths(m, total, h);
    }

    /// Enter on a step: select the principal or resource it names (the first that is neither
    /// the selection nor the row), so a group in a membership step or the scope of a role
    /// assignment is one key away; `[` comes back.
    pub(super) fn follow_step(&mut self) {
        let (w, _) = self.paths_box();
        let body = self.access.paths_body_lines(w, &Theme::new(false, false));
        let at = self.access.paths_cursor();
        let Some(Some((path, Some(step)))) = body.owners.get(at).copied() else {
            self.message = Some("highlight a step (j/k, n/N), then Enter follows it".into());
            return;
        };
        let Some(raw) = self
            .access
            .current()
            .and_then(|r| r.paths.get(path))
            .and_then(|p| p.steps.get(step))
            .map(|s| s.raw.clone())
        else {
            return;
        };
        let row_p = self.access.current().and_then(|r| r.principal);
        let row_s = self.access.current().and_then(|r| r.scope);
        let m = self.engine.model();
        let skip = |t: &Subject| {
            Some(*t) == self.subject
                || matches!(t, Subject::Principal(p) if Some(*p) == row_p)
                || matches!(t, Subject::Resource(s) if Some(*s) == row_s)
        };
        let target = raw
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| ",.;:()[]'\"".contains(c)))
            .filter(|w| w.chars().count() >= 3)
            .find_map(|w| {
                let t = match m.resolve_principal(w) {
                    Ok(p) => Subject::Principal(p),
                    Err(_) => Subject::Resource(m.resolve_resource(w).ok()?),
                };
                (!skip(&t)).then_some(t)
            });
        match target {
            Some(Subject::Principal(p)) => {
                self.reveal_principal(p);
                self.select_principal(p);
                self.message = Some("followed the step ([ comes back)".into());
            }
            Some(Subject::Resource(s)) => {
                self.reveal_resource(s);
                self.select_resource(s);
                self.message = Some("followed the step ([ comes back)".into());
            }
            None => {
                self.message =
                    Some("this step names no other principal or resource reach knows".into())
            }
        }
    }
}
