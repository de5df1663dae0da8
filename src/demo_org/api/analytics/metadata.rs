//! Report metadata: the saved definition of a report (`reportMetadata` on the wire), the
//! overrides a run request may send, and their JSON form. Values are kept as the caller wrote
//! them; `plan` checks them against the report type before a run.

use serde_json::{Map, Value, json};

use super::columns::ReportType;
use crate::demo_org::api::error::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Tabular,
    Summary,
    Matrix,
}

impl ReportFormat {
    pub fn wire_name(self) -> &'static str {
        match self {
            ReportFormat::Tabular => "TABULAR",
            ReportFormat::Summary => "SUMMARY",
            ReportFormat::Matrix => "MATRIX",
        }
    }

    /// `Report.Format` picklist value.
    pub fn record_value(self) -> &'static str {
        match self {
            ReportFormat::Tabular => "Tabular",
            ReportFormat::Summary => "Summary",
            ReportFormat::Matrix => "Matrix",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "TABULAR" => Some(ReportFormat::Tabular),
            "SUMMARY" => Some(ReportFormat::Summary),
            "MATRIX" => Some(ReportFormat::Matrix),
            _ => None,
        }
    }
}

/// One row or column grouping.
#[derive(Clone, Debug, PartialEq)]
pub struct Grouping {
    pub name: String,
    /// `Asc` or `Desc`.
    pub sort_order: String,
    /// `None`, `Day`, `Week`, `Month`, `Quarter` or `Year`.
    pub date_granularity: String,
    /// An aggregate (`RowCount`, `s!…`) to order the groups by instead of their values.
    pub sort_aggregate: Option<String>,
}

impl Grouping {
    pub fn new(name: &str) -> Self {
        Grouping {
            name: name.to_owned(),
            sort_order: "Asc".to_owned(),
            date_granularity: "None".to_owned(),
            sort_aggregate: None,
        }
    }

    pub fn descending(mut self) -> Self {
        self.sort_order = "Desc".to_owned();
        self
    }

    pub fn by(mut self, granularity: &str) -> Self {
        self.date_granularity = granularity.to_owned();
        self
    }

    pub fn sorted_by_aggregate(mut self, aggregate: &str) -> Self {
        self.sort_aggregate = Some(aggregate.to_owned());
        self
    }

    fn to_json(&self) -> Value {
        json!({
            "dateGranularity": self.date_granularity,
            "name": self.name,
            "sortAggregate": self.sort_aggregate,
            "sortOrder": self.sort_order,
        })
    }

    fn from_json(value: &Value) -> Result<Self, ApiError> {
        let object = value
            .as_object()
            .ok_or_else(|| invalid("Each grouping must be an object with a name."))?;
        let name = required_str(object, "name", "grouping")?;
        let mut grouping = Grouping::new(name);
        if let Some(order) = optional_str(object, "sortOrder")? {
            grouping.sort_order = order.to_owned();
        }
        if let Some(granularity) = optional_str(object, "dateGranularity")? {
            grouping.date_granularity = granularity.to_owned();
        }
        grouping.sort_aggregate = optional_str(object, "sortAggregate")?.map(str::to_owned);
        Ok(grouping)
    }
}

/// One entry of `reportFilters`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportFilter {
    pub column: String,
    pub operator: String,
    pub value: String,
}

impl ReportFilter {
    pub fn new(column: &str, operator: &str, value: &str) -> Self {
        ReportFilter {
            column: column.to_owned(),
            operator: operator.to_owned(),
            value: value.to_owned(),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "column": self.column,
            "filterType": "fieldValue",
            "isRunPageEditable": true,
            "operator": self.operator,
            "value": self.value,
        })
    }

    fn from_json(value: &Value) -> Result<Self, ApiError> {
        let object = value
            .as_object()
            .ok_or_else(|| invalid("Each report filter must be an object."))?;
        let column = required_str(object, "column", "report filter")?;
        let operator = required_str(object, "operator", "report filter")?;
        // Salesforce accepts numbers and booleans as filter values and reads them as text.
        let value = match object.get("value") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(_) => return Err(invalid("A report filter value must be text.")),
        };
        Ok(ReportFilter::new(column, operator, &value))
    }
}

/// `standardDateFilter`: a date range on one date column, relative or custom.
#[derive(Clone, Debug, PartialEq)]
pub struct StandardDateFilter {
    pub column: String,
    /// A relative duration (`LAST_N_DAYS:30`, `THIS_MONTH`) or `CUSTOM`.
    pub duration_value: String,
    /// `YYYY-MM-DD`; for `CUSTOM`, an empty end is open ("All Time" when both are).
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

impl StandardDateFilter {
    pub fn relative(column: &str, duration: &str) -> Self {
        StandardDateFilter {
            column: column.to_owned(),
            duration_value: duration.to_owned(),
            start_date: None,
            end_date: None,
        }
    }

    pub fn custom(column: &str, start: Option<&str>, end: Option<&str>) -> Self {
        StandardDateFilter {
            column: column.to_owned(),
            duration_value: super::dates::CUSTOM.to_owned(),
            start_date: start.map(str::to_owned),
            end_date: end.map(str::to_owned),
        }
    }

    pub fn all_time(column: &str) -> Self {
        Self::custom(column, None, None)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "column": self.column,
            "durationValue": self.duration_value,
            "endDate": self.end_date,
            "startDate": self.start_date,
        })
    }

    fn from_json(value: &Value) -> Result<Self, ApiError> {
        let object = value
            .as_object()
            .ok_or_else(|| invalid("standardDateFilter must be an object."))?;
        let column = required_str(object, "column", "standardDateFilter")?;
        let duration = optional_str(object, "durationValue")?.unwrap_or(super::dates::CUSTOM);
        Ok(StandardDateFilter {
            column: column.to_owned(),
            duration_value: duration.to_owned(),
            start_date: optional_str(object, "startDate")?.map(str::to_owned),
            end_date: optional_str(object, "endDate")?.map(str::to_owned),
        })
    }
}

/// One entry of `sortBy`: the detail rows' order.
#[derive(Clone, Debug, PartialEq)]
pub struct SortColumn {
    pub column: String,
    /// `Asc` or `Desc`.
    pub order: String,
}

impl SortColumn {
    pub fn new(column: &str, order: &str) -> Self {
        SortColumn {
            column: column.to_owned(),
            order: order.to_owned(),
        }
    }

    fn to_json(&self) -> Value {
        json!({ "sortColumn": self.column, "sortOrder": self.order })
    }

    fn from_json(value: &Value) -> Result<Self, ApiError> {
        let object = value
            .as_object()
            .ok_or_else(|| invalid("Each sortBy entry must be an object."))?;
        let column = required_str(object, "sortColumn", "sortBy")?;
        let order = optional_str(object, "sortOrder")?.unwrap_or("Asc");
        Ok(SortColumn::new(column, order))
    }
}

/// A report's definition.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportMetadata {
    pub id: String,
    pub name: String,
    pub developer_name: String,
    pub description: Option<String>,
    pub folder_id: String,
    pub report_type: &'static ReportType,
    pub format: ReportFormat,
    pub detail_columns: Vec<String>,
    pub groupings_down: Vec<Grouping>,
    pub groupings_across: Vec<Grouping>,
    /// `RowCount`, or `s!`/`a!`/`m!`/`x!`/`u!` + column for sum, average, min, max, unique count.
    pub aggregates: Vec<String>,
    pub filters: Vec<ReportFilter>,
    /// Filter logic over the 1-based filter numbers, e.g. `(1 OR 2) AND 3`.
    pub boolean_filter: Option<String>,
    pub standard_date_filter: Option<StandardDateFilter>,
    pub sort_by: Vec<SortColumn>,
}

impl ReportMetadata {
    /// `reportMetadata` as the API shows it.
    pub fn to_json(&self, has_detail_rows: bool) -> Value {
        json!({
            "aggregates": self.aggregates,
            "chart": null,
            "crossFilters": [],
            "currency": null,
            "dashboardSetting": null,
            "description": self.description,
            "detailColumns": self.detail_columns,
            "developerName": self.developer_name,
            "division": null,
            "folderId": self.folder_id,
            "groupingsAcross": self.groupings_across.iter().map(Grouping::to_json).collect::<Vec<_>>(),
            "groupingsDown": self.groupings_down.iter().map(Grouping::to_json).collect::<Vec<_>>(),
            "hasDetailRows": has_detail_rows,
            "hasRecordCount": self.aggregates.iter().any(|a| a == "RowCount"),
            "historicalSnapshotDates": [],
            "id": self.id,
            "name": self.name,
            "presentationOptions": { "hasStackedSummaries": true },
            "reportBooleanFilter": self.boolean_filter,
            "reportFilters": self.filters.iter().map(ReportFilter::to_json).collect::<Vec<_>>(),
            "reportFormat": self.format.wire_name(),
            "reportType": { "label": self.report_type.label, "type": self.report_type.type_name },
            "scope": "organization",
            "showGrandTotal": true,
            "showSubtotals": true,
            "sortBy": self.sort_by.iter().map(SortColumn::to_json).collect::<Vec<_>>(),
            "standardDateFilter": self.standard_date_filter.as_ref().map(StandardDateFilter::to_json),
            "standardFilters": [],
            "topRows": null,
            "userOrHierarchyFilterId": null,
        })
    }

    /// Applies the `reportMetadata` of a run request: the filters, filter logic, date filter,
    /// detail columns, groupings, aggregates, row order and format it names replace the saved
    /// ones; what it leaves out stays as saved. Without an explicit `reportFormat`, changed
    /// groupings decide the format (across groupings: matrix; down only: summary; none: tabular).
    pub fn apply_overrides(&mut self, overrides: &Map<String, Value>) -> Result<(), ApiError> {
        if let Some(value) = overrides.get("reportFilters") {
            self.filters = parse_list(value, "reportFilters", ReportFilter::from_json)?;
        }
        if let Some(value) = overrides.get("reportBooleanFilter") {
            self.boolean_filter = match value {
                Value::Null => None,
                Value::String(s) if s.trim().is_empty() => None,
                Value::String(s) => Some(s.clone()),
                _ => return Err(invalid("reportBooleanFilter must be text.")),
            };
        }
        if let Some(value) = overrides.get("standardDateFilter") {
            self.standard_date_filter = match value {
                Value::Null => None,
                other => Some(StandardDateFilter::from_json(other)?),
            };
        }
        if let Some(value) = overrides.get("detailColumns") {
            self.detail_columns = parse_list(value, "detailColumns", string_item)?;
        }
        if let Some(value) = overrides.get("aggregates") {
            self.aggregates = parse_list(value, "aggregates", string_item)?;
        }
        if let Some(value) = overrides.get("sortBy") {
            self.sort_by = parse_list(value, "sortBy", SortColumn::from_json)?;
        }
        let mut groupings_changed = false;
        if let Some(value) = overrides.get("groupingsDown") {
            self.groupings_down = parse_list(value, "groupingsDown", Grouping::from_json)?;
            groupings_changed = true;
        }
        if let Some(value) = overrides.get("groupingsAcross") {
            self.groupings_across = parse_list(value, "groupingsAcross", Grouping::from_json)?;
            groupings_changed = true;
        }
        match overrides.get("reportFormat") {
            Some(Value::String(text)) => {
                self.format = ReportFormat::parse(text).ok_or_else(|| {
                    invalid(format!(
                        "Invalid reportFormat: {text}. Use TABULAR, SUMMARY or MATRIX."
                    ))
                })?;
            }
            Some(Value::Null) | None => {
                if groupings_changed {
                    self.format = if !self.groupings_across.is_empty() {
                        ReportFormat::Matrix
                    } else if !self.groupings_down.is_empty() {
                        ReportFormat::Summary
                    } else {
                        ReportFormat::Tabular
                    };
                }
            }
            Some(_) => return Err(invalid("reportFormat must be text.")),
        }
        Ok(())
    }
}

/// 400 `BAD_REQUEST`, the Analytics API's answer to report metadata it cannot use.
pub fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("BAD_REQUEST", message)
}

fn parse_list<T>(
    value: &Value,
    what: &str,
    parse: impl Fn(&Value) -> Result<T, ApiError>,
) -> Result<Vec<T>, ApiError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.iter().map(parse).collect(),
        _ => Err(invalid(format!("{what} must be an array."))),
    }
}

fn string_item(value: &Value) -> Result<String, ApiError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| invalid("Column names must be text."))
}

fn required_str<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    what: &str,
) -> Result<&'a str, ApiError> {
    match object.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        _ => Err(invalid(format!("A {what} needs a {key}."))),
    }
}

fn optional_str<'a>(
    object: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, ApiError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("{key} must be text."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::api::analytics::columns::CASES;

    fn saved() -> ReportMetadata {
        ReportMetadata {
            id: "00ODm0000000001AAA".into(),
            name: "Cases by Priority".into(),
            developer_name: "Cases_by_Priority".into(),
            description: None,
            folder_id: "00lDm0000000001AAA".into(),
            report_type: &CASES,
            format: ReportFormat::Summary,
            detail_columns: vec!["CASE_NUMBER".into()],
            groupings_down: vec![Grouping::new("PRIORITY")],
            groupings_across: vec![],
            aggregates: vec!["RowCount".into()],
            filters: vec![ReportFilter::new("STATUS", "notEqual", "Closed")],
            boolean_filter: None,
            standard_date_filter: Some(StandardDateFilter::all_time("CREATED_DATE")),
            sort_by: vec![],
        }
    }

    #[test]
    fn overrides_replace_only_what_they_name() {
        let mut meta = saved();
        let overrides = json!({
            "reportFilters": [{"column": "ORIGIN", "operator": "equals", "value": "Web"}],
            "standardDateFilter": null,
        });
        meta.apply_overrides(overrides.as_object().expect("object"))
            .expect("applies");
        assert_eq!(
            meta.filters,
            vec![ReportFilter::new("ORIGIN", "equals", "Web")]
        );
        assert_eq!(meta.standard_date_filter, None);
        assert_eq!(meta.groupings_down, vec![Grouping::new("PRIORITY")]);
        assert_eq!(meta.format, ReportFormat::Summary);
    }

    #[test]
    fn changed_groupings_decide_the_format() {
        let mut meta = saved();
        let overrides = json!({"groupingsAcross": [{"name": "STATUS"}]});
        meta.apply_overrides(overrides.as_object().expect("object"))
            .expect("applies");
        assert_eq!(meta.format, ReportFormat::Matrix);
        let overrides = json!({"groupingsDown": [], "groupingsAcross": []});
        meta.apply_overrides(overrides.as_object().expect("object"))
            .expect("applies");
        assert_eq!(meta.format, ReportFormat::Tabular);
    }

    #[test]
    fn malformed_overrides_are_refused() {
        let mut meta = saved();
        let overrides = json!({"reportFilters": [{"operator": "equals"}]});
        let error = meta
            .apply_overrides(overrides.as_object().expect("object"))
            .expect_err("refused");
        assert_eq!(error.status, axum::http::StatusCode::BAD_REQUEST);
        assert_eq!(error.errors[0].error_code, "BAD_REQUEST");
        let overrides = json!({"reportFormat": "PIVOT"});
        assert!(
            meta.apply_overrides(overrides.as_object().expect("object"))
                .is_err()
        );
    }

    #[test]
    fn metadata_json_has_the_wire_keys() {
        let json = saved().to_json(true);
        assert_eq!(json["reportFormat"], "SUMMARY");
        assert_eq!(json["reportType"]["type"], "CaseList");
        assert_eq!(json["groupingsDown"][0]["name"], "PRIORITY");
        assert_eq!(json["reportFilters"][0]["operator"], "notEqual");
        assert_eq!(json["standardDateFilter"]["durationValue"], "CUSTOM");
        assert_eq!(json["hasRecordCount"], true);
    }
}
