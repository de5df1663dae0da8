//! The life of a Knowledge article: a master KnowledgeArticle (`kA0…`) and its versions
//! (Knowledge__kav records, `ka0…`), each Draft, Online or Archived.
//!
//! Rules kept here, for the sObject hooks, the knowledgeManagement routes and the seed alike:
//! * an article has at most one Draft and at most one Online version;
//! * only Drafts are edited; publishing a Draft archives the previous Online version;
//! * a new article starts at version 1; a draft of an existing article carries the article's
//!   current (highest) version number, and publishing it with `NextVersion` takes the next one;
//! * IsLatestVersion marks the Draft and the Online version, or, for an article with neither,
//!   its newest Archived version;
//! * UrlName is unique among the latest versions of different articles.

use serde_json::{Map, Value, json};

use crate::demo_org::api::error::ApiError;
use crate::demo_org::dml::{self, DmlContext};
use crate::demo_org::ids;
use crate::demo_org::store::{OrgData, Record, format_datetime};

pub const VERSION_OBJECT: &str = "Knowledge__kav";
pub const ARTICLE_OBJECT: &str = "KnowledgeArticle";
/// The one language Knowledge is enabled for in the demo org.
pub const KNOWLEDGE_LANGUAGE: &str = "en_US";
/// ArticleNumbers start after this, as a fresh org's do: 000001001, 000001002, …
const ARTICLE_NUMBER_BASE: u64 = 1000;

/// Publication status of a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Draft,
    Online,
    Archived,
}

impl Status {
    pub fn wire(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Online => "Online",
            Status::Archived => "Archived",
        }
    }

    /// Reads a status in any letter case (`online`, `Draft`, …).
    pub fn parse(text: &str) -> Option<Status> {
        match text.to_ascii_lowercase().as_str() {
            "draft" => Some(Status::Draft),
            "online" => Some(Status::Online),
            "archived" => Some(Status::Archived),
            _ => None,
        }
    }

    pub fn of(version: &Record) -> Option<Status> {
        version.get_str("PublishStatus").and_then(Status::parse)
    }
}

/// 400 `INVALID_API_INPUT` with the Knowledge message for an action that does not fit the
/// article's state, followed by the reason.
pub fn invalid_state(reason: &str) -> ApiError {
    ApiError::bad_request(
        "INVALID_API_INPUT",
        format!(
            "You can't perform this action. Be sure the action is valid for the current state of the article, and that you have permission to perform it. {reason}"
        ),
    )
}

/// The live master article with this id (15 or 18 characters).
pub fn find_article<'a>(org: &'a OrgData, id: &str) -> Option<&'a Record> {
    org.get(id).filter(|r| r.sobject == ARTICLE_OBJECT)
}

/// The live article version with this id.
pub fn find_version<'a>(org: &'a OrgData, id: &str) -> Option<&'a Record> {
    org.get(id).filter(|r| r.sobject == VERSION_OBJECT)
}

pub fn version_number(version: &Record) -> u64 {
    version.get("VersionNumber").as_u64().unwrap_or(0)
}

/// An article's live versions, oldest version number first.
pub fn versions_of<'a>(org: &'a OrgData, article_id: &str) -> Vec<&'a Record> {
    let mut versions: Vec<&Record> = org
        .records(VERSION_OBJECT)
        .filter(|v| v.get_str("KnowledgeArticleId") == Some(article_id))
        .collect();
    versions.sort_by(|a, b| {
        version_number(a)
            .cmp(&version_number(b))
            .then_with(|| a.get_str("CreatedDate").cmp(&b.get_str("CreatedDate")))
            .then_with(|| a.id.cmp(&b.id))
    });
    versions
}

/// The article's version with this status (the newest one for Archived).
pub fn version_with_status<'a>(
    org: &'a OrgData,
    article_id: &str,
    status: Status,
) -> Option<&'a Record> {
    versions_of(org, article_id)
        .into_iter()
        .rev()
        .find(|v| Status::of(v) == Some(status))
}

fn highest_version_number(org: &OrgData, article_id: &str, except: Option<&str>) -> u64 {
    versions_of(org, article_id)
        .iter()
        .filter(|v| Some(v.id.as_str()) != except)
        .map(|v| version_number(v))
        .max()
        .unwrap_or(0)
}

fn stamp(ctx: &DmlContext) -> Value {
    Value::String(format_datetime(ctx.now))
}

fn touch(record: &mut Record, ctx: &DmlContext) {
    record.fields.insert("LastModifiedDate".into(), stamp(ctx));
    record.fields.insert("SystemModstamp".into(), stamp(ctx));
    record
        .fields
        .insert("LastModifiedById".into(), json!(ctx.user_id));
}

/// Stores a record the org itself creates (a master article, a copied version), with its id and
/// audit fields.
fn put_new(
    org: &mut OrgData,
    sobject: &str,
    mut fields: Map<String, Value>,
    ctx: &DmlContext,
) -> Result<String, ApiError> {
    let id = org.new_id(sobject).ok_or_else(ApiError::not_found)?;
    fields.insert("Id".into(), json!(id));
    fields.insert("IsDeleted".into(), json!(false));
    fields.insert("CreatedDate".into(), stamp(ctx));
    fields.insert("CreatedById".into(), json!(ctx.user_id));
    fields.insert("LastModifiedDate".into(), stamp(ctx));
    fields.insert("LastModifiedById".into(), json!(ctx.user_id));
    fields.insert("SystemModstamp".into(), stamp(ctx));
    org.put(Record {
        id: id.clone(),
        sobject: sobject.to_owned(),
        fields,
        deleted: false,
    });
    Ok(id)
}

fn required_text<'a>(values: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    values
        .get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// A UrlName Salesforce accepts: letters, digits and hyphens, not starting or ending with one.
fn check_url_name_shape(url_name: &str) -> Result<(), ApiError> {
    let shaped = url_name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !url_name.starts_with('-')
        && !url_name.ends_with('-');
    if shaped {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "FIELD_INTEGRITY_EXCEPTION",
            format!(
                "URL Name: {url_name} is not valid. Use only letters, numbers and hyphens, and don't start or end with a hyphen."
            ),
        )
        .with_fields(&["UrlName"]))
    }
}

/// Refuses a UrlName another article's latest version already uses.
fn check_url_name_unique(
    org: &OrgData,
    url_name: &str,
    article_id: Option<&str>,
) -> Result<(), ApiError> {
    let clash = org.records(VERSION_OBJECT).find(|v| {
        v.get("IsLatestVersion").as_bool().unwrap_or(false)
            && v.get_str("KnowledgeArticleId") != article_id
            && v.get_str("UrlName")
                .is_some_and(|u| u.eq_ignore_ascii_case(url_name))
    });
    match clash {
        Some(other) => Err(ApiError::bad_request(
            "DUPLICATE_VALUE",
            format!(
                "duplicate value found: UrlName duplicates value on record with id: {}",
                other.id
            ),
        )
        .with_fields(&["UrlName"])),
        None => Ok(()),
    }
}

/// Called by `dml::insert` before a Knowledge__kav record is stored. Without KnowledgeArticleId
/// it creates the master article (next ArticleNumber) and makes the record its version 1 draft;
/// with one, the record becomes a new draft of that article, which must not have a draft yet.
/// System fields are set here whatever the caller sent.
pub fn on_insert_version(
    org: &mut OrgData,
    values: &mut Map<String, Value>,
    ctx: &DmlContext,
) -> Result<(), ApiError> {
    let missing: Vec<&str> = ["Title", "UrlName"]
        .into_iter()
        .filter(|f| required_text(values, f).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::bad_request(
            "REQUIRED_FIELD_MISSING",
            format!("Required fields are missing: [{}]", missing.join(", ")),
        )
        .with_fields(&missing));
    }
    let url_name = required_text(values, "UrlName").unwrap_or("").to_owned();
    check_url_name_shape(&url_name)?;
    match values.get("Language").and_then(Value::as_str) {
        None => {
            values.insert("Language".into(), json!(KNOWLEDGE_LANGUAGE));
        }
        Some(KNOWLEDGE_LANGUAGE) => {}
        Some(other) => {
            return Err(ApiError::bad_request(
                "FIELD_INTEGRITY_EXCEPTION",
                format!(
                    "Language: {other} is not a Knowledge language of this org. Use {KNOWLEDGE_LANGUAGE}."
                ),
            )
            .with_fields(&["Language"]));
        }
    }
    for (field, default) in [
        ("IsVisibleInApp", true),
        ("IsVisibleInPkb", true),
        ("IsVisibleInCsp", true),
        ("IsVisibleInPrm", false),
    ] {
        if !values.get(field).is_some_and(Value::is_boolean) {
            values.insert(field.into(), json!(default));
        }
    }
    let requested_article = values
        .get("KnowledgeArticleId")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let (article_id, number) = match requested_article {
        Some(requested) => {
            let article = ids::canonical(&requested)
                .and_then(|id| find_article(org, &id))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "INVALID_CROSS_REFERENCE_KEY",
                        format!("invalid cross reference id: {requested}"),
                    )
                    .with_fields(&["KnowledgeArticleId"])
                })?;
            let article_id = article.id.clone();
            if version_with_status(org, &article_id, Status::Draft).is_some() {
                return Err(invalid_state("This article already has a draft version."));
            }
            check_url_name_unique(org, &url_name, Some(&article_id))?;
            let number = highest_version_number(org, &article_id, None).max(1);
            values.insert(
                "ArticleCreatedDate".into(),
                article.get("CreatedDate").clone(),
            );
            values.insert("ArticleNumber".into(), article.get("ArticleNumber").clone());
            values.insert(
                "ArticleTotalViewCount".into(),
                json!(article.get("TotalViewCount").as_u64().unwrap_or(0)),
            );
            (article_id, number)
        }
        None => {
            check_url_name_unique(org, &url_name, None)?;
            let article_number = format!(
                "{:09}",
                ARTICLE_NUMBER_BASE + org.next_auto_number(ARTICLE_OBJECT)
            );
            let mut master = Map::new();
            master.insert("ArticleNumber".into(), json!(article_number));
            master.insert("FirstPublishedDate".into(), Value::Null);
            master.insert("LastPublishedDate".into(), Value::Null);
            master.insert("ArchivedDate".into(), Value::Null);
            master.insert("TotalViewCount".into(), json!(0));
            let article_id = put_new(org, ARTICLE_OBJECT, master, ctx)?;
            values.insert("ArticleCreatedDate".into(), stamp(ctx));
            values.insert("ArticleNumber".into(), json!(article_number));
            values.insert("ArticleTotalViewCount".into(), json!(0));
            (article_id, 1)
        }
    };
    values.insert("KnowledgeArticleId".into(), json!(article_id));
    values.insert("PublishStatus".into(), json!(Status::Draft.wire()));
    values.insert("VersionNumber".into(), json!(number));
    values.insert("IsLatestVersion".into(), json!(true));
    values.insert("LastPublishedDate".into(), Value::Null);
    Ok(())
}

/// Called by `dml::update` before a Knowledge__kav record changes: only drafts are editable.
pub fn on_update_version(org: &OrgData, id: &str) -> Result<(), ApiError> {
    let Some(version) = org.get_any(id).filter(|r| r.sobject == VERSION_OBJECT) else {
        return Err(ApiError::not_found());
    };
    if version.deleted {
        return Err(ApiError::entity_is_deleted());
    }
    match Status::of(version) {
        Some(Status::Draft) => Ok(()),
        status => Err(ApiError::bad_request(
            "INVALID_OPERATION",
            format!(
                "You can't edit an {} article version. Create a draft from it (POST /knowledgeManagement/articleVersions/masterVersions) and edit the draft.",
                status.unwrap_or(Status::Online).wire()
            ),
        )),
    }
}

/// Creates a new article as a version 1 draft from caller fields (Title, UrlName, Summary,
/// Content__c, visibility flags, SourceId) and returns the version id.
pub fn create_article(
    org: &mut OrgData,
    fields: &Map<String, Value>,
    ctx: &DmlContext,
) -> Result<String, ApiError> {
    let mut values = fields.clone();
    values.remove("KnowledgeArticleId");
    on_insert_version(org, &mut values, ctx)?;
    let article_id = values
        .get("KnowledgeArticleId")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let id = put_new(org, VERSION_OBJECT, values, ctx)?;
    refresh_latest(org, &article_id);
    Ok(id)
}

/// Fields a new draft copies from the version it starts from.
const COPIED_FIELDS: &[&str] = &[
    "Title",
    "UrlName",
    "Summary",
    "Content__c",
    "Language",
    "IsVisibleInApp",
    "IsVisibleInPkb",
    "IsVisibleInCsp",
    "IsVisibleInPrm",
    "SourceId",
    "ArticleNumber",
    "ArticleCreatedDate",
    "KnowledgeArticleId",
];

fn copy_as_draft(org: &mut OrgData, source: &Record, ctx: &DmlContext) -> Result<String, ApiError> {
    let article_id = source
        .get_str("KnowledgeArticleId")
        .unwrap_or("")
        .to_owned();
    let mut fields = Map::new();
    for field in COPIED_FIELDS {
        fields.insert((*field).into(), source.get(field).clone());
    }
    let views = find_article(org, &article_id)
        .and_then(|a| a.get("TotalViewCount").as_u64())
        .unwrap_or(0);
    fields.insert("ArticleTotalViewCount".into(), json!(views));
    fields.insert("PublishStatus".into(), json!(Status::Draft.wire()));
    fields.insert(
        "VersionNumber".into(),
        json!(highest_version_number(org, &article_id, None).max(1)),
    );
    fields.insert("IsLatestVersion".into(), json!(true));
    fields.insert("LastPublishedDate".into(), Value::Null);
    let id = put_new(org, VERSION_OBJECT, fields, ctx)?;
    refresh_latest(org, &article_id);
    Ok(id)
}

fn live_article<'a>(org: &'a OrgData, article_id: &str) -> Result<&'a Record, ApiError> {
    let id = ids::canonical(article_id).ok_or_else(ApiError::not_found)?;
    find_article(org, &id).ok_or_else(ApiError::not_found)
}

fn refuse_second_draft(org: &OrgData, article_id: &str) -> Result<(), ApiError> {
    match version_with_status(org, article_id, Status::Draft) {
        Some(draft) => Err(invalid_state(&format!(
            "This article already has a draft version: {}.",
            draft.id
        ))),
        None => Ok(()),
    }
}

/// Creates a Draft copy of the article's Online version (the Online one stays published).
pub fn draft_from_online(
    org: &mut OrgData,
    article_id: &str,
    ctx: &DmlContext,
) -> Result<String, ApiError> {
    let article_id = live_article(org, article_id)?.id.clone();
    refuse_second_draft(org, &article_id)?;
    let online = version_with_status(org, &article_id, Status::Online)
        .ok_or_else(|| invalid_state("This article has no online version to edit."))?
        .clone();
    copy_as_draft(org, &online, ctx)
}

/// Creates a Draft from one of the article's Archived versions.
pub fn restore_archived(
    org: &mut OrgData,
    article_id: &str,
    number: u64,
    ctx: &DmlContext,
) -> Result<String, ApiError> {
    let article_id = live_article(org, article_id)?.id.clone();
    refuse_second_draft(org, &article_id)?;
    let archived = versions_of(org, &article_id)
        .into_iter()
        .rev()
        .find(|v| Status::of(v) == Some(Status::Archived) && version_number(v) == number)
        .ok_or_else(|| {
            invalid_state(&format!(
                "This article has no archived version {number} to restore."
            ))
        })?
        .clone();
    copy_as_draft(org, &archived, ctx)
}

fn live_version(org: &OrgData, version_id: &str) -> Result<Record, ApiError> {
    let id = ids::canonical(version_id).ok_or_else(ApiError::not_found)?;
    find_version(org, &id)
        .cloned()
        .ok_or_else(ApiError::not_found)
}

fn set_status(org: &mut OrgData, id: &str, status: Status, ctx: &DmlContext) {
    if let Some(record) = org.get_mut(id) {
        record
            .fields
            .insert("PublishStatus".into(), json!(status.wire()));
        touch(record, ctx);
    }
}

/// Publishes a Draft: the previous Online version is archived, the draft goes Online with
/// LastPublishedDate now (on the version and the master); `next_version` gives it the next
/// version number.
pub fn publish(
    org: &mut OrgData,
    version_id: &str,
    next_version: bool,
    ctx: &DmlContext,
) -> Result<(), ApiError> {
    let draft = live_version(org, version_id)?;
    if Status::of(&draft) != Some(Status::Draft) {
        return Err(invalid_state("Only a draft version can be published."));
    }
    let article_id = draft.get_str("KnowledgeArticleId").unwrap_or("").to_owned();
    if let Some(url_name) = draft.get_str("UrlName") {
        check_url_name_unique(org, url_name, Some(&article_id))?;
    }
    if let Some(online) = version_with_status(org, &article_id, Status::Online) {
        let online_id = online.id.clone();
        set_status(org, &online_id, Status::Archived, ctx);
    }
    let number = if next_version {
        highest_version_number(org, &article_id, Some(&draft.id)) + 1
    } else {
        version_number(&draft).max(1)
    };
    set_status(org, &draft.id, Status::Online, ctx);
    if let Some(record) = org.get_mut(&draft.id) {
        record.fields.insert("VersionNumber".into(), json!(number));
        record.fields.insert("LastPublishedDate".into(), stamp(ctx));
    }
    if let Some(article) = org.get_mut(&article_id) {
        if article.get("FirstPublishedDate").is_null() {
            article
                .fields
                .insert("FirstPublishedDate".into(), stamp(ctx));
        }
        article
            .fields
            .insert("LastPublishedDate".into(), stamp(ctx));
        article.fields.insert("ArchivedDate".into(), Value::Null);
        touch(article, ctx);
    }
    refresh_latest(org, &article_id);
    Ok(())
}

/// Archives the Online version; the article counts as archived from now.
pub fn archive(org: &mut OrgData, version_id: &str, ctx: &DmlContext) -> Result<(), ApiError> {
    let version = live_version(org, version_id)?;
    if Status::of(&version) != Some(Status::Online) {
        return Err(invalid_state("Only the online version can be archived."));
    }
    let article_id = version
        .get_str("KnowledgeArticleId")
        .unwrap_or("")
        .to_owned();
    set_status(org, &version.id, Status::Archived, ctx);
    if let Some(article) = org.get_mut(&article_id) {
        article.fields.insert("ArchivedDate".into(), stamp(ctx));
        touch(article, ctx);
    }
    refresh_latest(org, &article_id);
    Ok(())
}

/// Turns the Online version back into a Draft, when the article has no other draft.
pub fn unpublish(org: &mut OrgData, version_id: &str, ctx: &DmlContext) -> Result<(), ApiError> {
    let version = live_version(org, version_id)?;
    match Status::of(&version) {
        Some(Status::Draft) => return Ok(()),
        Some(Status::Online) => {}
        _ => {
            return Err(invalid_state(
                "An archived version can't be unpublished; restore it as a draft instead.",
            ));
        }
    }
    let article_id = version
        .get_str("KnowledgeArticleId")
        .unwrap_or("")
        .to_owned();
    refuse_second_draft(org, &article_id)?;
    set_status(org, &version.id, Status::Draft, ctx);
    refresh_latest(org, &article_id);
    Ok(())
}

/// Deletes a Draft or Archived version (never the Online one). When the article has no version
/// left, the master article goes too.
pub fn delete_version(
    org: &mut OrgData,
    version_id: &str,
    ctx: &DmlContext,
) -> Result<(), ApiError> {
    let version = live_version(org, version_id)?;
    if Status::of(&version) == Some(Status::Online) {
        return Err(invalid_state(
            "An online version can't be deleted. Archive it first, or delete its draft.",
        ));
    }
    let article_id = version
        .get_str("KnowledgeArticleId")
        .unwrap_or("")
        .to_owned();
    dml::delete(org, VERSION_OBJECT, &version.id, ctx)?;
    if versions_of(org, &article_id).is_empty() {
        if let Some(article) = org.get_mut(&article_id) {
            article.deleted = true;
            article.fields.insert("IsDeleted".into(), json!(true));
            touch(article, ctx);
        }
    } else {
        refresh_latest(org, &article_id);
    }
    Ok(())
}

/// Recomputes IsLatestVersion for an article's versions.
pub fn refresh_latest(org: &mut OrgData, article_id: &str) {
    let versions = versions_of(org, article_id);
    let current: Vec<String> = versions
        .iter()
        .filter(|v| matches!(Status::of(v), Some(Status::Draft | Status::Online)))
        .map(|v| v.id.clone())
        .collect();
    let latest: Vec<String> = if current.is_empty() {
        versions
            .last()
            .map(|v| vec![v.id.clone()])
            .unwrap_or_default()
    } else {
        current
    };
    let all: Vec<String> = versions.iter().map(|v| v.id.clone()).collect();
    for id in all {
        let is_latest = latest.contains(&id);
        if let Some(record) = org.get_mut(&id) {
            record
                .fields
                .insert("IsLatestVersion".into(), json!(is_latest));
        }
    }
}

/// Adds views to an article (master TotalViewCount and every version's ArticleTotalViewCount).
pub fn add_views(org: &mut OrgData, article_id: &str, views: u64) {
    let total = find_article(org, article_id)
        .and_then(|a| a.get("TotalViewCount").as_u64())
        .unwrap_or(0)
        + views;
    if let Some(article) = org.get_mut(article_id) {
        article.fields.insert("TotalViewCount".into(), json!(total));
    }
    let ids: Vec<String> = versions_of(org, article_id)
        .iter()
        .map(|v| v.id.clone())
        .collect();
    for id in ids {
        if let Some(version) = org.get_mut(&id) {
            version
                .fields
                .insert("ArticleTotalViewCount".into(), json!(total));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::objects::demo_schema;
    use axum::http::StatusCode;
    use chrono::{Duration, Utc};
    use std::sync::Arc;

    fn org() -> OrgData {
        OrgData::new(Arc::new(demo_schema()))
    }

    fn ctx() -> DmlContext {
        DmlContext {
            now: Utc::now(),
            user_id: ids::make_id("005", 1),
        }
    }

    fn fields(title: &str, url_name: &str) -> Map<String, Value> {
        let mut f = Map::new();
        f.insert("Title".into(), json!(title));
        f.insert("UrlName".into(), json!(url_name));
        f.insert("Summary".into(), json!("A summary"));
        f
    }

    fn status_of(org: &OrgData, id: &str) -> Option<Status> {
        org.get(id).and_then(Status::of)
    }

    #[test]
    fn a_new_article_is_a_version_one_draft_with_a_master() {
        let mut org = org();
        let id = create_article(&mut org, &fields("One", "one"), &ctx()).expect("create");
        let version = org.get(&id).expect("version");
        assert_eq!(Status::of(version), Some(Status::Draft));
        assert_eq!(version_number(version), 1);
        assert_eq!(version.get("IsLatestVersion"), &json!(true));
        assert_eq!(version.get("Language"), &json!("en_US"));
        assert_eq!(version.get("ArticleNumber"), &json!("000001001"));
        let article_id = version.get_str("KnowledgeArticleId").expect("master");
        let article = find_article(&org, article_id).expect("article");
        assert_eq!(article.get("ArticleNumber"), &json!("000001001"));
        let second = create_article(&mut org, &fields("Two", "two"), &ctx()).expect("create");
        assert_eq!(
            org.get(&second).and_then(|v| v.get_str("ArticleNumber")),
            Some("000001002")
        );
    }

    #[test]
    fn url_names_are_unique_and_well_formed() {
        let mut org = org();
        let first = create_article(&mut org, &fields("One", "same-name"), &ctx()).expect("one");
        let clash = create_article(&mut org, &fields("Two", "Same-Name"), &ctx());
        let error = clash.expect_err("duplicate");
        assert_eq!(error.errors[0].error_code, "DUPLICATE_VALUE");
        assert!(error.errors[0].message.contains(&first));
        let bad = create_article(&mut org, &fields("Three", "has space"), &ctx());
        assert_eq!(
            bad.expect_err("shape").errors[0].error_code,
            "FIELD_INTEGRITY_EXCEPTION"
        );
        let mut missing = fields("Four", "four");
        missing.remove("Title");
        let error = create_article(&mut org, &missing, &ctx()).expect_err("missing");
        assert_eq!(error.errors[0].error_code, "REQUIRED_FIELD_MISSING");
    }

    #[test]
    fn hook_makes_a_new_draft_of_an_existing_article_once() {
        let mut org = org();
        let c = ctx();
        let v1 = create_article(&mut org, &fields("One", "one"), &c).expect("create");
        publish(&mut org, &v1, false, &c).expect("publish");
        let article_id = org
            .get(&v1)
            .and_then(|v| v.get_str("KnowledgeArticleId"))
            .expect("article")
            .to_owned();
        let mut values = fields("One, revised", "one");
        values.insert("KnowledgeArticleId".into(), json!(article_id[..15]));
        on_insert_version(&mut org, &mut values, &c).expect("draft of existing");
        assert_eq!(values["PublishStatus"], json!("Draft"));
        assert_eq!(values["VersionNumber"], json!(1));
        assert_eq!(values["KnowledgeArticleId"], json!(article_id));
        let draft = put_new(&mut org, VERSION_OBJECT, values, &c).expect("store");
        let mut again = fields("Another", "one");
        again.insert("KnowledgeArticleId".into(), json!(article_id));
        assert!(on_insert_version(&mut org, &mut again, &c).is_err());
        let mut dangling = fields("Dangling", "dangling");
        dangling.insert("KnowledgeArticleId".into(), json!(ids::make_id("kA0", 999)));
        let error = on_insert_version(&mut org, &mut dangling, &c).expect_err("unknown");
        assert_eq!(error.errors[0].error_code, "INVALID_CROSS_REFERENCE_KEY");
        assert!(on_update_version(&org, &draft).is_ok());
        let error = on_update_version(&org, &v1).expect_err("online");
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn publishing_archives_the_previous_online_version() {
        let mut org = org();
        let mut c = ctx();
        let v1 = create_article(&mut org, &fields("One", "one"), &c).expect("create");
        publish(&mut org, &v1, false, &c).expect("publish");
        let article_id = org
            .get(&v1)
            .and_then(|v| v.get_str("KnowledgeArticleId"))
            .expect("article")
            .to_owned();
        assert!(
            find_article(&org, &article_id).is_some_and(|a| !a.get("FirstPublishedDate").is_null())
        );
        let draft = draft_from_online(&mut org, &article_id, &c).expect("draft");
        assert!(draft_from_online(&mut org, &article_id, &c).is_err());
        c.now += Duration::minutes(5);
        publish(&mut org, &draft, true, &c).expect("publish v2");
        assert_eq!(status_of(&org, &v1), Some(Status::Archived));
        assert_eq!(status_of(&org, &draft), Some(Status::Online));
        assert_eq!(org.get(&draft).map(version_number), Some(2));
        assert_eq!(
            org.get(&v1).map(|v| v.get("IsLatestVersion").clone()),
            Some(json!(false))
        );
        let restored = restore_archived(&mut org, &article_id, 1, &c).expect("restore");
        assert_eq!(status_of(&org, &restored), Some(Status::Draft));
        assert!(delete_version(&mut org, &draft, &c).is_err());
        delete_version(&mut org, &restored, &c).expect("delete draft");
        assert!(org.get(&restored).is_none());
        archive(&mut org, &draft, &c).expect("archive");
        assert!(find_article(&org, &article_id).is_some_and(|a| !a.get("ArchivedDate").is_null()));
        assert_eq!(
            org.get(&draft).map(|v| v.get("IsLatestVersion").clone()),
            Some(json!(true))
        );
    }

    #[test]
    fn unpublish_and_deleting_the_last_version_removes_the_master() {
        let mut org = org();
        let c = ctx();
        let v1 = create_article(&mut org, &fields("One", "one"), &c).expect("create");
        publish(&mut org, &v1, false, &c).expect("publish");
        unpublish(&mut org, &v1, &c).expect("unpublish");
        assert_eq!(status_of(&org, &v1), Some(Status::Draft));
        let article_id = org
            .get(&v1)
            .and_then(|v| v.get_str("KnowledgeArticleId"))
            .expect("article")
            .to_owned();
        delete_version(&mut org, &v1, &c).expect("delete");
        assert!(find_article(&org, &article_id).is_none());
    }
}
