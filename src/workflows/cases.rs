//! Case management: creating, categorizing and answering cases, their timeline, Knowledge
//! suggestions and drafting an article from a case. Every value that enters SOQL is quoted
//! with `soql_string`; every value that enters a path goes through `ctx.segment`.

use reqwest::Method;
use reqwest::header::{ACCEPT_LANGUAGE, HeaderValue};
use serde_json::{Map, Value, json};

use super::support::{
    create, datetime_field, key_terms, matched_terms, optional_i64, optional_str, read, read_back,
    records, required_str, text_field,
};
use crate::engine::{ToolError, Workflow, WorkflowContext};
use crate::salesforce::ApiRequest;
use crate::templating::filters::{soql_string, tidy};

pub fn workflows() -> Vec<Workflow> {
    vec![
        Workflow {
            name: "create_case",
            run: |ctx, args| Box::pin(create_case(ctx, args)),
        },
        Workflow {
            name: "case_timeline",
            run: |ctx, args| Box::pin(case_timeline(ctx, args)),
        },
        Workflow {
            name: "send_case_email",
            run: |ctx, args| Box::pin(send_case_email(ctx, args)),
        },
        Workflow {
            name: "suggest_kb_for_case",
            run: |ctx, args| Box::pin(suggest_kb_for_case(ctx, args)),
        },
        Workflow {
            name: "draft_kb_article",
            run: |ctx, args| Box::pin(draft_kb_article(ctx, args)),
        },
        Workflow {
            name: "categorize_case",
            run: |ctx, args| Box::pin(categorize_case(ctx, args)),
        },
    ]
}

const CASE_FIELDS: &str =
    "Id,CaseNumber,Subject,Status,Priority,Origin,Type,Reason,ContactId,AccountId,CreatedDate";

/// EmailMessage.Status is a coded picklist.
const EMAIL_DRAFT: &str = "5";
const EMAIL_SENT: &str = "3";

fn email_status_label(code: &str) -> &str {
    match code {
        "0" => "New",
        "1" => "Read",
        "2" => "Replied",
        "3" => "Sent",
        "4" => "Forwarded",
        "5" => "Draft",
        other => other,
    }
}

async fn create_case(ctx: &WorkflowContext, args: &Map<String, Value>) -> Result<Value, ToolError> {
    let mut body = Map::new();
    body.insert("Subject".into(), json!(required_str(args, "subject")?));
    body.insert(
        "Description".into(),
        json!(required_str(args, "description")?),
    );
    body.insert(
        "Priority".into(),
        json!(optional_str(args, "priority").unwrap_or("Medium")),
    );
    body.insert(
        "Origin".into(),
        json!(optional_str(args, "origin").unwrap_or("Chat")),
    );
    if let Some(kind) = optional_str(args, "type") {
        body.insert("Type".into(), json!(kind));
    }
    let mut contact = Value::Null;
    if let Some(email) = optional_str(args, "contact_email") {
        let soql = format!(
            "SELECT Id, Name, AccountId FROM Contact WHERE Email = {} ORDER BY CreatedDate LIMIT 1",
            soql_string(email)
        );
        match records(&ctx.query(&soql).await?).into_iter().next() {
            Some(found) => {
                body.insert(
                    "ContactId".into(),
                    found.get("Id").cloned().unwrap_or(Value::Null),
                );
                if let Some(account) = found.get("AccountId").filter(|a| !a.is_null()) {
                    body.insert("AccountId".into(), account.clone());
                }
                contact = json!({"matched": true, "id": found.get("Id"), "name": found.get("Name"), "email": email});
            }
            None => {
                contact = json!({"matched": false, "email": email,
                    "note": "No contact has this email, so the case has no contact; create the contact and update the case's ContactId if needed."});
            }
        }
    }
    let id = create(ctx, "Case", Value::Object(body)).await?;
    let case = read_back(ctx, "Case", &id, CASE_FIELDS).await;
    Ok(json!({"success": true, "case": case, "contact": contact}))
}

async fn case_timeline(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let case_id = required_str(args, "case_id")?;
    let quoted = soql_string(case_id);
    let query_url = |soql: String| {
        let encoded: String = url::form_urlencoded::byte_serialize(soql.as_bytes()).collect();
        ctx.data_path(&format!("/query?q={encoded}"))
    };
    let sub_requests = json!([
        {"method": "GET", "referenceId": "caseDetail", "url": query_url(format!(
            "SELECT Id, CaseNumber, Subject, Description, Status, Priority, Type, Reason, Origin, CreatedDate, ClosedDate, ContactEmail, Contact.Name, Account.Name, Owner.Name FROM Case WHERE Id = {quoted}"))},
        {"method": "GET", "referenceId": "comments", "url": query_url(format!(
            "SELECT Id, CommentBody, CreatedBy.Name, CreatedDate, IsPublished FROM CaseComment WHERE ParentId = {quoted} ORDER BY CreatedDate ASC"))},
        {"method": "GET", "referenceId": "emails", "url": query_url(format!(
            "SELECT Id, Subject, TextBody, FromAddress, ToAddress, Status, MessageDate, Incoming FROM EmailMessage WHERE ParentId = {quoted} ORDER BY MessageDate ASC"))},
        {"method": "GET", "referenceId": "feedItems", "url": query_url(format!(
            "SELECT Id, Type, Body, CreatedBy.Name, CreatedDate FROM FeedItem WHERE ParentId = {quoted} ORDER BY CreatedDate ASC LIMIT 50"))},
    ]);
    let request = ApiRequest::new(Method::POST, ctx.data_path("/composite"))
        .with_body(json!({"allOrNone": false, "compositeRequest": sub_requests}));
    let response = ctx.send(&request).await?;
    let mut sections = Map::new();
    let mut failures = Map::new();
    for item in response
        .body
        .get("compositeResponse")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let reference = item
            .get("referenceId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let status = item
            .get("httpStatusCode")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let body = item.get("body").cloned().unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            sections.insert(reference, tidy(body, false));
        } else {
            failures.insert(reference, json!({"httpStatus": status, "errors": body}));
        }
    }
    let detail = sections.get("caseDetail").map(records).unwrap_or_default();
    let Some(case) = detail.into_iter().next() else {
        if let Some(failure) = failures.get("caseDetail") {
            return Err(ToolError::new(
                "CASE_NOT_READABLE",
                format!("reading the case failed: {failure}"),
            ));
        }
        return Err(
            ToolError::new("NOT_FOUND", format!("no Case has Id {case_id}"))
                .with_hint("Check the Id (Case Ids start with 500) or find the case with query."),
        );
    };
    let comments = sections.get("comments").cloned().unwrap_or(Value::Null);
    let emails = sections.get("emails").cloned().unwrap_or(Value::Null);
    let feed_items = sections.get("feedItems").cloned().unwrap_or(Value::Null);
    let timeline = merge_timeline(
        &case,
        &records(&comments),
        &records(&emails),
        &records(&feed_items),
    );
    let mut out = json!({
        "caseDetail": case,
        "comments": comments,
        "emails": emails,
        "feedItems": feed_items,
        "timeline": timeline,
    });
    if !failures.is_empty() {
        out["failedSections"] = Value::Object(failures);
    }
    Ok(out)
}

/// The first `limit` characters of a text, marked when cut.
fn excerpt(text: &str, limit: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= limit {
        return flat;
    }
    let cut: String = flat.chars().take(limit).collect();
    format!("{cut}…")
}

const SUMMARY_CHARS: usize = 200;

/// One time-ordered list of what happened on the case. Each entry's `summary` is the first 200
/// characters of its text; the full text is in the `comments`, `emails` and `feedItems` sections.
pub fn merge_timeline(
    case: &Value,
    comments: &[Value],
    emails: &[Value],
    feed_items: &[Value],
) -> Vec<Value> {
    let mut entries: Vec<(Option<chrono::DateTime<chrono::Utc>>, Value)> = Vec::new();
    let mut push =
        |at: Option<chrono::DateTime<chrono::Utc>>, entry: Value| entries.push((at, entry));
    push(
        datetime_field(case, "CreatedDate"),
        json!({"at": case.get("CreatedDate"), "kind": "case_opened", "summary": case.get("Subject")}),
    );
    for comment in comments {
        let published = comment
            .get("IsPublished")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        push(
            datetime_field(comment, "CreatedDate"),
            json!({
                "at": comment.get("CreatedDate"),
                "kind": if published { "public_comment" } else { "internal_comment" },
                "by": text_field(comment, "CreatedBy.Name"),
                "summary": excerpt(text_field(comment, "CommentBody").unwrap_or_default(), SUMMARY_CHARS),
                "id": comment.get("Id"),
            }),
        );
    }
    for email in emails {
        let incoming = email
            .get("Incoming")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let status = text_field(email, "Status").unwrap_or_default();
        push(
            datetime_field(email, "MessageDate"),
            json!({
                "at": email.get("MessageDate"),
                "kind": if incoming { "email_received" } else { "email_sent" },
                "status": email_status_label(status),
                "from": email.get("FromAddress"),
                "to": email.get("ToAddress"),
                "subject": email.get("Subject"),
                "summary": excerpt(text_field(email, "TextBody").unwrap_or_default(), SUMMARY_CHARS),
                "id": email.get("Id"),
            }),
        );
    }
    for item in feed_items {
        push(
            datetime_field(item, "CreatedDate"),
            json!({
                "at": item.get("CreatedDate"),
                "kind": "feed_post",
                "type": item.get("Type"),
                "by": text_field(item, "CreatedBy.Name"),
                "summary": excerpt(text_field(item, "Body").unwrap_or_default(), SUMMARY_CHARS),
                "id": item.get("Id"),
            }),
        );
    }
    if let Some(closed) = case.get("ClosedDate").filter(|v| !v.is_null()) {
        push(
            datetime_field(case, "ClosedDate"),
            json!({"at": closed, "kind": "case_closed", "summary": case.get("Status")}),
        );
    }
    // Entries without a date go last; equal dates keep their kind order (stable sort).
    entries.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    entries.into_iter().map(|(_, entry)| entry).collect()
}

async fn send_case_email(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let case_id = required_str(args, "case_id")?;
    let to = required_str(args, "to_address")?;
    let subject = required_str(args, "subject")?;
    let body = required_str(args, "body")?;
    let send_now = optional_str(args, "status") == Some("Sent");
    let mut message = json!({
        "ParentId": case_id,
        "ToAddress": to,
        "Subject": subject,
        "HtmlBody": body,
        "Incoming": false,
    });
    if !send_now {
        message["Status"] = json!(EMAIL_DRAFT);
        let id = create(ctx, "EmailMessage", message).await?;
        let email = read_back(
            ctx,
            "EmailMessage",
            &id,
            "Id,Subject,ToAddress,Status,MessageDate,ParentId",
        )
        .await;
        return Ok(json!({
            "status": "Draft",
            "sent": false,
            "emailMessage": with_status_label(email),
            "note": "A draft EmailMessage is on the case; nothing was sent. Call again with status Sent to send it.",
        }));
    }
    // Sending cannot be undone: make sure the case exists before anything leaves the org.
    let case = read(ctx, "Case", case_id, "Id,CaseNumber").await?;
    let action = ApiRequest::new(Method::POST, ctx.data_path("/actions/standard/emailSimple"))
        .with_body(json!({
            "inputs": [{
                "emailAddresses": to,
                "emailSubject": subject,
                "emailBody": body,
                "sendRichBody": true,
                "senderType": "CurrentUser",
                "relatedRecordId": case_id,
            }]
        }));
    let result = ctx.send(&action).await?;
    let outcome = result.body.get(0).cloned().unwrap_or(Value::Null);
    if outcome.get("isSuccess").and_then(Value::as_bool) != Some(true) {
        let first = outcome
            .get("errors")
            .and_then(|e| e.get(0))
            .cloned()
            .unwrap_or(Value::Null);
        let code = first
            .get("statusCode")
            .and_then(Value::as_str)
            .unwrap_or("EMAIL_NOT_SENT");
        let text = first
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("the email action did not succeed");
        return Err(
            ToolError::new(code, format!("the email was not sent: {text}")).with_hint(
                "Nothing was sent or logged. Fix the address or content, or save a Draft instead.",
            ),
        );
    }
    message["Status"] = json!(EMAIL_SENT);
    message["MessageDate"] = json!(ctx.org_now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
    let logged = match create(ctx, "EmailMessage", message).await {
        Ok(id) => with_status_label(
            read_back(
                ctx,
                "EmailMessage",
                &id,
                "Id,Subject,ToAddress,Status,MessageDate,ParentId",
            )
            .await,
        ),
        Err(error) => json!({
            "note": format!("The email WAS sent, but logging it on the case failed ({}: {}). Do not send it again.", error.code, error.message),
        }),
    };
    Ok(json!({
        "status": "Sent",
        "sent": true,
        "caseNumber": case.get("CaseNumber"),
        "emailMessage": logged,
    }))
}

fn with_status_label(mut email: Value) -> Value {
    if let Some(code) = email
        .get("Status")
        .and_then(Value::as_str)
        .map(str::to_owned)
    {
        email["StatusLabel"] = json!(email_status_label(&code));
    }
    email
}

const KNOWLEDGE_TERMS: usize = 10;

async fn suggest_kb_for_case(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let case_id = required_str(args, "case_id")?;
    let limit = usize::try_from(optional_i64(args, "limit").unwrap_or(5)).unwrap_or(5);
    let language = optional_str(args, "language").unwrap_or("en-US");
    let case = read(ctx, "Case", case_id, "Id,CaseNumber,Subject,Description").await?;
    let subject = text_field(&case, "Subject").unwrap_or_default();
    let description = text_field(&case, "Description").unwrap_or_default();
    let extra = optional_str(args, "search_terms").unwrap_or_default();

    // Terms by weight: what the agent asked for, then the subject, then the description.
    let mut terms: Vec<String> = Vec::new();
    for term in key_terms(extra)
        .into_iter()
        .chain(key_terms(subject))
        .chain(key_terms(description))
    {
        if !terms.contains(&term) && terms.len() < KNOWLEDGE_TERMS {
            terms.push(term);
        }
    }
    if terms.is_empty() {
        return Err(ToolError::bad_argument(
            "the case has no subject or description words to search with; pass search_terms",
        ));
    }
    // OR between terms: Knowledge search ANDs plain words, which finds nothing for a long list.
    let search = terms.join(" OR ");
    let language_header = HeaderValue::from_str(language)
        .map_err(|_| ToolError::bad_argument("language is not a valid language code"))?;
    let request = ApiRequest::get(ctx.data_path("/support/knowledgeArticles"))
        .with_query("q", search.clone())
        .with_query("pageSize", "25")
        .with_header(ACCEPT_LANGUAGE, language_header);
    let page = ctx.send(&request).await?.body;
    let subject_terms = key_terms(subject);
    let mut ranked: Vec<(f64, Value)> = page
        .get("articles")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|article| rank_article(article, &terms, &subject_terms))
        .collect();
    ranked.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    let found = ranked.len();
    let articles: Vec<Value> = ranked.into_iter().take(limit).map(|(_, a)| a).collect();
    Ok(json!({
        "case": {"Id": case.get("Id"), "CaseNumber": case.get("CaseNumber"), "Subject": subject},
        "searchQuery": search,
        "terms": terms,
        "articlesFound": found,
        "articles": articles,
    }))
}

/// Scores an article: subject words in the title count most, other case words in the title
/// next, words in the summary least; Salesforce's own match (anywhere in the article) is the floor.
fn rank_article(article: &Value, terms: &[String], subject_terms: &[String]) -> (f64, Value) {
    let title = text_field(article, "title").unwrap_or_default();
    let summary = text_field(article, "summary").unwrap_or_default();
    let in_title = matched_terms(terms, title);
    let in_summary: Vec<String> = matched_terms(terms, summary)
        .into_iter()
        .filter(|t| !in_title.contains(t))
        .collect();
    let subject_hits = in_title
        .iter()
        .filter(|t| subject_terms.contains(t))
        .count();
    let score = 1.0
        + subject_hits as f64 * 3.0
        + (in_title.len() - subject_hits) as f64 * 2.0
        + in_summary.len() as f64;
    let why = match (in_title.is_empty(), in_summary.is_empty()) {
        (true, true) => {
            "Salesforce's search matched words of the case in the article body".to_owned()
        }
        (false, true) => format!("title mentions {}", in_title.join(", ")),
        (true, false) => format!("summary mentions {}", in_summary.join(", ")),
        (false, false) => format!(
            "title mentions {}; summary mentions {}",
            in_title.join(", "),
            in_summary.join(", ")
        ),
    };
    let shaped = json!({
        "id": article.get("id"),
        "articleNumber": article.get("articleNumber"),
        "title": title,
        "summary": summary,
        "urlName": article.get("urlName"),
        "lastPublishedDate": article.get("lastPublishedDate"),
        "score": score,
        "matchedTerms": in_title.iter().chain(in_summary.iter()).collect::<Vec<_>>(),
        "why": why,
    });
    (score, shaped)
}

async fn draft_kb_article(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let case_id = required_str(args, "case_id")?;
    let article_type = optional_str(args, "article_type").unwrap_or("Knowledge__kav");
    let body_field = optional_str(args, "body_field").unwrap_or("Content__c");
    let title = required_str(args, "title")?;
    let case = read(ctx, "Case", case_id, "Id,CaseNumber,Subject,Status").await?;
    let mut article = Map::new();
    article.insert("Title".into(), json!(title));
    article.insert("UrlName".into(), json!(required_str(args, "url_name")?));
    if let Some(summary) = optional_str(args, "summary") {
        article.insert("Summary".into(), json!(summary));
    }
    article.insert(body_field.to_owned(), json!(required_str(args, "content")?));
    article.insert("SourceId".into(), json!(case_id));
    let id = create(ctx, article_type, Value::Object(article)).await?;
    let version = read_back(
        ctx,
        article_type,
        &id,
        "Id,KnowledgeArticleId,ArticleNumber,PublishStatus,UrlName,Title",
    )
    .await;
    Ok(json!({
        "success": true,
        "articleId": id,
        "knowledgeArticleId": version.get("KnowledgeArticleId"),
        "articleNumber": version.get("ArticleNumber"),
        "publishStatus": version.get("PublishStatus").cloned().unwrap_or(json!("Draft")),
        "caseId": case.get("Id"),
        "caseNumber": case.get("CaseNumber"),
        "title": title,
        "note": "The article is a draft, linked to the case by SourceId; publish it with publish_knowledge_article after review.",
    }))
}

async fn categorize_case(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let case_id = required_str(args, "case_id")?;
    let mut changes =
        json!({"Type": required_str(args, "type")?, "Reason": required_str(args, "reason")?});
    if let Some(subject) = optional_str(args, "subject") {
        changes["Subject"] = json!(subject);
    }
    let path = ctx.data_path(&format!("/sobjects/Case/{}", ctx.segment(case_id)?));
    ctx.send(&ApiRequest::new(Method::PATCH, path).with_body(changes))
        .await?;
    let mut out = json!({"success": true});
    if let Some(comment) = optional_str(args, "internal_comments") {
        let body = json!({"ParentId": case_id, "CommentBody": comment, "IsPublished": false});
        match create(ctx, "CaseComment", body).await {
            Ok(id) => out["commentId"] = json!(id),
            Err(error) => {
                out["commentError"] = json!(format!(
                    "The case was categorized, but adding the internal comment failed ({}: {}); add it with add_case_comment.",
                    error.code, error.message
                ));
            }
        }
    }
    out["case"] = read_back(
        ctx,
        "Case",
        case_id,
        "Id,CaseNumber,Subject,Type,Reason,Status,Priority",
    )
    .await;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeline_merges_and_orders_every_kind() {
        let case = json!({"Subject": "Slow dashboard", "CreatedDate": "2026-11-01T09:00:00.000+0000", "ClosedDate": "2026-11-03T09:00:00.000+0000", "Status": "Closed"});
        let comments = vec![
            json!({"Id": "c1", "CommentBody": "Looking into it", "IsPublished": false, "CreatedDate": "2026-11-01T10:00:00.000+0000", "CreatedBy": {"Name": "Ana"}}),
        ];
        let emails = vec![
            json!({"Id": "e2", "Incoming": false, "Status": "3", "MessageDate": "2026-11-02T08:00:00.000+0000", "TextBody": "Fixed"}),
            json!({"Id": "e1", "Incoming": true, "Status": "1", "MessageDate": "2026-11-01T09:30:00.000+0000", "TextBody": "x".repeat(300)}),
        ];
        let feed = vec![
            json!({"Id": "f1", "Type": "TextPost", "Body": "Escalating", "CreatedDate": "2026-11-01T11:00:00.000+0000", "CreatedBy": {"Name": "Bo"}}),
        ];
        let timeline = merge_timeline(&case, &comments, &emails, &feed);
        let kinds: Vec<&str> = timeline.iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(
            kinds,
            [
                "case_opened",
                "email_received",
                "internal_comment",
                "feed_post",
                "email_sent",
                "case_closed"
            ]
        );
        assert_eq!(
            timeline[1]["summary"].as_str().map(|s| s.chars().count()),
            Some(201)
        );
        assert_eq!(timeline[4]["status"], "Sent");
    }

    #[test]
    fn articles_are_ranked_by_where_the_case_words_appear() {
        let terms = vec![
            "dashboard".to_owned(),
            "slow".to_owned(),
            "widgets".to_owned(),
        ];
        let subject = vec!["dashboard".to_owned(), "slow".to_owned()];
        let (strong, a) = rank_article(
            &json!({"title": "Resolving slow dashboard load times", "summary": "many widgets"}),
            &terms,
            &subject,
        );
        let (weak, b) = rank_article(
            &json!({"title": "Billing", "summary": "About widgets"}),
            &terms,
            &subject,
        );
        let (floor, c) = rank_article(&json!({"title": "Other", "summary": ""}), &terms, &subject);
        assert!(strong > weak && weak > floor);
        assert_eq!(
            a["why"],
            "title mentions dashboard, slow; summary mentions widgets"
        );
        assert_eq!(b["matchedTerms"], json!(["widgets"]));
        assert!(
            c["why"]
                .as_str()
                .unwrap_or_default()
                .contains("article body")
        );
    }
}
