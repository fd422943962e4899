//! Line building that fits a width: truncation with an ellipsis (never a wrap), padding, and
//! highlighting of matched characters.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Display width of a string.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` cut to `max` columns, ending in `ellipsis` when cut.
pub fn truncate(s: &str, max: usize, ellipsis: &str) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(width(ellipsis));
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > room {
            break;
        }
        out.push(c);
        w += cw;
    }
    if max >= width(ellipsis) {
        out.push_str(ellipsis);
    }
    out
}

/// `s` cut from the left to `max` columns, starting with `ellipsis` when cut (a path keeps
/// its last folders).
pub fn truncate_left(s: &str, max: usize, ellipsis: &str) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(width(ellipsis));
    let mut tail = Vec::new();
    let mut w = 0;
    for c in s.chars().rev() {
        let cw = c.width().unwrap_or(0);
        if w + cw > room {
            break;
        }
        tail.push(c);
        w += cw;
    }
    let mut out = if max >= width(ellipsis) {
        ellipsis.to_string()
    } else {
        String::new()
    };
    out.extend(tail.into_iter().rev());
    out
}

/// Spans cut to `max` columns in total; the last kept span ends in `ellipsis` when cut.
pub fn fit<'a>(spans: Vec<Span<'a>>, max: usize, ellipsis: &str) -> Line<'a> {
    let mut out = Vec::with_capacity(spans.len());
    let mut used = 0;
    let total: usize = spans.iter().map(|s| width(&s.content)).sum();
    if total <= max {
        return Line::from(spans);
    }
    for s in spans {
        let w = width(&s.content);
        if used + w < max {
            used += w;
            out.push(s);
            continue;
        }
        let cut = truncate(&s.content, max - used, ellipsis);
        out.push(Span::styled(cut, s.style));
        break;
    }
    Line::from(out)
}

/// `text` as spans with the chars at `indices` (char positions) in `hl`, the rest in `base`.
pub fn highlighted(text: &str, indices: &[usize], base: Style, hl: Style) -> Vec<Span<'static>> {
    if indices.is_empty() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    for (i, c) in text.chars().enumerate() {
        let is_hl = indices.binary_search(&i).is_ok();
        if is_hl != run_hl && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hl { base.patch(hl) } else { base },
            ));
        }
        run_hl = is_hl;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(
            run,
            if run_hl { base.patch(hl) } else { base },
        ));
    }
    spans
}

/// Left part and a right-aligned tag in `width` columns; the left part is truncated first.
pub fn with_tag<'a>(
    left: Vec<Span<'a>>,
    tag: Span<'a>,
    width_total: usize,
    ellipsis: &str,
) -> Line<'a> {
    with_tags(left, vec![tag], width_total, ellipsis)
}

/// `with_tag` with a tag of several spans (e.g. `--diff` counts, then the kind).
pub fn with_tags<'a>(
    left: Vec<Span<'a>>,
    tag: Vec<Span<'a>>,
    width_total: usize,
    ellipsis: &str,
) -> Line<'a> {
    let tw: usize = tag.iter().map(|s| width(&s.content)).sum();
    if tw + 2 > width_total {
        return fit(left, width_total, ellipsis);
    }
    let room = width_total - tw - 1;
    let mut line = fit(left, room, ellipsis);
    let lw = line.width();
    line.spans
        .push(Span::raw(" ".repeat(width_total - tw - lw)));
    line.spans.extend(tag);
    line
}

/// Words of `spans` wrapped to `max` columns, continuation lines indented by `indent` spaces.
/// Used for explanations, where wrapping at word boundaries with a hanging indent reads well.
pub fn wrap<'a>(spans: Vec<Span<'a>>, max: usize, indent: usize, ellipsis: &str) -> Vec<Line<'a>> {
    let max = max.max(indent + 8);
    let mut lines = Vec::new();
    let mut cur: Vec<Span<'a>> = Vec::new();
    let mut w = 0;
    for s in spans {
        let style = s.style;
        for (i, word) in s.content.split(' ').enumerate() {
            let ww = width(word);
            let sep = usize::from(i > 0);
            if w + sep + ww > max && w > indent {
                lines.push(Line::from(std::mem::take(&mut cur)));
                cur.push(Span::raw(" ".repeat(indent)));
                w = indent;
            } else if i > 0 {
                cur.push(Span::styled(" ", style));
                w += 1;
            }
            let word = truncate(word, max.saturating_sub(w), ellipsis);
            w += width(&word);
            cur.push(Span::styled(word, style));
        }
    }
    if !cur.is_empty() {
        lines.push(Line::from(cur));
    }
    lines
}

/// A key that sorts names naturally: runs of digits by their value (`user2` before `user10`),
/// the rest case-insensitively, digits before letters.
pub fn natural_key(s: &str) -> Vec<(u8, usize, String)> {
    let mut key = Vec::new();
    let mut run = String::new();
    let mut digits = false;
    let flush = |run: &mut String, digits: bool, key: &mut Vec<(u8, usize, String)>| {
        if run.is_empty() {
            return;
        }
        if digits {
            let t = run.trim_start_matches('0');
            key.push((0, t.len(), t.to_string()));
        } else {
            key.push((1, 0, run.to_lowercase()));
        }
        run.clear();
    };
    for c in s.chars() {
        let d = c.is_ascii_digit();
        if d != digits {
            flush(&mut run, digits, &mut key);
            digits = d;
        }
        run.push(c);
    }
    flush(&mut run, digits, &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_puts_user2_before_user10() {
        let mut v = vec![
            "user10", "User2", "user1", "user02b", "alice", "user", "9lives",
        ];
        v.sort_by_cached_key(|s| natural_key(s));
        assert_eq!(
            v,
            vec!["9lives", "alice", "user", "user1", "User2", "user02b", "user10"]
        );
    }

    #[test]
    fn truncates_with_ellipsis() {
        assert_eq!(truncate("alice@contoso.com", 8, "…"), "alice@c…");
        assert_eq!(truncate("short", 8, "…"), "short");
        assert_eq!(truncate("名前名前名前", 5, "…"), "名前…");
        assert_eq!(truncate("abcdef", 4, "~"), "abc~");
    }

    #[test]
    fn truncates_from_the_left_keeping_the_end() {
        assert_eq!(truncate_left("/tmp/snapshots/old", 8, "…"), "…ots/old");
        assert_eq!(truncate_left("old", 8, "…"), "old");
        assert_eq!(truncate_left("/a/名前名前", 5, "~"), "~名前");
    }

    #[test]
    fn highlights_runs() {
        let s = highlighted(
            "ep-fraud",
            &[3, 4],
            Style::new(),
            Style::new().add_modifier(ratatui::style::Modifier::BOLD),
        );
        let texts: Vec<&str> = s.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, vec!["ep-", "fr", "aud"]);
    }

    #[test]
    fn tags_are_right_aligned() {
        let l = with_tag(vec![Span::raw("alice")], Span::raw("User"), 12, "…");
        assert_eq!(l.to_string(), "alice   User");
        let l = with_tag(vec![Span::raw("alice@contoso")], Span::raw("User"), 12, "…");
        assert_eq!(l.to_string(), "alice@… User");
    }

    #[test]
    fn wraps_with_hanging_indent() {
        let l = wrap(vec![Span::raw("RULE  one two three four")], 14, 6, "…");
        let t: Vec<String> = l.iter().map(|l| l.to_string()).collect();
        assert_eq!(t, vec!["RULE  one two", "      three", "      four"]);
    }
}
