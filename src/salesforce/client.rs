//! The HTTP client every tool goes through: one cached token for the whole process, renewal on
//! `INVALID_SESSION_ID`, retries of safe requests, and Salesforce errors turned into types.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::error::{ApiErrorItem, SalesforceError, TransportKind};
use super::request::{ApiRequest, ApiResponse};
use super::settings::{ConnectionSettings, is_loopback};
use super::usage::{ApiUsage, parse_limit_info};
use crate::secret::Secret;

/// A token and the instance it is valid for, as the token endpoint returned them.
#[derive(Debug)]
struct Session {
    access_token: Secret,
    /// API calls go here: the `instance_url` of the token response, not the login URL.
    instance_url: Url,
}

/// Serialises token fetches so that concurrent callers share one request and its outcome.
#[derive(Default)]
struct FetchGate {
    /// Fetches finished so far.
    completed: u64,
    /// The error of the latest fetch, if it failed: callers that queued behind it get it too.
    last_failure: Option<SalesforceError>,
}

pub struct SalesforceClient {
    /// Built on the first request: the TLS stack and the platform's root certificates are
    /// loaded only when the server talks to Salesforce, not to start or list tools.
    http: std::sync::OnceLock<Result<reqwest::Client, SalesforceError>>,
    /// Extra trusted roots from `SF_CA_CERT`, read and checked at start.
    extra_roots: Vec<reqwest::Certificate>,
    settings: Arc<ConnectionSettings>,
    session: RwLock<Option<Arc<Session>>>,
    gate: tokio::sync::Mutex<FetchGate>,
    /// Mirror of `FetchGate::completed`, readable without waiting for the gate.
    fetches_completed: AtomicU64,
    usage: Mutex<Option<ApiUsage>>,
    /// The `Date` of the latest response: the org's notion of now.
    last_server_date: Mutex<Option<chrono::DateTime<chrono::Utc>>>,
    token_requests: AtomicU64,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    instance_url: Option<String>,
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// How one attempt ended, before the retry policy decides.
enum Attempt {
    Done(reqwest::Response),
    Failed(SalesforceError),
}

impl SalesforceClient {
    /// Checks the settings and reads `SF_CA_CERT`; the HTTP client is built lazily. No network I/O.
    pub fn new(settings: ConnectionSettings) -> Result<Self, SalesforceError> {
        let mut extra_roots = Vec::new();
        if let Some(path) = &settings.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                SalesforceError::Configuration(format!(
                    "cannot read SF_CA_CERT {}: {e}",
                    path.display()
                ))
            })?;
            extra_roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                SalesforceError::Configuration(format!(
                    "SF_CA_CERT {} is not a PEM bundle: {e}",
                    path.display()
                ))
            })?;
        }
        Ok(SalesforceClient {
            http: std::sync::OnceLock::new(),
            extra_roots,
            settings: Arc::new(settings),
            session: RwLock::new(None),
            gate: tokio::sync::Mutex::new(FetchGate::default()),
            fetches_completed: AtomicU64::new(0),
            usage: Mutex::new(None),
            last_server_date: Mutex::new(None),
            token_requests: AtomicU64::new(0),
        })
    }

    pub fn settings(&self) -> &ConnectionSettings {
        &self.settings
    }

    /// The HTTP client (timeouts, extra CA roots, proxy from the environment), built once.
    fn http(&self) -> Result<&reqwest::Client, SalesforceError> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .connect_timeout(self.settings.connect_timeout)
                    .timeout(self.settings.request_timeout)
                    .user_agent(concat!("salesforce-mcp/", env!("CARGO_PKG_VERSION")))
                    .tls_certs_merge(self.extra_roots.iter().cloned())
                    .build()
                    .map_err(|e| {
                        SalesforceError::Configuration(format!("cannot build the HTTP client: {e}"))
                    })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// `/services/data/v66.0`: the prefix of every data API path.
    pub fn data_prefix(&self) -> String {
        format!("/services/data/v{}", self.settings.api_version)
    }

    /// The latest API usage Salesforce reported, if any call has been made.
    pub fn api_usage(&self) -> Option<ApiUsage> {
        *self.usage.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The org's current time as its latest response told it, or this machine's clock before
    /// any response (they differ when the org's clock is fixed or skewed).
    pub fn org_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.last_server_date
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .unwrap_or_else(chrono::Utc::now)
    }

    /// How many token requests this client has sent (diagnostics and tests).
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    /// Masks the client secret and the current token in text that is about to leave the process.
    pub fn redact(&self, text: &str) -> String {
        let mut out = self.settings.client_secret.mask_in(text);
        if let Some(session) = self.current_session() {
            out = session.access_token.mask_in(&out);
        }
        out
    }

    /// Sends one request: gets (or reuses) the token, renews it once on `INVALID_SESSION_ID`,
    /// retries reads on 503 / `REQUEST_LIMIT_EXCEEDED` / `SERVER_UNAVAILABLE` / connection errors.
    pub async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, SalesforceError> {
        let mut session = self.session().await?;
        let mut renewed = false;
        let mut retries = 0u32;
        loop {
            let started = Instant::now();
            let attempt = self.attempt(&session, request).await;
            let outcome = match attempt {
                Attempt::Done(response) => {
                    let status = response.status();
                    tracing::debug!(
                        method = %request.method,
                        path = %request.path,
                        status = status.as_u16(),
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "salesforce call"
                    );
                    self.record_usage(response.headers());
                    let retry_after = retry_after(response.headers());
                    match read_response(response).await {
                        Ok(ok) => {
                            if let Some(date) = ok.date {
                                *self
                                    .last_server_date
                                    .lock()
                                    .unwrap_or_else(|p| p.into_inner()) = Some(date);
                            }
                            return Ok(ok);
                        }
                        Err(error) => (error, retry_after),
                    }
                }
                Attempt::Failed(error) => (error, None),
            };
            let (error, retry_after) = outcome;
            if is_invalid_session(&error) && !renewed {
                renewed = true;
                session = self.renew(&session).await?;
                continue;
            }
            if request.is_retry_safe()
                && retries < self.settings.retry.max_retries
                && is_transient(&error)
            {
                let delay = self.backoff(retries, retry_after);
                if let Some(delay) = delay {
                    tracing::info!(
                        path = %request.path,
                        code = %error.code(),
                        delay_ms = delay.as_millis() as u64,
                        "retrying a read after a transient error"
                    );
                    tokio::time::sleep(delay).await;
                    retries += 1;
                    continue;
                }
            }
            return Err(error);
        }
    }

    async fn attempt(&self, session: &Session, request: &ApiRequest) -> Attempt {
        let url = match build_url(&session.instance_url, request) {
            Ok(url) => url,
            Err(error) => return Attempt::Failed(error),
        };
        let mut bearer =
            match HeaderValue::from_str(&format!("Bearer {}", session.access_token.expose())) {
                Ok(value) => value,
                Err(_) => {
                    return Attempt::Failed(SalesforceError::UnexpectedResponse {
                        status: 200,
                        detail:
                            "the token endpoint returned a token that is not a valid header value"
                                .into(),
                    });
                }
            };
        bearer.set_sensitive(true);
        let http = match self.http() {
            Ok(http) => http,
            Err(error) => return Attempt::Failed(error),
        };
        let mut builder = http
            .request(request.method.clone(), url)
            .header(AUTHORIZATION, bearer)
            .header(reqwest::header::ACCEPT, "application/json");
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        match builder.send().await {
            Ok(response) => Attempt::Done(response),
            Err(error) => Attempt::Failed(transport_error(&error)),
        }
    }

    fn record_usage(&self, headers: &HeaderMap) {
        let Some(usage) = headers
            .get("sforce-limit-info")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_limit_info)
        else {
            return;
        };
        tracing::debug!(used = usage.used, max = usage.max, "api usage");
        *self.usage.lock().unwrap_or_else(|p| p.into_inner()) = Some(usage);
    }

    /// Exponential backoff with jitter, or the server's `Retry-After` when it gave one.
    /// `None` when the server asks for a longer wait than the policy allows.
    fn backoff(&self, retries: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let policy = &self.settings.retry;
        if let Some(wait) = retry_after {
            return (wait <= policy.max_delay).then_some(wait);
        }
        let exponential = policy.base_delay.saturating_mul(1u32 << retries.min(8));
        let jitter_ms = jitter(exponential.as_millis() as u64 / 2 + 1);
        Some((exponential + Duration::from_millis(jitter_ms)).min(policy.max_delay))
    }

    fn current_session(&self) -> Option<Arc<Session>> {
        self.session
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The cached session, fetching a token if there is none yet.
    async fn session(&self) -> Result<Arc<Session>, SalesforceError> {
        if let Some(session) = self.current_session() {
            return Ok(session);
        }
        self.fetch_shared(None).await
    }

    /// A new session after `stale` was refused; if another caller already renewed it, that
    /// session is reused instead of fetching yet another token.
    async fn renew(&self, stale: &Arc<Session>) -> Result<Arc<Session>, SalesforceError> {
        if let Some(current) = self.current_session()
            && !Arc::ptr_eq(&current, stale)
        {
            return Ok(current);
        }
        self.fetch_shared(Some(stale)).await
    }

    /// Fetches a token unless one arrived (or failed) while this caller waited for the gate.
    async fn fetch_shared(
        &self,
        stale: Option<&Arc<Session>>,
    ) -> Result<Arc<Session>, SalesforceError> {
        let seen = self.fetches_completed.load(Ordering::Acquire);
        let mut gate = self.gate.lock().await;
        if let Some(current) = self.current_session()
            && stale.is_none_or(|stale| !Arc::ptr_eq(&current, stale))
        {
            return Ok(current);
        }
        // A fetch finished while this caller waited: share its failure instead of repeating it.
        if gate.completed > seen
            && let Some(error) = &gate.last_failure
        {
            return Err(error.clone());
        }
        let outcome = self.fetch_token().await;
        gate.completed += 1;
        self.fetches_completed
            .store(gate.completed, Ordering::Release);
        match outcome {
            Ok(session) => {
                let session = Arc::new(session);
                *self.session.write().unwrap_or_else(|p| p.into_inner()) = Some(session.clone());
                gate.last_failure = None;
                Ok(session)
            }
            Err(error) => {
                *self.session.write().unwrap_or_else(|p| p.into_inner()) = None;
                gate.last_failure = Some(error.clone());
                Err(error)
            }
        }
    }

    /// client_credentials, as the connector does it: Basic credentials, `grant_type` in the form.
    async fn fetch_token(&self) -> Result<Session, SalesforceError> {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
        let settings = &self.settings;
        let url = settings
            .login_url
            .join("/services/oauth2/token")
            .map_err(|e| SalesforceError::Configuration(format!("bad instance URL: {e}")))?;
        tracing::debug!(url = %url, "requesting an access token (client_credentials)");
        let response = self
            .http()?
            .post(url)
            .basic_auth(&settings.client_id, Some(settings.client_secret.expose()))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .map_err(|e| transport_error(&e))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| transport_error(&e))?;
        if !status.is_success() {
            return Err(match serde_json::from_str::<OAuthErrorBody>(&text) {
                Ok(body) => SalesforceError::OAuth {
                    status: status.as_u16(),
                    error: body.error,
                    description: settings.client_secret.mask_in(&body.error_description),
                },
                Err(_) => SalesforceError::UnexpectedResponse {
                    status: status.as_u16(),
                    detail: format!(
                        "the token endpoint answered: {}",
                        excerpt(&settings.client_secret.mask_in(&text))
                    ),
                },
            });
        }
        let token: TokenResponse =
            serde_json::from_str(&text).map_err(|_| SalesforceError::UnexpectedResponse {
                status: status.as_u16(),
                detail: "the token response has no access_token".to_owned(),
            })?;
        let instance_url = match token.instance_url.as_deref() {
            Some(raw) => validate_instance_url(raw)?,
            None => settings.login_url.clone(),
        };
        tracing::info!(instance = %instance_url, "access token acquired");
        Ok(Session {
            access_token: Secret::new(token.access_token),
            instance_url,
        })
    }
}

/// The instance URL from a token response must be https (or loopback http, for a local org).
fn validate_instance_url(raw: &str) -> Result<Url, SalesforceError> {
    let url = Url::parse(raw).map_err(|e| SalesforceError::UnexpectedResponse {
        status: 200,
        detail: format!("the token response's instance_url '{raw}' is not a URL: {e}"),
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(SalesforceError::UnexpectedResponse {
            status: 200,
            detail: format!("the token response's instance_url '{raw}' is not https"),
        }),
    }
}

fn build_url(instance: &Url, request: &ApiRequest) -> Result<Url, SalesforceError> {
    if !request.path.starts_with('/') || request.path.starts_with("//") {
        return Err(SalesforceError::Configuration(format!(
            "refusing request path '{}': it must be an absolute path on the instance",
            request.path
        )));
    }
    let mut url = instance.join(&request.path).map_err(|e| {
        SalesforceError::Configuration(format!("bad request path '{}': {e}", request.path))
    })?;
    if url.origin() != instance.origin() {
        return Err(SalesforceError::Configuration(format!(
            "refusing request path '{}': it leaves the instance",
            request.path
        )));
    }
    if !request.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in &request.query {
            pairs.append_pair(name, value);
        }
    }
    Ok(url)
}

/// Reads a response: 2xx → parsed body; 300 → the matching record URLs; else Salesforce's error.
async fn read_response(response: reqwest::Response) -> Result<ApiResponse, SalesforceError> {
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
        .map(|d| d.with_timezone(&chrono::Utc));
    let bytes = response.bytes().await.map_err(|e| transport_error(&e))?;
    let body: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(e) => {
                return Err(SalesforceError::UnexpectedResponse {
                    status: status.as_u16(),
                    detail: format!(
                        "the body is not JSON ({e}): {}",
                        excerpt(&String::from_utf8_lossy(&bytes))
                    ),
                });
            }
        }
    };
    if status.is_success() {
        return Ok(ApiResponse {
            status: status.as_u16(),
            location,
            date,
            body,
        });
    }
    if status == StatusCode::MULTIPLE_CHOICES {
        let urls = body
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        return Err(SalesforceError::MultipleChoices { urls });
    }
    match error_items(&body) {
        errors if !errors.is_empty() => Err(SalesforceError::Api {
            status: status.as_u16(),
            errors,
        }),
        _ => Err(SalesforceError::Api {
            status: status.as_u16(),
            errors: vec![ApiErrorItem {
                error_code: format!("HTTP_{}", status.as_u16()),
                message: if body.is_null() {
                    status.canonical_reason().unwrap_or("error").to_owned()
                } else {
                    excerpt(&body.to_string())
                },
                fields: Vec::new(),
            }],
        }),
    }
}

/// The error entries of an error body: the plain error array, or the `errors` of each result of
/// an invocable action (`[{"isSuccess": false, "errors": [...]}]`) or of an sObject tree
/// (`{"hasErrors": true, "results": [{"errors": [...]}]}`).
fn error_items(body: &Value) -> Vec<ApiErrorItem> {
    if let Ok(items) = serde_json::from_value::<Vec<ApiErrorItem>>(body.clone()) {
        return items;
    }
    let results = match body {
        Value::Array(items) => items.as_slice(),
        Value::Object(map) => map
            .get("results")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice),
        _ => &[],
    };
    results
        .iter()
        .filter_map(|result| result.get("errors"))
        .filter_map(|errors| serde_json::from_value::<Vec<ApiErrorItem>>(errors.clone()).ok())
        .flatten()
        .collect()
}

fn is_invalid_session(error: &SalesforceError) -> bool {
    matches!(error, SalesforceError::Api { status: 401, .. })
}

/// Errors worth another try for a read: overload, maintenance, limits, broken connections.
fn is_transient(error: &SalesforceError) -> bool {
    match error {
        SalesforceError::Api { status, errors } => {
            *status == 503
                || *status == 502
                || *status == 504
                || errors.iter().any(|e| {
                    e.error_code == "REQUEST_LIMIT_EXCEEDED" || e.error_code == "SERVER_UNAVAILABLE"
                })
        }
        SalesforceError::Transport { .. } => true,
        SalesforceError::UnexpectedResponse { status, .. } => *status >= 500,
        _ => false,
    }
}

fn transport_error(error: &reqwest::Error) -> SalesforceError {
    let kind = if error.is_timeout() {
        TransportKind::Timeout
    } else if error.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Interrupted
    };
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    SalesforceError::Transport { kind, message }
}

/// `Retry-After` in seconds (the HTTP-date form is read as "now").
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    match value.parse::<u64>() {
        Ok(seconds) => Some(Duration::from_secs(seconds)),
        Err(_) => Some(Duration::ZERO),
    }
}

/// A pseudo-random number of milliseconds below `bound`: spreads retries of parallel callers.
fn jitter(bound: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    let mixed = nanos.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 17;
    if bound == 0 { 0 } else { mixed % bound }
}

fn excerpt(text: &str) -> String {
    const LIMIT: usize = 300;
    let trimmed = text.trim();
    if trimmed.len() <= LIMIT {
        return trimmed.to_owned();
    }
    let mut end = LIMIT;
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &trimmed[..end])
}

impl std::fmt::Debug for SalesforceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SalesforceClient")
            .field("login_url", &self.settings.login_url.as_str())
            .field("api_version", &self.settings.api_version)
            .finish_non_exhaustive()
    }
}

/// Methods a manifest may use.
pub fn parse_method(raw: &str) -> Option<Method> {
    match raw {
        "GET" => Some(Method::GET),
        "POST" => Some(Method::POST),
        "PATCH" => Some(Method::PATCH),
        "PUT" => Some(Method::PUT),
        "DELETE" => Some(Method::DELETE),
        "HEAD" => Some(Method::HEAD),
        _ => None,
    }
}
