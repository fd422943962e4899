//! The action picker: all actions (a summary per principal), or one operation that applies to
//! the selected kind (every operation for an identity).

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
    /// The operations offered.
    pub ops: Vec<&'static str>,
}

impl Picker {
    /// Offer these operations (the app passes those that apply to the selected resource).
    pub fn with_ops(ops: Vec<&'static str>) -> Picker {
        Picker {
            cursor: Cursor::default(),
            ops,
        }
    }

    pub fn len(&self) -> usize {
        self.ops.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// The choice at the cursor: None = all actions.
    pub fn choice(&self) -> Option<&'static str> {
        self.cursor
            .selected
            .checked_sub(1)
            .and_then(|i| self.ops.get(i).copied())
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let r = popup(area, buf, 34, self.len() as u16 + 2);
        let b = block("Action", true, theme, r.width);
        let inner = b.inner(r);
        b.render(r, buf);
        VirtualList {
            total: self.len(),
            offset: self.cursor.offset,
            selected: Some(self.cursor.selected),
            focused: true,
            theme,
        }
        .render(inner, buf, |i, _| {
            Line::raw(if i == 0 {
                ALL
            } else {
                self.ops.get(i - 1).copied().unwrap_or("")
            })
        });
    }
}
