//! Filters for the composite family: sub-request urls checked and completed before anything is
//! sent, and the answers reduced to what each sub-request did.
//!
//! | filter | does |
//! |---|---|
//! | `composite_requests(api_version)` | composite sub-requests whose urls are full data-API paths: `/sobjects/…` becomes `/services/data/vNN.N/sobjects/…`; urls that would leave the data API are refused |
//! | `batch_requests(api_version)` | batch sub-requests with urls as batch wants them (`vNN.N/sobjects/…`) and `body` sent as `richInput` |
//! | `graph_requests(api_version)` | each graph with its sub-requests completed as by `composite_requests` |
//! | `composite_results` | `compositeResponse` items as `{referenceId, status, body}`, bodies without `attributes` |
//! | `batch_results(requests)` | batch results as `{method, url, status, result}`, in request order |
//! | `graph_results` | each graph's id, whether it succeeded, and its results as by `composite_results` |

use minijinja::{Environment, Error, ErrorKind, Value as JinjaValue};
use serde_json::{Map, Value, json};

use super::{tidy, to_json};
use crate::templating::to_jinja;

/// Salesforce's limit on sub-requests in one composite or batch request.
pub const MAX_SUBREQUESTS: usize = 25;

pub fn register(env: &mut Environment<'static>) {
    env.add_filter("composite_requests", composite_requests_filter);
    env.add_filter("batch_requests", batch_requests_filter);
    env.add_filter("graph_requests", graph_requests_filter);
    env.add_filter("composite_results", |v: JinjaValue| {
        Ok::<_, Error>(to_jinja(&composite_results(&to_json(&v)?)))
    });
    env.add_filter(
        "batch_results",
        |results: JinjaValue, requests: JinjaValue| {
            Ok::<_, Error>(to_jinja(&batch_results(
                &to_json(&results)?,
                &to_json(&requests)?,
            )))
        },
    );
    env.add_filter("graph_results", |v: JinjaValue| {
        Ok::<_, Error>(to_jinja(&graph_results(&to_json(&v)?)))
    });
}

fn refused(message: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

fn composite_requests_filter(
    requests: JinjaValue,
    api_version: String,
) -> Result<JinjaValue, Error> {
    let requests = to_json(&requests)?;
    let completed = composite_requests(&requests, &api_version, "requests").map_err(refused)?;
    Ok(to_jinja(&completed))
}

fn batch_requests_filter(requests: JinjaValue, api_version: String) -> Result<JinjaValue, Error> {
    let requests = to_json(&requests)?;
    Ok(to_jinja(
        &batch_requests(&requests, &api_version).map_err(refused)?,
    ))
}

fn graph_requests_filter(graphs: JinjaValue, api_version: String) -> Result<JinjaValue, Error> {
    let graphs = to_json(&graphs)?;
    Ok(to_jinja(
        &graph_requests(&graphs, &api_version).map_err(refused)?,
    ))
}

/// The sub-requests of a list argument, refusing more than `max`.
fn items<'v>(list: &'v Value, what: &str, max: usize) -> Result<&'v [Value], String> {
    let items = list
        .as_array()
        .ok_or_else(|| format!("{what} must be a list of sub-requests"))?;
    if items.is_empty() || items.len() > max {
        return Err(format!(
            "{what} has {} sub-requests; Salesforce takes 1 to {max} in one call: split the work into several calls",
            items.len()
        ));
    }
    Ok(items)
}

/// True for `v66.0`.
fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(major, minor)| {
            !major.is_empty()
                && !minor.is_empty()
                && major.bytes().all(|b| b.is_ascii_digit())
                && minor.bytes().all(|b| b.is_ascii_digit())
        })
}

/// A sub-request url as a path below `/services/data/`, starting with its version (`v66.0/…`).
/// Accepted: `/services/data/vNN.N/…` (kept), `vNN.N/…` (kept), and any other path starting
/// with `/` (`/sobjects/…`, `/query?q=…`), which gets `v{api_version}`. Refused: full URLs,
/// other `/services/` APIs, `.` and `..` segments (also percent-encoded), and backslashes.
pub fn data_api_path(url: &str, api_version: &str) -> Result<String, String> {
    let url = url.trim();
    let path = url.split('?').next().unwrap_or_default();
    if url.is_empty() {
        return Err("is empty".to_owned());
    }
    if url.contains("://") || url.starts_with("//") {
        return Err(
            "is a full URL; sub-requests can only address this org's REST API by path".to_owned(),
        );
    }
    if url.contains('\\')
        || url
            .chars()
            .any(|c| c.is_control() && c != '\t' && c != '\n')
    {
        return Err("contains a backslash or a control character".to_owned());
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if decoded
        .split(['/', '\\'])
        .any(|segment| segment == "." || segment == "..")
    {
        return Err(
            "contains a '.' or '..' segment, which would leave the path it names".to_owned(),
        );
    }
    let relative = if let Some(rest) = url.strip_prefix("/services/data/") {
        rest
    } else if path.starts_with("/services/") || path == "/services" {
        return Err(
            "names an API outside /services/data; composite requests reach only the REST data API"
                .to_owned(),
        );
    } else if let Some(rest) = url.strip_prefix('/') {
        rest
    } else if url.split('/').next().is_some_and(is_version) {
        url
    } else {
        return Err("must be a path starting with / such as /sobjects/Account or /query?q=SELECT+Id+FROM+Case".to_owned());
    };
    let first = relative.split(['/', '?']).next().unwrap_or_default();
    let versioned = if is_version(first) {
        relative.to_owned()
    } else {
        format!("v{api_version}/{relative}")
    };
    if versioned.split(['/', '?']).nth(1).is_none_or(str::is_empty) {
        return Err("names no resource after the API version".to_owned());
    }
    Ok(encode_unsafe(&versioned))
}

/// Percent-encodes what may not stand in a request target (spaces and quotes in SOQL, `#`),
/// leaving the rest, including `@{reference.field}` placeholders, as written.
fn encode_unsafe(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '"' | '#' | '<' | '>' | '`' | '\t' | '\n' => {
                let mut buffer = [0u8; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The url of sub-request `index` of `what`, checked and completed by `complete`.
fn checked_url(
    request: &Value,
    index: usize,
    what: &str,
    complete: impl Fn(&str) -> Result<String, String>,
) -> Result<String, String> {
    let url = request["url"]
        .as_str()
        .ok_or_else(|| format!("{what}[{index}] has no url"))?;
    complete(url).map_err(|why| {
        format!(
            "{what}[{index}].url '{url}' {why}. Nothing was sent. Give a path such as /sobjects/Account/001xx000003DGb2AAG or /services/data/vNN.N/query?q=…"
        )
    })
}

/// Composite sub-requests with full `/services/data/vNN.N/…` urls.
pub fn composite_requests(
    requests: &Value,
    api_version: &str,
    what: &str,
) -> Result<Value, String> {
    let mut out = Vec::new();
    for (index, request) in items(requests, what, MAX_SUBREQUESTS)?.iter().enumerate() {
        let url = checked_url(request, index, what, |url| {
            data_api_path(url, api_version).map(|path| format!("/services/data/{path}"))
        })?;
        let mut completed = request.as_object().cloned().unwrap_or_default();
        completed.insert("url".into(), json!(url));
        out.push(Value::Object(completed));
    }
    Ok(Value::Array(out))
}

/// Batch sub-requests: urls as `vNN.N/…` and the body under `richInput`.
pub fn batch_requests(requests: &Value, api_version: &str) -> Result<Value, String> {
    let mut out = Vec::new();
    for (index, request) in items(requests, "requests", MAX_SUBREQUESTS)?
        .iter()
        .enumerate()
    {
        let url = checked_url(request, index, "requests", |url| {
            data_api_path(url, api_version)
        })?;
        let mut completed = Map::new();
        completed.insert("method".into(), request["method"].clone());
        completed.insert("url".into(), json!(url));
        if !request["body"].is_null() {
            completed.insert("richInput".into(), request["body"].clone());
        }
        out.push(Value::Object(completed));
    }
    Ok(Value::Array(out))
}

/// Graphs with their sub-requests completed. Salesforce allows 500 nodes per graph.
pub fn graph_requests(graphs: &Value, api_version: &str) -> Result<Value, String> {
    const MAX_NODES: usize = 500;
    let graphs = graphs
        .as_array()
        .ok_or_else(|| "graphs must be a list".to_owned())?;
    let mut out = Vec::new();
    for (index, graph) in graphs.iter().enumerate() {
        let what = format!("graphs[{index}].compositeRequest");
        let nodes = &graph["compositeRequest"];
        items(nodes, &what, MAX_NODES)?;
        let mut completed = graph.as_object().cloned().unwrap_or_default();
        let mut requests = Vec::new();
        for (node, request) in nodes
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let url = checked_url(request, node, &what, |url| {
                data_api_path(url, api_version).map(|path| format!("/services/data/{path}"))
            })?;
            let mut request = request.as_object().cloned().unwrap_or_default();
            request.insert("url".into(), json!(url));
            requests.push(Value::Object(request));
        }
        completed.insert("compositeRequest".into(), Value::Array(requests));
        out.push(Value::Object(completed));
    }
    Ok(Value::Array(out))
}

/// `compositeResponse` items as `{referenceId, status, body}`; a 204's empty body is left out.
pub fn composite_results(items: &Value) -> Value {
    let results = items
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    let mut out = Map::new();
                    out.insert("referenceId".into(), item["referenceId"].clone());
                    out.insert("status".into(), item["httpStatusCode"].clone());
                    if !item["body"].is_null() {
                        out.insert("body".into(), tidy(item["body"].clone(), false));
                    }
                    Value::Object(out)
                })
                .collect()
        })
        .unwrap_or_default();
    Value::Array(results)
}

/// Batch results beside the request each answers (same order).
pub fn batch_results(results: &Value, requests: &Value) -> Value {
    let requests = requests.as_array().map(Vec::as_slice).unwrap_or_default();
    let shaped = results
        .as_array()
        .map(|results| {
            results
                .iter()
                .enumerate()
                .map(|(index, result)| {
                    let request = requests.get(index).unwrap_or(&Value::Null);
                    let mut out = Map::new();
                    out.insert("method".into(), request["method"].clone());
                    out.insert("url".into(), request["url"].clone());
                    out.insert("status".into(), result["statusCode"].clone());
                    if !result["result"].is_null() {
                        out.insert("result".into(), tidy(result["result"].clone(), false));
                    }
                    Value::Object(out)
                })
                .collect()
        })
        .unwrap_or_default();
    Value::Array(shaped)
}

/// Each graph's id, success and results.
pub fn graph_results(graphs: &Value) -> Value {
    let shaped = graphs
        .as_array()
        .map(|graphs| {
            graphs
                .iter()
                .map(|graph| {
                    json!({
                        "graphId": graph["graphId"],
                        "isSuccessful": graph["isSuccessful"],
                        "results": composite_results(&graph["graphResponse"]["compositeResponse"]),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Value::Array(shaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_get_the_data_api_prefix() {
        let path = |url: &str| data_api_path(url, "66.0");
        assert_eq!(path("/sobjects/Account").unwrap(), "v66.0/sobjects/Account");
        assert_eq!(
            path("/query?q=SELECT Id FROM Case WHERE Subject = 'a#b'").unwrap(),
            "v66.0/query?q=SELECT%20Id%20FROM%20Case%20WHERE%20Subject%20=%20'a%23b'"
        );
        assert_eq!(
            path("/services/data/v60.0/sobjects/Account/@{refAccount.id}").unwrap(),
            "v60.0/sobjects/Account/@{refAccount.id}"
        );
        assert_eq!(path("v62.0/sobjects/Case").unwrap(), "v62.0/sobjects/Case");
        assert_eq!(path("/v62.0/sobjects/Case").unwrap(), "v62.0/sobjects/Case");
        assert_eq!(
            path("/sobjects/Account/Ext__c/ERP%2F42").unwrap(),
            "v66.0/sobjects/Account/Ext__c/ERP%2F42"
        );
    }

    #[test]
    fn urls_that_leave_the_data_api_are_refused() {
        for url in [
            "https://evil.example.com/x",
            "//evil.example.com/x",
            "/services/data/../../x",
            "/services/data/v66.0/sobjects/..",
            "/sobjects/%2e%2e/%2E%2E/services/oauth2/token",
            "/sobjects/..%2F..%2Fx",
            "/services/oauth2/token",
            "/services/apexrest/Thing",
            "sobjects/Account",
            "/sobjects\\..\\x",
            "",
            "/services/data/v66.0",
            "/services/data/v66.0/",
        ] {
            assert!(data_api_path(url, "66.0").is_err(), "{url} was accepted");
        }
    }

    #[test]
    fn refusals_name_the_sub_request() {
        let requests = json!([
            {"method": "GET", "url": "/sobjects/Account", "referenceId": "a"},
            {"method": "GET", "url": "https://evil.example.com/x", "referenceId": "b"}
        ]);
        let error = composite_requests(&requests, "66.0", "requests").unwrap_err();
        assert!(
            error.starts_with("requests[1].url 'https://evil.example.com/x' is a full URL"),
            "{error}"
        );
        let many = Value::Array(vec![json!({"method": "GET", "url": "/limits"}); 26]);
        assert!(
            composite_requests(&many, "66.0", "requests")
                .unwrap_err()
                .contains("1 to 25")
        );
    }

    #[test]
    fn batch_requests_take_versioned_urls_and_rich_input() {
        let requests = json!([
            {"method": "PATCH", "url": "/sobjects/Account/001D000000K0fXOIAZ", "body": {"Name": "NewName"}},
            {"method": "GET", "url": "/services/data/v66.0/sobjects/Account/001D000000K0fXOIAZ?fields=Name"}
        ]);
        assert_eq!(
            batch_requests(&requests, "66.0").unwrap(),
            json!([
                {"method": "PATCH", "url": "v66.0/sobjects/Account/001D000000K0fXOIAZ", "richInput": {"Name": "NewName"}},
                {"method": "GET", "url": "v66.0/sobjects/Account/001D000000K0fXOIAZ?fields=Name"}
            ])
        );
    }

    #[test]
    fn results_keep_status_and_tidy_bodies() {
        let items = json!([
            {"body": {"id": "001R00000033I6AIAU", "success": true, "errors": []}, "httpHeaders": {"Location": "/x"}, "httpStatusCode": 201, "referenceId": "refAccount"},
            {"body": {"attributes": {"type": "Account"}, "Name": "Acme"}, "httpHeaders": {}, "httpStatusCode": 200, "referenceId": "refGet"},
            {"body": null, "httpHeaders": {}, "httpStatusCode": 204, "referenceId": "refPatch"}
        ]);
        assert_eq!(
            composite_results(&items),
            json!([
                {"referenceId": "refAccount", "status": 201, "body": {"id": "001R00000033I6AIAU", "success": true, "errors": []}},
                {"referenceId": "refGet", "status": 200, "body": {"Name": "Acme"}},
                {"referenceId": "refPatch", "status": 204}
            ])
        );
    }
}
