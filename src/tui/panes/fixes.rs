//! The fixes popup: for a denied principal × resource pair, the least-privilege role
//! assignments that would allow it (`Explanation.fixes`). Enter assumes one (what-if), `y`
//! copies its `az` command.

use crate::engine::Fix;
use crate::model::{PrincipalId, ScopeId};
use crate::tui::cursor::Cursor;
use crate::tui::mask::show;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{popup, scrolled_lines};
use crate::tui::widgets::text::wrap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// One fix, escaped for display; `command` is the raw command (copied redacted).
#[derive(Clone, Debug)]
pub struct FixView {
    /// The role name as the engine has it (for resolving); `role` is escaped for display.
    pub raw_role: String,
    pub role: String,
    pub at: String,
    pub scope: String,
    pub principal: String,
    pub grants_also: String,
    pub command: String,
}

impl FixView {
    pub fn of(f: &Fix) -> FixView {
        FixView {
            raw_role: f.role.clone(),
            role: show(&f.role).into_owned(),
            at: show(&f.at).into_owned(),
            scope: f.scope.clone(),
            principal: show(&f.principal).into_owned(),
            grants_also: show(&f.grants_also).into_owned(),
            command: f.command.clone(),
        }
    }
}

#[derive(Debug)]
pub struct FixesView {
    pub principal: PrincipalId,
    pub scope: ScopeId,
    pub op: String,
    /// `alice → ep-fraud · score`.
    pub title: String,
    pub fixes: Vec<FixView>,
    pub cursor: Cursor,
}

impl FixesView {
    pub fn new(pair: (PrincipalId, ScopeId), op: &str, title: String, fixes: &[Fix]) -> FixesView {
        let mut cursor = Cursor::default();
        cursor.set_height(fixes.len(), fixes.len());
        FixesView {
            principal: pair.0,
            scope: pair.1,
            op: op.to_string(),
            title,
            fixes: fixes.iter().map(FixView::of).collect(),
            cursor,
        }
    }

    pub fn current(&self) -> Option<&FixView> {
        self.fixes.get(self.cursor.selected)
    }

    /// All lines for `width` columns, and the first line of each fix.
    pub fn lines(&self, width: usize, theme: &Theme) -> (Vec<Line<'static>>, Vec<usize>) {
        let mut out = wrap(
            vec![Span::styled(
                "Least privilege first. Enter assumes the fix (what-if, nothing is changed); y copies its command.",
                theme.dim(),
            )],
            width,
            0,
            theme.glyphs.ellipsis,
        );
        out.push(Line::default());
        let mut starts = Vec::new();
        for (i, f) in self.fixes.iter().enumerate() {
            let sel = i == self.cursor.selected;
            starts.push(out.len());
            let mark = if sel { theme.glyphs.cursor } else { " " };
            let head = theme.selected(sel).patch(theme.key());
            let mut first = wrap(
                vec![
                    Span::styled(format!("{mark} {}. ", i + 1), theme.key()),
                    Span::styled(f.role.clone(), if sel { head } else { theme.role() }),
                    Span::styled(" at ", theme.text()),
                    Span::styled(f.at.clone(), theme.resource()),
                ],
                width,
                5,
                theme.glyphs.ellipsis,
            );
            out.append(&mut first);
            out.extend(wrap(
                vec![Span::styled(
                    format!("     grants also: {}", f.grants_also),
                    theme.dim(),
                )],
                width,
                18,
                theme.glyphs.ellipsis,
            ));
            out.extend(wrap(
                vec![Span::styled(
                    format!("     $ {}", show(&f.command)),
                    theme.source(),
                )],
                width,
                9,
                theme.glyphs.ellipsis,
            ));
        }
        (out, starts)
    }

    /// The first line to show so the selected fix is in view of `h` lines.
    fn scroll(&self, starts: &[usize], total: usize, h: usize) -> usize {
        let at = starts.get(self.cursor.selected).copied().unwrap_or(0);
        let end = starts
            .get(self.cursor.selected + 1)
            .copied()
            .unwrap_or(total);
        if end <= h {
            0
        } else {
            (end - h).min(at)
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let r = popup(area, buf, 100, 30);
        let w = r.width.saturating_sub(4) as usize;
        let (ls, starts) = self.lines(w, theme);
        let h = r.height.saturating_sub(2) as usize;
        let title = format!("Fixes: {}", self.title);
        let scroll = self.scroll(&starts, ls.len(), h);
        scrolled_lines(r, buf, theme, &title, &ls, scroll);
    }
}
