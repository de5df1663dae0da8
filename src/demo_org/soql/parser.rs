//! Recursive-descent parser from tokens to the syntax tree. It knows SOQL's grammar and nothing
//! of the schema. SOSL reuses its pieces for the RETURNING clause.

use super::SoqlError;
use super::ast::{
    AggregateFunction, Condition, Count, Expr, Ident, InList, Literal, LiteralValue, OrderItem,
    Query, SelectItem,
};
use super::dates::{DateFunction, LiteralForm, RelativeDate};
use super::error::Source;
use super::lexer::TokenKind;

/// Words that cannot name a field or an alias.
const RESERVED: &[&str] = &[
    "AND",
    "ASC",
    "BY",
    "DESC",
    "EXCLUDES",
    "FALSE",
    "FIND",
    "FOR",
    "FROM",
    "GROUP",
    "HAVING",
    "IN",
    "INCLUDES",
    "LIKE",
    "LIMIT",
    "NOT",
    "NULL",
    "NULLS",
    "OFFSET",
    "OR",
    "ORDER",
    "RETURNING",
    "SELECT",
    "TRUE",
    "TYPEOF",
    "USING",
    "WHERE",
    "WITH",
];

pub struct Parser<'t> {
    source: &'t Source<'t>,
    index: usize,
    /// MALFORMED_QUERY, or MALFORMED_SEARCH when SOSL uses the parser.
    malformed: &'static str,
}

/// Parses a whole SOQL query.
pub fn parse_query(source: &Source<'_>, malformed: &'static str) -> Result<Query, SoqlError> {
    let mut parser = Parser::new(source, malformed);
    let query = parser.query()?;
    parser.expect_end()?;
    Ok(query)
}

impl<'t> Parser<'t> {
    pub fn new(source: &'t Source<'t>, malformed: &'static str) -> Self {
        Parser {
            source,
            index: 0,
            malformed,
        }
    }

    fn kind(&self) -> &TokenKind {
        self.source
            .tokens
            .get(self.index)
            .map_or(&TokenKind::Eof, |t| &t.kind)
    }

    fn kind_at(&self, ahead: usize) -> &TokenKind {
        self.source
            .tokens
            .get(self.index + ahead)
            .map_or(&TokenKind::Eof, |t| &t.kind)
    }

    /// Byte offset of the current token.
    fn at(&self) -> usize {
        self.source
            .tokens
            .get(self.index)
            .map_or(self.source.text.len(), |t| t.start)
    }

    fn advance(&mut self) {
        if self.index + 1 < self.source.tokens.len() {
            self.index += 1;
        }
    }

    pub fn unexpected(&self) -> SoqlError {
        self.source.unexpected(self.malformed, self.index)
    }

    pub fn at_keyword(&self, keyword: &str) -> bool {
        matches!(self.kind(), TokenKind::Word(w) if w.eq_ignore_ascii_case(keyword))
    }

    pub fn eat_keyword(&mut self, keyword: &str) -> bool {
        let found = self.at_keyword(keyword);
        if found {
            self.advance();
        }
        found
    }

    pub fn expect_keyword(&mut self, keyword: &str) -> Result<(), SoqlError> {
        if self.eat_keyword(keyword) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    pub fn eat(&mut self, kind: &TokenKind) -> bool {
        let found = self.kind() == kind;
        if found {
            self.advance();
        }
        found
    }

    pub fn expect(&mut self, kind: &TokenKind) -> Result<(), SoqlError> {
        if self.eat(kind) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    pub fn expect_end(&self) -> Result<(), SoqlError> {
        match self.kind() {
            TokenKind::Eof => Ok(()),
            _ => Err(self.unexpected()),
        }
    }

    /// A name that is not a reserved word: a field path, an object, a relationship or an alias.
    pub fn ident(&mut self) -> Result<Ident, SoqlError> {
        match self.kind() {
            TokenKind::Word(word) if !is_reserved(word) => {
                let ident = Ident {
                    name: word.clone(),
                    at: self.at(),
                };
                self.advance();
                Ok(ident)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// `SELECT … FROM … [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT] [OFFSET]`, stopping before
    /// whatever follows (end of text, or the `)` of a subquery).
    pub fn query(&mut self) -> Result<Query, SoqlError> {
        self.expect_keyword("SELECT")?;
        let select = self.select_list()?;
        self.expect_keyword("FROM")?;
        let from = self.ident()?;
        let filter = if self.eat_keyword("WHERE") {
            Some(self.condition()?)
        } else {
            None
        };
        let mut group_by = Vec::new();
        if self.eat_keyword("GROUP") {
            self.expect_keyword("BY")?;
            group_by = self.list(Self::expr)?;
        }
        let having = if self.eat_keyword("HAVING") {
            Some(self.condition()?)
        } else {
            None
        };
        let order_by = self.order_by()?;
        let limit = self.count_clause("LIMIT")?;
        let offset = self.count_clause("OFFSET")?;
        Ok(Query {
            select,
            from,
            filter,
            group_by,
            having,
            order_by,
            limit,
            offset,
        })
    }

    /// Comma-separated items.
    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, SoqlError>,
    ) -> Result<Vec<T>, SoqlError> {
        let mut items = vec![item(self)?];
        while self.eat(&TokenKind::Comma) {
            items.push(item(self)?);
        }
        Ok(items)
    }

    pub fn select_list(&mut self) -> Result<Vec<SelectItem>, SoqlError> {
        self.list(Self::select_item)
    }

    fn select_item(&mut self) -> Result<SelectItem, SoqlError> {
        if *self.kind() == TokenKind::LParen {
            let at = self.at();
            self.advance();
            let query = self.query()?;
            self.expect(&TokenKind::RParen)?;
            return Ok(SelectItem::SubQuery {
                query: Box::new(query),
                at,
            });
        }
        let expr = self.expr()?;
        let alias = match self.kind() {
            TokenKind::Word(word) if !is_reserved(word) => Some(self.ident()?),
            _ => None,
        };
        Ok(SelectItem::Expr { expr, alias })
    }

    /// A field path, an aggregate function or a date function.
    pub fn expr(&mut self) -> Result<Expr, SoqlError> {
        if *self.kind_at(1) != TokenKind::LParen {
            return Ok(Expr::Path(self.ident()?));
        }
        let TokenKind::Word(name) = self.kind() else {
            return Err(self.unexpected());
        };
        let at = self.at();
        if let Some(function) = AggregateFunction::from_name(name) {
            self.advance();
            self.advance();
            let arg = if function == AggregateFunction::Count && *self.kind() == TokenKind::RParen {
                None
            } else {
                Some(self.ident()?)
            };
            self.expect(&TokenKind::RParen)?;
            return Ok(Expr::Aggregate { function, arg, at });
        }
        if let Some(function) = DateFunction::from_name(name) {
            self.advance();
            self.advance();
            let arg = self.ident()?;
            self.expect(&TokenKind::RParen)?;
            return Ok(Expr::Date { function, arg, at });
        }
        Err(self.unexpected())
    }

    /// A condition: `AND`s or `OR`s of predicates. Mixing the two needs parentheses, as in SOQL.
    pub fn condition(&mut self) -> Result<Condition, SoqlError> {
        let first = self.unary()?;
        let connector = if self.at_keyword("AND") {
            "AND"
        } else if self.at_keyword("OR") {
            "OR"
        } else {
            return Ok(first);
        };
        let mut items = vec![first];
        while self.eat_keyword(connector) {
            items.push(self.unary()?);
        }
        if self.at_keyword("AND") || self.at_keyword("OR") {
            return Err(self.unexpected());
        }
        Ok(if connector == "AND" {
            Condition::All(items)
        } else {
            Condition::Any(items)
        })
    }

    fn unary(&mut self) -> Result<Condition, SoqlError> {
        if self.eat_keyword("NOT") {
            return Ok(Condition::Not(Box::new(self.unary()?)));
        }
        if self.eat(&TokenKind::LParen) {
            let inner = self.condition()?;
            self.expect(&TokenKind::RParen)?;
            return Ok(inner);
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Condition, SoqlError> {
        let lhs = self.expr()?;
        if let TokenKind::Op(op) = *self.kind() {
            self.advance();
            let rhs = self.literal()?;
            return Ok(Condition::Compare { lhs, op, rhs });
        }
        if self.eat_keyword("LIKE") {
            let pattern = self.literal()?;
            return Ok(Condition::Like { lhs, pattern });
        }
        let negated = self.at_keyword("NOT")
            && matches!(self.kind_at(1), TokenKind::Word(w) if w.eq_ignore_ascii_case("IN"));
        if negated {
            self.advance();
        }
        if self.eat_keyword("IN") {
            let rhs = self.in_list()?;
            return Ok(Condition::In { lhs, negated, rhs });
        }
        Err(self.unexpected())
    }

    fn in_list(&mut self) -> Result<InList, SoqlError> {
        self.expect(&TokenKind::LParen)?;
        let list = if self.at_keyword("SELECT") {
            InList::Query(Box::new(self.query()?))
        } else {
            InList::Values(self.list(Self::literal)?)
        };
        self.expect(&TokenKind::RParen)?;
        Ok(list)
    }

    fn literal(&mut self) -> Result<Literal, SoqlError> {
        let at = self.at();
        let value = match self.kind().clone() {
            TokenKind::Str { value, raw } => LiteralValue::Str { value, raw },
            TokenKind::Number(n) => LiteralValue::Number(n),
            TokenKind::Date(day) => LiteralValue::Date(day),
            TokenKind::DateTime(instant) => LiteralValue::DateTime(instant),
            TokenKind::Word(word) => return self.word_literal(&word, at),
            _ => return Err(self.unexpected()),
        };
        self.advance();
        Ok(Literal { value, at })
    }

    /// `null`, `true`, `false` and date literals such as `TODAY` or `LAST_N_DAYS:7`.
    fn word_literal(&mut self, word: &str, at: usize) -> Result<Literal, SoqlError> {
        let value = match word.to_ascii_uppercase().as_str() {
            "NULL" => LiteralValue::Null,
            "TRUE" => LiteralValue::Bool(true),
            "FALSE" => LiteralValue::Bool(false),
            _ => match RelativeDate::form(word) {
                Some(LiteralForm::Fixed(relative)) => LiteralValue::Relative(relative),
                Some(LiteralForm::WithCount) => {
                    self.advance();
                    self.expect(&TokenKind::Colon)?;
                    let n = match *self.kind() {
                        TokenKind::Number(n) if n.fract() == 0.0 && n >= 0.0 => n,
                        _ => return Err(self.unexpected()),
                    };
                    let relative = RelativeDate::with_count(word, n as i64)
                        .ok_or_else(|| self.unexpected())?;
                    LiteralValue::Relative(relative)
                }
                None => return Err(self.unexpected()),
            },
        };
        self.advance();
        Ok(Literal { value, at })
    }

    pub fn order_by(&mut self) -> Result<Vec<OrderItem>, SoqlError> {
        if !self.eat_keyword("ORDER") {
            return Ok(Vec::new());
        }
        self.expect_keyword("BY")?;
        self.list(|p| {
            let expr = p.expr()?;
            let descending = if p.eat_keyword("DESC") {
                true
            } else {
                p.eat_keyword("ASC");
                false
            };
            let nulls_first = if p.eat_keyword("NULLS") {
                if p.eat_keyword("FIRST") {
                    Some(true)
                } else {
                    p.expect_keyword("LAST")?;
                    Some(false)
                }
            } else {
                None
            };
            Ok(OrderItem {
                expr,
                descending,
                nulls_first,
            })
        })
    }

    /// `LIMIT n` or `OFFSET n`, if present.
    pub fn count_clause(&mut self, keyword: &str) -> Result<Option<Count>, SoqlError> {
        if !self.eat_keyword(keyword) {
            return Ok(None);
        }
        let at = self.at();
        match *self.kind() {
            TokenKind::Number(n) if n.fract() == 0.0 && n >= 0.0 => {
                self.advance();
                Ok(Some(Count {
                    value: n as u64,
                    at,
                }))
            }
            _ => Err(self.unexpected()),
        }
    }
}

fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::soql::ast::CompareOp;
    use crate::demo_org::soql::error::MALFORMED_QUERY;
    use crate::demo_org::soql::lexer::tokenize;

    fn parse(text: &str) -> Result<Query, SoqlError> {
        let source = Source {
            text,
            tokens: tokenize(text, 0)?,
        };
        parse_query(&source, MALFORMED_QUERY)
    }

    #[test]
    fn parses_every_clause() {
        let query = parse(
            "SELECT Status, COUNT(Id) cnt FROM Case WHERE Subject LIKE 'a%' AND Priority IN ('High', 'Low') \
             GROUP BY Status HAVING COUNT(Id) > 1 ORDER BY COUNT(Id) DESC NULLS LAST LIMIT 5 OFFSET 2",
        )
        .expect("query");
        assert_eq!(query.select.len(), 2);
        assert_eq!(query.from.name, "Case");
        assert!(matches!(query.filter, Some(Condition::All(ref items)) if items.len() == 2));
        assert_eq!(query.group_by.len(), 1);
        assert!(query.having.is_some());
        assert!(query.order_by[0].descending);
        assert!(!query.order_by[0].nulls_first());
        assert_eq!(query.limit.map(|c| c.value), Some(5));
        assert_eq!(query.offset.map(|c| c.value), Some(2));
    }

    #[test]
    fn parses_subqueries_and_semi_joins() {
        let query = parse(
            "SELECT Id, (SELECT CreatedDate FROM CaseComments ORDER BY CreatedDate LIMIT 1) FROM Case \
             WHERE Id NOT IN (SELECT ParentId FROM CaseComment)",
        )
        .expect("query");
        assert!(matches!(query.select[1], SelectItem::SubQuery { .. }));
        assert!(matches!(
            query.filter,
            Some(Condition::In {
                negated: true,
                rhs: InList::Query(_),
                ..
            })
        ));
    }

    #[test]
    fn parses_not_and_parentheses() {
        let query =
            parse("SELECT Id FROM Case WHERE NOT (Status = 'New' OR Status = 'Closed') AND IsEscalated = true")
                .expect("query");
        let Some(Condition::All(items)) = query.filter else {
            panic!("expected AND");
        };
        assert!(matches!(items[0], Condition::Not(_)));
        assert!(matches!(
            items[1],
            Condition::Compare {
                op: CompareOp::Eq,
                ..
            }
        ));
    }

    #[test]
    fn refuses_mixed_and_or_without_parentheses() {
        let err = parse(
            "SELECT Id FROM Case WHERE Status = 'New' AND Priority = 'High' OR Origin = 'Web'",
        )
        .expect_err("mixed");
        assert_eq!(err.error_code, MALFORMED_QUERY);
        assert!(err.message.ends_with("unexpected token: 'OR'"));
    }

    #[test]
    fn reports_unexpected_tokens() {
        let err = parse("SELEKT Id FROM Account").expect_err("bad");
        assert_eq!(err.message, "unexpected token: SELEKT");
        let err = parse("SELECT Id FROM Account WHERE").expect_err("bad");
        assert!(err.message.ends_with("unexpected token: <EOF>"));
        let err = parse("SELECT Id FROM Account LIMIT ten").expect_err("bad");
        assert!(err.message.ends_with("unexpected token: 'ten'"));
        let err = parse("SELECT * FROM Account").expect_err("bad");
        assert!(err.message.ends_with("unexpected token: '*'"));
        let err = parse("SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS").expect_err("bad");
        assert!(err.message.ends_with("unexpected token: <EOF>"));
    }
}
