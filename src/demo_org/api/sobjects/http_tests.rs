use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::demo_org::store::Record;
use crate::demo_org::testing::{Reply, TestOrg};

fn id_of(reply: &Reply) -> String {
    reply.body["id"].as_str().expect("id").to_owned()
}

fn assert_error(reply: &Reply, status: StatusCode, expected: Value) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.body, expected);
    assert!(reply.header("sforce-limit-info").is_some());
}

#[tokio::test]
async fn describe_routes() {
    let org = TestOrg::start().await;
    let global = org.get("/sobjects").await;
    assert_eq!(global.status, StatusCode::OK);
    assert_eq!(global.body["encoding"], "UTF-8");
    assert_eq!(global.body["maxBatchSize"], 200);
    let names: Vec<&str> = global.body["sobjects"]
        .as_array()
        .expect("sobjects")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert!(names.contains(&"Case") && names.contains(&"Copilot_Interaction__c"));
    assert!(!names.contains(&"SearchSynonymGroup"));
    assert_eq!(
        global.body["sobjects"][0]["urls"]["rowTemplate"],
        json!(format!("/services/data/v66.0/sobjects/{}/{{ID}}", names[0]))
    );

    let basic = org.get("/sobjects/Case").await;
    assert_eq!(basic.status, StatusCode::OK);
    assert_eq!(basic.body["objectDescribe"]["keyPrefix"], "500");
    let recent = basic.body["recentItems"].as_array().expect("recentItems");
    assert!(!recent.is_empty());
    assert!(recent[0]["CaseNumber"].as_str().is_some());

    let describe = org.get("/sobjects/case/describe").await;
    assert_eq!(describe.status, StatusCode::OK);
    assert_eq!(describe.body["name"], "Case");
    let status = describe.body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == "Status")
        .expect("Status field");
    assert_eq!(status["type"], "picklist");
    assert_eq!(status["restrictedPicklist"], true);
    assert!(
        describe.body["childRelationships"]
            .as_array()
            .expect("children")
            .iter()
            .any(|c| c["relationshipName"] == "CaseComments")
    );

    let unknown = org.get("/sobjects/Nope__c/describe").await;
    assert_error(
        &unknown,
        StatusCode::NOT_FOUND,
        json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]),
    );
    assert_eq!(
        org.get("/sobjects/SearchSynonymGroup").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn record_lifecycle_status_codes() {
    let org = TestOrg::start().await;
    let created = org
        .post(
            "/sobjects/Account",
            &json!({"name": "Contoso Test", "Industry": "Energy"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = id_of(&created);
    assert_eq!(
        created.body,
        json!({"id": id, "success": true, "errors": []})
    );
    assert_eq!(
        created.header("location"),
        Some(format!("/services/data/v66.0/sobjects/Account/{id}").as_str())
    );
    assert_eq!(
        created.header("content-type"),
        Some("application/json;charset=UTF-8")
    );

    let read = org.get(&format!("/sobjects/Account/{id}")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["attributes"]["type"], "Account");
    assert_eq!(read.body["Name"], "Contoso Test");
    assert_eq!(read.body["Id"], json!(id));
    assert_eq!(
        read.body["OwnerId"],
        json!(org.handle.state.current_user_id)
    );

    let some = org
        .get(&format!("/sobjects/Account/{id}?fields=Name,Owner.Name"))
        .await;
    assert_eq!(some.body["Owner"]["Name"], "Integration User");
    assert!(some.body.get("Industry").is_none());
    let bad_field = org
        .get(&format!("/sobjects/Account/{id}?fields=Name,Bogus__c"))
        .await;
    assert_eq!(bad_field.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_field.error_code(), "INVALID_FIELD");

    let head = org
        .call(Method::HEAD, &format!("/sobjects/Account/{id}"), None)
        .await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.text.is_empty());

    let updated = org
        .patch(
            &format!("/sobjects/Account/{id}"),
            &json!({"Rating": "Hot"}),
        )
        .await;
    assert_eq!(updated.status, StatusCode::NO_CONTENT);
    assert!(updated.text.is_empty());
    assert!(updated.header("content-type").is_none());
    assert_eq!(
        org.get(&format!("/sobjects/Account/{id}")).await.body["Rating"],
        "Hot"
    );

    let deleted = org.delete(&format!("/sobjects/Account/{id}")).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone =
        json!([{"message": "entity is deleted", "errorCode": "ENTITY_IS_DELETED", "fields": []}]);
    assert_error(
        &org.get(&format!("/sobjects/Account/{id}")).await,
        StatusCode::NOT_FOUND,
        gone.clone(),
    );
    assert_error(
        &org.patch(
            &format!("/sobjects/Account/{id}"),
            &json!({"Rating": "Cold"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        gone.clone(),
    );
    assert_error(
        &org.delete(&format!("/sobjects/Account/{id}")).await,
        StatusCode::NOT_FOUND,
        gone,
    );
}

#[tokio::test]
async fn ids_and_external_id_segments() {
    let org = TestOrg::start().await;
    assert_error(
        &org.patch(
            "/sobjects/Account/001Dm0000000000XXX",
            &json!({"Name": "x"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!([{"message": "Record ID: id value of incorrect type: 001Dm0000000000XXX", "errorCode": "MALFORMED_ID", "fields": ["Id"]}]),
    );
    assert_eq!(
        org.delete("/sobjects/Account/notanid").await.error_code(),
        "MALFORMED_ID"
    );
    assert_error(
        &org.get("/sobjects/Account/Namez").await,
        StatusCode::NOT_FOUND,
        json!([{"message": "Provided external ID field does not exist or is not accessible: Namez", "errorCode": "NOT_FOUND"}]),
    );
    let missing = crate::demo_org::ids::make_id("001", 999_999);
    assert_error(
        &org.get(&format!("/sobjects/Account/{missing}")).await,
        StatusCode::NOT_FOUND,
        json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]),
    );
    assert_eq!(
        org.post("/sobjects/Bogus", &json!({"Name": "x"}))
            .await
            .error_code(),
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn validation_error_bodies() {
    let org = TestOrg::start().await;
    let cases: Vec<(&str, Value, Value)> = vec![
        (
            "/sobjects/Account",
            json!({"Name": "A", "FavoritePet__c": "cat"}),
            json!([{"message": "No such column 'FavoritePet__c' on sobject of type Account", "errorCode": "INVALID_FIELD"}]),
        ),
        (
            "/sobjects/Account",
            json!({"Id": "001Dm0000000001AAA", "Name": "A"}),
            json!([{"message": "The Id field should not be specified in the sobject data.", "errorCode": "INVALID_FIELD"}]),
        ),
        (
            "/sobjects/Contact",
            json!({"FirstName": "A"}),
            json!([{"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["LastName"]}]),
        ),
        (
            "/sobjects/Case",
            json!({"Priority": "Urgent"}),
            json!([{"message": "Priority: bad value for restricted picklist field: Urgent", "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "fields": ["Priority"]}]),
        ),
        (
            "/sobjects/Case",
            json!({"CaseNumber": "1"}),
            json!([{"message": "Unable to create/update fields: CaseNumber. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE", "fields": ["CaseNumber"]}]),
        ),
        (
            "/sobjects/Contact",
            json!({"LastName": "L", "Email": "Not a real email address"}),
            json!([{"message": "Email: invalid email address: Not a real email address", "errorCode": "INVALID_EMAIL_ADDRESS", "fields": ["Email"]}]),
        ),
        (
            "/sobjects/Account",
            json!({"Name": "A", "NumberOfEmployees": "lots"}),
            json!([{"message": "Employees: value not of required type: lots", "errorCode": "INVALID_TYPE_ON_FIELD_IN_RECORD", "fields": ["NumberOfEmployees"]}]),
        ),
        (
            "/sobjects/Case",
            json!({"AccountId": "001bad"}),
            json!([{"message": "Account ID: id value of incorrect type: 001bad", "errorCode": "MALFORMED_ID", "fields": ["AccountId"]}]),
        ),
    ];
    let before = org.count("Account") + org.count("Contact") + org.count("Case");
    for (path, body, expected) in cases {
        let reply = org.post(path, &body).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, expected);
    }
    let not_json = Reply::read(
        org.client
            .post(org.data_url("/sobjects/Account"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.error_code(), "JSON_PARSER_ERROR");
    assert_eq!(
        org.count("Account") + org.count("Contact") + org.count("Case"),
        before
    );
}

#[tokio::test]
async fn case_number_and_formulas_through_the_api() {
    let org = TestOrg::start().await;
    let contact = {
        let data = org.handle.state.read();
        data.records("Contact").next().expect("contact").clone()
    };
    let created = org
        .post(
            "/sobjects/Case",
            &json!({"Subject": "Broken", "Description": "It broke", "Priority": "High", "Origin": "Chat", "ContactId": contact.id}),
        )
        .await;
    let id = id_of(&created);
    let case = org
        .get(&format!(
            "/sobjects/Case/{id}?fields=CaseNumber,Id,Subject,Priority,Status,ContactEmail,IsClosed"
        ))
        .await;
    let number = case.body["CaseNumber"].as_str().expect("CaseNumber");
    assert_eq!(number.len(), 8);
    assert!(number.starts_with("0000"));
    assert_eq!(case.body["Status"], "New");
    assert_eq!(case.body["ContactEmail"], *contact.get("Email"));
    org.patch(
        &format!("/sobjects/Case/{id}"),
        &json!({"Status": "Closed"}),
    )
    .await;
    let closed = org.get(&format!("/sobjects/Case/{id}")).await;
    assert_eq!(closed.body["IsClosed"], true);
    assert!(closed.body["ClosedDate"].as_str().is_some());

    let interaction = org
        .post(
            "/sobjects/Copilot_Interaction__c",
            &json!({"Outcome__c": "Deflected", "Summary__c": "s", "KB_Articles_Shown__c": 0}),
        )
        .await;
    let read = org
        .get(&format!(
            "/sobjects/Copilot_Interaction__c/{}?fields=Name",
            id_of(&interaction)
        ))
        .await;
    assert_eq!(read.body["Name"], "CI-00301");
}

/// Stores an account directly, as a record with a non-unique external id would exist.
fn put_account(org: &TestOrg, name: &str, external_id: &str) -> String {
    let mut data = org.handle.state.write();
    let id = data.new_id("Account").expect("id");
    let mut fields = Map::new();
    fields.insert("Id".into(), json!(id));
    fields.insert("Name".into(), json!(name));
    fields.insert("External_Id__c".into(), json!(external_id));
    data.put(Record {
        id: id.clone(),
        sobject: "Account".into(),
        fields,
        deleted: false,
    });
    id
}

#[tokio::test]
async fn upsert_by_external_id() {
    let org = TestOrg::start().await;
    let created = org
        .patch(
            "/sobjects/Account/External_Id__c/EXT-1",
            &json!({"Name": "Upserted"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = id_of(&created);
    assert_eq!(
        created.body,
        json!({"id": id, "errors": [], "success": true, "created": true})
    );
    let updated = org
        .patch(
            "/sobjects/Account/external_id__c/ext-1",
            &json!({"Rating": "Warm"}),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(
        updated.body,
        json!({"id": id, "errors": [], "success": true, "created": false})
    );
    let old_version = org
        .call_url(
            Method::PATCH,
            &org.url("/services/data/v45.0/sobjects/Account/External_Id__c/EXT-1"),
            Some(&json!({"Rating": "Hot"})),
        )
        .await;
    assert_eq!(old_version.status, StatusCode::NO_CONTENT);
    let by_external_id = org.get("/sobjects/Account/External_Id__c/EXT-1").await;
    assert_eq!(by_external_id.body["Rating"], "Hot");

    let update_only = org
        .patch(
            "/sobjects/Account/External_Id__c/EXT-2?updateOnly=true",
            &json!({"Name": "Nobody"}),
        )
        .await;
    assert_eq!(update_only.status, StatusCode::NOT_FOUND);
    assert_error(
        &org.patch("/sobjects/Account/Namez/x", &json!({"Name": "x"}))
            .await,
        StatusCode::NOT_FOUND,
        json!([{"message": "Provided external ID field does not exist or is not accessible: Namez", "errorCode": "NOT_FOUND"}]),
    );

    let a = put_account(&org, "Twin A", "TWIN");
    let b = put_account(&org, "Twin B", "TWIN");
    let several = org
        .patch(
            "/sobjects/Account/External_Id__c/TWIN",
            &json!({"Rating": "Hot"}),
        )
        .await;
    assert_eq!(several.status, StatusCode::MULTIPLE_CHOICES);
    assert_eq!(
        several.body,
        json!([
            format!("/services/data/v66.0/sobjects/Account/{a}"),
            format!("/services/data/v66.0/sobjects/Account/{b}"),
        ])
    );
    assert_eq!(
        org.get("/sobjects/Account/External_Id__c/TWIN")
            .await
            .status,
        StatusCode::MULTIPLE_CHOICES
    );
}

#[tokio::test]
async fn tooling_synonym_groups_are_served_and_flagged() {
    let org = TestOrg::start().await;
    let global = org.get("/tooling/sobjects").await;
    assert_eq!(global.body["sobjects"][0]["name"], "SearchSynonymGroup");
    assert!(global.header("warning").is_none());

    let created = org
        .post(
            "/tooling/sobjects/SearchSynonymGroup",
            &json!({"GroupName": "Billing", "Synonyms": "invoice, bill"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let warning = created.header("warning").expect("Warning header");
    assert!(
        warning.starts_with("299 - \"SearchSynonymGroup is not a documented Tooling API object")
    );
    let id = id_of(&created);
    assert_eq!(
        created.header("location"),
        Some(format!("/services/data/v66.0/tooling/sobjects/SearchSynonymGroup/{id}").as_str())
    );
    let read = org
        .get(&format!("/tooling/sobjects/SearchSynonymGroup/{id}"))
        .await;
    assert_eq!(read.body["GroupName"], "Billing");
    assert_eq!(
        read.body["attributes"]["url"],
        json!(format!(
            "/services/data/v66.0/tooling/sobjects/SearchSynonymGroup/{id}"
        ))
    );
    assert!(read.header("warning").is_some());
    let patched = org
        .patch(
            &format!("/tooling/sobjects/SearchSynonymGroup/{id}"),
            &json!({"Synonyms": "invoice, bill, statement"}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::NO_CONTENT);
    let deleted = org
        .delete(&format!("/tooling/sobjects/SearchSynonymGroup/{id}"))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = org
        .get(&format!("/tooling/sobjects/SearchSynonymGroup/{id}"))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(gone.header("warning").is_some());
    let describe = org
        .get("/tooling/sobjects/SearchSynonymGroup/describe")
        .await;
    assert_eq!(describe.body["name"], "SearchSynonymGroup");
    assert_eq!(
        org.get("/tooling/sobjects/Account").await.status,
        StatusCode::NOT_FOUND
    );
    let query = org
        .get("/tooling/query?q=SELECT+Id,+GroupName+FROM+SearchSynonymGroup")
        .await;
    assert!(query.header("warning").is_some());
}
