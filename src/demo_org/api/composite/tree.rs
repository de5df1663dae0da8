//! `POST /composite/tree/{type}`: records with nested child records (by child relationship
//! name), created all or nothing. Results carry each record's `referenceId`; errors use
//! `statusCode` rather than `errorCode`, as tree results do.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::demo_org::api::error::{ApiError, json_response};
use crate::demo_org::api::sobjects::Api;
use crate::demo_org::dml::{self, DmlContext, UndoLog};
use crate::demo_org::schema::{ObjectDef, Schema};
use crate::demo_org::state::AppState;
use crate::demo_org::store::OrgData;

/// Records one tree request may create, and how deep it may nest.
const MAX_RECORDS: usize = 200;
const MAX_DEPTH: usize = 5;

/// A record of the tree with the lookup its children point back through.
struct Node {
    reference_id: String,
    sobject: String,
    fields: Map<String, Value>,
    /// Per child relationship: the lookup field on the child, and the children.
    children: Vec<(String, Vec<Node>)>,
}

pub async fn create_tree(
    State(org): State<AppState>,
    Path((_, sobject)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: Value = serde_json::from_slice(&body).map_err(ApiError::json_parser)?;
    let records = request
        .get("records")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::json_parser("the body needs a \"records\" array"))?;
    let ctx = org.dml_context();
    let mut data = org.write();
    let schema = Arc::clone(&data.schema);
    let object = Api::Data.object(&schema, &sobject)?;
    let mut parse = Parse {
        schema: &schema,
        count: 0,
        reference_ids: HashSet::new(),
    };
    let nodes = parse.nodes(records, object, 1)?;

    let mut log = UndoLog::default();
    let mut outcome = Outcome::default();
    insert_all(&mut data, &nodes, None, &ctx, &mut log, &mut outcome);
    if outcome.failures.is_empty() {
        Ok(json_response(
            StatusCode::CREATED,
            &json!({"hasErrors": false, "results": outcome.created}),
        ))
    } else {
        log.rollback(&mut data);
        Ok(json_response(
            StatusCode::BAD_REQUEST,
            &json!({"hasErrors": true, "results": outcome.failures}),
        ))
    }
}

struct Parse<'a> {
    schema: &'a Schema,
    count: usize,
    reference_ids: HashSet<String>,
}

impl Parse<'_> {
    fn nodes(
        &mut self,
        records: &[Value],
        object: &ObjectDef,
        depth: usize,
    ) -> Result<Vec<Node>, ApiError> {
        if depth > MAX_DEPTH {
            return Err(invalid(format!(
                "An sObject tree can be at most {MAX_DEPTH} levels deep"
            )));
        }
        records
            .iter()
            .map(|r| self.node(r, object, depth))
            .collect()
    }

    fn node(&mut self, record: &Value, object: &ObjectDef, depth: usize) -> Result<Node, ApiError> {
        self.count += 1;
        if self.count > MAX_RECORDS {
            return Err(invalid(format!(
                "An sObject tree request can create at most {MAX_RECORDS} records"
            )));
        }
        let Value::Object(map) = record else {
            return Err(invalid(
                "Each record of an sObject tree must be a JSON object".into(),
            ));
        };
        let attributes = map.get("attributes");
        let declared = attributes
            .and_then(|a| a.get("type"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !declared.eq_ignore_ascii_case(&object.name) {
            return Err(invalid(format!(
                "Record type '{declared}' does not match the expected type {}",
                object.name
            )));
        }
        let reference_id = attributes
            .and_then(|a| a.get("referenceId"))
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| {
                invalid("Include a referenceId in the attributes of every record".into())
            })?
            .to_owned();
        if !self.reference_ids.insert(reference_id.clone()) {
            return Err(invalid(format!("Duplicate referenceId: {reference_id}")));
        }
        let mut fields = Map::new();
        let mut children = Vec::new();
        for (key, value) in map {
            if key == "attributes" {
                continue;
            }
            let nested = value.get("records").and_then(Value::as_array);
            match (object.child_relationship(key), nested) {
                (Some(relation), Some(records)) => {
                    let child = self
                        .schema
                        .object(&relation.child_sobject)
                        .ok_or_else(ApiError::not_found)?;
                    let field = relation.field.clone();
                    children.push((field, self.nodes(records, child, depth + 1)?));
                }
                _ => {
                    fields.insert(key.clone(), value.clone());
                }
            }
        }
        Ok(Node {
            reference_id,
            sobject: object.name.clone(),
            fields,
            children,
        })
    }
}

fn invalid(message: String) -> ApiError {
    ApiError::bad_request("INVALID_INPUT", message)
}

#[derive(Default)]
struct Outcome {
    created: Vec<Value>,
    failures: Vec<Value>,
}

/// Creates the nodes, parents before their children. Children of a record that failed are left
/// out: the request fails anyway and they have no parent to point at.
fn insert_all(
    org: &mut OrgData,
    nodes: &[Node],
    parent: Option<(&str, &str)>,
    ctx: &DmlContext,
    log: &mut UndoLog,
    outcome: &mut Outcome,
) {
    for node in nodes {
        let mut fields = node.fields.clone();
        if let Some((field, id)) = parent {
            fields.insert(field.to_owned(), json!(id));
        }
        match dml::insert_logged(org, &node.sobject, &fields, ctx, log) {
            Ok(id) => {
                outcome
                    .created
                    .push(json!({"referenceId": node.reference_id, "id": id}));
                for (field, children) in &node.children {
                    insert_all(org, children, Some((field, &id)), ctx, log, outcome);
                }
            }
            Err(error) => {
                let errors: Vec<Value> = error
                    .errors
                    .iter()
                    .map(|e| {
                        json!({
                            "statusCode": e.error_code,
                            "message": e.message,
                            "fields": e.fields.clone().unwrap_or_default(),
                        })
                    })
                    .collect();
                outcome
                    .failures
                    .push(json!({"referenceId": node.reference_id, "errors": errors}));
            }
        }
    }
}
