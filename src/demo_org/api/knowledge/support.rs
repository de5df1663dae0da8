//! The Knowledge Support API (v38+): `/support`, `/support/dataCategoryGroups`,
//! `/support/knowledgeArticles` (list and search) and `/support/knowledgeArticles/{id|urlName}`.
//! Readers see Online versions only, filtered by channel; `Accept-Language` is required.

use std::cmp::Ordering;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::catalog::{Channel, Published, online_articles, view_score};
use super::language::require_accept_language;
use super::params::{Params, support_field, url_with_query};
use super::search::{Document, terms};
use super::versions::{VERSION_OBJECT, add_views};
use crate::demo_org::api::error::{ApiError, json_response};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::ids;
use crate::demo_org::state::AppState;
use crate::demo_org::store::{OrgData, Record, parse_datetime};

/// The Support API exists from API version 38.0; older versions answer 404 as for any resource
/// they do not have.
fn require_support_version(version: &ApiVersion) -> Result<(), ApiError> {
    match version.0.parse::<f64>() {
        Ok(number) if number >= 38.0 => Ok(()),
        _ => Err(ApiError::not_found()),
    }
}

fn support_url(version: &ApiVersion, rest: &str) -> String {
    format!("{}/support{rest}", version.base())
}

/// `GET /support`: the Support API's resources.
pub async fn support_root(version: ApiVersion) -> Result<Response, ApiError> {
    require_support_version(&version)?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "dataCategoryGroups": support_url(&version, "/dataCategoryGroups"),
            "knowledgeArticles": support_url(&version, "/knowledgeArticles"),
        }),
    ))
}

/// `GET /support/dataCategoryGroups?sObjectName=KnowledgeArticleVersion`: the org defines no
/// data category groups.
pub async fn data_category_groups(
    version: ApiVersion,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    require_support_version(&version)?;
    require_accept_language(&headers)?;
    let params = Params::parse(raw.as_deref());
    match params.get("sObjectName") {
        Some("KnowledgeArticleVersion") => Ok(json_response(
            StatusCode::OK,
            &json!({"categoryGroups": []}),
        )),
        Some(other) => Err(ApiError::bad_request(
            "INVALID_API_INPUT",
            format!("Invalid value for sObjectName: {other}. Use KnowledgeArticleVersion."),
        )),
        None => Err(ApiError::bad_request(
            "MISSING_ARGUMENT",
            "Missing required parameter: sObjectName (KnowledgeArticleVersion).",
        )),
    }
}

/// The `categories` filter: a JSON map of at most 3 data category groups. The org has no data
/// categories, so a well-formed filter names a group that does not exist.
fn check_categories(params: &Params) -> Result<(), ApiError> {
    if let Some(method) = params.get("queryMethod")
        && !matches!(method, "AT" | "BELOW" | "ABOVE" | "ABOVE_OR_BELOW")
    {
        return Err(ApiError::bad_request(
            "INVALID_API_INPUT",
            format!(
                "Invalid value for queryMethod: {method}. Specify AT, BELOW, ABOVE or ABOVE_OR_BELOW."
            ),
        ));
    }
    let Some(text) = params.get("categories") else {
        return Ok(());
    };
    let map: Map<String, Value> = serde_json::from_str(text).map_err(|_| {
        ApiError::bad_request(
            "ARGUMENT_OBJECT_PARSE_ERROR",
            format!("categories is not a JSON map of group to category: {text}"),
        )
    })?;
    if map.len() > 3 {
        return Err(ApiError::bad_request(
            "INVALID_FILTER_VALUE",
            "You can filter by at most 3 data category groups.",
        ));
    }
    match map.keys().next() {
        Some(group) => Err(ApiError::bad_request(
            "INVALID_FILTER_VALUE",
            format!("The data category group {group} doesn't exist."),
        )),
        None => Ok(()),
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum SortBy {
    LastPublishedDate,
    CreatedDate,
    Title,
    ViewScore,
}

impl SortBy {
    fn parse(text: &str) -> Result<SortBy, ApiError> {
        match text.to_ascii_lowercase().as_str() {
            "lastpublisheddate" => Ok(SortBy::LastPublishedDate),
            "createddate" => Ok(SortBy::CreatedDate),
            "title" => Ok(SortBy::Title),
            "viewscore" => Ok(SortBy::ViewScore),
            _ => Err(ApiError::bad_request(
                "INVALID_API_INPUT",
                format!(
                    "Invalid value for sort: {text}. Specify LastPublishedDate, CreatedDate, Title or ViewScore."
                ),
            )),
        }
    }

    fn compare(self, a: &Published, b: &Published, channel: Channel) -> Ordering {
        let time = |p: &Published, field: &str, record: &Record| {
            record
                .get_str(field)
                .and_then(parse_datetime)
                .or_else(|| p.article.get_str("CreatedDate").and_then(parse_datetime))
        };
        match self {
            SortBy::LastPublishedDate => time(a, "LastPublishedDate", a.version).cmp(&time(
                b,
                "LastPublishedDate",
                b.version,
            )),
            SortBy::CreatedDate => time(a, "ArticleCreatedDate", a.version).cmp(&time(
                b,
                "ArticleCreatedDate",
                b.version,
            )),
            SortBy::Title => {
                let title = |p: &Published| p.version.get_str("Title").unwrap_or("").to_lowercase();
                title(a).cmp(&title(b))
            }
            SortBy::ViewScore => a.channel_views(channel).cmp(&b.channel_views(channel)),
        }
    }
}

fn article_url(version: &ApiVersion, article_id: &str) -> String {
    support_url(version, &format!("/knowledgeArticles/{article_id}"))
}

fn article_summary(
    version: &ApiVersion,
    published: &Published,
    channel: Channel,
    max_views: u64,
) -> Value {
    let views = published.channel_views(channel);
    let (up, down) = published.channel_votes(channel);
    let v = published.version;
    json!({
        "articleNumber": published.article.get("ArticleNumber"),
        "articleType": VERSION_OBJECT,
        "categoryGroups": [],
        "downVoteCount": down,
        "id": published.article.id,
        "lastPublishedDate": support_field(v, "LastPublishedDate"),
        "summary": v.get("Summary"),
        "title": v.get("Title"),
        "upVoteCount": up,
        "url": article_url(version, &published.article.id),
        "urlName": v.get("UrlName"),
        "viewCount": views,
        "viewScore": view_score(views, max_views),
    })
}

/// `GET /support/knowledgeArticles?q=&channel=&categories=&queryMethod=&sort=&order=&pageSize=&pageNumber=`.
pub async fn list_articles(
    State(state): State<AppState>,
    version: ApiVersion,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    require_support_version(&version)?;
    require_accept_language(&headers)?;
    let params = Params::parse(raw.as_deref());
    let size = params.number("pageSize", 20, 1..=100)?;
    let page = params.number("pageNumber", 1, 1..=usize::MAX)?;
    let channel = Channel::from_param(params.get("channel"))?;
    let sort = params.get("sort").map(SortBy::parse).transpose()?;
    let descending = match params.get("order").map(str::to_ascii_uppercase).as_deref() {
        None => sort != Some(SortBy::Title),
        Some("DESC") => true,
        Some("ASC") => false,
        Some(other) => {
            return Err(ApiError::bad_request(
                "INVALID_API_INPUT",
                format!("Invalid value for order: {other}. Specify ASC or DESC."),
            ));
        }
    };
    check_categories(&params)?;
    let org = state.read();
    let mut published = online_articles(&org, channel);
    let max_views = published
        .iter()
        .map(|p| p.channel_views(channel))
        .max()
        .unwrap_or(0);
    let directed = |ordering: Ordering| {
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    };
    match params.get("q") {
        Some(q) => {
            let query = terms(q);
            let mut scored: Vec<(u32, Published)> = published
                .into_iter()
                .map(|p| {
                    let doc = Document::new(
                        p.version.get_str("Title").unwrap_or(""),
                        p.version.get_str("Summary").unwrap_or(""),
                        p.version.get_str("Content__c").unwrap_or(""),
                    );
                    (doc.score(&query), p)
                })
                .filter(|(score, _)| *score > 0)
                .collect();
            scored.sort_by(|(sa, a), (sb, b)| match sort {
                Some(by) => directed(by.compare(a, b, channel)),
                None => sb
                    .cmp(sa)
                    .then_with(|| SortBy::LastPublishedDate.compare(b, a, channel)),
            });
            published = scored.into_iter().map(|(_, p)| p).collect();
        }
        None => {
            let by = sort.unwrap_or(SortBy::LastPublishedDate);
            published.sort_by(|a, b| directed(by.compare(a, b, channel)));
        }
    }
    let start = (page - 1).saturating_mul(size);
    let articles: Vec<Value> = published
        .iter()
        .skip(start)
        .take(size)
        .map(|p| article_summary(&version, p, channel, max_views))
        .collect();
    let has_next = start.saturating_add(size) < published.len();
    let page_url = |number: usize| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for name in ["q", "channel", "categories", "queryMethod", "sort", "order"] {
            if let Some(value) = params.get(name) {
                pairs.push((name, value.to_owned()));
            }
        }
        pairs.push(("pageSize", size.to_string()));
        pairs.push(("pageNumber", number.to_string()));
        url_with_query(&support_url(&version, "/knowledgeArticles"), &pairs)
    };
    let body = json!({
        "articles": articles,
        "currentPageUrl": page_url(page),
        "nextPageUrl": has_next.then(|| page_url(page + 1)),
        "pageNumber": page,
    });
    Ok(json_response(StatusCode::OK, &body))
}

fn user_reference(version: &ApiVersion, org: &OrgData, id: Option<&str>) -> Value {
    let Some(user) = id
        .and_then(|id| org.get(id))
        .filter(|r| r.sobject == "User")
    else {
        return Value::Null;
    };
    json!({
        "email": user.get("Email"),
        "firstName": user.get("FirstName"),
        "id": user.id,
        "isActive": user.get("IsActive").as_bool().unwrap_or(true),
        "lastName": user.get("LastName"),
        "url": format!("{}/chatter/users/{}", version.base(), user.id),
        "userName": user.get("Username"),
    })
}

fn article_detail(org: &OrgData, version: &ApiVersion, published: &Published) -> Value {
    let scale = score_scale(org);
    let v = published.version;
    let all_views = published.total_views();
    let mut detail = json!({
        "allViewCount": all_views,
        "allViewScore": view_score(all_views, scale.max_total),
        "articleNumber": published.article.get("ArticleNumber"),
        "articleType": VERSION_OBJECT,
        "categoryGroups": [],
        "createdBy": user_reference(version, org, published.article.get_str("CreatedById")),
        "createdDate": support_field(published.article, "CreatedDate"),
        "id": published.article.id,
        "lastModifiedBy": user_reference(version, org, v.get_str("LastModifiedById")),
        "lastModifiedDate": support_field(v, "LastModifiedDate"),
        "lastPublishedDate": support_field(v, "LastPublishedDate"),
        "layoutItems": [
            {
                "label": "Content",
                "name": "Content__c",
                "type": "RICH_TEXT_AREA",
                "value": v.get("Content__c"),
            },
            {
                "label": "Source",
                "name": "SourceId",
                "type": "LOOKUP",
                "value": v.get("SourceId"),
            },
        ],
        "summary": v.get("Summary"),
        "title": v.get("Title"),
        "url": article_url(version, &published.article.id),
        "urlName": v.get("UrlName"),
        "versionNumber": v.get("VersionNumber"),
    });
    if let Value::Object(map) = &mut detail {
        for (channel, max_views) in Channel::ALL.iter().zip(scale.max_by_channel) {
            let views = published.channel_views(*channel);
            let (up, down) = published.channel_votes(*channel);
            let key = channel.key();
            map.insert(format!("{key}DownVoteCount"), json!(down));
            map.insert(format!("{key}UpVoteCount"), json!(up));
            map.insert(format!("{key}ViewCount"), json!(views));
            map.insert(format!("{key}ViewScore"), view_score(views, max_views));
        }
    }
    detail
}

/// The most viewed article's counts, overall and per channel, that view scores scale to.
struct ScoreScale {
    max_total: u64,
    max_by_channel: [u64; 4],
}

fn score_scale(org: &OrgData) -> ScoreScale {
    let mut max_by_channel = [0; 4];
    let mut max_total = 0;
    for (slot, channel) in max_by_channel.iter_mut().zip(Channel::ALL) {
        for p in online_articles(org, channel) {
            *slot = (*slot).max(p.channel_views(channel));
            max_total = max_total.max(p.total_views());
        }
    }
    ScoreScale {
        max_total,
        max_by_channel,
    }
}

/// The master article a path value names: an article id, or (with `isUrlName=true`, or when
/// the value is not id-shaped) a UrlName.
fn article_id_for(org: &OrgData, key: &str, by_url_name: bool) -> Option<String> {
    if !by_url_name && let Some(id) = ids::canonical(key) {
        return org
            .get(&id)
            .filter(|r| r.sobject == "KnowledgeArticle")
            .map(|r| r.id.clone());
    }
    org.records(VERSION_OBJECT)
        .filter(|v| v.get("IsLatestVersion").as_bool().unwrap_or(false))
        .find(|v| {
            v.get_str("UrlName")
                .is_some_and(|u| u.eq_ignore_ascii_case(key))
        })
        .and_then(|v| v.get_str("KnowledgeArticleId"))
        .map(str::to_owned)
}

/// `GET /support/knowledgeArticles/{articleId|urlName}?channel=&updateViewStat=&isUrlName=`.
/// Reading counts as a view unless `updateViewStat=false`.
pub async fn get_article(
    State(state): State<AppState>,
    version: ApiVersion,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    require_support_version(&version)?;
    require_accept_language(&headers)?;
    let params = Params::parse(raw.as_deref());
    let channel = Channel::from_param(params.get("channel"))?;
    let flag = |name: &str| -> Result<Option<bool>, ApiError> {
        match params.get(name).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(ApiError::bad_request(
                "INVALID_API_INPUT",
                format!("Invalid value for {name}: {other}. Specify true or false."),
            )),
        }
    };
    let by_url_name = flag("isUrlName")?.unwrap_or(false);
    let count_view = flag("updateViewStat")?.unwrap_or(true);
    let mut org = state.write();
    let article_id = article_id_for(&org, &key, by_url_name).ok_or_else(ApiError::not_found)?;
    let visible = |org: &OrgData| {
        online_articles(org, channel)
            .iter()
            .any(|p| p.article.id == article_id)
    };
    if !visible(&org) {
        return Err(ApiError::not_found());
    }
    if count_view {
        add_views(&mut org, &article_id, 1);
    }
    let published = online_articles(&org, channel)
        .into_iter()
        .find(|p| p.article.id == article_id)
        .ok_or_else(ApiError::not_found)?;
    Ok(json_response(
        StatusCode::OK,
        &article_detail(&org, &version, &published),
    ))
}
