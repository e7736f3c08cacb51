//! bt-order-notifications: BT's KSU events posted to the customer's listener
//! (`/listener/productOrderEvent` and the per-event aliases).

use bt_order_notifications::mock::MockServerExt;
use bt_order_notifications::types::{EventAcknowledgement, ProductOrderEvent};
use bt_order_notifications::{Client, SERVERS};
use httpmock::MockServer;
use serde_json::Value;

use crate::common::*;

const SPEC: &str = "order-notifications.yaml";
const EVENTS: &str = "/listener/productOrderEvent";
const CREATE_EVENTS: &str = "/listener/productOrderCreateEvent";
const STATE_EVENTS: &str = "/listener/productOrderStateChangeEvent";

fn event(path: &str, name: &str) -> Value {
    request_example(SPEC, path, "post", name)
}

fn ack(name: &str) -> Value {
    component_response_example(SPEC, "EventAccepted", name)
}

/// The listener's server has no path prefix; the full path is the operation's path.
fn listener_client(server: &MockServer) -> Client {
    let prefix = server_prefix(SERVERS[0].0);
    assert_eq!(prefix, "", "{SERVERS:?}");
    Client::new(&format!("{}{prefix}", server.base_url()), ctx())
}

#[tokio::test]
async fn create_event_is_posted_as_the_ksu_json_envelope_and_the_ack_parses() {
    let server = MockServer::start_async().await;
    let ksu = event(EVENTS, "createEvent");
    let accepted = ack("accepted");
    let mock = server
        .mock_async(|when, then| {
            bt_call_with_generated_tracking(when.method("POST").path(EVENTS))
                .header("content-type", "application/json")
                .is_true(only_query_params(&[]))
                .json_body(ksu.clone());
            then.status(200).header("content-type", "application/json").json_body(accepted.clone());
        })
        .await;

    let body: ProductOrderEvent = typed(&ksu);
    assert_eq!(body.event_type.as_deref(), Some("ProductOrderCreateEvent"));
    let response = listener_client(&server).notify_product_order_event().body(body).send().await.expect("KSU posted");
    mock.assert_async().await;

    assert_eq!(response.status(), 200);
    let acknowledgement = response.into_inner();
    assert_round_trips(&acknowledgement, &accepted);
    assert_eq!(acknowledgement.event_id, "a3e7ca7d-73c8-c72e-3bbf-dd2f7788b829");
    assert_eq!(acknowledgement.status, "accepted");
}

#[tokio::test]
async fn create_event_alias_through_the_typed_mock_reports_a_duplicate() {
    let server = MockServer::start_async().await;
    let ksu: ProductOrderEvent = typed(&event(CREATE_EVENTS, "createEvent"));
    let duplicate: EventAcknowledgement = typed(&ack("duplicate"));
    let mock = server.listen_to_product_order_create_event(|when, then| {
        let when = when.body(&ksu).into_inner().header("content-type", "application/json");
        bt_call_with_generated_tracking(when);
        then.ok(&duplicate);
    });

    let acknowledgement = listener_client(&server)
        .listen_to_product_order_create_event()
        .body(ksu.clone())
        .send()
        .await
        .expect("KSU posted")
        .into_inner();
    mock.assert_async().await;
    assert_eq!(acknowledgement, duplicate);
    assert_eq!(acknowledgement.status, "duplicate");
}

#[tokio::test]
async fn state_change_event_alias_sends_the_progress_update() {
    let server = MockServer::start_async().await;
    let ksu = event(STATE_EVENTS, "accessInProgress");
    let mock = server
        .mock_async(|when, then| {
            bt_call_with_generated_tracking(when.method("POST").path(STATE_EVENTS))
                .header("content-type", "application/json")
                .json_body(without_empty_lists(&ksu));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(serde_json::json!({ "eventId": ksu["eventId"], "status": "accepted" }));
        })
        .await;

    let acknowledgement = listener_client(&server)
        .listen_to_product_order_state_change_event()
        .body(typed::<ProductOrderEvent>(&ksu))
        .send()
        .await
        .expect("KSU posted")
        .into_inner();
    mock.assert_async().await;
    assert_eq!(acknowledgement.event_id, "5f0c2b7e-91d4-4a36-8e2f-c47a1d9b0e62");
}

#[tokio::test]
async fn rejected_token_is_a_bt_error_with_status_401() {
    let server = MockServer::start_async().await;
    let body = bt_error_body("InvalidToken", Some("Unauthorized"), Some("Bearer token missing, invalid or expired"));
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(EVENTS);
            then_bt_error(then, 401, &body);
        })
        .await;

    let result = listener_client(&server)
        .notify_product_order_event()
        .body(typed::<ProductOrderEvent>(&event(EVENTS, "orderRejected")))
        .send()
        .await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 401, "InvalidToken");
    assert_eq!(error.reason.as_deref(), Some("Unauthorized"));
}

#[tokio::test]
async fn malformed_event_is_a_bt_error_with_status_400_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let mock = server.notify_product_order_event(|when, then| {
        when.into_inner().header("authorization", format!("Bearer {TOKEN}"));
        then.bad_request(&typed(&bt_error_body("InvalidBody", Some("Malformed JSON"), None)));
    });

    let result = listener_client(&server)
        .notify_product_order_event()
        .body(typed::<ProductOrderEvent>(&event(EVENTS, "createEvent")))
        .send()
        .await;
    mock.assert_async().await;
    expect_bt_error(result, 400, "InvalidBody");
}

#[tokio::test]
async fn html_413_from_a_proxy_keeps_its_status() {
    let server = MockServer::start_async().await;
    let page = "<html><head><title>413 Request Entity Too Large</title></head></html>";
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(EVENTS);
            then_html(then, 413, page);
        })
        .await;

    let result = listener_client(&server)
        .notify_product_order_event()
        .body(typed::<ProductOrderEvent>(&event(EVENTS, "orderCompleted")))
        .send()
        .await;
    mock.assert_async().await;
    expect_non_json_error(result, 413, page);
}

#[tokio::test]
async fn html_503_and_502_keep_their_status_although_the_spec_lists_neither() {
    for (status, page) in [(503, HTML_503), (502, "<html>Bad Gateway</html>")] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method("POST").path(EVENTS);
                then_html(then, status, page);
            })
            .await;

        let result = listener_client(&server)
            .notify_product_order_event()
            .body(typed::<ProductOrderEvent>(&event(EVENTS, "createEvent")))
            .send()
            .await;
        mock.assert_async().await;
        let body = expect_undocumented_status(result, status).await;
        assert_eq!(body.non_json_body.as_deref(), Some(page));
    }
}
