//! Layers every request passes.
//!
//! [`salesforce_shape`] wraps the routes themselves (so composite subrequests get it too): the
//! NOT_FOUND error array for unknown paths, Salesforce's 405 body for wrong methods, and the
//! `application/json;charset=UTF-8` content type on JSON bodies.
//!
//! [`apply`] adds what only requests from the network get, in this order: the request count
//! (for `/__demo/requests`), latency (`DemoSettings::latency` plus latency faults), failure
//! faults, the bearer-token check (on `/services/data/vXX.X/**`, `/services/oauth2/userinfo` and
//! `/id/**`; not on the versions list nor the other OAuth routes), API usage counting with the
//! daily limit, and the `Sforce-Limit-Info` header on every data response, errors included.
//! The `/__demo` admin routes skip all of it.

use std::io;

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tower::Layer;

use super::error::ApiError;
use super::faults::Failure;
use super::version::ApiVersion;
use crate::demo_org::state::{AppState, DemoOrg, lock};

const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// The routes with Salesforce's answers for unknown paths and wrong methods, and its JSON
/// content type. The layer wraps the router as a whole: axum adds the `Allow` header of a 405
/// outside any per-route layer, and the error body needs it.
pub fn salesforce_shape(routes: Router<AppState>, state: AppState) -> Router {
    let routes = routes.fallback(unknown_resource).with_state(state);
    Router::new().fallback_service(from_fn(shape_response).layer(routes))
}

/// The layers of requests from the network (see the module documentation).
pub fn apply(routes: Router, state: AppState) -> Router {
    routes.layer(from_fn_with_state(state, gatekeeper))
}

async fn unknown_resource() -> ApiError {
    ApiError::not_found()
}

async fn shape_response(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    if parts.status == StatusCode::METHOD_NOT_ALLOWED
        && !parts.headers.contains_key(header::CONTENT_TYPE)
    {
        let allowed = parts
            .headers
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("GET,HEAD")
            .to_owned();
        let mut refused = method_not_allowed(&method, &allowed).into_response();
        if let Some(allow) = parts.headers.get(header::ALLOW) {
            refused.headers_mut().insert(header::ALLOW, allow.clone());
        }
        return refused;
    }
    let is_plain_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("application/json"));
    if is_plain_json {
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    }
    Response::from_parts(parts, body)
}

fn method_not_allowed(method: &Method, allowed: &str) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    )
}

/// Which part of the org a path belongs to, for what the layers do with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    /// `/__demo/**`: the admin API.
    Admin,
    /// `/services/data` and `/services/data/`: the versions list, open to all.
    Versions,
    /// `/services/data/vXX.X/**`: needs a session, counts as an API call.
    Data,
    /// `/services/oauth2/userinfo` and `/id/**`: need a session.
    Identity,
    /// The other OAuth routes and anything else.
    Open,
}

impl Area {
    fn of(path: &str) -> Area {
        if path.starts_with("/__demo") {
            Area::Admin
        } else if path == "/services/data" || path == "/services/data/" {
            Area::Versions
        } else if path.starts_with("/services/data/") {
            Area::Data
        } else if path.starts_with("/services/oauth2/userinfo") || path.starts_with("/id/") {
            Area::Identity
        } else {
            Area::Open
        }
    }
}

async fn gatekeeper(State(org): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let area = Area::of(&path);
    if area == Area::Admin {
        return next.run(request).await;
    }
    let decision = {
        let mut faults = lock(&org.faults);
        faults.count_request(request.method().as_str(), &path);
        faults.decide(request.method().as_str(), &path)
    };
    let delay = org.settings.latency + decision.latency;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut response = match decision.failure {
        Some(Failure::Unavailable { retry_after_secs }) => unavailable(retry_after_secs),
        Some(Failure::RequestLimit) => request_limit_exceeded(),
        _ => admit(&org, area, request, next).await,
    };
    if area == Area::Data {
        add_usage_header(&org, response.headers_mut());
    }
    add_date_header(&org, response.headers_mut());
    match decision.failure {
        Some(Failure::DropConnection) => drop_connection(response).await,
        Some(Failure::MalformedJson) => truncate_body(response).await,
        _ => response,
    }
}

/// Checks the session, the API version and the daily API limit, then runs the request.
async fn admit(org: &DemoOrg, area: Area, request: Request, next: Next) -> Response {
    if matches!(area, Area::Data | Area::Identity) && !has_session(org, request.headers()) {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
        )
        .into_response();
    }
    if area == Area::Data {
        // Versions the org does not serve (retired or future) have no resources at all.
        if ApiVersion::from_path(request.uri().path()).is_none() {
            return ApiError::not_found().into_response();
        }
        if org.count_api_call() > org.settings.daily_api_limit {
            return request_limit_exceeded();
        }
    }
    next.run(request).await
}

/// The token of `Authorization: Bearer …` (or the older `OAuth …`).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("Bearer") || scheme.eq_ignore_ascii_case("OAuth"))
        .then(|| token.trim())
}

fn has_session(org: &DemoOrg, headers: &HeaderMap) -> bool {
    bearer_token(headers).is_some_and(|token| lock(&org.auth).session(token).is_some())
}

fn add_usage_header(org: &DemoOrg, headers: &mut HeaderMap) {
    let usage = format!(
        "api-usage={}/{}",
        org.api_calls(),
        org.settings.daily_api_limit
    );
    if let Ok(value) = HeaderValue::from_str(&usage) {
        headers.insert("sforce-limit-info", value);
    }
}

/// `Date` from the org's clock rather than the machine's, so that clients that age records by
/// the server's time agree with the seeded data when the clock is fixed.
fn add_date_header(org: &DemoOrg, headers: &mut HeaderMap) {
    let date = org.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    if let Ok(value) = HeaderValue::from_str(&date) {
        headers.insert(header::DATE, value);
    }
}

fn unavailable(retry_after_secs: u64) -> Response {
    let mut response = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVER_UNAVAILABLE",
        "Server is temporarily unavailable. Please try again later.",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

fn request_limit_exceeded() -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "REQUEST_LIMIT_EXCEEDED",
        "TotalRequests Limit exceeded.",
    )
    .into_response()
}

/// Sends the status, the headers and half the body, then fails the body stream: hyper aborts
/// the connection and the client sees it drop mid-response.
async fn drop_connection(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let sent = bytes.slice(..bytes.len() / 2);
    if matches!(
        parts.status,
        StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED
    ) {
        // These statuses carry no body, and a body is what must break.
        parts.status = StatusCode::OK;
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    let chunks: Vec<Result<Bytes, io::Error>> = vec![
        Ok(sent),
        Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "demo org fault: connection dropped",
        )),
    ];
    Response::from_parts(parts, Body::from_stream(futures::stream::iter(chunks)))
}

/// Answers 200 with the JSON body cut short, so that it does not parse.
async fn truncate_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let cut = if bytes.len() > 1 {
        bytes.slice(..bytes.len() / 2)
    } else {
        Bytes::from_static(b"{\"")
    };
    parts.status = StatusCode::OK;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    Response::from_parts(parts, Body::from(cut))
}

#[cfg(test)]
mod http_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas() {
        assert_eq!(Area::of("/__demo/faults"), Area::Admin);
        assert_eq!(Area::of("/services/data/"), Area::Versions);
        assert_eq!(Area::of("/services/data"), Area::Versions);
        assert_eq!(Area::of("/services/data/v66.0/query"), Area::Data);
        assert_eq!(Area::of("/services/oauth2/userinfo"), Area::Identity);
        assert_eq!(Area::of("/id/00D/005"), Area::Identity);
        assert_eq!(Area::of("/services/oauth2/token"), Area::Open);
    }

    #[test]
    fn bearer_and_oauth_schemes() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer_token(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("OAuth xyz"));
        assert_eq!(bearer_token(&headers), Some("xyz"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic xyz"));
        assert_eq!(bearer_token(&headers), None);
    }
}
