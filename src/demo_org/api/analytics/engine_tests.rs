//! The report engine over small hand-made orgs: every expected number is counted here from the
//! test's own case list, independently of the engine.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::columns::{CASES, COPILOT_INTERACTIONS};
use super::engine::RunOptions;
use super::metadata::{
    Grouping, ReportFilter, ReportFormat, ReportMetadata, SortColumn, StandardDateFilter,
};
use super::reports::run_report;
use crate::demo_org::objects::demo_schema;
use crate::demo_org::store::{OrgData, Record, format_datetime, parse_datetime};

const STATUSES: [&str; 4] = ["New", "Working", "Escalated", "Closed"];
const PRIORITIES: [&str; 4] = ["Critical", "High", "Medium", "Low"];
const ORIGINS: [&str; 3] = ["Web", "Email", "Phone"];
const REASONS: [&str; 3] = ["Performance", "Installation", "Other"];

/// The test's own description of one case.
#[derive(Clone, Debug)]
struct CaseSpec {
    id: String,
    number: String,
    status: &'static str,
    priority: &'static str,
    origin: &'static str,
    reason: &'static str,
    account: Option<usize>,
    owner: usize,
    created: DateTime<Utc>,
    escalated: bool,
}

struct Fixture {
    org: OrgData,
    now: DateTime<Utc>,
    cases: Vec<CaseSpec>,
    accounts: Vec<(String, &'static str)>,
    owners: Vec<(String, &'static str)>,
}

fn put(org: &mut OrgData, sobject: &str, fields: Value) -> String {
    let id = org.new_id(sobject).expect("id");
    let mut map: Map<String, Value> = fields.as_object().cloned().unwrap_or_default();
    map.insert("Id".into(), json!(id));
    org.put(Record {
        id: id.clone(),
        sobject: sobject.into(),
        fields: map,
        deleted: false,
    });
    id
}

/// 30 cases cycling through statuses, priorities, origins and reasons, opened every 3 days.
fn fixture() -> Fixture {
    let now = parse_datetime("2026-05-13T12:00:00Z").expect("now");
    let mut org = OrgData::new(Arc::new(demo_schema()));
    let owners: Vec<(String, &'static str)> = ["Ava Agent", "Ben Agent"]
        .into_iter()
        .map(|name| (put(&mut org, "User", json!({ "Name": name })), name))
        .collect();
    let accounts: Vec<(String, &'static str)> = ["Acme Corp", "Globex"]
        .into_iter()
        .map(|name| (put(&mut org, "Account", json!({ "Name": name })), name))
        .collect();
    let mut cases = Vec::new();
    for i in 0..30usize {
        let status = STATUSES[i % 4];
        let created =
            now - Duration::days(i64::try_from(i * 3).expect("days")) - Duration::hours(1);
        let spec = CaseSpec {
            id: String::new(),
            number: format!("{:08}", 1001 + i),
            status,
            priority: PRIORITIES[(i / 2) % 4],
            origin: ORIGINS[i % 3],
            reason: REASONS[i % 5 % 3],
            account: (i % 7 != 0).then_some(i % 2),
            owner: i % 2,
            created,
            escalated: i % 5 == 0,
        };
        let closed = status == "Closed";
        let id = put(
            &mut org,
            "Case",
            json!({
                "CaseNumber": spec.number,
                "Subject": format!("Case subject {i}"),
                "Status": status,
                "Priority": spec.priority,
                "Origin": spec.origin,
                "Reason": spec.reason,
                "AccountId": spec.account.map(|a| accounts[a].0.clone()),
                "OwnerId": owners[spec.owner].0,
                "CreatedDate": format_datetime(created),
                "IsClosed": closed,
                "IsEscalated": spec.escalated,
                "ClosedDate": closed.then(|| format_datetime(created + Duration::days(2))),
            }),
        );
        cases.push(CaseSpec { id, ..spec });
    }
    Fixture {
        org,
        now,
        cases,
        accounts,
        owners,
    }
}

fn report(format: ReportFormat) -> ReportMetadata {
    ReportMetadata {
        id: "00ODm0000000001AAA".into(),
        name: "Test".into(),
        developer_name: "Test".into(),
        description: None,
        folder_id: "00lDm0000000001AAA".into(),
        report_type: &CASES,
        format,
        detail_columns: vec![
            "CASE_NUMBER".into(),
            "STATUS".into(),
            "ACCOUNT.NAME".into(),
            "CREATED_DATE".into(),
        ],
        groupings_down: vec![],
        groupings_across: vec![],
        aggregates: vec!["RowCount".into()],
        filters: vec![],
        boolean_filter: None,
        standard_date_filter: Some(StandardDateFilter::all_time("CREATED_DATE")),
        sort_by: vec![],
    }
}

fn run(f: &Fixture, meta: &ReportMetadata, include_details: bool) -> Value {
    run_report(
        meta,
        &f.org,
        f.now,
        RunOptions::new(include_details),
        json!({}),
    )
    .expect("report runs")
    .body
}

/// The record count of a fact map entry.
fn count(body: &Value, key: &str) -> u64 {
    let aggregates = &body["factMap"][key]["aggregates"];
    aggregates
        .as_array()
        .and_then(|a| a.last())
        .and_then(|a| a["value"].as_u64())
        .unwrap_or_else(|| panic!("no count at {key}: {}", body["factMap"]))
}

fn rows(body: &Value, key: &str) -> Vec<Value> {
    body["factMap"][key]["rows"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn labels(groupings: &Value) -> Vec<String> {
    groupings["groupings"]
        .as_array()
        .expect("groupings")
        .iter()
        .map(|g| g["label"].as_str().expect("label").to_owned())
        .collect()
}

fn usize_count(n: usize) -> u64 {
    u64::try_from(n).expect("count")
}

#[test]
fn tabular_report_counts_and_lists_every_matching_case() {
    let f = fixture();
    let mut meta = report(ReportFormat::Tabular);
    meta.filters = vec![ReportFilter::new("CLOSED", "equals", "false")];
    meta.sort_by = vec![SortColumn::new("CREATED_DATE", "Desc")];
    let open: Vec<&CaseSpec> = f.cases.iter().filter(|c| c.status != "Closed").collect();

    let body = run(&f, &meta, true);
    assert_eq!(count(&body, "T!T"), usize_count(open.len()));
    assert_eq!(body["factMap"].as_object().map(Map::len), Some(1));
    assert_eq!(body["allData"], true);
    assert_eq!(body["hasDetailRows"], true);
    assert_eq!(body["reportMetadata"]["reportFormat"], "TABULAR");
    let listed = rows(&body, "T!T");
    assert_eq!(listed.len(), open.len());
    // Newest first; name columns carry the record id as value.
    let first = &listed[0]["dataCells"];
    let newest = open.iter().max_by_key(|c| c.created).expect("case");
    assert_eq!(first[0]["label"], newest.number.as_str());
    assert_eq!(first[0]["value"], newest.id.as_str());
    assert_eq!(first[1]["label"], newest.status);
    let account = newest.account.map(|a| &f.accounts[a]);
    assert_eq!(
        first[2]["label"],
        account.map_or("-", |(_, name)| *name),
        "account name label"
    );
    assert_eq!(
        first[2]["value"],
        account.map_or(Value::Null, |(id, _)| json!(id))
    );
    assert_eq!(
        first[3]["value"],
        newest.created.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    );
    let info = &body["reportExtendedMetadata"]["detailColumnInfo"]["CREATED_DATE"];
    assert_eq!(info["dataType"], "datetime");
    assert_eq!(info["label"], "Date/Time Opened");
}

#[test]
fn details_are_left_out_unless_asked_for() {
    let f = fixture();
    let body = run(&f, &report(ReportFormat::Tabular), false);
    assert_eq!(count(&body, "T!T"), 30);
    assert!(body["factMap"]["T!T"].get("rows").is_none());
    assert_eq!(body["hasDetailRows"], false);
    assert_eq!(body["reportMetadata"]["hasDetailRows"], false);
}

#[test]
fn summary_report_groups_in_picklist_order_with_totals() {
    let f = fixture();
    let mut meta = report(ReportFormat::Summary);
    meta.groupings_down = vec![Grouping::new("PRIORITY")];
    let body = run(&f, &meta, true);

    assert_eq!(labels(&body["groupingsDown"]), PRIORITIES);
    for (index, priority) in PRIORITIES.iter().enumerate() {
        let expected = f.cases.iter().filter(|c| c.priority == *priority).count();
        let key = format!("{index}!T");
        assert_eq!(count(&body, &key), usize_count(expected), "{priority}");
        assert_eq!(rows(&body, &key).len(), expected);
        assert_eq!(
            body["groupingsDown"]["groupings"][index]["key"],
            index.to_string()
        );
    }
    assert_eq!(count(&body, "T!T"), 30);
    assert!(
        rows(&body, "T!T").is_empty(),
        "rows sit at the innermost groups only"
    );
    let grouping = &body["reportExtendedMetadata"]["groupingColumnInfo"]["PRIORITY"];
    assert_eq!(grouping["groupingLevel"], 0);
    assert_eq!(grouping["dataType"], "picklist");
}

#[test]
fn nested_groupings_use_compound_keys() {
    let f = fixture();
    let mut meta = report(ReportFormat::Summary);
    meta.groupings_down = vec![Grouping::new("OWNER"), Grouping::new("STATUS")];
    let body = run(&f, &meta, false);

    assert_eq!(labels(&body["groupingsDown"]), ["Ava Agent", "Ben Agent"]);
    for (o, (owner_id, _)) in f.owners.iter().enumerate() {
        let owner_group = &body["groupingsDown"]["groupings"][o];
        assert_eq!(owner_group["value"], owner_id.as_str());
        let owned: Vec<&CaseSpec> = f.cases.iter().filter(|c| c.owner == o).collect();
        assert_eq!(count(&body, &format!("{o}!T")), usize_count(owned.len()));
        let present: Vec<&str> = STATUSES
            .iter()
            .copied()
            .filter(|s| owned.iter().any(|c| c.status == *s))
            .collect();
        assert_eq!(labels(owner_group), present);
        for (s, status) in present.iter().enumerate() {
            let expected = owned.iter().filter(|c| c.status == *status).count();
            assert_eq!(
                count(&body, &format!("{o}_{s}!T")),
                usize_count(expected),
                "{o}_{s}"
            );
        }
    }
}

#[test]
fn matrix_report_counts_every_cell_and_total() {
    let f = fixture();
    let mut meta = report(ReportFormat::Matrix);
    meta.groupings_down = vec![Grouping::new("REASON")];
    meta.groupings_across = vec![Grouping::new("ORIGIN")];
    let body = run(&f, &meta, true);

    // Picklist order of the schema, and only the values present.
    let reasons = ["Installation", "Performance", "Other"];
    let origins = ["Phone", "Email", "Web"];
    assert_eq!(labels(&body["groupingsDown"]), reasons);
    assert_eq!(labels(&body["groupingsAcross"]), origins);
    for (d, reason) in reasons.iter().enumerate() {
        for (a, origin) in origins.iter().enumerate() {
            let expected = f
                .cases
                .iter()
                .filter(|c| c.reason == *reason && c.origin == *origin)
                .count();
            assert_eq!(count(&body, &format!("{d}!{a}")), usize_count(expected));
            assert_eq!(rows(&body, &format!("{d}!{a}")).len(), expected);
        }
        let by_reason = f.cases.iter().filter(|c| c.reason == *reason).count();
        assert_eq!(count(&body, &format!("{d}!T")), usize_count(by_reason));
    }
    for (a, origin) in origins.iter().enumerate() {
        let by_origin = f.cases.iter().filter(|c| c.origin == *origin).count();
        assert_eq!(count(&body, &format!("T!{a}")), usize_count(by_origin));
    }
    assert_eq!(count(&body, "T!T"), 30);
    assert_eq!(body["factMap"].as_object().map(Map::len), Some(4 * 4));
}

#[test]
fn filter_overrides_change_the_numbers() {
    let f = fixture();
    let mut meta = report(ReportFormat::Summary);
    meta.groupings_down = vec![Grouping::new("STATUS")];
    let saved = run(&f, &meta, false);
    assert_eq!(count(&saved, "T!T"), 30);

    let overrides = json!({
        "reportFilters": [
            {"column": "ORIGIN", "operator": "equals", "value": "Web,Email"},
            {"column": "PRIORITY", "operator": "notEqual", "value": "Low"},
            {"column": "ESCALATION_STATE", "operator": "equals", "value": "true"},
        ],
        "reportBooleanFilter": "1 AND (2 OR 3)",
    });
    meta.apply_overrides(overrides.as_object().expect("object"))
        .expect("overrides");
    let filtered = run(&f, &meta, false);
    let expected: Vec<&CaseSpec> = f
        .cases
        .iter()
        .filter(|c| ["Web", "Email"].contains(&c.origin) && (c.priority != "Low" || c.escalated))
        .collect();
    assert!(expected.len() < 30);
    assert_eq!(count(&filtered, "T!T"), usize_count(expected.len()));
    for (index, status) in labels(&filtered["groupingsDown"]).iter().enumerate() {
        let n = expected.iter().filter(|c| c.status == status).count();
        assert_eq!(count(&filtered, &format!("{index}!T")), usize_count(n));
    }
    assert_eq!(
        filtered["reportMetadata"]["reportBooleanFilter"],
        "1 AND (2 OR 3)"
    );
    assert_eq!(
        filtered["reportMetadata"]["reportFilters"][0]["value"],
        "Web,Email"
    );
}

#[test]
fn relative_date_filter_keeps_recent_cases_and_reports_its_dates() {
    let f = fixture();
    let mut meta = report(ReportFormat::Tabular);
    meta.standard_date_filter = Some(StandardDateFilter::relative(
        "CREATED_DATE",
        "LAST_N_DAYS:30",
    ));
    let body = run(&f, &meta, false);
    let since = (f.now - Duration::days(30)).date_naive();
    let expected = f
        .cases
        .iter()
        .filter(|c| c.created.date_naive() >= since)
        .count();
    assert!(expected > 0 && expected < 30);
    assert_eq!(count(&body, "T!T"), usize_count(expected));
    let filter = &body["reportMetadata"]["standardDateFilter"];
    assert_eq!(filter["startDate"], "2026-04-13");
    assert_eq!(filter["endDate"], "2026-05-13");

    meta.standard_date_filter = Some(StandardDateFilter::custom(
        "CREATED_DATE",
        Some("2026-03-01"),
        Some("2026-03-31"),
    ));
    let march = f
        .cases
        .iter()
        .filter(|c| c.created.format("%Y-%m").to_string() == "2026-03")
        .count();
    assert_eq!(count(&run(&f, &meta, false), "T!T"), usize_count(march));
}

#[test]
fn date_groupings_follow_their_granularity() {
    let f = fixture();
    let mut meta = report(ReportFormat::Summary);
    meta.groupings_down = vec![Grouping::new("CREATED_DATEONLY").by("Month")];
    let body = run(&f, &meta, false);
    let groups = body["groupingsDown"]["groupings"]
        .as_array()
        .expect("groups");
    let months: Vec<String> = {
        let mut m: Vec<String> = f
            .cases
            .iter()
            .map(|c| c.created.format("%Y-%m").to_string())
            .collect();
        m.sort();
        m.dedup();
        m
    };
    assert_eq!(groups.len(), months.len());
    assert_eq!(groups[0]["value"], format!("{}-01", months[0]));
    assert_eq!(groups.last().expect("group")["label"], "May 2026");
    for (index, month) in months.iter().enumerate() {
        let n = f
            .cases
            .iter()
            .filter(|c| &c.created.format("%Y-%m").to_string() == month)
            .count();
        assert_eq!(count(&body, &format!("{index}!T")), usize_count(n));
    }
}

#[test]
fn groups_can_be_ordered_by_a_summary() {
    let f = fixture();
    let mut meta = report(ReportFormat::Summary);
    meta.groupings_down = vec![
        Grouping::new("REASON")
            .descending()
            .sorted_by_aggregate("RowCount"),
    ];
    let body = run(&f, &meta, false);
    let counts: Vec<u64> = (0..3).map(|i| count(&body, &format!("{i}!T"))).collect();
    let mut sorted = counts.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(counts, sorted);
    let top = labels(&body["groupingsDown"])[0].clone();
    let most = REASONS
        .iter()
        .map(|r| f.cases.iter().filter(|c| c.reason == *r).count())
        .max()
        .expect("max");
    assert_eq!(f.cases.iter().filter(|c| c.reason == top).count(), most);
}

#[test]
fn sums_and_averages_of_a_numeric_column() {
    let mut f = fixture();
    let shown = [0.0, 1.0, 2.0, 3.0, 5.0];
    let outcomes = ["Deflected", "Case Created"];
    let mut expected: Vec<(f64, usize)> = vec![(0.0, 0); 2];
    for i in 0..10usize {
        let outcome = i % 2;
        let n = shown[i % 5];
        expected[outcome].0 += n;
        expected[outcome].1 += 1;
        put(
            &mut f.org,
            "Copilot_Interaction__c",
            json!({
                "Name": format!("CI-{i:05}"),
                "Outcome__c": outcomes[outcome],
                "KB_Articles_Shown__c": n,
                "CreatedDate": format_datetime(f.now),
            }),
        );
    }
    let meta = ReportMetadata {
        report_type: &COPILOT_INTERACTIONS,
        detail_columns: vec!["CUST_NAME".into()],
        groupings_down: vec![Grouping::new("Copilot_Interaction__c.Outcome__c")],
        aggregates: vec![
            "s!Copilot_Interaction__c.KB_Articles_Shown__c".into(),
            "a!Copilot_Interaction__c.KB_Articles_Shown__c".into(),
            "RowCount".into(),
        ],
        standard_date_filter: None,
        ..report(ReportFormat::Summary)
    };
    let body = run(&f, &meta, false);
    // Picklist order: Deflected before Case Created.
    assert_eq!(labels(&body["groupingsDown"]), outcomes);
    for (index, (sum, n)) in expected.iter().enumerate() {
        let aggregates = &body["factMap"][format!("{index}!T")]["aggregates"];
        assert_eq!(aggregates[0]["value"].as_f64(), Some(*sum));
        let average = sum / f64::from(u32::try_from(*n).expect("n"));
        assert!((aggregates[1]["value"].as_f64().expect("avg") - average).abs() < 1e-9);
        assert_eq!(aggregates[1]["label"], format!("{average:.2}"));
        assert_eq!(aggregates[2]["value"], json!(n));
    }
    let info = &body["reportExtendedMetadata"]["aggregateColumnInfo"];
    assert_eq!(
        info["s!Copilot_Interaction__c.KB_Articles_Shown__c"]["label"],
        "Sum of KB Articles Shown"
    );
    assert_eq!(info["RowCount"]["dataType"], "int");
}

#[test]
fn detail_rows_are_capped() {
    let f = fixture();
    let meta = report(ReportFormat::Tabular);
    let capped = run_report(
        &meta,
        &f.org,
        f.now,
        RunOptions {
            include_details: true,
            row_limit: 7,
        },
        json!({}),
    )
    .expect("runs")
    .body;
    assert_eq!(capped["allData"], false);
    assert_eq!(rows(&capped, "T!T").len(), 7);
    assert_eq!(count(&capped, "T!T"), 30, "summaries still cover every row");
}

#[test]
fn bad_metadata_is_refused_with_400() {
    let f = fixture();
    let cases: [(&str, Value); 7] = [
        (
            "unknown column",
            json!({"detailColumns": ["CASE_NUMBER", "NO_SUCH_COLUMN"]}),
        ),
        (
            "unknown filter column",
            json!({"reportFilters": [{"column": "NOPE", "operator": "equals", "value": "x"}]}),
        ),
        (
            "unknown operator",
            json!({"reportFilters": [{"column": "STATUS", "operator": "like", "value": "x"}]}),
        ),
        (
            "bad logic",
            json!({"reportFilters": [{"column": "STATUS", "operator": "equals", "value": "New"}], "reportBooleanFilter": "1 OR 2"}),
        ),
        ("bad aggregate", json!({"aggregates": ["s!STATUS"]})),
        (
            "bad duration",
            json!({"standardDateFilter": {"column": "CREATED_DATE", "durationValue": "SOMEDAY"}}),
        ),
        (
            "grouped tabular",
            json!({"reportFormat": "TABULAR", "groupingsDown": [{"name": "STATUS"}]}),
        ),
    ];
    for (what, overrides) in cases {
        let mut meta = report(ReportFormat::Tabular);
        let result = meta
            .apply_overrides(overrides.as_object().expect("object"))
            .and_then(|()| run_report(&meta, &f.org, f.now, RunOptions::new(false), json!({})));
        let error = result.err().unwrap_or_else(|| panic!("{what} accepted"));
        assert_eq!(error.status, axum::http::StatusCode::BAD_REQUEST, "{what}");
        assert_eq!(error.errors[0].error_code, "BAD_REQUEST", "{what}");
    }
}

#[test]
fn deleted_and_changed_records_are_seen_at_run_time() {
    let mut f = fixture();
    let meta = report(ReportFormat::Tabular);
    assert_eq!(count(&run(&f, &meta, false), "T!T"), 30);
    let first = f.cases[0].id.clone();
    f.org.get_mut(&first).expect("case").deleted = true;
    assert_eq!(count(&run(&f, &meta, false), "T!T"), 29);
}
