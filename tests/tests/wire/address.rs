//! bt-address: search (`GET`) and create (`POST`) `/geographicAddressManagement/v1/geographicAddress`.

use bt_address::mock::MockServerExt;
use bt_address::types::{
    CreateGeographicAddressRequest, CreateGeographicAddressResponse, CreateGeographicAddressTarget, GeographicAddress,
    GeographicLocationRefOrValue, GetGeographicAddressApigwTrackingHeader, GetGeographicAddressUprn,
};
use bt_address::{Client, SERVERS};
use httpmock::MockServer;

use crate::common::*;

const SPEC: &str = "address-management.yaml";
const PATH: &str = "/geographicAddressManagement/v1/geographicAddress";

fn prefixed_client(server: &MockServer) -> (Client, String) {
    let prefix = server_prefix(SERVERS[0].0);
    assert_eq!(prefix, "/common", "{SERVERS:?}");
    assert!(SERVERS.iter().all(|(url, _)| server_prefix(url) == prefix), "{SERVERS:?}");
    (Client::new(&format!("{}{prefix}", server.base_url()), ctx()), format!("{prefix}{PATH}"))
}

#[tokio::test]
async fn search_sends_the_query_and_headers_under_the_common_prefix_and_parses_the_records() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let example = response_example(SPEC, PATH, "get", "200", "fuzzyMatch");
    let mock = server
        .mock_async(|when, then| {
            bt_call_with_generated_tracking(when.method("GET").path(full_path.as_str()))
                .query_param("postcode", "SW12 8NX")
                .query_param("streetNr", "81")
                .query_param("isFuzzyMatch", "true")
                .query_param("isSiteClassificationRequired", "true")
                .query_param("isTechonologyMarkersRequired", "true")
                .is_true(only_query_params(&[
                    "postcode",
                    "streetNr",
                    "isFuzzyMatch",
                    "isSiteClassificationRequired",
                    "isTechonologyMarkersRequired",
                ]))
                .header("btDuns", "221283316")
                .header_missing("content-type");
            then.status(200)
                .header("content-type", "application/json")
                .header("X-Total-Count", "4")
                .header("X-Result-Count", "4")
                .json_body(example.clone());
        })
        .await;

    let response = client
        .get_geographic_address()
        .postcode("SW12 8NX")
        .street_nr("81")
        .is_fuzzy_match(true)
        .is_site_classification_required(true)
        .is_techonology_markers_required(true)
        .bt_duns("221283316")
        .send()
        .await
        .expect("address search");
    mock.assert_async().await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-total-count"], "4");
    assert_eq!(response.headers()["x-result-count"], "4");
    let records = response.into_inner();
    assert_round_trips(&records, &example);
    assert_eq!(records.len(), 4);
    let first = &records[0];
    assert_eq!(first.id.as_deref(), Some("A15104646284"));
    assert_eq!(first.matched_id.as_deref(), Some("R09598326361"));
    assert_eq!(first.address_match, Some(true));
    assert_eq!(first.district_code.as_deref(), Some("LS"));
    assert_eq!(first.address_source.as_deref().map(String::as_str), Some("Openreach"));
    let technologies =
        first.site_reference.as_ref().and_then(|s| s.list_of_technology.as_ref()).map(|l| l.technology.len());
    assert_eq!(technologies, Some(4));
    assert!(matches!(
        first.geographic_location_ref_or_value,
        Some(GeographicLocationRefOrValue::GeographicLocation(_))
    ));
}

#[tokio::test]
async fn search_by_uprn_passes_the_callers_tracking_header_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let example = response_example(SPEC, PATH, "get", "200", "robtWithBng");
    let records: Vec<GeographicAddress> = typed(&example);
    let uprn = GetGeographicAddressUprn::try_from("10091846447").expect("valid uprn");
    let tracking = GetGeographicAddressApigwTrackingHeader::try_from(SANDBOX_TRACKING_ID).expect("valid id");
    let mock = server.get_geographic_address(|when, then| {
        let when = when
            .uprn(&uprn)
            .is_spatial_ref_bng(true)
            .apigw_tracking_header(&tracking)
            .postcode(None)
            .into_inner()
            .is_true(only_query_params(&["uprn", "isSpatialRefBng"]));
        bt_call_with_tracking(when, SANDBOX_TRACKING_ID);
        then.ok(&records);
    });

    let client = Client::new(&server.base_url(), ctx());
    let response = client
        .get_geographic_address()
        .uprn("10091846447")
        .is_spatial_ref_bng(true)
        .apigw_tracking_header(SANDBOX_TRACKING_ID)
        .send()
        .await
        .expect("address search");
    mock.assert_async().await;

    let parsed = response.into_inner();
    assert_eq!(parsed, records);
    assert_round_trips(&parsed, &example);
    // With isSpatialRefBng the location becomes a WGS84 + BNG list.
    match &parsed[0].geographic_location_ref_or_value {
        Some(GeographicLocationRefOrValue::SpatialLocationList(list)) => {
            let refs: Vec<_> = list.iter().map(|l| l.spatial_ref.as_deref()).collect();
            assert_eq!(refs, [Some("WGS84"), Some("BNG")]);
        }
        other => panic!("expected a spatial location list, got {other:?}"),
    }
}

#[tokio::test]
async fn create_posts_the_json_address_with_its_target_and_parses_the_new_key() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let request = request_example(SPEC, PATH, "post", "streetNumber");
    let created = response_example(SPEC, PATH, "post", "201", "streetNumber");
    let mock = server
        .mock_async(|when, then| {
            bt_call_with_generated_tracking(when.method("POST").path(full_path.as_str()))
                .header("content-type", "application/json")
                .header("target", "ROBT")
                .is_true(only_query_params(&[]))
                .json_body(request.clone());
            then.status(201).header("content-type", "application/json").json_body(created.clone());
        })
        .await;

    let response = client
        .create_geographic_address()
        .target(CreateGeographicAddressTarget::Robt)
        .body(typed::<CreateGeographicAddressRequest>(&request))
        .send()
        .await
        .expect("address created");
    mock.assert_async().await;

    assert_eq!(response.status(), 201);
    let key = response.into_inner();
    assert_round_trips(&key, &created);
    assert_eq!(key.id, "S14084134555");
}

#[tokio::test]
async fn create_through_the_typed_mock_matches_the_typed_body() {
    let server = MockServer::start_async().await;
    let request: CreateGeographicAddressRequest = typed(&request_example(SPEC, PATH, "post", "postalOrganisation"));
    let created: CreateGeographicAddressResponse =
        typed(&response_example(SPEC, PATH, "post", "201", "postalOrganisation"));
    let mock = server.create_geographic_address(|when, then| {
        let when = when.body(&request).bt_duns("221283316").target(None).into_inner();
        bt_call_with_generated_tracking(when).header("content-type", "application/json");
        then.created(&created);
    });

    let response = Client::new(&server.base_url(), ctx())
        .create_geographic_address()
        .bt_duns("221283316")
        .body(request.clone())
        .send()
        .await
        .expect("address created");
    mock.assert_async().await;
    assert_eq!(response.into_inner().id, "X05000192647");
}

#[tokio::test]
async fn missing_address_key_is_bt_error_28_with_status_400() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let body = bt_error_body("28", Some("Invalid query-string parameter value"), Some("Address key not supplied"));
    let mock = server
        .mock_async(|when, then| {
            when.method("GET").path(full_path.as_str());
            then_bt_error(then, 400, &body);
        })
        .await;

    let result = client.get_geographic_address().address_source("ROBT".to_string()).send().await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 400, "28");
    assert_eq!(error.reason.as_deref(), Some("Invalid query-string parameter value"));
    assert_eq!(error.text(), Some("Address key not supplied"));
}

#[tokio::test]
async fn invalid_country_on_create_is_bt_error_24_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let body = bt_error_body("24", Some("Invalid body field"), Some("Invalid country"));
    let mock = server.create_geographic_address(|when, then| {
        when.into_inner().header("authorization", format!("Bearer {TOKEN}"));
        then.bad_request(&typed(&body));
    });

    let request: CreateGeographicAddressRequest = typed(&request_example(SPEC, PATH, "post", "buildingName"));
    let result = Client::new(&server.base_url(), ctx()).create_geographic_address().body(request).send().await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 400, "24");
    assert_eq!(error.to_string(), "BT error 24 (Invalid body field): Invalid country");
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

    let result = client.get_geographic_address().postcode("SW12 8NX").send().await;
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
            then.status(502).header("content-type", "application/json").json_body(bt_error_body(
                "02",
                None,
                Some("Bad gateway"),
            ));
        })
        .await;

    let result = client.get_geographic_address().postcode("SW12 8NX").send().await;
    mock.assert_async().await;
    let body = expect_undocumented_status(result, 502).await;
    assert_eq!(body.code(), Some("02"));
}

#[tokio::test]
async fn a_postcode_outside_the_spec_pattern_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(serde_json::json!([]));
        })
        .await;

    let result =
        Client::new(&server.base_url(), ctx()).get_geographic_address().postcode("not a postcode").send().await;
    expect_invalid_request(result, "postcode");
    assert_eq!(mock.calls_async().await, 0, "nothing may be sent");
}
