//! Field values as the API receives them, checked against the field's type and turned into the
//! form records store: text, coded picklist values, 18-character ids, normalized dates.

use axum::http::StatusCode;
use serde_json::{Number, Value};

use crate::demo_org::api::error::ApiError;
use crate::demo_org::ids;
use crate::demo_org::schema::{FieldDef, FieldType};
use crate::demo_org::store::{OrgData, format_date, format_datetime, parse_date, parse_datetime};

/// Checks `value` against `field` and returns the value to store. An empty string is null, as
/// in Salesforce.
pub fn coerce(org: &OrgData, field: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    if value.is_null() || value.as_str() == Some("") {
        return Ok(if field.field_type == FieldType::Boolean {
            Value::Bool(false)
        } else {
            Value::Null
        });
    }
    if value.is_object() || value.is_array() {
        return Err(cannot_deserialize(field, value));
    }
    match field.field_type {
        FieldType::String
        | FieldType::TextArea
        | FieldType::Phone
        | FieldType::Url
        | FieldType::Email
        | FieldType::Picklist
        | FieldType::MultiPicklist => text(field, value),
        FieldType::Boolean => boolean(field, value),
        FieldType::Int => integer(field, value),
        FieldType::Double | FieldType::Currency | FieldType::Percent => decimal(field, value),
        FieldType::Date => date(field, value),
        FieldType::DateTime => datetime(field, value),
        FieldType::Reference | FieldType::Id => reference(org, field, value),
    }
}

/// A default from the schema in stored form (`0` on a double field becomes `0.0`).
pub fn normalize_default(field: &FieldDef, default: &Value) -> Value {
    match (field.field_type.is_numeric(), default.as_f64()) {
        (true, Some(n)) if field.field_type != FieldType::Int => float(n),
        _ => default.clone(),
    }
}

/// The text of a scalar JSON value (`5` → `"5"`); `None` for null, objects and arrays.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// True when a stored value equals `wanted`, comparing text case-insensitively.
pub fn same_value(stored: &Value, wanted: &str) -> bool {
    match stored {
        Value::String(s) => s.eq_ignore_ascii_case(wanted),
        Value::Number(n) => n.to_string() == wanted || n.as_f64() == wanted.parse::<f64>().ok(),
        Value::Bool(b) => b.to_string().eq_ignore_ascii_case(wanted),
        _ => false,
    }
}

fn text(field: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    let text = scalar_text(value).unwrap_or_default();
    let length = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
    if field.length > 0 && length > field.length {
        return Err(field_error(
            "STRING_TOO_LONG",
            format!(
                "{}: data value too large: {text} (max length={})",
                field.label, field.length
            ),
            field,
        ));
    }
    match field.field_type {
        FieldType::Email if !is_email(&text) => Err(field_error(
            "INVALID_EMAIL_ADDRESS",
            format!("{}: invalid email address: {text}", field.label),
            field,
        )),
        FieldType::Picklist if field.restricted_picklist && !field.picklist_allows(&text) => {
            Err(bad_picklist(field, &text))
        }
        FieldType::MultiPicklist if field.restricted_picklist => {
            match text.split(';').find(|v| !field.picklist_allows(v.trim())) {
                Some(bad) => Err(bad_picklist(field, bad)),
                None => Ok(Value::String(text)),
            }
        }
        _ => Ok(Value::String(text)),
    }
}

fn boolean(field: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    match value {
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
        _ => Err(wrong_type(field, value)),
    }
}

fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

fn integer(field: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    let n = number_of(value).ok_or_else(|| wrong_type(field, value))?;
    if n.fract() != 0.0 {
        return Err(wrong_type(field, value));
    }
    let limit = 10f64.powi(i32::try_from(field.precision.max(1)).unwrap_or(18));
    if n.abs() >= limit {
        return Err(out_of_range(field, value));
    }
    // |n| < 10^precision was checked above, so the cast keeps the value.
    let whole = n as i64;
    Ok(Value::Number(Number::from(whole)))
}

fn decimal(field: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    let n = number_of(value).ok_or_else(|| wrong_type(field, value))?;
    let whole_digits = field.precision.saturating_sub(field.scale).max(1);
    let limit = 10f64.powi(i32::try_from(whole_digits).unwrap_or(18));
    if n.abs() >= limit {
        return Err(out_of_range(field, value));
    }
    let factor = 10f64.powi(i32::try_from(field.scale).unwrap_or(0));
    Ok(float((n * factor).round() / factor))
}

/// Numbers of double, currency and percent fields are written as Salesforce writes them: `3.0`.
fn float(n: f64) -> Value {
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

fn date(field: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    let text = value.as_str().ok_or_else(|| wrong_type(field, value))?;
    parse_date(text)
        .or_else(|| parse_datetime(text).map(|dt| dt.date_naive()))
        .map(|d| Value::String(format_date(d)))
        .ok_or_else(|| wrong_type(field, value))
}

fn datetime(field: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    let text = value.as_str().ok_or_else(|| wrong_type(field, value))?;
    parse_datetime(text)
        .or_else(|| {
            parse_date(text)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|dt| dt.and_utc())
        })
        .map(|dt| Value::String(format_datetime(dt)))
        .ok_or_else(|| wrong_type(field, value))
}

fn reference(org: &OrgData, field: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    let text = value.as_str().ok_or_else(|| wrong_type(field, value))?;
    let incorrect = || format!("{}: id value of incorrect type: {text}", field.label);
    let id = ids::canonical(text).ok_or_else(|| field_error("MALFORMED_ID", incorrect(), field))?;
    let target = org
        .schema
        .object_for_id(&id)
        .filter(|o| field.reference_to.contains(&o.name));
    if target.is_none() {
        return Err(field_error("FIELD_INTEGRITY_EXCEPTION", incorrect(), field));
    }
    match org.get_any(&id) {
        None => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_CROSS_REFERENCE_KEY",
            format!("invalid cross reference id: {text}"),
        )
        .with_fields(&[&field.name])),
        Some(parent) if parent.deleted => Err(field_error(
            "ENTITY_IS_DELETED",
            "entity is deleted".to_owned(),
            field,
        )),
        Some(_) => Ok(Value::String(id)),
    }
}

/// A plausible address: one `@`, something before it, a dotted domain after it, no spaces.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

fn field_error(code: &str, message: String, field: &FieldDef) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message).with_fields(&[&field.name])
}

fn bad_picklist(field: &FieldDef, value: &str) -> ApiError {
    field_error(
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        format!(
            "{}: bad value for restricted picklist field: {value}",
            field.label
        ),
        field,
    )
}

fn wrong_type(field: &FieldDef, value: &Value) -> ApiError {
    let shown = scalar_text(value).unwrap_or_else(|| value.to_string());
    field_error(
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        format!("{}: value not of required type: {shown}", field.label),
        field,
    )
}

fn out_of_range(field: &FieldDef, value: &Value) -> ApiError {
    let shown = scalar_text(value).unwrap_or_default();
    field_error(
        "NUMBER_OUTSIDE_VALID_RANGE",
        format!(
            "{}: value outside of valid range on numeric field: {shown}",
            field.label
        ),
        field,
    )
}

fn cannot_deserialize(field: &FieldDef, value: &Value) -> ApiError {
    let token = if value.is_object() {
        "START_OBJECT"
    } else {
        "START_ARRAY"
    };
    let expected = match field.field_type {
        FieldType::Boolean => "boolean",
        FieldType::Int => "int",
        FieldType::Double | FieldType::Currency | FieldType::Percent => "double",
        FieldType::Date => "date",
        FieldType::DateTime => "datetime",
        _ => "string",
    };
    ApiError::bad_request(
        "JSON_PARSER_ERROR",
        format!(
            "Cannot deserialize instance of {expected} from {token} value {value} or request may be missing a required field"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shapes() {
        assert!(is_email("ana.silva@zava.com"));
        assert!(!is_email("Not a real email address"));
        assert!(!is_email("a@b"));
        assert!(!is_email("@zava.com"));
        assert!(!is_email("a@@zava.com"));
    }

    #[test]
    fn values_compare_case_insensitively() {
        assert!(same_value(&Value::String("ACC-1".into()), "acc-1"));
        assert!(same_value(&serde_json::json!(3.0), "3"));
        assert!(!same_value(&Value::Null, ""));
    }
}
