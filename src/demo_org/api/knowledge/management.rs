//! knowledgeManagement resources: `/knowledgeManagement/settings`, article metadata at
//! `/knowledgeManagement/articles/{id}` (GET only, as in a real org), and the master versions
//! that drafts are created, published, archived and deleted through.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::params::{Params, support_field};
use super::versions::{
    self, KNOWLEDGE_LANGUAGE, Status, VERSION_OBJECT, find_article, find_version, invalid_state,
    versions_of,
};
use crate::demo_org::api::error::{ApiError, json_response, no_content};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::ids;
use crate::demo_org::state::AppState;
use crate::demo_org::store::{OrgData, Record};

fn km_url(version: &ApiVersion, rest: &str) -> String {
    format!("{}/knowledgeManagement{rest}", version.base())
}

fn version_url(version: &ApiVersion, id: &str) -> String {
    km_url(version, &format!("/articleVersions/masterVersions/{id}"))
}

/// `GET /knowledgeManagement/settings`.
pub async fn settings() -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "defaultLanguage": KNOWLEDGE_LANGUAGE,
            "knowledgeEnabled": true,
            "languages": [{"active": true, "name": KNOWLEDGE_LANGUAGE}],
        }),
    )
}

/// One article version's metadata.
fn version_json(version: &ApiVersion, record: &Record) -> Value {
    json!({
        "articleId": record.get("KnowledgeArticleId"),
        "articleNumber": record.get("ArticleNumber"),
        "articleType": VERSION_OBJECT,
        "createdDate": support_field(record, "CreatedDate"),
        "id": record.id,
        "isLatestVersion": record.get("IsLatestVersion").as_bool().unwrap_or(false),
        "isMasterLanguage": true,
        "language": record.get("Language"),
        "lastModifiedDate": support_field(record, "LastModifiedDate"),
        "lastPublishedDate": support_field(record, "LastPublishedDate"),
        "publishStatus": record.get("PublishStatus"),
        "summary": record.get("Summary"),
        "title": record.get("Title"),
        "url": version_url(version, &record.id),
        "urlName": record.get("UrlName"),
        "versionNumber": record.get("VersionNumber"),
    })
}

fn article_for<'a>(org: &'a OrgData, id: &str) -> Result<&'a Record, ApiError> {
    ids::canonical(id)
        .and_then(|id| find_article(org, &id))
        .ok_or_else(ApiError::not_found)
}

/// `GET /knowledgeManagement/articles/{articleId}`: the master article and its versions.
pub async fn article_metadata(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, article_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let article = article_for(&org, &article_id)?;
    let versions: Vec<Value> = versions_of(&org, &article.id)
        .iter()
        .map(|v| version_json(&version, v))
        .collect();
    let body = json!({
        "archivedDate": support_field(article, "ArchivedDate"),
        "articleNumber": article.get("ArticleNumber"),
        "articleType": VERSION_OBJECT,
        "createdDate": support_field(article, "CreatedDate"),
        "firstPublishedDate": support_field(article, "FirstPublishedDate"),
        "id": article.id,
        "lastPublishedDate": support_field(article, "LastPublishedDate"),
        "masterLanguage": KNOWLEDGE_LANGUAGE,
        "totalViewCount": article.get("TotalViewCount").as_u64().unwrap_or(0),
        "url": km_url(&version, &format!("/articles/{}", article.id)),
        "versions": versions,
    });
    Ok(json_response(StatusCode::OK, &body))
}

/// `GET /knowledgeManagement/articleVersions/masterVersions?filterArticleId=&filterPublishStatus=`.
pub async fn list_master_versions(
    State(state): State<AppState>,
    version: ApiVersion,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref());
    let status = params
        .get("filterPublishStatus")
        .map(|s| {
            Status::parse(s).ok_or_else(|| {
                ApiError::bad_request(
                    "INVALID_API_INPUT",
                    format!(
                        "Invalid value for filterPublishStatus: {s}. Specify online, draft or archived."
                    ),
                )
            })
        })
        .transpose()?;
    let org = state.read();
    let article_id = params
        .get("filterArticleId")
        .map(|id| article_for(&org, id).map(|a| a.id.clone()))
        .transpose()?;
    let mut matching: Vec<&Record> = org
        .records(VERSION_OBJECT)
        .filter(|v| {
            article_id
                .as_deref()
                .is_none_or(|a| v.get_str("KnowledgeArticleId") == Some(a))
        })
        .filter(|v| status.is_none_or(|s| Status::of(v) == Some(s)))
        .collect();
    matching.sort_by(|a, b| {
        a.get_str("ArticleNumber")
            .cmp(&b.get_str("ArticleNumber"))
            .then_with(|| versions::version_number(a).cmp(&versions::version_number(b)))
            .then_with(|| a.id.cmp(&b.id))
    });
    let body = json!({
        "masterVersions": matching.iter().map(|v| version_json(&version, v)).collect::<Vec<_>>(),
    });
    Ok(json_response(StatusCode::OK, &body))
}

fn json_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::json_parser("the request body is empty"));
    }
    match serde_json::from_slice::<Value>(body).map_err(ApiError::json_parser)? {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::json_parser("expected a JSON object")),
    }
}

/// A version number given as a number or a numeric string.
fn number_value(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

/// `POST /knowledgeManagement/articleVersions/masterVersions`: `{"articleId"}` creates a draft
/// from the Online version; `{"articleId","versionNumber"}` restores that Archived version as a
/// draft. 201 `{"id","url"}`.
pub async fn create_master_version(
    State(state): State<AppState>,
    version: ApiVersion,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = json_object(&body)?;
    let article_id = input
        .get("articleId")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("MISSING_ARGUMENT", "Missing required field: articleId.")
        })?
        .to_owned();
    let ctx = state.dml_context();
    let mut org = state.write();
    let id = match input.get("versionNumber") {
        None | Some(Value::Null) => versions::draft_from_online(&mut org, &article_id, &ctx)?,
        Some(value) => {
            let number = number_value(value).ok_or_else(|| {
                ApiError::bad_request(
                    "INVALID_API_INPUT",
                    format!("Invalid value for versionNumber: {value}. Use a version number."),
                )
            })?;
            versions::restore_archived(&mut org, &article_id, number, &ctx)?
        }
    };
    Ok(json_response(
        StatusCode::CREATED,
        &json!({"id": id, "url": version_url(&version, &id)}),
    ))
}

fn version_for<'a>(org: &'a OrgData, id: &str) -> Result<&'a Record, ApiError> {
    ids::canonical(id)
        .and_then(|id| find_version(org, &id))
        .ok_or_else(ApiError::not_found)
}

/// `GET /knowledgeManagement/articleVersions/masterVersions/{versionId}`.
pub async fn get_master_version(
    State(state): State<AppState>,
    version: ApiVersion,
    Path((_, version_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let record = version_for(&org, &version_id)?;
    Ok(json_response(
        StatusCode::OK,
        &version_json(&version, record),
    ))
}

/// Keys of the PATCH body the demo org does not act on: scheduling and task assignment need a
/// scheduler and Task records it does not have.
const UNSUPPORTED_PATCH_KEYS: &[&str] = &[
    "publishScheduleDate",
    "archiveScheduleDate",
    "assigneeId",
    "dueDate",
    "instruction",
    "sendEmailNotification",
];

/// `PATCH /knowledgeManagement/articleVersions/masterVersions/{versionId}`:
/// `{"publishStatus":"Online"[,"versionNumber":"NextVersion"]}` publishes a draft,
/// `{"publishStatus":"Archived"}` archives the online version, `{"publishStatus":"Draft"}`
/// unpublishes it. 204.
pub async fn patch_master_version(
    State(state): State<AppState>,
    Path((_, version_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = json_object(&body)?;
    if let Some(key) = UNSUPPORTED_PATCH_KEYS
        .iter()
        .find(|k| input.contains_key(**k))
    {
        return Err(ApiError::bad_request(
            "INVALID_API_INPUT",
            format!(
                "{key} is not available in the demo org: it publishes and archives immediately and has no tasks. Use publishStatus."
            ),
        ));
    }
    let status_text = input
        .get("publishStatus")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ApiError::bad_request(
                "MISSING_ARGUMENT",
                "Missing required field: publishStatus (Online, Archived or Draft).",
            )
        })?;
    let status = Status::parse(status_text).ok_or_else(|| {
        ApiError::bad_request(
            "INVALID_API_INPUT",
            format!(
                "Invalid value for publishStatus: {status_text}. Specify Online, Archived or Draft."
            ),
        )
    })?;
    let next_version = match input.get("versionNumber") {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) if s == "NextVersion" => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "INVALID_API_INPUT",
                format!("Invalid value for versionNumber: {other}. Use \"NextVersion\"."),
            ));
        }
    };
    if next_version && status != Status::Online {
        return Err(invalid_state(
            "versionNumber NextVersion applies only when publishing.",
        ));
    }
    let ctx = state.dml_context();
    let mut org = state.write();
    let id = version_for(&org, &version_id)?.id.clone();
    match status {
        Status::Online => versions::publish(&mut org, &id, next_version, &ctx)?,
        Status::Archived => versions::archive(&mut org, &id, &ctx)?,
        Status::Draft => versions::unpublish(&mut org, &id, &ctx)?,
    }
    Ok(no_content())
}

/// `DELETE /knowledgeManagement/articleVersions/masterVersions/{versionId}`: deletes a draft or
/// archived version (the online one is refused). 204.
pub async fn delete_master_version(
    State(state): State<AppState>,
    Path((_, version_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = state.dml_context();
    let mut org = state.write();
    let id = version_for(&org, &version_id)?.id.clone();
    versions::delete_version(&mut org, &id, &ctx)?;
    Ok(no_content())
}
