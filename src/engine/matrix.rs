//! The access matrix (`reach matrix`): principals × resources, each cell the strongest access
//! class (or, with an action, whether that action is allowed). Plain data, built from `who_can`.

use super::review::{AccessClass, HopIndex};
use super::{Engine, PrincipalRef};
use crate::model::{ResKind, ScopeId};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct MatrixResource {
    pub reference: String,
    pub id: String,
    pub kind: ResKind,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// The strongest class reached (with an action: that action's class).
    pub class: AccessClass,
    /// The operations reached (with an action: just it).
    pub actions: Vec<String>,
    /// Reached by latent paths only (`eligible`): after activating a role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latent: Option<&'static str>,
    /// Reached only if an ABAC condition's requirement is met (counted as allowed).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    #[serde(flatten)]
    pub principal: PrincipalRef,
    /// Groups it reaches resources through (every path starts with a group membership).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub through_groups: Vec<String>,
    /// True when every cell of the row comes only from group membership: the row is implied by
    /// its groups' rows (hidden when groups are collapsed).
    pub only_via_groups: bool,
    /// One per resource column, keyed by the column's reference; absent = no access.
    pub cells: BTreeMap<String, Cell>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub resources: Vec<MatrixResource>,
    pub principals: Vec<MatrixRow>,
}

impl Engine {
    /// Build the matrix over resources of `kinds` (in review order).
    pub fn matrix(&self, kinds: &[ResKind], action: Option<&str>) -> Matrix {
        let m = self.model();
        let hops = HopIndex::new(m);
        let scopes: Vec<ScopeId> = self
            .review_scopes(kinds)
            .into_iter()
            .flat_map(|(_, l)| l)
            .collect();
        let mut resources = Vec::new();
        let mut rows: BTreeMap<(String, String), MatrixRow> = BTreeMap::new();
        for s in scopes {
            if let Some(a) = action.filter(|a| a.contains('/')) {
                let ty = m.scope(s).id.resource_type().to_ascii_lowercase();
                if !a.to_ascii_lowercase().starts_with(&format!("{ty}/")) {
                    continue;
                }
            }
            let Some(r) = self.reach_of(s, action, &hops) else {
                continue;
            };
            for reach in &r.reach {
                let key = (
                    reach.principal.name.to_ascii_lowercase(),
                    reach.principal.id.clone(),
                );
                let row = rows.entry(key).or_insert_with(|| MatrixRow {
                    principal: reach.principal.clone(),
                    through_groups: Vec::new(),
                    only_via_groups: true,
                    cells: BTreeMap::new(),
                });
                let direct = reach
                    .paths
                    .iter()
                    .any(|p| p.rules.first() != Some(&"RBAC-GROUP"));
                row.only_via_groups &= !direct;
                for p in reach
                    .paths
                    .iter()
                    .filter(|p| p.rules.first() == Some(&"RBAC-GROUP"))
                {
                    if let Some(g) = p.steps.first().and_then(|st| hops.names_in(&st.text).pop()) {
                        if !row.through_groups.contains(&g) {
                            row.through_groups.push(g);
                        }
                    }
                }
                if let Some(class) = reach.strongest() {
                    row.cells.insert(
                        r.reference.clone(),
                        Cell {
                            class,
                            actions: reach.actions.clone(),
                            latent: reach.latent,
                            conditional: reach.conditional,
                        },
                    );
                }
            }
            resources.push(MatrixResource {
                reference: r.reference.clone(),
                id: r.resource.id.clone(),
                kind: r.resource.kind,
                name: r.resource.name.clone(),
            });
        }
        let mut principals: Vec<MatrixRow> = rows.into_values().collect();
        for r in &mut principals {
            r.through_groups.sort();
        }
        Matrix {
            action: action.map(str::to_string),
            resources,
            principals,
        }
    }
}
