//! why_not: for an access that is not there, what is missing — the deny assignment that blocks
//! it, the role that does not grant it (and near misses: NotActions, control-plane roles for a
//! data action, assignments at a scope that does not cover the resource), and for derived goals
//! (a key, a token, a credential) what each route lacks.

use super::explain::Missing;
use super::query::{short_action, Search};
use super::Engine;
use crate::model::role::{is_data_action, Grant};
use crate::model::{PrincipalId, ScopeId};

pub(super) fn why_not(
    e: &Engine,
    search: &mut Search<'_>,
    p: PrincipalId,
    s: ScopeId,
    action: &str,
) -> Vec<Missing> {
    let mut out = Vec::new();
    explain_goal(e, search, p, s, action, 0, &mut out);
    for h in hints(e, p, s, action) {
        out.push(Missing {
            rule: h.rule,
            text: h.text.clone(),
        });
    }
    out.dedup();
    out
}

/// The rule hints that apply when `p` lacks `action` on `s`.
pub(super) fn hints<'e>(
    e: &'e Engine,
    p: PrincipalId,
    s: ScopeId,
    action: &'e str,
) -> impl Iterator<Item = &'e crate::engine::graph::Hint> + 'e {
    let m = e.model();
    e.graph().hints.iter().filter(move |h| {
        let who = h
            .principal
            .is_none_or(|x| x == p || m.groups_of(p).contains(&x));
        let at = h.scope.is_none_or(|hs| m.is_within(s, hs));
        let act = h
            .pattern
            .as_deref()
            .is_none_or(|pat| crate::model::role::action_matches(pat, action));
        who && at && act
    })
}

fn explain_goal(
    e: &Engine,
    search: &mut Search<'_>,
    p: PrincipalId,
    s: ScopeId,
    action: &str,
    depth: usize,
    out: &mut Vec<Missing>,
) {
    let m = e.model();
    let g = e.graph();
    let who = m.principal(p).name.clone();
    if let Some(d) = search.denied(p, s, action) {
        let excl: Vec<String> = d
            .excluded
            .iter()
            .map(|x| m.principal(*x).name.clone())
            .collect();
        let excl = if excl.is_empty() {
            String::new()
        } else {
            format!(" (it excludes {})", excl.join(", "))
        };
        out.push(Missing {
            rule: "RBAC-DENY",
            text: format!("deny assignment '{}' on {} blocks {} for {who}{excl} ({}); no role assignment can override it", d.name, m.scope_label(d.scope), short_action(action), d.source),
        });
    }
    let block = g.block_for(s, action, None);
    if let Some(b) = block {
        out.push(Missing {
            rule: b.rule,
            text: b.text.clone(),
        });
    } else {
        direct_gaps(e, p, s, action, out);
    }
    let derivs: Vec<_> = g.derivations_for(s, action).cloned().collect();
    for d in derivs {
        let needs: Vec<String> = d
            .requires
            .iter()
            .map(|(rs, ra)| format!("{} on {}", short_action(ra), m.scope_label(*rs)))
            .collect();
        out.push(Missing {
            rule: d.rule,
            text: format!(
                "a route to it: {}; but {who} lacks {}",
                d.text,
                needs.join(" and ")
            ),
        });
        if depth == 0 {
            for (rs, ra) in &d.requires {
                if !search.holders(*rs, ra).contains_key(&p) {
                    explain_goal(e, search, p, *rs, ra, depth + 1, out);
                }
            }
        }
    }
}

/// No role of `p` grants the action at `s`: say so, then list near misses.
fn direct_gaps(e: &Engine, p: PrincipalId, s: ScopeId, action: &str, out: &mut Vec<Missing>) {
    let m = e.model();
    let who = m.principal(p).name.clone();
    let data = is_data_action(action);
    let rule = e
        .graph()
        .notes_for(s, action)
        .map(|n| n.rule)
        .next()
        .unwrap_or(if data { "RBAC-DATA" } else { "RBAC-ACTIONS" });
    let plane = if data { "data action" } else { "action" };
    let mut holders = vec![p];
    holders.extend(m.groups_of(p).iter().copied());
    // a role that grants it, when something else (a deny assignment) is what blocks it
    let granted: Vec<String> = holders
        .iter()
        .flat_map(|h| m.assignments_of(*h).map(move |a| (*h, a)))
        .filter(|(_, a)| {
            m.is_within(s, a.scope) && matches!(m.role(a.role).grant(action), Grant::Yes(_))
        })
        .map(|(h, a)| {
            let via = if h == p {
                String::new()
            } else {
                format!(" (via group {})", m.principal(h).name)
            };
            format!(
                "{} on {} {}{via}",
                m.role(a.role).name,
                m.scope(a.scope).kind.word(),
                m.scope_label(a.scope)
            )
        })
        .collect();
    let text = if granted.is_empty() {
        format!(
            "needs the {plane} {} on {} {} or a scope above it; no role of {who} grants it",
            short_action(action),
            m.scope(s).kind.word(),
            m.scope_label(s)
        )
    } else {
        format!(
            "{who} holds {}, which grants {}; it is blocked, not missing",
            granted.join(" and "),
            short_action(action)
        )
    };
    out.push(Missing {
        rule: if granted.is_empty() {
            rule
        } else {
            "RBAC-SCOPE"
        },
        text,
    });
    for h in holders {
        let via = if h == p {
            String::new()
        } else {
            format!(" (via group {})", m.principal(h).name)
        };
        for a in m.assignments_of(h) {
            let role = m.role(a.role);
            let covers = m.is_within(s, a.scope);
            let at = format!(
                "{} {}",
                m.scope(a.scope).kind.word(),
                m.scope_label(a.scope)
            );
            match role.grant(action) {
                Grant::Removed { pattern, not } if covers => out.push(Missing {
                    rule: "RBAC-ACTIONS",
                    text: format!("{who} holds {} on {at}{via}: it matches '{}' but its NotActions remove it ('{}')", role.name, short_action(&pattern), short_action(&not)),
                }),
                Grant::Yes(_) if !covers => out.push(Missing {
                    rule: "RBAC-SCOPE",
                    text: format!("{who} holds {} on {at}{via}, which would grant it, but that scope does not contain {}", role.name, m.scope_label(s)),
                }),
                Grant::No if covers && data && role.permissions.iter().any(|x| x.actions.iter().any(|a| a == "*")) => out.push(Missing {
                    rule: "RBAC-DATA",
                    text: format!("{who} holds {} on {at}{via}: its actions ('*') never grant data actions", role.name),
                }),
                Grant::No if covers => out.push(Missing {
                    rule: "RBAC-ACTIONS",
                    text: format!("{who} holds {} on {at}{via}, which does not grant {}", role.name, short_action(action)),
                }),
                _ => {}
            }
        }
    }
}
