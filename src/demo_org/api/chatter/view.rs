//! What every Connect representation is rendered from: the org, the user asking, the URL base of
//! the addressed API version and the instant "now"; plus Connect's date formats.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::store::{OrgData, Record, parse_datetime};

pub struct View<'a> {
    pub org: &'a OrgData,
    /// The current user's id (18 characters).
    pub me: &'a str,
    /// `/services/data/v66.0`.
    pub base: String,
    pub now: DateTime<Utc>,
}

impl<'a> View<'a> {
    pub fn new(org: &'a OrgData, me: &'a str, version: &ApiVersion, now: DateTime<Utc>) -> Self {
        View {
            org,
            me,
            base: version.base(),
            now,
        }
    }

    /// `/services/data/v66.0/chatter` + `rest`.
    pub fn chatter_url(&self, rest: &str) -> String {
        format!("{}/chatter{rest}", self.base)
    }

    /// `/services/data/v66.0/connect` + `rest`.
    pub fn connect_url(&self, rest: &str) -> String {
        format!("{}/connect{rest}", self.base)
    }
}

/// A record's datetime field as an instant.
pub fn field_time(record: &Record, field: &str) -> Option<DateTime<Utc>> {
    record.get_str(field).and_then(parse_datetime)
}

/// Connect's datetime form, `2015-08-12T16:05:43.000Z`.
pub fn connect_datetime(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A record's datetime field in Connect's form, or null.
pub fn connect_field(record: &Record, field: &str) -> Value {
    field_time(record, field)
        .map(|at| Value::String(connect_datetime(at)))
        .unwrap_or(Value::Null)
}

/// The `relativeCreatedDate` text the Chatter UI shows: "Just now", "5m ago", "3h ago",
/// "Yesterday at 4:05 PM", then the full date.
pub fn relative_date(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let age = now - at;
    if age < Duration::minutes(1) {
        "Just now".to_owned()
    } else if age < Duration::hours(1) {
        format!("{}m ago", age.num_minutes())
    } else if age < Duration::hours(24) {
        format!("{}h ago", age.num_hours())
    } else if age < Duration::hours(48) {
        format!("Yesterday at {}", at.format("%-I:%M %p"))
    } else {
        at.format("%B %-d, %Y at %-I:%M %p").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_dates_read_like_the_chatter_ui() {
        let now = parse_datetime("2026-04-10T12:00:00Z").expect("now");
        assert_eq!(relative_date(now, now), "Just now");
        assert_eq!(relative_date(now - Duration::minutes(5), now), "5m ago");
        assert_eq!(relative_date(now - Duration::hours(3), now), "3h ago");
        assert_eq!(
            relative_date(now - Duration::hours(30), now),
            "Yesterday at 6:00 AM"
        );
        assert_eq!(
            relative_date(now - Duration::days(10), now),
            "March 31, 2026 at 12:00 PM"
        );
        assert_eq!(connect_datetime(now), "2026-04-10T12:00:00.000Z");
    }
}
