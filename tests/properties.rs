#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Properties: ARM ID round trip and case-insensitivity; action wildcard matching against a
//! simple reference; group closure terminates on any graph; paths never repeat a node.

use proptest::prelude::*;
use reach::load::{load_files, Limits};
use reach::model::role::action_matches;
use reach::model::ArmId;

/// Reference matcher: `*` is any sequence (case-insensitive), and any subset of the `/*/` in the
/// pattern may be collapsed to `/` — tried by plain recursion (exponential, fine when small).
fn reference(p: &str, a: &str) -> bool {
    fn glob(p: &[u8], a: &[u8]) -> bool {
        match p.split_first() {
            None => a.is_empty(),
            Some((b'*', rest)) => (0..=a.len()).any(|k| glob(rest, &a[k..])),
            Some((c, rest)) => a
                .split_first()
                .is_some_and(|(x, ar)| c.eq_ignore_ascii_case(x) && glob(rest, ar)),
        }
    }
    if glob(p.as_bytes(), a.as_bytes()) {
        return true;
    }
    let mut i = 0;
    while let Some(pos) = p[i..].find("/*/") {
        let at = i + pos;
        if reference(&format!("{}{}", &p[..at], &p[at + 2..]), a) {
            return true;
        }
        i = at + 1;
    }
    false
}

fn arm_id() -> impl Strategy<Value = String> {
    let name = "[A-Za-z0-9][A-Za-z0-9._-]{0,8}";
    (
        "[0-9a-f]{8}",
        name,
        prop::collection::vec((name, name), 0..3),
        prop::bool::ANY,
    )
        .prop_map(|(sub, rg, res, provider)| {
            let mut s = format!("/subscriptions/{sub}");
            if provider || !res.is_empty() {
                s.push_str(&format!("/resourceGroups/{rg}"));
            }
            if !res.is_empty() {
                s.push_str("/providers/Microsoft.Test");
                for (t, n) in res {
                    s.push_str(&format!("/{t}/{n}"));
                }
            }
            s
        })
}

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("FUZZ_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn graph_project(edges: &[(u8, u8)], n: u8) -> Vec<(String, Vec<u8>)> {
    let gid = |i: u8| format!("{:08x}-0000-4000-8000-0000000000{:02x}", i, i);
    let groups: Vec<String> = (0..n)
        .map(|i| {
            let members: Vec<String> = edges
                .iter()
                .filter(|(g, _)| *g == i)
                .map(|(_, m)| format!(r##"{{"@odata.type": "#microsoft.graph.group", "id": "{}", "displayName": "g{m}"}}"##, gid(*m)))
                .chain(std::iter::once(format!(r##"{{"@odata.type": "#microsoft.graph.user", "id": "{}", "userPrincipalName": "u{i}@x.example"}}"##, gid(100 + i))))
                .collect();
            format!(r#"{{"id": "{}", "displayName": "g{i}", "securityEnabled": true, "groupTypes": [], "members": [{}]}}"#, gid(i), members.join(","))
        })
        .collect();
    let s = "/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69/resourceGroups/rg";
    let ra = format!(
        r#"[{{"principalId": "{}", "principalType": "Group", "roleDefinitionId": "/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", "scope": "{s}"}}]"#,
        gid(0)
    );
    vec![
        (
            "azure/groups.json".into(),
            format!("{{\"value\": [{}]}}", groups.join(",")).into_bytes(),
        ),
        ("azure/ra.json".into(), ra.into_bytes()),
    ]
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn arm_id_round_trip_and_case_insensitive(s in arm_id()) {
        let id = ArmId::parse(&s).expect("valid id");
        prop_assert_eq!(id.to_string(), s.clone());
        let up = ArmId::parse(&s.to_uppercase()).unwrap();
        let low = ArmId::parse(&s.to_lowercase()).unwrap();
        prop_assert_eq!(up.norm(), id.norm());
        prop_assert_eq!(low.norm(), id.norm());
        let again = ArmId::parse(&format!(" {s}/ ")).unwrap();
        prop_assert_eq!(again.to_string(), s);
    }

    #[test]
    fn action_matching_agrees_with_reference(p in "[aB/*]{0,12}", a in "[Ab/]{0,12}") {
        prop_assert_eq!(action_matches(&p, &a), reference(&p, &a), "pattern {:?} action {:?}", p, a);
    }

    #[test]
    fn group_closure_terminates_and_paths_never_repeat(n in 1u8..8, edges in prop::collection::vec((0u8..8, 0u8..8), 0..24)) {
        let edges: Vec<(u8, u8)> = edges.into_iter().filter(|(a, b)| *a < n && *b < n).collect();
        let raw = load_files("prop", graph_project(&edges, n), &Limits::default());
        let m = reach::model::build(raw);
        for (i, _) in m.principals.iter().enumerate() {
            let p = reach::model::PrincipalId(i as u32);
            let gs = m.groups_of(p);
            let mut sorted = gs.to_vec();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), gs.len(), "closure has duplicates");
            prop_assert!(!gs.contains(&p), "a principal is not its own group");
        }
        let e = reach::engine::Engine::new(m);
        let s = e.model().resolve_resource("/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69/resourceGroups/rg").unwrap();
        let w = e.who_can(s, Some("read")).unwrap();
        for pa in &w.principals {
            for path in &pa.paths {
                let mut seen = std::collections::HashSet::new();
                for step in &path.steps {
                    prop_assert!(seen.insert(step.text.clone()), "repeated step {:?} in a path of {}", step.text, pa.principal.name);
                }
            }
        }
    }
}
