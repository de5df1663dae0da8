//! Helpers for tests that talk to a running demo org over HTTP.

use std::net::SocketAddr;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use super::server::{DemoOrgHandle, start};
use super::state::DemoSettings;

/// A demo org on a free loopback port and an HTTP client that sends its bearer token.
pub struct TestOrg {
    pub handle: DemoOrgHandle,
    pub client: reqwest::Client,
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
        let token = fetch_token(&handle).await;
        let mut headers = HeaderMap::new();
        if let Some(value) = token.and_then(|t| HeaderValue::from_str(&format!("Bearer {t}")).ok())
        {
            headers.insert(AUTHORIZATION, value);
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap_or_default();
        TestOrg { handle, client }
    }

    /// `http://127.0.0.1:PORT/services/data/v66.0` + `path`.
    pub fn data_url(&self, path: &str) -> String {
        format!("{}/services/data/v66.0{}", self.handle.instance_url, path)
    }

    /// The instance URL + an absolute path such as `/services/oauth2/token`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.handle.instance_url, path)
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
