//! `--policy FILE`: the policy is checked against the loaded engine, and again whenever the engine
//! changes (reload, what-if, `--diff` recompute: `refresh_results`). Each principal that breaks
//! a rule is a finding (rule `POLICY`, at the rule's line; Enter selects the resource), and is
//! marked `!` in Access while Access shows that resource (or, for an identity, that resource's
//! row). A policy that no longer resolves after a reload is one error finding with its line.
//! Fixes are not computed here (each is a what-if); `reach check` prints them.

use super::{AppState, Subject};
use crate::finding::{Finding, Severity};
use crate::model::{PrincipalId, ScopeId};
use crate::policy::{self, eval::Report};
use crate::source::Source;
use std::sync::Arc;

/// The policy file and what it found on the current engine.
#[derive(Debug, Default)]
pub struct PolicyMode {
    /// The file as named on the command line.
    pub file: String,
    text: String,
    pub report: Option<Report>,
    /// The file does not resolve against the current model (after a reload).
    pub error: Option<(u32, String)>,
    /// Principals that break a rule on each resource.
    offenders: Vec<(ScopeId, PrincipalId)>,
}

impl AppState {
    /// Start checking `text` (the policy file `file`) on every engine this app gets.
    pub fn set_policy(&mut self, file: &str, text: String) {
        self.policy = Some(PolicyMode {
            file: file.to_string(),
            text,
            ..PolicyMode::default()
        });
        self.refresh_results();
        if let Some(r) = self.policy.as_ref().and_then(|p| p.report.as_ref()) {
            self.message = Some(format!(
                "policy {}: {} of {} rule(s) failed{}",
                crate::tui::mask::show(file),
                r.failed,
                r.rules.len(),
                if r.failed > 0 { " (F)" } else { "" }
            ));
        }
    }

    /// Check the policy on the current engine.
    pub(super) fn recheck_policy(&mut self) {
        let Some(pm) = self.policy.as_mut() else {
            return;
        };
        pm.report = None;
        pm.error = None;
        pm.offenders.clear();
        let checked = policy::parse::parse(&pm.text, &pm.file, self.engine.model())
            .map_err(|es| es.into_iter().next())
            .and_then(|p| policy::eval::evaluate_with(&self.engine, &p, false).map_err(Some));
        match checked {
            Ok(r) => {
                for v in r.rules.iter().flat_map(|x| &x.violations) {
                    if let Some(s) = self.engine.model().scope_by_arm(&v.resource.id) {
                        if !v.paths.is_empty() {
                            pm.offenders.push((s, v.principal.pid));
                        }
                    }
                }
                pm.report = Some(r);
            }
            Err(e) => {
                pm.error = e.map(|e| (e.line, e.message));
            }
        }
    }

    /// The engine's findings with the policy's, in the findings' order.
    pub(super) fn with_policy_findings(&self, mut fs: Vec<Finding>) -> Vec<Finding> {
        if self.policy.is_some() {
            fs.extend(self.policy_findings());
            fs.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        }
        fs
    }

    /// The policy's findings: one per principal that breaks a rule (or the error that stops the
    /// check), and one note when every rule passes.
    fn policy_findings(&self) -> Vec<Finding> {
        let Some(pm) = &self.policy else {
            return Vec::new();
        };
        let file: Arc<str> = Arc::from(pm.file.as_str());
        let at = |line: u32| Source::line(&file, line.max(1));
        if let Some((line, msg)) = &pm.error {
            let m = format!("policy {}: {msg}; not checked", pm.file);
            return vec![Finding::new(
                "POLICY",
                Severity::Error,
                m,
                pm.file.clone(),
                at(*line),
            )];
        }
        let Some(r) = &pm.report else {
            return Vec::new();
        };
        if r.failed == 0 {
            let m = format!("policy: all {} rule(s) pass", r.rules.len());
            return vec![Finding::new(
                "POLICY",
                Severity::Info,
                m,
                pm.file.clone(),
                at(0),
            )];
        }
        let mut out = Vec::new();
        for rule in r.rules.iter().filter(|x| !x.passed) {
            for v in &rule.violations {
                let what = v
                    .operation
                    .as_deref()
                    .map_or_else(|| v.actions.join(", "), crate::engine::short_action);
                let m = format!(
                    "rule '{}' fails: {} → {what} on {} {}: {}",
                    rule.name,
                    v.principal.name,
                    v.resource.kind.word(),
                    v.resource.name,
                    v.why
                );
                out.push(Finding::new(
                    "POLICY",
                    Severity::Error,
                    m,
                    v.resource.id.clone(),
                    at(rule.line),
                ));
            }
        }
        out
    }

    /// Mark the Access rows that break a rule for the current subject.
    pub(super) fn mark_policy(&mut self) {
        let Some(pm) = &self.policy else {
            return;
        };
        self.access.flagged = match self.subject {
            Some(Subject::Resource(s)) => pm
                .offenders
                .iter()
                .filter(|(r, _)| *r == s)
                .map(|(_, p)| (Some(*p), None))
                .collect(),
            Some(Subject::Principal(p)) => pm
                .offenders
                .iter()
                .filter(|(_, q)| *q == p)
                .map(|(s, _)| (None, Some(*s)))
                .collect(),
            None => Vec::new(),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;

    const POLICY: &str = "reach-policy: 1\nrules:\n  - name: ci never writes the data\n    principal: sp-cicd\n    cannot: [{resource: storage:stdata, action: write-blobs}]\n";

    fn app() -> AppState {
        let e = Engine::new(crate::model::build(crate::demo::load()));
        AppState::new(e, 120, 40)
    }

    #[test]
    fn failing_rules_are_findings_and_offenders_are_flagged() {
        let mut a = app();
        a.set_policy("p.yaml", POLICY.into());
        let rows: Vec<_> = a
            .findings
            .rows
            .iter()
            .filter(|r| r.rule == "POLICY")
            .collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].source, "p.yaml:3");
        assert!(rows[0]
            .message
            .contains("rule 'ci never writes the data' fails: sp-cicd"));
        assert!(a
            .message
            .as_deref()
            .unwrap_or("")
            .contains("1 of 1 rule(s) failed"));
        let m = a.engine().model();
        let (stdata, sp) = (
            m.resolve_resource("storage:stdata").unwrap(),
            m.resolve_principal("sp-cicd").unwrap(),
        );
        a.select_resource(stdata);
        assert_eq!(a.access.flagged, [(Some(sp), None)]);
        a.select_principal(sp);
        assert_eq!(a.access.flagged, [(None, Some(stdata))]);
        let kv = a
            .engine()
            .model()
            .resolve_resource("keyvault:kv-main")
            .unwrap();
        a.select_resource(kv);
        assert!(a.access.flagged.is_empty());
    }

    #[test]
    fn a_passing_policy_is_one_note_and_flags_nobody() {
        let mut a = app();
        a.set_policy("p.yaml", POLICY.replace("stdata", "stlake"));
        let rows: Vec<_> = a
            .findings
            .rows
            .iter()
            .filter(|r| r.rule == "POLICY")
            .collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].severity, Severity::Info);
        let stlake = a
            .engine()
            .model()
            .resolve_resource("storage:stlake")
            .unwrap();
        a.select_resource(stlake);
        assert!(a.access.flagged.is_empty());
    }

    #[test]
    fn a_policy_that_no_longer_resolves_is_an_error_finding() {
        let mut a = app();
        a.set_policy("p.yaml", POLICY.replace("sp-cicd", "sp-gone"));
        let rows: Vec<_> = a
            .findings
            .rows
            .iter()
            .filter(|r| r.rule == "POLICY")
            .collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].severity, Severity::Error);
        assert_eq!(rows[0].source, "p.yaml:4");
        assert!(rows[0].message.contains("unknown reference 'sp-gone'"));
    }
}
