//! Errors a model reads: a tool result with `isError: true` and `{code, message, hint, salesforce}`.

use serde_json::{Map, Value, json};

use crate::salesforce::{ApiErrorItem, SalesforceError};

/// One argument problem, at a JSON pointer into the arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgumentProblem {
    pub pointer: String,
    pub message: String,
}

/// A failed call. Boxed so that `Result<_, ToolError>` stays small on the happy path; the
/// fields are read through `Deref`.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolError(Box<ToolErrorData>);

#[derive(Clone, Debug, PartialEq)]
pub struct ToolErrorData {
    /// `INVALID_ARGUMENTS`, Salesforce's `errorCode` (`NOT_FOUND`, …), `OAUTH_INVALID_CLIENT`, `TIMEOUT`, …
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
    /// Salesforce's error array, as it came.
    pub salesforce: Vec<ApiErrorItem>,
    pub http_status: Option<u16>,
    pub problems: Vec<ArgumentProblem>,
}

impl std::ops::Deref for ToolError {
    type Target = ToolErrorData;

    fn deref(&self) -> &ToolErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for ToolError {
    fn deref_mut(&mut self) -> &mut ToolErrorData {
        &mut self.0
    }
}

impl ToolError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ToolError(Box::new(ToolErrorData {
            code: code.to_owned(),
            message: message.into(),
            hint: None,
            salesforce: Vec::new(),
            http_status: None,
            problems: Vec::new(),
        }))
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Arguments that do not satisfy the tool's schema; nothing was sent.
    pub fn invalid_arguments(problems: Vec<ArgumentProblem>) -> Self {
        let listing = problems
            .iter()
            .map(|p| {
                format!(
                    "{}: {}",
                    if p.pointer.is_empty() {
                        "/"
                    } else {
                        &p.pointer
                    },
                    p.message
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let count = problems.len();
        let mut error = ToolError::new(
            "INVALID_ARGUMENTS",
            format!("{count} problem{} with the arguments: {listing}", if count == 1 { "" } else { "s" }),
        )
        .with_hint("Fix the arguments as the tool's input schema says and call again. Nothing was sent to Salesforce.");
        error.problems = problems;
        error
    }

    /// An argument value the schema allowed but the request cannot use.
    pub fn bad_argument(message: impl Into<String>) -> Self {
        ToolError::new("INVALID_ARGUMENTS", message)
            .with_hint("Nothing was sent to Salesforce; correct the argument and call again.")
    }

    /// A mistake in the tool's own definition (a template that fails at run time).
    pub fn definition(tool: &str, message: impl Into<String>) -> Self {
        ToolError::new("TOOL_DEFINITION_ERROR", format!("tool {tool}: {}", message.into())).with_hint(
            "The tool's manifest produced an invalid request or result; report this to whoever maintains the manifest.",
        )
    }

    /// A Salesforce error, with secrets masked by `redact`.
    pub fn from_salesforce(error: &SalesforceError, redact: &dyn Fn(&str) -> String) -> Self {
        let salesforce = error
            .items()
            .iter()
            .map(|item| ApiErrorItem {
                error_code: item.error_code.clone(),
                message: redact(&item.message),
                fields: item.fields.clone(),
            })
            .collect();
        ToolError(Box::new(ToolErrorData {
            code: error.code(),
            message: redact(&error.to_string()),
            hint: error.hint(),
            salesforce,
            http_status: error.http_status(),
            problems: Vec::new(),
        }))
    }

    /// The structured body of the error result.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("code".into(), json!(self.code));
        map.insert("message".into(), json!(self.message));
        map.insert("hint".into(), json!(self.hint));
        map.insert(
            "salesforce".into(),
            serde_json::to_value(&self.salesforce).unwrap_or_else(|_| Value::Array(Vec::new())),
        );
        if let Some(status) = self.http_status {
            map.insert("httpStatus".into(), json!(status));
        }
        if !self.problems.is_empty() {
            map.insert(
                "problems".into(),
                Value::Array(
                    self.problems
                        .iter()
                        .map(|p| json!({"pointer": if p.pointer.is_empty() { "/" } else { &p.pointer }, "message": p.message}))
                        .collect(),
                ),
            );
        }
        Value::Object(map)
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}
