//! Errors in Salesforce's codes and words.

use super::Demo;

const WSDL: &str = "Please reference your WSDL or the describe call for the appropriate names.";

#[test]
fn unknown_column_has_the_caret_block() {
    let demo = Demo::new();
    let err = demo.error("SELECT Bacon__c FROM Account LIMIT 2");
    assert_eq!(err.error_code, "INVALID_FIELD");
    assert_eq!(
        err.message,
        "\nSELECT Bacon__c FROM Account LIMIT 2\n       ^\nERROR at Row:1:Column:8\nNo such column 'Bacon__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
    );
}

#[test]
fn unknown_object_is_invalid_type() {
    let demo = Demo::new();
    let err = demo.error("SELECT Id FROM Bogus");
    assert_eq!(err.error_code, "INVALID_TYPE");
    assert_eq!(
        err.message,
        format!(
            "\nSELECT Id FROM Bogus\n               ^\nERROR at Row:1:Column:16\nsObject type 'Bogus' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. {WSDL}"
        )
    );
}

#[test]
fn errors_on_later_lines_report_their_row() {
    let demo = Demo::new();
    let err = demo.error("SELECT Id,\n  Bogus__c\nFROM Case");
    assert_eq!(
        err.message.lines().take(4).collect::<Vec<_>>(),
        vec!["", "Bogus__c", "^", "ERROR at Row:2:Column:3"]
    );
}

#[test]
fn malformed_queries() {
    let demo = Demo::new();
    let err = demo.error("SELEKT Id FROM Account");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
    assert_eq!(err.message, "unexpected token: SELEKT");
    let err = demo.error("SELECT Id FROM Case WHERE");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
    assert!(err.message.ends_with("unexpected token: <EOF>"));
    let err = demo
        .error("SELECT Id FROM Case WHERE Status = 'New' AND Priority = 'Low' OR Origin = 'Web'");
    assert!(err.message.ends_with("unexpected token: 'OR'"));
    let err = demo.error("SELECT Id FROM Case WHERE Subject = 'bad \\q'");
    assert_eq!(
        err.message,
        "Invalid string literal 'bad \\q'. Illegal character sequence '\\q' in string literal."
    );
    let err = demo.error("SELECT Id FROM Case WHERE Subject = 'open");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
    let err = demo.error("");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
}

#[test]
fn unknown_relationships() {
    let demo = Demo::new();
    let err = demo.error("SELECT Acct.Name FROM Case");
    assert_eq!(err.error_code, "INVALID_FIELD");
    assert!(err.message.ends_with(&format!(
        "Didn't understand relationship 'Acct' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. {WSDL}"
    )));
    let err = demo.error("SELECT Account.Bacon__c FROM Case");
    assert!(
        err.message
            .contains("No such column 'Bacon__c' on entity 'Account'.")
    );
    let err = demo.error("SELECT Id, (SELECT Id FROM Comments) FROM Case");
    assert_eq!(err.error_code, "INVALID_TYPE");
    assert!(err.message.ends_with(&format!(
        "Didn't understand relationship 'Comments' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. {WSDL}"
    )));
    assert!(err.message.starts_with(
        "\n(SELECT Id FROM Comments) FROM Case\n                ^\nERROR at Row:1:Column:28\n"
    ));
    let err =
        demo.error("SELECT Id, (SELECT Id, (SELECT Id FROM Cases) FROM Contacts) FROM Account");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
}

#[test]
fn duplicate_fields() {
    let demo = Demo::new();
    let err = demo.error("SELECT Id, Subject, id FROM Case");
    assert_eq!(err.error_code, "MALFORMED_QUERY");
    assert!(err.message.ends_with("duplicate field selected: Id"));
    let err = demo.error("SELECT Account.Name, account.name FROM Case");
    assert!(
        err.message
            .ends_with("duplicate field selected: Account.Name")
    );
}

#[test]
fn values_of_the_wrong_type() {
    let demo = Demo::new();
    let expect = |soql: &str, code: &str, message: &str| {
        let err = demo.error(soql);
        assert_eq!(err.error_code, code, "{soql}");
        assert!(err.message.ends_with(message), "{soql}: {}", err.message);
    };
    let datetime = "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes";
    expect(
        "SELECT Id FROM Case WHERE CreatedDate > '2026-01-01'",
        "INVALID_FIELD",
        datetime,
    );
    expect(
        "SELECT Id FROM Case WHERE CreatedDate > 2026-01-01",
        "INVALID_FIELD",
        datetime,
    );
    expect(
        "SELECT Id FROM Opportunity WHERE CloseDate = 2026-01-01T00:00:00Z",
        "INVALID_FIELD",
        "value of filter criterion for field 'CloseDate' must be of type date and should not be enclosed in quotes",
    );
    expect(
        "SELECT Id FROM Case WHERE Id = 'abc'",
        "INVALID_QUERY_FILTER_OPERATOR",
        "invalid ID field: abc",
    );
    expect(
        "SELECT Id FROM Case WHERE AccountId IN ('001000000000000AAA', 'nope')",
        "INVALID_QUERY_FILTER_OPERATOR",
        "invalid ID field: nope",
    );
    expect(
        "SELECT Id FROM Case WHERE Subject = 5",
        "INVALID_FIELD",
        "value of filter criterion for field 'Subject' must be of type string and should be enclosed in quotes",
    );
    expect(
        "SELECT Id FROM Case WHERE IsEscalated = 'true'",
        "INVALID_FIELD",
        "value of filter criterion for field 'IsEscalated' must be of type boolean and should not be enclosed in quotes",
    );
    expect(
        "SELECT Id FROM Account WHERE NumberOfEmployees = '5'",
        "INVALID_FIELD",
        "value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes",
    );
    expect(
        "SELECT Id FROM Account WHERE Name = TODAY",
        "INVALID_FIELD",
        "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes",
    );
    expect(
        "SELECT Id FROM Case WHERE Description = 'x'",
        "INVALID_FIELD",
        "field 'Description' can not be filtered in a query call",
    );
    expect(
        "SELECT Id FROM Case ORDER BY Description",
        "INVALID_FIELD",
        "field 'Description' can not be sorted in a query call",
    );
    expect(
        "SELECT Id FROM Case WHERE Id LIKE '500%'",
        "INVALID_QUERY_FILTER_OPERATOR",
        "invalid operator on id field",
    );
    expect(
        "SELECT Id FROM Case WHERE IsEscalated > true",
        "INVALID_QUERY_FILTER_OPERATOR",
        "invalid operator on boolean field",
    );
    expect(
        "SELECT Id FROM Case WHERE HOUR_IN_DAY(Subject) = 3",
        "INVALID_FIELD",
        "HOUR_IN_DAY can not be applied to field 'Subject' of type string",
    );
}
