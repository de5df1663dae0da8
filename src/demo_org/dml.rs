//! Record writes with Salesforce's validation: field names, types, required fields, restricted
//! picklists, read-only fields, and the values the org sets itself (audit fields, auto numbers).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::api::error::ApiError;
use super::store::{OrgData, Record, format_datetime};

/// Who writes and when.
#[derive(Clone, Debug)]
pub struct DmlContext {
    pub now: DateTime<Utc>,
    pub user_id: String,
}

/// Creates a record of `sobject` from caller-supplied `fields` and returns its id.
// CONTRACT PLACEHOLDER: stores without validation; the full version validates like Salesforce.
pub fn insert(
    org: &mut OrgData,
    sobject: &str,
    fields: &Map<String, Value>,
    ctx: &DmlContext,
) -> Result<String, ApiError> {
    let object = org.schema.object(sobject).ok_or_else(ApiError::not_found)?;
    let name = object.name.clone();
    let id = org.new_id(&name).ok_or_else(ApiError::not_found)?;
    let mut values = fields.clone();
    values.insert("Id".into(), Value::String(id.clone()));
    let stamp = Value::String(format_datetime(ctx.now));
    values.insert("CreatedDate".into(), stamp.clone());
    values.insert("LastModifiedDate".into(), stamp.clone());
    values.insert("SystemModstamp".into(), stamp);
    values.insert("CreatedById".into(), Value::String(ctx.user_id.clone()));
    values.insert(
        "LastModifiedById".into(),
        Value::String(ctx.user_id.clone()),
    );
    org.put(Record {
        id: id.clone(),
        sobject: name,
        fields: values,
        deleted: false,
    });
    Ok(id)
}

/// Updates fields of an existing record.
// CONTRACT PLACEHOLDER: no validation yet.
pub fn update(
    org: &mut OrgData,
    _sobject: &str,
    id: &str,
    fields: &Map<String, Value>,
    ctx: &DmlContext,
) -> Result<(), ApiError> {
    let record = org.get_mut(id).ok_or_else(ApiError::not_found)?;
    for (k, v) in fields {
        record.fields.insert(k.clone(), v.clone());
    }
    record.fields.insert(
        "LastModifiedDate".into(),
        Value::String(format_datetime(ctx.now)),
    );
    Ok(())
}

/// Deletes a record (it stays visible to queryAll).
// CONTRACT PLACEHOLDER: no checks yet.
pub fn delete(
    org: &mut OrgData,
    _sobject: &str,
    id: &str,
    _ctx: &DmlContext,
) -> Result<(), ApiError> {
    let record = org.get_mut(id).ok_or_else(ApiError::not_found)?;
    record.deleted = true;
    record.fields.insert("IsDeleted".into(), Value::Bool(true));
    Ok(())
}
