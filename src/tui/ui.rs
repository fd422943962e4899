//! `draw(frame, &AppState, &Theme)`: the layout, the status and hint lines, and delegation to the
//! panes. Never mutates, queries, sorts or filters.

use crate::tui::app::{AppState, Focus, Popup};
use crate::tui::keymap;
use crate::tui::theme::Theme;
use crate::tui::widgets::text::{fit, truncate, truncate_left, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
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

/// The layout for a screen size: left column of three lists (the focused one taller), right
/// column Access over Paths.
pub fn layout(area: Rect, focus: Focus) -> Areas {
    if too_small(area) {
        return Areas::default();
    }
    let main_h = area.height - 2;
    let left_w = (area.width * 2 / 5).clamp(26, 48);
    let (x, y) = (area.x, area.y + 1);
    let thirds = [main_h / 3, main_h / 3, main_h - 2 * (main_h / 3)];
    let big = main_h / 2;
    let small = (main_h - big) / 2;
    let heights = match focus {
        Focus::Identities => [big, small, main_h - big - small],
        Focus::Resources => [small, big, main_h - big - small],
        Focus::Edges => [small, main_h - big - small, big],
        Focus::Access => thirds,
    };
    let access_h = (main_h * 2 / 5).max(6);
    let right_w = area.width - left_w;
    Areas {
        status: Rect::new(x, area.y, area.width, 1),
        identities: Rect::new(x, y, left_w, heights[0]),
        resources: Rect::new(x, y + heights[0], left_w, heights[1]),
        edges: Rect::new(x, y + heights[0] + heights[1], left_w, heights[2]),
        access: Rect::new(x + left_w, y, right_w, access_h),
        paths: Rect::new(x + left_w, y + access_h, right_w, main_h - access_h),
        hints: Rect::new(x, area.y + area.height - 1, area.width, 1),
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
    let l = layout(area, app.focus);
    status_line(app, theme, l.status, buf);
    app.identities
        .render(l.identities, buf, theme, app.focus == Focus::Identities);
    app.resources
        .render(l.resources, buf, theme, app.focus == Focus::Resources);
    app.edges
        .render(l.edges, buf, theme, app.focus == Focus::Edges);
    app.access
        .render(l.access, l.paths, buf, theme, app.focus == Focus::Access);
    hint_line(app, theme, l.hints, buf);
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

fn status_line(app: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, theme.status());
    let f = app.findings.present().count();
    let sep = theme.glyphs.sep;
    let mut text = format!(
        " reach {sep} {} {sep} {} identities {sep} {} resources {sep} {} finding{} (F)",
        app.project,
        app.identities.rows.len(),
        app.resources.rows.len(),
        f,
        if f == 1 { "" } else { "s" }
    );
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
        text.push_str(&format!(" {sep} {gaps} not collected (F)"));
    }
    if let Some(op) = app.action {
        text.push_str(&format!(" {sep} action: {op}"));
    }
    if app.watching {
        text.push_str(&format!(" {sep} watching"));
    }
    // the what-if marker goes first so that a narrow screen never hides it
    let n = app.assumptions.len();
    let what_if = (n > 0).then(|| format!(" {} {n} assumed (X clears)", theme.glyphs.assumed));
    let mut x = area.x;
    let mut room = area.width as usize;
    if let Some(w) = &what_if {
        let w = truncate(w, room, theme.glyphs.ellipsis);
        buf.set_string(x, area.y, &w, theme.status().patch(theme.assumed()));
        let used = width(&w);
        x += used as u16;
        room = room.saturating_sub(used);
    }
    // --diff: the counts and OLD come next. When the line is short the counts take their
    // short form, then OLD gives up its start, and the rest shows only if a good part fits.
    if let Some(d) = &app.diff {
        let old = d.old_shown();
        // " {words} {old} (D)"
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
        buf.set_string(x, area.y, &t, theme.status().add_modifier(Modifier::BOLD));
        let used = width(&t);
        x += used as u16;
        room = room.saturating_sub(used);
        text = if room >= 16 {
            format!(" {sep}{text}")
        } else {
            String::new()
        };
    }
    let t = truncate(&text, room, theme.glyphs.ellipsis);
    buf.set_string(x, area.y, t, theme.status());
}

fn hint_line(app: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let w = area.width as usize;
    let line = match &app.message {
        Some(m) => fit(
            vec![Span::styled(format!(" {m}"), theme.message())],
            w,
            theme.glyphs.ellipsis,
        ),
        None => {
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
