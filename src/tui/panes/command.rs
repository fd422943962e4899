//! The `:` command line: the input and the best candidates, drawn over the top of the main
//! screen.

use crate::tui::app::CommandLine;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{block, list_pane};
use crate::tui::widgets::text::{fit, highlighted};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Clear, Widget};

pub fn render(c: &CommandLine, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let w = area.width.min(72);
    let shown = crate::tui::app::command::SHOWN as u16;
    let h = (shown + 2 + 3).min(area.height.saturating_sub(2));
    let r = Rect::new(area.x + (area.width - w) / 2, area.y + 1, w, h);
    Clear.render(r, buf);
    let input = Rect::new(r.x, r.y, r.width, 3);
    let b = block("Go to (kind:name, identity)", true, theme, input.width);
    let inner = b.inner(input);
    b.render(input, buf);
    let line = fit(
        vec![
            Span::styled(":", theme.key()),
            Span::raw(c.input.clone()),
            Span::styled("_", theme.key()),
        ],
        inner.width.saturating_sub(1) as usize,
        theme.glyphs.ellipsis,
    );
    buf.set_line(inner.x + 1, inner.y, &line, inner.width.saturating_sub(1));
    let list = Rect::new(r.x, r.y + 3, r.width, r.height.saturating_sub(3));
    if c.input.is_empty() {
        let b = block(
            "type to search; Tab completes, Enter goes",
            false,
            theme,
            list.width,
        );
        b.render(list, buf);
        return;
    }
    list_pane(
        list,
        buf,
        theme,
        false,
        "Candidates",
        &c.list,
        |i, hl, w| {
            let label = c.labels.get(i).map_or("", String::as_str);
            fit(
                highlighted(label, hl, theme.text(), theme.matched()),
                w,
                theme.glyphs.ellipsis,
            )
        },
    );
}
