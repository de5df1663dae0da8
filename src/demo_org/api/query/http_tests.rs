use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::demo_org::api::sobjects::Api;
use crate::demo_org::soql::QueryOutput;
use crate::demo_org::state::lock;
use crate::demo_org::testing::TestOrg;

#[tokio::test]
async fn query_errors_are_error_arrays() {
    let org = TestOrg::start().await;
    let missing = org.get("/query").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        missing.body,
        json!([{"message": "A query string has to be specified", "errorCode": "MALFORMED_QUERY"}])
    );
    // Whatever the SOQL engine refuses comes back as a 400 with its code.
    let refused = org.get("/query?q=SELEKT+Id+FROM+Account").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(!refused.error_code().is_empty());
    let unknown = org.get("/query/01gDm0000000099AAA-2000").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error_code(), "INVALID_QUERY_LOCATOR");
    let search = org.get("/search").await;
    assert_eq!(search.error_code(), "MALFORMED_SEARCH");
}

#[tokio::test]
async fn next_records_urls_page_through_a_cursor() {
    let org = TestOrg::start().await;
    let output = QueryOutput {
        total_size: 450,
        records: (0..450).map(|n| json!({"n": n})).collect(),
    };
    let first = lock(&org.handle.state.cursors).first_page(output, 200, Api::Data, None);
    let mut next = first
        .next_locator
        .map(|l| format!("/services/data/v66.0/query/{l}"));
    let mut seen = first.records.len();
    let mut pages = 1;
    while let Some(url) = next {
        let response = org
            .client
            .get(org.url(&url))
            .header("Sforce-Query-Options", "batchSize=200")
            .send()
            .await
            .expect("page");
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.expect("json");
        assert_eq!(page["totalSize"], 450);
        let records = page["records"].as_array().expect("records");
        assert_eq!(records[0]["n"], seen);
        seen += records.len();
        pages += 1;
        next = page["nextRecordsUrl"].as_str().map(str::to_owned);
        assert_eq!(page["done"], next.is_none());
    }
    assert_eq!((seen, pages), (450, 3));
}
