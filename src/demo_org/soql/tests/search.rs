//! SOSL searches.

use serde_json::{Value, json};

use super::{Demo, insert, keys, options, url};
use crate::demo_org::soql::{SoqlError, search};

fn find(demo: &Demo, sosl: &str) -> Vec<Value> {
    match search(&demo.org, sosl, &options()) {
        Ok(records) => records,
        Err(error) => panic!("{sosl}\n{error}"),
    }
}

fn find_error(demo: &Demo, sosl: &str) -> SoqlError {
    match search(&demo.org, sosl, &options()) {
        Ok(records) => panic!("{sosl} should fail, got {records:?}"),
        Err(error) => error,
    }
}

fn field(records: &[Value], name: &str) -> Vec<Value> {
    records.iter().map(|r| r[name].clone()).collect()
}

#[test]
fn returning_objects_with_fields() {
    let demo = Demo::new();
    let records = find(
        &demo,
        "FIND {zava} IN ALL FIELDS RETURNING Account(Id, Name), Contact(Name, Email)",
    );
    assert_eq!(
        records,
        vec![
            json!({
                "attributes": {"type": "Account", "url": url("Account", &demo.zava)},
                "Id": demo.zava,
                "Name": "Zava",
            }),
            json!({
                "attributes": {"type": "Contact", "url": url("Contact", &demo.alice)},
                "Name": "Alice Ng",
                "Email": "alice@zava.com",
            }),
        ]
    );
}

#[test]
fn without_returning_every_object_answers_with_ids() {
    let demo = Demo::new();
    let records = find(&demo, "FIND {ZAVA}");
    assert_eq!(
        field(&records, "Id"),
        vec![json!(demo.zava), json!(demo.alice)]
    );
    assert_eq!(keys(&records[0]), vec!["attributes", "Id"]);
    let bare = find(&demo, "find {Zava} RETURNING Account");
    assert_eq!(keys(&bare[0]), vec!["attributes", "Id"]);
}

#[test]
fn field_scopes() {
    let demo = Demo::new();
    assert_eq!(
        field(
            &find(
                &demo,
                "FIND {alice@zava.com} IN EMAIL FIELDS RETURNING Contact(Name)"
            ),
            "Name"
        ),
        vec!["Alice Ng"]
    );
    assert!(find(&demo, "FIND {zava} IN NAME FIELDS RETURNING Contact(Name)").is_empty());
    assert_eq!(
        find(&demo, "FIND {555} IN PHONE FIELDS RETURNING Account(Name)").len(),
        1
    );
}

#[test]
fn phrases_operators_and_wildcards() {
    let demo = Demo::new();
    let subjects = |sosl: &str| field(&find(&demo, sosl), "Subject");
    assert_eq!(
        subjects("FIND {\"printer jam\"} RETURNING Case(Subject)"),
        vec!["Printer jam"]
    );
    assert!(subjects("FIND {\"jam printer\"} RETURNING Case(Subject)").is_empty());
    assert_eq!(
        subjects("FIND {printer OR vpn} RETURNING Case(Subject ORDER BY Subject)"),
        vec!["Printer jam", "VPN timeout"]
    );
    assert!(subjects("FIND {printer vpn} RETURNING Case(Subject)").is_empty());
    assert_eq!(
        subjects("FIND {bill*} RETURNING Case(Subject)"),
        vec!["It's billing"]
    );
}

#[test]
fn where_order_by_and_limits_inside_returning() {
    let demo = Demo::new();
    let records = find(
        &demo,
        "FIND {new OR working} RETURNING Case(Subject, Account.Name WHERE Priority != 'Low' \
         ORDER BY Subject LIMIT 2)",
    );
    assert_eq!(field(&records, "Subject"), vec!["Fresh case", "Orphan"]);
    assert_eq!(records[0]["Account"]["Name"], "Zava");
    assert_eq!(records[1]["Account"], Value::Null);
    assert_eq!(
        find(&demo, "FIND {new} RETURNING Case(Subject) LIMIT 1").len(),
        1
    );
}

#[test]
fn results_are_ranked_by_relevance() {
    let mut demo = Demo::new();
    insert(
        &mut demo.org,
        "Case",
        json!({"Subject": "Printer printer everywhere", "Status": "New"}),
    );
    let records = find(&demo, "FIND {printer} RETURNING Case(Subject)");
    assert_eq!(
        field(&records, "Subject"),
        vec!["Printer printer everywhere", "Printer jam"]
    );
}

#[test]
fn search_errors() {
    let demo = Demo::new();
    let err = find_error(&demo, "FIND zava RETURNING Account");
    assert_eq!(err.error_code, "MALFORMED_SEARCH");
    assert_eq!(
        err.message,
        "No search term found. The search term must be enclosed in braces."
    );
    let err = find_error(&demo, "FIND {zava RETURNING Account");
    assert_eq!(err.error_code, "MALFORMED_SEARCH");
    let err = find_error(&demo, "FIND {a}");
    assert_eq!(err.error_code, "MALFORMED_SEARCH");
    assert_eq!(
        err.message,
        "search term must be longer than one character: a"
    );
    let err = find_error(&demo, "FIND {zava} RETURNING Bogus");
    assert_eq!(err.error_code, "INVALID_TYPE");
    assert!(
        err.message
            .contains("sObject type 'Bogus' is not supported.")
    );
    let err = find_error(&demo, "FIND {zava} RETURNING Account(Bacon__c)");
    assert_eq!(err.error_code, "INVALID_FIELD");
    assert!(
        err.message
            .contains("No such column 'Bacon__c' on entity 'Account'.")
    );
    let err = find_error(&demo, "FIND {zava} RETURNING Account(Name");
    assert_eq!(err.error_code, "MALFORMED_SEARCH");
    assert!(err.message.ends_with("unexpected token: <EOF>"));
    let err = find_error(&demo, "SEARCH {zava}");
    assert_eq!(err.error_code, "MALFORMED_SEARCH");
    let err = find_error(&demo, "FIND {zava} RETURNING SearchSynonymGroup");
    assert_eq!(err.error_code, "INVALID_TYPE");
}
