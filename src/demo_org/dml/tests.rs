use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::{Map, Value, json};

use super::*;
use crate::demo_org::objects::demo_schema;

fn body(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// An empty org with one user to act as.
fn org() -> (OrgData, DmlContext) {
    let mut org = OrgData::new(Arc::new(demo_schema()));
    let user_id = org.new_id("User").unwrap_or_default();
    let mut fields = Map::new();
    fields.insert("Id".into(), json!(user_id));
    org.put(Record {
        id: user_id.clone(),
        sobject: "User".into(),
        fields,
        deleted: false,
    });
    let ctx = DmlContext {
        now: Utc.with_ymd_and_hms(2026, 4, 1, 12, 0, 0).unwrap(),
        user_id,
    };
    (org, ctx)
}

fn error_code(
    result: Result<impl std::fmt::Debug, ApiError>,
) -> (String, String, Option<Vec<String>>) {
    let error = result.expect_err("should fail");
    let first = error.errors.first().expect("one error").clone();
    (first.error_code, first.message, first.fields)
}

#[test]
fn insert_sets_system_fields_defaults_and_auto_numbers() {
    let (mut org, ctx) = org();
    let id = insert(&mut org, "case", &body(json!({"subject": "Broken"})), &ctx).unwrap();
    let case = org.get(&id).unwrap();
    assert_eq!(case.sobject, "Case");
    assert_eq!(case.get_str("Subject"), Some("Broken"), "canonical key");
    assert_eq!(case.get_str("Status"), Some("New"));
    assert_eq!(case.get_str("Priority"), Some("Medium"));
    assert_eq!(case.get_str("CaseNumber"), Some("00001001"));
    assert_eq!(case.get_str("OwnerId"), Some(ctx.user_id.as_str()));
    assert_eq!(
        case.get_str("CreatedDate"),
        Some("2026-04-01T12:00:00.000+0000")
    );
    assert_eq!(case.get("IsDeleted"), &json!(false));
    assert_eq!(case.get("IsClosed"), &json!(false));
    assert_eq!(case.get("IsEscalated"), &json!(false));

    let second = insert(&mut org, "Case", &Map::new(), &ctx).unwrap();
    assert_eq!(
        org.get(&second).unwrap().get_str("CaseNumber"),
        Some("00001002")
    );
    let interaction = insert(
        &mut org,
        "Copilot_Interaction__c",
        &body(json!({"Outcome__c": "Deflected", "KB_Articles_Shown__c": 2})),
        &ctx,
    )
    .unwrap();
    let interaction = org.get(&interaction).unwrap();
    assert_eq!(interaction.get_str("Name"), Some("CI-00001"));
    assert_eq!(interaction.get("KB_Articles_Shown__c"), &json!(2.0));
}

#[test]
fn validation_errors_match_salesforce() {
    let (mut org, ctx) = org();
    let (code, message, fields) = error_code(insert(
        &mut org,
        "Account",
        &body(json!({"Name": "A", "Bogus__c": 1})),
        &ctx,
    ));
    assert_eq!(code, "INVALID_FIELD");
    assert_eq!(
        message,
        "No such column 'Bogus__c' on sobject of type Account"
    );
    assert_eq!(fields, None);

    let (code, message, _) = error_code(insert(
        &mut org,
        "Account",
        &body(json!({"Id": "x", "Name": "A"})),
        &ctx,
    ));
    assert_eq!(code, "INVALID_FIELD");
    assert_eq!(
        message,
        "The Id field should not be specified in the sobject data."
    );

    let (code, message, fields) = error_code(insert(
        &mut org,
        "Case",
        &body(json!({"CaseNumber": "1", "IsClosed": true})),
        &ctx,
    ));
    assert_eq!(code, "INVALID_FIELD_FOR_INSERT_UPDATE");
    assert!(
        message.starts_with("Unable to create/update fields: CaseNumber, IsClosed. Please check")
    );
    assert_eq!(
        fields,
        Some(vec!["CaseNumber".to_owned(), "IsClosed".to_owned()])
    );

    let (code, message, fields) = error_code(insert(&mut org, "Contact", &Map::new(), &ctx));
    assert_eq!(code, "REQUIRED_FIELD_MISSING");
    assert_eq!(message, "Required fields are missing: [LastName]");
    assert_eq!(fields, Some(vec!["LastName".to_owned()]));

    let (code, message, fields) = error_code(insert(
        &mut org,
        "Account",
        &body(json!({"Name": "A", "Rating": "Terrible"})),
        &ctx,
    ));
    assert_eq!(code, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    assert_eq!(
        message,
        "Account Rating: bad value for restricted picklist field: Terrible"
    );
    assert_eq!(fields, Some(vec!["Rating".to_owned()]));

    let (code, message, _) = error_code(insert(
        &mut org,
        "Contact",
        &body(json!({"LastName": "L", "Email": "Not a real email address"})),
        &ctx,
    ));
    assert_eq!(code, "INVALID_EMAIL_ADDRESS");
    assert_eq!(
        message,
        "Email: invalid email address: Not a real email address"
    );

    let (code, _, _) = error_code(insert(
        &mut org,
        "Account",
        &body(json!({"Name": "A", "NumberOfEmployees": "many"})),
        &ctx,
    ));
    assert_eq!(code, "INVALID_TYPE_ON_FIELD_IN_RECORD");

    let (code, message, _) = error_code(insert(
        &mut org,
        "Opportunity",
        &body(json!({"Name": "O", "StageName": "Prospecting", "CloseDate": "soon"})),
        &ctx,
    ));
    assert_eq!(code, "INVALID_TYPE_ON_FIELD_IN_RECORD");
    assert_eq!(message, "Close Date: value not of required type: soon");

    let long = "x".repeat(256);
    let (code, _, _) = error_code(insert(
        &mut org,
        "Case",
        &body(json!({"Subject": long})),
        &ctx,
    ));
    assert_eq!(code, "STRING_TOO_LONG");

    let (code, _, fields) = error_code(insert(
        &mut org,
        "Case",
        &body(json!({"AccountId": "nope"})),
        &ctx,
    ));
    assert_eq!(code, "MALFORMED_ID");
    assert_eq!(fields, Some(vec!["AccountId".to_owned()]));

    let (code, _, _) = error_code(insert(
        &mut org,
        "Case",
        &body(json!({"AccountId": ctx.user_id.clone()})),
        &ctx,
    ));
    assert_eq!(code, "FIELD_INTEGRITY_EXCEPTION");
    assert_eq!(
        org.count("Case") + org.count("Account") + org.count("Contact"),
        0
    );
}

#[test]
fn duplicates_of_external_ids_are_refused() {
    let (mut org, ctx) = org();
    let first = body(json!({"Name": "A", "External_Id__c": "ACC-1"}));
    let id = insert(&mut org, "Account", &first, &ctx).unwrap();
    let (code, message, _) = error_code(insert(
        &mut org,
        "Account",
        &body(json!({"Name": "B", "External_Id__c": "acc-1"})),
        &ctx,
    ));
    assert_eq!(code, "DUPLICATE_VALUE");
    assert!(message.ends_with(&id));
    // Updating a record to its own value is fine.
    update(&mut org, "Account", &id, &first, &ctx).unwrap();
}

#[test]
fn case_formulas_follow_contact_and_status() {
    let (mut org, mut ctx) = org();
    let contact = insert(
        &mut org,
        "Contact",
        &body(json!({"FirstName": "Ana", "LastName": "Silva", "Email": "ana@zava.com"})),
        &ctx,
    )
    .unwrap();
    assert_eq!(
        org.get(&contact).unwrap().get_str("Name"),
        Some("Ana Silva")
    );
    let case = insert(&mut org, "Case", &body(json!({"ContactId": contact})), &ctx).unwrap();
    assert_eq!(
        org.get(&case).unwrap().get_str("ContactEmail"),
        Some("ana@zava.com")
    );

    update(
        &mut org,
        "Contact",
        &contact,
        &body(json!({"Email": "ana@new.com"})),
        &ctx,
    )
    .unwrap();
    assert_eq!(
        org.get(&case).unwrap().get_str("ContactEmail"),
        Some("ana@new.com")
    );

    ctx.now = Utc.with_ymd_and_hms(2026, 4, 2, 8, 0, 0).unwrap();
    update(
        &mut org,
        "Case",
        &case,
        &body(json!({"Status": "Closed"})),
        &ctx,
    )
    .unwrap();
    let closed = org.get(&case).unwrap();
    assert_eq!(closed.get("IsClosed"), &json!(true));
    assert_eq!(
        closed.get_str("ClosedDate"),
        Some("2026-04-02T08:00:00.000+0000")
    );
    update(
        &mut org,
        "Case",
        &case,
        &body(json!({"Status": "Working"})),
        &ctx,
    )
    .unwrap();
    assert_eq!(org.get(&case).unwrap().get("ClosedDate"), &Value::Null);
}

#[test]
fn deleted_records_and_cascades() {
    let (mut org, ctx) = org();
    let case = insert(&mut org, "Case", &Map::new(), &ctx).unwrap();
    let comment = insert(
        &mut org,
        "CaseComment",
        &body(json!({"ParentId": case, "CommentBody": "hi"})),
        &ctx,
    )
    .unwrap();
    delete(&mut org, "Case", &case, &ctx).unwrap();
    assert!(org.get(&comment).is_none(), "comment went with its case");
    assert_eq!(
        org.get_any(&comment).unwrap().get("IsDeleted"),
        &json!(true)
    );
    let (code, _, fields) = error_code(delete(&mut org, "Case", &case, &ctx));
    assert_eq!(code, "ENTITY_IS_DELETED");
    assert_eq!(fields, Some(vec![]));
    let (code, _, _) = error_code(update(&mut org, "Case", &case, &Map::new(), &ctx));
    assert_eq!(code, "ENTITY_IS_DELETED");
    let (code, message, _) = error_code(update(&mut org, "Case", "500bad", &Map::new(), &ctx));
    assert_eq!(code, "MALFORMED_ID");
    assert_eq!(message, "Record ID: id value of incorrect type: 500bad");
}

#[test]
fn undo_log_restores_the_org() {
    let (mut org, ctx) = org();
    let kept = insert(&mut org, "Account", &body(json!({"Name": "Kept"})), &ctx).unwrap();
    let before = org.clone();
    let mut log = UndoLog::default();
    let added = insert_logged(
        &mut org,
        "Account",
        &body(json!({"Name": "New"})),
        &ctx,
        &mut log,
    )
    .unwrap();
    update_logged(
        &mut org,
        "Account",
        &kept,
        &body(json!({"Name": "Changed"})),
        &ctx,
        &mut log,
    )
    .unwrap();
    delete_logged(&mut org, "Account", &kept, &ctx, &mut log).unwrap();
    assert!(org.get(&added).is_some());
    log.rollback(&mut org);
    assert!(org.get_any(&added).is_none());
    assert_eq!(org.get(&kept), before.get(&kept));
}

#[test]
fn parent_references_by_external_id() {
    let (mut org, ctx) = org();
    let account = insert(
        &mut org,
        "Account",
        &body(json!({"Name": "Zava", "External_Id__c": "ZAVA"})),
        &ctx,
    )
    .unwrap();
    let contact = insert(
        &mut org,
        "Contact",
        &body(json!({"LastName": "L", "Account": {"External_Id__c": "zava"}})),
        &ctx,
    )
    .unwrap();
    assert_eq!(
        org.get(&contact).unwrap().get_str("AccountId"),
        Some(account.as_str())
    );
    let (code, message, _) = error_code(insert(
        &mut org,
        "Contact",
        &body(json!({"LastName": "L", "Account": {"External_Id__c": "nobody"}})),
        &ctx,
    ));
    assert_eq!(code, "INVALID_FIELD");
    assert_eq!(
        message,
        "Foreign key external ID: nobody not found for field External_Id__c in entity Account"
    );
}

#[test]
fn deleting_a_parent_cascades_or_clears_lookups() {
    let (mut org, ctx) = org();
    let account = insert(&mut org, "Account", &body(json!({"Name": "Gone"})), &ctx).unwrap();
    let contact = insert(
        &mut org,
        "Contact",
        &body(json!({"LastName": "L", "Email": "l@gone.com", "AccountId": account})),
        &ctx,
    )
    .unwrap();
    let case = insert(
        &mut org,
        "Case",
        &body(json!({"AccountId": account, "ContactId": contact})),
        &ctx,
    )
    .unwrap();
    let mut log = UndoLog::default();
    delete_logged(&mut org, "Account", &account, &ctx, &mut log).unwrap();
    assert!(
        org.get(&contact).is_none(),
        "contacts go with their account"
    );
    let orphan = org.get(&case).unwrap();
    assert_eq!(orphan.get("AccountId"), &Value::Null);
    assert_eq!(orphan.get("ContactId"), &Value::Null);
    assert_eq!(orphan.get("ContactEmail"), &Value::Null);
    log.rollback(&mut org);
    let restored = org.get(&case).unwrap();
    assert_eq!(restored.get_str("ContactEmail"), Some("l@gone.com"));
    assert!(org.get(&contact).is_some());
}
