//! The case and reporting workflows: every request they send (in order, token redacted) and the
//! result they compute, against a wiremock stand-in for Salesforce, as insta snapshots.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{engine, mock_org, recorded, sf_json};
use salesforce_mcp::engine::CallError;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param_contains};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CASE_ID: &str = "500Dm0000000001AAA";

async fn mount(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn mount_query(server: &MockServer, contains: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/query"))
        .and(query_param_contains("q", contains))
        .respond_with(response)
        .mount(server)
        .await;
}

fn rows(records: Value) -> Value {
    let n = records.as_array().map_or(0, Vec::len);
    json!({"totalSize": n, "done": true, "records": records})
}

async fn run(server: &MockServer, tool: &str, args: Value) -> Value {
    let engine = engine(server).await;
    let result = common::outcome(&engine, tool, args).await;
    json!({"requests": recorded(server).await, "result": result})
}

fn case_record() -> Value {
    json!({"attributes": {"type": "Case"}, "Id": CASE_ID, "CaseNumber": "00001001", "Subject": "Slow load times in dashboard view",
        "Description": "Dashboards with more than ten widgets take 90 seconds to render after adding date filters.", "Status": "New"})
}

#[tokio::test]
async fn create_case_links_the_contact_found_by_email() {
    let server = mock_org().await;
    mount_query(&server, "FROM Contact", sf_json(200, rows(json!([{"attributes": {"type": "Contact"}, "Id": "003Dm0000000001AAA", "Name": "Ana O'Neil", "AccountId": "001Dm0000000001AAA"}])))).await;
    mount(
        &server,
        "POST",
        "/services/data/v66.0/sobjects/Case",
        sf_json(201, json!({"id": CASE_ID, "success": true, "errors": []})),
    )
    .await;
    mount(&server, "GET", &format!("/services/data/v66.0/sobjects/Case/{CASE_ID}"), sf_json(200, json!({"attributes": {"type": "Case"}, "Id": CASE_ID, "CaseNumber": "00001001", "Status": "New", "Priority": "High"}))).await;
    let out = run(&server, "create_case", json!({"subject": "Dashboard slow", "description": "Takes 90 s", "priority": "High", "contact_email": "ana.o'neil@zava.example", "type": "Problem"})).await;
    insta::assert_yaml_snapshot!("workflow__create_case", out);
}

#[tokio::test]
async fn create_case_without_a_matching_contact_says_so() {
    let server = mock_org().await;
    mount_query(&server, "FROM Contact", sf_json(200, rows(json!([])))).await;
    mount(
        &server,
        "POST",
        "/services/data/v66.0/sobjects/Case",
        sf_json(201, json!({"id": CASE_ID, "success": true, "errors": []})),
    )
    .await;
    mount(
        &server,
        "GET",
        &format!("/services/data/v66.0/sobjects/Case/{CASE_ID}"),
        sf_json(200, json!({"Id": CASE_ID, "CaseNumber": "00001002"})),
    )
    .await;
    let out = run(&server, "create_case", json!({"subject": "S", "description": "D", "priority": "Low", "contact_email": "nobody@example.com"})).await;
    assert_eq!(out["result"]["ok"]["contact"]["matched"], false);
    assert_eq!(out["requests"][1]["body"]["Origin"], "Chat");
    assert!(out["requests"][1]["body"].get("ContactId").is_none());
}

#[tokio::test]
async fn case_timeline_is_one_composite_request_and_a_merged_timeline() {
    let server = mock_org().await;
    let sub = |reference: &str, body: Value| json!({"body": body, "httpHeaders": {}, "httpStatusCode": 200, "referenceId": reference});
    mount(&server, "POST", "/services/data/v66.0/composite", sf_json(200, json!({"compositeResponse": [
        sub("caseDetail", rows(json!([{"attributes": {"type": "Case"}, "Id": CASE_ID, "CaseNumber": "00001001", "Subject": "Slow dashboard", "Status": "Working", "CreatedDate": "2026-11-18T09:00:00.000+0000", "ClosedDate": null, "Contact": {"attributes": {"type": "Contact"}, "Name": "Ana"}}]))),
        sub("comments", rows(json!([{"attributes": {"type": "CaseComment"}, "Id": "00aDm0000000001AAA", "CommentBody": "Asked for a HAR file", "IsPublished": false, "CreatedDate": "2026-11-18T10:00:00.000+0000", "CreatedBy": {"attributes": {"type": "User"}, "Name": "Bo Agent"}}]))),
        sub("emails", rows(json!([{"attributes": {"type": "EmailMessage"}, "Id": "02sDm0000000001AAA", "Subject": "Re: slow", "TextBody": "Here is the file", "FromAddress": "ana@zava.example", "ToAddress": "support@contoso.example", "Status": "1", "MessageDate": "2026-11-18T12:00:00.000+0000", "Incoming": true}]))),
        {"body": [{"errorCode": "INVALID_TYPE", "message": "sObject type 'FeedItem' is not supported."}], "httpHeaders": {}, "httpStatusCode": 400, "referenceId": "feedItems"}
    ]}))).await;
    let out = run(&server, "get_case_timeline", json!({"case_id": CASE_ID})).await;
    insta::assert_yaml_snapshot!("workflow__get_case_timeline", out);
}

#[tokio::test]
async fn a_draft_email_only_creates_a_draft_record() {
    let server = mock_org().await;
    mount(
        &server,
        "POST",
        "/services/data/v66.0/sobjects/EmailMessage",
        sf_json(
            201,
            json!({"id": "02sDm0000000009AAA", "success": true, "errors": []}),
        ),
    )
    .await;
    mount(&server, "GET", "/services/data/v66.0/sobjects/EmailMessage/02sDm0000000009AAA", sf_json(200, json!({"Id": "02sDm0000000009AAA", "Status": "5", "Subject": "Update", "ToAddress": "ana@zava.example", "ParentId": CASE_ID}))).await;
    let out = run(&server, "send_case_email", json!({"case_id": CASE_ID, "to_address": "ana@zava.example", "subject": "Update", "body": "<p>We are on it</p>"})).await;
    insta::assert_yaml_snapshot!("workflow__send_case_email_draft", out);
}

#[tokio::test]
async fn a_sent_email_goes_through_the_email_action_then_is_logged() {
    let server = mock_org().await;
    mount(
        &server,
        "GET",
        &format!("/services/data/v66.0/sobjects/Case/{CASE_ID}"),
        sf_json(200, json!({"Id": CASE_ID, "CaseNumber": "00001001"})),
    )
    .await;
    mount(&server, "POST", "/services/data/v66.0/actions/standard/emailSimple", sf_json(200, json!([{"actionName": "emailSimple", "errors": null, "isSuccess": true, "outputValues": null}]))).await;
    mount(
        &server,
        "POST",
        "/services/data/v66.0/sobjects/EmailMessage",
        sf_json(
            201,
            json!({"id": "02sDm0000000010AAA", "success": true, "errors": []}),
        ),
    )
    .await;
    mount(
        &server,
        "GET",
        "/services/data/v66.0/sobjects/EmailMessage/02sDm0000000010AAA",
        sf_json(200, json!({"Id": "02sDm0000000010AAA", "Status": "3"})),
    )
    .await;
    let out = run(&server, "send_case_email", json!({"case_id": CASE_ID, "to_address": "ana@zava.example", "subject": "Fixed", "body": "<p>Done</p>", "status": "Sent"})).await;
    let requests = out["requests"].as_array().unwrap();
    assert_eq!(
        requests[1]["path"],
        "/services/data/v66.0/actions/standard/emailSimple"
    );
    assert_eq!(requests[2]["body"]["Status"], "3");
    assert!(requests[2]["body"]["MessageDate"].is_string());
    assert_eq!(out["result"]["ok"]["sent"], true);
    assert_eq!(out["result"]["ok"]["emailMessage"]["StatusLabel"], "Sent");
}

#[tokio::test]
async fn a_refused_send_logs_nothing() {
    let server = mock_org().await;
    mount(
        &server,
        "GET",
        &format!("/services/data/v66.0/sobjects/Case/{CASE_ID}"),
        sf_json(200, json!({"Id": CASE_ID, "CaseNumber": "00001001"})),
    )
    .await;
    mount(&server, "POST", "/services/data/v66.0/actions/standard/emailSimple", sf_json(400, json!([{"actionName": "emailSimple", "isSuccess": false, "outputValues": null,
        "errors": [{"statusCode": "INVALID_EMAIL_ADDRESS", "message": "Email address is invalid: x", "fields": ["emailAddresses"]}]}]))).await;
    let out = run(&server, "send_case_email", json!({"case_id": CASE_ID, "to_address": "ana@zava.example", "subject": "S", "body": "B", "status": "Sent"})).await;
    assert_eq!(out["result"]["error"]["code"], "INVALID_EMAIL_ADDRESS");
    assert_eq!(
        out["requests"].as_array().unwrap().len(),
        2,
        "no EmailMessage is logged for a failed send"
    );
}

#[tokio::test]
async fn kb_suggestions_use_subject_and_description_and_explain_the_ranking() {
    let server = mock_org().await;
    mount(
        &server,
        "GET",
        &format!("/services/data/v66.0/sobjects/Case/{CASE_ID}"),
        sf_json(200, case_record()),
    )
    .await;
    mount(&server, "GET", "/services/data/v66.0/support/knowledgeArticles", sf_json(200, json!({"articles": [
        {"id": "kA0Dm0000000002AAA", "articleNumber": "000001002", "title": "Import fails with invalid date errors", "summary": "Set the import locale.", "urlName": "import-dates", "lastPublishedDate": "2026-10-01T00:00:00Z"},
        {"id": "kA0Dm0000000001AAA", "articleNumber": "000001001", "title": "Resolving slow dashboard load times", "summary": "Dashboards with many widgets or unindexed date filters load slowly.", "urlName": "resolving-slow-dashboard-load-times", "lastPublishedDate": "2026-09-01T00:00:00Z"}
    ], "currentPageUrl": "/services/data/v66.0/support/knowledgeArticles", "nextPageUrl": null, "pageNumber": 1}))).await;
    let out = run(
        &server,
        "suggest_kb_for_case",
        json!({"case_id": CASE_ID, "search_terms": "widgets"}),
    )
    .await;
    insta::assert_yaml_snapshot!("workflow__suggest_kb_for_case", out);
}

#[tokio::test]
async fn draft_kb_article_links_the_case_and_uses_the_body_field() {
    let server = mock_org().await;
    mount(
        &server,
        "GET",
        &format!("/services/data/v66.0/sobjects/Case/{CASE_ID}"),
        sf_json(200, case_record()),
    )
    .await;
    mount(
        &server,
        "POST",
        "/services/data/v66.0/sobjects/Knowledge__kav",
        sf_json(
            201,
            json!({"id": "ka0Dm0000000001AAA", "success": true, "errors": []}),
        ),
    )
    .await;
    mount(&server, "GET", "/services/data/v66.0/sobjects/Knowledge__kav/ka0Dm0000000001AAA", sf_json(200, json!({"Id": "ka0Dm0000000001AAA", "KnowledgeArticleId": "kA0Dm0000000001AAA", "ArticleNumber": "000001010", "PublishStatus": "Draft"}))).await;
    let out = run(&server, "draft_kb_article", json!({"case_id": CASE_ID, "title": "Resolving dashboard performance issues", "url_name": "dashboard-performance-fix", "content": "<h2>Problem</h2>…", "summary": "Enable cached snapshots", "body_field": "Resolution__c"})).await;
    insta::assert_yaml_snapshot!("workflow__draft_kb_article", out);
}

#[tokio::test]
async fn categorize_case_patches_comments_and_reads_back() {
    let server = mock_org().await;
    mount(
        &server,
        "PATCH",
        &format!("/services/data/v66.0/sobjects/Case/{CASE_ID}"),
        ResponseTemplate::new(204),
    )
    .await;
    mount(
        &server,
        "POST",
        "/services/data/v66.0/sobjects/CaseComment",
        sf_json(
            201,
            json!({"id": "00aDm0000000009AAA", "success": true, "errors": []}),
        ),
    )
    .await;
    mount(&server, "GET", &format!("/services/data/v66.0/sobjects/Case/{CASE_ID}"), sf_json(200, json!({"Id": CASE_ID, "CaseNumber": "00001001", "Type": "Problem", "Reason": "Performance"}))).await;
    let out = run(&server, "categorize_case", json!({"case_id": CASE_ID, "type": "Problem", "reason": "Performance", "internal_comments": "Customer reports slow load times in dashboard view"})).await;
    insta::assert_yaml_snapshot!("workflow__categorize_case", out);
}

#[tokio::test]
async fn log_interaction_creates_and_reads_back() {
    let server = mock_org().await;
    mount(
        &server,
        "POST",
        "/services/data/v66.0/sobjects/Copilot_Interaction__c",
        sf_json(
            201,
            json!({"id": "a0CDm0000000001AAA", "success": true, "errors": []}),
        ),
    )
    .await;
    mount(
        &server,
        "GET",
        "/services/data/v66.0/sobjects/Copilot_Interaction__c/a0CDm0000000001AAA",
        sf_json(
            200,
            json!({"Id": "a0CDm0000000001AAA", "Name": "CI-00301", "Outcome__c": "Deflected"}),
        ),
    )
    .await;
    let out = run(&server, "log_interaction", json!({"outcome": "Deflected", "summary": "Shared the dashboard article", "topic": "Dashboard performance", "channel": "Customer Portal"})).await;
    insta::assert_yaml_snapshot!("workflow__log_interaction", out);
}

#[tokio::test]
async fn case_trends_compute_percentages_and_change() {
    let server = mock_org().await;
    let agg = |field: &str, value: Value, n: u64| json!({"attributes": {"type": "AggregateResult"}, field: value, "cnt": n});
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/query"))
        .and(query_param_contains("q", "LAST_N_DAYS:60"))
        .respond_with(sf_json(
            200,
            rows(json!([
                agg("Reason", json!("Performance"), 4),
                agg("Reason", json!("Other"), 4)
            ])),
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/query"))
        .and(query_param_contains("q", "LAST_N_DAYS:30"))
        .respond_with(sf_json(
            200,
            rows(json!([
                agg("Reason", json!("Performance"), 6),
                agg("Reason", json!("Other"), 3),
                agg("Reason", Value::Null, 1)
            ])),
        ))
        .with_priority(2)
        .mount(&server)
        .await;
    let out = run(
        &server,
        "get_case_trends",
        json!({"group_by": "Reason", "min_count": 2}),
    )
    .await;
    insta::assert_yaml_snapshot!("workflow__get_case_trends", out);
}

#[tokio::test]
async fn deflection_metrics_compute_rates_per_group() {
    let server = mock_org().await;
    let row = |outcome: &str, channel: &str, n: u64, kb: f64| json!({"attributes": {"type": "AggregateResult"}, "Outcome__c": outcome, "Channel__c": channel, "cnt": n, "kb": kb});
    mount_query(
        &server,
        "Copilot_Interaction__c",
        sf_json(
            200,
            rows(json!([
                row("Deflected", "Customer Portal", 6, 9.0),
                row("Case Created", "Customer Portal", 2, 2.0),
                row("Deflected", "Service Console", 1, 1.0),
                row("Escalated", "Service Console", 1, 0.0)
            ])),
        ),
    )
    .await;
    let out = run(
        &server,
        "get_deflection_metrics",
        json!({"days": 14, "group_by": "Channel__c"}),
    )
    .await;
    insta::assert_yaml_snapshot!("workflow__get_deflection_metrics", out);
}

#[tokio::test]
async fn sla_compliance_counts_unanswered_old_cases_as_breaches() {
    let server = mock_org().await;
    let case = |n: &str, priority: &str, created: &str, comment: Option<&str>| {
        json!({
        "attributes": {"type": "Case"}, "Id": format!("500Dm00000000{n}AAA"), "CaseNumber": format!("0000{n}"), "Subject": format!("Case {n}"),
        "Priority": priority, "Status": "New", "CreatedDate": created,
        "CaseComments": comment.map(|c| json!({"totalSize": 1, "done": true, "records": [{"attributes": {"type": "CaseComment"}, "CreatedDate": c}]})),
        "EmailMessages": null})
    };
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/query"))
        .respond_with(
            sf_json(
                200,
                rows(json!([
                    case(
                        "01",
                        "Critical",
                        "2026-11-20T09:00:00.000+0000",
                        Some("2026-11-20T09:30:00.000+0000")
                    ),
                    case(
                        "02",
                        "Critical",
                        "2026-11-20T06:00:00.000+0000",
                        Some("2026-11-20T08:00:00.000+0000")
                    ),
                    case("03", "Low", "2026-11-17T12:00:00.000+0000", None),
                    case("04", "Low", "2026-11-20T11:00:00.000+0000", None)
                ])),
            )
            .insert_header("Date", "Fri, 20 Nov 2026 12:00:00 GMT"),
        )
        .mount(&server)
        .await;
    let out = run(&server, "get_sla_compliance", json!({"days": 7})).await;
    insta::assert_yaml_snapshot!("workflow__get_sla_compliance", out);
    let ok = &out["result"]["ok"];
    assert_eq!(ok["complianceByPriority"]["Low"]["breachedNoResponse"], 1);
    assert_eq!(ok["complianceByPriority"]["Low"]["pendingWithinSla"], 1);
    assert_eq!(
        ok["complianceByPriority"]["Critical"]["compliancePercent"],
        50.0
    );
}

#[tokio::test]
async fn values_that_enter_soql_are_quoted_and_enums_refuse_injection() {
    let server = mock_org().await;
    mount_query(&server, "FROM Contact", sf_json(200, rows(json!([])))).await;
    mount(
        &server,
        "POST",
        "/services/data/v66.0/sobjects/Case",
        sf_json(201, json!({"id": CASE_ID, "success": true, "errors": []})),
    )
    .await;
    mount(
        &server,
        "GET",
        &format!("/services/data/v66.0/sobjects/Case/{CASE_ID}"),
        sf_json(200, json!({"Id": CASE_ID})),
    )
    .await;
    let out = run(&server, "create_case", json!({"subject": "S", "description": "D", "priority": "Low", "contact_email": "x'or'1'='1@evil.example"})).await;
    let soql = out["requests"][0]["query"][0][1].as_str().unwrap();
    assert!(
        soql.contains(r"Email = 'x\'or\'1\'=\'1@evil.example'"),
        "{soql}"
    );
    let engine = engine(&server).await;
    for args in [
        json!({"group_by": "Reason FROM User --"}),
        json!({"group_by": "Priority", "days": 0}),
    ] {
        assert!(
            matches!(engine.call("get_case_trends", args.as_object().cloned()).await, Err(CallError::Failed(e)) if e.code == "INVALID_ARGUMENTS")
        );
    }
    assert!(
        matches!(engine.call("get_sla_compliance", json!({"priority": "Low' OR Name != '"}).as_object().cloned()).await, Err(CallError::Failed(e)) if e.code == "INVALID_ARGUMENTS")
    );
    assert!(
        matches!(engine.call("get_case_timeline", json!({"case_id": "500' OR Id != '"}).as_object().cloned()).await, Err(CallError::Failed(e)) if e.code == "INVALID_ARGUMENTS")
    );
}
