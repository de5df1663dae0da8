//! The embedded demo org: a Salesforce-compatible HTTP server with seeded data, a SOQL subset and
//! fault injection. `serve --demo` connects to it through the same client code a real org uses.

pub mod api;
pub mod dml;
pub mod ids;
pub mod objects;
pub mod schema;
pub mod seed;
pub mod server;
pub mod soql;
pub mod state;
pub mod store;
#[cfg(test)]
pub mod testing;

pub use server::{DemoOrgHandle, start};
pub use state::{DemoOrg, DemoSettings};
