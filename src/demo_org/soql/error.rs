//! Salesforce's query errors: codes, messages, and the caret block that points at the offending
//! token (`\n<excerpt>\n   ^\nERROR at Row:1:Column:4\n<message>`).

use std::fmt;

use super::SoqlError;
use super::lexer::Token;

/// How many tokens either side of the offending one Salesforce quotes in its caret block.
const EXCERPT_TOKENS: usize = 4;

pub const MALFORMED_QUERY: &str = "MALFORMED_QUERY";
pub const MALFORMED_SEARCH: &str = "MALFORMED_SEARCH";
pub const INVALID_FIELD: &str = "INVALID_FIELD";
pub const INVALID_TYPE: &str = "INVALID_TYPE";
pub const INVALID_QUERY_FILTER_OPERATOR: &str = "INVALID_QUERY_FILTER_OPERATOR";
pub const NUMBER_OUTSIDE_VALID_RANGE: &str = "NUMBER_OUTSIDE_VALID_RANGE";

impl SoqlError {
    pub fn new(error_code: &'static str, message: impl Into<String>) -> Self {
        SoqlError {
            error_code,
            message: message.into(),
        }
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(MALFORMED_QUERY, message)
    }
}

impl fmt::Display for SoqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_code, self.message)
    }
}

impl std::error::Error for SoqlError {}

/// 1-based row and column (in characters) of a byte offset.
pub fn position(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let row = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (row, column)
}

/// The query text and its tokens: what an error needs to quote the place it happened.
pub struct Source<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
}

impl Source<'_> {
    /// An error with the caret block for the token starting at byte `at`.
    pub fn error(&self, code: &'static str, at: usize, message: impl fmt::Display) -> SoqlError {
        let (row, column) = position(self.text, at);
        let (excerpt, caret_offset) = self.excerpt(at);
        let caret = " ".repeat(caret_offset);
        SoqlError::new(
            code,
            format!("\n{excerpt}\n{caret}^\nERROR at Row:{row}:Column:{column}\n{message}"),
        )
    }

    /// A few tokens either side of the one at `at`, from the same line, and the caret's offset.
    fn excerpt(&self, at: usize) -> (&str, usize) {
        let index = self
            .tokens
            .partition_point(|t| t.start <= at)
            .saturating_sub(1);
        let same_line = |a: usize, b: usize| {
            let (a, b) = (a.min(b), a.max(b));
            !self.text.get(a..b).unwrap_or_default().contains('\n')
        };
        let mut first = index;
        while first > 0
            && index - first < EXCERPT_TOKENS
            && self
                .tokens
                .get(first - 1)
                .is_some_and(|t| same_line(t.start, at))
        {
            first -= 1;
        }
        let mut last = index;
        while index + EXCERPT_TOKENS > last
            && self
                .tokens
                .get(last + 1)
                .is_some_and(|t| t.end > t.start && same_line(at, t.end))
        {
            last += 1;
        }
        let start = self.tokens.get(first).map_or(at, |t| t.start.min(at));
        let end = self.tokens.get(last).map_or(at, |t| t.end.max(at));
        let excerpt = self.text.get(start..end).unwrap_or_default();
        let caret = self.text.get(start..at).unwrap_or_default().chars().count();
        (excerpt, caret)
    }

    /// `unexpected token: X` for the token starting at byte `at`.
    pub fn unexpected_at(&self, code: &'static str, at: usize) -> SoqlError {
        let index = self.tokens.partition_point(|t| t.start < at);
        self.unexpected(code, index)
    }

    /// `unexpected token: X`. At the very first token Salesforce gives the bare message; later
    /// on it quotes the token under a caret block.
    pub fn unexpected(&self, code: &'static str, index: usize) -> SoqlError {
        let Some(token) = self.tokens.get(index) else {
            return SoqlError::new(code, "unexpected token: <EOF>");
        };
        let text = self.text.get(token.start..token.end).unwrap_or_default();
        if token.start == token.end {
            return self.error(code, token.start, "unexpected token: <EOF>");
        }
        if index == 0 {
            return SoqlError::new(code, format!("unexpected token: {text}"));
        }
        self.error(code, token.start, format!("unexpected token: '{text}'"))
    }
}

/// The advice Salesforce appends to unknown names.
const WSDL_HINT: &str =
    "Please reference your WSDL or the describe call for the appropriate names.";

pub fn no_such_column(field: &str, entity: &str) -> String {
    format!(
        "No such column '{field}' on entity '{entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. {WSDL_HINT}"
    )
}

pub fn unsupported_sobject(name: &str) -> String {
    format!(
        "sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. {WSDL_HINT}"
    )
}

pub fn unknown_relationship_in_path(name: &str) -> String {
    format!(
        "Didn't understand relationship '{name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. {WSDL_HINT}"
    )
}

pub fn unknown_child_relationship(name: &str) -> String {
    format!(
        "Didn't understand relationship '{name}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. {WSDL_HINT}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::soql::lexer::tokenize;

    fn source(text: &str) -> Source<'_> {
        Source {
            text,
            tokens: tokenize(text, 0).expect("tokens"),
        }
    }

    #[test]
    fn caret_block_quotes_the_neighbouring_tokens() {
        let text = "SELECT Id, Subject, Status, Bogus, Priority, Origin, Type, Reason FROM Case";
        let at = text.find("Bogus").expect("offset");
        let err = source(text).error(INVALID_FIELD, at, "boom");
        assert_eq!(
            err.message,
            "\nSubject, Status, Bogus, Priority, Origin\n                 ^\nERROR at Row:1:Column:29\nboom"
        );
    }

    #[test]
    fn rows_and_columns_count_lines() {
        let text = "SELECT Id\nFROM Bogus";
        let at = text.find("Bogus").expect("offset");
        let err = source(text).error(INVALID_TYPE, at, "x");
        assert_eq!(
            err.message,
            "\nFROM Bogus\n     ^\nERROR at Row:2:Column:6\nx"
        );
    }

    #[test]
    fn unexpected_tokens() {
        let src = source("SELEKT Id FROM Account");
        assert_eq!(
            src.unexpected(MALFORMED_QUERY, 0).message,
            "unexpected token: SELEKT"
        );
        let src = source("SELECT Id FROM");
        let eof = src.tokens.len() - 1;
        assert_eq!(
            src.unexpected(MALFORMED_QUERY, eof).message,
            "\nSELECT Id FROM\n              ^\nERROR at Row:1:Column:15\nunexpected token: <EOF>"
        );
    }
}
