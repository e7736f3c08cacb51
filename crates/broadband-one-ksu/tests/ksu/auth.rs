//! The token endpoint and bearer-token checks on the KSU endpoint.

use std::time::Duration;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoint_issues_bearer_tokens_to_the_registered_client() {
    let f = start_with(|b| b.token_ttl(Duration::from_secs(1800))).await;
    let t = request_token(&f.base, CLIENT_ID, CLIENT_SECRET)
        .await
        .expect("token");
    assert_eq!(t.token_type.as_deref(), Some("Bearer"));
    assert_eq!(t.expires_in, Some(serde_json::json!(1800)));
    assert!(t.access_token.len() >= 32, "{}", t.access_token.len());
    let again = request_token(&f.base, CLIENT_ID, CLIENT_SECRET)
        .await
        .expect("second token");
    assert_ne!(t.access_token, again.access_token, "tokens must be random");
    // Both tokens work.
    for token in [&t.access_token, &again.access_token] {
        let status = send(
            &ksu_client(&f.base, Some(token)),
            event_json(
                "tok-1",
                "ProductOrderCreateEvent",
                "2026-01-01T00:00:00Z",
                "B1",
                None,
                "acknowledged",
                None,
            ),
        )
        .await;
        assert!(status == "accepted" || status == "duplicate");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoint_refuses_bad_credentials_and_grant_types() {
    let f = start().await;
    for (id, secret) in [
        (CLIENT_ID, "wrong"),
        ("someone-else", CLIENT_SECRET),
        (CLIENT_ID, ""),
        ("", ""),
    ] {
        match request_token(&f.base, id, secret).await {
            Err(bt_oauth::Error::ErrorResponse(e)) => {
                assert_eq!(e.status().as_u16(), 401, "{id}:{secret}");
                assert_eq!(e.code.as_deref(), Some("41"), "{id}:{secret}");
                assert_eq!(e.message.as_deref(), Some("Invalid credentials"));
            }
            other => panic!("{id}:{secret} must be refused, got {other:?}"),
        }
    }

    let http = reqwest::Client::new();
    let url = format!("{}/oauth/accesstoken", f.base);
    let form = |body: &'static str| {
        http.post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    // No credentials at all: 40.
    let r = form("grant_type=client_credentials").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "40");
    // Wrong grant type with good credentials: 400.
    let r = form("grant_type=password")
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
    // No grant type: 400.
    let r = form("")
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // Credentials as form fields, grant type in the query: accepted.
    let body = format!("client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}");
    let r = http
        .post(format!("{url}?grant_type=client_credentials"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let token = r.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let client = ksu_client(&f.base, Some(&token));
    let ev = event_json(
        "form-1",
        "ProductOrderCreateEvent",
        "2026-01-01T00:00:00Z",
        "B1",
        None,
        "acknowledged",
        None,
    );
    assert_eq!(send(&client, ev).await, "accepted");
    // GET is not the token method.
    assert_eq!(http.get(&url).send().await.unwrap().status().as_u16(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ksu_needs_a_valid_unexpired_token() {
    let f = start_with(|b| b.token_ttl(Duration::from_millis(400))).await;
    let ev = || {
        typed(event_json(
            "auth-1",
            "ProductOrderCreateEvent",
            "2026-01-01T00:00:00Z",
            "B1",
            Some("X1"),
            "acknowledged",
            None,
        ))
    };

    let missing = ksu_client(&f.base, None)
        .notify_product_order_event()
        .body(ev())
        .send()
        .await;
    assert_eq!(error_code(missing), (401, "40".to_string()));
    let invalid = ksu_client(&f.base, Some("not-a-token-we-issued"))
        .notify_product_order_event()
        .body(ev())
        .send()
        .await;
    assert_eq!(error_code(invalid), (401, "41".to_string()));
    let (status, body) = post_raw(&f.base, "/listener/productOrderEvent", None, "{}").await;
    assert_eq!((status, body["code"].as_str()), (401, Some("40")));

    let first = token(&f.base).await;
    let client = ksu_client(&f.base, Some(&first));
    let ack = client
        .notify_product_order_event()
        .body(ev())
        .send()
        .await
        .expect("valid token accepted");
    assert_eq!(ack.into_inner().status, "accepted");

    tokio::time::sleep(Duration::from_millis(500)).await;
    let expired = client.notify_product_order_event().body(ev()).send().await;
    assert_eq!(error_code(expired), (401, "42".to_string()));
    // A refused event was not stored.
    assert_eq!(f.handle.store().count().await.unwrap(), 1);
    // A fresh token works again.
    let fresh = ksu_client(&f.base, Some(&token(&f.base).await));
    assert_eq!(
        send(
            &fresh,
            event_json(
                "auth-2",
                "ProductOrderStateChangeEvent",
                "2026-01-01T00:01:00Z",
                "B1",
                None,
                "inProgress",
                None
            )
        )
        .await,
        "accepted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_never_shows_the_secret() {
    let builder =
        broadband_one_ksu::KsuListener::builder().client_credentials(CLIENT_ID, CLIENT_SECRET);
    let shown = format!("{builder:?}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    // A listener without credentials is refused.
    let dir = tempfile::tempdir().unwrap();
    let err = broadband_one_ksu::KsuListener::builder()
        .db(dir.path().join("x.sqlite"))
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(err, broadband_one_ksu::KsuError::Config(_)),
        "{err}"
    );
}
