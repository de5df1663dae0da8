use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::demo_org::testing::{Reply, TestOrg};

#[tokio::test]
async fn versions_need_no_session_and_carry_no_usage_header() {
    let org = TestOrg::start().await;
    for path in ["/services/data/", "/services/data"] {
        let reply = Reply::read(reqwest::get(org.url(path)).await.expect("versions")).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.header("sforce-limit-info").is_none());
        let versions = reply.body.as_array().expect("array");
        assert_eq!(
            versions.last(),
            Some(&json!({"label": "Spring '26", "url": "/services/data/v66.0", "version": "66.0"}))
        );
    }
    let resources = org.get("/").await;
    assert_eq!(resources.status, StatusCode::OK);
    assert_eq!(resources.body["sobjects"], "/services/data/v66.0/sobjects");
    assert_eq!(resources.body["query"], "/services/data/v66.0/query");
    assert!(
        resources.body["identity"]
            .as_str()
            .is_some_and(|u| u.contains("/id/00D"))
    );
}

#[tokio::test]
async fn usage_header_counts_every_data_call() {
    let org = TestOrg::start().await;
    let first = org.get("/limits").await;
    assert_eq!(
        first.header("sforce-limit-info"),
        Some("api-usage=1/100000")
    );
    assert_eq!(
        first.body["DailyApiRequests"],
        json!({"Max": 100000, "Remaining": 99999})
    );
    assert!(first.body["DataStorageMB"]["Remaining"].as_u64().is_some());
    assert_eq!(first.body["SingleEmail"]["Max"], 5000);
    let error = org.get("/sobjects/Nope").await;
    assert_eq!(error.status, StatusCode::NOT_FOUND);
    assert_eq!(
        error.header("sforce-limit-info"),
        Some("api-usage=2/100000")
    );
    let counts = org
        .get("/limits/recordCount?sObjects=Account,Case,Bogus")
        .await;
    assert_eq!(
        counts.body["sObjects"][0],
        json!({"count": 25, "name": "Account"})
    );
    assert_eq!(counts.body["sObjects"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods() {
    let org = TestOrg::start().await;
    let unknown = org.get("/no/such/thing").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.body,
        json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}])
    );
    assert_eq!(
        unknown.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    let retired = org
        .call_url(Method::GET, &org.url("/services/data/v20.0/limits"), None)
        .await;
    assert_eq!(retired.status, StatusCode::NOT_FOUND);
    let wrong = org.call(Method::PUT, "/sobjects/Account", None).await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.error_code(), "METHOD_NOT_ALLOWED");
    let message = wrong.body[0]["message"].as_str().expect("message");
    assert!(
        message.starts_with("HTTP Method 'PUT' not allowed. Allowed are "),
        "{message}"
    );
    assert!(message.contains("POST"));
}
