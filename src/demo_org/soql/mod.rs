//! The SOQL and SOSL subset the demo org understands: a parser and an evaluator driven by the
//! describe metadata, with Salesforce's error codes and messages.
//!
//! A query goes through three stages:
//! 1. `lexer` and `parser` turn the text into the syntax tree of `ast`;
//! 2. the planner (`plan`, with `filter` for conditions and `aggregate` for grouped queries)
//!    resolves names against the schema, types the literals and makes Salesforce's checks: this
//!    is where INVALID_FIELD, INVALID_TYPE and friends come from;
//! 3. `eval` runs the plan over the store and `shape` writes records in REST wire form.
//!
//! SOSL (`sosl`, `search_term`) plans and shapes its RETURNING items the same way, and
//! [`text_score`] is the relevance measure it ranks by.

mod aggregate;
mod ast;
mod dates;
mod error;
mod eval;
mod filter;
mod lexer;
mod parser;
mod path;
mod plan;
mod relevance;
mod search_term;
mod shape;
mod sosl;
mod value;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::store::OrgData;
use error::{MALFORMED_QUERY, Source};
use path::Reader;
use plan::Planner;

pub use relevance::text_score;

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
    org: &OrgData,
    soql: &str,
    options: &QueryOptions,
) -> Result<QueryOutput, SoqlError> {
    let source = Source {
        text: soql,
        tokens: lexer::tokenize(soql, 0)?,
    };
    let query = parser::parse_query(&source, MALFORMED_QUERY)?;
    let planner = Planner {
        schema: &org.schema,
        source: &source,
        today: options.now.date_naive(),
        tooling: options.tooling,
        malformed: MALFORMED_QUERY,
    };
    let plan = planner.plan(&query)?;
    let reader = Reader::new(org, options);
    Ok(eval::run(&plan, &reader, &options.sobjects_base))
}

/// Runs a SOSL search and returns the `searchRecords` list.
pub fn search(org: &OrgData, sosl: &str, options: &QueryOptions) -> Result<Vec<Value>, SoqlError> {
    sosl::search(org, sosl, options)
}
