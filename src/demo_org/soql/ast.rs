//! The syntax tree of a SOQL query, as written: names are not resolved yet. Every node that an
//! error may point at keeps the byte offset (`at`) of its first token.

use chrono::{DateTime, NaiveDate, Utc};

use super::dates::{DateFunction, RelativeDate};

/// A name as written: an object, a field path (`Account.Name`), a relationship or an alias.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub at: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub select: Vec<SelectItem>,
    pub from: Ident,
    pub filter: Option<Condition>,
    pub group_by: Vec<Expr>,
    pub having: Option<Condition>,
    pub order_by: Vec<OrderItem>,
    pub limit: Option<Count>,
    pub offset: Option<Count>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SelectItem {
    Expr {
        expr: Expr,
        alias: Option<Ident>,
    },
    /// A child relationship subquery: `(SELECT … FROM CaseComments …)`.
    SubQuery {
        query: Box<Query>,
        at: usize,
    },
}

/// A value a query reads: a field path or a function of one.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Path(Ident),
    Aggregate {
        function: AggregateFunction,
        /// `None` only for `COUNT()`.
        arg: Option<Ident>,
        at: usize,
    },
    Date {
        function: DateFunction,
        arg: Ident,
        at: usize,
    },
}

impl Expr {
    pub fn at(&self) -> usize {
        match self {
            Expr::Path(ident) => ident.at,
            Expr::Aggregate { at, .. } | Expr::Date { at, .. } => *at,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggregateFunction {
    Count,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggregateFunction {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "COUNT" => Self::Count,
            "COUNT_DISTINCT" => Self::CountDistinct,
            "SUM" => Self::Sum,
            "AVG" => Self::Avg,
            "MIN" => Self::Min,
            "MAX" => Self::Max,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Count => "COUNT",
            Self::CountDistinct => "COUNT_DISTINCT",
            Self::Sum => "SUM",
            Self::Avg => "AVG",
            Self::Min => "MIN",
            Self::Max => "MAX",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Compare {
        lhs: Expr,
        op: CompareOp,
        rhs: Literal,
    },
    Like {
        lhs: Expr,
        pattern: Literal,
    },
    In {
        lhs: Expr,
        negated: bool,
        rhs: InList,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum InList {
    Values(Vec<Literal>),
    /// A semi-join (`IN`) or anti-join (`NOT IN`): `Id IN (SELECT ParentId FROM CaseComment)`.
    Query(Box<Query>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    pub value: LiteralValue,
    pub at: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LiteralValue {
    Null,
    Bool(bool),
    /// `value` has its escapes resolved; `raw` is as written, for LIKE patterns.
    Str {
        value: String,
        raw: String,
    },
    Number(f64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Relative(RelativeDate),
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrderItem {
    pub expr: Expr,
    pub descending: bool,
    /// `None` when the query leaves it to the default: nulls first ascending, last descending.
    pub nulls_first: Option<bool>,
}

impl OrderItem {
    pub fn nulls_first(&self) -> bool {
        self.nulls_first.unwrap_or(!self.descending)
    }
}

/// A LIMIT or OFFSET value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Count {
    pub value: u64,
    pub at: usize,
}
