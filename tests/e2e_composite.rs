//! The composite family against the embedded demo org: relative sub-request urls reach the data
//! API, references chain results, all-or-none really rolls back, and refused urls change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{call_err, call_ok, demo_engine};
use salesforce_mcp::engine::Engine;
use serde_json::{Value, json};

async fn accounts_named(engine: &Engine, name: &str) -> Vec<Value> {
    let found = call_ok(
        engine,
        "query",
        json!({"soql": format!("SELECT Id, Name, Industry, (SELECT LastName FROM Contacts) FROM Account WHERE Name = '{name}'")}),
    )
    .await;
    found["records"].as_array().cloned().unwrap_or_default()
}

fn statuses(results: &Value) -> Vec<u64> {
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn composite_chains_references_through_relative_urls() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let result = call_ok(
        engine,
        "composite",
        json!({"all_or_none": true, "requests": [
            {"method": "POST", "url": "/sobjects/Account", "referenceId": "newAccount", "body": {"Name": "Composite Test Co"}},
            {"method": "POST", "url": "/sobjects/Contact", "referenceId": "newContact",
             "body": {"LastName": "Okafor", "AccountId": "@{newAccount.id}"}},
            {"method": "PATCH", "url": "/sobjects/Account/@{newAccount.id}", "referenceId": "setIndustry", "body": {"Industry": "Technology"}},
            {"method": "GET", "url": "/query?q=SELECT Id, LastName FROM Contact WHERE AccountId = '@{newAccount.id}'", "referenceId": "contacts"}
        ]}),
    )
    .await;
    assert_eq!(result["hasErrors"], false, "{result}");
    assert_eq!(statuses(&result["results"]), [201, 201, 204, 200]);
    let queried = &result["results"][3]["body"];
    assert_eq!(queried["totalSize"], 1, "{queried}");
    assert!(
        queried["records"][0].get("attributes").is_none(),
        "bodies are tidied"
    );

    let accounts = accounts_named(engine, "Composite Test Co").await;
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["Id"], result["results"][0]["body"]["id"]);
    assert_eq!(accounts[0]["Industry"], "Technology");
    assert_eq!(accounts[0]["Contacts"]["records"][0]["LastName"], "Okafor");
}

#[tokio::test]
async fn all_or_none_rolls_everything_back_when_one_sub_request_fails() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let result = call_ok(
        engine,
        "composite",
        json!({"all_or_none": true, "requests": [
            {"method": "POST", "url": "/sobjects/Account", "referenceId": "doomed", "body": {"Name": "Rolled Back Ltd"}},
            {"method": "POST", "url": "/sobjects/Contact", "referenceId": "noName", "body": {"AccountId": "@{doomed.id}"}}
        ]}),
    )
    .await;
    assert_eq!(result["hasErrors"], true, "{result}");
    let codes: Vec<&str> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["body"][0]["errorCode"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["PROCESSING_HALTED", "REQUIRED_FIELD_MISSING"],
        "{result}"
    );
    assert!(
        accounts_named(engine, "Rolled Back Ltd").await.is_empty(),
        "the account was rolled back"
    );

    // Without all_or_none the first sub-request stands.
    let partial = call_ok(
        engine,
        "composite",
        json!({"requests": [
            {"method": "POST", "url": "/sobjects/Account", "referenceId": "kept", "body": {"Name": "Kept Ltd"}},
            {"method": "POST", "url": "/sobjects/Contact", "referenceId": "noName", "body": {"AccountId": "@{kept.id}"}}
        ]}),
    )
    .await;
    assert_eq!(statuses(&partial["results"]), [201, 400]);
    assert_eq!(accounts_named(engine, "Kept Ltd").await.len(), 1);
}

#[tokio::test]
async fn composite_batch_runs_independent_calls() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let open = call_ok(
        engine,
        "query",
        json!({"soql": "SELECT Id FROM Case WHERE IsClosed = false ORDER BY CaseNumber LIMIT 2"}),
    )
    .await;
    let first = open["records"][0]["Id"].as_str().unwrap().to_owned();
    let second = open["records"][1]["Id"].as_str().unwrap().to_owned();
    let result = call_ok(
        engine,
        "composite_batch",
        json!({"requests": [
            {"method": "PATCH", "url": format!("/sobjects/Case/{first}"), "body": {"Priority": "Critical"}},
            {"method": "GET", "url": format!("/sobjects/Case/{second}?fields=CaseNumber,Priority")},
            {"method": "GET", "url": "/sobjects/Case/500Dm0000009999AAA"},
            {"method": "GET", "url": "/query?q=SELECT COUNT() FROM Case"}
        ]}),
    )
    .await;
    assert_eq!(result["hasErrors"], true);
    assert_eq!(statuses(&result["results"]), [204, 200, 404, 200]);
    assert!(
        result["results"][1]["result"]["CaseNumber"].is_string(),
        "{result}"
    );
    assert_eq!(result["results"][2]["result"][0]["errorCode"], "NOT_FOUND");
    let patched = call_ok(
        engine,
        "get_record",
        json!({"object": "Case", "id": first, "fields": "Priority"}),
    )
    .await;
    assert_eq!(patched["Priority"], "Critical");

    let before = result["results"][1]["result"]["Priority"].clone();
    let other = if before == "Low" { "Medium" } else { "Low" };
    let halted = call_ok(
        engine,
        "composite_batch",
        json!({"halt_on_error": true, "requests": [
            {"method": "GET", "url": "/sobjects/Case/500Dm0000009999AAA"},
            {"method": "PATCH", "url": format!("/sobjects/Case/{second}"), "body": {"Priority": other}}
        ]}),
    )
    .await;
    assert_eq!(statuses(&halted["results"]), [404, 412]);
    let untouched = call_ok(
        engine,
        "get_record",
        json!({"object": "Case", "id": second, "fields": "Priority"}),
    )
    .await;
    assert_eq!(
        untouched["Priority"], before,
        "the halted PATCH did not run"
    );
}

#[tokio::test]
async fn composite_tree_creates_an_account_with_its_contacts() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let result = call_ok(
        engine,
        "composite_tree",
        json!({"object": "Account", "records": [{
            "attributes": {"type": "Account", "referenceId": "acme"},
            "Name": "Tree Test Works",
            "Contacts": {"records": [
                {"attributes": {"type": "Contact", "referenceId": "ana"}, "LastName": "Silva", "Email": "ana@treetest.example"},
                {"attributes": {"type": "Contact", "referenceId": "ben"}, "LastName": "Ito"}
            ]}
        }]}),
    )
    .await;
    assert_eq!(result["hasErrors"], false, "{result}");
    let references: Vec<&str> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["referenceId"].as_str())
        .collect();
    assert_eq!(references, ["acme", "ana", "ben"]);
    let accounts = accounts_named(engine, "Tree Test Works").await;
    assert_eq!(accounts[0]["Id"], result["results"][0]["id"]);
    assert_eq!(
        accounts[0]["Contacts"]["records"].as_array().map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn composite_tree_failure_creates_nothing() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let error = call_err(
        engine,
        "composite_tree",
        json!({"object": "Account", "records": [{
            "attributes": {"type": "Account", "referenceId": "acme"},
            "Name": "Half Tree Ltd",
            "Contacts": {"records": [{"attributes": {"type": "Contact", "referenceId": "nameless"}, "FirstName": "No"}]}
        }]}),
    )
    .await;
    assert_eq!(error.code, "REQUIRED_FIELD_MISSING", "{}", error.to_json());
    assert_eq!(error.http_status, Some(400));
    assert!(error.message.contains("LastName"), "{}", error.message);
    assert!(accounts_named(engine, "Half Tree Ltd").await.is_empty());
}

#[tokio::test]
async fn composite_graph_rolls_back_only_the_failing_graph() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let result = call_ok(
        engine,
        "composite_graph",
        json!({"graphs": [
            {"graphId": "good", "compositeRequest": [
                {"method": "POST", "url": "/sobjects/Account", "referenceId": "acct", "body": {"Name": "Graph Good Inc"}},
                {"method": "POST", "url": "/sobjects/Contact", "referenceId": "person", "body": {"LastName": "Nakamura", "AccountId": "@{acct.id}"}}
            ]},
            {"graphId": "bad", "compositeRequest": [
                {"method": "POST", "url": "/sobjects/Account", "referenceId": "acct", "body": {"Name": "Graph Bad Inc"}},
                {"method": "POST", "url": "/sobjects/Contact", "referenceId": "person", "body": {"AccountId": "@{acct.id}"}}
            ]}
        ]}),
    )
    .await;
    assert_eq!(result["allSuccessful"], false, "{result}");
    assert_eq!(result["graphs"][0]["isSuccessful"], true);
    assert_eq!(result["graphs"][1]["isSuccessful"], false);
    assert_eq!(accounts_named(engine, "Graph Good Inc").await.len(), 1);
    assert!(accounts_named(engine, "Graph Bad Inc").await.is_empty());
}

#[tokio::test]
async fn a_refused_url_stops_the_whole_composite_before_anything_is_written() {
    let running = demo_engine().await;
    let engine = &running.engine;
    for evil in [
        "https://evil.example.com/x",
        "/services/data/../../services/oauth2/token",
        "/sobjects/%2e%2e/%2e%2e/limits",
    ] {
        let error = call_err(
            engine,
            "composite",
            json!({"requests": [
                {"method": "POST", "url": "/sobjects/Account", "referenceId": "first", "body": {"Name": "Never Written Co"}},
                {"method": "GET", "url": evil, "referenceId": "evil"}
            ]}),
        )
        .await;
        assert_eq!(error.code, "INVALID_ARGUMENTS");
        assert!(
            error.message.contains("requests[1].url"),
            "{}",
            error.message
        );
    }
    assert!(accounts_named(engine, "Never Written Co").await.is_empty());
}
