//! Engine unit tests on hand-built raw projects (the data-driven cases in tests/cases run the
//! real loader).

use super::*;
use crate::load::raw::*;
use crate::source::{Located, Source};
use std::sync::Arc;

const SUB: &str = "/subscriptions/s1";
const RG: &str = "/subscriptions/s1/resourceGroups/rg";
const WS: &str =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";

fn src(i: u32) -> Source {
    Source::entry(&Arc::from("azure/x.json"), i)
}

fn user(oid: &str, upn: &str) -> RawPrincipal {
    RawPrincipal {
        kind: PrincipalKind::User,
        object_id: Some(oid.into()),
        display_name: None,
        upn: Some(upn.into()),
        client_id: None,
        resource_id: None,
        system_assigned: false,
        members: vec![],
        members_exported: true,
        source: src(0),
    }
}

fn group(oid: &str, name: &str, members: &[&str]) -> RawPrincipal {
    RawPrincipal {
        kind: PrincipalKind::Group,
        object_id: Some(oid.into()),
        display_name: Some(name.into()),
        upn: None,
        client_id: None,
        resource_id: None,
        system_assigned: false,
        members: members
            .iter()
            .enumerate()
            .map(|(i, m)| MemberRef {
                reference: m.to_string(),
                kind: None,
                source: src(i as u32),
            })
            .collect(),
        members_exported: true,
        source: src(0),
    }
}

fn assign(pid: &str, role: &str, scope: &str, i: u32) -> RawAssignment {
    RawAssignment {
        id: None,
        principal_id: pid.into(),
        principal_name: None,
        principal_type: None,
        role_definition_id: None,
        role_name: Some(role.into()),
        scope: scope.into(),
        condition: None,
        source: src(i),
        pim: None,
    }
}

fn endpoint(name: &str, mode: &str) -> AmlDoc {
    AmlDoc {
        id: None,
        source: Source::line(&Arc::from("ml/ep.yml"), 1),
        dir: "ml".into(),
        name: Some(Located::new(name.into(), 2)),
        kind: AmlKind::OnlineEndpoint(EndpointSpec {
            auth_mode: Some(Located::new(mode.into(), 3)),
            ..Default::default()
        }),
    }
}

fn project() -> RawProject {
    let mut raw = RawProject::default();
    raw.manifests.push(Manifest {
        subscription: Some("s1".into()),
        resource_group: Some("rg".into()),
        workspace: Some("ws".into()),
        ..Default::default()
    });
    raw.principals = vec![
        user("a0000000-0000-0000-0000-000000000001", "alice@x"),
        user("a0000000-0000-0000-0000-000000000002", "bob@x"),
        user("a0000000-0000-0000-0000-000000000003", "carol@x"),
        group(
            "b0000000-0000-0000-0000-000000000001",
            "inner",
            &["a0000000-0000-0000-0000-000000000001"],
        ),
        group(
            "b0000000-0000-0000-0000-000000000002",
            "middle",
            &["b0000000-0000-0000-0000-000000000001"],
        ),
        group(
            "b0000000-0000-0000-0000-000000000003",
            "outer",
            &["b0000000-0000-0000-0000-000000000002"],
        ),
    ];
    raw.aml = vec![endpoint("ep-aad", "aad_token"), endpoint("ep-key", "key")];
    raw.assignments = vec![
        assign(
            "b0000000-0000-0000-0000-000000000003",
            "AzureML Data Scientist",
            SUB,
            0,
        ),
        assign("a0000000-0000-0000-0000-000000000002", "Reader", RG, 1),
        assign("a0000000-0000-0000-0000-000000000003", "Owner", WS, 2),
    ];
    raw
}

fn names(w: &WhoCan) -> Vec<&str> {
    w.principals
        .iter()
        .map(|p| p.principal.name.as_str())
        .collect()
}

#[test]
fn nested_groups_three_deep_reach_an_aad_endpoint_from_the_subscription() {
    let e = Engine::new(crate::model::build(project()));
    let ep = e.model().resolve_resource("endpoint:ep-aad").unwrap();
    let w = e.who_can(ep, Some("score")).unwrap();
    assert_eq!(
        names(&w),
        vec!["alice@x", "carol@x", "inner", "middle", "outer"]
    );
    let alice = &w.principals[0].paths[0];
    assert_eq!(
        alice.rules,
        vec![
            "RBAC-GROUP",
            "RBAC-GROUP",
            "RBAC-GROUP",
            "RBAC-SCOPE",
            "EP-SCORE-AAD",
            "EP-CP-AADTOKEN"
        ]
    );
    assert!(
        alice.steps[3].text.contains("inherited by ep-aad"),
        "{}",
        alice.steps[3].text
    );
}

#[test]
fn key_endpoint_is_scored_by_whoever_lists_keys() {
    let e = Engine::new(crate::model::build(project()));
    let ep = e.model().resolve_resource("endpoint:ep-key").unwrap();
    let w = e.who_can(ep, Some("score")).unwrap();
    assert!(names(&w).contains(&"carol@x"));
    let carol = w
        .principals
        .iter()
        .find(|p| p.principal.name == "carol@x")
        .unwrap();
    assert!(carol
        .paths
        .iter()
        .all(|p| p.rules.last() == Some(&"EP-SCORE-KEY")));
    let bob = e.model().resolve_principal("bob@x").unwrap();
    let x = e.explain(bob, ep, "score").unwrap();
    assert!(!x.allowed);
    let rules: Vec<&str> = x.why_not.iter().map(|m| m.rule).collect();
    assert!(rules.contains(&"EP-SCORE-KEY"), "{rules:?}");
    assert!(
        x.why_not.iter().any(|m| m.text.contains("Reader")),
        "{:?}",
        x.why_not
    );
}

#[test]
fn owner_reads_no_blob_without_the_key_path() {
    let mut raw = project();
    raw.resources.push(RawResource {
        id: format!("{RG}/providers/Microsoft.Storage/storageAccounts/st"),
        name: Some("st".into()),
        props: ResourceProps::Storage {
            allow_shared_key_access: Some(false),
            network_default_action: None,
            network_bypass: None,
            tenant_id: None,
            is_hns: None,
        },
        source: src(9),
    });
    raw.assignments.push(assign(
        "a0000000-0000-0000-0000-000000000003",
        "Owner",
        RG,
        3,
    ));
    let e = Engine::new(crate::model::build(raw));
    let st = e.model().resolve_resource("storage:st").unwrap();
    let carol = e.model().resolve_principal("carol@x").unwrap();
    let x = e.explain(carol, st, "read-blobs").unwrap();
    assert!(!x.allowed);
    assert!(
        x.why_not.iter().any(|m| m.rule == "RBAC-DATA"),
        "{:?}",
        x.why_not
    );
}
