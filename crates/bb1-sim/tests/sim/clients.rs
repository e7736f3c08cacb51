//! The generated clients, given `{base}/common` or `{base}/hubco/tmf`, talk to the simulator
//! unchanged.

use bb1_sim::Scenario;
use bt_core::{ApiFamily, Ctx, Environment};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn generated_clients_work_unchanged() {
    let sim = stepped(1).await;
    let token = token(&sim).await;
    let env = Environment::Custom(sim.base_url().to_string());
    let ctx = || Ctx::new().with_bearer_token(token.clone());

    let address = bt_address::Client::new(&env.base_url(ApiFamily::Common), ctx());
    let found = address
        .get_geographic_address()
        .postcode("SW12 8NX")
        .street_nr("81")
        .is_fuzzy_match(true)
        .send()
        .await
        .expect("address search");
    assert_eq!(found.headers()["x-total-count"], "3");
    let records = found.into_inner();
    assert_eq!(records[0].id.as_deref(), Some("A15104646284"));
    assert_eq!(records[0].matched_id.as_deref(), Some("R09598326361"));
    let err = address
        .get_geographic_address()
        .send()
        .await
        .expect_err("no parameters");
    match err {
        bt_address::Error::ErrorResponse(e) => {
            assert_eq!(e.status(), 400);
            assert_eq!(e.code(), Some("27"));
        }
        other => panic!("{other:?}"),
    }
    let created = address
        .create_geographic_address()
        .body(serde_json::from_value::<bt_address::types::CreateGeographicAddressRequest>(json!({
            "postcode": "SW12 8NX", "city": "London", "country": "United Kingdom", "streetNr": "97a"
        })).expect("request"))
        .send()
        .await
        .expect("create");
    assert!(created.into_inner().id.starts_with('S'));

    let poq = bt_product_availability::Client::new(&env.base_url(ApiFamily::HubcoTmf), ctx());
    let q = poq
        .create_product_offering_qualification()
        .body(
            serde_json::from_value::<
                bt_product_availability::types::ProductOfferingQualificationRequest,
            >(poq_address("A15113070302", "LS"))
            .expect("request"),
        )
        .send()
        .await
        .expect("poq")
        .into_inner();
    assert_eq!(q.product_offering_qualification_item.len(), 3);

    let lines =
        bt_line_availability::Client::new(&env.base_url(ApiFamily::LineAvailability), ctx());
    let l = lines
        .get_line_availability()
        .district_code("LS")
        .nad("A99923776374")
        .send()
        .await
        .expect("lines")
        .into_inner();
    let working = l.list_of_working_line.expect("working").working_line;
    assert_eq!(working[0].access_line_id.as_deref(), Some("ALID0001234567"));

    let appointments = bt_appointment::Client::new(&env.base_url(ApiFamily::Common), ctx());
    let p = sim
        .world()
        .find(Scenario::FttpNewOnt)
        .expect("premises")
        .clone();
    let key = p.openreach_key().expect("key");
    let entity = slot_entity(Some(key), &[("AccessTechnology", "FTTP")]);
    let search = appointments
        .post_search_appointment()
        .product_family(bt_appointment::types::ProductFamily::Bb1hub)
        .body(
            serde_json::from_value::<bt_appointment::types::SearchTimeSlotRequest>(slot_search(
                entity.clone(),
                "2026-06-01T09:00:00+01:00",
            ))
            .expect("request"),
        )
        .send()
        .await
        .expect("slots")
        .into_inner();
    assert_eq!(search.available_time_slot.len(), 32);
    let reserved = appointments
        .create_appointment()
        .product_family(bt_appointment::types::ProductFamily::Bb1hub)
        .body(bt_appointment::types::CreateAppointmentRequest {
            related_entity: search.related_entity.clone(),
            valid_for: search.available_time_slot[0].valid_for.clone(),
        })
        .send()
        .await
        .expect("reserve")
        .into_inner();
    assert!(reserved.id.ends_with("FR"));

    use bt_product_order::types::{
        CreateProductOrderProductFamily, ListProductOrderProductFamily,
        RetrieveProductOrderProductFamily,
    };
    let orders = bt_product_order::Client::new(&env.base_url(ApiFamily::HubcoTmf), ctx());
    let body: bt_product_order::types::ProductOrderCreate =
        serde_json::from_value(provide("GEN-1", &p, "E0000160", Some(&reserved.id)))
            .expect("order");
    let accepted = orders
        .create_product_order()
        .product_family(CreateProductOrderProductFamily::Bb1hub)
        .body(body)
        .send()
        .await
        .expect("create order");
    assert_eq!(accepted.status(), 202);
    let listed = orders
        .list_product_order()
        .product_family(ListProductOrderProductFamily::Bb1hub)
        .external_id("GEN-1")
        .send()
        .await
        .expect("list")
        .into_inner();
    let id = listed[0].id.clone().expect("BT id");
    while sim.step().await.is_some() {}
    let done = orders
        .retrieve_product_order()
        .product_family(RetrieveProductOrderProductFamily::Bb1hub)
        .id(&id)
        .send()
        .await
        .expect("retrieve")
        .into_inner();
    assert_eq!(done.state.as_deref(), Some("completed"));
    let service = done.product_order_item[0]
        .product
        .as_ref()
        .and_then(|p| p.customer_facing_service_id.as_ref())
        .and_then(|s| s.value.clone())
        .expect("service id");

    let inventory = bt_product_inventory::Client::new(&env.base_url(ApiFamily::HubcoTmf), ctx());
    let assets = inventory
        .list_product()
        .service_id(service.as_str())
        .send()
        .await
        .expect("inventory")
        .into_inner();
    assert_eq!(assets.len(), 3, "managed install has no asset");
}
