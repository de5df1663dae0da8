//! Reports and dashboards over the seeded cases and Copilot interactions: `Report` and
//! `Dashboard` records for SOQL, and their definitions for the Analytics API. The definitions
//! hold no numbers: every run computes them from the records as they are then.

use serde_json::{Map, Value, json};

use super::SeedContext;
use crate::demo_org::api::analytics::columns::{CASES, COPILOT_INTERACTIONS, ReportType};
use crate::demo_org::api::analytics::{
    AnalyticsState, Dashboard, DashboardComponent, Grouping, ReportFilter, ReportFormat,
    ReportMetadata, SortColumn, StandardDateFilter, Visualization,
};
use crate::demo_org::ids;
use crate::demo_org::store::{OrgData, Record, format_datetime};

/// Developer names of the seeded reports (`SELECT Id FROM Report WHERE DeveloperName = …`).
pub const OPEN_CASES: &str = "Open_Cases";
pub const CASES_BY_PRIORITY: &str = "Cases_by_Priority";
pub const CASES_BY_STATUS: &str = "Cases_by_Status";
pub const CASES_BY_REASON_AND_ORIGIN: &str = "Cases_by_Reason_and_Origin";
pub const OPEN_CASE_BACKLOG_BY_OWNER: &str = "Open_Case_Backlog_by_Owner";
pub const ESCALATED_OR_CRITICAL_OPEN_CASES: &str = "Escalated_or_Critical_Open_Cases";
pub const NEW_CASES_THIS_MONTH: &str = "New_Cases_This_Month";
pub const CASES_OPENED_LAST_30_DAYS: &str = "Cases_Opened_Last_30_Days";
pub const INTERACTIONS_BY_OUTCOME: &str = "Copilot_Interactions_by_Outcome";
pub const INTERACTIONS_BY_CHANNEL_AND_OUTCOME: &str = "Interactions_by_Channel_and_Outcome";
pub const COPILOT_TOPICS_SINCE_LAUNCH: &str = "Copilot_Topics_Since_Launch";
pub const DEFLECTED_INTERACTIONS_LAST_30_DAYS: &str = "Deflected_Interactions_Last_30_Days";

/// Developer names of the seeded dashboards.
pub const SUPPORT_OVERVIEW: &str = "Support_Overview";
pub const COPILOT_DEFLECTION: &str = "Copilot_Deflection";

/// The Copilot pilot went live this many days before the seed's "now" (a custom date filter).
const COPILOT_LAUNCH_DAYS_AGO: i64 = 120;

const SUPPORT_REPORTS: &str = "Support Reports";
const COPILOT_REPORTS: &str = "Copilot Reports";
const SERVICE_DASHBOARDS: &str = "Service Dashboards";

/// A report definition before it has an id.
struct ReportSpec {
    developer_name: &'static str,
    name: &'static str,
    description: &'static str,
    folder: &'static str,
    report_type: &'static ReportType,
    format: ReportFormat,
    detail_columns: &'static [&'static str],
    groupings_down: Vec<Grouping>,
    groupings_across: Vec<Grouping>,
    aggregates: &'static [&'static str],
    filters: Vec<ReportFilter>,
    boolean_filter: Option<&'static str>,
    date_filter: StandardDateFilter,
    sort_by: Vec<SortColumn>,
}

fn report_specs(ctx: &SeedContext) -> Vec<ReportSpec> {
    let launch_day = (ctx.now - chrono::Duration::days(COPILOT_LAUNCH_DAYS_AGO))
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let case_columns: &[&str] = &[
        "CASE_NUMBER",
        "SUBJECT",
        "STATUS",
        "PRIORITY",
        "ORIGIN",
        "ACCOUNT.NAME",
        "OWNER",
        "CREATED_DATE",
        "AGE",
    ];
    let interaction_columns: &[&str] = &[
        "CUST_NAME",
        "Copilot_Interaction__c.Topic__c",
        "Copilot_Interaction__c.Channel__c",
        "Copilot_Interaction__c.Severity__c",
        "Copilot_Interaction__c.Outcome__c",
        "Copilot_Interaction__c.KB_Articles_Shown__c",
        "Copilot_Interaction__c.Case__c",
        "CUST_CREATED_DATE",
    ];
    let case_spec = |developer_name, name, description, format| ReportSpec {
        developer_name,
        name,
        description,
        folder: SUPPORT_REPORTS,
        report_type: &CASES,
        format,
        detail_columns: case_columns,
        groupings_down: Vec::new(),
        groupings_across: Vec::new(),
        aggregates: &["RowCount"],
        filters: Vec::new(),
        boolean_filter: None,
        date_filter: StandardDateFilter::all_time("CREATED_DATE"),
        sort_by: Vec::new(),
    };
    let interaction_spec = |developer_name, name, description, format| ReportSpec {
        developer_name,
        name,
        description,
        folder: COPILOT_REPORTS,
        report_type: &COPILOT_INTERACTIONS,
        format,
        detail_columns: interaction_columns,
        groupings_down: Vec::new(),
        groupings_across: Vec::new(),
        aggregates: &[
            "s!Copilot_Interaction__c.KB_Articles_Shown__c",
            "a!Copilot_Interaction__c.KB_Articles_Shown__c",
            "RowCount",
        ],
        filters: Vec::new(),
        boolean_filter: None,
        date_filter: StandardDateFilter::all_time("CUST_CREATED_DATE"),
        sort_by: Vec::new(),
    };
    let still_open = || ReportFilter::new("CLOSED", "equals", "false");
    vec![
        ReportSpec {
            aggregates: &["a!AGE", "RowCount"],
            filters: vec![still_open()],
            sort_by: vec![SortColumn::new("CREATED_DATE", "Desc")],
            ..case_spec(
                OPEN_CASES,
                "Open Cases",
                "Every case not yet closed, newest first.",
                ReportFormat::Tabular,
            )
        },
        ReportSpec {
            groupings_down: vec![Grouping::new("PRIORITY")],
            aggregates: &["a!AGE", "RowCount"],
            ..case_spec(
                CASES_BY_PRIORITY,
                "Cases by Priority",
                "All cases by priority, with their average age.",
                ReportFormat::Summary,
            )
        },
        ReportSpec {
            groupings_down: vec![Grouping::new("STATUS")],
            ..case_spec(
                CASES_BY_STATUS,
                "Cases by Status",
                "All cases by status.",
                ReportFormat::Summary,
            )
        },
        ReportSpec {
            groupings_down: vec![
                Grouping::new("REASON")
                    .descending()
                    .sorted_by_aggregate("RowCount"),
            ],
            groupings_across: vec![Grouping::new("ORIGIN")],
            ..case_spec(
                CASES_BY_REASON_AND_ORIGIN,
                "Cases by Reason and Origin",
                "Case volume per reason (most frequent first) and channel of origin.",
                ReportFormat::Matrix,
            )
        },
        ReportSpec {
            groupings_down: vec![Grouping::new("OWNER"), Grouping::new("PRIORITY")],
            aggregates: &["a!AGE", "RowCount"],
            filters: vec![still_open()],
            ..case_spec(
                OPEN_CASE_BACKLOG_BY_OWNER,
                "Open Case Backlog by Owner",
                "Open cases per agent and priority, with their average age.",
                ReportFormat::Summary,
            )
        },
        ReportSpec {
            filters: vec![
                still_open(),
                ReportFilter::new("PRIORITY", "equals", "Critical"),
                ReportFilter::new("ESCALATION_STATE", "equals", "true"),
            ],
            boolean_filter: Some("1 AND (2 OR 3)"),
            sort_by: vec![SortColumn::new("AGE", "Desc")],
            ..case_spec(
                ESCALATED_OR_CRITICAL_OPEN_CASES,
                "Escalated or Critical Open Cases",
                "Open cases that are escalated or of critical priority, oldest first.",
                ReportFormat::Tabular,
            )
        },
        ReportSpec {
            groupings_down: vec![Grouping::new("ORIGIN")],
            date_filter: StandardDateFilter::relative("CREATED_DATE", "THIS_MONTH"),
            ..case_spec(
                NEW_CASES_THIS_MONTH,
                "New Cases This Month",
                "Cases opened this calendar month, by channel of origin.",
                ReportFormat::Summary,
            )
        },
        ReportSpec {
            groupings_down: vec![Grouping::new("CREATED_DATEONLY").by("Day")],
            date_filter: StandardDateFilter::relative("CREATED_DATE", "LAST_N_DAYS:30"),
            ..case_spec(
                CASES_OPENED_LAST_30_DAYS,
                "Cases Opened Last 30 Days",
                "Daily case volume over the last 30 days.",
                ReportFormat::Summary,
            )
        },
        ReportSpec {
            groupings_down: vec![Grouping::new("Copilot_Interaction__c.Outcome__c")],
            ..interaction_spec(
                INTERACTIONS_BY_OUTCOME,
                "Copilot Interactions by Outcome",
                "Copilot conversations by outcome, with the knowledge articles shown.",
                ReportFormat::Summary,
            )
        },
        ReportSpec {
            groupings_down: vec![Grouping::new("Copilot_Interaction__c.Channel__c")],
            groupings_across: vec![Grouping::new("Copilot_Interaction__c.Outcome__c")],
            ..interaction_spec(
                INTERACTIONS_BY_CHANNEL_AND_OUTCOME,
                "Interactions by Channel and Outcome",
                "Copilot outcomes per channel: where conversations end in deflection.",
                ReportFormat::Matrix,
            )
        },
        ReportSpec {
            groupings_down: vec![
                Grouping::new("Copilot_Interaction__c.Topic__c")
                    .descending()
                    .sorted_by_aggregate("RowCount"),
            ],
            date_filter: StandardDateFilter::custom("CUST_CREATED_DATE", Some(&launch_day), None),
            ..interaction_spec(
                COPILOT_TOPICS_SINCE_LAUNCH,
                "Copilot Topics Since Launch",
                "What customers ask Copilot about since the pilot went live, most asked first.",
                ReportFormat::Summary,
            )
        },
        ReportSpec {
            filters: vec![ReportFilter::new(
                "Copilot_Interaction__c.Outcome__c",
                "equals",
                "Deflected",
            )],
            date_filter: StandardDateFilter::relative("CUST_CREATED_DATE", "LAST_N_DAYS:30"),
            sort_by: vec![SortColumn::new("CUST_CREATED_DATE", "Desc")],
            ..interaction_spec(
                DEFLECTED_INTERACTIONS_LAST_30_DAYS,
                "Deflected Interactions Last 30 Days",
                "Conversations Copilot resolved without a case in the last 30 days.",
                ReportFormat::Tabular,
            )
        },
    ]
}

/// A dashboard component before it has an id: (report developer name, title, visualization,
/// layout column, row limit).
type ComponentSpec = (
    &'static str,
    &'static str,
    Visualization,
    usize,
    Option<usize>,
);

fn dashboard_specs() -> Vec<(&'static str, &'static str, &'static str, Vec<ComponentSpec>)> {
    vec![
        (
            SUPPORT_OVERVIEW,
            "Support Overview",
            "Case backlog and volume of the support team.",
            vec![
                (OPEN_CASES, "Open Cases", Visualization::Metric, 0, None),
                (
                    CASES_BY_PRIORITY,
                    "Cases by Priority",
                    Visualization::Donut,
                    0,
                    None,
                ),
                (
                    CASES_BY_STATUS,
                    "Cases by Status",
                    Visualization::Column,
                    1,
                    None,
                ),
                (
                    CASES_BY_REASON_AND_ORIGIN,
                    "Cases by Reason and Origin",
                    Visualization::Bar,
                    1,
                    None,
                ),
                (
                    ESCALATED_OR_CRITICAL_OPEN_CASES,
                    "Escalated or Critical Open Cases",
                    Visualization::FlexTable,
                    2,
                    Some(10),
                ),
                (
                    CASES_OPENED_LAST_30_DAYS,
                    "Cases Opened Last 30 Days",
                    Visualization::Line,
                    2,
                    None,
                ),
            ],
        ),
        (
            COPILOT_DEFLECTION,
            "Copilot Deflection",
            "How often Copilot resolves questions before they become cases.",
            vec![
                (
                    DEFLECTED_INTERACTIONS_LAST_30_DAYS,
                    "Deflected (Last 30 Days)",
                    Visualization::Metric,
                    0,
                    None,
                ),
                (
                    INTERACTIONS_BY_OUTCOME,
                    "Interactions by Outcome",
                    Visualization::Donut,
                    0,
                    None,
                ),
                (
                    INTERACTIONS_BY_CHANNEL_AND_OUTCOME,
                    "Outcome by Channel",
                    Visualization::Bar,
                    1,
                    None,
                ),
                (
                    COPILOT_TOPICS_SINCE_LAUNCH,
                    "Top Copilot Topics",
                    Visualization::FlexTable,
                    1,
                    Some(10),
                ),
            ],
        ),
    ]
}

/// Seeds the reports and dashboards and returns their definitions.
pub fn seed_analytics(org: &mut OrgData, ctx: &mut SeedContext) -> AnalyticsState {
    let folders = [SUPPORT_REPORTS, COPILOT_REPORTS, SERVICE_DASHBOARDS];
    let folder_id = |name: &str| {
        let position = folders.iter().position(|f| *f == name).unwrap_or(0);
        ids::make_id("00l", u64::try_from(position).unwrap_or(0) + 1)
    };
    let created = ctx.minutes_ago(60 * 24 * 180);

    let mut reports = Vec::new();
    for spec in report_specs(ctx) {
        let Some(id) = org.new_id("Report") else {
            continue;
        };
        let record_fields = [
            ("Name", json!(spec.name)),
            ("DeveloperName", json!(spec.developer_name)),
            ("FolderName", json!(spec.folder)),
            ("Format", json!(spec.format.record_value())),
            ("Description", json!(spec.description)),
            ("LastRunDate", Value::Null),
        ];
        put(org, "Report", &id, &record_fields, ctx, created);
        // Grouped columns show in the groupings, not again in the detail rows.
        let grouped: Vec<&str> = spec
            .groupings_down
            .iter()
            .chain(&spec.groupings_across)
            .map(|g| g.name.as_str())
            .collect();
        reports.push(ReportMetadata {
            id,
            name: spec.name.to_owned(),
            developer_name: spec.developer_name.to_owned(),
            description: Some(spec.description.to_owned()),
            folder_id: folder_id(spec.folder),
            report_type: spec.report_type,
            format: spec.format,
            detail_columns: spec
                .detail_columns
                .iter()
                .filter(|c| !grouped.contains(c))
                .map(|c| (*c).to_owned())
                .collect(),
            groupings_down: spec.groupings_down,
            groupings_across: spec.groupings_across,
            aggregates: spec.aggregates.iter().map(|a| (*a).to_owned()).collect(),
            filters: spec.filters,
            boolean_filter: spec.boolean_filter.map(str::to_owned),
            standard_date_filter: Some(spec.date_filter),
            sort_by: spec.sort_by,
        });
    }

    let last_refresh = ctx.minutes_ago(60);
    let mut component_sequence = 0;
    let mut dashboards = Vec::new();
    for (developer_name, name, description, component_specs) in dashboard_specs() {
        let Some(id) = org.new_id("Dashboard") else {
            continue;
        };
        let record_fields = [
            ("Title", json!(name)),
            ("DeveloperName", json!(developer_name)),
            ("FolderName", json!(SERVICE_DASHBOARDS)),
            ("Description", json!(description)),
            ("LastRefreshDate", json!(format_datetime(last_refresh))),
        ];
        put(org, "Dashboard", &id, &record_fields, ctx, created);
        let components = component_specs
            .into_iter()
            .filter_map(|(report, title, visualization, column, max_rows)| {
                let report_id = reports
                    .iter()
                    .find(|r: &&ReportMetadata| r.developer_name == report)?
                    .id
                    .clone();
                component_sequence += 1;
                Some(DashboardComponent {
                    id: ids::make_id("01a", component_sequence),
                    report_id,
                    header: None,
                    title: title.to_owned(),
                    footer: None,
                    visualization,
                    column,
                    max_rows,
                })
            })
            .collect();
        dashboards.push(Dashboard {
            id,
            name: name.to_owned(),
            developer_name: developer_name.to_owned(),
            description: Some(description.to_owned()),
            folder_id: folder_id(SERVICE_DASHBOARDS),
            running_user_id: ctx.run_as_user_id.clone(),
            components,
            last_refresh,
        });
    }
    AnalyticsState::new(reports, dashboards)
}

/// Stores a read-only metadata record with its audit fields.
fn put(
    org: &mut OrgData,
    sobject: &str,
    id: &str,
    values: &[(&str, Value)],
    ctx: &SeedContext,
    created: chrono::DateTime<chrono::Utc>,
) {
    let stamp = json!(format_datetime(created));
    let mut fields = Map::new();
    fields.insert("Id".into(), json!(id));
    fields.insert("IsDeleted".into(), json!(false));
    for (name, value) in values {
        fields.insert((*name).to_owned(), value.clone());
    }
    fields.insert("CreatedDate".into(), stamp.clone());
    fields.insert("CreatedById".into(), json!(ctx.run_as_user_id));
    fields.insert("LastModifiedDate".into(), stamp.clone());
    fields.insert("LastModifiedById".into(), json!(ctx.run_as_user_id));
    fields.insert("SystemModstamp".into(), stamp);
    org.put(Record {
        id: id.to_owned(),
        sobject: sobject.to_owned(),
        fields,
        deleted: false,
    });
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::demo_org::api::analytics::plan::Plan;
    use crate::demo_org::objects::demo_schema;
    use crate::demo_org::store::parse_datetime;

    #[test]
    fn seeds_valid_reports_and_dashboards_with_their_records() {
        let now = parse_datetime("2026-05-13T12:00:00Z").expect("now");
        let mut org = OrgData::new(Arc::new(demo_schema()));
        let mut ctx = SeedContext::new(now, 42);
        ctx.run_as_user_id = org.new_id("User").expect("user id");
        let analytics = seed_analytics(&mut org, &mut ctx);

        assert_eq!(analytics.reports().len(), 12);
        assert_eq!(org.count("Report"), 12);
        for report in analytics.reports() {
            assert!(report.id.starts_with("00O"));
            assert!(
                Plan::new(report, now.date_naive()).is_ok(),
                "{}",
                report.name
            );
            let record = org.get(&report.id).expect("Report record");
            assert_eq!(record.get_str("Name"), Some(report.name.as_str()));
            assert_eq!(record.get_str("Format"), Some(report.format.record_value()));
            assert!(report.name.len() <= 40, "{}", report.name);
        }
        let formats =
            |f: ReportFormat| analytics.reports().iter().filter(|r| r.format == f).count();
        assert!(formats(ReportFormat::Tabular) >= 1);
        assert!(formats(ReportFormat::Summary) >= 2);
        assert!(formats(ReportFormat::Matrix) >= 2);

        assert_eq!(org.count("Dashboard"), 2);
        for developer_name in [SUPPORT_OVERVIEW, COPILOT_DEFLECTION] {
            let dashboard = analytics
                .dashboard_by_developer_name(developer_name)
                .expect("dashboard");
            assert!(dashboard.id.starts_with("01Z"));
            assert_eq!(dashboard.running_user_id, ctx.run_as_user_id);
            assert!(!dashboard.components.is_empty());
            for component in &dashboard.components {
                assert!(analytics.report(&component.report_id).is_some());
            }
        }
        let by_priority = analytics
            .report_by_developer_name(CASES_BY_PRIORITY)
            .expect("report");
        assert!(!by_priority.detail_columns.contains(&"PRIORITY".to_owned()));
        let since_launch = analytics
            .report_by_developer_name(COPILOT_TOPICS_SINCE_LAUNCH)
            .and_then(|r| r.standard_date_filter.clone())
            .expect("date filter");
        assert_eq!(since_launch.duration_value, "CUSTOM");
        assert_eq!(since_launch.start_date.as_deref(), Some("2026-01-13"));
    }
}
