#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Proptest-based fuzzing of the YAML and JSON loaders, the ARM ID parser, the action matcher and
//! every argument a user types (`--action`, references, `--assume-*`, filter text)
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
        let before = reach::model::role::match_cells_on_this_thread();
        let _ = reach::model::role::action_matches(&p, &a);
        let cells = reach::model::role::match_cells_on_this_thread() - before;
        let bound = (p.len() * (a.len() + 1)) as u64;
        prop_assert!(cells <= bound, "{cells} cells over {bound}: {p:?} vs {a:?}");
    }
}

#[test]
fn action_matcher_is_not_exponential() {
    let p = format!("Microsoft.X{}", "/*".repeat(40)) + "/nomatch";
    let a = format!("microsoft.x{}", "/y".repeat(40));
    let before = reach::model::role::match_cells_on_this_thread();
    assert!(!reach::model::role::action_matches(&p, &a));
    // quadratic: one table of (pattern length) × (action length + 1) cells, whatever the
    // number of stars (the first matcher collapsed each `/*/` in turn: 2^40 tries here)
    let cells = reach::model::role::match_cells_on_this_thread() - before;
    assert!(cells <= (p.len() * (a.len() + 1)) as u64, "{cells} cells");
}

// ---- Arguments a user types (issue 17): `--action`, references, `--assume-*`, filter text ----

/// The demo project's engine, built once for the argument fuzzers.
fn demo() -> &'static reach::engine::Engine {
    static E: std::sync::OnceLock<reach::engine::Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| reach::engine::Engine::new(reach::model::build(reach::demo::load())))
}

/// Text a user could type: any Unicode (control characters, combining marks, astral planes)
/// mixed with the words reach knows, and a known prefix cut at any byte so that a multi-byte
/// character lands where an ASCII one is expected (`…/workspacesé/x`).
fn typed() -> impl Strategy<Value = String> {
    const KNOWN: [&str; 14] = [
        "Microsoft.MachineLearningServices/workspaces/",
        "Microsoft.Storage/storageAccounts/blobServices/containers/",
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action",
        "endpoint:",
        "ep-fraud",
        "workspace:",
        "deployment:",
        "/subscriptions/",
        "/resourceGroups/",
        "/providers/",
        "AzureML Data Scientist",
        "*",
        "/",
        ":",
    ];
    let frag = prop_oneof![
        prop::sample::select(&KNOWN[..]).prop_map(str::to_string),
        (
            prop::sample::select(&KNOWN[..]),
            any::<prop::sample::Index>()
        )
            .prop_map(|(k, i)| {
                let cut = i.index(k.len() + 1);
                k.get(..cut).unwrap_or(k).to_string()
            }),
        prop::sample::select(&["é", "İ", "ß", "\u{301}", "👩‍💻", "\u{FEFF}", "\u{0}", " "][..])
            .prop_map(str::to_string),
        "(?s).{0,12}",
        "\\PC{0,12}",
    ];
    prop::collection::vec(frag, 0..6).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn fuzz_action_argument(op in typed()) {
        let e = demo();
        let m = e.model();
        let _ = reach::engine::short_action(&op);
        let _ = reach::model::role::action_matches(&op, &op);
        let _ = reach::model::role::action_matches(&op, reach::engine::action::EP_SCORE);
        let _ = reach::model::role::action_matches("Microsoft.MachineLearningServices/*", &op);
        let _ = reach::model::role::is_data_action(&op);
        let ep = m.resolve_resource("endpoint:ep-fraud").expect("the demo has ep-fraud");
        let p = m.principal_ids().next().expect("the demo has principals");
        for s in [ep, m.scope_ids().last().expect("the demo has scopes")] {
            let _ = reach::engine::action::resolve(m, s, &op);
            let _ = e.who_can(s, Some(&op));
            let _ = e.who_can_summary(s, Some(&op));
            let _ = e.explain(p, s, &op);
        }
        let _ = e.what_can_summary(p, Some(&op));
        let _ = e.matrix(&[reach::model::ResKind::OnlineEndpoint], Some(&op));
    }

    #[test]
    fn fuzz_reference_arguments(r in typed(), kind in prop::sample::select(&["endpoint", "workspace", "rg", "user", "group", "sp", "é", ""][..])) {
        let m = demo().model();
        for r in [r.clone(), format!("{kind}:{r}"), format!("{r}:{r}"), format!("/subscriptions/{r}")] {
            let _ = reach::model::ResKind::from_word(&r);
            let _ = reach::mask::unmask_ref(&r);
            if let Ok(s) = m.resolve_resource(&r) {
                let _ = (m.scope_ref(s), m.place_of(s));
            }
            let _ = m.resolve_principal(&r);
            let _ = m.resolve_role(&r);
            // `reach rules ID` and the "closest" suggestions of every unknown reference
            let _ = reach::engine::rules::rule(&r);
            let names = reach::engine::rules::catalog().into_iter().map(|x| (x.id.to_string(), x.id.to_string()));
            let _ = reach::model::lookup::closest(&r, names);
            let _ = reach::text::show(&r);
        }
    }

    #[test]
    fn fuzz_assume_arguments(p in typed(), r in typed(), s in typed(), known in any::<bool>()) {
        use reach::cli::WhatIf;
        // with `known`, two of the three are real so that parsing reaches the third
        let (p, r) = if known { ("team-a".to_string(), "AzureML Data Scientist".to_string()) } else { (p, r) };
        for w in [
            WhatIf { assume: vec![p.clone(), r.clone(), s.clone()], revoked: vec![] },
            WhatIf { assume: vec![], revoked: vec![s.clone(), p.clone(), r.clone()] },
            WhatIf { assume: vec![p.clone(), r.clone()], revoked: vec![] },
        ] {
            let _ = reach::cli::open_with(None, true, true, &w);
        }
    }

    #[test]
    fn fuzz_filter_text(q in typed(), rows in prop::collection::vec(typed(), 0..8)) {
        let m = demo().model();
        let mut hay: Vec<String> = m.principals.iter().map(|p| p.name.clone()).collect();
        hay.extend(rows);
        let mut f = reach::tui::filter::Filter::default();
        f.set_query(&q, &hay);
        // typing on: a query that extends the previous one re-scores only its matches
        f.set_query(&format!("{q}{q}"), &hay);
        for mt in f.matches().to_vec() {
            let text = hay.get(mt.idx).expect("a match is a row");
            let chars = text.chars().count();
            prop_assert!(f.indices(text).iter().all(|&i| i < chars));
        }
    }
}
