//! The search synonym tools against the embedded demo org, which serves the (undocumented)
//! SearchSynonymGroup Tooling object: list the seeded groups, then create, read, rename, extend
//! and delete one, through the engine and through an MCP client.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{call_err, call_ok, demo_engine};
use rmcp::model::CallToolRequestParams;
use salesforce_mcp::engine::Engine;
use serde_json::{Value, json};

async fn group_names(engine: &Engine) -> Vec<String> {
    let listed = call_ok(engine, "list_synonym_groups", json!({})).await;
    let groups = listed["groups"].as_array().unwrap();
    assert_eq!(listed["totalSize"].as_u64(), Some(groups.len() as u64));
    groups
        .iter()
        .map(|g| g["group_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn seeded_groups_are_listed_by_name_with_their_terms() {
    let running = demo_engine().await;
    let listed = call_ok(&running.engine, "list_synonym_groups", json!({})).await;
    let groups = listed["groups"].as_array().unwrap();
    assert!(groups.len() >= 2, "{listed}");
    let names: Vec<&str> = groups
        .iter()
        .map(|g| g["group_name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "ordered by GroupName");
    let crm = groups
        .iter()
        .find(|g| g["group_name"] == "CRM")
        .expect("the seeded CRM group");
    assert_eq!(
        crm["synonyms"],
        json!(["CRM", "customer relationship management"])
    );
    assert!(crm["id"].as_str().unwrap().starts_with("0Sg"));
}

#[tokio::test]
async fn a_group_is_created_read_changed_and_deleted() {
    let running = demo_engine().await;
    let engine = &running.engine;

    let created = call_ok(
        engine,
        "create_synonym_group",
        json!({"group_name": "Dashboards", "synonyms": "dashboard,  scorecard ,KPI board"}),
    )
    .await;
    assert_eq!(created["success"], true);
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(group_names(engine).await.contains(&"Dashboards".to_owned()));

    let read = call_ok(engine, "get_synonym_group", json!({"id": id})).await;
    assert_eq!(read["group_name"], "Dashboards");
    assert_eq!(
        read["synonyms"],
        json!(["dashboard", "scorecard", "KPI board"])
    );

    call_ok(
        engine,
        "update_synonym_group",
        json!({"id": id, "group_name": "Dashboards and KPIs"}),
    )
    .await;
    let mut terms: Vec<String> = read["synonyms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    terms.push("metrics board".into());
    let extended = call_ok(
        engine,
        "update_synonym_group",
        json!({"id": id, "synonyms": terms.join(", ")}),
    )
    .await;
    assert_eq!(extended["synonyms"].as_array().unwrap().len(), 4);
    let reread = call_ok(engine, "get_synonym_group", json!({"id": id})).await;
    assert_eq!(
        reread["group_name"], "Dashboards and KPIs",
        "the rename was kept"
    );
    assert_eq!(
        reread["synonyms"],
        json!(["dashboard", "scorecard", "KPI board", "metrics board"])
    );

    let deleted = call_ok(engine, "delete_synonym_group", json!({"id": id})).await;
    assert_eq!(deleted["deleted"], id.as_str());
    assert!(
        !group_names(engine)
            .await
            .iter()
            .any(|n| n.starts_with("Dashboards"))
    );
    let error = call_err(engine, "get_synonym_group", json!({"id": id})).await;
    assert_eq!(error.code, "NOT_FOUND");
    let error = call_err(engine, "delete_synonym_group", json!({"id": id})).await;
    assert!(
        ["NOT_FOUND", "ENTITY_IS_DELETED"].contains(&error.code.as_str()),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_mcp_client_sees_groups_as_lists_and_one_term_groups_refused() {
    let running = demo_engine().await;
    let client = common::mcp_client(running.engine.clone()).await;
    let call = |tool: &'static str, args: Value| {
        let client = &client;
        async move {
            client
                .call_tool(
                    CallToolRequestParams::new(tool.to_owned())
                        .with_arguments(args.as_object().cloned().unwrap_or_default()),
                )
                .await
                .unwrap_or_else(|e| panic!("{tool}: {e}"))
        }
    };
    let listed = call("list_synonym_groups", json!({})).await;
    assert_eq!(listed.is_error, Some(false));
    let body = listed.structured_content.unwrap();
    assert!(
        body["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["synonyms"].is_array())
    );

    let refused = call(
        "create_synonym_group",
        json!({"group_name": "Solo", "synonyms": "alone"}),
    )
    .await;
    assert_eq!(refused.is_error, Some(true));
    let text = serde_json::to_string(&refused.content).unwrap();
    assert!(
        text.contains("INVALID_ARGUMENTS") && text.contains("synonyms"),
        "{text}"
    );
    let after = call("list_synonym_groups", json!({}))
        .await
        .structured_content
        .unwrap();
    assert_eq!(after["totalSize"], body["totalSize"], "nothing was created");
}
