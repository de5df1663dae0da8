//! Seeding of the collaboration domain.
// CONTRACT PLACEHOLDER.

use super::SeedContext;
use crate::demo_org::store::OrgData;

pub fn seed_collaboration(_org: &mut OrgData, _ctx: &mut SeedContext) {}
