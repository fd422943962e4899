//! Reloading the project from disk (`r`, `--watch`): the new model is swapped in and focus,
//! filters, cursors, the subject and assumptions survive.

use super::*;

impl AppState {
    /// `r` (and `--watch`): load the project again from disk.
    pub(super) fn reload(&mut self) {
        let Some(path) = self.source.clone() else {
            self.message = Some("the demo project is built in: nothing to reload".into());
            return;
        };
        match crate::load::load_path(&path, &crate::load::Limits::configured()) {
            Ok(raw) => {
                let m = crate::model::build(raw);
                // --mask-names: names new in this load get pseudonyms too
                crate::mask::observe(&m);
                crate::tui::mask::refresh();
                self.replace_model(m)
            }
            Err(e) => {
                self.message = Some(format!(
                    "reload failed, kept what was loaded: {}",
                    show(&e.to_string())
                ))
            }
        }
    }

    /// Swap in a freshly loaded model. Focus, filters, cursors, folds, the subject and the
    /// chosen action survive (found again by ARM id and principal id or name); assumptions are
    /// re-applied, and those that no longer resolve are dropped with a message.
    pub fn replace_model(&mut self, new: Model) {
        let old = self.engine.model();
        let scope_arm = |s: ScopeId| old.scope(s).id.to_string();
        let subject = self.subject.map(|sub| match sub {
            Subject::Resource(s) => Ok(scope_arm(s)),
            Subject::Principal(p) => Err(principal_key(old, p)),
        });
        let last_resource = self.last_resource.map(scope_arm);
        let last_principal = self.last_principal.map(|p| principal_key(old, p));
        let id_cur = self.identities.current().map(|p| principal_key(old, p));
        let res_cur = self.resources.current().map(scope_arm);
        let folded: std::collections::HashSet<String> = self
            .resources
            .rows
            .iter()
            .zip(&self.resources.collapsed)
            .filter(|(_, c)| **c)
            .map(|(r, _)| old.scope(r.id).id.norm().to_string())
            .collect();
        let id_kept = Kept::of(&self.identities.list);
        let res_kept = Kept::of(&self.resources.list);
        let load_errors_before = self.load_errors();

        let dropped = self.install(new);
        // --diff: NEW changed, so compare it with OLD again
        self.recompute_diff();
        let m = self.engine.model();
        let find_scope = |arm: &str| m.scope_by_arm(arm);
        let find_p = |(k, key): &(PrincipalKind, String)| find_principal(m, *k, key);
        let subject = subject.and_then(|s| match s {
            Ok(arm) => find_scope(&arm).map(Subject::Resource),
            Err(pk) => find_p(&pk).map(Subject::Principal),
        });
        self.last_resource = last_resource.as_deref().and_then(find_scope);
        self.last_principal = last_principal.as_ref().and_then(find_p);
        let id_row = id_cur.as_ref().and_then(find_p);
        let res_row = res_cur.as_deref().and_then(find_scope);

        self.identities = IdentitiesPane::new(m);
        self.resources = ResourcesPane::new(m);
        self.resources
            .set_folded(|s| folded.contains(m.scope(s).id.norm()));
        self.mark_lists();
        self.relayout();
        let id_row = id_row.and_then(|p| self.identities.row_of(p));
        id_kept.restore(&mut self.identities.list, id_row);
        let res_row = res_row.and_then(|s| self.resources.row_of(s));
        res_kept.restore(&mut self.resources.list, res_row);

        let lost_subject = self.subject.is_some() && subject.is_none();
        self.subject = subject;
        if lost_subject {
            self.edges = EdgesPane::default();
            self.access = AccessPane::new();
        }
        self.refresh_results();
        if matches!(self.popup, Some(Popup::Explain(_) | Popup::Fixes(_))) {
            self.popup = None;
        }

        let mut msg = format!("reloaded {}", self.project);
        let errors = self.load_errors();
        if errors > 0 {
            msg.push_str(&format!(
                " · {errors} file problem{} (F)",
                if errors == 1 { "" } else { "s" }
            ));
        } else if load_errors_before > 0 {
            msg.push_str(" · file problems fixed");
        }
        if lost_subject {
            msg.push_str(" · the selection is gone");
        }
        if !dropped.is_empty() {
            msg.push_str(&format!(" · dropped assumption: {}", dropped.join("; ")));
        }
        self.message = Some(msg);
    }

    /// Load problems (files that could not be read or parsed) among the findings (not those
    /// `--diff` lists as resolved).
    pub fn load_errors(&self) -> usize {
        self.findings
            .present()
            .filter(|f| f.rule == "LOAD" && f.severity == Severity::Error)
            .count()
    }
}
