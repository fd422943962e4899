//! KV-POLICY-SELFGRANT: on an access-policy key vault, whoever can write the vault can grant
//! itself secret access, and access policies (not roles) decide secret reads. On the RBAC model,
//! secret reads need the data action.

use super::{Rule, SEED_RBAC};
use crate::engine::action::KV_WRITE;
use crate::engine::graph::{AccessGraph, Block, Derivation, Grant, GrantKind};
use crate::model::{Attrs, Model, ResKind};

pub const RULES: &[Rule] = &[Rule {
    id: "KV-POLICY-SELFGRANT",
    summary: "On an access-policy key vault, whoever can write the vault can grant itself secret access",
    detail: "On a key vault using the access-policy model (enableRbacAuthorization false or absent), whoever can write the vault (Microsoft.KeyVault/vaults/write: Contributor, Key Vault Contributor…) can grant themselves secret access, and an access policy with secret get reads secrets directly; data roles are not consulted. On the RBAC model, access policies are ignored and secret reads need Microsoft.KeyVault/vaults/secrets/getSecret/action (Key Vault Secrets User, Administrator…).",
    seed: SEED_RBAC,
    lint: false,
    apply,
}];

fn apply(m: &Model, g: &mut AccessGraph) {
    for s in m.scopes_of_kind(ResKind::KeyVault) {
        let name = &m.scope(s).name;
        let kv = match &m.scope(s).attrs {
            Attrs::KeyVault(kv) => Some(kv),
            _ => None,
        };
        if kv.is_some_and(|k| k.rbac) {
            continue;
        }
        let how = if kv.and_then(|k| k.model_source.as_ref()).is_some() {
            "uses access policies"
        } else {
            "is assumed to use access policies (no az keyvault show export says otherwise)"
        };
        g.block(
            s,
            Block {
                pattern: "Microsoft.KeyVault/vaults/*".into(),
                data_only: true,
                role: None,
                rule: "KV-POLICY-SELFGRANT",
                text: format!("{name} {how}: data roles are not consulted for its secrets"),
            },
        );
        g.derive(
            s,
            Derivation {
                pattern: "Microsoft.KeyVault/vaults/secrets/*".into(),
                data_only: true,
                requires: vec![(s, KV_WRITE.into())],
                rule: "KV-POLICY-SELFGRANT",
                text: format!(
                    "{name} {how}: whoever can write the vault can give itself secret access"
                ),
                source: crate::source::Source::Rule,
            },
        );
        for ap in kv.map(|k| k.access_policies.as_slice()).unwrap_or(&[]) {
            let Some(p) = ap.principal else { continue };
            let reads = ap.secrets.iter().any(|x| x == "get" || x == "all");
            if !reads {
                continue;
            }
            g.grant(Grant {
                principal: p,
                what: GrantKind::Pattern("Microsoft.KeyVault/vaults/secrets/*".into()),
                scope: s,
                rule: "KV-POLICY-SELFGRANT",
                text: format!(
                    "an access policy on {name} gives {} secret permissions [{}]",
                    m.principal(p).name,
                    ap.secrets.join(", ")
                ),
                source: ap.source.clone(),
            });
        }
    }
}
