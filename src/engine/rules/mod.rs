//! The rule catalog: every rule of `access-rules.md` as one value (ID, summary, seed reference,
//! whether it lints, and how it adds edges or findings). One file per ID prefix.

mod endpoint;
mod keyvault;
mod rbac;
mod storage;

use super::graph::AccessGraph;
use crate::model::Model;
use serde::Serialize;

/// One access rule.
#[derive(Clone, Copy, Serialize)]
pub struct Rule {
    pub id: &'static str,
    /// One line.
    pub summary: &'static str,
    /// The full rule in words.
    pub detail: &'static str,
    /// The seed document (and section) it comes from.
    pub seed: &'static str,
    /// Produces lint findings when the configuration breaks it.
    pub lint: bool,
    /// Adds edges and findings to the graph (the RBAC core rules are applied by the query itself).
    #[serde(skip)]
    pub apply: fn(&Model, &mut AccessGraph),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// Seed documents, by file name.
pub const SEED_AUTH: &str = "000_10aee21997e6b5b6.txt (Set up authentication between Azure Machine Learning and other services)";
pub const SEED_ENDPOINTS: &str =
    "003_945cdbaf256cc446.txt (Authentication and authorization for managed online endpoints)";
pub const SEED_RBAC: &str = "azure-rbac-facts.md (general Azure RBAC semantics)";

pub(crate) fn none(_: &Model, _: &mut AccessGraph) {}

/// Every rule, in catalog order.
pub fn catalog() -> Vec<&'static Rule> {
    let mut all: Vec<&'static Rule> = Vec::new();
    for family in [
        rbac::RULES,
        storage::RULES,
        keyvault::RULES,
        endpoint::RULES,
    ] {
        all.extend(family.iter());
    }
    all
}

/// Look up a rule by ID (case-insensitive).
pub fn rule(id: &str) -> Option<&'static Rule> {
    catalog()
        .into_iter()
        .find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_documented() {
        let c = catalog();
        let mut ids: Vec<&str> = c.iter().map(|r| r.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
        for r in c {
            assert!(
                !r.summary.is_empty() && !r.detail.is_empty() && !r.seed.is_empty(),
                "{}",
                r.id
            );
        }
        assert!(rule("ep-score-aad").is_some());
    }
}
