//! The HTTP surface of the demo org: one module per API family, assembled into one router.

pub mod actions;
pub mod admin;
pub mod analytics;
pub mod auth;
pub mod chatter;
pub mod composite;
pub mod discovery;
pub mod error;
pub mod faults;
pub mod knowledge;
pub mod middleware;
pub mod oauth;
pub mod query;
pub mod records;
pub mod sobjects;
pub mod tooling;
pub mod version;

use axum::{Extension, Router};

use super::state::AppState;

/// Every route of the org, with the cross-cutting layers (auth, usage header, latency, faults).
/// Composite subrequests go through the same routes without the network layers.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(oauth::routes())
        .merge(discovery::routes())
        .merge(sobjects::routes())
        .merge(query::routes())
        .merge(composite::routes())
        .merge(tooling::routes())
        .merge(analytics::routes())
        .merge(chatter::routes())
        .merge(knowledge::routes())
        .merge(actions::routes())
        .merge(admin::routes());
    let routes = middleware::salesforce_shape(routes, state.clone());
    let dispatcher = composite::Dispatcher::new(routes.clone());
    middleware::apply(routes, state).layer(Extension(dispatcher))
}
