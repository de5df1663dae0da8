//! Small helpers the workflows share: reading arguments, records and Salesforce datetimes,
//! and picking the key terms of a text.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use reqwest::Method;
use serde_json::json;

use crate::engine::{ToolError, WorkflowContext};
use crate::salesforce::ApiRequest;
use crate::templating::filters::tidy;

/// A required string argument (the schema has already checked it; this guards the type).
pub fn required_str<'a>(args: &'a Map<String, Value>, name: &str) -> Result<&'a str, ToolError> {
    args.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| ToolError::bad_argument(format!("`{name}` is required")))
}

/// An optional string argument; empty strings count as absent.
pub fn optional_str<'a>(args: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

pub fn optional_i64(args: &Map<String, Value>, name: &str) -> Option<i64> {
    args.get(name).and_then(Value::as_i64)
}

/// The `records` of a query result (empty for null or a missing key).
pub fn records(result: &Value) -> Vec<Value> {
    result
        .get("records")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Parses `2026-04-01T12:34:56.000+0000` (record fields) and `…Z` (Connect, Analytics).
pub fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// A datetime field of a record, parsed.
pub fn datetime_field(record: &Value, field: &str) -> Option<DateTime<Utc>> {
    record
        .get(field)
        .and_then(Value::as_str)
        .and_then(parse_datetime)
}

/// A string field, or a field of a parent (`Contact.Name`).
pub fn text_field<'a>(record: &'a Value, path: &str) -> Option<&'a str> {
    let mut current = record;
    for part in path.split('.') {
        current = current.get(part)?;
    }
    current.as_str()
}

/// POSTs a record and returns its id.
pub async fn create(ctx: &WorkflowContext, object: &str, body: Value) -> Result<String, ToolError> {
    let path = ctx.data_path(&format!("/sobjects/{}", ctx.segment(object)?));
    let response = ctx
        .send(&ApiRequest::new(Method::POST, path).with_body(body))
        .await?;
    response
        .body
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| {
            ToolError::new(
                "UNEXPECTED_RESPONSE",
                format!("creating a {object} returned no id"),
            )
        })
}

/// Reads a record with some fields, without `attributes`.
pub async fn read(
    ctx: &WorkflowContext,
    object: &str,
    id: &str,
    fields: &str,
) -> Result<Value, ToolError> {
    let path = format!("/sobjects/{}/{}", ctx.segment(object)?, ctx.segment(id)?);
    Ok(tidy(ctx.get(&path, &[("fields", fields)]).await?, false))
}

/// Reads back a record that was just written. A failed read must not hide the write (an agent
/// that sees an error would write again), so it becomes a note next to the id.
pub async fn read_back(ctx: &WorkflowContext, object: &str, id: &str, fields: &str) -> Value {
    match read(ctx, object, id, fields).await {
        Ok(record) => record,
        Err(error) => json!({
            "Id": id,
            "note": format!("the {object} was saved, but reading it back failed ({}: {}); do not repeat the write", error.code, error.message),
        }),
    }
}

const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "all",
    "already",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "did",
    "do",
    "does",
    "for",
    "from",
    "get",
    "gets",
    "had",
    "has",
    "have",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "me",
    "more",
    "my",
    "no",
    "not",
    "of",
    "on",
    "or",
    "our",
    "out",
    "please",
    "same",
    "should",
    "since",
    "so",
    "some",
    "still",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "they",
    "this",
    "to",
    "too",
    "tried",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "customer",
    "customers",
    "reports",
    "reported",
    "user",
    "users",
    "issue",
    "problem",
];

/// The distinct words of `text` worth searching for: lowercase, no stop words, no numbers-only
/// words, at least three letters, in order of first appearance.
pub fn key_terms(text: &str) -> Vec<String> {
    let mut seen = Vec::new();
    for raw in text.split(|c: char| !c.is_alphanumeric() && c != '-') {
        let word = raw.trim_matches('-').to_lowercase();
        if word.chars().count() < 3
            || word.chars().all(|c| c.is_ascii_digit())
            || STOP_WORDS.contains(&word.as_str())
        {
            continue;
        }
        if !seen.contains(&word) {
            seen.push(word);
        }
    }
    seen
}

/// The terms of `terms` found in `text` as words or word prefixes (so `load` matches `loading`).
pub fn matched_terms(terms: &[String], text: &str) -> Vec<String> {
    let words: Vec<String> = key_terms(text);
    terms
        .iter()
        .filter(|term| {
            words.iter().any(|w| {
                w == *term
                    || (term.len() >= 4
                        && (w.starts_with(term.as_str())
                            || term.starts_with(w.as_str()) && w.len() >= 4))
            })
        })
        .cloned()
        .collect()
}

/// Rounds to one decimal place.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// `part` as a percentage of `whole`, one decimal; `None` when `whole` is zero.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| round1(part as f64 * 100.0 / whole as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_terms_drop_noise() {
        assert_eq!(
            key_terms(
                "Customer reports slow load times in the dashboard view; dashboard takes 90 seconds"
            ),
            vec![
                "slow",
                "load",
                "times",
                "dashboard",
                "view",
                "takes",
                "seconds"
            ]
        );
    }

    #[test]
    fn matched_terms_accept_word_forms() {
        let terms = vec!["dashboard".to_owned(), "load".to_owned(), "slow".to_owned()];
        assert_eq!(
            matched_terms(&terms, "Resolving slow dashboard load times"),
            terms
        );
        assert_eq!(
            matched_terms(&["loading".to_owned()], "load times"),
            vec!["loading"]
        );
        assert_eq!(
            matched_terms(&["log".to_owned()], "login fails"),
            Vec::<String>::new()
        );
        assert_eq!(
            matched_terms(&["dashboards".to_owned()], "dashboard"),
            vec!["dashboards"]
        );
    }

    #[test]
    fn datetimes_in_both_salesforce_forms() {
        let a = parse_datetime("2026-04-01T12:34:56.000+0000").expect("record form");
        let b = parse_datetime("2026-04-01T12:34:56Z").expect("connect form");
        assert_eq!(a, b);
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(1, 0), None);
    }
}
