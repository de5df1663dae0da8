//! Feed items: the Feed Item representation, who may see one, and `POST /chatter/feed-elements`,
//! `GET|DELETE /chatter/feed-elements/{id}`. Posts are FeedItem records.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::comments::{DEFAULT_COMMENT_PAGE, comment_page, comments_of};
use super::groups::{can_read, find_group};
use super::likes::{like_page, like_url, likes_of, my_like};
use super::people::{display_name, find_user, user_summary};
use super::records::{parent_summary, record_name, resolve_subject};
use super::request::{Params, forbidden, invalid_input, json_body, resolve_id};
use super::segments::body_from_request;
use super::segments::body_json;
use super::topics::{assign_hashtags, topic_json, topics_of};
use super::view::{View, connect_field, field_time, relative_date};
use crate::demo_org::api::error::{ApiError, json_response, no_content};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::dml::{self, DmlContext};
use crate::demo_org::state::AppState;
use crate::demo_org::store::{OrgData, Record};

/// Posts in a private or unlisted group are visible to its members only; everything else is
/// visible to every internal user.
pub fn can_see(org: &OrgData, item: &Record, me: &str) -> bool {
    item.get_str("ParentId")
        .and_then(|p| find_group(org, p))
        .is_none_or(|group| can_read(org, group, me))
}

/// The live feed item with this id, if the current user may see it; 404 otherwise.
pub fn visible_item<'a>(org: &'a OrgData, id: &str, me: &str) -> Result<&'a Record, ApiError> {
    let id = resolve_id(id, me)?;
    org.get(&id)
        .filter(|r| r.sobject == "FeedItem")
        .filter(|item| can_see(org, item, me))
        .ok_or_else(ApiError::not_found)
}

/// A live comment or like (`sobject`) by id, if the post it belongs to is visible to the current
/// user: a comment or like is exactly as visible as its post. 404 otherwise.
pub fn visible_on_item<'a>(
    org: &'a OrgData,
    id: &str,
    me: &str,
    sobject: &str,
) -> Result<&'a Record, ApiError> {
    let id = resolve_id(id, me)?;
    let record = org
        .get(&id)
        .filter(|r| r.sobject == sobject)
        .ok_or_else(ApiError::not_found)?;
    visible_item(org, record.get_str("FeedItemId").unwrap_or(""), me)?;
    Ok(record)
}

/// "Ann Lee" for a post on one's own profile, "Ann Lee to Support Team" elsewhere.
fn header_text(view: &View, item: &Record) -> String {
    let actor_id = item.get_str("CreatedById").unwrap_or("");
    let actor = find_user(view.org, actor_id)
        .map(display_name)
        .unwrap_or_else(|| actor_id.to_owned());
    match item.get_str("ParentId") {
        Some(parent) if parent != actor_id => {
            let parent_name = view
                .org
                .get(parent)
                .map(|r| record_name(view.org, r))
                .unwrap_or_else(|| parent.to_owned());
            format!("{actor} to {parent_name}")
        }
        _ => actor,
    }
}

/// The Connect Feed Item representation, with its first page of comments and likes.
pub fn feed_item_json(view: &View, item: &Record) -> Value {
    let text = item.get_str("Body").unwrap_or("");
    let header = header_text(view, item);
    let my_like = my_like(view.org, &item.id, view.me)
        .map(|l| json!({"id": l.id, "url": like_url(view, &l.id)}))
        .unwrap_or(Value::Null);
    let topics: Vec<Value> = topics_of(view.org, &item.id)
        .into_iter()
        .map(|t| topic_json(view, t))
        .collect();
    let mut capabilities = json!({
        "chatterLikes": {
            "isLikedByCurrentUser": !my_like.is_null(),
            "likesMessage": null,
            "myLike": my_like,
            "page": like_page(view, &item.id, DEFAULT_COMMENT_PAGE, 0),
        },
        "comments": {
            "page": comment_page(view, &item.id, DEFAULT_COMMENT_PAGE, 0),
        },
        "topics": {"canAssignTopics": true, "items": topics},
    });
    if let (Some(url), Value::Object(map)) = (item.get_str("LinkUrl"), &mut capabilities) {
        map.insert(
            "link".into(),
            json!({"url": url, "urlName": item.get("Title")}),
        );
    }
    json!({
        "actor": user_summary(view, item.get_str("CreatedById").unwrap_or("")),
        "body": body_json(view, text),
        "capabilities": capabilities,
        "createdDate": connect_field(item, "CreatedDate"),
        "feedElementType": "FeedItem",
        "header": {
            "isRichText": false,
            "messageSegments": [{"text": header, "type": "Text"}],
            "text": header,
        },
        "id": item.id,
        "isDeleteRestricted": false,
        "modifiedDate": connect_field(item, "LastModifiedDate"),
        "parent": item
            .get_str("ParentId")
            .map(|p| parent_summary(view, p))
            .unwrap_or(Value::Null),
        "relativeCreatedDate": field_time(item, "CreatedDate")
            .map(|at| Value::String(relative_date(at, view.now)))
            .unwrap_or(Value::Null),
        "type": item.get_str("Type").unwrap_or("TextPost"),
        "url": view.chatter_url(&format!("/feed-elements/{}", item.id)),
        "visibility": "AllUsers",
    })
}

/// What a post request asks for, from its JSON body or query parameters.
struct PostInput {
    subject: String,
    text: String,
    hashtags: Vec<String>,
    link: Option<(String, Option<String>)>,
}

fn read_post_input(
    org: &OrgData,
    params: &Params,
    input: Option<&Value>,
) -> Result<PostInput, ApiError> {
    let from_body = |name: &str| {
        input
            .and_then(|i| i.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let element_type = from_body("feedElementType")
        .or_else(|| params.get("feedElementType").map(str::to_owned))
        .ok_or_else(|| {
            invalid_input("Missing required parameter: feedElementType. Use FeedItem.")
        })?;
    if element_type != "FeedItem" {
        return Err(invalid_input(format!(
            "Invalid value for feedElementType: {element_type}. Use FeedItem."
        )));
    }
    let subject = from_body("subjectId")
        .or_else(|| params.get("subjectId").map(str::to_owned))
        .ok_or_else(|| {
            invalid_input(
                "Missing required parameter: subjectId (a record, user or group id, or me).",
            )
        })?;
    // Checked but not kept: the demo schema's FeedItem has no Visibility field, so every post
    // reads back as AllUsers.
    if let Some(visibility) =
        from_body("visibility").or_else(|| params.get("visibility").map(str::to_owned))
        && !matches!(visibility.as_str(), "AllUsers" | "InternalUsers")
    {
        return Err(invalid_input(format!(
            "Invalid value for visibility: {visibility}. Use AllUsers or InternalUsers."
        )));
    }
    let link = input
        .and_then(|i| i.pointer("/capabilities/link"))
        .map(|link| {
            let url = link
                .get("url")
                .and_then(Value::as_str)
                .filter(|u| !u.trim().is_empty())
                .ok_or_else(|| invalid_input("capabilities.link needs a url."))?;
            let name = link
                .get("urlName")
                .and_then(Value::as_str)
                .map(str::to_owned);
            Ok::<_, ApiError>((url.to_owned(), name))
        })
        .transpose()?;
    let composed = body_from_request(org, input, params.get("text"))?;
    Ok(PostInput {
        subject,
        text: composed.text,
        hashtags: composed.hashtags,
        link,
    })
}

/// Creates a post on `parent_id` as the context's user and returns its id. Count fields start at
/// zero; hashtags assign their topics.
pub fn create_post(
    org: &mut OrgData,
    parent_id: &str,
    text: &str,
    hashtags: &[String],
    link: Option<(String, Option<String>)>,
    ctx: &DmlContext,
) -> Result<String, ApiError> {
    let mut fields = Map::new();
    fields.insert("ParentId".into(), json!(parent_id));
    fields.insert("Body".into(), json!(text));
    match link {
        Some((url, name)) => {
            fields.insert("Type".into(), json!("LinkPost"));
            fields.insert("LinkUrl".into(), json!(url));
            if let Some(name) = name {
                fields.insert("Title".into(), json!(name));
            }
        }
        None => {
            fields.insert("Type".into(), json!("TextPost"));
        }
    }
    let id = dml::insert(org, "FeedItem", &fields, ctx)?;
    if let Some(item) = org.get_mut(&id) {
        item.fields.insert("CommentCount".into(), json!(0));
        item.fields.insert("LikeCount".into(), json!(0));
    }
    assign_hashtags(org, &id, hashtags, ctx)?;
    Ok(id)
}

/// `POST /chatter/feed-elements`: 201 and the new Feed Item.
pub async fn post_feed_element(
    State(state): State<AppState>,
    version: ApiVersion,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let input = json_body(&body)?;
    let me = state.current_user_id.clone();
    let ctx = state.dml_context();
    let mut org = state.write();
    let request = read_post_input(&org, &params, input.as_ref())?;
    let subject = resolve_subject(&org, &me, &request.subject)?;
    if let Some(group) = find_group(&org, &subject.id)
        && !can_read(&org, group, &me)
    {
        return Err(forbidden(
            "You must be a member of this group to post to it.",
        ));
    }
    let parent_id = subject.id.clone();
    let id = create_post(
        &mut org,
        &parent_id,
        &request.text,
        &request.hashtags,
        request.link,
        &ctx,
    )?;
    let view = View::new(&org, &me, &version, state.now());
    let item = org.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(json_response(
        StatusCode::CREATED,
        &feed_item_json(&view, item),
    ))
}

/// `GET /chatter/feed-elements/{feedElementId}`.
pub async fn get_feed_element(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, item_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let item = visible_item(&org, &item_id, view.me)?;
    Ok(json_response(StatusCode::OK, &feed_item_json(&view, item)))
}

/// Deletes a post with its comments, likes and topic assignments, as Salesforce does.
pub fn delete_post(org: &mut OrgData, item_id: &str, ctx: &DmlContext) -> Result<(), ApiError> {
    let comments: Vec<String> = comments_of(org, item_id)
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let likes: Vec<String> = likes_of(org, item_id)
        .iter()
        .map(|l| l.id.clone())
        .collect();
    let assignments: Vec<String> = org
        .records("TopicAssignment")
        .filter(|a| a.get_str("EntityId") == Some(item_id))
        .map(|a| a.id.clone())
        .collect();
    for id in comments {
        dml::delete(org, "FeedComment", &id, ctx)?;
    }
    for id in likes {
        dml::delete(org, "FeedLike", &id, ctx)?;
    }
    for id in assignments {
        dml::delete(org, "TopicAssignment", &id, ctx)?;
    }
    dml::delete(org, "FeedItem", item_id, ctx)
}

/// `DELETE /chatter/feed-elements/{feedElementId}`: 204.
pub async fn delete_feed_element(
    State(state): State<AppState>,
    Path((_, item_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let me = state.current_user_id.clone();
    let ctx = state.dml_context();
    let mut org = state.write();
    let id = visible_item(&org, &item_id, &me)?.id.clone();
    delete_post(&mut org, &id, &ctx)?;
    Ok(no_content())
}
