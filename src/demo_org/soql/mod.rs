//! The SOQL and SOSL subset the demo org understands: a parser and an evaluator driven by the
//! describe metadata, with Salesforce's error codes and messages.
// CONTRACT PLACEHOLDER: the signatures below are the contract; the bodies are not written yet.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::store::OrgData;

/// How a query runs.
#[derive(Clone, Debug)]
pub struct QueryOptions {
    /// "Now", for date literals such as `TODAY` and `LAST_N_DAYS:n`.
    pub now: DateTime<Utc>,
    /// `queryAll`: include deleted records (IsDeleted = true).
    pub include_deleted: bool,
    /// Base of the `attributes.url` of each record, e.g. `/services/data/v66.0/sobjects`.
    pub sobjects_base: String,
    /// Tooling API: only tooling objects are visible; otherwise only data objects.
    pub tooling: bool,
}

/// The whole result of a query, before paging.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryOutput {
    /// `totalSize`: for `SELECT COUNT() …` the count, otherwise the number of rows.
    pub total_size: usize,
    /// Records in wire shape (`attributes`, fields, parent objects, child QueryResults), or
    /// AggregateResult rows.
    pub records: Vec<Value>,
}

/// A query Salesforce would refuse, with its error code (`MALFORMED_QUERY`, `INVALID_FIELD`,
/// `INVALID_TYPE`, `MALFORMED_SEARCH`, …) and message in Salesforce's words.
#[derive(Clone, Debug, PartialEq)]
pub struct SoqlError {
    pub error_code: &'static str,
    pub message: String,
}

/// Runs a SOQL query against the org.
pub fn execute(
    _org: &OrgData,
    _soql: &str,
    _options: &QueryOptions,
) -> Result<QueryOutput, SoqlError> {
    Err(SoqlError {
        error_code: "MALFORMED_QUERY",
        message: "SOQL is not available yet".into(),
    })
}

/// Runs a SOSL search and returns the `searchRecords` list.
pub fn search(
    _org: &OrgData,
    _sosl: &str,
    _options: &QueryOptions,
) -> Result<Vec<Value>, SoqlError> {
    Err(SoqlError {
        error_code: "MALFORMED_SEARCH",
        message: "SOSL is not available yet".into(),
    })
}
