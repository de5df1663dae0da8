//! The Tooling API: `/tooling/query`, `/tooling/sobjects` and its describe and record routes,
//! over the Tooling objects of the schema (today `SearchSynonymGroup`).
//!
//! Salesforce documents search synonyms only through the Metadata API (`SynonymDictionary`); no
//! public reference shows a Tooling object named `SearchSynonymGroup`. The demo org serves it so
//! the synonym tools can be exercised, and flags every response about it with a `Warning` header
//! so that a passing test is not mistaken for proof that a real org behaves the same.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use super::query::{self, batch_size};
use super::records::Transaction;
use super::sobjects::{self, Api};
use super::version::ApiVersion;
use crate::demo_org::state::AppState;

/// The object whose Tooling routes have no public reference.
const UNDOCUMENTED_OBJECT: &str = "SearchSynonymGroup";
const UNDOCUMENTED_WARNING: &str = "299 - \"SearchSynonymGroup is not a documented Tooling API object; a real org may answer INVALID_TYPE\"";

type Params = Query<HashMap<String, String>>;
type InTransaction = Option<Extension<Transaction>>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services/data/{version}/tooling/query", get(query_route))
        .route("/services/data/{version}/tooling/query/", get(query_route))
        .route(
            "/services/data/{version}/tooling/query/{locator}",
            get(next_page),
        )
        .route("/services/data/{version}/tooling/sobjects", get(global))
        .route("/services/data/{version}/tooling/sobjects/", get(global))
        .route(
            "/services/data/{version}/tooling/sobjects/{sobject}",
            get(basic_info).post(create),
        )
        .route(
            "/services/data/{version}/tooling/sobjects/{sobject}/describe",
            get(describe),
        )
        .route(
            "/services/data/{version}/tooling/sobjects/{sobject}/{id}",
            get(read).patch(update).delete(delete),
        )
}

async fn query_route(
    State(org): State<AppState>,
    version: ApiVersion,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    let soql = params.get("q").map(String::as_str).unwrap_or_default();
    let flagged = query::from_object(soql).is_some_and(|o| is_undocumented(&o));
    let result = if soql.trim().is_empty() {
        Err(ApiError::bad_request(
            "MALFORMED_QUERY",
            "A query string has to be specified",
        ))
    } else {
        query::run(
            &org,
            Api::Tooling,
            &version,
            soql,
            false,
            batch_size(&headers),
        )
    };
    flag(flagged, result)
}

async fn next_page(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, locator)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    query::continue_query(&org, Api::Tooling, &version, &locator, batch_size(&headers))
}

async fn global(State(org): State<AppState>, version: ApiVersion) -> Response {
    sobjects::describe_global(&org, Api::Tooling, &version)
}

async fn basic_info(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject)): Path<(String, String)>,
) -> Response {
    let result = sobjects::basic_info(&org, Api::Tooling, &version, &sobject);
    flag(is_undocumented(&sobject), result)
}

async fn describe(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject)): Path<(String, String)>,
) -> Response {
    let result = sobjects::describe(&org, Api::Tooling, &version, &sobject);
    flag(is_undocumented(&sobject), result)
}

async fn create(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject)): Path<(String, String)>,
    transaction: InTransaction,
    body: Bytes,
) -> Response {
    let transaction = transaction.map(|Extension(t)| t);
    let result = sobjects::create(
        &org,
        Api::Tooling,
        &version,
        &sobject,
        &body,
        transaction.as_ref(),
    );
    flag(is_undocumented(&sobject), result)
}

async fn read(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, sobject, id)): Path<(String, String, String)>,
    Query(params): Params,
) -> Response {
    let fields = params.get("fields").map(String::as_str);
    let result = sobjects::read(&org, Api::Tooling, &version, &sobject, &id, fields);
    flag(is_undocumented(&sobject), result)
}

async fn update(
    State(org): State<AppState>,
    Path((_, sobject, id)): Path<(String, String, String)>,
    transaction: InTransaction,
    body: Bytes,
) -> Response {
    let transaction = transaction.map(|Extension(t)| t);
    let result = sobjects::update(
        &org,
        Api::Tooling,
        &sobject,
        &id,
        &body,
        transaction.as_ref(),
    );
    flag(is_undocumented(&sobject), result)
}

async fn delete(
    State(org): State<AppState>,
    Path((_, sobject, id)): Path<(String, String, String)>,
    transaction: InTransaction,
) -> Response {
    let transaction = transaction.map(|Extension(t)| t);
    let result = sobjects::delete(&org, Api::Tooling, &sobject, &id, transaction.as_ref());
    flag(is_undocumented(&sobject), result)
}

fn is_undocumented(sobject: &str) -> bool {
    sobject.eq_ignore_ascii_case(UNDOCUMENTED_OBJECT)
}

/// The response, with the `Warning` header when it concerns the undocumented object.
fn flag(undocumented: bool, result: Result<Response, ApiError>) -> Response {
    let mut response = result.into_response();
    if undocumented {
        response.headers_mut().insert(
            header::WARNING,
            HeaderValue::from_static(UNDOCUMENTED_WARNING),
        );
    }
    response
}
