//! Record writes with Salesforce's validation: field names, types, required fields, restricted
//! picklists, read-only fields, and the values the org sets itself (audit fields, auto numbers,
//! formula fields).
//!
//! Every write validates first and changes the org only once the whole record is known to be
//! good, so a refused write leaves nothing behind. The `*_logged` variants also record what they
//! changed in an [`UndoLog`], which the all-or-none composite requests roll back.

mod field_values;

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::api::error::ApiError;
use super::api::knowledge;
use super::ids;
use super::schema::{FieldDef, FieldType, ObjectDef, Schema};
use super::store::{OrgData, Record, format_datetime};

pub use field_values::{coerce, scalar_text};

/// Who writes and when.
#[derive(Clone, Debug)]
pub struct DmlContext {
    pub now: DateTime<Utc>,
    pub user_id: String,
}

/// What writes changed, so that an all-or-none request can put the org back as it was.
#[derive(Debug, Default)]
pub struct UndoLog {
    entries: Vec<Undo>,
}

#[derive(Debug)]
enum Undo {
    Created(String),
    Changed(Record),
}

impl UndoLog {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Appends the entries of a later write.
    pub fn extend(&mut self, later: UndoLog) {
        self.entries.extend(later.entries);
    }

    /// Undoes every logged change, newest first. Auto numbers stay consumed, as in Salesforce.
    pub fn rollback(self, org: &mut OrgData) {
        for entry in self.entries.into_iter().rev() {
            match entry {
                Undo::Created(id) => {
                    org.purge(&id);
                }
                Undo::Changed(before) => org.put(before),
            }
        }
    }

    fn created(&mut self, id: &str) {
        self.entries.push(Undo::Created(id.to_owned()));
    }

    /// Logs the current state of a record that is about to change.
    fn changing(&mut self, org: &OrgData, id: &str) {
        if let Some(before) = org.get_any(id) {
            self.entries.push(Undo::Changed(before.clone()));
        }
    }
}

/// Creates a record of `sobject` from caller-supplied `fields` and returns its id.
pub fn insert(
    org: &mut OrgData,
    sobject: &str,
    fields: &Map<String, Value>,
    ctx: &DmlContext,
) -> Result<String, ApiError> {
    insert_logged(org, sobject, fields, ctx, &mut UndoLog::default())
}

/// Updates fields of an existing record.
pub fn update(
    org: &mut OrgData,
    sobject: &str,
    id: &str,
    fields: &Map<String, Value>,
    ctx: &DmlContext,
) -> Result<(), ApiError> {
    update_logged(org, sobject, id, fields, ctx, &mut UndoLog::default())
}

/// Deletes a record (it stays visible to queryAll) and the records that live only under it.
pub fn delete(
    org: &mut OrgData,
    sobject: &str,
    id: &str,
    ctx: &DmlContext,
) -> Result<(), ApiError> {
    delete_logged(org, sobject, id, ctx, &mut UndoLog::default())
}

/// [`insert`], recording the change in `log`.
pub fn insert_logged(
    org: &mut OrgData,
    sobject: &str,
    fields: &Map<String, Value>,
    ctx: &DmlContext,
    log: &mut UndoLog,
) -> Result<String, ApiError> {
    let schema = Arc::clone(&org.schema);
    let object = schema.object(sobject).ok_or_else(ApiError::not_found)?;
    if !object.createable {
        return Err(cannot_operate("inserted", &object.name));
    }
    let mut values = writable_values(org, object, fields, Operation::Create)?;
    fill_defaults(object, &mut values);
    check_required(object, &values)?;
    check_unique(org, object, &values, None)?;

    let id = org.new_id(&object.name).ok_or_else(ApiError::not_found)?;
    values.insert("Id".into(), Value::String(id.clone()));
    stamp_created(object, &mut values, ctx);
    for field in object.fields.iter().filter(|f| f.auto_number) {
        let number = next_auto_number(org, &object.name, &field.name);
        values.insert(field.name.clone(), Value::String(number));
    }
    derive_fields(org, &object.name, &mut values, None, ctx.now);

    if object.name == "Knowledge__kav" {
        // The hook may create or touch the master article: log those tables wholesale.
        let before = snapshot(org, KNOWLEDGE_TABLES);
        if let Err(error) = knowledge::on_insert_version(org, &mut values, ctx) {
            restore(org, before, KNOWLEDGE_TABLES);
            return Err(error);
        }
        log_table_changes(org, before, KNOWLEDGE_TABLES, log);
    }

    org.put(Record {
        id: id.clone(),
        sobject: object.name.clone(),
        fields: values,
        deleted: false,
    });
    log.created(&id);
    after_write(org, &id, None, log);
    Ok(id)
}

/// [`update`], recording the change in `log`.
pub fn update_logged(
    org: &mut OrgData,
    sobject: &str,
    id: &str,
    fields: &Map<String, Value>,
    ctx: &DmlContext,
    log: &mut UndoLog,
) -> Result<(), ApiError> {
    let schema = Arc::clone(&org.schema);
    let object = schema.object(sobject).ok_or_else(ApiError::not_found)?;
    let current = existing_record(org, object, id)?.clone();
    if !object.updateable {
        return Err(cannot_operate("updated", &object.name));
    }
    let changes = writable_values(org, object, fields, Operation::Update)?;
    let missing: Vec<&str> = changes
        .iter()
        .filter(|(name, value)| value.is_null() && object.field(name).is_some_and(|f| !f.nillable))
        .map(|(name, _)| name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(required_fields_missing(&missing));
    }
    check_unique(org, object, &changes, Some(&current.id))?;
    if object.name == "Knowledge__kav" {
        knowledge::on_update_version(org, &current.id)?;
    }

    let mut values = current.fields.clone();
    for (name, value) in changes {
        values.insert(name, value);
    }
    stamp_modified(object, &mut values, ctx);
    derive_fields(org, &object.name, &mut values, Some(&current), ctx.now);

    log.changing(org, &current.id);
    org.put(Record {
        fields: values,
        ..current.clone()
    });
    after_write(org, &current.id, Some(&current), log);
    Ok(())
}

/// [`delete`], recording the change in `log`.
pub fn delete_logged(
    org: &mut OrgData,
    sobject: &str,
    id: &str,
    ctx: &DmlContext,
    log: &mut UndoLog,
) -> Result<(), ApiError> {
    let schema = Arc::clone(&org.schema);
    let object = schema.object(sobject).ok_or_else(ApiError::not_found)?;
    let record = existing_record(org, object, id)?.clone();
    if !object.deletable {
        return Err(cannot_operate("deleted", &object.name));
    }
    let mut doomed = vec![record.id.clone()];
    let mut next = 0;
    while let Some(parent) = doomed.get(next).cloned() {
        doomed.extend(dependent_records(org, &schema, &parent));
        next += 1;
    }
    let stamp = Value::String(format_datetime(ctx.now));
    for doomed_id in &doomed {
        log.changing(org, doomed_id);
        let Some(victim) = org.get_any(doomed_id).cloned() else {
            continue;
        };
        let has_is_deleted = schema
            .object(&victim.sobject)
            .is_some_and(|o| o.field("IsDeleted").is_some());
        if !has_is_deleted {
            // Objects without IsDeleted (the Tooling ones) have no recycle bin.
            org.purge(doomed_id);
            continue;
        }
        if let Some(target) = org.get_mut(doomed_id) {
            target.deleted = true;
            target.fields.insert("IsDeleted".into(), Value::Bool(true));
            target
                .fields
                .insert("LastModifiedDate".into(), stamp.clone());
            target.fields.insert("SystemModstamp".into(), stamp.clone());
            target.fields.insert(
                "LastModifiedById".into(),
                Value::String(ctx.user_id.clone()),
            );
        }
        after_write(org, doomed_id, Some(&victim), log);
    }
    for doomed_id in &doomed {
        clear_lookups_to(org, &schema, doomed_id, ctx, log);
    }
    Ok(())
}

/// Empties the lookups of live records that point at a deleted record (Salesforce's "clear the
/// value of this field" on delete), recomputing the formulas that read them.
fn clear_lookups_to(
    org: &mut OrgData,
    schema: &Schema,
    id: &str,
    ctx: &DmlContext,
    log: &mut UndoLog,
) {
    let Some(object) = org.get_any(id).and_then(|r| schema.object(&r.sobject)) else {
        return;
    };
    for relation in &object.child_relationships {
        let children: Vec<Record> = org
            .records(&relation.child_sobject)
            .filter(|r| r.get_str(&relation.field) == Some(id))
            .cloned()
            .collect();
        for before in children {
            log.changing(org, &before.id);
            let mut fields = before.fields.clone();
            fields.insert(relation.field.clone(), Value::Null);
            derive_fields(org, &before.sobject, &mut fields, Some(&before), ctx.now);
            org.put(Record { fields, ..before });
        }
    }
}

/// The next value of an auto-number field, formatted as the org displays it.
pub fn next_auto_number(org: &mut OrgData, sobject: &str, field: &str) -> String {
    let n = org.next_auto_number(&format!("{sobject}.{field}"));
    match (sobject, field) {
        ("Copilot_Interaction__c", "Name") => format!("CI-{n:05}"),
        ("Case", "CaseNumber") => format!("{:08}", 1000 + n),
        _ => format!("{n:08}"),
    }
}

/// Fills the fields a create leaves out that have a default (picklist defaults, booleans, …).
pub fn fill_defaults(object: &ObjectDef, values: &mut Map<String, Value>) {
    for field in &object.fields {
        if values.get(&field.name).is_some_and(|v| !v.is_null()) {
            continue;
        }
        if let Some(default) = &field.default_value {
            let normalized = field_values::normalize_default(field, default);
            values.insert(field.name.clone(), normalized);
        } else if field.field_type == FieldType::Boolean {
            values.insert(field.name.clone(), Value::Bool(false));
        } else if field.field_type == FieldType::Int && !field.createable && !field.auto_number {
            // Counters the org keeps (CommentCount, MemberCount, …) start at zero.
            values.insert(field.name.clone(), json!(0));
        }
    }
}

/// Formula and system-maintained fields that follow from the others: full names, Case.IsClosed
/// and ClosedDate, Case.ContactEmail, EmailMessage.MessageDate, FeedComment.ParentId.
pub fn derive_fields(
    org: &OrgData,
    sobject: &str,
    values: &mut Map<String, Value>,
    previous: Option<&Record>,
    now: DateTime<Utc>,
) {
    match sobject {
        "Contact" | "User" => {
            let name = [values.get("FirstName"), values.get("LastName")]
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            values.insert("Name".into(), Value::String(name));
        }
        "Case" => {
            let email = values
                .get("ContactId")
                .and_then(Value::as_str)
                .and_then(|id| org.get(id))
                .map(|contact| contact.get("Email").clone())
                .unwrap_or(Value::Null);
            values.insert("ContactEmail".into(), email);
            let closed = values.get("Status").and_then(Value::as_str) == Some("Closed");
            values.insert("IsClosed".into(), Value::Bool(closed));
            let was_closed = previous.is_some_and(|p| p.get("IsClosed") == &Value::Bool(true));
            let has_closed_date = values.get("ClosedDate").is_some_and(|v| !v.is_null());
            // A case keeps the date it was first closed on; closing (again) stamps now.
            let keeps_date = has_closed_date && (previous.is_none() || was_closed);
            if !closed {
                values.insert("ClosedDate".into(), Value::Null);
            } else if !keeps_date {
                values.insert("ClosedDate".into(), Value::String(format_datetime(now)));
            }
        }
        "EmailMessage" if values.get("MessageDate").is_none_or(Value::is_null) => {
            values.insert("MessageDate".into(), Value::String(format_datetime(now)));
        }
        "FeedComment" => {
            let parent = values
                .get("FeedItemId")
                .and_then(Value::as_str)
                .and_then(|id| org.get_any(id))
                .map(|item| item.get("ParentId").clone())
                .unwrap_or(Value::Null);
            values.insert("ParentId".into(), parent);
        }
        _ => {}
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Operation {
    Create,
    Update,
}

/// The caller's values under their canonical field names, type-checked and normalized.
fn writable_values(
    org: &OrgData,
    object: &ObjectDef,
    body: &Map<String, Value>,
    operation: Operation,
) -> Result<Map<String, Value>, ApiError> {
    let mut accepted: Vec<(&FieldDef, &Value)> = Vec::new();
    let mut parent_refs: Vec<(&FieldDef, &Map<String, Value>)> = Vec::new();
    let mut read_only: Vec<&str> = Vec::new();
    for (key, value) in body {
        if key == "attributes" {
            continue;
        }
        if key.eq_ignore_ascii_case("Id") {
            return Err(ApiError::bad_request(
                "INVALID_FIELD",
                "The Id field should not be specified in the sobject data.",
            ));
        }
        let (field, parent_ref) = match (object.field(key), value) {
            (Some(field), _) => (field, None),
            (None, Value::Object(reference)) => match object.relationship(key) {
                Some(field) => (field, Some(reference)),
                None => return Err(no_such_column(key, &object.name)),
            },
            (None, _) => return Err(no_such_column(key, &object.name)),
        };
        let writable = match operation {
            Operation::Create => field.createable,
            Operation::Update => field.updateable,
        };
        if !writable {
            read_only.push(&field.name);
            continue;
        }
        match parent_ref {
            Some(reference) => parent_refs.push((field, reference)),
            None => accepted.push((field, value)),
        }
    }
    if !read_only.is_empty() {
        return Err(unable_to_write(&read_only));
    }
    let mut values = Map::new();
    for (field, value) in accepted {
        values.insert(field.name.clone(), coerce(org, field, value)?);
    }
    for (field, reference) in parent_refs {
        let id = resolve_parent_reference(org, field, reference)?;
        values.insert(field.name.clone(), Value::String(id));
    }
    Ok(values)
}

/// `"Account": {"External_Id__c": "ACC-1"}`: the id of the parent with that external id.
fn resolve_parent_reference(
    org: &OrgData,
    field: &FieldDef,
    reference: &Map<String, Value>,
) -> Result<String, ApiError> {
    let target_name = reference
        .get("attributes")
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str)
        .or_else(|| field.reference_to.first().map(String::as_str))
        .unwrap_or_default();
    let target = org
        .schema
        .object(target_name)
        .ok_or_else(|| no_such_column(target_name, &field.name))?;
    let mut keys = reference.iter().filter(|(k, _)| k.as_str() != "attributes");
    let (Some((key, value)), None) = (keys.next(), keys.next()) else {
        return Err(ApiError::bad_request(
            "INVALID_FIELD",
            format!(
                "The relationship {} must name exactly one external ID field",
                field.relationship_name.as_deref().unwrap_or(&field.name)
            ),
        ));
    };
    let lookup = target
        .field(key)
        .filter(|f| f.external_id || f.field_type == FieldType::Id)
        .ok_or_else(|| no_such_column(key, &target.name))?;
    let wanted = field_values::scalar_text(value).unwrap_or_default();
    let matches = records_with_value(org, &target.name, lookup, &wanted);
    match matches.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err(ApiError::bad_request(
            "INVALID_FIELD",
            format!(
                "Foreign key external ID: {wanted} not found for field {} in entity {}",
                lookup.name, target.name
            ),
        )),
        _ => Err(ApiError::bad_request(
            "INVALID_FIELD",
            format!(
                "More than 1 record found for External ID field {} with value {wanted}",
                lookup.name
            ),
        )),
    }
}

/// Live records of `sobject` whose `field` equals `value` (text compares case-insensitively,
/// as external ids do).
pub fn records_with_value(
    org: &OrgData,
    sobject: &str,
    field: &FieldDef,
    value: &str,
) -> Vec<String> {
    if field.field_type == FieldType::Id {
        return ids::canonical(value)
            .and_then(|id| org.get(&id))
            .filter(|r| r.sobject == sobject)
            .map(|r| vec![r.id.clone()])
            .unwrap_or_default();
    }
    org.records(sobject)
        .filter(|r| field_values::same_value(r.get(&field.name), value))
        .map(|r| r.id.clone())
        .collect()
}

fn check_required(object: &ObjectDef, values: &Map<String, Value>) -> Result<(), ApiError> {
    let missing: Vec<&str> = object
        .fields
        .iter()
        .filter(|f| f.required_on_create())
        .filter(|f| values.get(&f.name).is_none_or(Value::is_null))
        .map(|f| f.name.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(required_fields_missing(&missing))
    }
}

fn check_unique(
    org: &OrgData,
    object: &ObjectDef,
    values: &Map<String, Value>,
    own_id: Option<&str>,
) -> Result<(), ApiError> {
    for field in object.fields.iter().filter(|f| f.unique) {
        let Some(text) = values.get(&field.name).and_then(field_values::scalar_text) else {
            continue;
        };
        let clash = org.records(&object.name).find(|r| {
            Some(r.id.as_str()) != own_id && field_values::same_value(r.get(&field.name), &text)
        });
        if let Some(other) = clash {
            return Err(ApiError::bad_request(
                "DUPLICATE_VALUE",
                format!(
                    "duplicate value found: {} duplicates value on record with id: {}",
                    field.name, other.id
                ),
            )
            .with_fields(&[&field.name]));
        }
    }
    Ok(())
}

/// The live record `id` of `object`, or the error Salesforce gives for it.
fn existing_record<'a>(
    org: &'a OrgData,
    object: &ObjectDef,
    id: &str,
) -> Result<&'a Record, ApiError> {
    let canonical = ids::canonical(id)
        .filter(|c| c.starts_with(&object.key_prefix))
        .ok_or_else(|| ApiError::malformed_id("Record ID", id))?;
    let record = org.get_any(&canonical).ok_or_else(ApiError::not_found)?;
    if record.deleted {
        return Err(ApiError::entity_is_deleted());
    }
    Ok(record)
}

fn stamp_created(object: &ObjectDef, values: &mut Map<String, Value>, ctx: &DmlContext) {
    let stamp = Value::String(format_datetime(ctx.now));
    let user = Value::String(ctx.user_id.clone());
    let system: [(&str, &Value); 6] = [
        ("CreatedDate", &stamp),
        ("LastModifiedDate", &stamp),
        ("SystemModstamp", &stamp),
        ("CreatedById", &user),
        ("LastModifiedById", &user),
        ("IsDeleted", &Value::Bool(false)),
    ];
    for (name, value) in system {
        if object.field(name).is_some() {
            values.insert(name.to_owned(), value.clone());
        }
    }
    if object.field("OwnerId").is_some() && values.get("OwnerId").is_none_or(Value::is_null) {
        values.insert("OwnerId".into(), user);
    }
}

fn stamp_modified(object: &ObjectDef, values: &mut Map<String, Value>, ctx: &DmlContext) {
    let stamp = Value::String(format_datetime(ctx.now));
    for name in ["LastModifiedDate", "SystemModstamp"] {
        if object.field(name).is_some() {
            values.insert(name.to_owned(), stamp.clone());
        }
    }
    if object.field("LastModifiedById").is_some() {
        values.insert(
            "LastModifiedById".into(),
            Value::String(ctx.user_id.clone()),
        );
    }
}

/// Records that live only under `parent` and go when it goes (contacts and opportunities of an
/// account; comments, emails and feed of a record; comments and likes of a post; members of a
/// group; topic assignments). Other lookups to a deleted record are cleared instead.
const DEPENDENTS: &[(&str, &str)] = &[
    ("Contact", "AccountId"),
    ("Opportunity", "AccountId"),
    ("CaseComment", "ParentId"),
    ("EmailMessage", "ParentId"),
    ("FeedItem", "ParentId"),
    ("FeedComment", "FeedItemId"),
    ("FeedLike", "FeedItemId"),
    ("TopicAssignment", "EntityId"),
    ("CollaborationGroupMember", "CollaborationGroupId"),
];

fn dependent_records(org: &OrgData, schema: &Schema, parent_id: &str) -> Vec<String> {
    let Some(parent) = org.get_any(parent_id) else {
        return Vec::new();
    };
    let Some(parent_object) = schema.object(&parent.sobject) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for relation in &parent_object.child_relationships {
        let cascades = DEPENDENTS
            .iter()
            .any(|(child, field)| *child == relation.child_sobject && *field == relation.field);
        if !cascades {
            continue;
        }
        found.extend(
            org.records(&relation.child_sobject)
                .filter(|r| r.get_str(&relation.field) == Some(parent_id))
                .map(|r| r.id.clone()),
        );
    }
    found
}

/// Keeps the records that summarize this one in step: a contact's email on its cases, and the
/// comment and like counts of a feed item.
fn after_write(org: &mut OrgData, id: &str, previous: Option<&Record>, log: &mut UndoLog) {
    let Some(record) = org.get_any(id).cloned() else {
        return;
    };
    match record.sobject.as_str() {
        "Contact" => {
            let email = record.get("Email").clone();
            let changed = previous.is_some_and(|p| p.get("Email") != &email);
            if !changed || record.deleted {
                return;
            }
            let cases: Vec<String> = org
                .records("Case")
                .filter(|c| c.get_str("ContactId") == Some(id))
                .map(|c| c.id.clone())
                .collect();
            for case_id in cases {
                log.changing(org, &case_id);
                if let Some(case) = org.get_mut(&case_id) {
                    case.fields.insert("ContactEmail".into(), email.clone());
                }
            }
        }
        "FeedComment" | "FeedLike" => {
            let Some(item_id) = record.get_str("FeedItemId").map(str::to_owned) else {
                return;
            };
            let (child, counter) = if record.sobject == "FeedComment" {
                ("FeedComment", "CommentCount")
            } else {
                ("FeedLike", "LikeCount")
            };
            let count = org
                .records(child)
                .filter(|r| r.get_str("FeedItemId") == Some(item_id.as_str()))
                .count();
            if org.get(&item_id).is_some() {
                log.changing(org, &item_id);
            }
            if let Some(item) = org.get_mut(&item_id) {
                item.fields.insert(counter.into(), json!(count));
            }
        }
        _ => {}
    }
}

const KNOWLEDGE_TABLES: &[&str] = &["KnowledgeArticle", "Knowledge__kav"];

fn snapshot(org: &OrgData, tables: &[&str]) -> HashMap<String, Record> {
    tables
        .iter()
        .flat_map(|t| org.all_records(t))
        .map(|r| (r.id.clone(), r.clone()))
        .collect()
}

fn restore(org: &mut OrgData, before: HashMap<String, Record>, tables: &[&str]) {
    let mut log = UndoLog::default();
    log_table_changes(org, before, tables, &mut log);
    log.rollback(org);
}

fn log_table_changes(
    org: &OrgData,
    mut before: HashMap<String, Record>,
    tables: &[&str],
    log: &mut UndoLog,
) {
    for table in tables {
        for record in org.all_records(table) {
            match before.remove(&record.id) {
                None => log.created(&record.id),
                Some(old) if &old != record => log.entries.push(Undo::Changed(old)),
                Some(_) => {}
            }
        }
    }
    // Whatever is left was removed.
    log.entries.extend(before.into_values().map(Undo::Changed));
}

fn cannot_operate(verb: &str, sobject: &str) -> ApiError {
    ApiError::bad_request(
        "INVALID_TYPE_FOR_OPERATION",
        format!("entity type cannot be {verb}: {sobject}"),
    )
}

fn no_such_column(name: &str, sobject: &str) -> ApiError {
    ApiError::bad_request(
        "INVALID_FIELD",
        format!("No such column '{name}' on sobject of type {sobject}"),
    )
}

fn unable_to_write(fields: &[&str]) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        format!(
            "Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
            fields.join(", ")
        ),
    )
    .with_fields(fields)
}

fn required_fields_missing(fields: &[&str]) -> ApiError {
    ApiError::bad_request(
        "REQUIRED_FIELD_MISSING",
        format!("Required fields are missing: [{}]", fields.join(", ")),
    )
    .with_fields(fields)
}

#[cfg(test)]
mod tests;
