//! The engine: the tools a server exposes, and the path of one call — validate the arguments,
//! build the request (or run the workflow), send it, shape the answer.

pub mod cache;
pub mod error;
pub mod selection;
pub mod workflow;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use minijinja::Value as JinjaValue;
use serde_json::{Map, Value};

use crate::manifest::{Action, CompiledTool};
use crate::salesforce::SalesforceClient;
use crate::templating::{context, filters::tidy};

pub use cache::ResponseCache;
pub use error::{ArgumentProblem, ToolError};
pub use selection::Selection;
pub use workflow::{Workflow, WorkflowContext, WorkflowFn, WorkflowFuture};

/// Why a call did not produce a result.
#[derive(Debug)]
pub enum CallError {
    /// No such tool is exposed: a protocol error (-32602), not a tool result.
    UnknownTool(String),
    /// The tool ran and failed: a tool result with `isError: true`.
    Failed(ToolError),
}

pub struct Engine {
    tools: Vec<Arc<CompiledTool>>,
    by_name: HashMap<String, usize>,
    client: Arc<SalesforceClient>,
    workflows: HashMap<&'static str, WorkflowFn>,
    context: WorkflowContext,
}

impl Engine {
    /// An engine over the selected tools. Every workflow a tool names must be in `workflows`
    /// (the loader has already checked this against the same table).
    pub fn new(
        tools: Vec<CompiledTool>,
        client: Arc<SalesforceClient>,
        workflows: &[Workflow],
    ) -> Engine {
        let tools: Vec<Arc<CompiledTool>> = tools.into_iter().map(Arc::new).collect();
        let by_name = tools
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
        let cache = Arc::new(ResponseCache::default());
        Engine {
            tools,
            by_name,
            context: WorkflowContext::new(client.clone(), cache),
            client,
            workflows: workflows.iter().map(|w| (w.name, w.run)).collect(),
        }
    }

    pub fn tools(&self) -> &[Arc<CompiledTool>] {
        &self.tools
    }

    pub fn tool(&self, name: &str) -> Option<&Arc<CompiledTool>> {
        self.by_name.get(name).and_then(|i| self.tools.get(*i))
    }

    pub fn client(&self) -> &Arc<SalesforceClient> {
        &self.client
    }

    /// Calls a tool. Arguments are validated before anything is sent.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<Map<String, Value>>,
    ) -> Result<Value, CallError> {
        let tool = self
            .tool(name)
            .ok_or_else(|| CallError::UnknownTool(name.to_owned()))?;
        let started = Instant::now();
        let outcome = self
            .run(tool, arguments.unwrap_or_default())
            .await
            .map_err(|mut error| {
                if let Some((_, hint)) = tool.hints.iter().find(|(code, _)| *code == error.code) {
                    error.hint = Some(hint.clone());
                }
                error
            });
        match &outcome {
            Ok(_) => tracing::info!(
                tool = name,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "tool call ok"
            ),
            Err(e) => {
                tracing::info!(tool = name, code = %e.code, elapsed_ms = started.elapsed().as_millis() as u64, "tool call failed")
            }
        }
        outcome.map_err(CallError::Failed)
    }

    async fn run(
        &self,
        tool: &CompiledTool,
        arguments: Map<String, Value>,
    ) -> Result<Value, ToolError> {
        let args = prepare_arguments(tool, arguments)?;
        let result = match &tool.action {
            Action::Workflow(name) => {
                let run = self.workflows.get(name.as_str()).ok_or_else(|| {
                    ToolError::definition(
                        &tool.name,
                        format!("workflow '{name}' is not in this build"),
                    )
                })?;
                let output = run(&self.context, &args).await?;
                match &tool.shape {
                    Some(shape) => {
                        let ctx = self.template_context(tool, &args, Some((&output, 200, None)));
                        shape
                            .render(&ctx)
                            .map_err(|e| ToolError::definition(&tool.name, e))?
                    }
                    None => output,
                }
            }
            Action::Http(plans) => self.run_http(tool, plans, &args).await?,
        };
        let result = into_object(result);
        if let Some(validator) = &tool.output_validator
            && let Some(error) = validator.iter_errors(&result).next()
        {
            tracing::warn!(tool = %tool.name, problem = %error, pointer = %error.instance_path(), "result does not match the tool's output_schema");
        }
        Ok(result)
    }

    async fn run_http(
        &self,
        tool: &CompiledTool,
        plans: &[crate::manifest::plan::RequestPlan],
        args: &Map<String, Value>,
    ) -> Result<Value, ToolError> {
        let ctx = self.template_context(tool, args, None);
        let mut chosen = None;
        for plan in plans {
            if plan
                .applies(&ctx)
                .map_err(|e| ToolError::definition(&tool.name, e))?
            {
                chosen = Some(plan);
                break;
            }
        }
        let plan = chosen.ok_or_else(|| {
            let forms: Vec<String> = plans
                .iter()
                .filter_map(|p| p.when.as_ref().map(|w| format!("`{}`", w.source())))
                .collect();
            ToolError::bad_argument(format!(
                "these arguments match none of the tool's forms ({}); see the tool's description",
                forms.join(" or ")
            ))
        })?;
        let request = plan
            .render(&ctx, self.api_version())
            .map_err(ToolError::bad_argument)?;
        let (status, location, body) = if plan.cache {
            let body = self.context.get_cached(request).await?;
            (200u16, None, body.as_ref().clone())
        } else {
            let response = self.context.send(&request).await?;
            (response.status, response.location, response.body)
        };
        match &tool.shape {
            Some(shape) => {
                let ctx =
                    self.template_context(tool, args, Some((&body, status, location.as_deref())));
                shape
                    .render(&ctx)
                    .map_err(|e| ToolError::definition(&tool.name, e))
            }
            None => Ok(tidy(body, false)),
        }
    }

    fn api_version(&self) -> &str {
        &self.client.settings().api_version
    }

    /// The names templates read: every declared argument (null when absent), `args`,
    /// `api_version`, and after a response `body`, `status`, `location`.
    fn template_context(
        &self,
        tool: &CompiledTool,
        args: &Map<String, Value>,
        response: Option<(&Value, u16, Option<&str>)>,
    ) -> JinjaValue {
        let mut entries = Map::new();
        for name in &tool.properties {
            entries.insert(name.clone(), args.get(name).cloned().unwrap_or(Value::Null));
        }
        entries.insert("args".into(), Value::Object(args.clone()));
        entries.insert(
            "api_version".into(),
            Value::String(self.api_version().to_owned()),
        );
        if let Some((body, status, location)) = response {
            let location = location.map_or(Value::Null, |l| Value::String(l.to_owned()));
            if tool.shape_reads_response {
                entries.insert(
                    "response".into(),
                    serde_json::json!({"body": body, "status": status, "location": location}),
                );
            }
            entries.insert("body".into(), body.clone());
            entries.insert("status".into(), Value::from(status));
            entries.insert("location".into(), location);
        }
        context(entries)
    }
}

/// Validates the arguments against the tool's schema and fills in defaults. A string that
/// holds JSON is accepted where the schema wants an object or array: some clients send them so.
pub fn prepare_arguments(
    tool: &CompiledTool,
    mut arguments: Map<String, Value>,
) -> Result<Map<String, Value>, ToolError> {
    coerce_stringified_json(tool, &mut arguments);
    let instance = Value::Object(arguments);
    let problems: Vec<ArgumentProblem> = tool
        .validator
        .iter_errors(&instance)
        .map(|e| ArgumentProblem {
            pointer: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect();
    if !problems.is_empty() {
        return Err(ToolError::invalid_arguments(problems));
    }
    let Value::Object(mut arguments) = instance else {
        return Err(ToolError::bad_argument("arguments must be an object"));
    };
    for (name, default) in &tool.defaults {
        if !arguments.contains_key(name) {
            arguments.insert(name.clone(), default.clone());
        }
    }
    Ok(arguments)
}

fn coerce_stringified_json(tool: &CompiledTool, arguments: &mut Map<String, Value>) {
    let Some(properties) = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, value) in arguments.iter_mut() {
        let Value::String(text) = value else { continue };
        let wanted = properties
            .get(name)
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str);
        let parsed = match wanted {
            Some("object") | Some("array") => serde_json::from_str::<Value>(text).ok(),
            _ => None,
        };
        if let Some(parsed) = parsed {
            let matches = matches!(
                (wanted, &parsed),
                (Some("object"), Value::Object(_)) | (Some("array"), Value::Array(_))
            );
            if matches {
                tracing::debug!(tool = %tool.name, argument = %name, "accepted a JSON string for an {} argument", wanted.unwrap_or(""));
                *value = parsed;
            }
        }
    }
}

/// MCP structured content is an object: a list (or a scalar) is wrapped as `{"items": …}`.
fn into_object(value: Value) -> Value {
    match value {
        Value::Object(_) => value,
        Value::Array(_) => serde_json::json!({ "items": value }),
        other => serde_json::json!({ "result": other }),
    }
}
