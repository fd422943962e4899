//! The access graph the rules build on top of the model: implicit grants, derivations
//! (credential paths: whoever can do X can do Y), acts-as edges (whoever can do X can act as an
//! identity), steps noted on direct grants, and blocks (where a role check does not apply).
//! Built once by `Engine::new`; every edge carries its rule ID and source.

use crate::finding::Finding;
use crate::model::role::{action_matches, is_data_action};
use crate::model::{PrincipalId, RoleId, ScopeId};
use crate::source::Source;
use std::collections::HashMap;

/// What a grant gives: a role's permissions, or one action pattern (an access policy, say).
#[derive(Clone, Debug)]
pub enum GrantKind {
    Role(RoleId),
    Pattern(String),
}

/// An access a rule grants without an assignment in the export (EP-SAI-AUTO, an access policy…).
#[derive(Clone, Debug)]
pub struct Grant {
    pub principal: PrincipalId,
    pub what: GrantKind,
    pub scope: ScopeId,
    pub rule: &'static str,
    pub text: String,
    pub source: Source,
}

/// Whoever holds every `requires` goal also holds the goals matching `pattern` at the scope it
/// is registered at.
#[derive(Clone, Debug)]
pub struct Derivation {
    pub pattern: String,
    /// Only data actions match (a key grants data, not control-plane operations).
    pub data_only: bool,
    pub requires: Vec<(ScopeId, String)>,
    pub rule: &'static str,
    pub text: String,
    pub source: Source,
}

/// Whoever holds every `requires` goal can act as `identity` (and reaches what it reaches, or
/// only the goals in `only`).
#[derive(Clone, Debug)]
pub struct ActsAs {
    pub identity: PrincipalId,
    pub requires: Vec<(ScopeId, String)>,
    pub rule: &'static str,
    pub text: String,
    pub source: Source,
    /// Limit to goals at these scopes whose action matches the pattern (data actions only when
    /// the pattern names a data action).
    pub only: Option<(Vec<ScopeId>, String)>,
    /// An extra step inserted after the acts-as step when the goal is a storage data action
    /// (DS-COMPUTE-MI on a compute's identity).
    pub data_note: Option<(&'static str, String)>,
    /// Besides `requires`, at least one of these goals, each with the step text said when it
    /// is the one held (RBAC-ASSIGN: write in any workspace). Empty: `requires` alone, said
    /// with `text`. One edge with many alternatives, not one edge per alternative: the search
    /// then finds an actor's first alternative instead of combining every pair.
    pub any_of: Vec<Alternative>,
}

/// One alternative goal of an acts-as edge, and the step text when it is held.
#[derive(Clone, Debug)]
pub struct Alternative {
    pub scope: ScopeId,
    pub action: String,
    pub text: String,
}

impl ActsAs {
    pub fn new(
        identity: PrincipalId,
        requires: Vec<(ScopeId, String)>,
        rule: &'static str,
        text: String,
        source: Source,
    ) -> ActsAs {
        ActsAs {
            identity,
            requires,
            rule,
            text,
            source,
            only: None,
            data_note: None,
            any_of: Vec::new(),
        }
    }
    /// Does this edge apply to the goal (s, action)?
    pub fn applies(&self, s: ScopeId, action: &str) -> bool {
        match &self.only {
            None => true,
            Some((scopes, pattern)) => scopes.contains(&s) && action_matches(pattern, action),
        }
    }
}

/// Something why_not should say when `principal` (or anyone, when None) lacks an access at or
/// below `scope` (or anywhere, when None): the rule that explains the missing link.
#[derive(Clone, Debug)]
pub struct Hint {
    pub principal: Option<PrincipalId>,
    pub scope: Option<ScopeId>,
    /// Only for matching actions (None = any).
    pub pattern: Option<String>,
    pub rule: &'static str,
    pub text: String,
    /// The change that supplies the missing link.
    pub fix: Option<crate::finding::Fix>,
}

/// A step appended to direct grants of matching actions at a scope (EP-SCORE-AAD…).
#[derive(Clone, Debug)]
pub struct Note {
    pub pattern: String,
    pub rule: &'static str,
    pub text: String,
    pub source: Source,
}

/// No role check grants matching actions at a scope (a key-auth endpoint's score, secrets of an
/// access-policy key vault); only derivations and grants do. `role` limits it to one role.
#[derive(Clone, Debug)]
pub struct Block {
    pub pattern: String,
    pub data_only: bool,
    pub role: Option<RoleId>,
    pub rule: &'static str,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct AccessGraph {
    /// PIM eligibilities and conditional assignments by the scope they are made at (indexes
    /// into `Model::assignments`): the kept role holders leave them out, so a search that
    /// shares them reads these one by one.
    pub special: HashMap<ScopeId, Vec<u32>>,
    pub grants: HashMap<ScopeId, Vec<Grant>>,
    pub derivations: HashMap<ScopeId, Vec<Derivation>>,
    pub acts_as: HashMap<PrincipalId, Vec<ActsAs>>,
    pub notes: HashMap<ScopeId, Vec<Note>>,
    pub blocks: HashMap<ScopeId, Vec<Block>>,
    pub hints: Vec<Hint>,
    pub findings: Vec<Finding>,
}

impl AccessGraph {
    pub fn grant(&mut self, g: Grant) {
        self.grants.entry(g.scope).or_default().push(g);
    }
    pub fn derive(&mut self, at: ScopeId, d: Derivation) {
        self.derivations.entry(at).or_default().push(d);
    }
    pub fn acts_as(&mut self, a: ActsAs) {
        self.acts_as.entry(a.identity).or_default().push(a);
    }
    pub fn note(&mut self, at: ScopeId, n: Note) {
        self.notes.entry(at).or_default().push(n);
    }
    pub fn block(&mut self, at: ScopeId, b: Block) {
        self.blocks.entry(at).or_default().push(b);
    }
    pub fn finding(&mut self, f: Finding) {
        self.findings.push(f);
    }
    pub fn hint(&mut self, h: Hint) {
        self.hints.push(h);
    }

    pub fn derivations_for<'a>(
        &'a self,
        s: ScopeId,
        action: &'a str,
    ) -> impl Iterator<Item = &'a Derivation> {
        let data = is_data_action(action);
        self.derivations
            .get(&s)
            .into_iter()
            .flatten()
            .filter(move |d| (!d.data_only || data) && action_matches(&d.pattern, action))
    }

    pub fn notes_for<'a>(&'a self, s: ScopeId, action: &'a str) -> impl Iterator<Item = &'a Note> {
        self.notes
            .get(&s)
            .into_iter()
            .flatten()
            .filter(move |n| action_matches(&n.pattern, action))
    }

    /// The block that stops role `role` from granting `action` at `s`, if any.
    pub fn block_for(&self, s: ScopeId, action: &str, role: Option<RoleId>) -> Option<&Block> {
        let data = is_data_action(action);
        self.blocks.get(&s).into_iter().flatten().find(|b| {
            (!b.data_only || data)
                && action_matches(&b.pattern, action)
                && (b.role.is_none() || b.role == role)
        })
    }
}
