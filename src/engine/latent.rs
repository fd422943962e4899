//! Latent access: what a principal can take before it acts. A PIM-eligible role
//! (RBAC-PIM-ELIGIBLE) is latent: the principal has to activate it first. Answers show it by
//! default, marked, and `--latent exclude|only` keeps standing or latent access alone.
//!
//! A row (a principal in who-can, a resource in what-can) is latent when the principal reaches
//! it by latent paths only. Paths are capped, so a row whose shown paths are all latent may
//! still have a standing path that was not shown: such rows are settled by a search that leaves
//! latent assignments out (`Search::no_latent`), never guessed from the paths shown.

use super::query::Search;
use super::Engine;
use crate::model::{PrincipalId, ScopeId};
use serde::Serialize;

/// Which access counts: standing and latent (the default, latent rows marked), standing only,
/// or latent only (principals that reach it by latent paths alone).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Latent {
    #[default]
    Include,
    Exclude,
    Only,
}

impl Latent {
    pub fn word(self) -> &'static str {
        match self {
            Latent::Include => "include",
            Latent::Exclude => "exclude",
            Latent::Only => "only",
        }
    }

    pub fn parse(s: &str) -> Option<Latent> {
        match s.trim().to_ascii_lowercase().as_str() {
            "include" => Some(Latent::Include),
            "exclude" => Some(Latent::Exclude),
            "only" => Some(Latent::Only),
            _ => None,
        }
    }
}

/// The latent mode every engine made from now on starts with (the CLI's `--latent`).
pub fn set_default_latent(l: Latent) {
    let v = match l {
        Latent::Include => 0,
        Latent::Exclude => 1,
        Latent::Only => 2,
    };
    DEFAULT_LATENT.store(v, std::sync::atomic::Ordering::Relaxed);
}

static DEFAULT_LATENT: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// What every engine made from now on assumes of undecided ABAC conditions (the CLI's
/// `--assume-condition`).
pub fn set_default_assume_condition(c: Option<bool>) {
    let v = match c {
        None => 0,
        Some(true) => 1,
        Some(false) => 2,
    };
    DEFAULT_CONDITION.store(v, std::sync::atomic::Ordering::Relaxed);
}

static DEFAULT_CONDITION: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

pub(super) fn default_assume_condition() -> Option<bool> {
    match DEFAULT_CONDITION.load(std::sync::atomic::Ordering::Relaxed) {
        1 => Some(true),
        2 => Some(false),
        _ => None,
    }
}

pub(super) fn default_latent() -> Latent {
    match DEFAULT_LATENT.load(std::sync::atomic::Ordering::Relaxed) {
        1 => Latent::Exclude,
        2 => Latent::Only,
        _ => Latent::Include,
    }
}

impl Engine {
    /// Whether any latent assignment is loaded (else every path is standing and no answer
    /// needs settling).
    pub fn has_latent(&self) -> bool {
        self.special_kinds.0
    }

    /// Whether any assignment carries an ABAC condition.
    pub fn has_conditions(&self) -> bool {
        self.special_kinds.1
    }

    /// A light search without latent (or without conditional) access (no kept answers: those
    /// hold every kind).
    pub(super) fn settle_search(&self, what: Settle) -> Search<'_> {
        let mut search = self.light_search();
        search.no_latent = what == Settle::Latent || self.latent == Latent::Exclude;
        search.conditions = match what {
            Settle::Conditional => Some(false),
            Settle::Latent => self.assume_condition,
        };
        // the kept role holders hold neither eligibilities nor conditional assignments; kept
        // goals and edges may
        search.roles_only = true;
        search
    }
}

/// Which kind of access a settling search leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Settle {
    /// PIM eligibilities: does the principal hold it standing?
    Latent,
    /// Paths an undecided ABAC condition makes conditional: does it hold it unconditionally?
    Conditional,
}

/// Settles whether a principal reaches goals by standing access: asked only for principals
/// whose shown paths are all latent. The search's memo serves every question.
pub(super) struct Settling<'e> {
    engine: &'e Engine,
    what: Settle,
    /// Only this principal's access (what-can, explain).
    only: Option<PrincipalId>,
    /// Made on the first question (most answers never ask one).
    search: Option<Search<'e>>,
}

impl<'e> Settling<'e> {
    pub fn new(e: &'e Engine, what: Settle) -> Self {
        Settling {
            engine: e,
            what,
            only: None,
            search: None,
        }
    }

    /// For one principal's questions: a search of its own access only.
    pub fn for_principal(e: &'e Engine, p: PrincipalId, what: Settle) -> Self {
        Settling {
            only: Some(p),
            ..Settling::new(e, what)
        }
    }

    fn needed(e: &Engine, what: Settle) -> bool {
        match what {
            Settle::Latent => e.has_latent(),
            // only undecided conditions shown as such make paths conditional
            Settle::Conditional => e.has_conditions() && e.assume_condition.is_none(),
        }
    }

    /// Does `p` reach any of `goals` by standing access? (True when nothing is latent.)
    pub fn holds(&mut self, p: PrincipalId, goals: &[(ScopeId, &str)]) -> bool {
        if !Self::needed(self.engine, self.what) {
            return true;
        }
        let (e, what, only) = (self.engine, self.what, self.only);
        let search = self.search.get_or_insert_with(|| {
            let s = e.settle_search(what);
            match only {
                Some(p) => s.for_principal(p),
                None => s,
            }
        });
        goals
            .iter()
            .any(|(s, action)| search.holders(*s, action).contains_key(&p))
    }
}

/// A row reached only by conditional paths: none unconditional was found, some conditional
/// was, and `settle` finds no unconditional one either.
pub(super) fn row_conditional(
    unconditional_found: bool,
    conditional_found: bool,
    settle: impl FnOnce() -> bool,
) -> bool {
    !unconditional_found && conditional_found && !settle()
}

/// A row's mark: None when the principal reaches it by standing access (a standing path was
/// found, or `standing` says so), else the kind of its latent paths.
pub(super) fn row_mark(
    standing_found: bool,
    kind: Option<&'static str>,
    settle: impl FnOnce() -> bool,
) -> Option<&'static str> {
    if standing_found {
        return None;
    }
    let kind = kind?;
    (!settle()).then_some(kind)
}
