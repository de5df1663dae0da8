//! Bad input gets a clear error and nothing leaves the process: no token request, no API call.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{all_requests, engine, mock_org};
use salesforce_mcp::engine::CallError;
use serde_json::json;

#[tokio::test]
async fn ids_that_could_change_the_path_are_refused() {
    for id in [
        "../../limits",
        "500Dm0000000001AAA/../..",
        "001/describe",
        "500Dm000000'1AAA",
        "..",
        "",
        "500Dm00000000%2F",
    ] {
        let error = common::refused("get_record", json!({"object": "Case", "id": id})).await;
        assert_eq!(error.problems[0].pointer, "/id", "{id}");
    }
    for object in [
        "../Account",
        "Account/describe",
        "Account'",
        "Case?x=1",
        "Case#",
    ] {
        let error = common::refused(
            "get_record",
            json!({"object": object, "id": "500Dm0000000001AAA"}),
        )
        .await;
        assert_eq!(error.problems[0].pointer, "/object", "{object}");
    }
    for id in ["../x", "001Dm0000000001AAA/x"] {
        common::refused("delete_record", json!({"object": "Account", "id": id})).await;
        common::refused(
            "update_record",
            json!({"object": "Account", "id": id, "data": {"Name": "x"}}),
        )
        .await;
    }
}

#[tokio::test]
async fn a_dot_segment_in_a_free_text_path_value_is_refused() {
    for value in ["..", "."] {
        let error = common::refused(
            "upsert_record",
            json!({"object": "Account", "external_id_field": "External_Id__c", "external_id": value, "data": {"Name": "x"}}),
        )
        .await;
        assert!(error.message.contains("would change the path"), "{error:?}");
    }
}

#[tokio::test]
async fn missing_wrongly_typed_and_unknown_arguments_are_all_listed() {
    let error = common::refused("get_record", json!({"id": 5, "objet": "Case"})).await;
    let pointers: Vec<&str> = error.problems.iter().map(|p| p.pointer.as_str()).collect();
    assert!(pointers.contains(&"/id"), "{pointers:?}");
    assert!(
        pointers.contains(&""),
        "missing `object` and unknown `objet` are root problems: {pointers:?}"
    );
    let messages: Vec<&str> = error.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("\"object\" is a required property")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("'objet' was unexpected")),
        "{messages:?}"
    );
    assert!(
        error
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("Nothing was sent")
    );
}

#[tokio::test]
async fn field_names_in_data_and_fields_are_validated() {
    common::refused(
        "create_record",
        json!({"object": "Account", "data": {"Name; DELETE": "x"}}),
    )
    .await;
    common::refused("create_record", json!({"object": "Account", "data": {}})).await;
    common::refused("get_record", json!({"object": "Case", "id": "500Dm0000000001AAA", "fields": "Id, Subject) FROM Case --"})).await;
}

#[tokio::test]
async fn query_takes_soql_or_a_next_page_url_but_not_both_and_not_any_url() {
    common::refused("query", json!({})).await;
    common::refused("query", json!({"soql": "SELECT Id FROM Case", "next_records_url": "/services/data/v66.0/query/01gxx-2000"})).await;
    for url in [
        "/services/data/v66.0/query/../sobjects/Account",
        "https://evil.example.com/services/data/v66.0/query/01gxx-2000",
        "/services/data/v66.0/sobjects/Account/001",
    ] {
        common::refused("query", json!({"next_records_url": url})).await;
        common::refused("query_more", json!({"next_records_url": url})).await;
    }
}

#[tokio::test]
async fn a_stringified_object_argument_is_accepted() {
    let server = mock_org().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(
            "/services/data/v66.0/sobjects/Account",
        ))
        .respond_with(common::sf_json(
            201,
            json!({"id": "001Dm0000000001AAA", "success": true, "errors": []}),
        ))
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let result = engine
        .call(
            "create_record",
            json!({"object": "Account", "data": "{\"Name\": \"Acme\"}"})
                .as_object()
                .cloned(),
        )
        .await
        .expect("accepted");
    assert_eq!(result["id"], "001Dm0000000001AAA");
    assert_eq!(
        common::recorded(&server).await[0]["body"],
        json!({"Name": "Acme"})
    );
}

#[tokio::test]
async fn an_unknown_tool_is_a_protocol_error_not_a_result() {
    let server = mock_org().await;
    let engine = engine(&server).await;
    assert!(matches!(
        engine.call("drop_database", None).await,
        Err(CallError::UnknownTool(_))
    ));
    let client = common::mcp_client(engine).await;
    let error = client
        .call_tool(rmcp::model::CallToolRequestParams::new("drop_database"))
        .await
        .expect_err("protocol error");
    let text = error.to_string();
    assert!(
        text.contains("-32602") || text.contains("Unknown tool"),
        "{text}"
    );
    assert_eq!(all_requests(&server).await, 0);
}

#[tokio::test]
async fn a_validation_failure_reaches_the_client_as_an_error_result() {
    let server = mock_org().await;
    let engine = engine(&server).await;
    let client = common::mcp_client(engine).await;
    let result = client
        .call_tool(
            rmcp::model::CallToolRequestParams::new("get_record").with_arguments(
                json!({"object": "Case", "id": "../x"})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            ),
        )
        .await
        .expect("a tool result");
    assert_eq!(result.is_error, Some(true));
    let body = result.structured_content.expect("structured error");
    assert_eq!(body["code"], "INVALID_ARGUMENTS");
    assert_eq!(body["problems"][0]["pointer"], "/id");
    assert_eq!(all_requests(&server).await, 0);
}
