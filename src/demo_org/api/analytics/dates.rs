//! Relative date literals (`TODAY`, `LAST_N_DAYS:30`, `THIS_MONTH`, …) resolved to ranges of
//! days, for report filters and the standard date filter. Days are UTC days, the demo org's time
//! zone; fiscal periods are calendar periods, as in an org without a custom fiscal year.

use chrono::{Datelike, Days, NaiveDate};

/// An inclusive range of days; a `None` end is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayRange {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl DayRange {
    pub fn day(day: NaiveDate) -> Self {
        DayRange {
            start: Some(day),
            end: Some(day),
        }
    }

    pub fn between(start: NaiveDate, end: NaiveDate) -> Self {
        DayRange {
            start: Some(start),
            end: Some(end),
        }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start.is_none_or(|s| day >= s) && self.end.is_none_or(|e| day <= e)
    }
}

/// The durations the standard date filter offers, by group, as the report type describe lists
/// them: (group label, [(duration value, label)]).
pub const DURATION_GROUPS: &[(&str, &[(&str, &str)])] = &[
    (
        "Calendar Year",
        &[
            ("THIS_YEAR", "Current CY"),
            ("LAST_YEAR", "Previous CY"),
            ("NEXT_YEAR", "Next CY"),
        ],
    ),
    (
        "Calendar Quarter",
        &[
            ("THIS_QUARTER", "Current CQ"),
            ("LAST_QUARTER", "Previous CQ"),
            ("NEXT_QUARTER", "Next CQ"),
        ],
    ),
    (
        "Calendar Month",
        &[
            ("THIS_MONTH", "Current Month"),
            ("LAST_MONTH", "Last Month"),
            ("NEXT_MONTH", "Next Month"),
        ],
    ),
    (
        "Calendar Week",
        &[
            ("THIS_WEEK", "Current Week"),
            ("LAST_WEEK", "Last Week"),
            ("NEXT_WEEK", "Next Week"),
        ],
    ),
    (
        "Day",
        &[
            ("YESTERDAY", "Yesterday"),
            ("TODAY", "Today"),
            ("TOMORROW", "Tomorrow"),
            ("LAST_N_DAYS:7", "Last 7 Days"),
            ("LAST_N_DAYS:30", "Last 30 Days"),
            ("LAST_N_DAYS:60", "Last 60 Days"),
            ("LAST_N_DAYS:90", "Last 90 Days"),
            ("LAST_N_DAYS:120", "Last 120 Days"),
            ("NEXT_N_DAYS:7", "Next 7 Days"),
            ("NEXT_N_DAYS:30", "Next 30 Days"),
            ("NEXT_N_DAYS:60", "Next 60 Days"),
            ("NEXT_N_DAYS:90", "Next 90 Days"),
        ],
    ),
];

/// The duration value of the standard date filter that takes explicit start and end dates
/// ("All Time" when both are empty).
pub const CUSTOM: &str = "CUSTOM";

/// Resolves a relative date literal against `today`; `None` when it is not one.
pub fn resolve(literal: &str, today: NaiveDate) -> Option<DayRange> {
    let literal = literal.trim().to_ascii_uppercase();
    if let Some((unit, n)) = literal.split_once(':') {
        let n: u64 = n.trim().parse().ok()?;
        let days = Days::new(n);
        return match unit {
            // Like SOQL: from n days ago through today.
            "LAST_N_DAYS" => Some(DayRange::between(today.checked_sub_days(days)?, today)),
            "NEXT_N_DAYS" => Some(DayRange::between(
                today.checked_add_days(Days::new(1))?,
                today.checked_add_days(days)?,
            )),
            "N_DAYS_AGO" => Some(DayRange::day(today.checked_sub_days(days)?)),
            _ => None,
        };
    }
    let month = first_of_month(today)?;
    let quarter = NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1)?;
    let week =
        today.checked_sub_days(Days::new(u64::from(today.weekday().num_days_from_sunday())))?;
    match literal.as_str() {
        "TODAY" => Some(DayRange::day(today)),
        "YESTERDAY" => Some(DayRange::day(today.pred_opt()?)),
        "TOMORROW" => Some(DayRange::day(today.succ_opt()?)),
        "THIS_WEEK" => weeks(week, 0),
        "LAST_WEEK" => weeks(week, -1),
        "NEXT_WEEK" => weeks(week, 1),
        "THIS_MONTH" => months(month, 0, 1),
        "LAST_MONTH" => months(month, -1, 1),
        "NEXT_MONTH" => months(month, 1, 1),
        "THIS_QUARTER" | "THIS_FISCAL_QUARTER" => months(quarter, 0, 3),
        "LAST_QUARTER" | "LAST_FISCAL_QUARTER" => months(quarter, -3, 3),
        "NEXT_QUARTER" | "NEXT_FISCAL_QUARTER" => months(quarter, 3, 3),
        "THIS_YEAR" | "THIS_FISCAL_YEAR" => years(today.year()),
        "LAST_YEAR" | "LAST_FISCAL_YEAR" => years(today.year() - 1),
        "NEXT_YEAR" | "NEXT_FISCAL_YEAR" => years(today.year() + 1),
        _ => None,
    }
}

pub fn first_of_month(day: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(day.year(), day.month(), 1)
}

/// The first day of the month `delta` months from `first` (itself a first of month).
pub fn shift_months(first: NaiveDate, delta: i32) -> Option<NaiveDate> {
    let index = first.year() * 12 + i32::try_from(first.month0()).ok()? + delta;
    let month = u32::try_from(index.rem_euclid(12)).ok()? + 1;
    NaiveDate::from_ymd_opt(index.div_euclid(12), month, 1)
}

/// `count` months starting `delta` months from the month starting at `first`.
fn months(first: NaiveDate, delta: i32, count: i32) -> Option<DayRange> {
    let start = shift_months(first, delta)?;
    let end = shift_months(start, count)?.pred_opt()?;
    Some(DayRange::between(start, end))
}

/// The week (Sunday to Saturday) `delta` weeks from the week starting on `sunday`.
fn weeks(sunday: NaiveDate, delta: i64) -> Option<DayRange> {
    let start = if delta >= 0 {
        sunday.checked_add_days(Days::new(u64::try_from(delta * 7).ok()?))?
    } else {
        sunday.checked_sub_days(Days::new(u64::try_from(-delta * 7).ok()?))?
    };
    Some(DayRange::between(
        start,
        start.checked_add_days(Days::new(6))?,
    ))
}

fn years(year: i32) -> Option<DayRange> {
    Some(DayRange::between(
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn resolves_relative_literals() {
        // A Wednesday in the middle of a quarter.
        let today = day("2026-05-13");
        assert_eq!(resolve("TODAY", today), Some(DayRange::day(today)));
        assert_eq!(
            resolve("last_n_days:30", today),
            Some(DayRange::between(day("2026-04-13"), today))
        );
        assert_eq!(
            resolve("NEXT_N_DAYS:2", today),
            Some(DayRange::between(day("2026-05-14"), day("2026-05-15")))
        );
        assert_eq!(
            resolve("THIS_MONTH", today),
            Some(DayRange::between(day("2026-05-01"), day("2026-05-31")))
        );
        assert_eq!(
            resolve("LAST_MONTH", today),
            Some(DayRange::between(day("2026-04-01"), day("2026-04-30")))
        );
        assert_eq!(
            resolve("THIS_WEEK", today),
            Some(DayRange::between(day("2026-05-10"), day("2026-05-16")))
        );
        assert_eq!(
            resolve("LAST_QUARTER", today),
            Some(DayRange::between(day("2026-01-01"), day("2026-03-31")))
        );
        assert_eq!(
            resolve("LAST_YEAR", today),
            Some(DayRange::between(day("2025-01-01"), day("2025-12-31")))
        );
        assert_eq!(resolve("SOMETIME", today), None);
        assert_eq!(resolve("LAST_N_DAYS:x", today), None);
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        assert_eq!(shift_months(day("2026-01-01"), -1), Some(day("2025-12-01")));
        assert_eq!(shift_months(day("2025-12-01"), 1), Some(day("2026-01-01")));
        assert_eq!(
            resolve("LAST_MONTH", day("2026-01-20")),
            Some(DayRange::between(day("2025-12-01"), day("2025-12-31")))
        );
    }

    #[test]
    fn every_offered_duration_resolves() {
        let today = day("2026-02-28");
        for (_, durations) in DURATION_GROUPS {
            for (value, _) in *durations {
                assert!(resolve(value, today).is_some(), "{value}");
            }
        }
    }
}
