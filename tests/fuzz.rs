#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Proptest-based fuzzing of the YAML and JSON loaders, the ARM ID parser and the action matcher
//! (cargo-fuzz needs a nightly toolchain and libFuzzer, which this project does not require).
//! `cargo test` runs a short pass (FUZZ_CASES, default 200 per target); `scripts/fuzz` runs long.

use proptest::prelude::*;
use reach::load::{load_files, Limits};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// YAML-ish text: fragments that exercise anchors, aliases, flow and block nesting, tags, quotes.
fn yamlish() -> impl Strategy<Value = String> {
    let frag = prop_oneof![
        Just("name: x\n".to_string()),
        Just("$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n".to_string()),
        Just("auth_mode: key\n".to_string()),
        Just("identity:\n  type: user_assigned\n  user_assigned_identities:\n    - resource_id: /subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u\n".to_string()),
        Just("a: &a [1, 2]\n".to_string()),
        Just("b: *a\n".to_string()),
        Just("c: *zz\n".to_string()),
        Just("<<: *a\n".to_string()),
        Just("? [x]\n: y\n".to_string()),
        Just("---\n".to_string()),
        Just("  - \n".to_string()),
        Just("k: \"unterminated\n".to_string()),
        Just("k: !!binary aGk=\n".to_string()),
        Just("credentials:\n  account_key: c2VjcmV0\n".to_string()),
        "[a-z_:{}\\[\\],&*!|>'\" \n#-]{0,40}",
        "\\PC{0,20}",
    ];
    prop::collection::vec(frag, 0..12).prop_map(|v| v.concat())
}

fn jsonish() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("1e400".to_string()),
        Just("-0".to_string()),
        Just("\"/subscriptions/s/resourceGroups/r\"".to_string()),
        Just("\"\\u0000\\ud800\"".to_string()),
        "\"[a-zA-Z@.#/ ]{0,12}\"",
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        let key = prop_oneof![
            Just("principalId"),
            Just("roleDefinitionId"),
            Just("scope"),
            Just("properties"),
            Just("value"),
            Just("members"),
            Just("group"),
            Just("type"),
            Just("id"),
            Just("@odata.type"),
            Just("permissions"),
            Just("actions"),
            Just("roleName"),
            Just("userPrincipalName"),
            Just("denyAssignmentName"),
            Just("allowSharedKeyAccess"),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key, inner), 0..6).prop_map(|v| {
                let body: Vec<String> = v.iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                format!("{{{}}}", body.join(","))
            }),
        ]
    })
}

fn load_one(name: &str, bytes: Vec<u8>) {
    let p = load_files("fuzz", vec![(name.to_string(), bytes)], &Limits::default());
    // Always one file record; the model builds and the rules run without panicking.
    assert_eq!(p.files.len(), 1);
    let e = reach::engine::Engine::new(reach::model::build(p));
    let _ = e.lint();
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn fuzz_yaml_loader(text in yamlish(), raw in prop::collection::vec(any::<u8>(), 0..64), mix in any::<bool>()) {
        let bytes = if mix { [text.as_bytes(), &raw].concat() } else { text.into_bytes() };
        load_one("azureml/f.yml", bytes);
    }

    #[test]
    fn fuzz_json_loader(text in jsonish(), cut in any::<prop::sample::Index>(), truncate in any::<bool>(), members in any::<bool>()) {
        let mut t = text;
        if truncate && !t.is_empty() {
            let mut i = cut.index(t.len());
            while !t.is_char_boundary(i) { i -= 1; }
            t.truncate(i);
        }
        let name = if members { "azure/team.members.json" } else { "azure/x.json" };
        load_one(name, t.into_bytes());
    }

    #[test]
    fn fuzz_arm_id_parser(s in "(/[a-zA-Z0-9.*_ -]{0,10}){0,12}/?", junk in "\\PC{0,30}") {
        for input in [s.clone(), junk, format!("{s}//x"), s.to_uppercase()] {
            if let Some(id) = reach::model::ArmId::parse(&input) {
                let _ = (id.parent(), id.name(), id.resource_type(), id.kind(), id.subscription());
                let again = reach::model::ArmId::parse(&id.to_string()).expect("printed id parses");
                prop_assert_eq!(again.norm(), id.norm());
            }
        }
    }

    #[test]
    fn fuzz_action_matcher(p in "[a-zA-Z/*.]{0,60}", a in "[a-zA-Z/.]{0,60}") {
        let t = std::time::Instant::now();
        let _ = reach::model::role::action_matches(&p, &a);
        prop_assert!(t.elapsed().as_millis() < 200, "slow match: {p:?} vs {a:?}");
    }
}

#[test]
fn action_matcher_is_not_exponential() {
    let p = format!("Microsoft.X{}", "/*".repeat(40)) + "/nomatch";
    let a = format!("microsoft.x{}", "/y".repeat(40));
    let t = std::time::Instant::now();
    assert!(!reach::model::role::action_matches(&p, &a));
    assert!(t.elapsed().as_secs() < 1, "took {:?}", t.elapsed());
}
