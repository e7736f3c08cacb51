//! bt-product-order: create, list, retrieve, amend and cancel under `/productOrderingManagement/v4`,
//! every call with the required `productFamily` header.

use bt_product_order::mock::MockServerExt;
use bt_product_order::types::{
    CancelProductOrderCreate, CreateProductOrderApigwTrackingHeader, CreateProductOrderProductFamily, ProductOrder,
    ProductOrderCreate, ProductOrderUpdate, RetrieveProductOrderProductFamily,
};
use bt_product_order::{Client, SERVERS};
use httpmock::{HttpMockRequest, MockServer};
use serde_json::Value;

use crate::common::*;

const SPEC: &str = "product-order.yaml";
const ORDERS: &str = "/productOrderingManagement/v4/productOrder";
const ORDER: &str = "/productOrderingManagement/v4/productOrder/{id}";
const CANCEL: &str = "/productOrderingManagement/v4/cancelProductOrder";
/// The app's consumer key, sent as `APIGW-Client-Id`.
const CLIENT_ID: &str = "9aB3cD5eF7gH1jK2mN4pQ6rS8tU0vW";

fn prefixed_client(server: &MockServer) -> (Client, String) {
    let prefix = server_prefix(SERVERS[0].0);
    assert_eq!(prefix, "/hubco/tmf", "{SERVERS:?}");
    assert!(SERVERS.iter().all(|(url, _)| server_prefix(url) == prefix), "{SERVERS:?}");
    (Client::new(&format!("{}{prefix}", server.base_url()), ctx()), prefix.to_string())
}

fn new_order() -> Value {
    request_example(SPEC, ORDERS, "post", "fttpNewLineManagedInstall")
}

/// What an order call carries besides the body: bearer, tracking, productFamily, client id.
fn order_call(when: httpmock::When) -> httpmock::When {
    bt_call_with_generated_tracking(when).header("productFamily", "BB1hub").header("APIGW-Client-Id", CLIENT_ID)
}

#[tokio::test]
async fn create_sends_the_order_under_hubco_tmf_and_accepts_202_without_a_body() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let order = new_order();
    let mock = server
        .mock_async(|when, then| {
            order_call(when.method("POST").path(format!("{prefix}{ORDERS}")))
                .header("content-type", "application/json")
                .is_true(only_query_params(&[]))
                .json_body(order.clone());
            // BT production: received, not yet validated; no body at all.
            then.status(202);
        })
        .await;

    let response = client
        .create_product_order()
        .product_family("BB1hub")
        .apigw_client_id(CLIENT_ID)
        .body(typed::<ProductOrderCreate>(&order))
        .send()
        .await
        .expect("a 202 without a body is a success");
    mock.assert_async().await;
    assert_eq!(response.status(), 202);
}

#[tokio::test]
async fn create_accepts_a_tmf_201_with_the_order_in_the_body() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let order = request_example(SPEC, ORDERS, "post", "adslMigrationSelfInstall");
    let acknowledged = response_example(SPEC, ORDERS, "post", "201", "acknowledgedOrder");
    let mock = server
        .mock_async(|when, then| {
            order_call(when.method("POST").path(format!("{prefix}{ORDERS}")))
                .header("content-type", "application/json")
                .json_body(order.clone());
            then.status(201).header("content-type", "application/json").json_body(acknowledged.clone());
        })
        .await;

    let response = client
        .create_product_order()
        .product_family(CreateProductOrderProductFamily::Bb1hub)
        .apigw_client_id(CLIENT_ID)
        .body(typed::<ProductOrderCreate>(&order))
        .send()
        .await
        .expect("a 201 is a success");
    mock.assert_async().await;
    // 201 and 202 share one success type, `ResponseValue<()>`: the status is all the caller gets.
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn create_through_the_typed_mock_passes_the_callers_tracking_header() {
    let server = MockServer::start_async().await;
    let order: ProductOrderCreate = typed(&request_example(SPEC, ORDERS, "post", "cease"));
    let tracking = CreateProductOrderApigwTrackingHeader::try_from(SANDBOX_TRACKING_ID).expect("valid id");
    let mock = server.create_product_order(|when, then| {
        let when = when
            .product_family(CreateProductOrderProductFamily::Bb1hub)
            .apigw_tracking_header(&tracking)
            .apigw_client_id(None)
            .body(&order)
            .into_inner();
        bt_call_with_tracking(when, SANDBOX_TRACKING_ID).header("content-type", "application/json");
        then.accepted();
    });

    let response = Client::new(&server.base_url(), ctx())
        .create_product_order()
        .product_family("BB1hub")
        .apigw_tracking_header(SANDBOX_TRACKING_ID)
        .body(order.clone())
        .send()
        .await
        .expect("order accepted");
    mock.assert_async().await;
    assert_eq!(response.status(), 202);
}

#[tokio::test]
async fn product_family_is_required_and_nothing_is_sent_without_it() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(202);
        })
        .await;

    let result = Client::new(&server.base_url(), ctx())
        .create_product_order()
        .body(typed::<ProductOrderCreate>(&new_order()))
        .send()
        .await;
    expect_invalid_request(result, "product_family");
    assert_eq!(mock.calls_async().await, 0, "nothing may be sent");
}

#[tokio::test]
async fn list_sends_the_external_id_and_parses_the_orders() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let found = response_example(SPEC, ORDERS, "get", "200", "oneMatch");
    let mock = server
        .mock_async(|when, then| {
            order_call(when.method("GET").path(format!("{prefix}{ORDERS}")))
                .query_param("externalId", "MY-REF-0001")
                .is_true(only_query_params(&["externalId"]))
                .header_missing("content-type");
            then.status(200).header("content-type", "application/json").json_body(found.clone());
        })
        .await;

    let orders = client
        .list_product_order()
        .external_id("MY-REF-0001")
        .product_family("BB1hub")
        .apigw_client_id(CLIENT_ID)
        .send()
        .await
        .expect("orders listed")
        .into_inner();
    mock.assert_async().await;

    assert_round_trips(&orders, &without_empty_lists(&found));
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].id.as_deref(), Some("00125420"));
    assert_eq!(orders[0].state.as_deref(), Some("acknowledged"));
    let children: Vec<_> = orders[0].product_order_item[0]
        .product_order_item
        .iter()
        .filter_map(|item| item.internal_id.as_deref())
        .collect();
    assert_eq!(children, ["0001481702", "0001481703", "0001481704"]);
}

#[tokio::test]
async fn retrieve_puts_the_order_id_in_the_path_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let found_json = response_example(SPEC, ORDER, "get", "200", "inProgress");
    let found: ProductOrder = typed(&found_json);
    let mock = server.retrieve_product_order(|when, then| {
        let when = when.id("00228874").product_family(RetrieveProductOrderProductFamily::Bb1hub).into_inner();
        bt_call_with_generated_tracking(when).is_true(only_query_params(&[]));
        then.ok(&found);
    });

    let order = Client::new(&server.base_url(), ctx())
        .retrieve_product_order()
        .id("00228874")
        .product_family("BB1hub")
        .send()
        .await
        .expect("order retrieved")
        .into_inner();
    mock.assert_async().await;

    assert_eq!(order, found);
    assert_round_trips(&order, &without_empty_lists(&found_json));
    let access = &order.product_order_item[0];
    assert_eq!(access.state.as_deref(), Some("inProgress"));
    assert_eq!(
        access.product.as_ref().and_then(|p| p.customer_facing_service_id.as_ref()).and_then(|s| s.value.as_deref()),
        Some("BBONE0005347")
    );
}

/// Whether the request body is `expected` with `requestedCompletionDate` at the same instant
/// (the generated type holds it as a UTC date-time, so an offset such as +01:00 is sent as Z).
fn same_amendment(expected: Value) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    move |req| {
        let Ok(mut sent) = serde_json::from_slice::<Value>(req.body_ref()) else { return false };
        let mut want = expected.clone();
        let instant = |v: &mut Value| {
            v.as_object_mut()
                .and_then(|o| o.remove("requestedCompletionDate"))
                .and_then(|d| chrono::DateTime::parse_from_rfc3339(d.as_str()?).ok())
        };
        let (sent_at, want_at) = (instant(&mut sent), instant(&mut want));
        sent_at.is_some() && sent_at == want_at && sent == want
    }
}

#[tokio::test]
async fn amend_patches_the_order_and_accepts_202() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let amendment = request_example(SPEC, ORDER, "patch", "newAppointmentAndContact");
    let mock = server
        .mock_async(|when, then| {
            order_call(when.method("PATCH").path(format!("{prefix}{ORDERS}/00125420")))
                .header("content-type", "application/json")
                .is_true(same_amendment(amendment.clone()));
            then.status(202);
        })
        .await;

    let response = client
        .patch_product_order()
        .id("00125420")
        .product_family("BB1hub")
        .apigw_client_id(CLIENT_ID)
        .body(typed::<ProductOrderUpdate>(&amendment))
        .send()
        .await
        .expect("amendment accepted");
    mock.assert_async().await;
    assert_eq!(response.status(), 202);
}

#[tokio::test]
async fn cancel_posts_the_cancellation_and_accepts_201() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let cancellation = request_example(SPEC, CANCEL, "post", "cancelOrder");
    let acknowledged = response_example(SPEC, CANCEL, "post", "201", "acknowledged");
    let mock = server
        .mock_async(|when, then| {
            order_call(when.method("POST").path(format!("{prefix}{CANCEL}")))
                .header("content-type", "application/json")
                .json_body(cancellation.clone());
            then.status(201).header("content-type", "application/json").json_body(acknowledged.clone());
        })
        .await;

    let response = client
        .create_cancel_product_order()
        .product_family("BB1hub")
        .apigw_client_id(CLIENT_ID)
        .body(typed::<CancelProductOrderCreate>(&cancellation))
        .send()
        .await
        .expect("cancellation recorded");
    mock.assert_async().await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn missing_body_field_is_bt_error_23_with_status_400() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let body = bt_error_body("23", Some("Missing body parameter"), Some("Missing body parameter productOrderItem"));
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(format!("{prefix}{ORDERS}"));
            then_bt_error(then, 400, &body);
        })
        .await;

    let result = client
        .create_product_order()
        .product_family("BB1hub")
        .body(typed::<ProductOrderCreate>(&new_order()))
        .send()
        .await;
    mock.assert_async().await;
    let error = expect_error_response(result, 400);
    assert_eq!(error.code(), Some("23"));
    assert_eq!(error.text(), Some("Missing body parameter productOrderItem"));
}

#[tokio::test]
async fn duplicate_order_is_a_409_bt_error_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let body = bt_error_body("Conflict", Some("Duplicate externalId"), None);
    let mock = server.create_product_order(|when, then| {
        when.product_family(CreateProductOrderProductFamily::Bb1hub);
        then.conflict(&typed(&body));
    });

    let result = Client::new(&server.base_url(), ctx())
        .create_product_order()
        .product_family("BB1hub")
        .body(typed::<ProductOrderCreate>(&new_order()))
        .send()
        .await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 409, "Conflict");
    assert_eq!(error.text(), Some("Duplicate externalId"));
}

#[tokio::test]
async fn html_503_from_the_gateway_keeps_its_status() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(format!("{prefix}{ORDERS}"));
            then_html(then, 503, HTML_503);
        })
        .await;

    let result = client
        .create_product_order()
        .product_family("BB1hub")
        .body(typed::<ProductOrderCreate>(&new_order()))
        .send()
        .await;
    mock.assert_async().await;
    expect_non_json_error(result, 503, HTML_503);
}

#[tokio::test]
async fn undocumented_502_keeps_its_status() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(format!("{prefix}{ORDERS}"));
            then_html(then, 502, "<html>Bad Gateway</html>");
        })
        .await;

    let result = client
        .create_product_order()
        .product_family("BB1hub")
        .body(typed::<ProductOrderCreate>(&new_order()))
        .send()
        .await;
    mock.assert_async().await;
    // An ambiguous create: the caller must see the status to decide to look the order up.
    let body = expect_undocumented_status(result, 502).await;
    assert_eq!(body.non_json_body.as_deref(), Some("<html>Bad Gateway</html>"));
}
