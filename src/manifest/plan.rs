//! A compiled HTTP request of a manifest, and how it becomes an [`ApiRequest`] for given arguments.

use minijinja::Value as JinjaValue;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::salesforce::ApiRequest;
use crate::templating::{CompiledExpr, Template, TextTemplate};

/// Where a path is rooted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathBase {
    /// Below `/services/data/vXX.X`.
    DataApi,
    /// Absolute on the instance (`/services/...`).
    Instance,
}

#[derive(Debug)]
pub enum Segment {
    /// Literal text, already percent-encoded.
    Literal(String),
    /// A value that fills exactly one segment.
    Value(CompiledExpr),
}

/// A query parameter or header value.
#[derive(Debug)]
pub enum ValueTemplate {
    Literal(String),
    Expr(CompiledExpr),
    Text(TextTemplate),
}

#[derive(Debug)]
pub struct RequestPlan {
    pub when: Option<CompiledExpr>,
    pub method: Method,
    pub base: PathBase,
    pub segments: Vec<Segment>,
    pub query: Vec<(String, ValueTemplate)>,
    pub headers: Vec<(HeaderName, ValueTemplate)>,
    pub body: Option<Template>,
    pub cache: bool,
}

/// Characters left as they are in a path segment (RFC 3986 unreserved); all else is encoded,
/// so `/`, `?`, `#` and `%` in a value cannot change the path.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path segment, refusing values that would not stay one segment.
pub fn encode_segment(value: &str) -> Result<String, String> {
    match value {
        "" => Err("is empty".to_owned()),
        "." | ".." => Err(format!("is '{value}', which would change the path")),
        _ => Ok(percent_encoding::utf8_percent_encode(value, SEGMENT).to_string()),
    }
}

impl RequestPlan {
    /// True when this alternative applies to the arguments in `context`.
    pub fn applies(&self, context: &JinjaValue) -> Result<bool, String> {
        match &self.when {
            None => Ok(true),
            Some(expr) => expr.is_true(context).map_err(|e| format!("`when` {e}")),
        }
    }

    /// Builds the request for `context` (arguments, `args`, `api_version`).
    pub fn render(&self, context: &JinjaValue, api_version: &str) -> Result<ApiRequest, String> {
        let mut path = match self.base {
            PathBase::DataApi => format!("/services/data/v{api_version}"),
            PathBase::Instance => String::new(),
        };
        for segment in &self.segments {
            path.push('/');
            match segment {
                Segment::Literal(text) => path.push_str(text),
                Segment::Value(expr) => {
                    let value = expr.eval_json(context)?;
                    let text = match value {
                        Some(Value::String(s)) => s,
                        Some(Value::Number(n)) => n.to_string(),
                        Some(Value::Null) | None => {
                            return Err(format!("path parameter `{}` has no value", expr.source()));
                        }
                        Some(other) => {
                            return Err(format!(
                                "path parameter `{}` must be a string, got {}",
                                expr.source(),
                                crate::templating::json_kind(&other)
                            ));
                        }
                    };
                    let encoded = encode_segment(&text)
                        .map_err(|why| format!("path parameter `{}` {why}", expr.source()))?;
                    path.push_str(&encoded);
                }
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        let mut request = ApiRequest::new(self.method.clone(), path);
        for (name, template) in &self.query {
            for value in render_values(template, context)? {
                request.query.push((name.clone(), value));
            }
        }
        for (name, template) in &self.headers {
            if let Some(value) = render_values(template, context)?.into_iter().next() {
                let value = HeaderValue::from_str(&value)
                    .map_err(|_| format!("header {name} has a value that is not a valid header"))?;
                request.headers.push((name.clone(), value));
            }
        }
        if let Some(body) = &self.body {
            let value = body.render(context).map_err(|e| format!("body: {e}"))?;
            if !value.is_null() {
                request.body = Some(value);
            }
        }
        Ok(request)
    }
}

/// The string values of a query parameter or header: none when null or empty, one per element
/// of a list, `true`/`false` for booleans.
fn render_values(template: &ValueTemplate, context: &JinjaValue) -> Result<Vec<String>, String> {
    let value = match template {
        ValueTemplate::Literal(text) => Value::String(text.clone()),
        ValueTemplate::Text(text) => Value::String(text.render(context)?),
        ValueTemplate::Expr(expr) => expr.eval_json(context)?.unwrap_or(Value::Null),
    };
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    Ok(items
        .into_iter()
        .filter_map(|item| match item {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cannot_escape() {
        assert_eq!(
            encode_segment("001D000000IqhSLIAZ").unwrap(),
            "001D000000IqhSLIAZ"
        );
        assert_eq!(encode_segment("../x").unwrap(), "..%2Fx");
        assert_eq!(
            encode_segment("a/b?c#d%e f").unwrap(),
            "a%2Fb%3Fc%23d%25e%20f"
        );
        assert!(encode_segment("..").is_err());
        assert!(encode_segment(".").is_err());
        assert!(encode_segment("").is_err());
        assert_eq!(encode_segment("Account'").unwrap(), "Account%27");
    }
}
