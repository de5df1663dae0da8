//! The demo org's own admin API, under `/__demo`. No real org has it; it needs no session, is
//! never slowed or failed by faults, and its requests are not counted.
//!
//! | request | effect |
//! |---|---|
//! | `GET /__demo/faults` | `{"rules":[{"id","kind","path","method","remaining","rate","retryAfter","ms","hits","spec"}]}` |
//! | `POST /__demo/faults` | adds rules; 201 with the rules. Body: `{"spec":"path=/query,kind=503,count=2"}` (the compact form of [`super::faults`]), one rule object `{"kind":"503","path":"/query","method":"GET","count":2,"rate":0.5,"retryAfter":3,"ms":200}`, or an array of rule objects. A rule of kind `expire-tokens` (with `after` seconds) expires tokens instead of being kept. |
//! | `DELETE /__demo/faults` | removes every rule; 204 |
//! | `DELETE /__demo/faults/{id}` | removes one rule; 204, or 404 when there is no such rule |
//! | `POST /__demo/tokens/expire` | every access token issued so far stops working, now or after `afterSeconds`; with `"refreshTokens": true` every refresh token is revoked too. Body optional: `{"afterSeconds": 30, "refreshTokens": false}`. 200 `{"accessTokens": N, "afterSeconds": 30, "refreshTokensRevoked": false}` |
//! | `GET /__demo/requests` | requests received since start (or the last reset), by method and path, token requests included: `{"total": 7, "counts": {"POST /services/oauth2/token": 1, "GET /services/data/v66.0/query": 6}}` |
//! | `DELETE /__demo/requests` | resets those counts; 204 |

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

use super::error::{ApiError, json_response, no_content};
use super::faults::{FaultPlan, FaultSpec};
use crate::demo_org::dml::scalar_text;
use crate::demo_org::state::{AppState, DemoOrg, lock};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/__demo/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/__demo/faults/{id}", delete(remove_fault))
        .route("/__demo/tokens/expire", post(expire_tokens))
        .route(
            "/__demo/requests",
            get(request_counts).delete(reset_requests),
        )
}

/// Sets up the faults of `DemoSettings::faults` on a freshly started org.
pub fn install_plan(org: &DemoOrg, plan: &FaultPlan) {
    let mut faults = lock(&org.faults);
    faults.reseed(org.settings.seed);
    for rule in &plan.rules {
        faults.add(rule.clone());
    }
    drop(faults);
    if let Some(after) = plan.expire_tokens_after {
        lock(&org.auth).expire_all(Instant::now() + after, false);
    }
}

async fn list_faults(State(org): State<AppState>) -> Response {
    json_response(StatusCode::OK, &lock(&org.faults).describe())
}

async fn add_faults(State(org): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let body: Value = serde_json::from_slice(&body).map_err(ApiError::json_parser)?;
    let parsed = match &body {
        Value::Object(map) if map.len() == 1 && map.contains_key("spec") => {
            let spec = map.get("spec").and_then(Value::as_str).unwrap_or_default();
            let plan: FaultPlan = spec.parse().map_err(invalid_fault)?;
            let mut parsed: Vec<FaultSpec> = plan.rules.into_iter().map(FaultSpec::Rule).collect();
            if let Some(after) = plan.expire_tokens_after {
                parsed.push(FaultSpec::ExpireTokens(after));
            }
            parsed
        }
        Value::Object(_) => vec![rule_from_json(&body)?],
        Value::Array(items) => items
            .iter()
            .map(rule_from_json)
            .collect::<Result<Vec<_>, _>>()?,
        _ => {
            return Err(invalid_fault(
                "expected a rule object, an array of them, or {\"spec\": …}".into(),
            ));
        }
    };
    for item in parsed {
        match item {
            FaultSpec::Rule(rule) => {
                lock(&org.faults).add(rule);
            }
            FaultSpec::ExpireTokens(after) => {
                lock(&org.auth).expire_all(Instant::now() + after, false);
            }
        }
    }
    Ok(json_response(
        StatusCode::CREATED,
        &lock(&org.faults).describe(),
    ))
}

/// A rule object: its keys and values are the settings of the compact form.
fn rule_from_json(value: &Value) -> Result<FaultSpec, ApiError> {
    let Value::Object(map) = value else {
        return Err(invalid_fault("a fault rule must be a JSON object".into()));
    };
    let pairs: Vec<(String, String)> = map
        .iter()
        .filter_map(|(k, v)| scalar_text(v).map(|text| (k.clone(), text)))
        .collect();
    FaultSpec::from_pairs(&pairs).map_err(invalid_fault)
}

fn invalid_fault(message: String) -> ApiError {
    ApiError::bad_request("INVALID_FAULT", message)
}

async fn clear_faults(State(org): State<AppState>) -> Response {
    lock(&org.faults).clear();
    no_content()
}

async fn remove_fault(
    State(org): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: u64 = id.parse().map_err(|_| ApiError::not_found())?;
    if lock(&org.faults).remove(id) {
        Ok(no_content())
    } else {
        Err(ApiError::not_found())
    }
}

async fn expire_tokens(State(org): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let options: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(ApiError::json_parser)?
    };
    let after = options
        .get("afterSeconds")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let refresh_tokens = options
        .get("refreshTokens")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let affected =
        lock(&org.auth).expire_all(Instant::now() + Duration::from_secs(after), refresh_tokens);
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "accessTokens": affected,
            "afterSeconds": after,
            "refreshTokensRevoked": refresh_tokens,
        }),
    ))
}

async fn request_counts(State(org): State<AppState>) -> Response {
    json_response(StatusCode::OK, &lock(&org.faults).request_counts())
}

async fn reset_requests(State(org): State<AppState>) -> Response {
    lock(&org.faults).reset_request_counts();
    no_content()
}

#[cfg(test)]
mod http_tests;
