//! Access paths as display data (escaped and redacted once, when a query result arrives) and
//! their drawing as steps: rule ID, plain words, source file:line, wrapped with a hanging indent.

use crate::engine::AccessPath;
use crate::tui::mask::show;
use crate::tui::theme::Theme;
use crate::tui::widgets::text::wrap;
use ratatui::text::{Line, Span};

#[derive(Clone, Debug)]
pub struct StepView {
    pub rule: &'static str,
    pub text: String,
    /// The text as the engine wrote it (not escaped or masked): what Enter on the step looks
    /// names up in.
    pub raw: String,
    pub source: String,
    /// Depends on a what-if assumption.
    pub assumed: bool,
}

#[derive(Clone, Debug)]
pub struct PathView {
    pub action: Option<String>,
    pub assumed: bool,
    /// Latent access (`eligible`), with when it ends.
    pub latent: Option<&'static str>,
    pub until: Option<String>,
    /// The ABAC requirement the path holds under (RBAC-CONDITION).
    pub conditional: Option<String>,
    pub steps: Vec<StepView>,
}

impl PathView {
    pub fn of(p: &AccessPath) -> PathView {
        PathView {
            action: p.action.as_deref().map(|a| show(a).into_owned()),
            assumed: p.assumed,
            latent: p.latent,
            conditional: p.conditional.as_deref().map(|c| show(c).into_owned()),
            until: p
                .until
                .as_deref()
                .map(|u| show(crate::model::when::day(u)).into_owned()),
            steps: p
                .steps
                .iter()
                .map(|s| StepView {
                    rule: s.rule,
                    text: show(&s.text).into_owned(),
                    raw: s.text.clone(),
                    source: show(&s.source.to_string()).into_owned(),
                    assumed: s.assumed,
                })
                .collect(),
        }
    }

    /// Plain text, for the clipboard.
    pub fn plain(&self, n: usize, out: &mut String) {
        self.plain_as("path", n, out)
    }

    /// Plain text headed `{word} {n}` (`gone path 1` under `--diff`).
    pub fn plain_as(&self, word: &str, n: usize, out: &mut String) {
        out.push_str(&self.head_as(word, n, "-"));
        out.push('\n');
        for s in &self.steps {
            if s.text.ends_with(&format!("[{}]", s.source)) {
                out.push_str(&format!("  {:<14} {}\n", s.rule, s.text));
            } else {
                out.push_str(&format!("  {:<14} {} [{}]\n", s.rule, s.text, s.source));
            }
        }
    }

    fn head(&self, n: usize, sep: &str) -> String {
        self.head_as("path", n, sep)
    }

    fn head_as(&self, word: &str, n: usize, sep: &str) -> String {
        let mut h = format!("{word} {n}");
        if let Some(a) = &self.action {
            h.push_str(&format!(" {sep} {a}"));
        }
        if self.assumed {
            h.push_str(" [assumed]");
        }
        if let Some(c) = &self.conditional {
            h.push_str(&format!(" [conditional: {c}]"));
        }
        if let Some(l) = self.latent {
            h.push_str(&format!(" [{l}"));
            if let Some(u) = &self.until {
                h.push_str(&format!(" until {u}"));
            }
            h.push(']');
        }
        h
    }
}

/// The width of the rule column: the longest rule ID, capped.
fn rule_col(paths: &[PathView]) -> usize {
    paths
        .iter()
        .flat_map(|p| p.steps.iter().map(|s| s.rule.len()))
        .max()
        .unwrap_or(8)
        .clamp(8, 16)
}

/// Lines for `paths` in `width` columns.
pub fn lines(paths: &[PathView], more: usize, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    lines_owned(paths, more, width, theme).0
}

/// `lines`, with the (path, step) each line belongs to (None: not a path's line; a path's head
/// has no step).
#[allow(clippy::type_complexity)]
pub fn lines_owned(
    paths: &[PathView],
    more: usize,
    width: usize,
    theme: &Theme,
) -> (Vec<Line<'static>>, Vec<Option<(usize, Option<usize>)>>) {
    let (mut out, mut owners) = steps(paths, width, theme, |i, p| {
        let mut head = vec![Span::styled(
            p.head(i + 1, theme.glyphs.sep),
            theme.heading(),
        )];
        if p.latent.is_some() {
            head.insert(
                0,
                Span::styled(format!("{} ", theme.glyphs.latent), theme.latent()),
            );
        }
        if p.assumed {
            head.insert(
                0,
                Span::styled(format!("{} ", theme.glyphs.assumed), theme.assumed()),
            );
        }
        head
    });
    if more > 0 {
        out.push(Line::from(Span::styled(
            format!("{} {more} more path(s) not shown", theme.glyphs.ellipsis),
            theme.dim(),
        )));
        owners.push(None);
    }
    (out, owners)
}

/// `--diff`: the paths that are gone (`- gone path 1 · write`), in `width` columns.
pub fn gone_lines(paths: &[PathView], width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let lost = crate::tui::marks::Mark::Lost;
    let (ls, _) = steps(paths, width, theme, |i, p| {
        vec![
            Span::styled(format!("{} ", lost.glyph()), theme.diff(lost)),
            Span::styled(
                p.head_as("gone path", i + 1, theme.glyphs.sep),
                theme.heading().patch(theme.diff(lost)),
            ),
        ]
    });
    ls
}

/// Each path as its head (from `head`) and its steps, with the (path, step) of each line.
#[allow(clippy::type_complexity)]
fn steps(
    paths: &[PathView],
    width: usize,
    theme: &Theme,
    head: impl Fn(usize, &PathView) -> Vec<Span<'static>>,
) -> (Vec<Line<'static>>, Vec<Option<(usize, Option<usize>)>>) {
    let col = rule_col(paths);
    let mut out = Vec::new();
    let mut owners = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        out.push(Line::from(head(i, p)));
        owners.push(Some((i, None)));
        for (k, s) in p.steps.iter().enumerate() {
            let rule_style = if s.assumed {
                theme.assumed()
            } else {
                theme.rule_id()
            };
            let mut spans = vec![
                Span::styled(format!("{:<col$} ", s.rule), rule_style),
                Span::styled(s.text.clone(), theme.text()),
            ];
            // an assumed step already says so in its text
            if !s.text.ends_with(&format!("[{}]", s.source)) {
                spans.push(Span::styled(format!(" [{}]", s.source), theme.source()));
            }
            let wrapped = wrap(spans, width, col + 1, theme.glyphs.ellipsis);
            owners.extend(wrapped.iter().map(|_| Some((i, Some(k)))));
            out.extend(wrapped);
        }
    }
    (out, owners)
}
