//! bt-product-inventory: `GET /productInventory/v4/product?serviceId=BBONE..`.

use bt_product_inventory::mock::MockServerExt;
use bt_product_inventory::types::{InventoryProduct, ListProductApigwTrackingHeader, ListProductServiceId};
use bt_product_inventory::{Client, SERVERS};
use httpmock::MockServer;

use crate::common::*;

const SPEC: &str = "product-inventory.yaml";
const PATH: &str = "/productInventory/v4/product";

fn prefixed_client(server: &MockServer) -> (Client, String) {
    let prefix = server_prefix(SERVERS[0].0);
    assert_eq!(prefix, "/hubco/tmf", "{SERVERS:?}");
    assert!(SERVERS.iter().all(|(url, _)| server_prefix(url) == prefix), "{SERVERS:?}");
    (Client::new(&format!("{}{prefix}", server.base_url()), ctx()), format!("{prefix}{PATH}"))
}

fn example(name: &str) -> serde_json::Value {
    response_example(SPEC, PATH, "get", "200", name)
}

#[tokio::test]
async fn lookup_sends_the_service_id_under_hubco_tmf_and_parses_parent_and_children() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let body = example("fttpService");
    let mock = server
        .mock_async(|when, then| {
            bt_call_with_generated_tracking(when.method("GET").path(full_path.as_str()))
                .query_param("serviceId", "BBONE90099580")
                .is_true(only_query_params(&["serviceId"]))
                .header_missing("content-type");
            then.status(200).header("content-type", "application/json").json_body(body.clone());
        })
        .await;

    let response = client.list_product().service_id("BBONE90099580").send().await.expect("inventory");
    mock.assert_async().await;

    assert_eq!(response.status(), 200);
    let assets = response.into_inner();
    assert_round_trips(&assets, &body);
    assert_eq!(assets.len(), 3);
    let parent = &assets[0];
    assert_eq!(parent.id.as_deref(), Some("d74d0a52-b260-040d-dd9f-8dedb0c6e463"));
    assert_eq!(parent.is_bundle, Some(true));
    assert_eq!(parent.product_offering.as_ref().and_then(|o| o.id.as_deref()), Some("E0000160"));
    let children: Vec<_> = parent
        .product_relationship
        .iter()
        .filter(|r| r.relationship_type.as_deref() == Some("child"))
        .filter_map(|r| r.id.as_deref())
        .collect();
    assert_eq!(children, [assets[1].id.as_deref().unwrap_or("?"), assets[2].id.as_deref().unwrap_or("?")]);
    assert_eq!(assets[1].customer_facing_service_id.as_ref().and_then(|s| s.value.as_deref()), Some("BBONE90099580"));
}

#[tokio::test]
async fn lookup_through_the_typed_mock_passes_the_callers_tracking_header() {
    let server = MockServer::start_async().await;
    let body = example("sogeaService");
    let assets: Vec<InventoryProduct> = typed(&body);
    let service_id = ListProductServiceId::try_from("BBONE0005347").expect("valid service id");
    let tracking = ListProductApigwTrackingHeader::try_from(SANDBOX_TRACKING_ID).expect("valid id");
    let mock = server.list_product(|when, then| {
        let when = when.service_id(&service_id).apigw_tracking_header(&tracking).into_inner();
        bt_call_with_tracking(when, SANDBOX_TRACKING_ID).is_true(only_query_params(&["serviceId"]));
        then.ok(&assets);
    });

    let parsed = Client::new(&server.base_url(), ctx())
        .list_product()
        .service_id(service_id.clone())
        .apigw_tracking_header(SANDBOX_TRACKING_ID)
        .send()
        .await
        .expect("inventory")
        .into_inner();
    mock.assert_async().await;

    assert_eq!(parsed, assets);
    assert_round_trips(&parsed, &body);
    assert_eq!(parsed[1].status.as_deref(), Some("pendingTerminate"));
}

#[tokio::test]
async fn a_service_id_outside_the_spec_pattern_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(serde_json::json!([]));
        })
        .await;

    let result = Client::new(&server.base_url(), ctx()).list_product().service_id("90099580").send().await;
    expect_invalid_request(result, "service_id");
    assert_eq!(mock.calls_async().await, 0, "nothing may be sent");
}

#[tokio::test]
async fn unknown_service_is_bt_error_60_with_status_404() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let body = bt_error_body("60", Some("Resource not found"), Some("No service found for the supplied serviceId"));
    let mock = server
        .mock_async(|when, then| {
            when.method("GET").path(full_path.as_str()).query_param("serviceId", "BBONE00000001");
            then_bt_error(then, 404, &body);
        })
        .await;

    let result = client.list_product().service_id("BBONE00000001").send().await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 404, "60");
    assert_eq!(error.reason.as_deref(), Some("Resource not found"));
}

#[tokio::test]
async fn rate_limit_is_bt_error_53_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let mock = server.list_product(|when, then| {
        when.into_inner().header("authorization", format!("Bearer {TOKEN}"));
        then.too_many_requests(&typed(&bt_error_body("53", None, Some("Too many requests"))));
    });

    let result = Client::new(&server.base_url(), ctx()).list_product().service_id("BBONE90099580").send().await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 429, "53");
    assert_eq!(error.text(), Some("Too many requests"));
}

#[tokio::test]
async fn html_503_from_the_gateway_keeps_its_status() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method("GET").path(full_path.as_str());
            then_html(then, 503, HTML_503);
        })
        .await;

    let result = client.list_product().service_id("BBONE90099580").send().await;
    mock.assert_async().await;
    expect_non_json_error(result, 503, HTML_503);
}

#[tokio::test]
async fn undocumented_502_keeps_its_status() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method("GET").path(full_path.as_str());
            then_html(then, 502, "<html>Bad Gateway</html>");
        })
        .await;

    let result = client.list_product().service_id("BBONE90099580").send().await;
    mock.assert_async().await;
    let body = expect_undocumented_status(result, 502).await;
    assert_eq!(body.non_json_body.as_deref(), Some("<html>Bad Gateway</html>"));
}
