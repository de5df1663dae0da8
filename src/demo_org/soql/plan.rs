//! From syntax tree to plan: names resolved against the schema, literals typed, and the checks
//! Salesforce makes before it runs a query (unknown objects and fields, filterable and sortable
//! fields, duplicates, offsets).

use chrono::NaiveDate;

use super::SoqlError;
use super::aggregate::AggregatePlan;
use super::ast::{Count, Expr, Ident, OrderItem, Query, SelectItem};
use super::dates::DateFunction;
use super::error::{
    INVALID_FIELD, INVALID_TYPE, NUMBER_OUTSIDE_VALID_RANGE, Source, no_such_column,
    unknown_child_relationship, unknown_relationship_in_path, unsupported_sobject,
};
use super::filter::{IdQuery, Operand, Selection, Typed};
use super::path::{FieldPath, PathError, resolve};
use super::shape::Shape;
use super::value::{SortOrder, ValueKind};
use crate::demo_org::schema::{FieldDef, FieldType, ObjectDef, Schema};

/// The largest OFFSET Salesforce accepts.
const MAX_OFFSET: u64 = 2000;

/// A query ready to run.
#[derive(Debug)]
pub enum Plan<'s> {
    Records(RecordsPlan<'s>),
    /// `SELECT COUNT() FROM …`: only a total.
    Count {
        selection: Selection<'s>,
        page: Page,
    },
    Aggregate(AggregatePlan<'s>),
}

/// A query that returns records (the outer query, a child subquery or a SOSL RETURNING item).
#[derive(Debug)]
pub struct RecordsPlan<'s> {
    pub selection: Selection<'s>,
    pub order: Vec<OrderKey<'s>>,
    pub page: Page,
    pub shape: Shape<'s>,
    pub children: Vec<ChildPlan<'s>>,
}

/// A child relationship subquery: the child records whose `link` points at the parent row.
#[derive(Debug)]
pub struct ChildPlan<'s> {
    pub link: &'s FieldDef,
    pub plan: RecordsPlan<'s>,
}

#[derive(Clone, Debug)]
pub struct OrderKey<'s> {
    pub operand: Operand<'s>,
    pub order: SortOrder<'s>,
    pub descending: bool,
    pub nulls_first: bool,
}

/// OFFSET and LIMIT.
#[derive(Clone, Copy, Debug, Default)]
pub struct Page {
    pub offset: usize,
    pub limit: Option<usize>,
}

impl Page {
    pub fn apply<T>(&self, rows: Vec<T>) -> Vec<T> {
        rows.into_iter()
            .skip(self.offset)
            .take(self.limit.unwrap_or(usize::MAX))
            .collect()
    }
}

/// Checks a syntax tree against the schema and compiles it into a plan.
pub struct Planner<'s, 'q> {
    pub schema: &'s Schema,
    pub source: &'q Source<'q>,
    /// For date literals such as `TODAY` (UTC).
    pub today: NaiveDate,
    /// Tooling API queries see only tooling objects; data queries only data objects.
    pub tooling: bool,
    /// The code of syntax errors: MALFORMED_QUERY, or MALFORMED_SEARCH inside SOSL.
    pub malformed: &'static str,
}

fn is_count_star(item: &SelectItem) -> bool {
    matches!(
        item,
        SelectItem::Expr {
            expr: Expr::Aggregate { arg: None, .. },
            ..
        }
    )
}

fn is_aggregate(query: &Query) -> bool {
    let selects_aggregate = query.select.iter().any(|item| {
        matches!(
            item,
            SelectItem::Expr {
                expr: Expr::Aggregate { .. },
                ..
            }
        )
    });
    let orders_by_aggregate = query
        .order_by
        .iter()
        .any(|item| matches!(item.expr, Expr::Aggregate { .. }));
    selects_aggregate || orders_by_aggregate || !query.group_by.is_empty() || query.having.is_some()
}

impl<'s> Planner<'s, '_> {
    pub fn plan(&self, query: &Query) -> Result<Plan<'s>, SoqlError> {
        let object = self.object(&query.from)?;
        if let Some(count) = query.select.iter().find(|item| is_count_star(item)) {
            if query.select.len() > 1 {
                let at = match count {
                    SelectItem::Expr { expr, .. } => expr.at(),
                    SelectItem::SubQuery { at, .. } => *at,
                };
                return Err(self.source.error(
                    self.malformed,
                    at,
                    "COUNT() may not be used with other fields in the SELECT list",
                ));
            }
            if query.group_by.is_empty() {
                return Ok(Plan::Count {
                    selection: self.selection(object, query)?,
                    page: self.page(query)?,
                });
            }
        }
        if is_aggregate(query) {
            return Ok(Plan::Aggregate(self.aggregate(object, query)?));
        }
        Ok(Plan::Records(self.records(object, query, false)?))
    }

    /// The object named in FROM, if this API can see it.
    pub fn object(&self, from: &Ident) -> Result<&'s ObjectDef, SoqlError> {
        match self.schema.object(&from.name) {
            Some(object) if object.tooling == self.tooling && object.queryable => Ok(object),
            _ => Err(self
                .source
                .error(INVALID_TYPE, from.at, unsupported_sobject(&from.name))),
        }
    }

    pub fn path(&self, object: &'s ObjectDef, ident: &Ident) -> Result<FieldPath<'s>, SoqlError> {
        resolve(self.schema, object, &ident.name).map_err(|error| {
            let message = match error {
                PathError::NoSuchColumn { field, entity } => no_such_column(&field, &entity),
                PathError::UnknownRelationship(name) => unknown_relationship_in_path(&name),
            };
            self.source.error(INVALID_FIELD, ident.at, message)
        })
    }

    /// FROM and WHERE.
    pub fn selection(
        &self,
        object: &'s ObjectDef,
        query: &Query,
    ) -> Result<Selection<'s>, SoqlError> {
        let filter = match &query.filter {
            Some(condition) => Some(self.condition(condition, &mut |expr: &Expr| {
                self.record_operand(object, expr)
            })?),
            None => None,
        };
        Ok(Selection { object, filter })
    }

    /// A field or a date function of a field, as WHERE and ORDER BY read it from a record.
    pub fn record_operand(
        &self,
        object: &'s ObjectDef,
        expr: &Expr,
    ) -> Result<Typed<'s>, SoqlError> {
        match expr {
            Expr::Path(ident) => {
                let path = self.path(object, ident)?;
                Ok(Typed {
                    kind: path.kind(),
                    field: path.def(),
                    name: path.leaf_name().to_owned(),
                    at: ident.at,
                    operand: Operand::Path(path),
                })
            }
            Expr::Date { function, arg, at } => {
                let path = self.date_argument(object, *function, arg)?;
                Ok(Typed {
                    kind: date_function_kind(*function),
                    field: None,
                    name: format!("{}({})", function.name(), path.text),
                    at: *at,
                    operand: Operand::Date(*function, path),
                })
            }
            Expr::Aggregate { function, at, .. } => Err(self.source.error(
                self.malformed,
                *at,
                format!(
                    "Aggregate functions such as {} are only allowed in the SELECT list, HAVING and ORDER BY",
                    function.name()
                ),
            )),
        }
    }

    /// The field a date function applies to: a date, or a datetime for `DAY_ONLY` and
    /// `HOUR_IN_DAY`.
    pub fn date_argument(
        &self,
        object: &'s ObjectDef,
        function: DateFunction,
        arg: &Ident,
    ) -> Result<FieldPath<'s>, SoqlError> {
        let path = self.path(object, arg)?;
        let field_type = path.def().map(|f| f.field_type);
        let fits = match field_type {
            Some(FieldType::DateTime) => true,
            Some(FieldType::Date) => !function.needs_time(),
            _ => false,
        };
        if !fits {
            let type_name = field_type.map_or("string", FieldType::wire_name);
            return Err(self.source.error(
                INVALID_FIELD,
                arg.at,
                format!(
                    "{} can not be applied to field '{}' of type {type_name}",
                    function.name(),
                    path.leaf_name()
                ),
            ));
        }
        Ok(path)
    }

    /// A query that returns records; `nested` for child subqueries, which cannot nest further.
    pub fn records(
        &self,
        object: &'s ObjectDef,
        query: &Query,
        nested: bool,
    ) -> Result<RecordsPlan<'s>, SoqlError> {
        let mut shape = Shape::default();
        let mut children = Vec::new();
        for item in &query.select {
            match item {
                SelectItem::Expr { expr, alias } => {
                    if let Some(alias) = alias {
                        return Err(self.source.unexpected_at(self.malformed, alias.at));
                    }
                    let ident = match expr {
                        Expr::Path(ident) => ident,
                        Expr::Date { function, arg, at } => {
                            return Err(self.source.error(
                                self.malformed,
                                *at,
                                format!(
                                    "Field must be grouped or aggregated: {}({})",
                                    function.name(),
                                    arg.name
                                ),
                            ));
                        }
                        Expr::Aggregate { at, .. } => {
                            return Err(self.source.error(
                                self.malformed,
                                *at,
                                "Nested queries do not support aggregate functions",
                            ));
                        }
                    };
                    let path = self.path(object, ident)?;
                    shape
                        .add_path(&path)
                        .map_err(|_| self.duplicate(ident.at, &path.text))?;
                }
                SelectItem::SubQuery { query: sub, at } => {
                    if nested {
                        return Err(self.source.error(
                            self.malformed,
                            *at,
                            "SOQL statements cannot query aggregate relationships more than 1 level away from the root entity object.",
                        ));
                    }
                    let (key, child) = self.child(object, sub)?;
                    shape
                        .add_children(key, children.len())
                        .map_err(|_| self.duplicate(sub.from.at, key))?;
                    children.push(child);
                }
            }
        }
        Ok(RecordsPlan {
            selection: self.selection(object, query)?,
            order: self.order_keys(object, &query.order_by)?,
            page: self.page(query)?,
            shape,
            children,
        })
    }

    fn duplicate(&self, at: usize, name: &str) -> SoqlError {
        self.source.error(
            self.malformed,
            at,
            format!("duplicate field selected: {name}"),
        )
    }

    /// `(SELECT … FROM CaseComments …)` on `parent`: the relationship name and the plan.
    fn child(
        &self,
        parent: &'s ObjectDef,
        query: &Query,
    ) -> Result<(&'s str, ChildPlan<'s>), SoqlError> {
        let unknown = || {
            self.source.error(
                INVALID_TYPE,
                query.from.at,
                unknown_child_relationship(&query.from.name),
            )
        };
        let relationship = parent
            .child_relationship(&query.from.name)
            .ok_or_else(unknown)?;
        let object = self
            .schema
            .object(&relationship.child_sobject)
            .ok_or_else(unknown)?;
        let link = object.field(&relationship.field).ok_or_else(unknown)?;
        if is_aggregate(query) {
            return Err(self.source.error(
                self.malformed,
                query.from.at,
                "Nested queries do not support aggregate functions",
            ));
        }
        let plan = self.records(object, query, true)?;
        Ok((
            relationship.relationship_name.as_str(),
            ChildPlan { link, plan },
        ))
    }

    /// A semi-join subquery: `(SELECT ParentId FROM CaseComment WHERE …)`.
    pub fn id_query(&self, query: &Query) -> Result<IdQuery<'s>, SoqlError> {
        let object = self.object(&query.from)?;
        let ident = match query.select.as_slice() {
            [
                SelectItem::Expr {
                    expr: Expr::Path(ident),
                    alias: None,
                },
            ] => ident,
            _ => {
                return Err(self.source.error(
                    self.malformed,
                    query.from.at,
                    "A semi join subquery must select exactly one id field",
                ));
            }
        };
        let path = self.path(object, ident)?;
        if path.kind() != ValueKind::Id {
            return Err(self.source.error(
                INVALID_FIELD,
                ident.at,
                format!(
                    "The selected field '{}' in the subquery must be an id field",
                    path.leaf_name()
                ),
            ));
        }
        Ok(IdQuery::new(self.selection(object, query)?, path))
    }

    fn order_keys(
        &self,
        object: &'s ObjectDef,
        items: &[OrderItem],
    ) -> Result<Vec<OrderKey<'s>>, SoqlError> {
        items
            .iter()
            .map(|item| {
                let typed = self.record_operand(object, &item.expr)?;
                if let Some(field) = typed.field.filter(|f| !f.sortable) {
                    return Err(self.source.error(
                        INVALID_FIELD,
                        typed.at,
                        format!("field '{}' can not be sorted in a query call", field.name),
                    ));
                }
                let order = match (&typed.operand, typed.field) {
                    (Operand::Path(_), Some(field)) => SortOrder::of(field),
                    _ => SortOrder::plain(typed.kind),
                };
                Ok(OrderKey {
                    operand: typed.operand,
                    order,
                    descending: item.descending,
                    nulls_first: item.nulls_first(),
                })
            })
            .collect()
    }

    pub fn page(&self, query: &Query) -> Result<Page, SoqlError> {
        if let Some(offset) = query.offset.filter(|o| o.value > MAX_OFFSET) {
            return Err(self.source.error(
                NUMBER_OUTSIDE_VALID_RANGE,
                offset.at,
                format!("Maximum SOQL offset allowed is {MAX_OFFSET}"),
            ));
        }
        let size =
            |count: Option<Count>| count.map(|c| usize::try_from(c.value).unwrap_or(usize::MAX));
        Ok(Page {
            offset: size(query.offset).unwrap_or(0),
            limit: size(query.limit),
        })
    }
}

/// How the result of a date function compares.
pub fn date_function_kind(function: DateFunction) -> ValueKind {
    if function.yields_date() {
        ValueKind::Date
    } else {
        ValueKind::Number
    }
}
