//! The state one running demo org shares between its request handlers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::api::analytics::AnalyticsState;
use super::api::auth::AuthState;
use super::api::faults::{FaultPlan, FaultState};
use super::api::query::QueryCursors;
use super::dml::DmlContext;
use super::objects::demo_schema;
use super::seed;
use super::store::{Clock, OrgData};

/// How a demo org is set up at start.
#[derive(Clone, Debug)]
pub struct DemoSettings {
    /// Seed of the generated data: the same seed gives the same org.
    pub seed: u64,
    /// The Connected App credentials the org accepts for client_credentials.
    pub client_id: String,
    pub client_secret: String,
    /// Access tokens expire this long after issue (`None`: they last for the life of the process).
    pub token_ttl: Option<Duration>,
    /// Added to every request before it is answered.
    pub latency: Duration,
    /// `DailyApiRequests.Max`.
    pub daily_api_limit: u64,
    /// A fixed "now" for reproducible data (snapshot tests); `None` follows the system clock.
    pub fixed_now: Option<DateTime<Utc>>,
    /// Faults active from the start; parse the compact form with `str::parse` (see
    /// `api::faults`), e.g. `"path=/query,kind=503,count=2"`.
    pub faults: FaultPlan,
}

impl Default for DemoSettings {
    fn default() -> Self {
        DemoSettings {
            seed: 42,
            client_id: "demo-client-id".to_owned(),
            client_secret: "demo-client-secret".to_owned(),
            token_ttl: None,
            latency: Duration::ZERO,
            daily_api_limit: 100_000,
            fixed_now: None,
            faults: FaultPlan::default(),
        }
    }
}

pub type AppState = Arc<DemoOrg>;

pub struct DemoOrg {
    data: RwLock<OrgData>,
    pub clock: Clock,
    pub settings: DemoSettings,
    /// The client_credentials "Run As" user every API call acts as.
    pub current_user_id: String,
    /// Data API calls made so far (`Sforce-Limit-Info`, `/limits`).
    api_calls: AtomicU64,
    pub auth: Mutex<AuthState>,
    pub faults: Mutex<FaultState>,
    pub cursors: Mutex<QueryCursors>,
    pub analytics: Mutex<AnalyticsState>,
    /// Emails sent through `/actions/standard/emailSimple`, in order.
    pub outbox: Mutex<Vec<serde_json::Value>>,
}

impl DemoOrg {
    /// A seeded org.
    pub fn new(settings: DemoSettings) -> Self {
        let clock = settings
            .fixed_now
            .map(Clock::fixed)
            .unwrap_or_else(Clock::system);
        let mut data = OrgData::new(Arc::new(demo_schema()));
        let seeded = seed::seed_org(&mut data, clock.now(), settings.seed);
        DemoOrg {
            data: RwLock::new(data),
            clock,
            current_user_id: seeded.run_as_user_id,
            api_calls: AtomicU64::new(0),
            auth: Mutex::new(AuthState::default()),
            faults: Mutex::new(FaultState::default()),
            cursors: Mutex::new(QueryCursors::default()),
            analytics: Mutex::new(seeded.analytics),
            outbox: Mutex::new(Vec::new()),
            settings,
        }
    }

    pub fn read(&self) -> RwLockReadGuard<'_, OrgData> {
        self.data
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, OrgData> {
        self.data
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Who and when, for records written by an API call.
    pub fn dml_context(&self) -> DmlContext {
        DmlContext {
            now: self.now(),
            user_id: self.current_user_id.clone(),
        }
    }

    /// Counts one data API call and returns the new total.
    pub fn count_api_call(&self) -> u64 {
        self.api_calls.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn api_calls(&self) -> u64 {
        self.api_calls.load(Ordering::Relaxed)
    }
}

/// Locks a mutex, recovering the data if a handler panicked while holding it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
