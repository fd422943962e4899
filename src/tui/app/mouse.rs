//! `--mouse`: a click focuses the pane under it and puts the cursor on the row clicked (in
//! Identities and Resources it selects it too, as Enter would); the wheel scrolls the pane
//! under the pointer. Off by default: capturing the mouse takes the terminal's own text
//! selection away.

use super::*;

impl AppState {
    /// The pane at a cell, with its area.
    fn pane_at(&self, x: u16, y: u16) -> Option<(Focus, Rect)> {
        let l = self.areas();
        let inside = |r: Rect| {
            r.width > 0 && x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
        };
        [
            (Focus::Identities, l.identities),
            (Focus::Resources, l.resources),
            (Focus::Edges, l.edges),
            (Focus::Access, l.access),
            (Focus::Paths, l.paths),
        ]
        .into_iter()
        .find(|(_, r)| inside(*r))
    }

    pub(super) fn click(&mut self, x: u16, y: u16) -> Vec<Effect> {
        let Some((pane, area)) = self.pane_at(x, y) else {
            return Vec::new();
        };
        self.set_focus(pane);
        // the first row is under the top border (Access: under its header too)
        let first = area.y + 1 + u16::from(pane == Focus::Access);
        if pane == Focus::Paths || y < first || y + 1 >= area.y + area.height {
            return Vec::new();
        }
        let l = self.focused_mut();
        let pos = l.cursor.offset + usize::from(y - first);
        if pos >= l.len() {
            return Vec::new();
        }
        let total = l.len();
        l.cursor.set(pos, total);
        match pane {
            Focus::Identities | Focus::Resources => self.select(),
            _ => Vec::new(),
        }
    }

    pub(super) fn wheel(&mut self, x: u16, y: u16, down: bool) {
        let Some((pane, _)) = self.pane_at(x, y) else {
            return;
        };
        let m = if down { Move::Down } else { Move::Up };
        if pane == Focus::Paths {
            for _ in 0..3 {
                self.scroll_paths(m);
            }
            return;
        }
        let keep = self.focus;
        self.focus = pane;
        for _ in 0..3 {
            self.focused_mut().apply(m);
        }
        self.focus = keep;
    }
}
