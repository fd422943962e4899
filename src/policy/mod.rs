//! Access assertions a team keeps in its repository (`reach-policy.yaml`, read by `reach check`
//! and `reach --policy FILE`): each rule names a resource and an action and says who only, who
//! never, who must or how many at most may reach it, or names a principal and what it cannot or
//! must reach. `parse` reads a file strictly (unknown keys are errors, every reference is
//! resolved against the model, each error carries its line); `eval` asks the engine and never
//! computes access itself.
//!
//! ```yaml
//! reach-policy: 1
//! rules:
//!   - name: only the scoring group and on-call score the fraud endpoint
//!     resource: endpoint:ep-fraud
//!     action: score
//!     only: [scorers, ops-oncall]
//!   - name: the CI service principal never reads vault secrets
//!     principal: sp-cicd
//!     cannot: [{resource: keyvault:kv-main, action: read-secrets}]
//! ```

pub mod eval;
pub mod parse;

use crate::model::{PrincipalId, ScopeId};
use std::fmt;

/// The policy format version this reach reads.
pub const VERSION: u32 = 1;

/// A policy file resolved against one model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The file as named on the command line, for `file:line`.
    pub file: String,
    pub rules: Vec<Rule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    /// The line of the rule's first key.
    pub line: u32,
    pub latent: Latent,
    pub check: Check,
}

/// Which paths count (`latent:`): the engine's latent modes.
pub use crate::engine::Latent;

/// An action on a resource. `op` is an operation name or a full action as written (already
/// checked to apply to the resource); None: any operation summarised for the resource kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Goal {
    pub scope: ScopeId,
    pub op: Option<String>,
    pub line: u32,
}

/// A principal named in a rule, as written and resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub pid: PrincipalId,
    pub written: String,
    pub line: u32,
}

/// What a rule asserts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// Every principal that reaches the goal is listed, or a member of a listed group.
    Only { goal: Goal, allowed: Vec<Named> },
    /// No listed principal, and no member of a listed group, reaches the goal.
    None { goal: Goal, denied: Vec<Named> },
    /// Every listed principal reaches the goal.
    MustReach { goal: Goal, who: Vec<Named> },
    /// At most `n` identities reach the goal (groups are counted through their members).
    AtMost { goal: Goal, n: usize, line: u32 },
    /// The principal (and, for a group, each of its members) reaches none of the goals.
    Cannot { who: Named, goals: Vec<Goal> },
    /// The principal reaches every goal.
    MustHave { who: Named, goals: Vec<Goal> },
}

impl Check {
    /// The rule's kind as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Check::Only { .. } => "only",
            Check::None { .. } => "none",
            Check::MustReach { .. } | Check::MustHave { .. } => "must",
            Check::AtMost { .. } => "at_most",
            Check::Cannot { .. } => "cannot",
        }
    }
}

/// A problem with a policy file: where and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    /// 1-based; 0 when the whole file is meant.
    pub line: u32,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = crate::text::show(&self.file);
        let msg = crate::text::show(&self.message);
        if self.line == 0 {
            write!(f, "{file}: {msg}")
        } else {
            write!(f, "{file}:{}: {msg}", self.line)
        }
    }
}
