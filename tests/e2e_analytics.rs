//! Reports and dashboards tools against the embedded demo org: the numbers they shape agree with
//! the records SOQL counts, filters narrow a run, and a refresh shows in the dashboard.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{call_err, call_ok, demo_engine};
use rmcp::model::CallToolRequestParams;
use salesforce_mcp::engine::Engine;
use serde_json::{Value, json};

/// The Id of a seeded report, found the way an agent would: SOQL on Report.
async fn report_id(engine: &Engine, developer_name: &str) -> String {
    let found = call_ok(
        engine,
        "query",
        json!({"soql": format!("SELECT Id, Name FROM Report WHERE DeveloperName = '{developer_name}'")}),
    )
    .await;
    found["records"][0]["Id"]
        .as_str()
        .unwrap_or_else(|| panic!("no report {developer_name}: {found}"))
        .to_owned()
}

async fn count(engine: &Engine, soql: &str) -> u64 {
    let result = call_ok(engine, "query", json!({"soql": soql})).await;
    result["totalSize"].as_u64().expect("totalSize")
}

fn record_count(aggregates: &Value) -> u64 {
    aggregates["Record Count"]
        .as_u64()
        .unwrap_or_else(|| panic!("no Record Count in {aggregates}"))
}

#[tokio::test]
async fn list_reports_finds_the_seeded_reports_by_name() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let listed = call_ok(engine, "list_reports", json!({"name_contains": "cases by"})).await;
    let names: Vec<&str> = listed["reports"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert!(names.contains(&"Cases by Priority"), "{names:?}");
    assert!(
        names.iter().all(|n| n.to_lowercase().contains("cases by")),
        "{names:?}"
    );
    let by_priority = listed["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Cases by Priority")
        .unwrap();
    assert_eq!(
        by_priority["id"].as_str(),
        Some(report_id(engine, "Cases_by_Priority").await.as_str())
    );
}

#[tokio::test]
async fn get_report_shows_the_definition_and_what_filters_may_name() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let id = report_id(engine, "Cases_by_Priority").await;
    let definition = call_ok(engine, "get_report", json!({"report_id": id})).await;
    assert_eq!(definition["format"], "SUMMARY");
    assert_eq!(definition["groupingsDown"][0]["name"], "PRIORITY");
    assert_eq!(definition["groupingsDown"][0]["label"], "Priority");
    let aggregates: Vec<&str> = definition["aggregates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert!(aggregates.contains(&"RowCount"), "{aggregates:?}");
    let status = definition["filterableColumns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "STATUS")
        .expect("STATUS is filterable");
    assert!(
        status["values"]
            .as_array()
            .is_some_and(|v| v.contains(&json!("New"))),
        "{status}"
    );
}

#[tokio::test]
async fn a_summary_run_agrees_with_soql() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let id = report_id(engine, "Cases_by_Priority").await;
    let run = call_ok(
        engine,
        "run_report",
        json!({"report_id": id, "include_details": false}),
    )
    .await;
    assert_eq!(run["report"]["format"], "SUMMARY");
    assert!(
        run.get("columns").is_none(),
        "no detail rows were asked for"
    );
    let total = record_count(&run["totals"]);
    assert_eq!(total, count(engine, "SELECT Id FROM Case").await);
    let groups = run["groupings"].as_array().expect("groupings");
    let summed: u64 = groups.iter().map(|g| record_count(&g["aggregates"])).sum();
    assert_eq!(summed, total);
    for group in groups {
        let Some(priority) = group["Priority"].as_str() else {
            continue;
        };
        let expected = count(
            engine,
            &format!("SELECT Id FROM Case WHERE Priority = '{priority}'"),
        )
        .await;
        assert_eq!(record_count(&group["aggregates"]), expected, "{priority}");
    }
}

#[tokio::test]
async fn a_tabular_run_lists_rows_by_label_and_says_when_it_cuts_them() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let id = report_id(engine, "Open_Cases").await;
    let open = count(engine, "SELECT Id FROM Case WHERE IsClosed = false").await;
    assert!(open > 3, "the seed has open cases");
    let run = call_ok(
        engine,
        "run_report",
        json!({"report_id": id, "max_rows": 3}),
    )
    .await;
    let rows = run["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(run["detailRows"], json!({"returned": open, "shown": 3}));
    assert!(
        run["truncated"]
            .as_str()
            .is_some_and(|t| t.contains("max_rows")),
        "{run}"
    );
    let first = rows[0].as_object().unwrap();
    for column in run["columns"].as_array().unwrap() {
        assert!(
            first.contains_key(column.as_str().unwrap()),
            "{column} missing in {first:?}"
        );
    }
    let case_id = first["Case Number (Id)"]
        .as_str()
        .expect("the case number links its record");
    let case = call_ok(
        engine,
        "get_record",
        json!({"object": "Case", "id": case_id, "fields": "CaseNumber, IsClosed"}),
    )
    .await;
    assert_eq!(case["CaseNumber"], first["Case Number"]);
    assert_eq!(case["IsClosed"], false);

    let everything = call_ok(
        engine,
        "run_report",
        json!({"report_id": id, "max_rows": 2000}),
    )
    .await;
    assert_eq!(
        everything["rows"].as_array().map(Vec::len),
        Some(open as usize)
    );
    assert!(everything.get("truncated").is_none());
}

#[tokio::test]
async fn filters_replace_the_saved_ones_for_one_run() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let id = report_id(engine, "Cases_by_Priority").await;
    let run = call_ok(
        engine,
        "run_report",
        json!({"report_id": id, "include_details": false, "filters": [
            {"column": "PRIORITY", "operator": "equals", "value": "High,Critical"},
            {"column": "ORIGIN", "operator": "equals", "value": "Web"},
            {"column": "ORIGIN", "operator": "equals", "value": "Email"}
        ], "boolean_filter": "1 AND (2 OR 3)"}),
    )
    .await;
    assert_eq!(run["booleanFilter"], "1 AND (2 OR 3)");
    let expected = count(
        engine,
        "SELECT Id FROM Case WHERE Priority IN ('High', 'Critical') AND Origin IN ('Web', 'Email')",
    )
    .await;
    assert_eq!(record_count(&run["totals"]), expected);
    let labels: Vec<&str> = run["groupings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["Priority"].as_str())
        .collect();
    assert!(
        labels.iter().all(|p| ["High", "Critical"].contains(p)),
        "{labels:?}"
    );

    // The saved report is unchanged: the next plain run counts every case again.
    let plain = call_ok(
        engine,
        "run_report",
        json!({"report_id": id, "include_details": false}),
    )
    .await;
    assert_eq!(
        record_count(&plain["totals"]),
        count(engine, "SELECT Id FROM Case").await
    );
}

#[tokio::test]
async fn a_matrix_run_has_a_cell_for_every_pair_of_groups() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let id = report_id(engine, "Cases_by_Reason_and_Origin").await;
    let run = call_ok(
        engine,
        "run_report",
        json!({"report_id": id, "include_details": false}),
    )
    .await;
    let down = run["groupingsDown"].as_array().expect("down").len();
    let across = run["groupingsAcross"].as_array().expect("across").len();
    let cells = run["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), down * across);
    let summed: u64 = cells.iter().map(|c| record_count(&c["aggregates"])).sum();
    assert_eq!(summed, record_count(&run["totals"]));
    assert!(
        cells
            .iter()
            .all(|c| c.get("Case Reason").is_some() && c.get("Case Origin").is_some()),
        "{}",
        cells[0]
    );
}

#[tokio::test]
async fn a_filter_on_an_unknown_column_is_salesforces_bad_request() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let id = report_id(engine, "Open_Cases").await;
    let error = call_err(
        engine,
        "run_report",
        json!({"report_id": id, "filters": [{"column": "NO_SUCH_COLUMN", "operator": "equals", "value": "x"}]}),
    )
    .await;
    assert_eq!(error.code, "BAD_REQUEST", "{}", error.to_json());
    assert!(
        error.message.contains("NO_SUCH_COLUMN"),
        "{}",
        error.message
    );
    let missing = call_err(
        engine,
        "get_report",
        json!({"report_id": "00ODm0000009999AAA"}),
    )
    .await;
    assert_eq!(missing.code, "NOT_FOUND");
}

#[tokio::test]
async fn dashboards_show_their_components_and_a_refresh_updates_them() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let listed = call_ok(
        engine,
        "list_dashboards",
        json!({"name_contains": "support"}),
    )
    .await;
    assert_eq!(listed["count"], 1, "{listed}");
    let id = listed["dashboards"][0]["id"].as_str().unwrap().to_owned();

    let dashboard = call_ok(engine, "get_dashboard", json!({"dashboard_id": id})).await;
    assert_eq!(dashboard["name"], "Support Overview");
    let components = dashboard["components"].as_array().expect("components");
    let titles: Vec<&str> = components
        .iter()
        .filter_map(|c| c["title"].as_str())
        .collect();
    assert!(titles.contains(&"Cases by Priority"), "{titles:?}");
    assert!(
        components.iter().all(|c| c["status"] == "DATA"),
        "{dashboard}"
    );
    let donut = components
        .iter()
        .find(|c| c["title"] == "Cases by Priority")
        .unwrap();
    assert_eq!(donut["visualization"], "Donut");
    assert_eq!(
        record_count(&donut["results"]["totals"]),
        count(engine, "SELECT Id FROM Case").await
    );
    let table = components
        .iter()
        .find(|c| c["visualization"] == "FlexTable")
        .unwrap();
    assert!(
        table["results"]["rows"]
            .as_array()
            .is_some_and(|r| r.len() <= 25),
        "{table}"
    );

    let refreshed = call_ok(engine, "refresh_dashboard", json!({"dashboard_id": id})).await;
    assert_eq!(refreshed["refresh_requested"], true);
    assert!(
        refreshed["statusUrl"]
            .as_str()
            .is_some_and(|u| u.ends_with("/status"))
    );
    let after = call_ok(engine, "get_dashboard", json!({"dashboard_id": id})).await;
    let dates: Vec<&str> = after["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["refreshDate"].as_str())
        .collect();
    assert!(
        dates.iter().all(|d| d.starts_with("2026-11-20T12:00")),
        "refreshed at the demo clock's now: {dates:?}"
    );
}

#[tokio::test]
async fn an_mcp_client_runs_a_report_and_reads_structured_results() {
    let running = demo_engine().await;
    let id = report_id(&running.engine, "Copilot_Interactions_by_Outcome").await;
    let client = common::mcp_client(running.engine.clone()).await;
    let result = client
        .call_tool(
            CallToolRequestParams::new("run_report").with_arguments(
                json!({"report_id": id, "include_details": false})
                    .as_object()
                    .cloned()
                    .unwrap(),
            ),
        )
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(false));
    let body = result.structured_content.expect("structured content");
    let outcomes: Vec<&str> = body["groupings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["Outcome"].as_str())
        .collect();
    assert!(outcomes.contains(&"Deflected"), "{body}");
    let total = body["totals"]["Record Count"].as_u64().unwrap();
    assert_eq!(
        total,
        count(&running.engine, "SELECT Id FROM Copilot_Interaction__c").await
    );
}
