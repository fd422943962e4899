//! Findings popup: load problems and lint findings with file:line. Enter on one selects its
//! subject (a resource or a principal) when it resolves.

use crate::finding::{Finding, Severity};
use crate::tui::listing::Listing;
use crate::tui::mask::show;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{list_pane, popup};
use crate::tui::widgets::text::{fit, wrap};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;

#[derive(Debug)]
pub struct FindingRow {
    pub severity: Severity,
    pub rule: String,
    pub message: String,
    pub subject: String,
    /// Unescaped subject, for resolving.
    pub raw_subject: String,
    pub source: String,
}

#[derive(Debug, Default)]
pub struct FindingsPane {
    pub rows: Vec<FindingRow>,
    pub list: Listing,
}

impl FindingsPane {
    pub fn new(findings: &[Finding]) -> FindingsPane {
        let rows: Vec<FindingRow> = findings
            .iter()
            .map(|f| FindingRow {
                severity: f.severity,
                rule: show(&f.rule).into_owned(),
                message: show(&f.message).into_owned(),
                subject: show(&f.subject).into_owned(),
                raw_subject: f.subject.clone(),
                source: show(&f.source.to_string()).into_owned(),
            })
            .collect();
        let hay = rows
            .iter()
            .map(|r| format!("{} {}", r.rule, r.message))
            .collect();
        FindingsPane {
            rows,
            list: Listing::new(hay),
        }
    }

    pub fn count(&self, s: Severity) -> usize {
        self.rows.iter().filter(|r| r.severity == s).count()
    }

    pub fn current(&self) -> Option<&FindingRow> {
        self.list.current().map(|i| &self.rows[i])
    }

    /// The popup rectangle for a screen (also used by the layout to size the list).
    pub fn area(screen: Rect) -> Rect {
        crate::tui::widgets::frame::popup_rect(screen, 110, 30)
    }

    /// Rows of the list inside the popup (the rest shows the highlighted finding in full).
    pub fn list_height(screen: Rect) -> usize {
        let h = Self::area(screen).height as usize;
        h.saturating_sub(2).saturating_sub(Self::DETAIL)
    }

    const DETAIL: usize = 6;

    pub fn render(&self, screen: Rect, buf: &mut Buffer, theme: &Theme) {
        let a = Self::area(screen);
        let r = popup(screen, buf, a.width, a.height);
        let list_h = (r.height as usize).saturating_sub(Self::DETAIL) as u16;
        let list_area = Rect::new(r.x, r.y, r.width, list_h);
        let title = format!(
            "Findings ({}: {} errors, {} warnings) · Enter shows the subject",
            self.rows.len(),
            self.count(Severity::Error),
            self.count(Severity::Warning)
        );
        list_pane(
            list_area,
            buf,
            theme,
            true,
            &title,
            &self.list,
            |i, _, w| {
                let f = &self.rows[i];
                fit(
                    vec![
                        Span::styled(
                            format!("{:<7} ", f.severity.to_string()),
                            theme.finding(f.severity),
                        ),
                        Span::styled(format!("{} ", f.rule), theme.rule_id()),
                        Span::styled(f.message.clone(), theme.text()),
                        Span::styled(format!("  {}", f.source), theme.source()),
                    ],
                    w,
                    theme.glyphs.ellipsis,
                )
            },
        );
        let detail = Rect::new(r.x, r.y + list_h, r.width, r.height - list_h);
        ratatui::widgets::Widget::render(
            crate::tui::widgets::frame::block("Finding", false, theme, detail.width),
            detail,
            buf,
        );
        let Some(f) = self.current() else {
            return;
        };
        let w = detail.width.saturating_sub(4) as usize;
        let mut ls = vec![fit(
            vec![Span::styled(
                format!("{}  subject: {}", f.source, f.subject),
                theme.source(),
            )],
            w,
            theme.glyphs.ellipsis,
        )];
        ls.extend(wrap(
            vec![
                Span::styled(format!("{} ", f.rule), theme.rule_id()),
                Span::styled(f.message.clone(), theme.text()),
            ],
            w,
            2,
            theme.glyphs.ellipsis,
        ));
        let inner_h = detail.height.saturating_sub(2) as usize;
        for (y, l) in ls.iter().take(inner_h).enumerate() {
            buf.set_line(detail.x + 2, detail.y + 1 + y as u16, l, w as u16);
        }
    }
}
