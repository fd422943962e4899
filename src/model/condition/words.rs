//! Rendering: the canonical condition text (parses back to the same AST), and a requirement
//! in English (`only in container 'raw'`), with the literal expression where no phrase fits.

use super::{names, Attr, Expr, Fam, Operand, Quant, Rel, Source, Value};

/// `'text'`, with `\` and `'` escaped as the lexer reads them.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn value(v: &Value) -> String {
    match v {
        Value::Str(s) => quote(s),
        Value::Num(s) | Value::Bare(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
    }
}

fn attr(a: &Attr) -> String {
    format!("@{}[{}]", a.source.name(), a.name)
}

fn operand(o: &Operand) -> String {
    match o {
        Operand::Attr(a) => attr(a),
        Operand::One(v) => value(v),
        Operand::Set(vs) => {
            let items: Vec<String> = vs.iter().map(value).collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

fn strings(kw: &str, ss: &[String]) -> String {
    let items: Vec<String> = ss.iter().map(|s| quote(s)).collect();
    format!("{kw}{{{}}}", items.join(", "))
}

fn compound(e: &Expr) -> bool {
    matches!(e, Expr::And(_) | Expr::Or(_))
}

/// The canonical text: `!(…)` for negation, compound operands of AND/OR in parentheses.
pub fn canonical(e: &Expr) -> String {
    let group = |x: &Expr| {
        if compound(x) {
            format!("({})", canonical(x))
        } else {
            canonical(x)
        }
    };
    match e {
        Expr::And(xs) => xs.iter().map(group).collect::<Vec<_>>().join(" AND "),
        Expr::Or(xs) => xs.iter().map(group).collect::<Vec<_>>().join(" OR "),
        Expr::Not(x) => format!("!({})", canonical(x)),
        Expr::Action(ps) => strings("ActionMatches", ps),
        Expr::SubOp(ss) => strings("SubOperationMatches", ss),
        Expr::Exists(a) => format!("Exists {}", attr(a)),
        Expr::NotExists(a) => format!("NotExists {}", attr(a)),
        Expr::Cmp(l, op, r) => format!("{} {} {}", operand(l), op.name(), operand(r)),
    }
}

/// `only …`
pub fn requirement(e: &Expr) -> String {
    format!("only {}", phrase(e))
}

fn phrase(e: &Expr) -> String {
    let group = |x: &Expr| {
        if compound(x) {
            format!("({})", phrase(x))
        } else {
            phrase(x)
        }
    };
    match e {
        Expr::And(xs) => xs.iter().map(group).collect::<Vec<_>>().join(" and "),
        Expr::Or(xs) => {
            // `!(ActionMatches{…} AND NOT SubOperationMatches{'Blob.List'})` leaves "sub-operation
            // Blob.List, or …": say the rest first and the exempt sub-operation after it
            let (subs, rest): (Vec<&Expr>, Vec<&Expr>) =
                xs.iter().partition(|x| matches!(x, Expr::SubOp(_)));
            let text = rest
                .iter()
                .map(|x| group(x))
                .collect::<Vec<_>>()
                .join(" or ");
            let exempt: Vec<String> = subs
                .iter()
                .filter_map(|x| match x {
                    Expr::SubOp(ss) => Some(list(ss, "or")),
                    _ => None,
                })
                .collect();
            match (rest.is_empty(), exempt.is_empty()) {
                (false, false) => format!(
                    "{text} (sub-operation {} not restricted)",
                    exempt.join(" or ")
                ),
                (true, _) => format!("for sub-operation {}", exempt.join(" or ")),
                (false, true) => text,
            }
        }
        Expr::Not(x) => match x.as_ref() {
            Expr::SubOp(ss) => format!("except sub-operation {}", list(ss, "or")),
            other => format!("not ({})", phrase(other)),
        },
        Expr::SubOp(ss) => format!("for sub-operation {}", list(ss, "or")),
        Expr::Action(ps) => format!("for action {}", list(ps, "or")),
        Expr::Exists(a) => format!("when {} exists", attr(a)),
        Expr::NotExists(a) => format!("when {} does not exist", attr(a)),
        Expr::Cmp(..) => leaf(e).unwrap_or_else(|| format!("when {}", canonical(e))),
    }
}

fn list(ss: &[String], joiner: &str) -> String {
    let items: Vec<String> = ss.iter().map(|s| quote(s)).collect();
    items.join(&format!(" {joiner} "))
}

/// What an attribute is, for the phrases.
enum Subject<'a> {
    Container,
    Path,
    Tag(&'a str, Source),
    PrivateLink,
    Endpoint(&'static str),
    Now,
    Assign(&'static str),
    PrincipalAttr(&'a str),
}

fn subject(a: &Attr) -> Option<Subject<'_>> {
    use Source::*;
    let s = match a.source {
        _ if a.is(Resource, names::CONTAINER_NAME) => Subject::Container,
        _ if a.is(Resource, names::BLOB_PATH) => Subject::Path,
        Resource | Request if a.blob_tag_key().is_some() => {
            Subject::Tag(a.blob_tag_key().unwrap_or(""), a.source)
        }
        _ if a.is(Environment, names::IS_PRIVATE_LINK) => Subject::PrivateLink,
        _ if a.is(Environment, names::PRIVATE_ENDPOINT) => Subject::Endpoint("private endpoint"),
        _ if a.is(Environment, names::SUBNET) => Subject::Endpoint("subnet"),
        _ if a.is(Environment, names::UTC_NOW) => Subject::Now,
        _ if a.is(Request, names::ROLE_DEFINITION_ID) => Subject::Assign("when assigning role"),
        _ if a.is(Request, names::PRINCIPAL_TYPE) => {
            Subject::Assign("when assigning to principal type")
        }
        _ if a.is(Request, names::PRINCIPAL_ID) => Subject::Assign("when assigning to principal"),
        _ if a.is(Resource, names::ROLE_DEFINITION_ID) => Subject::Assign("when removing role"),
        Principal => {
            Subject::PrincipalAttr(a.name.rsplit_once(':').map_or(a.name.as_str(), |(_, k)| k))
        }
        _ => return None,
    };
    Some(s)
}

/// The phrase for one comparison of an attribute with literal values, if there is one.
fn leaf(e: &Expr) -> Option<String> {
    let Expr::Cmp(Operand::Attr(a), op, rhs) = e else {
        return None;
    };
    let vals: Vec<&Value> = match rhs {
        Operand::One(v) => vec![v],
        Operand::Set(vs) if !vs.is_empty() => vs.iter().collect(),
        _ => return None,
    };
    let f = op.func;
    let all_right = matches!(op.quant, None | Some(Quant::AnyOfAll | Quant::AllOfAll));
    if a.is(Source::Request, names::ROLE_DEFINITION_ID) && f.neg && f.rel == Rel::Eq && all_right {
        let v = vals.iter().map(|v| value(v)).collect::<Vec<_>>().join(", ");
        return Some(format!("when assigning a role other than {v}"));
    }
    if !matches!(op.quant, None | Some(Quant::AnyOfAny)) {
        return None;
    }
    // "not one of several" reads badly: leave it literal
    if f.neg && vals.len() > 1 {
        return None;
    }
    let v = vals
        .iter()
        .map(|v| value(v))
        .collect::<Vec<_>>()
        .join(" or ");
    let not = if f.neg { "not " } else { "" };
    let subj = subject(a)?;
    // case matters to readers of names and paths, not of principal types or endpoint ids
    let named = matches!(subj, Subject::Container | Subject::Path | Subject::Tag(..));
    let case = if f.ic && f.fam == Fam::Str && named {
        " (any case)"
    } else {
        ""
    };
    let rel = match f.rel {
        Rel::Eq if f.fam == Fam::Str || f.fam == Fam::Guid => "",
        Rel::Starts => "starting with ",
        Rel::Like => "matching ",
        _ => return time_or_flag(subj, f, &vals, &v),
    };
    let text = match (subj, f.rel) {
        (Subject::Container, Rel::Eq) if f.neg => format!("outside container {v}"),
        (Subject::Container, Rel::Eq) => format!("in container {v}"),
        (Subject::Container, _) => format!("in containers {not}{rel}{v}"),
        (Subject::Path, Rel::Eq) if f.neg => format!("blob paths other than {v}"),
        (Subject::Path, Rel::Eq) => format!("blob path {v}"),
        (Subject::Path, _) => format!("blob paths {not}{rel}{v}"),
        (Subject::Tag(key, src), r) => {
            let who = if src == Source::Request {
                "when setting index tag"
            } else {
                "blobs with index tag"
            };
            let rel = match r {
                Rel::Eq if f.neg => "!= ".to_string(),
                Rel::Eq => "= ".to_string(),
                _ => format!("{not}{rel}"),
            };
            format!("{who} {key} {rel}{v}")
        }
        (Subject::Endpoint(what), Rel::Eq) => {
            let does = if f.neg { "does not come" } else { "comes" };
            format!("when the request {does} from {what} {v}")
        }
        (Subject::Assign(what), Rel::Eq) if !f.neg => format!("{what} {v}"),
        (Subject::PrincipalAttr(key), r) => {
            let rel = match r {
                Rel::Eq if f.neg => "!= ".to_string(),
                Rel::Eq => "= ".to_string(),
                _ => format!("{not}{rel}"),
            };
            format!("when the principal's attribute {key} {rel}{v}")
        }
        _ => return None,
    };
    Some(format!("{text}{case}"))
}

/// Private link (a boolean) and the time of the request.
fn time_or_flag(s: Subject, f: super::Func, vals: &[&Value], v: &str) -> Option<String> {
    match (s, f.fam, f.rel) {
        (Subject::PrivateLink, Fam::Bool, Rel::Eq) => {
            let [one] = vals else { return None };
            let yes = super::scalar::boolean(one.text())? != f.neg;
            Some(if yes {
                "when the request comes from a private link".into()
            } else {
                "when the request does not come from a private link".into()
            })
        }
        (Subject::Now, Fam::Time, Rel::Gt) => Some(format!("after {v}")),
        (Subject::Now, Fam::Time, Rel::Ge) => Some(format!("from {v}")),
        (Subject::Now, Fam::Time, Rel::Lt) => Some(format!("before {v}")),
        (Subject::Now, Fam::Time, Rel::Le) => Some(format!("until {v}")),
        _ => None,
    }
}
