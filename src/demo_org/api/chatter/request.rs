//! Reading Connect requests: query parameters, page sizes and numbers, optional JSON bodies, ids
//! that may be `me`, and the error bodies Connect answers bad input with.

use axum::http::StatusCode;
use serde_json::Value;

use crate::demo_org::api::error::ApiError;
use crate::demo_org::ids;

/// The decoded query string of a request, in order.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Self {
        Params(
            url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The first value of a parameter; an empty value counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// `pageSize` within `1..=max`, `default` when absent.
    pub fn page_size(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get("pageSize") {
            None => Ok(default),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    invalid_input(format!(
                        "Invalid value for pageSize: {text}. Specify a number from 1 to {max}."
                    ))
                }),
        }
    }

    /// The zero-based `page` number of list resources (users, groups, topics, members).
    pub fn page_number(&self) -> Result<usize, ApiError> {
        match self.get("page") {
            None => Ok(0),
            Some(text) => text.parse::<usize>().map_err(|_| {
                invalid_input(format!(
                    "Invalid value for page: {text}. Specify a page number from 0."
                ))
            }),
        }
    }

    /// A boolean parameter (`true`/`false`, any case).
    pub fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(invalid_input(format!(
                "Invalid value for {name}: {v}. Specify true or false."
            ))),
        }
    }
}

/// `path?k=v&…` with the values form-encoded; just `path` when there are none.
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

/// One page of a list addressed by zero-based page numbers (users, groups, members, topics), with
/// the URLs of this page and its neighbours.
pub struct NumberedPage<T> {
    pub items: Vec<T>,
    pub current_url: String,
    pub previous_url: Value,
    pub next_url: Value,
}

impl<T: Clone> NumberedPage<T> {
    /// Page `page` of `all`, `size` items long; the URLs are `path` with the `fixed` parameters
    /// and the page number and size.
    pub fn of(all: &[T], page: usize, size: usize, path: &str, fixed: &[(&str, String)]) -> Self {
        let start = page.saturating_mul(size);
        let items: Vec<T> = all.iter().skip(start).take(size).cloned().collect();
        let at = |n: usize| {
            let mut pairs = fixed.to_vec();
            pairs.push(("page", n.to_string()));
            pairs.push(("pageSize", size.to_string()));
            Value::String(url_with_query(path, &pairs))
        };
        let previous_url = if page > 0 { at(page - 1) } else { Value::Null };
        let next_url = if start.saturating_add(size) < all.len() {
            at(page + 1)
        } else {
            Value::Null
        };
        NumberedPage {
            items,
            current_url: at(page).as_str().unwrap_or_default().to_owned(),
            previous_url,
            next_url,
        }
    }
}

/// An optional JSON object body: none (or only whitespace) reads as `None`.
pub fn json_body(bytes: &[u8]) -> Result<Option<Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(bytes).map_err(ApiError::json_parser)?;
    if value.is_object() {
        Ok(Some(value))
    } else {
        Err(ApiError::json_parser("expected a JSON object"))
    }
}

/// 400 `INVALID_API_INPUT`: a parameter or body value Connect does not accept.
pub fn invalid_input(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("INVALID_API_INPUT", message)
}

/// 403 for an action the current user may not take.
pub fn forbidden(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "INSUFFICIENT_PRIVILEGES", message)
}

/// The canonical 18-character id named by a path or body value; `me` is the current user.
/// A value that is not id-shaped is a 404, as Connect answers an unknown resource.
pub fn resolve_id(value: &str, me: &str) -> Result<String, ApiError> {
    if value.eq_ignore_ascii_case("me") {
        return Ok(me.to_owned());
    }
    ids::canonical(value).ok_or_else(ApiError::not_found)
}

/// 405 for a method a Connect resource does not support.
pub fn method_not_allowed(method: &str, allowed: &str) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parameters_and_page_sizes() {
        let params = Params::parse(Some("q=slow+dashboard&pageSize=10&page=&empty="));
        assert_eq!(params.get("q"), Some("slow dashboard"));
        assert_eq!(params.get("page"), None);
        assert_eq!(params.page_size(25, 100), Ok(10));
        assert_eq!(params.page_number(), Ok(0));
        let too_big = Params::parse(Some("pageSize=101"));
        assert_eq!(
            too_big.page_size(25, 100).map_err(|e| e.status),
            Err(StatusCode::BAD_REQUEST)
        );
    }

    #[test]
    fn numbered_pages_link_their_neighbours() {
        let all: Vec<u32> = (0..5).collect();
        let first = NumberedPage::of(&all, 0, 2, "/g", &[("q", "x".into())]);
        assert_eq!(first.items, vec![0, 1]);
        assert_eq!(first.current_url, "/g?q=x&page=0&pageSize=2");
        assert_eq!(first.previous_url, Value::Null);
        assert_eq!(
            first.next_url,
            Value::String("/g?q=x&page=1&pageSize=2".into())
        );
        let last = NumberedPage::of(&all, 2, 2, "/g", &[]);
        assert_eq!(last.items, vec![4]);
        assert_eq!(last.next_url, Value::Null);
        assert_eq!(
            last.previous_url,
            Value::String("/g?page=1&pageSize=2".into())
        );
    }

    #[test]
    fn builds_urls_and_reads_bodies() {
        assert_eq!(
            url_with_query("/x", &[("q", "a b".into()), ("page", "2".into())]),
            "/x?q=a+b&page=2"
        );
        assert_eq!(url_with_query("/x", &[]), "/x");
        assert_eq!(json_body(b"  "), Ok(None));
        assert!(json_body(b"{\"a\":1}").is_ok_and(|v| v.is_some()));
        assert!(json_body(b"[1]").is_err());
        assert!(json_body(b"{").is_err());
    }

    #[test]
    fn resolves_me_and_ids() {
        let me = ids::make_id("005", 1);
        assert_eq!(resolve_id("me", &me), Ok(me.clone()));
        assert!(resolve_id("not-an-id", &me).is_err());
        assert_eq!(resolve_id(&me[..15], &me), Ok(me.clone()));
    }
}
