//! salesforce-mcp: an MCP server for Salesforce whose tools are YAML manifests.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod demo_org;
pub mod engine;
pub mod manifest;
pub mod mcp;
pub mod salesforce;
pub mod secret;
pub mod templating;
pub mod workflows;
