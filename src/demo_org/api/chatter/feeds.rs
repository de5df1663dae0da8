//! Feeds: `/chatter/feeds/{type}[/{subjectId}]/feed-elements` as a Feed Element Page, newest
//! first, paged by opaque tokens that name the last element shown (so new posts never shift a
//! page). The news feed also answers `is-modified` polling.
//!
//! What each feed holds, for the current user U:
//! * company: every post U may see;
//! * news/me: posts by U, on U's profile, in U's groups, on records U owns, posts U commented
//!   on, and posts mentioning U;
//! * to/me: posts on U's profile by others, and posts or comments mentioning U;
//! * user-profile/{user}: posts by that user or on their profile;
//! * record/{id}: posts on that record or group (a user id gives the user-profile feed).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::feed_items::{can_see, feed_item_json};
use super::groups::membership;
use super::people::find_user;
use super::records::feed_enabled;
use super::request::{Params, invalid_input, resolve_id, url_with_query};
use super::segments::mentioned_user_ids;
use super::view::{View, field_time};
use crate::demo_org::api::error::{ApiError, json_response};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::state::AppState;
use crate::demo_org::store::{OrgData, Record};

/// A feed and whose it is.
#[derive(Clone, Debug, PartialEq)]
pub enum Feed {
    Company,
    News,
    To,
    UserProfile(String),
    Record(String),
}

impl Feed {
    /// The feed a `/chatter/feeds/...` path names, or 404 for unknown types and subjects.
    pub fn resolve(
        org: &OrgData,
        me: &str,
        feed_type: &str,
        subject: Option<&str>,
    ) -> Result<Feed, ApiError> {
        let subject_id = subject.map(|s| resolve_id(s, me)).transpose()?;
        match (feed_type, subject_id) {
            ("company", None) => Ok(Feed::Company),
            ("news", Some(id)) if id == me => Ok(Feed::News),
            ("to", Some(id)) if id == me => Ok(Feed::To),
            ("user-profile", Some(id)) if find_user(org, &id).is_some() => {
                Ok(Feed::UserProfile(id))
            }
            ("record", Some(id)) => {
                let record = org.get(&id).ok_or_else(ApiError::not_found)?;
                if record.sobject == "User" {
                    Ok(Feed::UserProfile(record.id.clone()))
                } else if feed_enabled(org, &record.sobject) {
                    Ok(Feed::Record(record.id.clone()))
                } else {
                    Err(ApiError::not_found())
                }
            }
            _ => Err(ApiError::not_found()),
        }
    }

    /// `/chatter/feeds/...` without the `/feed-elements` tail.
    fn path(&self) -> String {
        match self {
            Feed::Company => "/feeds/company".to_owned(),
            Feed::News => "/feeds/news/me".to_owned(),
            Feed::To => "/feeds/to/me".to_owned(),
            Feed::UserProfile(id) => format!("/feeds/user-profile/{id}"),
            Feed::Record(id) => format!("/feeds/record/{id}"),
        }
    }
}

/// True when stored text mentions the user.
fn mentions(org: &OrgData, text: Option<&str>, user_id: &str) -> bool {
    text.is_some_and(|t| mentioned_user_ids(org, t).iter().any(|id| id == user_id))
}

/// True when the feed holds `item` (visibility is checked separately).
fn holds(org: &OrgData, me: &str, feed: &Feed, item: &Record) -> bool {
    let author = item.get_str("CreatedById");
    let parent = item.get_str("ParentId");
    let mentions_me = || mentions(org, item.get_str("Body"), me);
    let comments = || {
        org.records("FeedComment")
            .filter(move |c| c.get_str("FeedItemId") == Some(item.id.as_str()))
    };
    match feed {
        Feed::Company => true,
        Feed::Record(id) => parent == Some(id.as_str()),
        Feed::UserProfile(id) => author == Some(id.as_str()) || parent == Some(id.as_str()),
        Feed::To => {
            (parent == Some(me) && author != Some(me))
                || mentions_me()
                || comments().any(|c| mentions(org, c.get_str("CommentBody"), me))
        }
        Feed::News => {
            author == Some(me)
                || parent == Some(me)
                || parent.is_some_and(|p| membership(org, p, me).is_some())
                || parent
                    .and_then(|p| org.get(p))
                    .is_some_and(|r| r.get_str("OwnerId") == Some(me))
                || comments().any(|c| c.get_str("CreatedById") == Some(me))
                || mentions_me()
        }
    }
}

/// How a feed is ordered: by creation, or by last activity (a comment bumps a post).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Sort {
    CreatedDateDesc,
    LastModifiedDateDesc,
}

impl Sort {
    fn parse(value: Option<&str>) -> Result<Sort, ApiError> {
        match value {
            None | Some("LastModifiedDateDesc") => Ok(Sort::LastModifiedDateDesc),
            Some("CreatedDateDesc") => Ok(Sort::CreatedDateDesc),
            Some(other) => Err(invalid_input(format!(
                "Invalid value for sort: {other}. Specify CreatedDateDesc or LastModifiedDateDesc."
            ))),
        }
    }

    fn wire(self) -> &'static str {
        match self {
            Sort::CreatedDateDesc => "CreatedDateDesc",
            Sort::LastModifiedDateDesc => "LastModifiedDateDesc",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Sort::CreatedDateDesc => "CreatedDate",
            Sort::LastModifiedDateDesc => "LastModifiedDate",
        }
    }
}

/// Where a page starts: just after the element with this sort key and id.
#[derive(Clone, Debug, PartialEq)]
struct PageToken {
    millis: i64,
    id: String,
}

impl PageToken {
    fn encode(&self) -> String {
        format!("{}-{}", self.millis, self.id)
    }

    fn decode(text: &str) -> Result<PageToken, ApiError> {
        let bad = || invalid_input(format!("Invalid page token: {text}"));
        let (millis, id) = text.split_once('-').ok_or_else(bad)?;
        Ok(PageToken {
            millis: millis.parse().map_err(|_| bad())?,
            id: id.to_owned(),
        })
    }
}

fn sort_key(item: &Record, sort: Sort) -> i64 {
    field_time(item, sort.field())
        .or_else(|| field_time(item, "CreatedDate"))
        .map(|at| at.timestamp_millis())
        .unwrap_or(0)
}

/// The feed's items for the current user, newest first.
fn feed_items<'a>(
    org: &'a OrgData,
    me: &str,
    feed: &Feed,
    sort: Sort,
    q: Option<&str>,
) -> Vec<&'a Record> {
    let needle = q.map(str::to_lowercase);
    let mut items: Vec<&Record> = org
        .records("FeedItem")
        .filter(|item| can_see(org, item, me) && holds(org, me, feed, item))
        .filter(|item| {
            needle.as_ref().is_none_or(|n| {
                [item.get_str("Body"), item.get_str("Title")]
                    .into_iter()
                    .flatten()
                    .any(|t| t.to_lowercase().contains(n.as_str()))
            })
        })
        .collect();
    items.sort_by(|a, b| {
        sort_key(b, sort)
            .cmp(&sort_key(a, sort))
            .then_with(|| b.id.cmp(&a.id))
    });
    items
}

struct FeedRequest {
    size: usize,
    sort: Sort,
    sort_given: bool,
    after: Option<PageToken>,
    updates_since: Option<i64>,
    q: Option<String>,
}

fn read_request(params: &Params) -> Result<FeedRequest, ApiError> {
    let q = params.get("q").map(str::to_owned);
    if q.as_ref().is_some_and(|q| q.chars().count() < 2) {
        return Err(invalid_input(
            "The search term q must contain at least 2 characters.",
        ));
    }
    let updates_since = params
        .get("updatesToken")
        .map(|t| {
            t.parse::<i64>()
                .map_err(|_| invalid_input(format!("Invalid updates token: {t}")))
        })
        .transpose()?;
    Ok(FeedRequest {
        size: params.page_size(25, 100)?,
        sort: Sort::parse(params.get("sort"))?,
        sort_given: params.get("sort").is_some(),
        after: params.get("page").map(PageToken::decode).transpose()?,
        updates_since,
        q,
    })
}

/// The Feed Element Page of a feed.
fn feed_page(view: &View, feed: &Feed, request: &FeedRequest) -> Value {
    let all = feed_items(view.org, view.me, feed, request.sort, request.q.as_deref());
    let newest = all.first().map(|i| sort_key(i, request.sort)).unwrap_or(0);
    let candidates: Vec<&Record> = all
        .into_iter()
        .filter(|item| {
            request
                .updates_since
                .is_none_or(|since| sort_key(item, request.sort) > since)
        })
        .filter(|item| {
            request.after.as_ref().is_none_or(|after| {
                let key = sort_key(item, request.sort);
                key < after.millis || (key == after.millis && item.id < after.id)
            })
        })
        .collect();
    let shown: Vec<&Record> = candidates.iter().take(request.size).copied().collect();
    let next_token = (candidates.len() > shown.len())
        .then(|| shown.last())
        .flatten()
        .map(|last| PageToken {
            millis: sort_key(last, request.sort),
            id: last.id.clone(),
        });
    let path = view.chatter_url(&format!("{}/feed-elements", feed.path()));
    let url_with = |extra: Vec<(&str, String)>| {
        let mut pairs = extra;
        pairs.push(("pageSize", request.size.to_string()));
        if request.sort_given {
            pairs.push(("sort", request.sort.wire().to_owned()));
        }
        if let Some(q) = &request.q {
            pairs.push(("q", q.clone()));
        }
        url_with_query(&path, &pairs)
    };
    let current_token = request.after.as_ref().map(PageToken::encode);
    let current_url = url_with(current_token.iter().map(|t| ("page", t.clone())).collect());
    let next_url = next_token
        .as_ref()
        .map(|t| url_with(vec![("page", t.encode())]));
    let updates_token = newest.to_string();
    let (is_modified_token, is_modified_url) = match feed {
        Feed::News => (
            Value::String(updates_token.clone()),
            Value::String(url_with_query(
                &view.chatter_url("/feeds/news/me/is-modified"),
                &[("since", updates_token.clone())],
            )),
        ),
        _ => (Value::Null, Value::Null),
    };
    json!({
        "currentPageToken": current_token,
        "currentPageUrl": current_url,
        "elements": shown.iter().map(|i| feed_item_json(view, i)).collect::<Vec<_>>(),
        "isModifiedToken": is_modified_token,
        "isModifiedUrl": is_modified_url,
        "nextPageToken": next_token.as_ref().map(PageToken::encode),
        "nextPageUrl": next_url,
        "updatesToken": updates_token,
        "updatesUrl": url_with(vec![("updatesToken", updates_token.clone())]),
    })
}

async fn answer_feed(
    state: AppState,
    version: ApiVersion,
    feed_type: &str,
    subject: Option<&str>,
    raw: Option<String>,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let feed = Feed::resolve(&org, view.me, feed_type, subject)?;
    let request = read_request(&params)?;
    Ok(json_response(
        StatusCode::OK,
        &feed_page(&view, &feed, &request),
    ))
}

/// `GET /chatter/feeds/{feedType}/feed-elements` (the company feed).
pub async fn feed_without_subject(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, feed_type)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer_feed(state, version, &feed_type, None, raw).await
}

/// `GET /chatter/feeds/{feedType}/{subjectId}/feed-elements`.
pub async fn feed_with_subject(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, feed_type, subject)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer_feed(state, version, &feed_type, Some(&subject), raw).await
}

/// `GET /chatter/feeds/news/me/is-modified?since=`: whether the news feed has activity newer
/// than the `isModifiedToken` of an earlier page.
pub async fn news_is_modified(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, feed_type, subject)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let org = state.read();
    let view = View::new(&org, &state.current_user_id, &version, state.now());
    let feed = Feed::resolve(&org, view.me, &feed_type, Some(&subject))?;
    if feed != Feed::News {
        return Err(ApiError::not_found());
    }
    let since_text = params
        .get("since")
        .ok_or_else(|| invalid_input("Missing required parameter: since."))?;
    let since: i64 = since_text
        .parse()
        .map_err(|_| invalid_input(format!("Invalid since token: {since_text}")))?;
    let sort = Sort::LastModifiedDateDesc;
    let modified = feed_items(&org, view.me, &feed, sort, None)
        .iter()
        .any(|item| sort_key(item, sort) > since);
    Ok(json_response(
        StatusCode::OK,
        &json!({"isModified": modified, "nextPollUrl": null}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip() {
        let token = PageToken {
            millis: 1_700_000_000_000,
            id: "0D5Dm0000000001AAA".into(),
        };
        assert_eq!(PageToken::decode(&token.encode()), Ok(token.clone()));
        assert!(PageToken::decode("garbage").is_err());
    }

    #[test]
    fn sort_names_are_checked() {
        assert_eq!(Sort::parse(None), Ok(Sort::LastModifiedDateDesc));
        assert_eq!(
            Sort::parse(Some("CreatedDateDesc")),
            Ok(Sort::CreatedDateDesc)
        );
        assert!(Sort::parse(Some("MostViewed")).is_err());
    }
}
