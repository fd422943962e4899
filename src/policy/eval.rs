//! Evaluating a policy: each rule asks the engine (`who_can`, `explain`, `revoke_plan`) and
//! reports pass or fail; a failure lists every principal that breaks it with its paths (the
//! explained steps of `who-can`) and the change that would make it pass — the role assignments
//! or group memberships to remove (checked by what-if), or for `must` the least-privilege
//! assignment to add. Results are plain data in file order, principals by name.

use super::{Check, Goal, Latent, Named, Policy, PolicyError, Rule};
use crate::engine::revoke::{self, Removal, RevokePlan};
use crate::engine::{
    AccessPath, Engine, Fix, Missing, PrincipalAccess, PrincipalRef, ResourceRef, WhoCan,
};
use crate::model::{PrincipalId, PrincipalKind};
use serde::Serialize;
use std::collections::BTreeSet;

/// `at_most`: principals past this many get no removal plan of their own (each plan is a what-if).
const AT_MOST_PLANS: usize = 20;

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub policy: String,
    pub passed: usize,
    pub failed: usize,
    pub rules: Vec<RuleResult>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.failed == 0
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleResult {
    pub name: String,
    /// `file:line` of the rule.
    pub source: String,
    pub kind: &'static str,
    /// The rule in words.
    pub assertion: String,
    pub latent: Latent,
    pub passed: bool,
    /// What was found, in a few words.
    pub summary: String,
    /// Every principal (and goal) that breaks the rule.
    pub violations: Vec<Violation>,
    /// The removals that would make the rule pass (only, none, cannot).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<RevokePlan>,
    #[serde(skip)]
    pub line: u32,
}

/// One principal breaking a rule on one goal.
#[derive(Clone, Debug, Serialize)]
pub struct Violation {
    pub principal: PrincipalRef,
    pub resource: ResourceRef,
    /// The action checked (None: any operation of the resource kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The operation as the rule names it (`score`, or the full action).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Why this principal breaks the rule.
    pub why: String,
    /// Operations reached, when the rule names no action.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// How it reaches the goal (empty for a `must` that does not).
    pub paths: Vec<AccessPath>,
    #[serde(skip_serializing_if = "is_zero")]
    pub more_paths: usize,
    /// `must`: what is missing, and the assignments that would add it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why_not: Vec<Missing>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Fix>,
    /// `at_most`: what would take this principal's access away.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removals: Vec<Removal>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Evaluate every rule, with the fixes. An error here (an action the engine cannot resolve)
/// names the rule.
pub fn evaluate(e: &Engine, policy: &Policy) -> Result<Report, PolicyError> {
    evaluate_with(e, policy, true)
}

/// Evaluate every rule; `fixes: false` leaves out the removals (each is a what-if that runs the
/// rules again: the TUI, which re-checks after every reload, shows violations only).
pub fn evaluate_with(e: &Engine, policy: &Policy, fixes: bool) -> Result<Report, PolicyError> {
    let mut rules = Vec::new();
    for r in &policy.rules {
        let res = rule(e, r, fixes).map_err(|msg| PolicyError {
            file: policy.file.clone(),
            line: r.line,
            message: msg,
        })?;
        rules.push(RuleResult {
            source: format!("{}:{}", policy.file, r.line),
            ..res
        });
    }
    let failed = rules.iter().filter(|r| !r.passed).count();
    Ok(Report {
        policy: policy.file.clone(),
        passed: rules.len() - failed,
        failed,
        rules,
    })
}

/// The principals that reach a goal, counting the access the rule's `latent:` says (standing
/// only, latent only, or both).
fn reach(e: &Engine, g: &Goal, latent: Latent) -> Result<WhoCan, String> {
    e.who_can_as(g.scope, g.op.as_deref(), latent)
        .map_err(|a| a.0)
}

/// `p` is one of `named` or a member (at any depth) of one of them.
fn covered(e: &Engine, named: &[Named], p: PrincipalId) -> Option<String> {
    let groups = e.model().groups_of(p);
    named.iter().find_map(|n| {
        if n.pid == p {
            Some(e.model().principal(p).name.clone())
        } else if groups.contains(&n.pid) {
            Some(format!("member of {}", e.model().principal(n.pid).name))
        } else {
            None
        }
    })
}

/// " (and their members)" (or `nor`) when a listed principal is a group.
fn members(e: &Engine, named: &[Named], and: &str) -> String {
    let group = |n: &Named| e.model().principal(n.pid).kind == PrincipalKind::Group;
    match named.iter().filter(|n| group(n)).count() {
        0 => String::new(),
        _ if named.len() == 1 => format!(" ({and} its members)"),
        _ => format!(" ({and} their members)"),
    }
}

fn names(e: &Engine, named: &[Named]) -> String {
    let v: Vec<String> = named
        .iter()
        .map(|n| e.model().principal(n.pid).name.clone())
        .collect();
    if v.is_empty() {
        "nobody".into()
    } else {
        v.join(", ")
    }
}

/// "score endpoint ep-fraud", "reach storage stdata".
fn goal_words(e: &Engine, g: &Goal) -> String {
    let r = e.resource_ref(g.scope);
    format!(
        "{} {} {}",
        g.op.as_deref()
            .map_or_else(|| "reach".to_string(), crate::engine::short_action),
        r.kind.word(),
        r.name
    )
}

fn violation(w: &WhoCan, g: &Goal, pa: &PrincipalAccess, why: String) -> Violation {
    Violation {
        principal: pa.principal.clone(),
        resource: w.resource.clone(),
        action: g.op.as_ref().and(w.action.clone()),
        operation: g.op.clone(),
        why,
        actions: pa.actions.clone(),
        paths: pa.paths.clone(),
        more_paths: pa.more_paths,
        why_not: Vec::new(),
        fixes: Vec::new(),
        removals: Vec::new(),
    }
}

fn rule(e: &Engine, r: &Rule, fixes: bool) -> Result<RuleResult, String> {
    let mut out = RuleResult {
        name: r.name.clone(),
        source: String::new(),
        kind: r.check.kind(),
        assertion: String::new(),
        latent: r.latent,
        passed: true,
        summary: String::new(),
        violations: Vec::new(),
        fix: None,
        line: r.line,
    };
    // the goals whose access the fix takes away, each with the principals to take it from
    let mut cut: Vec<revoke::Goal> = Vec::new();
    match &r.check {
        Check::Only { goal, allowed } => {
            out.assertion = format!(
                "only {}{} may {}",
                names(e, allowed),
                members(e, allowed, "and"),
                goal_words(e, goal)
            );
            let w = reach(e, goal, r.latent)?;
            for pa in &w.principals {
                if covered(e, allowed, pa.principal.pid).is_none() {
                    out.violations
                        .push(violation(&w, goal, pa, "not allowed by the rule".into()));
                }
            }
            out.summary = if out.violations.is_empty() {
                format!("{} principal(s) reach it, all allowed", w.principals.len())
            } else {
                format!(
                    "{} of {} principal(s) that reach it are not allowed",
                    out.violations.len(),
                    w.principals.len()
                )
            };
            cut.push(cut_goal(goal, &out.violations));
        }
        Check::None { goal, denied } => {
            out.assertion = format!(
                "none of {}{} may {}",
                names(e, denied),
                members(e, denied, "nor"),
                goal_words(e, goal)
            );
            let w = reach(e, goal, r.latent)?;
            for pa in &w.principals {
                if let Some(how) = covered(e, denied, pa.principal.pid) {
                    let why = if how == pa.principal.name {
                        "listed in none:".to_string()
                    } else {
                        format!("{how}, listed in none:")
                    };
                    out.violations.push(violation(&w, goal, pa, why));
                }
            }
            out.summary = if out.violations.is_empty() {
                "none of them reaches it".into()
            } else {
                format!("{} of them reach it", out.violations.len())
            };
            cut.push(cut_goal(goal, &out.violations));
        }
        Check::MustReach { goal, who } => {
            out.assertion = format!("{} must {}", names(e, who), goal_words(e, goal));
            let w = reach(e, goal, r.latent)?;
            let reached: BTreeSet<PrincipalId> =
                w.principals.iter().map(|p| p.principal.pid).collect();
            for n in who {
                if !reached.contains(&n.pid) {
                    out.violations.push(missing(e, n.pid, goal)?);
                }
            }
            out.summary = if out.violations.is_empty() {
                format!("all {} reach it", who.len())
            } else {
                format!("{} of {} do not reach it", out.violations.len(), who.len())
            };
        }
        Check::AtMost { goal, n, .. } => {
            out.assertion = format!("at most {n} identities may {}", goal_words(e, goal));
            let w = reach(e, goal, r.latent)?;
            let counted: Vec<&PrincipalAccess> = w
                .principals
                .iter()
                .filter(|pa| counts(e, pa.principal.pid))
                .collect();
            if counted.len() > *n {
                for (i, pa) in counted.iter().enumerate() {
                    let mut v = violation(&w, goal, pa, "reaches it".into());
                    if fixes && i < AT_MOST_PLANS {
                        let plan = e
                            .revoke_plan(&[cut_goal(goal, std::slice::from_ref(&v))])
                            .map_err(|a| a.0)?;
                        if plan.verified {
                            v.removals = plan.removals;
                        }
                    }
                    out.violations.push(v);
                }
                out.summary = format!(
                    "{} identities reach it, {} more than {n}",
                    counted.len(),
                    counted.len() - n
                );
            } else {
                out.summary = format!("{} identities reach it (at most {n})", counted.len());
            }
        }
        Check::Cannot { who, goals } => {
            let words: Vec<String> = goals.iter().map(|g| goal_words(e, g)).collect();
            out.assertion = format!(
                "{}{} cannot {}",
                e.model().principal(who.pid).name,
                members(e, std::slice::from_ref(who), "and"),
                words.join(", nor ")
            );
            let mut hit = 0;
            for g in goals {
                let w = reach(e, g, r.latent)?;
                let before = out.violations.len();
                for pa in &w.principals {
                    let p = pa.principal.pid;
                    if p == who.pid {
                        out.violations
                            .push(violation(&w, g, pa, "reaches it".into()));
                    } else if e.model().groups_of(p).contains(&who.pid) {
                        let why = format!("member of {}", e.model().principal(who.pid).name);
                        out.violations.push(violation(&w, g, pa, why));
                    }
                }
                hit += usize::from(out.violations.len() > before);
                cut.push(cut_goal(g, &out.violations[before..]));
            }
            out.summary = if hit == 0 {
                format!("reaches none of the {} goal(s)", goals.len())
            } else {
                format!("reaches {hit} of {} goal(s)", goals.len())
            };
        }
        Check::MustHave { who, goals } => {
            let words: Vec<String> = goals.iter().map(|g| goal_words(e, g)).collect();
            out.assertion = format!(
                "{} must {}",
                e.model().principal(who.pid).name,
                words.join(", and ")
            );
            for g in goals {
                let w = reach(e, g, r.latent)?;
                if !w.principals.iter().any(|p| p.principal.pid == who.pid) {
                    out.violations.push(missing(e, who.pid, g)?);
                }
            }
            out.summary = if out.violations.is_empty() {
                format!("reaches all {} goal(s)", goals.len())
            } else {
                format!("misses {} of {} goal(s)", out.violations.len(), goals.len())
            };
        }
    }
    out.passed = out.violations.is_empty();
    cut.retain(|g| !g.targets.is_empty());
    if fixes && !cut.is_empty() {
        out.fix = Some(e.revoke_plan(&cut).map_err(|a| a.0)?);
    }
    Ok(out)
}

fn cut_goal(g: &Goal, vs: &[Violation]) -> revoke::Goal {
    revoke::Goal {
        scope: g.scope,
        op: g.op.clone(),
        targets: vs.iter().map(|v| v.principal.pid).collect(),
    }
}

/// `at_most` counts identities that act: users, service principals and managed identities. A
/// group is counted through its members, unless its members were not exported (then it counts
/// as one).
fn counts(e: &Engine, p: PrincipalId) -> bool {
    let pr = e.model().principal(p);
    pr.kind != PrincipalKind::Group || !pr.members_exported
}

/// A principal that should reach a goal and does not: the engine's why-not and fixes.
fn missing(e: &Engine, p: PrincipalId, g: &Goal) -> Result<Violation, String> {
    let op = g
        .op
        .clone()
        .unwrap_or_else(|| crate::engine::view::default_op(e.model().scope(g.scope).kind).into());
    let x = e.explain(p, g.scope, &op).map_err(|a| a.0)?;
    Ok(Violation {
        principal: x.principal,
        resource: x.resource,
        action: Some(x.action),
        operation: Some(op),
        why: "does not reach it".into(),
        actions: Vec::new(),
        paths: Vec::new(),
        more_paths: 0,
        why_not: x.why_not,
        fixes: x.fixes,
        removals: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::new(crate::model::build(crate::demo::load()))
    }

    fn eval(body: &str) -> Report {
        let e = engine();
        let text = format!("reach-policy: 1\nrules:\n{body}");
        let p = super::super::parse::parse(&text, "p.yaml", e.model()).unwrap();
        evaluate(&e, &p).unwrap()
    }

    fn offenders(r: &RuleResult) -> Vec<&str> {
        r.violations
            .iter()
            .map(|v| v.principal.name.as_str())
            .collect()
    }

    fn removals(r: &RuleResult) -> Vec<&str> {
        r.fix
            .iter()
            .flat_map(|f| f.removals.iter().map(|x| x.text.as_str()))
            .collect()
    }

    #[test]
    fn only_passes_when_every_principal_is_listed_or_a_member() {
        // scorers' and ops-oncall's members pass through their groups; the rest are listed
        let r = eval(
            "  - name: a\n    resource: endpoint:ep-fraud\n    action: score\n    only: [scorers, ops-oncall, ml-team, carol@contoso.com, sp-cicd]\n",
        );
        assert!(r.rules[0].passed, "{:?}", offenders(&r.rules[0]));
        assert!(r.rules[0].fix.is_none());
        assert_eq!(r.rules[0].summary, "12 principal(s) reach it, all allowed");
    }

    #[test]
    fn only_fails_naming_each_principal_with_paths_and_a_checked_fix() {
        let r = eval(
            "  - name: a\n    resource: endpoint:ep-fraud\n    action: score\n    only: [scorers, ops-oncall]\n",
        );
        let rule = &r.rules[0];
        assert!(!rule.passed);
        assert_eq!(
            offenders(rule),
            [
                "alice@contoso.com",
                "bob@contoso.com",
                "carol@contoso.com",
                "erin@contoso.com",
                "fraud-squad",
                "ml-team",
                "sp-cicd"
            ]
        );
        // every violation carries the who-can paths, each step with its rule and source
        let alice = &rule.violations[0];
        assert!(!alice.paths.is_empty());
        let steps = &alice.paths[0].steps;
        assert_eq!(steps[0].rule, "RBAC-GROUP");
        assert_eq!(steps[0].source.to_string(), "azure/groups.json#0");
        assert!(steps
            .iter()
            .any(|s| s.rule == "RBAC-SCOPE"
                && s.source.to_string() == "azure/role-assignments.json#1"));
        let fix = rule.fix.as_ref().unwrap();
        assert!(fix.verified, "{fix:#?}");
        assert_eq!(
            removals(rule),
            [
                "revoke AzureML Data Scientist on workspace ws-main from ml-team",
                "revoke Contributor on subscription 6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69 from carol@contoso.com",
                "revoke Contributor on workspace ws-main from sp-cicd",
            ]
        );
        assert!(fix.also_removes.is_empty());
    }

    #[test]
    fn none_fails_for_a_member_of_a_listed_group() {
        // erin is in fraud-squad, which is in ml-team: ml-team's members may not write stdata
        let r = eval(
            "  - name: a\n    resource: storage:stdata\n    action: write-blobs\n    none: [ml-team]\n",
        );
        let rule = &r.rules[0];
        assert!(!rule.passed);
        assert_eq!(
            offenders(rule),
            [
                "alice@contoso.com",
                "bob@contoso.com",
                "erin@contoso.com",
                "fraud-squad",
                "ml-team"
            ]
        );
        assert_eq!(rule.violations[0].why, "member of ml-team, listed in none:");
        assert_eq!(rule.violations[4].why, "listed in none:");
        assert!(rule.fix.as_ref().unwrap().verified);
    }

    #[test]
    fn none_passes_when_no_listed_principal_reaches() {
        let r = eval(
            "  - name: a\n    resource: storage:stdata\n    action: write-blobs\n    none: [security-reviewers, grace@contoso.com]\n",
        );
        assert!(r.rules[0].passed, "{:?}", offenders(&r.rules[0]));
        assert_eq!(r.rules[0].summary, "none of them reaches it");
    }

    #[test]
    fn cannot_fails_with_the_assignment_to_revoke() {
        let r = eval(
            "  - name: a\n    principal: sp-cicd\n    cannot:\n      - {resource: keyvault:kv-main, action: read-secrets}\n      - {resource: storage:stdata, action: write-blobs}\n",
        );
        let rule = &r.rules[0];
        assert!(!rule.passed);
        assert_eq!(rule.summary, "reaches 1 of 2 goal(s)");
        assert_eq!(offenders(rule), ["sp-cicd"]);
        assert_eq!(rule.violations[0].resource.name, "stdata");
        assert_eq!(
            removals(rule),
            ["revoke Contributor on workspace ws-main from sp-cicd"]
        );
        let fix = rule.fix.as_ref().unwrap();
        assert_eq!(
            fix.removals[0].source.to_string(),
            "azure/role-assignments.json#10"
        );
        assert!(fix.verified);
    }

    #[test]
    fn cannot_on_a_group_covers_its_members() {
        // judy and ops-oncall's members score ep-fraud through scorers
        let r = eval(
            "  - name: a\n    principal: scorers\n    cannot: [{resource: endpoint:ep-fraud, action: score}]\n",
        );
        let rule = &r.rules[0];
        assert!(!rule.passed);
        assert!(
            offenders(rule).contains(&"judy@contoso.com"),
            "{:?}",
            offenders(rule)
        );
        assert!(offenders(rule).contains(&"scorers"));
        let judy = rule
            .violations
            .iter()
            .find(|v| v.principal.name == "judy@contoso.com")
            .unwrap();
        assert_eq!(judy.why, "member of scorers");
    }

    #[test]
    fn cannot_passes_when_the_principal_reaches_none() {
        let r = eval(
            "  - name: a\n    principal: sp-cicd\n    cannot: [{resource: keyvault:kv-main, action: read-secrets}]\n",
        );
        assert!(r.rules[0].passed);
        assert!(r.rules[0].fix.is_none());
    }

    #[test]
    fn must_fails_with_why_not_and_the_assignment_to_add() {
        let r = eval(
            "  - name: a\n    resource: endpoint:ep-fraud\n    action: score\n    must: [judy@contoso.com, grace@contoso.com]\n",
        );
        let rule = &r.rules[0];
        assert!(!rule.passed);
        assert_eq!(offenders(rule), ["grace@contoso.com"]);
        let v = &rule.violations[0];
        assert!(v.paths.is_empty());
        assert!(!v.why_not.is_empty());
        assert_eq!(v.fixes[0].role, "Endpoint Scorer");
        assert!(
            rule.fix.is_none(),
            "a must is fixed by adding, not removing"
        );
    }

    #[test]
    fn must_on_a_principal_passes_and_fails_per_goal() {
        let r = eval(
            "  - name: a\n    principal: uai-deploy\n    must:\n      - {resource: storage:stdata, action: read-blobs}\n\
             \x20 - name: b\n    principal: uai-deploy\n    action: pull-image\n    must: [registry:acrmain]\n",
        );
        assert!(r.rules[0].passed, "{:?}", r.rules[0].summary);
        assert!(!r.rules[1].passed);
        assert_eq!(r.rules[1].summary, "misses 1 of 1 goal(s)");
        assert_eq!(r.rules[1].violations[0].fixes[0].role, "AcrPull");
        assert_eq!((r.passed, r.failed), (1, 1));
    }

    #[test]
    fn at_most_counts_identities_not_groups() {
        // list-keys on ep-churn: alice, bob, carol, dave, erin, frank, sp-cicd (+ 2 groups)
        let r = eval(
            "  - name: a\n    resource: endpoint:ep-churn\n    action: list-keys\n    at_most: 7\n\
             \x20 - name: b\n    resource: endpoint:ep-churn\n    action: list-keys\n    at_most: 6\n",
        );
        assert!(r.rules[0].passed, "{}", r.rules[0].summary);
        assert_eq!(r.rules[0].summary, "7 identities reach it (at most 7)");
        let b = &r.rules[1];
        assert!(!b.passed);
        assert_eq!(b.summary, "7 identities reach it, 1 more than 6");
        assert_eq!(b.violations.len(), 7);
        assert!(!offenders(b).contains(&"ml-team"));
        // each one's own removal, checked by what-if: sp-cicd holds Contributor itself
        let sp = b
            .violations
            .iter()
            .find(|v| v.principal.name == "sp-cicd")
            .unwrap();
        assert_eq!(
            sp.removals[0].text,
            "revoke Contributor on workspace ws-main from sp-cicd"
        );
    }

    #[test]
    fn latent_only_counts_no_standing_path() {
        // ep-fraud is scored by standing access only: `latent: only` sees nobody, so an
        // `only: []` rule passes with it and fails without it
        let body = |latent: &str| {
            format!("  - name: a\n    resource: endpoint:ep-fraud\n    action: score\n    only: []\n{latent}")
        };
        assert!(eval(&body("    latent: only\n")).rules[0].passed);
        assert!(!eval(&body("")).rules[0].passed);
        assert!(!eval(&body("    latent: exclude\n")).rules[0].passed);
    }

    #[test]
    fn latent_include_and_exclude_on_a_pim_eligibility() {
        // judy is only PIM-eligible for the blobs of stdata (demo azure/pim-eligibility.json):
        // a `none:` rule naming her fails while latent access counts, passes on standing access
        // alone, and `latent: only` lists exactly her
        let rule = |latent: &str| {
            format!("  - name: a\n    resource: storage:stdata\n    action: read-blobs\n    none: [judy@contoso.com]\n{latent}")
        };
        let r = eval(&rule(""));
        assert!(!r.rules[0].passed);
        assert_eq!(offenders(&r.rules[0]), ["judy@contoso.com"]);
        let v = &r.rules[0].violations[0];
        assert!(v.paths.iter().all(|p| p.latent == Some("eligible")));
        assert!(eval(&rule("    latent: exclude\n")).rules[0].passed);
        assert!(!eval(&rule("    latent: only\n")).rules[0].passed);
        let only = eval(
            "  - name: a\n    resource: storage:stdata\n    action: read-blobs\n    only: []\n    latent: only\n",
        );
        assert_eq!(offenders(&only.rules[0]), ["judy@contoso.com"]);
    }

    #[test]
    fn a_rule_without_an_action_covers_every_operation() {
        let r =
            eval("  - name: a\n    resource: endpoint:ep-recs\n    none: [grace@contoso.com]\n");
        // grace reads ep-recs through ml-engineers' Reader on rg-ml
        let rule = &r.rules[0];
        assert!(!rule.passed);
        assert_eq!(rule.violations[0].actions, ["read"]);
        assert_eq!(rule.violations[0].action, None);
    }
}
