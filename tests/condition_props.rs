#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Properties of the ABAC condition parser and evaluator (`reach::model::condition`): no panic
//! on any text; canonical text round trip; an unrestricted action is allowed whatever is
//! unknown; facts never overturn a decided verdict (Kleene monotonicity).

use proptest::prelude::*;
use reach::model::condition::{parse, Attr, Condition, Value, Verdict};

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("FUZZ_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const ATTRS: &[&str] = &[
    "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name]",
    "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path]",
    "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>]",
    "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId]",
    "@Request[Microsoft.Authorization/roleAssignments:PrincipalType]",
    "@Environment[isPrivateLink]",
    "@Environment[UtcNow]",
    "@Principal[Microsoft.Directory/CustomSecurityAttributes/Id:Eng_Project]",
    "@request[subOperation]",
];

/// The attribute names of `ATTRS`, as the evaluator asks for them.
fn attr_name(i: usize) -> String {
    let a = ATTRS[i % ATTRS.len()];
    let open = a.find('[').unwrap();
    a[open + 1..a.len() - 1].to_string()
}

const OPS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotLikeIgnoreCase",
    "StringStartsWith",
    "StringNotStartsWithIgnoreCase",
    "GuidEquals",
    "GuidNotEquals",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "BoolEquals",
    "BoolNotEquals",
    "DateTimeGreaterThan",
    "DateTimeLessThanEquals",
    "IpMatch",
    "IpNotMatch",
    "IpInRange",
];

const QUANTS: &[&str] = &[
    "",
    "ForAnyOfAnyValues:",
    "ForAllOfAnyValues:",
    "ForAnyOfAllValues:",
    "forallofallvalues:",
];

const VALUES: &[&str] = &[
    "'raw'",
    "'logs/*'",
    "'Logs/'",
    "'it\\'s'",
    "'a\\\\b'",
    "'a\\*'",
    "''",
    "'é漢'",
    "10",
    "-3",
    "2.5",
    "true",
    "FALSE",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "'2A2B9908-6EA1-4AE2-8E65-A410DF84E7D1'",
    "'2023-05-01T13:00:00.0Z'",
    "'10.0.0.0/24'",
    "'10.0.0.1-10.0.0.9'",
    "'User'",
];

const ACTIONS: &[&str] = &[
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleAssignments/delete",
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
];

const PATTERNS: &[&str] = &[
    "'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'",
    "'Microsoft.Storage/*'",
    "'microsoft.authorization/roleassignments/write'",
    "'Microsoft.Authorization/*/delete'",
    "'*'",
    "'*/read'",
];

fn pick(xs: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(xs)
}

fn space() -> impl Strategy<Value = &'static str> {
    pick(&[" ", "  ", "\n", "\n  ", "\t", " \r\n "])
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => pick(VALUES).prop_map(str::to_string),
        1 => prop::collection::vec(pick(VALUES), 0..4).prop_map(|vs| format!("{{{}}}", vs.join(", "))),
    ]
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (pick(ATTRS), pick(QUANTS), pick(OPS), space(), value())
            .prop_map(|(a, q, o, s, v)| format!("{a}{s}{q}{o}{s}{v}")),
        1 => (value(), pick(QUANTS), pick(OPS), pick(ATTRS))
            .prop_map(|(v, q, o, a)| format!("{v} {q}{o} {a}")),
        3 => prop::collection::vec(pick(PATTERNS), 1..3)
            .prop_map(|ps| format!("ActionMatches{{{}}}", ps.join(", "))),
        1 => pick(&["SubOperationMatches{'Blob.List'}", "SubOperationMatches{'Blob.Write.WithTagHeaders', 'Blob.List'}"])
            .prop_map(str::to_string),
        1 => (pick(&["Exists", "NotExists", "exists"]), pick(ATTRS)).prop_map(|(k, a)| format!("{k} {a}")),
    ]
}

/// Valid condition text in varied spelling: keywords in any case, symbols, spaces, newlines.
fn condition() -> impl Strategy<Value = String> {
    leaf().prop_recursive(5, 40, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                pick(&["AND", "and", "&&", "OR", "Or", "||"]),
                inner.clone(),
                space()
            )
                .prop_map(|(a, k, b, s)| format!("({a}){s}{k}{s}({b})")),
            (inner.clone(), pick(&["AND", "OR"]), inner.clone())
                .prop_map(|(a, k, b)| format!("{a} {k} {b}")),
            (pick(&["!", "NOT ", "not", "! "]), inner.clone())
                .prop_map(|(n, a)| format!("{n}({a})")),
            inner.prop_map(|a| format!("( {a} )")),
        ]
    })
}

/// Pieces of the grammar glued at random: mostly invalid text near the valid one.
fn glued() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        pick(&[
            "(",
            ")",
            "{",
            "}",
            "[",
            "]",
            ",",
            "!",
            "&&",
            "||",
            "&",
            "|",
            "'",
            "\\",
            "@",
            "AND",
            "OR",
            "NOT",
            "ActionMatches",
            "SubOperationMatches",
            "Exists",
            "@Resource[",
            "@Request[x]",
            "@Foo[x]",
            "ForAnyOfAnyValues:",
            "GuidEquals",
            "StringLike",
            "'a",
            "''",
            "\\'",
            "true",
            "-",
            ":",
            "$",
            "<$key_case_sensitive$>",
            "\u{0}",
            "é",
            "\u{202e}",
        ])
        .prop_map(str::to_string),
        pick(ATTRS).prop_map(str::to_string),
        pick(OPS).prop_map(str::to_string),
        pick(VALUES).prop_map(str::to_string),
        leaf(),
    ];
    prop::collection::vec((piece, pick(&["", " ", "\n"])), 0..30)
        .prop_map(|v| v.into_iter().map(|(p, s)| format!("{p}{s}")).collect())
}

const RA_WRITE: &str = "Microsoft.Authorization/roleAssignments/write";
const ROLE_GUIDS: &[&str] = &[
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "2A2B9908-6EA1-4AE2-8E65-A410DF84E7D1",
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
];
const TYPES: &[&str] = &["User", "Group", "ServicePrincipal"];
const IDS: &[&str] = &[
    "11111111-2222-3333-4444-555555555555",
    "{66666666-7777-8888-9999-AAAAAAAAAAAA}",
];
const DELEG: &[(&str, &[&str], &[&str])] = &[
    (
        "RoleDefinitionId",
        &[
            "GuidEquals",
            "GuidNotEquals",
            "StringEqualsIgnoreCase",
            "StringEquals",
        ],
        ROLE_GUIDS,
    ),
    (
        "PrincipalType",
        &["StringEqualsIgnoreCase", "StringEquals", "StringNotEquals"],
        TYPES,
    ),
    ("PrincipalId", &["GuidEquals", "GuidNotEquals"], IDS),
];

/// One comparison on a role-assignment request attribute.
fn deleg_leaf() -> impl Strategy<Value = String> {
    (
        0..DELEG.len(),
        any::<prop::sample::Index>(),
        pick(QUANTS),
        prop::collection::vec(any::<prop::sample::Index>(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(f, op, q, vals, braces)| {
            let (attr, ops, pool) = DELEG[f];
            let vals: Vec<String> = vals.iter().map(|i| format!("'{}'", i.get(pool))).collect();
            let rhs = if braces || vals.len() > 1 {
                format!("{{{}}}", vals.join(", "))
            } else {
                vals[0].clone()
            };
            format!(
                "@Request[Microsoft.Authorization/roleAssignments:{attr}] {q}{} {rhs}",
                op.get(ops)
            )
        })
}

/// A constrain-roles condition: the write arm over `deleg_leaf`s, and sometimes a delete arm.
fn deleg_condition() -> impl Strategy<Value = String> {
    let arm = deleg_leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), pick(&["AND", "OR"]), inner.clone())
                .prop_map(|(a, k, b)| format!("({a}) {k} ({b})")),
            inner.prop_map(|a| format!("!(!({a}))")),
        ]
    });
    (arm, any::<bool>()).prop_map(|(arm, delete)| {
        let write = format!("((!(ActionMatches{{'Microsoft.Authorization/roleAssignments/write'}})) OR ({arm}))");
        if delete {
            format!("{write} AND ((!(ActionMatches{{'Microsoft.Authorization/roleAssignments/delete'}})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidEquals 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'))")
        } else {
            write
        }
    })
}

fn unknown(_: &Attr) -> Option<Vec<Value>> {
    None
}

/// Canonical text parses back to the same condition, and renders the same again.
fn round_trip(c: &Condition) -> Result<(), TestCaseError> {
    let text = c.to_string();
    let again = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    prop_assert_eq!(&again, c, "{}", text);
    prop_assert_eq!(again.to_string(), text);
    Ok(())
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn parse_never_panics_on_any_text(s in any::<String>()) {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_unicode(s in "\\PC{0,200}") {
        let _ = parse(&s);
    }

    #[test]
    fn glued_pieces_never_panic_and_round_trip(s in glued(), a in pick(ACTIONS)) {
        if let Ok(c) = parse(&s) {
            round_trip(&c)?;
            let _ = c.evaluate(a, &unknown);
            let _ = c.delegation();
        }
    }

    #[test]
    fn generated_conditions_parse_and_round_trip(s in condition()) {
        let c = parse(&s).map_err(|e| TestCaseError::fail(format!("{e}: {s}")))?;
        round_trip(&c)?;
    }

    #[test]
    fn unrestricted_means_allowed(s in condition(), a in pick(ACTIONS)) {
        let c = parse(&s).unwrap();
        if !c.restricts(a) {
            prop_assert_eq!(c.evaluate(a, &unknown), Verdict::Allowed, "{}", s);
        }
    }

    #[test]
    fn facts_never_overturn_a_decision(
        s in condition(),
        a in pick(ACTIONS),
        known in prop::collection::vec((0..ATTRS.len(), prop::collection::vec(pick(VALUES), 0..3)), 0..6),
    ) {
        let c = parse(&s).unwrap();
        let facts: Vec<(String, Vec<Value>)> = known
            .into_iter()
            .map(|(i, vs)| {
                let vals = vs.iter().map(|v| Value::Str(v.trim_matches('\'').to_string())).collect();
                (attr_name(i), vals)
            })
            .collect();
        let lookup = |attr: &Attr| {
            facts.iter().find(|(n, _)| attr.name.eq_ignore_ascii_case(n)).map(|(_, v)| v.clone())
        };
        let blind = c.evaluate(a, &unknown);
        let seen = c.evaluate(a, &lookup);
        if !matches!(blind, Verdict::Requires(_)) {
            prop_assert_eq!(seen, blind, "{}", s);
        }
    }

    /// An understood delegation is exact: with the role, principal type and principal id of a
    /// request known, the condition allows the write exactly when the lists allow it.
    #[test]
    fn delegation_is_exact(s in deleg_condition()) {
        let c = parse(&s).unwrap();
        let d = c.delegation();
        if d.understood {
            for role in ROLE_GUIDS {
                for ty in TYPES {
                    for id in IDS {
                        let facts = |a: &Attr| {
                            let v = match a.name.rsplit(':').next()? {
                                "RoleDefinitionId" => role,
                                "PrincipalType" => ty,
                                "PrincipalId" => id,
                                _ => return None,
                            };
                            Some(vec![Value::Str(v.to_string())])
                        };
                        let g = |x: &str| x.trim_matches(['{', '}']).to_ascii_lowercase();
                        let ok = d.roles.as_ref().is_none_or(|rs| rs.contains(&g(role)))
                            && d.roles_except.as_ref().is_none_or(|rs| !rs.contains(&g(role)))
                            && d.principal_types.as_ref().is_none_or(|ts| ts.iter().any(|t| t.eq_ignore_ascii_case(ty)))
                            && d.principal_ids.as_ref().is_none_or(|is| is.contains(&g(id)));
                        let want = if ok { Verdict::Allowed } else { Verdict::Denied };
                        prop_assert_eq!(c.evaluate(RA_WRITE, &facts), want, "{} {} {} {} {:?}", s, role, ty, id, d);
                    }
                }
            }
        }
    }
}
