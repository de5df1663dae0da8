//! Records in wire shape (`attributes` first, then fields in describe order), the `?fields=`
//! lists of record reads, save results, and the transaction journal that all-or-none composite
//! requests hand to the write routes.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::error::ApiError;
use crate::demo_org::dml::UndoLog;
use crate::demo_org::schema::{FieldDef, ObjectDef};
use crate::demo_org::state::lock;
use crate::demo_org::store::{OrgData, Record};

/// `{"type": …, "url": …}` of a record under `base` (`/services/data/v66.0/sobjects`).
pub fn attributes(sobject: &str, id: &str, base: &str) -> Value {
    json!({"type": sobject, "url": format!("{base}/{sobject}/{id}")})
}

/// The URL of a record, as `Location` headers and 300 answers give it.
pub fn record_url(base: &str, sobject: &str, id: &str) -> String {
    format!("{base}/{sobject}/{id}")
}

/// The result of a create: `{"id","success":true,"errors":[]}`.
pub fn save_result(id: &str) -> Value {
    json!({"id": id, "success": true, "errors": []})
}

/// A request body that must be a JSON object (a record's field values).
pub fn object_body(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::json_parser(
            "No content to map due to end-of-input",
        ));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::json_parser(format!(
            "expected a JSON object, found {}",
            kind_of(&other)
        ))),
        Err(error) => Err(ApiError::json_parser(error)),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One entry of a `?fields=` list: a field of the object, or a field reached through parent
/// relationships (`Account.Owner.Name`).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldPath {
    /// Lookup fields to follow, in order (`AccountId`, then `OwnerId`), with their relationship
    /// names as the response names them.
    hops: Vec<(String, String)>,
    /// The field read at the end, by its canonical name.
    field: String,
}

/// Parses `fields=Name,Account.Name` against `object`. An unknown field or relationship is a 400
/// INVALID_FIELD, as Salesforce answers.
pub fn parse_field_list(
    org: &OrgData,
    object: &ObjectDef,
    list: &str,
) -> Result<Vec<FieldPath>, ApiError> {
    list.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|entry| parse_field_path(org, object, entry))
        .collect()
}

fn parse_field_path(org: &OrgData, object: &ObjectDef, entry: &str) -> Result<FieldPath, ApiError> {
    let unknown = || no_such_column(entry, &object.name);
    let mut parts: Vec<&str> = entry.split('.').collect();
    let last = parts.pop().ok_or_else(unknown)?;
    let mut current: Vec<&ObjectDef> = vec![object];
    let mut hops = Vec::new();
    for part in parts {
        let lookup = current
            .iter()
            .find_map(|o| o.relationship(part))
            .ok_or_else(unknown)?;
        let relationship = lookup.relationship_name.clone().unwrap_or_default();
        hops.push((lookup.name.clone(), relationship));
        current = lookup
            .reference_to
            .iter()
            .filter_map(|t| org.schema.object(t))
            .collect();
    }
    let field = current
        .iter()
        .find_map(|o| o.field(last))
        .ok_or_else(unknown)?;
    Ok(FieldPath {
        hops,
        field: field.name.clone(),
    })
}

/// The SOQL-style message Salesforce gives for an unknown field in a record read.
pub fn no_such_column(field: &str, sobject: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_FIELD",
        format!(
            "No such column '{field}' on entity '{sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
        ),
    )
}

/// A record in wire shape. With `fields`, only those (and parents reached through them);
/// otherwise every field of the object in describe order.
pub fn render(
    org: &OrgData,
    object: &ObjectDef,
    record: &Record,
    base: &str,
    fields: Option<&[FieldPath]>,
) -> Value {
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        attributes(&object.name, &record.id, base),
    );
    match fields {
        None => {
            for field in &object.fields {
                out.insert(field.name.clone(), stored(record, field));
            }
        }
        Some(paths) => {
            for path in paths {
                insert_path(org, &mut out, record, &path.hops, &path.field, base);
            }
        }
    }
    Value::Object(out)
}

fn stored(record: &Record, field: &FieldDef) -> Value {
    record.get(&field.name).clone()
}

fn insert_path(
    org: &OrgData,
    out: &mut Map<String, Value>,
    record: &Record,
    hops: &[(String, String)],
    field: &str,
    base: &str,
) {
    let Some(((lookup, relationship), rest)) = hops.split_first() else {
        out.insert(field.to_owned(), record.get(field).clone());
        return;
    };
    let parent = record.get_str(lookup).and_then(|id| org.get(id));
    let Some(parent) = parent else {
        out.entry(relationship.clone()).or_insert(Value::Null);
        return;
    };
    let slot = out.entry(relationship.clone()).or_insert(Value::Null);
    if !slot.is_object() {
        let mut nested = Map::new();
        nested.insert(
            "attributes".into(),
            attributes(&parent.sobject, &parent.id, base),
        );
        *slot = Value::Object(nested);
    }
    if let Value::Object(nested) = slot {
        insert_path(org, nested, parent, rest, field, base);
    }
}

/// What the write routes of one all-or-none request changed. The composite routes put one in the
/// request extensions of their subrequests; the write routes append to it; on failure the
/// composite rolls it back.
#[derive(Clone, Debug, Default)]
pub struct Transaction(Arc<Mutex<UndoLog>>);

impl Transaction {
    pub fn record(&self, log: UndoLog) {
        lock(&self.0).extend(log);
    }

    /// Everything recorded so far, leaving the journal empty.
    pub fn take(&self) -> UndoLog {
        std::mem::take(&mut *lock(&self.0))
    }
}

/// Hands the changes of one write to the request's transaction, if it runs in one.
pub fn journal(transaction: Option<&Transaction>, log: UndoLog) {
    if let Some(transaction) = transaction {
        transaction.record(log);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::objects::demo_schema;
    use std::sync::Arc;

    fn put(org: &mut OrgData, sobject: &str, fields: Value) -> String {
        let id = org.new_id(sobject).expect("id");
        let mut map = match fields {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        map.insert("Id".into(), json!(id));
        org.put(Record {
            id: id.clone(),
            sobject: sobject.into(),
            fields: map,
            deleted: false,
        });
        id
    }

    #[test]
    fn renders_requested_fields_and_parents() {
        let mut org = OrgData::new(Arc::new(demo_schema()));
        let account = put(&mut org, "Account", json!({"Name": "Zava"}));
        let case = put(
            &mut org,
            "Case",
            json!({"AccountId": account, "Subject": "Slow", "CaseNumber": "00001001"}),
        );
        let schema = Arc::clone(&org.schema);
        let object = schema.object("Case").expect("Case");
        let fields =
            parse_field_list(&org, object, "subject,Account.Name,Contact.Email").expect("fields");
        let record = org.get(&case).expect("case");
        let json = render(
            &org,
            object,
            record,
            "/services/data/v66.0/sobjects",
            Some(&fields),
        );
        assert_eq!(
            json,
            json!({
                "attributes": {"type": "Case", "url": format!("/services/data/v66.0/sobjects/Case/{case}")},
                "Subject": "Slow",
                "Account": {
                    "attributes": {"type": "Account", "url": format!("/services/data/v66.0/sobjects/Account/{account}")},
                    "Name": "Zava"
                },
                "Contact": null
            })
        );
        let error = parse_field_list(&org, object, "Nope__c").expect_err("unknown");
        assert_eq!(error.errors[0].error_code, "INVALID_FIELD");
        assert!(parse_field_list(&org, object, "Account.Nope").is_err());
        let all = render(&org, object, record, "/b", None);
        let keys: Vec<&String> = all.as_object().expect("object").keys().take(3).collect();
        assert_eq!(keys, ["attributes", "Id", "IsDeleted"]);
    }
}
