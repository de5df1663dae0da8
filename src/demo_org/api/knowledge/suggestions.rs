//! Knowledge search suggestions: `/search/suggestTitleMatches` (article titles that match what
//! is typed) and `/search/suggestSearchQueries` (whole queries that start with it).

use std::collections::BTreeSet;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::catalog::Channel;
use super::language::require_language_param;
use super::params::Params;
use super::search::{phrase_match_rank, title_match_rank};
use super::versions::{Status, VERSION_OBJECT, version_number};
use crate::demo_org::api::error::{ApiError, json_response};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::seed::themes::THEMES;
use crate::demo_org::state::AppState;
use crate::demo_org::store::{OrgData, Record};

const DEFAULT_LIMIT: usize = 5;

/// The required `q`: 3 to 250 characters.
fn search_text(params: &Params) -> Result<&str, ApiError> {
    let q = params.get("q").ok_or_else(|| {
        ApiError::bad_request(
            "MISSING_ARGUMENT",
            "Missing required parameter: q (the text typed so far, at least 3 characters).",
        )
    })?;
    let length = q.chars().count();
    if length < 3 {
        return Err(ApiError::bad_request(
            "INVALID_API_INPUT",
            format!("The search text q must be at least 3 characters long: {q}"),
        ));
    }
    if length > 250 {
        return Err(ApiError::bad_request(
            "INVALID_API_INPUT",
            "The search text q can't be longer than 250 characters.",
        ));
    }
    Ok(q)
}

/// `channel` for suggestions: AllChannels (no filter) or one channel.
fn channel_filter(params: &Params) -> Result<Option<Channel>, ApiError> {
    match params.get("channel") {
        None => Ok(None),
        Some(text) if text.eq_ignore_ascii_case("AllChannels") => Ok(None),
        Some(text) => Channel::parse(text).map(Some).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_API_INPUT",
                format!(
                    "Invalid value for channel: {text}. Specify AllChannels, App, Pkb, Csp or Prm."
                ),
            )
        }),
    }
}

fn limit(params: &Params) -> Result<usize, ApiError> {
    params.number("limit", DEFAULT_LIMIT, 1..=100)
}

/// The version of each article that carries `status` (its newest one for Archived).
fn versions_with_status(org: &OrgData, status: Status) -> Vec<&Record> {
    let mut best: Vec<&Record> = Vec::new();
    for version in org.records(VERSION_OBJECT) {
        if Status::of(version) != Some(status) {
            continue;
        }
        let article = version.get_str("KnowledgeArticleId");
        match best
            .iter_mut()
            .find(|b| b.get_str("KnowledgeArticleId") == article)
        {
            Some(slot) if version_number(version) > version_number(slot) => *slot = version,
            Some(_) => {}
            None => best.push(version),
        }
    }
    best
}

/// `GET /search/suggestTitleMatches?q=&language=&publishStatus=[&articleTypes=&channel=&limit=]`.
pub async fn suggest_title_matches(
    State(state): State<AppState>,
    version: ApiVersion,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let q = search_text(&params)?;
    require_language_param(params.get("language"))?;
    let status_text = params.get("publishStatus").ok_or_else(|| {
        ApiError::bad_request(
            "MISSING_ARGUMENT",
            "Missing required parameter: publishStatus (Draft, Online or Archived).",
        )
    })?;
    let status = Status::parse(status_text).ok_or_else(|| {
        ApiError::bad_request(
            "INVALID_API_INPUT",
            format!(
                "Invalid value for publishStatus: {status_text}. Specify Draft, Online or Archived."
            ),
        )
    })?;
    let channel = channel_filter(&params)?;
    let limit = limit(&params)?;
    let article_types = params.all("articleTypes");
    if let Some(bad) = article_types.iter().find(|t| t.chars().count() != 3) {
        return Err(ApiError::bad_request(
            "INVALID_API_INPUT",
            format!(
                "Invalid value for articleTypes: {bad}. Use the 3-character key prefix of an article type."
            ),
        ));
    }
    let org = state.read();
    let prefix = org
        .schema
        .object(VERSION_OBJECT)
        .map(|o| o.key_prefix.clone())
        .unwrap_or_default();
    let type_wanted = article_types.is_empty() || article_types.contains(&prefix.as_str());
    let mut matches: Vec<((u8, usize), &Record)> = if type_wanted {
        versions_with_status(&org, status)
            .into_iter()
            .filter(|v| channel.is_none_or(|c| c.shows(v)))
            .filter_map(|v| title_match_rank(q, v.get_str("Title").unwrap_or("")).map(|r| (r, v)))
            .collect()
    } else {
        Vec::new()
    };
    matches.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then_with(|| a.get_str("Title").cmp(&b.get_str("Title")))
    });
    let has_more = matches.len() > limit;
    let results: Vec<Value> = matches
        .iter()
        .take(limit)
        .map(|(_, v)| {
            json!({
                "attributes": {
                    "type": "KnowledgeArticleVersion",
                    "url": format!("{}/KnowledgeArticleVersion/{}", version.sobjects_base(), v.id),
                },
                "Id": v.id,
                "UrlName": v.get("UrlName"),
                "Title": v.get("Title"),
                "KnowledgeArticleId": v.get("KnowledgeArticleId"),
                "isMasterLanguage": "1",
            })
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({"autoSuggestResults": results, "hasMoreResults": has_more}),
    ))
}

/// Phrases people search Knowledge with: the titles of articles readers can find, the words and
/// topics support problems are known by, Chatter topics, and the topics of recorded Copilot
/// conversations.
fn known_queries(org: &OrgData, channel: Option<Channel>) -> BTreeSet<String> {
    let mut phrases = BTreeSet::new();
    let mut add = |text: &str| {
        let phrase = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !phrase.is_empty() {
            phrases.insert(phrase.to_lowercase());
        }
    };
    for version in versions_with_status(org, Status::Online) {
        if channel.is_none_or(|c| c.shows(version)) {
            add(version.get_str("Title").unwrap_or(""));
        }
    }
    for theme in THEMES {
        add(theme.topic);
        for keyword in theme.keywords {
            add(keyword);
        }
    }
    for topic in org.records("Topic") {
        add(topic.get_str("Name").unwrap_or(""));
    }
    for interaction in org.records("Copilot_Interaction__c") {
        add(interaction.get_str("Topic__c").unwrap_or(""));
    }
    phrases
}

/// `GET /search/suggestSearchQueries?q=&language=[&channel=&limit=]`: queries starting with (or
/// with a word starting with) the typed text, as one object keyed "0", "1", ….
pub async fn suggest_search_queries(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let q = search_text(&params)?;
    require_language_param(params.get("language"))?;
    let channel = channel_filter(&params)?;
    let limit = limit(&params)?;
    let org = state.read();
    let mut ranked: Vec<(u8, String)> = known_queries(&org, channel)
        .into_iter()
        .filter_map(|p| phrase_match_rank(q, &p).map(|rank| (rank, p)))
        .collect();
    ranked.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then_with(|| a.len().cmp(&b.len()))
            .then_with(|| a.cmp(b))
    });
    let has_more = ranked.len() > limit;
    let keyed: Map<String, Value> = ranked
        .into_iter()
        .take(limit)
        .enumerate()
        .map(|(i, (_, phrase))| (i.to_string(), Value::String(phrase)))
        .collect();
    let results = if keyed.is_empty() {
        Vec::new()
    } else {
        vec![Value::Object(keyed)]
    };
    Ok(json_response(
        StatusCode::OK,
        &json!({"autoSuggestResults": results, "hasMoreResults": has_more}),
    ))
}
