//! Query results as plain data: they serialise to the JSON of `interface.md`. No formatting here.

use crate::model::{PrincipalId, PrincipalKind, ResKind};
use crate::source::Source;
use serde::Serialize;

/// One explained step of a path: which rule, in words, and the config entry behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub rule: &'static str,
    pub text: String,
    pub source: Source,
    /// Depends on a what-if assumption.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub assumed: bool,
    /// The role assignment or group membership this step stands on, when reach can take it
    /// away in a what-if (`Engine::revoke_plan`).
    #[serde(skip)]
    pub link: Option<crate::model::Link>,
    /// Access one has to take first: `eligible` (a PIM-eligible role to activate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latent: Option<&'static str>,
    /// When the eligibility (or PIM activation) this step stands on ends, as exported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// What the assignment's ABAC condition requires of the request, when reach cannot decide
    /// it offline (RBAC-CONDITION): the step holds only then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional: Option<String>,
}

/// A path from a principal to a resource action, principal first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccessPath {
    /// The operation or action this path reaches (when a query covers several).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub rules: Vec<&'static str>,
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub assumed: bool,
    /// Latent access (`eligible`): the path needs a step its principal has to take first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latent: Option<&'static str>,
    /// The end of the eligibility a latent path stands on, as exported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The path holds only if this ABAC requirement is met (RBAC-CONDITION).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrincipalRef {
    pub name: String,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: PrincipalKind,
    /// The model's principal, so views can map a result back exactly (not by name).
    #[serde(skip)]
    pub pid: PrincipalId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceRef {
    pub id: String,
    pub kind: ResKind,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrincipalAccess {
    #[serde(flatten)]
    pub principal: PrincipalRef,
    /// Operations reached (summary), when the query named no single action.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    pub paths: Vec<AccessPath>,
    /// Paths left out by the per-principal cap.
    #[serde(skip_serializing_if = "is_zero")]
    pub more_paths: usize,
    /// Reached by latent paths only (`eligible`): the principal has to activate a role first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latent: Option<&'static str>,
    /// Reached only by paths an ABAC condition makes conditional.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One principal that reaches a resource, with the operations, without paths.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reached {
    #[serde(flatten)]
    pub principal: PrincipalRef,
    pub actions: Vec<String>,
    /// One of the paths found depends on a what-if assumption.
    pub assumed: bool,
    /// Reached by latent paths only (`eligible`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latent: Option<&'static str>,
    /// Reached only through an assignment whose ABAC condition reach cannot decide.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WhoCan {
    pub resource: ResourceRef,
    /// The action asked about; None = every summarised operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub principals: Vec<PrincipalAccess>,
    /// What reach cannot know from the files (groups whose members were not exported…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceAccess {
    #[serde(flatten)]
    pub resource: ResourceRef,
    pub actions: Vec<String>,
    pub paths: Vec<AccessPath>,
    #[serde(skip_serializing_if = "is_zero")]
    pub more_paths: usize,
    /// One of the paths found depends on a what-if assumption (kept when a summary drops the
    /// paths, so its row is marked before anyone asks for them).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub assumed: bool,
    /// Reached by latent paths only (`eligible`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latent: Option<&'static str>,
    /// Reached only by conditional paths (RBAC-CONDITION).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WhatCan {
    pub principal: PrincipalRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub resources: Vec<ResourceAccess>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What is missing for an access that is not there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub rule: &'static str,
    pub text: String,
}

pub use crate::finding::Fix;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub principal: PrincipalRef,
    pub resource: ResourceRef,
    pub action: String,
    pub allowed: bool,
    /// Allowed by latent paths only (`eligible`): after the principal activates a role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latent: Option<&'static str>,
    /// Allowed only if an ABAC condition's requirement is met (RBAC-CONDITION).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
    pub paths: Vec<AccessPath>,
    #[serde(skip_serializing_if = "is_zero")]
    pub more_paths: usize,
    pub why_not: Vec<Missing>,
    pub fixes: Vec<Fix>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
