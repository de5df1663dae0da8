//! `/sobjects`: describe global, basic information, describe, and record create, read, update,
//! delete and upsert by external id. The Tooling routes (`/tooling/sobjects`) run the same
//! operations over the Tooling objects; [`Api`] tells the two apart.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::error::{ApiError, json_response, no_content};
use super::records::{
    FieldPath, Transaction, journal, object_body, parse_field_list, record_url, render, save_result,
};
use super::version::ApiVersion;
use crate::demo_org::dml::{self, UndoLog};
use crate::demo_org::ids;
use crate::demo_org::schema::{FieldDef, FieldType, ObjectDef, Schema};
use crate::demo_org::state::{AppState, DemoOrg};
use crate::demo_org::store::{OrgData, Record};

/// Which API a request addressed: the data API sees the data objects, the Tooling API the
/// Tooling ones, and each treats the other's objects as unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    Data,
    Tooling,
}

impl Api {
    /// Base of record URLs: `/services/data/v66.0/sobjects` or `…/tooling/sobjects`.
    pub fn base(self, version: &ApiVersion) -> String {
        match self {
            Api::Data => version.sobjects_base(),
            Api::Tooling => version.tooling_sobjects_base(),
        }
    }

    /// An object this API serves, or 404 NOT_FOUND.
    pub fn object<'a>(self, schema: &'a Schema, name: &str) -> Result<&'a ObjectDef, ApiError> {
        schema
            .object(name)
            .filter(|o| o.tooling == (self == Api::Tooling))
            .ok_or_else(ApiError::not_found)
    }
}

type Params = Query<HashMap<String, String>>;
type InTransaction = Option<Extension<Transaction>>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services/data/{version}/sobjects", get(global_route))
        .route("/services/data/{version}/sobjects/", get(global_route))
        .route(
            "/services/data/{version}/sobjects/{sobject}",
            get(basic_info_route).post(create_route),
        )
        .route(
            "/services/data/{version}/sobjects/{sobject}/describe",
            get(describe_route),
        )
        .route(
            "/services/data/{version}/sobjects/{sobject}/{id}",
            get(read_route).patch(update_route).delete(delete_route),
        )
        .route(
            "/services/data/{version}/sobjects/{sobject}/{field}/{value}",
            get(read_by_external_id)
                .patch(upsert_route)
                .delete(delete_by_external_id),
        )
}

async fn global_route(State(org): State<AppState>, version: ApiVersion) -> Response {
    describe_global(&org, Api::Data, &version)
}

async fn basic_info_route(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    basic_info(&org, Api::Data, &version, &sobject)
}

async fn describe_route(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    describe(&org, Api::Data, &version, &sobject)
}

async fn create_route(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject)): Path<(String, String)>,
    transaction: InTransaction,
    body: Bytes,
) -> Result<Response, ApiError> {
    let transaction = transaction.map(|Extension(t)| t);
    create(
        &org,
        Api::Data,
        &version,
        &sobject,
        &body,
        transaction.as_ref(),
    )
}

async fn read_route(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject, id)): Path<(String, String, String)>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    read(
        &org,
        Api::Data,
        &version,
        &sobject,
        &id,
        params.get("fields").map(String::as_str),
    )
}

async fn update_route(
    State(org): State<AppState>,
    Path((_, sobject, id)): Path<(String, String, String)>,
    transaction: InTransaction,
    body: Bytes,
) -> Result<Response, ApiError> {
    let transaction = transaction.map(|Extension(t)| t);
    update(&org, Api::Data, &sobject, &id, &body, transaction.as_ref())
}

async fn delete_route(
    State(org): State<AppState>,
    Path((_, sobject, id)): Path<(String, String, String)>,
    transaction: InTransaction,
) -> Result<Response, ApiError> {
    let transaction = transaction.map(|Extension(t)| t);
    delete(&org, Api::Data, &sobject, &id, transaction.as_ref())
}

/// `GET /sobjects`, `GET /tooling/sobjects`.
pub fn describe_global(org: &DemoOrg, api: Api, version: &ApiVersion) -> Response {
    let data = org.read();
    let base = api.base(version);
    let sobjects: Vec<Value> = data
        .schema
        .objects()
        .filter(|o| o.tooling == (api == Api::Tooling))
        .map(|o| o.describe_global_entry(&base))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects}),
    )
}

/// `GET /sobjects/{type}`: the object's describe-global entry and its recently changed records.
pub fn basic_info(
    org: &DemoOrg,
    api: Api,
    version: &ApiVersion,
    sobject: &str,
) -> Result<Response, ApiError> {
    let data = org.read();
    let object = api.object(&data.schema, sobject)?;
    let base = api.base(version);
    let mut recent: Vec<&Record> = data.records(&object.name).collect();
    recent.sort_by(|a, b| {
        b.get_str("LastModifiedDate")
            .cmp(&a.get_str("LastModifiedDate"))
    });
    let name_field = object.name_field().map(|f| f.name.clone());
    let recent_items: Vec<Value> = recent
        .into_iter()
        .take(RECENT_ITEMS)
        .map(|record| {
            let mut item = serde_json::Map::new();
            item.insert(
                "attributes".into(),
                super::records::attributes(&object.name, &record.id, &base),
            );
            item.insert("Id".into(), json!(record.id));
            if let Some(name) = &name_field {
                item.insert(name.clone(), record.get(name).clone());
            }
            Value::Object(item)
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "objectDescribe": object.describe_global_entry(&base),
            "recentItems": recent_items,
        }),
    ))
}

/// How many records `recentItems` lists.
const RECENT_ITEMS: usize = 5;

/// `GET /sobjects/{type}/describe`.
pub fn describe(
    org: &DemoOrg,
    api: Api,
    version: &ApiVersion,
    sobject: &str,
) -> Result<Response, ApiError> {
    let data = org.read();
    let object = api.object(&data.schema, sobject)?;
    Ok(json_response(
        StatusCode::OK,
        &object.describe(&api.base(version)),
    ))
}

/// `POST /sobjects/{type}`: 201, the save result and a `Location` header.
pub fn create(
    org: &DemoOrg,
    api: Api,
    version: &ApiVersion,
    sobject: &str,
    body: &[u8],
    transaction: Option<&Transaction>,
) -> Result<Response, ApiError> {
    let ctx = org.dml_context();
    let mut data = org.write();
    let name = api.object(&data.schema, sobject)?.name.clone();
    let fields = object_body(body)?;
    let mut log = UndoLog::default();
    let id = dml::insert_logged(&mut data, &name, &fields, &ctx, &mut log)?;
    drop(data);
    journal(transaction, log);
    Ok(created(&api.base(version), &name, &id, &save_result(&id)))
}

/// `GET|HEAD /sobjects/{type}/{id}[?fields=…]`.
pub fn read(
    org: &DemoOrg,
    api: Api,
    version: &ApiVersion,
    sobject: &str,
    id: &str,
    fields: Option<&str>,
) -> Result<Response, ApiError> {
    let data = org.read();
    let object = api.object(&data.schema, sobject)?;
    let record = record_for_read(&data, object, id)?;
    let fields = field_list(&data, object, fields)?;
    Ok(json_response(
        StatusCode::OK,
        &render(&data, object, record, &api.base(version), fields.as_deref()),
    ))
}

/// `PATCH /sobjects/{type}/{id}`: 204.
pub fn update(
    org: &DemoOrg,
    api: Api,
    sobject: &str,
    id: &str,
    body: &[u8],
    transaction: Option<&Transaction>,
) -> Result<Response, ApiError> {
    let ctx = org.dml_context();
    let mut data = org.write();
    let name = api.object(&data.schema, sobject)?.name.clone();
    let fields = object_body(body)?;
    let mut log = UndoLog::default();
    dml::update_logged(&mut data, &name, id, &fields, &ctx, &mut log)?;
    drop(data);
    journal(transaction, log);
    Ok(no_content())
}

/// `DELETE /sobjects/{type}/{id}`: 204.
pub fn delete(
    org: &DemoOrg,
    api: Api,
    sobject: &str,
    id: &str,
    transaction: Option<&Transaction>,
) -> Result<Response, ApiError> {
    let ctx = org.dml_context();
    let mut data = org.write();
    let name = api.object(&data.schema, sobject)?.name.clone();
    let mut log = UndoLog::default();
    dml::delete_logged(&mut data, &name, id, &ctx, &mut log)?;
    drop(data);
    journal(transaction, log);
    Ok(no_content())
}

/// `GET /sobjects/{type}/{extIdField}/{value}`: the record, or 300 when several match.
async fn read_by_external_id(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject, field, value)): Path<(String, String, String, String)>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let data = org.read();
    let object = Api::Data.object(&data.schema, &sobject)?;
    let key = external_id_field(object, &field)?;
    let base = version.sobjects_base();
    let matches = dml::records_with_value(&data, &object.name, key, &value);
    match matches.as_slice() {
        [] => Err(ApiError::not_found()),
        [id] => {
            let record = data.get(id).ok_or_else(ApiError::not_found)?;
            let fields = field_list(&data, object, params.get("fields").map(String::as_str))?;
            Ok(json_response(
                StatusCode::OK,
                &render(&data, object, record, &base, fields.as_deref()),
            ))
        }
        several => Ok(multiple_choices(&base, &object.name, several)),
    }
}

/// `PATCH /sobjects/{type}/{extIdField}/{value}`: 201 created, 200 updated (204 before v46),
/// 300 when several records match, 404 with `?updateOnly=true` and no match.
async fn upsert_route(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject, field, value)): Path<(String, String, String, String)>,
    Query(params): Params,
    transaction: InTransaction,
    body: Bytes,
) -> Result<Response, ApiError> {
    let update_only = params
        .get("updateOnly")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let ctx = org.dml_context();
    let base = version.sobjects_base();
    let mut data = org.write();
    let schema = Arc::clone(&data.schema);
    let object = Api::Data.object(&schema, &sobject)?;
    let key = external_id_field(object, &field)?;
    let mut fields = object_body(&body)?;
    let matches = dml::records_with_value(&data, &object.name, key, &value);
    let mut log = UndoLog::default();
    let response = match matches.as_slice() {
        [] if update_only || key.field_type == FieldType::Id => return Err(ApiError::not_found()),
        [] => {
            // The URL names the new record's external id, whatever the body says.
            fields.retain(|k, _| !k.eq_ignore_ascii_case(&key.name));
            fields.insert(key.name.clone(), Value::String(value.clone()));
            let id = dml::insert_logged(&mut data, &object.name, &fields, &ctx, &mut log)?;
            created(
                &base,
                &object.name,
                &id,
                &json!({"id": id, "errors": [], "success": true, "created": true}),
            )
        }
        [id] => {
            dml::update_logged(&mut data, &object.name, id, &fields, &ctx, &mut log)?;
            if version_at_least(&version, 46.0) {
                json_response(
                    StatusCode::OK,
                    &json!({"id": id, "errors": [], "success": true, "created": false}),
                )
            } else {
                no_content()
            }
        }
        several => multiple_choices(&base, &object.name, several),
    };
    drop(data);
    journal(transaction.as_ref().map(|Extension(t)| t), log);
    Ok(response)
}

/// `DELETE /sobjects/{type}/{extIdField}/{value}`.
async fn delete_by_external_id(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject, field, value)): Path<(String, String, String, String)>,
    transaction: InTransaction,
) -> Result<Response, ApiError> {
    let ctx = org.dml_context();
    let mut data = org.write();
    let schema = Arc::clone(&data.schema);
    let object = Api::Data.object(&schema, &sobject)?;
    let key = external_id_field(object, &field)?;
    let matches = dml::records_with_value(&data, &object.name, key, &value);
    let mut log = UndoLog::default();
    let response = match matches.as_slice() {
        [] => return Err(ApiError::not_found()),
        [id] => {
            dml::delete_logged(&mut data, &object.name, id, &ctx, &mut log)?;
            no_content()
        }
        several => multiple_choices(&version.sobjects_base(), &object.name, several),
    };
    drop(data);
    journal(transaction.as_ref().map(|Extension(t)| t), log);
    Ok(response)
}

/// The record a read addresses. A segment that is not an id of this object is read as the name
/// of an external id field, as Salesforce does.
fn record_for_read<'a>(
    org: &'a OrgData,
    object: &ObjectDef,
    segment: &str,
) -> Result<&'a Record, ApiError> {
    let id = ids::canonical(segment).filter(|id| id.starts_with(&object.key_prefix));
    let Some(id) = id else {
        return Err(match object.field(segment) {
            Some(field) if field.external_id => ApiError::not_found(),
            _ => external_id_field_missing(segment),
        });
    };
    let record = org.get_any(&id).ok_or_else(ApiError::not_found)?;
    if record.deleted {
        return Err(ApiError::entity_is_deleted());
    }
    Ok(record)
}

fn field_list(
    org: &OrgData,
    object: &ObjectDef,
    fields: Option<&str>,
) -> Result<Option<Vec<FieldPath>>, ApiError> {
    fields
        .map(|list| parse_field_list(org, object, list))
        .transpose()
}

/// A field an upsert or read by external id may match on: an external id field, or Id.
fn external_id_field<'a>(object: &'a ObjectDef, name: &str) -> Result<&'a FieldDef, ApiError> {
    object
        .field(name)
        .filter(|f| f.external_id || f.field_type == FieldType::Id)
        .ok_or_else(|| external_id_field_missing(name))
}

fn external_id_field_missing(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("Provided external ID field does not exist or is not accessible: {name}"),
    )
}

/// 201 with `body` and the new record's `Location`.
fn created(base: &str, sobject: &str, id: &str, body: &Value) -> Response {
    let mut response = json_response(StatusCode::CREATED, body);
    if let Ok(location) = HeaderValue::from_str(&record_url(base, sobject, id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// 300 Multiple Choices: the URLs of the records an external id matched.
fn multiple_choices(base: &str, sobject: &str, ids: &[String]) -> Response {
    let urls: Vec<String> = ids.iter().map(|id| record_url(base, sobject, id)).collect();
    json_response(StatusCode::MULTIPLE_CHOICES, &json!(urls))
}

/// True when the request's API version is `minimum` or later.
pub fn version_at_least(version: &ApiVersion, minimum: f64) -> bool {
    version.0.parse::<f64>().is_ok_and(|v| v >= minimum)
}

#[cfg(test)]
mod http_tests;
