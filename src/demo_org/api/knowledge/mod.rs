//! Routes of the knowledge family.
// CONTRACT PLACEHOLDER.

use axum::Router;

use crate::demo_org::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}

use serde_json::{Map, Value};

use crate::demo_org::api::error::ApiError;
use crate::demo_org::dml::DmlContext;
use crate::demo_org::store::OrgData;

/// Called by `dml::insert` before a `Knowledge__kav` record is stored: links or creates the
/// master KnowledgeArticle and sets the version's system fields (Draft status, version number, …).
// CONTRACT PLACEHOLDER.
pub fn on_insert_version(
    _org: &mut OrgData,
    _values: &mut Map<String, Value>,
    _ctx: &DmlContext,
) -> Result<(), ApiError> {
    Ok(())
}

/// Called by `dml::update` before a `Knowledge__kav` record changes: only drafts are editable.
// CONTRACT PLACEHOLDER.
pub fn on_update_version(_org: &OrgData, _id: &str) -> Result<(), ApiError> {
    Ok(())
}
