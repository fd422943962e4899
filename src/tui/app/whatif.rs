//! What-if in the TUI: fixes shown for a denied pair, applied as assumptions (the engine is
//! rebuilt from a clone of the loaded model), and cleared.

use super::*;

/// A what-if role assignment made in the TUI (a fix assumed with Enter). Kept by name and ARM
/// id so that it can be found again in a reloaded project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    pub principal: PrincipalId,
    /// Object id, else name (with the kind) — how the principal is found after a reload.
    pub principal_key: String,
    pub principal_kind: PrincipalKind,
    pub role: String,
    /// ARM id of the scope.
    pub scope: String,
    /// `Reader for bob@contoso.com at endpoint:ep-fraud` (escaped).
    pub label: String,
}

impl Assumption {
    /// The assignment in `m`, if its principal, role and scope all still exist there.
    pub(super) fn resolve(&self, m: &Model) -> Option<Assignment> {
        Some(Assignment {
            principal: find_principal(m, self.principal_kind, &self.principal_key)?,
            role: m.role_by_name(&self.role)?,
            scope: m.scope_by_arm(&self.scope)?,
            condition: None,
            source: crate::source::Source::Assumed,
            assumed: true,
            tenure: Default::default(),
            parsed: None,
        })
    }
}

/// How a principal is found again in a reloaded model: object id, else name.
pub(super) fn principal_key(m: &Model, p: PrincipalId) -> (PrincipalKind, String) {
    let pr = m.principal(p);
    (
        pr.kind,
        pr.object_id.clone().unwrap_or_else(|| pr.name.clone()),
    )
}

pub(super) fn find_principal(m: &Model, kind: PrincipalKind, key: &str) -> Option<PrincipalId> {
    m.principals_by_key(key)
        .iter()
        .copied()
        .find(|&p| m.principal(p).kind == kind)
}

impl AppState {
    /// `f`: the fixes popup for a denied pair, or a message saying why there is none.
    pub(super) fn open_fixes(&mut self, (p, s): (PrincipalId, ScopeId)) {
        let op = self.op_for(s);
        let x = match self.engine.explain(p, s, op) {
            Ok(x) => x,
            Err(e) => {
                self.message = Some(show(&e.0).into_owned());
                return;
            }
        };
        let who = show(&x.principal.name).into_owned();
        let what = show(&x.resource.name).into_owned();
        if x.allowed {
            self.message = Some(format!(
                "{who} can already {op} on {what}: nothing to fix (e explains)"
            ));
        } else if x.fixes.is_empty() {
            self.message = Some(format!(
                "no role assignment would let {who} {op} on {what} (a deny assignment?): e explains"
            ));
        } else {
            let title = format!("{who} {} {what} · {op}", "→");
            self.popup = Some(Popup::Fixes(FixesView::new((p, s), op, title, &x.fixes)));
        }
    }

    /// Enter in the fixes popup: assume the highlighted fix and show the pair explained again.
    pub(super) fn apply_fix(&mut self) {
        let Some(Popup::Fixes(v)) = &self.popup else {
            return;
        };
        let Some(f) = v.current() else {
            return;
        };
        let (p, s) = (v.principal, v.scope);
        let m = self.engine.model();
        let (Some(_), Some(_)) = (m.role_by_name(&f.raw_role), m.scope_by_arm(&f.scope)) else {
            self.message = Some("this fix is not a role assignment: y copies what to do".into());
            return;
        };
        let (principal_kind, principal_key) = principal_key(m, p);
        let a = Assumption {
            principal: p,
            principal_key,
            principal_kind,
            role: f.raw_role.clone(),
            scope: f.scope.clone(),
            label: format!("{} for {} at {}", f.role, f.principal, f.at),
        };
        if self.assumptions.iter().any(|b| b == &a) {
            self.message = Some(format!("already assumed: {}", a.label));
            return;
        }
        let label = a.label.clone();
        self.assumptions.push(a);
        self.rebuild();
        self.explain_at((p, s));
        self.message = Some(format!("assumed {label} (X clears)"));
    }

    /// `X`: drop every assumption.
    pub(super) fn clear_assumptions(&mut self) {
        if self.assumptions.is_empty() {
            self.message = Some("no assumptions to clear".into());
            return;
        }
        let n = self.assumptions.len();
        self.assumptions.clear();
        self.rebuild();
        self.message = Some(format!(
            "cleared {n} assumption{}",
            if n == 1 { "" } else { "s" }
        ));
    }

    /// Rebuild the engine from the loaded model plus the assumptions (what-if is applied to
    /// the model before the rules run), then refresh what shows engine results.
    pub(super) fn rebuild(&mut self) {
        let base = match self.base.take() {
            Some(b) => b,
            None => self.engine.model().clone(),
        };
        self.install(base);
        self.refresh_results();
    }

    /// Make `base` (a model without assumptions) current, with the assumptions that still
    /// resolve in it; returns the labels of those that do not (they are dropped).
    pub(super) fn install(&mut self, base: Model) -> Vec<String> {
        self.incomplete = crate::load::incomplete::of_model(&base);
        let mut dropped = Vec::new();
        let mut extra = Vec::new();
        self.assumptions.retain_mut(|a| match a.resolve(&base) {
            Some(asg) => {
                a.principal = asg.principal;
                extra.push(asg);
                true
            }
            None => {
                dropped.push(a.label.clone());
                false
            }
        });
        if extra.is_empty() {
            self.base = None;
            self.engine = Engine::new(base);
        } else {
            let mut m = base.clone();
            m.assume(extra, &[]);
            self.base = Some(base);
            self.engine = Engine::new(m);
        }
        // answers of the old engine are stale; later questions go to the new one
        self.queries.set_engine(&self.engine);
        self.access_keep = None;
        dropped
    }
}
