//! Knowledge article lifecycle steps that take several requests.
//!
//! Salesforce edits, publishes and deletes *versions* (`ka0…`, a record of the article type such as
//! Knowledge__kav), while agents usually hold the *article* Id (`kA0…`) that the Support API
//! returns. Each tool here accepts either and works on the article's Draft version:
//! - a Draft version Id is used as it is;
//! - an article Id, or the Id of one of its Online or Archived versions, leads to the article's
//!   Draft, found with SOQL (`PublishStatus = 'Draft'`).
//!
//! `update_knowledge_article` creates that Draft from the Online version when there is none;
//! publishing and deleting refuse instead, because they must not act on a version the agent did
//! not mean.

use reqwest::Method;
use reqwest::header::{ACCEPT_LANGUAGE, HeaderValue};
use serde_json::{Map, Value, json};

use super::support::{optional_str, required_str};
use crate::engine::{ToolError, Workflow, WorkflowContext};
use crate::salesforce::ApiRequest;
use crate::templating::filters::soql_string;

const DEFAULT_ARTICLE_TYPE: &str = "Knowledge__kav";
const MASTER_VERSIONS: &str = "/knowledgeManagement/articleVersions/masterVersions";

pub fn workflows() -> Vec<Workflow> {
    vec![
        Workflow {
            name: "update_knowledge_article",
            run: |ctx, args| Box::pin(update_article(ctx, args)),
        },
        Workflow {
            name: "publish_knowledge_article",
            run: |ctx, args| Box::pin(publish_article(ctx, args)),
        },
        Workflow {
            name: "delete_knowledge_article",
            run: |ctx, args| Box::pin(delete_article(ctx, args)),
        },
        Workflow {
            name: "suggest_article_titles",
            run: |ctx, args| Box::pin(suggest_titles(ctx, args)),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Arguments. The input schema has validated them already; values that reach SOQL or a path are
// checked again here so that this module is safe on its own.

fn is_record_id(value: &str) -> bool {
    matches!(value.len(), 15 | 18) && value.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_api_name(value: &str) -> bool {
    value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn record_id<'a>(args: &'a Map<String, Value>, name: &str) -> Result<&'a str, ToolError> {
    let id = required_str(args, name)?;
    if is_record_id(id) {
        Ok(id)
    } else {
        Err(ToolError::bad_argument(format!(
            "`{name}` must be a 15- or 18-character record Id, got '{id}'"
        )))
    }
}

/// The article type (the version object, e.g. Knowledge__kav) the versions are records of.
fn article_type(args: &Map<String, Value>) -> Result<&str, ToolError> {
    let object = optional_str(args, "article_type").unwrap_or(DEFAULT_ARTICLE_TYPE);
    if is_api_name(object) && object.ends_with("__kav") {
        Ok(object)
    } else {
        Err(ToolError::bad_argument(format!(
            "`article_type` must be the API name of an article type ending in __kav, got '{object}'"
        )))
    }
}

/// Master article Ids start with the KnowledgeArticle key prefix `kA0`; version Ids with their
/// article type's prefix (`ka0`, `ka1`, …). Prefixes are case-sensitive, as Ids are.
fn is_article_id(id: &str) -> bool {
    id.starts_with("kA")
}

// ---------------------------------------------------------------------------------------------
// Finding versions.

/// One article version, as the SOQL lookups return it.
#[derive(Clone, Debug, PartialEq)]
struct Version {
    id: String,
    article_id: String,
    status: String,
}

impl Version {
    fn from_record(record: &Value) -> Option<Version> {
        let field = |name: &str| record.get(name).and_then(Value::as_str).map(str::to_owned);
        Some(Version {
            id: field("Id")?,
            article_id: field("KnowledgeArticleId")?,
            status: field("PublishStatus")?,
        })
    }

    fn is_draft(&self) -> bool {
        self.status.eq_ignore_ascii_case("Draft")
    }
}

async fn versions_where(
    ctx: &WorkflowContext,
    object: &str,
    condition: &str,
) -> Result<Vec<Version>, ToolError> {
    let soql =
        format!("SELECT Id, PublishStatus, KnowledgeArticleId FROM {object} WHERE {condition}");
    let body = ctx.query(&soql).await?;
    Ok(body
        .get("records")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Version::from_record)
        .collect())
}

async fn version_by_id(
    ctx: &WorkflowContext,
    object: &str,
    id: &str,
) -> Result<Version, ToolError> {
    versions_where(ctx, object, &format!("Id = {}", soql_string(id)))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            ToolError::new("NOT_FOUND", format!("No {object} article version has the Id {id}."))
                .with_hint("Pass the article Id (kA0…) from list_knowledge_articles, or a version Id of this article type; for another article type set `article_type`.")
        })
}

/// The article's version with this publication status, if it has one.
async fn version_with_status(
    ctx: &WorkflowContext,
    object: &str,
    article_id: &str,
    status: &str,
) -> Result<Option<Version>, ToolError> {
    let condition = format!(
        "KnowledgeArticleId = {} AND PublishStatus = {}",
        soql_string(article_id),
        soql_string(status)
    );
    Ok(versions_where(ctx, object, &condition)
        .await?
        .into_iter()
        .next())
}

/// What an Id the agent passed leads to: the article and, when it has one, its Draft.
struct Located {
    article_id: String,
    draft: Option<String>,
}

async fn locate_draft(ctx: &WorkflowContext, object: &str, id: &str) -> Result<Located, ToolError> {
    let article_id = if is_article_id(id) {
        id.to_owned()
    } else {
        let version = version_by_id(ctx, object, id).await?;
        if version.is_draft() {
            return Ok(Located {
                article_id: version.article_id,
                draft: Some(version.id),
            });
        }
        version.article_id
    };
    let draft = version_with_status(ctx, object, &article_id, "Draft").await?;
    Ok(Located {
        article_id,
        draft: draft.map(|v| v.id),
    })
}

/// Copies the article's Online version into a new Draft and returns the Draft's Id.
async fn draft_from_online(ctx: &WorkflowContext, article_id: &str) -> Result<String, ToolError> {
    let request = ApiRequest::new(Method::POST, ctx.data_path(MASTER_VERSIONS))
        .with_body(json!({ "articleId": article_id }));
    let response = ctx.send(&request).await.map_err(|mut error| {
        if error.code == "INVALID_API_INPUT" || error.code == "NOT_FOUND" {
            error.hint = Some(format!(
                "A draft can only be copied from an article's Online version. Check that {article_id} is an article Id (kA0…) with a published version; an archived-only article must be restored in Salesforce first."
            ));
        }
        error
    })?;
    response
        .body
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| {
            ToolError::new(
                "UNEXPECTED_RESPONSE",
                "Salesforce created a draft but did not return its Id.",
            )
        })
}

fn version_path(ctx: &WorkflowContext, version_id: &str) -> Result<String, ToolError> {
    Ok(ctx.data_path(&format!("{MASTER_VERSIONS}/{}", ctx.segment(version_id)?)))
}

// ---------------------------------------------------------------------------------------------
// update_knowledge_article

/// The field values the PATCH sends: `fields`, with `title` as Title on top.
fn update_values(args: &Map<String, Value>) -> Result<Map<String, Value>, ToolError> {
    let mut values = args
        .get("fields")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(bad) = values.keys().find(|k| !is_api_name(k)) {
        return Err(ToolError::bad_argument(format!(
            "`fields` has '{bad}', which is not a field API name"
        )));
    }
    if let Some(title) = optional_str(args, "title") {
        values.insert("Title".into(), json!(title));
    }
    if values.is_empty() {
        return Err(ToolError::bad_argument(
            "nothing to update: give `title`, `fields`, or both",
        ));
    }
    Ok(values)
}

async fn update_article(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let id = record_id(args, "article_id")?;
    let object = article_type(args)?;
    let values = update_values(args)?;
    let located = locate_draft(ctx, object, id).await?;
    let (version_id, created) = match located.draft {
        Some(draft) => (draft, false),
        None => (draft_from_online(ctx, &located.article_id).await?, true),
    };
    let path = ctx.data_path(&format!(
        "/sobjects/{}/{}",
        ctx.segment(object)?,
        ctx.segment(&version_id)?
    ));
    let updated_fields: Vec<String> = values.keys().cloned().collect();
    let request = ApiRequest::new(Method::PATCH, path).with_body(Value::Object(values));
    ctx.send(&request).await?;
    Ok(json!({
        "success": true,
        "article_id": located.article_id,
        "version_id": version_id,
        "draft_created": created,
        "publish_status": "Draft",
        "updated_fields": updated_fields,
        "next_step": "The changes are in the Draft version; readers see them only after publish_knowledge_article.",
    }))
}

// ---------------------------------------------------------------------------------------------
// publish_knowledge_article

async fn publish_article(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let id = record_id(args, "article_id")?;
    let object = article_type(args)?;
    let major = args
        .get("major_version")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let located = locate_draft(ctx, object, id).await?;
    let version_id = located.draft.ok_or_else(|| {
        ToolError::new(
            "NO_DRAFT_VERSION",
            format!(
                "Article {} has no Draft version, so there is nothing to publish.",
                located.article_id
            ),
        )
        .with_hint("If it is already Online there is nothing to do. To publish changes, make them with update_knowledge_article (it creates the draft) and publish again.")
    })?;
    let mut body = json!({ "publishStatus": "Online" });
    if major {
        body["versionNumber"] = json!("NextVersion");
    }
    let request = ApiRequest::new(Method::PATCH, version_path(ctx, &version_id)?).with_body(body);
    ctx.send(&request).await?;
    Ok(json!({
        "success": true,
        "article_id": located.article_id,
        "version_id": version_id,
        "publish_status": "Online",
        "major_version": major,
        "note": "The version is now Online; the article's previous Online version, if any, was archived.",
    }))
}

// ---------------------------------------------------------------------------------------------
// delete_knowledge_article

/// Why there is nothing to delete: only an Online version (which must be archived, not deleted),
/// or no article at all.
async fn no_draft_error(
    ctx: &WorkflowContext,
    object: &str,
    article_id: &str,
) -> Result<ToolError, ToolError> {
    let online = version_with_status(ctx, object, article_id, "Online").await?;
    Ok(match online {
        Some(version) => ToolError::new(
            "NO_DRAFT_VERSION",
            format!(
                "Article {article_id} has no Draft version; its Online version {} can't be deleted.",
                version.id
            ),
        )
        .with_hint("This tool deletes drafts only. To take a published article down, archive it in Salesforce Knowledge; nothing was deleted."),
        None => ToolError::new(
            "NOT_FOUND",
            format!("No Draft or Online {object} version belongs to the article {article_id}."),
        )
        .with_hint("Check the Id (list_knowledge_articles, suggest_article_titles with publish_status Draft) and `article_type`. An article with only Archived versions has nothing this tool deletes; nothing was deleted."),
    })
}

async fn delete_article(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let id = record_id(args, "article_id")?;
    let object = article_type(args)?;
    let located = locate_draft(ctx, object, id).await?;
    let Some(version_id) = located.draft else {
        return Err(no_draft_error(ctx, object, &located.article_id).await?);
    };
    let request = ApiRequest::new(Method::DELETE, version_path(ctx, &version_id)?);
    ctx.send(&request).await?;
    Ok(json!({
        "success": true,
        "article_id": located.article_id,
        "deleted_version_id": version_id,
        "note": "The Draft version is deleted. An Online version of the article stays published; an article that had only this draft is gone.",
    }))
}

// ---------------------------------------------------------------------------------------------
// suggest_article_titles

/// Knowledge takes `language=en_US` as a parameter but `Accept-Language: en-US` as a header;
/// agents write either.
fn language_forms(language: &str) -> (String, String) {
    (language.replace('-', "_"), language.replace('_', "-"))
}

/// suggestTitleMatches filters by the 3-character key prefix of an article type. An API name
/// (Knowledge__kav) is turned into its prefix with the (cached) describe.
async fn article_type_prefix(
    ctx: &WorkflowContext,
    article_type: &str,
) -> Result<String, ToolError> {
    if article_type.len() == 3 && article_type.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(article_type.to_owned());
    }
    if !(is_api_name(article_type) && article_type.ends_with("__kav")) {
        return Err(ToolError::bad_argument(format!(
            "`article_type` must be an article type API name ending in __kav or its 3-character key prefix, got '{article_type}'"
        )));
    }
    let describe = ctx.describe(article_type).await?;
    describe
        .get("keyPrefix")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| {
            ToolError::new(
                "UNEXPECTED_RESPONSE",
                format!("The describe of {article_type} has no keyPrefix."),
            )
        })
}

async fn suggest_titles(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let q = required_str(args, "q")?;
    let (language_param, language_header) = language_forms(required_str(args, "language")?);
    let status = required_str(args, "publish_status")?;
    let prefix = match optional_str(args, "article_type") {
        Some(article_type) => Some(article_type_prefix(ctx, article_type).await?),
        None => None,
    };
    let header = HeaderValue::from_str(&language_header)
        .map_err(|_| ToolError::bad_argument("`language` is not a valid language code"))?;
    let mut request = ApiRequest::get(ctx.data_path("/search/suggestTitleMatches"))
        .with_query("q", q)
        .with_query("language", language_param)
        .with_query("publishStatus", status)
        .with_header(ACCEPT_LANGUAGE, header);
    if let Some(prefix) = prefix {
        request = request.with_query("articleTypes", prefix);
    }
    if let Some(channel) = optional_str(args, "channel") {
        request = request.with_query("channel", channel);
    }
    if let Some(limit) = args.get("limit").and_then(Value::as_u64) {
        request = request.with_query("limit", limit.to_string());
    }
    Ok(ctx.send(&request).await?.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn ids_and_article_types_are_checked_before_they_reach_soql() {
        assert!(
            record_id(
                &args(json!({"article_id": "kA0Dm0000000001AAA"})),
                "article_id"
            )
            .is_ok()
        );
        for bad in ["kA0Dm000000'1AAA", "kA0Dm0000000001AA", "../kA0Dm000000001"] {
            assert!(
                record_id(&args(json!({"article_id": bad})), "article_id").is_err(),
                "{bad}"
            );
        }
        assert_eq!(article_type(&args(json!({}))).ok(), Some("Knowledge__kav"));
        assert_eq!(
            article_type(&args(json!({"article_type": "FAQ__kav"}))).ok(),
            Some("FAQ__kav")
        );
        for bad in ["Account", "FAQ__kav WHERE", "x'__kav"] {
            assert!(
                article_type(&args(json!({"article_type": bad}))).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn article_and_version_ids_are_told_apart_by_prefix() {
        assert!(is_article_id("kA0Dm0000000001AAA"));
        assert!(!is_article_id("ka0Dm0000000001AAA"));
    }

    #[test]
    fn an_update_needs_something_to_change_and_the_title_wins() {
        assert!(update_values(&args(json!({"article_id": "kA0Dm0000000001AAA"}))).is_err());
        assert!(update_values(&args(json!({"fields": {}}))).is_err());
        assert!(update_values(&args(json!({"fields": {"Bad Name": 1}}))).is_err());
        let values = update_values(&args(
            json!({"title": "New", "fields": {"Title": "Old", "Summary": "S"}}),
        ));
        assert_eq!(
            values.ok().map(Value::Object),
            Some(json!({"Title": "New", "Summary": "S"}))
        );
    }

    #[test]
    fn languages_are_written_both_ways() {
        assert_eq!(
            language_forms("en-US"),
            ("en_US".to_owned(), "en-US".to_owned())
        );
        assert_eq!(language_forms("fr"), ("fr".to_owned(), "fr".to_owned()));
    }
}
