//! Role edges: the role assignments and identity attachments that touch the selection
//! (principal → role → scope). Assignments made on an ancestor scope are marked inherited; for a
//! principal, assignments held through a group are marked with the group.

use crate::model::{Attrs, Model, PrincipalId, PrincipalKind, ScopeId};
use crate::tui::listing::Listing;
use crate::tui::mask::show;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::list_pane;
use crate::tui::widgets::text::{fit, highlighted};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;

#[derive(Debug)]
pub struct EdgeRow {
    pub principal: PrincipalId,
    pub name: String,
    pub kind: PrincipalKind,
    /// Role name, or `identity of` for an attachment.
    pub role: String,
    pub scope: ScopeId,
    pub scope_label: String,
    /// Made on an ancestor of the selected resource, or held through a group (its name).
    pub inherited: Option<String>,
    pub source: String,
    /// An identity attachment rather than a role assignment.
    pub attach: bool,
    /// A PIM eligibility (`eligible`), not an assignment in force.
    pub latent: Option<&'static str>,
}

#[derive(Debug, Default)]
pub struct EdgesPane {
    pub rows: Vec<EdgeRow>,
    pub list: Listing,
}

impl EdgesPane {
    pub fn set_rows(&mut self, rows: Vec<EdgeRow>) {
        let hay = rows
            .iter()
            .map(|r| format!("{} {} {}", r.name, r.role, r.scope_label))
            .collect();
        self.rows = rows;
        self.list = Listing::new(hay);
    }

    pub fn current(&self) -> Option<&EdgeRow> {
        self.list.current().map(|i| &self.rows[i])
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme, focused: bool) {
        let title = format!("Role edges ({})", self.rows.len());
        list_pane(area, buf, theme, focused, &title, &self.list, |i, hl, w| {
            let r = &self.rows[i];
            let mut spans = Vec::new();
            if r.source == "assumed" {
                spans.push(Span::styled(
                    format!("{} ", theme.glyphs.assumed),
                    theme.assumed(),
                ));
            } else if r.latent.is_some() {
                spans.push(Span::styled(
                    format!("{} ", theme.glyphs.latent),
                    theme.latent(),
                ));
            } else if r.inherited.is_some() {
                spans.push(Span::styled(
                    format!("{} ", theme.glyphs.inherited),
                    theme.inherited(),
                ));
            } else {
                spans.push(Span::raw("  "));
            }
            let n = r.name.chars().count();
            let rl = r.role.chars().count();
            let part = |from: usize, len: usize| -> Vec<usize> {
                hl.iter()
                    .filter(|&&x| x >= from && x < from + len)
                    .map(|x| x - from)
                    .collect()
            };
            spans.extend(highlighted(
                &r.name,
                &part(0, n),
                theme.principal(r.kind),
                theme.matched(),
            ));
            spans.push(Span::styled(
                format!(" {} ", theme.glyphs.arrow),
                theme.dim(),
            ));
            spans.extend(highlighted(
                &r.role,
                &part(n + 1, rl),
                theme.role(),
                theme.matched(),
            ));
            spans.push(Span::styled(
                if r.attach { " " } else { " @ " },
                theme.dim(),
            ));
            let sl = r.scope_label.chars().count();
            spans.extend(highlighted(
                &r.scope_label,
                &part(n + rl + 2, sl),
                theme.resource(),
                theme.matched(),
            ));
            if let Some(via) = &r.inherited {
                spans.push(Span::styled(format!(" ({via})"), theme.inherited()));
            }
            fit(spans, w, theme.glyphs.ellipsis)
        })
    }
}

/// The highlighted edge in full, for the hint line (the pane cuts long names): principal,
/// role, scope, how it is held, and the config entry.
pub fn detail(r: &EdgeRow, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = vec![
        Span::raw(" "),
        Span::styled(r.name.clone(), theme.principal(r.kind)),
        Span::styled(format!(" {} ", theme.glyphs.arrow), theme.dim()),
        Span::styled(r.role.clone(), theme.role()),
        Span::styled(if r.attach { " " } else { " @ " }, theme.dim()),
        Span::styled(r.scope_label.clone(), theme.resource()),
    ];
    if let Some(via) = &r.inherited {
        spans.push(Span::styled(format!(" ({via})"), theme.inherited()));
    }
    spans.push(Span::styled(format!("  [{}]", r.source), theme.source()));
    spans
}

fn assignment_row(m: &Model, a: &crate::model::Assignment, inherited: Option<String>) -> EdgeRow {
    let p = m.principal(a.principal);
    EdgeRow {
        principal: a.principal,
        name: show(&p.name).into_owned(),
        kind: p.kind,
        role: show(&m.role(a.role).name).into_owned(),
        scope: a.scope,
        scope_label: show(&m.scope_label(a.scope)).into_owned(),
        inherited,
        source: show(&a.source.to_string()).into_owned(),
        attach: false,
        latent: a.latent(),
    }
}

/// The identities attached to a workspace, compute or endpoint.
fn attached(m: &Model, s: ScopeId) -> Vec<(PrincipalId, String)> {
    let ia = match &m.scope(s).attrs {
        Attrs::Workspace(w) => &w.identity,
        Attrs::Compute(c) => &c.identity,
        Attrs::Endpoint(e) => &e.identity,
        _ => return Vec::new(),
    };
    ia.all()
        .into_iter()
        .map(|p| (p, show(&ia.source.to_string()).into_owned()))
        .collect()
}

fn attachment_row(m: &Model, p: PrincipalId, s: ScopeId, source: String) -> EdgeRow {
    let pr = m.principal(p);
    EdgeRow {
        principal: p,
        name: show(&pr.name).into_owned(),
        kind: pr.kind,
        role: "identity of".into(),
        scope: s,
        scope_label: show(&m.scope_label(s)).into_owned(),
        inherited: None,
        source,
        attach: true,
        latent: None,
    }
}

/// Edges touching resource `s`: assignments at it and its ancestors, and attached identities.
pub fn for_resource(m: &Model, s: ScopeId) -> Vec<EdgeRow> {
    let mut rows: Vec<EdgeRow> = attached(m, s)
        .into_iter()
        .map(|(p, src)| attachment_row(m, p, s, src))
        .collect();
    for &anc in &m.scope(s).ancestors {
        let via = (anc != s).then(|| "inherited".to_string());
        rows.extend(
            m.assignments_at(anc)
                .map(|a| assignment_row(m, a, via.clone())),
        );
    }
    rows
}

/// Edges touching principal `p`: its assignments, those of its groups, and where it is attached.
pub fn for_principal(m: &Model, p: PrincipalId) -> Vec<EdgeRow> {
    let mut rows = Vec::new();
    for s in m.scope_ids() {
        for (q, src) in attached(m, s) {
            if q == p {
                rows.push(attachment_row(m, p, s, src));
            }
        }
    }
    rows.extend(m.assignments_of(p).map(|a| assignment_row(m, a, None)));
    for &g in m.groups_of(p) {
        let via = format!("via {}", show(&m.principal(g).name));
        rows.extend(
            m.assignments_of(g)
                .map(|a| assignment_row(m, a, Some(via.clone()))),
        );
    }
    rows
}
