//! Layers every request passes: latency, fault injection, bearer-token check, API usage count
//! and the `Sforce-Limit-Info` header.
// CONTRACT PLACEHOLDER: no layers yet.

use axum::Router;

use crate::demo_org::state::AppState;

pub fn apply(routes: Router<AppState>, _state: AppState) -> Router<AppState> {
    routes
}
