//! Shared fixtures: a listener on a temporary database and the generated clients as senders.

use std::time::Duration;

use base64::Engine;
use broadband_one_ksu::{KsuListener, KsuListenerBuilder, ListenerHandle};
use bt_order_notifications::types::ProductOrderEvent;
use serde_json::{Value, json};

pub const CLIENT_ID: &str = "bt-ksu-client";
pub const CLIENT_SECRET: &str = "s3cret-Of-the-customer";

pub struct Fixture {
    pub handle: ListenerHandle,
    pub base: String,
    pub _dir: tempfile::TempDir,
}

pub async fn start() -> Fixture {
    start_with(|b| b).await
}

pub async fn start_with(
    configure: impl FnOnce(KsuListenerBuilder) -> KsuListenerBuilder,
) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let builder = KsuListener::builder()
        .db(dir.path().join("ksu.sqlite"))
        .client_credentials(CLIENT_ID, CLIENT_SECRET);
    let handle = configure(builder).start().await.expect("listener starts");
    let base = handle.base_url();
    Fixture {
        handle,
        base,
        _dir: dir,
    }
}

/// A `bt_oauth` client that authenticates with HTTP Basic.
pub fn oauth_client(base: &str, id: &str, secret: &str) -> bt_oauth::Client {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Basic {basic}").parse().expect("header"),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("reqwest client");
    bt_oauth::Client::new_with_client(base, http, bt_core::Ctx::new())
}

/// Requests a token with the generated OAuth client.
pub async fn request_token(
    base: &str,
    id: &str,
    secret: &str,
) -> Result<bt_oauth::types::SnakeCaseAccessToken, bt_oauth::Error<bt_core::BtError>> {
    use bt_oauth::types::{AccessTokenRequest, AccessTokenResponse, GrantType};
    let response = oauth_client(base, id, secret)
        .create_access_token()
        .grant_type(GrantType::ClientCredentials)
        .body(AccessTokenRequest {
            grant_type: GrantType::ClientCredentials,
        })
        .send()
        .await?;
    match response.into_inner() {
        AccessTokenResponse::SnakeCaseAccessToken(t) => Ok(t),
        other => panic!("the listener must answer in snake_case, got {other:?}"),
    }
}

pub async fn token(base: &str) -> String {
    request_token(base, CLIENT_ID, CLIENT_SECRET)
        .await
        .expect("token")
        .access_token
}

/// The generated KSU client, sending `Authorization: Bearer <token>` (none when `token` is `None`).
pub fn ksu_client(base: &str, token: Option<&str>) -> bt_order_notifications::Client {
    let ctx = match token {
        Some(t) => bt_core::Ctx::new().with_bearer_token(t),
        None => bt_core::Ctx::new(),
    };
    bt_order_notifications::Client::new(base, ctx)
}

/// A KSU for order `bt_id` (with `external_id` when given) at `time`, with order and item state.
pub fn event_json(
    event_id: &str,
    event_type: &str,
    time: &str,
    bt_id: &str,
    external_id: Option<&str>,
    state: &str,
    service_id: Option<&str>,
) -> Value {
    let mut order = json!({
        "id": bt_id,
        "@type": "BTProductOrder",
        "errorMessage": [],
        "productOrderItem": [{
            "id": "100", "internalId": "0004130371", "action": "add", "state": state, "subStatus": format!("sub-{state}"),
            "@type": "BTProductOrderItem",
            "product": { "productOffering": { "id": "E0000189" }, "@type": "BTProductRefOrValue" },
            "productOrderItem": [{ "id": "100.1", "action": "add", "state": state, "product": { "productOffering": { "id": "E0000154" } } }]
        }]
    });
    if let Some(ext) = external_id {
        order["externalId"] = json!(ext);
    }
    if let Some(sid) = service_id {
        order["productOrderItem"][0]["product"]["customerFacingServiceId"] =
            json!({ "value": sid });
    }
    json!({ "eventId": event_id, "eventTime": time, "eventType": event_type, "event": { "productOrder": order } })
}

pub fn typed(value: Value) -> ProductOrderEvent {
    serde_json::from_value(value).expect("a valid ProductOrderEvent")
}

/// Sends a typed event with the generated client; returns the acknowledgement status.
pub async fn send(client: &bt_order_notifications::Client, event: Value) -> String {
    let ack = client
        .notify_product_order_event()
        .body(typed(event))
        .send()
        .await
        .expect("event acknowledged");
    assert_eq!(ack.status().as_u16(), 200);
    ack.into_inner().status
}

/// Posts raw bytes to `path`; returns the status and the JSON reply.
pub async fn post_raw(
    base: &str,
    path: &str,
    token: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .timeout(Duration::from_secs(10))
        .body(body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The BT error code of a failed generated-client call.
pub fn error_code<T: std::fmt::Debug>(
    result: Result<T, bt_order_notifications::Error<bt_core::BtError>>,
) -> (u16, String) {
    match result {
        Err(bt_order_notifications::Error::ErrorResponse(e)) => {
            (e.status().as_u16(), e.code.clone().unwrap_or_default())
        }
        other => panic!("expected an error response, got {other:?}"),
    }
}
