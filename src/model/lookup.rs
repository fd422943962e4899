//! Resolving references written by people (`endpoint:ep-fraud`, an ARM ID in any case, a bare
//! unique name, a UPN, `compute:C` for a system-assigned identity) to model ids. Used by the
//! model builder (reach.yaml facts and assignments) and the CLI.

use crate::model::{Model, PrincipalId, ResKind, ScopeId};

/// A reference that did not resolve to exactly one thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupError {
    Unknown {
        reference: String,
        candidates: Vec<String>,
    },
    Ambiguous {
        reference: String,
        candidates: Vec<String>,
    },
}

impl std::fmt::Display for LookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, r, c) = match self {
            LookupError::Unknown {
                reference,
                candidates,
            } => ("unknown", reference, candidates),
            LookupError::Ambiguous {
                reference,
                candidates,
            } => ("ambiguous", reference, candidates),
        };
        write!(f, "{what} reference '{}'", crate::text::show(r))?;
        if !c.is_empty() {
            let list: Vec<String> = c
                .iter()
                .map(|x| crate::text::show(x).into_owned())
                .collect();
            write!(f, "; closest: {}", list.join(", "))?;
        }
        Ok(())
    }
}

impl Model {
    /// RESOURCE: a full ARM ID (any case), `kind:name`, or a bare unique name.
    pub fn resolve_resource(&self, reference: &str) -> Result<ScopeId, LookupError> {
        let r = reference.trim();
        if r.starts_with('/') {
            return self
                .scope_by_arm(r)
                .ok_or_else(|| self.unknown_scope(r, None));
        }
        let (kind, name) = match r.split_once(':') {
            Some((k, n)) => match ResKind::from_word(k) {
                Some(kind) => (Some(kind), n),
                None => (None, r),
            },
            None => (None, r),
        };
        let (ep_name, dep_name) = match (kind, name.split_once('/')) {
            (Some(ResKind::OnlineDeployment | ResKind::BatchDeployment), Some((e, d))) => {
                (Some(e), d)
            }
            _ => (None, name),
        };
        let hits: Vec<ScopeId> = self
            .scope_ids()
            .filter(|s| {
                let sc = self.scope(*s);
                let kind_ok = match kind {
                    Some(ResKind::OnlineEndpoint) => {
                        matches!(sc.kind, ResKind::OnlineEndpoint | ResKind::BatchEndpoint)
                    }
                    Some(ResKind::OnlineDeployment) => {
                        matches!(
                            sc.kind,
                            ResKind::OnlineDeployment | ResKind::BatchDeployment
                        )
                    }
                    Some(k) => sc.kind == k,
                    None => !matches!(sc.kind, ResKind::Root),
                };
                kind_ok
                    && sc.name.eq_ignore_ascii_case(dep_name)
                    && ep_name.is_none_or(|e| {
                        sc.parent
                            .is_some_and(|p| self.scope(p).name.eq_ignore_ascii_case(e))
                    })
            })
            .collect();
        // prefer online over batch endpoints for `endpoint:`
        let hits = if hits.len() > 1 && kind == Some(ResKind::OnlineEndpoint) {
            let online: Vec<ScopeId> = hits
                .iter()
                .copied()
                .filter(|s| self.scope(*s).kind == ResKind::OnlineEndpoint)
                .collect();
            if online.is_empty() {
                hits
            } else {
                online
            }
        } else {
            hits
        };
        match hits.as_slice() {
            [one] => Ok(*one),
            [] => Err(self.unknown_scope(r, kind)),
            many => Err(LookupError::Ambiguous {
                reference: r.to_string(),
                // the same `kind:name` in two places: say where each is, by an ID one can type
                candidates: many
                    .iter()
                    .map(|s| {
                        format!(
                            "{} in {}: {}",
                            self.scope_ref(*s),
                            self.place_of(*s),
                            self.scope(*s).id
                        )
                    })
                    .collect(),
            }),
        }
    }

    /// Where a scope sits, for telling two of the same name apart: its workspace and resource
    /// group, or its resource group and subscription.
    pub fn place_of(&self, s: ScopeId) -> String {
        let mut parts = Vec::new();
        for a in self.scope(s).ancestors.iter().skip(1) {
            let sc = self.scope(*a);
            match sc.kind {
                ResKind::Workspace => parts.push(format!("workspace {}", sc.name)),
                ResKind::ResourceGroup => parts.push(format!("resource group {}", sc.name)),
                ResKind::Subscription if parts.len() < 2 => {
                    parts.push(format!("subscription {}", sc.name))
                }
                _ => {}
            }
            if parts.len() == 2 {
                break;
            }
        }
        if parts.is_empty() {
            "/".to_string()
        } else {
            parts.join(", ")
        }
    }

    /// The shortest unambiguous way to name a scope: `kind:name`, or its ARM ID.
    pub fn scope_ref(&self, s: ScopeId) -> String {
        let sc = self.scope(s);
        match sc.kind {
            ResKind::Root | ResKind::Other | ResKind::ManagementGroup => sc.id.to_string(),
            ResKind::OnlineDeployment | ResKind::BatchDeployment => {
                format!("deployment:{}", self.scope_label(s))
            }
            k => format!("{}:{}", k.word(), sc.name),
        }
    }

    fn unknown_scope(&self, r: &str, kind: Option<ResKind>) -> LookupError {
        let needle = r.rsplit([':', '/']).next().unwrap_or(r);
        let names = self
            .scope_ids()
            .filter(|s| kind.is_none_or(|k| self.scope(*s).kind == k))
            .filter(|s| !matches!(self.scope(*s).kind, ResKind::Root))
            .map(|s| (self.scope(s).name.clone(), self.scope_ref(s)));
        LookupError::Unknown {
            reference: r.to_string(),
            candidates: closest(needle, names),
        }
    }

    /// PRINCIPAL: UPN, display name, object ID, client ID, a UAI's resource ID or name, or
    /// `workspace:W` / `compute:C` / `endpoint:E` for a system-assigned identity.
    pub fn resolve_principal(&self, reference: &str) -> Result<PrincipalId, LookupError> {
        let r = reference.trim();
        let mut hits: Vec<PrincipalId> = self.principals_by_key(r).to_vec();
        if hits.is_empty() {
            if let Some((k, n)) = r.split_once(':') {
                if matches!(
                    k.to_ascii_lowercase().as_str(),
                    "workspace" | "compute" | "endpoint"
                ) {
                    let want = format!("{}:{}", k.to_ascii_lowercase(), n);
                    hits = self
                        .principal_ids()
                        .filter(|p| self.principal(*p).name.eq_ignore_ascii_case(&want))
                        .collect();
                }
            }
        }
        hits.sort();
        hits.dedup();
        match hits.as_slice() {
            [one] => Ok(*one),
            [] => Err(LookupError::Unknown {
                reference: r.to_string(),
                candidates: closest(
                    r,
                    self.principals
                        .iter()
                        .map(|p| (p.name.clone(), p.name.clone())),
                ),
            }),
            many => Err(LookupError::Ambiguous {
                reference: r.to_string(),
                candidates: many
                    .iter()
                    .map(|p| {
                        let pr = self.principal(*p);
                        format!(
                            "{} ({})",
                            pr.name,
                            pr.object_id.as_deref().unwrap_or("no object id")
                        )
                    })
                    .collect(),
            }),
        }
    }
}

/// Up to five names closest to `needle`: substring matches first, then by edit distance.
pub fn closest(needle: &str, names: impl Iterator<Item = (String, String)>) -> Vec<String> {
    let n = needle.to_ascii_lowercase();
    let mut scored: Vec<(usize, String)> = names
        .map(|(name, shown)| {
            let l = name.to_ascii_lowercase();
            let d = if l.contains(&n) || (!l.is_empty() && n.contains(&l)) {
                0
            } else {
                edit_distance(&n, &l)
            };
            (d, shown)
        })
        .filter(|(d, _)| *d <= n.len().max(3) / 2 + 1)
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, s)| s).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        let mut left = i + 1;
        cur.push(left);
        // prev[j] (diagonal), prev[j + 1] (above), cur[j] (left) → cur[j + 1]
        for ((cb, diag), up) in b.iter().zip(&prev).zip(prev.iter().skip(1)) {
            left = (diag + usize::from(ca != *cb)).min(up + 1).min(left + 1);
            cur.push(left);
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_prefers_substrings_then_edits() {
        let names = ["ep-fraud", "ep-churn", "ws-main"]
            .iter()
            .map(|s| (s.to_string(), s.to_string()));
        assert_eq!(closest("fraud", names.clone()), vec!["ep-fraud"]);
        assert_eq!(
            closest("ep-frud", names).first().map(String::as_str),
            Some("ep-fraud")
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
