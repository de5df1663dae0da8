//! get_case, update_case and add_case_comment against the embedded demo org: what they write is
//! there afterwards, and what the org refuses comes back as an error an agent can act on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{call_err, call_ok, demo_engine};
use rmcp::model::CallToolRequestParams;
use salesforce_mcp::engine::Engine;
use serde_json::json;

async fn an_open_case(engine: &Engine) -> String {
    let found = call_ok(
        engine,
        "query",
        json!({"soql": "SELECT Id FROM Case WHERE IsClosed = false ORDER BY CaseNumber LIMIT 1"}),
    )
    .await;
    found["records"][0]["Id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_case_reads_with_the_default_fields_or_the_ones_asked_for() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let case_id = an_open_case(engine).await;

    let case = call_ok(engine, "get_case", json!({"case_id": case_id})).await;
    assert_eq!(case["Id"], case_id.as_str());
    assert!(case.get("attributes").is_none());
    for field in [
        "CaseNumber",
        "Subject",
        "Status",
        "Priority",
        "IsClosed",
        "CreatedDate",
        "ClosedDate",
    ] {
        assert!(case.get(field).is_some(), "{field} missing from {case}");
    }
    assert_eq!(case["IsClosed"], false);

    let some = call_ok(
        engine,
        "get_case",
        json!({"case_id": case_id, "fields": "CaseNumber, Priority"}),
    )
    .await;
    let keys: Vec<&String> = some.as_object().unwrap().keys().collect();
    assert!(keys.len() <= 3 && some.get("Subject").is_none(), "{some}");

    let error = call_err(
        engine,
        "get_case",
        json!({"case_id": case_id, "fields": "CaseNumber, NoSuchField__c"}),
    )
    .await;
    assert_eq!(error.code, "INVALID_FIELD");
    let error = call_err(engine, "get_case", json!({"case_id": "500Dm0000009999AAA"})).await;
    assert_eq!(error.code, "NOT_FOUND");
}

#[tokio::test]
async fn an_update_changes_only_the_fields_given_and_closing_closes() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let case_id = an_open_case(engine).await;
    let before = call_ok(engine, "get_case", json!({"case_id": case_id})).await;

    let updated = call_ok(
        engine,
        "update_case",
        json!({"case_id": case_id, "status": "Escalated", "priority": "Critical", "reason": "Performance"}),
    )
    .await;
    assert_eq!(
        updated["updated"],
        json!({"Status": "Escalated", "Priority": "Critical", "Reason": "Performance"})
    );
    let after = call_ok(engine, "get_case", json!({"case_id": case_id})).await;
    assert_eq!(after["Status"], "Escalated");
    assert_eq!(after["Priority"], "Critical");
    assert_eq!(after["Reason"], "Performance");
    assert_eq!(after["Subject"], before["Subject"], "untouched fields stay");
    assert_eq!(after["Description"], before["Description"]);

    call_ok(
        engine,
        "update_case",
        json!({"case_id": case_id, "status": "Closed"}),
    )
    .await;
    let closed = call_ok(engine, "get_case", json!({"case_id": case_id})).await;
    assert_eq!(closed["IsClosed"], true);
    assert!(closed["ClosedDate"].is_string(), "{closed}");

    let error = call_err(
        engine,
        "update_case",
        json!({"case_id": "500Dm0000009999", "status": "Working"}),
    )
    .await;
    assert_eq!(error.code, "NOT_FOUND");
}

#[tokio::test]
async fn comments_are_stored_internal_by_default_and_published_when_asked() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let case_id = an_open_case(engine).await;

    let internal = call_ok(engine, "add_case_comment", json!({"case_id": case_id, "comment": "Reproduced on two dashboards; the source report is unfiltered."})).await;
    assert_eq!(internal["success"], true);
    assert_eq!(internal["is_published"], false);
    let public = call_ok(engine, "add_case_comment", json!({"case_id": case_id, "comment": "We found the cause and are applying a fix.", "is_published": true})).await;
    assert!(public["id"].as_str().unwrap().starts_with("00a"));

    let stored = call_ok(engine, "query", json!({"soql": format!(
        "SELECT Id, CommentBody, IsPublished FROM CaseComment WHERE ParentId = '{case_id}' AND (Id = '{}' OR Id = '{}')",
        internal["id"].as_str().unwrap(), public["id"].as_str().unwrap())})).await;
    assert_eq!(stored["totalSize"], 2);
    for record in stored["records"].as_array().unwrap() {
        let published = record["Id"] == public["id"];
        assert_eq!(record["IsPublished"], published, "{record}");
    }

    let error = call_err(
        engine,
        "add_case_comment",
        json!({"case_id": "500Dm0000009999", "comment": "Checked the logs."}),
    )
    .await;
    assert_eq!(error.code, "INVALID_CROSS_REFERENCE_KEY", "{error:?}");
}

#[tokio::test]
async fn an_mcp_client_updates_and_comments_on_a_case() {
    let running = demo_engine().await;
    let case_id = an_open_case(&running.engine).await;
    let client = common::mcp_client(running.engine.clone()).await;
    let call = |tool: &'static str, args: serde_json::Value| {
        let client = &client;
        async move {
            client
                .call_tool(
                    CallToolRequestParams::new(tool.to_owned())
                        .with_arguments(args.as_object().cloned().unwrap_or_default()),
                )
                .await
                .unwrap_or_else(|e| panic!("{tool}: {e}"))
        }
    };
    let updated = call(
        "update_case",
        json!({"case_id": case_id, "subject": "Dashboards slow for the whole sales team"}),
    )
    .await;
    assert_eq!(updated.is_error, Some(false));
    let commented = call(
        "add_case_comment",
        json!({"case_id": case_id, "comment": "Subject clarified after the call."}),
    )
    .await;
    assert_eq!(commented.is_error, Some(false));
    let read = call("get_case", json!({"case_id": case_id, "fields": "Subject"})).await;
    assert_eq!(
        read.structured_content.unwrap()["Subject"],
        "Dashboards slow for the whole sales team"
    );
    let refused = call("update_case", json!({"case_id": case_id})).await;
    assert_eq!(
        refused.is_error,
        Some(true),
        "an update with nothing to change is refused"
    );
}
