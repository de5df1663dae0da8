//! Seeding of the knowledge domain.
// CONTRACT PLACEHOLDER.

use super::SeedContext;
use crate::demo_org::store::OrgData;

pub fn seed_knowledge(_org: &mut OrgData, _ctx: &mut SeedContext) {}
