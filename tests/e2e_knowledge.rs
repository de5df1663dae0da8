//! The Knowledge tools against the embedded demo org: an article's whole life (draft, edits,
//! publication, a second draft, its deletion), the seeded drafts and archived articles, reading
//! and searching, suggestions, and the same tools through an MCP client.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{call_err, call_ok, demo_engine};
use rmcp::model::CallToolRequestParams;
use salesforce_mcp::engine::Engine;
use serde_json::{Value, json};

/// The articles list_knowledge_articles finds for `q`, as (id, title).
async fn found(engine: &Engine, q: &str) -> Vec<(String, String)> {
    let page = call_ok(
        engine,
        "list_knowledge_articles",
        json!({"q": q, "page_size": 100}),
    )
    .await;
    page["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_owned(),
                a["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Whether a search for `q` finds a published article whose title starts with `title`.
async fn titled(engine: &Engine, q: &str, title: &str) -> bool {
    found(engine, q)
        .await
        .iter()
        .any(|(_, t)| t.starts_with(title))
}

/// Title suggestions in one publication status, as (version id, article id, title).
async fn titles(engine: &Engine, q: &str, status: &str) -> Vec<(String, String, String)> {
    let result = call_ok(
        engine,
        "suggest_article_titles",
        json!({"q": q, "language": "en_US", "publish_status": status, "limit": 50}),
    )
    .await;
    result["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["Id"].as_str().unwrap().to_owned(),
                s["KnowledgeArticleId"].as_str().unwrap().to_owned(),
                s["Title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_article_lives_from_draft_to_published_to_a_deleted_revision() {
    let running = demo_engine().await;
    let engine = &running.engine;

    // A new article is a draft: readers can't find it, authors can.
    let created = call_ok(
        engine,
        "create_knowledge_article",
        json!({
            "title": "Rotating the connector client secret",
            "url_name": "rotating-connector-client-secret",
            "fields": {"Summary": "Rotate the secret in the connected app, then update the connector.", "Content__c": "<p>Open the connected app.</p>"}
        }),
    )
    .await;
    assert_eq!(created["publish_status"], "Draft");
    let first_draft = created["id"].as_str().unwrap().to_owned();
    assert!(first_draft.starts_with("ka0"), "{created}");
    assert!(!titled(engine, "client secret", "Rotating").await);
    let drafts = titles(engine, "Rotating the connector", "Draft").await;
    let (version, article_id, _) = drafts
        .iter()
        .find(|(v, _, _)| *v == first_draft)
        .cloned()
        .expect("the new draft is suggested among drafts");
    assert_eq!(version, first_draft);
    assert!(article_id.starts_with("kA0"));

    // Edits go to that draft, whichever Id names it.
    let by_version = call_ok(
        engine,
        "update_knowledge_article",
        json!({"article_id": first_draft, "fields": {"Content__c": "<p>Open Setup &gt; App Manager and rotate the secret.</p>"}}),
    )
    .await;
    assert_eq!(by_version["version_id"], first_draft);
    assert_eq!(by_version["draft_created"], false);
    let by_article = call_ok(
        engine,
        "update_knowledge_article",
        json!({"article_id": article_id, "title": "Rotating the connector's client secret"}),
    )
    .await;
    assert_eq!(by_article["version_id"], first_draft);
    assert_eq!(by_article["article_id"], article_id.as_str());

    // Published, it is what readers see.
    let published = call_ok(
        engine,
        "publish_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(published["version_id"], first_draft);
    let live = (
        article_id.clone(),
        "Rotating the connector's client secret".to_owned(),
    );
    assert_eq!(found(engine, "client secret").await.first(), Some(&live));
    let read = call_ok(
        engine,
        "get_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(read["title"], "Rotating the connector's client secret");
    assert_eq!(
        read["fields"]["Content"],
        "<p>Open Setup &gt; App Manager and rotate the secret.</p>"
    );
    assert_eq!(read["versionNumber"], 1);
    let by_url = call_ok(
        engine,
        "get_knowledge_article",
        json!({"url_name": "rotating-connector-client-secret"}),
    )
    .await;
    assert_eq!(by_url["id"], article_id.as_str());

    // A later edit starts a second draft from the Online version; readers still see the first.
    let revision = call_ok(
        engine,
        "update_knowledge_article",
        json!({"article_id": article_id, "title": "Rotating client secrets (all connectors)"}),
    )
    .await;
    assert_eq!(revision["draft_created"], true);
    let second_draft = revision["version_id"].as_str().unwrap().to_owned();
    assert_ne!(second_draft, first_draft);
    let still = call_ok(
        engine,
        "get_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(still["title"], "Rotating the connector's client secret");

    // Deleting the article's draft drops the revision and keeps the published article.
    let deleted = call_ok(
        engine,
        "delete_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(deleted["deleted_version_id"], second_draft.as_str());
    assert_eq!(found(engine, "client secret").await.first(), Some(&live));
    assert!(
        titles(engine, "Rotating client secrets", "Draft")
            .await
            .is_empty()
    );

    // With no draft left there is nothing to delete or publish, and the Online version is safe.
    let error = call_err(
        engine,
        "delete_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(error.code, "NO_DRAFT_VERSION");
    assert!(error.message.contains(&first_draft), "{error:?}");
    let error = call_err(
        engine,
        "publish_knowledge_article",
        json!({"article_id": first_draft}),
    )
    .await;
    assert_eq!(error.code, "NO_DRAFT_VERSION");
    assert_eq!(found(engine, "client secret").await.first(), Some(&live));
}

#[tokio::test]
async fn a_seeded_revision_is_published_as_a_major_version() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let url_name = "mobile-app-crashes-after-os-update";
    let before = call_ok(
        engine,
        "get_knowledge_article",
        json!({"url_name": url_name}),
    )
    .await;
    let article_id = before["id"].as_str().unwrap().to_owned();
    let drafts = titles(engine, "mobile app", "Draft").await;
    let (draft, _, _) = drafts
        .iter()
        .find(|(_, a, _)| *a == article_id)
        .cloned()
        .expect("the seeded revision is a draft of the article");

    let published = call_ok(
        engine,
        "publish_knowledge_article",
        json!({"article_id": draft, "major_version": true}),
    )
    .await;
    assert_eq!(published["article_id"], article_id.as_str());
    assert_eq!(published["major_version"], true);

    let after = call_ok(
        engine,
        "get_knowledge_article",
        json!({"url_name": url_name}),
    )
    .await;
    assert_eq!(
        after["versionNumber"].as_u64(),
        before["versionNumber"].as_u64().map(|n| n + 1)
    );
    assert!(
        after["summary"].as_str().unwrap().contains("8.3"),
        "the revised summary is live: {after}"
    );
    assert_ne!(after["summary"], before["summary"]);
}

#[tokio::test]
async fn a_never_published_article_is_gone_once_its_draft_is_deleted() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let drafts = titles(engine, "Exporting large reports", "Draft").await;
    let (draft, article_id, _) = drafts
        .first()
        .cloned()
        .expect("the seeded draft-only article");
    let deleted = call_ok(
        engine,
        "delete_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(deleted["deleted_version_id"], draft.as_str());
    assert!(
        titles(engine, "Exporting large reports", "Draft")
            .await
            .is_empty()
    );
    let error = call_err(
        engine,
        "delete_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(error.code, "NOT_FOUND");
}

#[tokio::test]
async fn an_archived_only_article_can_be_neither_edited_nor_deleted() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let archived = titles(engine, "legacy sync agent", "Archived").await;
    let (version, article_id, title) = archived.first().cloned().expect("a seeded archived guide");
    assert!(title.contains("legacy sync agent"), "{title}");
    assert!(!titled(engine, "legacy sync agent", &title).await);

    let error = call_err(
        engine,
        "update_knowledge_article",
        json!({"article_id": version, "title": "Revived"}),
    )
    .await;
    assert_eq!(error.code, "INVALID_API_INPUT", "{error:?}");
    assert!(error.hint.as_deref().unwrap().contains("Online version"));
    let error = call_err(
        engine,
        "delete_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(error.code, "NOT_FOUND");
    assert_eq!(
        titles(engine, "legacy sync agent", "Archived").await.len(),
        1,
        "nothing was deleted"
    );
}

#[tokio::test]
async fn readers_list_search_and_page_through_published_articles() {
    let running = demo_engine().await;
    let engine = &running.engine;

    let search = found(engine, "dashboard slow").await;
    let (top_id, top_title) = search.first().cloned().expect("a dashboard article");
    assert_eq!(top_title, "Resolving slow dashboard load times");

    let first = call_ok(engine, "list_knowledge_articles", json!({"page_size": 2})).await;
    assert_eq!(first["pageNumber"], 1);
    assert_eq!(first["count"], 2);
    assert!(first["nextPageUrl"].is_string(), "{first}");
    let article = &first["articles"][0];
    for key in [
        "id",
        "articleNumber",
        "title",
        "summary",
        "urlName",
        "lastPublishedDate",
        "viewScore",
    ] {
        assert!(article.get(key).is_some(), "{key} missing from {article}");
    }
    assert!(article.get("url").is_none() && article.get("upVoteCount").is_none());
    let second = call_ok(
        engine,
        "list_knowledge_articles",
        json!({"page_size": 2, "page_number": 2}),
    )
    .await;
    assert_eq!(second["pageNumber"], 2);
    assert_ne!(second["articles"][0]["id"], first["articles"][0]["id"]);
    let everything = call_ok(engine, "list_knowledge_articles", json!({"page_size": 100})).await;
    assert!(everything["nextPageUrl"].is_null());

    // The partner portal shows only the articles made visible to partners.
    let partner = call_ok(
        engine,
        "list_knowledge_articles",
        json!({"channel": "Prm", "page_size": 100}),
    )
    .await;
    assert!(partner["count"].as_u64().unwrap() < everything["count"].as_u64().unwrap());

    let read = call_ok(
        engine,
        "get_knowledge_article",
        json!({"article_id": top_id, "channel": "Pkb"}),
    )
    .await;
    assert_eq!(read["urlName"], "resolving-slow-dashboard-load-times");
    assert!(read["fields"]["Content"].as_str().unwrap().contains("<"));
    assert!(read.get("layoutItems").is_none());
}

#[tokio::test]
async fn languages_and_suggestions() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let error = call_err(engine, "list_knowledge_articles", json!({"language": "fr"})).await;
    assert_eq!(error.code, "INVALID_API_INPUT");
    assert!(
        error.message.contains("Knowledge language settings"),
        "{error:?}"
    );
    let en = call_ok(
        engine,
        "list_knowledge_articles",
        json!({"language": "en_US", "page_size": 1}),
    )
    .await;
    assert_eq!(en["count"], 1);

    let queries = call_ok(
        engine,
        "search_suggestions",
        json!({"q": "dash", "language": "en-US", "limit": 5}),
    )
    .await;
    let list = queries["suggestions"].as_array().unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter()
            .all(|s| s.as_str().is_some_and(|s| s.contains("dash"))),
        "{queries}"
    );

    let online = titles(engine, "dashboard", "Online").await;
    assert!(
        online
            .iter()
            .any(|(_, _, t)| t == "Resolving slow dashboard load times")
    );
    let by_type = call_ok(
        engine,
        "suggest_article_titles",
        json!({"q": "dashboard", "language": "en_US", "publish_status": "Online", "article_type": "Knowledge__kav"}),
    )
    .await;
    assert!(
        !by_type["suggestions"].as_array().unwrap().is_empty(),
        "{by_type}"
    );
}

async fn call(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    tool: &str,
    args: Value,
) -> rmcp::model::CallToolResult {
    client
        .call_tool(
            CallToolRequestParams::new(tool.to_owned())
                .with_arguments(args.as_object().cloned().unwrap_or_default()),
        )
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

#[tokio::test]
async fn an_mcp_client_drafts_publishes_and_reads_an_article() {
    let running = demo_engine().await;
    let client = common::mcp_client(running.engine.clone()).await;

    let created = call(&client, "create_knowledge_article", json!({"title": "Clearing the offline cache", "url_name": "clearing-the-offline-cache",
        "fields": {"Summary": "Clear the mobile app's offline cache from Settings.", "Content__c": "<p>Settings &gt; Offline &gt; Clear cache.</p>"}})).await;
    assert_eq!(created.is_error, Some(false));
    let draft = created.structured_content.as_ref().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let published = call(
        &client,
        "publish_knowledge_article",
        json!({"article_id": draft}),
    )
    .await;
    assert_eq!(published.is_error, Some(false));
    let article_id = published.structured_content.as_ref().unwrap()["article_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let read = call(
        &client,
        "get_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(read.is_error, Some(false));
    let body = read.structured_content.unwrap();
    assert_eq!(body["title"], "Clearing the offline cache");
    assert_eq!(
        body["fields"]["Content"],
        "<p>Settings &gt; Offline &gt; Clear cache.</p>"
    );

    // Errors come back as tool results the model can read, not protocol failures.
    let refused = call(
        &client,
        "delete_knowledge_article",
        json!({"article_id": article_id}),
    )
    .await;
    assert_eq!(refused.is_error, Some(true));
    let error = refused.structured_content.unwrap_or_default();
    let text = serde_json::to_string(&refused.content).unwrap() + &error.to_string();
    assert!(text.contains("NO_DRAFT_VERSION"), "{text}");
}
