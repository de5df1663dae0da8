//! Record queries: wire shape, parent paths, child subqueries, ORDER BY, LIMIT/OFFSET, queryAll
//! and the tooling split.

use serde_json::{Value, json};

use super::{BASE, Demo, insert, keys, options, url};
use crate::demo_org::soql::execute;

#[test]
fn seed_conversation_query() {
    let demo = Demo::new();
    let out = demo.query(
        "SELECT Id, CaseNumber, Subject, Priority, CreatedDate, Status FROM Case \
         WHERE Account.Name = 'Zava' AND Status != 'Closed' AND CreatedDate < LAST_N_DAYS:2 \
         ORDER BY Priority",
    );
    assert_eq!(out.total_size, 2);
    assert_eq!(
        out.records[0],
        json!({
            "attributes": {"type": "Case", "url": url("Case", demo.case(2))},
            "Id": demo.case(2),
            "CaseNumber": "00001002",
            "Subject": "VPN timeout",
            "Priority": "Critical",
            "CreatedDate": "2026-11-12T09:00:00.000+0000",
            "Status": "Working",
        })
    );
    assert_eq!(out.records[1]["Subject"], "Printer jam");
}

#[test]
fn keys_are_canonical_and_in_select_order() {
    let demo = Demo::new();
    let out = demo.query("select subject, ID, casenumber from CASE where casenumber = '00001001'");
    assert_eq!(
        keys(&out.records[0]),
        vec!["attributes", "Subject", "Id", "CaseNumber"]
    );
    assert_eq!(out.records[0]["attributes"]["type"], "Case");
}

#[test]
fn unset_fields_read_as_null() {
    let demo = Demo::new();
    let out = demo.query("SELECT Description FROM Case WHERE CaseNumber = '00001001'");
    assert_eq!(out.records[0]["Description"], Value::Null);
}

#[test]
fn parent_paths_nest_share_one_object_and_may_be_null() {
    let demo = Demo::new();
    let out = demo.query(
        "SELECT Id, Account.Name, Subject, account.industry FROM Case \
         WHERE CaseNumber IN ('00001001', '00001006') ORDER BY CaseNumber",
    );
    assert_eq!(
        out.records[0],
        json!({
            "attributes": {"type": "Case", "url": url("Case", demo.case(1))},
            "Id": demo.case(1),
            "Account": {
                "attributes": {"type": "Account", "url": url("Account", &demo.zava)},
                "Name": "Zava",
                "Industry": "Technology",
            },
            "Subject": "Printer jam",
        })
    );
    assert_eq!(out.records[1]["Account"], Value::Null);
}

#[test]
fn multi_level_and_audit_parent_paths() {
    let demo = Demo::new();
    let out = demo.query(
        "SELECT Contact.Account.Name, CreatedBy.Name FROM Case WHERE CaseNumber = '00001005'",
    );
    let record = &out.records[0];
    assert_eq!(record["Contact"]["attributes"]["type"], "Contact");
    assert_eq!(record["Contact"]["Account"]["Name"], "Contoso");
    assert_eq!(
        record["Contact"]["Account"]["attributes"]["url"],
        url("Account", &demo.contoso)
    );
    assert_eq!(record["CreatedBy"]["Name"], "Ada Admin");
    assert_eq!(
        record["CreatedBy"]["attributes"]["url"],
        url("User", &demo.user)
    );
}

#[test]
fn polymorphic_parents_resolve_by_the_referenced_type() {
    let mut demo = Demo::new();
    let on_case = insert(
        &mut demo.org,
        "FeedItem",
        json!({"ParentId": demo.cases[0], "Body": "on a case"}),
    );
    let on_account = insert(
        &mut demo.org,
        "FeedItem",
        json!({"ParentId": demo.zava, "Body": "on an account"}),
    );
    let out = demo.query("SELECT Id, Parent.Name, Parent.Type FROM FeedItem ORDER BY Id");
    assert_eq!(out.records[0]["Id"], json!(on_case));
    assert_eq!(
        out.records[0]["Parent"],
        json!({
            "attributes": {"type": "Case", "url": url("Case", demo.case(1))},
            "Name": "00001001",
            "Type": "Case",
        })
    );
    assert_eq!(out.records[1]["Id"], json!(on_account));
    assert_eq!(out.records[1]["Parent"]["Name"], "Zava");
    assert_eq!(out.records[1]["Parent"]["Type"], "Account");
    let filtered = demo.query("SELECT Id FROM FeedItem WHERE Parent.Type = 'Account'");
    assert_eq!(filtered.total_size, 1);
}

/// Two comments and an email on case 1, nothing on case 2.
fn with_children(demo: &mut Demo) {
    let c1 = demo.cases[0].clone();
    for (body, created) in [
        ("second", "2026-11-11T10:00:00.000+0000"),
        ("first", "2026-11-10T10:00:00.000+0000"),
    ] {
        insert(
            &mut demo.org,
            "CaseComment",
            json!({"ParentId": c1, "CommentBody": body, "CreatedDate": created}),
        );
    }
    for (incoming, created) in [
        (true, "2026-11-10T09:30:00.000+0000"),
        (false, "2026-11-10T11:00:00.000+0000"),
    ] {
        insert(
            &mut demo.org,
            "EmailMessage",
            json!({"ParentId": c1, "Incoming": incoming, "CreatedDate": created,
                   "Subject": "Re: Printer jam"}),
        );
    }
}

#[test]
fn child_subqueries_order_limit_and_null_when_empty() {
    let mut demo = Demo::new();
    with_children(&mut demo);
    let out = demo.query(
        "SELECT Id, (SELECT CommentBody FROM CaseComments ORDER BY CreatedDate DESC LIMIT 1) \
         FROM Case WHERE CaseNumber IN ('00001001', '00001002') ORDER BY CaseNumber",
    );
    let comments = &out.records[0]["CaseComments"];
    assert_eq!(comments["totalSize"], 1);
    assert_eq!(comments["done"], true);
    assert_eq!(comments["records"][0]["CommentBody"], "second");
    assert_eq!(comments["records"][0]["attributes"]["type"], "CaseComment");
    assert_eq!(out.records[1]["CaseComments"], Value::Null);
    let all = demo.query(
        "SELECT Id, (SELECT CommentBody FROM CaseComments ORDER BY CreatedDate) FROM Case \
         WHERE CaseNumber = '00001001'",
    );
    let bodies: Vec<&Value> = all.records[0]["CaseComments"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["CommentBody"])
        .collect();
    assert_eq!(bodies, vec!["first", "second"]);
}

#[test]
fn connector_first_response_query() {
    let mut demo = Demo::new();
    with_children(&mut demo);
    let out = demo.query(
        "SELECT Id, CaseNumber, Subject, Priority, Status, CreatedDate, \
         (SELECT CreatedDate FROM CaseComments ORDER BY CreatedDate ASC LIMIT 1), \
         (SELECT CreatedDate FROM EmailMessages WHERE Incoming = false ORDER BY CreatedDate ASC LIMIT 1) \
         FROM Case WHERE CreatedDate >= 2026-10-01T00:00:00Z ORDER BY CreatedDate DESC LIMIT 200",
    );
    assert_eq!(out.total_size, 5);
    let numbers: Vec<&Value> = out.records.iter().map(|r| &r["CaseNumber"]).collect();
    assert_eq!(
        numbers,
        vec!["00001004", "00001002", "00001001", "00001003", "00001005"]
    );
    let c1 = &out.records[2];
    assert_eq!(
        keys(c1),
        vec![
            "attributes",
            "Id",
            "CaseNumber",
            "Subject",
            "Priority",
            "Status",
            "CreatedDate",
            "CaseComments",
            "EmailMessages"
        ]
    );
    assert_eq!(
        c1["CaseComments"]["records"][0]["CreatedDate"],
        "2026-11-10T10:00:00.000+0000"
    );
    assert_eq!(c1["EmailMessages"]["totalSize"], 1);
    assert_eq!(
        c1["EmailMessages"]["records"][0]["CreatedDate"],
        "2026-11-10T11:00:00.000+0000"
    );
    assert_eq!(out.records[0]["CaseComments"], Value::Null);
    assert_eq!(out.records[0]["EmailMessages"], Value::Null);
}

#[test]
fn child_subqueries_on_accounts() {
    let demo = Demo::new();
    let out = demo.query(
        "SELECT Name, (SELECT Subject FROM Cases WHERE Status != 'Closed' ORDER BY Subject) \
         FROM Account ORDER BY Name",
    );
    let names: Vec<&Value> = out.records.iter().map(|r| &r["Name"]).collect();
    assert_eq!(names, vec!["Contoso", "fabrikam", "Zava"]);
    assert_eq!(out.records[0]["Cases"]["totalSize"], 1);
    assert_eq!(out.records[1]["Cases"], Value::Null);
    let subjects: Vec<&Value> = out.records[2]["Cases"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["Subject"])
        .collect();
    assert_eq!(subjects, vec!["Fresh case", "Printer jam", "VPN timeout"]);
}

#[test]
fn semi_and_anti_joins() {
    let mut demo = Demo::new();
    with_children(&mut demo);
    assert_eq!(
        demo.subjects("SELECT Subject FROM Case WHERE Id IN (SELECT ParentId FROM CaseComment)"),
        vec!["Printer jam"]
    );
    assert_eq!(
        demo.query("SELECT Id FROM Case WHERE Id NOT IN (SELECT ParentId FROM CaseComment)")
            .total_size,
        5
    );
    assert_eq!(
        demo.column(
            "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Case WHERE Status = 'Escalated')",
            "Name"
        ),
        vec!["Contoso"]
    );
}

#[test]
fn order_by_picklist_definition_order_and_nulls() {
    let demo = Demo::new();
    // ASC puts nulls first by default; DESC puts them last.
    assert_eq!(
        demo.column(
            "SELECT Priority FROM Case ORDER BY Priority, CaseNumber",
            "Priority"
        ),
        vec![
            Value::Null,
            json!("Critical"),
            json!("High"),
            json!("High"),
            json!("Medium"),
            json!("Low")
        ]
    );
    assert_eq!(
        demo.column(
            "SELECT Priority FROM Case ORDER BY Priority DESC",
            "Priority"
        )
        .last()
        .cloned(),
        Some(Value::Null)
    );
    assert_eq!(
        demo.column(
            "SELECT Priority FROM Case ORDER BY Priority ASC NULLS LAST",
            "Priority"
        )
        .last()
        .cloned(),
        Some(Value::Null)
    );
    assert_eq!(
        demo.column(
            "SELECT Priority FROM Case ORDER BY Priority DESC NULLS FIRST",
            "Priority"
        )[..2],
        [Value::Null, json!("Low")]
    );
}

#[test]
fn order_by_several_keys_parent_paths_and_text_ignoring_case() {
    let demo = Demo::new();
    assert_eq!(
        demo.subjects("SELECT Subject FROM Case ORDER BY Status DESC, Priority ASC"),
        // Status order: New, Working, Escalated, Closed; DESC reverses it.
        vec![
            "Closed issue",
            "It's billing",
            "VPN timeout",
            "Orphan",
            "Fresh case",
            "Printer jam"
        ]
    );
    assert_eq!(
        demo.column("SELECT Name FROM Account ORDER BY Name", "Name"),
        vec!["Contoso", "fabrikam", "Zava"]
    );
    assert_eq!(
        demo.subjects(
            "SELECT Subject FROM Case WHERE AccountId != null ORDER BY Account.Name, Subject DESC"
        ),
        vec![
            "It's billing",
            "VPN timeout",
            "Printer jam",
            "Fresh case",
            "Closed issue"
        ]
    );
}

#[test]
fn limit_and_offset() {
    let demo = Demo::new();
    let out = demo.query("SELECT Subject FROM Case ORDER BY CaseNumber LIMIT 2 OFFSET 1");
    assert_eq!(out.total_size, 2);
    assert_eq!(out.records[0]["Subject"], "VPN timeout");
    assert_eq!(demo.query("SELECT Id FROM Case LIMIT 0").total_size, 0);
    assert_eq!(demo.query("SELECT Id FROM Case OFFSET 10").total_size, 0);
    let err = demo.error("SELECT Id FROM Case OFFSET 2001");
    assert_eq!(err.error_code, "NUMBER_OUTSIDE_VALID_RANGE");
    assert!(err.message.ends_with("Maximum SOQL offset allowed is 2000"));
}

#[test]
fn query_all_includes_deleted_records() {
    let mut demo = Demo::new();
    let id = demo.cases[0].clone();
    if let Some(record) = demo.org.get_mut(&id) {
        record.deleted = true;
    }
    assert_eq!(demo.query("SELECT Id FROM Case").total_size, 5);
    let mut all = options();
    all.include_deleted = true;
    assert_eq!(demo.query_with("SELECT Id FROM Case", &all).total_size, 6);
    let deleted = demo.query_with(
        "SELECT Id, IsDeleted FROM Case WHERE IsDeleted = true",
        &all,
    );
    assert_eq!(deleted.records[0]["Id"], json!(id));
    assert_eq!(deleted.records[0]["IsDeleted"], true);
    let count = demo.query_with("SELECT COUNT() FROM Case", &all);
    assert_eq!(count.total_size, 6);
}

#[test]
fn tooling_and_data_objects_are_kept_apart() {
    let mut demo = Demo::new();
    let group = insert(
        &mut demo.org,
        "SearchSynonymGroup",
        json!({"GroupName": "Printers", "Synonyms": "printer, copier"}),
    );
    let mut tooling = options();
    tooling.tooling = true;
    tooling.sobjects_base = "/services/data/v66.0/tooling/sobjects".into();
    let out = demo.query_with("SELECT Id, GroupName FROM SearchSynonymGroup", &tooling);
    assert_eq!(
        out.records[0]["attributes"]["url"],
        format!("/services/data/v66.0/tooling/sobjects/SearchSynonymGroup/{group}")
    );
    let err = demo.error("SELECT Id FROM SearchSynonymGroup");
    assert_eq!(err.error_code, "INVALID_TYPE");
    assert!(
        err.message
            .contains("sObject type 'SearchSynonymGroup' is not supported.")
    );
    let err = execute(&demo.org, "SELECT Id FROM Case", &tooling).unwrap_err();
    assert_eq!(err.error_code, "INVALID_TYPE");
}

#[test]
fn ids_match_in_15_and_18_character_forms() {
    let demo = Demo::new();
    let short = &demo.case(2)[..15];
    assert_eq!(
        demo.subjects(&format!("SELECT Subject FROM Case WHERE Id = '{short}'")),
        vec!["VPN timeout"]
    );
    let lower_suffix = format!(
        "{}{}",
        &demo.case(2)[..15],
        demo.case(2)[15..].to_lowercase()
    );
    assert_eq!(
        demo.query(&format!("SELECT Id FROM Case WHERE Id = '{lower_suffix}'"))
            .total_size,
        1
    );
    let account_short = &demo.contoso[..15];
    assert_eq!(
        demo.subjects(&format!(
            "SELECT Subject FROM Case WHERE AccountId IN ('{account_short}')"
        )),
        vec!["It's billing"]
    );
    assert_eq!(BASE, "/services/data/v66.0/sobjects");
}

#[test]
fn object_name_prefix_on_fields_is_allowed() {
    let demo = Demo::new();
    let out = demo.query("SELECT Case.Subject FROM Case WHERE Case.CaseNumber = '00001002'");
    assert_eq!(keys(&out.records[0]), vec!["attributes", "Subject"]);
}
