//! Reports and Dashboards REST API.
// CONTRACT PLACEHOLDER.

use axum::Router;

use crate::demo_org::state::AppState;

/// Report definitions and dashboard refresh status.
#[derive(Debug, Default)]
pub struct AnalyticsState {}

pub fn routes() -> Router<AppState> {
    Router::new()
}
