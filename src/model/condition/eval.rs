//! Partial (Kleene, three-valued) evaluation: what the known facts decide, and the undecided
//! rest as a smaller expression.

use super::scalar::guid;
// ActionMatches uses the permission matching logic (learn conditions-format, "Higher-level
// functions"): the same matcher as role definitions' actions.
use super::{
    names, Attr, Delegation, Expr, Fam, Operand, Quant, Rel, Requirement, Source, Value, Verdict,
};
use crate::model::role::action_matches;

/// The action that `Delegation` reads.
pub const ROLE_ASSIGNMENT_WRITE: &str = "Microsoft.Authorization/roleAssignments/write";

/// Decided, or the undecided rest.
enum Part {
    Known(bool),
    Rest(Expr),
}

type Known<'a> = &'a dyn Fn(&Attr) -> Option<Vec<Value>>;

/// And (`all` = true) or Or (`all` = false) of the children's parts.
fn junction(xs: &[Expr], all: bool, action: &str, known: Known) -> Part {
    let mut rest = Vec::new();
    for x in xs {
        match peval(x, action, known) {
            // false decides an AND, true decides an OR, whatever the others are
            Part::Known(b) if b != all => return Part::Known(b),
            Part::Known(_) => {}
            Part::Rest(r) => rest.push(r),
        }
    }
    match rest.len() {
        0 => Part::Known(all),
        1 => rest.pop().map_or(Part::Known(all), Part::Rest),
        _ if all => Part::Rest(Expr::And(rest)),
        _ => Part::Rest(Expr::Or(rest)),
    }
}

fn values(o: &Operand, known: Known) -> Option<Vec<Value>> {
    match o {
        Operand::Attr(a) => known(a),
        Operand::One(v) => Some(vec![v.clone()]),
        Operand::Set(vs) => Some(vs.clone()),
    }
}

fn peval(e: &Expr, action: &str, known: Known) -> Part {
    let decided = |b: Option<bool>| b.map_or_else(|| Part::Rest(e.clone()), Part::Known);
    match e {
        Expr::And(xs) => junction(xs, true, action, known),
        Expr::Or(xs) => junction(xs, false, action, known),
        Expr::Not(x) => match peval(x, action, known) {
            Part::Known(b) => Part::Known(!b),
            Part::Rest(Expr::Not(inner)) => Part::Rest(*inner),
            Part::Rest(r) => Part::Rest(Expr::Not(Box::new(r))),
        },
        Expr::Action(ps) => Part::Known(ps.iter().any(|p| action_matches(p, action))),
        Expr::SubOp(ss) => decided(
            known(&Attr::new(Source::Request, names::SUB_OPERATION)).map(|vs| {
                vs.iter()
                    .any(|v| ss.iter().any(|s| v.text().eq_ignore_ascii_case(s)))
            }),
        ),
        Expr::Exists(a) => decided(known(a).map(|v| !v.is_empty())),
        Expr::NotExists(a) => decided(known(a).map(|v| v.is_empty())),
        Expr::Cmp(l, op, r) => match (values(l, known), values(r, known)) {
            (Some(l), Some(r)) => decided(op.decide(&l, &r)),
            _ => Part::Rest(e.clone()),
        },
    }
}

pub fn evaluate(e: &Expr, action: &str, known: Known) -> Verdict {
    match peval(e, action, known) {
        Part::Known(true) => Verdict::Allowed,
        Part::Known(false) => Verdict::Denied,
        Part::Rest(expr) => Verdict::Requires(Requirement { expr }),
    }
}

/// Kleene value of `e` from `ActionMatches` alone (every other leaf unknown). Written apart
/// from `peval` so that the property tests compare two readings.
fn by_action(e: &Expr, action: &str) -> Option<bool> {
    let mut unknown = false;
    match e {
        Expr::And(xs) | Expr::Or(xs) => {
            let all = matches!(e, Expr::And(_));
            for x in xs {
                match by_action(x, action) {
                    Some(b) if b != all => return Some(b),
                    Some(_) => {}
                    None => unknown = true,
                }
            }
            (!unknown).then_some(all)
        }
        Expr::Not(x) => by_action(x, action).map(|b| !b),
        Expr::Action(ps) => Some(ps.iter().any(|p| action_matches(p, action))),
        _ => None,
    }
}

/// Call `f` on each `ActionMatches` pattern.
pub fn visit_actions(e: &Expr, f: &mut dyn FnMut(&str)) {
    match e {
        Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| visit_actions(x, f)),
        Expr::Not(x) => visit_actions(x, f),
        Expr::Action(ps) => ps.iter().for_each(|p| f(p)),
        _ => {}
    }
}

pub fn restricts(e: &Expr, action: &str) -> bool {
    by_action(e, action) != Some(true)
}

/// Which `roleAssignments` field a delegation leaf constrains.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Roles,
    RolesExcept,
    Types,
    Ids,
}

/// One leaf `@Request[…RoleDefinitionId|PrincipalType|PrincipalId] (ForAnyOfAnyValues:)Equals
/// {…}` read as (field, allowed values); None for anything else.
fn leaf(e: &Expr) -> Option<(Field, Vec<String>)> {
    let Expr::Cmp(Operand::Attr(a), op, rhs) = e else {
        return None;
    };
    let field = [
        (names::ROLE_DEFINITION_ID, Field::Roles),
        (names::PRINCIPAL_TYPE, Field::Types),
        (names::PRINCIPAL_ID, Field::Ids),
    ]
    .into_iter()
    .find(|(n, _)| a.is(Source::Request, n))?
    .1;
    let vals: Vec<&Value> = match rhs {
        Operand::One(v) => vec![v],
        Operand::Set(vs) => vs.iter().collect(),
        Operand::Attr(_) => return None,
    };
    let f = op.func;
    // the request carries one value: "any of" and "all of" on the left agree. A negated
    // function excludes the whole set without a quantifier or under "…OfAllValues"; under
    // "…OfAnyValues" only when the set has one value (else it holds for every role).
    let quant_ok = match op.quant {
        None => true,
        Some(Quant::AnyOfAny | Quant::AllOfAny) => !f.neg || vals.len() == 1,
        Some(Quant::AnyOfAll | Quant::AllOfAll) => f.neg || vals.len() == 1,
    };
    let field = match field {
        Field::Roles if f.neg => Field::RolesExcept,
        _ if f.neg => return None,
        other => other,
    };
    let equality = f.rel == Rel::Eq && (f.fam == Fam::Guid || f.fam == Fam::Str);
    // a case-sensitive string comparison of GUIDs is not the same set
    let case_ok = field == Field::Types || f.fam == Fam::Guid || f.ic;
    if !(quant_ok && equality && case_ok) {
        return None;
    }
    let out: Option<Vec<String>> = vals
        .into_iter()
        .map(|v| match field {
            Field::Types => Some(v.text().to_string()),
            _ => guid(v.text()),
        })
        .collect();
    Some((field, out?))
}

/// A conjunct: a leaf, or an OR of leaves on the same field (the union).
fn conjunct(e: &Expr) -> Option<(Field, Vec<String>)> {
    let Expr::Or(xs) = e else {
        return leaf(e);
    };
    let mut field = None;
    let mut all = Vec::new();
    for x in xs {
        let (f, vs) = leaf(x)?;
        // "not A, or not B" is not a list of exclusions
        if f == Field::RolesExcept || field.is_some_and(|g| g != f) {
            return None;
        }
        field = Some(f);
        all.extend(vs);
    }
    Some((field?, all))
}

fn dedup(vs: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in vs {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

pub fn delegation(e: &Expr) -> Delegation {
    let mut d = Delegation {
        understood: true,
        roles: None,
        roles_except: None,
        principal_types: None,
        principal_ids: None,
    };
    let rest = match peval(e, ROLE_ASSIGNMENT_WRITE, &|_| None) {
        Part::Known(true) => return d,
        Part::Known(false) => {
            d.roles = Some(Vec::new());
            return d;
        }
        Part::Rest(r) => r,
    };
    let conjuncts = match &rest {
        Expr::And(xs) => xs.as_slice(),
        one => std::slice::from_ref(one),
    };
    for c in conjuncts {
        let Some((field, vals)) = conjunct(c) else {
            return not_understood();
        };
        let vals = dedup(vals);
        if field == Field::RolesExcept {
            // each conjunct excludes more
            let mut all = d.roles_except.take().unwrap_or_default();
            all.extend(vals);
            d.roles_except = Some(dedup(all));
            continue;
        }
        let slot = match field {
            Field::Roles => &mut d.roles,
            Field::RolesExcept => continue,
            Field::Types => &mut d.principal_types,
            Field::Ids => &mut d.principal_ids,
        };
        *slot = Some(match slot.take() {
            // two conjuncts on one field: both must hold
            Some(prev) => prev
                .into_iter()
                .filter(|p| vals.iter().any(|v| v.eq_ignore_ascii_case(p)))
                .collect(),
            None => vals,
        });
    }
    if let (Some(roles), Some(except)) = (&mut d.roles, &d.roles_except) {
        roles.retain(|r| !except.contains(r));
        d.roles_except = None;
    }
    d
}

fn not_understood() -> Delegation {
    Delegation {
        understood: false,
        roles: None,
        roles_except: None,
        principal_types: None,
        principal_ids: None,
    }
}
