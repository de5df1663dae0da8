//! Templates of the manifest format, compiled once at load.
//!
//! A *structured template* is a JSON tree whose string leaves may hold minijinja expressions:
//! - a leaf that is exactly `{{ expr }}` keeps the JSON type of the value (a number stays a number,
//!   an object stays an object);
//! - a leaf with text around `{{ … }}` is interpolated into a string;
//! - any other value is copied as it is.
//!
//! In a mapping, a key ending in `?` is left out when its value is null or empty, and the key
//! `...` merges an object into the mapping. Undefined values are errors (strict handling):
//! referring to an argument that does not exist is caught at load, a missing value at run time.

pub mod filters;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use minijinja::{Environment, Expression, UndefinedBehavior, Value as JinjaValue};
use serde_json::{Map, Value};

/// The one environment every manifest expression is compiled against: strict undefined handling,
/// no auto-escaping, and this project's filters.
static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    filters::register(&mut env);
    env
});

/// A problem found while compiling a template, at a JSON pointer below the template's root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub pointer: String,
    pub message: String,
}

/// A compiled `{{ expr }}`.
pub struct CompiledExpr {
    source: String,
    form: ExprForm,
}

/// Most manifest expressions are a plain name or attribute path (`id`, `body.records`). Those
/// are looked up directly: no compiled program to keep (minijinja reserves room for hundreds of
/// instructions per expression) and nothing to interpret at call time.
enum ExprForm {
    Path(Vec<String>),
    Compiled(Expression<'static, 'static>),
}

/// Words the expression language gives a meaning of its own: never read as variable paths.
const RESERVED: &[&str] = &[
    "true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else",
];

/// `a.b.c` with identifier segments, or `None`.
fn simple_path(source: &str) -> Option<Vec<String>> {
    let segments: Vec<&str> = source.split('.').collect();
    let valid = segments.iter().all(|segment| {
        let mut chars = segment.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !RESERVED.contains(segment)
    });
    valid.then(|| segments.into_iter().map(str::to_owned).collect())
}

impl std::fmt::Debug for CompiledExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{{ {} }}}}", self.source)
    }
}

impl CompiledExpr {
    pub fn compile(source: &str) -> Result<CompiledExpr, String> {
        if let Some(path) = simple_path(source) {
            return Ok(CompiledExpr {
                source: source.to_owned(),
                form: ExprForm::Path(path),
            });
        }
        let expression = ENVIRONMENT
            .compile_expression_owned(source.to_owned())
            .map_err(|e| {
                format!(
                    "cannot compile expression `{source}`: {}",
                    describe_error(&e)
                )
            })?;
        Ok(CompiledExpr {
            source: source.to_owned(),
            form: ExprForm::Compiled(expression),
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Top-level names the expression reads (`args`, `body`, an argument name…).
    pub fn variables(&self) -> BTreeSet<String> {
        match &self.form {
            ExprForm::Path(path) => path.first().cloned().into_iter().collect(),
            ExprForm::Compiled(expression) => {
                expression.undeclared_variables(false).into_iter().collect()
            }
        }
    }

    pub fn eval(&self, context: &JinjaValue) -> Result<JinjaValue, String> {
        let expression = match &self.form {
            ExprForm::Path(path) => {
                // What minijinja's attribute access gives: undefined for a missing key or a
                // step through a value that has no attributes.
                let mut current = context.clone();
                for segment in path {
                    current = current.get_attr(segment).unwrap_or(JinjaValue::UNDEFINED);
                    if current.is_undefined() {
                        break;
                    }
                }
                return Ok(current);
            }
            ExprForm::Compiled(expression) => expression,
        };
        expression.eval(context.clone()).map_err(|e| {
            // A filter that refuses a value says why in its own words; show only those.
            match (e.kind(), e.detail()) {
                (minijinja::ErrorKind::InvalidOperation, Some(detail)) => detail.to_owned(),
                _ => format!("`{}`: {}", self.source, describe_error(&e)),
            }
        })
    }

    /// Evaluates to JSON. `Ok(None)` when the value is undefined.
    pub fn eval_json(&self, context: &JinjaValue) -> Result<Option<Value>, String> {
        let value = self.eval(context)?;
        if value.is_undefined() {
            return Ok(None);
        }
        serde_json::to_value(&value)
            .map(Some)
            .map_err(|e| format!("`{}` did not produce JSON: {e}", self.source))
    }

    pub fn is_true(&self, context: &JinjaValue) -> Result<bool, String> {
        Ok(self.eval(context)?.is_true())
    }
}

fn describe_error(error: &minijinja::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A string with `{{ expr }}` parts: literal text and expressions, rendered to one string.
#[derive(Debug)]
pub struct TextTemplate {
    parts: Vec<TextPart>,
}

#[derive(Debug)]
enum TextPart {
    Literal(String),
    Expr(CompiledExpr),
}

/// One piece of a template string, before compilation.
enum Piece<'a> {
    Literal(&'a str),
    Expr(&'a str),
}

/// Splits `text` into literal pieces and `{{ … }}` pieces, respecting quotes inside expressions.
fn split_pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    if text.contains("{%") || text.contains("{#") {
        return Err("statements ({% … %}) and comments ({# … #}) are not supported in manifest templates; use an expression such as `a if condition else b`".to_owned());
    }
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            pieces.push(Piece::Literal(&rest[..start]));
        }
        let inner_start = start + 2;
        let inner = &rest[inner_start..];
        let end = find_close(inner).ok_or_else(|| format!("unclosed `{{{{` in `{text}`"))?;
        let expression = inner[..end].trim();
        if expression.is_empty() {
            return Err(format!("empty `{{{{ }}}}` in `{text}`"));
        }
        pieces.push(Piece::Expr(expression));
        rest = &inner[end + 2..];
    }
    if !rest.is_empty() {
        if rest.contains("}}") {
            return Err(format!("`}}}}` without an opening `{{{{` in `{text}`"));
        }
        pieces.push(Piece::Literal(rest));
    }
    Ok(pieces)
}

/// Position of the `}}` that closes an expression, skipping quoted strings.
fn find_close(inner: &str) -> Option<usize> {
    let bytes = inner.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'}' && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// True when `text` holds template syntax at all.
pub fn is_templated(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

impl TextTemplate {
    pub fn compile(text: &str) -> Result<TextTemplate, String> {
        let parts = split_pieces(text)?
            .into_iter()
            .map(|piece| match piece {
                Piece::Literal(s) => Ok(TextPart::Literal(s.to_owned())),
                Piece::Expr(e) => CompiledExpr::compile(e).map(TextPart::Expr),
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(TextTemplate { parts })
    }

    pub fn variables(&self) -> BTreeSet<String> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                TextPart::Expr(e) => Some(e.variables()),
                TextPart::Literal(_) => None,
            })
            .flatten()
            .collect()
    }

    /// Renders to a string: strings as they are, null as empty, other values as compact JSON.
    pub fn render(&self, context: &JinjaValue) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TextPart::Literal(s) => out.push_str(s),
                TextPart::Expr(e) => match e.eval_json(context)? {
                    None => return Err(format!("`{}` is undefined", e.source())),
                    Some(Value::Null) => {}
                    Some(Value::String(s)) => out.push_str(&s),
                    Some(other) => out.push_str(&other.to_string()),
                },
            }
        }
        Ok(out)
    }
}

/// A compiled structured template (see the module documentation).
#[derive(Debug)]
pub enum Template {
    Literal(Value),
    Expr(CompiledExpr),
    Text(TextTemplate),
    Array(Vec<Template>),
    Object(Vec<(Key, Template)>),
}

#[derive(Debug)]
pub enum Key {
    /// Always present.
    Plain(String),
    /// `name?`: left out when the value is null, undefined or an empty string.
    Optional(String),
    /// `...`: the value (an object, or null) is merged into the mapping.
    Spread,
}

impl Template {
    /// Compiles a JSON tree. Every problem is returned, each with the JSON pointer of its leaf
    /// below `pointer`.
    pub fn compile(source: &Value, pointer: &str) -> Result<Template, Vec<TemplateError>> {
        let mut errors = Vec::new();
        let template = Self::compile_into(source, pointer, &mut errors);
        if errors.is_empty() {
            Ok(template)
        } else {
            Err(errors)
        }
    }

    fn compile_into(source: &Value, pointer: &str, errors: &mut Vec<TemplateError>) -> Template {
        let mut fail = |message: String| {
            errors.push(TemplateError {
                pointer: pointer.to_owned(),
                message,
            });
            Template::Literal(Value::Null)
        };
        match source {
            Value::String(text) if is_templated(text) => match split_pieces(text) {
                Err(message) => fail(message),
                Ok(pieces) => match pieces.as_slice() {
                    [Piece::Expr(expr)] => match CompiledExpr::compile(expr) {
                        Ok(e) => Template::Expr(e),
                        Err(message) => fail(message),
                    },
                    _ => match TextTemplate::compile(text) {
                        Ok(t) => Template::Text(t),
                        Err(message) => fail(message),
                    },
                },
            },
            Value::Array(items) => Template::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        Template::compile_into(item, &format!("{pointer}/{i}"), errors)
                    })
                    .collect(),
            ),
            Value::Object(map) => Template::Object(
                map.iter()
                    .map(|(key, value)| {
                        let child = format!("{pointer}/{}", escape_pointer(key));
                        let key = if key == "..." {
                            Key::Spread
                        } else if let Some(name) = key.strip_suffix('?') {
                            Key::Optional(name.to_owned())
                        } else {
                            Key::Plain(key.clone())
                        };
                        (key, Template::compile_into(value, &child, errors))
                    })
                    .collect(),
            ),
            other => Template::Literal(other.clone()),
        }
    }

    /// Every top-level name the template reads, for load-time checking.
    pub fn variables(&self) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        self.collect_variables(&mut names);
        names
    }

    fn collect_variables(&self, names: &mut BTreeSet<String>) {
        match self {
            Template::Literal(_) => {}
            Template::Expr(e) => names.extend(e.variables()),
            Template::Text(t) => names.extend(t.variables()),
            Template::Array(items) => items.iter().for_each(|t| t.collect_variables(names)),
            Template::Object(entries) => {
                entries.iter().for_each(|(_, t)| t.collect_variables(names))
            }
        }
    }

    /// Renders against a context built with [`context`].
    pub fn render(&self, context: &JinjaValue) -> Result<Value, String> {
        match self.render_inner(context)? {
            Some(value) => Ok(value),
            None => Err(self.undefined_message()),
        }
    }

    fn undefined_message(&self) -> String {
        match self {
            Template::Expr(e) => format!("`{}` is undefined", e.source()),
            _ => "a template value is undefined".to_owned(),
        }
    }

    /// `None` for an undefined expression value (the caller decides whether that is an error).
    fn render_inner(&self, context: &JinjaValue) -> Result<Option<Value>, String> {
        Ok(Some(match self {
            Template::Literal(v) => v.clone(),
            Template::Expr(e) => return e.eval_json(context),
            Template::Text(t) => Value::String(t.render(context)?),
            Template::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|t| t.render(context))
                    .collect::<Result<_, _>>()?,
            ),
            Template::Object(entries) => {
                let mut map = Map::new();
                for (key, template) in entries {
                    let value = template.render_inner(context)?;
                    match key {
                        Key::Plain(name) => match value {
                            Some(v) => {
                                map.insert(name.clone(), v);
                            }
                            None => {
                                return Err(format!(
                                    "value of `{name}`: {}",
                                    template.undefined_message()
                                ));
                            }
                        },
                        Key::Optional(name) => match value {
                            None | Some(Value::Null) => {}
                            Some(Value::String(s)) if s.is_empty() => {}
                            Some(v) => {
                                map.insert(name.clone(), v);
                            }
                        },
                        Key::Spread => match value {
                            None | Some(Value::Null) => {}
                            Some(Value::Object(other)) => map.extend(other),
                            Some(other) => {
                                return Err(format!(
                                    "`...` needs an object to merge, got {}",
                                    json_kind(&other)
                                ));
                            }
                        },
                    }
                }
                Value::Object(map)
            }
        }))
    }
}

/// Escapes a key for use in a JSON pointer (RFC 6901).
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A template context from JSON entries.
pub fn context(entries: Map<String, Value>) -> JinjaValue {
    to_jinja(&Value::Object(entries))
}

/// JSON into a template value.
pub fn to_jinja(value: &Value) -> JinjaValue {
    JinjaValue::from(minijinja::value::Serde(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx(value: Value) -> JinjaValue {
        match value {
            Value::Object(map) => context(map),
            _ => panic!("object expected"),
        }
    }

    fn render(template: Value, context: Value) -> Result<Value, String> {
        Template::compile(&template, "")
            .map_err(|e| e[0].message.clone())?
            .render(&ctx(context))
    }

    #[test]
    fn single_expression_keeps_json_type() {
        let out = render(
            json!({"n": "{{ n }}", "o": "{{ o }}", "b": "{{ b }}", "s": "{{ s }}", "x": "{{ n + 1 }}"}),
            json!({"n": 5, "o": {"a": [1, "x"]}, "b": true, "s": "O'Brien \"q\""}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"n": 5, "o": {"a": [1, "x"]}, "b": true, "s": "O'Brien \"q\"", "x": 6})
        );
    }

    #[test]
    fn mixed_text_is_interpolated_without_escaping() {
        let out = render(
            json!("Case {{ n }}: {{ s }} {{ missing_ok }}"),
            json!({"n": 7, "s": "<b>&", "missing_ok": null}),
        )
        .unwrap();
        assert_eq!(out, json!("Case 7: <b>& "));
    }

    #[test]
    fn optional_keys_and_spread() {
        let out = render(
            json!({"Subject": "{{ subject }}", "Type?": "{{ type }}", "Empty?": "{{ e }}", "...": "{{ extra }}"}),
            json!({"subject": "S", "type": null, "e": "", "extra": {"A": 1}}),
        )
        .unwrap();
        assert_eq!(out, json!({"Subject": "S", "A": 1}));
    }

    #[test]
    fn undefined_values_are_errors() {
        let err = render(json!({"a": "{{ body.missing }}"}), json!({"body": {}})).unwrap_err();
        assert!(err.contains("body.missing"), "{err}");
        let out = render(json!({"a?": "{{ body.missing }}"}), json!({"body": {}})).unwrap();
        assert_eq!(out, json!({}));
    }

    #[test]
    fn variables_are_reported_for_load_time_checks() {
        let t = Template::compile(
            &json!({"a": "{{ foo.bar | default(1) }}", "b": ["x {{ baz }}"]}),
            "",
        )
        .unwrap();
        assert_eq!(
            t.variables().into_iter().collect::<Vec<_>>(),
            vec!["baz", "foo"]
        );
    }

    #[test]
    fn statements_and_bad_syntax_are_refused_with_a_pointer() {
        let err = Template::compile(
            &json!({"a": {"b": "{% if x %}y{% endif %}"}, "c": "{{ x + }}"}),
            "/body",
        )
        .unwrap_err();
        assert_eq!(err.len(), 2);
        assert_eq!(err[0].pointer, "/body/a/b");
        assert_eq!(err[1].pointer, "/body/c");
        assert!(Template::compile(&json!("{{ open"), "").is_err());
    }

    #[test]
    fn closing_braces_inside_quotes_do_not_end_the_expression() {
        let out = render(json!("{{ '}}' ~ s }}"), json!({"s": "x"})).unwrap();
        assert_eq!(out, json!("}}x"));
    }
}
