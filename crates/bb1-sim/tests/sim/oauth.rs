use std::time::Duration;

use serde_json::Value;

use crate::common::*;

async fn token_call(
    sim: &bb1_sim::Simulator,
    auth: Option<(&str, &str)>,
    body: &str,
    query: &str,
) -> Resp {
    let mut r = reqwest::Client::new()
        .post(format!("{}/oauth/accesstoken{query}", sim.base_url()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_string());
    if let Some((id, secret)) = auth {
        r = r.basic_auth(id, Some(secret));
    }
    let r = r.send().await.expect("sent");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("text");
    Resp {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

#[tokio::test]
async fn token_endpoint_issues_and_refuses_with_bt_codes() {
    let sim = bb1_sim::Simulator::builder()
        .seed(1)
        .clock(bb1_sim::Clock::Stepped)
        .start()
        .await
        .expect("start");
    let ok = token_call(
        &sim,
        Some(("sim-client", "sim-secret")),
        "grant_type=client_credentials",
        "",
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["token_type"], "Bearer");
    assert_eq!(ok.body["expires_in"], 3599);
    assert!(
        ok.body["access_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 20)
    );

    // grant_type in the query string only, as BT's token URL carries it.
    token_call(
        &sim,
        Some(("sim-client", "sim-secret")),
        "",
        "?grant_type=client_credentials",
    )
    .await;
    assert_eq!(
        token_call(
            &sim,
            Some(("sim-client", "sim-secret")),
            "",
            "?grant_type=client_credentials"
        )
        .await
        .status,
        200
    );

    token_call(&sim, None, "grant_type=client_credentials", "")
        .await
        .expect(401, "40");
    token_call(
        &sim,
        Some(("sim-client", "wrong")),
        "grant_type=client_credentials",
        "",
    )
    .await
    .expect(401, "41");
    token_call(
        &sim,
        Some(("someone", "sim-secret")),
        "grant_type=client_credentials",
        "",
    )
    .await
    .expect(401, "41");
    let missing = token_call(&sim, Some(("sim-client", "sim-secret")), "", "").await;
    missing.expect(400, "23");
    assert!(missing.text.contains("grant_type"));
    token_call(
        &sim,
        Some(("sim-client", "sim-secret")),
        "grant_type=password",
        "",
    )
    .await
    .expect(400, "24");

    assert_eq!(sim.token_requests(), 8);
    assert_eq!(sim.tokens_issued(), 3);
}

#[tokio::test]
async fn api_calls_need_a_known_unexpired_bearer_token() {
    let sim = bb1_sim::Simulator::builder()
        .seed(1)
        .clock(bb1_sim::Clock::Stepped)
        .client_credentials("my-id", "my-secret")
        .token_ttl_secs(60)
        .start()
        .await
        .expect("start");
    assert_eq!(
        (sim.client_id(), sim.client_secret()),
        ("my-id", "my-secret")
    );
    let http = Http::new(&sim).await;
    let path = format!("{ADDRESS}?postcode=SW12%208NX");
    assert_eq!(http.get(&path).await.status, 200);

    let url = format!("{}{path}", sim.base_url());
    let c = reqwest::Client::new();
    let no_auth = c.get(&url).send().await.expect("sent");
    assert_eq!(no_auth.status(), 401);
    assert_eq!(no_auth.json::<Value>().await.expect("json")["code"], "40");
    let unknown = c
        .get(&url)
        .bearer_auth("not-a-token")
        .send()
        .await
        .expect("sent");
    assert_eq!(unknown.status(), 401);
    assert_eq!(unknown.json::<Value>().await.expect("json")["code"], "41");

    sim.advance(Duration::from_secs(61)).await;
    let expired = http.get(&path).await;
    expired.expect(401, "42");
    assert_eq!(expired.body["message"], "Expired credentials");
}

#[tokio::test]
async fn generated_oauth_client_gets_a_token() {
    use bt_oauth::types::{AccessTokenRequest, AccessTokenResponse, GrantType};
    let sim = stepped(2).await;
    let mut headers = reqwest::header::HeaderMap::new();
    let basic = format!("Basic {}", base64_encode("sim-client:sim-secret"));
    headers.insert(
        reqwest::header::AUTHORIZATION,
        basic.parse().expect("header"),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client");
    let client = bt_oauth::Client::new_with_client(sim.base_url(), http, bt_core::Ctx::new());
    let answer = client
        .create_access_token()
        .grant_type(GrantType::ClientCredentials)
        .body(AccessTokenRequest {
            grant_type: GrantType::ClientCredentials,
        })
        .send()
        .await
        .expect("token")
        .into_inner();
    let AccessTokenResponse::SnakeCaseAccessToken(t) = answer else {
        panic!("snake case expected")
    };
    assert_eq!(t.token_type.as_deref(), Some("Bearer"));
    assert_eq!(sim.tokens_issued(), 1);
}

fn base64_encode(s: &str) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &c)| acc | (u32::from(c) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
