//! Shared test helpers: a wiremock stand-in for Salesforce with a token endpoint, an engine wired
//! to it, and the requests it received in a form fit for snapshots.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use salesforce_mcp::app::{self, ConnectionInput, Running, Target};
use salesforce_mcp::engine::{Engine, Selection};
use salesforce_mcp::secret::Secret;
use serde_json::{Value, json};
pub use wiremock::MockServer;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, ResponseTemplate};

pub const TOKEN: &str = "00DTEST!AccessTokenThatMustNeverLeak1234567890";
pub const SECRET: &str = "client-secret-that-must-never-leak";

/// A mock org whose token endpoint answers client_credentials with `TOKEN`.
pub async fn mock_org() -> MockServer {
    let server = MockServer::start().await;
    let body = json!({
        "access_token": TOKEN,
        "signature": "sig",
        "scope": "api",
        "instance_url": server.uri(),
        "id": format!("{}/id/00Dxx0000000001/005xx0000000001", server.uri()),
        "token_type": "Bearer",
        "issued_at": "1700000000000",
    });
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

pub fn connection(server: &MockServer) -> ConnectionInput {
    ConnectionInput {
        instance_url: Some(server.uri()),
        client_id: Some("test-client-id".into()),
        client_secret: Some(Secret::new(SECRET)),
        api_version: Some("66.0".into()),
        connect_timeout: Some(Duration::from_secs(2)),
        request_timeout: Some(Duration::from_secs(5)),
        max_retries: Some(2),
        ..ConnectionInput::default()
    }
}

/// An engine with every tool (including opt-in toolsets) against the mock org.
pub async fn engine(server: &MockServer) -> Arc<Engine> {
    running(server, Selection::parse("all,oauth", false))
        .await
        .engine
}

pub async fn running(server: &MockServer, selection: Selection) -> Running {
    app::start(Target::Org(connection(server)), &[], &selection)
        .await
        .expect("engine starts")
}

/// Requests the mock received, token requests excluded, as snapshot-friendly JSON:
/// method, path, decoded query pairs, JSON body, and the bearer token redacted.
pub async fn recorded(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() != "/services/oauth2/token")
        .map(describe_request)
        .collect()
}

pub fn describe_request(request: &Request) -> Value {
    let query: Vec<Value> = request
        .url
        .query_pairs()
        .map(|(k, v)| json!([k, v]))
        .collect();
    let body: Value = if request.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&request.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&request.body).into_owned()))
    };
    let auth = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.replace(TOKEN, "[token]"));
    let mut out = json!({
        "method": request.method.to_string(),
        "path": request.url.path(),
        "authorization": auth,
    });
    if !query.is_empty() {
        out["query"] = Value::Array(query);
    }
    if !body.is_null() {
        out["body"] = body;
    }
    let language = request
        .headers
        .get("accept-language")
        .and_then(|v| v.to_str().ok());
    if let Some(language) = language {
        out["accept_language"] = json!(language);
    }
    out
}

/// How many token requests the mock received.
pub async fn token_requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/services/oauth2/token")
        .count()
}

/// Every request the mock received, token requests included.
pub async fn all_requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

/// Salesforce's JSON content type on a response template.
pub fn sf_json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("Sforce-Limit-Info", "api-usage=42/100000")
        .set_body_raw(
            serde_json::to_vec(&body).unwrap_or_default(),
            "application/json;charset=UTF-8",
        )
}

/// Asserts that no text in `value` contains the token or the client secret.
pub fn assert_no_secrets(value: &impl std::fmt::Display) {
    let text = value.to_string();
    assert!(!text.contains(TOKEN), "the access token leaked: {text}");
    assert!(!text.contains(SECRET), "the client secret leaked: {text}");
}

/// An rmcp client connected in-process (over a duplex pipe) to an MCP server over `engine`.
pub async fn mcp_client(
    engine: Arc<Engine>,
) -> rmcp::service::RunningService<rmcp::RoleClient, ()> {
    use rmcp::ServiceExt;
    let (server_side, client_side) = tokio::io::duplex(1 << 20);
    let server = salesforce_mcp::mcp::McpServer::new(engine);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_side).await {
            let _ = running.waiting().await;
        }
    });
    ().serve(client_side).await.expect("client connects")
}

/// The embedded demo org (fixed clock for reproducible data) and an engine with every tool,
/// connected to it like to a real org.
pub async fn demo_engine() -> Running {
    let settings = salesforce_mcp::demo_org::DemoSettings {
        fixed_now: Some(
            chrono::DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
                .expect("date")
                .with_timezone(&chrono::Utc),
        ),
        ..salesforce_mcp::demo_org::DemoSettings::default()
    };
    app::start(
        Target::Demo(settings),
        &[],
        &Selection::parse("all,oauth", false),
    )
    .await
    .expect("engine on the demo org starts")
}

/// Calls a tool and returns its result, failing the test on an error.
pub async fn call_ok(engine: &Engine, tool: &str, args: Value) -> Value {
    match engine.call(tool, args.as_object().cloned()).await {
        Ok(value) => value,
        Err(salesforce_mcp::engine::CallError::Failed(e)) => {
            panic!("{tool} failed: {}", e.to_json())
        }
        Err(salesforce_mcp::engine::CallError::UnknownTool(t)) => panic!("unknown tool {t}"),
    }
}

/// Calls a tool that must fail and returns its error.
pub async fn call_err(
    engine: &Engine,
    tool: &str,
    args: Value,
) -> salesforce_mcp::engine::ToolError {
    match engine.call(tool, args.as_object().cloned()).await {
        Ok(value) => panic!("{tool} should have failed, got {value}"),
        Err(salesforce_mcp::engine::CallError::Failed(e)) => e,
        Err(salesforce_mcp::engine::CallError::UnknownTool(t)) => panic!("unknown tool {t}"),
    }
}

/// Asserts that `tool` refuses `args` as INVALID_ARGUMENTS without anything leaving the process
/// (not even a token request), and returns the error.
pub async fn refused(tool: &str, args: Value) -> salesforce_mcp::engine::ToolError {
    let server = mock_org().await;
    let engine = engine(&server).await;
    let error = match engine.call(tool, args.as_object().cloned()).await {
        Err(salesforce_mcp::engine::CallError::Failed(error)) => error,
        other => panic!("{tool} {args}: expected a refusal, got {other:?}"),
    };
    assert_eq!(error.code, "INVALID_ARGUMENTS", "{tool} {args}: {error:?}");
    assert_eq!(
        all_requests(&server).await,
        0,
        "{tool} {args}: a request left the process"
    );
    error
}

/// Calls a tool and returns `{"ok": result}` (checked against the tool's output schema) or
/// `{"error": body}`, the form the wire snapshots record.
pub async fn outcome(engine: &Engine, tool: &str, args: Value) -> Value {
    match engine.call(tool, args.as_object().cloned()).await {
        Ok(value) => {
            if let Some(validator) = engine.tool(tool).and_then(|t| t.output_validator.as_ref()) {
                let problems: Vec<String> = validator
                    .iter_errors(&value)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(
                    problems.is_empty(),
                    "{tool}: result breaks the output schema: {problems:?}\n{value:#}"
                );
            }
            json!({"ok": value})
        }
        Err(salesforce_mcp::engine::CallError::Failed(error)) => json!({"error": error.to_json()}),
        Err(salesforce_mcp::engine::CallError::UnknownTool(tool)) => panic!("unknown tool {tool}"),
    }
}

/// Calls `tool` against a mock org that answers `verb at` with `response`, checks that exactly
/// one request was sent, and returns `{"request": …, "result": …}` for a snapshot.
pub async fn single_exchange(
    tool: &str,
    args: Value,
    verb: &str,
    at: &str,
    response: ResponseTemplate,
) -> Value {
    let server = mock_org().await;
    Mock::given(wiremock::matchers::method(verb))
        .and(wiremock::matchers::path(at))
        .respond_with(response)
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let result = outcome(&engine, tool, args).await;
    let requests = recorded(&server).await;
    assert_eq!(
        requests.len(),
        1,
        "{tool} {at}: expected one request, got {requests:?}"
    );
    json!({"request": requests[0], "result": result})
}
