//! Identities: users, groups, service principals and managed identities (system-assigned ones
//! are named `workspace:W`, `compute:C`, `endpoint:E`), grouped by kind, then by name. Under
//! `--diff` each row shows how many resources it gained, lost or reaches another way, and `D`
//! lists only those rows.

use super::resources::diff_tag;
use super::{kind_tag, WIDE};
use crate::model::{Model, PrincipalId, PrincipalKind};
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
pub struct IdRow {
    pub id: PrincipalId,
    /// Escaped and redacted.
    pub name: String,
    pub kind: PrincipalKind,
}

#[derive(Debug, Default)]
pub struct IdentitiesPane {
    pub rows: Vec<IdRow>,
    pub list: Listing,
    /// The row that drives Access (after Enter).
    pub subject: Option<usize>,
    /// `--diff`: each row's counts (empty without a diff).
    pub marks: Vec<Counts>,
    /// `--diff`, `D`: only the rows with a change.
    pub changed_only: bool,
}

impl IdentitiesPane {
    pub fn new(model: &Model) -> IdentitiesPane {
        let mut rows: Vec<IdRow> = model
            .principal_ids()
            .map(|id| {
                let p = model.principal(id);
                IdRow {
                    id,
                    name: show(&p.name).into_owned(),
                    kind: p.kind,
                }
            })
            .collect();
        rows.sort_by_cached_key(|r| (r.kind, r.name.to_lowercase()));
        IdentitiesPane::from_rows(rows)
    }

    pub fn from_rows(rows: Vec<IdRow>) -> IdentitiesPane {
        let hay = rows.iter().map(|r| r.name.clone()).collect();
        IdentitiesPane {
            rows,
            list: Listing::new(hay),
            subject: None,
            marks: Vec::new(),
            changed_only: false,
        }
    }

    /// `--diff`: the counts of each row (in `rows` order), and whether to list only the rows
    /// with a change. The filter and the cursor (when still listed) stay.
    pub fn set_diff(&mut self, marks: Vec<Counts>, changed_only: bool) {
        self.marks = marks;
        self.changed_only = changed_only;
        let changed: Vec<bool> = (0..self.rows.len()).map(|i| self.changed(i)).collect();
        let base = (0..self.rows.len())
            .filter(|i| !changed_only || changed[*i])
            .collect();
        self.list.set_only(changed_only.then_some(changed));
        let keep = self.list.current();
        self.list.set_base(base, keep);
    }

    /// Whether row `i` has a change.
    pub fn changed(&self, i: usize) -> bool {
        self.marks.get(i).is_some_and(|c| !c.is_empty())
    }

    pub fn current(&self) -> Option<PrincipalId> {
        self.list.current().map(|i| self.rows[i].id)
    }

    pub fn row_of(&self, id: PrincipalId) -> Option<usize> {
        self.rows.iter().position(|r| r.id == id)
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme, focused: bool) {
        let title = if self.changed_only {
            let n = (0..self.rows.len()).filter(|i| self.changed(*i)).count();
            format!("Identities ({n} changed)")
        } else {
            format!("Identities ({})", self.rows.len())
        };
        list_pane(area, buf, theme, focused, &title, &self.list, |i, hl, w| {
            let r = &self.rows[i];
            let mut left = Vec::new();
            if self.subject == Some(i) {
                left.push(Span::styled(
                    format!("{} ", theme.glyphs.subject),
                    theme.key(),
                ));
            }
            let prefix = left.iter().map(|s| width(&s.content)).sum();
            left.extend(highlighted(
                &r.name,
                hl,
                theme.principal(r.kind),
                theme.matched(),
            ));
            let kind = Span::styled(kind_tag(r.kind, w >= WIDE), theme.kind_tag());
            let counts = self.marks.get(i).copied().unwrap_or_default();
            let tag = diff_tag(&counts, kind, prefix, &r.name, w, theme);
            with_tags(left, tag, w, theme.glyphs.ellipsis)
        });
    }
}
