//! How the Salesforce client behaves on the wire: one token per process, renewal on
//! INVALID_SESSION_ID, retries only where safe, OAuth errors with hints, cancellation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use std::time::Duration;

use common::{
    all_requests, assert_no_secrets, connection, engine, mock_org, sf_json, token_requests,
};
use salesforce_mcp::app::{self, Target};
use salesforce_mcp::engine::{CallError, Selection};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn args(value: serde_json::Value) -> Option<serde_json::Map<String, serde_json::Value>> {
    value.as_object().cloned()
}

async fn slow_token_org(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    let body = json!({"access_token": common::TOKEN, "instance_url": server.uri(), "token_type": "Bearer", "issued_at": "1"});
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(body)
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn fifty_concurrent_cold_calls_share_one_token_request() {
    let server = slow_token_org(Duration::from_millis(300)).await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .respond_with(sf_json(
            200,
            json!({"DailyApiRequests": {"Max": 5000, "Remaining": 4000}}),
        ))
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let calls = (0..50).map(|_| {
        let engine = engine.clone();
        tokio::spawn(async move { engine.call("get_limits", None).await })
    });
    for call in futures::future::join_all(calls).await {
        assert!(call.expect("task").is_ok());
    }
    assert_eq!(token_requests(&server).await, 1);
    assert_eq!(engine.client().token_requests(), 1);
    // And later calls reuse the cached token.
    engine.call("get_limits", None).await.expect("call");
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn concurrent_callers_share_a_failed_token_request_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_client", "error_description": "invalid client credentials"}))
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let calls = (0..20).map(|_| {
        let engine = engine.clone();
        tokio::spawn(async move { engine.call("get_limits", None).await })
    });
    for call in futures::future::join_all(calls).await {
        match call.expect("task") {
            Err(CallError::Failed(e)) => assert_eq!(e.code, "OAUTH_INVALID_CLIENT"),
            other => panic!("expected an OAuth error, got {other:?}"),
        }
    }
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn an_expired_session_is_renewed_once_and_the_call_succeeds() {
    let server = mock_org().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .respond_with(sf_json(
            401,
            json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .respond_with(sf_json(
            200,
            json!({"DailyApiRequests": {"Max": 5000, "Remaining": 4000}}),
        ))
        .with_priority(2)
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let result = engine
        .call("get_limits", None)
        .await
        .expect("renewed and succeeded");
    assert_eq!(result["daily_api_requests"]["used"], 1000);
    assert_eq!(token_requests(&server).await, 2);
    assert_eq!(common::recorded(&server).await.len(), 2);
}

#[tokio::test]
async fn a_write_is_retried_once_after_renewal_but_a_persistent_401_is_returned() {
    let server = mock_org().await;
    Mock::given(method("POST"))
        .and(path("/services/data/v66.0/sobjects/Account"))
        .respond_with(sf_json(
            401,
            json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
        ))
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let outcome = engine
        .call(
            "create_record",
            args(json!({"object": "Account", "data": {"Name": "A"}})),
        )
        .await;
    let Err(CallError::Failed(error)) = outcome else {
        panic!("expected a failure")
    };
    assert_eq!(error.code, "INVALID_SESSION_ID");
    assert!(
        error
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("Run As user")
    );
    // One renewal, one repeat of the (refused, hence never applied) write, no more.
    assert_eq!(token_requests(&server).await, 2);
    assert_eq!(common::recorded(&server).await.len(), 2);
}

#[tokio::test]
async fn a_write_is_not_retried_on_503() {
    let server = mock_org().await;
    Mock::given(method("POST"))
        .and(path("/services/data/v66.0/sobjects/Account"))
        .respond_with(
            sf_json(
                503,
                json!([{"message": "Server unavailable", "errorCode": "SERVER_UNAVAILABLE"}]),
            )
            .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let outcome = engine
        .call(
            "create_record",
            args(json!({"object": "Account", "data": {"Name": "A"}})),
        )
        .await;
    let Err(CallError::Failed(error)) = outcome else {
        panic!("expected a failure")
    };
    assert_eq!(error.code, "SERVER_UNAVAILABLE");
    assert_eq!(
        common::recorded(&server).await.len(),
        1,
        "a write must be sent exactly once"
    );
}

#[tokio::test]
async fn a_read_is_retried_on_503_honouring_retry_after() {
    let server = mock_org().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .respond_with(sf_json(
            200,
            json!({"DailyApiRequests": {"Max": 10, "Remaining": 9}}),
        ))
        .with_priority(2)
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    engine
        .call("get_limits", None)
        .await
        .expect("succeeds after retries");
    assert_eq!(common::recorded(&server).await.len(), 3);
}

#[tokio::test]
async fn a_read_gives_up_after_the_configured_retries() {
    let server = mock_org().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .respond_with(sf_json(403, json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])))
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let Err(CallError::Failed(error)) = engine.call("get_limits", None).await else {
        panic!("expected a failure")
    };
    assert_eq!(error.code, "REQUEST_LIMIT_EXCEEDED");
    assert!(
        error
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("get_limits")
    );
    // The first attempt and max_retries (2) more.
    assert_eq!(common::recorded(&server).await.len(), 3);
}

#[tokio::test]
async fn a_long_retry_after_is_not_waited_for() {
    let server = mock_org().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "3600"))
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let started = std::time::Instant::now();
    let Err(CallError::Failed(error)) = engine.call("get_limits", None).await else {
        panic!("expected a failure")
    };
    assert_eq!(error.http_status, Some(503));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(common::recorded(&server).await.len(), 1);
}

#[tokio::test]
async fn oauth_errors_carry_an_actionable_hint_and_no_secret() {
    for (error, description, expected) in [
        (
            "invalid_client",
            "invalid client credentials",
            "2-10 minutes",
        ),
        (
            "invalid_grant",
            "no client credentials user enabled",
            "Run As user",
        ),
        (
            "invalid_grant",
            "request not supported on this domain",
            "My Domain",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/services/oauth2/token"))
            .respond_with(
                ResponseTemplate::new(400)
                    .set_body_json(json!({"error": error, "error_description": description})),
            )
            .mount(&server)
            .await;
        let engine = engine(&server).await;
        let Err(CallError::Failed(e)) = engine.call("get_limits", None).await else {
            panic!("expected a failure")
        };
        assert!(
            e.hint.as_deref().unwrap_or_default().contains(expected),
            "{error}/{description}: {e:?}"
        );
        assert_no_secrets(&e.to_json());
    }
}

#[tokio::test]
async fn the_token_request_uses_basic_credentials_and_the_instance_url_it_returns() {
    let login = MockServer::start().await;
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .and(wiremock::matchers::header(
            "authorization",
            "Basic dGVzdC1jbGllbnQtaWQ6Y2xpZW50LXNlY3JldC10aGF0LW11c3QtbmV2ZXItbGVhaw==",
        ))
        .and(wiremock::matchers::body_string(
            "grant_type=client_credentials",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": common::TOKEN, "instance_url": api.uri()})),
        )
        .expect(1)
        .mount(&login)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .and(wiremock::matchers::bearer_token(common::TOKEN))
        .respond_with(sf_json(
            200,
            json!({"DailyApiRequests": {"Max": 1, "Remaining": 1}}),
        ))
        .expect(1)
        .mount(&api)
        .await;
    let engine = engine(&login).await;
    engine
        .call("get_limits", None)
        .await
        .expect("call goes to the returned instance");
    assert_eq!(
        all_requests(&login).await,
        1,
        "only the token request goes to the login URL"
    );
}

#[tokio::test]
async fn an_instance_url_that_is_not_https_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": common::TOKEN, "instance_url": "http://evil.example.com"}),
        ))
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    let Err(CallError::Failed(e)) = engine.call("get_limits", None).await else {
        panic!("expected a failure")
    };
    assert_eq!(e.code, "UNEXPECTED_RESPONSE");
    assert_eq!(all_requests(&server).await, 1);
}

#[tokio::test]
async fn a_write_that_times_out_is_not_repeated() {
    let server = mock_org().await;
    Mock::given(method("POST"))
        .and(path("/services/data/v66.0/sobjects/Account"))
        .respond_with(
            sf_json(
                201,
                json!({"id": "001Dm0000000001AAA", "success": true, "errors": []}),
            )
            .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let mut input = connection(&server);
    input.request_timeout = Some(Duration::from_millis(300));
    let running = app::start(Target::Org(input), &[], &Selection::parse("all", false))
        .await
        .expect("start");
    let outcome = running
        .engine
        .call(
            "create_record",
            args(json!({"object": "Account", "data": {"Name": "A"}})),
        )
        .await;
    let Err(CallError::Failed(e)) = outcome else {
        panic!("expected a timeout")
    };
    assert_eq!(e.code, "TIMEOUT");
    assert!(e.hint.as_deref().unwrap_or_default().contains("Retry"));
    assert_eq!(common::recorded(&server).await.len(), 1);
}

#[tokio::test]
async fn api_usage_is_read_from_the_limit_header() {
    let server = mock_org().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v66.0/limits"))
        .respond_with(sf_json(200, json!({})))
        .mount(&server)
        .await;
    let engine = engine(&server).await;
    assert_eq!(engine.client().api_usage(), None);
    engine.call("get_limits", None).await.expect("call");
    let usage = engine.client().api_usage().expect("usage recorded");
    assert_eq!((usage.used, usage.max), (42, 100000));
}

#[tokio::test]
async fn cancelling_a_call_drops_the_in_flight_http_request() {
    use rmcp::model::{CallToolRequest, CallToolRequestParams, ClientRequest};
    use rmcp::service::PeerRequestOptions;
    use tokio::io::AsyncReadExt;

    // A fake instance that accepts the API request, never answers, and reports when the
    // client closes the connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let instance = format!("http://{}", listener.local_addr().expect("addr"));
    let (accepted_tx, accepted_rx) = tokio::sync::oneshot::channel::<()>();
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let _ = accepted_tx.send(());
        let mut buffer = [0u8; 4096];
        loop {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = closed_tx.send(());
    });
    let login = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": common::TOKEN, "instance_url": instance})),
        )
        .mount(&login)
        .await;
    let engine = engine(&login).await;
    let client = common::mcp_client(engine).await;
    let request = ClientRequest::CallToolRequest(CallToolRequest::new(CallToolRequestParams::new(
        "get_limits",
    )));
    let handle = client
        .peer()
        .send_cancellable_request(request, PeerRequestOptions::no_options())
        .await
        .expect("sent");
    tokio::time::timeout(Duration::from_secs(5), accepted_rx)
        .await
        .expect("the API request arrives")
        .ok();
    handle
        .cancel(Some("test".into()))
        .await
        .expect("cancel sent");
    tokio::time::timeout(Duration::from_secs(5), closed_rx)
        .await
        .expect("the HTTP connection is closed after cancellation")
        .ok();
}
