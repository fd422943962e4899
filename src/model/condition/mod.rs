//! Azure ABAC role-assignment conditions (`conditionVersion` 2.0): a parser, a three-valued
//! (Kleene) partial evaluator over what reach knows offline, and the constrain-roles reading of
//! delegation conditions on `Microsoft.Authorization/roleAssignments/write`.
//!
//! Grammar (learn.microsoft.com `conditions-format`), case-insensitive keywords:
//!
//! ```text
//! condition := or
//! or        := and (("OR" | "||") and)*
//! and       := unary (("AND" | "&&") unary)*
//! unary     := ("NOT" | "!") unary | primary
//! primary   := "(" or ")"
//!            | "ActionMatches" "{" string ("," string)* "}"
//!            | "SubOperationMatches" "{" string ("," string)* "}"
//!            | ("Exists" | "NotExists") attribute
//!            | operand operator operand
//! operand   := attribute | value | "{" [value ("," value)*] "}"
//! attribute := "@" ("Resource" | "Request" | "Principal" | "Environment") "[" name "]"
//! operator  := [("ForAnyOfAnyValues" | "ForAllOfAnyValues" | "ForAnyOfAllValues"
//!               | "ForAllOfAllValues") ":"] function         (see `ops::OPS`)
//! value     := 'single-quoted' (\' and \\ escapes) | number | true | false | bare word (GUID…)
//! ```
//!
//! `AND` binds tighter than `OR`. Conditions are limited to [`MAX_BYTES`] and [`MAX_DEPTH`]
//! nested groups; beyond them [`parse`] returns a [`ParseError`], never a stack overflow.
//! Nothing here panics on any input.

mod eval;
mod lex;
mod ops;
mod parse;
mod scalar;
mod words;

#[cfg(test)]
mod tests;

pub use ops::{Fam, Func, Op, Quant, Rel};

/// Azure's limit on a condition's size (8 KB).
pub const MAX_BYTES: usize = 8192;
/// Nesting limit: parentheses, negations and sets together.
pub const MAX_DEPTH: usize = 64;

/// Well-known attribute names (the text between `[` and `]`), compared case-insensitively by
/// [`Attr::is`].
pub mod names {
    pub const ROLE_DEFINITION_ID: &str = "Microsoft.Authorization/roleAssignments:RoleDefinitionId";
    pub const PRINCIPAL_TYPE: &str = "Microsoft.Authorization/roleAssignments:PrincipalType";
    pub const PRINCIPAL_ID: &str = "Microsoft.Authorization/roleAssignments:PrincipalId";
    pub const CONTAINER_NAME: &str =
        "Microsoft.Storage/storageAccounts/blobServices/containers:name";
    pub const BLOB_PATH: &str =
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path";
    /// Prefix of blob index tag attributes: `…/blobs/tags:<Key><$key_case_sensitive$>`.
    pub const BLOB_TAGS: &str =
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags";
    /// Pseudo-attribute that [`super::Condition::evaluate`] asks for `SubOperationMatches`
    /// (`@Request[subOperation]` in the older spelling).
    pub const SUB_OPERATION: &str = "subOperation";
    pub const IS_PRIVATE_LINK: &str = "isPrivateLink";
    pub const PRIVATE_ENDPOINT: &str = "Microsoft.Network/privateEndpoints";
    pub const SUBNET: &str = "Microsoft.Network/virtualNetworks/subnets";
    pub const UTC_NOW: &str = "UtcNow";
}

/// Where an attribute comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    Resource,
    Request,
    Principal,
    Environment,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Resource => "Resource",
            Source::Request => "Request",
            Source::Principal => "Principal",
            Source::Environment => "Environment",
        }
    }
}

/// An attribute reference, `@Source[name]`; `name` is the trimmed text between the brackets,
/// kept as written (e.g. `Microsoft.Storage/…/blobs/tags:Project<$key_case_sensitive$>`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attr {
    pub source: Source,
    pub name: String,
}

impl Attr {
    pub fn new(source: Source, name: &str) -> Attr {
        Attr {
            source,
            name: name.to_string(),
        }
    }
    /// Same source and the same name, ignoring ASCII case.
    pub fn is(&self, source: Source, name: &str) -> bool {
        self.source == source && self.name.eq_ignore_ascii_case(name)
    }
    /// The blob index tag key of a `…/blobs/tags:<Key><$key_case_sensitive$>` attribute.
    pub fn blob_tag_key(&self) -> Option<&str> {
        let (ns, key) = self.name.rsplit_once(':')?;
        if !ns.eq_ignore_ascii_case(names::BLOB_TAGS) {
            return None;
        }
        Some(key.strip_suffix("<$key_case_sensitive$>").unwrap_or(key))
    }
}

/// One value: a literal in the condition, or an attribute value the engine knows.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `'quoted'` (escapes decoded).
    Str(String),
    /// An unquoted number, as written.
    Num(String),
    Bool(bool),
    /// Any other unquoted word (a GUID, a date), as written.
    Bare(String),
}

impl Value {
    /// The value as text, for comparisons.
    pub fn text(&self) -> &str {
        match self {
            Value::Str(s) | Value::Num(s) | Value::Bare(s) => s,
            Value::Bool(true) => "true",
            Value::Bool(false) => "false",
        }
    }
}

/// One side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Attr(Attr),
    One(Value),
    /// `{a, b, …}`
    Set(Vec<Value>),
}

/// The parsed condition. `And`/`Or` hold two or more operands; parentheses make no node.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// `ActionMatches{'a', …}`: the checked action matches one of the patterns.
    Action(Vec<String>),
    /// `SubOperationMatches{'s', …}`
    SubOp(Vec<String>),
    Exists(Attr),
    NotExists(Attr),
    Cmp(Operand, Op, Operand),
}

/// A parsed condition. `Display` renders it in canonical form, which parses back to the same
/// condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    expr: Expr,
}

/// Why a condition could not be read: at `offset` (in characters from the start) the parser
/// expected `expected` and found `found`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub expected: String,
    pub found: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "at character {}: expected {}, found {}",
            self.offset, self.expected, self.found
        )
    }
}

impl std::error::Error for ParseError {}

/// What a condition decides for one action with what reach knows.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Allowed,
    Denied,
    /// Allowed only when the requirement holds at request time.
    Requires(Requirement),
}

/// The undecided rest of a condition (only the parts reach could not decide). `Display`
/// says it in words: `only in container 'raw'`.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    expr: Expr,
}

impl Requirement {
    /// The undecided rest, as an expression.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }
    /// The undecided rest in canonical condition syntax.
    pub fn expression_text(&self) -> String {
        words::canonical(&self.expr)
    }
}

/// What a condition allows on `Microsoft.Authorization/roleAssignments/write`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delegation {
    /// False when the write arm is not a shape reach reads exactly (then the lists are None
    /// and the engine should say "condition not understood").
    pub understood: bool,
    /// Role-definition GUIDs (lower case) the holder may assign; None: any role (but see
    /// `roles_except`).
    pub roles: Option<Vec<String>>,
    /// Role-definition GUIDs (lower case) it may not assign, when `roles` is None: the portal's
    /// "all roles except privileged administrator roles" template
    /// (`ForAnyOfAllValues:GuidNotEquals {…}`). None: no exclusion.
    pub roles_except: Option<Vec<String>>,
    /// Principal types (as written, e.g. `User`, `Group`) it may assign to; None: any.
    pub principal_types: Option<Vec<String>>,
    /// Principal object ids (lower case) it may assign to; None: any.
    pub principal_ids: Option<Vec<String>>,
}

/// Parse a condition. Errors name the character offset, what was expected and what was found.
pub fn parse(text: &str) -> Result<Condition, ParseError> {
    parse::parse(text).map(|expr| Condition { expr })
}

impl Condition {
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Can this condition restrict `action` at all? False means every request for `action` is
    /// allowed whatever the attributes (typically: no `ActionMatches` names it). Conservative:
    /// true whenever that is not certain.
    pub fn restricts(&self, action: &str) -> bool {
        eval::restricts(&self.expr, action)
    }

    /// Evaluate for `action`; `known` answers attribute values (None: unknown offline, an
    /// empty list: known to be absent). Kleene logic: Allowed/Denied only when the known facts
    /// decide it.
    pub fn evaluate(&self, action: &str, known: &dyn Fn(&Attr) -> Option<Vec<Value>>) -> Verdict {
        eval::evaluate(&self.expr, action, known)
    }

    /// Every `ActionMatches` pattern, in order, without repeats (for the step that says which
    /// actions a condition targets).
    pub fn targeted_actions(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        eval::visit_actions(&self.expr, &mut |p| {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(p)) {
                out.push(p.to_string());
            }
        });
        out
    }

    /// The constrain-roles reading for `Microsoft.Authorization/roleAssignments/write`.
    pub fn delegation(&self) -> Delegation {
        eval::delegation(&self.expr)
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&words::canonical(&self.expr))
    }
}

impl std::fmt::Display for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&words::requirement(&self.expr))
    }
}
