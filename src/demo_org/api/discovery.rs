//! Discovery and org information: `GET /services/data/` (API versions, no session needed),
//! `GET /services/data/vXX.X/` (resources by version), `/limits` and `/limits/recordCount`.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::error::json_response;
use super::oauth::{identity_url, instance_url};
use super::version::{ApiVersion, MAX_VERSION, MIN_VERSION};
use crate::demo_org::state::{AppState, lock};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services/data", get(versions))
        .route("/services/data/", get(versions))
        .route("/services/data/{version}", get(resources))
        .route("/services/data/{version}/", get(resources))
        .route("/services/data/{version}/limits", get(limits))
        .route("/services/data/{version}/limits/", get(limits))
        .route(
            "/services/data/{version}/limits/recordCount",
            get(record_count),
        )
}

/// The release a version shipped in: v20.0 was Winter '11, then three releases a year.
fn release_label(major: u32) -> String {
    let since_winter_11 = major.saturating_sub(20);
    let season = ["Winter", "Spring", "Summer"]
        .get(usize::try_from(since_winter_11 % 3).unwrap_or(0))
        .copied()
        .unwrap_or("Winter");
    let year = 11 + since_winter_11 / 3;
    format!("{season} '{year:02}")
}

/// Every version the org answers, oldest first.
pub fn version_list() -> Vec<Value> {
    let (first, last) = (MIN_VERSION as u32, MAX_VERSION as u32);
    (first..=last)
        .map(|major| {
            json!({
                "label": release_label(major),
                "url": format!("/services/data/v{major}.0"),
                "version": format!("{major}.0"),
            })
        })
        .collect()
}

async fn versions() -> Response {
    json_response(StatusCode::OK, &Value::Array(version_list()))
}

/// The resources this org serves under a version.
const RESOURCES: &[&str] = &[
    "sobjects",
    "query",
    "queryAll",
    "search",
    "limits",
    "composite",
    "tooling",
    "analytics",
    "chatter",
    "connect",
    "knowledgeManagement",
    "support",
    "actions",
];

async fn resources(
    State(org): State<AppState>,
    version: ApiVersion,
    headers: HeaderMap,
) -> Response {
    let mut map = Map::new();
    for name in RESOURCES {
        map.insert(
            (*name).to_owned(),
            json!(format!("{}/{name}", version.base())),
        );
    }
    map.insert(
        "identity".into(),
        json!(identity_url(&instance_url(&headers), &org.current_user_id)),
    );
    json_response(StatusCode::OK, &Value::Object(map))
}

/// Limits the org reports besides the API requests: fixed maxima of an Enterprise org, nothing
/// used, except storage (from the record count) and single emails (from the outbox).
const FIXED_LIMITS: &[(&str, u64)] = &[
    ("ActiveScratchOrgs", 3),
    ("AnalyticsExternalDataSizeMB", 40_960),
    ("ConcurrentAsyncGetReportInstances", 200),
    ("ConcurrentSyncReportRuns", 20),
    ("DailyAnalyticsDataflowJobExecutions", 60),
    ("DailyAsyncApexExecutions", 250_000),
    ("DailyBulkApiBatches", 15_000),
    ("DailyBulkV2QueryFileStorageMB", 976_562),
    ("DailyBulkV2QueryJobs", 10_000),
    ("DailyDurableGenericStreamingApiEvents", 10_000),
    ("DailyDurableStreamingApiEvents", 10_000),
    ("DailyGenericStreamingApiEvents", 10_000),
    ("DailyStandardVolumePlatformEvents", 10_000),
    ("DailyStreamingApiEvents", 10_000),
    ("DailyWorkflowEmails", 2_000),
    ("DurableStreamingApiConcurrentClients", 20),
    ("FileStorageMB", 10_240),
    ("HourlyAsyncReportRuns", 1_200),
    ("HourlyDashboardRefreshes", 200),
    ("HourlyDashboardResults", 5_000),
    ("HourlyDashboardStatuses", 999_999_999),
    ("HourlyLongTermIdMapping", 100_000),
    ("HourlyODataCallout", 10_000),
    ("HourlyPublishedPlatformEvents", 50_000),
    ("HourlySyncReportRuns", 500),
    ("HourlyTimeBasedWorkflow", 1_000),
    ("MassEmail", 5_000),
    ("MonthlyPlatformEventsUsageEntitlement", 300_000),
    ("PermissionSets", 1_500),
    ("StreamingApiConcurrentClients", 20),
];

const DATA_STORAGE_MB: u64 = 10_240;
/// Salesforce counts most records as 2 KB of data storage.
const RECORD_KB: u64 = 2;
const SINGLE_EMAIL_LIMIT: u64 = 5_000;

/// `GET /limits`: every limit as `{"Max","Remaining"}`; DailyApiRequests counts the calls made.
async fn limits(State(org): State<AppState>) -> Response {
    let mut map = Map::new();
    let max = org.settings.daily_api_limit;
    let used_limits: [(&str, u64, u64); 3] = [
        ("DailyApiRequests", max, max.saturating_sub(org.api_calls())),
        ("DataStorageMB", DATA_STORAGE_MB, {
            let records: u64 = {
                let data = org.read();
                data.schema
                    .objects()
                    .map(|o| u64::try_from(data.count(&o.name)).unwrap_or(0))
                    .sum()
            };
            DATA_STORAGE_MB.saturating_sub(records * RECORD_KB / 1024)
        }),
        ("SingleEmail", SINGLE_EMAIL_LIMIT, {
            let sent = u64::try_from(lock(&org.outbox).len()).unwrap_or(0);
            SINGLE_EMAIL_LIMIT.saturating_sub(sent)
        }),
    ];
    let mut all: Vec<(&str, u64, u64)> = FIXED_LIMITS
        .iter()
        .map(|(name, max)| (*name, *max, *max))
        .chain(used_limits)
        .collect();
    all.sort_by(|a, b| a.0.cmp(b.0));
    for (name, max, remaining) in all {
        map.insert(name.to_owned(), json!({"Max": max, "Remaining": remaining}));
    }
    json_response(StatusCode::OK, &Value::Object(map))
}

/// `GET /limits/recordCount?sObjects=Account,Case`: live records per object (every data object
/// when `sObjects` is absent; unknown names are left out).
async fn record_count(
    State(org): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let data = org.read();
    let names: Vec<String> = match params.get("sObjects") {
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter_map(|n| data.schema.object(n))
            .filter(|o| !o.tooling)
            .map(|o| o.name.clone())
            .collect(),
        None => data
            .schema
            .objects()
            .filter(|o| !o.tooling)
            .map(|o| o.name.clone())
            .collect(),
    };
    let counts: Vec<Value> = names
        .iter()
        .map(|name| json!({"count": data.count(name), "name": name}))
        .collect();
    json_response(StatusCode::OK, &json!({"sObjects": counts}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_labels_follow_salesforce() {
        assert_eq!(release_label(20), "Winter '11");
        assert_eq!(release_label(31), "Summer '14");
        assert_eq!(release_label(66), "Spring '26");
        let list = version_list();
        assert_eq!(
            list.first().and_then(|v| v.get("version")),
            Some(&json!("31.0"))
        );
        assert_eq!(
            list.last(),
            Some(&json!({"label": "Spring '26", "url": "/services/data/v66.0", "version": "66.0"}))
        );
    }
}
