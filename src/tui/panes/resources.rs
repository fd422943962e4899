//! Resources: the scope tree (subscription → resource group → workspace → its computes,
//! endpoints, deployments, datastores, connections; storage, key vault, registry), foldable.
//! While a filter is active the matches are shown flat, best first. Under `--diff` each row
//! shows how many principals gained, lost or kept access another way (`+2 -1 ~3`), and `D`
//! lists only the changed rows and the scopes above them.

use crate::model::{Model, ResKind, ScopeId};
use crate::tui::listing::Listing;
use crate::tui::marks::Counts;
use crate::tui::mask::show;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::list_pane;
use crate::tui::widgets::text::{highlighted, width, with_tags};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;

#[derive(Debug)]
pub struct ResRow {
    pub id: ScopeId,
    pub label: String,
    pub kind: ResKind,
    pub depth: usize,
    pub parent: Option<usize>,
    pub has_children: bool,
}

#[derive(Debug, Default)]
pub struct ResourcesPane {
    pub rows: Vec<ResRow>,
    pub collapsed: Vec<bool>,
    pub list: Listing,
    pub subject: Option<usize>,
    /// `--diff`: each row's counts (empty without a diff).
    pub marks: Vec<Counts>,
    /// `--diff`, `D`: only the changed rows (and the scopes above them).
    pub changed_only: bool,
}

impl ResourcesPane {
    pub fn new(model: &Model) -> ResourcesPane {
        let mut rows = Vec::new();
        let roots: Vec<ScopeId> = model
            .scope_ids()
            .filter(|s| model.scope(*s).parent.is_none())
            .collect();
        let mut stack: Vec<(ScopeId, usize, Option<usize>)> = Vec::new();
        for r in sorted(model, roots).into_iter().rev() {
            stack.push((r, 0, None));
        }
        while let Some((s, depth, parent)) = stack.pop() {
            let sc = model.scope(s);
            // the tenant root is structure, not a resource: its children start the tree
            let (row_parent, child_depth) = if sc.kind == ResKind::Root {
                (parent, depth)
            } else {
                rows.push(ResRow {
                    id: s,
                    label: show(&model.scope_label(s)).into_owned(),
                    kind: sc.kind,
                    depth,
                    parent,
                    has_children: !sc.children.is_empty(),
                });
                (Some(rows.len() - 1), depth + 1)
            };
            for c in sorted(model, sc.children.clone()).into_iter().rev() {
                stack.push((c, child_depth, row_parent));
            }
        }
        let hay = rows.iter().map(|r| r.label.clone()).collect();
        let collapsed = vec![false; rows.len()];
        ResourcesPane {
            rows,
            collapsed,
            list: Listing::new(hay),
            subject: None,
            marks: Vec::new(),
            changed_only: false,
        }
    }

    /// `--diff`: the counts of each row (in `rows` order), and whether to list only the changed
    /// rows. Folds, the filter and the cursor (when still listed) stay.
    pub fn set_diff(&mut self, marks: Vec<Counts>, changed_only: bool) {
        self.marks = marks;
        self.changed_only = changed_only;
        let only = changed_only.then(|| (0..self.rows.len()).map(|i| self.changed(i)).collect());
        self.list.set_only(only);
        let keep = self.list.current();
        self.refresh(keep);
    }

    /// Whether row `i` has a change of its own.
    pub fn changed(&self, i: usize) -> bool {
        self.marks.get(i).is_some_and(|c| !c.is_empty())
    }

    /// Rows listed when only changes are: the changed ones and every scope above them.
    fn kept(&self) -> Vec<bool> {
        let mut keep: Vec<bool> = (0..self.rows.len()).map(|i| self.changed(i)).collect();
        // parents come before their children: one pass from the end carries a mark upwards
        for i in (0..self.rows.len()).rev() {
            if let (true, Some(p)) = (keep[i], self.rows[i].parent) {
                keep[p] = true;
            }
        }
        keep
    }

    pub fn current(&self) -> Option<ScopeId> {
        self.list.current().map(|i| self.rows[i].id)
    }

    pub fn row_of(&self, id: ScopeId) -> Option<usize> {
        self.rows.iter().position(|r| r.id == id)
    }

    /// Fold (`Some(true)`), unfold (`Some(false)`) or toggle (`None`) the row under the cursor.
    /// Folding a leaf or a folded row moves to its parent.
    pub fn fold(&mut self, fold: Option<bool>) {
        if self.list.filter.is_active() {
            return;
        }
        let Some(i) = self.list.current() else {
            return;
        };
        let want = fold.unwrap_or(!self.collapsed[i]);
        if want && (!self.rows[i].has_children || self.collapsed[i]) {
            if let Some(p) = self.rows[i].parent {
                self.list.reveal(p);
            }
            return;
        }
        if self.rows[i].has_children {
            self.collapsed[i] = want;
            self.refresh(Some(i));
        }
    }

    /// Fold exactly the rows whose scope `folded` says (after a reload), keeping the cursor.
    pub fn set_folded(&mut self, folded: impl Fn(ScopeId) -> bool) {
        for (i, r) in self.rows.iter().enumerate() {
            self.collapsed[i] = r.has_children && folded(r.id);
        }
        let keep = self.list.current();
        self.refresh(keep);
    }

    /// Unfold every ancestor of `row` so that it can be shown.
    pub fn unfold_to(&mut self, row: usize) {
        let mut p = self.rows[row].parent;
        while let Some(i) = p {
            self.collapsed[i] = false;
            p = self.rows[i].parent;
        }
        self.refresh(Some(row));
    }

    fn refresh(&mut self, keep: Option<usize>) {
        let mut base = Vec::with_capacity(self.rows.len());
        let mut hide_below: Option<usize> = None;
        let listed = self.changed_only.then(|| self.kept());
        for (i, r) in self.rows.iter().enumerate() {
            if listed.as_ref().is_some_and(|k| !k[i]) {
                // nothing below it is listed either
                continue;
            }
            if let Some(d) = hide_below {
                if r.depth > d {
                    continue;
                }
                hide_below = None;
            }
            base.push(i);
            if self.collapsed[i] {
                hide_below = Some(r.depth);
            }
        }
        self.list.set_base(base, keep);
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme, focused: bool) {
        let title = if self.changed_only {
            let n = (0..self.rows.len()).filter(|i| self.changed(*i)).count();
            format!("Resources ({n} changed)")
        } else {
            format!("Resources ({})", self.rows.len())
        };
        let flat = self.list.filter.is_active();
        list_pane(area, buf, theme, focused, &title, &self.list, |i, hl, w| {
            let r = &self.rows[i];
            let mut left = Vec::new();
            if !flat {
                let fold = match (r.has_children, self.collapsed[i]) {
                    (false, _) => " ",
                    (true, false) => theme.glyphs.open,
                    (true, true) => theme.glyphs.closed,
                };
                let indent = " ".repeat(r.depth.min(6));
                left.push(Span::raw(format!("{indent}{fold} ")));
            }
            if self.subject == Some(i) {
                left.push(Span::styled(
                    format!("{} ", theme.glyphs.subject),
                    theme.key(),
                ));
            }
            let prefix = left.iter().map(|s| width(&s.content)).sum();
            left.extend(highlighted(&r.label, hl, theme.resource(), theme.matched()));
            let kind = Span::styled(r.kind.word(), theme.kind_tag());
            let counts = self.marks.get(i).copied().unwrap_or_default();
            let tag = diff_tag(&counts, kind, prefix, &r.label, w, theme);
            with_tags(left, tag, w, theme.glyphs.ellipsis)
        });
    }
}

/// A row's right-hand tag: the `--diff` counts (when any) before the kind, which gives way
/// first when the row is narrow: the name (after `prefix` columns) keeps up to 10 columns.
pub fn diff_tag(
    counts: &Counts,
    kind: Span<'static>,
    prefix: usize,
    name: &str,
    w: usize,
    theme: &Theme,
) -> Vec<Span<'static>> {
    if counts.is_empty() {
        return vec![kind];
    }
    let mut tag = counts.spans(theme);
    let name = width(name);
    let full = width(&counts.text()) + 1 + width(&kind.content);
    if w > prefix + name.min(10) + full {
        tag.push(Span::raw(" "));
        tag.push(kind);
    }
    tag
}

/// Children in a stable, readable order: by kind, then name.
fn sorted(model: &Model, mut ids: Vec<ScopeId>) -> Vec<ScopeId> {
    ids.sort_by_cached_key(|s| {
        let sc = model.scope(*s);
        (sc.kind, model.scope_label(*s).to_lowercase())
    });
    ids
}
