//! bt-line-availability: `GET /v1/line-availability/line?NAD=..&districtCode=..`.

use bt_line_availability::mock::MockServerExt;
use bt_line_availability::types::{
    GetLineAvailabilityApigwTrackingHeader, GetLineAvailabilityDistrictCode, GetLineAvailabilityNad, LineAvailability,
};
use bt_line_availability::{Client, SERVERS};
use httpmock::MockServer;

use crate::common::*;

const SPEC: &str = "line-availability.yaml";
const PATH: &str = "/v1/line-availability/line";

fn prefixed_client(server: &MockServer) -> (Client, String) {
    let prefix = server_prefix(SERVERS[0].0);
    assert_eq!(prefix, "/common", "{SERVERS:?}");
    assert!(SERVERS.iter().all(|(url, _)| server_prefix(url) == prefix), "{SERVERS:?}");
    (Client::new(&format!("{}{prefix}", server.base_url()), ctx()), format!("{prefix}{PATH}"))
}

fn example(name: &str) -> serde_json::Value {
    response_example(SPEC, PATH, "get", "200", name)
}

#[tokio::test]
async fn lookup_sends_nad_and_district_under_the_prefix_and_parses_lines_and_onts() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let body = example("workingLineWithOnt");
    let mock = server
        .mock_async(|when, then| {
            bt_call_with_generated_tracking(when.method("GET").path(full_path.as_str()))
                .query_param("NAD", "A99923776374")
                .query_param("districtCode", "LS")
                .is_true(only_query_params(&["NAD", "districtCode"]))
                .header_missing("productFamily");
            then.status(200).header("content-type", "application/json").json_body(body.clone());
        })
        .await;

    let response =
        client.get_line_availability().nad("A99923776374").district_code("LS").send().await.expect("line availability");
    mock.assert_async().await;

    assert_eq!(response.status(), 200);
    let lines = response.into_inner();
    assert_eq!(lines, typed::<LineAvailability>(&body));
    let working = &lines.list_of_working_line.as_ref().expect("working lines").working_line;
    assert_eq!(working.len(), 1);
    assert_eq!(working[0].access_line_id.as_deref(), Some("ALID0002468024"));
    assert_eq!(working[0].product_type.as_deref(), Some("SOGEA"));
    assert_eq!(working[0].pending_cease_order_indicator.as_deref(), Some("Y"));
    assert_eq!(lines.spare_pair_count, Some(serde_json::json!(0)));
    let onts = &lines.list_of_ont.as_ref().expect("ONTs").ont;
    assert_eq!(onts[0].ont_reference.as_deref(), Some("ONT000123456789"));
    let ports = &onts[0].list_of_port.as_ref().expect("ports").port;
    assert_eq!(ports[1].port_status.as_deref(), Some("Spare"));
    assert_eq!(onts[0].location.as_ref().and_then(|l| l.room.as_deref()), Some("Hallway"));
    // Nothing is lost when the typed value is written back (an empty list is left out).
    let mut expected = body.clone();
    expected["ListOfStoppedLine"] = serde_json::json!({});
    assert_round_trips(&lines, &expected);
}

#[tokio::test]
async fn stopped_line_lookup_through_the_typed_mock_passes_the_callers_tracking_header() {
    let server = MockServer::start_async().await;
    let body = example("stoppedLine");
    let expected: LineAvailability = typed(&body);
    let nad = GetLineAvailabilityNad::try_from("A15104646284").expect("valid NAD");
    let district = GetLineAvailabilityDistrictCode::try_from("LS").expect("valid district");
    let tracking = GetLineAvailabilityApigwTrackingHeader::try_from(SANDBOX_TRACKING_ID).expect("valid id");
    let mock = server.get_line_availability(|when, then| {
        let when = when.nad(&nad).district_code(&district).apigw_tracking_header(&tracking).into_inner();
        bt_call_with_tracking(when, SANDBOX_TRACKING_ID).is_true(only_query_params(&["NAD", "districtCode"]));
        then.ok(&expected);
    });

    let lines = Client::new(&server.base_url(), ctx())
        .get_line_availability()
        .nad(nad.clone())
        .district_code(district.clone())
        .apigw_tracking_header(SANDBOX_TRACKING_ID)
        .send()
        .await
        .expect("line availability")
        .into_inner();
    mock.assert_async().await;

    assert_eq!(lines, expected);
    let stopped = &lines.list_of_stopped_line.as_ref().expect("stopped lines").stopped_line;
    assert_eq!(stopped[0].access_line_id.as_deref(), Some("ALID0007654321"));
    assert_eq!(stopped[0].stopped_date.as_deref(), Some("2026-03-14"));
    // A numeric string stays a string.
    assert_eq!(lines.spare_pair_count, Some(serde_json::json!("1")));
}

#[tokio::test]
async fn nothing_found_is_bt_error_60_with_status_404() {
    let server = MockServer::start_async().await;
    let (client, full_path) = prefixed_client(&server);
    let body = bt_error_body("60", Some("Resource not found"), Some("No line data found for the supplied NAD"));
    let mock = server
        .mock_async(|when, then| {
            when.method("GET").path(full_path.as_str()).query_param("NAD", "A99923776374");
            then_bt_error(then, 404, &body);
        })
        .await;

    let result = client.get_line_availability().nad("A99923776374").district_code("LS").send().await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 404, "60");
    assert_eq!(error.text(), Some("No line data found for the supplied NAD"));
}

#[tokio::test]
async fn expired_token_is_bt_error_42_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let body = bt_error_body("42", None, Some("Expired credentials"));
    let mock = server.get_line_availability(|when, then| {
        when.into_inner().header("authorization", format!("Bearer {TOKEN}"));
        then.unauthorized(&typed(&body));
    });

    let result = Client::new(&server.base_url(), ctx())
        .get_line_availability()
        .nad("A99923776374")
        .district_code("LS")
        .send()
        .await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 401, "42");
    assert!(error.is_expired_token());
}

#[tokio::test]
async fn missing_nad_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;

    let result = Client::new(&server.base_url(), ctx()).get_line_availability().district_code("LS").send().await;
    expect_invalid_request(result, "nad");
    assert_eq!(mock.calls_async().await, 0, "nothing may be sent");
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

    let result = client.get_line_availability().nad("A99923776374").district_code("LS").send().await;
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

    let result = client.get_line_availability().nad("A99923776374").district_code("LS").send().await;
    mock.assert_async().await;
    let body = expect_undocumented_status(result, 502).await;
    assert_eq!(body.non_json_body.as_deref(), Some("<html>Bad Gateway</html>"));
}
