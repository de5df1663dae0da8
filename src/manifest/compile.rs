//! Raw manifest → [`CompiledTool`]: every check that can be made before a call is made here,
//! once, with the position of the problem in the file.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

use jsonschema::Validator;
use reqwest::Method;
use reqwest::header::HeaderName;
use serde_json::{Map, Value};

use super::locate::{LocationIndex, Position};
use super::plan::{PathBase, RequestPlan, Segment, ValueTemplate, encode_segment};
use super::raw::{RawManifest, RawRequest};
use crate::salesforce::client::parse_method;
use crate::templating::{CompiledExpr, Template, TextTemplate, is_templated};

/// The manifest format's own JSON Schema (also published for editors in `schemas/`).
pub const FORMAT_SCHEMA: &str = include_str!("../../schemas/tool-manifest.schema.json");

static FORMAT_VALIDATOR: LazyLock<Result<Validator, String>> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(FORMAT_SCHEMA).map_err(|e| e.to_string())?;
    jsonschema::draft202012::new(&schema).map_err(|e| e.to_string())
});

/// The format's `request` definition alone: `request` is "one request or a list of them", and a
/// failed `oneOf` says nothing useful, so the entries are checked against this to name the problem.
static REQUEST_VALIDATOR: LazyLock<Result<Validator, String>> = LazyLock::new(|| {
    let mut schema: Value = serde_json::from_str(FORMAT_SCHEMA).map_err(|e| e.to_string())?;
    if let Some(map) = schema.as_object_mut() {
        map.retain(|k, _| k == "$schema" || k == "$defs");
        map.insert("$ref".into(), Value::String("#/$defs/request".into()));
    }
    jsonschema::draft202012::new(&schema).map_err(|e| e.to_string())
});

/// Names every request template may read besides the arguments.
const REQUEST_NAMES: &[&str] = &["args", "api_version"];
/// Names a response shape may read besides the arguments.
const RESPONSE_NAMES: &[&str] = &[
    "args",
    "api_version",
    "body",
    "status",
    "location",
    "response",
];
/// Response names that an argument of the same name would collide with in `response.shape`.
const RESPONSE_ONLY_NAMES: &[&str] = &["body", "status", "location"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Annotations {
    #[serde(rename = "readOnlyHint")]
    pub read_only: bool,
    #[serde(rename = "destructiveHint")]
    pub destructive: bool,
    #[serde(rename = "idempotentHint")]
    pub idempotent: bool,
    #[serde(rename = "openWorldHint")]
    pub open_world: bool,
}

/// What calling the tool does.
#[derive(Debug)]
pub enum Action {
    /// One HTTP request, chosen among alternatives by their `when`.
    Http(Vec<RequestPlan>),
    /// A named Rust workflow.
    Workflow(String),
}

/// A tool, ready to call: validators built, templates compiled, paths planned.
pub struct CompiledTool {
    pub name: String,
    pub title: String,
    pub toolset: String,
    pub connector: bool,
    pub description: String,
    pub annotations: Annotations,
    pub input_schema: Arc<Map<String, Value>>,
    pub output_schema: Option<Arc<Map<String, Value>>>,
    pub validator: Validator,
    pub output_validator: Option<Validator>,
    /// Top-level argument names, in schema order.
    pub properties: Vec<String>,
    /// `default` values of top-level arguments, applied before templates run.
    pub defaults: Vec<(String, Value)>,
    pub action: Action,
    pub shape: Option<Template>,
    /// Tool-specific hints by error code.
    pub hints: Vec<(String, String)>,
    /// The shape reads `response` (so the engine builds that object only when needed).
    pub shape_reads_response: bool,
    /// Where the manifest came from, for messages (`tools/records/get_record.yaml`).
    pub file: String,
}

impl std::fmt::Debug for CompiledTool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledTool")
            .field("name", &self.name)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// A problem in one manifest, at a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub position: Position,
    pub message: String,
}

struct Checker<'a> {
    index: &'a LocationIndex<'a>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn at(&mut self, pointer: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            position: self.index.position(pointer),
            message: message.into(),
        });
    }

    fn in_value(&mut self, pointer: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            position: self.index.value_position(pointer),
            message: message.into(),
        });
    }
}

/// Checks a parsed manifest against the format schema. Each problem is reported where it is.
pub fn check_format(document: &Value, index: &LocationIndex<'_>) -> Vec<Problem> {
    let validator = match &*FORMAT_VALIDATOR {
        Ok(v) => v,
        Err(e) => {
            return vec![Problem {
                position: Position::START,
                message: format!("the manifest format schema does not compile: {e}"),
            }];
        }
    };
    let mut checker = Checker {
        index,
        problems: Vec::new(),
    };
    for error in validator.iter_errors(document) {
        let pointer = error.instance_path().to_string();
        let message = error.to_string();
        if pointer == "/request"
            && let (Some(request), Ok(request_validator)) =
                (document.get("request"), &*REQUEST_VALIDATOR)
        {
            report_request_problems(request, request_validator, &mut checker);
            continue;
        }
        match error.kind() {
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    let child = format!("{pointer}/{}", crate::templating::escape_pointer(name));
                    checker.at(
                        &child,
                        format!("unknown field '{name}'{}", where_suffix(&pointer)),
                    );
                }
            }
            _ => {
                let location = if pointer.is_empty() {
                    "the manifest".to_owned()
                } else {
                    format!("`{pointer}`")
                };
                checker.at(&pointer, format!("{location}: {message}"));
            }
        }
    }
    checker.problems
}

fn report_request_problems(request: &Value, validator: &Validator, checker: &mut Checker<'_>) {
    let entries: Vec<(String, &Value)> = match request {
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("/request/{i}"), v))
            .collect(),
        Value::Array(_) => {
            checker.at("/request", "`request` is an empty list");
            return;
        }
        other => vec![("/request".to_owned(), other)],
    };
    for (base, entry) in entries {
        for error in validator.iter_errors(entry) {
            let pointer = format!("{base}{}", error.instance_path());
            match error.kind() {
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                    for name in unexpected {
                        let child =
                            format!("{pointer}/{}", crate::templating::escape_pointer(name));
                        checker.at(&child, format!("unknown field '{name}' in `{pointer}`"));
                    }
                }
                _ => checker.at(&pointer, format!("`{pointer}`: {error}")),
            }
        }
    }
}

fn where_suffix(pointer: &str) -> String {
    if pointer.is_empty() {
        String::new()
    } else {
        format!(" in `{pointer}`")
    }
}

/// Compiles a manifest that passed [`check_format`]. `workflows` lists the workflow names the
/// binary provides.
pub fn compile(
    raw: RawManifest,
    file: &str,
    index: &LocationIndex<'_>,
    workflows: &[&str],
) -> Result<CompiledTool, Vec<Problem>> {
    let mut checker = Checker {
        index,
        problems: Vec::new(),
    };
    if raw.version != 1 {
        checker.at(
            "/version",
            format!(
                "unknown manifest version {}; this build reads version 1",
                raw.version
            ),
        );
    }
    let annotations = Annotations {
        read_only: raw.annotations.read_only,
        destructive: raw.annotations.destructive,
        idempotent: raw.annotations.idempotent,
        open_world: raw.annotations.open_world,
    };
    if annotations.read_only && annotations.destructive {
        checker.at(
            "/annotations/destructiveHint",
            "a read-only tool cannot be destructive: set destructiveHint to false or readOnlyHint to false",
        );
    }

    let (input_schema, validator, properties, defaults) = compile_input(&raw.input, &mut checker);
    let (output_schema, output_validator) = compile_output(&raw, &mut checker);

    let mut request_names: BTreeSet<String> = properties.iter().cloned().collect();
    request_names.extend(REQUEST_NAMES.iter().map(|s| (*s).to_owned()));
    let mut response_names = request_names.clone();
    response_names.extend(RESPONSE_NAMES.iter().map(|s| (*s).to_owned()));

    let action = match (&raw.request, &raw.workflow) {
        (Some(_), Some(_)) | (None, None) => {
            checker.at("", "a manifest needs exactly one of `request` (one HTTP call) or `workflow` (a Rust workflow)");
            None
        }
        (None, Some(name)) => {
            if workflows.contains(&name.as_str()) {
                Some(Action::Workflow(name.clone()))
            } else {
                checker.at(
                    "/workflow",
                    format!(
                        "unknown workflow '{name}'; this build provides: {}",
                        workflows.join(", ")
                    ),
                );
                None
            }
        }
        (Some(request), None) => compile_requests(
            request,
            &properties,
            &request_names,
            &annotations,
            &mut checker,
        )
        .map(Action::Http),
    };

    let shape = raw
        .response
        .as_ref()
        .and_then(|r| r.shape.as_ref())
        .and_then(|shape| {
            compile_template(shape, "/response/shape", &response_names, &mut checker)
        });
    if let Some(shape) = &shape {
        for name in shape.variables() {
            if RESPONSE_ONLY_NAMES.contains(&name.as_str()) && properties.contains(&name) {
                checker.in_value(
                    "/response/shape",
                    format!(
                        "`{name}` is ambiguous here: the tool has an argument `{name}` and the response has a `{name}`; write `args.{name}` for the argument or `response.{name}` for the response's"
                    ),
                );
            }
        }
    }
    let hints: Vec<(String, String)> = raw
        .hints
        .iter()
        .filter_map(|(code, hint)| {
            hint.as_str()
                .map(|h| (code.clone(), normalize_description(h)))
        })
        .collect();

    let Some(action) = action else {
        return Err(checker.problems);
    };
    let (Some(validator), Some(input_schema)) = (validator, input_schema) else {
        return Err(checker.problems);
    };
    if !checker.problems.is_empty() {
        return Err(checker.problems);
    }
    Ok(CompiledTool {
        name: raw.name,
        title: raw.title,
        toolset: raw.toolset,
        connector: raw.connector,
        description: normalize_description(&raw.description),
        annotations,
        input_schema: Arc::new(input_schema),
        output_schema: output_schema.map(Arc::new),
        validator,
        output_validator,
        properties,
        defaults,
        action,
        shape_reads_response: shape
            .as_ref()
            .is_some_and(|s| s.variables().contains("response")),
        shape,
        hints,
        file: file.to_owned(),
    })
}

/// Joins the lines of each paragraph (YAML block scalars keep the author's line breaks) and keeps
/// blank lines between paragraphs.
fn normalize_description(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `pattern`s run on the `regex` engine: a compiled pattern takes far less memory than with the
/// backtracking engine, and argument patterns (ids, API names) need no look-around. A manifest
/// whose pattern uses look-around or back-references fails to load with the regex error.
fn compact_patterns() -> jsonschema::PatternOptions<jsonschema::Regex> {
    jsonschema::PatternOptions::regex()
}

type CompiledInput = (
    Option<Map<String, Value>>,
    Option<Validator>,
    Vec<String>,
    Vec<(String, Value)>,
);

fn compile_input(input: &Value, checker: &mut Checker<'_>) -> CompiledInput {
    let Some(schema) = input.as_object() else {
        checker.at("/input", "`input` must be a JSON Schema object");
        return (None, None, Vec::new(), Vec::new());
    };
    for keyword in ["oneOf", "anyOf", "allOf", "not", "if", "then", "else"] {
        if schema.contains_key(keyword) {
            checker.at(
                &format!("/input/{keyword}"),
                format!(
                    "`{keyword}` at the root of `input` is refused by several MCP clients (Claude and OpenAI reject such tool schemas); express alternatives with request `when` conditions instead"
                ),
            );
        }
    }
    if schema.get("additionalProperties") != Some(&Value::Bool(false)) {
        checker.at(
            "/input",
            "`input` needs `additionalProperties: false`, so that a misspelt argument is refused instead of ignored",
        );
    }
    let validator = match jsonschema::draft202012::options()
        .should_validate_formats(true)
        .with_pattern_options(compact_patterns())
        .build(input)
    {
        Ok(v) => Some(v),
        Err(e) => {
            let pointer = format!("/input{}", e.instance_path());
            checker.in_value(
                &pointer,
                format!("`input` is not a valid JSON Schema (2020-12): {e}"),
            );
            None
        }
    };
    let mut properties = Vec::new();
    let mut defaults = Vec::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, definition) in props {
            properties.push(name.clone());
            if let Some(default) = definition.get("default") {
                defaults.push((name.clone(), default.clone()));
            }
        }
    }
    (Some(schema.clone()), validator, properties, defaults)
}

fn compile_output(
    raw: &RawManifest,
    checker: &mut Checker<'_>,
) -> (Option<Map<String, Value>>, Option<Validator>) {
    let Some(schema) = raw.response.as_ref().and_then(|r| r.output_schema.as_ref()) else {
        return (None, None);
    };
    let pointer = "/response/output_schema";
    if schema.get("type") != Some(&Value::String("object".to_owned())) {
        checker.at(pointer, "`output_schema` must have `type: object` at its root (MCP structured content is an object)");
    }
    match jsonschema::draft202012::options()
        .with_pattern_options(compact_patterns())
        .build(schema)
    {
        Ok(validator) => (schema.as_object().cloned(), Some(validator)),
        Err(e) => {
            checker.in_value(
                &format!("{pointer}{}", e.instance_path()),
                format!("`output_schema` is not a valid JSON Schema (2020-12): {e}"),
            );
            (None, None)
        }
    }
}

fn compile_requests(
    value: &Value,
    properties: &[String],
    names: &BTreeSet<String>,
    annotations: &Annotations,
    checker: &mut Checker<'_>,
) -> Option<Vec<RequestPlan>> {
    let entries: Vec<(String, &Value)> = match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("/request/{i}"), v))
            .collect(),
        other => vec![("/request".to_owned(), other)],
    };
    let mut plans = Vec::new();
    let count = entries.len();
    for (position, (pointer, entry)) in entries.into_iter().enumerate() {
        let raw: RawRequest = match serde_json::from_value(entry.clone()) {
            Ok(raw) => raw,
            Err(e) => {
                checker.at(&pointer, format!("bad request: {e}"));
                continue;
            }
        };
        if raw.when.is_none() && position + 1 < count {
            checker.at(&pointer, "only the last request alternative may omit `when` (the ones after it could never be chosen)");
        }
        if let Some(plan) = compile_request(raw, &pointer, properties, names, checker) {
            plans.push(plan);
        }
    }
    if plans.len() != count {
        return None;
    }
    let all_reads = plans
        .iter()
        .all(|p| p.method == Method::GET || p.method == Method::HEAD);
    if all_reads && !annotations.read_only {
        checker.at(
            "/annotations/readOnlyHint",
            "a tool that only sends GET requests must be readOnlyHint: true",
        );
    }
    if plans.iter().any(|p| p.method == Method::DELETE)
        && (annotations.read_only || !annotations.destructive)
    {
        checker.at(
            "/annotations/destructiveHint",
            "a tool that sends DELETE must be destructiveHint: true and readOnlyHint: false",
        );
    }
    Some(plans)
}

fn compile_request(
    raw: RawRequest,
    pointer: &str,
    properties: &[String],
    names: &BTreeSet<String>,
    checker: &mut Checker<'_>,
) -> Option<RequestPlan> {
    let before = checker.problems.len();
    let method = parse_method(&raw.method);
    if method.is_none() {
        checker.at(
            &format!("{pointer}/method"),
            format!("unknown method '{}'", raw.method),
        );
    }
    if raw.cache && method.as_ref().is_some_and(|m| m != Method::GET) {
        checker.at(
            &format!("{pointer}/cache"),
            "only GET responses can be cached",
        );
    }
    let when = raw.when.as_ref().and_then(|source| {
        let at = format!("{pointer}/when");
        let source = source
            .trim()
            .trim_start_matches("{{")
            .trim_end_matches("}}")
            .trim();
        match CompiledExpr::compile(source) {
            Ok(expr) => {
                check_names(&expr.variables(), names, &at, checker);
                Some(expr)
            }
            Err(e) => {
                checker.in_value(&at, e);
                None
            }
        }
    });
    let (base, segments) = compile_path(
        &raw.path,
        &format!("{pointer}/path"),
        properties,
        names,
        checker,
    );
    let mut query = Vec::new();
    for (name, value) in &raw.query {
        let at = format!(
            "{pointer}/query/{}",
            crate::templating::escape_pointer(name)
        );
        if let Some(template) = compile_value_template(value, &at, names, checker) {
            query.push((name.clone(), template));
        }
    }
    let mut headers = Vec::new();
    for (name, value) in &raw.headers {
        let at = format!(
            "{pointer}/headers/{}",
            crate::templating::escape_pointer(name)
        );
        let header = match HeaderName::from_bytes(name.as_bytes()) {
            Ok(h) => h,
            Err(_) => {
                checker.at(&at, format!("'{name}' is not a valid header name"));
                continue;
            }
        };
        if [
            "authorization",
            "host",
            "cookie",
            "content-length",
            "transfer-encoding",
        ]
        .contains(&header.as_str())
        {
            checker.at(
                &at,
                format!("a manifest may not set the {name} header; the client sets it"),
            );
            continue;
        }
        if let Some(template) = compile_value_template(value, &at, names, checker) {
            headers.push((header, template));
        }
    }
    let body = raw
        .body
        .as_ref()
        .and_then(|body| compile_template(body, &format!("{pointer}/body"), names, checker));
    if checker.problems.len() != before {
        return None;
    }
    Some(RequestPlan {
        when,
        method: method?,
        base: base?,
        segments: segments?,
        query,
        headers,
        body,
        cache: raw.cache,
    })
}

/// Splits a path template into segments: literal text, `{name}` (an argument) or `{{ expr }}`.
fn compile_path(
    path: &str,
    pointer: &str,
    properties: &[String],
    names: &BTreeSet<String>,
    checker: &mut Checker<'_>,
) -> (Option<PathBase>, Option<Vec<Segment>>) {
    let base = if path.starts_with("/services/") {
        PathBase::Instance
    } else {
        PathBase::DataApi
    };
    if path.contains('?') || path.contains('#') {
        checker.in_value(
            pointer,
            "the path may not contain `?` or `#`; put parameters under `query`",
        );
        return (Some(base), None);
    }
    let mut segments = Vec::new();
    let mut ok = true;
    for raw in path.trim_start_matches('/').split('/') {
        if raw.is_empty() || raw == "." || raw == ".." {
            checker.in_value(
                pointer,
                format!("the path '{path}' has an empty, '.' or '..' segment"),
            );
            ok = false;
            continue;
        }
        if raw.starts_with("{{") && raw.ends_with("}}") {
            let source = &raw[2..raw.len() - 2];
            match CompiledExpr::compile(source.trim()) {
                Ok(expr) => {
                    check_names(&expr.variables(), names, pointer, checker);
                    segments.push(Segment::Value(expr));
                }
                Err(e) => {
                    checker.in_value(pointer, e);
                    ok = false;
                }
            }
        } else if let Some(name) = raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            if !properties.iter().any(|p| p == name) {
                checker.in_value(
                    pointer,
                    format!("path parameter {{{name}}} is not an argument of the tool"),
                );
                ok = false;
                continue;
            }
            match CompiledExpr::compile(name) {
                Ok(expr) => segments.push(Segment::Value(expr)),
                Err(e) => {
                    checker.in_value(pointer, e);
                    ok = false;
                }
            }
        } else if raw.contains('{') || raw.contains('}') {
            checker.in_value(
                pointer,
                format!("segment '{raw}' mixes text and a placeholder; a placeholder must fill the whole segment"),
            );
            ok = false;
        } else {
            match encode_segment(raw) {
                Ok(encoded) if encoded == raw => segments.push(Segment::Literal(encoded)),
                _ => {
                    checker.in_value(
                        pointer,
                        format!("segment '{raw}' has characters that need encoding"),
                    );
                    ok = false;
                }
            }
        }
    }
    (Some(base), ok.then_some(segments))
}

fn compile_value_template(
    value: &Value,
    pointer: &str,
    names: &BTreeSet<String>,
    checker: &mut Checker<'_>,
) -> Option<ValueTemplate> {
    match value {
        Value::String(text) if is_templated(text) => {
            let template = Template::compile(value, pointer);
            match template {
                Ok(Template::Expr(expr)) => {
                    check_names(&expr.variables(), names, pointer, checker);
                    Some(ValueTemplate::Expr(expr))
                }
                Ok(_) => match TextTemplate::compile(text) {
                    Ok(t) => {
                        check_names(&t.variables(), names, pointer, checker);
                        Some(ValueTemplate::Text(t))
                    }
                    Err(e) => {
                        checker.in_value(pointer, e);
                        None
                    }
                },
                Err(errors) => {
                    for e in errors {
                        checker.in_value(&e.pointer, e.message);
                    }
                    None
                }
            }
        }
        Value::String(text) => Some(ValueTemplate::Literal(text.clone())),
        Value::Number(n) => Some(ValueTemplate::Literal(n.to_string())),
        Value::Bool(b) => Some(ValueTemplate::Literal(b.to_string())),
        _ => {
            checker.in_value(
                pointer,
                "a query parameter or header must be a string, number or boolean",
            );
            None
        }
    }
}

fn compile_template(
    value: &Value,
    pointer: &str,
    names: &BTreeSet<String>,
    checker: &mut Checker<'_>,
) -> Option<Template> {
    match Template::compile(value, pointer) {
        Ok(template) => {
            check_names(&template.variables(), names, pointer, checker);
            Some(template)
        }
        Err(errors) => {
            for e in errors {
                checker.in_value(&e.pointer, e.message);
            }
            None
        }
    }
}

/// Reports every name a template reads that is neither an argument nor a context name.
fn check_names(
    used: &BTreeSet<String>,
    known: &BTreeSet<String>,
    pointer: &str,
    checker: &mut Checker<'_>,
) {
    for name in used.difference(known) {
        checker.in_value(
            pointer,
            format!(
                "the template reads `{name}`, which is not an argument of the tool (arguments and context: {})",
                known.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        );
    }
}
