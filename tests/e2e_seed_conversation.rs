//! The conversation of the product's seed, end to end on the embedded demo org through an MCP
//! client: find Zava's open cases older than 48 hours, categorize the first, suggest and draft
//! Knowledge, see the comment in its timeline, and read the support reports with their numbers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

async fn call(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    tool: &str,
    args: Value,
) -> Value {
    let result = client
        .call_tool(
            CallToolRequestParams::new(tool.to_owned())
                .with_arguments(args.as_object().cloned().unwrap_or_default()),
        )
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    let body = result.structured_content.clone().unwrap_or(Value::Null);
    assert_eq!(result.is_error, Some(false), "{tool} failed: {body}");
    body
}

#[tokio::test]
async fn the_seed_conversation_works_end_to_end() {
    let running = common::demo_engine().await;
    let client = common::mcp_client(running.engine.clone()).await;

    // 1. "Find all open cases from Zava that haven't been responded to in 48 hours."
    let found = call(&client, "query", json!({"soql": "SELECT Id, CaseNumber, Subject, Priority, CreatedDate, Status FROM Case WHERE Account.Name = 'Zava' AND Status != 'Closed' AND CreatedDate < LAST_N_DAYS:2 ORDER BY Priority"})).await;
    let cases = found["records"].as_array().expect("records");
    assert!(!cases.is_empty(), "Zava has open cases older than two days");
    let priorities: Vec<&str> = cases
        .iter()
        .filter_map(|c| c["Priority"].as_str())
        .collect();
    let rank = |p: &str| {
        ["Critical", "High", "Medium", "Low"]
            .iter()
            .position(|x| *x == p)
    };
    assert!(
        priorities.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "ordered by priority: {priorities:?}"
    );
    let case_id = cases[0]["Id"].as_str().expect("id").to_owned();

    // 2. "Categorize that first case as a Performance problem."
    let comment = "Customer reports slow load times in dashboard view";
    let categorized = call(&client, "categorize_case", json!({"case_id": case_id, "type": "Problem", "reason": "Performance", "internal_comments": comment})).await;
    assert_eq!(categorized["case"]["Type"], "Problem");
    assert_eq!(categorized["case"]["Reason"], "Performance");
    assert!(categorized["commentId"].is_string());

    // 3. "...and suggest KB articles."
    let suggested = call(
        &client,
        "suggest_kb_for_case",
        json!({"case_id": case_id, "search_terms": "dashboard slow"}),
    )
    .await;
    let articles = suggested["articles"].as_array().expect("articles");
    assert!(!articles.is_empty(), "{suggested}");
    assert!(
        articles
            .iter()
            .all(|a| a["why"].as_str().is_some_and(|w| !w.is_empty()))
    );
    assert_eq!(
        articles[0]["title"], "Resolving slow dashboard load times",
        "{suggested}"
    );

    // 4. "Draft a KB article from the resolution."
    let drafted = call(&client, "draft_kb_article", json!({"case_id": case_id, "title": "Resolving dashboard performance issues",
        "url_name": "dashboard-performance-fix", "content": "<h2>Problem</h2><p>Slow dashboards.</p><h2>Resolution</h2><p>Enable cached snapshots.</p>"})).await;
    assert_eq!(drafted["publishStatus"], "Draft");
    assert_eq!(drafted["caseId"], case_id.as_str());
    let version = call(&client, "query", json!({"soql": format!("SELECT Id, SourceId, PublishStatus, Content__c FROM Knowledge__kav WHERE Id = '{}'", drafted["articleId"].as_str().unwrap())})).await;
    assert_eq!(version["records"][0]["SourceId"], case_id.as_str());

    // 5. The comment shows up in the case timeline.
    let timeline = call(&client, "get_case_timeline", json!({"case_id": case_id})).await;
    let entries = timeline["timeline"].as_array().expect("timeline");
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "internal_comment" && e["summary"] == comment),
        "{timeline}"
    );
    let times: Vec<&str> = entries.iter().filter_map(|e| e["at"].as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "the timeline is in time order");

    // 6. The reports, with their numbers.
    let trends = call(
        &client,
        "get_case_trends",
        json!({"group_by": "Reason", "days": 30}),
    )
    .await;
    let total = trends["totalCases"].as_u64().expect("total");
    assert!(total > 0);
    let counted: u64 = trends["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, total);
    let percent: f64 = trends["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["percent"].as_f64().unwrap())
        .sum();
    assert!(
        (percent - 100.0).abs() < 0.6,
        "percentages add up: {percent}"
    );

    let deflection = call(
        &client,
        "get_deflection_metrics",
        json!({"days": 30, "group_by": "Channel__c"}),
    )
    .await;
    let interactions = deflection["totalInteractions"].as_u64().expect("total");
    let deflected = deflection["deflected"].as_u64().expect("deflected");
    assert!(interactions > 0);
    let expected = (deflected as f64 * 1000.0 / interactions as f64).round() / 10.0;
    assert_eq!(deflection["deflectionRate"].as_f64(), Some(expected));
    assert!(!deflection["groups"].as_array().unwrap().is_empty());

    let sla = call(&client, "get_sla_compliance", json!({"days": 30})).await;
    assert!(sla["totalCasesAnalyzed"].as_u64().unwrap() > 0);
    assert!(sla["overallCompliancePercent"].as_f64().is_some());
    let breaches = sla["breachedCases"].as_array().expect("breaches");
    assert!(
        breaches
            .iter()
            .any(|b| b["breach"] == "late_first_response"),
        "the seed has late answers"
    );
    assert!(
        breaches
            .iter()
            .any(|b| b["breach"] == "no_response_past_threshold"),
        "and unanswered old cases"
    );
}
