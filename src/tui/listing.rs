//! A pane's list bookkeeping: the search text of each row (built once), the unfiltered order,
//! the filter and the cursor. Maps a visible position to a row index, with the matched char
//! positions of the rows in view (computed after each change, for those rows only).

use crate::tui::cursor::{Cursor, Move};
use crate::tui::filter::Filter;
use std::borrow::Cow;

#[derive(Debug, Default)]
pub struct Listing {
    haystack: Vec<String>,
    /// Visible row indices when no filter is active (all rows, or the unfolded tree).
    base: Vec<usize>,
    pub filter: Filter,
    pub cursor: Cursor,
    /// Matched char positions of the rows in view while a filter is active: (row, positions).
    highlights: Vec<(usize, Vec<usize>)>,
    /// The rows a filter may match (None: every row), e.g. only what changed under `--diff`.
    only: Option<Vec<bool>>,
}

impl Listing {
    /// A listing over rows with these search texts, all visible in order.
    pub fn new(haystack: Vec<String>) -> Listing {
        let base = (0..haystack.len()).collect();
        Listing {
            haystack,
            base,
            ..Listing::default()
        }
    }

    /// Change the unfiltered order (a fold changed); keeps the cursor on `keep` when visible.
    pub fn set_base(&mut self, base: Vec<usize>, keep: Option<usize>) {
        self.base = base;
        let total = self.len();
        if let Some(pos) = keep.and_then(|r| self.position_of(r)) {
            self.cursor.set(pos, total);
        } else {
            self.cursor.clamp(total);
        }
        self.refresh_highlights();
    }

    /// Recompute the highlight positions for the rows in view (a handful, not every match).
    fn refresh_highlights(&mut self) {
        self.highlights.clear();
        if !self.filter.is_active() {
            return;
        }
        let start = self.cursor.offset;
        let n = self.cursor.height.max(1);
        for m in self.filter.matches().iter().skip(start).take(n) {
            let text = self.haystack.get(m.idx).map_or("", String::as_str);
            self.highlights.push((m.idx, self.filter.indices(text)));
        }
    }

    pub fn len(&self) -> usize {
        if self.filter.is_active() {
            self.filter.matches().len()
        } else {
            self.base.len()
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row at visible position `pos`, with the matched char positions (cached for the rows
    /// in view; computed on the spot for any other).
    pub fn at(&self, pos: usize) -> Option<(usize, Cow<'_, [usize]>)> {
        if self.filter.is_active() {
            let m = self.filter.matches().get(pos)?;
            let hl = match self.highlights.iter().find(|(r, _)| *r == m.idx) {
                Some((_, h)) => Cow::Borrowed(h.as_slice()),
                None => Cow::Owned(
                    self.filter
                        .indices(self.haystack.get(m.idx).map_or("", String::as_str)),
                ),
            };
            Some((m.idx, hl))
        } else {
            self.base.get(pos).map(|&i| (i, Cow::Borrowed(&[][..])))
        }
    }

    /// The row under the cursor.
    pub fn current(&self) -> Option<usize> {
        self.at(self.cursor.selected).map(|(i, _)| i)
    }

    pub fn position_of(&self, row: usize) -> Option<usize> {
        if self.filter.is_active() {
            self.filter.matches().iter().position(|m| m.idx == row)
        } else {
            self.base.iter().position(|&i| i == row)
        }
    }

    pub fn apply(&mut self, m: Move) {
        let total = self.len();
        self.cursor.apply(m, total);
        self.refresh_highlights();
    }

    pub fn set_height(&mut self, h: usize) {
        let total = self.len();
        self.cursor.set_height(h, total);
        self.refresh_highlights();
    }

    /// Put the cursor on `row`, clearing the filter if it hides the row.
    pub fn reveal(&mut self, row: usize) {
        if self.position_of(row).is_none() {
            self.filter.clear();
        }
        if let Some(pos) = self.position_of(row) {
            let total = self.len();
            self.cursor.set(pos, total);
        }
        self.refresh_highlights();
    }

    /// Put the cursor on `row` if it is visible (the filter stays).
    pub fn select_row(&mut self, row: usize) {
        if let Some(pos) = self.position_of(row) {
            let total = self.len();
            self.cursor.set(pos, total);
            self.refresh_highlights();
        }
    }

    pub fn start_filter(&mut self) {
        self.filter.editing = true;
    }

    /// Let a filter match only the rows `only` marks (None: every row); the query runs again.
    pub fn set_only(&mut self, only: Option<Vec<bool>>) {
        self.only = only;
        let q = self.filter.query().to_string();
        if !q.is_empty() {
            let editing = self.filter.editing;
            self.filter.clear();
            self.set_query(&q);
            self.filter.editing = editing;
        }
    }

    pub fn set_query(&mut self, q: &str) {
        self.filter.set_query(q, &self.haystack);
        if let Some(only) = &self.only {
            self.filter
                .retain(|i| only.get(i).copied().unwrap_or(false));
        }
        self.cursor.selected = 0;
        self.cursor.offset = 0;
        self.refresh_highlights();
    }

    pub fn push_char(&mut self, c: char) {
        let q = format!("{}{c}", self.filter.query());
        self.set_query(&q);
    }

    pub fn pop_char(&mut self) {
        let mut q = self.filter.query().to_string();
        q.pop();
        self.set_query(&q);
    }

    /// Esc: stop editing and drop the query; true when there was something to clear.
    pub fn clear_filter(&mut self) -> bool {
        let had = self.filter.is_active() || self.filter.editing;
        let keep = self.current();
        self.filter.clear();
        if let Some(r) = keep {
            self.reveal(r);
        } else {
            let total = self.len();
            self.cursor.clamp(total);
        }
        self.refresh_highlights();
        had
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_matches_only_the_allowed_rows_and_runs_again_when_they_change() {
        let hay = ["ep-fraud", "ep-churn", "kv-main"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut l = Listing::new(hay);
        l.set_height(5);
        l.set_query("ep");
        assert_eq!(l.len(), 2);
        l.set_only(Some(vec![false, true, true]));
        assert_eq!(l.len(), 1);
        assert_eq!(l.current(), Some(1));
        // narrowing keeps the restriction
        l.push_char('-');
        assert_eq!(l.len(), 1);
        l.set_only(None);
        assert_eq!(l.len(), 2);
    }
}
