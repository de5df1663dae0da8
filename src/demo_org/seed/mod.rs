//! Seeding the demo org: deterministic for a given seed, dated relative to the org's clock.

pub mod themes;

use chrono::{DateTime, Duration, Utc};

/// A small deterministic generator (splitmix64): the same seed gives the same org.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next_u64() % bound
        }
    }

    /// A value in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = u64::try_from(high - low + 1).unwrap_or(1);
        low + i64::try_from(self.below(span)).unwrap_or(0)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One element of a non-empty slice (the first one for an empty slice is impossible: `None`).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let len = u64::try_from(items.len()).ok()?;
        items.get(usize::try_from(self.below(len)).ok()?)
    }

    /// An element chosen by weight: `(item, weight)` pairs.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u64)]) -> Option<&'a T> {
        let total: u64 = items.iter().map(|(_, w)| *w).sum();
        let mut roll = self.below(total);
        for (item, weight) in items {
            if roll < *weight {
                return Some(item);
            }
            roll -= weight;
        }
        None
    }
}

/// What every seeding step shares: the instant "now", the generator, and the ids of the records
/// the earlier steps created that later steps refer to.
pub struct SeedContext {
    pub now: DateTime<Utc>,
    pub rng: Rng,
    /// The client_credentials "Run As" user: every API call acts as this user.
    pub run_as_user_id: String,
    /// Support agents (Users) that own and answer cases.
    pub agent_user_ids: Vec<String>,
    pub account_ids: Vec<String>,
    pub contact_ids: Vec<String>,
    pub case_ids: Vec<String>,
}

impl SeedContext {
    pub fn new(now: DateTime<Utc>, seed: u64) -> Self {
        SeedContext {
            now,
            rng: Rng::new(seed),
            run_as_user_id: String::new(),
            agent_user_ids: Vec::new(),
            account_ids: Vec::new(),
            contact_ids: Vec::new(),
            case_ids: Vec::new(),
        }
    }

    /// An instant `minutes` before now.
    pub fn minutes_ago(&self, minutes: i64) -> DateTime<Utc> {
        self.now - Duration::minutes(minutes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_is_deterministic() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(Rng::new(8).next_u64(), xs[0]);
        let mut r = Rng::new(1);
        assert!((0..1000).all(|_| (3..=9).contains(&r.range(3, 9))));
    }
}

pub mod analytics;
pub mod collaboration;
pub mod core;
pub mod knowledge;

use super::api::analytics::AnalyticsState;
use super::store::OrgData;

/// What seeding hands to the running org besides the records.
pub struct Seeded {
    pub run_as_user_id: String,
    pub analytics: AnalyticsState,
}

/// Fills an empty org: users, accounts, contacts and cases first (other steps refer to them),
/// then Knowledge, Chatter, and the reports and dashboards over it all.
pub fn seed_org(org: &mut OrgData, now: DateTime<Utc>, seed: u64) -> Seeded {
    let mut ctx = SeedContext::new(now, seed);
    core::seed_core(org, &mut ctx);
    knowledge::seed_knowledge(org, &mut ctx);
    collaboration::seed_collaboration(org, &mut ctx);
    let analytics = analytics::seed_analytics(org, &mut ctx);
    Seeded {
        run_as_user_id: ctx.run_as_user_id,
        analytics,
    }
}
