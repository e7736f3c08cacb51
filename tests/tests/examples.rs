//! Every example in every spec — each 2xx response body and each JSON request body — parses
//! into the type the generated client uses for it, and serialises back without losing a field.
//!
//! The table below names that type for each (spec, operation, part). A new example site without
//! an entry fails the test, so nothing in `specs/` goes unchecked.

use bb1_tests::{ExampleSite, examples, lost_fields, responses_without_examples, spec_files};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

type RoundTrip = fn(&Value) -> Result<Value, String>;

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

/// (spec, operationId, part) → the generated type. `part` is a 2xx status or `request`.
/// Where the normaliser strips a body from the client (a 201 beside a bodiless 202), the row
/// names the schema's type, so the example is still held to its schema.
const TYPES: &[(&str, &str, &str, RoundTrip)] = &[
    ("address-management.yaml", "getGeographicAddress", "200", round_trip::<Vec<bt_address::types::GeographicAddress>>),
    ("address-management.yaml", "createGeographicAddress", "request", round_trip::<bt_address::types::CreateGeographicAddressRequest>),
    ("address-management.yaml", "createGeographicAddress", "201", round_trip::<bt_address::types::CreateGeographicAddressResponse>),
    ("appointment-management.yaml", "postSearchAppointment", "request", round_trip::<bt_appointment::types::SearchTimeSlotRequest>),
    ("appointment-management.yaml", "postSearchAppointment", "201", round_trip::<bt_appointment::types::SearchTimeSlotResponse>),
    ("appointment-management.yaml", "createAppointment", "request", round_trip::<bt_appointment::types::CreateAppointmentRequest>),
    ("appointment-management.yaml", "createAppointment", "201", round_trip::<bt_appointment::types::Appointment>),
    ("line-availability.yaml", "getLineAvailability", "200", round_trip::<bt_line_availability::types::LineAvailability>),
    ("oauth.yaml", "createAccessToken", "200", round_trip::<bt_oauth::types::AccessTokenResponse>),
    ("order-notifications.yaml", "notifyProductOrderEvent", "request", round_trip::<bt_order_notifications::types::ProductOrderEvent>),
    ("order-notifications.yaml", "notifyProductOrderEvent", "200", round_trip::<bt_order_notifications::types::EventAcknowledgement>),
    ("order-notifications.yaml", "listenToProductOrderCreateEvent", "request", round_trip::<bt_order_notifications::types::ProductOrderEvent>),
    ("order-notifications.yaml", "listenToProductOrderCreateEvent", "200", round_trip::<bt_order_notifications::types::EventAcknowledgement>),
    ("order-notifications.yaml", "listenToProductOrderStateChangeEvent", "request", round_trip::<bt_order_notifications::types::ProductOrderEvent>),
    ("order-notifications.yaml", "listenToProductOrderStateChangeEvent", "200", round_trip::<bt_order_notifications::types::EventAcknowledgement>),
    ("product-availability.yaml", "createProductOfferingQualification", "request", round_trip::<bt_product_availability::types::ProductOfferingQualificationRequest>),
    ("product-availability.yaml", "createProductOfferingQualification", "200", round_trip::<bt_product_availability::types::ProductOfferingQualification>),
    ("product-availability.yaml", "createProductOfferingQualification", "201", round_trip::<bt_product_availability::types::ProductOfferingQualification>),
    ("product-inventory.yaml", "listProduct", "200", round_trip::<Vec<bt_product_inventory::types::InventoryProduct>>),
    ("product-order.yaml", "createProductOrder", "request", round_trip::<bt_product_order::types::ProductOrderCreate>),
    ("product-order.yaml", "createProductOrder", "201", round_trip::<bt_product_order::types::ProductOrder>),
    ("product-order.yaml", "listProductOrder", "200", round_trip::<Vec<bt_product_order::types::ProductOrder>>),
    ("product-order.yaml", "retrieveProductOrder", "200", round_trip::<bt_product_order::types::ProductOrder>),
    ("product-order.yaml", "patchProductOrder", "request", round_trip::<bt_product_order::types::ProductOrderUpdate>),
    ("product-order.yaml", "patchProductOrder", "200", round_trip::<bt_product_order::types::ProductOrder>),
    ("product-order.yaml", "createCancelProductOrder", "request", round_trip::<bt_product_order::types::CancelProductOrderCreate>),
    ("product-order.yaml", "createCancelProductOrder", "201", round_trip::<bt_product_order::types::CancelProductOrder>),
];

fn round_trip_for(site: &ExampleSite) -> Option<RoundTrip> {
    TYPES
        .iter()
        .find(|(spec, op, part, _)| *spec == site.spec && *op == site.operation_id && *part == site.part)
        .map(|(_, _, _, f)| *f)
}

#[test]
fn every_example_round_trips_through_its_generated_type() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in spec_files() {
        for example in examples(&file) {
            let site = &example.site;
            let Some(round_trip) = round_trip_for(site) else {
                failures.push(format!("{} {} {}: no type listed in TYPES for this example site", site.spec, site.operation_id, site.part));
                continue;
            };
            checked += 1;
            match round_trip(&example.value) {
                Err(e) => failures.push(format!("{} {} {} `{}`: does not parse: {e}", site.spec, site.operation_id, site.part, example.name)),
                Ok(back) => {
                    let lost = lost_fields(&example.value, &back);
                    if !lost.is_empty() {
                        failures.push(format!("{} {} {} `{}`: lost {lost:?}", site.spec, site.operation_id, site.part, example.name));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} examples failed:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 40, "only {checked} examples found; the specs carry more than that");
}

#[test]
fn every_success_response_with_a_body_has_an_example() {
    let missing: Vec<String> = spec_files().iter().flat_map(|f| responses_without_examples(f)).collect();
    assert!(missing.is_empty(), "2xx responses without an example: {missing:?}");
}

#[test]
fn the_comparison_notices_a_lost_or_changed_field() {
    let original = serde_json::json!({"a": {"b": [1, {"c": "x"}]}, "d": null, "e": [], "t": "2024-03-25T12:49:05.037Z"});
    let same = serde_json::json!({"a": {"b": [1.0, {"c": "x"}]}, "t": "2024-03-25T12:49:05.037+00:00"});
    assert!(lost_fields(&original, &same).is_empty());
    let worse = serde_json::json!({"a": {"b": [1, {}]}, "t": "2024-03-25T13:49:05.037Z"});
    assert_eq!(lost_fields(&original, &worse), vec![
        "$.a.b[1].c".to_string(),
        "$.t (\"2024-03-25T12:49:05.037Z\" became \"2024-03-25T13:49:05.037Z\")".to_string(),
    ]);
}
