//! Every journey and decision branch against a scripted BT, with golden order bodies.

mod common;

use broadband_one::*;
use chrono::NaiveDate;
use common::*;
use serde_json::{Value, json};

fn contact() -> Contact {
    Contact { given_name: "Sam".into(), family_name: "Jones".into(), email: "sam@example.com".into(), phone: "02079460088".into() }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

async fn gold_premises(bt: &Bt, hub: &Hub) -> Premises {
    bt.on("GET", ADDRESS, vec![Reply::json(200, gold_paired())]);
    hub.find_premises(&AddressQuery::postcode("SW12 8NX").street_nr("81"), KeyRule::NewFttp).await.expect("premises")
}

fn slots_reply() -> Value {
    json!({ "id": "s1", "status": "done", "searchDate": "2026-05-20T07:00:00Z", "relatedEntity": [], "requestedTimeSlot": [],
        "availableTimeSlot": [
            { "slot": "AM", "validFor": { "startDateTime": "2026-06-02T08:00:00+01:00", "endDateTime": "2026-06-02T13:00:00+01:00" } },
            { "slot": "PM", "validFor": { "startDateTime": "2026-06-02T13:00:00+01:00", "endDateTime": "2026-06-02T18:00:00+01:00" } } ] })
}

fn reserve_reply() -> Value {
    json!({ "id": "005B8E0FR", "status": "initialized", "relatedEntity": [],
        "validFor": { "startDateTime": "2026-06-02T08:00:00+01:00", "endDateTime": "2026-06-02T13:00:00+01:00" } })
}

fn posted_order(bt: &Bt) -> Value {
    let posts: Vec<_> = bt.requests(ORDERS).into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 1, "exactly one order POST");
    posts[0].json()
}

fn characteristic(order: &Value, name: &str) -> Option<String> {
    order["productOrderItem"][0]["product"]["productCharacteristic"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == name)
        .and_then(|c| c["value"].as_str().map(str::to_string))
}

#[tokio::test]
async fn gold_paired_premises_needs_no_new_keys() {
    let bt = Bt::start().await;
    let hub = bt.hub();
    let premises = gold_premises(&bt, &hub).await;
    assert_eq!(premises.openreach_key(), "A15104646284");
    assert_eq!(premises.robt_key, "R09598326361");
    assert!(!premises.robt_created && !premises.openreach_created);
    let search = &bt.requests(ADDRESS)[0];
    assert!(search.query.contains("postcode=SW12+8NX") && search.query.contains("isFuzzyMatch=true") && search.query.contains("isTechonologyMarkersRequired=true"), "{}", search.query);
    assert!(bt.requests(ADDRESS).iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn an_unpaired_openreach_record_gets_a_new_robt_key() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(200, json!([{ "id": "A15104646284", "addressSource": "Openreach", "qualifier": "Gold", "districtCode": "LS",
        "streetNr": "81", "streetName": "Nightingale Lane", "postcode": "SW12 8NX", "city": "London" }]))]);
    bt.on("POST", ADDRESS, vec![Reply::json(201, json!({ "id": "S14084134555" }))]);
    let premises = bt.hub().find_premises(&AddressQuery::postcode("SW12 8NX"), KeyRule::NewFttp).await.expect("premises");
    assert_eq!(premises.robt_key, "S14084134555");
    assert!(premises.robt_created);
    let post = bt.requests(ADDRESS).into_iter().find(|r| r.method == "POST").expect("created");
    assert_eq!(post.header("target").as_deref(), Some("ROBT"));
    assert_eq!(post.json(), json!({ "postcode": "SW12 8NX", "city": "London", "country": "United Kingdom", "streetNr": "81",
        "streetName": "Nightingale Lane", "@type": "BtGeographicAddress" }));
}

#[tokio::test]
async fn new_fttp_without_a_gold_key_is_not_available_and_nothing_is_created() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(200, json!([{ "id": "A15104640000", "addressSource": "Openreach", "qualifier": "Silver",
        "postcode": "LS11 8LQ", "city": "Leeds" }]))]);
    let err = bt.hub().find_premises(&AddressQuery::postcode("LS11 8LQ"), KeyRule::NewFttp).await.expect_err("no gold key");
    assert!(matches!(&err, HubError::NotAvailable { reason } if reason.contains("Gold")), "{err:?}");
    assert!(bt.requests(ADDRESS).iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn copper_at_an_address_openreach_lacks_gets_an_openreach_key() {
    let bt = Bt::start().await;
    bt.on("GET", ADDRESS, vec![Reply::json(200, json!([{ "id": "R00000521994", "addressSource": "ROBT", "postcode": "CM1 2EE", "city": "Chelmsford", "streetNr": "3" }]))]);
    bt.on("POST", ADDRESS, vec![Reply::json(201, json!({ "id": "A99923776374" })), Reply::json(201, json!({ "id": "X05000192647" }))]);
    let premises = bt.hub().find_premises(&AddressQuery::postcode("CM1 2EE"), KeyRule::Copper).await.expect("premises");
    assert!(premises.openreach_created);
    assert_eq!(premises.openreach_key(), "A99923776374");
    let posts: Vec<_> = bt.requests(ADDRESS).into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts[0].header("target").as_deref(), Some("Openreach"));
}

#[tokio::test]
async fn line_checks_run_only_when_the_journey_needs_one() {
    let bt = Bt::start().await;
    let hub = bt.hub();
    let premises = gold_premises(&bt, &hub).await;
    bt.on("POST", POQ, vec![Reply::json(200, poq(vec![offer("FTTP 500_75M", "FTTP", true), offer("SOGEA 80_20M", "SOGEA", false)]))]);
    bt.on("GET", LINES, vec![Reply::json(200, json!({ "ListOfWorkingLine": { "WorkingLine": [{ "AccessLineId": "ALID0001234567", "DirectoryNumber": "01134960034", "ProductType": "SOGEA", "PendingCeaseOrderIndicator": "N" }] }, "SparePairCount": "2" }))]);
    let fttp = hub.check_availability(&premises, false).await.expect("fttp");
    assert!(fttp.lines.is_none());
    assert!(bt.requests(LINES).is_empty());
    let copper = hub.check_availability(&premises, true).await.expect("copper");
    let lines = copper.lines.clone().expect("line report");
    assert_eq!(lines.working[0].access_line_id.as_deref(), Some("ALID0001234567"));
    assert_eq!(lines.spare_pairs, Some(2));
    assert_eq!(bt.requests(LINES)[0].query, "NAD=A15104646284&districtCode=LS");
    let fastest = copper.fastest(&Technology::Fttp).expect("fttp offer");
    assert!(fastest.managed_install_required);
    assert_eq!(bt.requests(POQ)[0].json()["productOfferingQualificationItem"][0]["product"]["place"][0], json!({
        "id": "A15104646284", "districtId": "LS", "role": "install address", "@referredType": "btNADLocationReference" }));
}

#[tokio::test]
async fn managed_install_books_an_appointment_and_orders_with_it() {
    let bt = Bt::start().await;
    let hub = bt.hub();
    let premises = gold_premises(&bt, &hub).await;
    bt.on("POST", POQ, vec![Reply::json(200, poq(vec![offer("FTTP 500_75M", "FTTP", true)]))]);
    bt.on("POST", SLOTS, vec![Reply::json(201, slots_reply())]);
    bt.on("POST", RESERVE, vec![Reply::json(201, reserve_reply())]);
    bt.on("POST", ORDERS, vec![Reply::empty(202)]);
    let availability = hub.check_availability(&premises, false).await.expect("availability");
    let offer = availability.offer("FTTP 500_75M").expect("offer").clone();
    assert!(offer.managed_install_required);
    let reservation = hub.reserve_first_slot(&SlotSearch::fttp(premises.openreach_key(), day())).await.expect("slot");
    assert_eq!(reservation.id, "005B8E0FR");
    assert_eq!(bt.requests(SLOTS)[0].header("productfamily").as_deref(), Some("BB1hub"));
    assert_eq!(bt.requests(SLOTS)[0].json()["requestedTimeSlot"][0]["validFor"]["startDateTime"], "2026-06-01T08:00:00+01:00");
    assert_eq!(bt.requests(RESERVE)[0].json()["validFor"]["startDateTime"], "2026-06-02T08:00:00+01:00", "slot times go back as received");
    let plan = ProvidePlan {
        external_id: "MY-REF-0001".into(), premises, offer, journey: JourneyType::NewLineProvide, install: Install::Managed(reservation),
        line: None, contact: contact(), end_user: EndUser::Residential, contract_term_months: 12, with_ip_address: true, requested_completion_date: None,
    };
    let handle = hub.provide(&plan).await.expect("ordered");
    assert_eq!((handle.external_id.as_str(), handle.accepted_with), ("MY-REF-0001", Some(202)));
    let order = posted_order(&bt);
    let post = bt.requests(ORDERS).into_iter().find(|r| r.method == "POST").expect("post");
    assert_eq!(post.header("productfamily").as_deref(), Some("BB1hub"));
    assert_eq!(post.header("apigw-client-id").as_deref(), Some("test-client"));
    assert_eq!(characteristic(&order, "ATT_RT_InstallType").as_deref(), Some("M"));
    assert_eq!(order["productOrderItem"][0]["appointment"]["id"], "005B8E0FR");
    insta::assert_json_snapshot!("provide_fttp_new_line_managed_install", order);
}

#[tokio::test]
async fn self_install_needs_no_appointment() {
    let bt = Bt::start().await;
    let hub = bt.hub();
    let premises = gold_premises(&bt, &hub).await;
    bt.on("POST", POQ, vec![Reply::json(200, poq(vec![offer("FTTP 500_75M", "FTTP", false)]))]);
    bt.on("POST", ORDERS, vec![Reply::empty(202)]);
    let offer = hub.check_availability(&premises, false).await.expect("availability").offer("FTTP 500_75M").expect("offer").clone();
    assert!(!offer.managed_install_required);
    let plan = ProvidePlan {
        external_id: "MY-REF-0002".into(), premises, offer, journey: JourneyType::NewLineProvide, install: Install::SelfInstall,
        line: None, contact: contact(), end_user: EndUser::Residential, contract_term_months: 12, with_ip_address: false,
        requested_completion_date: Some("2026-06-10T00:00:00Z".into()),
    };
    hub.provide(&plan).await.expect("ordered");
    assert!(bt.requests(SLOTS).is_empty() && bt.requests(RESERVE).is_empty());
    let order = posted_order(&bt);
    assert_eq!(characteristic(&order, "ATT_RT_InstallType").as_deref(), Some("S"));
    assert_eq!(characteristic(&order, "ATT_RT_ONTType").as_deref(), Some("Existing ONT"));
    assert!(order["productOrderItem"][0].get("appointment").is_none());
    insta::assert_json_snapshot!("provide_fttp_existing_ont_self_install", order);
}

#[tokio::test]
async fn copper_migration_orders_with_the_line_from_the_line_check() {
    let bt = Bt::start().await;
    let hub = bt.hub();
    let premises = gold_premises(&bt, &hub).await;
    bt.on("POST", POQ, vec![Reply::json(200, poq(vec![offer("SOGEA 80_20M", "SOGEA", false)]))]);
    bt.on("GET", LINES, vec![Reply::json(200, json!({ "ListOfWorkingLine": { "WorkingLine": [{ "AccessLineId": "ALID0001234567", "DirectoryNumber": "02079460034", "ProductType": "ADSL" }] } }))]);
    bt.on("POST", ORDERS, vec![Reply::empty(202)]);
    let availability = hub.check_availability(&premises, true).await.expect("availability");
    let line = availability.lines.as_ref().and_then(|l| l.working.first()).expect("working line").clone();
    let plan = ProvidePlan {
        external_id: "MY-REF-0003".into(), premises, offer: availability.offer("SOGEA 80_20M").expect("offer").clone(), journey: JourneyType::Migration,
        install: Install::SelfInstall, contact: contact(), end_user: EndUser::Business, contract_term_months: 1, with_ip_address: false,
        line: Some(ExistingLine { access_line_id: line.access_line_id, directory_number: line.directory_number, working: true, product_type: line.product_type }),
        requested_completion_date: Some("2026-06-10T00:00:00Z".into()),
    };
    hub.provide(&plan).await.expect("ordered");
    let order = posted_order(&bt);
    assert_eq!(characteristic(&order, "ATT_X_JOURNEYTYPE").as_deref(), Some("Migration"));
    assert_eq!(characteristic(&order, "ATT_RT_AccessLineType").as_deref(), Some("Working"));
    assert_eq!(characteristic(&order, "existingLineProductType").as_deref(), Some("ADSL"));
    insta::assert_json_snapshot!("provide_sogea_migration_self_install", order);
}

#[tokio::test]
async fn a_plan_that_breaks_the_rules_sends_nothing() {
    let bt = Bt::start().await;
    let hub = bt.hub();
    let premises = gold_premises(&bt, &hub).await;
    bt.on("POST", POQ, vec![Reply::json(200, poq(vec![offer("FTTP 500_75M", "FTTP", true)]))]);
    let offer = hub.check_availability(&premises, false).await.expect("availability").offer("FTTP 500_75M").expect("offer").clone();
    let mut plan = ProvidePlan {
        external_id: "MY-REF-0004".into(), premises, offer, journey: JourneyType::NewLineProvide, install: Install::SelfInstall,
        line: None, contact: contact(), end_user: EndUser::Residential, contract_term_months: 12, with_ip_address: false, requested_completion_date: None,
    };
    let err = hub.provide(&plan).await.expect_err("engineer needed");
    assert!(matches!(&err, HubError::InvalidInput { field, .. } if field == "install"), "{err:?}");
    plan.install = Install::Managed(Reservation { id: "005B8E0FR".into(), slot: Slot { label: "AM".into(), start: "2026-06-02T08:00:00+01:00".into(), end: "2026-06-02T13:00:00+01:00".into() } });
    plan.journey = JourneyType::StoppedLineStart;
    let err = hub.provide(&plan).await.expect_err("no line");
    assert!(matches!(&err, HubError::InvalidInput { field, .. } if field == "line"), "{err:?}");
    plan.journey = JourneyType::NewLineProvide;
    plan.contact.email = "not-an-email".into();
    let err = hub.provide(&plan).await.expect_err("bad email");
    assert!(matches!(&err, HubError::InvalidInput { field, .. } if field == "contact.email"), "{err:?}");
    plan.contact = contact();
    plan.offer.name = "FTTP 1800_120M".into();
    let err = hub.provide(&plan).await.expect_err("unknown E-code");
    assert!(matches!(&err, HubError::InvalidInput { field, .. } if field == "offer"), "{err:?}");
    assert!(bt.requests(ORDERS).is_empty());
}

fn inventory_reply(technology: &str) -> Value {
    json!([
        { "id": "d74d0a52-b260-040d-dd9f-8dedb0c6e463", "status": "active", "productOffering": { "id": "E0000080", "name": "SOGEA 80_20M" },
          "productCharacteristic": [{ "name": "AccessTechnology", "value": technology }], "customerFacingServiceId": { "value": "BBONE90099580" } },
        { "id": "e88f0a52-b260-040d-dd9f-8dedb0c6e464", "status": "active", "productOffering": { "id": "E0000154" },
          "productRelationship": [{ "relationshipType": "parent", "id": "d74d0a52-b260-040d-dd9f-8dedb0c6e463" }] }
    ])
}

#[tokio::test]
async fn modify_to_fttp_needs_an_appointment_and_orders_on_the_parent_asset() {
    let bt = Bt::start().await;
    let hub = bt.hub();
    let premises = gold_premises(&bt, &hub).await;
    bt.on("GET", INVENTORY, vec![Reply::json(200, inventory_reply("SOGEA"))]);
    bt.on("POST", POQ, vec![Reply::json(200, poq(vec![offer("FTTP 900_110M", "FTTP", true)]))]);
    bt.on("POST", ORDERS, vec![Reply::empty(202)]);
    let mut plan = ModifyPlan { external_id: "MY-REF-0005".into(), service_id: "BBONE90099580".into(), premises, target: "FTTP 900_110M".into(), appointment: None };
    let check = hub.plan_modify(&plan.service_id, &plan.premises, &plan.target).await.expect("checked");
    assert!(check.needs_appointment);
    assert_eq!(check.service.children.len(), 1);
    let err = hub.modify(&plan).await.expect_err("appointment needed");
    assert!(matches!(&err, HubError::InvalidInput { field, .. } if field == "appointment"), "{err:?}");
    plan.appointment = Some(Reservation { id: "005B5ADFR".into(), slot: Slot { label: "AM".into(), start: "2026-06-02T08:00:00+01:00".into(), end: "2026-06-02T13:00:00+01:00".into() } });
    hub.modify(&plan).await.expect("ordered");
    let order = posted_order(&bt);
    assert_eq!(order["productOrderItem"][0]["action"], "modify");
    assert_eq!(order["productOrderItem"][0]["product"]["id"], "d74d0a52-b260-040d-dd9f-8dedb0c6e463");
    assert_eq!(bt.requests(INVENTORY)[0].query, "serviceId=BBONE90099580");
    insta::assert_json_snapshot!("modify_sogea_to_fttp_with_engineer", order);
}

#[tokio::test]
async fn an_upgrade_on_the_same_technology_needs_no_appointment() {
    let bt = Bt::start().await;
    let hub = bt.hub();
    let premises = gold_premises(&bt, &hub).await;
    bt.on("GET", INVENTORY, vec![Reply::json(200, inventory_reply("FTTP"))]);
    bt.on("POST", POQ, vec![Reply::json(200, poq(vec![offer("FTTP 900_110M", "FTTP", true)]))]);
    let check = hub.plan_modify("BBONE90099580", &premises, "FTTP 900_110M").await.expect("checked");
    assert!(!check.needs_appointment);
    let err = hub.plan_modify("BBONE90099580", &premises, "FTTP 1800_120M").await.expect_err("not offered");
    assert!(matches!(err, HubError::NotAvailable { .. }), "{err:?}");
}

#[tokio::test]
async fn amend_cancel_and_cease_send_their_bodies() {
    let bt = Bt::start().await;
    let hub = bt.hub();
    bt.on("PATCH", &format!("{ORDERS}/00125420"), vec![Reply::empty(202)]);
    bt.on("POST", CANCEL, vec![Reply::json(201, json!({ "id": "c1", "state": "acknowledged" }))]);
    bt.on("GET", INVENTORY, vec![Reply::json(200, inventory_reply("FTTP"))]);
    bt.on("POST", ORDERS, vec![Reply::empty(202)]);
    let amendment = Amendment {
        appointment: Some(Reservation { id: "005B5ADFR".into(), slot: Slot { label: "PM".into(), start: "2026-06-03T13:00:00+01:00".into(), end: "2026-06-03T18:00:00+01:00".into() } }),
        site_contact: Some(contact()),
        requested_completion_date: None,
    };
    assert_eq!(hub.amend("00125420", &amendment).await.expect("amended"), 202);
    let err = hub.amend("00125420", &Amendment::default()).await.expect_err("empty amendment");
    assert!(matches!(err, HubError::InvalidInput { .. }));
    let cancel = hub.cancel("00125420", "Customer changed mind").await.expect("cancel requested");
    assert_eq!(cancel.accepted_with, 201);
    hub.cease("MY-REF-0006", "BBONE90099580", Some("2026-07-01T00:00:00Z")).await.expect("cease ordered");
    let amend = bt.requests(&format!("{ORDERS}/00125420"))[0].json();
    insta::assert_json_snapshot!("amend_new_appointment_and_contact", amend);
    insta::assert_json_snapshot!("cancel_open_order", bt.requests(CANCEL)[0].json());
    let cease = posted_order(&bt);
    assert_eq!(cease["productOrderItem"][0]["action"], "delete");
    assert!(cease["productOrderItem"][0].get("productOrderItem").is_none(), "children cease with the parent");
    insta::assert_json_snapshot!("cease_service", cease);
    let err = hub.cancel("", "x").await.expect_err("no id");
    assert!(matches!(err, HubError::InvalidInput { .. }));
}

#[tokio::test]
async fn order_status_comes_from_the_lookup() {
    let bt = Bt::start().await;
    bt.on("GET", ORDERS, vec![Reply::json(200, json!([{ "id": "00228874", "externalId": "MY-REF-0001", "productOrderItem": [{ "id": "100", "state": "completed", "subStatus": "Completed",
        "product": { "id": "d74d0a52-b260-040d-dd9f-8dedb0c6e463", "customerFacingServiceId": { "value": "BBONE0005347" } } }] }]))]);
    let status = bt.hub().order_status("MY-REF-0001").await.expect("looked up").expect("found");
    assert_eq!(status.bt_order_id.as_deref(), Some("00228874"));
    assert_eq!(status.state.as_deref(), Some("completed"));
    assert_eq!(status.service_id.as_deref(), Some("BBONE0005347"));
    assert!(status.is_settled());
}
