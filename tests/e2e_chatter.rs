//! Chatter tools against the embedded demo org: every feed type reads its own feed, posts,
//! comments, likes and memberships really land, pages follow their tokens, and an MCP client sees
//! the same.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{call_err, call_ok, demo_engine};
use rmcp::model::CallToolRequestParams;
use salesforce_mcp::engine::Engine;
use serde_json::{Value, json};

/// A group the Run As user can see, by name.
async fn group(engine: &Engine, name: &str) -> Value {
    let listed = call_ok(engine, "list_chatter_groups", json!({"q": name})).await;
    listed["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no group {name}: {listed}"))
}

fn ids(page: &Value) -> Vec<String> {
    page["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every post of a feed, following its page tokens.
async fn whole_feed(engine: &Engine, args: Value) -> Vec<String> {
    let mut all = Vec::new();
    let mut args = args;
    loop {
        let page = call_ok(engine, "get_chatter_feed", args.clone()).await;
        all.extend(ids(&page));
        match page["nextPageToken"].as_str() {
            Some(token) => args["page_token"] = json!(token),
            None => return all,
        }
    }
}

#[tokio::test]
async fn a_post_a_comment_and_a_like_show_up_in_the_thread_and_the_feeds() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let team = group(engine, "Support Team").await;
    assert_eq!(team["myRole"], "StandardMember");
    let team_id = team["id"].as_str().unwrap();
    let me = call_ok(engine, "get_chatter_user", json!({})).await;

    let posted = call_ok(
        engine,
        "post_to_chatter",
        json!({"subject_id": team_id, "message": "Heads-up: SSO outage in EU, see case 00001201."}),
    )
    .await;
    let post_id = posted["id"].as_str().unwrap().to_owned();
    assert_eq!(posted["parent"]["name"], "Support Team");
    assert_eq!(posted["actor"]["id"], me["id"]);
    assert_eq!(posted["commentCount"], 0);

    let group_feed = call_ok(
        engine,
        "get_chatter_feed",
        json!({"feed_type": "record", "subject_id": team_id}),
    )
    .await;
    assert_eq!(ids(&group_feed).first(), Some(&post_id), "newest first");
    let news = call_ok(engine, "get_chatter_feed", json!({"feed_type": "news"})).await;
    assert!(
        ids(&news).contains(&post_id),
        "a post in my group is news to me"
    );

    let comment = call_ok(
        engine,
        "post_comment",
        json!({"feed_element_id": post_id, "message": "Workaround: use the US login page."}),
    )
    .await;
    assert_eq!(comment["feedElementId"], post_id.as_str());
    let like = call_ok(
        engine,
        "like_feed_element",
        json!({"feed_element_id": post_id}),
    )
    .await;
    let again = call_ok(
        engine,
        "like_feed_element",
        json!({"feed_element_id": post_id}),
    )
    .await;
    assert_eq!(
        like["like_id"], again["like_id"],
        "liking twice keeps one like"
    );

    let thread = call_ok(
        engine,
        "get_feed_element",
        json!({"feed_element_id": post_id}),
    )
    .await;
    assert_eq!(thread["commentCount"], 1);
    assert_eq!(thread["likeCount"], 1);
    assert_eq!(thread["likedByMe"], true);
    assert_eq!(
        thread["comments"][0]["text"],
        "Workaround: use the US login page."
    );
    assert!(thread.get("olderComments").is_none());

    let stored = call_ok(engine, "query", json!({"soql": format!("SELECT Id, ParentId, CommentCount, LikeCount FROM FeedItem WHERE Id = '{post_id}'")})).await;
    assert_eq!(stored["records"][0]["ParentId"], team_id);
    assert_eq!(stored["records"][0]["CommentCount"], 1);
}

#[tokio::test]
async fn each_feed_type_reads_a_different_feed() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let company = whole_feed(engine, json!({"feed_type": "company", "page_size": 100})).await;
    let news = whole_feed(engine, json!({"feed_type": "news", "page_size": 100})).await;
    let to_me = whole_feed(engine, json!({"feed_type": "to", "page_size": 100})).await;
    let mine = whole_feed(
        engine,
        json!({"feed_type": "user-profile", "page_size": 100}),
    )
    .await;
    for feed in [&news, &to_me, &mine] {
        assert!(!feed.is_empty());
        assert!(
            feed.iter().all(|id| company.contains(id)),
            "every feed is part of the company feed"
        );
        assert!(feed.len() < company.len(), "and smaller than it");
    }
    assert_ne!(news, to_me);
    let me = call_ok(engine, "get_chatter_user", json!({"user_id": "me"})).await;
    let explicit = whole_feed(
        engine,
        json!({"feed_type": "user-profile", "subject_id": me["id"], "page_size": 100}),
    )
    .await;
    assert_eq!(explicit, mine, "me and my Id are the same profile");

    let case = call_ok(
        engine,
        "query",
        json!({"soql": "SELECT ParentId FROM FeedItem WHERE Parent.Type = 'Case' LIMIT 1"}),
    )
    .await;
    let case_id = case["records"][0]["ParentId"]
        .as_str()
        .expect("a seeded post on a case")
        .to_owned();
    let record = call_ok(
        engine,
        "get_chatter_feed",
        json!({"feed_type": "record", "subject_id": case_id}),
    )
    .await;
    assert!(
        record["elements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["parent"]["id"] == case_id.as_str() && e["parent"]["type"] == "Case"),
        "{record}"
    );

    let refused = call_err(engine, "get_chatter_feed", json!({"feed_type": "record"})).await;
    assert_eq!(refused.code, "INVALID_ARGUMENTS");
}

#[tokio::test]
async fn feed_pages_follow_their_tokens_without_repeating_posts() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let first = call_ok(
        engine,
        "get_chatter_feed",
        json!({"feed_type": "company", "page_size": 3}),
    )
    .await;
    assert_eq!(first["count"], 3);
    let token = first["nextPageToken"].as_str().expect("more than one page");
    let second = call_ok(
        engine,
        "get_chatter_feed",
        json!({"feed_type": "company", "page_size": 3, "page_token": token}),
    )
    .await;
    let (a, b) = (ids(&first), ids(&second));
    assert!(
        !b.is_empty() && b.iter().all(|id| !a.contains(id)),
        "{a:?} then {b:?}"
    );
    let all = call_ok(
        engine,
        "get_chatter_feed",
        json!({"feed_type": "company", "page_size": 6}),
    )
    .await;
    assert_eq!(ids(&all), [a, b].concat());
}

#[tokio::test]
async fn joining_a_group_makes_the_run_as_user_a_member_once() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let feedback = group(engine, "Product Feedback").await;
    assert_eq!(feedback["myRole"], "NotAMember");
    let members = feedback["memberCount"].as_u64().unwrap();
    let joined = call_ok(
        engine,
        "join_chatter_group",
        json!({"group_id": feedback["id"]}),
    )
    .await;
    assert_eq!(joined["role"], "StandardMember");
    let me = call_ok(engine, "get_chatter_user", json!({})).await;
    assert_eq!(joined["user"]["id"], me["id"]);

    let after = call_ok(
        engine,
        "get_chatter_group",
        json!({"group_id": feedback["id"]}),
    )
    .await;
    assert_eq!(after["myRole"], "StandardMember");
    assert_eq!(after["memberCount"].as_u64(), Some(members + 1));
    let twice = call_err(
        engine,
        "join_chatter_group",
        json!({"group_id": feedback["id"]}),
    )
    .await;
    assert_eq!(twice.code, "DUPLICATE_VALUE", "{}", twice.to_json());
}

#[tokio::test]
async fn users_and_topics_are_found_by_name_and_paged() {
    let running = demo_engine().await;
    let engine = &running.engine;
    let me = call_ok(engine, "get_chatter_user", json!({})).await;
    let name = me["name"].as_str().unwrap();
    let first_word: String = name.split(' ').next().unwrap().to_owned();
    let found = call_ok(engine, "list_chatter_users", json!({"q": first_word})).await;
    assert!(
        found["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == me["id"]),
        "{found}"
    );

    let page = call_ok(engine, "list_chatter_users", json!({"page_size": 2})).await;
    assert_eq!(page["count"], 2);
    assert_eq!(page["nextPage"], 1);
    let next = call_ok(
        engine,
        "list_chatter_users",
        json!({"page_size": 2, "page": 1}),
    )
    .await;
    assert_ne!(next["users"][0]["id"], page["users"][0]["id"]);

    let topics = call_ok(engine, "list_topics", json!({})).await;
    let talking: Vec<u64> = topics["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["talkingAbout"].as_u64().unwrap())
        .collect();
    assert!(!talking.is_empty());
    assert!(
        talking.windows(2).all(|w| w[0] >= w[1]),
        "most talked about first: {talking:?}"
    );
    let name = topics["topics"][0]["name"].as_str().unwrap();
    let searched = call_ok(engine, "list_topics", json!({"q": name})).await;
    assert!(
        searched["topics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == name)
    );
}

#[tokio::test]
async fn a_post_to_my_own_profile_through_an_mcp_client() {
    let running = demo_engine().await;
    let client = common::mcp_client(running.engine.clone()).await;
    let call = |tool: &str, args: Value| {
        let params = CallToolRequestParams::new(tool.to_owned())
            .with_arguments(args.as_object().cloned().unwrap());
        let client = &client;
        async move {
            let result = client.call_tool(params).await.expect("tools/call");
            (
                result.is_error,
                result.structured_content.unwrap_or(Value::Null),
            )
        }
    };
    let (error, posted) = call(
        "post_to_chatter",
        json!({"subject_id": "me", "message": "Out of office Friday."}),
    )
    .await;
    assert_eq!(error, Some(false), "{posted}");
    let (_, profile) = call(
        "get_chatter_feed",
        json!({"feed_type": "user-profile", "page_size": 1}),
    )
    .await;
    assert_eq!(profile["elements"][0]["id"], posted["id"]);
    assert_eq!(profile["elements"][0]["text"], "Out of office Friday.");

    let (error, refused) = call("get_chatter_feed", json!({"feed_type": "record"})).await;
    assert_eq!(
        error,
        Some(true),
        "a record feed without subject_id is an error result: {refused}"
    );
}
