//! Tools that need several requests are Rust functions over a [`WorkflowContext`]; manifests
//! name them with `workflow: <name>`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::cache::ResponseCache;
use super::error::ToolError;
use crate::manifest::plan::encode_segment;
use crate::salesforce::{ApiRequest, ApiResponse, SalesforceClient};

pub type WorkflowFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, ToolError>> + Send + 'a>>;

/// A workflow: validated arguments (defaults applied) in, a JSON object out.
pub type WorkflowFn = for<'a> fn(&'a WorkflowContext, &'a Map<String, Value>) -> WorkflowFuture<'a>;

/// A named workflow.
#[derive(Clone, Copy)]
pub struct Workflow {
    pub name: &'static str,
    pub run: WorkflowFn,
}

/// What a workflow may use: the org's client and the process-wide response cache.
pub struct WorkflowContext {
    pub(super) client: Arc<SalesforceClient>,
    pub(super) cache: Arc<ResponseCache>,
}

impl WorkflowContext {
    pub fn new(client: Arc<SalesforceClient>, cache: Arc<ResponseCache>) -> Self {
        WorkflowContext { client, cache }
    }

    /// The org's current time (from its latest response), for ageing records.
    pub fn org_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.client.org_now()
    }

    pub fn api_version(&self) -> &str {
        &self.client.settings().api_version
    }

    /// `/services/data/vXX.X` + `relative`.
    pub fn data_path(&self, relative: &str) -> String {
        format!("{}{relative}", self.client.data_prefix())
    }

    /// One path segment from a value, percent-encoded; `.`, `..` and empty values are refused.
    pub fn segment(&self, value: &str) -> Result<String, ToolError> {
        encode_segment(value)
            .map_err(|why| ToolError::bad_argument(format!("path value '{value}' {why}")))
    }

    /// Sends a request; Salesforce errors become tool errors with hints, secrets masked.
    pub async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, ToolError> {
        self.client
            .send(request)
            .await
            .map_err(|e| ToolError::from_salesforce(&e, &|text| self.client.redact(text)))
    }

    /// GET `/services/data/vXX.X{relative}` with query parameters; the JSON body.
    pub async fn get(&self, relative: &str, query: &[(&str, &str)]) -> Result<Value, ToolError> {
        let mut request = ApiRequest::get(self.data_path(relative));
        for (name, value) in query {
            request = request.with_query(name, *value);
        }
        Ok(self.send(&request).await?.body)
    }

    /// Runs a SOQL query (first page).
    pub async fn query(&self, soql: &str) -> Result<Value, ToolError> {
        self.get("/query", &[("q", soql)]).await
    }

    /// A cached GET: the same key a manifest with `cache: true` uses, so both share entries.
    pub async fn get_cached(&self, request: ApiRequest) -> Result<Arc<Value>, ToolError> {
        let key = request.cache_key();
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit);
        }
        let body = Arc::new(self.send(&request).await?.body);
        self.cache.put(key, body.clone());
        Ok(body)
    }

    /// The describe of an sObject, cached for the life of the process.
    pub async fn describe(&self, object: &str) -> Result<Arc<Value>, ToolError> {
        let path = self.data_path(&format!("/sobjects/{}/describe", self.segment(object)?));
        self.get_cached(ApiRequest::get(path)).await
    }
}
