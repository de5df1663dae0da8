//! Chatter tools: the exact request each sends (the feed path per feed type included) and the
//! result it shapes from Connect-shaped answers (insta snapshots), and the arguments refused
//! before anything is sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::sf_json;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

const BASE: &str = "/services/data/v66.0";
const ME: &str = "005Dm0000000001AAA";
const RAJ: &str = "005Dm0000000002AAA";
const GROUP: &str = "0F9Dm0000000001AAA";
const CASE: &str = "500Dm0000000001AAA";
const POST: &str = "0D5Dm0000000001AAA";

/// Calls `tool` against a mock answering `verb at` with `response`; snapshots the one request it
/// sent and the shaped result (checked against the tool's output schema).
async fn wire(
    name: &str,
    tool: &str,
    args: Value,
    verb: &str,
    at: &str,
    response: ResponseTemplate,
) {
    let exchange = common::single_exchange(tool, args, verb, at, response).await;
    insta::assert_yaml_snapshot!(name, exchange);
}

fn user(id: &str, name: &str, title: Option<&str>) -> Value {
    let (first, last) = name.split_once(' ').unwrap_or((name, ""));
    json!({
        "additionalLabel": null, "communityNickname": first.to_lowercase(), "companyName": "Zava",
        "displayName": name, "firstName": first, "id": id, "isActive": true, "isInThisCommunity": true,
        "lastName": last,
        "motif": {"color": "1B96FF", "largeIconUrl": "/img/icon/profile64.png", "mediumIconUrl": "/img/icon/profile32.png",
                  "smallIconUrl": "/img/icon/profile16.png", "svgIconUrl": null},
        "mySubscription": null, "name": name, "outOfOffice": {"message": ""},
        "photo": {"fullEmailPhotoUrl": format!("/ncsphoto/{id}"), "largePhotoUrl": "/profilephoto/005/F",
                  "mediumPhotoUrl": "/profilephoto/005/M", "photoVersionId": null, "smallPhotoUrl": "/profilephoto/005/T",
                  "standardEmailPhotoUrl": format!("/ncsphoto/{id}"), "url": format!("{BASE}/chatter/users/{id}/photo")},
        "reputation": null, "title": title, "type": "User",
        "url": format!("{BASE}/chatter/users/{id}"), "userType": "Internal"
    })
}

fn text_body(text: &str) -> Value {
    json!({"isRichText": false, "messageSegments": [{"text": text, "type": "Text"}], "text": text})
}

fn comment(id: &str, author: Value, text: &str, at: &str) -> Value {
    json!({
        "attachment": null, "body": text_body(text), "capabilities": {}, "clientInfo": null, "createdDate": at,
        "feedElement": {"id": POST, "url": format!("{BASE}/chatter/feed-elements/{POST}")},
        "feedItem": {"id": POST, "url": format!("{BASE}/chatter/feed-elements/{POST}")},
        "id": id, "isDeleteRestricted": false,
        "likes": {"currentPageToken": null, "currentPageUrl": null, "items": [], "nextPageToken": null,
                  "nextPageUrl": null, "previousPageToken": null, "previousPageUrl": null, "total": 0},
        "likesMessage": null, "moderationFlags": null, "myLike": null,
        "parent": {"id": GROUP, "name": "Support Team", "type": "CollaborationGroup"},
        "relativeCreatedDate": "1h ago", "type": "TextComment",
        "url": format!("{BASE}/chatter/comments/{id}"), "user": author
    })
}

fn group_parent() -> Value {
    json!({"id": GROUP, "name": "Support Team", "type": "CollaborationGroup", "memberCount": 6,
           "myRole": "StandardMember", "url": format!("{BASE}/chatter/groups/{GROUP}"), "visibility": "PublicAccess"})
}

fn case_parent() -> Value {
    json!({"id": CASE, "motif": {"color": null, "largeIconUrl": null, "mediumIconUrl": null, "smallIconUrl": null, "svgIconUrl": null},
           "mySubscription": null, "name": "00001001", "type": "Case", "url": format!("{BASE}/chatter/records/{CASE}")})
}

fn feed_item(
    id: &str,
    actor: Value,
    parent: Value,
    text: &str,
    comments: Vec<Value>,
    total: usize,
) -> Value {
    json!({
        "actor": actor,
        "body": text_body(text),
        "capabilities": {
            "chatterLikes": {"isLikedByCurrentUser": false, "likesMessage": null, "myLike": null,
                             "page": {"currentPageToken": null, "currentPageUrl": format!("{BASE}/chatter/feed-elements/{id}/capabilities/chatter-likes/items?pageSize=3"),
                                      "items": [], "nextPageToken": null, "nextPageUrl": null, "previousPageToken": null, "previousPageUrl": null, "total": 1}},
            "comments": {"page": {"comments": comments, "currentPageToken": null,
                                  "currentPageUrl": format!("{BASE}/chatter/feed-elements/{id}/capabilities/comments/items?pageSize=3"),
                                  "nextPageToken": null, "nextPageUrl": null, "total": total}},
            "topics": {"canAssignTopics": true, "items": [{"id": "0TODm0000000001AAA", "name": "Performance", "talkingAbout": 4}]}
        },
        "createdDate": "2026-11-19T09:00:00.000Z",
        "feedElementType": "FeedItem",
        "header": {"isRichText": false, "messageSegments": [{"text": "Ann Lee to Support Team", "type": "Text"}], "text": "Ann Lee to Support Team"},
        "id": id,
        "isDeleteRestricted": false,
        "modifiedDate": "2026-11-19T10:30:00.000Z",
        "parent": parent,
        "relativeCreatedDate": "Yesterday at 9:00 AM",
        "type": "TextPost",
        "url": format!("{BASE}/chatter/feed-elements/{id}"),
        "visibility": "AllUsers"
    })
}

fn thread() -> Value {
    feed_item(
        POST,
        user(ME, "Ann Lee", Some("Support Engineer")),
        group_parent(),
        "Dashboards are slow again for EU customers #Performance",
        vec![
            comment(
                "0D7Dm0000000002AAA",
                user(RAJ, "Raj Patel", None),
                "Same here since the release.",
                "2026-11-19T09:40:00.000Z",
            ),
            comment(
                "0D7Dm0000000003AAA",
                user(ME, "Ann Lee", Some("Support Engineer")),
                "Opened a case.",
                "2026-11-19T10:30:00.000Z",
            ),
        ],
        5,
    )
}

fn feed_page(feed_path: &str, next: bool) -> Value {
    let url = format!("{BASE}/chatter/feeds/{feed_path}/feed-elements");
    let token = "1763542800000-0D5Dm0000000002AAA";
    json!({
        "currentPageToken": null,
        "currentPageUrl": format!("{url}?pageSize=2"),
        "elements": [
            thread(),
            feed_item("0D5Dm0000000002AAA", user(RAJ, "Raj Patel", None), case_parent(), "Customer confirmed the workaround.", vec![], 0)
        ],
        "isModifiedToken": null, "isModifiedUrl": null,
        "nextPageToken": if next { json!(token) } else { Value::Null },
        "nextPageUrl": if next { json!(format!("{url}?page={token}&pageSize=2")) } else { Value::Null },
        "updatesToken": "1763545800000",
        "updatesUrl": format!("{url}?updatesToken=1763545800000&pageSize=2")
    })
}

fn group(id: &str, name: &str, visibility: &str, role: &str, members: u64) -> Value {
    json!({
        "additionalLabel": null, "announcement": null, "canHaveChatterGuests": false, "community": null,
        "description": format!("{name} discussions."), "emailToChatterAddress": null, "fileCount": 0, "id": id,
        "information": {"text": null, "title": null}, "isArchived": false, "isAutoArchiveDisabled": false,
        "isBroadcast": false, "lastFeedElementPostDate": "2026-11-19T09:00:00.000Z", "memberCount": members,
        "motif": {"color": "1B96FF", "largeIconUrl": "/img/icon/groups64.png", "mediumIconUrl": "/img/icon/groups32.png",
                  "smallIconUrl": "/img/icon/groups16.png", "svgIconUrl": null},
        "myRole": role, "mySubscription": null, "name": name, "owner": user(RAJ, "Raj Patel", None),
        "photo": {"url": format!("{BASE}/chatter/groups/{id}/photo")},
        "type": "CollaborationGroup", "url": format!("{BASE}/chatter/groups/{id}"), "visibility": visibility
    })
}

fn user_detail() -> Value {
    let mut detail = user(ME, "Ann Lee", Some("Support Engineer"));
    let extra = json!({
        "aboutMe": null, "address": null,
        "chatterActivity": {"commentCount": 12, "commentReceivedCount": 7, "likeReceivedCount": 9, "postCount": 5},
        "chatterInfluence": {"percentile": "0.80", "rank": 2}, "department": "Support",
        "email": "ann.lee@zava.example", "followersCount": 3,
        "followingCounts": {"people": 2, "records": 4, "total": 6}, "groupCount": 3, "hasChatter": true,
        "isChatterGuest": false, "managerId": RAJ, "managerName": "Raj Patel", "phoneNumbers": [],
        "thanksReceived": 0, "username": "ann.lee@zava.example"
    });
    if let (Some(map), Value::Object(extra)) = (detail.as_object_mut(), extra) {
        map.extend(extra);
    }
    detail
}

#[tokio::test]
async fn post_to_chatter() {
    let created = feed_item(
        "0D5Dm0000000009AAA",
        user(ME, "Ann Lee", Some("Support Engineer")),
        case_parent(),
        "Escalated to engineering: see the attached logs.",
        vec![],
        0,
    );
    wire(
        "post_to_chatter",
        "post_to_chatter",
        json!({"subject_id": CASE, "message": "Escalated to engineering: see the attached logs."}),
        "POST",
        &format!("{BASE}/chatter/feed-elements"),
        sf_json(201, created),
    )
    .await;
}

#[tokio::test]
async fn each_feed_type_reads_its_own_path() {
    let cases = [
        (
            "feed_news",
            json!({"feed_type": "news", "page_size": 2}),
            "news/me",
            true,
        ),
        (
            "feed_news_me",
            json!({"feed_type": "news", "subject_id": "me"}),
            "news/me",
            false,
        ),
        (
            "feed_company",
            json!({"feed_type": "company"}),
            "company",
            false,
        ),
        (
            "feed_record",
            json!({"feed_type": "record", "subject_id": GROUP}),
            &format!("record/{GROUP}") as &str,
            false,
        ),
        (
            "feed_user_profile_me",
            json!({"feed_type": "user-profile"}),
            "user-profile/me",
            false,
        ),
        (
            "feed_user_profile",
            json!({"feed_type": "user-profile", "subject_id": RAJ}),
            &format!("user-profile/{RAJ}"),
            false,
        ),
        (
            "feed_to_next_page",
            json!({"feed_type": "to", "page_size": 2, "page_token": "1763542800000-0D5Dm0000000002AAA"}),
            "to/me",
            true,
        ),
    ];
    for (name, args, feed_path, next) in cases {
        wire(
            name,
            "get_chatter_feed",
            args,
            "GET",
            &format!("{BASE}/chatter/feeds/{feed_path}/feed-elements"),
            sf_json(200, feed_page(feed_path, next)),
        )
        .await;
    }
}

#[tokio::test]
async fn get_feed_element() {
    wire(
        "get_feed_element",
        "get_feed_element",
        json!({"feed_element_id": POST}),
        "GET",
        &format!("{BASE}/chatter/feed-elements/{POST}"),
        sf_json(200, thread()),
    )
    .await;
}

#[tokio::test]
async fn like_feed_element() {
    let like = json!({
        "id": "0I0Dm0000000001AAA",
        "likedItem": {"id": POST, "motif": null, "type": "FeedItem", "url": format!("{BASE}/chatter/feed-elements/{POST}")},
        "url": format!("{BASE}/chatter/likes/0I0Dm0000000001AAA"),
        "user": user(ME, "Ann Lee", Some("Support Engineer"))
    });
    wire(
        "like_feed_element",
        "like_feed_element",
        json!({"feed_element_id": POST}),
        "POST",
        &format!("{BASE}/chatter/feed-elements/{POST}/capabilities/chatter-likes/items"),
        sf_json(201, like),
    )
    .await;
}

#[tokio::test]
async fn post_comment() {
    let created = comment(
        "0D7Dm0000000009AAA",
        user(ME, "Ann Lee", Some("Support Engineer")),
        "Fixed in today's patch.",
        "2026-11-20T12:00:00.000Z",
    );
    wire(
        "post_comment",
        "post_comment",
        json!({"feed_element_id": POST, "message": "Fixed in today's patch."}),
        "POST",
        &format!("{BASE}/chatter/feed-elements/{POST}/capabilities/comments/items"),
        sf_json(201, created),
    )
    .await;
}

#[tokio::test]
async fn get_chatter_user_defaults_to_me() {
    wire(
        "get_chatter_user_me",
        "get_chatter_user",
        json!({}),
        "GET",
        &format!("{BASE}/chatter/users/me"),
        sf_json(200, user_detail()),
    )
    .await;
}

#[tokio::test]
async fn get_chatter_user_not_found() {
    let error =
        json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]);
    wire(
        "get_chatter_user_not_found",
        "get_chatter_user",
        json!({"user_id": "003Dm0000000001AAA"}),
        "GET",
        &format!("{BASE}/chatter/users/003Dm0000000001AAA"),
        sf_json(404, error),
    )
    .await;
}

#[tokio::test]
async fn list_chatter_users() {
    let page = json!({
        "currentPageUrl": format!("{BASE}/chatter/users?page=1&pageSize=1&q=lee"),
        "nextPageUrl": format!("{BASE}/chatter/users?page=2&pageSize=1&q=lee"),
        "previousPageUrl": format!("{BASE}/chatter/users?page=0&pageSize=1&q=lee"),
        "users": [user_detail()]
    });
    wire(
        "list_chatter_users",
        "list_chatter_users",
        json!({"q": "lee", "page_size": 1, "page": 1}),
        "GET",
        &format!("{BASE}/chatter/users"),
        sf_json(200, page),
    )
    .await;
}

#[tokio::test]
async fn list_chatter_groups() {
    let page = json!({
        "currentPageUrl": format!("{BASE}/chatter/groups?q=team"),
        "groups": [
            group(GROUP, "Support Team", "PublicAccess", "StandardMember", 6),
            group("0F9Dm0000000002AAA", "Escalations Team", "PrivateAccess", "NotAMember", 3)
        ],
        "nextPageUrl": null,
        "previousPageUrl": null
    });
    wire(
        "list_chatter_groups",
        "list_chatter_groups",
        json!({"q": "team"}),
        "GET",
        &format!("{BASE}/chatter/groups"),
        sf_json(200, page),
    )
    .await;
}

#[tokio::test]
async fn get_chatter_group() {
    wire(
        "get_chatter_group",
        "get_chatter_group",
        json!({"group_id": GROUP}),
        "GET",
        &format!("{BASE}/chatter/groups/{GROUP}"),
        sf_json(
            200,
            group(GROUP, "Support Team", "PublicAccess", "StandardMember", 6),
        ),
    )
    .await;
}

fn membership(user: Value) -> Value {
    json!({"id": "0FBDm0000000001AAA", "role": "StandardMember",
           "url": format!("{BASE}/chatter/group-memberships/0FBDm0000000001AAA"), "user": user})
}

#[tokio::test]
async fn join_chatter_group_as_me() {
    wire(
        "join_chatter_group_me",
        "join_chatter_group",
        json!({"group_id": GROUP}),
        "POST",
        &format!("{BASE}/chatter/groups/{GROUP}/members"),
        sf_json(201, membership(user(ME, "Ann Lee", None))),
    )
    .await;
}

#[tokio::test]
async fn join_chatter_group_for_someone_else_needs_a_manager() {
    let error = json!([{"errorCode": "INSUFFICIENT_PRIVILEGES", "message": "Only group owners and managers can add other people to a group."}]);
    wire(
        "join_chatter_group_forbidden",
        "join_chatter_group",
        json!({"group_id": GROUP, "user_id": RAJ}),
        "POST",
        &format!("{BASE}/chatter/groups/{GROUP}/members"),
        sf_json(403, error),
    )
    .await;
}

#[tokio::test]
async fn list_topics() {
    let topic = |id: &str, name: &str, talking: u64| {
        json!({"createdDate": "2026-03-01T08:00:00.000Z", "description": format!("{name} problems and fixes"), "id": id,
               "images": {"coverImageUrl": null, "featuredImageUrl": null}, "isBeingDeleted": false, "name": name,
               "nonLocalizedName": name, "talkingAbout": talking, "url": format!("{BASE}/connect/topics/{id}")})
    };
    let page = json!({
        "currentPageUrl": format!("{BASE}/connect/topics?q=per"),
        "nextPageUrl": null,
        "topics": [topic("0TODm0000000001AAA", "Performance", 12), topic("0TODm0000000004AAA", "Permissions", 3)]
    });
    wire(
        "list_topics",
        "list_topics",
        json!({"q": "per"}),
        "GET",
        &format!("{BASE}/connect/topics"),
        sf_json(200, page),
    )
    .await;
}

#[tokio::test]
async fn feeds_that_need_or_refuse_a_subject_fail_before_sending() {
    let error = common::refused("get_chatter_feed", json!({"feed_type": "record"})).await;
    assert!(
        error
            .message
            .contains("feed_type == 'record' and subject_id is not none"),
        "{}",
        error.message
    );
    for feed in ["news", "company", "to"] {
        common::refused(
            "get_chatter_feed",
            json!({"feed_type": feed, "subject_id": CASE}),
        )
        .await;
    }
    common::refused(
        "get_chatter_feed",
        json!({"feed_type": "company", "subject_id": "me"}),
    )
    .await;
    for feed in ["records", "news/me", "../company", "groups", ""] {
        common::refused("get_chatter_feed", json!({"feed_type": feed})).await;
    }
    for subject in ["ME", "../../limits", "500Dm0000000001AAA/feed", "0F9"] {
        common::refused(
            "get_chatter_feed",
            json!({"feed_type": "record", "subject_id": subject}),
        )
        .await;
    }
    common::refused(
        "get_chatter_feed",
        json!({"feed_type": "news", "page_size": 101}),
    )
    .await;
}

#[tokio::test]
async fn ids_and_messages_are_checked_before_sending() {
    for id in [
        "../../limits",
        "0D5Dm0000000001AAA/capabilities",
        "0D5",
        "me/x",
    ] {
        common::refused("get_feed_element", json!({"feed_element_id": id})).await;
        common::refused("like_feed_element", json!({"feed_element_id": id})).await;
        common::refused(
            "post_comment",
            json!({"feed_element_id": id, "message": "hi"}),
        )
        .await;
        common::refused("get_chatter_group", json!({"group_id": id})).await;
        common::refused("join_chatter_group", json!({"group_id": id})).await;
        common::refused("get_chatter_user", json!({"user_id": id})).await;
        common::refused(
            "post_to_chatter",
            json!({"subject_id": id, "message": "hi"}),
        )
        .await;
    }
    common::refused(
        "post_to_chatter",
        json!({"subject_id": CASE, "message": ""}),
    )
    .await;
    common::refused("post_comment", json!({"feed_element_id": POST})).await;
    common::refused(
        "join_chatter_group",
        json!({"group_id": GROUP, "user_id": "../x"}),
    )
    .await;
    common::refused("list_topics", json!({"q": "x"})).await;
    common::refused("list_chatter_users", json!({"page_size": 0})).await;
}
