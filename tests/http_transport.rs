//! Streamable HTTP at /mcp: a real client lists and calls tools; DNS-rebinding and cross-site
//! requests are refused; binding off loopback needs an explicit allowed host.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use salesforce_mcp::mcp::{HttpOptions, McpServer, http_router, serve_http};
use serde_json::json;
use tokio_util::sync::CancellationToken;

async fn serve(options: HttpOptions) -> (String, common::MockServer) {
    let org = common::mock_org().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/services/data/v66.0/limits"))
        .respond_with(common::sf_json(
            200,
            json!({"DailyApiRequests": {"Max": 100, "Remaining": 99}}),
        ))
        .mount(&org)
        .await;
    let engine = common::engine(&org).await;
    let router = http_router(McpServer::new(engine), &options, CancellationToken::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{address}/mcp"), org)
}

fn initialize_body() -> serde_json::Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}})
}

#[tokio::test]
async fn a_client_lists_and_calls_tools_over_http() {
    let (url, _org) = serve(HttpOptions::default()).await;
    let client = ().serve(StreamableHttpClientTransport::from_uri(url)).await.expect("initialize");
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "get_limits"));
    let result = client
        .call_tool(CallToolRequestParams::new("get_limits"))
        .await
        .expect("call");
    assert_eq!(
        result.structured_content.expect("structured")["daily_api_requests"]["used"],
        1
    );
}

#[tokio::test]
async fn a_foreign_host_or_origin_is_refused() {
    let (url, _org) = serve(HttpOptions::default()).await;
    let http = reqwest::Client::new();
    let post = |host: Option<&str>, origin: Option<&str>| {
        let mut request = http
            .post(&url)
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .json(&initialize_body());
        if let Some(host) = host {
            request = request.header("Host", host);
        }
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        request.send()
    };
    let rebinding = post(Some("evil.example.com"), Some("http://evil.example.com"))
        .await
        .expect("response");
    assert!(
        rebinding.status().is_client_error(),
        "DNS rebinding: {}",
        rebinding.status()
    );
    let cross_site = post(None, Some("https://evil.example.com"))
        .await
        .expect("response");
    assert_eq!(cross_site.status().as_u16(), 403, "foreign Origin");
    let local = post(None, Some("http://localhost:6274"))
        .await
        .expect("response");
    assert!(
        local.status().is_success(),
        "a local browser origin is fine: {}",
        local.status()
    );
}

#[tokio::test]
async fn an_allowed_host_is_accepted() {
    let (url, _org) = serve(HttpOptions {
        allowed_hosts: vec!["mcp.internal.example".into()],
        allowed_origins: vec![],
    })
    .await;
    let response = reqwest::Client::new()
        .post(&url)
        .header("Host", "mcp.internal.example")
        .header("Accept", "application/json, text/event-stream")
        .json(&initialize_body())
        .send()
        .await
        .expect("response");
    assert!(response.status().is_success(), "{}", response.status());
}

#[tokio::test]
async fn binding_off_loopback_needs_an_allowed_host() {
    let org = common::mock_org().await;
    let engine = common::engine(&org).await;
    let error = serve_http(
        McpServer::new(engine),
        "0.0.0.0:0".parse().unwrap(),
        HttpOptions::default(),
    )
    .await
    .expect_err("refused");
    assert!(error.to_string().contains("--allowed-host"), "{error}");
}
