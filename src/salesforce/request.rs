//! One HTTP exchange with Salesforce, as the engine and the workflows describe it.

use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

/// A request to the org. `path` is absolute (`/services/data/v66.0/...`) and already
/// percent-encoded; the client adds the instance URL and the bearer token.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Value>,
}

impl ApiRequest {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    pub fn with_query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_owned(), value.into()));
        self
    }

    pub fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Only reads are retried: a write that timed out may have been applied.
    pub fn is_retry_safe(&self) -> bool {
        self.method == Method::GET || self.method == Method::HEAD
    }

    /// A stable key for caching a GET (method, path and query).
    pub fn cache_key(&self) -> String {
        let mut key = format!("{} {}", self.method, self.path);
        for (name, value) in &self.query {
            key.push('\n');
            key.push_str(name);
            key.push('=');
            key.push_str(value);
        }
        key
    }
}

/// A successful (2xx) answer.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiResponse {
    pub status: u16,
    /// The `Location` header of a create, if any.
    pub location: Option<String>,
    /// The org's clock, from the `Date` header: "now" for workflows that age records.
    pub date: Option<chrono::DateTime<chrono::Utc>>,
    /// The parsed JSON body; `Value::Null` for an empty body (204).
    pub body: Value,
}
