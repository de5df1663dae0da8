//! Salesforce's error wire format for the data, Connect and Analytics APIs: an HTTP status and a
//! JSON array of `{message, errorCode, fields?}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorItem {
    pub message: String,
    #[serde(rename = "errorCode")]
    pub error_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
}

/// An error response. Handlers return `Result<_, ApiError>`.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<ErrorItem>,
}

impl ApiError {
    pub fn new(status: StatusCode, error_code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            errors: vec![ErrorItem {
                message: message.into(),
                error_code: error_code.to_owned(),
                fields: None,
            }],
        }
    }

    /// Adds the `fields` list to the (first) error, as Salesforce does for field-level errors.
    pub fn with_fields(mut self, fields: &[&str]) -> Self {
        if let Some(first) = self.errors.first_mut() {
            first.fields = Some(fields.iter().map(|f| (*f).to_owned()).collect());
        }
        self
    }

    /// 404 `NOT_FOUND` "The requested resource does not exist".
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
        )
    }

    /// 404 `ENTITY_IS_DELETED`.
    pub fn entity_is_deleted() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "ENTITY_IS_DELETED",
            "entity is deleted",
        )
        .with_fields(&[])
    }

    /// 400 `MALFORMED_ID` for a value that is not a record id of the expected object.
    pub fn malformed_id(label: &str, value: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED_ID",
            format!("{label}: id value of incorrect type: {value}"),
        )
        .with_fields(&["Id"])
    }

    pub fn bad_request(error_code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error_code, message)
    }

    /// 400 `JSON_PARSER_ERROR` for a body that is not the JSON the resource expects.
    pub fn json_parser(detail: impl std::fmt::Display) -> Self {
        Self::bad_request(
            "JSON_PARSER_ERROR",
            format!("The request body is not valid JSON: {detail}"),
        )
    }

    pub fn method_not_allowed(method: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("HTTP Method '{method}' not allowed. Allowed are GET,HEAD"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.errors).unwrap_or_else(|_| b"[]".to_vec());
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json;charset=UTF-8"),
        );
        response
    }
}

/// A JSON body with Salesforce's content type and a chosen status.
pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"null".to_vec());
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    response
}

/// 204 No Content: no body and no content type, as update and delete answer.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
