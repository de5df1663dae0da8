//! Checks report metadata against its report type and turns it into a plan the engine runs:
//! columns resolved, filters parsed, the date filter resolved to days. Anything the report type
//! cannot do is refused here with a 400, before any record is read.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::columns::{Column, DataType, ReportType};
use super::dates::{self, DayRange};
use super::filters::{Condition, Logic};
use super::metadata::{Grouping, ReportFormat, ReportMetadata, invalid};
use crate::demo_org::api::error::ApiError;
use crate::demo_org::store::{parse_date, parse_datetime};

/// How a date column's groups are sized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Granularity {
    /// `None` (the column's own values) or a granularity; date columns group by day when `None`.
    fn parse(text: &str) -> Result<Option<Self>, ()> {
        match text.to_ascii_lowercase().as_str() {
            "none" | "" => Ok(None),
            "day" => Ok(Some(Granularity::Day)),
            "week" => Ok(Some(Granularity::Week)),
            "month" => Ok(Some(Granularity::Month)),
            "quarter" => Ok(Some(Granularity::Quarter)),
            "year" => Ok(Some(Granularity::Year)),
            _ => Err(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupLevel {
    pub column: &'static Column,
    pub descending: bool,
    pub granularity: Option<Granularity>,
    /// Index into `Plan::aggregates` of the summary the groups are ordered by.
    pub sort_aggregate: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggregateKind {
    RowCount,
    Sum,
    Average,
    Min,
    Max,
    UniqueCount,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// `RowCount`, `s!COLUMN`, …: the key of the summary in the metadata.
    pub identity: String,
    pub kind: AggregateKind,
    pub column: Option<&'static Column>,
}

impl Aggregate {
    fn parse(identity: &str, report_type: &ReportType) -> Result<Self, ApiError> {
        if identity == "RowCount" {
            return Ok(Aggregate {
                identity: identity.to_owned(),
                kind: AggregateKind::RowCount,
                column: None,
            });
        }
        let bad = || {
            invalid(format!(
                "The aggregate {identity} is not valid. Use RowCount, or s!, a!, m!, x! or u! followed by a column name."
            ))
        };
        let (prefix, name) = identity.split_once('!').ok_or_else(bad)?;
        let kind = match prefix {
            "s" => AggregateKind::Sum,
            "a" => AggregateKind::Average,
            "m" => AggregateKind::Min,
            "x" => AggregateKind::Max,
            "u" => AggregateKind::UniqueCount,
            _ => return Err(bad()),
        };
        let column = find_column(report_type, name)?;
        if kind != AggregateKind::UniqueCount && !column.data_type.is_numeric() {
            return Err(invalid(format!(
                "The aggregate {identity} needs a numeric column; {name} is of type {}.",
                column.data_type.wire_name()
            )));
        }
        Ok(Aggregate {
            identity: identity.to_owned(),
            kind,
            column: Some(column),
        })
    }

    /// `Record Count`, `Sum of KB Articles Shown`, …
    pub fn label(&self) -> String {
        let column = self.column.map_or("", |c| c.label);
        match self.kind {
            AggregateKind::RowCount => "Record Count".to_owned(),
            AggregateKind::Sum => format!("Sum of {column}"),
            AggregateKind::Average => format!("Average of {column}"),
            AggregateKind::Min => format!("Smallest {column}"),
            AggregateKind::Max => format!("Largest {column}"),
            AggregateKind::UniqueCount => format!("Unique {column}"),
        }
    }

    pub fn data_type(&self) -> DataType {
        match (self.kind, self.column) {
            (AggregateKind::RowCount | AggregateKind::UniqueCount, _) | (_, None) => DataType::Int,
            (AggregateKind::Average, Some(_)) => DataType::Double,
            (_, Some(column)) => column.data_type,
        }
    }

    /// Decimal places of the summary's label: averages show at least two.
    pub fn scale(&self) -> u32 {
        match (self.kind, self.column) {
            (AggregateKind::RowCount | AggregateKind::UniqueCount, _) | (_, None) => 0,
            (AggregateKind::Average, Some(column)) => column.scale.max(2),
            (_, Some(column)) => column.scale,
        }
    }
}

/// The standard date filter resolved to days.
#[derive(Clone, Debug, PartialEq)]
pub struct DateFilter {
    pub column: &'static Column,
    pub range: DayRange,
}

/// A report ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub report_type: &'static ReportType,
    pub format: ReportFormat,
    pub detail: Vec<&'static Column>,
    pub down: Vec<GroupLevel>,
    pub across: Vec<GroupLevel>,
    pub aggregates: Vec<Aggregate>,
    pub conditions: Vec<Condition>,
    pub logic: Option<Logic>,
    pub date_filter: Option<DateFilter>,
    /// Detail row order: column and descending.
    pub sort: Vec<(&'static Column, bool)>,
}

impl Plan {
    /// Checks `meta` and plans its run; relative dates resolve against `today`. Returns the plan
    /// and the metadata as run, with the dates of a relative date filter filled in.
    pub fn new(
        meta: &ReportMetadata,
        today: NaiveDate,
    ) -> Result<(Plan, ReportMetadata), ApiError> {
        let report_type = meta.report_type;
        let mut effective = meta.clone();
        let detail = meta
            .detail_columns
            .iter()
            .map(|name| find_column(report_type, name))
            .collect::<Result<Vec<_>, _>>()?;
        let aggregates = meta
            .aggregates
            .iter()
            .map(|identity| Aggregate::parse(identity, report_type))
            .collect::<Result<Vec<_>, _>>()?;
        check_format(meta)?;
        let down = group_levels(&meta.groupings_down, report_type, &aggregates)?;
        let across = group_levels(&meta.groupings_across, report_type, &aggregates)?;
        let mut grouped: Vec<&str> = down.iter().chain(&across).map(|l| l.column.name).collect();
        grouped.sort_unstable();
        if grouped.windows(2).any(|pair| pair.first() == pair.get(1)) {
            return Err(invalid("A column can be used in only one grouping."));
        }
        let conditions = meta
            .filters
            .iter()
            .map(|f| {
                Condition::new(
                    find_column(report_type, &f.column)?,
                    &f.operator,
                    &f.value,
                    today,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let logic = meta
            .boolean_filter
            .as_deref()
            .map(|text| Logic::parse(text, conditions.len()))
            .transpose()?;
        let date_filter = match &mut effective.standard_date_filter {
            Some(filter) => {
                let column = find_column(report_type, &filter.column)?;
                if !column.data_type.is_temporal() {
                    return Err(invalid(format!(
                        "The standard date filter needs a date column; {} is of type {}.",
                        column.name,
                        column.data_type.wire_name()
                    )));
                }
                let range = if filter.duration_value.eq_ignore_ascii_case(dates::CUSTOM) {
                    DayRange {
                        start: optional_day(filter.start_date.as_deref())?,
                        end: optional_day(filter.end_date.as_deref())?,
                    }
                } else {
                    let range = dates::resolve(&filter.duration_value, today).ok_or_else(|| {
                        invalid(format!(
                            "The standard date filter duration {} is not valid.",
                            filter.duration_value
                        ))
                    })?;
                    filter.start_date = range.start.map(|d| d.format("%Y-%m-%d").to_string());
                    filter.end_date = range.end.map(|d| d.format("%Y-%m-%d").to_string());
                    range
                };
                Some(DateFilter { column, range })
            }
            None => None,
        };
        let sort = meta
            .sort_by
            .iter()
            .map(|s| Ok((find_column(report_type, &s.column)?, parse_order(&s.order)?)))
            .collect::<Result<Vec<_>, ApiError>>()?;
        let plan = Plan {
            report_type,
            format: meta.format,
            detail,
            down,
            across,
            aggregates,
            conditions,
            logic,
            date_filter,
            sort,
        };
        Ok((plan, effective))
    }

    /// `reportExtendedMetadata`: labels and data types of the summaries, detail columns and
    /// groupings.
    pub fn extended_metadata(&self) -> Value {
        let mut aggregates = Map::new();
        for aggregate in &self.aggregates {
            aggregates.insert(
                aggregate.identity.clone(),
                json!({
                    "acrossGroupingContext": null,
                    "dataType": aggregate.data_type().wire_name(),
                    "downGroupingContext": null,
                    "label": aggregate.label(),
                }),
            );
        }
        let mut details = Map::new();
        for column in &self.detail {
            details.insert(
                column.name.to_owned(),
                json!({ "dataType": column.data_type.wire_name(), "label": column.label }),
            );
        }
        let mut groupings = Map::new();
        for levels in [&self.down, &self.across] {
            for (level, grouping) in levels.iter().enumerate() {
                groupings.insert(
                    grouping.column.name.to_owned(),
                    json!({
                        "dataType": grouping.column.data_type.wire_name(),
                        "groupingLevel": level,
                        "label": grouping.column.label,
                    }),
                );
            }
        }
        json!({
            "aggregateColumnInfo": aggregates,
            "detailColumnInfo": details,
            "groupingColumnInfo": groupings,
        })
    }
}

/// A column of the report type, or 400 naming it.
pub fn find_column(report_type: &ReportType, name: &str) -> Result<&'static Column, ApiError> {
    report_type.column(name).ok_or_else(|| {
        invalid(format!(
            "The column {name} is not valid for the report type {}.",
            report_type.label
        ))
    })
}

fn check_format(meta: &ReportMetadata) -> Result<(), ApiError> {
    let (down, across) = (meta.groupings_down.len(), meta.groupings_across.len());
    let problem = match meta.format {
        ReportFormat::Tabular if down + across > 0 => "A tabular report can't have groupings.",
        ReportFormat::Summary if across > 0 => {
            "A summary report can't have column groupings (groupingsAcross)."
        }
        ReportFormat::Summary if down == 0 => "A summary report needs at least one grouping.",
        ReportFormat::Summary if down > 3 => "A summary report can have at most 3 groupings.",
        ReportFormat::Matrix if down == 0 || across == 0 => {
            "A matrix report needs at least one row grouping and one column grouping."
        }
        ReportFormat::Matrix if down > 2 || across > 2 => {
            "A matrix report can have at most 2 row groupings and 2 column groupings."
        }
        _ => return Ok(()),
    };
    Err(invalid(problem))
}

fn group_levels(
    groupings: &[Grouping],
    report_type: &ReportType,
    aggregates: &[Aggregate],
) -> Result<Vec<GroupLevel>, ApiError> {
    groupings
        .iter()
        .map(|grouping| {
            let column = find_column(report_type, &grouping.name)?;
            if column.data_type == DataType::TextArea {
                return Err(invalid(format!("The column {} can't be grouped.", column.name)));
            }
            let granularity = Granularity::parse(&grouping.date_granularity).map_err(|()| {
                invalid(format!(
                    "The date granularity {} is not valid. Use None, Day, Week, Month, Quarter or Year.",
                    grouping.date_granularity
                ))
            })?;
            if granularity.is_some() && !column.data_type.is_temporal() {
                return Err(invalid(format!(
                    "The column {} is not a date column and can't be grouped by {}.",
                    column.name, grouping.date_granularity
                )));
            }
            let sort_aggregate = match &grouping.sort_aggregate {
                None => None,
                Some(identity) => Some(
                    aggregates
                        .iter()
                        .position(|a| &a.identity == identity)
                        .ok_or_else(|| {
                            invalid(format!(
                                "The grouping {} is sorted by {identity}, which is not one of the report's aggregates.",
                                column.name
                            ))
                        })?,
                ),
            };
            Ok(GroupLevel {
                column,
                descending: parse_order(&grouping.sort_order)?,
                granularity,
                sort_aggregate,
            })
        })
        .collect()
}

/// `Asc` → false, `Desc` → true.
fn parse_order(text: &str) -> Result<bool, ApiError> {
    match text.to_ascii_lowercase().as_str() {
        "asc" => Ok(false),
        "desc" => Ok(true),
        _ => Err(invalid(format!(
            "The sort order {text} is not valid. Use Asc or Desc."
        ))),
    }
}

fn optional_day(text: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    match text {
        None => Ok(None),
        Some(t) if t.trim().is_empty() => Ok(None),
        Some(t) => parse_date(t.trim())
            .or_else(|| parse_datetime(t.trim()).map(|d| d.date_naive()))
            .map(Some)
            .ok_or_else(|| {
                invalid(format!(
                    "The date {t} is not valid. Use the format YYYY-MM-DD."
                ))
            }),
    }
}
