//! Column values read from records, and their report wire form: data cells `{label, value}`
//! with labels formatted as Salesforce shows them to an en_US user in the org's time zone (UTC).

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use super::columns::{Column, DataType, Source};
use crate::demo_org::store::{OrgData, Record, parse_date, parse_datetime};

/// A typed column value of one record.
#[derive(Clone, Debug, PartialEq)]
pub enum Datum {
    Null,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

impl Datum {
    pub fn is_null(&self) -> bool {
        matches!(self, Datum::Null)
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Datum::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The day of a date or datetime value.
    pub fn day(&self) -> Option<NaiveDate> {
        match self {
            Datum::Date(d) => Some(*d),
            Datum::DateTime(t) => Some(t.date_naive()),
            _ => None,
        }
    }

    /// Orders values of one column: text case-insensitively, empty values last.
    pub fn compare(&self, other: &Datum) -> Ordering {
        match (self, other) {
            (Datum::Null, Datum::Null) => Ordering::Equal,
            (Datum::Null, _) => Ordering::Greater,
            (_, Datum::Null) => Ordering::Less,
            (Datum::Text(a), Datum::Text(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
            (Datum::Number(a), Datum::Number(b)) => a.total_cmp(b),
            (Datum::Bool(a), Datum::Bool(b)) => a.cmp(b),
            (Datum::Date(a), Datum::Date(b)) => a.cmp(b),
            (Datum::DateTime(a), Datum::DateTime(b)) => a.cmp(b),
            _ => Ordering::Equal,
        }
    }
}

/// Reads the value of `column` for `record`; `now` dates the age of open records.
pub fn read(column: &Column, record: &Record, org: &OrgData, now: DateTime<Utc>) -> Datum {
    match column.source {
        Source::Field(field) => typed(column.data_type, record.get(field)),
        Source::Parent { lookup, field } => record
            .get_str(lookup)
            .and_then(|id| org.get(id))
            .map_or(Datum::Null, |parent| {
                typed(column.data_type, parent.get(field))
            }),
        Source::DayOf(field) => record
            .get_str(field)
            .and_then(parse_datetime)
            .map_or(Datum::Null, |t| Datum::Date(t.date_naive())),
        Source::AgeInDays { opened, closed } => {
            let Some(opened) = record.get_str(opened).and_then(parse_datetime) else {
                return Datum::Null;
            };
            let until = record
                .get_str(closed)
                .and_then(parse_datetime)
                .unwrap_or(now);
            // Seconds to days: precise enough for an f64 over any realistic span.
            #[allow(clippy::cast_precision_loss)]
            let days = (until - opened).num_seconds() as f64 / 86_400.0;
            Datum::Number(days.max(0.0))
        }
    }
}

/// A record field value in wire form, typed for a column.
fn typed(data_type: DataType, value: &Value) -> Datum {
    match data_type {
        DataType::Boolean => match value {
            Value::Bool(b) => Datum::Bool(*b),
            Value::String(s) => Datum::Bool(s.eq_ignore_ascii_case("true")),
            // Checkboxes are never empty: an absent value is unchecked.
            _ => Datum::Bool(false),
        },
        DataType::Int | DataType::Double => match value {
            Value::Number(n) => n.as_f64().map_or(Datum::Null, Datum::Number),
            Value::String(s) => s.trim().parse().map_or(Datum::Null, Datum::Number),
            _ => Datum::Null,
        },
        DataType::Date => value
            .as_str()
            .and_then(|s| parse_date(s).or_else(|| parse_datetime(s).map(|t| t.date_naive())))
            .map_or(Datum::Null, Datum::Date),
        DataType::DateTime => value
            .as_str()
            .and_then(parse_datetime)
            .map_or(Datum::Null, Datum::DateTime),
        DataType::String | DataType::TextArea | DataType::Email | DataType::Picklist => match value
        {
            Value::String(s) if !s.is_empty() => Datum::Text(s.clone()),
            Value::Number(n) => Datum::Text(n.to_string()),
            Value::Bool(b) => Datum::Text(b.to_string()),
            _ => Datum::Null,
        },
    }
}

/// The data cell of `column` for `record`, whose value is `datum`.
pub fn cell(column: &Column, record: &Record, datum: &Datum) -> Value {
    let label = label(column, datum);
    let value = match column.link {
        Some("Id") if !datum.is_null() => Value::String(record.id.clone()),
        Some(id_field) if !datum.is_null() => record.get(id_field).clone(),
        Some(_) => Value::Null,
        None => wire_value(column, datum),
    };
    json!({ "label": label, "value": value })
}

/// The label Salesforce shows for a value of `column`: `-` when empty.
pub fn label(column: &Column, datum: &Datum) -> String {
    match datum {
        Datum::Null => "-".to_owned(),
        Datum::Text(s) => s.clone(),
        Datum::Number(n) => number_label(*n, column.scale),
        Datum::Bool(b) => b.to_string(),
        Datum::Date(d) => date_label(*d),
        Datum::DateTime(t) => datetime_label(*t),
    }
}

/// The `value` of a data cell or grouping: numbers as numbers, dates in ISO form.
pub fn wire_value(column: &Column, datum: &Datum) -> Value {
    match datum {
        Datum::Null => Value::Null,
        Datum::Text(s) => Value::String(s.clone()),
        Datum::Number(n) => number_value(*n, column.scale),
        Datum::Bool(b) => Value::Bool(*b),
        Datum::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
        Datum::DateTime(t) => Value::String(analytics_timestamp(*t)),
    }
}

/// A number as JSON: whole values of columns without decimals as integers.
pub fn number_value(n: f64, scale: u32) -> Value {
    if scale == 0 && n.fract() == 0.0 && n.abs() < 9.0e15 {
        // Exact: a whole number well inside the i64 range.
        #[allow(clippy::cast_possible_truncation)]
        return json!(n as i64);
    }
    json!(n)
}

/// `1,234.5` for `scale` 1: fixed decimals and thousands separators.
pub fn number_label(n: f64, scale: u32) -> String {
    let places = usize::try_from(scale).unwrap_or(0);
    let text = format!("{:.*}", places, n.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w.to_owned(), Some(f.to_owned())),
        None => (text.clone(), None),
    };
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let is_zero = text.chars().all(|c| c == '0' || c == '.');
    let sign = if n < 0.0 && !is_zero { "-" } else { "" };
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `8/12/2015`
pub fn date_label(day: NaiveDate) -> String {
    day.format("%-m/%-d/%Y").to_string()
}

/// `8/12/2015 4:05 PM`
pub fn datetime_label(at: DateTime<Utc>) -> String {
    at.format("%-m/%-d/%Y %-I:%M %p").to_string()
}

/// `2015-08-12T16:05:43Z`, the timestamp format of the Analytics API.
pub fn analytics_timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_labelled_with_separators_and_scale() {
        assert_eq!(number_label(1234.0, 0), "1,234");
        assert_eq!(number_label(1234567.891, 2), "1,234,567.89");
        assert_eq!(number_label(12.0, 1), "12.0");
        assert_eq!(number_label(-1000.0, 0), "-1,000");
        assert_eq!(number_label(-0.001, 1), "0.0");
        assert_eq!(number_value(3.0, 0), json!(3));
        assert_eq!(number_value(2.5, 0), json!(2.5));
    }

    #[test]
    fn dates_are_labelled_like_salesforce() {
        let at = parse_datetime("2015-08-12T16:05:43.000+0000").expect("datetime");
        assert_eq!(datetime_label(at), "8/12/2015 4:05 PM");
        assert_eq!(date_label(at.date_naive()), "8/12/2015");
        assert_eq!(analytics_timestamp(at), "2015-08-12T16:05:43Z");
    }

    #[test]
    fn empty_values_sort_last() {
        let mut values = vec![
            Datum::Null,
            Datum::Text("b".into()),
            Datum::Text("A".into()),
        ];
        values.sort_by(Datum::compare);
        assert_eq!(
            values,
            vec![
                Datum::Text("A".into()),
                Datum::Text("b".into()),
                Datum::Null
            ]
        );
    }
}
