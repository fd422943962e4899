//! A cursor over a list that may be far longer than the screen: the selected row and the first
//! row in view. Movement keeps the selection visible for the last known viewport height.

/// Which way to move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
    /// Rows in view (set from the layout on resize).
    pub height: usize,
}

impl Cursor {
    /// Move within `total` rows.
    pub fn apply(&mut self, m: Move, total: usize) {
        if total == 0 {
            *self = Cursor {
                height: self.height,
                ..Cursor::default()
            };
            return;
        }
        let page = self.height.max(1);
        let last = total - 1;
        self.selected = match m {
            Move::Up => self.selected.saturating_sub(1),
            Move::Down => (self.selected + 1).min(last),
            Move::PageUp => self.selected.saturating_sub(page),
            Move::PageDown => (self.selected + page).min(last),
            Move::Top => 0,
            Move::Bottom => last,
        };
        self.scroll_into_view();
    }

    /// Put the cursor on row `i` (clamped).
    pub fn set(&mut self, i: usize, total: usize) {
        self.selected = i.min(total.saturating_sub(1));
        self.scroll_into_view();
    }

    pub fn set_height(&mut self, h: usize, total: usize) {
        self.height = h;
        self.clamp(total);
    }

    /// Keep the cursor inside a list that changed length.
    pub fn clamp(&mut self, total: usize) {
        self.selected = self.selected.min(total.saturating_sub(1));
        self.offset = self.offset.min(total.saturating_sub(1));
        self.scroll_into_view();
    }

    fn scroll_into_view(&mut self) {
        self.offset = visible_offset(self.offset, self.selected, self.height);
    }
}

/// The first row to show so that `selected` is in a window of `height` rows starting near
/// `offset`. Pure, so drawing can use it without changing state.
pub fn visible_offset(offset: usize, selected: usize, height: usize) -> usize {
    let h = height.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + h {
        selected + 1 - h
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_selection_in_view() {
        let mut c = Cursor {
            height: 5,
            ..Cursor::default()
        };
        for _ in 0..7 {
            c.apply(Move::Down, 100);
        }
        assert_eq!((c.selected, c.offset), (7, 3));
        c.apply(Move::Up, 100);
        assert_eq!((c.selected, c.offset), (6, 3));
        c.apply(Move::Bottom, 100);
        assert_eq!((c.selected, c.offset), (99, 95));
        c.apply(Move::PageUp, 100);
        assert_eq!((c.selected, c.offset), (94, 94));
        c.apply(Move::Top, 100);
        assert_eq!((c.selected, c.offset), (0, 0));
        c.clamp(0);
        assert_eq!(c.selected, 0);
    }
}
