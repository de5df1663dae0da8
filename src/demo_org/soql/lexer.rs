//! Splits query text into tokens that remember where they start, so errors can point at them.

use chrono::{DateTime, NaiveDate, Utc};

use super::SoqlError;
use super::ast::CompareOp;
use super::error::{Source, position};
use crate::demo_org::store::{parse_date, parse_datetime};

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// An identifier, a keyword or a dotted path such as `Account.Name`. The parser tells
    /// keywords apart, case-insensitively.
    Word(String),
    /// A quoted string: `value` with escapes resolved, `raw` as written between the quotes (LIKE
    /// patterns need to know which wildcards were escaped).
    Str {
        value: String,
        raw: String,
    },
    Number(f64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Comma,
    LParen,
    RParen,
    Colon,
    Op(CompareOp),
    /// Any other character; the parser refuses it as an unexpected token.
    Symbol(char),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte offsets of the token in the whole query text.
    pub start: usize,
    pub end: usize,
}

/// Tokenises `text[from..]`; offsets stay relative to the whole of `text` (SOSL lexes only what
/// follows its braces). The list always ends with an `Eof` token.
pub fn tokenize(text: &str, from: usize) -> Result<Vec<Token>, SoqlError> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        at: from,
        tokens: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    tokens: Vec<Token>,
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.tokens.push(Token {
            kind,
            start,
            end: self.at,
        });
    }

    fn run(&mut self) -> Result<(), SoqlError> {
        while let Some(b) = self.peek(0) {
            let start = self.at;
            if b.is_ascii_whitespace() {
                self.at += 1;
                continue;
            }
            if is_word_start(b) {
                self.word();
                let word = self.text.get(start..self.at).unwrap_or_default().to_owned();
                self.push(TokenKind::Word(word), start);
                continue;
            }
            let signed_number = matches!(b, b'-' | b'+')
                && self.peek(1).is_some_and(|n| n.is_ascii_digit())
                && self.follows_operator();
            if b.is_ascii_digit() || signed_number {
                let kind = self.number_or_date()?;
                self.push(kind, start);
                continue;
            }
            if b == b'\'' {
                let kind = self.string()?;
                self.push(kind, start);
                continue;
            }
            let (kind, len) = match (b, self.peek(1)) {
                (b'!', Some(b'=')) => (TokenKind::Op(CompareOp::Ne), 2),
                (b'<', Some(b'>')) => (TokenKind::Op(CompareOp::Ne), 2),
                (b'<', Some(b'=')) => (TokenKind::Op(CompareOp::Le), 2),
                (b'>', Some(b'=')) => (TokenKind::Op(CompareOp::Ge), 2),
                (b'<', _) => (TokenKind::Op(CompareOp::Lt), 1),
                (b'>', _) => (TokenKind::Op(CompareOp::Gt), 1),
                (b'=', _) => (TokenKind::Op(CompareOp::Eq), 1),
                (b',', _) => (TokenKind::Comma, 1),
                (b'(', _) => (TokenKind::LParen, 1),
                (b')', _) => (TokenKind::RParen, 1),
                (b':', _) => (TokenKind::Colon, 1),
                _ => {
                    let c = self.text.get(start..).and_then(|s| s.chars().next());
                    let c = c.unwrap_or('?');
                    (TokenKind::Symbol(c), c.len_utf8())
                }
            };
            self.at += len;
            self.push(kind, start);
        }
        let end = self.text.len();
        self.tokens.push(Token {
            kind: TokenKind::Eof,
            start: end,
            end,
        });
        Ok(())
    }

    /// A sign starts a number only where a value may stand: after an operator, `(`, `,` or `:`.
    fn follows_operator(&self) -> bool {
        matches!(
            self.tokens.last().map(|t| &t.kind),
            Some(TokenKind::Op(_) | TokenKind::LParen | TokenKind::Comma | TokenKind::Colon)
        )
    }

    /// An identifier, extended over `.segment` parts into one path token.
    fn word(&mut self) {
        loop {
            while self.peek(0).is_some_and(is_word_byte) {
                self.at += 1;
            }
            if self.peek(0) == Some(b'.') && self.peek(1).is_some_and(is_word_start) {
                self.at += 1;
            } else {
                return;
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.peek(0).is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }

    /// `12`, `-3.5`, `2026-01-01` or `2026-01-01T00:00:00Z` / `…+01:00` / `….000+0000`.
    fn number_or_date(&mut self) -> Result<TokenKind, SoqlError> {
        let start = self.at;
        if matches!(self.peek(0), Some(b'-' | b'+')) {
            self.at += 1;
        }
        let int_digits = self.digits();
        if int_digits == 4 && self.peek(0) == Some(b'-') && start == self.at - 4 {
            return self.date(start);
        }
        if self.peek(0) == Some(b'.') && self.peek(1).is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
            self.digits();
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        text.parse::<f64>()
            .map(TokenKind::Number)
            .map_err(|_| self.bad_literal(start))
    }

    fn date(&mut self, start: usize) -> Result<TokenKind, SoqlError> {
        while self
            .peek(0)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b':' | b'.'))
        {
            self.at += 1;
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        if text.len() == 10 {
            return parse_date(text)
                .map(TokenKind::Date)
                .ok_or_else(|| self.bad_literal(start));
        }
        // A datetime needs its zone: `Z`, `+01:00` or `+0100`.
        let has_zone =
            text.ends_with('Z') || text.get(19..).is_some_and(|z| z.contains(['+', '-']));
        match parse_datetime(text) {
            Some(at) if has_zone && text.get(10..11) == Some("T") => Ok(TokenKind::DateTime(at)),
            _ => Err(self.bad_literal(start)),
        }
    }

    fn bad_literal(&self, start: usize) -> SoqlError {
        let text = self.text.get(start..self.at).unwrap_or_default();
        self.error_at(start, format!("unexpected token: '{text}'"))
    }

    /// An error at the token being read, which is not in `tokens` yet.
    fn error_at(&self, at: usize, message: String) -> SoqlError {
        let mut tokens = self.tokens.clone();
        tokens.push(Token {
            kind: TokenKind::Symbol('?'),
            start: at,
            end: self.at.max(at),
        });
        Source {
            text: self.text,
            tokens,
        }
        .error("MALFORMED_QUERY", at, message)
    }

    /// A single-quoted string with Salesforce's backslash escapes.
    fn string(&mut self) -> Result<TokenKind, SoqlError> {
        self.at += 1;
        let body_start = self.at;
        let mut value = String::new();
        let mut bad_escape = None;
        while let Some(c) = self
            .text
            .get(self.at..)
            .and_then(|rest| rest.chars().next())
        {
            self.at += c.len_utf8();
            match c {
                '\'' => {
                    let raw = self.text.get(body_start..self.at - 1).unwrap_or_default();
                    if let Some(sequence) = bad_escape {
                        return Err(SoqlError::malformed(format!(
                            "Invalid string literal '{raw}'. Illegal character sequence '{sequence}' in string literal."
                        )));
                    }
                    let raw = raw.to_owned();
                    return Ok(TokenKind::Str { value, raw });
                }
                '\\' => {
                    let escaped = self
                        .text
                        .get(self.at..)
                        .and_then(|rest| rest.chars().next());
                    self.at += escaped.map_or(0, char::len_utf8);
                    match escaped.and_then(unescape) {
                        Some(resolved) => value.push(resolved),
                        None => {
                            let shown = escaped.map(String::from).unwrap_or_default();
                            bad_escape.get_or_insert(format!("\\{shown}"));
                        }
                    }
                }
                _ => value.push(c),
            }
        }
        let (row, column) = position(self.text, self.text.len());
        Err(SoqlError::malformed(format!(
            "line {row}:{} mismatched character '<EOF>' expecting '''",
            column - 1
        )))
    }
}

/// The character an escape sequence stands for (either case of letter, as SOQL allows).
/// `\%` and `\_` stand for the plain characters, which LIKE then takes literally.
pub fn unescape(c: char) -> Option<char> {
    Some(match c {
        'n' | 'N' => '\n',
        'r' | 'R' => '\r',
        't' | 'T' => '\t',
        'b' | 'B' => '\u{8}',
        'f' | 'F' => '\u{c}',
        '\'' | '"' | '\\' | '%' | '_' => c,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text, 0)
            .expect("tokens")
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn words_paths_and_operators() {
        assert_eq!(
            kinds("Account.Name != 'a'"),
            vec![
                TokenKind::Word("Account.Name".into()),
                TokenKind::Op(CompareOp::Ne),
                TokenKind::Str {
                    value: "a".into(),
                    raw: "a".into()
                },
                TokenKind::Eof
            ]
        );
        assert_eq!(kinds("<>")[0], TokenKind::Op(CompareOp::Ne));
    }

    #[test]
    fn string_escapes() {
        let tokens = kinds(r"'O\'Brien \\ \n 50\%'");
        assert_eq!(
            tokens[0],
            TokenKind::Str {
                value: "O'Brien \\ \n 50%".into(),
                raw: r"O\'Brien \\ \n 50\%".into()
            }
        );
        let err = tokenize(r"'bad \q'", 0).expect_err("bad escape");
        assert_eq!(err.error_code, "MALFORMED_QUERY");
        assert!(err.message.contains("Illegal character sequence '\\q'"));
        let err = tokenize("Name = 'open", 0).expect_err("unterminated");
        assert!(err.message.contains("mismatched character '<EOF>'"));
    }

    #[test]
    fn numbers_dates_and_datetimes() {
        let tokens = kinds("= -5 , 2.5 2026-01-02 2026-01-02T03:04:05Z 2026-01-02T03:04:05+01:00");
        assert_eq!(tokens[1], TokenKind::Number(-5.0));
        assert_eq!(tokens[3], TokenKind::Number(2.5));
        assert_eq!(
            tokens[4],
            TokenKind::Date(NaiveDate::from_ymd_opt(2026, 1, 2).expect("date"))
        );
        let at = parse_datetime("2026-01-02T03:04:05Z").expect("dt");
        assert_eq!(tokens[5], TokenKind::DateTime(at));
        let at = parse_datetime("2026-01-02T02:04:05Z").expect("dt");
        assert_eq!(tokens[6], TokenKind::DateTime(at));
        assert!(tokenize("2026-01-02T03:04:05", 0).is_err());
        assert!(tokenize("2026-13-02", 0).is_err());
    }
}
