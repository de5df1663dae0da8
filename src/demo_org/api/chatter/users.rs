//! `/chatter/users` (User Page) and `/chatter/users/{userId|me}` (User Detail).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::people::{display_name, find_user, is_active, user_detail};
use super::request::{NumberedPage, Params, resolve_id};
use super::view::View;
use crate::demo_org::api::error::{ApiError, json_response};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::state::AppState;
use crate::demo_org::store::Record;

/// True when `q` occurs (case-insensitively) in the user's name, username or title.
fn matches(user: &Record, q: &str) -> bool {
    let q = q.to_lowercase();
    [
        Some(display_name(user)),
        user.get_str("Username").map(str::to_owned),
        user.get_str("Title").map(str::to_owned),
    ]
    .into_iter()
    .flatten()
    .any(|text| text.to_lowercase().contains(&q))
}

/// `GET /chatter/users?q=&page=&pageSize=`: active users by name.
pub async fn list_users(
    State(state): State<AppState>,
    version: ApiVersion,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let size = params.page_size(25, 250)?;
    let page = params.page_number()?;
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let mut users: Vec<&Record> = org
        .records("User")
        .filter(|u| is_active(u))
        .filter(|u| params.get("q").is_none_or(|q| matches(u, q)))
        .collect();
    users.sort_by_key(|u| display_name(u).to_lowercase());
    let fixed: Vec<(&str, String)> = params
        .get("q")
        .map(|q| vec![("q", q.to_owned())])
        .unwrap_or_default();
    let listed = NumberedPage::of(&users, page, size, &view.chatter_url("/users"), &fixed);
    let body = json!({
        "currentPageUrl": listed.current_url,
        "nextPageUrl": listed.next_url,
        "previousPageUrl": listed.previous_url,
        "users": listed.items.iter().map(|u| user_detail(&view, u)).collect::<Vec<_>>(),
    });
    Ok(json_response(StatusCode::OK, &body))
}

/// `GET /chatter/users/{userId}`; `me` is the current user.
pub async fn get_user(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let id = resolve_id(&user_id, view.me)?;
    let user = find_user(&org, &id).ok_or_else(ApiError::not_found)?;
    Ok(json_response(StatusCode::OK, &user_detail(&view, user)))
}
