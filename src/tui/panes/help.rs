//! The help popup, generated from the key table (the same one that maps keys and builds the
//! hint line), plus a legend of the glyphs.

use crate::tui::keymap::help_sections;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{popup, scrolled_lines};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

#[derive(Debug, Default)]
pub struct HelpView {
    pub scroll: usize,
}

impl HelpView {
    pub fn lines(theme: &Theme) -> Vec<Line<'static>> {
        let g = &theme.glyphs;
        let mut out = Vec::new();
        for (title, rows) in help_sections() {
            out.push(Line::from(Span::styled(title, theme.heading())));
            for (keys, help) in rows {
                out.push(Line::from(vec![
                    Span::styled(format!("  {keys:<14}"), theme.key()),
                    Span::raw(help),
                ]));
            }
        }
        out.push(Line::from(Span::styled("Legend", theme.heading())));
        for (glyph, meaning) in [
            (g.cursor, "cursor (reverse video in the focused pane)"),
            (g.subject, "selected: Access and Role edges show it"),
            (
                g.inherited,
                "role edge inherited from a parent scope or a group",
            ),
            (g.yes, "allowed"),
            (g.no, "not allowed (explain shows why not)"),
            (
                g.assumed,
                "depends on a what-if assumption (f, Enter; X clears)",
            ),
            (
                g.latent,
                "latent: only after activating a PIM-eligible role (--latent)",
            ),
            (
                g.conditional,
                "conditional: only if the request meets an ABAC condition",
            ),
        ] {
            out.push(Line::from(vec![
                Span::styled(format!("  {glyph:<14}"), theme.key()),
                Span::raw(meaning),
            ]));
        }
        out.push(Line::raw(
            "  U G SP MI      user, group, service principal, managed identity",
        ));
        out.push(Line::raw(
            "  + - ~          --diff: access gained, lost, reached another way since OLD",
        ));
        out.push(Line::from(Span::styled(
            "Access columns (operations as the CLI names them)",
            theme.heading(),
        )));
        let ops = crate::engine::action::OPERATIONS;
        for pair in ops.chunks(2) {
            let cell = |o: &str| format!("  {}  {o:<24}", crate::tui::panes::access::code(o));
            let text: String = pair.iter().map(|o| cell(o)).collect();
            out.push(Line::raw(text.trim_end().to_string()));
        }
        out
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let lines = Self::lines(theme);
        let r = popup(area, buf, 84, lines.len() as u16 + 2);
        scrolled_lines(r, buf, theme, "Help · Esc or q closes", &lines, self.scroll);
    }
}
