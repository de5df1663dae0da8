//! What can go wrong talking to Salesforce, typed, with a hint an agent can act on.

use serde::{Deserialize, Serialize};

/// One entry of Salesforce's error array (`[{"message","errorCode","fields"}]`). Tree, collection
/// and action results name the code `statusCode`; both spellings are read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorItem {
    #[serde(rename = "errorCode", alias = "statusCode")]
    pub error_code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportKind {
    /// No connection could be made (DNS, refused, TLS handshake, proxy).
    Connect,
    /// The exchange took longer than the configured timeout.
    Timeout,
    /// The connection broke during the exchange.
    Interrupted,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SalesforceError {
    /// Salesforce answered with an error array.
    #[error("Salesforce returned HTTP {status}: {}", summary(errors))]
    Api {
        status: u16,
        errors: Vec<ApiErrorItem>,
    },
    /// The token endpoint refused the credentials.
    #[error("Salesforce refused the token request ({error}): {description}")]
    OAuth {
        status: u16,
        error: String,
        description: String,
    },
    /// An external id matched several records (HTTP 300).
    #[error("the external id matches {} records", urls.len())]
    MultipleChoices { urls: Vec<String> },
    #[error("{message}")]
    Transport {
        kind: TransportKind,
        message: String,
    },
    /// A response that is not what the API documents (not JSON, wrong shape).
    #[error("unexpected response from Salesforce (HTTP {status}): {detail}")]
    UnexpectedResponse { status: u16, detail: String },
    #[error("{0}")]
    Configuration(String),
}

fn summary(errors: &[ApiErrorItem]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.error_code, e.message.trim()))
        .collect::<Vec<_>>()
        .join("; ")
}

impl SalesforceError {
    /// The code an agent sees first: Salesforce's own `errorCode` where there is one.
    pub fn code(&self) -> String {
        match self {
            SalesforceError::Api { errors, status } => errors
                .first()
                .map(|e| e.error_code.clone())
                .unwrap_or_else(|| format!("HTTP_{status}")),
            SalesforceError::OAuth { error, .. } => format!("OAUTH_{}", error.to_ascii_uppercase()),
            SalesforceError::MultipleChoices { .. } => "MULTIPLE_RECORDS_MATCH".to_owned(),
            SalesforceError::Transport { kind, .. } => match kind {
                TransportKind::Connect => "CONNECTION_FAILED",
                TransportKind::Timeout => "TIMEOUT",
                TransportKind::Interrupted => "CONNECTION_INTERRUPTED",
            }
            .to_owned(),
            SalesforceError::UnexpectedResponse { .. } => "UNEXPECTED_RESPONSE".to_owned(),
            SalesforceError::Configuration(_) => "CONFIGURATION".to_owned(),
        }
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            SalesforceError::Api { status, .. }
            | SalesforceError::OAuth { status, .. }
            | SalesforceError::UnexpectedResponse { status, .. } => Some(*status),
            SalesforceError::MultipleChoices { .. } => Some(300),
            _ => None,
        }
    }

    /// What an agent (or the human behind it) can do about this error.
    pub fn hint(&self) -> Option<String> {
        match self {
            SalesforceError::Api { errors, .. } => errors.first().and_then(|e| api_hint(&e.error_code)).map(str::to_owned),
            SalesforceError::OAuth { error, description, .. } => Some(oauth_hint(error, description)),
            SalesforceError::MultipleChoices { .. } => Some(
                "Several records have this external id value, so Salesforce cannot tell which one to update. Make the field unique, or update the intended record by its Id with update_record.".to_owned(),
            ),
            SalesforceError::Transport { kind, .. } => Some(
                match kind {
                    TransportKind::Connect => "Check SF_INSTANCE_URL (your My Domain URL), network access and HTTPS_PROXY/NO_PROXY; behind TLS inspection set SF_CA_CERT to the proxy's root certificate.",
                    TransportKind::Timeout => "Salesforce did not answer in time. Retry; for large queries select fewer fields or add a LIMIT; raise --timeout if this keeps happening.",
                    TransportKind::Interrupted => "The connection broke mid-request. A read can be retried; for a write, check whether it took effect before repeating it.",
                }
                .to_owned(),
            ),
            SalesforceError::UnexpectedResponse { .. } => Some(
                "Salesforce sent something that is not the documented JSON; this is often a proxy or maintenance page. Retry later.".to_owned(),
            ),
            SalesforceError::Configuration(_) => None,
        }
    }

    /// The error array, for agents that want every entry.
    pub fn items(&self) -> &[ApiErrorItem] {
        match self {
            SalesforceError::Api { errors, .. } => errors,
            _ => &[],
        }
    }
}

fn api_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "INVALID_SESSION_ID" => {
            "The access token was renewed once and Salesforce still refused it: check that the Connected App's Run As user is active and has API access."
        }
        "MALFORMED_QUERY" => {
            "Fix the SOQL syntax: string values in single quotes, date literals (TODAY, LAST_N_DAYS:7) and datetimes (2026-01-01T00:00:00Z) without quotes. Read the resource salesforce://reference/soql."
        }
        "INVALID_FIELD" => {
            "A field name does not exist on that object (or is not visible to the Run As user). Call describe_object to list field API names; custom fields end in __c and parent fields use the relationship name (Account.Name)."
        }
        "INVALID_TYPE" => {
            "The object name is unknown or not visible to the Run As user. Call list_objects for API names; custom objects end in __c."
        }
        "NOT_FOUND" => {
            "Nothing exists at that id or path for the Run As user: check the record id and the object name (list_objects, query)."
        }
        "ENTITY_IS_DELETED" => {
            "The record is in the Recycle Bin. Query it with include_deleted to see it; it cannot be updated until it is restored."
        }
        "MALFORMED_ID" => {
            "The id is not a valid record id for this object: use the 15- or 18-character Id returned by a query."
        }
        "REQUEST_LIMIT_EXCEEDED" => {
            "The org's API request limit is used up. Check get_limits (DailyApiRequests) and try again later, or batch work with composite."
        }
        "REQUIRED_FIELD_MISSING" => {
            "Add the fields listed in `fields`. get_object_schema lists every required field of the object."
        }
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" => {
            "Use one of the picklist's API values; describe_object or get_object_schema lists them."
        }
        "INVALID_FIELD_FOR_INSERT_UPDATE" => {
            "That field is read-only (system, formula or auto-number) or not editable by the Run As user: leave it out."
        }
        "DUPLICATE_VALUE" => {
            "Another record already has this value in a unique field: find it with query and update it instead."
        }
        "INVALID_QUERY_LOCATOR" => {
            "The query cursor expired or was used up: run the query again from the start."
        }
        "MALFORMED_SEARCH" => {
            "SOSL needs the term in braces: FIND {term} IN ALL FIELDS RETURNING Account(Id, Name)."
        }
        "INSUFFICIENT_ACCESS_OR_READONLY" | "INSUFFICIENT_ACCESS" => {
            "The Run As user lacks permission for this record or operation: grant it in Salesforce Setup."
        }
        "API_DISABLED_FOR_ORG" | "API_CURRENTLY_DISABLED" => {
            "The Run As user's profile needs the 'API Enabled' permission."
        }
        "SERVER_UNAVAILABLE" => {
            "Salesforce is temporarily unavailable (maintenance or load). Retry in a minute."
        }
        "FIELD_CUSTOM_VALIDATION_EXCEPTION" => {
            "A validation rule in the org refused the values: read the message and change the data."
        }
        "STRING_TOO_LONG" => {
            "A text value is longer than the field allows: describe_object gives each field's length."
        }
        "INVALID_EMAIL_ADDRESS" => "An email value is not a valid address.",
        "PROCESSING_HALTED" => {
            "Another sub-request failed and all_or_none rolled everything back: fix the failing sub-request."
        }
        "JSON_PARSER_ERROR" => {
            "The request body did not match what Salesforce expects for this resource."
        }
        "METHOD_NOT_ALLOWED" => "That resource does not accept this HTTP method.",
        "BAD_REQUEST" => {
            "Salesforce refused the request as given: read the message, correct the arguments and call again."
        }
        "INSUFFICIENT_PRIVILEGES" => {
            "The Run As user may not do this (for a private Chatter group: ask a group manager to add the user)."
        }
        "INVALID_CROSS_REFERENCE_KEY" | "FIELD_INTEGRITY_EXCEPTION" => {
            "An Id in the data points at a record that does not exist or is of the wrong object: check the related record's Id."
        }
        "INVALID_API_INPUT" | "INVALID_INPUT" => {
            "An argument is not in the form Salesforce expects: read the message and correct it."
        }
        "DELETE_FAILED" => {
            "Other records depend on this one (the message names them): remove or re-parent them first."
        }
        "UNABLE_TO_LOCK_ROW" => {
            "Another process is updating the same record: retry in a few seconds."
        }
        _ => return None,
    })
}

fn oauth_hint(error: &str, description: &str) -> String {
    let description = description.to_ascii_lowercase();
    if error == "invalid_client" || error == "invalid_client_id" {
        return "Check SF_CLIENT_ID (the Consumer Key) and SF_CLIENT_SECRET (the Consumer Secret) of the Connected App. A new or edited Connected App takes 2-10 minutes to become active.".to_owned();
    }
    if description.contains("client credentials user") || description.contains("run as") {
        return "The Connected App has no Run As user for the client credentials flow: in Setup > App Manager > (app) > Manage > Edit Policies, enable Client Credentials Flow and pick a Run As user.".to_owned();
    }
    if description.contains("not supported on this domain") {
        return "Use your My Domain URL (https://yourdomain.my.salesforce.com) as SF_INSTANCE_URL: login.salesforce.com and test.salesforce.com do not serve the client credentials flow.".to_owned();
    }
    if error == "unsupported_grant_type" {
        return "The Connected App does not allow the client credentials flow: enable 'Enable Client Credentials Flow' in its OAuth settings.".to_owned();
    }
    if error == "invalid_grant" {
        return "Salesforce refused the grant: check that the Connected App has Client Credentials Flow enabled with an active Run As user, and that 'Permitted Users' allows it.".to_owned();
    }
    "Check the Connected App's OAuth settings and the SF_CLIENT_ID / SF_CLIENT_SECRET values."
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_error_code_spellings() {
        let items: Vec<ApiErrorItem> =
            serde_json::from_str(r#"[{"message":"m","errorCode":"NOT_FOUND"},{"statusCode":"INVALID_EMAIL_ADDRESS","message":"x","fields":["Email"]}]"#)
                .unwrap();
        assert_eq!(items[0].error_code, "NOT_FOUND");
        assert_eq!(items[1].error_code, "INVALID_EMAIL_ADDRESS");
        assert_eq!(items[1].fields, vec!["Email".to_owned()]);
    }

    #[test]
    fn oauth_hints_name_the_fix() {
        let err = SalesforceError::OAuth {
            status: 400,
            error: "invalid_grant".into(),
            description: "no client credentials user enabled".into(),
        };
        assert!(err.hint().unwrap().contains("Run As user"));
        let err = SalesforceError::OAuth {
            status: 400,
            error: "invalid_grant".into(),
            description: "request not supported on this domain".into(),
        };
        assert!(err.hint().unwrap().contains("My Domain"));
        let err = SalesforceError::OAuth {
            status: 400,
            error: "invalid_client".into(),
            description: "invalid client credentials".into(),
        };
        assert!(err.hint().unwrap().contains("2-10 minutes"));
        assert_eq!(err.code(), "OAUTH_INVALID_CLIENT");
    }
}
