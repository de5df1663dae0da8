//! The built binary, started the way the README says, driven over stdio by rmcp's client.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use serde_json::json;
use tokio::io::AsyncReadExt;
use wiremock::Mock;
use wiremock::matchers::{method, path};

#[tokio::test]
async fn the_binary_serves_stdio_against_an_org() {
    let server = common::mock_org().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .respond_with(common::sf_json(
            200,
            json!({"DailyApiRequests": {"Max": 5000, "Remaining": 4990}}),
        ))
        .mount(&server)
        .await;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_salesforce-mcp"));
    command
        .arg("serve")
        .env("SF_INSTANCE_URL", server.uri())
        .env("SF_CLIENT_ID", "test-client-id")
        .env("SF_CLIENT_SECRET", common::SECRET)
        .env("SF_LOG", "debug")
        .env_remove("SF_TOOLSETS");
    let (transport, stderr) = TokioChildProcess::builder(command)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read stderr while the server runs: debug logs could otherwise fill the pipe and block it.
    let mut stderr = stderr.expect("stderr");
    let drained = tokio::spawn(async move {
        let mut logs = String::new();
        let _ = stderr.read_to_string(&mut logs).await;
        logs
    });
    let client = ().serve(transport).await.expect("initialize");

    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "get_limits"));
    assert!(
        tools.iter().all(|t| t.name != "query_more"),
        "the default toolset is the connector's"
    );
    assert_eq!(
        common::token_requests(&server).await,
        0,
        "listing tools needs no token"
    );

    let result = client
        .call_tool(CallToolRequestParams::new("get_limits"))
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(false));
    assert_eq!(
        result.structured_content.expect("structured")["daily_api_requests"]["used"],
        10
    );

    let refused = client
        .call_tool(
            CallToolRequestParams::new("get_record").with_arguments(
                json!({"object": "Case", "id": "../../limits"})
                    .as_object()
                    .cloned()
                    .unwrap(),
            ),
        )
        .await
        .expect("tools/call");
    assert_eq!(refused.is_error, Some(true));

    let unknown = client
        .call_tool(CallToolRequestParams::new("no_such_tool"))
        .await;
    assert!(unknown.is_err(), "an unknown tool is a protocol error");

    let resources = client.list_all_resources().await.expect("resources/list");
    assert_eq!(resources[0].uri, "salesforce://reference/soql");

    client.cancel().await.expect("shutdown");
    let logs = drained.await.expect("stderr reader");
    assert!(
        logs.contains("access token acquired"),
        "debug logs go to stderr: {logs}"
    );
    common::assert_no_secrets(&logs);
}

#[tokio::test]
async fn a_broken_tools_dir_stops_start_up_with_file_line_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("broken.yaml"), "version: 1\nname: x\ntitle: t\ntoolset: custom\ndescription: a tool with a typo in its annotations\nannotations: {readOnly: true}\ninput: {type: object}\n").unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_salesforce-mcp"))
        .args(["serve", "--demo", "--tools-dir"])
        .arg(dir.path())
        .output()
        .await
        .expect("run");
    assert!(!output.status.success());
    assert!(
        output.stdout.is_empty(),
        "nothing but protocol may reach stdout"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.yaml:6:"), "{stderr}");
}

#[tokio::test]
async fn validate_and_tools_subcommands() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_salesforce-mcp"))
        .arg("validate")
        .output()
        .await
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_salesforce-mcp"))
        .args(["tools", "--json", "--toolsets", "all"])
        .output()
        .await
        .expect("run");
    let listing: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let first = &listing[0];
    assert!(first["name"].is_string() && first["toolset"].is_string());
    assert!(first["annotations"]["readOnlyHint"].is_boolean());
}

#[tokio::test]
async fn call_prints_json_and_fails_on_a_tool_error() {
    let server = common::mock_org().await;
    Mock::given(method("GET"))
        .and(path(
            "/services/data/v66.0/sobjects/Case/500Dm0000000404AAA",
        ))
        .respond_with(common::sf_json(
            404,
            json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]),
        ))
        .mount(&server)
        .await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_salesforce-mcp"))
        .args([
            "call",
            "get_record",
            "--args",
            r#"{"object":"Case","id":"500Dm0000000404AAA"}"#,
        ])
        .env("SF_INSTANCE_URL", server.uri())
        .env("SF_CLIENT_ID", "id")
        .env("SF_CLIENT_SECRET", common::SECRET)
        .output()
        .await
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let body: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json on stdout");
    assert_eq!(body["code"], "NOT_FOUND");
}
