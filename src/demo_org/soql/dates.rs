//! Date literals (`TODAY`, `LAST_N_DAYS:n`, …) as ranges of days, and the date functions
//! (`CALENDAR_YEAR`, `DAY_ONLY`, …). Everything is in UTC; weeks start on Sunday (en_US) and the
//! fiscal year is the calendar year, as in a default org.

use chrono::{Datelike, Days, Months, NaiveDate, Timelike};
use serde_json::Value;

use crate::demo_org::store::{parse_date, parse_datetime};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// A relative date literal: `len` units that start `offset` units after the current one (the
/// current day, week, month, quarter or year).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelativeDate {
    unit: Unit,
    offset: i64,
    len: i64,
}

/// Whether a word is a date literal, and whether it takes `:n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiteralForm {
    Fixed(RelativeDate),
    WithCount,
}

fn unit(name: &str) -> Option<Unit> {
    Some(match name {
        "DAY" | "DAYS" => Unit::Day,
        "WEEK" | "WEEKS" => Unit::Week,
        "MONTH" | "MONTHS" => Unit::Month,
        "QUARTER" | "QUARTERS" => Unit::Quarter,
        "YEAR" | "YEARS" => Unit::Year,
        _ => return None,
    })
}

impl RelativeDate {
    /// Recognises a date literal keyword (any case). `FISCAL_` forms mean their calendar form.
    pub fn form(word: &str) -> Option<LiteralForm> {
        let upper = word.to_ascii_uppercase().replace("FISCAL_", "");
        let fixed =
            |unit, offset, len| Some(LiteralForm::Fixed(RelativeDate { unit, offset, len }));
        match upper.as_str() {
            "YESTERDAY" => return fixed(Unit::Day, -1, 1),
            "TODAY" => return fixed(Unit::Day, 0, 1),
            "TOMORROW" => return fixed(Unit::Day, 1, 1),
            // Both include today: 91 days in all.
            "LAST_90_DAYS" => return fixed(Unit::Day, -90, 91),
            "NEXT_90_DAYS" => return fixed(Unit::Day, 1, 90),
            _ => {}
        }
        if Self::counted(&upper, 1).is_some() {
            return Some(LiteralForm::WithCount);
        }
        let (relation, name) = upper.split_once('_')?;
        let unit = unit(name).filter(|u| *u != Unit::Day && !name.ends_with('S'))?;
        let offset = match relation {
            "LAST" => -1,
            "THIS" => 0,
            "NEXT" => 1,
            _ => return None,
        };
        fixed(unit, offset, 1)
    }

    /// A literal that takes `:n`, such as `LAST_N_DAYS` with `n`.
    pub fn with_count(word: &str, n: i64) -> Option<RelativeDate> {
        Self::counted(&word.to_ascii_uppercase().replace("FISCAL_", ""), n)
    }

    fn counted(upper: &str, n: i64) -> Option<RelativeDate> {
        if let Some(name) = upper.strip_prefix("LAST_N_") {
            let unit = unit(name).filter(|_| name.ends_with('S'))?;
            // LAST_N_DAYS includes today; the other units stop before the current one.
            let len = if unit == Unit::Day { n + 1 } else { n };
            return Some(RelativeDate {
                unit,
                offset: -n,
                len,
            });
        }
        if let Some(name) = upper.strip_prefix("NEXT_N_") {
            let unit = unit(name).filter(|_| name.ends_with('S'))?;
            return Some(RelativeDate {
                unit,
                offset: 1,
                len: n,
            });
        }
        let name = upper.strip_prefix("N_")?.strip_suffix("_AGO")?;
        let unit = unit(name).filter(|_| name.ends_with('S'))?;
        Some(RelativeDate {
            unit,
            offset: -n,
            len: 1,
        })
    }

    /// The first day of the range and the first day after it.
    pub fn bounds(&self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let current = match self.unit {
            Unit::Day => today,
            Unit::Week => today
                .checked_sub_days(Days::new(u64::from(today.weekday().num_days_from_sunday())))?,
            Unit::Month => today.with_day(1)?,
            Unit::Quarter => {
                NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1)?
            }
            Unit::Year => NaiveDate::from_ymd_opt(today.year(), 1, 1)?,
        };
        let start = self.shift(current, self.offset)?;
        let end = self.shift(start, self.len)?;
        Some((start, end))
    }

    fn shift(&self, day: NaiveDate, units: i64) -> Option<NaiveDate> {
        let (per_unit, months) = match self.unit {
            Unit::Day => (1, false),
            Unit::Week => (7, false),
            Unit::Month => (1, true),
            Unit::Quarter => (3, true),
            Unit::Year => (12, true),
        };
        let amount = units.checked_mul(per_unit)?;
        let magnitude = u32::try_from(amount.unsigned_abs()).ok()?;
        match (months, amount >= 0) {
            (false, true) => day.checked_add_days(Days::new(u64::from(magnitude))),
            (false, false) => day.checked_sub_days(Days::new(u64::from(magnitude))),
            (true, true) => day.checked_add_months(Months::new(magnitude)),
            (true, false) => day.checked_sub_months(Months::new(magnitude)),
        }
    }
}

/// The date functions of SELECT, WHERE, GROUP BY and HAVING.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateFunction {
    CalendarYear,
    CalendarQuarter,
    CalendarMonth,
    DayInMonth,
    DayInWeek,
    DayInYear,
    DayOnly,
    HourInDay,
    WeekInMonth,
    WeekInYear,
    FiscalYear,
    FiscalQuarter,
    FiscalMonth,
}

impl DateFunction {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "CALENDAR_YEAR" => Self::CalendarYear,
            "CALENDAR_QUARTER" => Self::CalendarQuarter,
            "CALENDAR_MONTH" => Self::CalendarMonth,
            "DAY_IN_MONTH" => Self::DayInMonth,
            "DAY_IN_WEEK" => Self::DayInWeek,
            "DAY_IN_YEAR" => Self::DayInYear,
            "DAY_ONLY" => Self::DayOnly,
            "HOUR_IN_DAY" => Self::HourInDay,
            "WEEK_IN_MONTH" => Self::WeekInMonth,
            "WEEK_IN_YEAR" => Self::WeekInYear,
            "FISCAL_YEAR" => Self::FiscalYear,
            "FISCAL_QUARTER" => Self::FiscalQuarter,
            "FISCAL_MONTH" => Self::FiscalMonth,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::CalendarYear => "CALENDAR_YEAR",
            Self::CalendarQuarter => "CALENDAR_QUARTER",
            Self::CalendarMonth => "CALENDAR_MONTH",
            Self::DayInMonth => "DAY_IN_MONTH",
            Self::DayInWeek => "DAY_IN_WEEK",
            Self::DayInYear => "DAY_IN_YEAR",
            Self::DayOnly => "DAY_ONLY",
            Self::HourInDay => "HOUR_IN_DAY",
            Self::WeekInMonth => "WEEK_IN_MONTH",
            Self::WeekInYear => "WEEK_IN_YEAR",
            Self::FiscalYear => "FISCAL_YEAR",
            Self::FiscalQuarter => "FISCAL_QUARTER",
            Self::FiscalMonth => "FISCAL_MONTH",
        }
    }

    /// True for the functions that need a time of day (a dateTime field).
    pub fn needs_time(self) -> bool {
        matches!(self, Self::DayOnly | Self::HourInDay)
    }

    /// True when the result is a date (`DAY_ONLY`) rather than a number.
    pub fn yields_date(self) -> bool {
        self == Self::DayOnly
    }

    /// The function applied to a stored date or datetime value; null stays null.
    pub fn apply(self, value: &Value) -> Value {
        let Some(text) = value.as_str() else {
            return Value::Null;
        };
        let (day, hour) = match parse_datetime(text) {
            Some(at) => (at.date_naive(), at.hour()),
            None => match parse_date(text) {
                Some(day) => (day, 0),
                None => return Value::Null,
            },
        };
        let number = match self {
            Self::DayOnly => return Value::String(day.format("%Y-%m-%d").to_string()),
            Self::CalendarYear | Self::FiscalYear => day.year().into(),
            Self::CalendarQuarter | Self::FiscalQuarter => (day.month0() / 3 + 1).into(),
            Self::CalendarMonth | Self::FiscalMonth => day.month().into(),
            Self::DayInMonth => day.day().into(),
            Self::DayInWeek => (day.weekday().num_days_from_sunday() + 1).into(),
            Self::DayInYear => day.ordinal().into(),
            Self::HourInDay => hour.into(),
            Self::WeekInMonth => (day.day0() / 7 + 1).into(),
            Self::WeekInYear => (day.ordinal0() / 7 + 1).into(),
        };
        Value::Number(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).expect("date")
    }

    fn range(word: &str, n: Option<i64>) -> (String, String) {
        let literal = match (RelativeDate::form(word), n) {
            (Some(LiteralForm::Fixed(d)), None) => d,
            (Some(LiteralForm::WithCount), Some(n)) => {
                RelativeDate::with_count(word, n).expect("counted")
            }
            other => panic!("unexpected form {other:?}"),
        };
        // Wednesday 2026-11-18.
        let (start, end) = literal.bounds(day("2026-11-18")).expect("bounds");
        (start.to_string(), end.to_string())
    }

    #[test]
    fn day_literals() {
        let r = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(range("TODAY", None), r("2026-11-18", "2026-11-19"));
        assert_eq!(range("yesterday", None), r("2026-11-17", "2026-11-18"));
        assert_eq!(range("TOMORROW", None), r("2026-11-19", "2026-11-20"));
        assert_eq!(range("LAST_N_DAYS", Some(2)), r("2026-11-16", "2026-11-19"));
        assert_eq!(range("NEXT_N_DAYS", Some(3)), r("2026-11-19", "2026-11-22"));
        assert_eq!(range("N_DAYS_AGO", Some(3)), r("2026-11-15", "2026-11-16"));
        assert_eq!(range("LAST_90_DAYS", None), r("2026-08-20", "2026-11-19"));
        assert_eq!(range("NEXT_90_DAYS", None), r("2026-11-19", "2027-02-17"));
    }

    #[test]
    fn week_month_quarter_year_literals() {
        let r = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(range("THIS_WEEK", None), r("2026-11-15", "2026-11-22"));
        assert_eq!(range("LAST_WEEK", None), r("2026-11-08", "2026-11-15"));
        assert_eq!(range("NEXT_WEEK", None), r("2026-11-22", "2026-11-29"));
        assert_eq!(
            range("LAST_N_WEEKS", Some(2)),
            r("2026-11-01", "2026-11-15")
        );
        assert_eq!(range("THIS_MONTH", None), r("2026-11-01", "2026-12-01"));
        assert_eq!(range("LAST_MONTH", None), r("2026-10-01", "2026-11-01"));
        assert_eq!(
            range("NEXT_N_MONTHS", Some(2)),
            r("2026-12-01", "2027-02-01")
        );
        assert_eq!(
            range("N_MONTHS_AGO", Some(11)),
            r("2025-12-01", "2026-01-01")
        );
        assert_eq!(range("THIS_QUARTER", None), r("2026-10-01", "2027-01-01"));
        assert_eq!(
            range("LAST_FISCAL_QUARTER", None),
            r("2026-07-01", "2026-10-01")
        );
        assert_eq!(range("THIS_YEAR", None), r("2026-01-01", "2027-01-01"));
        assert_eq!(
            range("LAST_N_YEARS", Some(2)),
            r("2024-01-01", "2026-01-01")
        );
        assert_eq!(range("N_YEARS_AGO", Some(1)), r("2025-01-01", "2026-01-01"));
    }

    #[test]
    fn unknown_words_are_not_literals() {
        assert_eq!(RelativeDate::form("Name"), None);
        assert_eq!(RelativeDate::form("LAST_DAYS"), None);
        assert_eq!(RelativeDate::form("THIS_DAY"), None);
        assert_eq!(RelativeDate::form("LAST_N_DAY"), None);
        assert_eq!(
            RelativeDate::form("LAST_N_DAYS"),
            Some(LiteralForm::WithCount)
        );
    }

    #[test]
    fn date_functions() {
        let at = json!("2026-11-18T21:05:00.000+0000");
        assert_eq!(DateFunction::CalendarYear.apply(&at), json!(2026));
        assert_eq!(DateFunction::CalendarQuarter.apply(&at), json!(4));
        assert_eq!(DateFunction::CalendarMonth.apply(&at), json!(11));
        assert_eq!(DateFunction::DayInWeek.apply(&at), json!(4));
        assert_eq!(DateFunction::DayOnly.apply(&at), json!("2026-11-18"));
        assert_eq!(DateFunction::HourInDay.apply(&at), json!(21));
        assert_eq!(DateFunction::WeekInMonth.apply(&at), json!(3));
        assert_eq!(
            DateFunction::DayInMonth.apply(&json!("2026-02-03")),
            json!(3)
        );
        assert_eq!(DateFunction::CalendarYear.apply(&Value::Null), Value::Null);
    }
}
