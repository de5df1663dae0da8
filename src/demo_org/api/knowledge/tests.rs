//! Route tests of Knowledge against a running demo org seeded with the theme articles.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::versions::{self, Status};
use crate::demo_org::seed::themes::{PRODUCTS, THEMES};
use crate::demo_org::testing::TestOrg;

async fn call(
    org: &TestOrg,
    method: Method,
    path: &str,
    language: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let url = if path.starts_with("/services/") {
        org.url(path)
    } else {
        org.data_url(path)
    };
    let mut request = org.client.request(method, url);
    if let Some(language) = language {
        request = request.header("Accept-Language", language);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("response");
    let status = response.status();
    let text = response.text().await.expect("body");
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, value)
}

/// A Support API read with `Accept-Language: en-US`.
async fn read(org: &TestOrg, path: &str) -> (StatusCode, Value) {
    call(org, Method::GET, path, Some("en-US"), None).await
}

fn titles(page: &Value) -> Vec<String> {
    page["articles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn message(body: &Value) -> &str {
    body[0]["message"].as_str().unwrap_or("")
}

/// The master article id of a theme's article, by its UrlName.
fn article_id(org: &TestOrg, url_name: &str) -> String {
    let data = org.handle.state.read();
    data.records("Knowledge__kav")
        .find(|v| v.get_str("UrlName") == Some(url_name))
        .and_then(|v| v.get_str("KnowledgeArticleId"))
        .map(str::to_owned)
        .expect("seeded article")
}

fn online_theme_count() -> usize {
    THEMES.iter().filter(|t| t.article.is_some()).count()
}

#[tokio::test]
async fn accept_language_is_required_and_checked() {
    let org = TestOrg::start().await;
    let path = "/support/knowledgeArticles";
    let (status, body) = call(&org, Method::GET, path, None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&body).contains("Accept-Language"), "{body}");
    let (status, body) = call(&org, Method::GET, path, Some("xx-QQ"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        message(&body),
        "The language code is not valid or not supported by Knowledge."
    );
    let (status, body) = call(&org, Method::GET, path, Some("fr"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        message(&body),
        "Invalid language code. Check that the language is included in your Knowledge language settings."
    );
    let (status, _) = call(&org, Method::GET, path, Some("en_US"), None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn lists_online_articles_by_channel_with_paging() {
    let org = TestOrg::start().await;
    let (status, page) = read(&org, "/support/knowledgeArticles").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(titles(&page).len(), online_theme_count());
    assert_eq!(page["pageNumber"], json!(1));
    assert_eq!(page["nextPageUrl"], Value::Null);
    let first = &page["articles"][0];
    for key in [
        "articleNumber",
        "categoryGroups",
        "downVoteCount",
        "id",
        "lastPublishedDate",
        "summary",
        "title",
        "upVoteCount",
        "url",
        "viewCount",
        "viewScore",
        "articleType",
        "urlName",
    ] {
        assert!(first.get(key).is_some(), "article lacks {key}");
    }
    assert!(first["id"].as_str().is_some_and(|id| id.starts_with("kA0")));
    let dates: Vec<&str> = page["articles"]
        .as_array()
        .expect("articles")
        .iter()
        .filter_map(|a| a["lastPublishedDate"].as_str())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert!(!titles(&page).contains(&"Exporting large reports without timeouts".to_owned()));

    let (_, first_page) = read(
        &org,
        "/support/knowledgeArticles?pageSize=4&sort=Title&order=ASC",
    )
    .await;
    let first_titles = titles(&first_page);
    assert_eq!(first_titles.len(), 4);
    let mut sorted = first_titles.clone();
    sorted.sort_by_key(|t| t.to_lowercase());
    assert_eq!(first_titles, sorted);
    let next = first_page["nextPageUrl"]
        .as_str()
        .expect("next page")
        .to_owned();
    let (_, second_page) = read(&org, &next).await;
    assert_eq!(second_page["pageNumber"], json!(2));
    assert!(
        titles(&second_page)
            .iter()
            .all(|t| !first_titles.contains(t))
    );

    let (_, partners) = read(&org, "/support/knowledgeArticles?channel=Prm").await;
    assert_eq!(titles(&partners).len(), 3);
    let (_, public) = read(&org, "/support/knowledgeArticles?channel=Pkb").await;
    assert_eq!(titles(&public).len(), online_theme_count() - 1);
    assert!(!titles(&public).contains(&"How licenses and add-on packs are billed".to_owned()));

    for bad in [
        "/support/knowledgeArticles?pageSize=0",
        "/support/knowledgeArticles?pageSize=101",
        "/support/knowledgeArticles?channel=Web",
        "/support/knowledgeArticles?sort=Popularity",
        "/support/knowledgeArticles?categories=%7B%22a%22%3A%22b%22%2C%22c%22%3A%22d%22%2C%22e%22%3A%22f%22%2C%22g%22%3A%22h%22%7D",
    ] {
        let (status, _) = read(&org, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn search_finds_each_problem_s_article_first() {
    let org = TestOrg::start().await;
    let (_, page) = read(&org, "/support/knowledgeArticles?q=slow+dashboard").await;
    assert_eq!(
        titles(&page).first().map(String::as_str),
        Some("Resolving slow dashboard load times")
    );
    for theme in THEMES {
        let Some(article) = &theme.article else {
            continue;
        };
        let product = PRODUCTS.first().copied().unwrap_or("");
        for query in [
            theme.description.replace("{product}", product),
            theme.subjects.first().copied().unwrap_or("").to_owned(),
        ] {
            let path = format!(
                "/support/knowledgeArticles?q={}",
                url::form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
            );
            let (status, page) = read(&org, &path).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                titles(&page).first().map(String::as_str),
                Some(article.title),
                "query {query:?} found {:?}",
                titles(&page)
            );
        }
    }
    let (_, nothing) = read(&org, "/support/knowledgeArticles?q=xylophone").await;
    assert_eq!(nothing["articles"], json!([]));
}

#[tokio::test]
async fn article_detail_by_id_and_by_url_name() {
    let org = TestOrg::start().await;
    let url_name = "resolving-slow-dashboard-load-times";
    let id = article_id(&org, url_name);
    let (status, detail) = read(&org, &format!("/support/knowledgeArticles/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["id"], json!(id));
    assert_eq!(detail["urlName"], json!(url_name));
    assert_eq!(detail["versionNumber"], json!(2));
    for key in [
        "allViewCount",
        "allViewScore",
        "appViewCount",
        "cspUpVoteCount",
        "pkbViewScore",
        "prmDownVoteCount",
        "createdBy",
        "lastModifiedBy",
        "layoutItems",
    ] {
        assert!(detail.get(key).is_some(), "detail lacks {key}");
    }
    let content = detail["layoutItems"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["name"] == json!("Content__c")))
        .expect("content");
    assert!(
        content["value"]
            .as_str()
            .is_some_and(|v| v.contains("<h2>Resolution</h2>"))
    );
    let views = detail["allViewCount"].as_u64().expect("views");
    let (status, by_name) = read(
        &org,
        &format!("/support/knowledgeArticles/{url_name}?isUrlName=true"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_name["id"], json!(id));
    assert_eq!(by_name["allViewCount"], json!(views + 1));
    let (_, unchanged) = read(
        &org,
        &format!("/support/knowledgeArticles/{id}?updateViewStat=false"),
    )
    .await;
    assert_eq!(unchanged["allViewCount"], json!(views + 1));
    let draft_only = article_id(&org, "exporting-large-reports-without-timeouts");
    let (status, _) = read(&org, &format!("/support/knowledgeArticles/{draft_only}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let billing = article_id(&org, "how-licenses-and-add-ons-are-billed");
    let (status, _) = read(
        &org,
        &format!("/support/knowledgeArticles/{billing}?channel=Pkb"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = read(
        &org,
        "/support/knowledgeArticles/no-such-article?isUrlName=true",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, root) = read(&org, "/support").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        root["knowledgeArticles"],
        json!("/services/data/v66.0/support/knowledgeArticles")
    );
}

#[tokio::test]
async fn draft_edit_publish_and_archive_through_master_versions() {
    let org = TestOrg::start().await;
    let url_name = "installer-error-1603-desktop-connector";
    let article = article_id(&org, url_name);
    let versions_path = "/knowledgeManagement/articleVersions/masterVersions";
    let (status, created) = call(
        &org,
        Method::POST,
        versions_path,
        None,
        Some(json!({"articleId": article})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let draft = created["id"].as_str().expect("draft id").to_owned();
    assert!(draft.starts_with("ka0"));
    assert_eq!(
        created["url"],
        json!(format!(
            "/services/data/v66.0/knowledgeManagement/articleVersions/masterVersions/{draft}"
        ))
    );
    let (status, again) = call(
        &org,
        Method::POST,
        versions_path,
        None,
        Some(json!({"articleId": article})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{again}");

    // Editing through the sObject API: the draft is editable, the online version is not.
    let online = {
        let data = org.handle.state.read();
        versions::version_with_status(&data, &article, Status::Online)
            .map(|v| v.id.clone())
            .expect("online")
    };
    {
        let mut data = org.handle.state.write();
        assert!(versions::on_update_version(&data, &draft).is_ok());
        let refused = versions::on_update_version(&data, &online).expect_err("online is read-only");
        assert_eq!(refused.status.as_u16(), 400);
        if let Some(record) = data.get_mut(&draft) {
            record
                .fields
                .insert("Title".into(), json!("Installer error 1603 (updated)"));
        }
    }
    let (status, _) = call(
        &org,
        Method::PATCH,
        &format!("{versions_path}/{draft}"),
        None,
        Some(json!({"publishStatus": "Online", "versionNumber": "NextVersion"})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, archived) = call(
        &org,
        Method::GET,
        &format!("{versions_path}?filterArticleId={article}&filterPublishStatus=archived"),
        None,
        None,
    )
    .await;
    assert_eq!(archived["masterVersions"][0]["id"], json!(online));
    let (_, detail) = read(&org, &format!("/support/knowledgeArticles/{article}")).await;
    assert_eq!(detail["title"], json!("Installer error 1603 (updated)"));
    assert_eq!(detail["versionNumber"], json!(2));
    let (status, version) = call(
        &org,
        Method::GET,
        &format!("{versions_path}/{draft}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(version["publishStatus"], json!("Online"));

    let (status, refused) = call(
        &org,
        Method::DELETE,
        &format!("{versions_path}/{draft}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");

    let (status, _) = call(
        &org,
        Method::PATCH,
        &format!("{versions_path}/{draft}"),
        None,
        Some(json!({"publishStatus": "Archived"})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = read(&org, &format!("/support/knowledgeArticles/{article}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, restored) = call(
        &org,
        Method::POST,
        versions_path,
        None,
        Some(json!({"articleId": article, "versionNumber": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{restored}");
    let (status, metadata) = call(
        &org,
        Method::GET,
        &format!("/knowledgeManagement/articles/{article}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(metadata["versions"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn deleting_drafts_and_the_unsupported_article_methods() {
    let org = TestOrg::start().await;
    let versions_path = "/knowledgeManagement/articleVersions/masterVersions";
    let draft_only = article_id(&org, "exporting-large-reports-without-timeouts");
    let draft = {
        let data = org.handle.state.read();
        versions::version_with_status(&data, &draft_only, Status::Draft)
            .map(|v| v.id.clone())
            .expect("draft")
    };
    let (status, _) = call(
        &org,
        Method::DELETE,
        &format!("{versions_path}/{draft}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(
        &org,
        Method::GET,
        &format!("/knowledgeManagement/articles/{draft_only}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let article = article_id(&org, "notification-emails-not-delivered");
    let path = format!("/knowledgeManagement/articles/{article}");
    let (status, _) = call(&org, Method::GET, &path, None, None).await;
    assert_eq!(status, StatusCode::OK);
    for method in [Method::PATCH, Method::DELETE, Method::POST] {
        let (status, body) = call(
            &org,
            method.clone(),
            &path,
            None,
            Some(json!({"title": "x"})),
        )
        .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(body[0]["errorCode"], json!("METHOD_NOT_ALLOWED"));
    }
    let (status, body) = call(
        &org,
        Method::POST,
        "/knowledgeManagement/articles",
        None,
        Some(json!({"articleTypeApiName": "Knowledge__kav", "title": "x", "urlName": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body[0]["errorCode"], json!("NOT_FOUND"));
    let (status, settings) = call(
        &org,
        Method::GET,
        "/knowledgeManagement/settings",
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(settings["defaultLanguage"], json!("en_US"));
    let (status, _) = call(
        &org,
        Method::PATCH,
        &format!("{versions_path}/{draft}"),
        None,
        Some(json!({"publishStatus": "Online"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn title_match_suggestions() {
    let org = TestOrg::start().await;
    let base = "/search/suggestTitleMatches";
    let (status, found) = call(
        &org,
        Method::GET,
        &format!("{base}?q=slow+dash&language=en_US&publishStatus=Online"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let first = &found["autoSuggestResults"][0];
    assert_eq!(first["Title"], json!("Resolving slow dashboard load times"));
    assert_eq!(
        first["attributes"]["type"],
        json!("KnowledgeArticleVersion")
    );
    assert!(first["Id"].as_str().is_some_and(|id| id.starts_with("ka0")));
    assert!(
        first["KnowledgeArticleId"]
            .as_str()
            .is_some_and(|id| id.starts_with("kA0"))
    );
    assert_eq!(first["isMasterLanguage"], json!("1"));
    assert_eq!(found["hasMoreResults"], json!(false));
    let (_, drafts) = call(
        &org,
        Method::GET,
        &format!("{base}?q=export&language=en_US&publishStatus=Draft"),
        None,
        None,
    )
    .await;
    assert_eq!(
        drafts["autoSuggestResults"][0]["Title"],
        json!("Exporting large reports without timeouts")
    );
    let (_, limited) = call(
        &org,
        Method::GET,
        &format!("{base}?q=fai&language=en_US&publishStatus=Online&limit=1"),
        None,
        None,
    )
    .await;
    assert_eq!(
        limited["autoSuggestResults"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(limited["hasMoreResults"], json!(true));
    for bad in [
        format!("{base}?q=slow&publishStatus=Online"),
        format!("{base}?q=slow&language=en_US"),
        format!("{base}?q=sl&language=en_US&publishStatus=Online"),
        format!("{base}?q=slow&language=en_US&publishStatus=Published"),
        format!("{base}?q=slow&language=xx_QQ&publishStatus=Online"),
        format!("{base}?language=en_US&publishStatus=Online"),
    ] {
        let (status, body) = call(&org, Method::GET, &bad, None, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(!message(&body).is_empty());
    }
}

#[tokio::test]
async fn search_query_suggestions() {
    let org = TestOrg::start().await;
    let (status, found) = call(
        &org,
        Method::GET,
        "/search/suggestSearchQueries?q=dash&language=en_US",
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let suggestions = found["autoSuggestResults"][0]
        .as_object()
        .expect("keyed object");
    assert_eq!(suggestions.get("0"), Some(&json!("dashboard")));
    assert!(
        suggestions
            .values()
            .any(|v| v == &json!("dashboard performance"))
    );
    assert!(
        suggestions
            .values()
            .all(|v| v.as_str().is_some_and(|s| s.contains("dash")))
    );
    let (_, none) = call(
        &org,
        Method::GET,
        "/search/suggestSearchQueries?q=zzzz&language=en_US",
        None,
        None,
    )
    .await;
    assert_eq!(
        none,
        json!({"autoSuggestResults": [], "hasMoreResults": false})
    );
    for bad in [
        "/search/suggestSearchQueries?q=dash",
        "/search/suggestSearchQueries?q=da&language=en_US",
        "/search/suggestSearchQueries?language=en_US",
        "/search/suggestSearchQueries?q=dash&language=de",
    ] {
        let (status, _) = call(&org, Method::GET, bad, None, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
}
