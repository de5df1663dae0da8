use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::demo_org::testing::TestOrg;

fn sub(method: &str, url: &str, reference_id: &str, body: Option<Value>) -> Value {
    let mut sub = json!({"method": method, "url": format!("/services/data/v66.0{url}"), "referenceId": reference_id});
    if let Some(body) = body {
        sub["body"] = body;
    }
    sub
}

#[tokio::test]
async fn composite_runs_subrequests_with_references() {
    let org = TestOrg::start().await;
    let reply = org
        .post(
            "/composite",
            &json!({"compositeRequest": [
                sub("POST", "/sobjects/Account", "newAccount", Some(json!({"Name": "Composite Co"}))),
                sub("GET", "/sobjects/Account/@{newAccount.id}?fields=Name", "readBack", None),
                sub("POST", "/sobjects/Contact", "newContact", Some(json!({"LastName": "Ref", "AccountId": "@{newAccount.id}"}))),
                sub("PATCH", "/sobjects/Account/@{newAccount.id}", "rename", Some(json!({"Name": "@{readBack.Name} Renamed"}))),
                sub("GET", "/sobjects/Account/@{nothing.id}", "dangling", None),
            ]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let items = reply.body["compositeResponse"].as_array().expect("items");
    let account = items[0]["body"]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        items[0],
        json!({
            "body": {"id": account, "success": true, "errors": []},
            "httpHeaders": {"Location": format!("/services/data/v66.0/sobjects/Account/{account}")},
            "httpStatusCode": 201,
            "referenceId": "newAccount",
        })
    );
    assert_eq!(items[1]["httpStatusCode"], 200);
    assert_eq!(items[1]["body"]["Name"], "Composite Co");
    assert_eq!(items[2]["httpStatusCode"], 201);
    assert_eq!(items[3]["httpStatusCode"], 204);
    assert_eq!(items[3]["body"], Value::Null);
    assert_eq!(items[4]["httpStatusCode"], 400);
    assert_eq!(items[4]["body"][0]["errorCode"], "PROCESSING_HALTED");
    let contact = items[2]["body"]["id"].as_str().expect("contact");
    let read = org.get(&format!("/sobjects/Contact/{contact}")).await;
    assert_eq!(read.body["AccountId"], json!(account));
    assert_eq!(
        org.get(&format!("/sobjects/Account/{account}")).await.body["Name"],
        "Composite Co Renamed"
    );
}

#[tokio::test]
async fn all_or_none_rolls_back_and_halts_the_rest() {
    let org = TestOrg::start().await;
    let accounts = org.count("Account");
    let contacts = org.count("Contact");
    let existing = org
        .handle
        .state
        .read()
        .records("Case")
        .next()
        .expect("case")
        .id
        .clone();
    let subject_before =
        org.get(&format!("/sobjects/Case/{existing}")).await.body["Subject"].clone();
    let reply = org
        .post(
            "/composite",
            &json!({"allOrNone": true, "compositeRequest": [
                sub("POST", "/sobjects/Account", "acct", Some(json!({"Name": "Rolled Back"}))),
                sub("POST", "/sobjects/Contact", "good", Some(json!({"LastName": "Kept?", "AccountId": "@{acct.id}"}))),
                sub("PATCH", &format!("/sobjects/Case/{existing}"), "edit", Some(json!({"Subject": "Changed"}))),
                sub("POST", "/sobjects/Contact", "bad", Some(json!({"LastName": "X", "Email": "nope"}))),
                sub("GET", "/limits", "after", None),
            ]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let items = reply.body["compositeResponse"].as_array().expect("items");
    let halted = json!([{"errorCode": "PROCESSING_HALTED", "message": "The transaction was rolled back since another operation in the same transaction failed."}]);
    for index in [0, 1, 2, 4] {
        assert_eq!(items[index]["httpStatusCode"], 400, "{index}");
        assert_eq!(items[index]["body"], halted, "{index}");
    }
    assert_eq!(items[3]["body"][0]["errorCode"], "INVALID_EMAIL_ADDRESS");
    assert_eq!(org.count("Account"), accounts);
    assert_eq!(org.count("Contact"), contacts);
    assert_eq!(
        org.get(&format!("/sobjects/Case/{existing}")).await.body["Subject"],
        subject_before
    );

    // Without allOrNone the successes stay.
    let reply = org
        .post(
            "/composite",
            &json!({"compositeRequest": [
                sub("POST", "/sobjects/Account", "acct", Some(json!({"Name": "Stays"}))),
                sub("POST", "/sobjects/Contact", "bad", Some(json!({"LastName": "X", "Email": "nope"}))),
            ]}),
        )
        .await;
    assert_eq!(reply.body["compositeResponse"][0]["httpStatusCode"], 201);
    assert_eq!(org.count("Account"), accounts + 1);
}

#[tokio::test]
async fn composite_request_limits() {
    let org = TestOrg::start().await;
    let many: Vec<Value> = (0..26)
        .map(|i| sub("GET", "/limits", &format!("r{i}"), None))
        .collect();
    let reply = org
        .post("/composite", &json!({"compositeRequest": many}))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let outside = org
        .post(
            "/composite",
            &json!({"compositeRequest": [{"method": "GET", "url": "/limits", "referenceId": "a"}]}),
        )
        .await;
    assert_eq!(outside.status, StatusCode::BAD_REQUEST);
    let duplicate = org
        .post(
            "/composite",
            &json!({"compositeRequest": [sub("GET", "/limits", "a", None), sub("GET", "/limits", "a", None)]}),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn batch_results_and_halt_on_error() {
    let org = TestOrg::start().await;
    let account = org
        .handle
        .state
        .read()
        .records("Account")
        .next()
        .expect("account")
        .id
        .clone();
    let reply = org
        .post(
            "/composite/batch",
            &json!({"batchRequests": [
                {"method": "PATCH", "url": format!("v66.0/sobjects/account/{account}"), "richInput": {"Rating": "Cold"}},
                {"method": "GET", "url": format!("v66.0/sobjects/account/{account}?fields=Name,Rating")},
                {"method": "GET", "url": "v66.0/sobjects/Nope/describe"},
                {"method": "GET", "url": "v66.0/limits"},
            ]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["hasErrors"], true);
    let results = reply.body["results"].as_array().expect("results");
    assert_eq!(results[0], json!({"statusCode": 204, "result": null}));
    assert_eq!(results[1]["statusCode"], 200);
    assert_eq!(results[1]["result"]["Rating"], "Cold");
    assert_eq!(results[2]["statusCode"], 404);
    assert_eq!(results[3]["statusCode"], 200);

    let halted = org
        .post(
            "/composite/batch",
            &json!({"haltOnError": true, "batchRequests": [
                {"method": "GET", "url": "v66.0/sobjects/Nope/describe"},
                {"method": "GET", "url": "v66.0/limits"},
            ]}),
        )
        .await;
    assert_eq!(
        halted.body["results"][1],
        json!({"statusCode": 412, "result": [{"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request"}]})
    );
}

#[tokio::test]
async fn tree_creates_nested_records_all_or_nothing() {
    let org = TestOrg::start().await;
    let reply = org
        .post(
            "/composite/tree/Account",
            &json!({"records": [
                {"attributes": {"type": "Account", "referenceId": "ref1"}, "Name": "Tree One",
                 "Contacts": {"records": [
                     {"attributes": {"type": "Contact", "referenceId": "ref2"}, "LastName": "Leaf", "Email": "leaf@tree.com"}
                 ]}},
                {"attributes": {"type": "Account", "referenceId": "ref3"}, "Name": "Tree Two"}
            ]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body["hasErrors"], false);
    let results = reply.body["results"].as_array().expect("results");
    let refs: Vec<&str> = results
        .iter()
        .filter_map(|r| r["referenceId"].as_str())
        .collect();
    assert_eq!(refs, ["ref1", "ref2", "ref3"]);
    let account = results[0]["id"].as_str().expect("id");
    let contact = results[1]["id"].as_str().expect("id");
    assert_eq!(
        org.get(&format!("/sobjects/Contact/{contact}")).await.body["AccountId"],
        json!(account)
    );

    let accounts = org.count("Account");
    let failed = org
        .post(
            "/composite/tree/Account",
            &json!({"records": [
                {"attributes": {"type": "Account", "referenceId": "ok"}, "Name": "Would Be Rolled Back"},
                {"attributes": {"type": "Account", "referenceId": "bad"}, "Name": "Bad",
                 "Contacts": {"records": [{"attributes": {"type": "Contact", "referenceId": "badContact"}, "LastName": "L", "Email": "123"}]}}
            ]}),
        )
        .await;
    assert_eq!(failed.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        failed.body,
        json!({"hasErrors": true, "results": [{"referenceId": "badContact", "errors": [
            {"statusCode": "INVALID_EMAIL_ADDRESS", "message": "Email: invalid email address: 123", "fields": ["Email"]}
        ]}]})
    );
    assert_eq!(org.count("Account"), accounts);
}

#[tokio::test]
async fn graph_runs_each_graph_all_or_none() {
    let org = TestOrg::start().await;
    let accounts = org.count("Account");
    let reply = org
        .post(
            "/composite/graph",
            &json!({"graphs": [
                {"graphId": "good", "compositeRequest": [
                    sub("POST", "/sobjects/Account", "a", Some(json!({"Name": "Graph Good"}))),
                    sub("PATCH", "/sobjects/Account/@{a.id}", "b", Some(json!({"Rating": "Hot"}))),
                ]},
                {"graphId": "bad", "compositeRequest": [
                    sub("POST", "/sobjects/Account", "c", Some(json!({"Name": "Graph Bad"}))),
                    sub("POST", "/sobjects/Account", "d", Some(json!({"Bogus__c": 1}))),
                ]},
            ]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let graphs = reply.body["graphs"].as_array().expect("graphs");
    assert_eq!(graphs[0]["graphId"], "good");
    assert_eq!(graphs[0]["isSuccessful"], true);
    let good = &graphs[0]["graphResponse"]["compositeResponse"];
    assert_eq!(good[0]["httpStatusCode"], 201);
    assert_eq!(good[1]["httpStatusCode"], 204);
    assert_eq!(good[1]["body"], Value::Null);
    assert_eq!(graphs[1]["isSuccessful"], false);
    let bad = &graphs[1]["graphResponse"]["compositeResponse"];
    assert_eq!(bad[0]["body"][0]["errorCode"], "PROCESSING_HALTED");
    assert_eq!(bad[1]["body"][0]["errorCode"], "INVALID_FIELD");
    assert_eq!(bad[1]["httpHeaders"], json!({}));
    assert_eq!(org.count("Account"), accounts + 1);
}

#[tokio::test]
async fn a_composite_counts_as_one_api_call() {
    let org = TestOrg::start().await;
    let before = org.handle.state.api_calls();
    org.post(
        "/composite",
        &json!({"compositeRequest": [sub("GET", "/limits", "a", None), sub("GET", "/limits", "b", None)]}),
    )
    .await;
    assert_eq!(org.handle.state.api_calls(), before + 1);
}
