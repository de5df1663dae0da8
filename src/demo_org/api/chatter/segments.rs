//! Message segments: the body of posts and comments. Input segments are flattened into the plain
//! text Salesforce stores in FeedItem.Body / FeedComment.CommentBody (a mention becomes
//! `@Full Name`, a hashtag `#tag` or `#[multi word tag]`); output segments are recovered from that
//! text by recognising the org's user names, topic names and links.

use serde_json::{Value, json};

use super::people::{display_name, find_user, is_active, user_summary};
use super::request::invalid_input;
use super::view::View;
use crate::demo_org::api::error::ApiError;
use crate::demo_org::ids;
use crate::demo_org::store::OrgData;

/// The stored form of a body, and the topics its hashtags name.
#[derive(Debug, PartialEq)]
pub struct ComposedBody {
    pub text: String,
    pub hashtags: Vec<String>,
}

const MARKUP_TYPES: &[&str] = &[
    "Bold",
    "Code",
    "Hyperlink",
    "Italic",
    "ListItem",
    "OrderedList",
    "Paragraph",
    "Strikethrough",
    "Underline",
    "UnorderedList",
];

/// The body of a post or comment request: `body.messageSegments` of the JSON input, or the `text`
/// query parameter. A body without any text is refused.
pub fn body_from_request(
    org: &OrgData,
    input: Option<&Value>,
    text_param: Option<&str>,
) -> Result<ComposedBody, ApiError> {
    let composed = match input.and_then(|i| i.get("body")) {
        Some(body) => {
            let segments = body
                .get("messageSegments")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    invalid_input("The body must have a messageSegments array, e.g. {\"body\":{\"messageSegments\":[{\"type\":\"Text\",\"text\":\"Hello\"}]}}.")
                })?;
            compose(org, segments)?
        }
        None => ComposedBody {
            text: text_param.unwrap_or("").to_owned(),
            hashtags: Vec::new(),
        },
    };
    if composed.text.trim().is_empty() {
        return Err(invalid_input(
            "The body text is missing. Provide body.messageSegments with at least one non-empty Text segment, or the text parameter.",
        ));
    }
    Ok(composed)
}

/// Flattens input segments into stored text.
pub fn compose(org: &OrgData, segments: &[Value]) -> Result<ComposedBody, ApiError> {
    let mut text = String::new();
    let mut hashtags = Vec::new();
    for segment in segments {
        let kind = segment.get("type").and_then(Value::as_str).unwrap_or("");
        let field = |name: &str| {
            segment
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| invalid_input(format!("A {kind} segment needs a \"{name}\" value.")))
        };
        match kind {
            "Text" => text.push_str(field("text")?),
            "Mention" => {
                let id = field("id")?;
                let user = ids::canonical(id)
                    .and_then(|id| find_user(org, &id))
                    .filter(|u| is_active(u))
                    .ok_or_else(|| {
                        invalid_input(format!("Can't mention {id}: it is not an active user."))
                    })?;
                text.push('@');
                text.push_str(&display_name(user));
            }
            "Hashtag" => {
                let tag = field("tag")?.trim().trim_start_matches('#');
                if tag.is_empty() {
                    return Err(invalid_input("A Hashtag segment needs a non-empty tag."));
                }
                if tag.contains(char::is_whitespace) {
                    text.push_str(&format!("#[{tag}]"));
                } else {
                    text.push('#');
                    text.push_str(tag);
                }
                hashtags.push(tag.to_owned());
            }
            "Link" => text.push_str(field("url")?),
            "MarkupBegin" | "MarkupEnd" => {
                let markup = field("markupType")?;
                if !MARKUP_TYPES.contains(&markup) {
                    return Err(invalid_input(format!("Unknown markupType: {markup}")));
                }
                let ends_block = kind == "MarkupEnd" && matches!(markup, "Paragraph" | "ListItem");
                if ends_block && !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
            }
            other => {
                return Err(invalid_input(format!(
                    "Unsupported message segment type: {other}. Use Text, Mention, Hashtag, Link, MarkupBegin or MarkupEnd."
                )));
            }
        }
    }
    Ok(ComposedBody {
        text: text.trim_end().to_owned(),
        hashtags,
    })
}

/// One recognised piece of stored text.
#[derive(Debug, PartialEq)]
enum Piece<'t> {
    Text(&'t str),
    Mention {
        user_id: String,
        text: &'t str,
    },
    Hashtag {
        topic_id: String,
        tag: String,
        text: &'t str,
    },
    Link(&'t str),
}

/// Users by display name, longest first, so "@Ann Lee-Smith" wins over "@Ann Lee".
fn mentionable(org: &OrgData) -> Vec<(String, String)> {
    let mut names: Vec<(String, String)> = org
        .records("User")
        .map(|u| (display_name(u), u.id.clone()))
        .filter(|(name, _)| !name.is_empty())
        .collect();
    names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    names
}

fn topic_named(org: &OrgData, tag: &str) -> Option<String> {
    org.records("Topic")
        .find(|t| {
            t.get_str("Name")
                .is_some_and(|n| n.eq_ignore_ascii_case(tag))
        })
        .map(|t| t.id.clone())
}

/// The hashtag at the start of `rest` (just after `#`): its tag and its length in `rest`.
fn hashtag_at(rest: &str) -> Option<(&str, usize)> {
    if let Some(inner) = rest.strip_prefix('[') {
        let end = inner.find(']')?;
        let tag = inner.get(..end)?;
        return Some((tag, end + 2));
    }
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (end > 0).then(|| (rest.get(..end).unwrap_or(""), end))
}

fn split_pieces<'t>(org: &OrgData, text: &'t str) -> Vec<Piece<'t>> {
    let users = mentionable(org);
    let mut pieces = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = text.get(i..).unwrap_or("");
        let mut found: Option<(Piece<'t>, usize)> = None;
        if let Some(after) = rest.strip_prefix('@') {
            if let Some((name, id)) = users
                .iter()
                .find(|(name, _)| after.starts_with(name.as_str()))
            {
                let len = 1 + name.len();
                found = Some((
                    Piece::Mention {
                        user_id: id.clone(),
                        text: text.get(i..i + len).unwrap_or(""),
                    },
                    len,
                ));
            }
        } else if let Some(after) = rest.strip_prefix('#') {
            if let Some((tag, tag_len)) = hashtag_at(after)
                && let Some(topic_id) = topic_named(org, tag)
            {
                let len = 1 + tag_len;
                found = Some((
                    Piece::Hashtag {
                        topic_id,
                        tag: tag.to_owned(),
                        text: text.get(i..i + len).unwrap_or(""),
                    },
                    len,
                ));
            }
        } else if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            found = Some((Piece::Link(text.get(i..i + len).unwrap_or("")), len));
        }
        match found {
            Some((piece, len)) => {
                if plain_start < i {
                    pieces.push(Piece::Text(text.get(plain_start..i).unwrap_or("")));
                }
                pieces.push(piece);
                i += len;
                plain_start = i;
            }
            None => {
                i += rest.chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    if plain_start < text.len() {
        pieces.push(Piece::Text(text.get(plain_start..).unwrap_or("")));
    }
    pieces
}

/// The Connect body of stored text: `{isRichText, messageSegments, text}`.
pub fn body_json(view: &View, text: &str) -> Value {
    let segments: Vec<Value> = split_pieces(view.org, text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(t) => json!({"text": t, "type": "Text"}),
            Piece::Mention { user_id, text } => {
                let user = user_summary(view, &user_id);
                json!({
                    "accessible": true,
                    "name": text.trim_start_matches('@'),
                    "record": user,
                    "text": text,
                    "type": "Mention",
                    "user": user,
                })
            }
            Piece::Hashtag {
                topic_id,
                tag,
                text,
            } => json!({
                "tag": tag,
                "text": text,
                "topicUrl": view.connect_url(&format!("/topics/{topic_id}")),
                "type": "Hashtag",
                "url": view.chatter_url(&format!("/topics/{topic_id}")),
            }),
            Piece::Link(url) => json!({"text": url, "type": "Link", "url": url}),
        })
        .collect();
    json!({
        "isRichText": false,
        "messageSegments": segments,
        "text": text,
    })
}

/// The ids of the users a stored text mentions.
pub fn mentioned_user_ids(org: &OrgData, text: &str) -> Vec<String> {
    split_pieces(org, text)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Mention { user_id, .. } => Some(user_id),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::api::version::ApiVersion;
    use crate::demo_org::objects::demo_schema;
    use crate::demo_org::store::Record;
    use chrono::Utc;
    use serde_json::Map;
    use std::sync::Arc;

    fn org_with_users(names: &[&str]) -> (OrgData, Vec<String>) {
        let mut org = OrgData::new(Arc::new(demo_schema()));
        let mut ids = Vec::new();
        for name in names {
            let id = org.new_id("User").expect("id");
            let mut fields = Map::new();
            fields.insert("Id".into(), json!(id));
            fields.insert("Name".into(), json!(name));
            org.put(Record {
                id: id.clone(),
                sobject: "User".into(),
                fields,
                deleted: false,
            });
            ids.push(id);
        }
        (org, ids)
    }

    #[test]
    fn composes_mentions_hashtags_and_markup() {
        let (org, ids) = org_with_users(&["Ann Lee"]);
        let segments = vec![
            json!({"type": "MarkupBegin", "markupType": "Paragraph"}),
            json!({"type": "Text", "text": "Thanks "}),
            json!({"type": "Mention", "id": ids[0]}),
            json!({"type": "MarkupEnd", "markupType": "Paragraph"}),
            json!({"type": "Hashtag", "tag": "Login and SSO"}),
        ];
        let body = compose(&org, &segments).expect("compose");
        assert_eq!(body.text, "Thanks @Ann Lee\n#[Login and SSO]");
        assert_eq!(body.hashtags, vec!["Login and SSO".to_owned()]);
        let unknown = compose(&org, &[json!({"type": "Mention", "id": "005000000000001"})]);
        assert!(unknown.is_err());
        assert!(compose(&org, &[json!({"type": "InlineImage"})]).is_err());
    }

    #[test]
    fn missing_text_is_refused() {
        let (org, _) = org_with_users(&[]);
        let empty = json!({"body": {"messageSegments": [{"type": "Text", "text": "  "}]}});
        assert!(body_from_request(&org, Some(&empty), None).is_err());
        assert!(body_from_request(&org, None, None).is_err());
        let no_segments = json!({"body": {}});
        assert!(body_from_request(&org, Some(&no_segments), None).is_err());
        let by_param = body_from_request(&org, None, Some("hello")).expect("text");
        assert_eq!(by_param.text, "hello");
    }

    #[test]
    fn renders_mentions_and_links_from_stored_text() {
        let (org, ids) = org_with_users(&["Ann Lee", "Ann Lee-Smith"]);
        let version = ApiVersion("66.0".into());
        let view = View::new(&org, &ids[0], &version, Utc::now());
        let body = body_json(&view, "Hi @Ann Lee-Smith, see https://example.com/a ok");
        let segments = body["messageSegments"].as_array().expect("segments");
        let kinds: Vec<&str> = segments.iter().filter_map(|s| s["type"].as_str()).collect();
        assert_eq!(kinds, vec!["Text", "Mention", "Text", "Link", "Text"]);
        assert_eq!(segments[1]["user"]["id"], json!(ids[1]));
        assert_eq!(segments[3]["url"], json!("https://example.com/a"));
        assert_eq!(
            mentioned_user_ids(&org, "cc @Ann Lee and @Nobody"),
            vec![ids[0].clone()]
        );
    }
}
