//! End-to-end tests of `execute` and `search` over a small hand-made org (not the seeded one).
//! "Now" is Wednesday 2026-11-18 12:00 UTC.

mod aggregates;
mod errors;
mod filters;
mod records;
mod search;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::{QueryOptions, QueryOutput, SoqlError, execute};
use crate::demo_org::objects::demo_schema;
use crate::demo_org::store::{OrgData, Record, parse_datetime};

pub const BASE: &str = "/services/data/v66.0/sobjects";

pub fn now() -> DateTime<Utc> {
    parse_datetime("2026-11-18T12:00:00Z").unwrap()
}

pub fn options() -> QueryOptions {
    QueryOptions {
        now: now(),
        include_deleted: false,
        sobjects_base: BASE.to_owned(),
        tooling: false,
    }
}

/// The records the tests query, by role.
pub struct Demo {
    pub org: OrgData,
    pub user: String,
    pub zava: String,
    pub contoso: String,
    pub alice: String,
    /// c1 … c6, see `Demo::new`.
    pub cases: Vec<String>,
}

/// Stores a record of `sobject` with `fields` (plus its Id) and returns the id.
pub fn insert(org: &mut OrgData, sobject: &str, fields: Value) -> String {
    let id = org.new_id(sobject).unwrap();
    let mut map: Map<String, Value> = match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    map.insert("Id".into(), json!(id));
    map.entry("IsDeleted").or_insert(json!(false));
    map.entry("CreatedDate")
        .or_insert(json!("2026-01-01T00:00:00.000+0000"));
    org.put(Record {
        id: id.clone(),
        sobject: sobject.to_owned(),
        fields: map,
        deleted: false,
    });
    id
}

impl Demo {
    pub fn new() -> Demo {
        let mut org = OrgData::new(Arc::new(demo_schema()));
        let user = insert(
            &mut org,
            "User",
            json!({"Name": "Ada Admin", "LastName": "Admin", "Email": "ada@example.com"}),
        );
        let zava = insert(
            &mut org,
            "Account",
            json!({"Name": "Zava", "Industry": "Technology", "NumberOfEmployees": 250,
                   "AnnualRevenue": 1500000.5, "Phone": "+1 555 0100", "OwnerId": user}),
        );
        let contoso = insert(
            &mut org,
            "Account",
            json!({"Name": "Contoso", "Industry": "Retail", "NumberOfEmployees": 40,
                   "AnnualRevenue": 200000, "OwnerId": user}),
        );
        insert(
            &mut org,
            "Account",
            json!({"Name": "fabrikam", "NumberOfEmployees": null, "OwnerId": user}),
        );
        let alice = insert(
            &mut org,
            "Contact",
            json!({"FirstName": "Alice", "LastName": "Ng", "Name": "Alice Ng",
                   "Email": "alice@zava.com", "AccountId": zava}),
        );
        let bob = insert(
            &mut org,
            "Contact",
            json!({"FirstName": "Bob", "LastName": "Stone", "Name": "Bob Stone",
                   "Email": "bob@contoso.com", "AccountId": contoso}),
        );
        let case = |number: u32,
                    subject: &str,
                    status: &str,
                    priority: Value,
                    kind: Value,
                    created: &str,
                    account: Option<&str>,
                    contact: Option<&str>| {
            json!({
                "CaseNumber": format!("0000100{number}"),
                "Subject": subject,
                "Status": status,
                "Priority": priority,
                "Type": kind,
                "CreatedDate": created,
                "AccountId": account,
                "ContactId": contact,
                "CreatedById": user,
                "IsEscalated": status == "Escalated",
                "Origin": if number.is_multiple_of(2) { "Email" } else { "Web" },
            })
        };
        let specs = vec![
            case(
                1,
                "Printer jam",
                "New",
                json!("Low"),
                json!("Problem"),
                "2026-11-10T09:00:00.000+0000",
                Some(&zava),
                Some(&alice),
            ),
            case(
                2,
                "VPN timeout",
                "Working",
                json!("Critical"),
                json!("Problem"),
                "2026-11-12T09:00:00.000+0000",
                Some(&zava),
                Some(&alice),
            ),
            case(
                3,
                "Closed issue",
                "Closed",
                json!("High"),
                json!("Question"),
                "2026-11-01T09:00:00.000+0000",
                Some(&zava),
                None,
            ),
            case(
                4,
                "Fresh case",
                "New",
                json!("High"),
                json!("Feature Request"),
                "2026-11-17T09:00:00.000+0000",
                Some(&zava),
                None,
            ),
            case(
                5,
                "It's billing",
                "Escalated",
                json!("Medium"),
                json!("Question"),
                "2026-10-05T09:00:00.000+0000",
                Some(&contoso),
                Some(&bob),
            ),
            case(
                6,
                "Orphan",
                "New",
                Value::Null,
                Value::Null,
                "2026-09-01T09:00:00.000+0000",
                None,
                None,
            ),
        ];
        let cases: Vec<String> = specs
            .into_iter()
            .map(|fields| insert(&mut org, "Case", fields))
            .collect();
        Demo {
            org,
            user,
            zava,
            contoso,
            alice,
            cases,
        }
    }

    pub fn case(&self, number: usize) -> &str {
        &self.cases[number - 1]
    }

    pub fn query(&self, soql: &str) -> QueryOutput {
        self.query_with(soql, &options())
    }

    pub fn query_with(&self, soql: &str, options: &QueryOptions) -> QueryOutput {
        match execute(&self.org, soql, options) {
            Ok(output) => output,
            Err(error) => panic!("{soql}\n{error}"),
        }
    }

    pub fn error(&self, soql: &str) -> SoqlError {
        match execute(&self.org, soql, &options()) {
            Ok(output) => panic!("{soql} should fail, got {output:?}"),
            Err(error) => error,
        }
    }

    /// The value of `field` in each record, in order.
    pub fn column(&self, soql: &str, field: &str) -> Vec<Value> {
        self.query(soql)
            .records
            .iter()
            .map(|r| r.get(field).cloned().unwrap_or(Value::Null))
            .collect()
    }

    /// The Subjects a Case query returns, in order.
    pub fn subjects(&self, soql: &str) -> Vec<String> {
        self.column(soql, "Subject")
            .into_iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

pub fn url(sobject: &str, id: &str) -> String {
    format!("{BASE}/{sobject}/{id}")
}

/// The keys of a wire record, in order.
pub fn keys(record: &Value) -> Vec<&str> {
    record
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}
