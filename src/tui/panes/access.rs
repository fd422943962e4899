//! Access: for a selected resource, every principal that reaches it (who_can) with a summary of
//! what it can do; for a selected identity, every resource it reaches (what_can). Below the
//! list, the highlighted row's paths as steps. Under `--diff` rows are marked `+` (gained),
//! `-` (lost: a row that only OLD has, with the path that is gone) or `~` (reached another
//! way), changed rows first.

use crate::engine::{Engine, Reached, WhatCan, WhoCan};
use crate::finding::Severity;
use crate::model::{PrincipalId, PrincipalKind, ScopeId};
use crate::tui::listing::Listing;
use crate::tui::marks::{Mark, RowDiff};
use crate::tui::mask::show;
use crate::tui::panes::kind_tag;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{block, list_pane};
use crate::tui::widgets::path_view::{gone_lines, lines, PathView};
use crate::tui::widgets::text::{fit, highlighted, with_tag};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

#[derive(Debug)]
pub struct AccessRow {
    pub name: String,
    /// Principal kind (who_can) or None for a resource (what_can).
    pub kind: Option<PrincipalKind>,
    pub tag: String,
    /// What it can do, e.g. `read write score`.
    pub actions: String,
    pub paths: Vec<PathView>,
    pub more: usize,
    pub principal: Option<PrincipalId>,
    pub scope: Option<ScopeId>,
    /// Some path depends on a what-if assumption.
    pub assumed: bool,
    /// Operations whose paths are still to be asked for (a who-can summary row: paths are
    /// fetched when the row is highlighted).
    pub pending: Vec<String>,
    /// `--diff`: what changed for this row since OLD.
    pub diff: Option<RowDiff>,
}

impl AccessRow {
    /// The `--diff` marker of the row.
    pub fn mark(&self) -> Option<Mark> {
        self.diff.as_ref().and_then(RowDiff::mark)
    }
}

#[derive(Debug, Default)]
pub struct AccessPane {
    pub title: String,
    pub rows: Vec<AccessRow>,
    pub list: Listing,
    /// Shown instead of the list when there is nothing (no selection, an error).
    pub message: Option<String>,
    pub notes: Vec<String>,
    /// Paths pane scroll: (the row it applies to, first line shown). Another row starts at 0.
    pub paths_scroll: (usize, usize),
    /// `--policy`: rows that break a policy rule, as (principal, resource), marked `!`.
    pub flagged: Vec<(Option<PrincipalId>, Option<ScopeId>)>,
}

impl AccessPane {
    pub fn new() -> AccessPane {
        AccessPane {
            title: "Access".into(),
            message: Some("Select a resource or an identity (Enter) to see access.".into()),
            ..AccessPane::default()
        }
    }

    fn set_rows(&mut self, title: String, rows: Vec<AccessRow>, notes: Vec<String>) {
        let hay = rows.iter().map(|r| r.name.clone()).collect();
        self.title = title;
        self.message = rows
            .is_empty()
            .then(|| "Nobody reaches it by any path reach knows.".to_string());
        self.rows = rows;
        self.notes = notes.iter().map(|n| show(n).into_owned()).collect();
        let h = self.list.cursor.height;
        self.list = Listing::new(hay);
        self.list.set_height(h);
        self.paths_scroll = (0, 0);
    }

    pub fn show_who_can(&mut self, w: &WhoCan, action: Option<&str>) {
        let rows = w
            .principals
            .iter()
            .map(|pa| AccessRow {
                name: show(&pa.principal.name).into_owned(),
                kind: Some(pa.principal.kind),
                tag: String::new(),
                actions: short_ops(&pa.actions),
                paths: pa.paths.iter().map(PathView::of).collect(),
                more: pa.more_paths,
                principal: Some(pa.principal.pid),
                scope: None,
                assumed: pa.paths.iter().any(|p| p.assumed),
                pending: Vec::new(),
                diff: None,
            })
            .collect();
        let title = format!(
            "Access to {} · {}",
            show(&w.resource.name),
            action.unwrap_or("all actions")
        );
        self.set_rows(title, rows, w.notes.clone());
    }

    pub fn show_what_can(&mut self, e: &Engine, w: &WhatCan, action: Option<&str>) {
        let rows = w
            .resources
            .iter()
            .map(|ra| AccessRow {
                name: show(&ra.resource.name).into_owned(),
                kind: None,
                tag: ra.resource.kind.word().to_string(),
                actions: short_ops(&ra.actions),
                paths: ra.paths.iter().map(PathView::of).collect(),
                more: ra.more_paths,
                principal: None,
                scope: e.model().scope_by_arm(&ra.resource.id),
                assumed: ra.paths.iter().any(|p| p.assumed),
                // a summary row (no paths yet): fetched when highlighted
                pending: if ra.paths.is_empty() {
                    ra.actions.clone()
                } else {
                    Vec::new()
                },
                diff: None,
            })
            .collect();
        let title = format!(
            "{} reaches · {}",
            show(&w.principal.name),
            action.unwrap_or("all actions")
        );
        self.set_rows(title, rows, w.notes.clone());
    }

    /// Who reaches the resource, without paths yet (`Engine::who_can_summary`): the cheap list
    /// for large tenants; the highlighted row's paths come from `fill_paths`.
    pub fn show_summary(
        &mut self,
        resource: &str,
        rows: Vec<Reached>,
        notes: Vec<String>,
        action: Option<&str>,
    ) {
        // thousands of rows share a few sets of operations: each is shortened once
        let mut shortened: std::collections::HashMap<Vec<String>, String> = Default::default();
        let rows = rows
            .into_iter()
            .map(|r| AccessRow {
                name: shown(r.principal.name),
                kind: Some(r.principal.kind),
                tag: String::new(),
                actions: match shortened.get(&r.actions) {
                    Some(s) => s.clone(),
                    None => {
                        let s = short_ops(&r.actions);
                        shortened.insert(r.actions.clone(), s.clone());
                        s
                    }
                },
                paths: Vec::new(),
                more: 0,
                principal: Some(r.principal.pid),
                scope: None,
                assumed: r.assumed,
                pending: r.actions,
                diff: None,
            })
            .collect();
        let title = format!(
            "Access to {} · {}",
            show(resource),
            action.unwrap_or("all actions")
        );
        self.set_rows(title, rows, notes);
    }

    /// The highlighted row, when its paths are still to be fetched: its principal (who-can
    /// rows) or resource (what-can rows), and the operations.
    pub fn wants_paths(&self) -> Option<(Option<PrincipalId>, Option<ScopeId>, Vec<String>)> {
        let r = self.current()?;
        (!r.pending.is_empty()).then(|| (r.principal, r.scope, r.pending.clone()))
    }

    /// Give the highlighted row its paths.
    pub fn fill_paths(&mut self, paths: Vec<PathView>, more: usize) {
        if let Some(i) = self.list.current() {
            let r = &mut self.rows[i];
            r.assumed |= paths.iter().any(|p| p.assumed);
            r.paths = paths;
            r.more = more;
            r.pending.clear();
        }
    }

    /// `--diff`: add the rows only OLD has (lost access), then list the changed rows first
    /// (gained, lost, reached another way; the rest keep their order). The cursor goes to the
    /// top, as after any new query.
    pub fn mark_diff(&mut self, lost: Vec<AccessRow>) {
        if lost.is_empty() && self.rows.iter().all(|r| r.mark().is_none()) {
            return;
        }
        let mut rows = std::mem::take(&mut self.rows);
        rows.extend(lost);
        rows.sort_by_key(|r| r.mark().map_or(3, |m| m as u8));
        let title = self.title.clone();
        let notes = std::mem::take(&mut self.notes);
        self.set_rows(title, rows, Vec::new());
        // notes were escaped when first set
        self.notes = notes;
    }

    pub fn show_error(&mut self, title: String, msg: &str) {
        self.set_rows(title, Vec::new(), Vec::new());
        self.message = Some(show(msg).into_owned());
    }

    pub fn current(&self) -> Option<&AccessRow> {
        self.list.current().map(|i| &self.rows[i])
    }

    pub fn render(
        &self,
        list_area: Rect,
        paths_area: Rect,
        buf: &mut Buffer,
        theme: &Theme,
        focused: bool,
    ) {
        let title = if self.rows.is_empty() {
            self.title.clone()
        } else {
            format!("{} ({})", self.title, self.rows.len())
        };
        if let Some(msg) = &self.message {
            let b = block(&title, focused, theme, list_area.width);
            let inner = b.inner(list_area);
            b.render(list_area, buf);
            let l = fit(
                vec![Span::styled(msg.clone(), theme.dim())],
                inner.width as usize,
                theme.glyphs.ellipsis,
            );
            buf.set_line(inner.x + 1, inner.y, &l, inner.width.saturating_sub(1));
        } else {
            list_pane(
                list_area,
                buf,
                theme,
                focused,
                &title,
                &self.list,
                |i, hl, w| self.row_line(i, hl, w, theme),
            );
        }
        self.render_paths(paths_area, buf, theme);
    }

    fn row_line(&self, i: usize, hl: &[usize], w: usize, theme: &Theme) -> Line<'static> {
        let r = &self.rows[i];
        let style = r.kind.map_or(theme.resource(), |k| theme.principal(k));
        let tag = match r.kind {
            Some(k) => format!("{:<3}", kind_tag(k, false)),
            None => String::new(),
        };
        let mut left = vec![Span::styled(tag, theme.kind_tag())];
        if self.flagged.contains(&(r.principal, r.scope)) {
            left.push(Span::styled("! ", theme.finding(Severity::Error)));
        }
        if let Some(m) = r.mark() {
            left.push(Span::styled(format!("{} ", m.glyph()), theme.diff(m)));
        }
        if r.assumed {
            left.push(Span::styled(
                format!("{} ", theme.glyphs.assumed),
                theme.assumed(),
            ));
        }
        left.extend(highlighted(&r.name, hl, style, theme.matched()));
        if r.kind.is_none() {
            left.push(Span::styled(format!(" {}", r.tag), theme.kind_tag()));
        }
        // the name keeps at least half the row; the summary gives way first
        let name_w = crate::tui::widgets::text::width(&r.name).min((w / 2).max(16));
        let room = w.saturating_sub(name_w + 5 + r.tag.len());
        let ops = crate::tui::widgets::text::truncate(&r.actions, room, theme.glyphs.ellipsis);
        let right = Span::styled(ops, theme.actions());
        with_tag(left, right, w, theme.glyphs.ellipsis)
    }

    /// The Paths pane's lines for the highlighted row at `w` columns.
    pub fn path_lines(&self, w: usize, theme: &Theme) -> Vec<Line<'static>> {
        let mut ls = match self.current() {
            Some(r) => {
                let mut ls = Vec::new();
                if let Some(d) = &r.diff {
                    ls.extend(diff_lines(d, w, theme));
                }
                ls.extend(lines(&r.paths, r.more, w, theme));
                if let Some(d) = &r.diff {
                    ls.extend(gone_lines(&d.gone, w, theme));
                }
                ls
            }
            None => Vec::new(),
        };
        for n in &self.notes {
            ls.push(fit(
                vec![Span::styled(format!("note: {n}"), theme.dim())],
                w,
                theme.glyphs.ellipsis,
            ));
        }
        ls
    }

    /// The Paths pane's text width and height for its area.
    pub fn paths_body(area: Rect) -> (usize, usize) {
        (
            area.width.saturating_sub(3) as usize,
            area.height.saturating_sub(2) as usize,
        )
    }

    /// The first Paths line shown (0 unless scrolled on this row).
    pub fn paths_offset(&self) -> usize {
        match self.list.current() {
            Some(row) if row == self.paths_scroll.0 => self.paths_scroll.1,
            _ => 0,
        }
    }

    /// Scroll the Paths pane of the highlighted row, within `total` lines in `h` rows.
    pub fn scroll_paths(&mut self, m: crate::tui::cursor::Move, total: usize, h: usize) {
        use crate::tui::cursor::Move;
        let Some(row) = self.list.current() else {
            return;
        };
        let last = total.saturating_sub(h.max(1));
        let at = self.paths_offset();
        let page = h.max(2) - 1;
        let next = match m {
            Move::Up => at.saturating_sub(1),
            Move::Down => at + 1,
            Move::PageUp => at.saturating_sub(page),
            Move::PageDown => at + page,
            Move::Top => 0,
            Move::Bottom => last,
        };
        self.paths_scroll = (row, next.min(last));
    }

    fn render_paths(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let cur = self.current();
        let title = match cur {
            Some(r) => match r.diff.as_ref().map_or(0, |d| d.gone.len()) {
                0 => format!("Paths: {} ({})", r.name, r.paths.len()),
                gone => format!("Paths: {} ({}, {gone} gone)", r.name, r.paths.len()),
            },
            None => "Paths".to_string(),
        };
        let b = block(&title, false, theme, area.width);
        let inner = b.inner(area);
        b.render(area, buf);
        let (w, h) = Self::paths_body(area);
        let ls = self.path_lines(w, theme);
        let start = self.paths_offset().min(ls.len().saturating_sub(h));
        for (y, l) in ls.iter().skip(start).take(h).enumerate() {
            buf.set_line(inner.x + 1, inner.y + y as u16, l, w as u16);
        }
        if ls.len() > h && area.width > 20 {
            // where we are, and the keys that scroll (J/K), in the bottom border
            let more = format!(" {}/{} J/K ", (start + h).min(ls.len()), ls.len());
            let x = area.x + area.width.saturating_sub(more.len() as u16 + 1);
            buf.set_string(x, area.y + area.height - 1, more, theme.dim());
        }
    }
}

/// `+ gained: read write`, `- lost: score`, `~ reached another way: keys`: one line each.
fn diff_lines(d: &RowDiff, w: usize, theme: &Theme) -> Vec<Line<'static>> {
    Mark::ALL
        .into_iter()
        .filter(|m| !d.ops(*m).is_empty())
        .map(|m| {
            fit(
                vec![
                    Span::styled(format!("{} {}: ", m.glyph(), m.word()), theme.diff(m)),
                    Span::styled(d.ops(m).join(" "), theme.actions()),
                ],
                w,
                theme.glyphs.ellipsis,
            )
        })
        .collect()
}

/// What a principal can do, in short words: `read write score keys`.
/// `show` of a name that is not needed after: moved when it shows as it is.
fn shown(name: String) -> String {
    match show(&name) {
        std::borrow::Cow::Borrowed(_) => name,
        std::borrow::Cow::Owned(o) => o,
    }
}

pub fn short_ops(ops: &[String]) -> String {
    ops.iter()
        .map(|o| short_op(o))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One operation in a short word: `list-keys` → `keys`.
pub fn short_op(o: &str) -> &str {
    match o {
        "delete" => "del",
        "list-keys" => "keys",
        "regenerate-keys" => "regen",
        "get-token" => "token",
        "read-blobs" => "data-r",
        "write-blobs" => "data-w",
        "pull-image" => "pull",
        "push-image" => "push",
        "read-secrets" => "secrets",
        "read-connection-secrets" => "conn-secrets",
        "assign-identity" => "assign",
        "submit-job" => "jobs",
        other => other,
    }
}
