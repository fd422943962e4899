//! Semantic styles and glyphs. Panes ask for meaning (`theme.rule_id()`, `theme.selected(true)`),
//! never for a colour. Colours are the 16 ANSI ones only (readable on dark, light and 16-colour
//! terminals; sent as 16-colour escapes, see `caps::Sgr16`); everything important is also carried
//! by a modifier or a glyph, so the monochrome theme (`NO_COLOR`, `--no-color`) loses nothing.
//! Italics and dim are used only where the terminal draws them (`caps`).

use crate::finding::Severity;
use crate::model::PrincipalKind;
use crate::tui::caps::Caps;
use crate::tui::marks::Mark;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

/// Characters that differ between Unicode and `--ascii`.
#[derive(Clone, Copy, Debug)]
pub struct Glyphs {
    pub cursor: &'static str,
    pub subject: &'static str,
    pub open: &'static str,
    pub closed: &'static str,
    pub ellipsis: &'static str,
    pub arrow: &'static str,
    pub sep: &'static str,
    pub inherited: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    /// Marks what depends on a what-if assumption.
    pub assumed: &'static str,
    /// Marks latent access (a PIM-eligible role to activate first).
    pub latent: &'static str,
    /// Marks access an undecided ABAC condition makes conditional.
    pub conditional: &'static str,
    /// Frames of the "working" spinner.
    pub spinner: &'static [&'static str],
    pub border: border::Set<'static>,
    pub focus_border: border::Set<'static>,
}

const UNICODE: Glyphs = Glyphs {
    cursor: "▸",
    subject: "●",
    open: "▾",
    closed: "▹",
    ellipsis: "…",
    arrow: "→",
    sep: "·",
    inherited: "↑",
    yes: "✓",
    no: "✗",
    assumed: "≈",
    latent: "◇",
    conditional: "◐",
    spinner: &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
    border: border::PLAIN,
    focus_border: border::THICK,
};

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

const ASCII_FOCUS: border::Set<'static> = border::Set {
    top_left: "#",
    top_right: "#",
    bottom_left: "#",
    bottom_right: "#",
    vertical_left: "#",
    vertical_right: "#",
    horizontal_top: "=",
    horizontal_bottom: "=",
};

const ASCII: Glyphs = Glyphs {
    cursor: ">",
    subject: "*",
    open: "-",
    closed: "+",
    // `..`, not `~`: `~` marks access reached another way under --diff
    ellipsis: "..",
    arrow: "->",
    sep: "-",
    inherited: "^",
    // not `+`: `+` marks access gained under --diff
    yes: "v",
    no: "x",
    assumed: "?",
    latent: "%",
    conditional: "&",
    spinner: &["|", "/", "-", "\\"],
    border: ASCII_BORDER,
    focus_border: ASCII_FOCUS,
};

/// The theme: whether colour, italics and dim are used, and which glyph set.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    color: bool,
    italic: bool,
    dim: bool,
    pub glyphs: Glyphs,
}

impl Theme {
    /// A theme for a terminal that draws every modifier.
    pub fn new(color: bool, ascii: bool) -> Theme {
        Theme::with_caps(Caps::FULL, !color, ascii)
    }

    /// A theme for a terminal with `caps`; `--no-color` and `--ascii` turn colour and Unicode
    /// off whatever the terminal can do.
    pub fn with_caps(caps: Caps, no_color: bool, ascii: bool) -> Theme {
        Theme {
            color: caps.color && !no_color,
            italic: caps.italic,
            dim: caps.dim,
            glyphs: if ascii || !caps.unicode {
                ASCII
            } else {
                UNICODE
            },
        }
    }

    /// From the environment (`caps::Caps::from_env`: `NO_COLOR`, `TERM`, `COLORTERM`, the
    /// locale) and the flags.
    pub fn from_env(no_color: bool, ascii: bool) -> Theme {
        Theme::with_caps(Caps::from_env(), no_color, ascii)
    }

    /// Whether the glyphs are ASCII.
    pub fn ascii(&self) -> bool {
        self.glyphs.ellipsis == ASCII.ellipsis
    }

    fn italic(&self) -> Style {
        if self.italic {
            Style::new().add_modifier(Modifier::ITALIC)
        } else {
            Style::new()
        }
    }

    pub fn has_color(&self) -> bool {
        self.color
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn text(&self) -> Style {
        Style::new()
    }
    pub fn dim(&self) -> Style {
        if self.dim {
            Style::new().add_modifier(Modifier::DIM)
        } else {
            Style::new()
        }
    }
    /// A pane title: reverse video when the pane has focus.
    pub fn title(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        }
    }
    /// The cursor row: reverse video in the focused pane, bold elsewhere (the marker glyph is
    /// drawn in both).
    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
    /// Characters matched by the filter.
    pub fn matched(&self) -> Style {
        self.fg(Color::Green)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn principal(&self, k: PrincipalKind) -> Style {
        match k {
            PrincipalKind::User => Style::new(),
            PrincipalKind::Group => self.fg(Color::Green),
            PrincipalKind::ServicePrincipal => self.fg(Color::Magenta),
            PrincipalKind::ManagedIdentity => self.fg(Color::Cyan),
        }
    }
    pub fn kind_tag(&self) -> Style {
        self.dim()
    }
    pub fn resource(&self) -> Style {
        Style::new()
    }
    pub fn rule_id(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
    pub fn source(&self) -> Style {
        self.dim()
    }
    pub fn role(&self) -> Style {
        self.italic()
    }
    pub fn inherited(&self) -> Style {
        self.dim().patch(self.italic())
    }
    pub fn actions(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn allowed(&self, yes: bool) -> Style {
        if yes {
            self.fg(Color::Green).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::Red).add_modifier(Modifier::BOLD)
        }
    }
    pub fn finding(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Severity::Warning => self.fg(Color::Magenta).add_modifier(Modifier::BOLD),
            Severity::Info => self.dim(),
        }
    }
    pub fn key(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn status(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn message(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// What depends on a what-if assumption.
    pub fn assumed(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    /// Latent access: a role the principal has to activate first.
    pub fn latent(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// A `--diff` marker: gained, lost, reached another way (the glyph says which).
    pub fn diff(&self, m: Mark) -> Style {
        let c = match m {
            Mark::Gained => Color::Green,
            Mark::Lost => Color::Red,
            Mark::Changed => Color::Yellow,
        };
        self.fg(c).add_modifier(Modifier::BOLD)
    }
    pub fn heading(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18, item 12: no ASCII marker means two things.
    #[test]
    fn ascii_markers_are_unambiguous() {
        let g = ASCII;
        let mut marks = vec![
            g.cursor,
            g.subject,
            g.ellipsis,
            g.inherited,
            g.yes,
            g.no,
            g.assumed,
            g.latent,
            g.conditional,
        ];
        marks.extend(Mark::ALL.iter().map(|m| m.glyph()));
        let mut seen = std::collections::HashSet::new();
        for m in &marks {
            assert!(seen.insert(*m), "{m:?} is used twice in {marks:?}");
        }
        assert!(g.spinner.iter().all(|f| f.is_ascii()));
    }

    #[test]
    fn modifiers_follow_the_terminal() {
        let caps = Caps {
            color: true,
            italic: false,
            dim: false,
            unicode: false,
        };
        let t = Theme::with_caps(caps, false, false);
        assert!(t.ascii(), "a non-UTF-8 locale gets ASCII glyphs");
        assert!(!t.role().add_modifier.contains(Modifier::ITALIC));
        assert!(!t.dim().add_modifier.contains(Modifier::DIM));
        assert!(t.has_color());
        let full = Theme::new(true, false);
        assert!(full.role().add_modifier.contains(Modifier::ITALIC));
        assert!(!Theme::with_caps(Caps::FULL, true, false).has_color());
    }
}
