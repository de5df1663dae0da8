//! Filters for shaping Chatter / Connect representations. Each takes one representation or a
//! list of them.
//!
//! | filter | does |
//! |---|---|
//! | `feed_element_summary` | a Feed Item reduced to id, type, date, actor, parent, text, comment and like counts, topics and link |
//! | `feed_element_detail` | the summary plus the comments the item embeds, and how many older ones it left out |
//! | `feed_comment_summary` | a Comment reduced to id, author, date and text |
//! | `chatter_group_summary` | a Group reduced to id, name, description, visibility, member count, the current user's role and the owner |

use minijinja::{Environment, Error, Value as JinjaValue};
use serde_json::{Map, Value, json};

use super::to_json;
use crate::templating::to_jinja;

pub fn register(env: &mut Environment<'static>) {
    env.add_filter("feed_element_summary", |v: JinjaValue| {
        each(v, feed_element_summary)
    });
    env.add_filter("feed_element_detail", |v: JinjaValue| {
        each(v, feed_element_detail)
    });
    env.add_filter("feed_comment_summary", |v: JinjaValue| {
        each(v, feed_comment_summary)
    });
    env.add_filter("chatter_group_summary", |v: JinjaValue| {
        each(v, chatter_group_summary)
    });
}

/// Applies `shape` to one representation, or to each of a list; null stays null.
fn each(value: JinjaValue, shape: fn(&Value) -> Value) -> Result<JinjaValue, Error> {
    Ok(to_jinja(&match to_json(&value)? {
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::Null => Value::Null,
        one => shape(&one),
    }))
}

/// Inserts `value` unless it is null.
fn put(out: &mut Map<String, Value>, key: &str, value: &Value) {
    if !value.is_null() {
        out.insert(key.to_owned(), value.clone());
    }
}

/// A User, Group or Record Summary as `{id, name, type}`.
fn reference(summary: &Value) -> Value {
    if summary.is_null() {
        return Value::Null;
    }
    let name = match &summary["name"] {
        Value::Null => &summary["displayName"],
        name => name,
    };
    let mut out = Map::new();
    put(&mut out, "id", &summary["id"]);
    put(&mut out, "name", name);
    put(&mut out, "type", &summary["type"]);
    Value::Object(out)
}

/// A person as `{id, name}` (every actor and author is a user).
fn person(summary: &Value) -> Value {
    match reference(summary) {
        Value::Object(mut map) => {
            map.shift_remove("type");
            Value::Object(map)
        }
        other => other,
    }
}

pub fn feed_element_summary(element: &Value) -> Value {
    let capabilities = &element["capabilities"];
    let mut out = Map::new();
    put(&mut out, "id", &element["id"]);
    put(&mut out, "type", &element["type"]);
    put(&mut out, "createdDate", &element["createdDate"]);
    put(&mut out, "actor", &person(&element["actor"]));
    put(&mut out, "parent", &reference(&element["parent"]));
    put(&mut out, "text", &element["body"]["text"]);
    put(
        &mut out,
        "commentCount",
        &capabilities["comments"]["page"]["total"],
    );
    put(
        &mut out,
        "likeCount",
        &capabilities["chatterLikes"]["page"]["total"],
    );
    put(
        &mut out,
        "likedByMe",
        &capabilities["chatterLikes"]["isLikedByCurrentUser"],
    );
    let topics: Vec<Value> = capabilities["topics"]["items"]
        .as_array()
        .map(|items| items.iter().map(|t| t["name"].clone()).collect())
        .unwrap_or_default();
    if !topics.is_empty() {
        out.insert("topics".into(), Value::Array(topics));
    }
    put(&mut out, "link", &capabilities["link"]["url"]);
    Value::Object(out)
}

/// The summary plus the comments embedded in the item (Salesforce embeds the newest few) and,
/// when there are more, how many older comments were not embedded.
pub fn feed_element_detail(element: &Value) -> Value {
    let mut out = match feed_element_summary(element) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let page = &element["capabilities"]["comments"]["page"];
    let comments: Vec<Value> = page["comments"]
        .as_array()
        .map(|items| items.iter().map(feed_comment_summary).collect())
        .unwrap_or_default();
    let total = page["total"].as_u64().unwrap_or(comments.len() as u64);
    let older = total.saturating_sub(comments.len() as u64);
    out.insert("comments".into(), Value::Array(comments));
    if older > 0 {
        out.insert("olderComments".into(), json!(older));
    }
    Value::Object(out)
}

pub fn feed_comment_summary(comment: &Value) -> Value {
    let mut out = Map::new();
    put(&mut out, "id", &comment["id"]);
    put(&mut out, "author", &person(&comment["user"]));
    put(&mut out, "createdDate", &comment["createdDate"]);
    put(&mut out, "text", &comment["body"]["text"]);
    put(&mut out, "feedElementId", &comment["feedElement"]["id"]);
    Value::Object(out)
}

pub fn chatter_group_summary(group: &Value) -> Value {
    let mut out = Map::new();
    for key in [
        "id",
        "name",
        "description",
        "visibility",
        "memberCount",
        "myRole",
        "isArchived",
    ] {
        put(&mut out, key, &group[key]);
    }
    put(&mut out, "owner", &person(&group["owner"]));
    put(&mut out, "lastPostDate", &group["lastFeedElementPostDate"]);
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, name: &str) -> Value {
        json!({"id": id, "name": name, "displayName": name, "type": "User", "photo": {"url": "/x"}, "motif": {}})
    }

    fn feed_item() -> Value {
        json!({
            "actor": user("005Dm0000000001AAA", "Ann Lee"),
            "body": {"isRichText": false, "messageSegments": [{"type": "Text", "text": "Dashboard is slow again"}], "text": "Dashboard is slow again"},
            "capabilities": {
                "chatterLikes": {"isLikedByCurrentUser": true, "page": {"items": [], "total": 2}},
                "comments": {"page": {"comments": [{
                    "id": "0D7Dm0000000001AAA", "createdDate": "2026-11-19T10:00:00.000Z",
                    "body": {"text": "Looking into it"}, "user": user("005Dm0000000002AAA", "Raj Patel"),
                    "feedElement": {"id": "0D5Dm0000000001AAA", "url": "/x"}
                }], "total": 4}},
                "topics": {"items": [{"id": "0TODm0000000001AAA", "name": "Performance"}]}
            },
            "createdDate": "2026-11-19T09:00:00.000Z",
            "feedElementType": "FeedItem",
            "header": {"text": "Ann Lee to Support Team"},
            "id": "0D5Dm0000000001AAA",
            "parent": {"id": "0F9Dm0000000001AAA", "name": "Support Team", "type": "CollaborationGroup", "memberCount": 5},
            "type": "TextPost",
            "url": "/services/data/v66.0/chatter/feed-elements/0D5Dm0000000001AAA",
            "visibility": "AllUsers"
        })
    }

    #[test]
    fn a_feed_item_keeps_what_an_agent_reads() {
        assert_eq!(
            feed_element_summary(&feed_item()),
            json!({
                "id": "0D5Dm0000000001AAA", "type": "TextPost", "createdDate": "2026-11-19T09:00:00.000Z",
                "actor": {"id": "005Dm0000000001AAA", "name": "Ann Lee"},
                "parent": {"id": "0F9Dm0000000001AAA", "name": "Support Team", "type": "CollaborationGroup"},
                "text": "Dashboard is slow again", "commentCount": 4, "likeCount": 2, "likedByMe": true,
                "topics": ["Performance"]
            })
        );
    }

    #[test]
    fn the_detail_says_how_many_comments_it_left_out() {
        let detail = feed_element_detail(&feed_item());
        assert_eq!(
            detail["comments"],
            json!([{"id": "0D7Dm0000000001AAA", "author": {"id": "005Dm0000000002AAA", "name": "Raj Patel"},
                    "createdDate": "2026-11-19T10:00:00.000Z", "text": "Looking into it", "feedElementId": "0D5Dm0000000001AAA"}])
        );
        assert_eq!(detail["olderComments"], 3);
    }

    #[test]
    fn groups_name_their_owner() {
        let group = json!({"id": "0F9Dm0000000001AAA", "name": "Support Team", "description": null,
            "visibility": "PublicAccess", "memberCount": 5, "myRole": "StandardMember", "isArchived": false,
            "owner": user("005Dm0000000003AAA", "Mia Chen"), "lastFeedElementPostDate": null, "photo": {}});
        assert_eq!(
            chatter_group_summary(&group),
            json!({"id": "0F9Dm0000000001AAA", "name": "Support Team", "visibility": "PublicAccess",
                   "memberCount": 5, "myRole": "StandardMember", "isArchived": false,
                   "owner": {"id": "005Dm0000000003AAA", "name": "Mia Chen"}})
        );
    }
}
