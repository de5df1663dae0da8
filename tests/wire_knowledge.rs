//! Knowledge tools on the wire: for each tool and each path through its workflow, the exact
//! requests sent (method, path, query, Accept-Language, body; token redacted) and the shaped
//! result, as insta snapshots. Then arguments that must be refused before anything is sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed expectation is a failed test

mod common;

use common::{engine, mock_org, recorded, sf_json};
use salesforce_mcp::engine::CallError;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param_contains};
use wiremock::{Mock, ResponseTemplate};

const DATA: &str = "/services/data/v66.0";
const ARTICLE: &str = "kA0Dm000000Kx3aKAC";
const ONLINE: &str = "ka0Dm000000Rt7fIAC";
const DRAFT: &str = "ka0Dm000000Rt9hIAC";
const NEW_DRAFT: &str = "ka0Dm000000RuA2IAK";

/// One answer of the mock org: to `method path`, and when `q_has` is set only to a query whose
/// `q` parameter contains that text.
struct Reply {
    method: &'static str,
    path: String,
    q_has: Option<&'static str>,
    response: ResponseTemplate,
}

fn reply(method: &'static str, relative: &str, response: ResponseTemplate) -> Reply {
    Reply {
        method,
        path: format!("{DATA}{relative}"),
        q_has: None,
        response,
    }
}

/// A SOQL query answered with these Knowledge__kav records.
fn soql(q_has: &'static str, records: Vec<Value>) -> Reply {
    Reply {
        method: "GET",
        path: format!("{DATA}/query"),
        q_has: Some(q_has),
        response: sf_json(
            200,
            json!({"totalSize": records.len(), "done": true, "records": records}),
        ),
    }
}

fn version(id: &str, status: &str) -> Value {
    json!({
        "attributes": {"type": "Knowledge__kav", "url": format!("{DATA}/sobjects/Knowledge__kav/{id}")},
        "Id": id, "PublishStatus": status, "KnowledgeArticleId": ARTICLE
    })
}

const BY_ID: &str = "WHERE Id = ";
const DRAFT_OF_ARTICLE: &str = "PublishStatus = 'Draft'";
const ONLINE_OF_ARTICLE: &str = "PublishStatus = 'Online'";

fn no_content() -> ResponseTemplate {
    ResponseTemplate::new(204)
}

fn created_draft() -> Reply {
    reply(
        "POST",
        "/knowledgeManagement/articleVersions/masterVersions",
        sf_json(
            201,
            json!({"id": NEW_DRAFT, "url": format!("{DATA}/knowledgeManagement/articleVersions/masterVersions/{NEW_DRAFT}")}),
        ),
    )
}

struct WireCase {
    name: &'static str,
    tool: &'static str,
    args: Value,
    replies: Vec<Reply>,
}

fn case(name: &'static str, tool: &'static str, args: Value, replies: Vec<Reply>) -> WireCase {
    WireCase {
        name,
        tool,
        args,
        replies,
    }
}

fn article_summary(id: &str, number: &str, title: &str, url_name: &str, score: f64) -> Value {
    json!({
        "articleNumber": number, "articleType": "Knowledge__kav", "categoryGroups": [],
        "downVoteCount": 1, "id": id, "lastPublishedDate": "2026-09-14T09:30:00Z",
        "summary": format!("{title}: causes and fixes."), "title": title, "upVoteCount": 12,
        "url": format!("{DATA}/support/knowledgeArticles/{id}"), "urlName": url_name,
        "viewCount": 240, "viewScore": score
    })
}

fn article_detail() -> Value {
    json!({
        "allViewCount": 512, "allViewScore": 100.0, "appDownVoteCount": 0, "appUpVoteCount": 9,
        "appViewCount": 281, "appViewScore": 100.0, "articleNumber": "000001001",
        "articleType": "Knowledge__kav", "categoryGroups": [],
        "createdBy": {"email": "dana.ortiz@zava.example", "firstName": "Dana", "id": "005Dm0000001AbcIAE", "isActive": true, "lastName": "Ortiz", "url": format!("{DATA}/chatter/users/005Dm0000001AbcIAE"), "userName": "dana.ortiz@zava.example"},
        "createdDate": "2026-03-02T10:00:00Z",
        "id": ARTICLE,
        "lastModifiedBy": null, "lastModifiedDate": "2026-09-14T09:29:41Z",
        "lastPublishedDate": "2026-09-14T09:30:00Z",
        "layoutItems": [
            {"label": "Content", "name": "Content__c", "type": "RICH_TEXT_AREA", "value": "<h2>Problem</h2><p>Dashboards take over a minute to load.</p><h2>Resolution</h2><ol><li>Filter the source reports.</li></ol>"},
            {"label": "Source", "name": "SourceId", "type": "LOOKUP", "value": null},
            {"label": "Out of Date", "name": "IsOutOfDate", "type": "CHECKBOX", "value": "false"}
        ],
        "pkbViewCount": 128, "pkbViewScore": 100.0,
        "summary": "Dashboards built on unfiltered reports load slowly; filter the source reports.",
        "title": "Resolving slow dashboard load times",
        "url": format!("{DATA}/support/knowledgeArticles/{ARTICLE}"),
        "urlName": "resolving-slow-dashboard-load-times",
        "versionNumber": 2
    })
}

fn cases() -> Vec<WireCase> {
    vec![
        case(
            "list_articles_search",
            "list_knowledge_articles",
            json!({"q": "dashboard slow", "channel": "Pkb", "page_size": 2, "page_number": 1}),
            vec![reply(
                "GET",
                "/support/knowledgeArticles",
                sf_json(
                    200,
                    json!({
                        "articles": [
                            article_summary(ARTICLE, "000001001", "Resolving slow dashboard load times", "resolving-slow-dashboard-load-times", 100.0),
                            article_summary("kA0Dm000000Kx4bKAC", "000001007", "Dashboard filters reset after refresh", "dashboard-filters-reset", 41.5)
                        ],
                        "currentPageUrl": format!("{DATA}/support/knowledgeArticles?q=dashboard+slow&channel=Pkb&pageSize=2&pageNumber=1"),
                        "nextPageUrl": format!("{DATA}/support/knowledgeArticles?q=dashboard+slow&channel=Pkb&pageSize=2&pageNumber=2"),
                        "pageNumber": 1
                    }),
                ),
            )],
        ),
        case(
            "list_articles_last_page",
            "list_knowledge_articles",
            json!({"language": "fr_FR"}),
            vec![reply(
                "GET",
                "/support/knowledgeArticles",
                sf_json(
                    200,
                    json!({"articles": [], "currentPageUrl": format!("{DATA}/support/knowledgeArticles"), "nextPageUrl": null, "pageNumber": 1}),
                ),
            )],
        ),
        case(
            "get_article_by_id",
            "get_knowledge_article",
            json!({"article_id": ARTICLE, "channel": "Pkb"}),
            vec![reply(
                "GET",
                &format!("/support/knowledgeArticles/{ARTICLE}"),
                sf_json(200, article_detail()),
            )],
        ),
        case(
            "get_article_by_url_name",
            "get_knowledge_article",
            json!({"url_name": "resolving-slow-dashboard-load-times"}),
            vec![reply(
                "GET",
                "/support/knowledgeArticles/resolving-slow-dashboard-load-times",
                sf_json(200, article_detail()),
            )],
        ),
        case(
            "get_article_not_online",
            "get_knowledge_article",
            json!({"article_id": "kA0Dm000000Kx9zKAC"}),
            vec![reply(
                "GET",
                "/support/knowledgeArticles/kA0Dm000000Kx9zKAC",
                sf_json(
                    404,
                    json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]),
                ),
            )],
        ),
        case(
            "create_article",
            "create_knowledge_article",
            json!({
                "title": "Resetting a locked account",
                "url_name": "resetting-a-locked-account",
                "fields": {"Summary": "Unlock the user from Setup or wait 15 minutes.", "Content__c": "<p>Open Setup &gt; Users.</p>", "Title": "ignored"}
            }),
            vec![reply(
                "POST",
                "/sobjects/Knowledge__kav",
                sf_json(201, json!({"id": NEW_DRAFT, "success": true, "errors": []}))
                    .insert_header(
                        "Location",
                        format!("{DATA}/sobjects/Knowledge__kav/{NEW_DRAFT}"),
                    ),
            )],
        ),
        case(
            "create_article_duplicate_url_name",
            "create_knowledge_article",
            json!({"article_type": "FAQ__kav", "title": "Slow dashboards", "url_name": "resolving-slow-dashboard-load-times"}),
            vec![reply(
                "POST",
                "/sobjects/FAQ__kav",
                sf_json(
                    400,
                    json!([{"message": format!("duplicate value found: UrlName duplicates value on record with id: {ONLINE}"), "errorCode": "DUPLICATE_VALUE", "fields": ["UrlName"]}]),
                ),
            )],
        ),
        case(
            "update_article_draft_exists",
            "update_knowledge_article",
            json!({"article_id": ARTICLE, "title": "Resolving slow dashboards", "fields": {"Summary": "Filter the source reports."}}),
            vec![
                soql(DRAFT_OF_ARTICLE, vec![version(DRAFT, "Draft")]),
                reply(
                    "PATCH",
                    &format!("/sobjects/Knowledge__kav/{DRAFT}"),
                    no_content(),
                ),
            ],
        ),
        case(
            "update_article_draft_created",
            "update_knowledge_article",
            json!({"article_id": ARTICLE, "fields": {"Content__c": "<p>Filter the source reports first.</p>"}}),
            vec![
                soql(DRAFT_OF_ARTICLE, vec![]),
                created_draft(),
                reply(
                    "PATCH",
                    &format!("/sobjects/Knowledge__kav/{NEW_DRAFT}"),
                    no_content(),
                ),
            ],
        ),
        case(
            "update_article_by_draft_version_id",
            "update_knowledge_article",
            json!({"article_id": DRAFT, "title": "Resolving slow dashboards"}),
            vec![
                soql(BY_ID, vec![version(DRAFT, "Draft")]),
                reply(
                    "PATCH",
                    &format!("/sobjects/Knowledge__kav/{DRAFT}"),
                    no_content(),
                ),
            ],
        ),
        case(
            "update_article_by_online_version_id",
            "update_knowledge_article",
            json!({"article_id": ONLINE, "title": "Resolving slow dashboards"}),
            vec![
                soql(BY_ID, vec![version(ONLINE, "Online")]),
                soql(DRAFT_OF_ARTICLE, vec![]),
                created_draft(),
                reply(
                    "PATCH",
                    &format!("/sobjects/Knowledge__kav/{NEW_DRAFT}"),
                    no_content(),
                ),
            ],
        ),
        case(
            "update_article_archived_only",
            "update_knowledge_article",
            json!({"article_id": ARTICLE, "title": "Legacy agent"}),
            vec![
                soql(DRAFT_OF_ARTICLE, vec![]),
                reply(
                    "POST",
                    "/knowledgeManagement/articleVersions/masterVersions",
                    sf_json(
                        400,
                        json!([{"errorCode": "INVALID_API_INPUT", "message": "You can't perform this action. Be sure the action is valid for the current state of the article, and that you have permission to perform it."}]),
                    ),
                ),
            ],
        ),
        case(
            "publish_article_by_article_id",
            "publish_knowledge_article",
            json!({"article_id": ARTICLE}),
            vec![
                soql(DRAFT_OF_ARTICLE, vec![version(DRAFT, "Draft")]),
                reply(
                    "PATCH",
                    &format!("/knowledgeManagement/articleVersions/masterVersions/{DRAFT}"),
                    no_content(),
                ),
            ],
        ),
        case(
            "publish_article_major_version",
            "publish_knowledge_article",
            json!({"article_id": DRAFT, "major_version": true}),
            vec![
                soql(BY_ID, vec![version(DRAFT, "Draft")]),
                reply(
                    "PATCH",
                    &format!("/knowledgeManagement/articleVersions/masterVersions/{DRAFT}"),
                    no_content(),
                ),
            ],
        ),
        case(
            "publish_article_without_draft",
            "publish_knowledge_article",
            json!({"article_id": ARTICLE}),
            vec![soql(DRAFT_OF_ARTICLE, vec![])],
        ),
        case(
            "delete_article_draft",
            "delete_knowledge_article",
            json!({"article_id": ARTICLE}),
            vec![
                soql(DRAFT_OF_ARTICLE, vec![version(DRAFT, "Draft")]),
                reply(
                    "DELETE",
                    &format!("/knowledgeManagement/articleVersions/masterVersions/{DRAFT}"),
                    no_content(),
                ),
            ],
        ),
        case(
            "delete_article_by_draft_version_id",
            "delete_knowledge_article",
            json!({"article_id": DRAFT}),
            vec![
                soql(BY_ID, vec![version(DRAFT, "Draft")]),
                reply(
                    "DELETE",
                    &format!("/knowledgeManagement/articleVersions/masterVersions/{DRAFT}"),
                    no_content(),
                ),
            ],
        ),
        case(
            "delete_article_online_only",
            "delete_knowledge_article",
            json!({"article_id": ARTICLE}),
            vec![
                soql(DRAFT_OF_ARTICLE, vec![]),
                soql(ONLINE_OF_ARTICLE, vec![version(ONLINE, "Online")]),
            ],
        ),
        case(
            "delete_article_unknown",
            "delete_knowledge_article",
            json!({"article_id": "kA0Dm000000Kx9zKAC"}),
            vec![
                soql(DRAFT_OF_ARTICLE, vec![]),
                soql(ONLINE_OF_ARTICLE, vec![]),
            ],
        ),
        case(
            "search_suggestions",
            "search_suggestions",
            json!({"q": "dash", "language": "en-US", "channel": "AllChannels", "limit": 3}),
            vec![reply(
                "GET",
                "/search/suggestSearchQueries",
                sf_json(
                    200,
                    json!({"autoSuggestResults": [{"0": "dashboard", "1": "dashboard performance", "2": "slow dashboard"}], "hasMoreResults": true}),
                ),
            )],
        ),
        case(
            "search_suggestions_none",
            "search_suggestions",
            json!({"q": "zzyzx", "language": "en_US"}),
            vec![reply(
                "GET",
                "/search/suggestSearchQueries",
                sf_json(
                    200,
                    json!({"autoSuggestResults": [], "hasMoreResults": false}),
                ),
            )],
        ),
        case(
            "suggest_titles_by_type_name",
            "suggest_article_titles",
            json!({"q": "dashboard", "language": "en_US", "publish_status": "Draft", "article_type": "Knowledge__kav"}),
            vec![
                reply(
                    "GET",
                    "/sobjects/Knowledge__kav/describe",
                    sf_json(
                        200,
                        json!({"name": "Knowledge__kav", "label": "Knowledge", "keyPrefix": "ka0", "fields": []}),
                    ),
                ),
                reply(
                    "GET",
                    "/search/suggestTitleMatches",
                    sf_json(
                        200,
                        json!({"autoSuggestResults": [{
                            "attributes": {"type": "KnowledgeArticleVersion", "url": format!("{DATA}/sobjects/KnowledgeArticleVersion/{DRAFT}")},
                            "Id": DRAFT, "UrlName": "resolving-slow-dashboard-load-times", "Title": "Resolving slow dashboard load times",
                            "KnowledgeArticleId": ARTICLE, "isMasterLanguage": "1"
                        }], "hasMoreResults": false}),
                    ),
                ),
            ],
        ),
        case(
            "suggest_titles_by_prefix",
            "suggest_article_titles",
            json!({"q": "sso login", "language": "en-US", "publish_status": "Online", "article_type": "ka0", "channel": "Csp", "limit": 10}),
            vec![reply(
                "GET",
                "/search/suggestTitleMatches",
                sf_json(
                    200,
                    json!({"autoSuggestResults": [], "hasMoreResults": false}),
                ),
            )],
        ),
    ]
}

async fn run(case: WireCase) -> Value {
    let server = mock_org().await;
    for reply in case.replies {
        let mut mock = Mock::given(method(reply.method)).and(path(reply.path));
        if let Some(text) = reply.q_has {
            mock = mock.and(query_param_contains("q", text));
        }
        mock.respond_with(reply.response).mount(&server).await;
    }
    let engine = engine(&server).await;
    let result = match engine.call(case.tool, case.args.as_object().cloned()).await {
        Ok(value) => {
            let tool = engine.tool(case.tool).expect("tool exists");
            if let Some(validator) = &tool.output_validator {
                let problems: Vec<String> = validator
                    .iter_errors(&value)
                    .map(|e| e.to_string())
                    .collect();
                assert!(
                    problems.is_empty(),
                    "{}: the result breaks the output schema: {problems:?}",
                    case.name
                );
            }
            json!({"ok": value})
        }
        Err(CallError::Failed(error)) => json!({"error": error.to_json()}),
        Err(CallError::UnknownTool(name)) => panic!("unknown tool {name}"),
    };
    json!({"requests": recorded(&server).await, "result": result})
}

#[tokio::test]
async fn knowledge_tools_send_the_documented_requests_and_shape_the_answers() {
    let mut seen = std::collections::BTreeSet::new();
    for case in cases() {
        let name = case.name;
        seen.insert(case.tool);
        let outcome = run(case).await;
        insta::assert_yaml_snapshot!(format!("wire__{name}"), outcome);
    }
    for tool in [
        "list_knowledge_articles",
        "get_knowledge_article",
        "create_knowledge_article",
        "update_knowledge_article",
        "publish_knowledge_article",
        "delete_knowledge_article",
        "search_suggestions",
        "suggest_article_titles",
    ] {
        assert!(seen.contains(tool), "no wire case for {tool}");
    }
}

#[tokio::test]
async fn ids_that_could_change_a_path_or_a_query_are_refused() {
    let bad_ids = [
        "../../limits",
        "kA0Dm000000Kx3aKAC/../x",
        "kA0Dm000000Kx3'KAC",
        "kA0Dm000000Kx3a' OR Id != '",
        "..",
        "",
        "kA0Dm000000Kx3a%2F",
    ];
    for id in bad_ids {
        for tool in [
            "get_knowledge_article",
            "publish_knowledge_article",
            "delete_knowledge_article",
        ] {
            let error = common::refused(tool, json!({"article_id": id})).await;
            assert_eq!(error.problems[0].pointer, "/article_id", "{tool} {id}");
        }
        common::refused(
            "update_knowledge_article",
            json!({"article_id": id, "title": "x"}),
        )
        .await;
    }
    for url_name in ["../limits", "a/b", "-leading", "two--hyphens", "quote'd"] {
        common::refused("get_knowledge_article", json!({"url_name": url_name})).await;
        common::refused(
            "create_knowledge_article",
            json!({"title": "t", "url_name": url_name}),
        )
        .await;
    }
}

#[tokio::test]
async fn article_types_must_be_kav_api_names() {
    for article_type in [
        "Account",
        "Knowledge__kav/describe",
        "../Knowledge__kav",
        "x'__kav",
        "ka0'",
    ] {
        common::refused(
            "create_knowledge_article",
            json!({"article_type": article_type, "title": "t", "url_name": "t"}),
        )
        .await;
        common::refused(
            "update_knowledge_article",
            json!({"article_id": ARTICLE, "title": "t", "article_type": article_type}),
        )
        .await;
        common::refused(
            "suggest_article_titles",
            json!({"q": "dashboard", "language": "en_US", "publish_status": "Online", "article_type": article_type}),
        )
        .await;
    }
}

#[tokio::test]
async fn arguments_outside_their_schema_are_refused_before_sending() {
    // Too-short search text, missing language, unknown enum values, out-of-range page sizes.
    common::refused(
        "search_suggestions",
        json!({"q": "ab", "language": "en_US"}),
    )
    .await;
    common::refused("search_suggestions", json!({"q": "dashboard"})).await;
    common::refused(
        "search_suggestions",
        json!({"q": "dashboard", "language": "en_US", "channel": "Web"}),
    )
    .await;
    common::refused(
        "suggest_article_titles",
        json!({"q": "da", "language": "en_US", "publish_status": "Online"}),
    )
    .await;
    common::refused(
        "suggest_article_titles",
        json!({"q": "dashboard", "language": "en_US", "publish_status": "Published"}),
    )
    .await;
    common::refused("list_knowledge_articles", json!({"page_size": 101})).await;
    common::refused("list_knowledge_articles", json!({"page_size": 0})).await;
    common::refused("list_knowledge_articles", json!({"channel": "AllChannels"})).await;
    common::refused(
        "list_knowledge_articles",
        json!({"language": "en-US\r\nX-Evil: 1"}),
    )
    .await;
    // get_knowledge_article needs exactly one of article_id and url_name.
    common::refused("get_knowledge_article", json!({})).await;
    common::refused(
        "get_knowledge_article",
        json!({"article_id": ARTICLE, "url_name": "resolving-slow-dashboard-load-times"}),
    )
    .await;
    // An update with nothing to change, and field names that are not API names.
    let error = common::refused("update_knowledge_article", json!({"article_id": ARTICLE})).await;
    assert!(error.message.contains("nothing to update"), "{error:?}");
    common::refused(
        "update_knowledge_article",
        json!({"article_id": ARTICLE, "fields": {}}),
    )
    .await;
    common::refused(
        "update_knowledge_article",
        json!({"article_id": ARTICLE, "fields": {"Title) FROM x": "y"}}),
    )
    .await;
    common::refused(
        "create_knowledge_article",
        json!({"title": "t", "url_name": "t", "fields": {"Bad Name": 1}}),
    )
    .await;
    common::refused(
        "publish_knowledge_article",
        json!({"article_id": ARTICLE, "major_version": "yes"}),
    )
    .await;
}
