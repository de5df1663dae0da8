//! The records of the demo org and the clock they are dated by. Reads are shared by the REST
//! routes and the SOQL engine; writes with Salesforce's validation live in `dml`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use super::ids;
use super::schema::Schema;

/// The time the org believes it is: the system clock, or a fixed instant for snapshot tests.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    fixed: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn system() -> Self {
        Clock { fixed: None }
    }

    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock { fixed: Some(at) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }
}

/// `2026-04-01T12:34:56.000+0000`, the datetime format of record fields.
pub fn format_datetime(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// `2026-04-01`, the date format of record fields.
pub fn format_date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Parses the datetime forms Salesforce reads and writes: `…000+0000`, `…Z`, `…+01:00`.
pub fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .ok()
        .map(|dt| dt.with_timezone(&Utc))
}

pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// One record: its canonical 18-character id, its object's API name, and its field values in
/// wire form (strings for text, ids, picklists, dates and datetimes; numbers; booleans; null).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub id: String,
    pub sobject: String,
    pub fields: Map<String, Value>,
    /// Deleted records stay (IsDeleted = true) so queryAll can see them.
    pub deleted: bool,
}

impl Record {
    /// A field value by its canonical API name; absent fields read as null.
    pub fn get(&self, field: &str) -> &Value {
        self.fields.get(field).unwrap_or(&Value::Null)
    }

    pub fn get_str(&self, field: &str) -> Option<&str> {
        self.fields.get(field).and_then(Value::as_str)
    }
}

/// All records of the org, by object and id.
#[derive(Clone, Debug)]
pub struct OrgData {
    pub schema: Arc<Schema>,
    tables: HashMap<String, BTreeMap<String, Record>>,
    /// Object of every id, so a lookup by id needs no scan.
    owners: HashMap<String, String>,
    next_sequence: u64,
    /// Per-object counters of auto-number fields (CaseNumber, ArticleNumber, …).
    auto_numbers: HashMap<String, u64>,
}

impl OrgData {
    pub fn new(schema: Arc<Schema>) -> Self {
        OrgData {
            schema,
            tables: HashMap::new(),
            owners: HashMap::new(),
            next_sequence: 1,
            auto_numbers: HashMap::new(),
        }
    }

    /// A fresh id for a record of `sobject`, or `None` if the object is unknown.
    pub fn new_id(&mut self, sobject: &str) -> Option<String> {
        let prefix = self.schema.object(sobject)?.key_prefix.clone();
        let id = ids::make_id(&prefix, self.next_sequence);
        self.next_sequence += 1;
        Some(id)
    }

    /// The next value of a per-object counter, starting at 1 (for auto-number fields).
    pub fn next_auto_number(&mut self, counter: &str) -> u64 {
        let slot = self.auto_numbers.entry(counter.to_owned()).or_insert(0);
        *slot += 1;
        *slot
    }

    /// Stores a record as given, replacing any record with the same id. No validation: seeding
    /// and `dml` call this after they have checked the values.
    pub fn put(&mut self, record: Record) {
        self.owners
            .insert(record.id.clone(), record.sobject.clone());
        self.tables
            .entry(record.sobject.clone())
            .or_default()
            .insert(record.id.clone(), record);
    }

    /// A record by 15- or 18-character id, deleted or not.
    pub fn get_any(&self, id: &str) -> Option<&Record> {
        let id = ids::canonical_cow(id)?;
        let sobject = self.owners.get(id.as_ref())?;
        self.tables.get(sobject)?.get(id.as_ref())
    }

    /// A live (not deleted) record by 15- or 18-character id.
    pub fn get(&self, id: &str) -> Option<&Record> {
        self.get_any(id).filter(|r| !r.deleted)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Record> {
        let id = ids::canonical(id)?;
        let sobject = self.owners.get(&id)?;
        self.tables.get_mut(sobject)?.get_mut(&id)
    }

    /// Every record of an object (canonical name), deleted ones included, in id order.
    pub fn all_records(&self, sobject: &str) -> impl Iterator<Item = &Record> {
        self.tables
            .get(sobject)
            .into_iter()
            .flat_map(|t| t.values())
    }

    /// The live records of an object (canonical name), in id order.
    pub fn records(&self, sobject: &str) -> impl Iterator<Item = &Record> {
        self.all_records(sobject).filter(|r| !r.deleted)
    }

    pub fn count(&self, sobject: &str) -> usize {
        self.records(sobject).count()
    }

    /// Removes a record for good (used to roll back an all-or-none composite).
    pub fn purge(&mut self, id: &str) -> Option<Record> {
        let id = ids::canonical(id)?;
        let sobject = self.owners.remove(&id)?;
        self.tables.get_mut(&sobject)?.remove(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_org::objects::demo_schema;
    use serde_json::json;

    #[test]
    fn datetime_round_trip() {
        let at = parse_datetime("2026-04-01T12:34:56.000+0000").expect("parse");
        assert_eq!(format_datetime(at), "2026-04-01T12:34:56.000+0000");
        assert_eq!(parse_datetime("2026-04-01T12:34:56Z"), Some(at));
        assert_eq!(parse_datetime("2026-04-01T14:34:56+02:00"), Some(at));
    }

    #[test]
    fn records_are_found_by_15_and_18_character_ids() {
        let mut org = OrgData::new(Arc::new(demo_schema()));
        let id = org.new_id("Case").expect("id");
        let mut fields = Map::new();
        fields.insert("Id".into(), json!(id));
        org.put(Record {
            id: id.clone(),
            sobject: "Case".into(),
            fields,
            deleted: false,
        });
        assert!(org.get(&id).is_some());
        assert!(org.get(&id[..15]).is_some());
        assert_eq!(org.records("Case").count(), 1);
        org.get_mut(&id).expect("record").deleted = true;
        assert!(org.get(&id).is_none());
        assert!(org.get_any(&id).is_some());
    }
}
