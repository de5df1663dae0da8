//! Talking to a Salesforce org: settings, the token cache, retries and typed errors.

pub mod client;
pub mod error;
pub mod request;
pub mod settings;
pub mod usage;

pub use client::SalesforceClient;
pub use error::{ApiErrorItem, SalesforceError};
pub use request::{ApiRequest, ApiResponse};
pub use settings::{ConnectionSettings, RetryPolicy};
