//! Salesforce Knowledge in the demo org: the Support API readers use, the knowledgeManagement
//! resources authors use, search suggestions, and the hooks `dml` calls when Knowledge__kav
//! records are written through the sObject API. Articles are KnowledgeArticle records and their
//! versions Knowledge__kav records.

mod catalog;
mod language;
mod management;
mod params;
mod search;
mod suggestions;
mod support;
#[cfg(test)]
mod tests;
pub mod versions;

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, any, get};

use crate::demo_org::api::error::ApiError;
use crate::demo_org::state::AppState;

pub use versions::{on_insert_version, on_update_version};

/// Answers methods a resource does not support with Salesforce's 405 error body.
fn only(methods: MethodRouter<AppState>, allowed: &'static str) -> MethodRouter<AppState> {
    methods.fallback(move |method: Method| async move {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
        )
        .into_response()
    })
}

fn data(path: &str) -> String {
    format!("/services/data/{{version}}{path}")
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            &data("/support"),
            only(get(support::support_root), "GET,HEAD"),
        )
        .route(
            &data("/support/dataCategoryGroups"),
            only(get(support::data_category_groups), "GET,HEAD"),
        )
        .route(
            &data("/support/knowledgeArticles"),
            only(get(support::list_articles), "GET,HEAD"),
        )
        .route(
            &data("/support/knowledgeArticles/{article}"),
            only(get(support::get_article), "GET,HEAD"),
        )
        .route(
            &data("/knowledgeManagement/settings"),
            only(get(management::settings), "GET,HEAD"),
        )
        // There is no articles collection resource: creating articles is done with
        // POST /sobjects/Knowledge__kav.
        .route(
            &data("/knowledgeManagement/articles"),
            any(|| async { ApiError::not_found().into_response() }),
        )
        .route(
            &data("/knowledgeManagement/articles/{article_id}"),
            only(get(management::article_metadata), "GET,HEAD"),
        )
        .route(
            &data("/knowledgeManagement/articleVersions/masterVersions"),
            only(
                get(management::list_master_versions).post(management::create_master_version),
                "GET,HEAD,POST",
            ),
        )
        .route(
            &data("/knowledgeManagement/articleVersions/masterVersions/{version_id}"),
            only(
                get(management::get_master_version)
                    .patch(management::patch_master_version)
                    .delete(management::delete_master_version),
                "GET,HEAD,PATCH,DELETE",
            ),
        )
        .route(
            &data("/search/suggestTitleMatches"),
            only(get(suggestions::suggest_title_matches), "GET,HEAD"),
        )
        .route(
            &data("/search/suggestSearchQueries"),
            only(get(suggestions::suggest_search_queries), "GET,HEAD"),
        )
}
