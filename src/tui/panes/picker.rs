//! The action picker: all actions (a summary per principal), or one operation name.

use crate::engine::action::OPERATIONS;
use crate::tui::cursor::Cursor;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{block, popup};
use crate::tui::widgets::virtual_list::VirtualList;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

pub const ALL: &str = "all actions (summary)";

#[derive(Debug, Default)]
pub struct Picker {
    pub cursor: Cursor,
}

impl Picker {
    pub fn len() -> usize {
        OPERATIONS.len() + 1
    }

    /// The choice at the cursor: None = all actions.
    pub fn choice(&self) -> Option<&'static str> {
        self.cursor
            .selected
            .checked_sub(1)
            .and_then(|i| OPERATIONS.get(i).copied())
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let r = popup(area, buf, 34, Self::len() as u16 + 2);
        let b = block("Action", true, theme, r.width);
        let inner = b.inner(r);
        b.render(r, buf);
        VirtualList {
            total: Self::len(),
            offset: self.cursor.offset,
            selected: Some(self.cursor.selected),
            focused: true,
            theme,
        }
        .render(inner, buf, |i, _| {
            Line::raw(if i == 0 { ALL } else { OPERATIONS[i - 1] })
        });
    }
}
