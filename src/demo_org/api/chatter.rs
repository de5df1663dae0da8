//! Routes of the chatter family.
// CONTRACT PLACEHOLDER.

use axum::Router;

use crate::demo_org::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
