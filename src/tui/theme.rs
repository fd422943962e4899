//! Semantic styles and glyphs. Panes ask for meaning (`theme.rule_id()`, `theme.selected(true)`),
//! never for a colour. Colours are the 16 ANSI ones only (readable on dark, light and 16-colour
//! terminals); everything important is also carried by a modifier or a glyph, so the monochrome
//! theme (`NO_COLOR`, `--no-color`) loses nothing.

use crate::finding::Severity;
use crate::model::PrincipalKind;
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
    ellipsis: "~",
    arrow: "->",
    sep: "-",
    inherited: "^",
    yes: "+",
    no: "x",
    assumed: "?",
    border: ASCII_BORDER,
    focus_border: ASCII_FOCUS,
};

/// The theme: whether colour is used, and which glyph set.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    color: bool,
    pub glyphs: Glyphs,
}

impl Theme {
    pub fn new(color: bool, ascii: bool) -> Theme {
        Theme {
            color,
            glyphs: if ascii { ASCII } else { UNICODE },
        }
    }

    /// Colour on unless `no_color` or `NO_COLOR` (any non-empty value) says otherwise.
    pub fn from_env(no_color: bool, ascii: bool) -> Theme {
        let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(!(no_color || env_off), ascii)
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
        Style::new().add_modifier(Modifier::DIM)
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
        Style::new().add_modifier(Modifier::ITALIC)
    }
    pub fn inherited(&self) -> Style {
        self.dim().add_modifier(Modifier::ITALIC)
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
