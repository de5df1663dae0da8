use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::demo_org::state::DemoSettings;
use crate::demo_org::testing::{Reply, TestOrg};

async fn admin(org: &TestOrg, method: Method, path: &str, body: Option<Value>) -> Reply {
    let mut request = reqwest::Client::new().request(method, org.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    Reply::read(request.send().await.expect("admin call")).await
}

#[tokio::test]
async fn faults_set_at_start_fail_the_next_matching_requests() {
    let org = TestOrg::start_with(DemoSettings {
        faults: "path=/limits,kind=503,count=2,retry-after=7"
            .parse()
            .expect("spec"),
        ..DemoSettings::default()
    })
    .await;
    for _ in 0..2 {
        let reply = org.get("/limits").await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(reply.header("retry-after"), Some("7"));
        assert_eq!(reply.error_code(), "SERVER_UNAVAILABLE");
        assert!(reply.header("sforce-limit-info").is_some());
    }
    assert_eq!(org.get("/limits").await.status, StatusCode::OK);
    // Other paths were never affected.
    assert_eq!(org.get("/sobjects").await.status, StatusCode::OK);
}

#[tokio::test]
async fn request_limit_fault_and_method_filter() {
    let org = TestOrg::start().await;
    let added = admin(
        &org,
        Method::POST,
        "/__demo/faults",
        Some(json!({"spec": "path=/sobjects/Account,method=POST,kind=403,count=1"})),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED);
    assert_eq!(added.body["rules"][0]["remaining"], 1);
    assert_eq!(org.get("/sobjects/Account").await.status, StatusCode::OK);
    let accounts = org.count("Account");
    let refused = org
        .post("/sobjects/Account", &json!({"Name": "Refused"}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.body,
        json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    );
    assert_eq!(
        org.count("Account"),
        accounts,
        "a refused request is not processed"
    );
    assert_eq!(
        org.post("/sobjects/Account", &json!({"Name": "Accepted"}))
            .await
            .status,
        StatusCode::CREATED
    );
    let listed = admin(&org, Method::GET, "/__demo/faults", None).await;
    assert_eq!(listed.body["rules"][0]["hits"], 1);
    assert_eq!(listed.body["rules"][0]["remaining"], 0);
}

#[tokio::test]
async fn dropped_connection_after_the_write_happened() {
    let org = TestOrg::start().await;
    admin(
        &org,
        Method::POST,
        "/__demo/faults",
        Some(json!({"kind": "drop", "path": "/sobjects/Account", "method": "POST", "count": 1})),
    )
    .await;
    let accounts = org.count("Account");
    let outcome = async {
        let response = org
            .client
            .post(org.data_url("/sobjects/Account"))
            .json(&json!({"Name": "Lost Answer"}))
            .send()
            .await?;
        response.bytes().await
    }
    .await;
    assert!(outcome.is_err(), "the connection should drop: {outcome:?}");
    assert_eq!(
        org.count("Account"),
        accounts + 1,
        "the write was done once"
    );
    let counts = admin(&org, Method::GET, "/__demo/requests", None).await;
    assert_eq!(
        counts.body["counts"]["POST /services/data/v66.0/sobjects/Account"],
        1
    );
    assert_eq!(
        org.get("/limits").await.status,
        StatusCode::OK,
        "the org still answers"
    );
}

#[tokio::test]
async fn malformed_json_and_latency_faults() {
    let org = TestOrg::start().await;
    admin(
        &org,
        Method::POST,
        "/__demo/faults",
        Some(json!([
            {"kind": "malformed", "path": "/limits", "count": 1},
            {"kind": "latency", "path": "/sobjects", "ms": 250},
        ])),
    )
    .await;
    let broken = org.get("/limits").await;
    assert_eq!(broken.status, StatusCode::OK);
    assert!(!broken.text.is_empty());
    assert!(
        serde_json::from_str::<Value>(&broken.text).is_err(),
        "{}",
        broken.text
    );
    assert_eq!(
        broken.header("content-type"),
        Some("application/json;charset=UTF-8")
    );

    let started = Instant::now();
    assert_eq!(org.get("/sobjects").await.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(250));

    let cleared = admin(&org, Method::DELETE, "/__demo/faults", None).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    assert_eq!(
        admin(&org, Method::GET, "/__demo/faults", None).await.body,
        json!({"rules": []})
    );
    assert_eq!(
        org.get("/limits").await.status,
        StatusCode::OK,
        "no longer malformed"
    );
}

#[tokio::test]
async fn rate_faults_and_removing_one_rule() {
    let org = TestOrg::start().await;
    let added = admin(
        &org,
        Method::POST,
        "/__demo/faults",
        Some(json!({"kind": "503", "path": "/limits", "rate": 1.0})),
    )
    .await;
    let id = added.body["rules"][0]["id"].as_u64().expect("id");
    assert_eq!(
        org.get("/limits").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        org.get("/limits").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let removed = admin(&org, Method::DELETE, &format!("/__demo/faults/{id}"), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(org.get("/limits").await.status, StatusCode::OK);
    let again = admin(&org, Method::DELETE, &format!("/__demo/faults/{id}"), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let invalid = admin(
        &org,
        Method::POST,
        "/__demo/faults",
        Some(json!({"kind": "teapot"})),
    )
    .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert_eq!(invalid.error_code(), "INVALID_FAULT");
}

#[tokio::test]
async fn tokens_can_be_expired_now_or_later() {
    let org = TestOrg::start().await;
    assert_eq!(org.get("/limits").await.status, StatusCode::OK);
    let later = admin(
        &org,
        Method::POST,
        "/__demo/tokens/expire",
        Some(json!({"afterSeconds": 2})),
    )
    .await;
    assert_eq!(later.body["accessTokens"], 1);
    assert_eq!(org.get("/limits").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(org.get("/limits").await.status, StatusCode::UNAUTHORIZED);

    let fresh = TestOrg::start().await;
    let now = admin(&fresh, Method::POST, "/__demo/tokens/expire", None).await;
    assert_eq!(now.status, StatusCode::OK);
    let reply = fresh.get("/limits").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "INVALID_SESSION_ID");
}

#[tokio::test]
async fn token_expiry_set_at_start() {
    let org = TestOrg::start_with(DemoSettings {
        faults: "kind=expire-tokens,after=2".parse().expect("spec"),
        ..DemoSettings::default()
    })
    .await;
    assert_eq!(org.get("/limits").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(org.get("/limits").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn request_counts_include_token_requests() {
    let org = TestOrg::start().await;
    org.get("/limits").await;
    org.get("/limits").await;
    admin(&org, Method::GET, "/__demo/faults", None).await;
    let counts = admin(&org, Method::GET, "/__demo/requests", None).await;
    assert_eq!(counts.body["counts"]["POST /services/oauth2/token"], 1);
    assert_eq!(counts.body["counts"]["GET /services/data/v66.0/limits"], 2);
    assert_eq!(counts.body["total"], 3, "admin requests are not counted");
    let reset = admin(&org, Method::DELETE, "/__demo/requests", None).await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    let counts = admin(&org, Method::GET, "/__demo/requests", None).await;
    assert_eq!(counts.body, json!({"total": 0, "counts": {}}));
}

#[tokio::test]
async fn daily_api_limit_is_enforced() {
    let org = TestOrg::start_with(DemoSettings {
        daily_api_limit: 2,
        ..DemoSettings::default()
    })
    .await;
    assert_eq!(org.get("/limits").await.status, StatusCode::OK);
    let second = org.get("/limits").await;
    assert_eq!(
        second.body["DailyApiRequests"],
        json!({"Max": 2, "Remaining": 0})
    );
    let third = org.get("/limits").await;
    assert_eq!(third.status, StatusCode::FORBIDDEN);
    assert_eq!(third.error_code(), "REQUEST_LIMIT_EXCEEDED");
    assert_eq!(third.header("sforce-limit-info"), Some("api-usage=3/2"));
}
