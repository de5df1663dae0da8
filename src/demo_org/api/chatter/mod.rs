//! The Chatter / Connect REST API of the demo org: feeds, feed elements with their comments and
//! likes, users, groups and topics. Everything it shows or writes is an ordinary record (FeedItem,
//! FeedComment, FeedLike, CollaborationGroup[Member], Topic[Assignment], User), so SOQL sees what
//! Chatter writes and the other way round.

mod comments;
mod feed_items;
mod feeds;
mod groups;
mod likes;
mod people;
mod records;
mod request;
mod segments;
#[cfg(test)]
mod tests;
mod topics;
mod users;
mod view;

use axum::Router;
use axum::http::Method;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get, post};

use crate::demo_org::state::AppState;

// What the collaboration seed writes through, so seeded Chatter obeys the same rules.
pub use comments::create_comment;
pub use feed_items::create_post;
pub use groups::sync_member_count;
pub use likes::create_like;
pub use people::display_name;

/// Answers methods a resource does not support with Salesforce's 405 error body.
fn only(methods: MethodRouter<AppState>, allowed: &'static str) -> MethodRouter<AppState> {
    methods.fallback(move |method: Method| async move {
        request::method_not_allowed(method.as_str(), allowed).into_response()
    })
}

fn data(path: &str) -> String {
    format!("/services/data/{{version}}{path}")
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            &data("/chatter/feeds/{feed_type}/feed-elements"),
            only(get(feeds::feed_without_subject), "GET,HEAD"),
        )
        .route(
            &data("/chatter/feeds/{feed_type}/{subject}/feed-elements"),
            only(get(feeds::feed_with_subject), "GET,HEAD"),
        )
        .route(
            &data("/chatter/feeds/{feed_type}/{subject}/is-modified"),
            only(get(feeds::news_is_modified), "GET,HEAD"),
        )
        .route(
            &data("/chatter/feed-elements"),
            only(post(feed_items::post_feed_element), "POST"),
        )
        .route(
            &data("/chatter/feed-elements/{feed_element_id}"),
            only(
                get(feed_items::get_feed_element).delete(feed_items::delete_feed_element),
                "GET,HEAD,DELETE",
            ),
        )
        .route(
            &data("/chatter/feed-elements/{feed_element_id}/capabilities/chatter-likes/items"),
            only(
                get(likes::list_likes).post(likes::like_item),
                "GET,HEAD,POST",
            ),
        )
        .route(
            &data("/chatter/likes/{like_id}"),
            only(
                get(likes::get_like).delete(likes::unlike),
                "GET,HEAD,DELETE",
            ),
        )
        .route(
            &data("/chatter/feed-elements/{feed_element_id}/capabilities/comments/items"),
            only(
                get(comments::list_comments).post(comments::post_comment),
                "GET,HEAD,POST",
            ),
        )
        .route(
            &data("/chatter/comments/{comment_id}"),
            only(
                get(comments::get_comment).delete(comments::delete_comment),
                "GET,HEAD,DELETE",
            ),
        )
        .route(
            &data("/chatter/users"),
            only(get(users::list_users), "GET,HEAD"),
        )
        .route(
            &data("/chatter/users/{user_id}"),
            only(get(users::get_user), "GET,HEAD"),
        )
        .route(
            &data("/chatter/groups"),
            only(get(groups::list_groups), "GET,HEAD"),
        )
        .route(
            &data("/chatter/groups/{group_id}"),
            only(get(groups::get_group), "GET,HEAD"),
        )
        .route(
            &data("/chatter/groups/{group_id}/members"),
            only(
                get(groups::list_members).post(groups::add_member),
                "GET,HEAD,POST",
            ),
        )
        .route(
            &data("/chatter/group-memberships/{membership_id}"),
            only(
                get(groups::get_membership).delete(groups::delete_membership),
                "GET,HEAD,DELETE",
            ),
        )
        .route(
            &data("/connect/topics"),
            only(get(topics::list_topics), "GET,HEAD"),
        )
        .route(
            &data("/connect/topics/{topic_id}"),
            only(get(topics::get_topic), "GET,HEAD"),
        )
}
