//! The runtime under faults: retries only where safe, one token refresh, no duplicate orders.

mod common;

use std::time::Duration;

use broadband_one::{AddressQuery, HubError};
use common::*;
use serde_json::json;

fn order_body() -> serde_json::Value {
    json!({
        "@type": "BTProductOrder", "externalId": "REF-1",
        "relatedParty": [{ "id": "CUG5023769999", "role": "BtCug", "@type": "BTRelatedParty", "@referredType": "Customer" }],
        "productOrderItem": [{ "id": "100", "action": "add", "@type": "BTProductOrderItem",
            "product": { "@type": "BTProductRefOrValue", "productOffering": { "id": "E0000160" } } }]
    })
}

#[tokio::test]
async fn a_429_then_200_is_retried() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(429, json!({"code": "53", "message": "Too many requests"})).header("retry-after", "0"), Reply::json(200, gold_paired())]);
    let records = bt.hub().search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect("retried to success");
    assert_eq!(records.len(), 2);
    assert_eq!(bt.requests(ADDRESS).len(), 2);
}

#[tokio::test]
async fn repeated_503_gives_up_with_a_retryable_error() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(503, json!({"code": "05", "message": "Service temporarily unavailable"}))]);
    let hub = bt.hub();
    let err = hub.search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect_err("gives up");
    assert!(matches!(&err, HubError::Rejected { status: 503, .. }), "{err:?}");
    assert_eq!(hub.requests_sent(), 3);
    assert!(err.is_retryable());
    assert_eq!(bt.requests(ADDRESS).len(), 3, "max_attempts is 3");
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_repeated() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(401, json!({"code": "42", "message": "Expired credentials"})), Reply::json(200, gold_paired())]);
    bt.hub().search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect("refreshed");
    let calls = bt.requests(ADDRESS);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].header("authorization").as_deref(), Some("Bearer tok-1"));
    assert_eq!(calls[1].header("authorization").as_deref(), Some("Bearer tok-2"));
    assert_eq!(bt.tokens_issued(), 2);
}

#[tokio::test]
async fn a_token_that_stays_expired_is_refreshed_only_once() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(401, json!({"code": "42", "message": "Expired credentials"}))]);
    let err = bt.hub().search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect_err("still refused");
    assert!(matches!(err, HubError::Authentication { .. }), "{err:?}");
    assert_eq!(bt.requests(ADDRESS).len(), 2);
}

#[tokio::test]
async fn invalid_credentials_are_not_retried() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(401, json!({"code": "41", "message": "Invalid credentials"}))]);
    let err = bt.hub().search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect_err("refused");
    assert!(matches!(err, HubError::Authentication { .. }), "{err:?}");
    assert_eq!(bt.requests(ADDRESS).len(), 1);
    assert_eq!(bt.tokens_issued(), 1);
}

#[tokio::test]
async fn an_order_post_that_times_out_is_not_sent_again_and_is_ambiguous() {
    let bt = Bt::start().await;
    bt.on("POST", ORDERS, vec![Reply::empty(202).delayed(Duration::from_secs(3))]);
    bt.on("GET", ORDERS, vec![Reply::json(200, json!([]))]);
    let err = bt.hub().submit_order("REF-1", order_body()).await.expect_err("timed out");
    assert!(matches!(&err, HubError::AmbiguousSubmission { external_id, .. } if external_id == "REF-1"), "{err:?}");
    assert_eq!(bt.requests(ORDERS).iter().filter(|r| r.method == "POST").count(), 1, "the order was sent once");
    let lookups: Vec<_> = bt.requests(ORDERS).into_iter().filter(|r| r.method == "GET").collect();
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].query, "externalId=REF-1");
}

#[tokio::test]
async fn an_order_post_that_times_out_but_arrived_is_found_by_lookup() {
    let bt = Bt::start().await;
    bt.on("POST", ORDERS, vec![Reply::empty(202).delayed(Duration::from_secs(3))]);
    bt.on("GET", ORDERS, vec![Reply::json(200, json!([{ "id": "00125420", "externalId": "REF-1", "state": "acknowledged" }]))]);
    let handle = bt.hub().submit_order("REF-1", order_body()).await.expect("found by lookup");
    assert_eq!(handle.bt_order_id.as_deref(), Some("00125420"));
    assert_eq!(handle.accepted_with, None);
    assert_eq!(bt.requests(ORDERS).iter().filter(|r| r.method == "POST").count(), 1);
}

#[tokio::test]
async fn a_503_on_an_order_is_never_retried() {
    let bt = Bt::start().await;
    bt.on("POST", ORDERS, vec![Reply::json(503, json!({"code": "05", "message": "Service temporarily unavailable"}))]);
    bt.on("GET", ORDERS, vec![Reply::json(200, json!([]))]);
    let err = bt.hub().submit_order("REF-1", order_body()).await.expect_err("ambiguous");
    assert!(matches!(err, HubError::AmbiguousSubmission { .. }), "{err:?}");
    assert_eq!(bt.requests(ORDERS).iter().filter(|r| r.method == "POST").count(), 1);
}

#[tokio::test]
async fn a_refused_order_is_rejected_with_bt_details() {
    let bt = Bt::start().await;
    bt.on("POST", ORDERS, vec![Reply::json(400, json!({"code": "23", "reason": "Missing body field", "message": "externalId"}))]);
    let err = bt.hub().submit_order("REF-1", order_body()).await.expect_err("refused");
    match err {
        HubError::Rejected { status, code, message, tracking_id, .. } => {
            assert_eq!((status, code.as_deref(), message.as_deref()), (400, Some("23"), Some("externalId")));
            let sent = bt.requests(ORDERS);
            assert_eq!(sent[0].header("apigw-tracking-header"), Some(tracking_id));
        }
        other => panic!("{other:?}"),
    }
    assert!(bt.requests(ORDERS).iter().all(|r| r.method == "POST"), "a clear refusal needs no lookup");
}

#[tokio::test]
async fn a_malformed_success_body_is_a_typed_error_with_its_status() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::text(200, "<html>not json</html>")]);
    let err = bt.hub().search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect_err("unreadable");
    assert!(matches!(err, HubError::UnexpectedResponse { status: Some(200), .. }), "{err:?}");
}

#[tokio::test]
async fn a_token_endpoint_that_is_down_is_an_authentication_error_and_nothing_is_sent() {
    let bt = Bt::start().await;
    bt.token_down(true);
    bt.on("GET", ADDRESS, vec![Reply::json(200, gold_paired())]);
    let err = bt.hub().search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect_err("no token");
    assert!(matches!(&err, HubError::Authentication { message } if message.contains("503")), "{err:?}");
    assert!(bt.requests(ADDRESS).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_on_a_cold_client_make_one_token_request() {
    let bt = Bt::start().await;
    bt.on("GET", INVENTORY, vec![Reply::json(200, json!([{ "id": "p1", "status": "active" }]))]);
    let hub = bt.hub();
    let calls = (0..1000).map(|_| {
        let hub = hub.clone();
        tokio::spawn(async move { hub.service("BBONE90099580").await })
    });
    for call in calls {
        call.await.expect("task").expect("call");
    }
    assert_eq!(bt.tokens_issued(), 1);
    assert_eq!(hub.token_requests(), 1);
    assert_eq!(bt.requests(INVENTORY).len(), 1000);
}

#[tokio::test]
async fn tracking_ids_are_fresh_uuids_unless_the_caller_picks_one() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(200, gold_paired())]);
    let hub = bt.hub();
    hub.search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect("first");
    hub.search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect("second");
    hub.with_tracking_id("E02901").search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect("third");
    let ids: Vec<String> = bt.requests(ADDRESS).iter().map(|r| r.header("apigw-tracking-header").expect("tracking header")).collect();
    assert!(uuid::Uuid::parse_str(&ids[0]).is_ok() && uuid::Uuid::parse_str(&ids[1]).is_ok(), "{ids:?}");
    assert_ne!(ids[0], ids[1]);
    assert_eq!(ids[2], "E02901");
}

#[tokio::test]
async fn secrets_and_tokens_never_show_in_debug_output() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(200, gold_paired())]);
    let hub = bt.hub();
    hub.search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect("call");
    let shown = format!("{hub:?} {:?}", hub.config());
    assert!(!shown.contains("test-secret-value") && !shown.contains("tok-1"), "{shown}");
}

#[tokio::test]
async fn an_unusable_tracking_id_is_refused_and_nothing_is_sent() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(200, gold_paired())]);
    let err = bt.hub().with_tracking_id("two words").search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect_err("refused");
    assert!(matches!(&err, HubError::InvalidInput { field, .. } if field == "tracking_id"), "{err:?}");
    assert!(bt.requests(ADDRESS).is_empty());
}

#[tokio::test]
async fn the_generated_clients_a_hub_hands_out_carry_its_runtime() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(503, json!({"code": "05", "message": "busy"})), Reply::json(200, gold_paired())]);
    let hub = bt.hub();
    let records = hub.address().get_geographic_address().postcode("SW12 8NX").send().await.expect("retried to success").into_inner();
    assert_eq!(records.len(), 2);
    let calls = bt.requests(ADDRESS);
    assert_eq!(calls.len(), 2, "the 503 on a safe operation was retried");
    assert_eq!(calls[1].header("authorization").as_deref(), Some("Bearer tok-1"));
    let id = calls[1].header("apigw-tracking-header").expect("tracking header");
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert_eq!(hub.requests_sent(), 2);
}

#[tokio::test]
async fn a_hub_built_on_the_callers_http_client_sends_through_it() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(200, gold_paired())]);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-shared-pool", reqwest::header::HeaderValue::from_static("yes"));
    let http = reqwest::Client::builder().default_headers(headers).build().expect("client");
    let hub = broadband_one::Hub::with_http_client(bt.config(), http).expect("hub");
    hub.search_addresses(&AddressQuery::postcode("SW12 8NX")).await.expect("search");
    let calls = bt.requests(ADDRESS);
    assert_eq!(calls[0].header("x-shared-pool").as_deref(), Some("yes"));
    assert_eq!(calls[0].header("authorization").as_deref(), Some("Bearer tok-1"));
}
