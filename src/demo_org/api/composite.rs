//! The composite family: `/composite` (subrequests with references, optionally all-or-none),
//! `/composite/batch`, `/composite/tree/{type}` and `/composite/graph`.
//!
//! Subrequests run in-process through the same routes as requests from the network (a
//! [`Dispatcher`] holds the router without the network layers), so they answer exactly what a
//! direct call would. The whole composite counts as one API call. For all-or-none requests the
//! write routes log their changes into a [`Transaction`] put in the subrequests' extensions, and
//! a failure rolls those changes back.

mod references;
mod tree;

use std::collections::HashSet;

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Extension, State};
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tower::ServiceExt;

use super::error::{ApiError, json_response};
use super::records::Transaction;
use super::version::ApiVersion;
use crate::demo_org::state::{AppState, DemoOrg};
use references::{Results, resolve_json, resolve_text};

/// Subrequests a composite request may hold, and how many of them may be queries.
const MAX_SUBREQUESTS: usize = 25;
const MAX_QUERY_SUBREQUESTS: usize = 5;
const MAX_BATCH_REQUESTS: usize = 25;
const MAX_GRAPH_NODES: usize = 500;

const ROLLED_BACK: &str =
    "The transaction was rolled back since another operation in the same transaction failed.";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services/data/{version}/composite", post(composite))
        .route("/services/data/{version}/composite/batch", post(batch))
        .route(
            "/services/data/{version}/composite/tree/{sobject}",
            post(tree::create_tree),
        )
        .route("/services/data/{version}/composite/graph", post(graph))
}

/// Runs subrequests through the org's routes, in-process.
#[derive(Clone)]
pub struct Dispatcher {
    router: Router,
}

/// What a subrequest answered.
#[derive(Clone, Debug)]
struct SubResponse {
    status: StatusCode,
    location: Option<String>,
    /// The JSON body; null for an empty one.
    body: Value,
}

impl Dispatcher {
    /// `router` must be the org's routes without the network layers (auth, faults, counting).
    pub fn new(router: Router) -> Self {
        Dispatcher { router }
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
        headers: &Map<String, Value>,
        transaction: Option<&Transaction>,
    ) -> SubResponse {
        let method = match Method::from_bytes(method.to_ascii_uppercase().as_bytes()) {
            Ok(method) => method,
            Err(_) => return SubResponse::error(ApiError::method_not_allowed(method)),
        };
        let mut builder = Request::builder().method(method).uri(uri_safe(url));
        for (name, value) in headers {
            let value = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                builder = builder.header(name, value);
            }
        }
        let payload = match body {
            Some(body) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(body).unwrap_or_default())
            }
            None => Body::empty(),
        };
        let mut request = match builder.body(payload) {
            Ok(request) => request,
            Err(_) => return SubResponse::error(ApiError::not_found()),
        };
        if let Some(transaction) = transaction {
            request.extensions_mut().insert(transaction.clone());
        }
        let response = match self.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        SubResponse {
            status: parts.status,
            location: parts
                .headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body,
        }
    }
}

impl SubResponse {
    fn error(error: ApiError) -> Self {
        SubResponse {
            status: error.status,
            location: None,
            body: serde_json::to_value(&error.errors).unwrap_or(Value::Null),
        }
    }

    fn failed(&self) -> bool {
        self.status.as_u16() >= 400
    }
}

/// Percent-encodes what may not appear in a request target (spaces in a query's SOQL, quotes…),
/// leaving valid URLs as they are.
fn uri_safe(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        let allowed = byte.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&byte);
        if allowed {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn nested_composite() -> ApiError {
    ApiError::bad_request(
        "INVALID_API_INPUT",
        "Composite resources cannot be called from a composite subrequest",
    )
}

fn parse_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(ApiError::json_parser)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompositeRequest {
    #[serde(default)]
    all_or_none: bool,
    composite_request: Vec<Subrequest>,
}

#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Subrequest {
    method: String,
    url: String,
    reference_id: String,
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    http_headers: Map<String, Value>,
}

/// `POST /composite`.
async fn composite(
    State(org): State<AppState>,
    dispatcher: Option<Extension<Dispatcher>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Some(Extension(dispatcher)) = dispatcher else {
        return Err(nested_composite());
    };
    let request: CompositeRequest = parse_body(&body)?;
    check_subrequests(&request.composite_request, MAX_SUBREQUESTS)?;
    let queries = request
        .composite_request
        .iter()
        .filter(|s| is_query_or_collection(&s.url))
        .count();
    if queries > MAX_QUERY_SUBREQUESTS {
        return Err(ApiError::bad_request(
            "LIMIT_EXCEEDED",
            format!(
                "A composite request can have at most {MAX_QUERY_SUBREQUESTS} query or sObject Collections subrequests"
            ),
        ));
    }
    let (items, _) = run_subrequests(
        &org,
        &dispatcher,
        &request.composite_request,
        request.all_or_none,
    )
    .await;
    Ok(json_response(
        StatusCode::OK,
        &json!({"compositeResponse": items}),
    ))
}

/// Refuses requests Salesforce refuses as a whole: too many subrequests, urls outside
/// `/services/data/vXX.X`, missing or repeated referenceIds.
fn check_subrequests(subrequests: &[Subrequest], max: usize) -> Result<(), ApiError> {
    if subrequests.is_empty() || subrequests.len() > max {
        return Err(ApiError::bad_request(
            "LIMIT_EXCEEDED",
            format!(
                "A composite request must have between 1 and {max} subrequests; it has {}",
                subrequests.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    for sub in subrequests {
        let valid_id = !sub.reference_id.is_empty()
            && sub
                .reference_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && sub
                .reference_id
                .starts_with(|c: char| c.is_ascii_alphabetic());
        if !valid_id {
            return Err(ApiError::bad_request(
                "INVALID_API_INPUT",
                format!(
                    "Invalid referenceId '{}': it must start with a letter and contain only letters, digits and underscores",
                    sub.reference_id
                ),
            ));
        }
        if !seen.insert(sub.reference_id.clone()) {
            return Err(ApiError::bad_request(
                "INVALID_API_INPUT",
                format!(
                    "Duplicate referenceId provided in the request: {}",
                    sub.reference_id
                ),
            ));
        }
        if ApiVersion::from_path(&sub.url).is_none() {
            return Err(ApiError::bad_request(
                "INVALID_API_INPUT",
                format!(
                    "The url of subrequest {} must start with /services/data/vXX.X: {}",
                    sub.reference_id, sub.url
                ),
            ));
        }
    }
    Ok(())
}

fn is_query_or_collection(url: &str) -> bool {
    let path = url.split('?').next().unwrap_or_default();
    let rest = path.splitn(5, '/').nth(4).unwrap_or_default();
    rest.starts_with("query") || rest.starts_with("composite/sobjects")
}

/// One entry of `compositeResponse`.
struct Item {
    reference_id: String,
    response: SubResponse,
}

impl Item {
    fn halted(reference_id: &str) -> Item {
        Item {
            reference_id: reference_id.to_owned(),
            response: SubResponse::error(ApiError::bad_request("PROCESSING_HALTED", ROLLED_BACK)),
        }
    }

    fn to_json(&self) -> Value {
        let mut headers = Map::new();
        if let Some(location) = &self.response.location {
            headers.insert("Location".into(), json!(location));
        }
        json!({
            "body": self.response.body,
            "httpHeaders": headers,
            "httpStatusCode": self.response.status.as_u16(),
            "referenceId": self.reference_id,
        })
    }
}

/// Runs subrequests in order, resolving references to earlier results. All-or-none: the first
/// failure rolls back what ran and every other subrequest reports PROCESSING_HALTED. Returns
/// the `compositeResponse` items and whether all succeeded.
async fn run_subrequests(
    org: &DemoOrg,
    dispatcher: &Dispatcher,
    subrequests: &[Subrequest],
    all_or_none: bool,
) -> (Vec<Value>, bool) {
    let transaction = all_or_none.then(Transaction::default);
    let mut results = Results::new();
    let mut items: Vec<Item> = Vec::with_capacity(subrequests.len());
    let mut failed_at: Option<usize> = None;
    for (index, sub) in subrequests.iter().enumerate() {
        if all_or_none && failed_at.is_some() {
            items.push(Item::halted(&sub.reference_id));
            continue;
        }
        let resolved = resolve_text(&sub.url, &results).and_then(|url| {
            let body = sub
                .body
                .as_ref()
                .map(|b| resolve_json(b, &results))
                .transpose()?;
            Ok((url, body))
        });
        let response = match resolved {
            Ok((url, body)) => {
                dispatcher
                    .send(
                        &sub.method,
                        &url,
                        body.as_ref(),
                        &sub.http_headers,
                        transaction.as_ref(),
                    )
                    .await
            }
            Err(unresolved) => SubResponse::error(ApiError::bad_request(
                "PROCESSING_HALTED",
                unresolved.message(),
            )),
        };
        if response.failed() {
            failed_at = failed_at.or(Some(index));
        } else {
            results.insert(sub.reference_id.clone(), response.body.clone());
        }
        items.push(Item {
            reference_id: sub.reference_id.clone(),
            response,
        });
    }
    if let (Some(failed), Some(transaction)) = (failed_at, &transaction) {
        transaction.take().rollback(&mut org.write());
        for (index, item) in items.iter_mut().enumerate() {
            if index != failed {
                *item = Item::halted(&item.reference_id);
            }
        }
    }
    let all_succeeded = failed_at.is_none();
    (items.iter().map(Item::to_json).collect(), all_succeeded)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchRequest {
    batch_requests: Vec<BatchItem>,
    #[serde(default)]
    halt_on_error: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchItem {
    method: String,
    url: String,
    #[serde(default)]
    rich_input: Option<Value>,
}

/// `POST /composite/batch`: independent subrequests whose urls leave out `/services/data`.
async fn batch(
    dispatcher: Option<Extension<Dispatcher>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Some(Extension(dispatcher)) = dispatcher else {
        return Err(nested_composite());
    };
    let request: BatchRequest = parse_body(&body)?;
    let count = request.batch_requests.len();
    if count == 0 || count > MAX_BATCH_REQUESTS {
        return Err(ApiError::bad_request(
            "LIMIT_EXCEEDED",
            format!(
                "A batch request must have between 1 and {MAX_BATCH_REQUESTS} requests; it has {count}"
            ),
        ));
    }
    let mut results = Vec::with_capacity(count);
    let mut has_errors = false;
    for item in &request.batch_requests {
        if has_errors && request.halt_on_error {
            results.push(json!({
                "statusCode": StatusCode::PRECONDITION_FAILED.as_u16(),
                "result": [{"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request"}],
            }));
            continue;
        }
        let url = batch_url(&item.url);
        let response = if ApiVersion::from_path(&url).is_some() {
            dispatcher
                .send(
                    &item.method,
                    &url,
                    item.rich_input.as_ref(),
                    &Map::new(),
                    None,
                )
                .await
        } else {
            SubResponse::error(ApiError::not_found())
        };
        has_errors |= response.failed();
        results.push(json!({"statusCode": response.status.as_u16(), "result": response.body}));
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({"hasErrors": has_errors, "results": results}),
    ))
}

/// `v66.0/sobjects/Account` → `/services/data/v66.0/sobjects/Account` (full paths pass).
fn batch_url(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.starts_with("services/data/") {
        format!("/{trimmed}")
    } else {
        format!("/services/data/{trimmed}")
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphRequest {
    graphs: Vec<Graph>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Graph {
    graph_id: String,
    composite_request: Vec<Subrequest>,
}

/// `POST /composite/graph`: each graph runs all-or-none on its own.
async fn graph(
    State(org): State<AppState>,
    dispatcher: Option<Extension<Dispatcher>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Some(Extension(dispatcher)) = dispatcher else {
        return Err(nested_composite());
    };
    let request: GraphRequest = parse_body(&body)?;
    let mut seen = HashSet::new();
    for graph in &request.graphs {
        if !seen.insert(graph.graph_id.clone()) {
            return Err(ApiError::bad_request(
                "INVALID_API_INPUT",
                format!(
                    "Duplicate graphId provided in the request: {}",
                    graph.graph_id
                ),
            ));
        }
        check_subrequests(&graph.composite_request, MAX_GRAPH_NODES)?;
    }
    let mut graphs = Vec::with_capacity(request.graphs.len());
    for graph in &request.graphs {
        let (items, successful) =
            run_subrequests(&org, &dispatcher, &graph.composite_request, true).await;
        graphs.push(json!({
            "graphId": graph.graph_id,
            "graphResponse": {"compositeResponse": items},
            "isSuccessful": successful,
        }));
    }
    Ok(json_response(StatusCode::OK, &json!({"graphs": graphs})))
}

#[cfg(test)]
mod http_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_made_safe_for_requests() {
        assert_eq!(
            uri_safe("/services/data/v66.0/query?q=SELECT Id FROM Case WHERE Subject = 'a\"b'"),
            "/services/data/v66.0/query?q=SELECT%20Id%20FROM%20Case%20WHERE%20Subject%20=%20'a%22b'"
        );
        assert_eq!(uri_safe("/a/b?q=x+y%20z"), "/a/b?q=x+y%20z");
    }

    #[test]
    fn batch_urls_get_the_data_prefix() {
        assert_eq!(
            batch_url("v66.0/sobjects/Account"),
            "/services/data/v66.0/sobjects/Account"
        );
        assert_eq!(batch_url("/v66.0/limits"), "/services/data/v66.0/limits");
        assert_eq!(
            batch_url("/services/data/v66.0/limits"),
            "/services/data/v66.0/limits"
        );
    }

    #[test]
    fn query_subrequests_are_recognised() {
        assert!(is_query_or_collection("/services/data/v66.0/query?q=x"));
        assert!(is_query_or_collection("/services/data/v66.0/queryAll/?q=x"));
        assert!(is_query_or_collection(
            "/services/data/v66.0/composite/sobjects"
        ));
        assert!(!is_query_or_collection(
            "/services/data/v66.0/sobjects/Account"
        ));
    }
}
