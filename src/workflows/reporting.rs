//! Support reporting: case volume trends, Copilot deflection metrics, SLA compliance, and
//! logging a Copilot interaction. The numbers the descriptions promise are computed here.
//! Periods use SOQL date literals (`LAST_N_DAYS:n`), so the org's clock decides what "the last
//! 30 days" are, and group-by fields come from the schema's enum (or a `__c` name pattern).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::support::{
    create, datetime_field, optional_i64, optional_str, percent, read_back, records, required_str,
    round1,
};
use crate::engine::{ToolError, Workflow, WorkflowContext};
use crate::templating::filters::soql_string;

pub fn workflows() -> Vec<Workflow> {
    vec![
        Workflow {
            name: "log_interaction",
            run: |ctx, args| Box::pin(log_interaction(ctx, args)),
        },
        Workflow {
            name: "case_trends",
            run: |ctx, args| Box::pin(case_trends(ctx, args)),
        },
        Workflow {
            name: "deflection_metrics",
            run: |ctx, args| Box::pin(deflection_metrics(ctx, args)),
        },
        Workflow {
            name: "sla_compliance",
            run: |ctx, args| Box::pin(sla_compliance(ctx, args)),
        },
    ]
}

/// First-response targets in hours, by Case priority (the connector's thresholds).
pub const SLA_HOURS: &[(&str, f64)] = &[
    ("Critical", 1.0),
    ("High", 4.0),
    ("Medium", 24.0),
    ("Low", 48.0),
];
/// Used for a priority outside the table.
const DEFAULT_SLA_HOURS: f64 = 24.0;
/// Cases analysed at most per call; more is reported, never silently dropped.
const SLA_MAX_CASES: usize = 2000;

fn sla_hours(priority: &str) -> f64 {
    SLA_HOURS
        .iter()
        .find(|(p, _)| *p == priority)
        .map_or(DEFAULT_SLA_HOURS, |(_, h)| *h)
}

/// A field API name for GROUP BY: the schema allows an enum or a `…__c` name; this re-checks
/// that it is a bare identifier before it is placed in SOQL.
fn group_field(value: &str) -> Result<&str, ToolError> {
    let valid = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(value)
    } else {
        Err(ToolError::bad_argument(format!(
            "'{value}' is not a field API name"
        )))
    }
}

fn days_arg(args: &Map<String, Value>) -> i64 {
    optional_i64(args, "days").unwrap_or(30).clamp(1, 3650)
}

async fn log_interaction(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let mut body = Map::new();
    body.insert("Outcome__c".into(), json!(required_str(args, "outcome")?));
    body.insert("Summary__c".into(), json!(required_str(args, "summary")?));
    body.insert(
        "KB_Articles_Shown__c".into(),
        json!(optional_i64(args, "kb_articles_shown").unwrap_or(0)),
    );
    for (argument, field) in [
        ("severity", "Severity__c"),
        ("topic", "Topic__c"),
        ("channel", "Channel__c"),
        ("conversation_id", "Conversation_Id__c"),
        ("user_email", "User_Email__c"),
        ("case_id", "Case__c"),
    ] {
        if let Some(value) = optional_str(args, argument) {
            body.insert(field.into(), json!(value));
        }
    }
    let id = create(ctx, "Copilot_Interaction__c", Value::Object(body)).await?;
    let record = read_back(
        ctx,
        "Copilot_Interaction__c",
        &id,
        "Id,Name,Outcome__c,Severity__c,Topic__c,Channel__c,Case__c,CreatedDate",
    )
    .await;
    Ok(json!({"success": true, "interaction": record}))
}

/// `(value, count)` rows of an aggregate query, with a `null` group shown as `(none)`.
fn grouped_counts(result: &Value, field: &str) -> Vec<(String, u64)> {
    records(result)
        .iter()
        .map(|row| {
            let value = match row.get(field) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => "(none)".to_owned(),
                Some(other) => other.to_string(),
            };
            (value, row.get("cnt").and_then(Value::as_u64).unwrap_or(0))
        })
        .collect()
}

async fn case_trends(ctx: &WorkflowContext, args: &Map<String, Value>) -> Result<Value, ToolError> {
    let field = group_field(required_str(args, "group_by")?)?;
    let days = days_arg(args);
    let min_count = optional_i64(args, "min_count").unwrap_or(1).max(1);
    let current = format!("CreatedDate = LAST_N_DAYS:{days}");
    // The period of equal length just before it.
    let previous = format!(
        "CreatedDate = LAST_N_DAYS:{} AND CreatedDate < LAST_N_DAYS:{days}",
        days * 2
    );
    let grouped = |filter: &str| {
        format!(
            "SELECT {field}, COUNT(Id) cnt FROM Case WHERE {filter} GROUP BY {field} ORDER BY COUNT(Id) DESC"
        )
    };
    let now_rows = grouped_counts(&ctx.query(&grouped(&current)).await?, field);
    let before_rows = grouped_counts(&ctx.query(&grouped(&previous)).await?, field);
    let total: u64 = now_rows.iter().map(|(_, n)| n).sum();
    let previous_total: u64 = before_rows.iter().map(|(_, n)| n).sum();
    let before: BTreeMap<&str, u64> = before_rows.iter().map(|(v, n)| (v.as_str(), *n)).collect();
    let groups: Vec<Value> = now_rows
        .iter()
        .filter(|(_, n)| i64::try_from(*n).unwrap_or(i64::MAX) >= min_count)
        .map(|(value, n)| {
            let earlier = before.get(value.as_str()).copied().unwrap_or(0);
            json!({
                "value": value,
                "count": n,
                "percent": percent(*n, total),
                "previousCount": earlier,
                "changePercent": change_percent(*n, earlier),
            })
        })
        .collect();
    let hidden = now_rows.len() - groups.len();
    let mut out = json!({
        "groupBy": field,
        "periodDays": days,
        "totalCases": total,
        "previousPeriodTotal": previous_total,
        "totalChangePercent": change_percent(total, previous_total),
        "groups": groups,
    });
    if hidden > 0 {
        out["groupsBelowMinCount"] = json!(hidden);
    }
    Ok(out)
}

/// Change from `before` to `now` in percent; `None` when there was nothing before.
fn change_percent(now: u64, before: u64) -> Option<f64> {
    (before > 0).then(|| round1((now as f64 - before as f64) * 100.0 / before as f64))
}

async fn deflection_metrics(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let days = days_arg(args);
    let group = optional_str(args, "group_by")
        .filter(|g| *g != "none")
        .map(group_field)
        .transpose()?;
    let filter = format!("CreatedDate = LAST_N_DAYS:{days}");
    let soql = match group {
        Some(field) => format!(
            "SELECT Outcome__c, {field}, COUNT(Id) cnt, SUM(KB_Articles_Shown__c) kb FROM Copilot_Interaction__c WHERE {filter} GROUP BY Outcome__c, {field}"
        ),
        None => format!(
            "SELECT Outcome__c, COUNT(Id) cnt, SUM(KB_Articles_Shown__c) kb FROM Copilot_Interaction__c WHERE {filter} GROUP BY Outcome__c"
        ),
    };
    let rows = records(&ctx.query(&soql).await?);
    let overall = OutcomeTally::from_rows(rows.iter());
    let mut out = json!({"periodDays": days});
    if let (Some(map), Value::Object(summary)) = (out.as_object_mut(), overall.summary()) {
        map.extend(summary);
    }
    if let Some(field) = group {
        let mut by_group: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        for row in &rows {
            let key = row
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or("(none)")
                .to_owned();
            by_group.entry(key).or_default().push(row);
        }
        let mut groups: Vec<(u64, Value)> = by_group
            .into_iter()
            .map(|(key, group_rows)| {
                let tally = OutcomeTally::from_rows(group_rows.into_iter());
                let mut summary = tally.summary();
                summary["value"] = json!(key);
                (tally.total, summary)
            })
            .collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.0));
        out["groupBy"] = json!(field);
        out["groups"] = Value::Array(groups.into_iter().map(|(_, g)| g).collect());
    }
    Ok(out)
}

/// Interaction counts by outcome and the rates derived from them.
#[derive(Default)]
struct OutcomeTally {
    total: u64,
    by_outcome: BTreeMap<String, u64>,
    kb_articles_shown: f64,
}

impl OutcomeTally {
    fn from_rows<'a>(rows: impl Iterator<Item = &'a Value>) -> Self {
        let mut tally = OutcomeTally::default();
        for row in rows {
            let n = row.get("cnt").and_then(Value::as_u64).unwrap_or(0);
            let outcome = row
                .get("Outcome__c")
                .and_then(Value::as_str)
                .unwrap_or("(none)")
                .to_owned();
            tally.total += n;
            *tally.by_outcome.entry(outcome).or_insert(0) += n;
            tally.kb_articles_shown += row.get("kb").and_then(Value::as_f64).unwrap_or(0.0);
        }
        tally
    }

    fn outcome(&self, name: &str) -> u64 {
        self.by_outcome.get(name).copied().unwrap_or(0)
    }

    fn summary(&self) -> Value {
        let outcomes: Vec<Value> = self
            .by_outcome
            .iter()
            .map(|(outcome, n)| json!({"outcome": outcome, "count": n, "percent": percent(*n, self.total)}))
            .collect();
        json!({
            "totalInteractions": self.total,
            "deflected": self.outcome("Deflected"),
            "deflectionRate": percent(self.outcome("Deflected"), self.total),
            "caseCreationRate": percent(self.outcome("Case Created"), self.total),
            "escalationRate": percent(self.outcome("Escalated"), self.total),
            "abandonmentRate": percent(self.outcome("Abandoned"), self.total),
            "avgKbArticlesShown": (self.total > 0).then(|| round1(self.kb_articles_shown / self.total as f64)),
            "outcomes": outcomes,
        })
    }
}

async fn sla_compliance(
    ctx: &WorkflowContext,
    args: &Map<String, Value>,
) -> Result<Value, ToolError> {
    let days = days_arg(args);
    let mut filter = format!("CreatedDate = LAST_N_DAYS:{days}");
    if let Some(priority) = optional_str(args, "priority") {
        filter.push_str(&format!(" AND Priority = {}", soql_string(priority)));
    }
    let soql = format!(
        "SELECT Id, CaseNumber, Subject, Priority, Status, CreatedDate, \
         (SELECT CreatedDate FROM CaseComments ORDER BY CreatedDate ASC LIMIT 1), \
         (SELECT MessageDate FROM EmailMessages WHERE Incoming = false ORDER BY MessageDate ASC LIMIT 1) \
         FROM Case WHERE {filter} ORDER BY CreatedDate DESC LIMIT {SLA_MAX_CASES}"
    );
    let (cases, total_matching) = query_pages(ctx, &soql, SLA_MAX_CASES).await?;
    let now = ctx.org_now();
    let report = SlaReport::build(&cases, now);
    let mut out = report.to_json();
    out["periodDays"] = json!(days);
    if total_matching > cases.len() {
        out["truncated"] = json!(format!(
            "{} cases match but only the newest {} were analysed; narrow the period with days or filter by priority",
            total_matching,
            cases.len()
        ));
    }
    Ok(out)
}

/// Follows `nextRecordsUrl` until `max` records are read. Returns them and the total match count.
async fn query_pages(
    ctx: &WorkflowContext,
    soql: &str,
    max: usize,
) -> Result<(Vec<Value>, usize), ToolError> {
    let mut page = ctx.query(soql).await?;
    let total = page.get("totalSize").and_then(Value::as_u64).unwrap_or(0) as usize;
    let mut all = records(&page);
    while all.len() < max {
        let Some(next) = page.get("nextRecordsUrl").and_then(Value::as_str) else {
            break;
        };
        let locator = next.rsplit('/').next().unwrap_or_default();
        page = ctx
            .get(&format!("/query/{}", ctx.segment(locator)?), &[])
            .await?;
        all.extend(records(&page));
    }
    all.truncate(max);
    Ok((all, total))
}

/// First-response outcome of one case.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Response {
    /// Answered within the target.
    OnTime(f64),
    /// Answered after the target.
    Late(f64),
    /// Not answered, and the target has passed: a breach.
    Overdue(f64),
    /// Not answered yet, still within the target.
    Pending(f64),
}

/// The earliest of the first comment and the first outbound email, or none.
fn first_response(case: &Value) -> Option<DateTime<Utc>> {
    let comment = case
        .get("CaseComments")
        .and_then(|r| records(r).into_iter().next())
        .and_then(|c| datetime_field(&c, "CreatedDate"));
    let email = case
        .get("EmailMessages")
        .and_then(|r| records(r).into_iter().next())
        .and_then(|e| datetime_field(&e, "MessageDate"));
    match (comment, email) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn classify(case: &Value, threshold_hours: f64, now: DateTime<Utc>) -> Option<Response> {
    let created = datetime_field(case, "CreatedDate")?;
    let hours = |until: DateTime<Utc>| (until - created).num_seconds().max(0) as f64 / 3600.0;
    Some(match first_response(case) {
        Some(at) if hours(at) <= threshold_hours => Response::OnTime(hours(at)),
        Some(at) => Response::Late(hours(at)),
        None if now - created > Duration::seconds((threshold_hours * 3600.0) as i64) => {
            Response::Overdue(hours(now))
        }
        None => Response::Pending(hours(now)),
    })
}

#[derive(Default)]
struct PriorityStats {
    total: u64,
    on_time: u64,
    late: u64,
    overdue: u64,
    pending: u64,
    response_hours: Vec<f64>,
}

struct SlaReport {
    by_priority: BTreeMap<String, PriorityStats>,
    breaches: Vec<Value>,
    analysed: usize,
}

impl SlaReport {
    fn build(cases: &[Value], now: DateTime<Utc>) -> SlaReport {
        let mut by_priority: BTreeMap<String, PriorityStats> = BTreeMap::new();
        let mut breaches = Vec::new();
        for case in cases {
            // The connector treats a case without priority as Medium; so do we.
            let priority = case
                .get("Priority")
                .and_then(Value::as_str)
                .unwrap_or("Medium")
                .to_owned();
            let threshold = sla_hours(&priority);
            let Some(outcome) = classify(case, threshold, now) else {
                continue;
            };
            let stats = by_priority.entry(priority.clone()).or_default();
            stats.total += 1;
            let breach = |kind: &str, hours: f64| {
                json!({
                    "CaseNumber": case.get("CaseNumber"),
                    "Id": case.get("Id"),
                    "Subject": case.get("Subject"),
                    "Priority": priority,
                    "Status": case.get("Status"),
                    "breach": kind,
                    "hours": round1(hours),
                    "slaThresholdHours": threshold,
                })
            };
            match outcome {
                Response::OnTime(h) => {
                    stats.on_time += 1;
                    stats.response_hours.push(h);
                }
                Response::Late(h) => {
                    stats.late += 1;
                    stats.response_hours.push(h);
                    breaches.push(breach("late_first_response", h));
                }
                Response::Overdue(h) => {
                    stats.overdue += 1;
                    breaches.push(breach("no_response_past_threshold", h));
                }
                Response::Pending(_) => stats.pending += 1,
            }
        }
        breaches.sort_by(|a, b| {
            let hours = |v: &Value| v.get("hours").and_then(Value::as_f64).unwrap_or(0.0);
            hours(b)
                .partial_cmp(&hours(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        SlaReport {
            by_priority,
            breaches,
            analysed: cases.len(),
        }
    }

    fn to_json(&self) -> Value {
        let mut per_priority = Map::new();
        let (mut decided, mut met, mut pending) = (0u64, 0u64, 0u64);
        for (priority, stats) in &self.by_priority {
            let judged = stats.on_time + stats.late + stats.overdue;
            decided += judged;
            met += stats.on_time;
            pending += stats.pending;
            per_priority.insert(
                priority.clone(),
                json!({
                    "total": stats.total,
                    "withinSla": stats.on_time,
                    "breachedLateResponse": stats.late,
                    "breachedNoResponse": stats.overdue,
                    "pendingWithinSla": stats.pending,
                    "compliancePercent": percent(stats.on_time, judged),
                    "avgFirstResponseHours": average(&stats.response_hours),
                    "slaThresholdHours": sla_hours(priority),
                }),
            );
        }
        json!({
            "slaThresholdsHours": SLA_HOURS.iter().map(|(p, h)| (p.to_string(), json!(h))).collect::<Map<_, _>>(),
            "totalCasesAnalyzed": self.analysed,
            "overallCompliancePercent": percent(met, decided),
            "pendingWithinSla": pending,
            "complianceByPriority": per_priority,
            "breachedCases": self.breaches,
            "method": "First response = the earlier of the first case comment and the first outbound email. A case with no response whose age exceeds its priority's threshold is a breach; one still within the threshold is pending and left out of the compliance percentage.",
        })
    }
}

fn average(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| round1(values.iter().sum::<f64>() / values.len() as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        super::super::support::parse_datetime(text).expect("datetime")
    }

    fn case(priority: &str, created: &str, comment: Option<&str>, email: Option<&str>) -> Value {
        let sub = |field: &str, when: Option<&str>| match when {
            Some(t) => json!({"totalSize": 1, "done": true, "records": [{field: t}]}),
            None => Value::Null,
        };
        json!({"Id": "500", "CaseNumber": "1", "Priority": priority, "CreatedDate": created,
            "CaseComments": sub("CreatedDate", comment), "EmailMessages": sub("MessageDate", email)})
    }

    #[test]
    fn an_unanswered_case_past_its_threshold_is_a_breach() {
        let now = at("2026-11-20T12:00:00Z");
        let cases = vec![
            case(
                "High",
                "2026-11-20T08:00:00Z",
                Some("2026-11-20T09:00:00Z"),
                None,
            ), // 1h: on time
            case(
                "High",
                "2026-11-20T00:00:00Z",
                None,
                Some("2026-11-20T06:00:00Z"),
            ), // 6h: late
            case("High", "2026-11-19T00:00:00Z", None, None), // 36h, none: breach
            case("High", "2026-11-20T10:00:00Z", None, None), // 2h, none: pending
            case(
                "Low",
                "2026-11-20T00:00:00Z",
                Some("2026-11-20T05:00:00Z"),
                Some("2026-11-20T03:00:00Z"),
            ),
        ];
        let report = SlaReport::build(&cases, now).to_json();
        let high = &report["complianceByPriority"]["High"];
        assert_eq!(high["withinSla"], 1);
        assert_eq!(high["breachedLateResponse"], 1);
        assert_eq!(high["breachedNoResponse"], 1);
        assert_eq!(high["pendingWithinSla"], 1);
        assert_eq!(high["compliancePercent"], 33.3);
        assert_eq!(
            report["complianceByPriority"]["Low"]["avgFirstResponseHours"],
            3.0
        );
        assert_eq!(report["overallCompliancePercent"], 50.0);
        assert_eq!(
            report["breachedCases"][0]["breach"],
            "no_response_past_threshold"
        );
        assert_eq!(report["breachedCases"][0]["hours"], 36.0);
    }

    #[test]
    fn deflection_rates_are_computed_from_outcome_counts() {
        let rows = [
            json!({"Outcome__c": "Deflected", "cnt": 6, "kb": 12.0}),
            json!({"Outcome__c": "Case Created", "cnt": 3, "kb": 3.0}),
            json!({"Outcome__c": "Abandoned", "cnt": 1, "kb": 0.0}),
        ];
        let summary = OutcomeTally::from_rows(rows.iter()).summary();
        assert_eq!(summary["totalInteractions"], 10);
        assert_eq!(summary["deflectionRate"], 60.0);
        assert_eq!(summary["caseCreationRate"], 30.0);
        assert_eq!(summary["escalationRate"], 0.0);
        assert_eq!(summary["avgKbArticlesShown"], 1.5);
    }

    #[test]
    fn group_fields_are_identifiers() {
        assert!(group_field("Reason").is_ok());
        assert!(group_field("Product_Area__c").is_ok());
        assert!(group_field("Reason) FROM User --").is_err());
        assert_eq!(change_percent(15, 10), Some(50.0));
        assert_eq!(change_percent(5, 0), None);
    }
}
