//! Standard invocable actions: the list, and `emailSimple` (describe and invoke). The org sends
//! no mail: each accepted email lands in the org's outbox for tests and the product to inspect.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{MethodRouter, get};
use serde_json::{Map, Value, json};

use crate::demo_org::api::error::{ApiError, json_response};
use crate::demo_org::api::version::ApiVersion;
use crate::demo_org::ids;
use crate::demo_org::state::{AppState, DemoOrg, lock};
use crate::demo_org::store::format_datetime;

const EMAIL_SIMPLE: &str = "emailSimple";
/// Recipients one input may name in `emailAddresses`, and again in `emailAddressesArray`.
const MAX_RECIPIENTS: usize = 5;
/// Inputs one request may carry.
const MAX_INPUTS: usize = 200;
const SENDER_TYPES: [&str; 3] = ["CurrentUser", "DefaultWorkflowUser", "OrgWideEmailAddress"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/services/data/{version}/actions/standard",
            only(get(list_standard_actions), "GET,HEAD"),
        )
        .route(
            "/services/data/{version}/actions/standard/emailSimple",
            only(
                get(describe_email_simple).post(invoke_email_simple),
                "GET,HEAD,POST",
            ),
        )
}

/// Answers other methods with Salesforce's 405 body naming the allowed ones.
fn only(router: MethodRouter<AppState>, allowed: &'static str) -> MethodRouter<AppState> {
    router.fallback(move |method: Method| async move {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
        )
    })
}

/// `GET /actions/standard`: the standard actions this org can run.
async fn list_standard_actions(version: ApiVersion) -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "actions": [{
                "label": "Send Email",
                "name": EMAIL_SIMPLE,
                "type": "EMAILSIMPLE",
                "url": format!("{}/actions/standard/{EMAIL_SIMPLE}", version.base()),
            }],
        }),
    )
}

fn input(
    name: &str,
    label: &str,
    kind: &str,
    required: bool,
    max: u32,
    description: &str,
) -> Value {
    json!({
        "byteLength": 0,
        "description": description,
        "label": label,
        "maxOccurs": max,
        "name": name,
        "picklistValues": null,
        "required": required,
        "sobjectType": null,
        "type": kind,
    })
}

/// `GET /actions/standard/emailSimple`
async fn describe_email_simple(_version: ApiVersion) -> Response {
    let inputs = [
        input(
            "emailAddresses",
            "Email Addresses (comma-separated)",
            "STRING",
            false,
            1,
            "Optional. The email recipients specified as a comma-separated list, at most 5.",
        ),
        input(
            "emailAddressesArray",
            "Email Addresses (collection)",
            "STRING",
            false,
            MAX_RECIPIENTS as u32,
            "Optional. Up to 5 email recipients specified as a collection of strings.",
        ),
        input(
            "emailSubject",
            "Subject",
            "STRING",
            true,
            1,
            "Required. The email's subject.",
        ),
        input(
            "emailBody",
            "Body",
            "TEXTAREA",
            true,
            1,
            "Required. The body of the email in plain text.",
        ),
        input(
            "senderType",
            "Sender Type",
            "STRING",
            false,
            1,
            "Optional. CurrentUser (default), DefaultWorkflowUser or OrgWideEmailAddress.",
        ),
        input(
            "senderAddress",
            "Sender Address",
            "STRING",
            false,
            1,
            "Optional. The organization-wide email address to send from; required when senderType is OrgWideEmailAddress.",
        ),
        input(
            "relatedRecordId",
            "Related Record ID",
            "REFERENCE",
            false,
            1,
            "Optional. The record the email is about, such as a case.",
        ),
        input(
            "logEmailOnSend",
            "Log Email on Send",
            "BOOLEAN",
            false,
            1,
            "Optional. Whether the sent email is logged on the related record.",
        ),
        input(
            "sendRichBody",
            "Rich-Text-Formatted Email Body",
            "BOOLEAN",
            false,
            1,
            "Optional. Whether emailBody is HTML.",
        ),
    ];
    json_response(
        StatusCode::OK,
        &json!({
            "description": "Send an email where you specify the subject, body, and recipients.",
            "inputs": inputs,
            "label": "Send Email",
            "name": EMAIL_SIMPLE,
            "outputs": [],
            "standard": true,
            "targetEntityName": null,
            "type": "EMAILSIMPLE",
        }),
    )
}

/// An input the action refuses: `statusCode`, message and the inputs at fault.
#[derive(Debug, PartialEq)]
struct InputError {
    status_code: &'static str,
    message: String,
    fields: Vec<&'static str>,
}

impl InputError {
    fn new(status_code: &'static str, message: impl Into<String>, field: &'static str) -> Self {
        InputError {
            status_code,
            message: message.into(),
            fields: vec![field],
        }
    }

    fn missing(field: &'static str) -> Self {
        Self::new(
            "REQUIRED_FIELD_MISSING",
            format!("Missing required input parameter: {field}"),
            field,
        )
    }
}

/// An email ready to send.
#[derive(Debug, PartialEq)]
struct Email {
    to: Vec<String>,
    subject: String,
    body: String,
    sender_type: &'static str,
    sender_address: Option<String>,
    related_record_id: Option<String>,
    log_email_on_send: bool,
    rich_body: bool,
}

/// `POST /actions/standard/emailSimple` with `{"inputs": [...]}`: one result per input, in
/// order; 400 when every input failed.
async fn invoke_email_simple(
    State(state): State<AppState>,
    _version: ApiVersion,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: Value = serde_json::from_slice(&body).map_err(ApiError::json_parser)?;
    let inputs = request
        .get("inputs")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_API_INPUT",
                "The request needs an inputs array with one entry per email.",
            )
        })?;
    if inputs.is_empty() || inputs.len() > MAX_INPUTS {
        return Err(ApiError::bad_request(
            "INVALID_API_INPUT",
            format!("Provide between 1 and {MAX_INPUTS} inputs."),
        ));
    }
    let mut results = Vec::with_capacity(inputs.len());
    let mut any_success = false;
    for input in inputs {
        match parse_email(input, &state) {
            Ok(email) => {
                let sent = sent_email(&email, &state);
                lock(&state.outbox).push(sent);
                any_success = true;
                results.push(action_result(None));
            }
            Err(error) => results.push(action_result(Some(error))),
        }
    }
    let status = if any_success {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(json_response(status, &Value::Array(results)))
}

fn action_result(error: Option<InputError>) -> Value {
    let errors = error.map(
        |e| json!([{ "statusCode": e.status_code, "message": e.message, "fields": e.fields }]),
    );
    json!({
        "actionName": EMAIL_SIMPLE,
        "errors": errors,
        "isSuccess": errors.is_none(),
        "outputValues": null,
        "invocationId": null,
        "sortOrder": -1,
        "version": 1,
        "outcome": null,
    })
}

/// Checks one input the way the action does.
fn parse_email(input: &Value, state: &DemoOrg) -> Result<Email, InputError> {
    let fields = input.as_object().ok_or_else(|| {
        InputError::new(
            "INVALID_API_INPUT",
            "Each input must be a JSON object.",
            "inputs",
        )
    })?;
    const KNOWN: [&str; 9] = [
        "emailAddresses",
        "emailAddressesArray",
        "emailSubject",
        "emailBody",
        "senderType",
        "senderAddress",
        "relatedRecordId",
        "logEmailOnSend",
        "sendRichBody",
    ];
    if let Some(unknown) = fields.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(InputError {
            status_code: "INVALID_API_INPUT",
            message: format!("Invalid parameter name: {unknown}"),
            fields: Vec::new(),
        });
    }

    let mut to = Vec::new();
    if let Some(list) = text(fields, "emailAddresses")? {
        let addresses = split_addresses(list);
        if addresses.len() > MAX_RECIPIENTS {
            return Err(too_many("emailAddresses"));
        }
        to.extend(addresses);
    }
    match fields.get("emailAddressesArray") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            if items.len() > MAX_RECIPIENTS {
                return Err(too_many("emailAddressesArray"));
            }
            for item in items {
                let address = item.as_str().ok_or_else(|| {
                    InputError::new(
                        "INVALID_API_INPUT",
                        "emailAddressesArray must be a list of email addresses.",
                        "emailAddressesArray",
                    )
                })?;
                to.push(address.trim().to_owned());
            }
        }
        Some(_) => {
            return Err(InputError::new(
                "INVALID_API_INPUT",
                "emailAddressesArray must be a list of email addresses.",
                "emailAddressesArray",
            ));
        }
    }
    if to.is_empty() {
        return Err(InputError::missing("emailAddresses"));
    }
    if let Some(bad) = to.iter().find(|a| !is_valid_email(a)) {
        return Err(InputError::new(
            "INVALID_EMAIL_ADDRESS",
            format!("Email address is invalid: {bad}"),
            "emailAddresses",
        ));
    }

    let subject = text(fields, "emailSubject")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| InputError::missing("emailSubject"))?;
    let body = text(fields, "emailBody")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| InputError::missing("emailBody"))?;

    let sender_address = text(fields, "senderAddress")?
        .map(str::trim)
        .filter(|s| !s.is_empty());
    // Without a sender type, a given sender address means an org-wide address.
    let sender_type = match text(fields, "senderType")?.map(str::trim) {
        None | Some("") if sender_address.is_some() => "OrgWideEmailAddress",
        None | Some("") => "CurrentUser",
        Some(given) => SENDER_TYPES
            .into_iter()
            .find(|t| *t == given)
            .ok_or_else(|| {
                InputError::new(
                    "INVALID_API_INPUT",
                    format!(
                        "Invalid senderType: {given}. Use CurrentUser, DefaultWorkflowUser or OrgWideEmailAddress."
                    ),
                    "senderType",
                )
            })?,
    };
    if sender_type == "OrgWideEmailAddress" {
        let address = sender_address.ok_or_else(|| InputError::missing("senderAddress"))?;
        if !is_valid_email(address) {
            return Err(InputError::new(
                "INVALID_EMAIL_ADDRESS",
                format!("Email address is invalid: {address}"),
                "senderAddress",
            ));
        }
    }

    let related_record_id = match text(fields, "relatedRecordId")?.map(str::trim) {
        None | Some("") => None,
        Some(id) => {
            let canonical = ids::canonical(id).ok_or_else(|| {
                InputError::new(
                    "MALFORMED_ID",
                    format!("Related Record ID: id value of incorrect type: {id}"),
                    "relatedRecordId",
                )
            })?;
            if state.read().get(&canonical).is_none() {
                return Err(InputError::new(
                    "INVALID_CROSS_REFERENCE_KEY",
                    format!("invalid cross reference id: {id}"),
                    "relatedRecordId",
                ));
            }
            Some(canonical)
        }
    };

    let log_email_on_send = boolean_input(fields, "logEmailOnSend")?;
    let rich_body = boolean_input(fields, "sendRichBody")?;

    Ok(Email {
        to,
        subject: subject.to_owned(),
        body: body.to_owned(),
        sender_type,
        sender_address: sender_address
            .filter(|_| sender_type == "OrgWideEmailAddress")
            .map(str::to_owned),
        related_record_id,
        log_email_on_send,
        rich_body,
    })
}

/// An optional boolean input; Flow and Apex callers also send "true"/"false" strings.
fn boolean_input(fields: &Map<String, Value>, name: &'static str) -> Result<bool, InputError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(InputError::new(
            "INVALID_API_INPUT",
            format!("{name} must be true or false."),
            name,
        )),
    }
}

/// A text input; numbers and other JSON values are refused.
fn text<'a>(
    fields: &'a Map<String, Value>,
    name: &'static str,
) -> Result<Option<&'a str>, InputError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(InputError::new(
            "INVALID_API_INPUT",
            format!("{name} must be text."),
            name,
        )),
    }
}

fn too_many(field: &'static str) -> InputError {
    InputError::new(
        "LIMIT_EXCEEDED",
        format!("You can specify up to {MAX_RECIPIENTS} email addresses in {field}."),
        field,
    )
}

fn split_addresses(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `local@domain.tld`: one `@`, no spaces, a dotted domain with non-empty labels.
fn is_valid_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let allowed_local = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c);
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && local.len() <= 64
        && local.chars().all(allowed_local)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The outbox entry of a sent email; the sender is resolved as Salesforce would address it.
fn sent_email(email: &Email, state: &DemoOrg) -> Value {
    let (sender, sender_name) = match &email.sender_address {
        Some(address) => (address.clone(), None),
        None => {
            let org = state.read();
            let user = org.get(&state.current_user_id);
            let address = user
                .and_then(|u| u.get_str("Email").or_else(|| u.get_str("Username")))
                .unwrap_or_default()
                .to_owned();
            let name = user.and_then(|u| u.get_str("Name")).map(str::to_owned);
            (address, name)
        }
    };
    json!({
        "to": email.to,
        "subject": email.subject,
        "body": email.body,
        "senderType": email.sender_type,
        "sender": sender,
        "senderName": sender_name,
        "relatedRecordId": email.related_record_id,
        "logEmailOnSend": email.log_email_on_send,
        "richBody": email.rich_body,
        "sentAt": format_datetime(state.now()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_addresses() {
        assert!(is_valid_email("a@x.com"));
        assert!(is_valid_email("first.last+tag@mail.example.org"));
        assert!(!is_valid_email("a@x"));
        assert!(!is_valid_email("@x.com"));
        assert!(!is_valid_email("a b@x.com"));
        assert!(!is_valid_email("a@@x.com"));
        assert!(!is_valid_email("a@x..com"));
        assert_eq!(
            split_addresses(" a@x.com, ,b@y.com "),
            vec!["a@x.com", "b@y.com"]
        );
    }

    use crate::demo_org::state::lock;
    use crate::demo_org::store::Record;
    use crate::demo_org::testing::TestOrg;

    async fn post(org: &TestOrg, body: &Value) -> (reqwest::StatusCode, Value) {
        let response = org
            .client
            .post(org.data_url("/actions/standard/emailSimple"))
            .json(body)
            .send()
            .await
            .expect("response");
        let status = response.status();
        (status, response.json().await.expect("json"))
    }

    fn outbox_len(org: &TestOrg) -> usize {
        lock(&org.handle.state.outbox).len()
    }

    #[tokio::test]
    async fn lists_and_describes_the_action() {
        let org = TestOrg::start().await;
        let list: Value = org
            .client
            .get(org.data_url("/actions/standard"))
            .send()
            .await
            .expect("response")
            .json()
            .await
            .expect("json");
        let action = &list["actions"][0];
        assert_eq!(action["name"], "emailSimple");
        assert_eq!(action["type"], "EMAILSIMPLE");
        assert_eq!(
            action["url"],
            "/services/data/v66.0/actions/standard/emailSimple"
        );
        let describe: Value = org
            .client
            .get(org.data_url("/actions/standard/emailSimple"))
            .send()
            .await
            .expect("response")
            .json()
            .await
            .expect("json");
        assert_eq!(describe["name"], "emailSimple");
        let inputs = describe["inputs"].as_array().expect("inputs");
        let subject = inputs
            .iter()
            .find(|i| i["name"] == "emailSubject")
            .expect("emailSubject");
        assert_eq!(subject["required"], true);
        assert!(inputs.iter().any(|i| i["name"] == "emailAddressesArray"));
        let refused = org
            .client
            .delete(org.data_url("/actions/standard/emailSimple"))
            .send()
            .await
            .expect("response");
        assert_eq!(refused.status(), reqwest::StatusCode::METHOD_NOT_ALLOWED);
        let body: Value = refused.json().await.expect("json");
        assert_eq!(body[0]["errorCode"], "METHOD_NOT_ALLOWED");
    }

    #[tokio::test]
    async fn sends_each_valid_input_to_the_outbox() {
        let org = TestOrg::start().await;
        let case_id = {
            let mut data = org.handle.state.write();
            let id = data.new_id("Case").expect("id");
            let mut fields = Map::new();
            fields.insert("Id".into(), json!(id));
            data.put(Record {
                id: id.clone(),
                sobject: "Case".into(),
                fields,
                deleted: false,
            });
            id
        };
        let body = json!({"inputs": [
            {
                "emailAddresses": "a@x.com, b@y.com",
                "emailSubject": "Your case",
                "emailBody": "We fixed it.",
                "senderType": "CurrentUser",
                "relatedRecordId": &case_id[..15],
                "logEmailOnSend": true,
            },
            {
                "emailAddressesArray": ["c@z.org"],
                "emailSubject": "Hello",
                "emailBody": "Body",
                "senderType": "OrgWideEmailAddress",
                "senderAddress": "support@contoso.example",
            },
        ]});
        let (status, results) = post(&org, &body).await;
        assert_eq!(status, reqwest::StatusCode::OK);
        let expected = json!({
            "actionName": "emailSimple", "errors": null, "isSuccess": true, "outputValues": null,
            "invocationId": null, "sortOrder": -1, "version": 1, "outcome": null,
        });
        assert_eq!(results, json!([expected, expected]));
        let outbox = lock(&org.handle.state.outbox).clone();
        assert_eq!(outbox.len(), 2);
        assert_eq!(outbox[0]["to"], json!(["a@x.com", "b@y.com"]));
        assert_eq!(outbox[0]["subject"], "Your case");
        assert_eq!(outbox[0]["body"], "We fixed it.");
        assert_eq!(outbox[0]["relatedRecordId"], case_id.as_str());
        assert_eq!(outbox[0]["logEmailOnSend"], true);
        assert_eq!(outbox[0]["sender"], "integration@demo-org.example");
        assert!(outbox[0]["sentAt"].is_string());
        assert_eq!(outbox[1]["sender"], "support@contoso.example");
        assert_eq!(outbox[1]["senderType"], "OrgWideEmailAddress");
    }

    #[tokio::test]
    async fn reports_failed_inputs_in_order() {
        let org = TestOrg::start().await;
        let body = json!({"inputs": [
            {"emailAddresses": "not-an-address", "emailSubject": "s", "emailBody": "b"},
            {"emailAddresses": "ok@x.com", "emailSubject": "s", "emailBody": "b"},
            {"emailAddresses": "ok@x.com", "emailBody": "b"},
        ]});
        let (status, results) = post(&org, &body).await;
        assert_eq!(status, reqwest::StatusCode::OK, "one input succeeded");
        assert_eq!(results[0]["isSuccess"], false);
        assert_eq!(
            results[0]["errors"][0]["statusCode"],
            "INVALID_EMAIL_ADDRESS"
        );
        assert_eq!(results[1]["isSuccess"], true);
        assert_eq!(
            results[2]["errors"][0]["statusCode"],
            "REQUIRED_FIELD_MISSING"
        );
        assert_eq!(results[2]["errors"][0]["fields"], json!(["emailSubject"]));
        assert_eq!(outbox_len(&org), 1);
    }

    #[tokio::test]
    async fn answers_400_when_every_input_fails() {
        let org = TestOrg::start().await;
        let six = "a@x.com,b@x.com,c@x.com,d@x.com,e@x.com,f@x.com";
        let cases = [
            (
                json!({"emailSubject": "s", "emailBody": "b"}),
                "REQUIRED_FIELD_MISSING",
            ),
            (
                json!({"emailAddresses": six, "emailSubject": "s", "emailBody": "b"}),
                "LIMIT_EXCEEDED",
            ),
            (
                json!({"emailAddresses": "a@x.com", "emailSubject": "s", "emailBody": " "}),
                "REQUIRED_FIELD_MISSING",
            ),
            (
                json!({"emailAddresses": "a@x.com", "emailSubject": "s", "emailBody": "b", "senderType": "OrgWideEmailAddress"}),
                "REQUIRED_FIELD_MISSING",
            ),
            (
                json!({"emailAddresses": "a@x.com", "emailSubject": "s", "emailBody": "b", "senderType": "Robot"}),
                "INVALID_API_INPUT",
            ),
            (
                json!({"emailAddresses": "a@x.com", "emailSubject": "s", "emailBody": "b", "relatedRecordId": ids::make_id("500", 99_999)}),
                "INVALID_CROSS_REFERENCE_KEY",
            ),
            (
                json!({"emailAddresses": "a@x.com", "emailSubject": "s", "emailBody": "b", "relatedRecordId": "nope"}),
                "MALFORMED_ID",
            ),
        ];
        for (input, code) in cases {
            let (status, results) = post(&org, &json!({"inputs": [input]})).await;
            assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{code}");
            assert_eq!(results[0]["isSuccess"], false);
            assert_eq!(results[0]["errors"][0]["statusCode"], code, "{results}");
            assert_eq!(results[0]["actionName"], "emailSimple");
        }
        assert_eq!(outbox_len(&org), 0);

        let (status, error) = post(&org, &json!({"input": []})).await;
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
        assert_eq!(error[0]["errorCode"], "INVALID_API_INPUT");
    }
}
