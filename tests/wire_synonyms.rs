//! Search synonym tools on the wire: the exact Tooling API request each one sends and the shaped
//! result, as insta snapshots; then arguments that must be refused before anything is sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{engine, mock_org, recorded, sf_json};
use salesforce_mcp::engine::CallError;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const GROUPS: &str = "/services/data/v66.0/tooling/sobjects/SearchSynonymGroup";
const GROUP_ID: &str = "0SgDm0000000012AAA";

struct WireCase {
    name: &'static str,
    tool: &'static str,
    args: Value,
    method: &'static str,
    path: String,
    response: ResponseTemplate,
}

fn group(id: &str, name: &str, synonyms: &str) -> Value {
    json!({
        "attributes": {"type": "SearchSynonymGroup", "url": format!("{GROUPS}/{id}")},
        "Id": id, "GroupName": name, "Synonyms": synonyms
    })
}

fn cases() -> Vec<WireCase> {
    vec![
        WireCase {
            name: "list_synonym_groups",
            tool: "list_synonym_groups",
            args: json!({}),
            method: "GET",
            path: "/services/data/v66.0/tooling/query".into(),
            response: sf_json(
                200,
                json!({
                    "size": 2, "totalSize": 2, "done": true, "queryLocator": null,
                    "entityTypeName": "SearchSynonymGroup",
                    "records": [
                        group("0SgDm0000000011AAA", "CRM", "CRM, customer relationship management"),
                        group(GROUP_ID, "SSO", "SSO,single sign-on, SAML login")
                    ]
                }),
            ),
        },
        WireCase {
            name: "list_synonym_groups_invalid_type",
            tool: "list_synonym_groups",
            args: json!({}),
            method: "GET",
            path: "/services/data/v66.0/tooling/query".into(),
            response: sf_json(
                400,
                json!([{"message": "sObject type 'SearchSynonymGroup' is not supported.", "errorCode": "INVALID_TYPE"}]),
            ),
        },
        WireCase {
            name: "get_synonym_group",
            tool: "get_synonym_group",
            args: json!({"id": GROUP_ID}),
            method: "GET",
            path: format!("{GROUPS}/{GROUP_ID}"),
            response: sf_json(
                200,
                json!({
                    "attributes": {"type": "SearchSynonymGroup", "url": format!("{GROUPS}/{GROUP_ID}")},
                    "Id": GROUP_ID, "GroupName": "SSO", "Synonyms": "SSO, single sign-on, SAML login",
                    "CreatedDate": "2026-05-04T08:12:00.000+0000", "LastModifiedDate": "2026-06-01T16:40:00.000+0000"
                }),
            ),
        },
        WireCase {
            name: "create_synonym_group",
            tool: "create_synonym_group",
            args: json!({"group_name": "Dashboards", "synonyms": " dashboard,  scorecard ,KPI board"}),
            method: "POST",
            path: GROUPS.into(),
            response: sf_json(
                201,
                json!({"id": "0SgDm0000000013AAA", "success": true, "errors": []}),
            ),
        },
        WireCase {
            name: "update_synonym_group_terms",
            tool: "update_synonym_group",
            args: json!({"id": GROUP_ID, "synonyms": "SSO, single sign-on, SAML login, identity provider"}),
            method: "PATCH",
            path: format!("{GROUPS}/{GROUP_ID}"),
            response: ResponseTemplate::new(204),
        },
        WireCase {
            name: "update_synonym_group_name",
            tool: "update_synonym_group",
            args: json!({"id": GROUP_ID, "group_name": "Single sign-on"}),
            method: "PATCH",
            path: format!("{GROUPS}/{GROUP_ID}"),
            response: ResponseTemplate::new(204),
        },
        WireCase {
            name: "delete_synonym_group",
            tool: "delete_synonym_group",
            args: json!({"id": GROUP_ID}),
            method: "DELETE",
            path: format!("{GROUPS}/{GROUP_ID}"),
            response: ResponseTemplate::new(204),
        },
        WireCase {
            name: "delete_synonym_group_not_found",
            tool: "delete_synonym_group",
            args: json!({"id": GROUP_ID}),
            method: "DELETE",
            path: format!("{GROUPS}/{GROUP_ID}"),
            response: sf_json(
                404,
                json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]),
            ),
        },
    ]
}

#[tokio::test]
async fn synonym_tools_send_the_documented_requests_and_shape_the_answers() {
    let mut seen = std::collections::BTreeSet::new();
    for case in cases() {
        let server = mock_org().await;
        Mock::given(method(case.method))
            .and(path(case.path.as_str()))
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
    for tool in [
        "list_synonym_groups",
        "get_synonym_group",
        "create_synonym_group",
        "update_synonym_group",
        "delete_synonym_group",
    ] {
        assert!(seen.contains(tool), "no wire case for {tool}");
    }
}

#[tokio::test]
async fn a_group_needs_at_least_two_real_terms() {
    for synonyms in ["CRM", "CRM,", ", CRM", "CRM, , customer", " , ", ""] {
        let error = common::refused(
            "create_synonym_group",
            json!({"group_name": "CRM", "synonyms": synonyms}),
        )
        .await;
        assert_eq!(error.problems[0].pointer, "/synonyms", "{synonyms:?}");
        common::refused(
            "update_synonym_group",
            json!({"id": GROUP_ID, "synonyms": synonyms}),
        )
        .await;
    }
    common::refused(
        "create_synonym_group",
        json!({"group_name": "", "synonyms": "a, b"}),
    )
    .await;
    common::refused("create_synonym_group", json!({"synonyms": "a, b"})).await;
}

#[tokio::test]
async fn group_ids_are_record_ids_and_updates_change_something() {
    for id in [
        "../../sobjects/Account",
        "0SgDm0000000012AAA/x",
        "0Sg'",
        "..",
        "",
    ] {
        for tool in ["get_synonym_group", "delete_synonym_group"] {
            let error = common::refused(tool, json!({"id": id})).await;
            assert_eq!(error.problems[0].pointer, "/id", "{tool} {id}");
        }
        common::refused("update_synonym_group", json!({"id": id, "group_name": "x"})).await;
    }
    // An update with only the id would send an empty PATCH.
    common::refused("update_synonym_group", json!({"id": GROUP_ID})).await;
    common::refused(
        "list_synonym_groups",
        json!({"soql": "SELECT Id FROM Account"}),
    )
    .await;
}
