//! The MCP server handler: thin methods over the engine. Tools come from manifests at run time,
//! so the handler is written by hand rather than with rmcp's macros.

use std::borrow::Cow;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, Resource, ResourceContents, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::engine::{CallError, Engine};
use crate::manifest::CompiledTool;

pub const SOQL_GUIDE_URI: &str = "salesforce://reference/soql";
const SOQL_GUIDE: &str = include_str!("soql_guide.md");

const INSTRUCTIONS: &str = "Tools for one Salesforce org, acting as the Connected App's Run As user. \
Read before you write: use query (SOQL) or search (SOSL) to find records and ids, describe_object or \
get_object_schema for field names and picklist values, then the record tools. The resource \
salesforce://reference/soql explains SOQL syntax. Errors come back as {code, message, hint, salesforce}: \
read the hint.";

/// Shares the engine and the tool list (built once) between sessions.
#[derive(Clone)]
pub struct McpServer {
    engine: Arc<Engine>,
    tools: Arc<Vec<Tool>>,
}

impl McpServer {
    pub fn new(engine: Arc<Engine>) -> McpServer {
        let tools = engine.tools().iter().map(|t| to_mcp_tool(t)).collect();
        McpServer {
            engine,
            tools: Arc::new(tools),
        }
    }

    /// The tools as a client sees them in tools/list.
    pub fn list(&self) -> Vec<Tool> {
        self.tools.as_ref().clone()
    }

    /// A tools/call, without a transport: the result, or a protocol error for an unknown tool.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<serde_json::Map<String, serde_json::Value>>,
    ) -> Result<CallToolResult, ErrorData> {
        match self.engine.call(name, arguments).await {
            Ok(value) => Ok(CallToolResult::structured(value)),
            Err(CallError::Failed(error)) => Ok(CallToolResult::structured_error(error.to_json())),
            Err(CallError::UnknownTool(name)) => Err(ErrorData::invalid_params(
                format!("Unknown tool: {name}"),
                Some(serde_json::json!({ "tool": name })),
            )),
        }
    }
}

/// The MCP form of a compiled tool: name, title, description, schemas and all four annotations.
pub fn to_mcp_tool(tool: &CompiledTool) -> Tool {
    let annotations = ToolAnnotations::new()
        .read_only(tool.annotations.read_only)
        .destructive(tool.annotations.destructive)
        .idempotent(tool.annotations.idempotent)
        .open_world(tool.annotations.open_world);
    let mut mcp = Tool::new(
        tool.name.clone(),
        tool.description.clone(),
        tool.input_schema.clone(),
    )
    .with_title(tool.title.clone())
    .with_annotations(annotations);
    if let Some(schema) = &tool.output_schema {
        mcp = mcp.with_raw_output_schema(schema.clone());
    }
    mcp
}

/// Clients of protocol versions before 2025-06-18 know neither outputSchema nor structured content.
fn supports_output_schema(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_none_or(|v| v.as_str() >= "2025-06-18")
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new(
            "salesforce-mcp",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let mut tools = self.list();
        if !supports_output_schema(&context) {
            for tool in &mut tools {
                tool.output_schema = None;
            }
        }
        Ok(ListToolsResult::with_all_items(tools))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // Cancellation drops the call future, and with it the in-flight HTTP request.
        tokio::select! {
            _ = context.ct.cancelled() => Err(ErrorData::internal_error("the request was cancelled", None)),
            result = self.call(&request.name, request.arguments) => result.map(Into::into),
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(vec![
            soql_guide_resource(),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if request.uri == SOQL_GUIDE_URI {
            let contents = ResourceContents::text(SOQL_GUIDE, SOQL_GUIDE_URI);
            Ok(ReadResourceResult::new(vec![contents.with_mime_type("text/markdown")]).into())
        } else {
            Err(ErrorData::resource_not_found(
                format!("Resource not found: {}", request.uri),
                Some(serde_json::json!({ "uri": request.uri })),
            ))
        }
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [rmcp::model::ProtocolVersion]> {
        Cow::Borrowed(rmcp::model::ProtocolVersion::KNOWN_VERSIONS)
    }
}

fn soql_guide_resource() -> Resource {
    Resource::new(SOQL_GUIDE_URI, "soql-reference")
        .with_title("SOQL reference for agents")
        .with_description("SOQL syntax, operators, date literals, relationships, aggregates, paging and the common errors, with service-org examples")
        .with_mime_type("text/markdown")
}
