//! Tokens of a condition. Offsets count characters, not bytes.

use super::{ParseError, Source};

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Open,
    Close,
    LBrace,
    RBrace,
    Comma,
    /// `!`
    Bang,
    /// `&&`
    AndAnd,
    /// `||`
    OrOr,
    /// `'…'`, escapes decoded
    Str(String),
    /// A run of letters, digits and `. _ - : / +` (keywords, operators, GUIDs, numbers).
    Word(String),
    /// `@Source[name]`
    Attr(Source, String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: Kind,
    /// Character offset of the token's first character.
    pub at: usize,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '/' | '+')
}

fn err(at: usize, expected: &str, found: String) -> ParseError {
    ParseError {
        offset: at,
        expected: expected.to_string(),
        found,
    }
}

/// How a character is shown in an error.
pub fn show(c: char) -> String {
    if c.is_control() {
        format!("character {:?}", c)
    } else {
        format!("'{c}'")
    }
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    at: usize,
}

impl Lexer<'_> {
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        self.at += 1;
        Some(c)
    }
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }
    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn string(&mut self, start: usize) -> Result<Kind, ParseError> {
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return Err(err(start, "a closing quote '", "end of input".into())),
                Some('\'') => return Ok(Kind::Str(s)),
                Some('\\') => match self.peek() {
                    Some(c @ ('\'' | '\\')) => {
                        self.bump();
                        s.push(c);
                    }
                    _ => s.push('\\'),
                },
                Some(c) => s.push(c),
            }
        }
    }

    fn word(&mut self, first: char) -> String {
        let mut w = String::from(first);
        while let Some(c) = self.peek().filter(|c| is_word(*c)) {
            self.bump();
            w.push(c);
        }
        w
    }

    fn attr(&mut self, start: usize) -> Result<Kind, ParseError> {
        let at = self.at;
        let name = match self.peek() {
            Some(c) if c.is_alphabetic() => {
                self.bump();
                self.word(c)
            }
            Some(c) => return Err(err(at, "an attribute source after @", show(c))),
            None => {
                return Err(err(
                    at,
                    "an attribute source after @",
                    "end of input".into(),
                ))
            }
        };
        let source = [
            Source::Resource,
            Source::Request,
            Source::Principal,
            Source::Environment,
        ]
        .into_iter()
        .find(|s| s.name().eq_ignore_ascii_case(&name))
        .ok_or_else(|| {
            err(
                at,
                "@Resource, @Request, @Principal or @Environment",
                format!("@{name}"),
            )
        })?;
        self.skip_space();
        let open = self.at;
        match self.bump() {
            Some('[') => {}
            Some(c) => return Err(err(open, "'[' after the attribute source", show(c))),
            None => return Err(err(open, "'['", "end of input".into())),
        }
        let mut inner = String::new();
        loop {
            match self.bump() {
                Some(']') => break,
                Some(c) if c == '[' || c.is_control() => {
                    return Err(err(
                        self.at.saturating_sub(1),
                        "']' closing the attribute",
                        show(c),
                    ))
                }
                Some(c) => inner.push(c),
                None => {
                    return Err(err(
                        open,
                        "']' closing the attribute",
                        "end of input".into(),
                    ))
                }
            }
        }
        let inner = inner.trim();
        if inner.is_empty() {
            return Err(err(start, "an attribute name", "'[]'".into()));
        }
        Ok(Kind::Attr(source, inner.to_string()))
    }

    fn next_token(&mut self) -> Result<Option<Token>, ParseError> {
        self.skip_space();
        let at = self.at;
        let Some(c) = self.bump() else {
            return Ok(None);
        };
        let kind = match c {
            '(' => Kind::Open,
            ')' => Kind::Close,
            '{' => Kind::LBrace,
            '}' => Kind::RBrace,
            ',' => Kind::Comma,
            '!' => Kind::Bang,
            '&' | '|' => {
                if self.peek() != Some(c) {
                    return Err(err(at, if c == '&' { "'&&'" } else { "'||'" }, show(c)));
                }
                self.bump();
                if c == '&' {
                    Kind::AndAnd
                } else {
                    Kind::OrOr
                }
            }
            '\'' => self.string(at)?,
            '@' => self.attr(at)?,
            c if is_word(c) => Kind::Word(self.word(c)),
            c => return Err(err(at, "a condition token", show(c))),
        };
        Ok(Some(Token { kind, at }))
    }
}

/// Split `text` into tokens; also returns the character count (the end offset).
pub fn tokens(text: &str) -> Result<(Vec<Token>, usize), ParseError> {
    let mut lx = Lexer {
        chars: text.chars().peekable(),
        at: 0,
    };
    let mut out = Vec::new();
    while let Some(t) = lx.next_token()? {
        out.push(t);
    }
    Ok((out, lx.at))
}
