//! `draw(frame, &AppState, &Theme)`: the layout, the status and hint lines, and delegation to the
//! panes. Never mutates, queries, sorts or filters.

use crate::tui::app::{AppState, Focus, Popup};
use crate::tui::keymap;
use crate::tui::theme::Theme;
use crate::tui::widgets::text::{fit, truncate, truncate_left, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::Frame;

/// Below this the screen says "terminal too small".
pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 16;

/// Where each part of the main screen goes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Areas {
    pub status: Rect,
    pub identities: Rect,
    pub resources: Rect,
    pub edges: Rect,
    pub access: Rect,
    pub paths: Rect,
    pub hints: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_W || area.height < MIN_H
}

/// The layout for a screen size: left column of three lists of equal height (panes keep their
/// size when focus moves), right column Access over Paths. Zoomed, the focused pane takes the
/// whole space between the status and hint lines; the others get empty areas.
pub fn layout(area: Rect, focus: Focus, zoom: bool) -> Areas {
    if too_small(area) {
        return Areas::default();
    }
    let main_h = area.height - 2;
    let (x, y) = (area.x, area.y + 1);
    let status = Rect::new(x, area.y, area.width, 1);
    let hints = Rect::new(x, area.y + area.height - 1, area.width, 1);
    if zoom {
        let full = Rect::new(x, y, area.width, main_h);
        let mut a = Areas {
            status,
            hints,
            ..Areas::default()
        };
        match focus {
            Focus::Identities => a.identities = full,
            Focus::Resources => a.resources = full,
            Focus::Edges => a.edges = full,
            Focus::Access => a.access = full,
            Focus::Paths => a.paths = full,
        }
        return a;
    }
    let left_w = (area.width * 2 / 5).clamp(26, 48);
    let third = main_h / 3;
    let heights = [third, third, main_h - 2 * third];
    let access_h = (main_h * 2 / 5).max(6);
    let right_w = area.width - left_w;
    Areas {
        status,
        identities: Rect::new(x, y, left_w, heights[0]),
        resources: Rect::new(x, y + heights[0], left_w, heights[1]),
        edges: Rect::new(x, y + heights[0] + heights[1], left_w, heights[2]),
        access: Rect::new(x + left_w, y, right_w, access_h),
        paths: Rect::new(x + left_w, y + access_h, right_w, main_h - access_h),
        hints,
    }
}

/// The explain popup's text width and height for a screen.
pub fn explain_body(size: Rect) -> (usize, usize) {
    let r = crate::tui::widgets::frame::popup_rect(size, 100, 30);
    (
        r.width.saturating_sub(4) as usize,
        r.height.saturating_sub(2) as usize,
    )
}

pub fn draw(frame: &mut Frame, app: &AppState, theme: &Theme) {
    let area = frame.area();
    render(app, theme, area, frame.buffer_mut());
}

/// Draw into a buffer (the benchmark and tests use it without a terminal).
pub fn render(app: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if too_small(area) {
        draw_too_small(area, buf, theme);
        return;
    }
    let l = app.areas();
    status_line(app, theme, l.status, buf);
    if l.identities.width > 0 {
        app.identities
            .render(l.identities, buf, theme, app.focus == Focus::Identities);
    }
    if l.resources.width > 0 {
        app.resources
            .render(l.resources, buf, theme, app.focus == Focus::Resources);
    }
    if l.edges.width > 0 {
        app.edges
            .render(l.edges, buf, theme, app.focus == Focus::Edges);
    }
    let focus = (app.focus == Focus::Access, app.focus == Focus::Paths);
    app.access.render(l.access, l.paths, buf, theme, focus);
    hint_line(app, theme, l.hints, buf);
    if let Some(c) = &app.command {
        crate::tui::panes::command::render(c, area, buf, theme);
    }
    match &app.popup {
        Some(Popup::Help(h)) => h.render(area, buf, theme),
        Some(Popup::Findings) => app.findings.render(area, buf, theme),
        Some(Popup::Explain(x)) => x.render(area, buf, theme),
        Some(Popup::Fixes(f)) => f.render(area, buf, theme),
        Some(Popup::Picker(p)) => p.render(area, buf, theme),
        None => {}
    }
}

fn draw_too_small(area: Rect, buf: &mut Buffer, theme: &Theme) {
    let lines = [
        "terminal too small".to_string(),
        format!("{}x{}, need {MIN_W}x{MIN_H}", area.width, area.height),
        "resize, or press q to quit".to_string(),
    ];
    let top = area.y + area.height.saturating_sub(3) / 2;
    for (i, l) in lines.iter().enumerate() {
        let t = truncate(l, area.width as usize, theme.glyphs.ellipsis);
        let x = area.x + (area.width.saturating_sub(t.chars().count() as u16)) / 2;
        let style = if i == 0 {
            theme.message()
        } else {
            theme.text()
        };
        buf.set_string(x, top + i as u16, t, style);
    }
}

/// Status line segments, most important first: `INCOMPLETE` (input dropped while loading),
/// what-if, the diff, load errors, findings,
/// masking, the saved file, watching, the action, then the project (cut from the left) and
/// the counts. A segment shows whole or not at all; the project gives up its start first.
fn status_line(app: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, theme.status());
    let sep = theme.glyphs.sep;
    let mut line = Segments {
        x: area.x,
        y: area.y,
        room: area.width as usize,
    };
    let mut put = |text: &str, style: Style, buf: &mut Buffer| line.put(text, style, buf);
    let base = theme.status();
    let strong = base.add_modifier(Modifier::BOLD);
    if !app.incomplete.is_empty() {
        // input was dropped (a file over a limit, unreadable, not parsed…): answers may miss
        // access. The load errors (F) follow.
        let t = format!(
            " INCOMPLETE: {}",
            crate::load::incomplete::summary(&app.incomplete)
        );
        let n = app.incomplete.len();
        let medium = format!(" INCOMPLETE: {n} file{}", plural(n));
        let style = strong.patch(theme.message());
        // the whole marker when it leaves room for the rest (under --diff, for the diff's
        // counts); else the count of files (F lists them), else the word alone
        let room = put("", base, buf).1;
        let reserve = if app.diff.is_some() { 80 } else { 45 };
        let t = [(t, reserve), (medium, reserve / 2)]
            .into_iter()
            .find(|(t, rest)| width(t) + rest <= room)
            .map_or_else(|| " INCOMPLETE".to_string(), |(t, _)| t);
        put(&t, style, buf);
    }
    let n = app.assumptions.len();
    if n > 0 {
        let t = format!(" {} {n} assumed (X clears)", theme.glyphs.assumed);
        put(&t, base.patch(theme.assumed()), buf);
    }
    if let Some(d) = &app.diff {
        // the counts, then OLD; short counts and OLD cut from the left when the line is short
        let room = put("", base, buf).1;
        let old = d.old_shown();
        let fixed = |words: &str| width(words) + width("   (D)");
        let mut words = d.counts_text(false);
        if fixed(&words) + width(&old).min(24) > room {
            words = d.counts_text(true);
        }
        let old = truncate_left(
            &old,
            room.saturating_sub(fixed(&words)).max(8),
            theme.glyphs.ellipsis,
        );
        let t = truncate(&format!(" {words} {old} (D)"), room, theme.glyphs.ellipsis);
        put(&t, strong, buf);
    }
    let errors = app.load_errors();
    if errors > 0 {
        let lead = if app.incomplete.is_empty() {
            String::new()
        } else {
            format!(" {sep}")
        };
        let t = format!(
            "{lead} {errors} load error{} (F)",
            if errors == 1 { "" } else { "s" }
        );
        put(&t, base.patch(theme.message()), buf);
    }
    let findings = app.findings.present().count() - errors;
    let f = if errors > 0 {
        format!(" {sep} {findings} other finding{}", plural(findings))
    } else {
        format!(" {findings} finding{} (F)", plural(findings))
    };
    put(&f, base, buf);
    // inputs `reach collect` could not read: answers may be missing principals
    let gaps = app
        .findings
        .present()
        .filter(|r| {
            r.rule == crate::load::collect_manifest::RULE
                && r.severity != crate::finding::Severity::Info
        })
        .count();
    if gaps > 0 {
        put(
            &format!(" {sep} {gaps} not collected (F)"),
            base.patch(theme.message()),
            buf,
        );
    }
    if crate::tui::mask::is_on() {
        put(&format!(" {sep} "), base, buf);
        put("masked", strong, buf);
    }
    if let Some(file) = &app.saved {
        put(&format!(" {sep} saved {file}"), base, buf);
    }
    if app.watching {
        put(&format!(" {sep} watching"), base, buf);
    }
    if let Some(op) = app.action {
        put(&format!(" {sep} action: {op}"), base, buf);
    }
    let counts = format!(
        " {sep} {} identities {sep} {} resources",
        app.identities.rows.len(),
        app.resources.rows.len()
    );
    let room = put("", base, buf).1;
    let fixed = width(&format!(" {sep}  ")) + width(" reach");
    let project = if room > fixed + 8 {
        truncate_left(
            &app.project,
            room.saturating_sub(fixed + if room > 60 { width(&counts) } else { 0 }),
            theme.glyphs.ellipsis,
        )
    } else {
        String::new()
    };
    if !project.is_empty() {
        put(&format!(" {sep} reach {project}"), base, buf);
    }
    put(&counts, base, buf);
}

/// Where the next status segment goes, and the room left.
struct Segments {
    x: u16,
    y: u16,
    room: usize,
}

impl Segments {
    /// Put `text` when it fits whole; (whether it did, the room left).
    fn put(&mut self, text: &str, style: Style, buf: &mut Buffer) -> (bool, usize) {
        let w = width(text);
        if w > self.room {
            return (false, self.room);
        }
        buf.set_string(self.x, self.y, text, style);
        self.x += w as u16;
        self.room -= w;
        (true, self.room)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn hint_line(app: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let w = area.width as usize;
    let edge = (app.focus == Focus::Edges && app.popup.is_none() && app.command.is_none())
        .then(|| app.edges.current())
        .flatten();
    let line = match (&app.message, edge) {
        (Some(m), _) => fit(
            vec![Span::styled(format!(" {m}"), theme.message())],
            w,
            theme.glyphs.ellipsis,
        ),
        // the highlighted role edge in full: the pane cuts it
        (None, Some(e)) => fit(
            crate::tui::panes::edges::detail(e, theme),
            w,
            theme.glyphs.ellipsis,
        ),
        (None, None) => {
            // whole hints only, in priority order, as many as fit
            let mut spans = vec![Span::raw(" ")];
            let mut used = 1;
            for (key, word) in keymap::hints(&app.contexts()) {
                let n = key.chars().count() + word.chars().count() + 3;
                if used + n > w {
                    break;
                }
                used += n;
                spans.push(Span::styled(key, theme.key()));
                spans.push(Span::raw(format!(" {word}  ")));
            }
            ratatui::text::Line::from(spans)
        }
    };
    buf.set_line(area.x, area.y, &line, area.width);
}
