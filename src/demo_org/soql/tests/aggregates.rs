//! COUNT(), aggregate functions, GROUP BY, HAVING and their ORDER BY.

use serde_json::{Value, json};

use super::{Demo, insert, keys};

fn rows(demo: &Demo, soql: &str) -> Vec<Value> {
    demo.query(soql).records
}

#[test]
fn count_star_gives_only_a_total() {
    let demo = Demo::new();
    let out = demo.query("SELECT COUNT() FROM Case");
    assert_eq!(out.total_size, 6);
    assert!(out.records.is_empty());
    assert_eq!(
        demo.query("SELECT COUNT() FROM Case WHERE Status = 'New'")
            .total_size,
        3
    );
    assert_eq!(demo.query("SELECT count() FROM Case LIMIT 2").total_size, 2);
}

#[test]
fn unaliased_aggregates_are_named_expr_n() {
    let demo = Demo::new();
    let out = demo.query("SELECT COUNT(Id), COUNT(Priority), COUNT_DISTINCT(Priority) FROM Case");
    assert_eq!(out.total_size, 1);
    assert_eq!(
        out.records[0],
        json!({"attributes": {"type": "AggregateResult"}, "expr0": 6, "expr1": 5, "expr2": 4})
    );
}

#[test]
fn sum_avg_min_max_with_aliases() {
    let demo = Demo::new();
    let out = rows(
        &demo,
        "SELECT SUM(NumberOfEmployees) total, AVG(NumberOfEmployees) average, \
         MIN(Name) first, MAX(Name) last, MAX(AnnualRevenue) FROM Account",
    );
    assert_eq!(
        out[0],
        json!({
            "attributes": {"type": "AggregateResult"},
            "total": 290,
            "average": 145.0,
            "first": "Contoso",
            "last": "Zava",
            "expr0": 1500000.5,
        })
    );
}

#[test]
fn min_and_max_of_picklists_follow_the_picklist_order() {
    let demo = Demo::new();
    let out = rows(
        &demo,
        "SELECT MIN(Priority) lo, MAX(Priority) hi, MAX(CreatedDate) newest FROM Case",
    );
    assert_eq!(out[0]["lo"], "Critical");
    assert_eq!(out[0]["hi"], "Low");
    assert_eq!(out[0]["newest"], "2026-11-17T09:00:00.000+0000");
}

#[test]
fn aggregates_over_no_rows_give_one_row() {
    let demo = Demo::new();
    let out = rows(
        &demo,
        "SELECT COUNT(Id), SUM(NumberOfEmployees) FROM Account WHERE Name = 'nobody'",
    );
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["expr0"], 0);
    assert_eq!(out[0]["expr1"], Value::Null);
    let grouped =
        demo.query("SELECT Status, COUNT(Id) FROM Case WHERE Subject = 'x' GROUP BY Status");
    assert_eq!(grouped.total_size, 0);
}

#[test]
fn group_by_one_field() {
    let demo = Demo::new();
    let out = rows(
        &demo,
        "SELECT Status, COUNT(Id) cnt FROM Case GROUP BY Status",
    );
    // Without ORDER BY, groups come in the order of their values (picklist order here).
    assert_eq!(
        out,
        vec![
            json!({"attributes": {"type": "AggregateResult"}, "Status": "New", "cnt": 3}),
            json!({"attributes": {"type": "AggregateResult"}, "Status": "Working", "cnt": 1}),
            json!({"attributes": {"type": "AggregateResult"}, "Status": "Escalated", "cnt": 1}),
            json!({"attributes": {"type": "AggregateResult"}, "Status": "Closed", "cnt": 1}),
        ]
    );
}

#[test]
fn group_by_several_fields_and_a_parent_path() {
    let demo = Demo::new();
    let out = rows(
        &demo,
        "SELECT Status, Priority, COUNT(Id) FROM Case WHERE Status = 'New' GROUP BY Status, Priority",
    );
    let pairs: Vec<(Value, Value, Value)> = out
        .iter()
        .map(|r| {
            (
                r["Status"].clone(),
                r["Priority"].clone(),
                r["expr0"].clone(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![
            (json!("New"), Value::Null, json!(1)),
            (json!("New"), json!("High"), json!(1)),
            (json!("New"), json!("Low"), json!(1)),
        ]
    );
    let out = rows(
        &demo,
        "SELECT Account.Name, COUNT(Id) FROM Case GROUP BY Account.Name",
    );
    assert_eq!(keys(&out[0]), vec!["attributes", "Name", "expr0"]);
    let names: Vec<(Value, Value)> = out
        .iter()
        .map(|r| (r["Name"].clone(), r["expr0"].clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            (Value::Null, json!(1)),
            (json!("Contoso"), json!(1)),
            (json!("Zava"), json!(4))
        ]
    );
}

#[test]
fn group_by_date_functions() {
    let demo = Demo::new();
    let out = rows(
        &demo,
        "SELECT CALENDAR_MONTH(CreatedDate) month, COUNT(Id) n FROM Case \
         GROUP BY CALENDAR_MONTH(CreatedDate)",
    );
    let months: Vec<(Value, Value)> = out
        .iter()
        .map(|r| (r["month"].clone(), r["n"].clone()))
        .collect();
    assert_eq!(
        months,
        vec![
            (json!(9), json!(1)),
            (json!(10), json!(1)),
            (json!(11), json!(4))
        ]
    );
    let out = rows(
        &demo,
        "SELECT CALENDAR_YEAR(CreatedDate), COUNT(Id) FROM Case GROUP BY CALENDAR_YEAR(CreatedDate)",
    );
    assert_eq!(
        out,
        vec![json!({"attributes": {"type": "AggregateResult"}, "expr0": 2026, "expr1": 6})]
    );
    let out = rows(
        &demo,
        "SELECT DAY_ONLY(CreatedDate) day, COUNT(Id) FROM Case WHERE CreatedDate = THIS_MONTH \
         GROUP BY DAY_ONLY(CreatedDate) ORDER BY DAY_ONLY(CreatedDate) DESC",
    );
    let days: Vec<&Value> = out.iter().map(|r| &r["day"]).collect();
    assert_eq!(
        days,
        vec!["2026-11-17", "2026-11-12", "2026-11-10", "2026-11-01"]
    );
}

#[test]
fn having_filters_groups() {
    let demo = Demo::new();
    let out = rows(
        &demo,
        "SELECT Status, COUNT(Id) FROM Case GROUP BY Status HAVING COUNT(Id) > 1",
    );
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["Status"], "New");
    let out = rows(
        &demo,
        "SELECT Status, COUNT(Id) FROM Case GROUP BY Status HAVING Status IN ('Closed', 'Working')",
    );
    assert_eq!(out.len(), 2);
    // HAVING may use an aggregate the SELECT list does not show.
    let out = rows(
        &demo,
        "SELECT Account.Name FROM Case GROUP BY Account.Name HAVING MAX(CreatedDate) > 2026-11-15T00:00:00Z",
    );
    assert_eq!(
        out,
        vec![json!({"attributes": {"type": "AggregateResult"}, "Name": "Zava"})]
    );
}

#[test]
fn order_by_aggregates_and_aliases() {
    let demo = Demo::new();
    let by_count: Vec<Value> = rows(
        &demo,
        "SELECT Type, COUNT(Id) FROM Case GROUP BY Type ORDER BY COUNT(Id) DESC, Type",
    )
    .iter()
    .map(|r| r["Type"].clone())
    .collect();
    assert_eq!(
        by_count,
        vec![
            json!("Problem"),
            json!("Question"),
            Value::Null,
            json!("Feature Request")
        ]
    );
    let by_alias: Vec<Value> = rows(
        &demo,
        "SELECT Account.Name acct, COUNT(Id) cnt FROM Case GROUP BY Account.Name ORDER BY cnt DESC LIMIT 1",
    )
    .iter()
    .map(|r| r["acct"].clone())
    .collect();
    assert_eq!(by_alias, vec![json!("Zava")]);
}

#[test]
fn connector_case_type_breakdown() {
    let demo = Demo::new();
    let out = demo.query(
        "SELECT Type, COUNT(Id) cnt FROM Case WHERE CreatedDate >= 2026-10-01T00:00:00Z \
         GROUP BY Type HAVING COUNT(Id) >= 1 ORDER BY COUNT(Id) DESC",
    );
    assert_eq!(out.total_size, 3);
    assert_eq!(
        out.records,
        vec![
            json!({"attributes": {"type": "AggregateResult"}, "Type": "Problem", "cnt": 2}),
            json!({"attributes": {"type": "AggregateResult"}, "Type": "Question", "cnt": 2}),
            json!({"attributes": {"type": "AggregateResult"}, "Type": "Feature Request", "cnt": 1}),
        ]
    );
}

#[test]
fn connector_copilot_outcomes_by_topic() {
    let mut demo = Demo::new();
    let interactions = [
        (
            "Deflected",
            "Password reset",
            "2026-11-02T10:00:00.000+0000",
        ),
        (
            "Deflected",
            "Password reset",
            "2026-11-03T10:00:00.000+0000",
        ),
        ("Case Created", "VPN", "2026-11-04T10:00:00.000+0000"),
        (
            "Deflected",
            "Password reset",
            "2026-11-05T10:00:00.000+0000",
        ),
        ("Deflected", "VPN", "2026-11-06T10:00:00.000+0000"),
        ("Case Created", "VPN", "2026-11-07T10:00:00.000+0000"),
        ("Abandoned", "Printer", "2026-09-30T23:59:59.000+0000"),
    ];
    for (outcome, topic, created) in interactions {
        insert(
            &mut demo.org,
            "Copilot_Interaction__c",
            json!({"Outcome__c": outcome, "Topic__c": topic, "CreatedDate": created}),
        );
    }
    let out = demo.query(
        "SELECT Outcome__c, Topic__c, COUNT(Id) cnt FROM Copilot_Interaction__c \
         WHERE CreatedDate >= 2026-10-01T00:00:00Z GROUP BY Outcome__c, Topic__c \
         ORDER BY COUNT(Id) DESC",
    );
    assert_eq!(
        out.records,
        vec![
            json!({"attributes": {"type": "AggregateResult"}, "Outcome__c": "Deflected", "Topic__c": "Password reset", "cnt": 3}),
            json!({"attributes": {"type": "AggregateResult"}, "Outcome__c": "Case Created", "Topic__c": "VPN", "cnt": 2}),
            json!({"attributes": {"type": "AggregateResult"}, "Outcome__c": "Deflected", "Topic__c": "VPN", "cnt": 1}),
        ]
    );
}

#[test]
fn aggregate_query_errors() {
    let demo = Demo::new();
    let err = demo.error("SELECT Subject, COUNT(Id) FROM Case GROUP BY Status");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
    assert_eq!(
        err.message,
        "\nSELECT Subject, COUNT(Id\n       ^\nERROR at Row:1:Column:8\nField must be grouped or aggregated: Subject"
    );
    let err = demo.error("SELECT Status, COUNT(Id) FROM Case");
    assert!(
        err.message
            .ends_with("Field must be grouped or aggregated: Status")
    );
    let err = demo.error("SELECT Description, COUNT(Id) FROM Case GROUP BY Description");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
    assert!(
        err.message
            .ends_with("field 'Description' can not be grouped in a query call")
    );
    let err = demo.error("SELECT CreatedDate FROM Case GROUP BY CreatedDate");
    assert!(
        err.message
            .ends_with("field 'CreatedDate' can not be grouped in a query call")
    );
    let err = demo.error("SELECT SUM(Subject) FROM Case");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
    assert!(
        err.message
            .ends_with("field Subject does not support aggregate operator SUM")
    );
    let err = demo.error("SELECT COUNT(IsEscalated) FROM Case");
    assert!(
        err.message
            .ends_with("field IsEscalated does not support aggregate operator COUNT")
    );
    let err = demo.error("SELECT Status, COUNT(Id) FROM Case GROUP BY Status ORDER BY Subject");
    assert!(
        err.message
            .ends_with("Ordered field must be grouped or aggregated: Subject")
    );
    let err = demo.error("SELECT COUNT(), Id FROM Case");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
    let err = demo.error("SELECT Id FROM Case ORDER BY COUNT(Id)");
    assert!(
        err.message
            .ends_with("Field must be grouped or aggregated: Id")
    );
}
