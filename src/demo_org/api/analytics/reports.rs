//! Report resources: the list, describe, synchronous runs (GET as saved, POST with metadata
//! overrides) and asynchronous runs kept as report instances.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::describe::report_type_metadata;
use super::engine::{self, RunOptions};
use super::metadata::{ReportMetadata, invalid};
use super::plan::Plan;
use super::values::analytics_timestamp;
use crate::demo_org::api::error::{ApiError, json_response, no_content};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::state::{AppState, DemoOrg, lock};
use crate::demo_org::store::{OrgData, format_datetime};

#[derive(Deserialize)]
pub struct ReportPath {
    id: String,
}

#[derive(Deserialize)]
pub struct InstancePath {
    id: String,
    instance_id: String,
}

/// An asynchronous run. The demo org runs it at once, so it is complete when created.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportInstance {
    pub id: String,
    pub report_id: String,
    pub report_name: String,
    pub owner_id: String,
    pub requested: DateTime<Utc>,
    pub completed: Option<DateTime<Utc>>,
    /// `New`, `Running`, `Success` or `Error`.
    pub status: String,
    pub has_detail_rows: bool,
    /// The run's response body, without `attributes`.
    pub result: Value,
}

impl ReportInstance {
    fn url(&self, version: &ApiVersion) -> String {
        format!(
            "{}/instances/{}",
            report_url(version, &self.report_id),
            self.id
        )
    }

    fn summary_json(&self, version: &ApiVersion) -> Value {
        json!({
            "completionDate": self.completed.map(analytics_timestamp),
            "hasDetailRows": self.has_detail_rows,
            "id": self.id,
            "ownerId": self.owner_id,
            "queryable": false,
            "requestDate": analytics_timestamp(self.requested),
            "status": self.status,
            "url": self.url(version),
        })
    }

    fn results_json(&self) -> Value {
        let mut body = Map::new();
        body.insert(
            "attributes".into(),
            json!({
                "completionDate": self.completed.map(analytics_timestamp),
                "id": self.id,
                "ownerId": self.owner_id,
                "reportId": self.report_id,
                "reportName": self.report_name,
                "requestDate": analytics_timestamp(self.requested),
                "status": self.status,
                "type": "ReportInstance",
            }),
        );
        if let Value::Object(result) = &self.result {
            body.extend(result.clone());
        }
        Value::Object(body)
    }
}

/// The response of a run and how many rows passed its filters.
pub struct RunResult {
    pub body: Value,
    pub row_count: usize,
}

/// Runs a report definition over `org` and builds the run's response body.
pub fn run_report(
    meta: &ReportMetadata,
    org: &OrgData,
    now: DateTime<Utc>,
    options: RunOptions,
    attributes: Value,
) -> Result<RunResult, ApiError> {
    let (plan, effective) = Plan::new(meta, now.date_naive())?;
    let run = engine::run(&plan, org, now, options);
    let body = json!({
        "attributes": attributes,
        "allData": run.all_data,
        "factMap": run.fact_map,
        "groupingsAcross": run.groupings_across,
        "groupingsDown": run.groupings_down,
        "hasDetailRows": run.has_detail_rows,
        "reportExtendedMetadata": plan.extended_metadata(),
        "reportMetadata": effective.to_json(run.has_detail_rows),
    });
    Ok(RunResult {
        body,
        row_count: run.row_count,
    })
}

pub fn report_url(version: &ApiVersion, id: &str) -> String {
    format!("{}/analytics/reports/{id}", version.base())
}

fn report_attributes(version: &ApiVersion, meta: &ReportMetadata) -> Value {
    let url = report_url(version, &meta.id);
    json!({
        "describeUrl": format!("{url}/describe"),
        "instancesUrl": format!("{url}/instances"),
        "reportId": meta.id,
        "reportName": meta.name,
        "type": "Report",
    })
}

/// The saved definition of a report; 404 for unknown and malformed ids alike.
fn saved_report(state: &DemoOrg, id: &str) -> Result<ReportMetadata, ApiError> {
    lock(&state.analytics)
        .report(id)
        .cloned()
        .ok_or_else(ApiError::not_found)
}

/// `includeDetails=true` asks for detail rows; they are left out otherwise.
fn include_details(query: &HashMap<String, String>) -> Result<bool, ApiError> {
    match query.get("includeDetails").map(|v| v.to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if v == "true" => Ok(true),
        Some(v) if v == "false" => Ok(false),
        Some(v) => Err(invalid(format!(
            "The value {v} of includeDetails is not valid. Use true or false."
        ))),
    }
}

/// The `reportMetadata` of a run request body; `None` for an empty body or `{}`.
fn metadata_overrides(body: &Bytes) -> Result<Option<Map<String, Value>>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(body).map_err(ApiError::json_parser)?;
    let Value::Object(mut object) = value else {
        return Err(ApiError::json_parser("expected a JSON object"));
    };
    match object.remove("reportMetadata") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(meta)) => Ok(Some(meta)),
        Some(_) => Err(invalid("reportMetadata must be an object.")),
    }
}

/// Records the run on the `Report` record, as Salesforce updates `LastRunDate`.
fn note_run(state: &DemoOrg, report_id: &str, now: DateTime<Utc>) {
    let mut org = state.write();
    if let Some(record) = org.get_mut(report_id) {
        record
            .fields
            .insert("LastRunDate".into(), Value::String(format_datetime(now)));
    }
}

/// Runs a report (with overrides) against the org as it is now.
fn run_now(
    state: &DemoOrg,
    meta: &ReportMetadata,
    include: bool,
    attributes: Value,
) -> Result<RunResult, ApiError> {
    let now = state.now();
    let result = {
        let org = state.read();
        run_report(meta, &org, now, RunOptions::new(include), attributes)?
    };
    note_run(state, &meta.id, now);
    Ok(result)
}

fn effective_metadata(
    state: &DemoOrg,
    id: &str,
    body: Option<&Bytes>,
) -> Result<ReportMetadata, ApiError> {
    let mut meta = saved_report(state, id)?;
    if let Some(overrides) = body.map(metadata_overrides).transpose()?.flatten() {
        meta.apply_overrides(&overrides)?;
    }
    Ok(meta)
}

/// `GET /analytics/reports`
pub async fn list(State(state): State<AppState>, version: ApiVersion) -> Response {
    let analytics = lock(&state.analytics);
    let reports: Vec<Value> = analytics
        .reports()
        .iter()
        .map(|r| {
            let url = report_url(&version, &r.id);
            json!({
                "describeUrl": format!("{url}/describe"),
                "id": r.id,
                "instancesUrl": format!("{url}/instances"),
                "name": r.name,
                "url": url,
            })
        })
        .collect();
    json_response(StatusCode::OK, &Value::Array(reports))
}

/// `GET /analytics/reports/{id}/describe`
pub async fn describe(
    State(state): State<AppState>,
    _version: ApiVersion,
    Path(path): Path<ReportPath>,
) -> Result<Response, ApiError> {
    let meta = saved_report(&state, &path.id)?;
    let today = state.now().date_naive();
    let (plan, _) = Plan::new(&meta, today)?;
    let type_metadata = report_type_metadata(meta.report_type, &state.read().schema, today);
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "reportExtendedMetadata": plan.extended_metadata(),
            "reportMetadata": meta.to_json(true),
            "reportTypeMetadata": type_metadata,
        }),
    ))
}

/// `GET /analytics/reports/{id}[?includeDetails=true]`: runs the report as saved.
pub async fn run_saved(
    State(state): State<AppState>,
    version: ApiVersion,
    Path(path): Path<ReportPath>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let meta = effective_metadata(&state, &path.id, None)?;
    let include = include_details(&query)?;
    let result = run_now(&state, &meta, include, report_attributes(&version, &meta))?;
    Ok(json_response(StatusCode::OK, &result.body))
}

/// `POST /analytics/reports/{id}[?includeDetails=true]` with an optional `{"reportMetadata"}`.
pub async fn run_with_metadata(
    State(state): State<AppState>,
    version: ApiVersion,
    Path(path): Path<ReportPath>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let meta = effective_metadata(&state, &path.id, Some(&body))?;
    let include = include_details(&query)?;
    let result = run_now(&state, &meta, include, report_attributes(&version, &meta))?;
    Ok(json_response(StatusCode::OK, &result.body))
}

/// `POST /analytics/reports/{id}/instances`: an asynchronous run, finished on arrival.
pub async fn create_instance(
    State(state): State<AppState>,
    version: ApiVersion,
    Path(path): Path<ReportPath>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let meta = effective_metadata(&state, &path.id, Some(&body))?;
    let include = include_details(&query)?;
    let requested = state.now();
    let mut result = run_now(&state, &meta, include, Value::Null)?.body;
    if let Value::Object(fields) = &mut result {
        fields.remove("attributes");
    }
    let mut instance = ReportInstance {
        id: String::new(),
        report_id: meta.id.clone(),
        report_name: meta.name.clone(),
        owner_id: state.current_user_id.clone(),
        requested,
        completed: Some(state.now()),
        status: "Success".to_owned(),
        has_detail_rows: include,
        result,
    };
    instance.id = lock(&state.analytics).add_instance(instance.clone());
    Ok(json_response(
        StatusCode::OK,
        &instance.summary_json(&version),
    ))
}

/// `GET /analytics/reports/{id}/instances`: the last day's instances, newest first.
pub async fn list_instances(
    State(state): State<AppState>,
    version: ApiVersion,
    Path(path): Path<ReportPath>,
) -> Result<Response, ApiError> {
    let report_id = saved_report(&state, &path.id)?.id;
    let since = state.now() - Duration::hours(24);
    let analytics = lock(&state.analytics);
    let instances: Vec<Value> = analytics
        .instances
        .iter()
        .rev()
        .filter(|i| i.report_id == report_id && i.requested >= since)
        .map(|i| i.summary_json(&version))
        .collect();
    Ok(json_response(StatusCode::OK, &Value::Array(instances)))
}

/// `GET /analytics/reports/{id}/instances/{instanceId}`
pub async fn instance_results(
    State(state): State<AppState>,
    _version: ApiVersion,
    Path(path): Path<InstancePath>,
) -> Result<Response, ApiError> {
    let report_id = saved_report(&state, &path.id)?.id;
    let analytics = lock(&state.analytics);
    let instance = analytics
        .instance(&report_id, &path.instance_id)
        .ok_or_else(ApiError::not_found)?;
    Ok(json_response(StatusCode::OK, &instance.results_json()))
}

/// `DELETE /analytics/reports/{id}/instances/{instanceId}`
pub async fn delete_instance(
    State(state): State<AppState>,
    _version: ApiVersion,
    Path(path): Path<InstancePath>,
) -> Result<Response, ApiError> {
    let report_id = saved_report(&state, &path.id)?.id;
    if lock(&state.analytics).remove_instance(&report_id, &path.instance_id) {
        Ok(no_content())
    } else {
        Err(ApiError::not_found())
    }
}
