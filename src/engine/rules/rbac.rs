//! RBAC core rules. The path search applies them directly (scope inheritance, action matching,
//! groups, deny assignments, the data-plane split); RBAC-ASSIGN adds acts-as edges here.

use super::{none, Rule, SEED_RBAC};
use crate::engine::action::UAI_ASSIGN;
use crate::engine::graph::{AccessGraph, ActsAs, Alternative};
use crate::model::{Model, ResKind};
use crate::source::Source;

pub const RULES: &[Rule] = &[
    Rule {
        id: "RBAC-SCOPE",
        summary: "An assignment at a scope applies to that scope and everything below it",
        detail: "Management group > subscription > resource group > resource > child resource (e.g. workspaces/W/onlineEndpoints/E). An assignment applies to its scope and all scopes below. ARM IDs compare case-insensitively.",
        seed: SEED_RBAC,
        lint: false,
        apply: none,
    },
    Rule {
        id: "RBAC-ACTIONS",
        summary: "Effective permissions are actions − notActions and dataActions − notDataActions; * is a wildcard",
        detail: "A role's effective control-plane permissions are its actions minus its notActions; its data-plane permissions are dataActions minus notDataActions. '*' matches any run of characters. notActions is subtraction, not a deny: another role can still grant the action.",
        seed: SEED_RBAC,
        lint: false,
        apply: none,
    },
    Rule {
        id: "RBAC-GROUP",
        summary: "An assignment to a group reaches its members and members of nested groups",
        detail: "An assignment to a group reaches every member, transitively through nested groups as far as the export shows nesting. The path names each group. A group whose members were not exported is said so, never treated as empty.",
        seed: SEED_RBAC,
        lint: false,
        apply: none,
    },
    Rule {
        id: "RBAC-DENY",
        summary: "A deny assignment removes the action for the principals it covers, except those it excludes",
        detail: "A deny assignment (as exported) blocks the actions it lists for its principals (or everyone), except excluded principals; it beats any allow. It can apply to child scopes unless doNotApplyToChildScopes is set.",
        seed: SEED_RBAC,
        lint: false,
        apply: none,
    },
    Rule {
        id: "RBAC-DATA",
        summary: "actions never grant data actions: data access needs dataActions or a credential path",
        detail: "Control-plane actions never grant data actions: Owner's '*' reads no blob by itself. Data access comes from dataActions, or from a credential path (STG-SHARED-KEY, DS-CREDENTIAL, WS-ACR-ADMIN, EP-SCORE-KEY, KV-POLICY-SELFGRANT).",
        seed: SEED_RBAC,
        lint: false,
        apply: none,
    },
    Rule {
        id: "RBAC-ASSIGN",
        summary: "Assigning a UAI needs */assign/action on it, plus the right to create/update a resource that carries it",
        detail: "Whoever holds Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action on a user-assigned identity AND can create or update a resource that carries an identity (a compute or an online endpoint in a workspace) can make that resource act as the identity. The path shows both halves; one half alone is no path.",
        seed: SEED_RBAC,
        lint: false,
        apply: apply_assign,
    },
];

/// RBAC-ASSIGN: for every UAI, holding assign/action on it and write on endpoints (or computes)
/// in any workspace lets one act as the UAI. One edge per UAI, the workspaces as alternatives.
fn apply_assign(m: &Model, g: &mut AccessGraph) {
    let workspaces: Vec<_> = m.scopes_of_kind(ResKind::Workspace).collect();
    if workspaces.is_empty() {
        return;
    }
    for p in m.principal_ids() {
        let pr = m.principal(p);
        let Some(res) = pr.resource.filter(|_| !pr.system_assigned) else {
            continue;
        };
        if m.scope(res).kind != ResKind::Identity {
            continue;
        }
        let mut any_of = Vec::with_capacity(workspaces.len() * 2);
        for &ws in &workspaces {
            for (child, what) in [
                (
                    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write",
                    "online endpoints",
                ),
                (
                    "Microsoft.MachineLearningServices/workspaces/computes/write",
                    "computes",
                ),
            ] {
                any_of.push(Alternative {
                    scope: ws,
                    action: child.to_string(),
                    text: format!(
                        "can assign {} and create {what} in {}, so can make one act as {}",
                        pr.name,
                        m.scope(ws).name,
                        pr.name
                    ),
                });
            }
        }
        let mut edge = ActsAs::new(
            p,
            vec![(res, UAI_ASSIGN.to_string())],
            "RBAC-ASSIGN",
            format!(
                "can assign {} and create a resource that carries an identity, so can make one act as {}",
                pr.name, pr.name
            ),
            Source::Rule,
        );
        edge.any_of = any_of;
        g.acts_as(edge);
    }
}
