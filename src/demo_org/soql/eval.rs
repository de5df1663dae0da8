//! Runs a plan over the store: select, sort, page, fetch child rows, and shape the records.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::QueryOutput;
use super::filter::Row;
use super::path::Reader;
use super::plan::{ChildPlan, OrderKey, Plan, RecordsPlan};
use super::shape::child_result;
use super::value::{canonical_id, order_with_nulls};
use crate::demo_org::store::Record;

pub fn run(plan: &Plan<'_>, reader: &Reader<'_>, sobjects_base: &str) -> QueryOutput {
    match plan {
        Plan::Count { selection, page } => {
            let matching = selection.rows(reader).len();
            let after_offset = matching.saturating_sub(page.offset);
            QueryOutput {
                total_size: page.limit.map_or(after_offset, |l| after_offset.min(l)),
                records: Vec::new(),
            }
        }
        Plan::Records(plan) => {
            let records = records(plan, reader, sobjects_base);
            QueryOutput {
                total_size: records.len(),
                records,
            }
        }
        Plan::Aggregate(plan) => plan.run(reader),
    }
}

/// The records of a records plan, in wire form.
pub fn records(plan: &RecordsPlan<'_>, reader: &Reader<'_>, sobjects_base: &str) -> Vec<Value> {
    let rows = plan.selection.rows(reader);
    let rows = plan.page.apply(sort(rows, &plan.order, reader));
    render(plan, &rows, reader, sobjects_base)
}

/// Shapes `rows`, with the child subqueries of the plan answered for all of them at once.
pub fn render<'r>(
    plan: &RecordsPlan<'_>,
    rows: &[&'r Record],
    reader: &Reader<'r>,
    sobjects_base: &str,
) -> Vec<Value> {
    let mut children: Vec<HashMap<&'r str, Value>> = plan
        .children
        .iter()
        .map(|child| child_results(child, rows, reader, sobjects_base))
        .collect();
    let mut child_value = |index: usize, record: &'r Record| {
        children
            .get_mut(index)
            .and_then(|results| results.remove(record.id.as_str()))
            .unwrap_or(Value::Null)
    };
    rows.iter()
        .map(|record| {
            plan.shape
                .render(reader, sobjects_base, record, &mut child_value)
        })
        .collect()
}

/// The QueryResult of a child subquery for each parent that has child rows. The child table is
/// read once and grouped by parent, whatever the number of parents.
fn child_results<'r>(
    child: &ChildPlan<'_>,
    parents: &[&'r Record],
    reader: &Reader<'r>,
    sobjects_base: &str,
) -> HashMap<&'r str, Value> {
    let wanted: HashSet<&'r str> = parents.iter().map(|p| p.id.as_str()).collect();
    let mut grouped: HashMap<&'r str, Vec<&'r Record>> = HashMap::new();
    for record in reader.scan(child.plan.selection.object) {
        let Some(link) = record.get(&child.link.name).as_str() else {
            continue;
        };
        let Some(parent) = wanted.get(canonical_id(link).as_ref()) else {
            continue;
        };
        if child.plan.selection.accepts(reader, record) {
            grouped.entry(parent).or_default().push(record);
        }
    }
    grouped
        .into_iter()
        .map(|(parent, rows)| {
            let rows = child.plan.page.apply(sort(rows, &child.plan.order, reader));
            let records = render(&child.plan, &rows, reader, sobjects_base);
            (parent, child_result(records))
        })
        .collect()
}

/// Sorts records by ORDER BY keys; ties keep the store's (id) order.
pub fn sort<'r>(
    rows: Vec<&'r Record>,
    keys: &[OrderKey<'_>],
    reader: &Reader<'r>,
) -> Vec<&'r Record> {
    if keys.is_empty() {
        return rows;
    }
    let mut keyed: Vec<(&'r Record, Vec<Cow<'r, Value>>)> = rows
        .into_iter()
        .map(|record| {
            let values = keys
                .iter()
                .map(|key| key.operand.value(reader, Row::Record(record)))
                .collect();
            (record, values)
        })
        .collect();
    keyed.sort_by(|(_, a), (_, b)| {
        keys.iter()
            .zip(a.iter().zip(b))
            .map(|(key, (a, b))| key.compare_values(a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    keyed.into_iter().map(|(record, _)| record).collect()
}

impl OrderKey<'_> {
    /// Orders two values of this key: direction, then NULLS FIRST/LAST.
    pub fn compare_values(&self, a: &Value, b: &Value) -> Ordering {
        order_with_nulls(
            &self.order,
            self.order.key(a).as_ref(),
            self.order.key(b).as_ref(),
            self.descending,
            self.nulls_first,
        )
    }

    pub fn compare_rows<'r>(&self, reader: &Reader<'r>, a: Row<'r>, b: Row<'r>) -> Ordering {
        self.compare_values(
            &self.operand.value(reader, a),
            &self.operand.value(reader, b),
        )
    }
}
