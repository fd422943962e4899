//! Recursive descent over the tokens, with a nesting limit.

use super::lex::{tokens, Kind, Token};
use super::{Attr, Expr, Op, Operand, ParseError, Value, MAX_BYTES, MAX_DEPTH};

/// Words with a meaning of their own: never read as a bare value.
const RESERVED: &[&str] = &[
    "AND",
    "OR",
    "NOT",
    "ActionMatches",
    "SubOperationMatches",
    "Exists",
    "NotExists",
];

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Character count of the text: the offset of "end of input".
    end: usize,
    depth: usize,
}

fn err(offset: usize, expected: &str, found: String) -> ParseError {
    ParseError {
        offset,
        expected: expected.to_string(),
        found,
    }
}

fn describe(k: &Kind) -> String {
    match k {
        Kind::Open => "'('".into(),
        Kind::Close => "')'".into(),
        Kind::LBrace => "'{'".into(),
        Kind::RBrace => "'}'".into(),
        Kind::Comma => "','".into(),
        Kind::Bang => "'!'".into(),
        Kind::AndAnd => "'&&'".into(),
        Kind::OrOr => "'||'".into(),
        Kind::Str(_) => "a quoted string".into(),
        Kind::Attr(s, _) => format!("an attribute @{}[…]", s.name()),
        Kind::Word(w) => {
            let short: String = w.chars().take(40).collect();
            let more = if short.len() < w.len() { "…" } else { "" };
            format!("'{short}{more}'")
        }
    }
}

fn is_kw(k: &Kind, kw: &str) -> bool {
    matches!(k, Kind::Word(w) if w.eq_ignore_ascii_case(kw))
}

fn is_number(w: &str) -> bool {
    let digits = w.strip_prefix('-').unwrap_or(w);
    let mut parts = digits.split('.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    parts.next().is_none()
        && !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A word in value position: `true`/`false`, a number, or anything else as written.
fn word_value(w: &str) -> Value {
    if w.eq_ignore_ascii_case("true") {
        Value::Bool(true)
    } else if w.eq_ignore_ascii_case("false") {
        Value::Bool(false)
    } else if is_number(w) {
        Value::Num(w.to_string())
    } else {
        Value::Bare(w.to_string())
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }
    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.at)
    }
    fn unexpected(&self, t: Option<&Token>, expected: &str) -> ParseError {
        match t {
            Some(t) => err(t.at, expected, describe(&t.kind)),
            None => err(self.end, expected, "end of input".into()),
        }
    }
    fn eat(&mut self, f: impl Fn(&Kind) -> bool) -> bool {
        if self.peek().is_some_and(|t| f(&t.kind)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, f: impl Fn(&Kind) -> bool, expected: &str) -> Result<Token, ParseError> {
        match self.next() {
            Some(t) if f(&t.kind) => Ok(t),
            t => Err(self.unexpected(t.as_ref(), expected)),
        }
    }
    fn enter(&mut self, at: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                at,
                &format!("at most {MAX_DEPTH} nested groups"),
                "a deeper one".into(),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let first = self.and()?;
        let is_or = |k: &Kind| *k == Kind::OrOr || is_kw(k, "OR");
        if !self.eat(is_or) {
            return Ok(first);
        }
        let mut items = vec![first, self.and()?];
        while self.eat(is_or) {
            items.push(self.and()?);
        }
        Ok(Expr::Or(items))
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let first = self.unary()?;
        let is_and = |k: &Kind| *k == Kind::AndAnd || is_kw(k, "AND");
        if !self.eat(is_and) {
            return Ok(first);
        }
        let mut items = vec![first, self.unary()?];
        while self.eat(is_and) {
            items.push(self.unary()?);
        }
        Ok(Expr::And(items))
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        let at = self.here();
        if self.eat(|k| *k == Kind::Bang || is_kw(k, "NOT")) {
            self.enter(at)?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(t) = self.next() else {
            return Err(self.unexpected(None, "an expression"));
        };
        match &t.kind {
            Kind::Open => {
                self.enter(t.at)?;
                let e = self.or()?;
                self.expect(|k| *k == Kind::Close, "')' or AND/OR")?;
                self.depth -= 1;
                Ok(e)
            }
            k if is_kw(k, "ActionMatches") => Ok(Expr::Action(self.strings()?)),
            k if is_kw(k, "SubOperationMatches") => Ok(Expr::SubOp(self.strings()?)),
            k if is_kw(k, "Exists") => Ok(Expr::Exists(self.attr()?)),
            k if is_kw(k, "NotExists") => Ok(Expr::NotExists(self.attr()?)),
            _ => {
                let left = self.operand(t)?;
                let op = self.operator()?;
                let Some(t) = self.next() else {
                    return Err(self.unexpected(None, "an attribute or a value"));
                };
                let right = self.operand(t)?;
                Ok(Expr::Cmp(left, op, right))
            }
        }
    }

    fn attr(&mut self) -> Result<Attr, ParseError> {
        match self.next() {
            Some(Token {
                kind: Kind::Attr(source, name),
                ..
            }) => Ok(Attr { source, name }),
            t => Err(self.unexpected(t.as_ref(), "an attribute @Source[…]")),
        }
    }

    fn operator(&mut self) -> Result<Op, ParseError> {
        const EXPECTED: &str = "a comparison operator (StringEquals, GuidEquals, …)";
        match self.next() {
            Some(Token {
                kind: Kind::Word(w),
                at,
            }) => Op::from_word(&w).ok_or_else(|| err(at, EXPECTED, format!("'{w}'"))),
            t => Err(self.unexpected(t.as_ref(), EXPECTED)),
        }
    }

    /// `{'a', 'b'}` after ActionMatches / SubOperationMatches.
    fn strings(&mut self) -> Result<Vec<String>, ParseError> {
        self.expect(|k| *k == Kind::LBrace, "'{'")?;
        let mut out = Vec::new();
        loop {
            match self.next() {
                Some(Token {
                    kind: Kind::Str(s), ..
                }) => out.push(s),
                t => return Err(self.unexpected(t.as_ref(), "a quoted name")),
            }
            if !self.eat(|k| *k == Kind::Comma) {
                break;
            }
        }
        self.expect(|k| *k == Kind::RBrace, "',' or '}'")?;
        Ok(out)
    }

    fn value(&self, t: Token) -> Result<Value, ParseError> {
        match t.kind {
            Kind::Str(s) => Ok(Value::Str(s)),
            Kind::Word(w) if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&w)) => {
                if Op::from_word(&w).is_some() {
                    return Err(err(t.at, "a value", format!("the operator '{w}'")));
                }
                Ok(word_value(&w))
            }
            k => Err(err(t.at, "a value", describe(&k))),
        }
    }

    fn operand(&mut self, t: Token) -> Result<Operand, ParseError> {
        match t.kind {
            Kind::Attr(source, name) => Ok(Operand::Attr(Attr { source, name })),
            Kind::LBrace => {
                self.enter(t.at)?;
                let mut vals = Vec::new();
                if !self.eat(|k| *k == Kind::RBrace) {
                    loop {
                        let Some(v) = self.next() else {
                            return Err(self.unexpected(None, "a value"));
                        };
                        vals.push(self.value(v)?);
                        if !self.eat(|k| *k == Kind::Comma) {
                            break;
                        }
                    }
                    self.expect(|k| *k == Kind::RBrace, "',' or '}'")?;
                }
                self.depth -= 1;
                Ok(Operand::Set(vals))
            }
            _ => Ok(Operand::One(self.value(t)?)),
        }
    }
}

/// Parse a whole condition.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    if text.len() > MAX_BYTES {
        let offset = text
            .char_indices()
            .take_while(|(i, _)| *i < MAX_BYTES)
            .count();
        return Err(err(
            offset,
            &format!("a condition of at most {MAX_BYTES} bytes (Azure's limit)"),
            format!("{} bytes", text.len()),
        ));
    }
    let (toks, end) = tokens(text)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Err(err(0, "a condition", "an empty text".into()));
    }
    let e = p.or()?;
    if let Some(t) = p.peek() {
        return Err(p.unexpected(Some(t), "AND, OR or the end of the condition"));
    }
    Ok(e)
}
