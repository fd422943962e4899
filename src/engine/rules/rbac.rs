//! RBAC core rules. The path search applies them directly (scope inheritance, action matching,
//! groups, deny assignments, the data-plane split); RBAC-ASSIGN adds acts-as edges here.

use super::{none, Rule, SEED_RBAC};
use crate::engine::action::UAI_ASSIGN;
use crate::engine::graph::{AccessGraph, ActsAs, Alternative};
use crate::finding::{Finding, Severity};
use crate::model::{Model, ResKind};
use crate::source::Source;
use crate::text::show;

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
        id: "RBAC-PIM-ELIGIBLE",
        summary: "A PIM-eligible role is latent access: the principal can activate it at its scope until the eligibility ends",
        detail: "A Privileged Identity Management eligibility (roleEligibilityScheduleInstances) lets its principal activate the role at the scope, and so reach what the role grants there and below, until the eligibility ends. Activation may need approval, MFA or a justification, which exports do not show. Such paths are latent, marked and never mixed with standing access (--latent include|exclude|only). Eligibilities that ended or have not started are left out with an info finding. An active instance (roleAssignmentScheduleInstances) is access in force: the same grant as the role assignment it duplicates, with its end date.",
        seed: SEED_RBAC,
        lint: false,
        apply: none,
    },
    Rule {
        id: "RBAC-CONDITION",
        summary: "An ABAC condition on a role assignment restricts only the actions its ActionMatches name; reach decides it offline where it can and shows the rest as a requirement",
        detail: "A role assignment's condition (conditionVersion 2.0) is a conjunction of clauses '(!(ActionMatches{…}) OR expression)': an action no clause names is not restricted (said in the step). Where the exports decide the expression, the path is kept or dropped; where the request decides it (a container name, a blob path or index tag, the network, the time), the path is conditional and its step says the requirement in words ('only in container raw'). Another assignment granting the same action without a condition makes the condition moot (noted). A condition reach cannot parse is a warning finding and its paths are 'conditional (condition not understood)', never plain access. --assume-condition true|false shows the world where every undecided condition holds, or fails.",
        seed: SEED_RBAC,
        lint: false,
        apply: none,
    },
    Rule {
        id: "RBAC-PIM-STANDING",
        summary: "A standing Owner, User Access Administrator or RBAC Administrator at subscription or management group scope defeats the same principal's PIM eligibility",
        detail: "When a principal is PIM-eligible for a privileged role (Owner, User Access Administrator, Role Based Access Control Administrator) and also holds it as a standing role assignment at subscription or management-group scope, the standing assignment gives it all the time what PIM was meant to give on request, with approval and an end date. Remove the standing assignment, or make it eligible.",
        seed: SEED_RBAC,
        lint: true,
        apply: apply_pim_standing,
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

/// Owner, User Access Administrator, Role Based Access Control Administrator.
const PRIVILEGED: [&str; 3] = [
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
];

/// RBAC-PIM-STANDING: a standing privileged assignment at subscription or management group
/// scope whose principal is also eligible for that role.
fn apply_pim_standing(m: &Model, g: &mut AccessGraph) {
    let eligible: std::collections::HashSet<_> = m
        .assignments
        .iter()
        .filter(|a| a.latent().is_some())
        .map(|a| (a.principal, a.role))
        .collect();
    if eligible.is_empty() {
        return;
    }
    for a in &m.assignments {
        let broad = matches!(
            m.scope(a.scope).kind,
            ResKind::Subscription | ResKind::ManagementGroup
        );
        if a.latent().is_some()
            || a.assumed
            || !broad
            || !eligible.contains(&(a.principal, a.role))
            || !PRIVILEGED.contains(&m.role(a.role).guid.as_str())
        {
            continue;
        }
        let msg = format!(
            "{} holds {} on {} {} as a standing assignment and is also PIM-eligible for it: the standing one gives all the time what PIM gives on request; remove it (or make it eligible)",
            show(&m.principal(a.principal).name),
            show(&m.role(a.role).name),
            m.scope(a.scope).kind.word(),
            show(&m.scope_label(a.scope))
        );
        g.finding(Finding::new(
            "RBAC-PIM-STANDING",
            Severity::Warning,
            msg,
            m.scope(a.scope).id.to_string(),
            a.source.clone(),
        ));
    }
}

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
