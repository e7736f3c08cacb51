//! bt-oauth: `POST /oauth/accesstoken`, client credentials in a form body, HTTP Basic client auth.

use bt_oauth::mock::MockServerExt;
use bt_oauth::types::{AccessTokenRequest, AccessTokenResponse, GrantType};
use bt_oauth::{Client, SERVERS};
use httpmock::MockServer;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use crate::common::*;

const SPEC: &str = "oauth.yaml";
const PATH: &str = "/oauth/accesstoken";
/// `Basic base64("9aB3cD5eF7gH1jK2mN4pQ6rS8tU0vW:s3cr3t")`: consumer key and secret.
const BASIC: &str = "Basic OWFCM2NENWVGN2dIMWpLMm1ONHBRNnJTOHRVMHZXOnMzY3IzdA==";

fn token_example(name: &str) -> serde_json::Value {
    response_example(SPEC, PATH, "post", "200", name)
}

fn grant() -> AccessTokenRequest {
    AccessTokenRequest { grant_type: GrantType::ClientCredentials }
}

/// The builder has no Basic-auth parameter, so the caller's consumer key and secret ride on a
/// reqwest default header; the context carries no bearer token for this call.
fn basic_auth_client(base_url: &str) -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_static(BASIC));
    let http = reqwest::Client::builder().default_headers(headers).build().expect("reqwest client");
    Client::new_with_client(base_url, http, bt_core::Ctx::new())
}

#[tokio::test]
async fn token_request_is_a_basic_authenticated_form_post_at_the_host_root() {
    // The token endpoint lives at the host root: no path prefix in any server.
    assert!(SERVERS.iter().all(|(url, _)| server_prefix(url).is_empty()), "{SERVERS:?}");

    let server = MockServer::start_async().await;
    let example = token_example("snakeCase");
    let mock = server
        .mock_async(|when, then| {
            when.method("POST")
                .path(PATH)
                .query_param("grant_type", "client_credentials")
                .is_true(only_query_params(&["grant_type"]))
                .header("authorization", BASIC)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .header_missing("api-version")
                .is_true(has_uuid_v4_tracking_header)
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .body("grant_type=client_credentials");
            then.status(200).header("content-type", "application/json").json_body(example.clone());
        })
        .await;

    let client = basic_auth_client(&format!("{}{}", server.base_url(), server_prefix(SERVERS[0].0)));
    let token = client
        .create_access_token()
        .grant_type(GrantType::ClientCredentials)
        .body(grant())
        .send()
        .await
        .expect("token issued");
    mock.assert_async().await;

    assert_eq!(token.status(), 200);
    let token = token.into_inner();
    assert_round_trips(&token, &example);
    match token {
        AccessTokenResponse::SnakeCaseAccessToken(t) => {
            assert_eq!(t.access_token, "x8Kq2LmN4pRt6VwZ0bDf1hJk3nPs");
            assert_eq!(t.token_type.as_deref(), Some("Bearer"));
            assert_eq!(t.expires_in, Some(serde_json::json!(3599)));
        }
        other => panic!("snake_case body read as {other:?}"),
    }
}

#[tokio::test]
async fn apigee_token_response_parses_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let example = token_example("apigee");
    let expected: AccessTokenResponse = typed(&example);
    let mock = server.create_access_token(|when, then| {
        when.grant_type(None)
            .into_inner()
            .header("authorization", BASIC)
            .header_missing("api-version")
            .is_true(has_uuid_v4_tracking_header)
            .form_urlencoded_tuple("grant_type", "client_credentials");
        then.ok(&expected);
    });

    let client = basic_auth_client(&server.base_url());
    let token = client.create_access_token().body(grant()).send().await.expect("token issued");
    mock.assert_async().await;

    let token = token.into_inner();
    assert_eq!(token, expected);
    assert_round_trips(&token, &example);
    match token {
        AccessTokenResponse::SnakeCaseAccessToken(t) => {
            assert_eq!(t.access_token, "Gq7uYt5Rb3Wz1XcV9nM2kL4jH6fD");
            // Apigee renders the expiry as a string; it must survive as such.
            assert_eq!(t.expires_in, Some(serde_json::json!("3599")));
            assert_eq!(t.client_id.as_deref(), Some("9aB3cD5eF7gH1jK2mN4pQ6rS8tU0vW"));
            assert_eq!(t.status.as_deref(), Some("approved"));
        }
        other => panic!("Apigee body read as {other:?}"),
    }
}

#[tokio::test]
async fn camel_case_token_response_is_read_as_the_camel_case_variant() {
    let server = MockServer::start_async().await;
    let example = token_example("camelCase");
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(PATH).header("authorization", BASIC);
            then.status(200).header("content-type", "application/json").json_body(example.clone());
        })
        .await;

    let token = basic_auth_client(&server.base_url())
        .create_access_token()
        .body(grant())
        .send()
        .await
        .expect("token issued")
        .into_inner();
    mock.assert_async().await;

    assert_round_trips(&token, &example);
    match token {
        AccessTokenResponse::CamelCaseAccessToken(t) => {
            assert_eq!(t.access_token, "Zp4sR8tV2wX6yB0cD3fG5hJ7kL9m");
            assert_eq!(t.expires_in, Some(serde_json::json!(3599)));
        }
        other => panic!("camelCase body read as {other:?}"),
    }
}

#[tokio::test]
async fn wrong_credentials_are_a_bt_error_with_status_401() {
    let server = MockServer::start_async().await;
    let body = bt_error_body("41", None, Some("Invalid credentials"));
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(PATH);
            then_bt_error(then, 401, &body);
        })
        .await;

    let result = basic_auth_client(&server.base_url()).create_access_token().body(grant()).send().await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 401, "41");
    assert_eq!(error.text(), Some("Invalid credentials"));
}

#[tokio::test]
async fn missing_grant_type_is_a_bt_error_with_status_400() {
    let server = MockServer::start_async().await;
    let body = bt_error_body("23", Some("Missing body parameter"), Some("grant_type not supplied"));
    let mock = server.create_access_token(|when, then| {
        when.into_inner().header("authorization", BASIC);
        then.bad_request(&typed(&body));
    });

    let result = basic_auth_client(&server.base_url()).create_access_token().body(grant()).send().await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 400, "23");
    assert_eq!(error.reason.as_deref(), Some("Missing body parameter"));
    assert_eq!(error.message.as_deref(), Some("grant_type not supplied"));
}

#[tokio::test]
async fn html_503_from_the_gateway_keeps_its_status() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(PATH);
            then_html(then, 503, HTML_503);
        })
        .await;

    let result = basic_auth_client(&server.base_url()).create_access_token().body(grant()).send().await;
    mock.assert_async().await;
    expect_non_json_error(result, 503, HTML_503);
}

#[tokio::test]
async fn undocumented_502_keeps_its_status() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(PATH);
            then_html(then, 502, "<html>Bad Gateway</html>");
        })
        .await;

    let result = basic_auth_client(&server.base_url()).create_access_token().body(grant()).send().await;
    mock.assert_async().await;
    let body = expect_undocumented_status(result, 502).await;
    assert_eq!(body.non_json_body.as_deref(), Some("<html>Bad Gateway</html>"));
}
