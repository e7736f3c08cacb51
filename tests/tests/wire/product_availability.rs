//! bt-product-availability: `POST /productOfferingQualification/v4/productOfferingQualification` (POQ).

use bt_product_availability::mock::MockServerExt;
use bt_product_availability::types::{
    CreateProductOfferingQualificationApigwTrackingHeader, ProductOfferingQualification,
    ProductOfferingQualificationRequest,
};
use bt_product_availability::{Client, SERVERS};
use httpmock::MockServer;

use crate::common::*;

const SPEC: &str = "product-availability.yaml";
const PATH: &str = "/productOfferingQualification/v4/productOfferingQualification";

fn prefixed_client(server: &MockServer) -> (Client, String) {
    let prefix = server_prefix(SERVERS[0].0);
    assert_eq!(prefix, "/hubco/tmf", "{SERVERS:?}");
    assert!(SERVERS.iter().all(|(url, _)| server_prefix(url) == prefix), "{SERVERS:?}");
    (Client::new(&format!("{}{prefix}", server.base_url()), ctx()), format!("{prefix}{PATH}"))
}

fn request(name: &str) -> serde_json::Value {
    request_example(SPEC, PATH, "post", name)
}

#[tokio::test]
async fn address_check_posts_the_json_request_under_hubco_tmf_and_parses_the_offers() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let body = request("addressBased");
    let answer = response_example(SPEC, PATH, "post", "200", "goldAddressFttpAndSogea");
    let mock = server
        .mock_async(|when, then| {
            bt_call_with_generated_tracking(when.method("POST").path(full_path.as_str()))
                .header("content-type", "application/json")
                // The spec says POQ needs neither productFamily nor APIGW-Client-Id.
                .header_missing("productFamily")
                .header_missing("APIGW-Client-Id")
                .is_true(only_query_params(&[]))
                .json_body(body.clone());
            then.status(200).header("content-type", "application/json").json_body(answer.clone());
        })
        .await;

    let response = client
        .create_product_offering_qualification()
        .body(typed::<ProductOfferingQualificationRequest>(&body))
        .send()
        .await
        .expect("qualification");
    mock.assert_async().await;

    assert_eq!(response.status(), 200);
    let poq = response.into_inner();
    assert_round_trips(&poq, &answer);
    assert_eq!(poq.state.as_deref(), Some("done"));
    let offers: Vec<_> = poq
        .product_offering_qualification_item
        .iter()
        .filter_map(|item| item.product.as_ref()?.product_offering.as_ref()?.id.as_deref())
        .collect();
    assert_eq!(offers, ["FTTP 500_75M", "FTTP 160_30M", "SOGEA 80_20M"]);
    let first = poq.product_offering_qualification_item[0].product.as_ref().expect("product");
    let ont_type = first.product_characteristic.iter().find(|c| c.name.as_deref() == Some("ONTType"));
    assert_eq!(ont_type.and_then(|c| c.value.clone()), Some(serde_json::json!("New ONT")));
}

#[tokio::test]
async fn tmf_201_answer_parses_through_the_typed_mock_with_the_callers_tracking_header() {
    let server = MockServer::start_async().await;
    let body: ProductOfferingQualificationRequest = typed(&request("lineBasedDirectoryNumber"));
    let answer_json = response_example(SPEC, PATH, "post", "201", "tmfCreated");
    let answer: ProductOfferingQualification = typed(&answer_json);
    let tracking =
        CreateProductOfferingQualificationApigwTrackingHeader::try_from(SANDBOX_TRACKING_ID).expect("valid id");
    let mock = server.create_product_offering_qualification(|when, then| {
        let when = when.apigw_tracking_header(&tracking).body(&body).into_inner();
        bt_call_with_tracking(when, SANDBOX_TRACKING_ID).header("content-type", "application/json");
        then.created(&answer);
    });

    let response = Client::new(&server.base_url(), ctx())
        .create_product_offering_qualification()
        .apigw_tracking_header(SANDBOX_TRACKING_ID)
        .body(body.clone())
        .send()
        .await
        .expect("qualification");
    mock.assert_async().await;

    assert_eq!(response.status(), 201);
    let poq = response.into_inner();
    assert_eq!(poq, answer);
    assert_round_trips(&poq, &answer_json);
    assert_eq!(poq.qualification_result.as_deref(), Some("qualified"));
}

#[tokio::test]
async fn missing_item_is_bt_error_23_with_status_400() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let error_body =
        bt_error_body("23", Some("Missing body parameter"), Some("productOfferingQualificationItem not supplied"));
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(full_path.as_str());
            then_bt_error(then, 400, &error_body);
        })
        .await;

    let result = client
        .create_product_offering_qualification()
        .body(typed::<ProductOfferingQualificationRequest>(&request("uprnBased")))
        .send()
        .await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 400, "23");
    assert_eq!(error.text(), Some("productOfferingQualificationItem not supplied"));
}

#[tokio::test]
async fn gateway_timeout_is_bt_error_69_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let mock = server.create_product_offering_qualification(|when, then| {
        when.into_inner().header("authorization", format!("Bearer {TOKEN}"));
        then.gateway_timeout(&typed(&bt_error_body("69", None, Some("Gateway timeout"))));
    });

    let result = Client::new(&server.base_url(), ctx())
        .create_product_offering_qualification()
        .body(typed::<ProductOfferingQualificationRequest>(&request("lineBasedAccessLineId")))
        .send()
        .await;
    mock.assert_async().await;
    expect_bt_error(result, 504, "69");
}

#[tokio::test]
async fn html_503_from_the_gateway_keeps_its_status() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(full_path.as_str());
            then_html(then, 503, HTML_503);
        })
        .await;

    let result = client
        .create_product_offering_qualification()
        .body(typed::<ProductOfferingQualificationRequest>(&request("addressBased")))
        .send()
        .await;
    mock.assert_async().await;
    expect_non_json_error(result, 503, HTML_503);
}

#[tokio::test]
async fn undocumented_502_keeps_its_status() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(full_path.as_str());
            then_html(then, 502, "<html>Bad Gateway</html>");
        })
        .await;

    let result = client
        .create_product_offering_qualification()
        .body(typed::<ProductOfferingQualificationRequest>(&request("addressBased")))
        .send()
        .await;
    mock.assert_async().await;
    let body = expect_undocumented_status(result, 502).await;
    assert_eq!(body.non_json_body.as_deref(), Some("<html>Bad Gateway</html>"));
}
