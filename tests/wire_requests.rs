//! For every tool: the exact request it sends (method, path, query, body; token redacted) and the
//! result it shapes from a Salesforce-shaped answer, as insta snapshots.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::sf_json;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

struct WireCase {
    name: &'static str,
    tool: &'static str,
    args: Value,
    method: &'static str,
    path: &'static str,
    response: ResponseTemplate,
}

fn record(kind: &str, id: &str, fields: Value) -> Value {
    let mut out = json!({"attributes": {"type": kind, "url": format!("/services/data/v66.0/sobjects/{kind}/{id}")}, "Id": id});
    if let (Some(map), Value::Object(extra)) = (out.as_object_mut(), fields) {
        map.extend(extra);
    }
    out
}

fn describe_case() -> Value {
    json!({
        "name": "Case", "label": "Case", "keyPrefix": "500", "custom": false, "queryable": true,
        "createable": true, "updateable": true, "deletable": true,
        "fields": [
            {"name": "Id", "label": "Case ID", "type": "id", "length": 18, "nillable": false, "createable": false, "updateable": false, "picklistValues": [], "referenceTo": []},
            {"name": "Subject", "label": "Subject", "type": "string", "length": 255, "nillable": true, "createable": true, "updateable": true, "picklistValues": [], "referenceTo": []},
            {"name": "Priority", "label": "Priority", "type": "picklist", "length": 255, "nillable": true, "createable": true, "updateable": true,
             "defaultValue": "Medium", "defaultedOnCreate": true, "restrictedPicklist": true,
             "picklistValues": [{"value": "High", "label": "High", "active": true}, {"value": "Medium", "label": "Medium", "active": true}, {"value": "Legacy", "label": "Legacy", "active": false}], "referenceTo": []},
            {"name": "AccountId", "label": "Account ID", "type": "reference", "length": 18, "nillable": true, "createable": true, "updateable": true, "picklistValues": [], "referenceTo": ["Account"], "relationshipName": "Account"},
            {"name": "Status", "label": "Status", "type": "picklist", "length": 40, "nillable": false, "createable": true, "updateable": true, "defaultedOnCreate": false,
             "picklistValues": [{"value": "New", "active": true}, {"value": "Closed", "active": true}], "referenceTo": []}
        ],
        "childRelationships": [
            {"childSObject": "CaseComment", "field": "ParentId", "relationshipName": "CaseComments"},
            {"childSObject": "CaseHistory", "field": "CaseId", "relationshipName": null}
        ]
    })
}

fn cases() -> Vec<WireCase> {
    vec![
        WireCase {
            name: "query",
            tool: "query",
            args: json!({"soql": "SELECT Id, CaseNumber, Account.Name FROM Case WHERE Account.Name = 'Zava' LIMIT 2"}),
            method: "GET",
            path: "/services/data/v66.0/query",
            response: sf_json(
                200,
                json!({"totalSize": 3, "done": false,
                "nextRecordsUrl": "/services/data/v66.0/query/01gDm0000000001AAA-2",
                "records": [
                    record("Case", "500Dm0000000001AAA", json!({"CaseNumber": "00001001", "Account": {"attributes": {"type": "Account", "url": "/services/data/v66.0/sobjects/Account/001Dm0000000001AAA"}, "Name": "Zava"}})),
                    record("Case", "500Dm0000000002AAA", json!({"CaseNumber": "00001002", "Account": null}))
                ]}),
            ),
        },
        WireCase {
            name: "query_next_page",
            tool: "query",
            args: json!({"next_records_url": "/services/data/v66.0/query/01gDm0000000001AAA-2"}),
            method: "GET",
            path: "/services/data/v66.0/query/01gDm0000000001AAA-2",
            response: sf_json(
                200,
                json!({"totalSize": 3, "done": true, "records": [record("Case", "500Dm0000000003AAA", json!({"CaseNumber": "00001003"}))]}),
            ),
        },
        WireCase {
            name: "query_include_deleted",
            tool: "query",
            args: json!({"soql": "SELECT Id FROM Case WHERE IsDeleted = true", "include_deleted": true}),
            method: "GET",
            path: "/services/data/v66.0/queryAll",
            response: sf_json(
                200,
                json!({"totalSize": 1, "done": true, "records": [record("Case", "500Dm0000000009AAA", json!({}))]}),
            ),
        },
        WireCase {
            name: "query_more",
            tool: "query_more",
            args: json!({"next_records_url": "/services/data/v66.0/query/01gDm0000000001AAA-2000"}),
            method: "GET",
            path: "/services/data/v66.0/query/01gDm0000000001AAA-2000",
            response: sf_json(
                200,
                json!({"totalSize": 2001, "done": true, "records": [record("Account", "001Dm0000000001AAA", json!({"Name": "Acme"}))]}),
            ),
        },
        WireCase {
            name: "search",
            tool: "search",
            args: json!({"sosl": "FIND {Zava} IN ALL FIELDS RETURNING Account(Id, Name), Contact(Id, Name)"}),
            method: "GET",
            path: "/services/data/v66.0/search",
            response: sf_json(
                200,
                json!({"searchRecords": [
                    record("Account", "001Dm0000000001AAA", json!({"Name": "Zava"})),
                    record("Contact", "003Dm0000000001AAA", json!({"Name": "Ana Zava"}))
                ]}),
            ),
        },
        WireCase {
            name: "tooling_query",
            tool: "tooling_query",
            args: json!({"soql": "SELECT Id, Name FROM ApexClass LIMIT 1"}),
            method: "GET",
            path: "/services/data/v66.0/tooling/query",
            response: sf_json(
                200,
                json!({"size": 1, "totalSize": 1, "done": true, "queryLocator": null, "entityTypeName": "ApexClass",
                "records": [{"attributes": {"type": "ApexClass", "url": "/services/data/v66.0/tooling/sobjects/ApexClass/01pDm0000000001AAA"}, "Id": "01pDm0000000001AAA", "Name": "CaseRouter"}]}),
            ),
        },
        WireCase {
            name: "get_record",
            tool: "get_record",
            args: json!({"object": "Case", "id": "500Dm0000000001AAA", "fields": "Subject, Status,Priority"}),
            method: "GET",
            path: "/services/data/v66.0/sobjects/Case/500Dm0000000001AAA",
            response: sf_json(
                200,
                record(
                    "Case",
                    "500Dm0000000001AAA",
                    json!({"Subject": "Dashboard is slow", "Status": "New", "Priority": "High"}),
                ),
            ),
        },
        WireCase {
            name: "create_record",
            tool: "create_record",
            args: json!({"object": "Account", "data": {"Name": "O'Brien & Sons", "Industry": "Technology"}}),
            method: "POST",
            path: "/services/data/v66.0/sobjects/Account",
            response: sf_json(
                201,
                json!({"id": "001Dm0000000077AAA", "success": true, "errors": []}),
            )
            .insert_header(
                "Location",
                "/services/data/v66.0/sobjects/Account/001Dm0000000077AAA",
            ),
        },
        WireCase {
            name: "update_record",
            tool: "update_record",
            args: json!({"object": "Case", "id": "500Dm0000000001AAA", "data": {"Status": "Working", "Description": null}}),
            method: "PATCH",
            path: "/services/data/v66.0/sobjects/Case/500Dm0000000001AAA",
            response: ResponseTemplate::new(204),
        },
        WireCase {
            name: "delete_record",
            tool: "delete_record",
            args: json!({"object": "Contact", "id": "003Dm0000000001"}),
            method: "DELETE",
            path: "/services/data/v66.0/sobjects/Contact/003Dm0000000001",
            response: ResponseTemplate::new(204),
        },
        WireCase {
            name: "upsert_record_created",
            tool: "upsert_record",
            args: json!({"object": "Account", "external_id_field": "External_Id__c", "external_id": "ERP/42", "data": {"Name": "Fabrikam"}}),
            method: "PATCH",
            path: "/services/data/v66.0/sobjects/Account/External_Id__c/ERP%2F42",
            response: sf_json(
                201,
                json!({"id": "001Dm0000000078AAA", "success": true, "errors": [], "created": true}),
            ),
        },
        WireCase {
            name: "upsert_record_updated",
            tool: "upsert_record",
            args: json!({"object": "Account", "external_id_field": "External_Id__c", "external_id": "ERP-43", "data": {"Name": "Fabrikam"}}),
            method: "PATCH",
            path: "/services/data/v66.0/sobjects/Account/External_Id__c/ERP-43",
            response: sf_json(
                200,
                json!({"id": "001Dm0000000079AAA", "success": true, "errors": [], "created": false}),
            ),
        },
        WireCase {
            name: "upsert_record_several_match",
            tool: "upsert_record",
            args: json!({"object": "Account", "external_id_field": "External_Id__c", "external_id": "DUP", "data": {"Name": "X"}}),
            method: "PATCH",
            path: "/services/data/v66.0/sobjects/Account/External_Id__c/DUP",
            response: sf_json(
                300,
                json!([
                    "/services/data/v66.0/sobjects/Account/001Dm0000000001AAA",
                    "/services/data/v66.0/sobjects/Account/001Dm0000000002AAA"
                ]),
            ),
        },
        WireCase {
            name: "list_objects",
            tool: "list_objects",
            args: json!({"name_contains": "case"}),
            method: "GET",
            path: "/services/data/v66.0/sobjects",
            response: sf_json(
                200,
                json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [
                    {"name": "Account", "label": "Account", "custom": false, "keyPrefix": "001", "queryable": true, "createable": true, "urls": {}},
                    {"name": "Case", "label": "Case", "custom": false, "keyPrefix": "500", "queryable": true, "createable": true, "urls": {}},
                    {"name": "CaseComment", "label": "Case Comment", "custom": false, "keyPrefix": "00a", "queryable": true, "createable": true, "urls": {}},
                    {"name": "Case_Survey__c", "label": "Case Survey", "custom": true, "keyPrefix": "a01", "queryable": true, "createable": true, "urls": {}}
                ]}),
            ),
        },
        WireCase {
            name: "list_objects_custom_only",
            tool: "list_objects",
            args: json!({"custom_only": true}),
            method: "GET",
            path: "/services/data/v66.0/sobjects",
            response: sf_json(
                200,
                json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [
                    {"name": "Account", "label": "Account", "custom": false, "keyPrefix": "001", "queryable": true, "createable": true},
                    {"name": "Case_Survey__c", "label": "Case Survey", "custom": true, "keyPrefix": "a01", "queryable": true, "createable": true}
                ]}),
            ),
        },
        WireCase {
            name: "describe_object",
            tool: "describe_object",
            args: json!({"object": "Case"}),
            method: "GET",
            path: "/services/data/v66.0/sobjects/Case/describe",
            response: sf_json(200, describe_case()),
        },
        WireCase {
            name: "get_object_schema",
            tool: "get_object_schema",
            args: json!({"object": "Case"}),
            method: "GET",
            path: "/services/data/v66.0/sobjects/Case/describe",
            response: sf_json(200, describe_case()),
        },
        WireCase {
            name: "get_limits",
            tool: "get_limits",
            args: json!({}),
            method: "GET",
            path: "/services/data/v66.0/limits",
            response: sf_json(
                200,
                json!({"DailyApiRequests": {"Max": 5000, "Remaining": 4937}, "DataStorageMB": {"Max": 1024, "Remaining": 1000}}),
            ),
        },
        WireCase {
            name: "query_malformed",
            tool: "query",
            args: json!({"soql": "SELEKT Id FROM Case"}),
            method: "GET",
            path: "/services/data/v66.0/query",
            response: sf_json(
                400,
                json!([{"message": "unexpected token: SELEKT", "errorCode": "MALFORMED_QUERY"}]),
            ),
        },
        WireCase {
            name: "get_record_not_found",
            tool: "get_record",
            args: json!({"object": "Case", "id": "500Dm0000000404AAA"}),
            method: "GET",
            path: "/services/data/v66.0/sobjects/Case/500Dm0000000404AAA",
            response: sf_json(
                404,
                json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]),
            ),
        },
    ]
}

#[tokio::test]
async fn every_tool_sends_the_documented_request_and_shapes_the_answer() {
    let mut seen_tools = std::collections::BTreeSet::new();
    for case in cases() {
        let exchange =
            common::single_exchange(case.tool, case.args, case.method, case.path, case.response)
                .await;
        seen_tools.insert(case.tool);
        insta::assert_yaml_snapshot!(format!("wire__{}", case.name), exchange);
    }
    // Every core tool is covered.
    for tool in [
        "query",
        "query_more",
        "search",
        "tooling_query",
        "get_record",
        "create_record",
        "update_record",
        "delete_record",
        "upsert_record",
        "list_objects",
        "describe_object",
        "get_limits",
        "get_object_schema",
    ] {
        assert!(seen_tools.contains(tool), "no wire case for {tool}");
    }
}
