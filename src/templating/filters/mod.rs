//! Filters available to manifest templates, for shaping Salesforce JSON for a model to read and
//! for quoting values into SOQL.
//!
//! | filter | does |
//! |---|---|
//! | `tidy` | drops every `attributes` block; `tidy(true)` keeps the record type as `sobject` |
//! | `drop_nulls` | drops object keys whose value is null, recursively |
//! | `pick('A', 'B')` | keeps only those keys (of an object, or of each object in a list) |
//! | `omit('A', 'B')` | drops those keys (of an object, or of each object in a list) |
//! | `merge(other)` | an object with `other`'s keys added (or replaced) |
//! | `soql_string` | a SOQL string literal: quoted, with `\` `'` `"` and control characters escaped |
//! | `last_segment` | the text after the last `/` (a query locator from a `nextRecordsUrl`) |
//! | `csv_list` | `"a, b ,c"` → `["a", "b", "c"]` |
//! | `matching(text, 'name', 'label')` | the objects of a list where one of those keys contains `text` (any case); all when `text` is null or empty |
//! | `describe_summary` | an sObject describe reduced to what an agent reads: fields (name, label, type, flags, picklist values, references) and child relationships |

use minijinja::value::Rest;
use minijinja::{Environment, Error, ErrorKind, Value as JinjaValue};
use serde_json::{Map, Value};

use crate::templating::to_jinja;

pub mod analytics;
pub mod chatter;
pub mod composite;
pub mod knowledge;

pub fn register(env: &mut Environment<'static>) {
    analytics::register(env);
    chatter::register(env);
    composite::register(env);
    knowledge::register(env);
    env.add_filter("tidy", tidy_filter);
    env.add_filter("drop_nulls", drop_nulls_filter);
    env.add_filter("pick", pick_filter);
    env.add_filter("omit", omit_filter);
    env.add_filter("merge", merge_filter);
    env.add_filter("soql_string", soql_string_filter);
    env.add_filter("last_segment", last_segment_filter);
    env.add_filter("csv_list", csv_list_filter);
    env.add_filter("matching", matching_filter);
    env.add_filter("describe_summary", describe_summary_filter);
}

fn to_json(value: &JinjaValue) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
}

fn tidy_filter(value: JinjaValue, keep_type: Option<bool>) -> Result<JinjaValue, Error> {
    Ok(to_jinja(&tidy(
        to_json(&value)?,
        keep_type.unwrap_or(false),
    )))
}

/// Removes Salesforce's `attributes` blocks. With `keep_type`, the record type survives as
/// `sobject` (useful where one list mixes types, as SOSL results do).
pub fn tidy(value: Value, keep_type: bool) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, child) in map {
                if key == "attributes" {
                    if keep_type && let Some(kind) = child.get("type").and_then(Value::as_str) {
                        out.insert("sobject".to_owned(), Value::String(kind.to_owned()));
                    }
                    continue;
                }
                out.insert(key, tidy(child, keep_type));
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| tidy(v, keep_type)).collect())
        }
        other => other,
    }
}

fn drop_nulls_filter(value: JinjaValue) -> Result<JinjaValue, Error> {
    Ok(to_jinja(&drop_nulls(to_json(&value)?)))
}

pub fn drop_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(drop_nulls).collect()),
        other => other,
    }
}

fn pick_filter(value: JinjaValue, keys: Rest<String>) -> Result<JinjaValue, Error> {
    let keys: Vec<String> = keys.0;
    Ok(to_jinja(&map_objects(to_json(&value)?, &|map| {
        keys.iter()
            .filter_map(|k| map.get(k).map(|v| (k.clone(), v.clone())))
            .collect()
    })))
}

fn omit_filter(value: JinjaValue, keys: Rest<String>) -> Result<JinjaValue, Error> {
    let keys: Vec<String> = keys.0;
    Ok(to_jinja(&map_objects(to_json(&value)?, &|map| {
        map.iter()
            .filter(|(k, _)| !keys.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    })))
}

/// Applies `f` to an object, or to each object of a list (other items pass through).
type ObjectMapper<'a> = &'a dyn Fn(&Map<String, Value>) -> Map<String, Value>;

fn map_objects(value: Value, f: ObjectMapper<'_>) -> Value {
    match value {
        Value::Object(map) => Value::Object(f(&map)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| match item {
                    Value::Object(map) => Value::Object(f(&map)),
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

fn merge_filter(value: JinjaValue, other: JinjaValue) -> Result<JinjaValue, Error> {
    let base = to_json(&value)?;
    let extra = to_json(&other)?;
    match (base, extra) {
        (Value::Object(mut a), Value::Object(b)) => {
            a.extend(b);
            Ok(to_jinja(&Value::Object(a)))
        }
        (Value::Null, Value::Object(b)) => Ok(to_jinja(&Value::Object(b))),
        (Value::Object(a), Value::Null) => Ok(to_jinja(&Value::Object(a))),
        _ => Err(Error::new(
            ErrorKind::InvalidOperation,
            "merge needs two objects",
        )),
    }
}

fn soql_string_filter(value: JinjaValue) -> Result<JinjaValue, Error> {
    let text = match to_json(&value)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "soql_string needs a string, got {}",
                    crate::templating::json_kind(&other)
                ),
            ));
        }
    };
    Ok(JinjaValue::from(soql_string(&text)))
}

/// Quotes `text` as a SOQL string literal. Backslash escapes are how SOQL reads quotes and
/// control characters inside a literal, so no value can end the literal early.
pub fn soql_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn last_segment_filter(value: String) -> String {
    value
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn csv_list_filter(value: String) -> JinjaValue {
    JinjaValue::from(
        value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>(),
    )
}

fn matching_filter(
    value: JinjaValue,
    text: Option<String>,
    keys: Rest<String>,
) -> Result<JinjaValue, Error> {
    let needle = text.unwrap_or_default().to_lowercase();
    let items = match to_json(&value)? {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "matching needs a list, got {}",
                    crate::templating::json_kind(&other)
                ),
            ));
        }
    };
    if needle.is_empty() {
        return Ok(to_jinja(&Value::Array(items)));
    }
    let kept: Vec<Value> = items
        .into_iter()
        .filter(|item| {
            keys.0.iter().any(|key| {
                item.get(key)
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.to_lowercase().contains(&needle))
            })
        })
        .collect();
    Ok(to_jinja(&Value::Array(kept)))
}

fn describe_summary_filter(value: JinjaValue) -> Result<JinjaValue, Error> {
    Ok(to_jinja(&describe_summary(&to_json(&value)?)))
}

/// An sObject describe with only what an agent needs to write SOQL and record data.
pub fn describe_summary(describe: &Value) -> Value {
    let text = |v: &Value, key: &str| v.get(key).cloned().unwrap_or(Value::Null);
    let flag = |v: &Value, key: &str| v.get(key).and_then(Value::as_bool).unwrap_or(false);
    let fields: Vec<Value> = describe
        .get("fields")
        .and_then(Value::as_array)
        .map(|fields| {
            fields
                .iter()
                .map(|f| {
                    let mut out = Map::new();
                    out.insert("name".into(), text(f, "name"));
                    out.insert("label".into(), text(f, "label"));
                    out.insert("type".into(), text(f, "type"));
                    if let Some(length) = f.get("length").and_then(Value::as_u64).filter(|l| *l > 0)
                    {
                        out.insert("length".into(), Value::from(length));
                    }
                    out.insert("nillable".into(), Value::Bool(flag(f, "nillable")));
                    out.insert("createable".into(), Value::Bool(flag(f, "createable")));
                    out.insert("updateable".into(), Value::Bool(flag(f, "updateable")));
                    if flag(f, "externalId") {
                        out.insert("externalId".into(), Value::Bool(true));
                    }
                    if flag(f, "unique") {
                        out.insert("unique".into(), Value::Bool(true));
                    }
                    let picklist: Vec<Value> = f
                        .get("picklistValues")
                        .and_then(Value::as_array)
                        .map(|values| {
                            values
                                .iter()
                                .filter(|p| {
                                    p.get("active").and_then(Value::as_bool).unwrap_or(true)
                                })
                                .filter_map(|p| p.get("value").cloned())
                                .collect()
                        })
                        .unwrap_or_default();
                    if !picklist.is_empty() {
                        out.insert("picklistValues".into(), Value::Array(picklist));
                        if flag(f, "restrictedPicklist") {
                            out.insert("restrictedPicklist".into(), Value::Bool(true));
                        }
                    }
                    if let Some(targets) = f
                        .get("referenceTo")
                        .and_then(Value::as_array)
                        .filter(|t| !t.is_empty())
                    {
                        out.insert("referenceTo".into(), Value::Array(targets.clone()));
                        out.insert("relationshipName".into(), text(f, "relationshipName"));
                    }
                    Value::Object(out)
                })
                .collect()
        })
        .unwrap_or_default();
    let children: Vec<Value> = describe
        .get("childRelationships")
        .and_then(Value::as_array)
        .map(|rels| {
            rels.iter()
                .filter(|r| r.get("relationshipName").is_some_and(|n| !n.is_null()))
                .map(|r| {
                    serde_json::json!({
                        "relationshipName": text(r, "relationshipName"),
                        "childSObject": text(r, "childSObject"),
                        "field": text(r, "field"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "name": text(describe, "name"),
        "label": text(describe, "label"),
        "keyPrefix": text(describe, "keyPrefix"),
        "custom": flag(describe, "custom"),
        "queryable": flag(describe, "queryable"),
        "createable": flag(describe, "createable"),
        "updateable": flag(describe, "updateable"),
        "deletable": flag(describe, "deletable"),
        "fieldCount": fields.len(),
        "fields": fields,
        "childRelationships": children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tidy_drops_attributes_everywhere() {
        let body = json!({"totalSize": 1, "records": [{"attributes": {"type": "Case", "url": "/x"}, "Id": "1",
            "Account": {"attributes": {"type": "Account"}, "Name": "Zava"}}]});
        assert_eq!(
            tidy(body.clone(), false),
            json!({"totalSize": 1, "records": [{"Id": "1", "Account": {"Name": "Zava"}}]})
        );
        assert_eq!(
            tidy(body, true)["records"][0],
            json!({"sobject": "Case", "Id": "1", "Account": {"sobject": "Account", "Name": "Zava"}})
        );
    }

    #[test]
    fn soql_strings_cannot_be_broken_out_of() {
        assert_eq!(soql_string("O'Brien"), "'O\\'Brien'");
        assert_eq!(
            soql_string("a\\' OR Name != '"),
            "'a\\\\\\' OR Name != \\''"
        );
        assert_eq!(soql_string("line\nbreak"), "'line\\nbreak'");
    }

    #[test]
    fn pick_and_omit_work_on_objects_and_lists() {
        let list = json!([{"a": 1, "b": 2, "c": 3}, {"a": 4}]);
        let picked = map_objects(list.clone(), &|m| {
            m.iter()
                .filter(|(k, _)| *k == "a")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        });
        assert_eq!(picked, json!([{"a": 1}, {"a": 4}]));
        assert_eq!(
            drop_nulls(json!({"a": null, "b": {"c": null, "d": 1}})),
            json!({"b": {"d": 1}})
        );
        assert_eq!(
            last_segment_filter("/services/data/v66.0/query/01gxx-2000".into()),
            "01gxx-2000"
        );
    }
}
