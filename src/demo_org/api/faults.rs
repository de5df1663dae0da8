//! Fault injection: rules that slow requests down or make them fail, the plan they are set up
//! from at start, and the per-route request counts the admin endpoint reports.
//!
//! A rule matches requests whose path contains a substring (any path when none is given),
//! optionally only for one method, and fires on every match, on the next N matches, or on a
//! fraction of them. What it does:
//!
//! | kind (compact form)              | effect |
//! |---|---|
//! | `503`, `unavailable`             | 503 `SERVER_UNAVAILABLE` with `Retry-After`; the request is not processed |
//! | `403`, `limit`, `request-limit`  | 403 `REQUEST_LIMIT_EXCEEDED` "TotalRequests Limit exceeded."; not processed |
//! | `drop`, `disconnect`             | processed, then the connection dies while the response body is sent |
//! | `malformed`, `malformed-json`    | processed, then answered 200 with the JSON body cut short |
//! | `latency`, `slow`                | waits `ms` milliseconds before answering |
//! | `expire-tokens`                  | (plan only) every token issued before start + `after` seconds dies then |
//!
//! The compact form, for flags and environment variables, is `key=value` pairs separated by
//! commas, rules separated by semicolons:
//! `path=/query,kind=503,count=2;kind=latency,ms=250;method=POST,path=/sobjects,kind=drop,rate=0.1`.
//! Keys: `path`, `method`, `kind`, `count` (next N matches), `rate` (fraction 0..1, or `25%`),
//! `retry-after` (seconds, for 503; default 1), `ms` (for latency), `after` (seconds, for
//! expire-tokens).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde_json::{Value, json};

use crate::demo_org::seed::Rng;

/// What a rule does to the requests it fires on.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    Unavailable { retry_after_secs: u64 },
    RequestLimit,
    DropConnection,
    MalformedJson,
    Latency(Duration),
}

impl FaultKind {
    fn name(&self) -> &'static str {
        match self {
            FaultKind::Unavailable { .. } => "503",
            FaultKind::RequestLimit => "403",
            FaultKind::DropConnection => "drop",
            FaultKind::MalformedJson => "malformed",
            FaultKind::Latency(_) => "latency",
        }
    }
}

/// Which of the matching requests a rule fires on.
#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    Every,
    /// The next N matching requests.
    Next(u64),
    /// Each matching request with this probability.
    Fraction(f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    pub kind: FaultKind,
    /// Substring of the request path; `None` matches every path.
    pub path: Option<String>,
    /// HTTP method, compared case-insensitively; `None` matches every method.
    pub method: Option<String>,
    pub trigger: Trigger,
}

/// The faults set up when the org starts (`DemoSettings::faults`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    pub rules: Vec<FaultRule>,
    /// Every token issued before start + this dies then.
    pub expire_tokens_after: Option<Duration>,
}

impl FromStr for FaultPlan {
    type Err = String;

    /// Parses the compact form (see the module documentation).
    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut plan = FaultPlan::default();
        for rule in spec.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            let pairs = rule
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    pair.split_once('=')
                        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                        .ok_or_else(|| format!("fault setting '{pair}' is not key=value"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            match FaultSpec::from_pairs(&pairs)? {
                FaultSpec::Rule(rule) => plan.rules.push(rule),
                FaultSpec::ExpireTokens(after) => plan.expire_tokens_after = Some(after),
            }
        }
        Ok(plan)
    }
}

/// One entry of the compact form or of the admin endpoint's JSON: a rule, or a token expiry.
pub enum FaultSpec {
    Rule(FaultRule),
    ExpireTokens(Duration),
}

impl FaultSpec {
    /// Builds a rule from `key=value` settings; keys compare case-insensitively and ignore `-`
    /// and `_`, so `retry-after`, `retry_after` and `retryAfter` are one key.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<FaultSpec, String> {
        let mut settings: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in pairs {
            let key: String = key
                .chars()
                .filter(|c| *c != '-' && *c != '_')
                .flat_map(char::to_lowercase)
                .collect();
            settings.insert(key, value.clone());
        }
        let get = |key: &str| settings.get(key).map(String::as_str);
        let number = |key: &str| -> Result<Option<u64>, String> {
            get(key)
                .map(|v| {
                    v.parse::<u64>()
                        .map_err(|_| format!("fault {key}={v} is not a whole number"))
                })
                .transpose()
        };
        let kind_name = get("kind")
            .ok_or("a fault needs kind=… (503, 403, drop, malformed, latency, expire-tokens)")?;
        let kind = match kind_name.to_ascii_lowercase().as_str() {
            "503" | "unavailable" | "server-unavailable" => FaultKind::Unavailable {
                retry_after_secs: number("retryafter")?.unwrap_or(1),
            },
            "403" | "limit" | "request-limit" | "request_limit_exceeded" => FaultKind::RequestLimit,
            "drop" | "disconnect" | "dropped-connection" => FaultKind::DropConnection,
            "malformed" | "malformed-json" | "truncated" => FaultKind::MalformedJson,
            "latency" | "slow" => FaultKind::Latency(Duration::from_millis(
                number("ms")?.ok_or("a latency fault needs ms=…")?,
            )),
            "expire-tokens" | "expiretokens" => {
                return Ok(FaultSpec::ExpireTokens(Duration::from_secs(
                    number("after")?.unwrap_or(0),
                )));
            }
            other => return Err(format!("unknown fault kind '{other}'")),
        };
        let trigger = match (number("count")?, get("rate")) {
            (Some(_), Some(_)) => return Err("a fault takes count=… or rate=…, not both".into()),
            (Some(n), None) => Trigger::Next(n),
            (None, Some(rate)) => Trigger::Fraction(parse_rate(rate)?),
            (None, None) => Trigger::Every,
        };
        Ok(FaultSpec::Rule(FaultRule {
            kind,
            path: get("path").filter(|p| !p.is_empty()).map(str::to_owned),
            method: get("method")
                .filter(|m| !m.is_empty())
                .map(str::to_ascii_uppercase),
            trigger,
        }))
    }
}

fn parse_rate(text: &str) -> Result<f64, String> {
    let (number, scale) = match text.strip_suffix('%') {
        Some(percent) => (percent, 100.0),
        None => (text, 1.0),
    };
    let rate = number
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("fault rate={text} is not a number"))?
        / scale;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("fault rate={text} is not between 0 and 1"))
    }
}

impl fmt::Display for FaultRule {
    /// The compact form of the rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "kind={}", self.kind.name())?;
        match &self.kind {
            FaultKind::Unavailable { retry_after_secs } => {
                write!(f, ",retry-after={retry_after_secs}")?
            }
            FaultKind::Latency(delay) => write!(f, ",ms={}", delay.as_millis())?,
            _ => {}
        }
        if let Some(path) = &self.path {
            write!(f, ",path={path}")?;
        }
        if let Some(method) = &self.method {
            write!(f, ",method={method}")?;
        }
        match self.trigger {
            Trigger::Every => Ok(()),
            Trigger::Next(n) => write!(f, ",count={n}"),
            Trigger::Fraction(rate) => write!(f, ",rate={rate}"),
        }
    }
}

/// How a request is to fail, decided before it is processed.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    Unavailable { retry_after_secs: u64 },
    RequestLimit,
    DropConnection,
    MalformedJson,
}

/// What the rules say about one request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    pub latency: Duration,
    pub failure: Option<Failure>,
}

#[derive(Debug)]
struct ActiveRule {
    id: u64,
    rule: FaultRule,
    /// Requests this rule fired on.
    hits: u64,
}

/// Distinct `"METHOD /path"` keys the request counts keep.
pub const MAX_COUNTED_ROUTES: usize = 10_000;
/// The key requests past that limit are counted under.
pub const OTHER_ROUTES: &str = "* (other routes)";

/// Active fault rules and the counts of requests received.
#[derive(Debug)]
pub struct FaultState {
    rules: Vec<ActiveRule>,
    next_id: u64,
    rng: Rng,
    /// `"METHOD /path"` → requests received (admin requests are not counted).
    requests: BTreeMap<String, u64>,
}

impl Default for FaultState {
    fn default() -> Self {
        FaultState {
            rules: Vec::new(),
            next_id: 1,
            rng: Rng::new(0x5eed),
            requests: BTreeMap::new(),
        }
    }
}

impl FaultState {
    /// Makes `rate` rules draw from a generator seeded like the org, for repeatable runs.
    pub fn reseed(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
    }

    /// Adds a rule and returns its id.
    pub fn add(&mut self, rule: FaultRule) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.rules.push(ActiveRule { id, rule, hits: 0 });
        id
    }

    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.rules.len();
        self.rules.retain(|r| r.id != id);
        self.rules.len() != before
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The rules in JSON, with their ids, hits and what is left of their counts.
    pub fn describe(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|active| {
                let rule = &active.rule;
                json!({
                    "id": active.id,
                    "kind": rule.kind.name(),
                    "path": rule.path,
                    "method": rule.method,
                    "remaining": match rule.trigger { Trigger::Next(n) => Some(n), _ => None },
                    "rate": match rule.trigger { Trigger::Fraction(r) => Some(r), _ => None },
                    "retryAfter": match rule.kind { FaultKind::Unavailable { retry_after_secs } => Some(retry_after_secs), _ => None },
                    "ms": match rule.kind { FaultKind::Latency(d) => Some(d.as_millis()), _ => None },
                    "hits": active.hits,
                    "spec": rule.to_string(),
                })
            })
            .collect();
        json!({"rules": rules})
    }

    /// Applies the rules to one request: the latency they add and the first failure that fires.
    /// Consumes one of the `count` of each rule that fires.
    pub fn decide(&mut self, method: &str, path: &str) -> Decision {
        let mut decision = Decision::default();
        for active in &mut self.rules {
            let rule = &active.rule;
            let matches = rule.path.as_deref().is_none_or(|p| path.contains(p))
                && rule
                    .method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method));
            let is_failure = !matches!(rule.kind, FaultKind::Latency(_));
            if !matches || (is_failure && decision.failure.is_some()) {
                continue;
            }
            let fires = match &mut active.rule.trigger {
                Trigger::Every => true,
                Trigger::Next(0) => false,
                Trigger::Next(n) => {
                    *n -= 1;
                    true
                }
                Trigger::Fraction(rate) => {
                    let roll = self.rng.below(1_000_000) as f64 / 1_000_000.0;
                    roll < *rate
                }
            };
            if !fires {
                continue;
            }
            active.hits += 1;
            match &active.rule.kind {
                FaultKind::Latency(delay) => decision.latency += *delay,
                FaultKind::Unavailable { retry_after_secs } => {
                    decision.failure = Some(Failure::Unavailable {
                        retry_after_secs: *retry_after_secs,
                    });
                }
                FaultKind::RequestLimit => decision.failure = Some(Failure::RequestLimit),
                FaultKind::DropConnection => decision.failure = Some(Failure::DropConnection),
                FaultKind::MalformedJson => decision.failure = Some(Failure::MalformedJson),
            }
        }
        decision
    }

    /// Counts a request received, by method and path. Past [`MAX_COUNTED_ROUTES`] distinct
    /// routes, new ones are counted together under [`OTHER_ROUTES`] so a long benchmark over
    /// many record URLs cannot grow the table without bound.
    pub fn count_request(&mut self, method: &str, path: &str) {
        let key = format!("{method} {path}");
        let key = if self.requests.len() >= MAX_COUNTED_ROUTES && !self.requests.contains_key(&key)
        {
            OTHER_ROUTES.to_owned()
        } else {
            key
        };
        *self.requests.entry(key).or_insert(0) += 1;
    }

    /// `{"total": N, "counts": {"POST /services/oauth2/token": 2, …}}`.
    pub fn request_counts(&self) -> Value {
        let total: u64 = self.requests.values().sum();
        json!({"total": total, "counts": self.requests})
    }

    pub fn reset_request_counts(&mut self) {
        self.requests.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(spec: &str) -> FaultPlan {
        spec.parse().expect("valid spec")
    }

    #[test]
    fn parses_the_compact_form() {
        let parsed = plan(
            "path=/query,kind=503,count=2; kind=latency,ms=250 ;method=post,path=/sobjects,kind=drop,rate=10%;kind=expire-tokens,after=30",
        );
        assert_eq!(
            parsed.rules,
            vec![
                FaultRule {
                    kind: FaultKind::Unavailable {
                        retry_after_secs: 1
                    },
                    path: Some("/query".into()),
                    method: None,
                    trigger: Trigger::Next(2),
                },
                FaultRule {
                    kind: FaultKind::Latency(Duration::from_millis(250)),
                    path: None,
                    method: None,
                    trigger: Trigger::Every,
                },
                FaultRule {
                    kind: FaultKind::DropConnection,
                    path: Some("/sobjects".into()),
                    method: Some("POST".into()),
                    trigger: Trigger::Fraction(0.1),
                },
            ]
        );
        assert_eq!(parsed.expire_tokens_after, Some(Duration::from_secs(30)));
        assert_eq!(plan(""), FaultPlan::default());
        let rule = parsed.rules.first().expect("rule");
        assert_eq!(plan(&rule.to_string()).rules, vec![rule.clone()]);
    }

    #[test]
    fn refuses_bad_specs() {
        for bad in [
            "kind=teapot",
            "path=/x",
            "kind=503,count=x",
            "kind=503,count=1,rate=0.5",
            "kind=latency",
            "kind=503,rate=2",
            "kind",
        ] {
            assert!(bad.parse::<FaultPlan>().is_err(), "{bad}");
        }
    }

    #[test]
    fn counted_rules_fire_the_next_n_matches_only() {
        let mut faults = FaultState::default();
        for rule in plan("path=/query,method=GET,kind=503,count=2").rules {
            faults.add(rule);
        }
        assert_eq!(
            faults.decide("POST", "/services/data/v66.0/query"),
            Decision::default()
        );
        assert_eq!(
            faults.decide("GET", "/services/data/v66.0/sobjects"),
            Decision::default()
        );
        let failing = faults.decide("GET", "/services/data/v66.0/query");
        assert_eq!(
            failing.failure,
            Some(Failure::Unavailable {
                retry_after_secs: 1
            })
        );
        assert!(
            faults
                .decide("get", "/services/data/v66.0/query")
                .failure
                .is_some()
        );
        assert_eq!(
            faults.decide("GET", "/services/data/v66.0/query"),
            Decision::default()
        );
        assert_eq!(faults.describe()["rules"][0]["hits"], 2);
    }

    #[test]
    fn latency_adds_up_and_first_failure_wins() {
        let mut faults = FaultState::default();
        for rule in
            plan("kind=latency,ms=10;kind=latency,ms=5;kind=403,count=1;kind=drop,count=1").rules
        {
            faults.add(rule);
        }
        let first = faults.decide("GET", "/x");
        assert_eq!(first.latency, Duration::from_millis(15));
        assert_eq!(first.failure, Some(Failure::RequestLimit));
        assert_eq!(
            faults.decide("GET", "/x").failure,
            Some(Failure::DropConnection)
        );
        assert_eq!(faults.decide("GET", "/x").failure, None);
    }

    #[test]
    fn rates_are_roughly_honoured_and_repeatable() {
        let mut a = FaultState::default();
        let mut b = FaultState::default();
        for faults in [&mut a, &mut b] {
            faults.reseed(7);
            for rule in plan("kind=malformed,rate=0.25").rules {
                faults.add(rule);
            }
        }
        let fired_a: Vec<bool> = (0..400)
            .map(|_| a.decide("GET", "/").failure.is_some())
            .collect();
        let fired_b: Vec<bool> = (0..400)
            .map(|_| b.decide("GET", "/").failure.is_some())
            .collect();
        assert_eq!(fired_a, fired_b);
        let count = fired_a.iter().filter(|f| **f).count();
        assert!((60..140).contains(&count), "{count}");
    }

    #[test]
    fn counts_requests_by_method_and_path() {
        let mut faults = FaultState::default();
        faults.count_request("POST", "/services/oauth2/token");
        faults.count_request("POST", "/services/oauth2/token");
        faults.count_request("GET", "/services/data/");
        assert_eq!(
            faults.request_counts(),
            json!({"total": 3, "counts": {"GET /services/data/": 1, "POST /services/oauth2/token": 2}})
        );
        faults.reset_request_counts();
        assert_eq!(faults.request_counts()["total"], 0);
        for n in 0..MAX_COUNTED_ROUTES + 5 {
            faults.count_request("GET", &format!("/r/{n}"));
        }
        let counts = faults.request_counts();
        assert_eq!(counts["total"], MAX_COUNTED_ROUTES + 5);
        assert_eq!(counts["counts"][OTHER_ROUTES], 5);
    }
}
