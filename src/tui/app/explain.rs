//! `e`: explain the principal × resource pair the focus and the selections name. On an Access
//! row listed for all actions, every operation the row has is explained, one after another.

use super::*;
use crate::engine::view::default_op;

impl AppState {
    /// The principal × resource pair `e` explains, from the focus and the selections.
    pub(super) fn explain_pair(&self) -> Result<(PrincipalId, ScopeId), &'static str> {
        let none =
            "select a resource (Enter in Resources), then press e on an identity or an Access row";
        match (self.focus, self.subject) {
            (Focus::Access | Focus::Paths, Some(Subject::Resource(s))) => self
                .access
                .current()
                .and_then(|r| r.principal)
                .map(|p| (p, s))
                .ok_or(none),
            (Focus::Access | Focus::Paths, Some(Subject::Principal(p))) => self
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

    pub(super) fn explain(&mut self) {
        match self.explain_pair() {
            Ok(pair) => self.explain_at(pair),
            Err(msg) => self.message = Some(msg.to_string()),
        }
    }

    /// The operation explain and fixes ask about on `s`: the chosen one, else the default.
    pub(super) fn op_for(&self, s: ScopeId) -> &'static str {
        self.action
            .unwrap_or_else(|| default_op(self.engine.model().scope(s).kind))
    }

    /// The operations to explain for the pair: the chosen one; on an Access row listed for all
    /// actions, each operation the row has (the default one when it has none).
    fn ops_to_explain(&self, (p, s): (PrincipalId, ScopeId)) -> Vec<String> {
        if self.action.is_none() && matches!(self.focus, Focus::Access | Focus::Paths) {
            if let Some(r) = self.access.current() {
                let same = r.principal.is_none_or(|q| q == p) && r.scope.is_none_or(|t| t == s);
                if same && !r.ops.is_empty() {
                    return r.ops.clone();
                }
            }
        }
        vec![self.op_for(s).to_string()]
    }

    pub(super) fn explain_at(&mut self, pair: (PrincipalId, ScopeId)) {
        let (p, s) = pair;
        let mut views = Vec::new();
        for op in self.ops_to_explain(pair) {
            match self.engine.explain(p, s, &op) {
                Ok(x) => views.push(ExplainView::of(&x, &op)),
                Err(e) => {
                    self.message = Some(show(&e.0).into_owned());
                    return;
                }
            }
        }
        let mut views = views.into_iter();
        let Some(mut v) = views.next() else {
            return;
        };
        v.also = views.collect();
        v.pair = Some(pair);
        self.popup = Some(Popup::Explain(v));
    }
}
