//! `get_object_schema`: the JSON Schema of an object's createable fields, built from its describe,
//! so an agent can assemble valid `create_record` data (types, picklist values, required fields).

use serde_json::{Map, Value, json};

use crate::engine::{ToolError, WorkflowContext};

pub async fn run(ctx: &WorkflowContext, args: &Map<String, Value>) -> Result<Value, ToolError> {
    let object = args
        .get("object")
        .and_then(Value::as_str)
        .ok_or_else(|| ToolError::bad_argument("`object` is required"))?;
    let describe = ctx.describe(object).await?;
    Ok(schema_from_describe(&describe))
}

/// Builds `{object, label, schema, required_fields}` from a describe result.
pub fn schema_from_describe(describe: &Value) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let fields = describe
        .get("fields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for field in &fields {
        if field.get("createable") != Some(&Value::Bool(true)) {
            continue;
        }
        let Some(name) = field.get("name").and_then(Value::as_str) else {
            continue;
        };
        properties.insert(name.to_owned(), field_schema(field));
        let nillable = field
            .get("nillable")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let defaulted = field
            .get("defaultedOnCreate")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let is_boolean = field.get("type").and_then(Value::as_str) == Some("boolean");
        if !nillable && !defaulted && !is_boolean {
            required.push(Value::String(name.to_owned()));
        }
    }
    json!({
        "object": describe.get("name").cloned().unwrap_or(Value::Null),
        "label": describe.get("label").cloned().unwrap_or(Value::Null),
        "createable_field_count": properties.len(),
        "required_fields": required.clone(),
        "schema": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        }
    })
}

fn field_schema(field: &Value) -> Value {
    let kind = field
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string");
    let label = field
        .get("label")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut schema = Map::new();
    match kind {
        "int" | "integer" | "long" => {
            schema.insert("type".into(), json!("integer"));
        }
        "double" | "currency" | "percent" => {
            schema.insert("type".into(), json!("number"));
        }
        "boolean" => {
            schema.insert("type".into(), json!("boolean"));
        }
        "date" => {
            schema.insert("type".into(), json!("string"));
            schema.insert("format".into(), json!("date"));
        }
        "datetime" => {
            schema.insert("type".into(), json!("string"));
            schema.insert("format".into(), json!("date-time"));
        }
        "email" => {
            schema.insert("type".into(), json!("string"));
            schema.insert("format".into(), json!("email"));
        }
        "reference" | "id" => {
            schema.insert("type".into(), json!("string"));
            schema.insert(
                "pattern".into(),
                json!("^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$"),
            );
        }
        _ => {
            schema.insert("type".into(), json!("string"));
        }
    }
    let mut description = format!("{label} ({kind})");
    if kind == "reference" {
        let targets: Vec<&str> = field
            .get("referenceTo")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !targets.is_empty() {
            description = format!("{label}: Id of the related {} record", targets.join(" or "));
        }
    }
    schema.insert("description".into(), json!(description));
    if matches!(kind, "string" | "textarea" | "email" | "phone" | "url")
        && let Some(length) = field
            .get("length")
            .and_then(Value::as_u64)
            .filter(|l| *l > 0)
    {
        schema.insert("maxLength".into(), json!(length));
    }
    if kind == "picklist" {
        let values: Vec<Value> = field
            .get("picklistValues")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter(|p| p.get("active").and_then(Value::as_bool).unwrap_or(true))
                    .filter_map(|p| p.get("value").cloned())
                    .collect()
            })
            .unwrap_or_default();
        if !values.is_empty() {
            schema.insert("enum".into(), Value::Array(values));
        }
    }
    if let Some(default) = field.get("defaultValue").filter(|v| !v.is_null()) {
        schema.insert("default".into(), default.clone());
    }
    Value::Object(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn createable_fields_become_a_schema() {
        let describe = json!({"name": "Case", "label": "Case", "fields": [
            {"name": "Id", "type": "id", "createable": false, "nillable": false, "label": "Case ID"},
            {"name": "Subject", "type": "string", "createable": true, "nillable": true, "length": 255, "label": "Subject"},
            {"name": "Priority", "type": "picklist", "createable": true, "nillable": true, "label": "Priority",
             "defaultValue": "Medium", "defaultedOnCreate": true,
             "picklistValues": [{"value": "High", "active": true}, {"value": "Old", "active": false}, {"value": "Medium", "active": true}]},
            {"name": "AccountId", "type": "reference", "createable": true, "nillable": true, "label": "Account ID", "referenceTo": ["Account"]},
            {"name": "Hours__c", "type": "double", "createable": true, "nillable": false, "label": "Hours"},
            {"name": "IsEscalated", "type": "boolean", "createable": true, "nillable": false, "label": "Escalated"}
        ]});
        let out = schema_from_describe(&describe);
        assert_eq!(out["required_fields"], json!(["Hours__c"]));
        let props = &out["schema"]["properties"];
        assert!(props.get("Id").is_none());
        assert_eq!(props["Subject"]["maxLength"], 255);
        assert_eq!(props["Priority"]["enum"], json!(["High", "Medium"]));
        assert_eq!(props["Priority"]["default"], "Medium");
        assert_eq!(props["Hours__c"]["type"], "number");
        assert_eq!(props["IsEscalated"]["type"], "boolean");
        assert!(
            props["AccountId"]["description"]
                .as_str()
                .unwrap()
                .contains("Account")
        );
        assert!(jsonschema::draft202012::new(&out["schema"]).is_ok());
    }
}
