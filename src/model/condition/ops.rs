//! Comparison operators: their names, and what they mean on lists of values.

use super::scalar;
use super::Value;

/// Cross-product quantifier prefix (`ForAnyOfAnyValues:` …): which left values and which right
/// values must satisfy the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quant {
    AnyOfAny,
    AllOfAny,
    AnyOfAll,
    AllOfAll,
}

const QUANTS: &[(&str, Quant)] = &[
    ("ForAnyOfAnyValues", Quant::AnyOfAny),
    ("ForAllOfAnyValues", Quant::AllOfAny),
    ("ForAnyOfAllValues", Quant::AnyOfAll),
    ("ForAllOfAllValues", Quant::AllOfAll),
];

/// The value type an operator compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fam {
    Str,
    Guid,
    Num,
    Bool,
    Time,
    Ip,
}

/// The relation, before negation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rel {
    Eq,
    Like,
    Starts,
    Lt,
    Le,
    Gt,
    Ge,
    /// `IpMatch`: address equal to, or inside the CIDR range.
    Match,
    /// `IpInRange`: inside `first-last`.
    InRange,
}

/// A comparison function: family, relation, negated (`…Not…`), ignoring case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub fam: Fam,
    pub rel: Rel,
    pub neg: bool,
    pub ic: bool,
}

const fn f(fam: Fam, rel: Rel, neg: bool, ic: bool) -> Func {
    Func { fam, rel, neg, ic }
}

use Fam::*;
use Rel::*;

/// Every operator reach understands (learn `conditions-format`, "Operators").
pub const OPS: &[(&str, Func)] = &[
    ("StringEquals", f(Str, Eq, false, false)),
    ("StringNotEquals", f(Str, Eq, true, false)),
    ("StringEqualsIgnoreCase", f(Str, Eq, false, true)),
    ("StringNotEqualsIgnoreCase", f(Str, Eq, true, true)),
    ("StringLike", f(Str, Like, false, false)),
    ("StringNotLike", f(Str, Like, true, false)),
    ("StringLikeIgnoreCase", f(Str, Like, false, true)),
    ("StringNotLikeIgnoreCase", f(Str, Like, true, true)),
    ("StringStartsWith", f(Str, Starts, false, false)),
    ("StringNotStartsWith", f(Str, Starts, true, false)),
    ("StringStartsWithIgnoreCase", f(Str, Starts, false, true)),
    ("StringNotStartsWithIgnoreCase", f(Str, Starts, true, true)),
    ("GuidEquals", f(Guid, Eq, false, true)),
    ("GuidNotEquals", f(Guid, Eq, true, true)),
    ("NumericEquals", f(Num, Eq, false, false)),
    ("NumericNotEquals", f(Num, Eq, true, false)),
    ("NumericLessThan", f(Num, Lt, false, false)),
    ("NumericLessThanEquals", f(Num, Le, false, false)),
    ("NumericGreaterThan", f(Num, Gt, false, false)),
    ("NumericGreaterThanEquals", f(Num, Ge, false, false)),
    ("BoolEquals", f(Bool, Eq, false, false)),
    ("BoolNotEquals", f(Bool, Eq, true, false)),
    ("DateTimeEquals", f(Time, Eq, false, false)),
    ("DateTimeNotEquals", f(Time, Eq, true, false)),
    ("DateTimeLessThan", f(Time, Lt, false, false)),
    ("DateTimeLessThanEquals", f(Time, Le, false, false)),
    ("DateTimeGreaterThan", f(Time, Gt, false, false)),
    ("DateTimeGreaterThanEquals", f(Time, Ge, false, false)),
    ("IpMatch", f(Ip, Match, false, false)),
    ("IpNotMatch", f(Ip, Match, true, false)),
    ("IpInRange", f(Ip, InRange, false, false)),
];

/// An operator: an optional quantifier and a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Op {
    pub quant: Option<Quant>,
    pub func: Func,
}

impl Op {
    /// Read an operator word (`StringEquals`, `ForAnyOfAnyValues:GuidEquals`), any case.
    pub fn from_word(word: &str) -> Option<Op> {
        let (quant, name) = match word.split_once(':') {
            Some((q, name)) => {
                let q = QUANTS.iter().find(|(n, _)| n.eq_ignore_ascii_case(q))?.1;
                (Some(q), name)
            }
            None => (None, word),
        };
        let func = OPS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?.1;
        Some(Op { quant, func })
    }

    /// The canonical spelling.
    pub fn name(&self) -> String {
        let func = OPS
            .iter()
            .find(|(_, f)| *f == self.func)
            .map_or("?", |(n, _)| n);
        match self
            .quant
            .and_then(|q| QUANTS.iter().find(|(_, x)| *x == q))
        {
            Some((q, _)) => format!("{q}:{func}"),
            None => func.to_string(),
        }
    }

    /// Decide `left OP right` on known values; None when a value cannot be read as the
    /// operator's type. Without a quantifier the left side is one value and a right-hand set
    /// means "any of"; a negated function is then the negation of the positive one. With a
    /// quantifier each (left, right) pair is compared with the function itself.
    pub fn decide(&self, left: &[Value], right: &[Value]) -> Option<bool> {
        let pos = Func {
            neg: false,
            ..self.func
        };
        let pair = |l: &Value, r: &Value, func: Func| -> Option<bool> {
            let v = compare(func, l, r)?;
            Some(v != func.neg)
        };
        let Some(q) = self.quant else {
            // any left value matching any right value (a missing attribute matches nothing)
            let hit = any(left, |l| any(right, |r| pair(l, r, pos)))?;
            return Some(hit != self.func.neg);
        };
        let f = self.func;
        match q {
            Quant::AnyOfAny => any(left, |l| any(right, |r| pair(l, r, f))),
            Quant::AllOfAny => all(left, |l| any(right, |r| pair(l, r, f))),
            Quant::AnyOfAll => any(left, |l| all(right, |r| pair(l, r, f))),
            Quant::AllOfAll => all(left, |l| all(right, |r| pair(l, r, f))),
        }
    }
}

/// Kleene "exists": true if one is true, false if all are false, else unknown.
fn any(vs: &[Value], mut p: impl FnMut(&Value) -> Option<bool>) -> Option<bool> {
    let mut unknown = false;
    for v in vs {
        match p(v) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unknown = true,
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

fn all(vs: &[Value], mut p: impl FnMut(&Value) -> Option<bool>) -> Option<bool> {
    any(vs, |v| p(v).map(|b| !b)).map(|b| !b)
}

/// The positive relation `l REL r`, ignoring `neg`.
fn compare(func: Func, l: &Value, r: &Value) -> Option<bool> {
    let (a, b) = (l.text(), r.text());
    match func.fam {
        Fam::Str => Some(scalar::string_rel(func.rel, func.ic, a, b)),
        Fam::Guid => Some(scalar::guid(a)? == scalar::guid(b)?),
        Fam::Bool => Some(scalar::boolean(a)? == scalar::boolean(b)?),
        Fam::Num => Some(scalar::ordered(
            func.rel,
            scalar::number(a)?,
            scalar::number(b)?,
        )),
        Fam::Time => Some(scalar::ordered(
            func.rel,
            scalar::datetime(a)?,
            scalar::datetime(b)?,
        )),
        Fam::Ip => scalar::ip_rel(func.rel, a, b),
    }
}
