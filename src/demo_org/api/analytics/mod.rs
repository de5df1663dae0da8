//! Reports and Dashboards REST API (`/analytics/reports`, `/analytics/dashboards`). Reports are
//! definitions held here; every run computes its numbers from the org's live records.

pub mod columns;
pub mod dashboards;
pub mod dates;
pub mod describe;
pub mod engine;
pub mod filters;
pub mod metadata;
pub mod plan;
pub mod reports;
pub mod values;

#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod route_tests;

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::routing::{MethodRouter, get};

use crate::demo_org::api::error::ApiError;
use crate::demo_org::ids;
use crate::demo_org::state::AppState;

pub use dashboards::{Dashboard, DashboardComponent, Visualization};
pub use metadata::{
    Grouping, ReportFilter, ReportFormat, ReportMetadata, SortColumn, StandardDateFilter,
};
pub use reports::ReportInstance;

/// Instances kept at most; the oldest go first (Salesforce keeps a day's worth, up to 2000).
const MAX_INSTANCES: usize = 500;

/// Report definitions, dashboards with their refresh state, and async report instances.
#[derive(Debug, Default)]
pub struct AnalyticsState {
    reports: Vec<ReportMetadata>,
    dashboards: Vec<Dashboard>,
    instances: Vec<ReportInstance>,
    instances_created: u64,
}

impl AnalyticsState {
    pub fn new(reports: Vec<ReportMetadata>, dashboards: Vec<Dashboard>) -> Self {
        AnalyticsState {
            reports,
            dashboards,
            instances: Vec::new(),
            instances_created: 0,
        }
    }

    pub fn reports(&self) -> &[ReportMetadata] {
        &self.reports
    }

    /// A report by 15- or 18-character id.
    pub fn report(&self, id: &str) -> Option<&ReportMetadata> {
        let id = ids::canonical(id)?;
        self.reports.iter().find(|r| r.id == id)
    }

    pub fn report_by_developer_name(&self, developer_name: &str) -> Option<&ReportMetadata> {
        self.reports
            .iter()
            .find(|r| r.developer_name == developer_name)
    }

    pub fn dashboards(&self) -> &[Dashboard] {
        &self.dashboards
    }

    /// A dashboard by 15- or 18-character id.
    pub fn dashboard(&self, id: &str) -> Option<&Dashboard> {
        let id = ids::canonical(id)?;
        self.dashboards.iter().find(|d| d.id == id)
    }

    fn dashboard_mut(&mut self, id: &str) -> Option<&mut Dashboard> {
        let id = ids::canonical(id)?;
        self.dashboards.iter_mut().find(|d| d.id == id)
    }

    pub fn dashboard_by_developer_name(&self, developer_name: &str) -> Option<&Dashboard> {
        self.dashboards
            .iter()
            .find(|d| d.developer_name == developer_name)
    }

    /// Stores a finished async run under a fresh `0LG` id and returns the id.
    fn add_instance(&mut self, mut instance: ReportInstance) -> String {
        self.instances_created += 1;
        instance.id = ids::make_id("0LG", self.instances_created);
        let id = instance.id.clone();
        self.instances.push(instance);
        if self.instances.len() > MAX_INSTANCES {
            let excess = self.instances.len() - MAX_INSTANCES;
            self.instances.drain(..excess);
        }
        id
    }

    fn instance(&self, report_id: &str, instance_id: &str) -> Option<&ReportInstance> {
        let instance_id = ids::canonical(instance_id)?;
        self.instances
            .iter()
            .find(|i| i.id == instance_id && i.report_id == report_id)
    }

    fn remove_instance(&mut self, report_id: &str, instance_id: &str) -> bool {
        let Some(instance_id) = ids::canonical(instance_id) else {
            return false;
        };
        let before = self.instances.len();
        self.instances
            .retain(|i| !(i.id == instance_id && i.report_id == report_id));
        self.instances.len() != before
    }
}

pub fn routes() -> Router<AppState> {
    const BASE: &str = "/services/data/{version}/analytics";
    Router::new()
        .route(
            &format!("{BASE}/reports"),
            only(get(reports::list), "GET,HEAD"),
        )
        .route(
            &format!("{BASE}/reports/{{id}}"),
            only(
                get(reports::run_saved).post(reports::run_with_metadata),
                "GET,HEAD,POST",
            ),
        )
        .route(
            &format!("{BASE}/reports/{{id}}/describe"),
            only(get(reports::describe), "GET,HEAD"),
        )
        .route(
            &format!("{BASE}/reports/{{id}}/instances"),
            only(
                get(reports::list_instances).post(reports::create_instance),
                "GET,HEAD,POST",
            ),
        )
        .route(
            &format!("{BASE}/reports/{{id}}/instances/{{instance_id}}"),
            only(
                get(reports::instance_results).delete(reports::delete_instance),
                "GET,HEAD,DELETE",
            ),
        )
        .route(
            &format!("{BASE}/dashboards"),
            only(get(dashboards::list), "GET,HEAD"),
        )
        .route(
            &format!("{BASE}/dashboards/{{id}}"),
            only(
                get(dashboards::results).put(dashboards::refresh),
                "GET,HEAD,PUT",
            ),
        )
        .route(
            &format!("{BASE}/dashboards/{{id}}/status"),
            only(get(dashboards::status), "GET,HEAD"),
        )
        .route(
            &format!("{BASE}/dashboards/{{id}}/describe"),
            only(get(dashboards::describe), "GET,HEAD"),
        )
}

/// Answers other methods with Salesforce's 405 body naming the allowed ones.
fn only(router: MethodRouter<AppState>, allowed: &'static str) -> MethodRouter<AppState> {
    router.fallback(move |method: Method| async move {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
        )
    })
}
