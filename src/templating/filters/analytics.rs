//! Filters for shaping reports and dashboards.
//!
//! | filter | does |
//! |---|---|
//! | `report_results(max_rows, hint)` | a report run (factMap, groupings, metadata) as rows, groupings and totals keyed by column labels; detail rows past `max_rows` are cut, and the result says so with `hint` on how to get them |
//! | `report_definition` | a report describe reduced to what reading or filtering the report needs |
//! | `dashboard_results(max_rows)` | a dashboard's components with their status and their report's results |
//!
//! A run's `factMap` is keyed `"<down>!<across>"` (`T` for a total), where `<down>` and
//! `<across>` are the `key`s of the `groupingsDown` / `groupingsAcross` trees (`0`, `0_1`, …).

use minijinja::{Environment, Error, Value as JinjaValue};
use serde_json::{Map, Value, json};

use super::to_json;
use crate::templating::to_jinja;

pub fn register(env: &mut Environment<'static>) {
    env.add_filter("report_results", report_results_filter);
    env.add_filter("report_definition", report_definition_filter);
    env.add_filter("dashboard_results", dashboard_results_filter);
}

fn report_results_filter(
    run: JinjaValue,
    max_rows: usize,
    hint: String,
) -> Result<JinjaValue, Error> {
    let budget = RowBudget::new(max_rows, &hint);
    Ok(to_jinja(&report_results(&to_json(&run)?, budget)))
}

fn report_definition_filter(describe: JinjaValue) -> Result<JinjaValue, Error> {
    Ok(to_jinja(&report_definition(&to_json(&describe)?)))
}

fn dashboard_results_filter(body: JinjaValue, max_rows: usize) -> Result<JinjaValue, Error> {
    Ok(to_jinja(&dashboard_results(&to_json(&body)?, max_rows)))
}

/// How many detail rows may still be shown, and how many the run held.
pub struct RowBudget<'a> {
    left: usize,
    returned: usize,
    shown: usize,
    hint: &'a str,
}

impl<'a> RowBudget<'a> {
    pub fn new(max_rows: usize, hint: &'a str) -> Self {
        RowBudget {
            left: max_rows,
            returned: 0,
            shown: 0,
            hint,
        }
    }

    /// The rows that fit, counting all of them as returned.
    fn take<'r>(&mut self, rows: &'r [Value]) -> &'r [Value] {
        let fitting = rows.len().min(self.left);
        self.left -= fitting;
        self.returned += rows.len();
        self.shown += fitting;
        rows.get(..fitting).unwrap_or_default()
    }
}

/// Labels of a run's columns, made unique so that they can key one object.
struct Layout {
    detail: Vec<String>,
    aggregates: Vec<String>,
    down: Vec<String>,
    across: Vec<String>,
}

impl Layout {
    fn of(run: &Value) -> Layout {
        let metadata = &run["reportMetadata"];
        let extended = &run["reportExtendedMetadata"];
        let names = |list: &Value| -> Vec<String> {
            list.as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| item.as_str().or_else(|| item["name"].as_str()))
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        // Row and column groups meet in one matrix cell, so their labels are made unique together.
        let down_names = names(&metadata["groupingsDown"]);
        let mut groupings = down_names.clone();
        groupings.extend(names(&metadata["groupingsAcross"]));
        let mut down = unique_labels(&groupings, &extended["groupingColumnInfo"]);
        let across = down.split_off(down_names.len());
        Layout {
            detail: unique_labels(
                &names(&metadata["detailColumns"]),
                &extended["detailColumnInfo"],
            ),
            aggregates: unique_labels(
                &names(&metadata["aggregates"]),
                &extended["aggregateColumnInfo"],
            ),
            down,
            across,
        }
    }
}

/// The label of each column from `info` (`{name: {label}}`); a label seen before gets its API
/// name added, so that two "Name" columns stay apart.
fn unique_labels(names: &[String], info: &Value) -> Vec<String> {
    let mut labels: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let label = info[name.as_str()]["label"]
            .as_str()
            .filter(|l| !l.is_empty())
            .unwrap_or(name);
        let label = if labels.iter().any(|l| l == label) {
            format!("{label} ({name})")
        } else {
            label.to_owned()
        };
        labels.push(label);
    }
    labels
}

/// True for a 15- or 18-character Salesforce record id.
fn looks_like_id(text: &str) -> bool {
    matches!(text.len(), 15 | 18)
        && text.bytes().all(|b| b.is_ascii_alphanumeric())
        && text.bytes().any(|b| b.is_ascii_digit())
}

/// What a cell shows a model, and the record id behind it when there is one: numbers stay
/// numbers, dates stay ISO, a name linked to its record shows the name and keeps the id,
/// Salesforce's "-" (no value) becomes null.
fn display_value(cell: &Value) -> (Value, Option<Value>) {
    let label = cell["label"].as_str().unwrap_or_default();
    let value = &cell["value"];
    match value {
        Value::Null if label.is_empty() || label == "-" => (Value::Null, None),
        Value::Null => (json!(label), None),
        Value::Number(_) | Value::Bool(_) => (value.clone(), None),
        Value::String(text) if looks_like_id(text) && text != label => {
            (json!(label), Some(value.clone()))
        }
        Value::String(_) => (value.clone(), None),
        Value::Object(money) if money["currency"].is_null() && money["amount"].is_number() => {
            (money["amount"].clone(), None)
        }
        _ => (json!(label), None),
    }
}

/// Puts a cell under `key`, and its record id under `"<key> (Id)"` when it has one.
fn put_labelled(out: &mut Map<String, Value>, key: &str, cell: &Value) {
    let (shown, id) = display_value(cell);
    out.insert(key.to_owned(), shown);
    if let Some(id) = id {
        out.insert(format!("{key} (Id)"), id);
    }
}

/// A group as the report shows it: its label ("October 2026", "Q3-2026", an owner's name), not
/// the value behind it, which for dates is only the period's first day; the record id when the
/// value is one; null for Salesforce's "-" (no value).
fn put_group_label(out: &mut Map<String, Value>, key: &str, node: &Value) {
    let (shown, id) = display_value(node);
    let label = node["label"]
        .as_str()
        .filter(|l| !l.is_empty() && *l != "-");
    let shown = match (label, &shown) {
        (Some(label), Value::String(_)) => json!(label),
        _ => shown,
    };
    out.insert(key.to_owned(), shown);
    if let Some(id) = id {
        out.insert(format!("{key} (Id)"), id);
    }
}

fn fact<'v>(run: &'v Value, down: &str, across: &str) -> &'v Value {
    &run["factMap"][format!("{down}!{across}")]
}

/// A fact's aggregates keyed by their labels.
fn aggregates(fact: &Value, layout: &Layout) -> Value {
    let mut out = Map::new();
    let values = fact["aggregates"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (label, aggregate) in layout.aggregates.iter().zip(values) {
        out.insert(label.clone(), display_value(aggregate).0);
    }
    Value::Object(out)
}

/// A fact's detail rows (as many as the budget allows), each keyed by column label.
fn detail_rows(fact: &Value, layout: &Layout, budget: &mut RowBudget) -> Vec<Value> {
    let rows = fact["rows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    budget
        .take(rows)
        .iter()
        .map(|row| {
            let mut out = Map::new();
            let cells = row["dataCells"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            for (label, cell) in layout.detail.iter().zip(cells) {
                put_labelled(&mut out, label, cell);
            }
            Value::Object(out)
        })
        .collect()
}

fn children(node: &Value) -> &[Value] {
    node["groupings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A summary report's grouping tree: each group's label, aggregates, subgroups, and at the
/// innermost level its detail rows.
fn summary_groups(
    run: &Value,
    nodes: &[Value],
    level: usize,
    layout: &Layout,
    budget: &mut RowBudget,
) -> Vec<Value> {
    let Some(column) = layout.down.get(level) else {
        return Vec::new();
    };
    nodes
        .iter()
        .map(|node| {
            let key = node["key"].as_str().unwrap_or_default();
            let mut out = Map::new();
            put_group_label(&mut out, column, node);
            out.insert("aggregates".into(), aggregates(fact(run, key, "T"), layout));
            let deeper = children(node);
            if deeper.is_empty() {
                let rows = detail_rows(fact(run, key, "T"), layout, budget);
                if !rows.is_empty() {
                    out.insert("rows".into(), Value::Array(rows));
                }
            } else {
                let groups = summary_groups(run, deeper, level + 1, layout, budget);
                out.insert("groupings".into(), Value::Array(groups));
            }
            Value::Object(out)
        })
        .collect()
}

/// One side of a matrix: its grouping tree with the totals of each group over the other side.
fn matrix_side(
    run: &Value,
    nodes: &[Value],
    level: usize,
    columns: &[String],
    layout: &Layout,
    down: bool,
) -> Vec<Value> {
    let Some(column) = columns.get(level) else {
        return Vec::new();
    };
    nodes
        .iter()
        .map(|node| {
            let key = node["key"].as_str().unwrap_or_default();
            let totals = if down {
                fact(run, key, "T")
            } else {
                fact(run, "T", key)
            };
            let mut out = Map::new();
            put_group_label(&mut out, column, node);
            out.insert("aggregates".into(), aggregates(totals, layout));
            let deeper = children(node);
            if !deeper.is_empty() {
                let groups = matrix_side(run, deeper, level + 1, columns, layout, down);
                out.insert("groupings".into(), Value::Array(groups));
            }
            Value::Object(out)
        })
        .collect()
}

/// The innermost groups of a tree, each with the labels of its ancestors and itself.
fn leaf_paths(
    nodes: &[Value],
    columns: &[String],
    level: usize,
) -> Vec<(String, Map<String, Value>)> {
    let Some(column) = columns.get(level) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for node in nodes {
        let mut labels = Map::new();
        put_group_label(&mut labels, column, node);
        let deeper = children(node);
        if deeper.is_empty() {
            out.push((node["key"].as_str().unwrap_or_default().to_owned(), labels));
        } else {
            for (key, below) in leaf_paths(deeper, columns, level + 1) {
                let mut path = labels.clone();
                path.extend(below);
                out.push((key, path));
            }
        }
    }
    out
}

/// Every innermost down × across cell of a matrix with both groups' labels and its aggregates.
fn matrix_cells(run: &Value, layout: &Layout, budget: &mut RowBudget) -> Vec<Value> {
    let downs = leaf_paths(children(&run["groupingsDown"]), &layout.down, 0);
    let acrosses = leaf_paths(children(&run["groupingsAcross"]), &layout.across, 0);
    let mut cells = Vec::with_capacity(downs.len() * acrosses.len());
    for (down_key, down_labels) in &downs {
        for (across_key, across_labels) in &acrosses {
            let fact = fact(run, down_key, across_key);
            let mut cell = down_labels.clone();
            cell.extend(across_labels.clone());
            cell.insert("aggregates".into(), aggregates(fact, layout));
            let rows = detail_rows(fact, layout, budget);
            if !rows.is_empty() {
                cell.insert("rows".into(), Value::Array(rows));
            }
            cells.push(Value::Object(cell));
        }
    }
    cells
}

/// The report's id, name, format and type.
fn report_identity(metadata: &Value) -> Value {
    let mut out = Map::new();
    for (key, value) in [
        ("id", &metadata["id"]),
        ("name", &metadata["name"]),
        ("developerName", &metadata["developerName"]),
        ("format", &metadata["reportFormat"]),
        ("reportType", &metadata["reportType"]["label"]),
    ] {
        if !value.is_null() {
            out.insert(key.into(), value.clone());
        }
    }
    Value::Object(out)
}

/// The filters a run applied: field filters, their logic and the date range.
fn applied_filters(metadata: &Value, out: &mut Map<String, Value>) {
    let filters: Vec<Value> = metadata["reportFilters"]
        .as_array()
        .map(|filters| {
            filters
                .iter()
                .map(|f| json!({"column": f["column"], "operator": f["operator"], "value": f["value"]}))
                .collect()
        })
        .unwrap_or_default();
    if !filters.is_empty() {
        out.insert("filters".into(), Value::Array(filters));
    }
    if let Some(logic) = metadata["reportBooleanFilter"]
        .as_str()
        .filter(|l| !l.is_empty())
    {
        out.insert("booleanFilter".into(), json!(logic));
    }
    if let Some(range) = date_filter(&metadata["standardDateFilter"]) {
        out.insert("dateFilter".into(), range);
    }
}

/// `standardDateFilter` without its empty ends; none when it spans all time.
fn date_filter(filter: &Value) -> Option<Value> {
    let column = filter["column"].as_str()?;
    let duration = filter["durationValue"].as_str().unwrap_or("CUSTOM");
    let (start, end) = (&filter["startDate"], &filter["endDate"]);
    if duration == "CUSTOM" && start.is_null() && end.is_null() {
        return None;
    }
    let mut out = Map::new();
    out.insert("column".into(), json!(column));
    out.insert("duration".into(), json!(duration));
    if !start.is_null() {
        out.insert("startDate".into(), start.clone());
    }
    if !end.is_null() {
        out.insert("endDate".into(), end.clone());
    }
    Some(Value::Object(out))
}

/// A report run shaped for reading: tabular reports as rows keyed by column label, summary
/// reports as a grouping tree, matrix reports as both grouping trees plus every cell; always
/// the grand totals. Detail rows beyond the budget are left out and the result says so.
pub fn report_results(run: &Value, mut budget: RowBudget) -> Value {
    let metadata = &run["reportMetadata"];
    let layout = Layout::of(run);
    let mut out = Map::new();
    out.insert("report".into(), report_identity(metadata));
    applied_filters(metadata, &mut out);
    let has_detail_rows = run["hasDetailRows"].as_bool().unwrap_or(false);
    let down = children(&run["groupingsDown"]);
    let across = children(&run["groupingsAcross"]);
    if !across.is_empty() {
        out.insert(
            "groupingsDown".into(),
            Value::Array(matrix_side(run, down, 0, &layout.down, &layout, true)),
        );
        out.insert(
            "groupingsAcross".into(),
            Value::Array(matrix_side(run, across, 0, &layout.across, &layout, false)),
        );
        out.insert(
            "cells".into(),
            Value::Array(matrix_cells(run, &layout, &mut budget)),
        );
    } else if !down.is_empty() {
        let groups = summary_groups(run, down, 0, &layout, &mut budget);
        out.insert("groupings".into(), Value::Array(groups));
    } else if has_detail_rows {
        let rows = detail_rows(fact(run, "T", "T"), &layout, &mut budget);
        out.insert("rows".into(), Value::Array(rows));
    }
    out.insert("totals".into(), aggregates(fact(run, "T", "T"), &layout));
    if has_detail_rows {
        out.insert("columns".into(), json!(layout.detail));
        out.insert(
            "detailRows".into(),
            json!({"returned": budget.returned, "shown": budget.shown}),
        );
    }
    let all_data = run["allData"].as_bool().unwrap_or(true);
    out.insert("allData".into(), json!(all_data));
    if let Some(note) = truncation_note(&budget, all_data) {
        out.insert("truncated".into(), json!(note));
    }
    Value::Object(out)
}

/// What was left out and how to get it, or none when nothing was.
fn truncation_note(budget: &RowBudget, all_data: bool) -> Option<String> {
    let mut notes = Vec::new();
    if budget.shown < budget.returned {
        notes.push(format!(
            "Showing {} of the {} detail rows Salesforce returned; {}",
            budget.shown, budget.returned, budget.hint
        ));
    }
    if !all_data {
        notes.push(
            "Salesforce stopped at its limit of 2000 detail rows for a synchronous run (allData false), so totals cover every record but the rows do not; add filters to see the rest."
                .to_owned(),
        );
    }
    (!notes.is_empty()).then(|| notes.join(" "))
}

/// A report describe reduced to the definition (columns, groupings, summaries, filters with
/// their labels) and the columns of its report type that filters may name.
pub fn report_definition(describe: &Value) -> Value {
    let metadata = &describe["reportMetadata"];
    let extended = &describe["reportExtendedMetadata"];
    let mut out = match report_identity(metadata) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    if let Some(kind) = metadata["reportType"]["type"].as_str() {
        out.insert("reportTypeName".into(), json!(kind));
    }
    if let Some(text) = metadata["description"].as_str().filter(|d| !d.is_empty()) {
        out.insert("description".into(), json!(text));
    }
    let detail_info = &extended["detailColumnInfo"];
    let detail: Vec<Value> = string_list(&metadata["detailColumns"])
        .into_iter()
        .map(|name| {
            json!({"name": name, "label": detail_info[name]["label"], "dataType": detail_info[name]["dataType"]})
        })
        .collect();
    out.insert("detailColumns".into(), Value::Array(detail));
    for side in ["groupingsDown", "groupingsAcross"] {
        let groupings = groupings_with_labels(&metadata[side], &extended["groupingColumnInfo"]);
        if !groupings.is_empty() {
            out.insert(side.into(), Value::Array(groupings));
        }
    }
    let aggregate_info = &extended["aggregateColumnInfo"];
    let summaries: Vec<Value> = string_list(&metadata["aggregates"])
        .into_iter()
        .map(|name| json!({"name": name, "label": aggregate_info[name]["label"]}))
        .collect();
    out.insert("aggregates".into(), Value::Array(summaries));
    applied_filters(metadata, &mut out);
    if out.get("filters").is_none() {
        out.insert("filters".into(), json!([]));
    }
    out.insert(
        "filterableColumns".into(),
        Value::Array(filterable_columns(&describe["reportTypeMetadata"])),
    );
    Value::Object(out)
}

fn string_list(list: &Value) -> Vec<&str> {
    list.as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn groupings_with_labels(groupings: &Value, info: &Value) -> Vec<Value> {
    groupings
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|g| {
                    let name = g["name"].as_str().unwrap_or_default();
                    let mut out = Map::new();
                    out.insert("name".into(), json!(name));
                    out.insert("label".into(), info[name]["label"].clone());
                    out.insert("sortOrder".into(), g["sortOrder"].clone());
                    if let Some(granularity) =
                        g["dateGranularity"].as_str().filter(|d| *d != "None")
                    {
                        out.insert("dateGranularity".into(), json!(granularity));
                    }
                    Value::Object(out)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The report type's filterable columns: API name (what a filter's `column` takes), label, data
/// type and, for picklists and booleans, the values a filter may use.
fn filterable_columns(type_metadata: &Value) -> Vec<Value> {
    let categories = type_metadata["categories"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut out = Vec::new();
    for category in categories {
        let Some(columns) = category["columns"].as_object() else {
            continue;
        };
        for (name, column) in columns {
            if column["filterable"].as_bool() == Some(false) {
                continue;
            }
            let mut entry = Map::new();
            entry.insert("name".into(), json!(name));
            entry.insert("label".into(), column["label"].clone());
            entry.insert("dataType".into(), column["dataType"].clone());
            let values: Vec<Value> = column["filterValues"]
                .as_array()
                .map(|values| values.iter().map(|v| v["name"].clone()).collect())
                .unwrap_or_default();
            if !values.is_empty() {
                entry.insert("values".into(), Value::Array(values));
            }
            out.push(Value::Object(entry));
        }
    }
    out
}

/// A dashboard's name, running user and components, each with its title, chart type, data
/// status and the results of its report (at most `max_rows` detail rows per component).
pub fn dashboard_results(body: &Value, max_rows: usize) -> Value {
    let metadata = &body["dashboardMetadata"];
    let data = body["componentData"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let components: Vec<Value> = metadata["components"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, component)| {
            let id = &component["id"];
            let entry = data
                .iter()
                .find(|d| !id.is_null() && d["componentId"] == *id)
                .or_else(|| {
                    component["componentData"]
                        .as_u64()
                        .and_then(|i| data.get(i as usize))
                })
                .or_else(|| data.get(index));
            dashboard_component(component, entry.unwrap_or(&Value::Null), max_rows)
        })
        .collect();
    let mut out = Map::new();
    out.insert("id".into(), metadata["id"].clone());
    out.insert("name".into(), metadata["name"].clone());
    if let Some(text) = metadata["description"].as_str().filter(|d| !d.is_empty()) {
        out.insert("description".into(), json!(text));
    }
    if let Some(user) = metadata["runningUser"]["displayName"].as_str() {
        out.insert("runningUser".into(), json!(user));
    }
    out.insert("components".into(), Value::Array(components));
    Value::Object(out)
}

fn dashboard_component(component: &Value, data: &Value, max_rows: usize) -> Value {
    let (report_name, results) = component_results(&data["reportResult"], max_rows);
    let mut out = Map::new();
    out.insert("id".into(), component["id"].clone());
    for key in ["title", "header", "footer"] {
        if let Some(text) = component[key].as_str().filter(|t| !t.is_empty()) {
            out.insert(key.into(), json!(text));
        }
    }
    if let Some(kind) = component["properties"]["visualizationType"].as_str() {
        out.insert("visualization".into(), json!(kind));
    }
    out.insert("reportId".into(), component["reportId"].clone());
    if let Some(name) = report_name {
        out.insert("reportName".into(), name);
    }
    let status = &data["status"];
    out.insert("status".into(), status["dataStatus"].clone());
    for (key, from) in [("refreshDate", "refreshDate"), ("error", "errorMessage")] {
        if !status[from].is_null() {
            out.insert(key.into(), status[from].clone());
        }
    }
    if let Some(results) = results {
        out.insert("results".into(), results);
    }
    Value::Object(out)
}

/// A component's report run shaped like run_report's, without what the component already says
/// (the report's identity) or what a dashboard reader does not choose (its filters); and the
/// report's name. Nothing when the component has no data.
fn component_results(run: &Value, max_rows: usize) -> (Option<Value>, Option<Value>) {
    if !run.is_object() {
        return (None, None);
    }
    let hint = "run_report with this component's reportId returns every row.";
    let Value::Object(mut shaped) = report_results(run, RowBudget::new(max_rows, hint)) else {
        return (None, None);
    };
    let name = shaped
        .shift_remove("report")
        .and_then(|report| report.get("name").cloned());
    for noise in ["filters", "booleanFilter", "dateFilter"] {
        shaped.shift_remove(noise);
    }
    (name, Some(Value::Object(shaped)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(max: usize) -> RowBudget<'static> {
        RowBudget::new(max, "raise max_rows.")
    }

    fn case_extended() -> Value {
        json!({
            "aggregateColumnInfo": {
                "RowCount": {"label": "Record Count", "dataType": "int"},
                "a!AGE": {"label": "Average Age", "dataType": "double"}
            },
            "detailColumnInfo": {
                "CASE_NUMBER": {"label": "Case Number", "dataType": "string"},
                "ACCOUNT.NAME": {"label": "Account Name", "dataType": "string"},
                "CREATED_DATE": {"label": "Date/Time Opened", "dataType": "datetime"}
            },
            "groupingColumnInfo": {
                "PRIORITY": {"label": "Priority", "dataType": "picklist", "groupingLevel": 0},
                "ORIGIN": {"label": "Case Origin", "dataType": "picklist", "groupingLevel": 0}
            }
        })
    }

    fn row(number: &str, id: &str, account: &str) -> Value {
        json!({"dataCells": [
            {"label": number, "value": id},
            {"label": account, "value": "001Dm0000000001AAA"},
            {"label": "11/20/2026 9:00 AM", "value": "2026-11-20T09:00:00Z"}
        ]})
    }

    fn metadata(format: &str, down: Value, across: Value) -> Value {
        json!({
            "id": "00ODm0000000001AAA", "name": "Cases", "developerName": "Cases",
            "reportFormat": format, "reportType": {"label": "Cases", "type": "CaseList"},
            "detailColumns": ["CASE_NUMBER", "ACCOUNT.NAME", "CREATED_DATE"],
            "aggregates": ["RowCount", "a!AGE"],
            "groupingsDown": down, "groupingsAcross": across,
            "reportFilters": [{"column": "STATUS", "operator": "notEqual", "value": "Closed", "filterType": "fieldValue"}],
            "reportBooleanFilter": null,
            "standardDateFilter": {"column": "CREATED_DATE", "durationValue": "CUSTOM", "startDate": null, "endDate": null}
        })
    }

    fn count(n: u64, age: f64) -> Value {
        json!({"aggregates": [{"label": n.to_string(), "value": n}, {"label": age.to_string(), "value": age}]})
    }

    #[test]
    fn tabular_rows_are_keyed_by_column_label_with_linked_ids() {
        let mut total = count(2, 1.5);
        total["rows"] = json!([
            row("00001001", "500Dm0000000001AAA", "Zava"),
            row("00001002", "500Dm0000000002AAA", "Contoso")
        ]);
        let run = json!({
            "allData": true, "hasDetailRows": true,
            "factMap": {"T!T": total},
            "groupingsDown": {"groupings": []}, "groupingsAcross": {"groupings": []},
            "reportExtendedMetadata": case_extended(),
            "reportMetadata": metadata("TABULAR", json!([]), json!([]))
        });
        let shaped = report_results(&run, budget(1));
        assert_eq!(
            shaped["rows"],
            json!([{
                "Case Number": "00001001", "Case Number (Id)": "500Dm0000000001AAA",
                "Account Name": "Zava", "Account Name (Id)": "001Dm0000000001AAA",
                "Date/Time Opened": "2026-11-20T09:00:00Z"
            }])
        );
        assert_eq!(
            shaped["totals"],
            json!({"Record Count": 2, "Average Age": 1.5})
        );
        assert_eq!(shaped["detailRows"], json!({"returned": 2, "shown": 1}));
        assert_eq!(
            shaped["columns"],
            json!(["Case Number", "Account Name", "Date/Time Opened"])
        );
        assert_eq!(
            shaped["filters"],
            json!([{"column": "STATUS", "operator": "notEqual", "value": "Closed"}])
        );
        assert!(shaped.get("dateFilter").is_none(), "all time is no filter");
        let note = shaped["truncated"].as_str().unwrap();
        assert!(
            note.contains("Showing 1 of the 2") && note.ends_with("raise max_rows."),
            "{note}"
        );
    }

    #[test]
    fn summary_groups_carry_labels_aggregates_and_innermost_rows() {
        let mut high = count(1, 2.0);
        high["rows"] = json!([row("00001001", "500Dm0000000001AAA", "Zava")]);
        let run = json!({
            "allData": true, "hasDetailRows": true,
            "factMap": {"0!T": high, "1!T": count(0, 0.0), "T!T": count(1, 2.0)},
            "groupingsDown": {"groupings": [
                {"key": "0", "label": "High", "value": "High", "groupings": []},
                {"key": "1", "label": "-", "value": null, "groupings": []}
            ]},
            "groupingsAcross": {"groupings": []},
            "reportExtendedMetadata": case_extended(),
            "reportMetadata": metadata("SUMMARY", json!([{"name": "PRIORITY"}]), json!([]))
        });
        let shaped = report_results(&run, budget(100));
        assert_eq!(shaped["groupings"][0]["Priority"], "High");
        assert_eq!(shaped["groupings"][0]["aggregates"]["Record Count"], 1);
        assert_eq!(shaped["groupings"][0]["rows"][0]["Case Number"], "00001001");
        assert_eq!(
            shaped["groupings"][1],
            json!({"Priority": null, "aggregates": {"Record Count": 0, "Average Age": 0.0}})
        );
        assert!(shaped.get("truncated").is_none());
    }

    #[test]
    fn matrix_cells_name_both_groups() {
        let run = json!({
            "allData": true, "hasDetailRows": false,
            "factMap": {
                "0!0": count(3, 1.0), "0!1": count(0, 0.0), "0!T": count(3, 1.0),
                "T!0": count(3, 1.0), "T!1": count(0, 0.0), "T!T": count(3, 1.0)
            },
            "groupingsDown": {"groupings": [{"key": "0", "label": "High", "value": "High", "groupings": []}]},
            "groupingsAcross": {"groupings": [
                {"key": "0", "label": "Web", "value": "Web", "groupings": []},
                {"key": "1", "label": "Phone", "value": "Phone", "groupings": []}
            ]},
            "reportExtendedMetadata": case_extended(),
            "reportMetadata": metadata("MATRIX", json!([{"name": "PRIORITY"}]), json!([{"name": "ORIGIN"}]))
        });
        let shaped = report_results(&run, budget(100));
        assert_eq!(
            shaped["cells"][0],
            json!({"Priority": "High", "Case Origin": "Web", "aggregates": {"Record Count": 3, "Average Age": 1.0}})
        );
        assert_eq!(shaped["cells"].as_array().map(Vec::len), Some(2));
        assert_eq!(shaped["groupingsAcross"][1]["Case Origin"], "Phone");
        assert_eq!(shaped["groupingsDown"][0]["aggregates"]["Record Count"], 3);
        assert!(
            shaped.get("columns").is_none(),
            "no detail rows were asked for"
        );
    }

    #[test]
    fn groups_show_their_labels_and_keep_linked_ids() {
        let mut out = Map::new();
        put_group_label(
            &mut out,
            "Month",
            &json!({"label": "October 2026", "value": "2026-10-01"}),
        );
        put_group_label(
            &mut out,
            "Owner",
            &json!({"label": "Grace Kim", "value": "005Dm0000000008IAA"}),
        );
        put_group_label(&mut out, "Score", &json!({"label": "1,024", "value": 1024}));
        put_group_label(&mut out, "Reason", &json!({"label": "-", "value": null}));
        assert_eq!(
            Value::Object(out),
            json!({"Month": "October 2026", "Owner": "Grace Kim", "Owner (Id)": "005Dm0000000008IAA", "Score": 1024, "Reason": null})
        );
    }

    #[test]
    fn a_tabular_run_without_details_has_no_rows_to_show() {
        let run = json!({"allData": true, "hasDetailRows": false, "factMap": {"T!T": {"aggregates": [{"label": "42", "value": 42}]}},
            "reportMetadata": {"aggregates": ["RowCount"]},
            "reportExtendedMetadata": {"aggregateColumnInfo": {"RowCount": {"label": "Record Count"}}}});
        let shaped = report_results(&run, budget(10));
        assert!(shaped.get("rows").is_none(), "{shaped}");
        assert_eq!(shaped["totals"], json!({"Record Count": 42}));
    }

    #[test]
    fn a_cut_off_run_says_so() {
        let run = json!({"allData": false, "hasDetailRows": true, "factMap": {"T!T": {"aggregates": [], "rows": []}}});
        let shaped = report_results(&run, budget(10));
        assert!(
            shaped["truncated"]
                .as_str()
                .unwrap()
                .contains("2000 detail rows")
        );
    }

    #[test]
    fn duplicate_labels_stay_apart() {
        let info = json!({"A.NAME": {"label": "Name"}, "B.NAME": {"label": "Name"}});
        assert_eq!(
            unique_labels(&["A.NAME".into(), "B.NAME".into(), "C".into()], &info),
            vec!["Name", "Name (B.NAME)", "C"]
        );
        let run = json!({
            "reportMetadata": {"groupingsDown": [{"name": "CREATED_DATE"}], "groupingsAcross": [{"name": "CREATED_DATE"}]},
            "reportExtendedMetadata": {"groupingColumnInfo": {"CREATED_DATE": {"label": "Date Opened"}}}
        });
        let layout = Layout::of(&run);
        assert_eq!(layout.down, vec!["Date Opened"]);
        assert_eq!(layout.across, vec!["Date Opened (CREATED_DATE)"]);
    }

    #[test]
    fn money_and_text_cells() {
        let mut out = Map::new();
        put_labelled(
            &mut out,
            "Amount",
            &json!({"label": "$16,000.01", "value": {"amount": 16000.01, "currency": null}}),
        );
        put_labelled(
            &mut out,
            "Multi",
            &json!({"label": "EUR 5.00", "value": {"amount": 5.0, "currency": "EUR"}}),
        );
        put_labelled(
            &mut out,
            "Subject",
            &json!({"label": "Dashboard is slow", "value": "Dashboard is slow"}),
        );
        assert_eq!(
            out,
            json!({"Amount": 16000.01, "Multi": "EUR 5.00", "Subject": "Dashboard is slow"})
                .as_object()
                .cloned()
                .unwrap()
        );
    }
}
