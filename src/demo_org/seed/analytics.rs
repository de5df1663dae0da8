//! Reports and dashboards over the seeded data.
// CONTRACT PLACEHOLDER.

use super::SeedContext;
use crate::demo_org::api::analytics::AnalyticsState;
use crate::demo_org::store::OrgData;

pub fn seed_analytics(_org: &mut OrgData, _ctx: &mut SeedContext) -> AnalyticsState {
    AnalyticsState::default()
}
