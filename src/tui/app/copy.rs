//! `y` (copy what is on screen: the explanation, a fix's command, a finding, the highlighted
//! Access row's paths) and `w` (save the view as Markdown through the report code the CLI
//! uses, `report::markdown::screen`).

use super::*;
use crate::report::markdown::{ScreenPath, ScreenRow, ScreenView};
use crate::tui::marks::Mark;

impl AppState {
    /// The text `y` copies where the user is, or None.
    fn copy_text(&self) -> Option<(String, &'static str)> {
        match &self.popup {
            Some(Popup::Explain(x)) => Some((x.plain(), "the explanation")),
            Some(Popup::Fixes(f)) => f
                .current()
                .map(|fx| (show(&fx.command).into_owned(), "the az command")),
            Some(Popup::Findings) => self.findings.current().map(|f| {
                (
                    format!(
                        "{} {} {}\n  {}\n  subject: {}\n",
                        f.severity, f.rule, f.source, f.message, f.subject
                    ),
                    "the finding",
                )
            }),
            Some(_) => None,
            None => self
                .access
                .current()
                .map(|r| (self.row_text(r), "the paths")),
        }
    }

    fn row_text(&self, r: &crate::tui::panes::access::AccessRow) -> String {
        let mut s = format!("{} · {}\n", self.access.title, r.name);
        if !r.actions.is_empty() {
            s.push_str(&format!("can: {}\n", r.actions));
        }
        if let Some(d) = &r.diff {
            for m in Mark::ALL.into_iter().filter(|m| !d.ops(*m).is_empty()) {
                s.push_str(&format!(
                    "{} {}: {}\n",
                    m.glyph(),
                    m.word(),
                    d.ops(m).join(" ")
                ));
            }
        }
        for (i, p) in r.paths.iter().enumerate() {
            p.plain(i + 1, &mut s);
        }
        for (i, p) in r.diff.iter().flat_map(|d| &d.gone).enumerate() {
            p.plain_as("gone path", i + 1, &mut s);
        }
        s
    }

    /// `y`: hand the text to the event loop, which says how the copy went.
    pub(super) fn copy(&mut self) -> Vec<Effect> {
        match self.copy_text() {
            Some((t, what)) => {
                self.message = Some(format!("copying {what} ({} lines)", t.lines().count()));
                vec![Effect::Copy(crate::text::redact(&t).into_owned())]
            }
            None => {
                self.message =
                    Some("nothing to copy here: highlight an Access row, or explain (e)".into());
                Vec::new()
            }
        }
    }

    /// The view as the report code takes it.
    pub fn screen_view(&self) -> ScreenView {
        let first_column = match self.subject {
            Some(Subject::Principal(_)) => "Resource",
            _ => "Principal",
        };
        let rows = self
            .access
            .rows
            .iter()
            .map(|r| ScreenRow {
                name: r.name.clone(),
                kind: match r.kind {
                    Some(k) => crate::model::principal::kind_word(k).to_string(),
                    None => r.tag.clone(),
                },
                operations: r.ops.clone(),
                change: r
                    .diff
                    .as_ref()
                    .and_then(|d| d.mark())
                    .map(|m| m.word().to_string())
                    .unwrap_or_default(),
            })
            .collect();
        let highlighted = self.access.current().map(|r| {
            let paths = r
                .paths
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let mut head = format!("path {}", i + 1);
                    if let Some(a) = &p.action {
                        head.push_str(&format!(" · {a}"));
                    }
                    if p.assumed {
                        head.push_str(" [assumed]");
                    }
                    ScreenPath {
                        head,
                        steps: p
                            .steps
                            .iter()
                            .map(|s| (s.rule.to_string(), s.text.clone(), s.source.clone()))
                            .collect(),
                    }
                })
                .collect();
            (r.name.clone(), paths)
        });
        ScreenView {
            title: self.access.title.clone(),
            project: self.project.clone(),
            first_column: first_column.into(),
            rows,
            highlighted,
            notes: self.access.notes.clone(),
            assumptions: self.assumptions.iter().map(|a| a.label.clone()).collect(),
            masked: crate::tui::mask::is_on(),
        }
    }

    /// `w`: write the view as Markdown to a new file in the current folder, named in the status
    /// line.
    pub(super) fn save(&mut self) {
        if self.subject.is_none() || self.access.rows.is_empty() && self.access.waiting {
            self.message = Some("nothing to save yet: select a resource or identity".into());
            return;
        }
        let md = crate::report::markdown::screen(&self.screen_view());
        let md = crate::text::redact(&md).into_owned();
        let slug: String = self
            .access
            .title
            .split(" · ")
            .next()
            .unwrap_or("view")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let slug: String = slug.chars().take(60).collect();
        let name = (1..1000)
            .map(|i| match i {
                1 => format!("reach-{slug}.md"),
                n => format!("reach-{slug}-{n}.md"),
            })
            .find(|n| !self.save_dir.join(n).exists())
            .unwrap_or_else(|| format!("reach-{slug}-last.md"));
        match std::fs::write(self.save_dir.join(&name), md) {
            Ok(()) => {
                let paths = self.access.current().map_or(0, |r| r.paths.len());
                self.message = Some(format!(
                    "saved the view to {name} ({} rows, {paths} paths of the highlighted row)",
                    self.access.rows.len()
                ));
                self.saved = Some(name);
            }
            Err(e) => self.message = Some(format!("could not save {name}: {e}")),
        }
    }
}
