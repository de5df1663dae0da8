//! salesforce-mcp: an MCP server for Salesforce whose tools are YAML manifests.

pub mod demo_org;
