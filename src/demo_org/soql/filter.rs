//! WHERE and HAVING: conditions compiled against the schema (literals typed and normalised once,
//! with Salesforce's type errors), then tested against records or aggregate rows.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::HashSet;

use chrono::{NaiveDate, NaiveTime};
use serde_json::Value;

use super::SoqlError;
use super::ast::{CompareOp, Condition, Expr, InList, Literal, LiteralValue};
use super::dates::DateFunction;
use super::error::{INVALID_FIELD, INVALID_QUERY_FILTER_OPERATOR, NUMBER_OUTSIDE_VALID_RANGE};
use super::path::{FieldPath, Reader};
use super::plan::Planner;
use super::value::{Comparable, Pattern, ValueKind, canonical_id, comparable, compare};
use crate::demo_org::ids;
use crate::demo_org::schema::{FieldDef, FieldType, ObjectDef};
use crate::demo_org::store::{Record, format_date, format_datetime};

/// What a condition, a sort key or a group reads from a row.
#[derive(Clone, Debug)]
pub enum Operand<'s> {
    Path(FieldPath<'s>),
    Date(DateFunction, FieldPath<'s>),
    /// A value of an aggregate row: a group value or an aggregate, by position.
    Slot(usize),
}

/// A record, or a row of an aggregate query.
#[derive(Clone, Copy, Debug)]
pub enum Row<'r> {
    Record(&'r Record),
    Group(&'r [Value]),
}

impl Operand<'_> {
    pub fn value<'r>(&self, reader: &Reader<'r>, row: Row<'r>) -> Cow<'r, Value> {
        match (self, row) {
            (Operand::Path(path), Row::Record(record)) => path.read(reader, record),
            (Operand::Date(function, path), Row::Record(record)) => {
                Cow::Owned(function.apply(&path.read(reader, record)))
            }
            (Operand::Slot(slot), Row::Group(values)) => {
                Cow::Borrowed(values.get(*slot).unwrap_or(&Value::Null))
            }
            _ => Cow::Owned(Value::Null),
        }
    }
}

/// An operand with what the compiler needs to type literals against it.
pub struct Typed<'s> {
    pub operand: Operand<'s>,
    pub kind: ValueKind,
    /// The field behind the operand, when there is one (for filterability and type names).
    pub field: Option<&'s FieldDef>,
    /// The name quoted in type errors.
    pub name: String,
    pub at: usize,
}

/// A literal normalised for comparison with one kind of value.
#[derive(Clone, Debug, PartialEq)]
enum Bound {
    Null,
    Value(Comparable<'static>),
    /// A date literal such as `THIS_MONTH`: from the first bound, up to and excluding the second.
    Range(Comparable<'static>, Comparable<'static>),
}

#[derive(Clone, Debug)]
enum Check {
    Is(CompareOp, Bound),
    Like(Pattern),
    In { negated: bool, items: Vec<Bound> },
}

#[derive(Clone, Debug)]
pub struct Test {
    kind: ValueKind,
    check: Check,
}

impl Test {
    pub fn passes(&self, value: &Value) -> bool {
        let value_comparable = comparable(self.kind, value);
        let present = value_comparable.as_ref();
        match &self.check {
            Check::Is(op, bound) => holds(*op, self.kind, present, bound),
            Check::Like(pattern) => value.as_str().is_some_and(|text| pattern.matches(text)),
            Check::In { negated, items } => {
                let hit = items
                    .iter()
                    .any(|item| holds(CompareOp::Eq, self.kind, present, item));
                hit != *negated
            }
        }
    }
}

/// `value op bound`. Null only equals null; `!=` holds between null and any value, as in SOQL.
fn holds(op: CompareOp, kind: ValueKind, value: Option<&Comparable<'_>>, bound: &Bound) -> bool {
    let Some(value) = value else {
        return match bound {
            Bound::Null => op == CompareOp::Eq,
            _ => op == CompareOp::Ne,
        };
    };
    match bound {
        Bound::Null => op == CompareOp::Ne,
        Bound::Value(bound) => compare(kind, value, bound).is_some_and(|ordering| match op {
            CompareOp::Eq => ordering == Ordering::Equal,
            CompareOp::Ne => ordering != Ordering::Equal,
            CompareOp::Lt => ordering == Ordering::Less,
            CompareOp::Le => ordering != Ordering::Greater,
            CompareOp::Gt => ordering == Ordering::Greater,
            CompareOp::Ge => ordering != Ordering::Less,
        }),
        Bound::Range(start, end) => {
            let before = compare(kind, value, start) == Some(Ordering::Less);
            let after = compare(kind, value, end) != Some(Ordering::Less);
            match op {
                CompareOp::Eq => !before && !after,
                CompareOp::Ne => before || after,
                CompareOp::Lt => before,
                CompareOp::Le => !after,
                CompareOp::Gt => after,
                CompareOp::Ge => !before,
            }
        }
    }
}

/// The ids a semi-join subquery selects, computed the first time the filter needs them.
#[derive(Debug)]
pub struct IdQuery<'s> {
    pub selection: Selection<'s>,
    pub field: FieldPath<'s>,
    ids: OnceCell<HashSet<String>>,
}

impl<'s> IdQuery<'s> {
    pub fn new(selection: Selection<'s>, field: FieldPath<'s>) -> Self {
        IdQuery {
            selection,
            field,
            ids: OnceCell::new(),
        }
    }

    fn ids(&self, reader: &Reader<'_>) -> &HashSet<String> {
        self.ids.get_or_init(|| {
            self.selection
                .rows(reader)
                .into_iter()
                .filter_map(|record| {
                    let value = self.field.read(reader, record);
                    value.as_str().map(|id| canonical_id(id).into_owned())
                })
                .collect()
        })
    }
}

#[derive(Debug)]
pub enum Filter<'s> {
    All(Vec<Filter<'s>>),
    Any(Vec<Filter<'s>>),
    Not(Box<Filter<'s>>),
    Test {
        operand: Operand<'s>,
        test: Test,
    },
    InQuery {
        operand: Operand<'s>,
        negated: bool,
        query: Box<IdQuery<'s>>,
    },
}

impl Filter<'_> {
    pub fn matches<'r>(&self, reader: &Reader<'r>, row: Row<'r>) -> bool {
        match self {
            Filter::All(filters) => filters.iter().all(|f| f.matches(reader, row)),
            Filter::Any(filters) => filters.iter().any(|f| f.matches(reader, row)),
            Filter::Not(filter) => !filter.matches(reader, row),
            Filter::Test { operand, test } => test.passes(&operand.value(reader, row)),
            Filter::InQuery {
                operand,
                negated,
                query,
            } => {
                let value = operand.value(reader, row);
                let found = value
                    .as_str()
                    .is_some_and(|id| query.ids(reader).contains(canonical_id(id).as_ref()));
                found != *negated
            }
        }
    }
}

/// The records of one object that pass a filter.
#[derive(Debug)]
pub struct Selection<'s> {
    pub object: &'s ObjectDef,
    pub filter: Option<Filter<'s>>,
}

impl Selection<'_> {
    pub fn accepts<'r>(&self, reader: &Reader<'r>, record: &'r Record) -> bool {
        self.filter
            .as_ref()
            .is_none_or(|f| f.matches(reader, Row::Record(record)))
    }

    pub fn rows<'r>(&self, reader: &Reader<'r>) -> Vec<&'r Record> {
        reader
            .scan(self.object)
            .filter(|record| self.accepts(reader, record))
            .collect()
    }
}

/// Resolves the operands of a condition: fields of a record for WHERE, slots of an aggregate
/// row for HAVING.
pub type Resolve<'a, 's> = dyn FnMut(&Expr) -> Result<Typed<'s>, SoqlError> + 'a;

/// The type name Salesforce quotes when a literal does not fit a field.
fn type_name(kind: ValueKind, field: Option<&FieldDef>) -> &'static str {
    match (kind, field.map(|f| f.field_type)) {
        (ValueKind::Number, Some(FieldType::Int)) => "integer",
        (ValueKind::Number, Some(FieldType::Currency)) => "currency",
        (ValueKind::Number, Some(FieldType::Percent)) => "percent",
        (ValueKind::Number, _) => "double",
        (ValueKind::Text, _) => "string",
        (ValueKind::Id, _) => "id",
        (ValueKind::Bool, _) => "boolean",
        (ValueKind::Date, _) => "date",
        (ValueKind::DateTime, _) => "dateTime",
    }
}

impl<'s> Planner<'s, '_> {
    /// Compiles a WHERE or HAVING condition.
    pub fn condition(
        &self,
        condition: &Condition,
        resolve: &mut Resolve<'_, 's>,
    ) -> Result<Filter<'s>, SoqlError> {
        Ok(match condition {
            Condition::All(items) => Filter::All(self.conditions(items, resolve)?),
            Condition::Any(items) => Filter::Any(self.conditions(items, resolve)?),
            Condition::Not(inner) => Filter::Not(Box::new(self.condition(inner, resolve)?)),
            Condition::Compare { lhs, op, rhs } => {
                let typed = self.filterable(resolve(lhs)?)?;
                if *op != CompareOp::Eq && *op != CompareOp::Ne && typed.kind == ValueKind::Bool {
                    return Err(self.source.error(
                        INVALID_QUERY_FILTER_OPERATOR,
                        typed.at,
                        "invalid operator on boolean field",
                    ));
                }
                let bound = self.bound(&typed, rhs)?;
                Filter::Test {
                    test: Test {
                        kind: typed.kind,
                        check: Check::Is(*op, bound),
                    },
                    operand: typed.operand,
                }
            }
            Condition::Like { lhs, pattern } => {
                let typed = self.filterable(resolve(lhs)?)?;
                let raw = match (&pattern.value, typed.kind) {
                    (LiteralValue::Str { raw, .. }, ValueKind::Text) => raw,
                    (_, ValueKind::Id) => {
                        return Err(self.source.error(
                            INVALID_QUERY_FILTER_OPERATOR,
                            typed.at,
                            "invalid operator on id field",
                        ));
                    }
                    _ => return Err(self.type_error(&typed)),
                };
                Filter::Test {
                    test: Test {
                        kind: typed.kind,
                        check: Check::Like(Pattern::like(raw)),
                    },
                    operand: typed.operand,
                }
            }
            Condition::In { lhs, negated, rhs } => {
                let typed = self.filterable(resolve(lhs)?)?;
                match rhs {
                    InList::Values(values) => {
                        let items = values
                            .iter()
                            .map(|literal| self.bound(&typed, literal))
                            .collect::<Result<Vec<_>, _>>()?;
                        Filter::Test {
                            test: Test {
                                kind: typed.kind,
                                check: Check::In {
                                    negated: *negated,
                                    items,
                                },
                            },
                            operand: typed.operand,
                        }
                    }
                    InList::Query(query) => {
                        if typed.kind != ValueKind::Id {
                            return Err(self.source.error(
                                INVALID_FIELD,
                                typed.at,
                                format!(
                                    "The left operand field in the where expression for outer query should be an id field, cannot use: '{}'",
                                    typed.name
                                ),
                            ));
                        }
                        Filter::InQuery {
                            operand: typed.operand,
                            negated: *negated,
                            query: Box::new(self.id_query(query)?),
                        }
                    }
                }
            }
        })
    }

    fn conditions(
        &self,
        items: &[Condition],
        resolve: &mut Resolve<'_, 's>,
    ) -> Result<Vec<Filter<'s>>, SoqlError> {
        items
            .iter()
            .map(|item| self.condition(item, resolve))
            .collect()
    }

    fn filterable(&self, typed: Typed<'s>) -> Result<Typed<'s>, SoqlError> {
        match typed.field {
            Some(field) if !field.filterable && matches!(typed.operand, Operand::Path(_)) => {
                Err(self.source.error(
                    INVALID_FIELD,
                    typed.at,
                    format!("field '{}' can not be filtered in a query call", field.name),
                ))
            }
            _ => Ok(typed),
        }
    }

    fn type_error(&self, typed: &Typed<'s>) -> SoqlError {
        let name = type_name(typed.kind, typed.field);
        let quoting = if matches!(typed.kind, ValueKind::Text | ValueKind::Id) {
            "should be enclosed in quotes"
        } else {
            "should not be enclosed in quotes"
        };
        self.source.error(
            INVALID_FIELD,
            typed.at,
            format!(
                "value of filter criterion for field '{}' must be of type {name} and {quoting}",
                typed.name
            ),
        )
    }

    /// Types and normalises a literal for comparison with `typed`.
    fn bound(&self, typed: &Typed<'s>, literal: &Literal) -> Result<Bound, SoqlError> {
        let text = |s: String| Ok(Bound::Value(Comparable::Text(Cow::Owned(s))));
        match (typed.kind, &literal.value) {
            (_, LiteralValue::Null) => Ok(Bound::Null),
            (ValueKind::Text, LiteralValue::Str { value, .. }) => text(value.clone()),
            (ValueKind::Id, LiteralValue::Str { value, .. }) => match ids::canonical(value) {
                Some(id) => text(id),
                None => Err(self.source.error(
                    INVALID_QUERY_FILTER_OPERATOR,
                    literal.at,
                    format!("invalid ID field: {value}"),
                )),
            },
            (ValueKind::Number, LiteralValue::Number(n)) => {
                Ok(Bound::Value(Comparable::Number(*n)))
            }
            (ValueKind::Bool, LiteralValue::Bool(b)) => Ok(Bound::Value(Comparable::Bool(*b))),
            (ValueKind::Date, LiteralValue::Date(day)) => text(format_date(*day)),
            (ValueKind::DateTime, LiteralValue::DateTime(at)) => text(format_datetime(*at)),
            (ValueKind::Date | ValueKind::DateTime, LiteralValue::Relative(relative)) => {
                let (start, end) = relative.bounds(self.today).ok_or_else(|| {
                    self.source.error(
                        NUMBER_OUTSIDE_VALID_RANGE,
                        literal.at,
                        "date literal out of range",
                    )
                })?;
                let edge = |day: NaiveDate| {
                    let text = if typed.kind == ValueKind::Date {
                        format_date(day)
                    } else {
                        format_datetime(day.and_time(NaiveTime::MIN).and_utc())
                    };
                    Comparable::Text(Cow::Owned(text))
                };
                Ok(Bound::Range(edge(start), edge(end)))
            }
            _ => Err(self.type_error(typed)),
        }
    }
}
