//! The comments capability of feed items: `/chatter/feed-elements/{id}/capabilities/comments/items`
//! and `/chatter/comments/{id}`. Comments are FeedComment records; the feed item's CommentCount
//! follows them, and a new comment bumps the item's LastModifiedDate (its feed activity).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::feed_items::visible_item;
use super::people::user_summary;
use super::records::parent_summary;
use super::request::{Params, invalid_input, json_body, url_with_query};
use super::segments::{body_from_request, body_json};
use super::topics::assign_hashtags;
use super::view::{View, connect_field, field_time, relative_date};
use crate::demo_org::api::error::{ApiError, json_response, no_content};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::dml::{self, DmlContext};
use crate::demo_org::state::AppState;
use crate::demo_org::store::{OrgData, Record, format_datetime};

/// Default page size of a comment page, embedded or requested.
pub const DEFAULT_COMMENT_PAGE: usize = 3;

/// A feed item's live comments, oldest first.
pub fn comments_of<'a>(org: &'a OrgData, item_id: &str) -> Vec<&'a Record> {
    let mut comments: Vec<&Record> = org
        .records("FeedComment")
        .filter(|c| c.get_str("FeedItemId") == Some(item_id))
        .collect();
    comments.sort_by(|a, b| {
        field_time(a, "CreatedDate")
            .cmp(&field_time(b, "CreatedDate"))
            .then_with(|| a.id.cmp(&b.id))
    });
    comments
}

/// The Connect Comment representation.
pub fn comment_json(view: &View, comment: &Record) -> Value {
    let item_id = comment.get_str("FeedItemId").unwrap_or("");
    let item_ref =
        json!({"id": item_id, "url": view.chatter_url(&format!("/feed-elements/{item_id}"))});
    let parent = comment
        .get_str("ParentId")
        .or_else(|| view.org.get(item_id).and_then(|i| i.get_str("ParentId")))
        .map(|id| parent_summary(view, id))
        .unwrap_or(Value::Null);
    json!({
        "attachment": null,
        "body": body_json(view, comment.get_str("CommentBody").unwrap_or("")),
        "capabilities": {},
        "clientInfo": null,
        "createdDate": connect_field(comment, "CreatedDate"),
        "feedElement": item_ref,
        "feedItem": item_ref,
        "id": comment.id,
        "isDeleteRestricted": false,
        "likes": {
            "currentPageToken": null,
            "currentPageUrl": null,
            "items": [],
            "nextPageToken": null,
            "nextPageUrl": null,
            "previousPageToken": null,
            "previousPageUrl": null,
            "total": 0,
        },
        "likesMessage": null,
        "moderationFlags": null,
        "myLike": null,
        "parent": parent,
        "relativeCreatedDate": field_time(comment, "CreatedDate")
            .map(|at| Value::String(relative_date(at, view.now)))
            .unwrap_or(Value::Null),
        "type": "TextComment",
        "url": view.chatter_url(&format!("/comments/{}", comment.id)),
        "user": user_summary(view, comment.get_str("CreatedById").unwrap_or("")),
    })
}

/// A Comment Page: the newest `size` comments after skipping `skip` newer ones, shown oldest
/// first as Chatter shows a thread; the next page reaches further back.
pub fn comment_page(view: &View, item_id: &str, size: usize, skip: usize) -> Value {
    let all = comments_of(view.org, item_id);
    let end = all.len().saturating_sub(skip);
    let start = end.saturating_sub(size);
    let shown: Vec<Value> = all
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .map(|c| comment_json(view, c))
        .collect();
    let path = view.chatter_url(&format!(
        "/feed-elements/{item_id}/capabilities/comments/items"
    ));
    let url_at = |token: usize| {
        let mut pairs = vec![("pageSize", size.to_string())];
        if token > 0 {
            pairs.insert(0, ("page", token.to_string()));
        }
        url_with_query(&path, &pairs)
    };
    let next = (start > 0).then_some(skip + size);
    json!({
        "comments": shown,
        "currentPageToken": (skip > 0).then(|| skip.to_string()),
        "currentPageUrl": url_at(skip),
        "nextPageToken": next.map(|n| n.to_string()),
        "nextPageUrl": next.map(url_at),
        "total": all.len(),
    })
}

/// Sets CommentCount to the number of live comments.
pub fn sync_comment_count(org: &mut OrgData, item_id: &str) {
    let count = comments_of(org, item_id).len();
    if let Some(item) = org.get_mut(item_id) {
        item.fields.insert("CommentCount".into(), json!(count));
    }
}

/// Adds a comment to a post as the context's user and returns its id: the comment takes the
/// post's parent, the post's CommentCount and LastModifiedDate follow, and hashtags assign their
/// topics to the post.
pub fn create_comment(
    org: &mut OrgData,
    item_id: &str,
    text: &str,
    hashtags: &[String],
    ctx: &DmlContext,
) -> Result<String, ApiError> {
    let parent = org
        .get(item_id)
        .filter(|r| r.sobject == "FeedItem")
        .ok_or_else(ApiError::not_found)?
        .get("ParentId")
        .clone();
    let mut fields = Map::new();
    fields.insert("FeedItemId".into(), json!(item_id));
    fields.insert("CommentBody".into(), json!(text));
    let id = dml::insert(org, "FeedComment", &fields, ctx)?;
    // ParentId is set by the org from the feed item, never by the caller.
    if let Some(comment) = org.get_mut(&id) {
        comment.fields.insert("ParentId".into(), parent);
    }
    sync_comment_count(org, item_id);
    if let Some(item) = org.get_mut(item_id) {
        let stamp = json!(format_datetime(ctx.now));
        item.fields.insert("LastModifiedDate".into(), stamp.clone());
        item.fields.insert("SystemModstamp".into(), stamp);
    }
    assign_hashtags(org, item_id, hashtags, ctx)?;
    Ok(id)
}

fn page_token(params: &Params) -> Result<usize, ApiError> {
    match params.get("page") {
        None => Ok(0),
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| invalid_input(format!("Invalid page token: {token}"))),
    }
}

/// `GET /chatter/feed-elements/{id}/capabilities/comments/items?page=&pageSize=`.
pub async fn list_comments(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, item_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let size = params.page_size(DEFAULT_COMMENT_PAGE, 100)?;
    let skip = page_token(&params)?;
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let item = visible_item(&org, &item_id, view.me)?;
    Ok(json_response(
        StatusCode::OK,
        &comment_page(&view, &item.id, size, skip),
    ))
}

/// `POST /chatter/feed-elements/{id}/capabilities/comments/items` with
/// `{"body":{"messageSegments":[…]}}` or `?text=`: 201 and the new Comment.
pub async fn post_comment(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, item_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let input = json_body(&body)?;
    let me = state.current_user_id.clone();
    let ctx = state.dml_context();
    let mut org = state.write();
    let item = visible_item(&org, &item_id, &me)?.clone();
    let composed = body_from_request(&org, input.as_ref(), params.get("text"))?;
    let id = create_comment(&mut org, &item.id, &composed.text, &composed.hashtags, &ctx)?;
    let view = View::new(&org, &me, &version, state.now());
    let comment = org.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(json_response(
        StatusCode::CREATED,
        &comment_json(&view, comment),
    ))
}

fn find_comment<'a>(org: &'a OrgData, id: &str, me: &str) -> Result<&'a Record, ApiError> {
    super::feed_items::visible_on_item(org, id, me, "FeedComment")
}

/// `GET /chatter/comments/{commentId}`.
pub async fn get_comment(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, comment_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let comment = find_comment(&org, &comment_id, view.me)?;
    Ok(json_response(StatusCode::OK, &comment_json(&view, comment)))
}

/// `DELETE /chatter/comments/{commentId}`: 204; the post's CommentCount drops by one.
pub async fn delete_comment(
    State(state): State<AppState>,
    Path((_, comment_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let me = state.current_user_id.clone();
    let ctx = state.dml_context();
    let mut org = state.write();
    let comment = find_comment(&org, &comment_id, &me)?.clone();
    dml::delete(&mut org, "FeedComment", &comment.id, &ctx)?;
    if let Some(item_id) = comment.get_str("FeedItemId") {
        sync_comment_count(&mut org, item_id);
    }
    Ok(no_content())
}
