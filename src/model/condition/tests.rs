//! Real conditions from Microsoft docs (learn.microsoft.com / MicrosoftDocs/azure-docs:
//! `conditions-format`, `storage-auth-abac-examples`, `delegate-role-assignments-examples`,
//! `built-in-roles/security`) and the export shapes in `../shared/reference`.

use super::*;

const READ: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
const WRITE_BLOB: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write";
const RA_WRITE: &str = "Microsoft.Authorization/roleAssignments/write";
const RA_DELETE: &str = "Microsoft.Authorization/roleAssignments/delete";

/// export-shapes/az-role-assignment-list.json [3] (and learn conditions-format).
const CONTAINER: &str = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'blobs-example-container'))";

/// storage-auth-abac-examples "Read blobs with a blob index tag".
const TAG: &str = "(
 (
  !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})
 )
 OR 
 (
  @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>] StringEquals 'Cascade'
 )
)";

/// The blob path shape (storage-auth-abac-attributes "Blob path"), with StringStartsWith.
const PATH: &str = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'logs/'))";

/// delegate-role-assignments-examples "Constrain roles", with Storage Blob Data Contributor
/// and Storage Blob Data Reader.
const ROLES: &str = "(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
 )
 OR
 (
  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {BA92F5B4-2D11-453D-A403-E96B0029C9FE, 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1}
 )
)
AND
(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})
 )
 OR
 (
  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {ba92f5b4-2d11-453d-a403-e96b0029c9fe, 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1}
 )
)";

/// delegate-role-assignments-examples "Constrain roles and principal types".
const ROLES_TYPES: &str = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b, a795c7a0-d4a2-40c1-ae25-d81f01202912} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'User', 'Group'})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b, a795c7a0-d4a2-40c1-ae25-d81f01202912} AND @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'User', 'Group'}))";

/// built-in-roles/security.md, Key Vault Data Access Administrator (8b54135c-…), verbatim.
const KV_DAA: &str = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals{00482a5a-887f-4fb3-b363-3b7fe8e74483, a4417e6f-fecd-4de8-b567-7b0420556985, 14b46e9e-c2b7-41b4-b07b-48a6ebf60603, e147488a-f6f5-4113-8e2d-b22465e65bf6, 12338af0-0e69-4776-bea7-57ae8d297424, 21090545-7ca7-4776-b22c-e363652d74d2, b86a8fe4-44ce-4948-aee5-eccb2c155cd7, 4633458b-17de-408a-b874-0445c86b69e6})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals{00482a5a-887f-4fb3-b363-3b7fe8e74483, a4417e6f-fecd-4de8-b567-7b0420556985, 14b46e9e-c2b7-41b4-b07b-48a6ebf60603, e147488a-f6f5-4113-8e2d-b22465e65bf6, 12338af0-0e69-4776-bea7-57ae8d297424, 21090545-7ca7-4776-b22c-e363652d74d2, b86a8fe4-44ce-4948-aee5-eccb2c155cd7, 4633458b-17de-408a-b874-0445c86b69e6}))";

const KV_ROLES: [&str; 8] = [
    "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "a4417e6f-fecd-4de8-b567-7b0420556985",
    "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
    "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "12338af0-0e69-4776-bea7-57ae8d297424",
    "21090545-7ca7-4776-b22c-e363652d74d2",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "4633458b-17de-408a-b874-0445c86b69e6",
];

/// storage-auth-abac-examples "Read blobs in a named container with a path": two clauses,
/// each with its own ActionMatches arm (read, and list).
const TWO_ARMS: &str = "(
 (
  !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})
 )
 OR
 (
  @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'blobs-example-container'
  AND
  @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'readonly/'
 )
)
AND
(
 (
  !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND SubOperationMatches{'Blob.List'})
 )
 OR
 (
  @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'blobs-example-container'
 )
)";

/// storage-auth-abac-examples "New blobs must include a blob index tag": one arm naming two
/// actions.
const NEW_BLOBS: &str = "(
 (
  !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'} AND SubOperationMatches{'Blob.Write.WithTagHeaders'})
  AND
  !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'} AND SubOperationMatches{'Blob.Write.WithTagHeaders'})
 )
 OR 
 (
  @Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>] StringEquals 'Cascade'
 )
)";

/// storage-auth-abac-examples "Require private link access to read blobs with high sensitivity".
const PRIVATE_LINK: &str = "(
 (
  !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})
 )
 OR
 (
  (
   @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:sensitivity<$key_case_sensitive$>] StringEquals 'high'
   AND
   @Environment[isPrivateLink] BoolEquals true
  )
  OR
  @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:sensitivity<$key_case_sensitive$>] StringNotEquals 'high'
 )
)";

fn p(text: &str) -> Condition {
    match parse(text) {
        Ok(c) => c,
        Err(e) => panic!("{e}\n{text}"),
    }
}

fn unknown(_: &Attr) -> Option<Vec<Value>> {
    None
}

/// Facts: (attribute name, values); every other attribute unknown.
fn facts(list: &[(&str, &[&str])]) -> impl Fn(&Attr) -> Option<Vec<Value>> {
    let owned: Vec<(String, Vec<Value>)> = list
        .iter()
        .map(|(n, vs)| {
            (
                n.to_string(),
                vs.iter().map(|v| Value::Str(v.to_string())).collect(),
            )
        })
        .collect();
    move |a: &Attr| {
        owned
            .iter()
            .find(|(n, _)| a.name.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    }
}

fn requires(v: Verdict) -> String {
    match v {
        Verdict::Requires(r) => r.to_string(),
        other => panic!("expected Requires, got {other:?}"),
    }
}

fn unconstrained() -> Delegation {
    Delegation {
        understood: true,
        roles: None,
        roles_except: None,
        principal_types: None,
        principal_ids: None,
    }
}

#[test]
fn container_name() {
    let c = p(CONTAINER);
    assert!(c.restricts(READ));
    assert!(c.restricts(&READ.to_uppercase()));
    assert!(!c.restricts(WRITE_BLOB));
    assert_eq!(c.evaluate(WRITE_BLOB, &unknown), Verdict::Allowed);
    let name = names::CONTAINER_NAME;
    let known = facts(&[(name, &["blobs-example-container"])]);
    assert_eq!(c.evaluate(READ, &known), Verdict::Allowed);
    let other = facts(&[(name, &["raw"])]);
    assert_eq!(c.evaluate(READ, &other), Verdict::Denied);
    assert_eq!(
        requires(c.evaluate(READ, &unknown)),
        "only in container 'blobs-example-container'"
    );
    assert_eq!(c.delegation(), unconstrained());
    assert_eq!(c.targeted_actions(), vec![READ.to_string()]);
}

#[test]
fn blob_index_tag() {
    let c = p(TAG);
    assert!(c.restricts(READ));
    assert!(!c.restricts(WRITE_BLOB));
    let tag = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>";
    // a plain read (no sub-operation), with the blob's tag known
    let cascade = facts(&[(names::SUB_OPERATION, &[]), (tag, &["Cascade"])]);
    assert_eq!(c.evaluate(READ, &cascade), Verdict::Allowed);
    let baker = facts(&[(names::SUB_OPERATION, &[]), (tag, &["Baker"])]);
    assert_eq!(c.evaluate(READ, &baker), Verdict::Denied);
    // listing blobs is exempt
    let list = facts(&[(names::SUB_OPERATION, &["Blob.List"])]);
    assert_eq!(c.evaluate(READ, &list), Verdict::Allowed);
    assert_eq!(
        requires(c.evaluate(READ, &unknown)),
        "only blobs with index tag Project = 'Cascade' (sub-operation 'Blob.List' not restricted)"
    );
    let plain = facts(&[(names::SUB_OPERATION, &[])]);
    assert_eq!(
        requires(c.evaluate(READ, &plain)),
        "only blobs with index tag Project = 'Cascade'"
    );
    assert_eq!(c.delegation(), unconstrained());
}

#[test]
fn blob_path() {
    let c = p(PATH);
    assert!(c.restricts(READ));
    assert!(!c.restricts("Microsoft.Storage/storageAccounts/listKeys/action"));
    let known =
        |path: &'static str| facts(&[(names::SUB_OPERATION, &[]), (names::BLOB_PATH, &[path])]);
    assert_eq!(
        c.evaluate(READ, &known("logs/2024/a.txt")),
        Verdict::Allowed
    );
    assert_eq!(c.evaluate(READ, &known("Logs/a.txt")), Verdict::Denied);
    assert_eq!(
        requires(c.evaluate(READ, &facts(&[(names::SUB_OPERATION, &[])]))),
        "only blob paths starting with 'logs/'"
    );
}

#[test]
fn constrain_roles() {
    let c = p(ROLES);
    assert!(c.restricts(RA_WRITE));
    assert!(c.restricts(RA_DELETE));
    assert!(!c.restricts(READ));
    assert!(!c.restricts("Microsoft.Authorization/roleAssignments/read"));
    let rid = names::ROLE_DEFINITION_ID;
    let ok = facts(&[(rid, &["2A2B9908-6EA1-4AE2-8E65-A410DF84E7D1"])]);
    assert_eq!(c.evaluate(RA_WRITE, &ok), Verdict::Allowed);
    let owner = facts(&[(rid, &["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"])]);
    assert_eq!(c.evaluate(RA_WRITE, &owner), Verdict::Denied);
    // the engine may pass a role-definition ID: its last segment is the GUID
    let full = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    assert_eq!(
        c.evaluate(RA_WRITE, &facts(&[(rid, &[full])])),
        Verdict::Allowed
    );
    assert_eq!(
        requires(c.evaluate(RA_WRITE, &unknown)),
        "only when assigning role ba92f5b4-2d11-453d-a403-e96b0029c9fe or 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
            .replace("ba92f5b4-2d11-453d-a403-e96b0029c9fe", "BA92F5B4-2D11-453D-A403-E96B0029C9FE")
    );
    assert_eq!(
        c.delegation(),
        Delegation {
            understood: true,
            roles: Some(vec![
                "ba92f5b4-2d11-453d-a403-e96b0029c9fe".into(),
                "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1".into()
            ]),
            roles_except: None,
            principal_types: None,
            principal_ids: None,
        }
    );
}

#[test]
fn constrain_roles_and_principal_types() {
    let c = p(ROLES_TYPES);
    let d = c.delegation();
    assert!(d.understood);
    assert_eq!(
        d.roles,
        Some(vec![
            "5e467623-bb1f-42f4-a55d-6e525e11384b".to_string(),
            "a795c7a0-d4a2-40c1-ae25-d81f01202912".to_string()
        ])
    );
    assert_eq!(
        d.principal_types,
        Some(vec!["User".to_string(), "Group".to_string()])
    );
    assert_eq!(d.principal_ids, None);
    let rid = names::ROLE_DEFINITION_ID;
    let sp = facts(&[
        (rid, &["5e467623-bb1f-42f4-a55d-6e525e11384b"]),
        (names::PRINCIPAL_TYPE, &["ServicePrincipal"]),
    ]);
    assert_eq!(c.evaluate(RA_WRITE, &sp), Verdict::Denied);
    let group = facts(&[
        (rid, &["5e467623-bb1f-42f4-a55d-6e525e11384b"]),
        (names::PRINCIPAL_TYPE, &["group"]),
    ]);
    assert_eq!(c.evaluate(RA_WRITE, &group), Verdict::Allowed);
    let role_only = facts(&[(rid, &["5e467623-bb1f-42f4-a55d-6e525e11384b"])]);
    assert_eq!(
        requires(c.evaluate(RA_WRITE, &role_only)),
        "only when assigning to principal type 'User' or 'Group'"
    );
}

#[test]
fn key_vault_data_access_administrator() {
    let c = p(KV_DAA);
    assert_eq!(c.targeted_actions(), vec![RA_WRITE, RA_DELETE]);
    assert!(c.restricts(RA_WRITE));
    assert!(!c.restricts("Microsoft.KeyVault/vaults/secrets/read"));
    let d = c.delegation();
    assert!(d.understood);
    assert_eq!(
        d.roles,
        Some(KV_ROLES.iter().map(|s| s.to_string()).collect())
    );
    let rid = names::ROLE_DEFINITION_ID;
    let secrets_user = facts(&[(rid, &["4633458b-17de-408a-b874-0445c86b69e6"])]);
    assert_eq!(c.evaluate(RA_WRITE, &secrets_user), Verdict::Allowed);
    let owner = facts(&[(rid, &["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"])]);
    assert_eq!(c.evaluate(RA_WRITE, &owner), Verdict::Denied);
    assert!(requires(c.evaluate(RA_WRITE, &unknown))
        .starts_with("only when assigning role 00482a5a-887f-4fb3-b363-3b7fe8e74483 or "));
}

/// The portal template "Allow user to assign all roles except privileged administrator roles
/// Owner, UAA, and RBAC" (delegate-role-assignments-overview), as deployed in the wild.
const EXCEPT_PRIVILEGED: &str = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9, f58310d9-a9f6-439a-9e8d-f62e7b41a168})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9, f58310d9-a9f6-439a-9e8d-f62e7b41a168}))";

#[test]
fn all_roles_except_privileged() {
    let c = p(EXCEPT_PRIVILEGED);
    assert!(c.restricts(RA_WRITE));
    assert!(!c.restricts(READ));
    let rid = names::ROLE_DEFINITION_ID;
    let owner = facts(&[(rid, &["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"])]);
    assert_eq!(c.evaluate(RA_WRITE, &owner), Verdict::Denied);
    let reader = facts(&[(rid, &["2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"])]);
    assert_eq!(c.evaluate(RA_WRITE, &reader), Verdict::Allowed);
    assert_eq!(
        requires(c.evaluate(RA_WRITE, &unknown)),
        "only when assigning a role other than 8e3af657-a8ff-443c-a75c-2fe8c4bcb635, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9, f58310d9-a9f6-439a-9e8d-f62e7b41a168"
    );
    let d = c.delegation();
    assert!(d.understood);
    assert_eq!(d.roles, None);
    assert_eq!(
        d.roles_except,
        Some(vec![
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635".to_string(),
            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9".to_string(),
            "f58310d9-a9f6-439a-9e8d-f62e7b41a168".to_string()
        ])
    );
    // with a list of roles as well, the exclusions are taken out of the list
    let both = p(&format!("{EXCEPT_PRIVILEGED} AND (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {{8e3af657-a8ff-443c-a75c-2fe8c4bcb635, 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1}})"));
    let d = both.delegation();
    assert_eq!(
        d.roles,
        Some(vec!["2a2b9908-6ea1-4ae2-8e65-a410df84e7d1".to_string()])
    );
    assert_eq!(d.roles_except, None);
    // "not Owner" under ForAnyOfAnyValues with two values holds for every role: not a list
    let any = p("@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9}");
    assert!(!any.delegation().understood);
}

#[test]
fn two_action_arms() {
    let c = p(TWO_ARMS);
    assert!(c.restricts(READ));
    assert!(!c.restricts(WRITE_BLOB));
    let plain = |name: &'static str, path: &'static str| {
        facts(&[
            (names::SUB_OPERATION, &[]),
            (names::CONTAINER_NAME, &[name]),
            (names::BLOB_PATH, &[path]),
        ])
    };
    assert_eq!(
        c.evaluate(READ, &plain("blobs-example-container", "readonly/a")),
        Verdict::Allowed
    );
    assert_eq!(
        c.evaluate(READ, &plain("blobs-example-container", "secret/a")),
        Verdict::Denied
    );
    assert_eq!(
        requires(c.evaluate(READ, &facts(&[(names::SUB_OPERATION, &[])]))),
        "only in container 'blobs-example-container' and blob paths starting with 'readonly/'"
    );
    let list = facts(&[(names::SUB_OPERATION, &["Blob.List"])]);
    assert_eq!(
        requires(c.evaluate(READ, &list)),
        "only in container 'blobs-example-container'"
    );
    assert_eq!(c.delegation(), unconstrained());
}

#[test]
fn one_arm_two_actions() {
    let c = p(NEW_BLOBS);
    assert!(c.restricts(WRITE_BLOB));
    assert!(
        c.restricts("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action")
    );
    assert!(!c.restricts(READ));
    let tags = facts(&[(names::SUB_OPERATION, &["Blob.Write.WithTagHeaders"])]);
    assert_eq!(
        requires(c.evaluate(WRITE_BLOB, &tags)),
        "only when setting index tag Project = 'Cascade'"
    );
    // a write without tag headers is not targeted
    let no_tags = facts(&[(names::SUB_OPERATION, &[])]);
    assert_eq!(c.evaluate(WRITE_BLOB, &no_tags), Verdict::Allowed);
}

#[test]
fn private_link() {
    let c = p(PRIVATE_LINK);
    let plain = facts(&[(names::SUB_OPERATION, &[])]);
    assert_eq!(
        requires(c.evaluate(READ, &plain)),
        "only (blobs with index tag sensitivity = 'high' and when the request comes from a private link) or blobs with index tag sensitivity != 'high'"
    );
}

#[test]
fn storage_wildcard_action_and_like() {
    let c = p("(!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringLike 'logs/*.txt')");
    assert!(c.restricts(READ));
    assert!(c.restricts(WRITE_BLOB));
    assert!(!c.restricts("Microsoft.Storage/storageAccounts/read"));
    let path = |v: &'static str| facts(&[(names::BLOB_PATH, &[v])]);
    assert_eq!(c.evaluate(READ, &path("logs/a/b.txt")), Verdict::Allowed);
    assert_eq!(c.evaluate(READ, &path("logs/a/b.csv")), Verdict::Denied);
    assert_eq!(
        requires(c.evaluate(READ, &unknown)),
        "only blob paths matching 'logs/*.txt'"
    );
}

#[test]
fn environment_phrases_and_fallback() {
    let c = p("@Environment[UtcNow] DateTimeGreaterThan '2023-05-01T13:00:00.0Z' AND @Environment[Microsoft.Network/privateEndpoints] StringEqualsIgnoreCase '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe'");
    assert_eq!(
        requires(c.evaluate(READ, &unknown)),
        "only after '2023-05-01T13:00:00.0Z' and when the request comes from private endpoint '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe'"
    );
    let later = facts(&[(names::UTC_NOW, &["2024-01-01T00:00:00+01:00"])]);
    assert!(matches!(c.evaluate(READ, &later), Verdict::Requires(_)));
    let earlier = facts(&[(names::UTC_NOW, &["2023-05-01T12:59:59Z"])]);
    assert_eq!(c.evaluate(READ, &earlier), Verdict::Denied);
    let f = p("@Resource[Microsoft.Storage/storageAccounts:isHnsEnabled] BoolEquals true");
    assert_eq!(
        requires(f.evaluate(READ, &unknown)),
        "only when @Resource[Microsoft.Storage/storageAccounts:isHnsEnabled] BoolEquals true"
    );
    let esc = p("@Request[x] StringEquals 'it\\'s'");
    assert_eq!(
        requires(esc.evaluate(READ, &unknown)),
        "only when @Request[x] StringEquals 'it\\'s'"
    );
}

/// learn conditions-format "Operator examples": all literal, so decided without facts.
#[test]
fn operator_examples() {
    let cases = [
        ("{'red', 'blue'} ForAnyOfAnyValues:StringEquals {'blue', 'green'}", true),
        ("{'red', 'blue'} ForAnyOfAnyValues:StringEquals {'orange', 'green'}", false),
        ("{'red', 'blue'} ForAllOfAnyValues:StringEquals {'orange', 'red', 'blue'}", true),
        ("{'red', 'blue'} ForAllOfAnyValues:StringEquals {'red', 'green'}", false),
        ("{10, 20} ForAnyOfAllValues:NumericLessThan {15, 18}", true),
        ("{10, 20} ForAllOfAllValues:NumericLessThan {5, 15, 18}", false),
        ("{10, 20} ForAllOfAllValues:NumericLessThan {25, 30}", true),
        ("{10, 20} ForAllOfAllValues:NumericLessThan {15, 25, 30}", false),
        ("'abcd' StringLike 'a*c?'", true),
        ("'abcd' StringLike 'A*C?'", false),
        ("'abcd' StringLike 'a*c'", false),
        ("'a*' StringLike 'a\\*'", true),
        ("'ab' StringLike 'a\\*'", false),
        ("'10.0.0.7' IpMatch '10.0.0.0/24'", true),
        ("'10.0.1.7' IpMatch '10.0.0.0/24'", false),
        ("'10.0.0.7' IpInRange '10.0.0.1-10.0.0.10'", true),
        ("'2023-05-01T13:00:00.5Z' DateTimeGreaterThan '2023-05-01T13:00:00Z'", true),
        ("'2023-05-01T14:00:00+02:00' DateTimeLessThan '2023-05-01T13:00:00Z'", true),
        ("'A' StringNotEquals 'a'", true),
        ("'A' StringNotEqualsIgnoreCase 'a'", false),
        ("true BoolNotEquals false", true),
        ("'{BA92F5B4-2D11-453D-A403-E96B0029C9FE}' GuidEquals ba92f5b4-2d11-453d-a403-e96b0029c9fe", true),
        ("ActionMatches{'Microsoft.Authorization/roleAssignments/*'}", true),
        ("ActionMatches{'Microsoft.Authorization/roleDefinitions/*'}", false),
    ];
    for (text, want) in cases {
        let want = if want {
            Verdict::Allowed
        } else {
            Verdict::Denied
        };
        assert_eq!(p(text).evaluate(RA_WRITE, &unknown), want, "{text}");
    }
}

#[test]
fn delegation_not_understood() {
    // a disjunction across fields cannot be read as independent lists
    let c = p("(!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidEquals ba92f5b4-2d11-453d-a403-e96b0029c9fe OR @Request[Microsoft.Authorization/roleAssignments:PrincipalType] StringEquals 'User')");
    assert!(!c.delegation().understood);
    assert_eq!(c.delegation().roles, None);
    // "not Owner, or not UAA" is no list of exclusions
    let c = p("(!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidNotEquals 8e3af657-a8ff-443c-a75c-2fe8c4bcb635 OR @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidNotEquals 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9)");
    assert!(!c.delegation().understood);
    // principal types "except users" is not read
    let c = p(
        "@Request[Microsoft.Authorization/roleAssignments:PrincipalType] StringNotEquals 'User'",
    );
    assert!(!c.delegation().understood);
    // a write arm that is plain false: no role at all
    let c = p(
        "(!(ActionMatches{'Microsoft.Authorization/roleAssignments/*'})) OR ('a' StringEquals 'b')",
    );
    assert_eq!(c.delegation().roles, Some(vec![]));
    // two conjuncts on one field: the intersection
    let c = p("@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {ba92f5b4-2d11-453d-a403-e96b0029c9fe, 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1} AND @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidEquals 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1");
    assert_eq!(
        c.delegation().roles,
        Some(vec!["2a2b9908-6ea1-4ae2-8e65-a410df84e7d1".into()])
    );
}

#[test]
fn keywords_any_case_and_symbols() {
    let a = p("!(ActionMatches{'x'}) || @Resource[a:b] StringEquals 'c' && NOT (@Request[d] StringEquals 'e')");
    let b = p("not (actionmatches{'x'}) or @resource[a:b] stringequals 'c' and ! (@Request[d] StringEquals 'e')");
    assert_eq!(a, b);
    assert_eq!(
        a.to_string(),
        "!(ActionMatches{'x'}) OR (@Resource[a:b] StringEquals 'c' AND !(@Request[d] StringEquals 'e'))"
    );
    let e = p("Exists @Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:snapshot] AND NotExists @Resource[x]");
    let snap = facts(&[
        (
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs:snapshot",
            &["s"],
        ),
        ("x", &[]),
    ]);
    assert_eq!(e.evaluate(READ, &snap), Verdict::Allowed);
}

fn err(text: &str) -> ParseError {
    match parse(text) {
        Ok(c) => panic!("parsed {text:?} as {c}"),
        Err(e) => e,
    }
}

#[test]
fn parse_errors() {
    let e = err("((!(ActionMatches{'a'})) OR (@Resource[x] StringEquals 'b')");
    assert_eq!((e.offset, e.found.as_str()), (59, "end of input"));
    assert_eq!(e.expected, "')' or AND/OR");
    let e = err("@Resource[x] StringEqualz 'b'");
    assert_eq!((e.offset, e.found.as_str()), (13, "'StringEqualz'"));
    assert!(e
        .to_string()
        .starts_with("at character 13: expected a comparison operator"));
    let e = err("@Foo[x] StringEquals 'b'");
    assert_eq!((e.offset, e.found.as_str()), (1, "@Foo"));
    for blank in ["", "  \n\t "] {
        assert_eq!(err(blank).offset, 0);
    }
    let e = err("@Resource[x] StringEquals 'b");
    assert_eq!((e.offset, e.found.as_str()), (26, "end of input"));
    let e = err("@Resource[x] StringEquals 'b' )");
    assert_eq!((e.offset, e.found.as_str()), (30, "')'"));
    let e = err("ActionMatches{} ");
    assert_eq!((e.offset, e.found.as_str()), (14, "'}'"));
    let e = err("'é' StringEquals 'b' AND ¤");
    assert_eq!(e.offset, 25);
}

#[test]
fn size_and_depth_limits() {
    // 9 KB of otherwise valid text
    let leaf = "@Resource[x] StringEquals 'b'";
    let mut big = leaf.to_string();
    while big.len() < 9 * 1024 {
        big.push_str(" AND ");
        big.push_str(leaf);
    }
    let e = err(&big);
    assert_eq!(e.offset, MAX_BYTES);
    assert!(e.expected.contains("8192 bytes"));
    // exactly at the limit parses
    let mut ok = leaf.to_string();
    while ok.len() + 5 + leaf.len() <= MAX_BYTES {
        ok.push_str(" AND ");
        ok.push_str(leaf);
    }
    assert!(parse(&ok).is_ok());
    // 200 nested groups: an error at the 65th '(' (offset 64), not a stack overflow
    let deep = format!("{}{leaf}{}", "(".repeat(200), ")".repeat(200));
    let e = err(&deep);
    assert_eq!(e.offset, MAX_DEPTH);
    let nots = format!("{}{leaf}", "!".repeat(200));
    assert_eq!(err(&nots).offset, MAX_DEPTH);
    let sixty_four = format!("{}{leaf}{}", "(".repeat(64), ")".repeat(64));
    assert!(parse(&sixty_four).is_ok());
}
