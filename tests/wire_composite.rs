//! Composite family tools: the exact request each sends (sub-request urls completed) and the result
//! it shapes from Salesforce-shaped answers (insta snapshots), and the urls refused before anything
//! is sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::sf_json;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

/// Calls `tool` against a mock answering `POST at` with `response`; snapshots the one request it
/// sent and the shaped result (checked against the tool's output schema).
async fn wire(name: &str, tool: &str, args: Value, at: &str, response: ResponseTemplate) {
    let exchange = common::single_exchange(tool, args, "POST", at, response).await;
    insta::assert_yaml_snapshot!(name, exchange);
}

fn get(url: &str, reference: &str) -> Value {
    json!({"method": "GET", "url": url, "referenceId": reference})
}

#[tokio::test]
async fn composite_completes_relative_urls_and_keeps_full_ones() {
    let args = json!({
        "all_or_none": true,
        "requests": [
            {"method": "POST", "url": "/sobjects/Account", "referenceId": "refAccount", "body": {"Name": "Sample Account"}},
            {"method": "POST", "url": "/services/data/v62.0/sobjects/Contact", "referenceId": "refContact",
             "body": {"LastName": "Lee", "AccountId": "@{refAccount.id}"}},
            get("/sobjects/Account/@{refAccount.id}?fields=Name", "refGet"),
            get("/query?q=SELECT Id, Name FROM Contact WHERE AccountId = '@{refAccount.id}'", "refQuery"),
            {"method": "PATCH", "url": "/sobjects/Account/@{refAccount.id}", "referenceId": "refPatch",
             "body": {"Industry": "Technology"}, "httpHeaders": {"Sforce-Auto-Assign": "FALSE"}}
        ]
    });
    let answer = json!({"compositeResponse": [
        {"body": {"id": "001R00000033I6AIAU", "success": true, "errors": []},
         "httpHeaders": {"Location": "/services/data/v66.0/sobjects/Account/001R00000033I6AIAU"}, "httpStatusCode": 201, "referenceId": "refAccount"},
        {"body": {"id": "003R00000025REHIA2", "success": true, "errors": []},
         "httpHeaders": {"Location": "/services/data/v62.0/sobjects/Contact/003R00000025REHIA2"}, "httpStatusCode": 201, "referenceId": "refContact"},
        {"body": {"attributes": {"type": "Account", "url": "/services/data/v66.0/sobjects/Account/001R00000033I6AIAU"}, "Name": "Sample Account", "Id": "001R00000033I6AIAU"},
         "httpHeaders": {}, "httpStatusCode": 200, "referenceId": "refGet"},
        {"body": {"totalSize": 1, "done": true, "records": [{"attributes": {"type": "Contact", "url": "/services/data/v66.0/sobjects/Contact/003R00000025REHIA2"}, "Id": "003R00000025REHIA2", "Name": "Lee"}]},
         "httpHeaders": {}, "httpStatusCode": 200, "referenceId": "refQuery"},
        {"body": null, "httpHeaders": {}, "httpStatusCode": 204, "referenceId": "refPatch"}
    ]});
    wire(
        "composite",
        "composite",
        args,
        "/services/data/v66.0/composite",
        sf_json(200, answer),
    )
    .await;
}

#[tokio::test]
async fn composite_reports_failed_sub_requests() {
    let args = json!({
        "all_or_none": true,
        "requests": [
            {"method": "POST", "url": "/sobjects/Contact", "referenceId": "newContact", "body": {"LastName": "Lee", "Email": "Not a real email address"}},
            {"method": "DELETE", "url": "/sobjects/Case/500Dm0000000001AAA", "referenceId": "oldCase"}
        ]
    });
    let answer = json!({"compositeResponse": [
        {"body": [{"message": "Email: invalid email address: Not a real email address", "errorCode": "INVALID_EMAIL_ADDRESS", "fields": ["Email"]}],
         "httpHeaders": {}, "httpStatusCode": 400, "referenceId": "newContact"},
        {"body": [{"errorCode": "PROCESSING_HALTED", "message": "The transaction was rolled back since another operation in the same transaction failed."}],
         "httpHeaders": {}, "httpStatusCode": 400, "referenceId": "oldCase"}
    ]});
    wire(
        "composite_failed",
        "composite",
        args,
        "/services/data/v66.0/composite",
        sf_json(200, answer),
    )
    .await;
}

#[tokio::test]
async fn composite_batch_sends_versioned_urls_and_rich_input() {
    let args = json!({
        "halt_on_error": true,
        "requests": [
            {"method": "PATCH", "url": "/sobjects/Account/001D000000K0fXOIAZ", "body": {"Name": "NewName"}},
            {"method": "GET", "url": "/sobjects/Account/001D000000K0fXOIAZ?fields=Name,BillingPostalCode"},
            {"method": "GET", "url": "/services/data/v66.0/sobjects/Case/500D000000K0fXOIAZ"},
            {"method": "GET", "url": "v66.0/limits"}
        ]
    });
    let answer = json!({"hasErrors": true, "results": [
        {"statusCode": 204, "result": null},
        {"statusCode": 200, "result": {"attributes": {"type": "Account", "url": "/services/data/v66.0/sobjects/Account/001D000000K0fXOIAZ"},
                                        "Name": "NewName", "BillingPostalCode": "94105", "Id": "001D000000K0fXOIAZ"}},
        {"statusCode": 404, "result": [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]},
        {"statusCode": 412, "result": [{"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request"}]}
    ]});
    wire(
        "composite_batch",
        "composite_batch",
        args,
        "/services/data/v66.0/composite/batch",
        sf_json(200, answer),
    )
    .await;
}

fn tree_records() -> Value {
    json!([{
        "attributes": {"type": "Account", "referenceId": "ref1"},
        "Name": "SampleAccount1",
        "Contacts": {"records": [
            {"attributes": {"type": "Contact", "referenceId": "ref2"}, "LastName": "Smith", "Email": "smith@example.com"},
            {"attributes": {"type": "Contact", "referenceId": "ref3"}, "LastName": "Evans", "Email": "evans@example.com"}
        ]}
    }])
}

#[tokio::test]
async fn composite_tree_creates_parents_with_children() {
    let answer = json!({"hasErrors": false, "results": [
        {"referenceId": "ref1", "id": "001D000000K0fXOIAZ"},
        {"referenceId": "ref2", "id": "003D000000QV9n2IAD"},
        {"referenceId": "ref3", "id": "003D000000QV9n3IAD"}
    ]});
    wire(
        "composite_tree",
        "composite_tree",
        json!({"object": "Account", "records": tree_records()}),
        "/services/data/v66.0/composite/tree/Account",
        sf_json(201, answer),
    )
    .await;
}

#[tokio::test]
async fn composite_tree_failure_reports_the_record_errors() {
    let answer = json!({"hasErrors": true, "results": [
        {"referenceId": "ref2", "errors": [{"statusCode": "INVALID_EMAIL_ADDRESS", "message": "Email: invalid email address: 123", "fields": ["Email"]}]}
    ]});
    wire(
        "composite_tree_failed",
        "composite_tree",
        json!({"object": "Account", "records": tree_records()}),
        "/services/data/v66.0/composite/tree/Account",
        sf_json(400, answer),
    )
    .await;
}

#[tokio::test]
async fn composite_graph_completes_each_graphs_urls() {
    let args = json!({"graphs": [
        {"graphId": "graph0", "compositeRequest": [
            {"method": "POST", "url": "/sobjects/Movie__c", "referenceId": "insert_anh", "body": {"Name": "A New Hope"}},
            {"method": "PATCH", "url": "/sobjects/Movie__c/@{insert_anh.id}", "referenceId": "rename", "body": {"Name": "Star Wars"}}
        ]},
        {"graphId": "graph1", "compositeRequest": [
            {"method": "DELETE", "url": "/services/data/v66.0/sobjects/Movie__c/a01B0000009gSoyIAE", "referenceId": "delete_old"}
        ]}
    ]});
    let answer = json!({"graphs": [
        {"graphId": "graph0", "graphResponse": {"compositeResponse": [
            {"body": {"id": "a01B0000009gSoxIAE", "success": true, "errors": []},
             "httpHeaders": {"Location": "/services/data/v66.0/sobjects/Movie__c/a01B0000009gSoxIAE"}, "httpStatusCode": 201, "referenceId": "insert_anh"},
            {"body": null, "httpHeaders": {}, "httpStatusCode": 204, "referenceId": "rename"}
        ]}, "isSuccessful": true},
        {"graphId": "graph1", "graphResponse": {"compositeResponse": [
            {"body": [{"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}],
             "httpHeaders": {}, "httpStatusCode": 400, "referenceId": "delete_old"}
        ]}, "isSuccessful": false}
    ]});
    wire(
        "composite_graph",
        "composite_graph",
        args,
        "/services/data/v66.0/composite/graph",
        sf_json(200, answer),
    )
    .await;
}

#[tokio::test]
async fn a_url_that_leaves_the_data_api_is_refused_with_a_clear_message() {
    let error = common::refused(
        "composite",
        json!({"requests": [get("/sobjects/Account", "ok"), get("https://evil.example.com/x", "evil")]}),
    )
    .await;
    insta::assert_yaml_snapshot!("composite_refused_full_url", error.to_json());
}

#[tokio::test]
async fn urls_outside_the_data_api_are_refused_by_every_composite_tool() {
    for url in [
        "https://evil.example.com/x",
        "http://localhost/services/data/v66.0/limits",
        "//evil.example.com/x",
        "/services/data/../..",
        "/services/data/v66.0/../../oauth2/token",
        "/sobjects/%2e%2e/%2e%2e/oauth2/token",
        "/services/oauth2/token",
        "/services/apexrest/Anything",
        "sobjects/Account",
    ] {
        let error = common::refused("composite", json!({"requests": [get(url, "r")]})).await;
        assert!(error.message.contains(url), "{url}: {}", error.message);
        common::refused(
            "composite_batch",
            json!({"requests": [{"method": "GET", "url": url}]}),
        )
        .await;
        common::refused(
            "composite_graph",
            json!({"graphs": [{"graphId": "g", "compositeRequest": [get(url, "r")]}]}),
        )
        .await;
    }
}

#[tokio::test]
async fn malformed_sub_requests_are_refused_before_sending() {
    let too_many: Vec<Value> = (0..26).map(|i| get("/limits", &format!("r{i}"))).collect();
    common::refused("composite", json!({"requests": too_many})).await;
    common::refused("composite", json!({"requests": []})).await;
    common::refused(
        "composite",
        json!({"requests": [get("/limits", "1starts_with_a_digit")]}),
    )
    .await;
    common::refused(
        "composite",
        json!({"requests": [get("/limits", "has space")]}),
    )
    .await;
    common::refused(
        "composite",
        json!({"requests": [{"method": "TRACE", "url": "/limits", "referenceId": "r"}]}),
    )
    .await;
    common::refused(
        "composite",
        json!({"requests": [{"method": "GET", "url": "/limits"}]}),
    )
    .await;
    common::refused(
        "composite",
        json!({"requests": [{"method": "GET", "url": "/limits", "referenceId": "r", "extra": true}]}),
    )
    .await;
    common::refused(
        "composite_tree",
        json!({"object": "Account/../x", "records": tree_records()}),
    )
    .await;
    common::refused(
        "composite_tree",
        json!({"object": "Account", "records": [{"Name": "no attributes"}]}),
    )
    .await;
}
