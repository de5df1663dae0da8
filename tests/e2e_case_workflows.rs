//! The case and reporting workflows against the embedded demo org: what they write is really
//! there afterwards, and what they must not write is not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{call_err, call_ok, demo_engine};
use serde_json::json;

#[tokio::test]
async fn create_case_links_a_seeded_contact() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let contact = call_ok(engine, "query", json!({"soql": "SELECT Id, Email, AccountId FROM Contact WHERE Account.Name = 'Zava' LIMIT 1"})).await;
    let contact = &contact["records"][0];
    let created = call_ok(
        engine,
        "create_case",
        json!({"subject": "Mobile app crashes on startup", "description": "Since the OS update.",
        "priority": "High", "contact_email": contact["Email"], "type": "Problem"}),
    )
    .await;
    assert_eq!(created["contact"]["matched"], true);
    assert_eq!(created["case"]["ContactId"], contact["Id"]);
    assert_eq!(created["case"]["AccountId"], contact["AccountId"]);
    assert_eq!(created["case"]["Origin"], "Chat");
    assert!(
        created["case"]["CaseNumber"]
            .as_str()
            .is_some_and(|n| n.len() == 8)
    );
}

#[tokio::test]
async fn a_draft_email_is_stored_as_status_5_and_a_sent_one_is_sent_then_logged_as_3() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let case = call_ok(
        engine,
        "query",
        json!({"soql": "SELECT Id FROM Case WHERE IsClosed = false LIMIT 1"}),
    )
    .await;
    let case_id = case["records"][0]["Id"].as_str().unwrap().to_owned();
    let outbox = || {
        running
            .demo
            .as_ref()
            .unwrap()
            .state
            .outbox
            .lock()
            .unwrap()
            .len()
    };
    let before = outbox();

    let draft = call_ok(engine, "send_case_email", json!({"case_id": case_id, "to_address": "ana@zava.example", "subject": "Update", "body": "<p>Working on it</p>"})).await;
    assert_eq!(draft["sent"], false);
    assert_eq!(draft["emailMessage"]["Status"], "5");
    assert_eq!(outbox(), before, "a draft sends nothing");

    let sent = call_ok(engine, "send_case_email", json!({"case_id": case_id, "to_address": "ana@zava.example", "subject": "Fixed", "body": "<p>Done</p>", "status": "Sent"})).await;
    assert_eq!(sent["sent"], true);
    assert_eq!(sent["emailMessage"]["Status"], "3");
    assert_eq!(outbox(), before + 1, "the email really went out");
    let logged = call_ok(engine, "query", json!({"soql": format!("SELECT Id, Status, Incoming FROM EmailMessage WHERE ParentId = '{case_id}' AND Subject = 'Fixed'")})).await;
    assert_eq!(logged["totalSize"], 1);
    assert_eq!(logged["records"][0]["Incoming"], false);
}

#[tokio::test]
async fn an_email_to_a_missing_case_is_not_sent() {
    let running = demo_engine().await;
    let before = running
        .demo
        .as_ref()
        .unwrap()
        .state
        .outbox
        .lock()
        .unwrap()
        .len();
    let error = call_err(&running.engine, "send_case_email", json!({"case_id": "500Dm0000009999AAA", "to_address": "a@b.example", "subject": "S", "body": "B", "status": "Sent"})).await;
    assert_eq!(error.code, "NOT_FOUND");
    assert_eq!(
        running
            .demo
            .as_ref()
            .unwrap()
            .state
            .outbox
            .lock()
            .unwrap()
            .len(),
        before
    );
}

#[tokio::test]
async fn a_logged_interaction_moves_the_deflection_numbers() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let before = call_ok(engine, "get_deflection_metrics", json!({"days": 7})).await;
    let logged = call_ok(engine, "log_interaction", json!({"outcome": "Deflected", "summary": "Shared the SSO article", "topic": "Login and SSO",
        "channel": "Customer Portal", "severity": "Sev 3 - Medium", "kb_articles_shown": 2})).await;
    assert!(
        logged["interaction"]["Name"]
            .as_str()
            .is_some_and(|n| n.starts_with("CI-"))
    );
    let after = call_ok(engine, "get_deflection_metrics", json!({"days": 7})).await;
    assert_eq!(
        after["totalInteractions"].as_u64(),
        before["totalInteractions"].as_u64().map(|n| n + 1)
    );
    assert_eq!(
        after["deflected"].as_u64(),
        before["deflected"].as_u64().map(|n| n + 1)
    );
}

#[tokio::test]
async fn sla_compliance_by_priority_and_trends_by_every_field() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let critical = call_ok(
        engine,
        "get_sla_compliance",
        json!({"days": 90, "priority": "Critical"}),
    )
    .await;
    let priorities: Vec<&String> = critical["complianceByPriority"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(priorities, ["Critical"]);
    for field in ["Type", "Reason", "Priority", "Status", "Origin"] {
        let trends = call_ok(
            engine,
            "get_case_trends",
            json!({"group_by": field, "days": 90}),
        )
        .await;
        assert!(!trends["groups"].as_array().unwrap().is_empty(), "{field}");
    }
    let error = call_err(engine, "get_case_trends", json!({"group_by": "Nope__c"})).await;
    assert_eq!(error.code, "INVALID_FIELD");
}
