//! Helpers for tests that talk to a running demo org over HTTP.

use std::net::SocketAddr;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::server::{DemoOrgHandle, start};
use super::state::DemoSettings;

/// A demo org on a free loopback port and an HTTP client that sends its bearer token.
pub struct TestOrg {
    pub handle: DemoOrgHandle,
    pub client: reqwest::Client,
    /// The client_credentials token `client` sends (empty if none could be had).
    pub token: String,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body parsed as JSON; null when empty or not JSON.
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub async fn read(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `errorCode` of the first error of an error array.
    pub fn error_code(&self) -> &str {
        self.body
            .pointer("/0/errorCode")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

impl TestOrg {
    pub async fn start() -> TestOrg {
        Self::start_with(DemoSettings::default()).await
    }

    pub async fn start_with(settings: DemoSettings) -> TestOrg {
        let listen = SocketAddr::from(([127, 0, 0, 1], 0));
        let handle = match start(listen, settings).await {
            Ok(handle) => handle,
            Err(error) => panic!("demo org did not start: {error}"),
        };
        let token = fetch_token(&handle).await.unwrap_or_default();
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&format!("Bearer {token}")) {
            headers.insert(AUTHORIZATION, value);
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        TestOrg {
            handle,
            client,
            token,
        }
    }

    /// `http://127.0.0.1:PORT/services/data/v66.0` + `path`.
    pub fn data_url(&self, path: &str) -> String {
        format!("{}/services/data/v66.0{}", self.handle.instance_url, path)
    }

    /// The instance URL + an absolute path such as `/services/oauth2/token`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.handle.instance_url, path)
    }

    /// Sends a request with the bearer token to `/services/data/v66.0` + `path`.
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        self.call_url(method, &self.data_url(path), body).await
    }

    /// Sends a request with the bearer token to an absolute URL.
    pub async fn call_url(&self, method: Method, url: &str, body: Option<&Value>) -> Reply {
        let mut request = self.client.request(method, url);
        if let Some(body) = body {
            request = request.json(body);
        }
        match request.send().await {
            Ok(response) => Reply::read(response).await,
            Err(error) => panic!("request to {url} failed: {error}"),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, path, None).await
    }

    /// Live records of an object, straight from the org's data.
    pub fn count(&self, sobject: &str) -> usize {
        self.handle.state.read().count(sobject)
    }
}

/// A client_credentials token, or `None` when the org has no token endpoint to give one.
async fn fetch_token(handle: &DemoOrgHandle) -> Option<String> {
    let response = reqwest::Client::new()
        .post(format!("{}/services/oauth2/token", handle.instance_url))
        .basic_auth(&handle.client_id, Some(&handle.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body: serde_json::Value = response.json().await.ok()?;
    body.get("access_token")?.as_str().map(str::to_owned)
}
