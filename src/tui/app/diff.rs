//! `--diff OLD NEW` in the TUI: the engine's diff of the loaded project (NEW) against OLD,
//! placed on NEW's resources and principals so that the panes can mark their rows, and `D`,
//! which lists only what changed. The diff is computed when the mode starts and again after
//! each reload of NEW (`r`, `--watch`), always without the what-if assumptions (their paths
//! are marked `≈` as usual). The app never works out access itself: it only sorts the
//! engine's changes by row.

use super::*;
use crate::engine::diff::{self, Change, Diff};
use crate::tui::marks::{Counts, Mark, RowDiff};
use crate::tui::panes::access::AccessRow;
use crate::tui::widgets::path_view::PathView;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One change of the diff and where it lands in NEW.
#[derive(Clone, Copy, Debug)]
struct Placed {
    mark: Mark,
    /// Index in the diff's list for `mark`.
    index: usize,
    scope: Option<ScopeId>,
    principal: Option<PrincipalId>,
}

/// The diff mode's state.
pub struct DiffMode {
    /// OLD, loaded once.
    old: Engine,
    /// OLD as named on the command line (raw: escaped when shown).
    pub old_label: String,
    pub diff: Diff,
    placed: Vec<Placed>,
    /// Per resource of NEW: how many principals gained, lost, reach it another way.
    pub by_scope: HashMap<ScopeId, Counts>,
    /// Per principal of NEW: how many resources it gained, lost, reaches another way.
    pub by_principal: HashMap<PrincipalId, Counts>,
    /// Changes on resources NEW does not have (no row to mark; `reach diff` lists them).
    pub unplaced: usize,
    /// Load problems of OLD (NEW's are in the findings).
    pub old_load_errors: usize,
    /// `D`: the lists show only what changed.
    pub changed_only: bool,
}

impl DiffMode {
    fn new(old: Engine, old_label: &str, new: &mut Engine) -> DiffMode {
        let old_load_errors = old
            .lint()
            .iter()
            .filter(|f| f.rule == "LOAD" && f.severity == Severity::Error)
            .count();
        let mut d = DiffMode {
            old,
            old_label: old_label.to_string(),
            diff: Diff {
                gained: Vec::new(),
                eligible_gained: Vec::new(),
                lost: Vec::new(),
                changed: Vec::new(),
                findings_added: Vec::new(),
                findings_resolved: Vec::new(),
            },
            placed: Vec::new(),
            by_scope: HashMap::new(),
            by_principal: HashMap::new(),
            unplaced: 0,
            old_load_errors,
            changed_only: false,
        };
        d.compute(new);
        d
    }

    /// Ask the engine for the diff of `new` against OLD, and place each change on NEW.
    fn compute(&mut self, new: &mut Engine) {
        self.diff = diff::diff_snapshots(&mut self.old, new);
        // latent access gained is access gained here: the rows of NEW carry its mark
        let eligible = std::mem::take(&mut self.diff.eligible_gained);
        self.diff.gained.extend(eligible);
        let m = new.model();
        let mut placed = Vec::new();
        for mark in Mark::ALL {
            for (index, c) in self.list(mark).iter().enumerate() {
                placed.push(Placed {
                    mark,
                    index,
                    scope: c.resource_in(m),
                    principal: c.principal_in(m),
                });
            }
        }
        self.placed = placed;
        // counts of distinct principals per resource and resources per principal
        let mut seen = HashSet::new();
        self.by_scope.clear();
        self.by_principal.clear();
        self.unplaced = 0;
        for p in &self.placed {
            let c = self.change(p);
            let who = (c.principal.name.to_ascii_lowercase(), c.principal.kind);
            let Some(s) = p.scope else {
                self.unplaced += 1;
                continue;
            };
            if seen.insert((p.mark, Some(s), None, who.clone())) {
                self.by_scope.entry(s).or_default().add(p.mark);
            }
            if let Some(pid) = p.principal {
                if seen.insert((p.mark, Some(s), Some(pid), who)) {
                    self.by_principal.entry(pid).or_default().add(p.mark);
                }
            }
        }
    }

    fn list(&self, m: Mark) -> &[Change] {
        match m {
            Mark::Gained => &self.diff.gained,
            Mark::Lost => &self.diff.lost,
            Mark::Changed => &self.diff.changed,
        }
    }

    fn change(&self, p: &Placed) -> &Change {
        &self.list(p.mark)[p.index]
    }

    /// `diff: 7 gained, 0 lost, 14 changed, 0 findings added, 0 resolved vs`, or when `short`
    /// `diff +7 -0 ~14, findings +0 -0 vs` (the status line adds OLD).
    pub fn counts_text(&self, short: bool) -> String {
        let d = &self.diff;
        let (g, l, c) = (d.gained.len(), d.lost.len(), d.changed.len());
        let (fa, fr) = (d.findings_added.len(), d.findings_resolved.len());
        if short {
            format!("diff +{g} -{l} ~{c}, findings +{fa} -{fr} vs")
        } else {
            format!(
                "diff: {g} gained, {l} lost, {c} changed, {fa} findings added, {fr} resolved vs"
            )
        }
    }

    /// OLD for the screen: escaped (and masked under `--mask-names`).
    pub fn old_shown(&self) -> String {
        show(&self.old_label).into_owned()
    }

    /// What changed for the rows of an Access list about `subject` (only `op` when one is
    /// chosen): one entry per principal (a resource's list) or resource (a principal's list),
    /// with the change that names it.
    fn for_subject(&self, subject: Subject, op: Option<&str>) -> Vec<(RowDiff, Placed)> {
        let mut groups: BTreeMap<String, (RowDiff, Placed)> = BTreeMap::new();
        for p in &self.placed {
            let c = self.change(p);
            if op.is_some_and(|o| o != c.action) {
                continue;
            }
            let key = match subject {
                Subject::Resource(s) if p.scope == Some(s) => format!(
                    "{}\u{0}{}",
                    c.principal.name.to_ascii_lowercase(),
                    crate::model::principal::kind_word(c.principal.kind)
                ),
                Subject::Principal(pid) if p.principal == Some(pid) => {
                    c.resource.id.to_ascii_lowercase()
                }
                _ => continue,
            };
            let (rd, _) = groups
                .entry(key)
                .or_insert_with(|| (RowDiff::default(), *p));
            let word = c.action.clone();
            if !rd.ops(p.mark).contains(&word) {
                rd.ops_mut(p.mark).push(word);
            }
            let gone = match p.mark {
                Mark::Gained => None,
                Mark::Lost => c.path.as_ref(),
                Mark::Changed => c.gone_path.as_ref(),
            };
            if let Some(path) = gone {
                let mut path = path.clone();
                path.action = Some(c.action.clone());
                rd.gone.push(PathView::of(&path));
            }
        }
        groups.into_values().collect()
    }
}

impl AppState {
    /// `--diff`: compare the loaded project (NEW) with OLD through the engine, mark the lists,
    /// and say how to narrow them. `old_label` is how OLD is named on screen.
    pub fn load_diff(&mut self, old: Engine, old_label: &str) {
        // the snapshot as loaded: without what-if assumptions
        let mut dm = match &self.base {
            Some(b) => DiffMode::new(old, old_label, &mut Engine::new(b.clone())),
            None => DiffMode::new(old, old_label, &mut self.engine),
        };
        dm.changed_only = self.diff.as_ref().is_some_and(|d| d.changed_only);
        let mut msg = String::from("+ gained  - lost  ~ reached another way · D lists only that");
        if dm.old_load_errors > 0 {
            msg.push_str(&format!(
                " · OLD: {} file problem{} (reach lint -p OLD)",
                dm.old_load_errors,
                if dm.old_load_errors == 1 { "" } else { "s" }
            ));
        }
        if dm.unplaced > 0 {
            msg.push_str(&format!(
                " · {} change{} on resources NEW lacks (reach diff lists them)",
                dm.unplaced,
                if dm.unplaced == 1 { "" } else { "s" }
            ));
        }
        self.diff = Some(dm);
        self.mark_lists();
        self.refresh_results();
        self.message = Some(msg);
    }

    /// After NEW was reloaded: compare it with OLD again (without the assumptions).
    pub(super) fn recompute_diff(&mut self) {
        let Some(dm) = self.diff.as_mut() else {
            return;
        };
        match &self.base {
            Some(b) => dm.compute(&mut Engine::new(b.clone())),
            None => dm.compute(&mut self.engine),
        }
    }

    /// Give Resources and Identities their counts (after the diff or the lists changed).
    pub(super) fn mark_lists(&mut self) {
        let Some(dm) = &self.diff else {
            return;
        };
        let res = self
            .resources
            .rows
            .iter()
            .map(|r| dm.by_scope.get(&r.id).copied().unwrap_or_default())
            .collect();
        self.resources.set_diff(res, dm.changed_only);
        let ids = self
            .identities
            .rows
            .iter()
            .map(|r| dm.by_principal.get(&r.id).copied().unwrap_or_default())
            .collect();
        self.identities.set_diff(ids, dm.changed_only);
    }

    /// `D`: only what changed in Resources and Identities, or everything again.
    pub(super) fn toggle_changed_only(&mut self) {
        let Some(dm) = self.diff.as_mut() else {
            self.message =
                Some("D lists only what changed under --diff (reach --diff OLD NEW)".into());
            return;
        };
        dm.changed_only = !dm.changed_only;
        let on = dm.changed_only;
        self.mark_lists();
        self.relayout();
        self.message = Some(if on {
            "listing only what changed since OLD (D lists everything)".into()
        } else {
            "listing everything (D lists only what changed)".into()
        });
    }

    /// Access rows about the subject: mark what changed and add the rows only OLD has (lost
    /// access, shown with the path that is gone).
    pub(super) fn mark_access(&mut self) {
        let (Some(dm), Some(subject)) = (&self.diff, self.subject) else {
            return;
        };
        let mut lost = Vec::new();
        for (rd, p) in dm.for_subject(subject, self.action) {
            let row = self.access.rows.iter_mut().find(|r| match subject {
                Subject::Resource(_) => p.principal.is_some() && r.principal == p.principal,
                Subject::Principal(_) => p.scope.is_some() && r.scope == p.scope,
            });
            if let Some(r) = row {
                r.diff = Some(rd);
                continue;
            }
            if rd.lost.is_empty() {
                continue;
            }
            let c = dm.change(&p);
            let (name, kind, tag) = match subject {
                Subject::Resource(_) => (&c.principal.name, Some(c.principal.kind), String::new()),
                Subject::Principal(_) => (&c.resource.name, None, c.resource.kind.word().into()),
            };
            lost.push(AccessRow {
                name: show(name).into_owned(),
                kind,
                tag,
                ops: rd.lost.clone(),
                actions: rd.lost.join(" "),
                paths: Vec::new(),
                more: 0,
                principal: p.principal.filter(|_| kind.is_some()),
                scope: p.scope.filter(|_| kind.is_none()),
                assumed: false,
                latent: None,
                conditional: false,
                pending: Vec::new(),
                diff: Some(rd),
            });
        }
        self.access.mark_diff(lost);
    }

    /// The findings pane: under `--diff`, those NEW added marked and those it resolved listed.
    pub(super) fn findings_pane(&self) -> FindingsPane {
        let fs = self.with_policy_findings(self.engine.lint());
        let Some(dm) = &self.diff else {
            return FindingsPane::new(&fs);
        };
        let added: HashSet<_> = dm
            .diff
            .findings_added
            .iter()
            .map(diff::finding_key)
            .collect();
        let marks: Vec<bool> = fs
            .iter()
            .map(|f| added.contains(&diff::finding_key(f)))
            .collect();
        FindingsPane::with_diff(&fs, &marks, &dm.diff.findings_resolved)
    }
}
