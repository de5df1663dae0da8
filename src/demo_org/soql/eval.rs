//! Runs a plan over the store: select, sort, page, fetch child rows, and shape the records.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::Value;

use super::QueryOutput;
use super::filter::Row;
use super::path::Reader;
use super::plan::{ChildPlan, OrderKey, Page, Plan, RecordsPlan};
use super::shape::child_result;
use super::value::{SortValue, canonical_id, order_with_nulls};
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
    let rows = sort_page(rows, &plan.order, &plan.page, reader);
    render(plan, &rows, reader, sobjects_base)
}

/// Shapes `rows`, with the child subqueries of the plan answered for all of them at once.
pub fn render<'r>(
    plan: &RecordsPlan<'_>,
    rows: &[&'r Record],
    reader: &Reader<'r>,
    sobjects_base: &str,
) -> Vec<Value> {
    let mut children: Vec<Vec<Value>> = plan
        .children
        .iter()
        .map(|child| child_results(child, rows, reader, sobjects_base))
        .collect();
    rows.iter()
        .enumerate()
        .map(|(row, record)| {
            let mut child_value = |index: usize| {
                children
                    .get_mut(index)
                    .and_then(|results| results.get_mut(row))
                    .map(std::mem::take)
                    .unwrap_or(Value::Null)
            };
            plan.shape
                .render(reader, sobjects_base, record, &mut child_value)
        })
        .collect()
}

/// The value of a child subquery for each of `parents`, in the same order: a QueryResult, or
/// null. The child table is read once and grouped by parent, whatever the number of parents.
fn child_results<'r>(
    child: &ChildPlan<'_>,
    parents: &[&'r Record],
    reader: &Reader<'r>,
    sobjects_base: &str,
) -> Vec<Value> {
    let position: HashMap<&str, usize> = parents
        .iter()
        .enumerate()
        .map(|(i, parent)| (parent.id.as_str(), i))
        .collect();
    let mut groups: Vec<Vec<&'r Record>> = vec![Vec::new(); parents.len()];
    for record in reader.scan(child.plan.selection.object) {
        let Some(link) = record.get(&child.link.name).as_str() else {
            continue;
        };
        let Some(&i) = position.get(canonical_id(link).as_ref()) else {
            continue;
        };
        if child.plan.selection.accepts(reader, record)
            && let Some(group) = groups.get_mut(i)
        {
            group.push(record);
        }
    }
    groups
        .into_iter()
        .map(|rows| {
            let rows = sort_page(rows, &child.plan.order, &child.plan.page, reader);
            child_result(render(&child.plan, &rows, reader, sobjects_base))
        })
        .collect()
}

/// Sorts records by ORDER BY keys (ties keep the store's id order) and applies OFFSET and
/// LIMIT. With a LIMIT, only the rows that can make the page are fully sorted.
pub fn sort_page<'r>(
    rows: Vec<&'r Record>,
    keys: &[OrderKey<'_>],
    page: &Page,
    reader: &Reader<'r>,
) -> Vec<&'r Record> {
    if keys.is_empty() || rows.len() < 2 {
        return page.apply(rows);
    }
    // One flat table of values, row i's at i * width, and their sort values, computed once.
    let width = keys.len();
    let values: Vec<Cow<'r, Value>> = rows
        .iter()
        .flat_map(|record| {
            keys.iter()
                .map(|key| key.operand.value(reader, Row::Record(record)))
        })
        .collect();
    let sort_values: Vec<Option<SortValue<'_>>> = values
        .iter()
        .enumerate()
        .map(|(i, value)| keys.get(i % width).and_then(|key| key.order.key(value)))
        .collect();
    let compare = |a: &usize, b: &usize| {
        let row_a = sort_values
            .get(a * width..(a + 1) * width)
            .unwrap_or_default();
        let row_b = sort_values
            .get(b * width..(b + 1) * width)
            .unwrap_or_default();
        keys.iter()
            .zip(row_a.iter().zip(row_b))
            .map(|(key, (x, y))| key.compare_sort_values(x.as_ref(), y.as_ref()))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.cmp(b))
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let wanted = page
        .limit
        .map_or(order.len(), |limit| page.offset.saturating_add(limit));
    if wanted == 0 {
        return Vec::new();
    }
    if wanted < order.len() {
        order.select_nth_unstable_by(wanted - 1, compare);
        order.truncate(wanted);
    }
    // The index breaks ties, so the unstable sort is deterministic and keeps id order.
    order.sort_unstable_by(compare);
    let sorted = order
        .into_iter()
        .filter_map(|i| rows.get(i).copied())
        .collect();
    page.apply(sorted)
}

/// Sorts records by ORDER BY keys; ties keep the store's (id) order.
pub fn sort<'r>(
    rows: Vec<&'r Record>,
    keys: &[OrderKey<'_>],
    reader: &Reader<'r>,
) -> Vec<&'r Record> {
    sort_page(rows, keys, &Page::default(), reader)
}

impl OrderKey<'_> {
    /// Orders two values of this key: direction, then NULLS FIRST/LAST.
    pub fn compare_values(&self, a: &Value, b: &Value) -> Ordering {
        self.compare_sort_values(self.order.key(a).as_ref(), self.order.key(b).as_ref())
    }

    fn compare_sort_values(
        &self,
        a: Option<&SortValue<'_>>,
        b: Option<&SortValue<'_>>,
    ) -> Ordering {
        order_with_nulls(&self.order, a, b, self.descending, self.nulls_first)
    }

    pub fn compare_rows<'r>(&self, reader: &Reader<'r>, a: Row<'r>, b: Row<'r>) -> Ordering {
        self.compare_values(
            &self.operand.value(reader, a),
            &self.operand.value(reader, b),
        )
    }
}
