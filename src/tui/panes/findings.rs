//! Findings popup: load problems and lint findings with file:line. Enter on one selects its
//! subject (a resource or a principal) when it resolves. Under `--diff` the findings NEW adds
//! are marked `+`, and those it resolved are listed after them, marked `-`.

use crate::finding::{Finding, Severity};
use crate::tui::listing::Listing;
use crate::tui::marks::Mark;
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
    /// `--diff`: added (`Gained`) or resolved (`Lost`, a finding only OLD has).
    pub mark: Option<Mark>,
}

#[derive(Debug, Default)]
pub struct FindingsPane {
    pub rows: Vec<FindingRow>,
    pub list: Listing,
    /// `--diff` is on: rows show a marker column.
    pub diff: bool,
    /// First line of the highlighted finding's detail shown (J/K scroll it).
    pub detail_scroll: usize,
}

impl FindingsPane {
    pub fn new(findings: &[Finding]) -> FindingsPane {
        Self::build(findings.iter().map(|f| (f, None)))
    }

    /// `--diff`: the current findings, those in `added` marked `+`, then the `resolved` ones
    /// (only OLD has them) marked `-`.
    pub fn with_diff(findings: &[Finding], added: &[bool], resolved: &[Finding]) -> FindingsPane {
        let now = findings.iter().enumerate().map(|(i, f)| {
            let new = added.get(i).copied().unwrap_or(false);
            (f, new.then_some(Mark::Gained))
        });
        let gone = resolved.iter().map(|f| (f, Some(Mark::Lost)));
        let mut p = Self::build(now.chain(gone));
        p.diff = true;
        p
    }

    fn build<'a>(findings: impl Iterator<Item = (&'a Finding, Option<Mark>)>) -> FindingsPane {
        let rows: Vec<FindingRow> = findings
            .map(|(f, mark)| FindingRow {
                severity: f.severity,
                rule: show(&f.rule).into_owned(),
                message: show(&f.message).into_owned(),
                subject: show(&f.subject).into_owned(),
                raw_subject: f.subject.clone(),
                source: show(&f.source.to_string()).into_owned(),
                mark,
            })
            .collect();
        let hay = rows
            .iter()
            .map(|r| format!("{} {}", r.rule, r.message))
            .collect();
        FindingsPane {
            rows,
            list: Listing::new(hay),
            diff: false,
            detail_scroll: 0,
        }
    }

    /// The findings of the loaded project (not those `--diff` lists as resolved).
    pub fn present(&self) -> impl Iterator<Item = &FindingRow> {
        self.rows.iter().filter(|r| r.mark != Some(Mark::Lost))
    }

    pub fn count(&self, s: Severity) -> usize {
        self.present().filter(|r| r.severity == s).count()
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

    /// Scroll the detail of the highlighted finding (its lines are wrapped at draw time, so
    /// the end is clamped there).
    pub fn scroll_detail(&mut self, m: crate::tui::cursor::Move) {
        use crate::tui::cursor::Move;
        self.detail_scroll = match m {
            Move::Up | Move::PageUp => self.detail_scroll.saturating_sub(1),
            Move::Down | Move::PageDown => self.detail_scroll + 1,
            Move::Top => 0,
            Move::Bottom => usize::MAX / 2,
        };
    }

    pub fn render(&self, screen: Rect, buf: &mut Buffer, theme: &Theme) {
        let a = Self::area(screen);
        let r = popup(screen, buf, a.width, a.height);
        let list_h = (r.height as usize).saturating_sub(Self::DETAIL) as u16;
        let list_area = Rect::new(r.x, r.y, r.width, list_h);
        let n = |m| self.rows.iter().filter(|r| r.mark == Some(m)).count();
        let changes = if self.diff {
            format!(" · +{} added, -{} resolved", n(Mark::Gained), n(Mark::Lost))
        } else {
            String::new()
        };
        let title = format!(
            "Findings ({}: {} errors, {} warnings{changes}) · / filters · Enter shows it",
            self.present().count(),
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
                let mut spans = Vec::with_capacity(5);
                if self.diff {
                    spans.push(match f.mark {
                        Some(m) => Span::styled(format!("{} ", m.glyph()), theme.diff(m)),
                        None => Span::raw("  "),
                    });
                }
                spans.extend([
                    Span::styled(
                        format!("{:<7} ", f.severity.to_string()),
                        theme.finding(f.severity),
                    ),
                    Span::styled(format!("{} ", f.rule), theme.rule_id()),
                    Span::styled(f.message.clone(), theme.text()),
                    Span::styled(format!("  {}", f.source), theme.source()),
                ]);
                fit(spans, w, theme.glyphs.ellipsis)
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
        let mut head = Vec::new();
        if let Some(m) = f.mark {
            let word = if m == Mark::Lost { "resolved" } else { "added" };
            head.push(Span::styled(
                format!("{} {word}  ", m.glyph()),
                theme.diff(m),
            ));
        }
        head.push(Span::styled(f.source.clone(), theme.source()));
        let mut ls = vec![fit(head, w, theme.glyphs.ellipsis)];
        ls.extend(wrap(
            vec![
                Span::styled(format!("{} ", f.rule), theme.rule_id()),
                Span::styled(f.message.clone(), theme.text()),
            ],
            w,
            2,
            theme.glyphs.ellipsis,
        ));
        ls.extend(wrap(
            vec![Span::styled(
                format!("subject: {}", f.subject),
                theme.source(),
            )],
            w,
            9,
            theme.glyphs.ellipsis,
        ));
        let inner_h = detail.height.saturating_sub(2) as usize;
        let start = self.detail_scroll.min(ls.len().saturating_sub(inner_h));
        for (y, l) in ls.iter().skip(start).take(inner_h).enumerate() {
            buf.set_line(detail.x + 2, detail.y + 1 + y as u16, l, w as u16);
        }
        if ls.len() > inner_h {
            let more = format!(" {}/{} J/K ", (start + inner_h).min(ls.len()), ls.len());
            let x = detail.x + detail.width.saturating_sub(more.len() as u16 + 1);
            buf.set_string(x, detail.y + detail.height - 1, more, theme.dim());
        }
    }
}
