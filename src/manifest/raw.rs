//! The manifest format as written (serde types). `compile` turns these into validated tools.

use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawManifest {
    /// Format version; only 1 exists.
    pub version: u32,
    pub name: String,
    pub title: String,
    pub toolset: String,
    /// True for the connector's 37 tools: the default `connector` preset.
    #[serde(default)]
    pub connector: bool,
    pub description: String,
    pub annotations: RawAnnotations,
    /// JSON Schema (2020-12) of the arguments; the root is an object schema.
    pub input: Value,
    /// One HTTP request, or a list of alternatives chosen by their `when` expressions.
    #[serde(default)]
    pub request: Option<Value>,
    /// The name of a Rust workflow, for tools that need several requests.
    #[serde(default)]
    pub workflow: Option<String>,
    #[serde(default)]
    pub response: Option<RawResponse>,
    /// Hints for error codes, replacing the generic ones: `{INVALID_TYPE: "…"}`.
    #[serde(default)]
    pub hints: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnnotations {
    #[serde(rename = "readOnlyHint")]
    pub read_only: bool,
    #[serde(rename = "destructiveHint")]
    pub destructive: bool,
    #[serde(rename = "idempotentHint")]
    pub idempotent: bool,
    #[serde(rename = "openWorldHint")]
    pub open_world: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    /// An expression over the arguments; the first alternative whose `when` is true is sent.
    #[serde(default)]
    pub when: Option<String>,
    pub method: String,
    /// `/sobjects/{object}/{id}`: relative to `/services/data/vXX.X` unless it starts with
    /// `/services/`. Each `{name}` or `{{ expr }}` fills exactly one path segment.
    pub path: String,
    #[serde(default)]
    pub query: Map<String, Value>,
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// A structured template of the JSON body.
    #[serde(default)]
    pub body: Option<Value>,
    /// Cache the response for the life of the process (GET only; describe calls).
    #[serde(default)]
    pub cache: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    /// A structured template over `body`, `status`, `location` and the arguments.
    #[serde(default)]
    pub shape: Option<Value>,
    /// JSON Schema of the shaped result, published as the tool's outputSchema.
    #[serde(default)]
    pub output_schema: Option<Value>,
}
