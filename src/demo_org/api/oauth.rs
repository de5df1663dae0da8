//! OAuth 2.0 (`/services/oauth2/*`): the token endpoint (client_credentials, password,
//! authorization_code with PKCE, refresh_token), the authorization endpoint, revocation,
//! userinfo, and the identity URL (`/id/{orgId}/{userId}`) the token response points at.
//!
//! Errors are Salesforce's: HTTP 400 and `{"error","error_description"}` with its exact pairs.
//! The demo credentials are documented in [`super::auth`].

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::auth::{
    APP_SCOPES, AuthorizationCode, CODE_TTL, DEMO_PASSWORD, DEMO_SECURITY_TOKEN, DEMO_USERNAME,
    epoch_millis, organization_id, token_signature,
};
use super::error::{ApiError, json_response};
use crate::demo_org::state::{AppState, DemoOrg, lock};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services/oauth2/token", axum::routing::post(token))
        .route("/services/oauth2/authorize", get(authorize))
        .route("/services/oauth2/revoke", get(revoke).post(revoke))
        .route("/services/oauth2/userinfo", get(userinfo).post(userinfo))
        .route("/id/{org_id}/{user_id}", get(identity))
}

/// An OAuth error as Salesforce sends it.
#[derive(Debug, PartialEq)]
pub struct OAuthError {
    pub error: &'static str,
    pub description: &'static str,
}

impl OAuthError {
    const fn new(error: &'static str, description: &'static str) -> Self {
        OAuthError { error, description }
    }
}

const INVALID_CLIENT_ID: OAuthError =
    OAuthError::new("invalid_client_id", "client identifier invalid");
const INVALID_CLIENT: OAuthError = OAuthError::new("invalid_client", "invalid client credentials");
const AUTHENTICATION_FAILURE: OAuthError =
    OAuthError::new("invalid_grant", "authentication failure");
const UNSUPPORTED_GRANT: OAuthError =
    OAuthError::new("unsupported_grant_type", "grant type not supported");
const EXPIRED_TOKEN: OAuthError = OAuthError::new("invalid_grant", "expired access/refresh token");
const INVALID_CODE: OAuthError = OAuthError::new("invalid_grant", "invalid authorization code");
const EXPIRED_CODE: OAuthError = OAuthError::new("invalid_grant", "expired authorization code");
const INVALID_VERIFIER: OAuthError = OAuthError::new("invalid_grant", "invalid code verifier");
const REDIRECT_MISMATCH: OAuthError = OAuthError::new(
    "redirect_uri_mismatch",
    "redirect_uri must match configuration",
);
const INVALID_TOKEN: OAuthError = OAuthError::new("invalid_token", "invalid token");

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": self.error, "error_description": self.description}),
        )
    }
}

/// The instance URL of the org as the caller reached it: `http://` + the Host header.
pub fn instance_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// The identity URL of a user: `{instance}/id/{orgId}/{userId}`.
pub fn identity_url(instance: &str, user_id: &str) -> String {
    format!("{instance}/id/{}/{user_id}", organization_id())
}

/// Form fields of the body, then of the query string (Salesforce reads both).
fn form_fields(query: Option<&str>, body: &[u8]) -> HashMap<String, String> {
    let mut fields: HashMap<String, String> = HashMap::new();
    for (key, value) in url::form_urlencoded::parse(body) {
        fields.entry(key.into_owned()).or_insert(value.into_owned());
    }
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        fields.entry(key.into_owned()).or_insert(value.into_owned());
    }
    fields
}

/// `client_id` and `client_secret` from `Authorization: Basic …` or from the form.
fn client_credentials(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> (Option<String>, Option<String>) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, value) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("Basic")
                .then(|| STANDARD.decode(value.trim()).ok())
                .flatten()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(id, secret)| (id.to_owned(), secret.to_owned()))
        });
    match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            form.get("client_id").cloned(),
            form.get("client_secret").cloned(),
        ),
    }
}

/// Checks the client id, and the secret when one is required or given.
fn check_client(
    org: &DemoOrg,
    id: Option<&str>,
    secret: Option<&str>,
    secret_required: bool,
) -> Result<(), OAuthError> {
    if id != Some(org.settings.client_id.as_str()) {
        return Err(INVALID_CLIENT_ID);
    }
    match secret {
        Some(secret) if secret == org.settings.client_secret => Ok(()),
        None if !secret_required => Ok(()),
        _ => Err(INVALID_CLIENT),
    }
}

/// `POST /services/oauth2/token`.
async fn token(
    State(org): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let form = form_fields(query.as_deref(), &body);
    match grant(&org, &headers, &form) {
        Ok(body) => json_response(StatusCode::OK, &body),
        Err(error) => error.into_response(),
    }
}

/// A token request: its form fields, the client credentials it carries, and where it was sent.
struct TokenRequest<'a> {
    form: &'a HashMap<String, String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    instance: String,
}

impl TokenRequest<'_> {
    fn field(&self, name: &str) -> Option<&str> {
        self.form.get(name).map(String::as_str)
    }

    fn check_client(&self, org: &DemoOrg, secret_required: bool) -> Result<(), OAuthError> {
        check_client(
            org,
            self.client_id.as_deref(),
            self.client_secret.as_deref(),
            secret_required,
        )
    }
}

fn grant(
    org: &DemoOrg,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Value, OAuthError> {
    let (client_id, client_secret) = client_credentials(headers, form);
    let request = TokenRequest {
        form,
        client_id,
        client_secret,
        instance: instance_url(headers),
    };
    match request.field("grant_type").unwrap_or_default() {
        "client_credentials" => client_credentials_grant(org, &request),
        "password" => password_grant(org, &request),
        "authorization_code" => authorization_code_grant(org, &request),
        "refresh_token" => refresh_token_grant(org, &request),
        _ => Err(UNSUPPORTED_GRANT),
    }
}

/// Runs as the Connected App's "Run As" user; no refresh token.
fn client_credentials_grant(
    org: &DemoOrg,
    request: &TokenRequest<'_>,
) -> Result<Value, OAuthError> {
    request.check_client(org, true)?;
    let user = &org.current_user_id;
    Ok(issue(org, &request.instance, user, "api", Refresh::None))
}

/// The integration user's username and password (with or without its security token). Like
/// Salesforce's username-password flow, it issues no refresh token.
fn password_grant(org: &DemoOrg, request: &TokenRequest<'_>) -> Result<Value, OAuthError> {
    request.check_client(org, true)?;
    let username_ok = request
        .field("username")
        .is_some_and(|u| u.eq_ignore_ascii_case(DEMO_USERNAME));
    let with_token = format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}");
    let password_ok = request
        .field("password")
        .is_some_and(|p| p == DEMO_PASSWORD || p == with_token);
    if !(username_ok && password_ok) {
        return Err(AUTHENTICATION_FAILURE);
    }
    let user = &org.current_user_id;
    Ok(issue(org, &request.instance, user, "api", Refresh::None))
}

/// Exchanges a code from `/authorize`; checks the redirect URI and the PKCE verifier. Issues a
/// refresh token when the granted scope asks for one.
fn authorization_code_grant(
    org: &DemoOrg,
    request: &TokenRequest<'_>,
) -> Result<Value, OAuthError> {
    if request.client_id.as_deref() != Some(org.settings.client_id.as_str()) {
        return Err(INVALID_CLIENT_ID);
    }
    let code = lock(&org.auth)
        .redeem_code(request.field("code").unwrap_or_default())
        .map_err(|expired| if expired { EXPIRED_CODE } else { INVALID_CODE })?;
    // A PKCE client may leave the secret out; a confidential one must send it.
    request.check_client(org, code.challenge.is_none())?;
    if code.client_id != org.settings.client_id {
        return Err(INVALID_CODE);
    }
    if request.field("redirect_uri") != Some(code.redirect_uri.as_str()) {
        return Err(REDIRECT_MISMATCH);
    }
    if !code.verifier_matches(request.field("code_verifier")) {
        return Err(INVALID_VERIFIER);
    }
    let refresh = grants_refresh(&code.scope)
        .then(|| lock(&org.auth).issue_refresh_token(&code.user_id, &code.scope));
    let refresh = match &refresh {
        Some(token) => Refresh::New(token),
        None => Refresh::None,
    };
    Ok(issue(
        org,
        &request.instance,
        &code.user_id,
        &code.scope,
        refresh,
    ))
}

/// A new access token from a live refresh token; the refresh token itself is not rotated.
fn refresh_token_grant(org: &DemoOrg, request: &TokenRequest<'_>) -> Result<Value, OAuthError> {
    request.check_client(org, false)?;
    let refresh = request.field("refresh_token").unwrap_or_default();
    let (user_id, scope) = lock(&org.auth)
        .refresh_grant(refresh)
        .ok_or(EXPIRED_TOKEN)?;
    Ok(issue(
        org,
        &request.instance,
        &user_id,
        &scope,
        Refresh::From(refresh),
    ))
}

fn grants_refresh(scope: &str) -> bool {
    scope
        .split(' ')
        .any(|s| s == "refresh_token" || s == "offline_access")
}

/// How an access token relates to a refresh token.
enum Refresh<'a> {
    None,
    /// Issued together with this new refresh token, which the response carries.
    New(&'a str),
    /// Issued from this existing refresh token, which the response does not repeat.
    From(&'a str),
}

/// Issues an access token and builds the token response, with Salesforce's keys in its order.
fn issue(org: &DemoOrg, instance: &str, user_id: &str, scope: &str, refresh: Refresh<'_>) -> Value {
    let (parent, shown) = match refresh {
        Refresh::None => (None, None),
        Refresh::New(token) => (Some(token), Some(token)),
        Refresh::From(token) => (Some(token), None),
    };
    let access = lock(&org.auth).issue_access_token(user_id, org.settings.token_ttl, parent);
    let id = identity_url(instance, user_id);
    let issued_at = epoch_millis().to_string();
    let mut body = Map::new();
    body.insert("access_token".into(), json!(access));
    if let Some(refresh) = shown {
        body.insert("refresh_token".into(), json!(refresh));
    }
    body.insert(
        "signature".into(),
        json!(token_signature(
            &org.settings.client_secret,
            &id,
            &issued_at
        )),
    );
    body.insert("scope".into(), json!(scope));
    body.insert("instance_url".into(), json!(instance));
    body.insert("id".into(), json!(id));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert("issued_at".into(), json!(issued_at));
    Value::Object(body)
}

/// `GET /services/oauth2/authorize`: approves at once as the integration user and redirects to
/// `redirect_uri?code=…&state=…`.
async fn authorize(
    State(org): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let param = |name: &str| params.get(name).map(String::as_str);
    if param("client_id") != Some(org.settings.client_id.as_str()) {
        return INVALID_CLIENT_ID.into_response();
    }
    let Some(mut redirect) = param("redirect_uri").and_then(|r| url::Url::parse(r).ok()) else {
        return REDIRECT_MISMATCH.into_response();
    };
    let redirect_uri = param("redirect_uri").unwrap_or_default().to_owned();
    let failure = |redirect: &mut url::Url, error: &str, description: &str| {
        redirect
            .query_pairs_mut()
            .append_pair("error", error)
            .append_pair("error_description", description);
        if let Some(state) = param("state") {
            redirect.query_pairs_mut().append_pair("state", state);
        }
        found(redirect.as_str())
    };
    if param("response_type") != Some("code") {
        return failure(
            &mut redirect,
            "unsupported_response_type",
            "response type not supported",
        );
    }
    let requested: Vec<&str> = param("scope")
        .unwrap_or_default()
        .split([' ', '+'])
        .filter(|s| !s.is_empty())
        .collect();
    if requested.iter().any(|s| !APP_SCOPES.contains(s)) {
        return failure(
            &mut redirect,
            "invalid_scope",
            "the requested scope is not allowed",
        );
    }
    let scope = if requested.is_empty() {
        APP_SCOPES.join(" ")
    } else {
        requested.join(" ")
    };
    let challenge = match (param("code_challenge"), param("code_challenge_method")) {
        (None, _) => None,
        (Some(c), None) => Some(("plain".to_owned(), c.to_owned())),
        (Some(c), Some(m)) if m == "S256" || m == "plain" => Some((m.to_owned(), c.to_owned())),
        (Some(_), Some(_)) => {
            return failure(
                &mut redirect,
                "invalid_request",
                "code_challenge_method must be S256 or plain",
            );
        }
    };
    let code = lock(&org.auth).issue_code(AuthorizationCode {
        client_id: org.settings.client_id.clone(),
        redirect_uri,
        scope,
        user_id: org.current_user_id.clone(),
        challenge,
        expires: Instant::now() + CODE_TTL,
    });
    redirect.query_pairs_mut().append_pair("code", &code);
    if let Some(state) = param("state") {
        redirect.query_pairs_mut().append_pair("state", state);
    }
    found(redirect.as_str())
}

fn found(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// `POST|GET /services/oauth2/revoke`: 200 with an empty body.
async fn revoke(State(org): State<AppState>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    let form = form_fields(query.as_deref(), &body);
    let token = form.get("token").map(String::as_str).unwrap_or_default();
    if lock(&org.auth).revoke(token) {
        StatusCode::OK.into_response()
    } else {
        INVALID_TOKEN.into_response()
    }
}

/// `GET /services/oauth2/userinfo` (the bearer check happens in the middleware).
async fn userinfo(State(org): State<AppState>, headers: HeaderMap) -> Response {
    let instance = instance_url(&headers);
    let user = user_fields(&org);
    let text = |name: &str| user.get(name).cloned().unwrap_or(Value::Null);
    let user_id = org.current_user_id.clone();
    json_response(
        StatusCode::OK,
        &json!({
            "sub": identity_url(&instance, &user_id),
            "user_id": user_id,
            "organization_id": organization_id(),
            "preferred_username": text("Username"),
            "nickname": text("Alias"),
            "name": text("Name"),
            "email": text("Email"),
            "email_verified": true,
            "given_name": text("FirstName"),
            "family_name": text("LastName"),
            "zoneinfo": "Europe/London",
            "photos": photos(&instance, &user_id),
            "profile": format!("{instance}/{user_id}"),
            "picture": format!("{instance}/profilephoto/005/F"),
            "address": {"country": "GB"},
            "is_salesforce_integration_user": false,
            "urls": urls(&instance, &user_id),
            "active": true,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_GB",
            "utcOffset": 0,
            "updated_at": "2025-01-01T00:00:00Z",
            "is_app_installed": true,
        }),
    )
}

/// `GET /id/{orgId}/{userId}`: the identity service.
async fn identity(
    State(org): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path((org_id, user_id)): axum::extract::Path<(String, String)>,
) -> Result<Response, ApiError> {
    if org_id != organization_id() || user_id != org.current_user_id {
        return Err(ApiError::not_found());
    }
    let instance = instance_url(&headers);
    let user = user_fields(&org);
    let text = |name: &str| user.get(name).cloned().unwrap_or(Value::Null);
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "id": identity_url(&instance, &user_id),
            "asserted_user": true,
            "user_id": user_id,
            "organization_id": org_id,
            "username": text("Username"),
            "nick_name": text("Alias"),
            "display_name": text("Name"),
            "email": text("Email"),
            "email_verified": true,
            "first_name": text("FirstName"),
            "last_name": text("LastName"),
            "timezone": "Europe/London",
            "photos": photos(&instance, &user_id),
            "urls": urls(&instance, &user_id),
            "active": true,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_GB",
            "utcOffset": 0,
            "is_app_installed": true,
        }),
    ))
}

fn user_fields(org: &DemoOrg) -> Map<String, Value> {
    org.read()
        .get(&org.current_user_id)
        .map(|u| u.fields.clone())
        .unwrap_or_default()
}

fn photos(instance: &str, user_id: &str) -> Value {
    json!({
        "picture": format!("{instance}/profilephoto/005/F?user={user_id}"),
        "thumbnail": format!("{instance}/profilephoto/005/T?user={user_id}"),
    })
}

fn urls(instance: &str, user_id: &str) -> Value {
    let data = format!("{instance}/services/data/v{{version}}");
    json!({
        "rest": format!("{data}/"),
        "sobjects": format!("{data}/sobjects/"),
        "search": format!("{data}/search/"),
        "query": format!("{data}/query/"),
        "recent": format!("{data}/recent/"),
        "tooling_rest": format!("{data}/tooling/"),
        "profile": format!("{instance}/{user_id}"),
        "feeds": format!("{data}/chatter/feeds"),
        "groups": format!("{data}/chatter/groups"),
        "users": format!("{data}/chatter/users"),
        "feed_items": format!("{data}/chatter/feed-items"),
        "feed_elements": format!("{data}/chatter/feed-elements"),
        "custom_domain": instance,
    })
}

#[cfg(test)]
mod http_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_reads_body_then_query() {
        let form = form_fields(Some("a=query&b=2"), b"a=body&c=3%204");
        assert_eq!(form.get("a").map(String::as_str), Some("body"));
        assert_eq!(form.get("b").map(String::as_str), Some("2"));
        assert_eq!(form.get("c").map(String::as_str), Some("3 4"));
    }

    #[test]
    fn basic_credentials_win_over_form() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic aWQ6c2VjcmV0"),
        );
        let form = HashMap::from([("client_id".to_owned(), "other".to_owned())]);
        assert_eq!(
            client_credentials(&headers, &form),
            (Some("id".to_owned()), Some("secret".to_owned()))
        );
    }
}
