//! Topics: `/connect/topics` (search and list) and `/connect/topics/{id}`, and the topics a
//! post's hashtags assign (Topic and TopicAssignment records).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::request::{NumberedPage, Params, invalid_input, resolve_id};
use super::view::{View, connect_field};
use crate::demo_org::api::error::{ApiError, json_response};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::dml::{self, DmlContext};
use crate::demo_org::state::AppState;
use crate::demo_org::store::{OrgData, Record};

fn talking_about(topic: &Record) -> u64 {
    topic.get("TalkingAbout").as_u64().unwrap_or(0)
}

/// The Connect Topic representation.
pub fn topic_json(view: &View, topic: &Record) -> Value {
    json!({
        "createdDate": connect_field(topic, "CreatedDate"),
        "description": topic.get("Description"),
        "id": topic.id,
        "images": {"coverImageUrl": null, "featuredImageUrl": null},
        "isBeingDeleted": false,
        "name": topic.get("Name"),
        "nonLocalizedName": topic.get("Name"),
        "talkingAbout": talking_about(topic),
        "url": view.connect_url(&format!("/topics/{}", topic.id)),
    })
}

/// The topics assigned to a record, by name.
pub fn topics_of<'a>(org: &'a OrgData, entity_id: &str) -> Vec<&'a Record> {
    let mut topics: Vec<&Record> = org
        .records("TopicAssignment")
        .filter(|a| a.get_str("EntityId") == Some(entity_id))
        .filter_map(|a| a.get_str("TopicId"))
        .filter_map(|id| org.get(id))
        .collect();
    topics.sort_by_key(|t| t.get_str("Name").unwrap_or("").to_lowercase());
    topics.dedup_by(|a, b| a.id == b.id);
    topics
}

fn topic_named<'a>(org: &'a OrgData, name: &str) -> Option<&'a Record> {
    org.records("Topic").find(|t| {
        t.get_str("Name")
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

/// Assigns the topics named by hashtags to a record, creating topics that do not exist yet, as
/// Chatter does when a post carries hashtags. Each new assignment adds one to TalkingAbout.
pub fn assign_hashtags(
    org: &mut OrgData,
    entity_id: &str,
    tags: &[String],
    ctx: &DmlContext,
) -> Result<(), ApiError> {
    for tag in tags {
        let topic_id = match topic_named(org, tag) {
            Some(topic) => topic.id.clone(),
            None => {
                let mut fields = Map::new();
                fields.insert("Name".into(), json!(tag));
                let id = dml::insert(org, "Topic", &fields, ctx)?;
                if let Some(topic) = org.get_mut(&id) {
                    topic.fields.insert("TalkingAbout".into(), json!(0));
                }
                id
            }
        };
        let assigned = org.records("TopicAssignment").any(|a| {
            a.get_str("TopicId") == Some(topic_id.as_str())
                && a.get_str("EntityId") == Some(entity_id)
        });
        if assigned {
            continue;
        }
        let mut fields = Map::new();
        fields.insert("TopicId".into(), json!(topic_id));
        fields.insert("EntityId".into(), json!(entity_id));
        dml::insert(org, "TopicAssignment", &fields, ctx)?;
        if let Some(topic) = org.get_mut(&topic_id) {
            let count = talking_about(topic) + 1;
            topic.fields.insert("TalkingAbout".into(), json!(count));
        }
    }
    Ok(())
}

/// `GET /connect/topics?q=&exactMatch=&sort=popularDesc|alphaAsc&page=&pageSize=`.
pub async fn list_topics(
    State(state): State<AppState>,
    version: ApiVersion,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let size = params.page_size(25, 100)?;
    let page = params.page_number()?;
    let exact = params.flag("exactMatch")?.unwrap_or(false);
    let q = params.get("q");
    if let Some(q) = q {
        if q.chars().filter(|c| *c != '*').count() < 2 {
            return Err(invalid_input(
                "The search term q must contain at least 2 characters, not counting wildcards.",
            ));
        }
    } else if exact {
        return Err(invalid_input("exactMatch needs a search term in q."));
    }
    let sort = params.get("sort").unwrap_or("popularDesc");
    if !matches!(sort, "popularDesc" | "alphaAsc") {
        return Err(invalid_input(format!(
            "Invalid value for sort: {sort}. Specify popularDesc or alphaAsc."
        )));
    }
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let needle = q.map(|q| q.trim_matches('*').to_lowercase());
    let mut topics: Vec<&Record> = org
        .records("Topic")
        .filter(|t| {
            let name = t.get_str("Name").unwrap_or("").to_lowercase();
            match &needle {
                None => true,
                Some(n) if exact => name == *n,
                Some(n) => name.contains(n.as_str()),
            }
        })
        .collect();
    let name_of = |t: &Record| t.get_str("Name").unwrap_or("").to_lowercase();
    if sort == "alphaAsc" {
        topics.sort_by_key(|t| name_of(t));
    } else {
        topics.sort_by(|a, b| {
            talking_about(b)
                .cmp(&talking_about(a))
                .then_with(|| name_of(a).cmp(&name_of(b)))
        });
    }
    let mut fixed = Vec::new();
    for name in ["q", "exactMatch", "sort"] {
        if let Some(value) = params.get(name) {
            fixed.push((name, value.to_owned()));
        }
    }
    let listed = NumberedPage::of(&topics, page, size, &view.connect_url("/topics"), &fixed);
    let body = json!({
        "currentPageUrl": listed.current_url,
        "nextPageUrl": listed.next_url,
        "topics": listed.items.iter().map(|t| topic_json(&view, t)).collect::<Vec<_>>(),
    });
    Ok(json_response(StatusCode::OK, &body))
}

/// `GET /connect/topics/{topicId}`.
pub async fn get_topic(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, topic_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let id = resolve_id(&topic_id, view.me)?;
    let topic = org
        .get(&id)
        .filter(|r| r.sobject == "Topic")
        .ok_or_else(ApiError::not_found)?;
    Ok(json_response(StatusCode::OK, &topic_json(&view, topic)))
}
