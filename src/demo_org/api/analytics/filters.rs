//! Report filters: operators per data type, filter values parsed for their column, matching a
//! column value, and the filter logic (`reportBooleanFilter`) that combines them.

use chrono::NaiveDate;

use super::columns::{Column, DataType};
use super::dates::{self, DayRange};
use super::metadata::invalid;
use super::values::Datum;
use crate::demo_org::api::error::ApiError;
use crate::demo_org::store::{parse_date, parse_datetime};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Equals,
    NotEqual,
    LessThan,
    GreaterThan,
    LessOrEqual,
    GreaterOrEqual,
    Contains,
    NotContain,
    StartsWith,
    Includes,
    Excludes,
}

impl Operator {
    const ALL: [Operator; 11] = [
        Operator::Equals,
        Operator::NotEqual,
        Operator::LessThan,
        Operator::GreaterThan,
        Operator::LessOrEqual,
        Operator::GreaterOrEqual,
        Operator::Contains,
        Operator::NotContain,
        Operator::StartsWith,
        Operator::Includes,
        Operator::Excludes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operator::Equals => "equals",
            Operator::NotEqual => "notEqual",
            Operator::LessThan => "lessThan",
            Operator::GreaterThan => "greaterThan",
            Operator::LessOrEqual => "lessOrEqual",
            Operator::GreaterOrEqual => "greaterOrEqual",
            Operator::Contains => "contains",
            Operator::NotContain => "notContain",
            Operator::StartsWith => "startsWith",
            Operator::Includes => "includes",
            Operator::Excludes => "excludes",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Operator::Equals => "equals",
            Operator::NotEqual => "not equal to",
            Operator::LessThan => "less than",
            Operator::GreaterThan => "greater than",
            Operator::LessOrEqual => "less or equal",
            Operator::GreaterOrEqual => "greater or equal",
            Operator::Contains => "contains",
            Operator::NotContain => "does not contain",
            Operator::StartsWith => "starts with",
            Operator::Includes => "includes",
            Operator::Excludes => "excludes",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.name() == name)
    }

    /// The operators a column of `data_type` can be filtered with.
    pub fn for_type(data_type: DataType) -> &'static [Operator] {
        const ORDERING: &[Operator] = &[
            Operator::Equals,
            Operator::NotEqual,
            Operator::LessThan,
            Operator::GreaterThan,
            Operator::LessOrEqual,
            Operator::GreaterOrEqual,
        ];
        match data_type {
            DataType::Boolean => &[Operator::Equals, Operator::NotEqual],
            DataType::Int | DataType::Double | DataType::Date | DataType::DateTime => ORDERING,
            DataType::String | DataType::TextArea | DataType::Email | DataType::Picklist => {
                &Self::ALL
            }
        }
    }
}

/// A filter value parsed for its column: comma-separated values mean "any of".
#[derive(Clone, Debug, PartialEq)]
enum Operand {
    /// An empty value: `equals` matches empty cells, `notEqual` filled ones.
    Blank,
    Text(Vec<String>),
    Numbers(Vec<f64>),
    Bool(bool),
    Days(Vec<DayRange>),
}

/// A report filter checked against its report type and ready to match values.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub column: &'static Column,
    operator: Operator,
    operand: Operand,
}

impl Condition {
    /// Checks a filter of `column`; relative dates (`LAST_N_DAYS:7`) resolve against `today`.
    pub fn new(
        column: &'static Column,
        operator_name: &str,
        value: &str,
        today: NaiveDate,
    ) -> Result<Self, ApiError> {
        let operator = Operator::parse(operator_name).ok_or_else(|| {
            invalid(format!(
                "The filter operator {operator_name} is not valid. Use one of: {}.",
                Operator::ALL.map(Operator::name).join(", ")
            ))
        })?;
        if !Operator::for_type(column.data_type).contains(&operator) {
            return Err(invalid(format!(
                "The filter operator {operator_name} can't be used with the column {} of type {}.",
                column.name,
                column.data_type.wire_name()
            )));
        }
        let operand = parse_operand(column, operator, value, today)?;
        Ok(Condition {
            column,
            operator,
            operand,
        })
    }

    pub fn matches(&self, datum: &Datum) -> bool {
        let negated = matches!(
            self.operator,
            Operator::NotEqual | Operator::Excludes | Operator::NotContain
        );
        match &self.operand {
            Operand::Blank => datum.is_null() != negated,
            Operand::Text(values) => match datum {
                Datum::Text(text) => match_text(self.operator, &text.to_lowercase(), values),
                _ => negated,
            },
            Operand::Numbers(values) => match datum.as_number() {
                Some(n) => match_ordered(self.operator, &n, values, |a, b| a.total_cmp(b)),
                None => negated,
            },
            Operand::Bool(expected) => match datum {
                Datum::Bool(b) => (b == expected) != negated,
                _ => negated,
            },
            Operand::Days(ranges) => match datum.day() {
                Some(day) => match_days(self.operator, day, ranges),
                None => negated,
            },
        }
    }
}

fn parse_operand(
    column: &Column,
    operator: Operator,
    value: &str,
    today: NaiveDate,
) -> Result<Operand, ApiError> {
    let parts: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return match operator {
            Operator::Equals | Operator::NotEqual | Operator::Includes | Operator::Excludes => {
                Ok(Operand::Blank)
            }
            _ => Err(invalid(format!(
                "The filter on {} needs a value for the operator {}.",
                column.name,
                operator.name()
            ))),
        };
    }
    let bad_value = || {
        invalid(format!(
            "The filter value {value} is not valid for the column {} of type {}.",
            column.name,
            column.data_type.wire_name()
        ))
    };
    match column.data_type {
        DataType::Boolean => match value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Operand::Bool(true)),
            "false" | "0" => Ok(Operand::Bool(false)),
            _ => Err(bad_value()),
        },
        DataType::Int | DataType::Double => parts
            .iter()
            .map(|p| p.parse::<f64>().map_err(|_| bad_value()))
            .collect::<Result<_, _>>()
            .map(Operand::Numbers),
        DataType::Date | DataType::DateTime => parts
            .iter()
            .map(|p| day_range(p, today).ok_or_else(bad_value))
            .collect::<Result<_, _>>()
            .map(Operand::Days),
        DataType::String | DataType::TextArea | DataType::Email | DataType::Picklist => Ok(
            Operand::Text(parts.iter().map(|p| p.to_lowercase()).collect()),
        ),
    }
}

/// A date filter value: a relative literal, a date, or a datetime (its day).
fn day_range(text: &str, today: NaiveDate) -> Option<DayRange> {
    dates::resolve(text, today)
        .or_else(|| parse_date(text).map(DayRange::day))
        .or_else(|| parse_datetime(text).map(|t| DayRange::day(t.date_naive())))
}

fn match_text(operator: Operator, text: &str, values: &[String]) -> bool {
    match operator {
        Operator::Equals | Operator::Includes => values.iter().any(|v| v == text),
        Operator::NotEqual | Operator::Excludes => values.iter().all(|v| v != text),
        Operator::Contains => values.iter().any(|v| text.contains(v.as_str())),
        Operator::NotContain => values.iter().all(|v| !text.contains(v.as_str())),
        Operator::StartsWith => values.iter().any(|v| text.starts_with(v.as_str())),
        _ => match_ordered(operator, &text.to_owned(), values, |a, b| a.cmp(b)),
    }
}

/// Equality against any of `values`; ordering against the first of them.
fn match_ordered<T>(
    operator: Operator,
    actual: &T,
    values: &[T],
    compare: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let Some(first) = values.first() else {
        return false;
    };
    match operator {
        Operator::Equals | Operator::Includes => values.iter().any(|v| compare(actual, v) == Equal),
        Operator::NotEqual | Operator::Excludes => {
            values.iter().all(|v| compare(actual, v) != Equal)
        }
        Operator::LessThan => compare(actual, first) == Less,
        Operator::GreaterThan => compare(actual, first) == Greater,
        Operator::LessOrEqual => compare(actual, first) != Greater,
        Operator::GreaterOrEqual => compare(actual, first) != Less,
        Operator::Contains | Operator::NotContain | Operator::StartsWith => false,
    }
}

/// A day against date ranges: equal means inside, less than means before the range starts.
fn match_days(operator: Operator, day: NaiveDate, ranges: &[DayRange]) -> bool {
    let Some(first) = ranges.first() else {
        return false;
    };
    match operator {
        Operator::Equals | Operator::Includes => ranges.iter().any(|r| r.contains(day)),
        Operator::NotEqual | Operator::Excludes => ranges.iter().all(|r| !r.contains(day)),
        Operator::LessThan => first.start.is_some_and(|s| day < s),
        Operator::GreaterThan => first.end.is_some_and(|e| day > e),
        Operator::LessOrEqual => first.end.is_none_or(|e| day <= e),
        Operator::GreaterOrEqual => first.start.is_none_or(|s| day >= s),
        Operator::Contains | Operator::NotContain | Operator::StartsWith => false,
    }
}

/// Filter logic: `1 AND (2 OR NOT 3)` over the 1-based filter numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum Logic {
    Filter(usize),
    And(Box<Logic>, Box<Logic>),
    Or(Box<Logic>, Box<Logic>),
    Not(Box<Logic>),
}

impl Logic {
    /// Parses filter logic for a report with `filter_count` filters.
    pub fn parse(text: &str, filter_count: usize) -> Result<Logic, ApiError> {
        let tokens = tokenize(text)?;
        let mut parser = LogicParser {
            tokens: &tokens,
            position: 0,
            filter_count,
            depth: 0,
        };
        let logic = parser.or()?;
        if parser.position != tokens.len() {
            return Err(logic_error(text));
        }
        Ok(logic)
    }

    /// The logic's result given each filter's result (index 0 is filter 1).
    pub fn eval(&self, results: &[bool]) -> bool {
        match self {
            Logic::Filter(n) => results.get(n.saturating_sub(1)).copied().unwrap_or(false),
            Logic::And(a, b) => a.eval(results) && b.eval(results),
            Logic::Or(a, b) => a.eval(results) || b.eval(results),
            Logic::Not(a) => !a.eval(results),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(usize),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn logic_error(text: &str) -> ApiError {
    invalid(format!("The filter logic {text} is not valid."))
}

fn tokenize(text: &str) -> Result<Vec<Token>, ApiError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            tokens.push(if c == '(' { Token::Open } else { Token::Close });
            chars.next();
        } else if c.is_ascii_alphanumeric() {
            let mut word = String::new();
            while let Some(&w) = chars.peek().filter(|w| w.is_ascii_alphanumeric()) {
                word.push(w);
                chars.next();
            }
            tokens.push(match word.to_ascii_uppercase().as_str() {
                "AND" => Token::And,
                "OR" => Token::Or,
                "NOT" => Token::Not,
                number => Token::Number(number.parse().map_err(|_| logic_error(text))?),
            });
        } else {
            return Err(logic_error(text));
        }
    }
    Ok(tokens)
}

struct LogicParser<'a> {
    tokens: &'a [Token],
    position: usize,
    filter_count: usize,
    /// Nesting guard, so a hostile expression cannot exhaust the stack.
    depth: usize,
}

impl LogicParser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn error(&self) -> ApiError {
        invalid("The filter logic is not valid.")
    }

    fn or(&mut self) -> Result<Logic, ApiError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.position += 1;
            left = Logic::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Logic, ApiError> {
        let mut left = self.unary()?;
        while self.peek() == Some(&Token::And) {
            self.position += 1;
            left = Logic::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Logic, ApiError> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(self.error());
        }
        let result = match self.peek().cloned() {
            Some(Token::Not) => {
                self.position += 1;
                self.unary().map(|inner| Logic::Not(Box::new(inner)))
            }
            Some(Token::Open) => {
                self.position += 1;
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(self.error());
                }
                self.position += 1;
                Ok(inner)
            }
            Some(Token::Number(n)) if (1..=self.filter_count).contains(&n) => {
                self.position += 1;
                Ok(Logic::Filter(n))
            }
            Some(Token::Number(n)) => Err(invalid(format!(
                "The filter logic refers to filter {n}, but the report has {} filters.",
                self.filter_count
            ))),
            _ => Err(self.error()),
        };
        self.depth -= 1;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::api::analytics::columns::{CASES, COPILOT_INTERACTIONS};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 13).expect("date")
    }

    fn condition(column: &str, operator: &str, value: &str) -> Condition {
        let column = CASES
            .column(column)
            .or_else(|| COPILOT_INTERACTIONS.column(column))
            .expect("column");
        Condition::new(column, operator, value, today()).expect("condition")
    }

    fn text(s: &str) -> Datum {
        Datum::Text(s.to_owned())
    }

    #[test]
    fn text_operators() {
        let any_of = condition("STATUS", "equals", "New, Working");
        assert!(any_of.matches(&text("working")));
        assert!(!any_of.matches(&text("Closed")));
        assert!(!any_of.matches(&Datum::Null));
        let none_of = condition("STATUS", "notEqual", "Closed");
        assert!(none_of.matches(&text("New")));
        assert!(none_of.matches(&Datum::Null));
        assert!(!none_of.matches(&text("Closed")));
        assert!(condition("SUBJECT", "contains", "dashboard").matches(&text("Slow Dashboard")));
        assert!(condition("SUBJECT", "notContain", "sso").matches(&text("Slow Dashboard")));
        assert!(condition("SUBJECT", "startsWith", "slow").matches(&text("Slow Dashboard")));
        assert!(condition("SUBJECT", "lessThan", "m").matches(&text("apple")));
        assert!(condition("PRIORITY", "includes", "High,Low").matches(&text("Low")));
    }

    #[test]
    fn blank_values_match_empty_cells() {
        assert!(condition("ACCOUNT.NAME", "equals", "").matches(&Datum::Null));
        assert!(!condition("ACCOUNT.NAME", "equals", "").matches(&text("Acme")));
        assert!(condition("ACCOUNT.NAME", "notEqual", "").matches(&text("Acme")));
    }

    #[test]
    fn number_boolean_and_date_operators() {
        let shown = "Copilot_Interaction__c.KB_Articles_Shown__c";
        assert!(condition(shown, "greaterOrEqual", "2").matches(&Datum::Number(2.0)));
        assert!(!condition(shown, "greaterThan", "2").matches(&Datum::Number(2.0)));
        assert!(condition(shown, "equals", "1,3").matches(&Datum::Number(3.0)));
        assert!(condition("CLOSED", "equals", "false").matches(&Datum::Bool(false)));
        assert!(condition("CLOSED", "notEqual", "true").matches(&Datum::Bool(false)));
        let recent = condition("CREATED_DATE", "equals", "LAST_N_DAYS:7");
        let at = |s: &str| Datum::DateTime(parse_datetime(s).expect("datetime"));
        assert!(recent.matches(&at("2026-05-10T10:00:00Z")));
        assert!(!recent.matches(&at("2026-04-10T10:00:00Z")));
        let before = condition("CREATED_DATEONLY", "lessThan", "2026-05-01");
        assert!(before.matches(&Datum::Date(
            NaiveDate::from_ymd_opt(2026, 4, 30).expect("d")
        )));
        assert!(!before.matches(&Datum::Date(
            NaiveDate::from_ymd_opt(2026, 5, 1).expect("d")
        )));
        assert!(
            condition("CREATED_DATE", "greaterThan", "LAST_MONTH")
                .matches(&at("2026-05-01T00:00:00Z"))
        );
    }

    #[test]
    fn refuses_bad_operators_and_values() {
        let status = CASES.column("STATUS").expect("column");
        let closed = CASES.column("CLOSED").expect("column");
        let age = CASES.column("AGE").expect("column");
        assert!(Condition::new(status, "like", "x", today()).is_err());
        assert!(Condition::new(closed, "contains", "true", today()).is_err());
        assert!(Condition::new(closed, "equals", "maybe", today()).is_err());
        assert!(Condition::new(age, "lessThan", "ten", today()).is_err());
        assert!(Condition::new(age, "lessThan", "", today()).is_err());
        let created = CASES.column("CREATED_DATE").expect("column");
        assert!(Condition::new(created, "equals", "SOMEDAY", today()).is_err());
    }

    #[test]
    fn filter_logic() {
        let logic = Logic::parse("(1 OR 2) AND NOT 3", 3).expect("logic");
        assert!(logic.eval(&[true, false, false]));
        assert!(!logic.eval(&[true, false, true]));
        assert!(!logic.eval(&[false, false, false]));
        let precedence = Logic::parse("1 or 2 and 3", 3).expect("logic");
        assert!(precedence.eval(&[true, false, false]));
        assert!(Logic::parse("1 AND 4", 3).is_err());
        assert!(Logic::parse("(1 AND 2", 2).is_err());
        assert!(Logic::parse("1 AND; 2", 2).is_err());
        assert!(Logic::parse("1 2", 2).is_err());
        assert!(Logic::parse(&"(".repeat(500), 1).is_err());
    }
}
