//! Query parameters and dates of the Knowledge resources.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::demo_org::api::error::ApiError;
use crate::demo_org::store::{Record, parse_datetime};

/// The decoded query string of a request.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Self {
        Params(
            url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The first non-empty value of a parameter, its name matched in any letter case (the
    /// Knowledge docs themselves spell `filterPublishStatus` two ways).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    /// Every non-empty value of a repeatable parameter.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// A whole number within `range`, `default` when absent.
    pub fn number(
        &self,
        name: &str,
        default: usize,
        range: std::ops::RangeInclusive<usize>,
    ) -> Result<usize, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "INVALID_API_INPUT",
                        format!(
                            "Invalid value for {name}: {text}. Specify a number from {} to {}.",
                            range.start(),
                            range.end()
                        ),
                    )
                }),
        }
    }
}

/// `path?k=v&…`, values form-encoded.
pub fn url_with_query(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    format!("{path}?{}", query.finish())
}

/// The Support API's datetime form, `2015-02-25T02:07:18Z`.
pub fn support_datetime(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A record's datetime field in the Support API's form, or null.
pub fn support_field(record: &Record, field: &str) -> Value {
    record
        .get_str(field)
        .and_then(parse_datetime)
        .map(|at| Value::String(support_datetime(at)))
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parameters_in_any_case() {
        let params = Params::parse(Some(
            "FilterPublishStatus=online&articleTypes=ka0&articleTypes=kA1&pageSize=500",
        ));
        assert_eq!(params.get("filterPublishStatus"), Some("online"));
        assert_eq!(params.all("articleTypes"), vec!["ka0", "kA1"]);
        assert!(params.number("pageSize", 20, 1..=100).is_err());
        assert_eq!(params.number("pageNumber", 1, 1..=usize::MAX), Ok(1));
        assert_eq!(url_with_query("/s", &[("q", "a&b".into())]), "/s?q=a%26b");
    }
}
