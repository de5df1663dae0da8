//! The simple case tools on the wire (get_case, update_case, add_case_comment): the exact
//! request each one sends and the shaped result, as insta snapshots; then arguments that must be
//! refused before anything is sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{engine, mock_org, recorded, sf_json};
use salesforce_mcp::engine::CallError;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const CASE_ID: &str = "500Dm00000A1b2cIAB";
const CASE_PATH: &str = "/services/data/v66.0/sobjects/Case/500Dm00000A1b2cIAB";

struct WireCase {
    name: &'static str,
    tool: &'static str,
    args: Value,
    method: &'static str,
    path: &'static str,
    response: ResponseTemplate,
}

fn case_record() -> Value {
    json!({
        "attributes": {"type": "Case", "url": CASE_PATH},
        "Id": CASE_ID, "CaseNumber": "00001042",
        "Subject": "Dashboards take over a minute to load",
        "Description": "Since Monday the Sales KPIs dashboard times out for the whole team.",
        "Status": "Working", "Priority": "High", "Origin": "Email", "Type": "Problem",
        "Reason": "Performance", "AccountId": "001Dm00000Zk4QpIAJ", "ContactId": "003Dm00000Yx7TbIAJ",
        "OwnerId": "005Dm0000001AbcIAE", "IsClosed": false, "IsEscalated": false,
        "CreatedDate": "2026-11-16T08:02:11.000+0000", "ClosedDate": null,
        "LastModifiedDate": "2026-11-19T14:30:00.000+0000"
    })
}

fn cases() -> Vec<WireCase> {
    vec![
        WireCase {
            name: "get_case",
            tool: "get_case",
            args: json!({"case_id": CASE_ID}),
            method: "GET",
            path: CASE_PATH,
            response: sf_json(200, case_record()),
        },
        WireCase {
            name: "get_case_some_fields",
            tool: "get_case",
            args: json!({"case_id": CASE_ID, "fields": "CaseNumber, Status ,Priority"}),
            method: "GET",
            path: CASE_PATH,
            response: sf_json(
                200,
                json!({"attributes": {"type": "Case", "url": CASE_PATH}, "CaseNumber": "00001042", "Status": "Working", "Priority": "High", "Id": CASE_ID}),
            ),
        },
        WireCase {
            name: "get_case_not_found",
            tool: "get_case",
            args: json!({"case_id": CASE_ID}),
            method: "GET",
            path: CASE_PATH,
            response: sf_json(
                404,
                json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]),
            ),
        },
        WireCase {
            name: "update_case",
            tool: "update_case",
            args: json!({"case_id": CASE_ID, "status": "Escalated", "priority": "Critical", "reason": "New Feature", "type": "Feature Request"}),
            method: "PATCH",
            path: CASE_PATH,
            response: ResponseTemplate::new(204),
        },
        WireCase {
            name: "update_case_subject_and_description",
            tool: "update_case",
            args: json!({"case_id": CASE_ID, "subject": "Sales KPIs dashboard times out", "description": "Reproduced with 3 users; the dashboard's source report is unfiltered."}),
            method: "PATCH",
            path: CASE_PATH,
            response: ResponseTemplate::new(204),
        },
        WireCase {
            name: "update_case_validation_rule",
            tool: "update_case",
            args: json!({"case_id": CASE_ID, "status": "Closed"}),
            method: "PATCH",
            path: CASE_PATH,
            response: sf_json(
                400,
                json!([{"message": "Enter a resolution before closing the case.", "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "fields": []}]),
            ),
        },
        WireCase {
            name: "add_case_comment",
            tool: "add_case_comment",
            args: json!({"case_id": CASE_ID, "comment": "Filtered the source report by the last 90 days; load time is down to 4 seconds."}),
            method: "POST",
            path: "/services/data/v66.0/sobjects/CaseComment",
            response: sf_json(
                201,
                json!({"id": "00aDm00000Q9xYzIAJ", "success": true, "errors": []}),
            )
            .insert_header(
                "Location",
                "/services/data/v66.0/sobjects/CaseComment/00aDm00000Q9xYzIAJ",
            ),
        },
        WireCase {
            name: "add_case_comment_published",
            tool: "add_case_comment",
            args: json!({"case_id": CASE_ID, "comment": "We found the cause and applied a fix. Please confirm the dashboard loads for you.", "is_published": true}),
            method: "POST",
            path: "/services/data/v66.0/sobjects/CaseComment",
            response: sf_json(
                201,
                json!({"id": "00aDm00000Q9xZaIAJ", "success": true, "errors": []}),
            ),
        },
        WireCase {
            name: "add_case_comment_unknown_case",
            tool: "add_case_comment",
            args: json!({"case_id": "500Dm00000ZZZZZIAB", "comment": "Checked the logs."}),
            method: "POST",
            path: "/services/data/v66.0/sobjects/CaseComment",
            response: sf_json(
                400,
                json!([{"message": "Parent ID: id value of incorrect type: 500Dm00000ZZZZZIAB", "errorCode": "FIELD_INTEGRITY_EXCEPTION", "fields": ["ParentId"]}]),
            ),
        },
    ]
}

#[tokio::test]
async fn case_tools_send_the_documented_requests_and_shape_the_answers() {
    let mut seen = std::collections::BTreeSet::new();
    for case in cases() {
        let server = mock_org().await;
        Mock::given(method(case.method))
            .and(path(case.path))
            .respond_with(case.response)
            .mount(&server)
            .await;
        let engine = engine(&server).await;
        let result = match engine.call(case.tool, case.args.as_object().cloned()).await {
            Ok(value) => {
                let tool = engine.tool(case.tool).expect("tool exists");
                if let Some(validator) = &tool.output_validator {
                    let problems: Vec<String> = validator
                        .iter_errors(&value)
                        .map(|e| e.to_string())
                        .collect();
                    assert!(problems.is_empty(), "{}: {problems:?}", case.name);
                }
                json!({"ok": value})
            }
            Err(CallError::Failed(error)) => json!({"error": error.to_json()}),
            Err(CallError::UnknownTool(name)) => panic!("unknown tool {name}"),
        };
        let requests = recorded(&server).await;
        assert_eq!(requests.len(), 1, "{}: {requests:?}", case.name);
        seen.insert(case.tool);
        insta::assert_yaml_snapshot!(
            format!("wire__{}", case.name),
            json!({"request": requests[0], "result": result})
        );
    }
    for tool in ["get_case", "update_case", "add_case_comment"] {
        assert!(seen.contains(tool), "no wire case for {tool}");
    }
}

#[tokio::test]
async fn case_ids_that_could_change_the_path_are_refused() {
    for id in [
        "../../limits",
        "500Dm00000A1b2c/../x",
        "500Dm00000A1b2'IAB",
        "..",
        "",
        "500%2F",
    ] {
        let error = common::refused("get_case", json!({"case_id": id})).await;
        assert_eq!(error.problems[0].pointer, "/case_id", "{id}");
        common::refused("update_case", json!({"case_id": id, "status": "Working"})).await;
        common::refused("add_case_comment", json!({"case_id": id, "comment": "x"})).await;
    }
}

#[tokio::test]
async fn case_arguments_outside_their_schema_are_refused() {
    // Nothing to change.
    common::refused("update_case", json!({"case_id": CASE_ID})).await;
    // Values outside the picklists.
    for (name, value) in [
        ("status", "Resolved"),
        ("priority", "Urgent"),
        ("type", "Bug"),
        ("reason", "Unknown"),
    ] {
        let mut args = json!({"case_id": CASE_ID});
        args[name] = json!(value);
        let error = common::refused("update_case", args).await;
        assert_eq!(error.problems[0].pointer, format!("/{name}"));
    }
    // Comments: empty, too long, published flag of the wrong type.
    common::refused(
        "add_case_comment",
        json!({"case_id": CASE_ID, "comment": ""}),
    )
    .await;
    common::refused(
        "add_case_comment",
        json!({"case_id": CASE_ID, "comment": "x".repeat(4001)}),
    )
    .await;
    common::refused(
        "add_case_comment",
        json!({"case_id": CASE_ID, "comment": "x", "is_published": "true"}),
    )
    .await;
    // Field lists: only Case field API names (no relationship paths, no injection).
    for fields in [
        "Account.Name",
        "Id, Subject FROM Case",
        "Id;Subject",
        "Id,",
        "",
    ] {
        common::refused("get_case", json!({"case_id": CASE_ID, "fields": fields})).await;
    }
}
