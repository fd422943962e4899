//! A list that draws only the rows in view: it takes the total, the first row, the selected row
//! and a closure that builds one row. Its cost follows the pane height, not the list length.

use crate::tui::cursor::visible_offset;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

/// What to draw: `total` rows, the cursor, and whether the pane has focus.
pub struct VirtualList<'t> {
    pub total: usize,
    pub offset: usize,
    pub selected: Option<usize>,
    pub focused: bool,
    pub theme: &'t Theme,
}

impl VirtualList<'_> {
    /// Draw rows into `area`. `row(i, width)` builds row `i` to fit `width` columns (the marker
    /// column is added here). Returns the first row drawn.
    pub fn render<'a>(
        &self,
        area: Rect,
        buf: &mut Buffer,
        row: impl Fn(usize, usize) -> Line<'a>,
    ) -> usize {
        let h = area.height as usize;
        if h == 0 || area.width < 3 {
            return 0;
        }
        let offset = match self.selected {
            Some(s) => visible_offset(self.offset, s, h),
            None => self.offset,
        }
        .min(self.total.saturating_sub(1));
        let marker = self.theme.glyphs.cursor;
        let inner_w = area.width as usize - 2;
        for (y, i) in (offset..self.total).take(h).enumerate() {
            let is_sel = self.selected == Some(i);
            let line_area = Rect::new(area.x, area.y + y as u16, area.width, 1);
            let mark = if is_sel { marker } else { " " };
            buf.set_string(line_area.x, line_area.y, mark, self.theme.text());
            let line = row(i, inner_w);
            buf.set_line(line_area.x + 2, line_area.y, &line, inner_w as u16);
            if is_sel {
                buf.set_style(line_area, self.theme.selected(self.focused));
            }
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;
    use std::cell::Cell;

    #[test]
    fn builds_only_visible_rows_and_marks_the_selection() {
        let theme = Theme::new(false, false);
        let built = Cell::new(0);
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 3));
        let vl = VirtualList {
            total: 100_000,
            offset: 0,
            selected: Some(50_000),
            focused: true,
            theme: &theme,
        };
        let first = vl.render(buf.area, &mut buf, |i, _| {
            built.set(built.get() + 1);
            Line::raw(format!("row {i}"))
        });
        assert_eq!(built.get(), 3);
        assert_eq!(first, 49_998);
        assert_eq!(
            buf,
            Buffer::with_lines(["  row 49998 ", "  row 49999 ", "▸ row 50000 "])
                .tap_style(2, theme.selected(true))
        );
        assert!(buf[(0, 2)].modifier.contains(Modifier::REVERSED));
    }

    trait TapStyle {
        fn tap_style(self, row: u16, s: ratatui::style::Style) -> Self;
    }
    impl TapStyle for Buffer {
        fn tap_style(mut self, row: u16, s: ratatui::style::Style) -> Self {
            let w = self.area.width;
            self.set_style(Rect::new(0, row, w, 1), s);
            self
        }
    }
}
