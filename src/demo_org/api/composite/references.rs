//! `@{referenceId.path}` references between composite subrequests: `@{newAccount.id}`,
//! `@{caseQuery.records[0].Id}`. A string that is one whole reference takes the referenced
//! value itself (numbers stay numbers); references inside longer text are replaced by the
//! value's text.

use std::collections::HashMap;

use serde_json::Value;

/// The results of earlier subrequests, by referenceId.
pub type Results = HashMap<String, Value>;

/// An expression that names nothing: the text between `@{` and `}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Unresolved(pub String);

impl Unresolved {
    /// Salesforce's message for it.
    pub fn message(&self) -> String {
        let reference = self.0.split(['.', '[']).next().unwrap_or_default();
        format!(
            "Invalid reference specified. No value for {} found in {reference}. Provided referenceId ('{reference}') must match a previous subrequest's referenceId, and the referenced value must exist.",
            self.0
        )
    }
}

/// Replaces every reference in `text` with the text of the value it names.
pub fn resolve_text(text: &str, results: &Results) -> Result<String, Unresolved> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("@{") {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let inner = from.get(2..).unwrap_or_default();
        let Some(end) = inner.find('}') else {
            out.push_str(from);
            return Ok(out);
        };
        let expression = inner.get(..end).unwrap_or_default();
        let value = lookup(expression, results).ok_or_else(|| Unresolved(expression.to_owned()))?;
        out.push_str(&value_text(value));
        rest = inner.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// Resolves the references in every string of a JSON value.
pub fn resolve_json(value: &Value, results: &Results) -> Result<Value, Unresolved> {
    Ok(match value {
        Value::String(text) => match whole_reference(text) {
            Some(expression) => lookup(expression, results)
                .cloned()
                .ok_or_else(|| Unresolved(expression.to_owned()))?,
            None => Value::String(resolve_text(text, results)?),
        },
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| resolve_json(item, results))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), resolve_json(v, results)?)))
                .collect::<Result<_, Unresolved>>()?,
        ),
        other => other.clone(),
    })
}

/// `ref.path` when `text` is exactly `@{ref.path}`.
fn whole_reference(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("@{")?.strip_suffix('}')?;
    (!inner.contains('}')).then_some(inner)
}

/// The value `ref.records[0].Id` names, if it exists and is not null.
fn lookup<'a>(expression: &str, results: &'a Results) -> Option<&'a Value> {
    let mut segments = expression.split('.');
    let (name, indexes) = split_indexes(segments.next()?)?;
    let mut current = results.get(name)?;
    for index in indexes {
        current = current.get(index)?;
    }
    for segment in segments {
        let (key, indexes) = split_indexes(segment)?;
        current = current.get(key)?;
        for index in indexes {
            current = current.get(index)?;
        }
    }
    (!current.is_null()).then_some(current)
}

/// `records[0][1]` → (`records`, [0, 1]).
fn split_indexes(segment: &str) -> Option<(&str, Vec<usize>)> {
    let (key, mut rest) = match segment.find('[') {
        Some(at) => segment.split_at(at),
        None => return (!segment.is_empty()).then(|| (segment, Vec::new())),
    };
    let mut indexes = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        indexes.push(inner.get(..end)?.trim().parse().ok()?);
        rest = inner.get(end + 1..)?;
    }
    Some((key, indexes))
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn results() -> Results {
        HashMap::from([
            (
                "newAccount".to_owned(),
                json!({"id": "001A", "success": true}),
            ),
            (
                "cases".to_owned(),
                json!({"totalSize": 2, "records": [{"Id": "500A", "Amount": 3.5}, {"Id": "500B"}]}),
            ),
        ])
    }

    #[test]
    fn resolves_text_and_json() {
        let results = results();
        assert_eq!(
            resolve_text(
                "/services/data/v66.0/sobjects/Account/@{newAccount.id}?x=@{cases.records[1].Id}",
                &results
            ),
            Ok("/services/data/v66.0/sobjects/Account/001A?x=500B".to_owned())
        );
        assert_eq!(
            resolve_json(
                &json!({"AccountId": "@{newAccount.id}", "Amount": "@{cases.records[0].Amount}", "Subject": "About @{cases.totalSize} cases"}),
                &results
            ),
            Ok(json!({"AccountId": "001A", "Amount": 3.5, "Subject": "About 2 cases"}))
        );
        assert_eq!(
            resolve_text("no references", &results),
            Ok("no references".into())
        );
    }

    #[test]
    fn reports_what_it_cannot_resolve() {
        let results = results();
        assert_eq!(
            resolve_text("@{newAccount.nope}", &results),
            Err(Unresolved("newAccount.nope".into()))
        );
        assert_eq!(
            resolve_json(&json!(["@{missing.id}"]), &results),
            Err(Unresolved("missing.id".into()))
        );
        assert!(resolve_text("@{cases.records[9].Id}", &results).is_err());
        assert!(Unresolved("newAccount.nope".into()).message().starts_with(
            "Invalid reference specified. No value for newAccount.nope found in newAccount."
        ));
    }
}
