//! Filters for shaping Knowledge articles, search suggestions and search synonym groups.
//!
//! | filter | does |
//! |---|---|
//! | `layout_fields` | an Article Detail's `layoutItems` → `{label: value}`, empty values left out |
//! | `suggested_queries` | `suggestSearchQueries`' `[{"0": "a", "1": "b"}]` → `["a", "b"]` |
//! | `synonym_group` | a SearchSynonymGroup record (or a list) → `{id, group_name, synonyms: [...]}` |

use minijinja::{Environment, Error, Value as JinjaValue};
use serde_json::{Map, Value};

use super::to_json;
use crate::templating::to_jinja;

pub fn register(env: &mut Environment<'static>) {
    env.add_filter("layout_fields", |value: JinjaValue| {
        Ok::<_, Error>(to_jinja(&layout_fields(&to_json(&value)?)))
    });
    env.add_filter("suggested_queries", |value: JinjaValue| {
        Ok::<_, Error>(to_jinja(&suggested_queries(&to_json(&value)?)))
    });
    env.add_filter("synonym_group", |value: JinjaValue| {
        Ok::<_, Error>(to_jinja(&synonym_group(&to_json(&value)?)))
    });
}

/// The article's layout fields by label. A label used twice gets its field name added, so no
/// value is lost; fields without a value are left out.
pub fn layout_fields(items: &Value) -> Value {
    let mut out = Map::new();
    for item in items.as_array().into_iter().flatten() {
        let value = item.get("value").cloned().unwrap_or(Value::Null);
        if is_blank(&value) {
            continue;
        }
        let name = item.get("name").and_then(Value::as_str).unwrap_or("field");
        let label = item.get("label").and_then(Value::as_str).unwrap_or(name);
        let key = if out.contains_key(label) {
            format!("{label} ({name})")
        } else {
            label.to_owned()
        };
        out.insert(key, value);
    }
    Value::Object(out)
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Salesforce answers suggested queries as objects keyed "0", "1", …; a model wants a list.
/// Keys are taken in numeric order; plain strings in the list are kept as they are.
pub fn suggested_queries(results: &Value) -> Value {
    let mut out = Vec::new();
    for entry in results.as_array().into_iter().flatten() {
        match entry {
            Value::String(text) => out.push(Value::String(text.clone())),
            Value::Object(keyed) => {
                let mut pairs: Vec<(u64, &Value)> = keyed
                    .iter()
                    .filter_map(|(key, value)| key.parse().ok().map(|n| (n, value)))
                    .collect();
                pairs.sort_by_key(|(n, _)| *n);
                out.extend(
                    pairs
                        .into_iter()
                        .filter(|(_, v)| v.is_string())
                        .map(|(_, v)| v.clone()),
                );
            }
            _ => {}
        }
    }
    Value::Array(out)
}

/// A synonym group as an agent writes it back: its id, its name and its terms as a list.
pub fn synonym_group(record: &Value) -> Value {
    match record {
        Value::Array(items) => Value::Array(items.iter().map(synonym_group).collect()),
        Value::Object(fields) => {
            let text = |key: &str| fields.get(key).cloned().unwrap_or(Value::Null);
            let terms = fields
                .get("Synonyms")
                .and_then(Value::as_str)
                .map(split_terms)
                .unwrap_or_default();
            let mut out = Map::new();
            out.insert("id".into(), text("Id"));
            out.insert("group_name".into(), text("GroupName"));
            out.insert("synonyms".into(), Value::from(terms));
            for (from, to) in [
                ("CreatedDate", "created_date"),
                ("LastModifiedDate", "last_modified_date"),
            ] {
                if let Some(value) = fields.get(from).filter(|v| !v.is_null()) {
                    out.insert(to.into(), value.clone());
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// `"CRM, customer relationship management"` → both terms, trimmed, blanks dropped.
pub fn split_terms(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn layout_items_become_a_map_by_label() {
        let items = json!([
            {"label": "Content", "name": "Content__c", "type": "RICH_TEXT_AREA", "value": "<p>Clear the cache.</p>"},
            {"label": "Source", "name": "SourceId", "type": "LOOKUP", "value": null},
            {"label": "Out of Date", "name": "IsOutOfDate", "type": "CHECKBOX", "value": "false"},
            {"label": "Content", "name": "Internal__c", "type": "TEXT", "value": "for agents"}
        ]);
        assert_eq!(
            layout_fields(&items),
            json!({"Content": "<p>Clear the cache.</p>", "Out of Date": "false", "Content (Internal__c)": "for agents"})
        );
        assert_eq!(layout_fields(&Value::Null), json!({}));
    }

    #[test]
    fn keyed_suggestions_become_a_list_in_key_order() {
        let results =
            json!([{"1": "apple banana", "0": "apple", "10": "apples", "2": "apple pie"}, "plain"]);
        assert_eq!(
            suggested_queries(&results),
            json!(["apple", "apple banana", "apple pie", "apples", "plain"])
        );
        assert_eq!(suggested_queries(&json!([])), json!([]));
    }

    #[test]
    fn synonym_groups_list_their_terms() {
        let record = json!({"attributes": {"type": "SearchSynonymGroup"}, "Id": "0SgDm0000000001AAA",
            "GroupName": "CRM", "Synonyms": "CRM, customer relationship management,, ", "CreatedDate": null});
        assert_eq!(
            synonym_group(&json!([record])),
            json!([{"id": "0SgDm0000000001AAA", "group_name": "CRM", "synonyms": ["CRM", "customer relationship management"]}])
        );
    }
}
