//! `reportTypeMetadata` of the report describe: the report type's columns by section with the
//! values they can be filtered on, the operators per data type, and the date filter durations.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::columns::{DataType, ReportType};
use super::dates::{self, DURATION_GROUPS};
use super::filters::Operator;
use crate::demo_org::schema::Schema;

pub fn report_type_metadata(report_type: &ReportType, schema: &Schema, today: NaiveDate) -> Value {
    let mut categories: Vec<(&str, Map<String, Value>)> = Vec::new();
    for column in report_type.columns {
        let filter_values: Vec<Value> = match column.data_type {
            DataType::Boolean => vec![
                json!({ "label": "True", "name": "true" }),
                json!({ "label": "False", "name": "false" }),
            ],
            _ => column
                .picklist_values(report_type.sobject, schema)
                .unwrap_or_default()
                .into_iter()
                .map(|(value, label)| json!({ "label": label, "name": value }))
                .collect(),
        };
        let entry = json!({
            "dataType": column.data_type.wire_name(),
            "filterValues": filter_values,
            "filterable": true,
            "label": column.label,
            "uniqueCountable": column.data_type != DataType::TextArea,
        });
        match categories
            .iter_mut()
            .find(|(label, _)| *label == column.category)
        {
            Some((_, columns)) => {
                columns.insert(column.name.to_owned(), entry);
            }
            None => {
                let mut columns = Map::new();
                columns.insert(column.name.to_owned(), entry);
                categories.push((column.category, columns));
            }
        }
    }
    let mut operators = Map::new();
    for data_type in DataType::ALL {
        let list: Vec<Value> = Operator::for_type(data_type)
            .iter()
            .map(|o| json!({ "label": o.label(), "name": o.name() }))
            .collect();
        operators.insert(data_type.wire_name().to_owned(), Value::Array(list));
    }
    let mut duration_groups: Vec<Value> = DURATION_GROUPS
        .iter()
        .map(|(label, durations)| {
            json!({
                "label": label,
                "standardDateFilterDurations": durations
                    .iter()
                    .map(|(value, label)| duration_json(value, label, today))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    duration_groups.push(json!({
        "label": "Custom",
        "standardDateFilterDurations": [{
            "endDate": null,
            "label": "Custom",
            "startDate": null,
            "value": dates::CUSTOM,
        }],
    }));
    let categories: Vec<Value> = categories
        .into_iter()
        .map(|(label, columns)| json!({ "columns": columns, "label": label }))
        .collect();
    let granularities: Vec<Value> = ["None", "Day", "Week", "Month", "Quarter", "Year"]
        .iter()
        .map(|g| json!({ "label": g, "name": g }))
        .collect();
    json!({
        "categories": categories,
        "dataTypeFilterOperatorMap": operators,
        "dateGranularityInfos": granularities,
        "divisionInfo": null,
        "scopeInfo": {
            "defaultValue": "organization",
            "values": [{
                "allowsDivision": false,
                "label": report_type.scope_label,
                "value": "organization",
            }],
        },
        "standardDateFilterDurationGroups": duration_groups,
        "standardFilterInfos": null,
        "supportsJoinedFormat": false,
    })
}

/// One duration with the days it covers as of `today`.
fn duration_json(value: &str, label: &str, today: NaiveDate) -> Value {
    let range = dates::resolve(value, today);
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    json!({
        "endDate": day(range.and_then(|r| r.end)),
        "label": label,
        "startDate": day(range.and_then(|r| r.start)),
        "value": value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::api::analytics::columns::CASES;
    use crate::demo_org::objects::demo_schema;

    #[test]
    fn lists_columns_by_section_with_picklist_values() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 13).expect("date");
        let metadata = report_type_metadata(&CASES, &demo_schema(), today);
        let case_info = &metadata["categories"][0];
        assert_eq!(case_info["label"], "Case Information");
        let status = &case_info["columns"]["STATUS"];
        assert_eq!(status["dataType"], "picklist");
        assert_eq!(status["filterValues"][0]["name"], "New");
        assert_eq!(
            metadata["dataTypeFilterOperatorMap"]["boolean"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        let month =
            &metadata["standardDateFilterDurationGroups"][2]["standardDateFilterDurations"][0];
        assert_eq!(month["value"], "THIS_MONTH");
        assert_eq!(month["startDate"], "2026-05-01");
    }
}
