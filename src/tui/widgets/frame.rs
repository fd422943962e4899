//! The frame of a list pane: a border (thick when focused), a title (reverse video when
//! focused), the filter query in the bottom border, and the virtual list inside.

use crate::tui::listing::Listing;
use crate::tui::panes::access::thousands;
use crate::tui::theme::Theme;
use crate::tui::widgets::text::truncate;
use crate::tui::widgets::virtual_list::VirtualList;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};

/// A bordered block for a pane.
pub fn block<'a>(title: &str, focused: bool, theme: &Theme, width: u16) -> Block<'a> {
    let set = if focused {
        theme.glyphs.focus_border
    } else {
        theme.glyphs.border
    };
    // titles are built without a theme: swap in the separator glyph here
    let title = title.replace('·', theme.glyphs.sep);
    let t = truncate(
        &title,
        (width as usize).saturating_sub(4),
        theme.glyphs.ellipsis,
    );
    Block::default()
        .borders(Borders::ALL)
        .border_set(set)
        .border_style(theme.border(focused))
        .title(Span::styled(format!(" {t} "), theme.title(focused)))
}

/// Draw a list pane: block, filter line, position, and the visible rows built by `row`.
pub fn list_pane<'a>(
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
    focused: bool,
    title: &str,
    listing: &Listing,
    row: impl Fn(usize, &[usize], usize) -> Line<'a>,
) {
    list_pane_with_header(
        area,
        buf,
        theme,
        focused,
        title,
        listing,
        Line::default(),
        row,
    )
}

/// `list_pane` with a header row above the rows (none when `header` is empty). The bottom
/// border shows the filter (left) and where the cursor is, `123/12,275` (right).
#[allow(clippy::too_many_arguments)]
pub fn list_pane_with_header<'a>(
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
    focused: bool,
    title: &str,
    listing: &Listing,
    header: Line<'a>,
    row: impl Fn(usize, &[usize], usize) -> Line<'a>,
) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let mut b = block(title, focused, theme, area.width);
    let f = &listing.filter;
    if f.editing || f.is_active() {
        let caret = if f.editing { "_" } else { "" };
        let q = format!(" /{}{caret} {} ", f.query(), listing.len());
        let q = truncate(
            &q,
            (area.width as usize).saturating_sub(2),
            theme.glyphs.ellipsis,
        );
        b = b.title_bottom(Line::from(Span::styled(q, theme.key())));
    }
    let n = listing.len();
    if n > 0 && area.width > 30 {
        let at = format!(
            " {}/{} ",
            thousands(listing.cursor.selected + 1),
            thousands(n)
        );
        b = b.title_bottom(Line::from(Span::styled(at, theme.dim())).right_aligned());
    }
    let mut inner = b.inner(area);
    b.render(area, buf);
    if header.width() > 0 && inner.height > 1 {
        // over the rows, which start after the cursor column
        buf.set_line(inner.x + 2, inner.y, &header, inner.width.saturating_sub(2));
        inner.y += 1;
        inner.height -= 1;
    }
    if listing.is_empty() {
        let msg = if f.is_active() { "no match" } else { "(none)" };
        buf.set_string(inner.x + 2, inner.y, msg, theme.dim());
        return;
    }
    let vl = VirtualList {
        total: listing.len(),
        offset: listing.cursor.offset,
        selected: Some(listing.cursor.selected),
        focused,
        theme,
    };
    vl.render(inner, buf, |pos, w| match listing.at(pos) {
        Some((i, hl)) => row(i, &hl, w),
        None => Line::default(),
    });
}

/// A centred popup rectangle at most `w`×`h` between the status and hint lines. On a narrow
/// screen it takes the full width, so no fragments of the panes show beside it.
pub fn popup_rect(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width).max(1);
    let room = area.height.saturating_sub(2);
    let h = h.min(room).max(1);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + 1 + (room - h) / 2,
        w,
        h,
    )
}

/// `popup_rect`, cleared before drawing.
pub fn popup(area: Rect, buf: &mut Buffer, w: u16, h: u16) -> Rect {
    let r = popup_rect(area, w, h);
    ratatui::widgets::Clear.render(r, buf);
    r
}

/// Draw pre-built lines into a popup block, starting at line `scroll`.
pub fn scrolled_lines(
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
    title: &str,
    lines: &[Line<'_>],
    scroll: usize,
) {
    let b = block(title, true, theme, area.width);
    let inner = b.inner(area);
    b.render(area, buf);
    let h = inner.height as usize;
    let start = scroll.min(lines.len().saturating_sub(h));
    for (y, l) in lines.iter().skip(start).take(h).enumerate() {
        buf.set_line(
            inner.x + 1,
            inner.y + y as u16,
            l,
            inner.width.saturating_sub(2),
        );
    }
    if lines.len() > h {
        let more = format!(" {}/{} ", (start + h).min(lines.len()), lines.len());
        let x = area.x + area.width.saturating_sub(more.len() as u16 + 1);
        buf.set_string(x, area.y + area.height - 1, more, theme.dim());
    }
}
