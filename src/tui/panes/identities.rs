//! Identities: users, groups, service principals and managed identities (system-assigned ones
//! are named `workspace:W`, `compute:C`, `endpoint:E`), grouped by kind, then by name.

use super::{kind_tag, WIDE};
use crate::model::{Model, PrincipalId, PrincipalKind};
use crate::tui::listing::Listing;
use crate::tui::mask::show;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::list_pane;
use crate::tui::widgets::text::{highlighted, with_tag};
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
        }
    }

    pub fn current(&self) -> Option<PrincipalId> {
        self.list.current().map(|i| self.rows[i].id)
    }

    pub fn row_of(&self, id: PrincipalId) -> Option<usize> {
        self.rows.iter().position(|r| r.id == id)
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme, focused: bool) {
        let title = format!("Identities ({})", self.rows.len());
        list_pane(area, buf, theme, focused, &title, &self.list, |i, hl, w| {
            let r = &self.rows[i];
            let mut left = Vec::new();
            if self.subject == Some(i) {
                left.push(Span::styled(
                    format!("{} ", theme.glyphs.subject),
                    theme.key(),
                ));
            }
            left.extend(highlighted(
                &r.name,
                hl,
                theme.principal(r.kind),
                theme.matched(),
            ));
            let tag = Span::styled(kind_tag(r.kind, w >= WIDE), theme.kind_tag());
            with_tag(left, tag, w, theme.glyphs.ellipsis)
        });
    }
}
