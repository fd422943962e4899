//! `--diff` markers as display data: what changed for a row (gained `+`, lost `-`, reached
//! another way `~`), how many, and the paths that are gone. The app fills them from the
//! engine's `Diff`; panes only draw them. Markers are glyphs (ASCII in every theme) with
//! counts, so they read the same without colour.

use crate::tui::theme::Theme;
use crate::tui::widgets::path_view::PathView;
use ratatui::text::Span;

/// What changed, in priority order (a row shows the first that applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mark {
    /// Access that NEW has and OLD had not.
    Gained,
    /// Access that OLD had and NEW has not.
    Lost,
    /// Access kept, reached another way (a path is new, another is gone).
    Changed,
}

impl Mark {
    pub const ALL: [Mark; 3] = [Mark::Gained, Mark::Lost, Mark::Changed];

    pub fn glyph(self) -> &'static str {
        match self {
            Mark::Gained => "+",
            Mark::Lost => "-",
            Mark::Changed => "~",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Mark::Gained => "gained",
            Mark::Lost => "lost",
            Mark::Changed => "reached another way",
        }
    }
}

/// How many principals (for a resource) or resources (for a principal) gained, lost or kept
/// access another way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub gained: usize,
    pub lost: usize,
    pub changed: usize,
}

impl Counts {
    pub fn get(&self, m: Mark) -> usize {
        match m {
            Mark::Gained => self.gained,
            Mark::Lost => self.lost,
            Mark::Changed => self.changed,
        }
    }

    pub fn add(&mut self, m: Mark) {
        match m {
            Mark::Gained => self.gained += 1,
            Mark::Lost => self.lost += 1,
            Mark::Changed => self.changed += 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.gained + self.lost + self.changed == 0
    }

    /// `+2 -1 ~3` (only the non-zero parts), as plain text.
    pub fn text(&self) -> String {
        Mark::ALL
            .iter()
            .filter(|m| self.get(**m) > 0)
            .map(|m| format!("{}{}", m.glyph(), self.get(*m)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `text` as styled spans.
    pub fn spans(&self, theme: &Theme) -> Vec<Span<'static>> {
        let mut out = Vec::new();
        for m in Mark::ALL.iter().filter(|m| self.get(**m) > 0) {
            if !out.is_empty() {
                out.push(Span::raw(" "));
            }
            out.push(Span::styled(
                format!("{}{}", m.glyph(), self.get(*m)),
                theme.diff(*m),
            ));
        }
        out
    }
}

/// What changed for one Access row (a principal on the selected resource, or a resource of
/// the selected principal), with the operations in short words.
#[derive(Clone, Debug, Default)]
pub struct RowDiff {
    pub gained: Vec<String>,
    pub lost: Vec<String>,
    pub changed: Vec<String>,
    /// Paths that are gone: a lost access's path, or the old path of one reached another way.
    pub gone: Vec<PathView>,
}

impl RowDiff {
    /// The row's marker: gained first, then lost, then reached another way.
    pub fn mark(&self) -> Option<Mark> {
        Mark::ALL.into_iter().find(|m| !self.ops(*m).is_empty())
    }

    pub fn ops(&self, m: Mark) -> &[String] {
        match m {
            Mark::Gained => &self.gained,
            Mark::Lost => &self.lost,
            Mark::Changed => &self.changed,
        }
    }

    pub fn ops_mut(&mut self, m: Mark) -> &mut Vec<String> {
        match m {
            Mark::Gained => &mut self.gained,
            Mark::Lost => &mut self.lost,
            Mark::Changed => &mut self.changed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_glyphs_with_numbers_and_skip_zeros() {
        let mut c = Counts::default();
        assert!(c.is_empty());
        assert_eq!(c.text(), "");
        c.add(Mark::Gained);
        c.add(Mark::Gained);
        c.add(Mark::Changed);
        assert_eq!(c.text(), "+2 ~1");
        c.add(Mark::Lost);
        assert_eq!(c.text(), "+2 -1 ~1");
        let plain = Theme::new(false, true);
        let s: String = c.spans(&plain).iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(s, "+2 -1 ~1");
    }

    #[test]
    fn a_row_is_marked_by_its_strongest_change() {
        let mut d = RowDiff::default();
        assert_eq!(d.mark(), None);
        d.changed.push("score".into());
        assert_eq!(d.mark(), Some(Mark::Changed));
        d.lost.push("write".into());
        assert_eq!(d.mark(), Some(Mark::Lost));
        d.gained.push("read".into());
        assert_eq!(d.mark(), Some(Mark::Gained));
    }
}
