//! Markdown: the review report (`reach export --format markdown`) a person pastes into a pull
//! request or an audit, and the Markdown form of `reach diff`. Tables are padded so they also
//! read well in a terminal. Config text is escaped, redacted and kept off the `|` separators.

use crate::engine::diff::{Change, Diff};
use crate::engine::review::{Reach, ResourceReview, Review};
use crate::finding::{Finding, Severity};
use crate::text::show;
use std::fmt::Write;

/// A cell: escaped, redacted, `|` and newlines neutralised.
pub(crate) fn cell(s: &str) -> String {
    show(s).replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A padded Markdown table.
pub(crate) fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count().max(3)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i + 1 == cells.len() {
                    c.clone()
                } else {
                    format!("{c:<width$}", width = w[i])
                }
            })
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    out.push_str(&line(head.iter().map(|h| h.to_string()).collect()));
    out.push_str(&line(w.iter().map(|n| "-".repeat(*n)).collect()));
    for r in rows {
        out.push_str(&line(r.clone()));
    }
}

fn access(r: &Reach) -> String {
    let mut classes = r.classes.clone();
    classes.sort_by(|a, b| b.cmp(a));
    classes
        .iter()
        .map(|c| {
            let ops: Vec<&str> = r
                .actions
                .iter()
                .filter(|a| crate::engine::review::class_of(a) == *c)
                .map(String::as_str)
                .filter(|a| *a != c.word())
                .collect();
            if ops.is_empty() {
                c.word().to_string()
            } else {
                format!("{} ({})", c.word(), ops.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
        + match (r.latent, r.conditional) {
            (Some(_), _) => " (eligible only: after activating a role)",
            (None, true) => " (conditional: only if a condition holds)",
            (None, false) => "",
        }
}

fn via(r: &Reach) -> String {
    let shown: Vec<String> = r
        .via
        .iter()
        .take(3)
        .map(|h| {
            if h.is_empty() {
                "direct".to_string()
            } else {
                h.join(" → ")
            }
        })
        .collect();
    let more = r.via.len().saturating_sub(3);
    let mut s = shown.join("; ");
    if more > 0 {
        let _ = write!(s, "; +{more} more");
    }
    s
}

fn resource(out: &mut String, r: &ResourceReview) {
    let _ = write!(out, "\n### {}", cell(&r.reference));
    if let Some(b) = &r.backed_by {
        let _ = write!(out, " (on {})", cell(b));
    }
    out.push_str("\n\n");
    if r.reach.is_empty() {
        out.push_str("Nobody reaches it.\n");
    } else {
        let mut rows: Vec<&Reach> = r.reach.iter().collect();
        rows.sort_by(|a, b| {
            b.strongest().cmp(&a.strongest()).then_with(|| {
                a.principal
                    .name
                    .to_lowercase()
                    .cmp(&b.principal.name.to_lowercase())
            })
        });
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|x| {
                vec![
                    cell(&x.principal.name),
                    crate::model::principal::kind_word(x.principal.kind).to_string(),
                    access(x),
                    x.rules.join(", "),
                    cell(&via(x)),
                ]
            })
            .collect();
        table(out, &["Principal", "Type", "Access", "Rules", "Via"], &rows);
    }
    for n in &r.notes {
        let _ = writeln!(out, "\n> Note: {}", cell(n));
    }
}

fn severity_title(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Errors",
        Severity::Warning => "Warnings",
        Severity::Info => "Info",
    }
}

/// Findings grouped by severity, each with its rule and file:line.
pub(crate) fn findings(out: &mut String, fs: &[Finding], level: &str) {
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<&Finding> = fs.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{level} {} ({})\n", severity_title(sev), group.len());
        for f in group {
            let _ = writeln!(
                out,
                "- **{}** `{}` — {}",
                cell(&f.rule),
                cell(&f.source.to_string()),
                cell(&f.message)
            );
        }
    }
}

/// The review report.
pub fn review(r: &Review) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Access review: {}\n", cell(&r.project));
    let count = |s: Severity| r.findings.iter().filter(|f| f.severity == s).count();
    let n: usize = r.workspaces.iter().map(|w| w.resources.len()).sum();
    let _ = writeln!(
        out,
        "{n} sensitive resource(s); {} finding(s): {} error(s), {} warning(s), {} info.",
        r.findings.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    out.push_str(
        "Access classes, weakest first: read (see it), use (score, read blobs, pull images, \
         submit jobs), secrets (keys, secrets, credentials), write (change, delete or take \
         over). Rule IDs: `reach rules ID`.\n",
    );
    for ws in &r.workspaces {
        match &ws.workspace {
            Some(w) => {
                let _ = writeln!(out, "\n## Workspace {}", cell(&w.name));
            }
            None => out.push_str("\n## Not tied to a workspace\n"),
        }
        for res in &ws.resources {
            resource(&mut out, res);
        }
    }
    out.push_str("\n## Findings\n");
    if r.findings.is_empty() {
        out.push_str("\nNone.\n");
    }
    findings(&mut out, &r.findings, "###");
    out
}

fn path_cell(p: Option<&crate::engine::AccessPath>) -> String {
    p.map(|p| {
        p.steps
            .iter()
            .map(|s| format!("{}: {}", s.rule, s.text))
            .collect::<Vec<_>>()
            .join(" ⟶ ")
    })
    .unwrap_or_default()
}

fn change_rows(cs: &[Change]) -> Vec<Vec<String>> {
    cs.iter()
        .map(|c| {
            let mut path = path_cell(c.path.as_ref());
            if c.gone_path.is_some() {
                path = format!("new: {path}; gone: {}", path_cell(c.gone_path.as_ref()));
            }
            vec![
                cell(&c.principal.name),
                format!("{} ({})", c.class.word(), c.action),
                cell(&c.reference),
                cell(&path),
            ]
        })
        .collect()
}

/// `reach diff --format markdown`.
pub fn diff(d: &Diff) -> String {
    let mut out = String::from("# Access diff\n\n");
    let _ = writeln!(
        out,
        "{} gained, {} lost, {} reached another way; {} finding(s) added, {} resolved.",
        d.gained.len(),
        d.lost.len(),
        d.changed.len(),
        d.findings_added.len(),
        d.findings_resolved.len()
    );
    let head = ["Principal", "Access", "Resource", "Path"];
    if !d.eligible_gained.is_empty() {
        let _ = writeln!(
            out,
            "{} eligibility gained (latent: reached after activating a role).",
            d.eligible_gained.len()
        );
    }
    for (title, cs) in [
        ("Gained", &d.gained),
        ("Eligibility gained", &d.eligible_gained),
        ("Lost", &d.lost),
        ("Reached another way", &d.changed),
    ] {
        if title == "Eligibility gained" && cs.is_empty() {
            continue; // only in a tenant with PIM eligibilities
        }
        let _ = writeln!(out, "\n## {title} ({})\n", cs.len());
        if cs.is_empty() {
            out.push_str("None.\n");
        } else {
            table(&mut out, &head, &change_rows(cs));
        }
    }
    for (title, fs) in [
        ("Findings added", &d.findings_added),
        ("Findings resolved", &d.findings_resolved),
    ] {
        let _ = writeln!(out, "\n## {title} ({})", fs.len());
        findings(&mut out, fs, "###");
    }
    out
}

/// What a terminal view shows, for saving it (`w` in the TUI): the selection's access list and
/// the highlighted row's paths. The TUI fills it with text it has already escaped (and masked
/// under `--mask-names`); cells are neutralised again here, which changes nothing shown.
#[derive(Clone, Debug, Default)]
pub struct ScreenView {
    /// `Access to ep-fraud · all actions`.
    pub title: String,
    pub project: String,
    /// `who reaches it` or `what it reaches`: the first column's heading follows it.
    pub first_column: String,
    pub rows: Vec<ScreenRow>,
    /// The highlighted row's name and paths.
    pub highlighted: Option<(String, Vec<ScreenPath>)>,
    pub notes: Vec<String>,
    /// What-if assumptions in force (labels).
    pub assumptions: Vec<String>,
    pub masked: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ScreenRow {
    pub name: String,
    pub kind: String,
    pub operations: Vec<String>,
    /// `--diff`: gained / lost / reached another way.
    pub change: String,
}

#[derive(Clone, Debug, Default)]
pub struct ScreenPath {
    /// `path 1 · score`.
    pub head: String,
    /// (rule, text, source) of each step.
    pub steps: Vec<(String, String, String)>,
}

/// The saved view: a heading, the access table, the highlighted row's paths, notes.
pub fn screen(v: &ScreenView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", cell(&v.title));
    let _ = writeln!(
        out,
        "Project {}; {} row(s). Saved from the reach terminal UI{}.",
        cell(&v.project),
        v.rows.len(),
        if v.masked {
            " with names masked (--mask-names)"
        } else {
            ""
        }
    );
    if !v.assumptions.is_empty() {
        out.push_str("\nWhat-if assumptions in force (nothing was changed in Azure):\n\n");
        for a in &v.assumptions {
            let _ = writeln!(out, "- {}", cell(a));
        }
    }
    out.push('\n');
    let diff = v.rows.iter().any(|r| !r.change.is_empty());
    let rows: Vec<Vec<String>> = v
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![cell(&r.name), cell(&r.kind), cell(&r.operations.join(", "))];
            if diff {
                row.push(cell(&r.change));
            }
            row
        })
        .collect();
    let mut head = vec![v.first_column.as_str(), "Type", "Operations"];
    if diff {
        head.push("Change");
    }
    if rows.is_empty() {
        out.push_str("Nothing reaches it by any path reach knows.\n");
    } else {
        table(&mut out, &head, &rows);
    }
    if let Some((name, paths)) = &v.highlighted {
        let _ = writeln!(out, "\n## Paths: {}\n", cell(name));
        if paths.is_empty() {
            out.push_str("No path (the row was not explained yet).\n");
        }
        for p in paths {
            let _ = writeln!(out, "**{}**\n", cell(&p.head));
            let steps: Vec<Vec<String>> = p
                .steps
                .iter()
                .map(|(r, t, s)| vec![format!("`{}`", cell(r)), cell(t), cell(s)])
                .collect();
            table(&mut out, &["Rule", "Step", "Source"], &steps);
            out.push('\n');
        }
    }
    for n in &v.notes {
        let _ = writeln!(out, "\n> Note: {}", cell(n));
    }
    out
}
