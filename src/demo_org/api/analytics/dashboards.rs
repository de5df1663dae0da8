//! Dashboard resources: the list, results (each component's report run over the live records),
//! refresh, status and describe. A refresh completes at once, so components always read `IDLE`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::engine::RunOptions;
use super::metadata::{ReportFormat, ReportMetadata};
use super::reports::run_report;
use super::values::analytics_timestamp;
use crate::demo_org::api::error::{ApiError, json_response};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::state::{AppState, DemoOrg, lock};
use crate::demo_org::store::{OrgData, format_datetime};

/// How a component draws its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visualization {
    Bar,
    Column,
    Donut,
    Pie,
    Line,
    Metric,
    Gauge,
    Table,
    FlexTable,
}

impl Visualization {
    fn wire_name(self) -> &'static str {
        match self {
            Visualization::Bar => "Bar",
            Visualization::Column => "Column",
            Visualization::Donut => "Donut",
            Visualization::Pie => "Pie",
            Visualization::Line => "Line",
            Visualization::Metric => "Metric",
            Visualization::Gauge => "Gauge",
            Visualization::Table => "Table",
            Visualization::FlexTable => "FlexTable",
        }
    }

    fn is_table(self) -> bool {
        matches!(self, Visualization::Table | Visualization::FlexTable)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DashboardComponent {
    pub id: String,
    pub report_id: String,
    pub header: Option<String>,
    pub title: String,
    pub footer: Option<String>,
    pub visualization: Visualization,
    /// The layout column (0-based) the component sits in.
    pub column: usize,
    /// Rows a table shows at most.
    pub max_rows: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    pub id: String,
    pub name: String,
    pub developer_name: String,
    pub description: Option<String>,
    pub folder_id: String,
    /// The user whose access the components' data is computed with.
    pub running_user_id: String,
    pub components: Vec<DashboardComponent>,
    pub last_refresh: DateTime<Utc>,
}

#[derive(Deserialize)]
pub struct DashboardPath {
    id: String,
}

pub fn dashboard_url(version: &ApiVersion, id: &str) -> String {
    format!("{}/analytics/dashboards/{id}", version.base())
}

/// A dashboard and the saved definitions of its components' reports.
fn load(
    state: &DemoOrg,
    id: &str,
) -> Result<(Dashboard, HashMap<String, ReportMetadata>), ApiError> {
    let analytics = lock(&state.analytics);
    let dashboard = analytics
        .dashboard(id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let reports = dashboard
        .components
        .iter()
        .filter_map(|c| analytics.report(&c.report_id))
        .map(|r| (r.id.clone(), r.clone()))
        .collect();
    Ok((dashboard, reports))
}

/// `dashboardMetadata`; `with_properties: false` leaves the component properties out.
fn metadata_json(
    version: &ApiVersion,
    dashboard: &Dashboard,
    reports: &HashMap<String, ReportMetadata>,
    org: &OrgData,
    with_properties: bool,
) -> Value {
    let running_user_name = org
        .get(&dashboard.running_user_id)
        .and_then(|u| u.get_str("Name"))
        .unwrap_or_default()
        .to_owned();
    let components: Vec<Value> = dashboard
        .components
        .iter()
        .enumerate()
        .map(|(index, component)| {
            let properties = if with_properties {
                component_properties(component, reports.get(&component.report_id))
            } else {
                Value::Null
            };
            json!({
                "componentData": index,
                "footer": component.footer,
                "header": component.header,
                "id": component.id,
                "properties": properties,
                "reportId": component.report_id,
                "title": component.title,
                "type": "Report",
            })
        })
        .collect();
    let column_count = dashboard
        .components
        .iter()
        .map(|c| c.column + 1)
        .max()
        .unwrap_or(0);
    let columns: Vec<Value> = (0..column_count)
        .map(|column| {
            let members: Vec<usize> = dashboard
                .components
                .iter()
                .enumerate()
                .filter(|(_, c)| c.column == column)
                .map(|(i, _)| i)
                .collect();
            json!({ "components": members })
        })
        .collect();
    let url = dashboard_url(version, &dashboard.id);
    json!({
        "attributes": {
            "dashboardId": dashboard.id,
            "dashboardName": dashboard.name,
            "statusUrl": format!("{url}/status"),
            "type": "Dashboard",
        },
        "canChangeRunningUser": false,
        "canUseStickyFilter": false,
        "chartTheme": "light",
        "colorPalette": "unity",
        "components": components,
        "dashboardType": "SpecifiedUser",
        "description": dashboard.description,
        "developerName": dashboard.developer_name,
        "filters": [],
        "folderId": dashboard.folder_id,
        "id": dashboard.id,
        "layout": { "columns": columns, "gridLayout": false },
        "maxFilterOptions": 50,
        "name": dashboard.name,
        "runningUser": { "displayName": running_user_name, "id": dashboard.running_user_id },
    })
}

/// The report groupings, summaries and table columns a component shows.
fn component_properties(component: &DashboardComponent, report: Option<&ReportMetadata>) -> Value {
    let Some(report) = report else {
        return Value::Null;
    };
    // Components chart the record count when the report has one, as new components do.
    let aggregate = report
        .aggregates
        .iter()
        .find(|a| *a == "RowCount")
        .or_else(|| report.aggregates.first())
        .cloned()
        .unwrap_or_else(|| "RowCount".to_owned());
    let groupings: Vec<Value> = report
        .groupings_down
        .iter()
        .chain(&report.groupings_across)
        .map(|g| json!({ "name": g.name, "sortAggregate": null, "sortOrder": g.sort_order.to_ascii_lowercase() }))
        .collect();
    let visualization_properties = match component.visualization {
        Visualization::Metric | Visualization::Gauge => json!({
            "breakPoints": [],
            "displayUnits": "auto",
            "drillURL": null,
            "metricLabel": component.title,
        }),
        Visualization::Table | Visualization::FlexTable => {
            let columns: Vec<Value> = if report.format == ReportFormat::Tabular {
                report
                    .detail_columns
                    .iter()
                    .map(|c| table_column(c, "detail"))
                    .collect()
            } else {
                report
                    .groupings_down
                    .iter()
                    .map(|g| table_column(&g.name, "grouping"))
                    .chain(
                        report
                            .aggregates
                            .iter()
                            .map(|a| table_column(a, "aggregate")),
                    )
                    .collect()
            };
            json!({
                "displayUnits": "auto",
                "drillURL": null,
                "flexTableType": if report.format == ReportFormat::Tabular { "tabular" } else { "summary" },
                "tableColumns": columns,
            })
        }
        _ => json!({
            "axisRange": "Auto",
            "decimalPrecision": -1,
            "displayUnits": "auto",
            "drillURL": null,
            "groupByType": if report.groupings_across.is_empty() { "none" } else { "stacked" },
            "legendPosition": "right",
            "showValues": true,
        }),
    };
    json!({
        "aggregates": [{ "name": aggregate }],
        "autoSelectColumns": false,
        "filterColumns": [],
        "groupings": if groupings.is_empty() { Value::Null } else { Value::Array(groupings) },
        "maxRows": component.max_rows,
        "reportFormat": report.format.wire_name(),
        "sort": null,
        "useReportChart": false,
        "visualizationProperties": visualization_properties,
        "visualizationType": component.visualization.wire_name(),
    })
}

fn table_column(column: &str, kind: &str) -> Value {
    json!({ "column": column, "isPercent": false, "scale": null, "showTotal": false, "type": kind })
}

/// One entry of `componentData`: the component's report run and its status.
fn component_data(
    component: &DashboardComponent,
    report: Option<&ReportMetadata>,
    org: &OrgData,
    now: DateTime<Utc>,
    refreshed: DateTime<Utc>,
) -> Value {
    let refresh_date = analytics_timestamp(refreshed);
    let run = report.ok_or_else(ApiError::not_found).and_then(|report| {
        // Tables show detail rows, up to their row limit; charts need only the summaries.
        let mut options = RunOptions::new(
            component.visualization.is_table() && report.format == ReportFormat::Tabular,
        );
        if let Some(max_rows) = component.max_rows {
            options.row_limit = max_rows;
        }
        run_report(report, org, now, options, Value::Null)
    });
    match run {
        Ok(result) => json!({
            "componentId": component.id,
            "reportResult": result.body,
            "status": {
                "dataStatus": if result.row_count > 0 { "DATA" } else { "NODATA" },
                "errorCode": null,
                "errorMessage": null,
                "errorSeverity": null,
                "refreshDate": refresh_date,
                "refreshStatus": "IDLE",
            },
        }),
        Err(error) => {
            let first = error.errors.first();
            json!({
                "componentId": component.id,
                "reportResult": null,
                "status": {
                    "dataStatus": "ERROR",
                    "errorCode": first.map(|e| e.error_code.clone()),
                    "errorMessage": first.map(|e| e.message.clone()),
                    "errorSeverity": "Error",
                    "refreshDate": refresh_date,
                    "refreshStatus": "IDLE",
                },
            })
        }
    }
}

/// `GET /analytics/dashboards`
pub async fn list(State(state): State<AppState>, version: ApiVersion) -> Response {
    let analytics = lock(&state.analytics);
    let dashboards: Vec<Value> = analytics
        .dashboards()
        .iter()
        .map(|d| {
            let url = dashboard_url(&version, &d.id);
            json!({ "id": d.id, "name": d.name, "statusUrl": format!("{url}/status"), "url": url })
        })
        .collect();
    json_response(StatusCode::OK, &Value::Array(dashboards))
}

/// `GET /analytics/dashboards/{id}`: metadata and every component's data.
pub async fn results(
    State(state): State<AppState>,
    version: ApiVersion,
    Path(path): Path<DashboardPath>,
) -> Result<Response, ApiError> {
    let (dashboard, reports) = load(&state, &path.id)?;
    let now = state.now();
    let org = state.read();
    let component_data: Vec<Value> = dashboard
        .components
        .iter()
        .map(|c| {
            component_data(
                c,
                reports.get(&c.report_id),
                &org,
                now,
                dashboard.last_refresh,
            )
        })
        .collect();
    let body = json!({
        "componentData": component_data,
        "dashboardMetadata": metadata_json(&version, &dashboard, &reports, &org, true),
    });
    Ok(json_response(StatusCode::OK, &body))
}

/// `PUT /analytics/dashboards/{id}`: refreshes the dashboard (done at once) and points to its
/// status.
pub async fn refresh(
    State(state): State<AppState>,
    version: ApiVersion,
    Path(path): Path<DashboardPath>,
) -> Result<Response, ApiError> {
    let now = state.now();
    let id = {
        let mut analytics = lock(&state.analytics);
        let dashboard = analytics
            .dashboard_mut(&path.id)
            .ok_or_else(ApiError::not_found)?;
        dashboard.last_refresh = now;
        dashboard.id.clone()
    };
    if let Some(record) = state.write().get_mut(&id) {
        record.fields.insert(
            "LastRefreshDate".into(),
            Value::String(format_datetime(now)),
        );
    }
    let status_url = format!("{}/status", dashboard_url(&version, &id));
    Ok(json_response(
        StatusCode::CREATED,
        &json!({ "statusUrl": status_url }),
    ))
}

/// `GET /analytics/dashboards/{id}/status`
pub async fn status(
    State(state): State<AppState>,
    _version: ApiVersion,
    Path(path): Path<DashboardPath>,
) -> Result<Response, ApiError> {
    let (dashboard, _) = load(&state, &path.id)?;
    let statuses: Vec<Value> = dashboard
        .components
        .iter()
        .map(|c| {
            json!({
                "componentId": c.id,
                "refreshDate": analytics_timestamp(dashboard.last_refresh),
                "refreshStatus": "IDLE",
            })
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "componentStatus": statuses }),
    ))
}

/// `GET /analytics/dashboards/{id}/describe[?loadComponentProperties=false]`: metadata only.
pub async fn describe(
    State(state): State<AppState>,
    version: ApiVersion,
    Path(path): Path<DashboardPath>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let with_properties = !query
        .get("loadComponentProperties")
        .is_some_and(|v| v.eq_ignore_ascii_case("false"));
    let (dashboard, reports) = load(&state, &path.id)?;
    let org = state.read();
    let body = metadata_json(&version, &dashboard, &reports, &org, with_properties);
    Ok(json_response(StatusCode::OK, &body))
}
