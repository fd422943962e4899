//! The explain popup: can this principal perform the action on this resource? Every path, or
//! what is missing (why_not), plus notes. Also the plain text that `y` copies.

use crate::engine::Explanation;
use crate::model::{PrincipalId, ScopeId};
use crate::tui::mask::show;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{popup, scrolled_lines};
use crate::tui::widgets::path_view::{lines, PathView};
use crate::tui::widgets::text::wrap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

#[derive(Debug)]
pub struct ExplainView {
    pub principal: String,
    pub resource: String,
    pub op: String,
    pub action: String,
    pub allowed: bool,
    pub paths: Vec<PathView>,
    pub more: usize,
    pub why_not: Vec<(&'static str, String)>,
    pub notes: Vec<String>,
    /// How many fixes (least-privilege role assignments) would allow a denied pair.
    pub fixes: usize,
    /// The pair explained (for `f`); set by the app.
    pub pair: Option<(PrincipalId, ScopeId)>,
    pub scroll: usize,
    /// The row's other operations, explained after this one (an Access row for all actions).
    pub also: Vec<ExplainView>,
}

impl ExplainView {
    pub fn of(x: &Explanation, op: &str) -> ExplainView {
        ExplainView {
            op: show(op).into_owned(),
            principal: show(&x.principal.name).into_owned(),
            resource: show(&x.resource.name).into_owned(),
            action: show(&x.action).into_owned(),
            allowed: x.allowed,
            paths: x.paths.iter().map(PathView::of).collect(),
            more: x.more_paths,
            why_not: x
                .why_not
                .iter()
                .map(|m| (m.rule, show(&m.text).into_owned()))
                .collect(),
            notes: x.notes.iter().map(|n| show(n).into_owned()).collect(),
            fixes: x.fixes.len(),
            pair: None,
            scroll: 0,
            also: Vec::new(),
        }
    }

    fn verdict(&self) -> String {
        format!(
            "{} {} {} on {}",
            self.principal,
            if self.allowed { "can" } else { "cannot" },
            self.op,
            self.resource
        )
    }

    /// Plain text for the clipboard (already escaped and redacted).
    pub fn plain(&self) -> String {
        let mut s = format!("{}\naction: {}\n", self.verdict(), self.action);
        for (i, p) in self.paths.iter().enumerate() {
            p.plain(i + 1, &mut s);
        }
        if !self.why_not.is_empty() {
            s.push_str("why not:\n");
            for (rule, text) in &self.why_not {
                s.push_str(&format!("  {rule:<14} {text}\n"));
            }
        }
        for n in &self.notes {
            s.push_str(&format!("note: {n}\n"));
        }
        for x in &self.also {
            s.push('\n');
            s.push_str(&x.plain());
        }
        s
    }

    /// All lines for `width` columns (drawing scrolls through them).
    pub fn lines(&self, width: usize, theme: &Theme) -> Vec<Line<'static>> {
        let mark = if self.allowed {
            theme.glyphs.yes
        } else {
            theme.glyphs.no
        };
        let mut out = wrap(
            vec![
                Span::styled(format!("{mark} "), theme.allowed(self.allowed)),
                Span::styled(self.verdict(), theme.allowed(self.allowed)),
            ],
            width,
            2,
            theme.glyphs.ellipsis,
        );
        out.extend(wrap(
            vec![Span::styled(
                format!("action: {}", self.action),
                theme.dim(),
            )],
            width,
            8,
            theme.glyphs.ellipsis,
        ));
        out.push(Line::default());
        out.extend(lines(&self.paths, self.more, width, theme));
        if !self.why_not.is_empty() {
            out.push(Line::from(Span::styled("why not", theme.heading())));
            let col = self
                .why_not
                .iter()
                .map(|(r, _)| r.len())
                .max()
                .unwrap_or(8)
                .clamp(8, 16);
            for (rule, text) in &self.why_not {
                out.extend(wrap(
                    vec![
                        Span::styled(format!("{rule:<col$} "), theme.rule_id()),
                        Span::styled(text.clone(), theme.text()),
                    ],
                    width,
                    col + 1,
                    theme.glyphs.ellipsis,
                ));
            }
        }
        for n in &self.notes {
            out.extend(wrap(
                vec![Span::styled(format!("note: {n}"), theme.dim())],
                width,
                6,
                theme.glyphs.ellipsis,
            ));
        }
        if !self.allowed && self.fixes > 0 {
            out.push(Line::default());
            out.extend(wrap(
                vec![
                    Span::styled("f", theme.key()),
                    Span::styled(
                        format!(
                            " {} fix{} (least privilege): assume one to see the paths it opens",
                            self.fixes,
                            if self.fixes == 1 { "" } else { "es" }
                        ),
                        theme.text(),
                    ),
                ],
                width,
                2,
                theme.glyphs.ellipsis,
            ));
        }
        for x in &self.also {
            out.push(Line::default());
            out.extend(x.lines(width, theme));
        }
        out
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let r = popup(area, buf, 100, 30);
        let w = r.width.saturating_sub(4) as usize;
        let ops = if self.also.is_empty() {
            String::new()
        } else {
            format!(" · {} operations", self.also.len() + 1)
        };
        let title = format!(
            "Explain: {} {} {}{ops}",
            self.principal, theme.glyphs.arrow, self.resource
        );
        scrolled_lines(r, buf, theme, &title, &self.lines(w, theme), self.scroll);
    }
}
