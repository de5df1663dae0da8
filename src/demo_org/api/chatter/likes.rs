//! The chatter-likes capability of feed items:
//! `/chatter/feed-elements/{id}/capabilities/chatter-likes/items` and `/chatter/likes/{id}`.
//! Likes are FeedLike records; the feed item's LikeCount follows them. A user likes a post at
//! most once: liking again answers the existing like.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::feed_items::visible_item;
use super::people::user_summary;
use super::request::{Params, forbidden, invalid_input, url_with_query};
use super::view::{View, field_time};
use crate::demo_org::api::error::{ApiError, json_response, no_content};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::dml::{self, DmlContext};
use crate::demo_org::state::AppState;
use crate::demo_org::store::{OrgData, Record};

/// A feed item's live likes, newest first.
pub fn likes_of<'a>(org: &'a OrgData, item_id: &str) -> Vec<&'a Record> {
    let mut likes: Vec<&Record> = org
        .records("FeedLike")
        .filter(|l| l.get_str("FeedItemId") == Some(item_id))
        .collect();
    likes.sort_by(|a, b| {
        field_time(b, "CreatedDate")
            .cmp(&field_time(a, "CreatedDate"))
            .then_with(|| b.id.cmp(&a.id))
    });
    likes
}

/// The current user's like of a feed item, if any.
pub fn my_like<'a>(org: &'a OrgData, item_id: &str, me: &str) -> Option<&'a Record> {
    likes_of(org, item_id)
        .into_iter()
        .find(|l| l.get_str("CreatedById") == Some(me))
}

pub fn like_url(view: &View, id: &str) -> String {
    view.chatter_url(&format!("/likes/{id}"))
}

/// The Connect Like representation.
pub fn like_json(view: &View, like: &Record) -> Value {
    let item_id = like.get_str("FeedItemId").unwrap_or("");
    json!({
        "id": like.id,
        "likedItem": {
            "id": item_id,
            "motif": null,
            "type": "FeedItem",
            "url": view.chatter_url(&format!("/feed-elements/{item_id}")),
        },
        "url": like_url(view, &like.id),
        "user": user_summary(view, like.get_str("CreatedById").unwrap_or("")),
    })
}

/// A Like Page: `size` likes after skipping `skip`, newest first.
pub fn like_page(view: &View, item_id: &str, size: usize, skip: usize) -> Value {
    let all = likes_of(view.org, item_id);
    let items: Vec<Value> = all
        .iter()
        .skip(skip)
        .take(size)
        .map(|l| like_json(view, l))
        .collect();
    let path = view.chatter_url(&format!(
        "/feed-elements/{item_id}/capabilities/chatter-likes/items"
    ));
    let url_at = |token: usize| {
        let mut pairs = vec![("pageSize", size.to_string())];
        if token > 0 {
            pairs.insert(0, ("page", token.to_string()));
        }
        url_with_query(&path, &pairs)
    };
    let next = (skip + size < all.len()).then_some(skip + size);
    let previous = (skip > 0).then(|| skip.saturating_sub(size));
    json!({
        "currentPageToken": (skip > 0).then(|| skip.to_string()),
        "currentPageUrl": url_at(skip),
        "items": items,
        "nextPageToken": next.map(|n| n.to_string()),
        "nextPageUrl": next.map(url_at),
        "previousPageToken": previous.map(|n| n.to_string()),
        "previousPageUrl": previous.map(url_at),
        "total": all.len(),
    })
}

/// Sets LikeCount to the number of live likes.
pub fn sync_like_count(org: &mut OrgData, item_id: &str) {
    let count = likes_of(org, item_id).len();
    if let Some(item) = org.get_mut(item_id) {
        item.fields.insert("LikeCount".into(), json!(count));
    }
}

/// Likes a post as the context's user and returns the like's id; a post already liked by the
/// user keeps its one like. LikeCount follows.
pub fn create_like(org: &mut OrgData, item_id: &str, ctx: &DmlContext) -> Result<String, ApiError> {
    if let Some(existing) = my_like(org, item_id, &ctx.user_id) {
        return Ok(existing.id.clone());
    }
    let mut fields = Map::new();
    fields.insert("FeedItemId".into(), json!(item_id));
    let id = dml::insert(org, "FeedLike", &fields, ctx)?;
    sync_like_count(org, item_id);
    Ok(id)
}

/// `GET …/capabilities/chatter-likes/items?page=&pageSize=`.
pub async fn list_likes(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, item_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let size = params.page_size(25, 100)?;
    let skip = match params.get("page") {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| invalid_input(format!("Invalid page token: {token}")))?,
    };
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let item = visible_item(&org, &item_id, view.me)?;
    Ok(json_response(
        StatusCode::OK,
        &like_page(&view, &item.id, size, skip),
    ))
}

/// `POST …/capabilities/chatter-likes/items` (no body): 201 and the current user's Like.
pub async fn like_item(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, item_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let me = state.current_user_id.clone();
    let ctx = state.dml_context();
    let mut org = state.write();
    let item_id = visible_item(&org, &item_id, &me)?.id.clone();
    let like_id = create_like(&mut org, &item_id, &ctx)?;
    let view = View::new(&org, &me, &version, state.now());
    let like = org.get(&like_id).ok_or_else(ApiError::not_found)?;
    Ok(json_response(StatusCode::CREATED, &like_json(&view, like)))
}

fn find_like<'a>(org: &'a OrgData, id: &str, me: &str) -> Result<&'a Record, ApiError> {
    super::feed_items::visible_on_item(org, id, me, "FeedLike")
}

/// `GET /chatter/likes/{likeId}`.
pub async fn get_like(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, like_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let like = find_like(&org, &like_id, view.me)?;
    Ok(json_response(StatusCode::OK, &like_json(&view, like)))
}

/// `DELETE /chatter/likes/{likeId}`: only the user who liked can unlike. 204.
pub async fn unlike(
    State(state): State<AppState>,
    Path((_, like_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let me = state.current_user_id.clone();
    let ctx = state.dml_context();
    let mut org = state.write();
    let like = find_like(&org, &like_id, &me)?.clone();
    if like.get_str("CreatedById") != Some(me.as_str()) {
        return Err(forbidden("You can only remove your own likes."));
    }
    dml::delete(&mut org, "FeedLike", &like.id, &ctx)?;
    if let Some(item_id) = like.get_str("FeedItemId") {
        sync_like_count(&mut org, item_id);
    }
    Ok(no_content())
}
