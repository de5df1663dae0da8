//! Runs a planned report over the live records of the org: reads the columns it needs, filters
//! and orders the rows, groups them, and builds the fact map with its summaries and detail rows.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde_json::{Map, Value, json};

use super::columns::Column;
use super::dates;
use super::plan::{Aggregate, AggregateKind, Granularity, GroupLevel, Plan};
use super::values::{self, Datum, date_label, number_label, number_value};
use crate::demo_org::store::{OrgData, Record};

/// Salesforce returns at most this many detail rows from a run.
pub const MAX_DETAIL_ROWS: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    pub include_details: bool,
    /// Detail rows returned at most (the run's summaries always cover every row).
    pub row_limit: usize,
}

impl RunOptions {
    pub fn new(include_details: bool) -> Self {
        RunOptions {
            include_details,
            row_limit: MAX_DETAIL_ROWS,
        }
    }
}

/// The data of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRun {
    /// False when detail rows were left out to stay within the row limit.
    pub all_data: bool,
    pub has_detail_rows: bool,
    pub fact_map: Map<String, Value>,
    pub groupings_down: Value,
    pub groupings_across: Value,
    /// Rows that passed the filters.
    pub row_count: usize,
}

/// One record's values of the columns the plan reads.
struct Row<'a> {
    record: &'a Record,
    values: Vec<Datum>,
}

/// The filtered, ordered rows and where each column's value sits in them.
struct Table<'a> {
    rows: Vec<Row<'a>>,
    slots: HashMap<&'static str, usize>,
}

static EMPTY: Datum = Datum::Null;

impl Table<'_> {
    fn value(&self, row: usize, column: &Column) -> &Datum {
        self.rows
            .get(row)
            .map_or(&EMPTY, |r| datum(&self.slots, r, column))
    }
}

pub fn run(plan: &Plan, org: &OrgData, now: DateTime<Utc>, options: RunOptions) -> ReportRun {
    let table = read_rows(plan, org, now);
    let row_count = table.rows.len();
    let every_row: Vec<usize> = (0..row_count).collect();

    let mut down_paths = vec![Vec::new(); row_count];
    let mut across_paths = vec![Vec::new(); row_count];
    let grouping = Grouper {
        table: &table,
        sobject: plan.report_type.sobject,
        aggregates: &plan.aggregates,
        org,
    };
    let down = grouping.group(&every_row, &plan.down, "", &mut down_paths);
    let across = grouping.group(&every_row, &plan.across, "", &mut across_paths);

    let down_keys = flatten_keys(&down);
    let across_keys = flatten_keys(&across);
    let mut cells: HashMap<String, Vec<usize>> = HashMap::new();
    for row in 0..row_count {
        let downs = down_paths.get(row).into_iter().flatten();
        for d in downs.map(String::as_str).chain(["T"]) {
            let acrosses = across_paths.get(row).into_iter().flatten();
            for a in acrosses.map(String::as_str).chain(["T"]) {
                cells.entry(format!("{d}!{a}")).or_default().push(row);
            }
        }
    }

    // Detail rows sit in the innermost cells; the first `row_limit` of them, in report order.
    let leaf_keys: Vec<String> = down_keys
        .iter()
        .filter(|d| is_leaf(d, plan.down.len()))
        .flat_map(|d| {
            across_keys
                .iter()
                .filter(|a| is_leaf(a, plan.across.len()))
                .map(move |a| format!("{d}!{a}"))
        })
        .collect();
    let mut shown: HashSet<usize> = HashSet::new();
    if options.include_details {
        let in_order = leaf_keys
            .iter()
            .flat_map(|k| cells.get(k).into_iter().flatten());
        shown.extend(in_order.take(options.row_limit));
    }

    let mut fact_map = Map::new();
    for d in &down_keys {
        for a in &across_keys {
            let key = format!("{d}!{a}");
            let rows = cells.get(&key).map(Vec::as_slice).unwrap_or(&[]);
            let aggregates: Vec<Value> = plan
                .aggregates
                .iter()
                .map(|agg| aggregate_json(agg, rows, &table))
                .collect();
            let mut fact = Map::new();
            fact.insert("aggregates".into(), Value::Array(aggregates));
            if options.include_details {
                let innermost = is_leaf(d, plan.down.len()) && is_leaf(a, plan.across.len());
                let detail_rows: Vec<Value> = if innermost {
                    rows.iter()
                        .filter(|r| shown.contains(r))
                        .map(|r| detail_row(plan, &table, *r))
                        .collect()
                } else {
                    Vec::new()
                };
                fact.insert("rows".into(), Value::Array(detail_rows));
            }
            fact_map.insert(key, Value::Object(fact));
        }
    }

    ReportRun {
        all_data: !options.include_details || shown.len() == row_count,
        has_detail_rows: options.include_details,
        fact_map,
        groupings_down: json!({ "groupings": down.iter().map(GroupNode::to_json).collect::<Vec<_>>() }),
        groupings_across: json!({ "groupings": across.iter().map(GroupNode::to_json).collect::<Vec<_>>() }),
        row_count,
    }
}

/// Reads the plan's columns for every live record of the report type, keeps the rows that pass
/// the filters, and orders them by the plan's sort.
fn read_rows<'a>(plan: &Plan, org: &'a OrgData, now: DateTime<Utc>) -> Table<'a> {
    let mut columns: Vec<&'static Column> = Vec::new();
    let wanted = plan
        .detail
        .iter()
        .copied()
        .chain(plan.down.iter().chain(&plan.across).map(|l| l.column))
        .chain(plan.aggregates.iter().filter_map(|a| a.column))
        .chain(plan.conditions.iter().map(|c| c.column))
        .chain(plan.date_filter.as_ref().map(|f| f.column))
        .chain(plan.sort.iter().map(|(c, _)| *c));
    for column in wanted {
        if !columns.iter().any(|c| c.name == column.name) {
            columns.push(column);
        }
    }
    let slots: HashMap<&'static str, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name, i))
        .collect();
    let rows: Vec<Row<'a>> = org
        .records(plan.report_type.sobject)
        .map(|record| Row {
            record,
            values: columns
                .iter()
                .map(|c| values::read(c, record, org, now))
                .collect(),
        })
        .collect();
    let mut rows: Vec<Row<'a>> = rows
        .into_iter()
        .filter(|row| passes_filters(plan, &slots, row))
        .collect();
    rows.sort_by(|a, b| {
        plan.sort
            .iter()
            .map(|(column, descending)| {
                let ordering = datum(&slots, a, column).compare(datum(&slots, b, column));
                if *descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    Table { rows, slots }
}

/// A row's value of `column` (empty if the plan did not read it).
fn datum<'r>(slots: &HashMap<&'static str, usize>, row: &'r Row<'_>, column: &Column) -> &'r Datum {
    slots
        .get(column.name)
        .and_then(|s| row.values.get(*s))
        .unwrap_or(&EMPTY)
}

fn passes_filters(plan: &Plan, slots: &HashMap<&'static str, usize>, row: &Row<'_>) -> bool {
    if let Some(filter) = &plan.date_filter {
        let unbounded = filter.range.start.is_none() && filter.range.end.is_none();
        match datum(slots, row, filter.column).day() {
            Some(day) if filter.range.contains(day) => {}
            None if unbounded => {}
            _ => return false,
        }
    }
    let results: Vec<bool> = plan
        .conditions
        .iter()
        .map(|c| c.matches(datum(slots, row, c.column)))
        .collect();
    match &plan.logic {
        Some(logic) => logic.eval(&results),
        None => results.iter().all(|r| *r),
    }
}

/// One group of a grouping level and the groups of the next level inside it.
struct GroupNode {
    key: String,
    label: String,
    value: Value,
    children: Vec<GroupNode>,
}

impl GroupNode {
    fn to_json(&self) -> Value {
        json!({
            "groupings": self.children.iter().map(GroupNode::to_json).collect::<Vec<_>>(),
            "key": self.key,
            "label": self.label,
            "value": self.value,
        })
    }
}

/// The value a row is grouped under.
struct GroupValue {
    /// What groups are ordered by: the column value, or the start of a date period.
    order: Datum,
    /// Position in the picklist's value list: picklist groups follow the picklist's order.
    rank: Option<usize>,
    label: String,
    value: Value,
}

struct Grouper<'t, 'a> {
    table: &'t Table<'a>,
    /// The object the report's rows are records of.
    sobject: &'t str,
    aggregates: &'t [Aggregate],
    org: &'t OrgData,
}

impl Grouper<'_, '_> {
    /// Groups `rows` by the first of `levels`, then each group by the next level. Records each
    /// row's group key per level in `paths`.
    fn group(
        &self,
        rows: &[usize],
        levels: &[GroupLevel],
        prefix: &str,
        paths: &mut [Vec<String>],
    ) -> Vec<GroupNode> {
        let Some((level, deeper)) = levels.split_first() else {
            return Vec::new();
        };
        let picklist: Option<Vec<String>> = level
            .column
            .picklist_values(self.sobject, &self.org.schema)
            .map(|values| values.into_iter().map(|(value, _)| value).collect());
        let mut buckets: Vec<(GroupValue, Vec<usize>)> = Vec::new();
        let mut by_identity: HashMap<String, usize> = HashMap::new();
        for &row in rows {
            let value = self.group_value(level, row, picklist.as_deref());
            let identity = format!("{}|{}", value.value, value.label);
            let slot = *by_identity.entry(identity).or_insert_with(|| {
                buckets.push((value, Vec::new()));
                buckets.len() - 1
            });
            if let Some((_, members)) = buckets.get_mut(slot) {
                members.push(row);
            }
        }
        buckets.sort_by(|(a, a_rows), (b, b_rows)| {
            let by_summary = match level.sort_aggregate.and_then(|i| self.aggregates.get(i)) {
                Some(aggregate) => compare_summaries(
                    summarize(aggregate, a_rows, self.table),
                    summarize(aggregate, b_rows, self.table),
                ),
                None => Ordering::Equal,
            };
            by_summary.then_with(|| compare_group_values(a, b))
        });
        if level.descending {
            buckets.reverse();
        }
        buckets
            .into_iter()
            .enumerate()
            .map(|(index, (value, members))| {
                let key = if prefix.is_empty() {
                    index.to_string()
                } else {
                    format!("{prefix}_{index}")
                };
                for &row in &members {
                    if let Some(path) = paths.get_mut(row) {
                        path.push(key.clone());
                    }
                }
                let children = self.group(&members, deeper, &key, paths);
                GroupNode {
                    key,
                    label: value.label,
                    value: value.value,
                    children,
                }
            })
            .collect()
    }

    fn group_value(
        &self,
        level: &GroupLevel,
        row: usize,
        picklist: Option<&[String]>,
    ) -> GroupValue {
        let column = level.column;
        let datum = self.table.value(row, column);
        if column.data_type.is_temporal() {
            let granularity = level.granularity.unwrap_or(Granularity::Day);
            return match datum.day().and_then(|day| period_start(day, granularity)) {
                Some(start) => GroupValue {
                    order: Datum::Date(start),
                    rank: None,
                    label: period_label(start, granularity),
                    value: Value::String(start.format("%Y-%m-%d").to_string()),
                },
                None => empty_group(),
            };
        }
        if datum.is_null() {
            return empty_group();
        }
        let value = match (column.link, self.table.rows.get(row)) {
            (Some("Id"), Some(r)) => Value::String(r.record.id.clone()),
            (Some(id_field), Some(r)) => r.record.get(id_field).clone(),
            _ => values::wire_value(column, datum),
        };
        let rank = match (picklist, datum) {
            (Some(list), Datum::Text(text)) => list.iter().position(|v| v == text),
            _ => None,
        };
        GroupValue {
            order: datum.clone(),
            rank,
            label: values::label(column, datum),
            value,
        }
    }
}

fn empty_group() -> GroupValue {
    GroupValue {
        order: Datum::Null,
        rank: None,
        label: "-".to_owned(),
        value: Value::Null,
    }
}

fn compare_group_values(a: &GroupValue, b: &GroupValue) -> Ordering {
    match (a.order.is_null(), b.order.is_null()) {
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    match (a.rank, b.rank) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.order.compare(&b.order),
    }
}

/// Summaries compare as numbers; empty ones (an average of nothing) come last.
fn compare_summaries(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn period_start(day: NaiveDate, granularity: Granularity) -> Option<NaiveDate> {
    match granularity {
        Granularity::Day => Some(day),
        Granularity::Week => {
            day.checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_sunday())))
        }
        Granularity::Month => dates::first_of_month(day),
        Granularity::Quarter => NaiveDate::from_ymd_opt(day.year(), day.month0() / 3 * 3 + 1, 1),
        Granularity::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1),
    }
}

/// `8/12/2015`, `8/9/2015 - 8/15/2015`, `August 2015`, `Q3-2015`, `2015`.
fn period_label(start: NaiveDate, granularity: Granularity) -> String {
    match granularity {
        Granularity::Day => date_label(start),
        Granularity::Week => {
            let end = start.checked_add_days(Days::new(6)).unwrap_or(start);
            format!("{} - {}", date_label(start), date_label(end))
        }
        Granularity::Month => start.format("%B %Y").to_string(),
        Granularity::Quarter => format!("Q{}-{}", start.month0() / 3 + 1, start.year()),
        Granularity::Year => start.year().to_string(),
    }
}

/// Group keys in report order (`0`, `0_0`, `0_1`, `1`, …) and the total `T` last.
fn flatten_keys(nodes: &[GroupNode]) -> Vec<String> {
    fn walk(nodes: &[GroupNode], out: &mut Vec<String>) {
        for node in nodes {
            out.push(node.key.clone());
            walk(&node.children, out);
        }
    }
    let mut keys = Vec::new();
    walk(nodes, &mut keys);
    keys.push("T".to_owned());
    keys
}

/// True for the keys of the innermost grouping level (`T` when there are no groupings).
fn is_leaf(key: &str, levels: usize) -> bool {
    if levels == 0 {
        key == "T"
    } else {
        key != "T" && key.split('_').count() == levels
    }
}

/// The number a summary comes to over `rows` (`None` for an average, min or max of nothing).
fn summarize(aggregate: &Aggregate, rows: &[usize], table: &Table<'_>) -> Option<f64> {
    let column = aggregate.column;
    let numbers = || {
        rows.iter()
            .filter_map(move |r| column.and_then(|c| table.value(*r, c).as_number()))
    };
    // Counts of rows stay far below 2^52, so they convert to f64 exactly.
    #[allow(clippy::cast_precision_loss)]
    let count = |n: usize| n as f64;
    match aggregate.kind {
        AggregateKind::RowCount => Some(count(rows.len())),
        AggregateKind::Sum => Some(numbers().sum()),
        AggregateKind::Average => {
            let values: Vec<f64> = numbers().collect();
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / count(values.len()))
        }
        AggregateKind::Min => numbers().reduce(f64::min),
        AggregateKind::Max => numbers().reduce(f64::max),
        AggregateKind::UniqueCount => {
            let distinct: HashSet<String> = rows
                .iter()
                .filter_map(|r| column.map(|c| table.value(*r, c)))
                .filter(|d| !d.is_null())
                .map(|d| format!("{d:?}"))
                .collect();
            Some(count(distinct.len()))
        }
    }
}

fn aggregate_json(aggregate: &Aggregate, rows: &[usize], table: &Table<'_>) -> Value {
    match summarize(aggregate, rows, table) {
        Some(n) => json!({
            "label": number_label(n, aggregate.scale()),
            "value": number_value(n, aggregate.scale()),
        }),
        None => json!({ "label": "-", "value": null }),
    }
}

fn detail_row(plan: &Plan, table: &Table<'_>, row: usize) -> Value {
    let cells: Vec<Value> = match table.rows.get(row) {
        Some(r) => plan
            .detail
            .iter()
            .map(|column| values::cell(column, r.record, table.value(row, column)))
            .collect(),
        None => Vec::new(),
    };
    json!({ "dataCells": cells })
}
