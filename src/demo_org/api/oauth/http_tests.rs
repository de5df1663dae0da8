use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::demo_org::api::auth::{
    DEMO_PASSWORD, DEMO_SECURITY_TOKEN, DEMO_USERNAME, organization_id, token_signature,
};
use crate::demo_org::state::DemoSettings;
use crate::demo_org::testing::{Reply, TestOrg};

async fn token_request(org: &TestOrg, form: &[(&str, &str)]) -> Reply {
    let response = reqwest::Client::new()
        .post(org.url("/services/oauth2/token"))
        .form(form)
        .send()
        .await
        .expect("token request");
    Reply::read(response).await
}

fn assert_oauth_error(reply: &Reply, error: &str, description: &str) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(
        reply.body,
        json!({"error": error, "error_description": description})
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
}

/// A data call with `token`.
async fn with_token(org: &TestOrg, scheme: &str, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(org.data_url("/limits"))
        .header("Authorization", format!("{scheme} {token}"))
        .send()
        .await
        .expect("data call")
        .status()
}

#[tokio::test]
async fn client_credentials_by_basic_header_and_by_form() {
    let org = TestOrg::start().await;
    let basic = Reply::read(
        reqwest::Client::new()
            .post(org.url("/services/oauth2/token"))
            .basic_auth(&org.handle.client_id, Some(&org.handle.client_secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token"),
    )
    .await;
    assert_eq!(basic.status, StatusCode::OK);
    let keys: Vec<&String> = basic.body.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "signature",
            "scope",
            "instance_url",
            "id",
            "token_type",
            "issued_at"
        ]
    );
    let body = &basic.body;
    assert_eq!(body["instance_url"], json!(org.handle.instance_url));
    assert_eq!(body["token_type"], "Bearer");
    let user_id = org.handle.state.current_user_id.clone();
    let id = format!(
        "{}/id/{}/{user_id}",
        org.handle.instance_url,
        organization_id()
    );
    assert_eq!(body["id"], json!(id));
    let issued_at = body["issued_at"].as_str().expect("issued_at is a string");
    assert!(issued_at.len() >= 13 && issued_at.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(
        body["signature"],
        json!(token_signature(&org.handle.client_secret, &id, issued_at))
    );

    let form = token_request(
        &org,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &org.handle.client_id),
            ("client_secret", &org.handle.client_secret),
        ],
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form.body["access_token"].as_str().expect("token");
    assert_eq!(with_token(&org, "Bearer", token).await, StatusCode::OK);
    assert_eq!(with_token(&org, "OAuth", token).await, StatusCode::OK);
}

#[tokio::test]
async fn oauth_errors_use_salesforce_pairs() {
    let org = TestOrg::start().await;
    let id = org.handle.client_id.clone();
    let secret = org.handle.client_secret.clone();
    let reply = token_request(
        &org,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "nope"),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_oauth_error(&reply, "invalid_client_id", "client identifier invalid");
    let reply = token_request(
        &org,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", "wrong"),
        ],
    )
    .await;
    assert_oauth_error(&reply, "invalid_client", "invalid client credentials");
    let reply = token_request(&org, &[("grant_type", "magic"), ("client_id", &id)]).await;
    assert_oauth_error(&reply, "unsupported_grant_type", "grant type not supported");
    let reply = token_request(
        &org,
        &[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("username", DEMO_USERNAME),
            ("password", "guess"),
        ],
    )
    .await;
    assert_oauth_error(&reply, "invalid_grant", "authentication failure");
    let reply = token_request(
        &org,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &id),
            ("refresh_token", "5Aepnope"),
        ],
    )
    .await;
    assert_oauth_error(&reply, "invalid_grant", "expired access/refresh token");
}

#[tokio::test]
async fn password_flow_with_and_without_security_token() {
    let org = TestOrg::start().await;
    let id = org.handle.client_id.clone();
    let secret = org.handle.client_secret.clone();
    let with_token = format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}");
    for password in [DEMO_PASSWORD, with_token.as_str()] {
        let reply = token_request(
            &org,
            &[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("username", DEMO_USERNAME),
                ("password", password),
            ],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert!(reply.body.get("refresh_token").is_none());
        assert!(reply.body["access_token"].as_str().is_some());
    }
}

/// Runs the authorization step and returns the code from the redirect.
async fn authorize(org: &TestOrg, extra: &[(&str, &str)]) -> reqwest::Url {
    let mut url = reqwest::Url::parse(&org.url("/services/oauth2/authorize")).expect("url");
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &org.handle.client_id)
        .append_pair("redirect_uri", "http://localhost:8765/callback")
        .append_pair("state", "xyz");
    for (key, value) in extra {
        url.query_pairs_mut().append_pair(key, value);
    }
    let response = org.client.get(url).send().await.expect("authorize");
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location");
    reqwest::Url::parse(location).expect("redirect url")
}

fn query_param(url: &reqwest::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn authorization_code_with_pkce_refresh_and_revoke() {
    let org = TestOrg::start().await;
    let verifier = "a-very-long-random-code-verifier-0123456789-abcdefghijklmnop";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let redirect = authorize(
        &org,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("scope", "api refresh_token"),
        ],
    )
    .await;
    assert_eq!(redirect.path(), "/callback");
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("xyz"));
    let code = query_param(&redirect, "code").expect("code");
    let id = org.handle.client_id.clone();
    let exchange = |verifier: &'static str, code: String| {
        let id = id.clone();
        let org = &org;
        async move {
            token_request(
                org,
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", &id),
                    ("code", &code),
                    ("redirect_uri", "http://localhost:8765/callback"),
                    ("code_verifier", verifier),
                ],
            )
            .await
        }
    };
    let wrong = exchange("not-the-verifier", code.clone()).await;
    assert_oauth_error(&wrong, "invalid_grant", "invalid code verifier");

    let code = query_param(
        &authorize(
            &org,
            &[
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ],
        )
        .await,
        "code",
    )
    .expect("code");
    let tokens = exchange(verifier, code.clone()).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.text);
    let keys: Vec<&String> = tokens.body.as_object().expect("object").keys().collect();
    assert_eq!(keys[..2], ["access_token", "refresh_token"]);
    let reused = exchange(verifier, code).await;
    assert_oauth_error(&reused, "invalid_grant", "invalid authorization code");

    let access = tokens.body["access_token"]
        .as_str()
        .expect("access")
        .to_owned();
    let refresh = tokens.body["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let refreshed = token_request(
        &org,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &id),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::OK);
    assert!(refreshed.body.get("refresh_token").is_none());
    let second = refreshed.body["access_token"]
        .as_str()
        .expect("access")
        .to_owned();
    assert_eq!(with_token(&org, "Bearer", &second).await, StatusCode::OK);

    // Revoking the refresh token revokes the access tokens issued from it.
    let revoked = reqwest::Client::new()
        .post(org.url("/services/oauth2/revoke"))
        .form(&[("token", refresh.as_str())])
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(revoked.text().await.expect("body"), "");
    assert_eq!(
        with_token(&org, "Bearer", &access).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        with_token(&org, "Bearer", &second).await,
        StatusCode::UNAUTHORIZED
    );
    let again = token_request(
        &org,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &id),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_oauth_error(&again, "invalid_grant", "expired access/refresh token");
}

#[tokio::test]
async fn authorization_code_errors() {
    let org = TestOrg::start().await;
    let code = query_param(&authorize(&org, &[]).await, "code").expect("code");
    let id = org.handle.client_id.clone();
    // No PKCE: the secret is required, and the redirect_uri must match.
    let no_secret = token_request(
        &org,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &id),
            ("code", &code),
            ("redirect_uri", "http://localhost:8765/callback"),
        ],
    )
    .await;
    assert_oauth_error(&no_secret, "invalid_client", "invalid client credentials");
    let code = query_param(&authorize(&org, &[]).await, "code").expect("code");
    let mismatch = token_request(
        &org,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &id),
            ("client_secret", &org.handle.client_secret),
            ("code", &code),
            ("redirect_uri", "http://elsewhere/"),
        ],
    )
    .await;
    assert_oauth_error(
        &mismatch,
        "redirect_uri_mismatch",
        "redirect_uri must match configuration",
    );

    let bad_scope = authorize(&org, &[("scope", "api galaxy")]).await;
    assert_eq!(
        query_param(&bad_scope, "error").as_deref(),
        Some("invalid_scope")
    );
    assert_eq!(query_param(&bad_scope, "state").as_deref(), Some("xyz"));

    let unknown_client = Reply::read(
        org.client
            .get(org.url(
                "/services/oauth2/authorize?response_type=code&client_id=x&redirect_uri=http://a/",
            ))
            .send()
            .await
            .expect("authorize"),
    )
    .await;
    assert_oauth_error(
        &unknown_client,
        "invalid_client_id",
        "client identifier invalid",
    );
}

#[tokio::test]
async fn revoked_and_unknown_tokens_get_invalid_session() {
    let org = TestOrg::start().await;
    assert_eq!(org.get("/limits").await.status, StatusCode::OK);
    let revoked = Reply::read(
        reqwest::Client::new()
            .get(org.url(&format!("/services/oauth2/revoke?token={}", org.token)))
            .send()
            .await
            .expect("revoke"),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let reply = org.get("/limits").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.body,
        json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
    );
    assert!(reply.header("sforce-limit-info").is_some());
    assert_eq!(
        with_token(&org, "Bearer", "00Dnope!AQbogus").await,
        StatusCode::UNAUTHORIZED
    );
    let no_header = reqwest::get(org.data_url("/sobjects")).await.expect("call");
    assert_eq!(no_header.status(), StatusCode::UNAUTHORIZED);
    let unknown = Reply::read(
        reqwest::Client::new()
            .post(org.url("/services/oauth2/revoke"))
            .form(&[("token", "never-issued")])
            .send()
            .await
            .expect("revoke"),
    )
    .await;
    assert_oauth_error(&unknown, "invalid_token", "invalid token");
}

#[tokio::test]
async fn tokens_expire_after_the_configured_ttl() {
    let org = TestOrg::start_with(DemoSettings {
        token_ttl: Some(Duration::from_secs(2)),
        ..DemoSettings::default()
    })
    .await;
    assert_eq!(org.get("/limits").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(org.get("/limits").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn userinfo_and_identity_need_a_session() {
    let org = TestOrg::start().await;
    let anonymous = reqwest::get(org.url("/services/oauth2/userinfo"))
        .await
        .expect("call");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let info = org
        .call_url(Method::GET, &org.url("/services/oauth2/userinfo"), None)
        .await;
    assert_eq!(info.status, StatusCode::OK);
    let user_id = org.handle.state.current_user_id.clone();
    assert_eq!(info.body["user_id"], json!(user_id));
    assert_eq!(info.body["organization_id"], json!(organization_id()));
    assert_eq!(info.body["preferred_username"], json!(DEMO_USERNAME));
    assert_eq!(info.body["name"], "Integration User");
    let identity = org
        .call_url(
            Method::GET,
            &org.url(&format!("/id/{}/{user_id}", organization_id())),
            None,
        )
        .await;
    assert_eq!(identity.status, StatusCode::OK);
    assert_eq!(identity.body["username"], json!(DEMO_USERNAME));
    assert!(
        identity.body["urls"]["rest"]
            .as_str()
            .is_some_and(|u| u.contains("/services/data/v"))
    );
}
