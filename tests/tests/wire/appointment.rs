//! bt-appointment: `POST /appointmentManagement/v4/searchTimeSlot` and `/appointment`, with the
//! required `productFamily` header.

use bt_appointment::mock::MockServerExt;
use bt_appointment::types::{
    Appointment, CreateAppointmentApigwTrackingHeader, CreateAppointmentRequest, ProductFamily, SearchTimeSlotRequest,
};
use bt_appointment::{Client, SERVERS};
use httpmock::MockServer;

use crate::common::*;

const SPEC: &str = "appointment-management.yaml";
const SEARCH: &str = "/appointmentManagement/v4/searchTimeSlot";
const RESERVE: &str = "/appointmentManagement/v4/appointment";

fn prefixed_client(server: &MockServer) -> (Client, String) {
    let prefix = server_prefix(SERVERS[0].0);
    assert_eq!(prefix, "/common", "{SERVERS:?}");
    assert!(SERVERS.iter().all(|(url, _)| server_prefix(url) == prefix), "{SERVERS:?}");
    (Client::new(&format!("{}{prefix}", server.base_url()), ctx()), prefix.to_string())
}

fn search_request() -> serde_json::Value {
    request_example(SPEC, SEARCH, "post", "bb1AddressKey")
}

#[tokio::test]
async fn search_posts_the_json_request_with_product_family_under_the_common_prefix() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let request = search_request();
    let slots = response_example(SPEC, SEARCH, "post", "201", "bb1AddressKey");
    let mock = server
        .mock_async(|when, then| {
            bt_call_with_generated_tracking(when.method("POST").path(format!("{prefix}{SEARCH}")))
                .header("productFamily", "BB1hub")
                .header("content-type", "application/json")
                .is_true(only_query_params(&[]))
                .json_body(request.clone());
            then.status(201).header("content-type", "application/json").json_body(slots.clone());
        })
        .await;

    let response = client
        .post_search_appointment()
        .product_family(ProductFamily::Bb1hub)
        .body(typed::<SearchTimeSlotRequest>(&request))
        .send()
        .await
        .expect("slot search");
    mock.assert_async().await;

    assert_eq!(response.status(), 201);
    let result = response.into_inner();
    assert_round_trips(&result, &slots);
    assert_eq!(result.id, "21147d79-577b-488a-af57-f80ea5dfb876");
    assert_eq!(result.status.0, "done");
    assert_eq!(result.available_time_slot.len(), 6);
    assert_eq!(result.available_time_slot[1].slot, "PM");
    assert_eq!(result.available_time_slot[1].valid_for.start_date_time, "2022-11-29T13:00:00Z");
    assert_eq!(result.available_time_slot[1].valid_for.end_date_time, "2022-11-29T18:00:00Z");
}

#[tokio::test]
async fn reserve_passes_the_callers_tracking_header_and_keeps_bst_offsets() {
    let server = MockServer::start_async().await;
    let request: CreateAppointmentRequest = typed(&request_example(SPEC, RESERVE, "post", "bb1Bst"));
    let reserved_json = response_example(SPEC, RESERVE, "post", "201", "bb1Bst");
    let reserved: Appointment = typed(&reserved_json);
    let tracking = CreateAppointmentApigwTrackingHeader::try_from("E40001").expect("valid id");
    let mock = server.create_appointment(|when, then| {
        let when = when
            .product_family(ProductFamily::Bb1hub)
            .apigw_tracking_header(&tracking)
            .body(&request)
            .into_inner()
            .header("content-type", "application/json");
        bt_call_with_tracking(when, "E40001");
        then.created(&reserved);
    });

    let response = Client::new(&server.base_url(), ctx())
        .create_appointment()
        .apigw_tracking_header("E40001")
        .product_family("BB1hub")
        .body(request.clone())
        .send()
        .await
        .expect("slot reserved");
    mock.assert_async().await;

    let appointment = response.into_inner();
    assert_eq!(appointment, reserved);
    assert_round_trips(&appointment, &reserved_json);
    assert_eq!(appointment.id, "F323910FR");
    // Times are echoed exactly as BT sent them, offset included.
    assert_eq!(appointment.valid_for.start_date_time, "2026-06-08T08:00:00+01:00");
    assert_eq!(appointment.creation_date.as_deref(), Some("2026-05-28T10:16:40+01:00"));
}

#[tokio::test]
async fn reserve_under_the_prefix_sends_the_reservation_body() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let request = request_example(SPEC, RESERVE, "post", "bb1DirectoryNumber");
    let reserved = response_example(SPEC, RESERVE, "post", "201", "bb1DirectoryNumber");
    let mock = server
        .mock_async(|when, then| {
            bt_call_with_generated_tracking(when.method("POST").path(format!("{prefix}{RESERVE}")))
                .header("productFamily", "BB1hub")
                .header("content-type", "application/json")
                .json_body(request.clone());
            then.status(201).header("content-type", "application/json").json_body(reserved.clone());
        })
        .await;

    let appointment = client
        .create_appointment()
        .product_family(ProductFamily::Bb1hub)
        .body(typed::<CreateAppointmentRequest>(&request))
        .send()
        .await
        .expect("slot reserved")
        .into_inner();
    mock.assert_async().await;
    assert_round_trips(&appointment, &reserved);
    assert_eq!(appointment.id, "005B5ADFR");
}

#[tokio::test]
async fn product_family_is_required_and_nothing_is_sent_without_it() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201);
        })
        .await;

    let result = Client::new(&server.base_url(), ctx())
        .post_search_appointment()
        .body(typed::<SearchTimeSlotRequest>(&search_request()))
        .send()
        .await;
    expect_invalid_request(result, "product_family");
    assert_eq!(mock.calls_async().await, 0, "nothing may be sent");
}

#[tokio::test]
async fn slot_taken_is_a_back_end_bt_error_with_status_400() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let body =
        bt_error_body("TimeSlotNotAvailable", Some("The selected appointment slot is no longer available."), None);
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(format!("{prefix}{RESERVE}"));
            then_bt_error(then, 400, &body);
        })
        .await;

    let result = client
        .create_appointment()
        .product_family(ProductFamily::Bb1hub)
        .body(typed::<CreateAppointmentRequest>(&request_example(SPEC, RESERVE, "post", "bb1AddressKey")))
        .send()
        .await;
    mock.assert_async().await;
    let error = expect_bt_error(result, 400, "TimeSlotNotAvailable");
    assert_eq!(error.text(), Some("The selected appointment slot is no longer available."));
}

#[tokio::test]
async fn line_with_another_provider_is_a_bt_error_with_status_403_through_the_typed_mock() {
    let server = MockServer::start_async().await;
    let body = bt_error_body(
        "ExchangeLineAssignedToAnotherCP",
        Some("The exchange line belongs to another communications provider."),
        None,
    );
    let mock = server.post_search_appointment(|when, then| {
        when.product_family(ProductFamily::Bb1hub);
        then.forbidden(&typed(&body));
    });

    let result = Client::new(&server.base_url(), ctx())
        .post_search_appointment()
        .product_family(ProductFamily::Bb1hub)
        .apigw_tracking_header("E40301")
        .body(typed::<SearchTimeSlotRequest>(&search_request()))
        .send()
        .await;
    mock.assert_async().await;
    expect_bt_error(result, 403, "ExchangeLineAssignedToAnotherCP");
}

#[tokio::test]
async fn html_500_keeps_its_status_as_an_error_response() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let page = "<html><body>Internal Server Error</body></html>";
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(format!("{prefix}{SEARCH}"));
            then_html(then, 500, page);
        })
        .await;

    let result = client
        .post_search_appointment()
        .product_family(ProductFamily::Bb1hub)
        .body(typed::<SearchTimeSlotRequest>(&search_request()))
        .send()
        .await;
    mock.assert_async().await;
    expect_non_json_error(result, 500, page);
}

#[tokio::test]
async fn html_503_keeps_its_status_although_the_spec_does_not_list_it() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(format!("{prefix}{SEARCH}"));
            then_html(then, 503, HTML_503);
        })
        .await;

    let result = client
        .post_search_appointment()
        .product_family(ProductFamily::Bb1hub)
        .body(typed::<SearchTimeSlotRequest>(&search_request()))
        .send()
        .await;
    mock.assert_async().await;
    let body = expect_undocumented_status(result, 503).await;
    assert_eq!(body.non_json_body.as_deref(), Some(HTML_503));
}

#[tokio::test]
async fn undocumented_502_keeps_its_status() {
    let server = MockServer::start_async().await;
    let (client, prefix) = prefixed_client(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method("POST").path(format!("{prefix}{RESERVE}"));
            then.status(502);
        })
        .await;

    let result = client
        .create_appointment()
        .product_family(ProductFamily::Bb1hub)
        .body(typed::<CreateAppointmentRequest>(&request_example(SPEC, RESERVE, "post", "bb1AddressKey")))
        .send()
        .await;
    mock.assert_async().await;
    // An empty 502 body still reads as a BtError (with an empty non-JSON body).
    let body = expect_undocumented_status(result, 502).await;
    assert_eq!(body.non_json_body.as_deref(), Some(""));
}
