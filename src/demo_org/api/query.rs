//! `/query`, `/queryAll`, `/query/{locator}` and `/search`, and the query cursors behind
//! `nextRecordsUrl` paging. The Tooling query routes page through the same cursors.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::error::{ApiError, json_response};
use super::sobjects::{Api, version_at_least};
use super::version::ApiVersion;
use crate::demo_org::ids;
use crate::demo_org::soql::{self, QueryOptions, QueryOutput, SoqlError};
use crate::demo_org::state::{AppState, DemoOrg, lock};

/// Page sizes Salesforce accepts in `Sforce-Query-Options: batchSize=N`, and its default.
pub const MIN_BATCH_SIZE: usize = 200;
pub const MAX_BATCH_SIZE: usize = 2000;

/// Cursors left unused this long are gone, as Salesforce's expire after 15 minutes idle.
const CURSOR_IDLE_LIMIT: Duration = Duration::from_secs(15 * 60);
/// At most this many cursors stay open; opening another closes the least recently used.
const MAX_OPEN_CURSORS: usize = 64;

/// The rows of one query result, kept for the pages after the first.
#[derive(Debug)]
struct Cursor {
    records: Arc<Vec<Value>>,
    total_size: usize,
    api: Api,
    entity_type: Option<String>,
    last_used: Instant,
}

/// Open query cursors, by locator id, for `nextRecordsUrl` paging.
#[derive(Debug, Default)]
pub struct QueryCursors {
    open: HashMap<String, Cursor>,
    /// Locator ids, least recently used first.
    recency: VecDeque<String>,
    issued: u64,
}

/// One page of a query result.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub records: Vec<Value>,
    pub total_size: usize,
    /// `01g…-4000`: where the next page starts, when there is one.
    pub next_locator: Option<String>,
    pub entity_type: Option<String>,
}

impl QueryCursors {
    /// The first page of `output`; opens a cursor when more pages follow.
    pub fn first_page(
        &mut self,
        output: QueryOutput,
        batch_size: usize,
        api: Api,
        entity_type: Option<String>,
    ) -> Page {
        let batch_size = batch_size.max(1);
        if output.records.len() <= batch_size {
            return Page {
                records: output.records,
                total_size: output.total_size,
                next_locator: None,
                entity_type,
            };
        }
        self.evict_idle(Instant::now());
        while self.open.len() >= MAX_OPEN_CURSORS {
            match self.recency.pop_front() {
                Some(oldest) => {
                    self.open.remove(&oldest);
                }
                None => break,
            }
        }
        self.issued += 1;
        let locator = ids::make_id("01g", self.issued);
        let page = Page {
            records: output
                .records
                .get(..batch_size)
                .unwrap_or_default()
                .to_vec(),
            total_size: output.total_size,
            next_locator: Some(format!("{locator}-{batch_size}")),
            entity_type: entity_type.clone(),
        };
        self.open.insert(
            locator.clone(),
            Cursor {
                records: Arc::new(output.records),
                total_size: output.total_size,
                api,
                entity_type,
                last_used: Instant::now(),
            },
        );
        self.recency.push_back(locator);
        page
    }

    /// The page a `nextRecordsUrl` locator (`01g…-2000`) points at, or `None` for an unknown,
    /// expired or malformed locator, or one of the other API.
    pub fn page(&mut self, locator: &str, batch_size: usize, api: Api) -> Option<Page> {
        let (id, offset) = locator.rsplit_once('-')?;
        let offset: usize = offset.parse().ok()?;
        let now = Instant::now();
        self.evict_idle(now);
        let cursor = self.open.get_mut(id).filter(|c| c.api == api)?;
        cursor.last_used = now;
        if offset > cursor.records.len() {
            return None;
        }
        let end = offset
            .saturating_add(batch_size.max(1))
            .min(cursor.records.len());
        let page = Page {
            records: cursor.records.get(offset..end).unwrap_or_default().to_vec(),
            total_size: cursor.total_size,
            next_locator: (end < cursor.records.len()).then(|| format!("{id}-{end}")),
            entity_type: cursor.entity_type.clone(),
        };
        let id = id.to_owned();
        self.recency.retain(|l| *l != id);
        self.recency.push_back(id);
        Some(page)
    }

    pub fn len(&self) -> usize {
        self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    fn evict_idle(&mut self, now: Instant) {
        let idle: Vec<String> = self
            .open
            .iter()
            .filter(|(_, c)| now.duration_since(c.last_used) > CURSOR_IDLE_LIMIT)
            .map(|(id, _)| id.clone())
            .collect();
        for id in idle {
            self.open.remove(&id);
            self.recency.retain(|l| *l != id);
        }
    }
}

/// The page size a request asks for: `Sforce-Query-Options: batchSize=N`, kept to 200..=2000.
pub fn batch_size(headers: &HeaderMap) -> usize {
    headers
        .get("sforce-query-options")
        .and_then(|v| v.to_str().ok())
        .and_then(|options| {
            options.split([',', ';']).find_map(|option| {
                let (key, value) = option.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("batchSize")
                    .then(|| value.trim().parse::<usize>().ok())
                    .flatten()
            })
        })
        .map_or(MAX_BATCH_SIZE, |n| n.clamp(MIN_BATCH_SIZE, MAX_BATCH_SIZE))
}

type Params = Query<HashMap<String, String>>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services/data/{version}/query", get(query))
        .route("/services/data/{version}/query/", get(query))
        .route("/services/data/{version}/queryAll", get(query_all))
        .route("/services/data/{version}/queryAll/", get(query_all))
        .route("/services/data/{version}/query/{locator}", get(next_page))
        .route(
            "/services/data/{version}/queryAll/{locator}",
            get(next_page),
        )
        .route("/services/data/{version}/search", get(search))
        .route("/services/data/{version}/search/", get(search))
}

async fn query(
    State(org): State<AppState>,
    version: ApiVersion,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let soql = required_query(&params)?;
    run(&org, Api::Data, &version, soql, false, batch_size(&headers))
}

async fn query_all(
    State(org): State<AppState>,
    version: ApiVersion,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let soql = required_query(&params)?;
    run(&org, Api::Data, &version, soql, true, batch_size(&headers))
}

async fn next_page(
    State(org): State<AppState>,
    version: ApiVersion,
    Path((_, locator)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    continue_query(&org, Api::Data, &version, &locator, batch_size(&headers))
}

/// `GET /search?q=<SOSL>`: `{"searchRecords":[…]}` (a bare array before v36).
async fn search(
    State(org): State<AppState>,
    version: ApiVersion,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let sosl = params.get("q").map(String::as_str).unwrap_or_default();
    if sosl.trim().is_empty() {
        return Err(ApiError::bad_request(
            "MALFORMED_SEARCH",
            "No search term found. The search term must be enclosed in braces.",
        ));
    }
    let options = options(&org, Api::Data, &version, false);
    let records = soql::search(&org.read(), sosl, &options).map_err(soql_error)?;
    let body = if version_at_least(&version, 36.0) {
        json!({"searchRecords": records})
    } else {
        Value::Array(records)
    };
    Ok(json_response(StatusCode::OK, &body))
}

fn required_query(params: &HashMap<String, String>) -> Result<&str, ApiError> {
    params
        .get("q")
        .map(String::as_str)
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("MALFORMED_QUERY", "A query string has to be specified")
        })
}

/// Runs a query and answers its first page.
pub fn run(
    org: &DemoOrg,
    api: Api,
    version: &ApiVersion,
    soql_text: &str,
    include_deleted: bool,
    batch_size: usize,
) -> Result<Response, ApiError> {
    let options = options(org, api, version, include_deleted);
    let data = org.read();
    let output = soql::execute(&data, soql_text, &options).map_err(soql_error)?;
    let entity_type = entity_type(&output, soql_text)
        .map(|name| data.schema.object(&name).map_or(name, |o| o.name.clone()));
    drop(data);
    let page = lock(&org.cursors).first_page(output, batch_size, api, entity_type);
    Ok(json_response(
        StatusCode::OK,
        &page_body(page, api, version),
    ))
}

/// Answers the page a `nextRecordsUrl` locator points at.
pub fn continue_query(
    org: &DemoOrg,
    api: Api,
    version: &ApiVersion,
    locator: &str,
    batch_size: usize,
) -> Result<Response, ApiError> {
    let page = lock(&org.cursors)
        .page(locator, batch_size, api)
        .ok_or_else(|| ApiError::bad_request("INVALID_QUERY_LOCATOR", "invalid query locator"))?;
    Ok(json_response(
        StatusCode::OK,
        &page_body(page, api, version),
    ))
}

fn options(org: &DemoOrg, api: Api, version: &ApiVersion, include_deleted: bool) -> QueryOptions {
    QueryOptions {
        now: org.now(),
        include_deleted,
        sobjects_base: api.base(version),
        tooling: api == Api::Tooling,
    }
}

/// A QueryResult in wire shape; the Tooling API's adds `size`, `queryLocator` and
/// `entityTypeName`.
pub fn page_body(page: Page, api: Api, version: &ApiVersion) -> Value {
    let query_base = match api {
        Api::Data => format!("{}/query", version.base()),
        Api::Tooling => format!("{}/tooling/query", version.base()),
    };
    let done = page.next_locator.is_none();
    let mut body = Map::new();
    if api == Api::Tooling {
        body.insert("size".into(), json!(page.total_size));
    }
    body.insert("totalSize".into(), json!(page.total_size));
    body.insert("done".into(), json!(done));
    if api == Api::Tooling {
        body.insert("queryLocator".into(), json!(page.next_locator));
        body.insert("entityTypeName".into(), json!(page.entity_type));
    }
    if let Some(locator) = &page.next_locator {
        body.insert(
            "nextRecordsUrl".into(),
            json!(format!("{query_base}/{locator}")),
        );
    }
    body.insert("records".into(), Value::Array(page.records));
    Value::Object(body)
}

/// The object a query reads: from its rows, or from its FROM clause when it has none.
fn entity_type(output: &QueryOutput, soql_text: &str) -> Option<String> {
    output
        .records
        .first()
        .and_then(|r| r.pointer("/attributes/type"))
        .and_then(Value::as_str)
        .filter(|t| *t != "AggregateResult")
        .map(str::to_owned)
        .or_else(|| from_object(soql_text))
}

/// The first identifier after a top-level `FROM`.
pub fn from_object(soql_text: &str) -> Option<String> {
    let mut depth = 0i32;
    let mut word = String::new();
    let mut after_from = false;
    for c in soql_text.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            if after_from {
                return Some(word);
            }
            after_from = depth == 0 && word.eq_ignore_ascii_case("FROM");
            word.clear();
        }
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// A refused query as Salesforce answers it: 400 and the error array.
pub fn soql_error(error: SoqlError) -> ApiError {
    ApiError::bad_request(error.error_code, error.message)
}

#[cfg(test)]
mod http_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn output(n: usize) -> QueryOutput {
        QueryOutput {
            total_size: n,
            records: (0..n).map(|i| json!({"n": i})).collect(),
        }
    }

    #[test]
    fn small_results_need_no_cursor() {
        let mut cursors = QueryCursors::default();
        let page = cursors.first_page(output(5), 2000, Api::Data, None);
        assert_eq!(page.records.len(), 5);
        assert_eq!(page.next_locator, None);
        assert!(cursors.is_empty());
    }

    #[test]
    fn pages_walk_the_whole_result() {
        let mut cursors = QueryCursors::default();
        let first = cursors.first_page(output(450), 200, Api::Data, None);
        assert_eq!(first.records.len(), 200);
        let locator = first.next_locator.expect("more pages");
        assert!(locator.starts_with("01g") && locator.ends_with("-200"));
        assert_eq!(locator.len(), "01gDm0000000001AAA-200".len());

        let second = cursors.page(&locator, 200, Api::Data).expect("page 2");
        assert_eq!(second.records.first(), Some(&json!({"n": 200})));
        let third_locator = second.next_locator.clone().expect("page 3");
        assert!(third_locator.ends_with("-400"));
        let third = cursors
            .page(&third_locator, 200, Api::Data)
            .expect("page 3");
        assert_eq!(third.records.len(), 50);
        assert_eq!(third.next_locator, None);
        assert_eq!(third.total_size, 450);
        // A retried page answers the same rows again.
        assert_eq!(cursors.page(&locator, 200, Api::Data), Some(second));
    }

    #[test]
    fn unknown_or_foreign_locators_are_refused() {
        let mut cursors = QueryCursors::default();
        let first = cursors.first_page(output(300), 200, Api::Tooling, None);
        let locator = first.next_locator.expect("more");
        assert_eq!(cursors.page(&locator, 200, Api::Data), None);
        assert!(cursors.page(&locator, 200, Api::Tooling).is_some());
        assert_eq!(
            cursors.page("01gDm0000000009AAA-200", 200, Api::Tooling),
            None
        );
        assert_eq!(cursors.page("garbage", 200, Api::Tooling), None);
        let (id, _) = locator.split_once('-').expect("dash");
        assert_eq!(cursors.page(&format!("{id}-9999"), 200, Api::Tooling), None);
    }

    #[test]
    fn cursors_are_bounded() {
        let mut cursors = QueryCursors::default();
        let first = cursors
            .first_page(output(300), 200, Api::Data, None)
            .next_locator
            .expect("cursor");
        for _ in 0..MAX_OPEN_CURSORS {
            cursors.first_page(output(300), 200, Api::Data, None);
        }
        assert_eq!(cursors.len(), MAX_OPEN_CURSORS);
        assert_eq!(cursors.page(&first, 200, Api::Data), None, "oldest evicted");
    }

    #[test]
    fn batch_size_header_is_clamped() {
        let mut headers = HeaderMap::new();
        assert_eq!(batch_size(&headers), 2000);
        headers.insert(
            "Sforce-Query-Options",
            "batchSize=500".parse().expect("value"),
        );
        assert_eq!(batch_size(&headers), 500);
        headers.insert(
            "Sforce-Query-Options",
            "batchSize=5".parse().expect("value"),
        );
        assert_eq!(batch_size(&headers), 200);
        headers.insert(
            "Sforce-Query-Options",
            "batchSize=99999".parse().expect("value"),
        );
        assert_eq!(batch_size(&headers), 2000);
    }

    #[test]
    fn page_bodies_have_salesforce_shapes() {
        let version = ApiVersion("66.0".into());
        let page = Page {
            records: vec![json!({"Id": "x"})],
            total_size: 3,
            next_locator: Some("01gX-1".into()),
            entity_type: Some("SearchSynonymGroup".into()),
        };
        let data = page_body(page.clone(), Api::Data, &version);
        assert_eq!(
            data,
            json!({"totalSize": 3, "done": false, "nextRecordsUrl": "/services/data/v66.0/query/01gX-1", "records": [{"Id": "x"}]})
        );
        let tooling = page_body(page, Api::Tooling, &version);
        let keys: Vec<&String> = tooling.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            [
                "size",
                "totalSize",
                "done",
                "queryLocator",
                "entityTypeName",
                "nextRecordsUrl",
                "records"
            ]
        );
        assert_eq!(
            tooling["nextRecordsUrl"],
            "/services/data/v66.0/tooling/query/01gX-1"
        );
    }

    #[test]
    fn from_clause_object() {
        assert_eq!(
            from_object("SELECT Id, (SELECT Id FROM CaseComments) FROM Case WHERE x = 1")
                .as_deref(),
            Some("Case")
        );
        assert_eq!(
            from_object("select id from searchsynonymgroup").as_deref(),
            Some("searchsynonymgroup")
        );
        assert_eq!(from_object("SELECT Id"), None);
    }
}
