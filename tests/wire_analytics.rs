//! Reports and dashboards tools: the exact request each sends and the result it shapes from
//! Salesforce-shaped answers (insta snapshots), and the arguments refused before anything is sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::sf_json;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

const REPORT: &str = "00ODm0000000001AAA";
const DASHBOARD: &str = "01ZDm0000000001AAA";

/// Calls `tool` against a mock answering `verb path` with `response`; snapshots the one request
/// it sent and the shaped result (checked against the tool's output schema).
async fn wire(
    name: &str,
    tool: &str,
    args: Value,
    verb: &str,
    at: &str,
    response: ResponseTemplate,
) {
    let exchange = common::single_exchange(tool, args, verb, at, response).await;
    insta::assert_yaml_snapshot!(name, exchange);
}

fn report_list() -> Value {
    let entry = |id: &str, name: &str| {
        let url = format!("/services/data/v66.0/analytics/reports/{id}");
        json!({"describeUrl": format!("{url}/describe"), "id": id, "instancesUrl": format!("{url}/instances"), "name": name, "url": url})
    };
    json!([
        entry(REPORT, "Cases by Priority"),
        entry("00ODm0000000002AAA", "Open Cases"),
        entry("00ODm0000000003AAA", "Copilot Interactions by Outcome")
    ])
}

fn extended_metadata() -> Value {
    json!({
        "aggregateColumnInfo": {
            "RowCount": {"acrossGroupingContext": null, "dataType": "int", "downGroupingContext": null, "label": "Record Count"},
            "a!AGE": {"acrossGroupingContext": null, "dataType": "double", "downGroupingContext": null, "label": "Average Age"}
        },
        "detailColumnInfo": {
            "CASE_NUMBER": {"dataType": "string", "label": "Case Number"},
            "SUBJECT": {"dataType": "string", "label": "Subject"},
            "ACCOUNT.NAME": {"dataType": "string", "label": "Account Name"},
            "CREATED_DATE": {"dataType": "datetime", "label": "Date/Time Opened"}
        },
        "groupingColumnInfo": {
            "PRIORITY": {"dataType": "picklist", "groupingLevel": 0, "label": "Priority"},
            "ORIGIN": {"dataType": "picklist", "groupingLevel": 0, "label": "Case Origin"}
        }
    })
}

fn report_metadata(format: &str, down: Value, across: Value, filters: Value) -> Value {
    json!({
        "aggregates": ["a!AGE", "RowCount"], "chart": null, "crossFilters": [], "currency": null,
        "description": "All cases by priority, with their average age.",
        "detailColumns": ["CASE_NUMBER", "SUBJECT", "ACCOUNT.NAME", "CREATED_DATE"],
        "developerName": "Cases_by_Priority", "division": null, "folderId": "00lDm0000000001AAA",
        "groupingsAcross": across, "groupingsDown": down, "hasDetailRows": true, "hasRecordCount": true,
        "historicalSnapshotDates": [], "id": REPORT, "name": "Cases by Priority",
        "reportBooleanFilter": null, "reportFilters": filters, "reportFormat": format,
        "reportType": {"label": "Cases", "type": "CaseList"}, "scope": "organization",
        "showGrandTotal": true, "showSubtotals": true, "sortBy": [],
        "standardDateFilter": {"column": "CREATED_DATE", "durationValue": "CUSTOM", "endDate": null, "startDate": null},
        "standardFilters": []
    })
}

fn case_row(number: &str, id: &str, subject: &str, account: Option<(&str, &str)>) -> Value {
    let account = match account {
        Some((name, id)) => json!({"label": name, "value": id}),
        None => json!({"label": "-", "value": null}),
    };
    json!({"dataCells": [
        {"label": number, "value": id},
        {"label": subject, "value": subject},
        account,
        {"label": "11/18/2026 9:14 AM", "value": "2026-11-18T09:14:00Z"}
    ]})
}

/// A factMap entry: average age and record count (an average of no records is Salesforce's "-").
fn facts(count: u64, age: f64, rows: Value) -> Value {
    let average = if count == 0 {
        json!({"label": "-", "value": null})
    } else {
        json!({"label": format!("{age:.1}"), "value": age})
    };
    json!({"aggregates": [average, {"label": count.to_string(), "value": count}], "rows": rows})
}

fn attributes() -> Value {
    json!({"describeUrl": format!("/services/data/v66.0/analytics/reports/{REPORT}/describe"),
           "instancesUrl": format!("/services/data/v66.0/analytics/reports/{REPORT}/instances"),
           "reportId": REPORT, "reportName": "Cases by Priority", "type": "Report"})
}

fn summary_run() -> Value {
    json!({
        "attributes": attributes(),
        "allData": true,
        "factMap": {
            "0!T": facts(1, 6.0, json!([case_row("00001007", "500Dm0000000007AAA", "Checkout fails for every EU customer", Some(("Zava Retail", "001Dm0000000003AAA")))])),
            "1!T": facts(2, 2.5, json!([
                case_row("00001002", "500Dm0000000002AAA", "Dashboard is slow", Some(("Contoso", "001Dm0000000001AAA"))),
                case_row("00001004", "500Dm0000000004AAA", "Export to CSV times out", None)
            ])),
            "T!T": facts(3, 3.7, json!([]))
        },
        "groupingsAcross": {"groupings": []},
        "groupingsDown": {"groupings": [
            {"groupings": [], "key": "0", "label": "Critical", "value": "Critical"},
            {"groupings": [], "key": "1", "label": "High", "value": "High"}
        ]},
        "hasDetailRows": true,
        "reportExtendedMetadata": extended_metadata(),
        "reportMetadata": report_metadata("SUMMARY", json!([{"dateGranularity": "None", "name": "PRIORITY", "sortAggregate": null, "sortOrder": "Asc"}]), json!([]), json!([]))
    })
}

fn tabular_run_with_filters() -> Value {
    let filters = json!([
        {"column": "PRIORITY", "filterType": "fieldValue", "isRunPageEditable": true, "operator": "equals", "value": "High,Critical"},
        {"column": "ORIGIN", "filterType": "fieldValue", "isRunPageEditable": true, "operator": "equals", "value": "Web"},
        {"column": "STATUS", "filterType": "fieldValue", "isRunPageEditable": true, "operator": "notEqual", "value": "Closed"}
    ]);
    let mut metadata = report_metadata("TABULAR", json!([]), json!([]), filters);
    metadata["reportBooleanFilter"] = json!("1 AND (2 OR 3)");
    json!({
        "attributes": attributes(),
        "allData": true,
        "factMap": {"T!T": facts(2, 2.5, json!([
            case_row("00001002", "500Dm0000000002AAA", "Dashboard is slow", Some(("Contoso", "001Dm0000000001AAA"))),
            case_row("00001004", "500Dm0000000004AAA", "Export to CSV times out", None)
        ]))},
        "groupingsAcross": {"groupings": []},
        "groupingsDown": {"groupings": []},
        "hasDetailRows": true,
        "reportExtendedMetadata": extended_metadata(),
        "reportMetadata": metadata
    })
}

fn matrix_run() -> Value {
    json!({
        "attributes": attributes(),
        "allData": true,
        "factMap": {
            "0!0": facts(2, 1.0, json!([])), "0!1": facts(1, 4.0, json!([])), "0!T": facts(3, 2.0, json!([])),
            "1!0": facts(0, 0.0, json!([])), "1!1": facts(2, 3.0, json!([])), "1!T": facts(2, 3.0, json!([])),
            "T!0": facts(2, 1.0, json!([])), "T!1": facts(3, 3.3, json!([])), "T!T": facts(5, 2.4, json!([]))
        },
        "groupingsAcross": {"groupings": [
            {"groupings": [], "key": "0", "label": "Web", "value": "Web"},
            {"groupings": [], "key": "1", "label": "Phone", "value": "Phone"}
        ]},
        "groupingsDown": {"groupings": [
            {"groupings": [], "key": "0", "label": "Performance", "value": "Performance"},
            {"groupings": [], "key": "1", "label": "Configuration", "value": "Configuration"}
        ]},
        "hasDetailRows": false,
        "reportExtendedMetadata": {
            "aggregateColumnInfo": extended_metadata()["aggregateColumnInfo"],
            "detailColumnInfo": {},
            "groupingColumnInfo": {
                "REASON": {"dataType": "picklist", "groupingLevel": 0, "label": "Case Reason"},
                "ORIGIN": {"dataType": "picklist", "groupingLevel": 0, "label": "Case Origin"}
            }
        },
        "reportMetadata": report_metadata("MATRIX",
            json!([{"dateGranularity": "None", "name": "REASON", "sortAggregate": "RowCount", "sortOrder": "Desc"}]),
            json!([{"dateGranularity": "None", "name": "ORIGIN", "sortAggregate": null, "sortOrder": "Asc"}]),
            json!([]))
    })
}

fn describe() -> Value {
    json!({
        "reportExtendedMetadata": extended_metadata(),
        "reportMetadata": report_metadata("SUMMARY",
            json!([{"dateGranularity": "None", "name": "PRIORITY", "sortAggregate": null, "sortOrder": "Asc"}]),
            json!([]),
            json!([{"column": "STATUS", "filterType": "fieldValue", "isRunPageEditable": true, "operator": "notEqual", "value": "Closed"}])),
        "reportTypeMetadata": {
            "categories": [
                {"label": "Case Information", "columns": {
                    "CASE_NUMBER": {"dataType": "string", "filterValues": [], "filterable": true, "label": "Case Number", "uniqueCountable": true},
                    "STATUS": {"dataType": "picklist", "filterValues": [{"label": "New", "name": "New"}, {"label": "Working", "name": "Working"}, {"label": "Closed", "name": "Closed"}], "filterable": true, "label": "Status", "uniqueCountable": true},
                    "CLOSED": {"dataType": "boolean", "filterValues": [{"label": "True", "name": "true"}, {"label": "False", "name": "false"}], "filterable": true, "label": "Closed", "uniqueCountable": true},
                    "DESCRIPTION": {"dataType": "textarea", "filterValues": [], "filterable": false, "label": "Description", "uniqueCountable": false}
                }},
                {"label": "Account Information", "columns": {
                    "ACCOUNT.NAME": {"dataType": "string", "filterValues": [], "filterable": true, "label": "Account Name", "uniqueCountable": true}
                }}
            ],
            "dataTypeFilterOperatorMap": {"string": [{"label": "equals", "name": "equals"}]},
            "standardDateFilterDurationGroups": []
        }
    })
}

fn dashboard() -> Value {
    let mut tabular = tabular_run_with_filters();
    tabular["reportMetadata"]["name"] = json!("Escalated or Critical Open Cases");
    json!({
        "componentData": [
            {"componentId": "01aDm0000000001AAA", "reportResult": summary_run(), "status": {
                "dataStatus": "DATA", "errorCode": null, "errorMessage": null, "errorSeverity": null,
                "refreshDate": "2026-11-20T08:00:00Z", "refreshStatus": "IDLE"}},
            {"componentId": "01aDm0000000002AAA", "reportResult": tabular, "status": {
                "dataStatus": "DATA", "errorCode": null, "errorMessage": null, "errorSeverity": null,
                "refreshDate": "2026-11-20T08:00:00Z", "refreshStatus": "IDLE"}},
            {"componentId": "01aDm0000000003AAA", "reportResult": null, "status": {
                "dataStatus": "ERROR", "errorCode": "NOT_FOUND", "errorMessage": "The report was deleted.", "errorSeverity": "Error",
                "refreshDate": "2026-11-20T08:00:00Z", "refreshStatus": "IDLE"}}
        ],
        "dashboardMetadata": {
            "attributes": {"dashboardId": DASHBOARD, "dashboardName": "Support Overview", "statusUrl": format!("/services/data/v66.0/analytics/dashboards/{DASHBOARD}/status"), "type": "Dashboard"},
            "canChangeRunningUser": false,
            "components": [
                {"componentData": 0, "footer": null, "header": null, "id": "01aDm0000000001AAA", "properties": {"visualizationType": "Donut", "aggregates": [{"name": "RowCount"}]}, "reportId": REPORT, "title": "Cases by Priority", "type": "Report"},
                {"componentData": 1, "footer": "Oldest first", "header": null, "id": "01aDm0000000002AAA", "properties": {"visualizationType": "FlexTable"}, "reportId": "00ODm0000000006AAA", "title": "Escalated or Critical Open Cases", "type": "Report"},
                {"componentData": 2, "footer": null, "header": null, "id": "01aDm0000000003AAA", "properties": null, "reportId": "00ODm0000000009AAA", "title": "Deleted Report", "type": "Report"}
            ],
            "dashboardType": "SpecifiedUser", "description": "Case backlog and volume of the support team.",
            "developerName": "Support_Overview", "filters": [], "folderId": "00lDm0000000003AAA", "id": DASHBOARD,
            "layout": {"columns": [{"components": [0, 1]}, {"components": [2]}]}, "name": "Support Overview",
            "runningUser": {"displayName": "Ada Admin", "id": "005Dm0000000001AAA"}
        }
    })
}

#[tokio::test]
async fn list_reports() {
    wire(
        "list_reports",
        "list_reports",
        json!({}),
        "GET",
        "/services/data/v66.0/analytics/reports",
        sf_json(200, report_list()),
    )
    .await;
}

#[tokio::test]
async fn list_reports_by_name() {
    wire(
        "list_reports_by_name",
        "list_reports",
        json!({"name_contains": "case"}),
        "GET",
        "/services/data/v66.0/analytics/reports",
        sf_json(200, report_list()),
    )
    .await;
}

#[tokio::test]
async fn get_report() {
    wire(
        "get_report",
        "get_report",
        json!({"report_id": REPORT}),
        "GET",
        &format!("/services/data/v66.0/analytics/reports/{REPORT}/describe"),
        sf_json(200, describe()),
    )
    .await;
}

#[tokio::test]
async fn run_report_summary_as_saved() {
    wire(
        "run_report_summary",
        "run_report",
        json!({"report_id": REPORT}),
        "POST",
        &format!("/services/data/v66.0/analytics/reports/{REPORT}"),
        sf_json(200, summary_run()),
    )
    .await;
}

#[tokio::test]
async fn run_report_summary_with_a_row_budget() {
    wire(
        "run_report_row_budget",
        "run_report",
        json!({"report_id": REPORT, "max_rows": 2}),
        "POST",
        &format!("/services/data/v66.0/analytics/reports/{REPORT}"),
        sf_json(200, summary_run()),
    )
    .await;
}

#[tokio::test]
async fn run_report_with_filters_sends_report_metadata() {
    let args = json!({
        "report_id": REPORT,
        "filters": [
            {"column": "PRIORITY", "operator": "equals", "value": "High,Critical"},
            {"column": "ORIGIN", "operator": "equals", "value": "Web"},
            {"column": "STATUS", "operator": "notEqual", "value": "Closed"}
        ],
        "boolean_filter": "1 AND (2 OR 3)"
    });
    wire(
        "run_report_filtered",
        "run_report",
        args,
        "POST",
        &format!("/services/data/v66.0/analytics/reports/{REPORT}"),
        sf_json(200, tabular_run_with_filters()),
    )
    .await;
}

#[tokio::test]
async fn run_report_matrix_without_details() {
    wire(
        "run_report_matrix",
        "run_report",
        json!({"report_id": REPORT, "include_details": false}),
        "POST",
        &format!("/services/data/v66.0/analytics/reports/{REPORT}"),
        sf_json(200, matrix_run()),
    )
    .await;
}

#[tokio::test]
async fn run_report_bad_filter_column() {
    let args = json!({"report_id": REPORT, "filters": [{"column": "NO_SUCH_COLUMN", "operator": "equals", "value": "x"}]});
    let error = json!([{"errorCode": "BAD_REQUEST", "message": "The column NO_SUCH_COLUMN is not valid for the report type Cases."}]);
    wire(
        "run_report_bad_column",
        "run_report",
        args,
        "POST",
        &format!("/services/data/v66.0/analytics/reports/{REPORT}"),
        sf_json(400, error),
    )
    .await;
}

#[tokio::test]
async fn list_dashboards() {
    let url = format!("/services/data/v66.0/analytics/dashboards/{DASHBOARD}");
    let body = json!([
        {"id": DASHBOARD, "name": "Support Overview", "statusUrl": format!("{url}/status"), "url": url},
        {"id": "01ZDm0000000002AAA", "name": "Copilot Deflection", "statusUrl": "/services/data/v66.0/analytics/dashboards/01ZDm0000000002AAA/status", "url": "/services/data/v66.0/analytics/dashboards/01ZDm0000000002AAA"}
    ]);
    wire(
        "list_dashboards",
        "list_dashboards",
        json!({}),
        "GET",
        "/services/data/v66.0/analytics/dashboards",
        sf_json(200, body),
    )
    .await;
}

#[tokio::test]
async fn get_dashboard() {
    wire(
        "get_dashboard",
        "get_dashboard",
        json!({"dashboard_id": DASHBOARD}),
        "GET",
        &format!("/services/data/v66.0/analytics/dashboards/{DASHBOARD}"),
        sf_json(200, dashboard()),
    )
    .await;
}

#[tokio::test]
async fn refresh_dashboard() {
    let body = json!({"statusUrl": format!("/services/data/v66.0/analytics/dashboards/{DASHBOARD}/status")});
    wire(
        "refresh_dashboard",
        "refresh_dashboard",
        json!({"dashboard_id": DASHBOARD}),
        "PUT",
        &format!("/services/data/v66.0/analytics/dashboards/{DASHBOARD}"),
        sf_json(200, body),
    )
    .await;
}

#[tokio::test]
async fn ids_filters_and_budgets_are_checked_before_sending() {
    for id in [
        "../../limits",
        "00ODm0000000001AAA/describe",
        "00O",
        "00ODm000000'001AAA",
    ] {
        common::refused("run_report", json!({"report_id": id})).await;
        common::refused("get_report", json!({"report_id": id})).await;
        common::refused("get_dashboard", json!({"dashboard_id": id})).await;
        common::refused("refresh_dashboard", json!({"dashboard_id": id})).await;
    }
    for filter in [
        json!({"column": "STATUS", "operator": "like", "value": "x"}),
        json!({"column": "STATUS) OR (1", "operator": "equals", "value": "x"}),
        json!({"column": "STATUS", "operator": "equals"}),
        json!({"column": "STATUS", "operator": "equals", "value": "x", "extra": 1}),
    ] {
        common::refused(
            "run_report",
            json!({"report_id": REPORT, "filters": [filter]}),
        )
        .await;
    }
    common::refused("run_report", json!({"report_id": REPORT, "filters": []})).await;
    common::refused(
        "run_report",
        json!({"report_id": REPORT, "boolean_filter": "1 AND DROP"}),
    )
    .await;
    common::refused("run_report", json!({"report_id": REPORT, "max_rows": 0})).await;
    common::refused("run_report", json!({"report_id": REPORT, "max_rows": 2001})).await;
}
