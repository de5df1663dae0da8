//! The tool catalogue: what a client sees in tools/list, how manifests load, override and fail,
//! toolset selection, and the workflow mechanism.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use std::sync::Arc;

use common::{all_requests, mock_org};
use salesforce_mcp::app;
use salesforce_mcp::engine::{Engine, Selection, ToolError, Workflow, WorkflowContext};
use salesforce_mcp::manifest::{ManifestFile, ManifestSource, load_catalog};
use salesforce_mcp::salesforce::SalesforceClient;
use serde_json::{Map, Value, json};

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write manifest");
}

const MINIMAL: &str = r#"version: 1
name: NAME
title: A test tool
toolset: custom
description: A tool written by a test to exercise the loader.
annotations: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true}
input: {type: object, additionalProperties: false, properties: {}}
request: {method: GET, path: /limits}
"#;

#[tokio::test]
async fn tools_list_as_a_client_sees_it() {
    let server = mock_org().await;
    let running = common::running(&server, Selection::parse("all", false)).await;
    let client = common::mcp_client(running.engine.clone()).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let listing = serde_json::to_value(&tools).expect("json");
    insta::assert_json_snapshot!("tools_list_all", listing);
    for tool in &tools {
        let annotations = tool.annotations.as_ref().expect("annotations");
        assert!(annotations.read_only_hint.is_some() && annotations.destructive_hint.is_some());
        assert!(annotations.idempotent_hint.is_some() && annotations.open_world_hint.is_some());
        assert!(tool.title.is_some(), "{} has no title", tool.name);
    }
    // Listing tools needs no token and sends nothing.
    assert_eq!(all_requests(&server).await, 0);
}

#[tokio::test]
async fn the_default_toolset_is_the_connector_catalogue() {
    let server = mock_org().await;
    let running = common::running(&server, Selection::default()).await;
    let names: Vec<&str> = running
        .engine
        .tools()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| running.engine.tool(n).is_some_and(|t| t.connector))
    );
    for expected in [
        "query",
        "search",
        "get_record",
        "create_record",
        "update_record",
        "delete_record",
        "list_objects",
        "describe_object",
        "get_limits",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert!(
        !names.contains(&"query_more"),
        "query_more is not a connector tool"
    );
}

#[tokio::test]
async fn read_only_hides_every_tool_that_can_change_the_org() {
    let server = mock_org().await;
    let running = common::running(&server, Selection::parse("all", true)).await;
    assert!(!running.engine.tools().is_empty());
    assert!(
        running
            .engine
            .tools()
            .iter()
            .all(|t| t.annotations.read_only)
    );
    assert!(running.engine.tool("delete_record").is_none());
    assert!(matches!(
        running.engine.call("delete_record", None).await,
        Err(salesforce_mcp::engine::CallError::UnknownTool(_))
    ));
}

#[tokio::test]
async fn toolsets_accept_toolset_and_tool_names_and_refuse_unknown_ones() {
    let tools = app::load_tools(&[]).expect("built-ins load");
    let picked = Selection::parse("metadata,query_more", false)
        .apply(tools)
        .expect("known");
    let names: Vec<&str> = picked.iter().map(|t| t.name.as_str()).collect();
    assert!(
        names.contains(&"describe_object")
            && names.contains(&"query_more")
            && !names.contains(&"query")
    );
    let tools = app::load_tools(&[]).expect("built-ins load");
    let error = Selection::parse("records,nonsense", false)
        .apply(tools)
        .expect_err("unknown");
    assert!(
        error.contains("nonsense") && error.contains("records"),
        "{error}"
    );
}

#[test]
fn built_in_manifests_follow_the_catalogue_rules() {
    let tools = app::load_tools(&[]).expect("built-ins load");
    let id_pattern = "^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$";
    for tool in &tools {
        assert!(
            tool.description.len() >= 200,
            "{}: description too thin to guide an agent",
            tool.name
        );
        assert!(
            tool.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_'),
            "{}: not snake_case",
            tool.name
        );
        let properties = tool
            .input_schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (name, schema) in &properties {
            assert!(
                schema.get("description").is_some(),
                "{}.{name} has no description",
                tool.name
            );
            // Every record-id argument is an id by pattern (ids of other systems are exempt);
            // every object or field name is an API name.
            let foreign_ids = ["conversation_id", "external_id"];
            if (name == "id" || name.ends_with("_id")) && !foreign_ids.contains(&name.as_str()) {
                let pattern = schema
                    .get("pattern")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                assert!(
                    pattern.contains(id_pattern.trim_start_matches('^').trim_end_matches('$')),
                    "{}.{name}: an id argument needs the record-id pattern, has '{pattern}'",
                    tool.name
                );
            }
            if name == "object" || name.ends_with("_field") {
                assert!(
                    schema.get("pattern").is_some(),
                    "{}.{name} has no pattern",
                    tool.name
                );
            }
        }
    }
}

#[test]
fn a_tools_dir_overrides_a_built_in_tool_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "limits.yaml",
        &MINIMAL
            .replace("NAME", "get_limits")
            .replace("A test tool", "Overridden limits"),
    );
    write(
        dir.path(),
        "extra.yaml",
        &MINIMAL.replace("NAME", "my_extra_tool"),
    );
    let tools = app::load_tools(&[dir.path().to_path_buf()]).expect("loads");
    let limits = tools
        .iter()
        .find(|t| t.name == "get_limits")
        .expect("present");
    assert_eq!(limits.title, "Overridden limits");
    assert_eq!(tools.iter().filter(|t| t.name == "get_limits").count(), 1);
    assert!(tools.iter().any(|t| t.name == "my_extra_tool"));
}

#[test]
fn a_duplicate_name_in_one_source_names_both_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.yaml", &MINIMAL.replace("NAME", "twin"));
    write(dir.path(), "b.yaml", &MINIMAL.replace("NAME", "twin"));
    let problems = app::load_tools(&[dir.path().to_path_buf()]).expect_err("duplicate");
    let text = problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("a.yaml") && text.contains("b.yaml") && text.contains("twin"),
        "{text}"
    );
}

#[test]
fn broken_manifests_are_reported_as_file_line_column() {
    let source = ManifestSource {
        label: "test".into(),
        files: vec![
            ManifestFile {
                path: "typo.yaml".into(),
                text: MINIMAL
                    .replace("NAME", "typo")
                    .replace("request: {method: GET", "request: {methd: GET, method: GET"),
            },
            ManifestFile {
                path: "template.yaml".into(),
                text: MINIMAL.replace("NAME", "template").replace(
                    "path: /limits}",
                    "path: /limits, query: {q: \"{{ missing_argument }}\"}}",
                ),
            },
            ManifestFile {
                path: "yaml.yaml".into(),
                text: "version: 1\nname: a\nname: b\n".into(),
            },
            ManifestFile {
                path: "path.yaml".into(),
                text: MINIMAL
                    .replace("NAME", "path")
                    .replace("path: /limits", "path: \"/sobjects/{object}\""),
            },
            ManifestFile {
                path: "workflow.yaml".into(),
                text: MINIMAL.replace("NAME", "wf").replace(
                    "request: {method: GET, path: /limits}",
                    "workflow: no_such_workflow",
                ),
            },
        ],
    };
    let problems = load_catalog(&[source], &["object_schema"]).expect_err("problems");
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let find = |file: &str| {
        text.iter()
            .find(|l| l.starts_with(file))
            .cloned()
            .unwrap_or_else(|| panic!("no problem for {file}: {text:?}"))
    };
    assert!(find("typo.yaml:8:").contains("unknown field 'methd'"));
    assert!(find("template.yaml:8:").contains("missing_argument"));
    assert!(find("yaml.yaml:3:1:").contains("duplicate"));
    assert!(find("path.yaml:8:").contains("{object} is not an argument"));
    assert!(find("workflow.yaml:8:").contains("unknown workflow 'no_such_workflow'"));
}

fn echo_workflow<'a>(
    _ctx: &'a WorkflowContext,
    args: &'a Map<String, Value>,
) -> salesforce_mcp::engine::WorkflowFuture<'a> {
    Box::pin(async move {
        let name = args
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| ToolError::bad_argument("name"))?;
        Ok(json!({"greeting": format!("hello {name}"), "defaulted": args.get("times").cloned()}))
    })
}

#[tokio::test]
async fn a_manifest_can_name_a_rust_workflow() {
    let manifest = r#"version: 1
name: greet
title: Greet
toolset: custom
description: A workflow tool written by a test to exercise the workflow mechanism.
annotations: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false}
input:
  type: object
  additionalProperties: false
  required: [name]
  properties:
    name: {type: string}
    times: {type: integer, default: 2}
workflow: test_echo
response:
  shape:
    message: "{{ body.greeting }} x{{ body.defaulted }}"
"#;
    let source = ManifestSource {
        label: "test".into(),
        files: vec![ManifestFile {
            path: "greet.yaml".into(),
            text: manifest.into(),
        }],
    };
    let tools = load_catalog(&[source], &["test_echo"]).expect("loads");
    let server = mock_org().await;
    let client = Arc::new(
        SalesforceClient::new(
            common::connection(&server)
                .into_settings()
                .expect("settings"),
        )
        .expect("client"),
    );
    let engine = Engine::new(
        tools,
        client,
        &[Workflow {
            name: "test_echo",
            run: echo_workflow,
        }],
    );
    let result = engine
        .call("greet", json!({"name": "Zava"}).as_object().cloned())
        .await
        .expect("runs");
    assert_eq!(result, json!({"message": "hello Zava x2"}));
    // Arguments are validated before the workflow runs.
    assert!(
        engine
            .call("greet", json!({"name": 1}).as_object().cloned())
            .await
            .is_err()
    );
    assert_eq!(all_requests(&server).await, 0);
}

#[test]
fn input_schemas_stay_portable_across_clients() {
    let tools = app::load_tools(&[]).expect("built-ins load");
    for tool in &tools {
        for keyword in ["oneOf", "anyOf", "allOf", "not", "$ref"] {
            assert!(
                !tool.input_schema.contains_key(keyword),
                "{}: top-level {keyword}",
                tool.name
            );
        }
        assert_eq!(tool.input_schema.get("type"), Some(&json!("object")));
    }
    let source = ManifestSource {
        label: "test".into(),
        files: vec![ManifestFile {
            path: "oneof.yaml".into(),
            text: MINIMAL.replace("NAME", "oneof").replace(
                "properties: {}}",
                "properties: {a: {type: string}}, oneOf: [{required: [a]}]}",
            ),
        }],
    };
    let problems = load_catalog(&[source], &[]).expect_err("refused");
    assert!(
        problems[0]
            .to_string()
            .contains("refused by several MCP clients"),
        "{}",
        problems[0]
    );
}

/// The README's tool table is generated from the manifests; this keeps the two equal.
/// `UPDATE_README=1 cargo test --test catalog readme` rewrites it.
#[test]
fn the_readme_tool_table_matches_the_manifests() {
    let tools = Selection::parse("all,oauth", false)
        .apply(app::load_tools(&[]).expect("built-ins load"))
        .expect("all");
    let refs: Vec<_> = tools.iter().collect();
    let table = salesforce_mcp::catalog::markdown_table(&refs);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (start, end) = ("<!-- tools:start -->\n", "<!-- tools:end -->");
    let from = readme.find(start).expect("tools:start marker") + start.len();
    let to = readme.find(end).expect("tools:end marker");
    if std::env::var("UPDATE_README").is_ok_and(|v| v == "1") {
        let updated = format!("{}{table}{}", &readme[..from], &readme[to..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    assert_eq!(
        &readme[from..to],
        table,
        "README.md's tool table is out of date: run `UPDATE_README=1 cargo test --test catalog readme`"
    );
}

#[test]
fn a_shape_may_not_read_an_argument_that_a_response_name_shadows() {
    let source = ManifestSource {
        label: "test".into(),
        files: vec![ManifestFile {
            path: "status.yaml".into(),
            text: MINIMAL
                .replace("NAME", "status_tool")
                .replace("properties: {}}", "properties: {status: {type: string}}}")
                .replace("request: {method: GET, path: /limits}", "request: {method: GET, path: /limits}\nresponse:\n  shape:\n    s: \"{{ status }}\""),
        }],
    };
    let problems = load_catalog(&[source], &[]).expect_err("ambiguous");
    assert!(
        problems[0].to_string().contains("args.status"),
        "{}",
        problems[0]
    );
}

#[tokio::test]
async fn a_manifest_hint_replaces_the_generic_one() {
    let server = common::mock_org().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/services/data/v66.0/tooling/query"))
        .respond_with(common::sf_json(400, json!([{"errorCode": "INVALID_TYPE", "message": "sObject type 'SearchSynonymGroup' is not supported."}])))
        .mount(&server)
        .await;
    let engine = common::engine(&server).await;
    let Err(salesforce_mcp::engine::CallError::Failed(error)) =
        engine.call("list_synonym_groups", None).await
    else {
        panic!("expected INVALID_TYPE")
    };
    assert_eq!(error.code, "INVALID_TYPE");
    assert!(
        error
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("SynonymDictionary"),
        "{error:?}"
    );
}
