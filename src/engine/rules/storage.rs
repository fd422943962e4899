//! STG-SHARED-KEY: the storage account key grants full data access unless shared-key access is
//! disallowed.

use super::{Rule, SEED_RBAC};
use crate::engine::action::STG_KEYS;
use crate::engine::graph::{AccessGraph, Derivation};
use crate::model::{Attrs, Model, ResKind};
use crate::source::Source;

pub const RULES: &[Rule] = &[Rule {
    id: "STG-SHARED-KEY",
    summary: "listKeys on a storage account returns the key, which grants full data access unless shared-key access is off",
    detail: "Microsoft.Storage/storageAccounts/listKeys/action (Owner, Contributor, Storage Account Contributor…) returns the account key, which grants full data access to the account — no data role is checked — unless the account disallows shared-key access (allowSharedKeyAccess: false in az storage account show).",
    seed: SEED_RBAC,
    lint: false,
    apply,
}];

fn apply(m: &Model, g: &mut AccessGraph) {
    for s in m.scopes_of_kind(ResKind::Storage) {
        let (allowed, src) = match &m.scope(s).attrs {
            Attrs::Storage(st) => (
                st.allow_shared_key,
                st.shared_key_source.clone().unwrap_or(Source::Rule),
            ),
            _ => (true, Source::Rule),
        };
        if !allowed {
            continue;
        }
        g.derive(
            s,
            Derivation {
                pattern: "Microsoft.Storage/storageAccounts/*".into(),
                data_only: true,
                requires: vec![(s, STG_KEYS.into())],
                rule: "STG-SHARED-KEY",
                text: format!(
                    "the account key of {} grants full data access (shared-key access is allowed)",
                    m.scope(s).name
                ),
                source: src,
            },
        );
    }
}
