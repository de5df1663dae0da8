//! `/query`, `/queryAll`, `/query/{locator}` and `/search`.
// CONTRACT PLACEHOLDER.

use axum::Router;

use crate::demo_org::state::AppState;

/// Open query cursors, by locator, for `nextRecordsUrl` paging.
#[derive(Debug, Default)]
pub struct QueryCursors {}

pub fn routes() -> Router<AppState> {
    Router::new()
}
