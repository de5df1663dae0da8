//! Aggregate queries: GROUP BY (fields, parent paths, date functions), the aggregate functions,
//! HAVING, ORDER BY over groups, and the AggregateResult rows they produce.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::ast::{AggregateFunction, Expr, Ident, Query, SelectItem};
use super::dates::DateFunction;
use super::filter::{Filter, Operand, Row, Selection, Typed};
use super::path::{FieldPath, Reader};
use super::plan::{OrderKey, Page, Planner, date_function_kind};
use super::value::{SortOrder, ValueKind, group_key};
use super::{QueryOutput, SoqlError};
use crate::demo_org::schema::{FieldDef, FieldType, ObjectDef};
use crate::demo_org::store::Record;

/// A GROUP BY expression.
#[derive(Debug)]
struct Grouping<'s> {
    operand: Operand<'s>,
    order: SortOrder<'s>,
    field: Option<&'s FieldDef>,
    /// The expression with canonical names, to match SELECT, HAVING and ORDER BY against it.
    text: String,
    /// The key of its column when selected without an alias: the field name (`Name` for
    /// `Account.Name`). Date functions have none: they are named `exprN`.
    key: Option<String>,
}

/// An aggregate function over a field (or over rows, for `COUNT()`).
#[derive(Debug)]
struct Measure<'s> {
    function: AggregateFunction,
    arg: Option<FieldPath<'s>>,
    /// How the argument's values compare: MIN and MAX rank picklists by their definition
    /// order, COUNT_DISTINCT tells values apart by it.
    order: SortOrder<'s>,
    text: String,
}

impl Measure<'_> {
    fn kind(&self) -> ValueKind {
        match self.function {
            AggregateFunction::Min | AggregateFunction::Max => self.order.kind,
            _ => ValueKind::Number,
        }
    }
}

/// A grouped query. Each result row holds the group values, then the aggregate values; HAVING
/// and ORDER BY read them by position ("slot").
#[derive(Debug)]
pub struct AggregatePlan<'s> {
    selection: Selection<'s>,
    groups: Vec<Grouping<'s>>,
    measures: Vec<Measure<'s>>,
    /// Output key and slot of each SELECT item, in order.
    columns: Vec<(String, usize)>,
    having: Option<Filter<'s>>,
    order: Vec<OrderKey<'s>>,
    page: Page,
    /// `SELECT COUNT() … GROUP BY …`: only the number of groups.
    count_only: bool,
}

/// Collects the groups and aggregates a query mentions, handing out their slots.
struct Builder<'p, 's, 'q> {
    planner: &'p Planner<'s, 'q>,
    object: &'s ObjectDef,
    groups: Vec<Grouping<'s>>,
    measures: Vec<Measure<'s>>,
}

impl<'s> Builder<'_, 's, '_> {
    fn group(&mut self, expr: &Expr) -> Result<(), SoqlError> {
        let planner = self.planner;
        let grouping = match expr {
            Expr::Path(ident) => {
                let path = planner.path(self.object, ident)?;
                let field = path.def();
                if let Some(field) = field.filter(|f| !f.groupable) {
                    return Err(planner.source.error(
                        planner.malformed,
                        ident.at,
                        format!("field '{}' can not be grouped in a query call", field.name),
                    ));
                }
                Grouping {
                    order: field.map_or(SortOrder::plain(path.kind()), SortOrder::of),
                    field,
                    text: path.text.clone(),
                    key: Some(path.leaf_name().to_owned()),
                    operand: Operand::Path(path),
                }
            }
            Expr::Date { function, arg, .. } => {
                let path = planner.date_argument(self.object, *function, arg)?;
                Grouping {
                    order: SortOrder::plain(date_function_kind(*function)),
                    field: None,
                    text: date_text(*function, &path),
                    key: None,
                    operand: Operand::Date(*function, path),
                }
            }
            Expr::Aggregate { function, at, .. } => {
                return Err(planner.source.error(
                    planner.malformed,
                    *at,
                    format!("Cannot group by an aggregate function: {}", function.name()),
                ));
            }
        };
        self.groups.push(grouping);
        Ok(())
    }

    /// The slot of a grouped expression, or the error Salesforce gives for an ungrouped one.
    fn grouped(&self, expr: &Expr, complaint: &str) -> Result<usize, SoqlError> {
        let planner = self.planner;
        let (text, written) = match expr {
            Expr::Path(ident) => (planner.path(self.object, ident)?.text, ident.name.clone()),
            Expr::Date { function, arg, .. } => {
                let path = planner.date_argument(self.object, *function, arg)?;
                (
                    date_text(*function, &path),
                    format!("{}({})", function.name(), arg.name),
                )
            }
            // Callers resolve aggregates as measures; one here is never a group.
            Expr::Aggregate { function, .. } => (String::new(), function.name().to_owned()),
        };
        self.groups
            .iter()
            .position(|g| g.text.eq_ignore_ascii_case(&text))
            .ok_or_else(|| {
                planner.source.error(
                    planner.malformed,
                    expr.at(),
                    format!("{complaint}: {written}"),
                )
            })
    }

    /// The slot of an aggregate, added on first use.
    fn measure(
        &mut self,
        function: AggregateFunction,
        arg: Option<&Ident>,
    ) -> Result<usize, SoqlError> {
        let planner = self.planner;
        let path = arg.map(|a| planner.path(self.object, a)).transpose()?;
        let text = format!(
            "{}({})",
            function.name(),
            path.as_ref().map_or("", |p| p.text.as_str())
        );
        let slot = |i: usize| self.groups.len() + i;
        if let Some(i) = self.measures.iter().position(|m| m.text == text) {
            return Ok(slot(i));
        }
        let field = path.as_ref().and_then(FieldPath::def);
        let field_type = field.map(|f| f.field_type);
        let supported = match function {
            AggregateFunction::Count | AggregateFunction::CountDistinct => !matches!(
                field_type,
                Some(FieldType::TextArea | FieldType::Boolean | FieldType::MultiPicklist)
            ),
            AggregateFunction::Sum | AggregateFunction::Avg => {
                field_type.is_some_and(FieldType::is_numeric)
            }
            AggregateFunction::Min | AggregateFunction::Max => !matches!(
                field_type,
                Some(FieldType::TextArea | FieldType::Boolean | FieldType::MultiPicklist)
            ),
        };
        if let (false, Some(arg), Some(path)) = (supported, arg, &path) {
            return Err(planner.source.error(
                planner.malformed,
                arg.at,
                format!(
                    "field {} does not support aggregate operator {}",
                    path.leaf_name(),
                    function.name()
                ),
            ));
        }
        let arg_kind = path.as_ref().map_or(ValueKind::Text, FieldPath::kind);
        let order = match (function, field) {
            (AggregateFunction::Min | AggregateFunction::Max, Some(field)) => SortOrder::of(field),
            (AggregateFunction::Sum | AggregateFunction::Avg, _) => {
                SortOrder::plain(ValueKind::Number)
            }
            _ => SortOrder::plain(arg_kind),
        };
        self.measures.push(Measure {
            function,
            arg: path,
            order,
            text,
        });
        Ok(slot(self.measures.len() - 1))
    }

    /// An operand of HAVING or ORDER BY: an aggregate, or a grouped expression.
    fn operand(&mut self, expr: &Expr, complaint: &str) -> Result<Typed<'s>, SoqlError> {
        let slot = match expr {
            Expr::Aggregate { function, arg, .. } => self.measure(*function, arg.as_ref())?,
            _ => self.grouped(expr, complaint)?,
        };
        Ok(self.typed(slot, expr))
    }

    fn typed(&self, slot: usize, expr: &Expr) -> Typed<'s> {
        let (kind, field, name) = match self.groups.get(slot) {
            Some(group) => (group.order.kind, group.field, group.text.clone()),
            None => {
                let measure = self.measures.get(slot - self.groups.len());
                (
                    measure.map_or(ValueKind::Number, Measure::kind),
                    None,
                    measure.map(|m| m.text.clone()).unwrap_or_default(),
                )
            }
        };
        Typed {
            operand: Operand::Slot(slot),
            kind,
            field,
            name,
            at: expr.at(),
        }
    }

    fn order_key(&self, slot: usize, descending: bool, nulls_first: bool) -> OrderKey<'s> {
        let order = match self.groups.get(slot) {
            Some(group) => group.order,
            None => SortOrder::plain(
                self.measures
                    .get(slot - self.groups.len())
                    .map_or(ValueKind::Number, Measure::kind),
            ),
        };
        OrderKey {
            operand: Operand::Slot(slot),
            order,
            descending,
            nulls_first,
        }
    }
}

fn date_text(function: DateFunction, path: &FieldPath<'_>) -> String {
    format!("{}({})", function.name(), path.text)
}

const UNGROUPED: &str = "Field must be grouped or aggregated";
const UNGROUPED_ORDER: &str = "Ordered field must be grouped or aggregated";

impl<'s> Planner<'s, '_> {
    pub fn aggregate(
        &self,
        object: &'s ObjectDef,
        query: &Query,
    ) -> Result<AggregatePlan<'s>, SoqlError> {
        let selection = self.selection(object, query)?;
        let mut builder = Builder {
            planner: self,
            object,
            groups: Vec::new(),
            measures: Vec::new(),
        };
        for expr in &query.group_by {
            builder.group(expr)?;
        }
        let mut columns: Vec<(String, usize)> = Vec::new();
        let mut unnamed = 0;
        let mut count_only = false;
        for item in &query.select {
            let (expr, alias) = match item {
                SelectItem::Expr { expr, alias } => (expr, alias),
                SelectItem::SubQuery { at, .. } => {
                    return Err(self.source.error(
                        self.malformed,
                        *at,
                        "Nested queries are not supported in aggregate queries",
                    ));
                }
            };
            let (slot, field_key) = match expr {
                Expr::Aggregate { arg: None, .. } => {
                    count_only = true;
                    continue;
                }
                Expr::Aggregate { function, arg, .. } => {
                    (builder.measure(*function, arg.as_ref())?, None)
                }
                Expr::Path(_) => {
                    let slot = builder.grouped(expr, UNGROUPED)?;
                    let key = builder.groups.get(slot).and_then(|g| g.key.clone());
                    (slot, key)
                }
                Expr::Date { .. } => (builder.grouped(expr, UNGROUPED)?, None),
            };
            let key = match (alias, field_key) {
                (Some(alias), _) => alias.name.clone(),
                (None, Some(key)) => key,
                (None, None) => {
                    unnamed += 1;
                    format!("expr{}", unnamed - 1)
                }
            };
            if columns.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key)) {
                let at = alias.as_ref().map_or(expr.at(), |a| a.at);
                return Err(self.source.error(
                    self.malformed,
                    at,
                    format!("duplicate alias: {key}"),
                ));
            }
            columns.push((key, slot));
        }
        let having = match &query.having {
            Some(condition) => Some(self.condition(condition, &mut |expr: &Expr| {
                builder.operand(expr, UNGROUPED)
            })?),
            None => None,
        };
        let mut order = Vec::new();
        for item in &query.order_by {
            let alias_slot = match &item.expr {
                Expr::Path(ident) => columns
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(&ident.name))
                    .map(|(_, slot)| *slot),
                _ => None,
            };
            let slot = match alias_slot {
                Some(slot) => slot,
                None => match builder.operand(&item.expr, UNGROUPED_ORDER)?.operand {
                    Operand::Slot(slot) => slot,
                    _ => continue,
                },
            };
            order.push(builder.order_key(slot, item.descending, item.nulls_first()));
        }
        if order.is_empty() {
            // Without ORDER BY, groups come sorted by their values.
            order = (0..builder.groups.len())
                .map(|slot| builder.order_key(slot, false, true))
                .collect();
        }
        Ok(AggregatePlan {
            selection,
            groups: builder.groups,
            measures: builder.measures,
            columns,
            having,
            order,
            page: self.page(query)?,
            count_only,
        })
    }
}

/// The running value of one aggregate within one group.
enum Accumulator {
    Count(u64),
    Distinct(HashSet<String>),
    Sum {
        total: f64,
        integral: bool,
        seen: bool,
    },
    Avg {
        total: f64,
        count: u64,
    },
    Extreme {
        best: Option<Value>,
        keep_greater: bool,
    },
}

impl Accumulator {
    fn new(measure: &Measure<'_>) -> Self {
        match measure.function {
            AggregateFunction::Count => Accumulator::Count(0),
            AggregateFunction::CountDistinct => Accumulator::Distinct(HashSet::new()),
            AggregateFunction::Sum => Accumulator::Sum {
                total: 0.0,
                integral: true,
                seen: false,
            },
            AggregateFunction::Avg => Accumulator::Avg {
                total: 0.0,
                count: 0,
            },
            AggregateFunction::Min => Accumulator::Extreme {
                best: None,
                keep_greater: false,
            },
            AggregateFunction::Max => Accumulator::Extreme {
                best: None,
                keep_greater: true,
            },
        }
    }

    /// Adds one record's value; `None` stands for `COUNT()`, which counts rows.
    fn add(&mut self, measure: &Measure<'_>, value: Option<&Value>) {
        if value.is_some_and(Value::is_null) {
            return;
        }
        match self {
            Accumulator::Count(n) => *n += 1,
            Accumulator::Distinct(seen) => {
                if let Some(key) = value.and_then(|v| group_key(measure.order.kind, v)) {
                    seen.insert(key);
                }
            }
            Accumulator::Sum {
                total,
                integral,
                seen,
            } => {
                if let Some(n) = value.and_then(Value::as_f64) {
                    *total += n;
                    *integral &= value.is_some_and(|v| v.is_i64() || v.is_u64());
                    *seen = true;
                }
            }
            Accumulator::Avg { total, count } => {
                if let Some(n) = value.and_then(Value::as_f64) {
                    *total += n;
                    *count += 1;
                }
            }
            Accumulator::Extreme { best, keep_greater } => {
                let Some(value) = value else { return };
                let Some(candidate) = measure.order.key(value) else {
                    return;
                };
                let better = match best.as_ref().and_then(|b| measure.order.key(b)) {
                    None => true,
                    Some(current) => {
                        let ordering = measure.order.compare(&candidate, &current);
                        if *keep_greater {
                            ordering.is_gt()
                        } else {
                            ordering.is_lt()
                        }
                    }
                };
                if better {
                    *best = Some(value.clone());
                }
            }
        }
    }

    fn finish(self) -> Value {
        match self {
            Accumulator::Count(n) => json!(n),
            Accumulator::Distinct(seen) => json!(seen.len()),
            Accumulator::Sum { seen: false, .. } => Value::Null,
            Accumulator::Sum {
                total,
                integral: true,
                ..
            } if total.abs() < 9.0e15 => json!(total as i64),
            Accumulator::Sum { total, .. } => Value::from(total),
            Accumulator::Avg { count: 0, .. } => Value::Null,
            Accumulator::Avg { total, count } => Value::from(total / count as f64),
            Accumulator::Extreme { best, .. } => best.unwrap_or(Value::Null),
        }
    }
}

impl AggregatePlan<'_> {
    pub fn run(&self, reader: &Reader<'_>) -> QueryOutput {
        let rows = self.group_rows(reader);
        let mut rows: Vec<Vec<Value>> = match &self.having {
            Some(having) => rows
                .into_iter()
                .filter(|row| having.matches(reader, Row::Group(row)))
                .collect(),
            None => rows,
        };
        rows.sort_by(|a, b| {
            self.order
                .iter()
                .map(|key| key.compare_rows(reader, Row::Group(a), Row::Group(b)))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let rows = self.page.apply(rows);
        if self.count_only {
            return QueryOutput {
                total_size: rows.len(),
                records: Vec::new(),
            };
        }
        let records: Vec<Value> = rows.iter().map(|row| self.render(row)).collect();
        QueryOutput {
            total_size: records.len(),
            records,
        }
    }

    /// One row per group: its group values, then its aggregate values. An ungrouped aggregate
    /// query has exactly one row, even over no records.
    fn group_rows(&self, reader: &Reader<'_>) -> Vec<Vec<Value>> {
        let mut index: HashMap<Vec<Option<String>>, usize> = HashMap::new();
        let mut groups: Vec<(Vec<Value>, Vec<Accumulator>)> = Vec::new();
        for record in reader.scan(self.selection.object) {
            if !self.selection.accepts(reader, record) {
                continue;
            }
            let values: Vec<Value> = self
                .groups
                .iter()
                .map(|g| g.operand.value(reader, Row::Record(record)).into_owned())
                .collect();
            let key: Vec<Option<String>> = values
                .iter()
                .zip(&self.groups)
                .map(|(value, group)| group_key(group.order.kind, value))
                .collect();
            let slot = *index.entry(key).or_insert_with(|| {
                groups.push((values, self.accumulators()));
                groups.len() - 1
            });
            if let Some((_, accumulators)) = groups.get_mut(slot) {
                self.accumulate(reader, record, accumulators);
            }
        }
        if self.groups.is_empty() && groups.is_empty() {
            groups.push((Vec::new(), self.accumulators()));
        }
        groups
            .into_iter()
            .map(|(mut values, accumulators)| {
                values.extend(accumulators.into_iter().map(Accumulator::finish));
                values
            })
            .collect()
    }

    fn accumulators(&self) -> Vec<Accumulator> {
        self.measures.iter().map(Accumulator::new).collect()
    }

    fn accumulate<'r>(
        &self,
        reader: &Reader<'r>,
        record: &'r Record,
        accumulators: &mut [Accumulator],
    ) {
        for (accumulator, measure) in accumulators.iter_mut().zip(&self.measures) {
            match &measure.arg {
                Some(path) => accumulator.add(measure, Some(&path.read(reader, record))),
                None => accumulator.add(measure, None),
            }
        }
    }

    fn render(&self, row: &[Value]) -> Value {
        let mut map = Map::with_capacity(self.columns.len() + 1);
        map.insert("attributes".to_owned(), json!({"type": "AggregateResult"}));
        for (key, slot) in &self.columns {
            map.insert(key.clone(), row.get(*slot).cloned().unwrap_or(Value::Null));
        }
        Value::Object(map)
    }
}
