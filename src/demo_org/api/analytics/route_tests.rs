//! The Analytics routes over HTTP against a running demo org, with cases added to it directly.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::demo_org::DemoSettings;
use crate::demo_org::ids;
use crate::demo_org::seed::analytics::{
    CASES_BY_PRIORITY, CASES_BY_REASON_AND_ORIGIN, OPEN_CASES, SUPPORT_OVERVIEW,
};
use crate::demo_org::state::lock;
use crate::demo_org::store::{Record, format_datetime, parse_datetime};
use crate::demo_org::testing::TestOrg;

fn now() -> DateTime<Utc> {
    parse_datetime("2026-05-13T12:00:00Z").expect("now")
}

/// A demo org without its seeded cases and interactions, so that every report total in these
/// tests is counted from the records the test adds itself.
async fn start() -> TestOrg {
    let org = TestOrg::start_with(DemoSettings {
        fixed_now: Some(now()),
        ..DemoSettings::default()
    })
    .await;
    {
        let mut data = org.handle.state.write();
        for object in ["Case", "Copilot_Interaction__c"] {
            let ids: Vec<String> = data.all_records(object).map(|r| r.id.clone()).collect();
            for id in ids {
                data.purge(&id);
            }
        }
    }
    org
}

/// Adds 12 cases: priorities cycle over the four values, every third one is closed.
fn add_cases(org: &TestOrg) -> Vec<(String, &'static str, bool)> {
    let priorities = ["Critical", "High", "Medium", "Low"];
    let origins = ["Web", "Email", "Phone"];
    let mut data = org.handle.state.write();
    let mut added = Vec::new();
    for i in 0..12usize {
        let id = data.new_id("Case").expect("id");
        let closed = i % 3 == 0;
        let created = now() - Duration::days(i64::try_from(i).expect("days"));
        let fields = json!({
            "Id": id,
            "CaseNumber": format!("{:08}", 5000 + i),
            "Subject": format!("Subject {i}"),
            "Status": if closed { "Closed" } else { "New" },
            "Priority": priorities[i % 4],
            "Origin": origins[i % 3],
            "Reason": "Performance",
            "IsClosed": closed,
            "CreatedDate": format_datetime(created),
        });
        data.put(Record {
            id: id.clone(),
            sobject: "Case".into(),
            fields: fields.as_object().cloned().unwrap_or_default(),
            deleted: false,
        });
        added.push((id, priorities[i % 4], closed));
    }
    added
}

fn report_id(org: &TestOrg, developer_name: &str) -> String {
    lock(&org.handle.state.analytics)
        .report_by_developer_name(developer_name)
        .expect("seeded report")
        .id
        .clone()
}

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("response");
    let status = response.status();
    let text = response.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("json body")
    };
    (status, body)
}

fn row_count(body: &Value, key: &str) -> u64 {
    body["factMap"][key]["aggregates"]
        .as_array()
        .and_then(|a| a.last())
        .and_then(|a| a["value"].as_u64())
        .expect("count")
}

#[tokio::test]
async fn lists_and_describes_reports() {
    let org = start().await;
    let (status, list) = send(org.client.get(org.data_url("/analytics/reports"))).await;
    assert_eq!(status, StatusCode::OK);
    let reports = list.as_array().expect("array");
    assert!(reports.len() >= 6);
    let open = reports
        .iter()
        .find(|r| r["name"] == "Open Cases")
        .expect("Open Cases");
    let id = open["id"].as_str().expect("id");
    assert!(id.starts_with("00O") && id.len() == 18);
    assert_eq!(
        open["url"],
        format!("/services/data/v66.0/analytics/reports/{id}")
    );
    assert_eq!(
        open["describeUrl"],
        format!("{}/describe", open["url"].as_str().expect("url"))
    );
    assert_eq!(
        open["instancesUrl"],
        format!("{}/instances", open["url"].as_str().expect("url"))
    );
    for name in [
        "Cases by Priority",
        "Cases by Status",
        "Cases by Reason and Origin",
        "Copilot Interactions by Outcome",
        "Interactions by Channel and Outcome",
    ] {
        assert!(reports.iter().any(|r| r["name"] == name), "{name}");
    }

    let (status, describe) = send(
        org.client
            .get(org.data_url(&format!("/analytics/reports/{id}/describe"))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(describe["reportMetadata"]["reportFormat"], "TABULAR");
    assert_eq!(describe["reportMetadata"]["reportType"]["type"], "CaseList");
    assert!(describe["reportExtendedMetadata"]["detailColumnInfo"]["CASE_NUMBER"].is_object());
    assert!(describe["reportTypeMetadata"]["categories"].is_array());

    // The Report records are queryable data too.
    let data = org.handle.state.read();
    let record = data.get(id).expect("Report record");
    assert_eq!(record.get_str("Format"), Some("Tabular"));
    assert_eq!(record.get_str("DeveloperName"), Some(OPEN_CASES));
}

#[tokio::test]
async fn runs_reports_from_live_records() {
    let org = start().await;
    let cases = add_cases(&org);
    let id = report_id(&org, OPEN_CASES);
    let open = cases.iter().filter(|(_, _, closed)| !closed).count();

    let url = org.data_url(&format!("/analytics/reports/{id}"));
    let (status, body) = send(org.client.get(format!("{url}?includeDetails=true"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["attributes"]["type"], "Report");
    assert_eq!(body["attributes"]["reportId"], id.as_str());
    assert_eq!(body["attributes"]["reportName"], "Open Cases");
    assert_eq!(row_count(&body, "T!T"), u64::try_from(open).expect("n"));
    assert_eq!(
        body["factMap"]["T!T"]["rows"].as_array().map(Vec::len),
        Some(open)
    );
    assert_eq!(body["allData"], true);

    let (_, summary) = send(org.client.get(&url)).await;
    assert!(summary["factMap"]["T!T"].get("rows").is_none());

    // A case closed after the first run drops out of the next one.
    {
        let mut data = org.handle.state.write();
        let (first_open, _, _) = cases.iter().find(|(_, _, closed)| !closed).expect("open");
        let record = data.get_mut(first_open).expect("case");
        record.fields.insert("IsClosed".into(), json!(true));
    }
    let (_, after) = send(org.client.get(&url)).await;
    assert_eq!(
        row_count(&after, "T!T"),
        u64::try_from(open - 1).expect("n")
    );

    let data = org.handle.state.read();
    let report = data.get(&id).expect("Report record");
    assert_eq!(
        report.get_str("LastRunDate"),
        Some(format_datetime(now()).as_str())
    );
}

#[tokio::test]
async fn post_runs_with_metadata_overrides() {
    let org = start().await;
    let cases = add_cases(&org);
    let id = report_id(&org, CASES_BY_PRIORITY);
    let url = org.data_url(&format!("/analytics/reports/{id}"));

    let (status, saved) = send(org.client.post(&url)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(row_count(&saved, "T!T"), 12);
    assert_eq!(saved["groupingsDown"]["groupings"][0]["label"], "Critical");
    let (_, empty) = send(org.client.post(&url).json(&json!({}))).await;
    assert_eq!(empty["factMap"], saved["factMap"]);

    let body = json!({"reportMetadata": {
        "reportFilters": [{"column": "PRIORITY", "operator": "equals", "value": "High,Low"}],
    }});
    let (status, filtered) = send(org.client.post(&url).json(&body)).await;
    assert_eq!(status, StatusCode::OK);
    let expected = cases
        .iter()
        .filter(|(_, p, _)| ["High", "Low"].contains(p))
        .count();
    assert_eq!(
        row_count(&filtered, "T!T"),
        u64::try_from(expected).expect("n")
    );
    assert_eq!(
        filtered["groupingsDown"]["groupings"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        filtered["reportMetadata"]["reportFilters"][0]["value"],
        "High,Low"
    );

    let regroup = json!({"reportMetadata": {
        "groupingsDown": [{"name": "STATUS"}],
        "groupingsAcross": [{"name": "ORIGIN"}],
    }});
    let (status, matrix) = send(org.client.post(&url).json(&regroup)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(matrix["reportMetadata"]["reportFormat"], "MATRIX");
    assert!(matrix["factMap"]["0!0"].is_object());
    assert_eq!(row_count(&matrix, "T!T"), 12);

    let bad = json!({"reportMetadata": {"detailColumns": ["NOT_A_COLUMN"]}});
    let (status, error) = send(org.client.post(&url).json(&bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error[0]["errorCode"], "BAD_REQUEST");
    assert!(
        error[0]["message"]
            .as_str()
            .expect("message")
            .contains("NOT_A_COLUMN")
    );

    let (status, error) = send(
        org.client
            .post(&url)
            .header("Content-Type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error[0]["errorCode"], "JSON_PARSER_ERROR");
}

#[tokio::test]
async fn unknown_and_malformed_report_ids_are_not_found() {
    let org = start().await;
    let unknown = ids::make_id("00O", 99_999);
    let wrong_suffix = format!("{}XXX", &unknown[..15]);
    for id in [unknown.as_str(), &unknown[..15], &wrong_suffix, "not-an-id"] {
        let (status, body) = send(
            org.client
                .get(org.data_url(&format!("/analytics/reports/{id}"))),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(body[0]["errorCode"], "NOT_FOUND");
    }
    let (status, body) = send(org.client.delete(org.data_url("/analytics/reports"))).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body[0]["errorCode"], "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn async_instances_run_list_return_and_delete() {
    let org = start().await;
    add_cases(&org);
    let id = report_id(&org, CASES_BY_REASON_AND_ORIGIN);
    let instances_url = org.data_url(&format!("/analytics/reports/{id}/instances"));

    let (status, created) = send(
        org.client
            .post(format!("{instances_url}?includeDetails=true"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let instance_id = created["id"].as_str().expect("id").to_owned();
    assert!(instance_id.starts_with("0LG"));
    assert_eq!(created["status"], "Success");
    assert_eq!(created["requestDate"], "2026-05-13T12:00:00Z");
    assert_eq!(created["completionDate"], "2026-05-13T12:00:00Z");
    assert_eq!(
        created["ownerId"],
        org.handle.state.current_user_id.as_str()
    );
    assert_eq!(created["queryable"], false);
    assert_eq!(created["hasDetailRows"], true);

    let (_, list) = send(org.client.get(&instances_url)).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["id"], instance_id.as_str());
    assert!(
        list[0]["url"]
            .as_str()
            .expect("url")
            .ends_with(&instance_id)
    );

    let instance_url = format!("{instances_url}/{instance_id}");
    let (status, results) = send(org.client.get(&instance_url)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(results["attributes"]["type"], "ReportInstance");
    assert_eq!(results["attributes"]["id"], instance_id.as_str());
    assert_eq!(results["attributes"]["status"], "Success");
    assert_eq!(results["reportMetadata"]["reportFormat"], "MATRIX");
    assert_eq!(row_count(&results, "T!T"), 12);

    let (status, _) = send(org.client.delete(&instance_url)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = send(org.client.get(&instance_url)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(org.client.delete(&instance_url)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn dashboards_show_component_data_refresh_and_status() {
    let org = start().await;
    add_cases(&org);
    let (status, list) = send(org.client.get(org.data_url("/analytics/dashboards"))).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(names, ["Support Overview", "Copilot Deflection"]);
    let id = list[0]["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("01Z"));
    assert_eq!(
        list[0]["statusUrl"],
        format!("{}/status", list[0]["url"].as_str().expect("url"))
    );

    let url = org.data_url(&format!("/analytics/dashboards/{id}"));
    let (status, dashboard) = send(org.client.get(&url)).await;
    assert_eq!(status, StatusCode::OK);
    let meta = &dashboard["dashboardMetadata"];
    assert_eq!(meta["attributes"]["type"], "Dashboard");
    assert_eq!(meta["developerName"], SUPPORT_OVERVIEW);
    assert_eq!(
        meta["runningUser"]["id"],
        org.handle.state.current_user_id.as_str()
    );
    let components = meta["components"].as_array().expect("components");
    let data = dashboard["componentData"].as_array().expect("data");
    assert_eq!(components.len(), data.len());
    let seeded_refresh = (now() - Duration::minutes(60))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    for (component, entry) in components.iter().zip(data) {
        assert_eq!(component["id"], entry["componentId"]);
        assert!(entry["reportResult"]["factMap"]["T!T"].is_object());
        assert_eq!(entry["status"]["refreshStatus"], "IDLE");
        assert_eq!(entry["status"]["refreshDate"], seeded_refresh.as_str());
    }
    let by_priority = components
        .iter()
        .position(|c| c["title"] == "Cases by Priority")
        .expect("component");
    assert_eq!(data[by_priority]["status"]["dataStatus"], "DATA");
    assert_eq!(row_count(&data[by_priority]["reportResult"], "T!T"), 12);
    let open = components
        .iter()
        .position(|c| c["title"] == "Open Cases")
        .expect("component");
    assert_eq!(row_count(&data[open]["reportResult"], "T!T"), 8);

    // Nothing was seeded for Copilot: its components report NODATA.
    let copilot_url = list[1]["url"].as_str().expect("url");
    let (_, copilot) = send(org.client.get(org.url(copilot_url))).await;
    assert!(
        copilot["componentData"]
            .as_array()
            .expect("data")
            .iter()
            .all(|c| c["status"]["dataStatus"] == "NODATA")
    );

    let (status, refreshed) = send(org.client.put(&url)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        refreshed["statusUrl"],
        format!("/services/data/v66.0/analytics/dashboards/{id}/status")
    );
    let (status, state) = send(org.client.get(format!("{url}/status"))).await;
    assert_eq!(status, StatusCode::OK);
    let statuses = state["componentStatus"].as_array().expect("statuses");
    assert_eq!(statuses.len(), components.len());
    for entry in statuses {
        assert_eq!(entry["refreshDate"], "2026-05-13T12:00:00Z");
        assert_eq!(entry["refreshStatus"], "IDLE");
    }
    {
        let data = org.handle.state.read();
        let record = data.get(&id).expect("Dashboard record");
        assert_eq!(
            record.get_str("LastRefreshDate"),
            Some(format_datetime(now()).as_str())
        );
    }

    let (status, describe) = send(org.client.get(format!("{url}/describe"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(describe["id"], id.as_str());
    assert!(describe.get("componentData").is_none());
    assert!(describe["components"][0]["properties"]["visualizationType"].is_string());
    let (_, bare) = send(
        org.client
            .get(format!("{url}/describe?loadComponentProperties=false")),
    )
    .await;
    assert_eq!(bare["components"][0]["properties"], Value::Null);

    let (status, _) = send(org.client.get(org.data_url(&format!(
        "/analytics/dashboards/{}",
        ids::make_id("01Z", 99_999)
    ))))
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_seeded_report_and_dashboard_runs() {
    let org = start().await;
    add_cases(&org);
    let (_, list) = send(org.client.get(org.data_url("/analytics/reports"))).await;
    for report in list.as_array().expect("array") {
        let url = org.url(report["url"].as_str().expect("url"));
        let (status, body) = send(org.client.get(format!("{url}?includeDetails=true"))).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", report["name"]);
        assert!(body["factMap"]["T!T"].is_object());
    }
    let (_, dashboards) = send(org.client.get(org.data_url("/analytics/dashboards"))).await;
    for dashboard in dashboards.as_array().expect("array") {
        let url = org.url(dashboard["url"].as_str().expect("url"));
        let (status, body) = send(org.client.get(url)).await;
        assert_eq!(status, StatusCode::OK);
        let data = body["componentData"].as_array().expect("data");
        assert!(!data.is_empty());
        for entry in data {
            assert_ne!(entry["status"]["dataStatus"], "ERROR", "{entry}");
        }
    }
}
