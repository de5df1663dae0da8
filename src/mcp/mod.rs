//! The MCP adapter: the only module that knows rmcp.

pub mod server;
pub mod transport;

pub use server::{McpServer, SOQL_GUIDE_URI};
pub use transport::{HttpOptions, http_router, serve_http, serve_stdio};
