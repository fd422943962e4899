//! Access: for a selected resource, every principal that reaches it (who_can) with what it can
//! do; for a selected identity, every resource it reaches (what_can). Rows are in natural order
//! (`user2` before `user10`) under a header; each operation has a column with a one-letter code
//! (the legend is in `?` and the operations are named in full, as the CLI names them, on the
//! Paths pane's first line). Below the list, the highlighted row's paths as steps. Under
//! `--diff` rows are marked `+` (gained), `-` (lost: a row that only OLD has, with the path that
//! is gone) or `~` (reached another way), changed rows first.

use crate::engine::action::OPERATIONS;
use crate::engine::{Engine, Reached, WhatCan, WhoCan};
use crate::finding::Severity;
use crate::model::{PrincipalId, PrincipalKind, ScopeId};
use crate::tui::listing::Listing;
use crate::tui::marks::{Mark, RowDiff};
use crate::tui::mask::show;
use crate::tui::panes::kind_tag;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{block, list_pane_with_header};
use crate::tui::widgets::path_view::{gone_lines, lines_owned, PathView};
use crate::tui::widgets::text::{fit, highlighted, natural_key, with_tag, with_tags, wrap};
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
    /// The operations it can perform, as the CLI names them (`read`, `read-blobs`…).
    pub ops: Vec<String>,
    /// `ops` joined with spaces.
    pub actions: String,
    pub paths: Vec<PathView>,
    pub more: usize,
    pub principal: Option<PrincipalId>,
    pub scope: Option<ScopeId>,
    /// Some path depends on a what-if assumption.
    pub assumed: bool,
    /// Reached by latent paths only (`eligible`).
    pub latent: Option<&'static str>,
    /// Reached only by paths an undecided ABAC condition makes conditional.
    pub conditional: bool,
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
    /// Paths pane cursor (when it has focus): (the row it applies to, line).
    pub paths_line: (usize, usize),
    /// The operations with a column, in the order of `OPERATIONS`.
    pub columns: Vec<String>,
    /// The engine is working on the list (the message says what).
    pub waiting: bool,
    /// The row whose paths were asked for.
    pub asked_paths: Option<usize>,
    /// The spinner's frame (set by the app while the engine works).
    pub spin: usize,
}

/// The one-letter code of an operation in the Access columns (the legend is in `?`).
pub fn code(op: &str) -> char {
    match op {
        "read" => 'r',
        "write" => 'w',
        "delete" => 'd',
        "score" => 's',
        "list-keys" => 'k',
        "regenerate-keys" => 'g',
        "get-token" => 't',
        "read-blobs" => 'b',
        "write-blobs" => 'B',
        "pull-image" => 'p',
        "push-image" => 'P',
        "read-secrets" => 'x',
        "read-connection-secrets" => 'c',
        "assign-identity" => 'i',
        "submit-job" => 'j',
        "studio-deploy" => 'u',
        _ => '*',
    }
}

/// What the Paths pane shows: its lines and, for each, the path and step it belongs to.
pub struct PathsBody {
    pub lines: Vec<Line<'static>>,
    /// (path, step) of each line: None for a heading or note; (p, None) for a path's head.
    pub owners: Vec<Option<(usize, Option<usize>)>>,
}

impl PathsBody {
    /// The lines where a path starts.
    pub fn heads(&self) -> Vec<usize> {
        self.owners
            .iter()
            .enumerate()
            .filter(|(_, o)| matches!(o, Some((_, None))))
            .map(|(i, _)| i)
            .collect()
    }
}

impl AccessPane {
    pub fn new() -> AccessPane {
        AccessPane {
            title: "Access".into(),
            message: Some("Select a resource or an identity (Enter).".into()),
            ..AccessPane::default()
        }
    }

    /// The list cleared while the engine works out `title`'s rows (`what` says so).
    pub fn pending(&mut self, title: String, what: String) {
        self.set_rows(title, Vec::new(), Vec::new(), None);
        self.message = Some(format!("{what}… (select something else to cancel)"));
        self.waiting = true;
    }

    fn set_rows(
        &mut self,
        title: String,
        mut rows: Vec<AccessRow>,
        notes: Vec<String>,
        empty: Option<String>,
    ) {
        rows.sort_by_cached_key(|r| natural_key(&r.name));
        let hay = rows.iter().map(|r| r.name.clone()).collect();
        self.title = title;
        self.waiting = false;
        self.asked_paths = None;
        self.message = rows.is_empty().then(|| {
            empty.unwrap_or_else(|| "Nobody reaches it by any path reach knows.".to_string())
        });
        let mut cols: Vec<&str> = Vec::new();
        for r in &rows {
            for o in &r.ops {
                if !cols.contains(&o.as_str()) {
                    cols.push(o);
                }
            }
        }
        let rank = |o: &str| {
            OPERATIONS
                .iter()
                .position(|x| *x == o)
                .unwrap_or(usize::MAX)
        };
        cols.sort_by_key(|o| rank(o));
        self.columns = cols.into_iter().map(str::to_string).collect();
        self.rows = rows;
        self.notes = notes.iter().map(|n| show(n).into_owned()).collect();
        let h = self.list.cursor.height;
        self.list = Listing::new(hay);
        self.list.set_height(h);
        self.paths_scroll = (0, 0);
        self.paths_line = (0, 0);
    }

    pub fn show_who_can(&mut self, w: &WhoCan, action: Option<&str>) {
        let rows = w
            .principals
            .iter()
            .map(|pa| AccessRow {
                name: show(&pa.principal.name).into_owned(),
                kind: Some(pa.principal.kind),
                tag: String::new(),
                ops: pa.actions.clone(),
                actions: pa.actions.join(" "),
                paths: pa.paths.iter().map(PathView::of).collect(),
                more: pa.more_paths,
                principal: Some(pa.principal.pid),
                scope: None,
                assumed: pa.paths.iter().any(|p| p.assumed),
                latent: pa.latent,
                conditional: pa.conditional,
                pending: Vec::new(),
                diff: None,
            })
            .collect();
        let title = format!(
            "Access to {} · {}",
            show(&w.resource.name),
            action.unwrap_or("all actions")
        );
        self.set_rows(title, rows, w.notes.clone(), None);
    }

    pub fn show_what_can(&mut self, e: &Engine, w: &WhatCan, action: Option<&str>) {
        let rows = w
            .resources
            .iter()
            .map(|ra| AccessRow {
                name: show(&ra.resource.name).into_owned(),
                kind: None,
                tag: ra.resource.kind.word().to_string(),
                ops: ra.actions.clone(),
                actions: ra.actions.join(" "),
                paths: ra.paths.iter().map(PathView::of).collect(),
                more: ra.more_paths,
                principal: None,
                scope: e.model().scope_by_arm(&ra.resource.id),
                assumed: ra.assumed || ra.paths.iter().any(|p| p.assumed),
                latent: ra.latent,
                conditional: ra.conditional,
                // a summary row (no paths yet): fetched when highlighted
                pending: if ra.paths.is_empty() {
                    ra.actions.clone()
                } else {
                    Vec::new()
                },
                diff: None,
            })
            .collect();
        let name = show(&w.principal.name);
        let title = format!("What {name} reaches · {}", action.unwrap_or("all actions"));
        let empty = match action {
            Some(op) => format!("{name} cannot {op} anything by any path reach knows."),
            None => format!("{name} reaches nothing by any path reach knows."),
        };
        self.set_rows(title, rows, w.notes.clone(), Some(empty));
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
        // thousands of rows share a few sets of operations: each is joined once
        let mut joined: std::collections::HashMap<Vec<String>, String> = Default::default();
        let rows = rows
            .into_iter()
            .map(|r| AccessRow {
                name: shown(r.principal.name),
                kind: Some(r.principal.kind),
                tag: String::new(),
                actions: match joined.get(&r.actions) {
                    Some(s) => s.clone(),
                    None => {
                        let s = r.actions.join(" ");
                        joined.insert(r.actions.clone(), s.clone());
                        s
                    }
                },
                ops: r.actions.clone(),
                paths: Vec::new(),
                more: 0,
                principal: Some(r.principal.pid),
                scope: None,
                assumed: r.assumed,
                latent: r.latent,
                conditional: r.conditional,
                pending: r.actions,
                diff: None,
            })
            .collect();
        let title = format!(
            "Access to {} · {}",
            show(resource),
            action.unwrap_or("all actions")
        );
        self.set_rows(title, rows, notes, None);
    }

    /// The highlighted row, when its paths are still to be fetched: its principal (who-can
    /// rows) or resource (what-can rows), and the operations.
    pub fn wants_paths(&self) -> Option<(Option<PrincipalId>, Option<ScopeId>, Vec<String>)> {
        let row = self.list.current()?;
        let r = self.rows.get(row)?;
        let asked = self.asked_paths == Some(row);
        (!r.pending.is_empty() && !asked).then(|| (r.principal, r.scope, r.pending.clone()))
    }

    /// Whether the highlighted row's paths are being worked out.
    pub fn paths_waiting(&self) -> bool {
        let row = self.list.current();
        row.is_some()
            && self.asked_paths == row
            && self.current().is_some_and(|r| !r.pending.is_empty())
    }

    /// Give the highlighted row its paths (when it is the row they were asked for).
    pub fn fill_paths(&mut self, paths: Vec<PathView>, more: usize) {
        if let Some(i) = self.list.current().filter(|i| self.asked_paths == Some(*i)) {
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
        rows.sort_by_cached_key(|r| (r.mark().map_or(3, |m| m as u8), natural_key(&r.name)));
        let title = self.title.clone();
        let notes = std::mem::take(&mut self.notes);
        self.set_rows(title, rows, Vec::new(), None);
        // changed rows first (set_rows sorts by name only)
        self.rows
            .sort_by_cached_key(|r| (r.mark().map_or(3, |m| m as u8), natural_key(&r.name)));
        let hay = self.rows.iter().map(|r| r.name.clone()).collect();
        let h = self.list.cursor.height;
        self.list = Listing::new(hay);
        self.list.set_height(h);
        // notes were escaped when first set
        self.notes = notes;
    }

    pub fn show_error(&mut self, title: String, msg: &str) {
        self.set_rows(title, Vec::new(), Vec::new(), None);
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
        focus: (bool, bool),
    ) {
        let (focused, paths_focused) = focus;
        if list_area.width > 0 {
            self.render_list(list_area, buf, theme, focused);
        }
        if paths_area.width > 0 {
            self.render_paths(paths_area, buf, theme, paths_focused);
        }
    }

    fn render_list(&self, area: Rect, buf: &mut Buffer, theme: &Theme, focused: bool) {
        let title = if self.rows.is_empty() {
            self.title.clone()
        } else {
            format!("{} ({})", self.title, thousands(self.rows.len()))
        };
        if let Some(msg) = &self.message {
            let b = block(&title, focused, theme, area.width);
            let inner = b.inner(area);
            b.render(area, buf);
            let mut spans = Vec::new();
            if self.waiting {
                let g = theme.glyphs.spinner;
                spans.push(Span::styled(
                    format!("{} ", g[self.spin % g.len()]),
                    theme.key(),
                ));
            }
            spans.push(Span::styled(msg.clone(), theme.dim()));
            let l = fit(spans, inner.width as usize, theme.glyphs.ellipsis);
            buf.set_line(inner.x + 1, inner.y, &l, inner.width.saturating_sub(1));
            return;
        }
        // the width the rows get (inside the borders, after the cursor column)
        let header = self.header(area.width.saturating_sub(4) as usize, theme);
        list_pane_with_header(
            area,
            buf,
            theme,
            focused,
            &title,
            &self.list,
            header,
            |i, hl, w| self.row_line(i, hl, w, theme),
        );
    }

    /// The width of the operation columns (2 columns each), when they leave the name room.
    fn columns_width(&self, w: usize) -> usize {
        let n = self.columns.len() * 2;
        if w >= n + 12 {
            n
        } else {
            0
        }
    }

    /// `     NAME                         r w k b B` (the codes over their columns).
    fn header(&self, w: usize, theme: &Theme) -> Line<'static> {
        let cols = self.columns_width(w);
        let first = if self.rows.iter().any(|r| r.kind.is_none()) {
            "RESOURCE"
        } else {
            "PRINCIPAL"
        };
        let codes: String = self
            .columns
            .iter()
            .map(|o| format!(" {}", code(o)))
            .collect();
        let left = Span::styled(format!("   {first}"), theme.heading());
        if cols == 0 {
            return fit(vec![left], w, theme.glyphs.ellipsis);
        }
        with_tag(
            vec![left],
            Span::styled(codes, theme.heading()),
            w,
            theme.glyphs.ellipsis,
        )
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
        if r.latent.is_some() {
            left.push(Span::styled(
                format!("{} ", theme.glyphs.latent),
                theme.latent(),
            ));
        }
        if r.conditional {
            left.push(Span::styled(
                format!("{} ", theme.glyphs.conditional),
                theme.latent(),
            ));
        }
        left.extend(highlighted(&r.name, hl, style, theme.matched()));
        if r.kind.is_none() {
            left.push(Span::styled(format!(" {}", r.tag), theme.kind_tag()));
        }
        if self.columns_width(w) == 0 {
            return fit(left, w, theme.glyphs.ellipsis);
        }
        let none = if theme.ascii() { "." } else { "·" };
        let mut cells = Vec::new();
        for o in &self.columns {
            let has = r.ops.iter().any(|x| x == o);
            cells.push(Span::raw(" "));
            cells.push(if has {
                Span::styled(code(o).to_string(), theme.actions())
            } else {
                Span::styled(none, theme.dim())
            });
        }
        with_tags(left, cells, w, theme.glyphs.ellipsis)
    }

    /// The Paths pane's lines for the highlighted row at `w` columns.
    pub fn path_lines(&self, w: usize, theme: &Theme) -> Vec<Line<'static>> {
        self.paths_body_lines(w, theme).lines
    }

    /// The Paths pane's lines, with the path and step each belongs to: the row's operations in
    /// full, what changed under `--diff`, the paths, the paths gone, the notes.
    pub fn paths_body_lines(&self, w: usize, theme: &Theme) -> PathsBody {
        let mut body = PathsBody {
            lines: Vec::new(),
            owners: Vec::new(),
        };
        let other = |body: &mut PathsBody, ls: Vec<Line<'static>>| {
            body.owners.extend(ls.iter().map(|_| None));
            body.lines.extend(ls);
        };
        if let Some(r) = self.current() {
            if let Some(d) = &r.diff {
                other(&mut body, diff_lines(d, w, theme));
            }
            if !r.ops.is_empty() {
                let can = wrap(
                    vec![
                        Span::styled("can: ", theme.dim()),
                        Span::styled(r.ops.join(" "), theme.actions()),
                    ],
                    w,
                    5,
                    theme.glyphs.ellipsis,
                );
                other(&mut body, can);
            }
            if self.paths_waiting() {
                let g = theme.glyphs.spinner;
                other(
                    &mut body,
                    vec![Line::from(vec![
                        Span::styled(format!("{} ", g[self.spin % g.len()]), theme.key()),
                        Span::styled("finding the paths…", theme.dim()),
                    ])],
                );
            }
            let (ls, owners) = lines_owned(&r.paths, r.more, w, theme);
            body.lines.extend(ls);
            body.owners.extend(owners);
            if let Some(d) = &r.diff {
                other(&mut body, gone_lines(&d.gone, w, theme));
            }
        }
        for n in &self.notes {
            let l = fit(
                vec![Span::styled(format!("note: {n}"), theme.dim())],
                w,
                theme.glyphs.ellipsis,
            );
            other(&mut body, vec![l]);
        }
        body
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

    /// The Paths cursor line (0 on another row than the one it was moved on).
    pub fn paths_cursor(&self) -> usize {
        match self.list.current() {
            Some(row) if row == self.paths_line.0 => self.paths_line.1,
            _ => 0,
        }
    }

    /// Put the Paths cursor on `line` of `total`, scrolled into a view of `h` lines.
    pub fn set_paths_cursor(&mut self, line: usize, total: usize, h: usize) {
        let Some(row) = self.list.current() else {
            return;
        };
        let line = line.min(total.saturating_sub(1));
        self.paths_line = (row, line);
        let first = crate::tui::cursor::visible_offset(self.paths_offset(), line, h);
        self.paths_scroll = (row, first);
    }

    /// Move the Paths cursor (the pane has focus).
    pub fn move_paths_cursor(&mut self, m: crate::tui::cursor::Move, total: usize, h: usize) {
        use crate::tui::cursor::Move;
        let at = self.paths_cursor();
        let page = h.max(2) - 1;
        let next = match m {
            Move::Up => at.saturating_sub(1),
            Move::Down => at + 1,
            Move::PageUp => at.saturating_sub(page),
            Move::PageDown => at + page,
            Move::Top => 0,
            Move::Bottom => total,
        };
        self.set_paths_cursor(next, total, h);
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

    fn render_paths(&self, area: Rect, buf: &mut Buffer, theme: &Theme, focused: bool) {
        let cur = self.current();
        let title = match cur {
            Some(r) => match r.diff.as_ref().map_or(0, |d| d.gone.len()) {
                0 => format!("Paths: {} ({})", r.name, r.paths.len()),
                gone => format!("Paths: {} ({}, {gone} gone)", r.name, r.paths.len()),
            },
            None => "Paths".to_string(),
        };
        let b = block(&title, focused, theme, area.width);
        let inner = b.inner(area);
        b.render(area, buf);
        let (w, h) = Self::paths_body(area);
        let ls = self.path_lines(w, theme);
        let cursor = self.paths_cursor();
        let mut start = self.paths_offset().min(ls.len().saturating_sub(h));
        if focused {
            start = crate::tui::cursor::visible_offset(start, cursor, h);
        }
        for (y, l) in ls.iter().enumerate().skip(start).take(h) {
            let row = inner.y + (y - start) as u16;
            buf.set_line(inner.x + 1, row, l, w as u16);
            if focused && y == cursor {
                buf.set_string(inner.x, row, theme.glyphs.cursor, theme.text());
                buf.set_style(
                    Rect::new(inner.x, row, inner.width, 1),
                    theme.selected(true),
                );
            }
        }
        if ls.len() > h && area.width > 24 {
            // where we are, and the keys that move (5 focuses; J/K from elsewhere)
            let keys = if focused { "n/N j/k" } else { "J/K 5" };
            let more = format!(" {}/{} {keys} ", (start + h).min(ls.len()), ls.len());
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

/// `show` of a name that is not needed after: moved when it shows as it is.
fn shown(name: String) -> String {
    match show(&name) {
        std::borrow::Cow::Borrowed(_) => name,
        std::borrow::Cow::Owned(o) => o,
    }
}

/// `12,275`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_separators_and_codes_are_distinct() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_275), "12,275");
        assert_eq!(thousands(1_000_000), "1,000,000");
        let codes: std::collections::HashSet<char> = OPERATIONS.iter().map(|o| code(o)).collect();
        assert_eq!(codes.len(), OPERATIONS.len());
        assert!(!codes.contains(&'*'));
    }
}
