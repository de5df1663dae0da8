//! Route tests of the Chatter / Connect API against a running demo org. With the placeholder
//! core seed the org has one user (the run-as user) and the Chatter seeded around them; tests
//! that need a second person add one.

use reqwest::StatusCode;
use serde_json::{Map, Value, json};

use crate::demo_org::ids;
use crate::demo_org::store::{OrgData, Record, parse_datetime};
use crate::demo_org::testing::TestOrg;

async fn call(
    org: &TestOrg,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let url = if path.starts_with("/services/") {
        org.url(path)
    } else {
        org.data_url(path)
    };
    let mut request = org.client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("response");
    let status = response.status();
    let text = response.text().await.expect("body");
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, value)
}

async fn get(org: &TestOrg, path: &str) -> (StatusCode, Value) {
    call(org, reqwest::Method::GET, path, None).await
}

fn error_code(body: &Value) -> &str {
    body[0]["errorCode"].as_str().unwrap_or("")
}

fn me(org: &TestOrg) -> String {
    org.handle.state.current_user_id.clone()
}

/// The current user's display name, as mentions spell it.
fn my_name(org: &TestOrg) -> String {
    let data = org.handle.state.read();
    data.get(&me(org))
        .map(crate::demo_org::api::chatter::display_name)
        .expect("run-as user")
}

fn put(org: &mut OrgData, sobject: &str, fields: Vec<(&str, Value)>) -> String {
    let id = org.new_id(sobject).expect("id");
    let mut map = Map::new();
    map.insert("Id".into(), json!(id));
    for (k, v) in fields {
        map.insert(k.into(), v);
    }
    org.put(Record {
        id: id.clone(),
        sobject: sobject.into(),
        fields: map,
        deleted: false,
    });
    id
}

/// Adds a second user owning one public and one private group; answers (user, public, private).
fn add_colleague_with_groups(org: &TestOrg) -> (String, String, String) {
    let mut data = org.handle.state.write();
    let colleague = put(
        &mut data,
        "User",
        vec![("Name", json!("Dana Fox")), ("IsActive", json!(true))],
    );
    let mut group = |name: &str, access: &str| {
        let id = put(
            &mut data,
            "CollaborationGroup",
            vec![
                ("Name", json!(name)),
                ("CollaborationType", json!(access)),
                ("OwnerId", json!(colleague)),
                ("IsArchived", json!(false)),
                ("MemberCount", json!(1)),
            ],
        );
        put(
            &mut data,
            "CollaborationGroupMember",
            vec![
                ("CollaborationGroupId", json!(id)),
                ("MemberId", json!(colleague)),
                ("CollaborationRole", json!("Admin")),
            ],
        );
        id
    };
    let public = group("Dana's Public Group", "Public");
    let private = group("Dana's Private Group", "Private");
    (colleague, public, private)
}

fn element_ids(page: &Value) -> Vec<String> {
    page["elements"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_feed_type_answers_a_feed_element_page() {
    let org = TestOrg::start().await;
    let me = me(&org);
    let support_team = {
        let data = org.handle.state.read();
        data.records("CollaborationGroup")
            .find(|g| g.get_str("Name") == Some("Support Team"))
            .map(|g| g.id.clone())
            .expect("seeded group")
    };
    for path in [
        "/chatter/feeds/news/me/feed-elements".to_owned(),
        "/chatter/feeds/company/feed-elements".to_owned(),
        "/chatter/feeds/to/me/feed-elements".to_owned(),
        "/chatter/feeds/user-profile/me/feed-elements".to_owned(),
        format!("/chatter/feeds/user-profile/{me}/feed-elements"),
        format!("/chatter/feeds/record/{support_team}/feed-elements"),
    ] {
        let (status, page) = get(&org, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        for key in [
            "currentPageToken",
            "currentPageUrl",
            "isModifiedToken",
            "isModifiedUrl",
            "nextPageToken",
            "nextPageUrl",
            "updatesToken",
            "updatesUrl",
        ] {
            assert!(page.get(key).is_some(), "{path} lacks {key}");
        }
        assert!(!element_ids(&page).is_empty(), "{path} is empty");
        let first = &page["elements"][0];
        assert_eq!(first["feedElementType"], json!("FeedItem"));
        assert!(first["id"].as_str().is_some_and(|id| id.starts_with("0D5")));
        let created = first["createdDate"].as_str().unwrap_or("");
        assert!(
            created.ends_with('Z') && parse_datetime(created).is_some(),
            "{created}"
        );
        assert_eq!(first["actor"]["type"], json!("User"));
    }
    let (_, to_me) = get(&org, "/chatter/feeds/to/me/feed-elements").await;
    let mentions_me = to_me["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .any(|e| {
            e["body"]["messageSegments"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|seg| seg["type"] == json!("Mention") && seg["user"]["id"] == json!(me))
            })
        });
    assert!(mentions_me, "{to_me}");
    for bad in [
        "/chatter/feeds/bogus/feed-elements",
        "/chatter/feeds/bogus/me/feed-elements",
        "/chatter/feeds/record/001000000000000AAA/feed-elements",
        "/chatter/feeds/record/nonsense/feed-elements",
        "/chatter/feeds/news/005Dm0000000zzzAAA/feed-elements",
    ] {
        let (status, body) = get(&org, bad).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
        assert_eq!(error_code(&body), "NOT_FOUND", "{bad}");
    }
}

#[tokio::test]
async fn feeds_page_newest_first_without_overlap() {
    let org = TestOrg::start().await;
    let (status, first) = get(&org, "/chatter/feeds/company/feed-elements?pageSize=3").await;
    assert_eq!(status, StatusCode::OK);
    let first_ids = element_ids(&first);
    assert_eq!(first_ids.len(), 3);
    let dates: Vec<&str> = first["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .filter_map(|e| e["modifiedDate"].as_str())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let next = first["nextPageUrl"].as_str().expect("next page");
    let (status, second) = get(&org, next).await;
    assert_eq!(status, StatusCode::OK);
    let second_ids = element_ids(&second);
    assert!(!second_ids.is_empty());
    assert!(second_ids.iter().all(|id| !first_ids.contains(id)));
    let (status, body) = get(&org, "/chatter/feeds/company/feed-elements?pageSize=101").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = get(&org, "/chatter/feeds/company/feed-elements?page=garbage").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&org, "/chatter/feeds/company/feed-elements?sort=MostViewed").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn post_get_and_delete_a_feed_element() {
    let org = TestOrg::start().await;
    let me = me(&org);
    let body = json!({
        "body": {"messageSegments": [
            {"type": "Text", "text": "Shipping the fix today "},
            {"type": "Mention", "id": me},
            {"type": "Hashtag", "tag": "Dashboard performance"},
        ]},
        "feedElementType": "FeedItem",
        "subjectId": "me",
    });
    let (status, item) = call(
        &org,
        reqwest::Method::POST,
        "/chatter/feed-elements",
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let id = item["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("0D5"));
    assert_eq!(item["type"], json!("TextPost"));
    assert_eq!(item["parent"]["id"], json!(me));
    assert_eq!(
        item["url"],
        json!(format!("/services/data/v66.0/chatter/feed-elements/{id}"))
    );
    assert_eq!(
        item["body"]["text"],
        json!(format!(
            "Shipping the fix today @{}#[Dashboard performance]",
            my_name(&org)
        ))
    );
    let kinds: Vec<&str> = item["body"]["messageSegments"]
        .as_array()
        .expect("segments")
        .iter()
        .filter_map(|s| s["type"].as_str())
        .collect();
    assert_eq!(kinds, vec!["Text", "Mention", "Hashtag"]);
    assert_eq!(
        item["capabilities"]["topics"]["items"][0]["name"],
        json!("Dashboard performance")
    );
    {
        let data = org.handle.state.read();
        let stored = data.get(&id).expect("stored FeedItem");
        assert_eq!(stored.sobject, "FeedItem");
        assert_eq!(stored.get("CommentCount"), &json!(0));
    }
    let (status, fetched) = get(&org, &format!("/chatter/feed-elements/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched["id"], json!(id));
    let (status, news) = get(
        &org,
        "/chatter/feeds/news/me/feed-elements?sort=CreatedDateDesc",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(element_ids(&news).first(), Some(&id));
    let (status, _) = call(
        &org,
        reqwest::Method::DELETE,
        &format!("/chatter/feed-elements/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = get(&org, &format!("/chatter/feed-elements/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "NOT_FOUND");
    let (status, _) = call(
        &org,
        reqwest::Method::PUT,
        &format!("/chatter/feed-elements/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn posting_validates_subject_and_body() {
    let org = TestOrg::start().await;
    let (status, item) = call(
        &org,
        reqwest::Method::POST,
        "/chatter/feed-elements?feedElementType=FeedItem&subjectId=me&text=Hello+from+the+query+string",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(item["body"]["text"], json!("Hello from the query string"));
    let post = |subject: &str, segments: Value| json!({"body": {"messageSegments": segments}, "feedElementType": "FeedItem", "subjectId": subject});
    let text = json!([{"type": "Text", "text": "hi"}]);
    let cases = [
        (post("me", json!([])), StatusCode::BAD_REQUEST),
        (
            post("me", json!([{"type": "Text", "text": "   "}])),
            StatusCode::BAD_REQUEST,
        ),
        (post("not-an-id", text.clone()), StatusCode::NOT_FOUND),
        (
            post("001Dm000000zzzzAAA", text.clone()),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"body": {"messageSegments": text}, "subjectId": "me"}),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (body, expected) in cases {
        let (status, answer) = call(
            &org,
            reqwest::Method::POST,
            "/chatter/feed-elements",
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, expected, "{body} -> {answer}");
        assert!(answer[0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let version_id = {
        let data = org.handle.state.read();
        data.records("Knowledge__kav")
            .next()
            .map(|v| v.id.clone())
            .expect("article")
    };
    let (status, answer) = call(
        &org,
        reqwest::Method::POST,
        "/chatter/feed-elements",
        Some(post(&version_id, text)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
}

#[tokio::test]
async fn likes_and_comments_keep_counts() {
    let org = TestOrg::start().await;
    let (_, item) = call(
        &org,
        reqwest::Method::POST,
        "/chatter/feed-elements?feedElementType=FeedItem&subjectId=me&text=Count+me",
        None,
    )
    .await;
    let id = item["id"].as_str().expect("id").to_owned();
    let likes = format!("/chatter/feed-elements/{id}/capabilities/chatter-likes/items");
    let (status, like) = call(&org, reqwest::Method::POST, &likes, None).await;
    assert_eq!(status, StatusCode::CREATED, "{like}");
    let like_id = like["id"].as_str().expect("like id").to_owned();
    assert_eq!(like["likedItem"]["id"], json!(id));
    assert_eq!(like["user"]["id"], json!(me(&org)));
    let (status, again) = call(&org, reqwest::Method::POST, &likes, None).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["id"], json!(like_id));
    let (_, page) = get(&org, &likes).await;
    assert_eq!(page["total"], json!(1));
    let (_, item) = get(&org, &format!("/chatter/feed-elements/{id}")).await;
    assert_eq!(
        item["capabilities"]["chatterLikes"]["isLikedByCurrentUser"],
        json!(true)
    );
    assert_eq!(
        item["capabilities"]["chatterLikes"]["myLike"]["id"],
        json!(like_id)
    );
    assert_eq!(
        org.handle
            .state
            .read()
            .get(&id)
            .map(|r| r.get("LikeCount").clone()),
        Some(json!(1))
    );

    let comments = format!("/chatter/feed-elements/{id}/capabilities/comments/items");
    let body = json!({"body": {"messageSegments": [{"type": "Text", "text": "First!"}]}});
    let (status, comment) = call(&org, reqwest::Method::POST, &comments, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{comment}");
    let comment_id = comment["id"].as_str().expect("comment id").to_owned();
    assert!(comment_id.starts_with("0D7"));
    assert_eq!(comment["feedElement"]["id"], json!(id));
    assert_eq!(comment["body"]["text"], json!("First!"));
    let (status, _) = call(
        &org,
        reqwest::Method::POST,
        &format!("{comments}?text=Second"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, page) = get(&org, &comments).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], json!(2));
    let texts: Vec<&str> = page["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["body"]["text"].as_str())
        .collect();
    assert_eq!(texts, vec!["First!", "Second"]);
    let (_, item) = get(&org, &format!("/chatter/feed-elements/{id}")).await;
    assert_eq!(item["capabilities"]["comments"]["page"]["total"], json!(2));
    assert_eq!(
        org.handle
            .state
            .read()
            .get(&id)
            .map(|r| r.get("CommentCount").clone()),
        Some(json!(2))
    );
    let (status, _) = call(
        &org,
        reqwest::Method::POST,
        &comments,
        Some(json!({"body": {"messageSegments": []}})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, _) = call(
        &org,
        reqwest::Method::DELETE,
        &format!("/chatter/likes/{like_id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, page) = get(&org, &likes).await;
    assert_eq!(page["total"], json!(0));
    assert_eq!(
        org.handle
            .state
            .read()
            .get(&id)
            .map(|r| r.get("LikeCount").clone()),
        Some(json!(0))
    );
    let (status, _) = call(
        &org,
        reqwest::Method::DELETE,
        &format!("/chatter/comments/{comment_id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        org.handle
            .state
            .read()
            .get(&id)
            .map(|r| r.get("CommentCount").clone()),
        Some(json!(1))
    );
}

#[tokio::test]
async fn users_list_and_detail() {
    let org = TestOrg::start().await;
    let me = me(&org);
    let (status, page) = get(&org, "/chatter/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page["users"]
            .as_array()
            .is_some_and(|u| u.iter().any(|u| u["id"] == json!(me)))
    );
    for key in ["currentPageUrl", "nextPageUrl", "previousPageUrl"] {
        assert!(page.get(key).is_some());
    }
    let name = my_name(&org);
    let (_, found) = get(
        &org,
        &format!("/chatter/users?q={}", name.replace(' ', "+")),
    )
    .await;
    assert!(
        found["users"]
            .as_array()
            .is_some_and(|u| u.iter().any(|u| u["id"] == json!(me)))
    );
    let (_, none) = get(&org, "/chatter/users?q=nobody-by-that-name").await;
    assert_eq!(none["users"], json!([]));
    let (status, detail) = get(&org, "/chatter/users/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["id"], json!(me));
    assert_eq!(detail["type"], json!("User"));
    assert_eq!(detail["displayName"], json!(name));
    assert!(detail["chatterActivity"]["postCount"].as_u64().unwrap_or(0) > 0);
    assert!(detail["groupCount"].as_u64().unwrap_or(0) > 0);
    let (status, _) = get(
        &org,
        &format!("/chatter/users/{}", ids::make_id("005", 999_999)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn groups_members_and_joining() {
    let org = TestOrg::start().await;
    let me = me(&org);
    let (colleague, public, private) = add_colleague_with_groups(&org);
    let (status, page) = get(&org, "/chatter/groups?q=support").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["groups"][0]["name"], json!("Support Team"));
    let (_, all) = get(&org, "/chatter/groups").await;
    assert!(all["groups"].as_array().is_some_and(|g| g.len() >= 7));
    let (_, archived) = get(&org, "/chatter/groups?archiveStatus=Archived").await;
    assert_eq!(archived["groups"].as_array().map(Vec::len), Some(1));

    let (status, detail) = get(&org, &format!("/chatter/groups/{public}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["visibility"], json!("PublicAccess"));
    assert_eq!(detail["myRole"], json!("NotAMember"));
    assert_eq!(detail["owner"]["id"], json!(colleague));
    assert_eq!(detail["memberCount"], json!(1));

    let members = format!("/chatter/groups/{public}/members");
    let (status, joined) = call(&org, reqwest::Method::POST, &members, None).await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["role"], json!("StandardMember"));
    assert_eq!(joined["user"]["id"], json!(me));
    let membership = joined["id"].as_str().expect("membership").to_owned();
    assert!(membership.starts_with("0FB"));
    assert_eq!(
        joined["url"],
        json!(format!(
            "/services/data/v66.0/chatter/group-memberships/{membership}"
        ))
    );
    let (status, twice) = call(
        &org,
        reqwest::Method::POST,
        &members,
        Some(json!({"userId": me})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{twice}");
    assert_eq!(error_code(&twice), "DUPLICATE_VALUE");
    let (_, page) = get(&org, &members).await;
    assert_eq!(page["totalMemberCount"], json!(2));
    assert_eq!(page["myMembership"]["id"], json!(membership));
    let (_, detail) = get(&org, &format!("/chatter/groups/{public}")).await;
    assert_eq!(detail["memberCount"], json!(2));
    assert_eq!(detail["myRole"], json!("StandardMember"));

    let (status, refused) = call(
        &org,
        reqwest::Method::POST,
        &format!("/chatter/groups/{private}/members"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    // Only managers add other people.
    let (status, _) = call(
        &org,
        reqwest::Method::POST,
        &format!("/chatter/groups/{public}/members?userId={colleague}&role=GroupManager"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) = call(
        &org,
        reqwest::Method::DELETE,
        &format!("/chatter/group-memberships/{membership}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, detail) = get(&org, &format!("/chatter/groups/{public}")).await;
    assert_eq!(detail["memberCount"], json!(1));
    let (status, _) = get(&org, "/chatter/groups/0F9Dm0000000zzzAAA").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn topics_search_and_detail() {
    let org = TestOrg::start().await;
    let (status, page) = get(&org, "/connect/topics?q=dashboard").await;
    assert_eq!(status, StatusCode::OK);
    let topic = &page["topics"][0];
    assert_eq!(topic["name"], json!("Dashboard performance"));
    assert!(topic["id"].as_str().is_some_and(|id| id.starts_with("0TO")));
    let id = topic["id"].as_str().expect("id").to_owned();
    let (status, detail) = get(&org, &format!("/connect/topics/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        detail["url"],
        json!(format!("/services/data/v66.0/connect/topics/{id}"))
    );
    let (_, exact) = get(&org, "/connect/topics?q=Login+and+SSO&exactMatch=true").await;
    assert_eq!(exact["topics"].as_array().map(Vec::len), Some(1));
    let (_, popular) = get(&org, "/connect/topics?pageSize=100").await;
    let counts: Vec<u64> = popular["topics"]
        .as_array()
        .expect("topics")
        .iter()
        .filter_map(|t| t["talkingAbout"].as_u64())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let (_, alpha) = get(&org, "/connect/topics?sort=alphaAsc&pageSize=2").await;
    assert_eq!(alpha["topics"][0]["name"], json!("API limits"));
    assert!(alpha["nextPageUrl"].as_str().is_some());
    let (status, body) = get(&org, "/connect/topics?q=a").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
