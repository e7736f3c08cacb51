use std::time::Duration;

use bb1_sim::{KsuOutcome, Scenario, Simulator};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::*;

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

fn is_uuid(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 36 && s.matches('-').count() == 4)
}

async fn finish(sim: &Simulator) {
    while sim.step().await.is_some() {}
}

fn premises(sim: &Simulator, s: Scenario) -> bb1_sim::Premises {
    sim.world().find(s).expect("premises").clone()
}

#[tokio::test]
async fn self_install_provide_runs_to_completion() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let p = premises(&sim, Scenario::FttpExistingOntFreePort);
    let r = http
        .post(ORDER, &provide("REF-1", &p, "E0000160", None))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert!(r.text.is_empty(), "BT answers 202 with no body");

    let o = order_by_external(&http, "REF-1").await;
    let id = o["id"].as_str().expect("id").to_string();
    assert!(
        id.len() == 8 && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(o["state"], "acknowledged");
    let item = &o["productOrderItem"][0];
    assert_eq!(item["subStatus"], "acknowledged");
    assert_eq!(item["internalId"].as_str().map(str::len), Some(10));
    assert!(is_uuid(&item["product"]["id"]));
    assert!(item["product"].get("customerFacingServiceId").is_none());

    sim.advance(10 * MINUTE).await;
    let o = order_by_external(&http, "REF-1").await;
    assert_eq!(
        (
            o["state"].as_str(),
            o["productOrderItem"][0]["subStatus"].as_str()
        ),
        (Some("inProgress"), Some("In Progress"))
    );
    let service = o["productOrderItem"][0]["product"]["customerFacingServiceId"]["value"]
        .as_str()
        .expect("service id")
        .to_string();
    assert!(
        service.len() == 13
            && service.starts_with("BBONE")
            && service[5..].bytes().all(|b| b.is_ascii_digit()),
        "{service}"
    );

    sim.advance(4 * HOUR).await;
    assert_eq!(
        order_by_external(&http, "REF-1").await["productOrderItem"][0]["subStatus"],
        "Access in Progress"
    );
    sim.advance(DAY).await;
    let done = http.get(&format!("{ORDER}/{id}")).await;
    assert_eq!(done.status, 200);
    assert_eq!(done.body["state"], "completed");
    assert!(done.body["completionDate"].is_string());
    let parent = &done.body["productOrderItem"][0];
    assert_eq!(parent["product"]["status"], "active");
    let parent_asset = parent["product"]["id"].clone();
    let child_assets: Vec<Value> = parent["productOrderItem"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| c["product"]["id"].clone())
        .collect();
    assert!(child_assets.iter().all(is_uuid));

    let inv = http.get(&format!("{INVENTORY}?serviceId={service}")).await;
    assert_eq!(inv.status, 200, "{}", inv.text);
    let assets = inv.body.as_array().expect("assets");
    assert_eq!(assets.len(), 3);
    assert_eq!(assets[0]["id"], parent_asset);
    assert_eq!(assets[0]["productOffering"]["id"], "E0000160");
    assert_eq!(assets[0]["name"], "FTTP 160_30M");
    assert_eq!(assets[0]["isBundle"], true);
    assert_eq!(
        assets[0]["productRelationship"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        assets[1]["productRelationship"][0],
        json!({"relationshipType": "parent", "id": parent_asset})
    );
    assert_eq!(
        assets[0]["customerFacingServiceId"]["value"],
        service.as_str()
    );

    let events = sim.ksu_events();
    let kinds: Vec<(&str, Option<&str>)> = events
        .iter()
        .map(|e| (e.event_type.as_str(), e.state.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("ProductOrderCreateEvent", Some("acknowledged")),
            ("ProductOrderStateChangeEvent", Some("inProgress")),
            ("ProductOrderStateChangeEvent", Some("inProgress")),
            ("ProductOrderStateChangeEvent", Some("completed")),
        ]
    );
    assert!(
        events
            .iter()
            .all(|e| e.outcome == KsuOutcome::NoCallback
                && e.order_id.as_deref() == Some(id.as_str()))
    );
    let times: Vec<_> = events
        .iter()
        .map(|e| e.event.event_time.expect("time"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert_eq!((times[3] - times[0]).num_minutes(), 10 + 4 * 60 + 24 * 60);
}

#[tokio::test]
async fn managed_install_amend_and_cancel_before_the_point_of_no_return() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let p = premises(&sim, Scenario::FttpNewOnt);
    let key = p.openreach_key().expect("key");
    let appointment = reserve_first_slot(&http, key).await;
    let r = http
        .post(ORDER, &provide("REF-M", &p, "E0000160", Some(&appointment)))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    sim.advance(10 * MINUTE + HOUR).await;
    let o = order_by_external(&http, "REF-M").await;
    assert_eq!(
        o["productOrderItem"][0]["subStatus"], "Appointment Booked",
        "{o}"
    );
    let id = o["id"].as_str().expect("id").to_string();

    // Amend: new appointment, new contact, new date.
    let second = reserve_first_slot(&http, key).await;
    assert_ne!(second, appointment);
    let patch = json!({
        "@type": "BTProductOrder",
        "requestedCompletionDate": "2026-07-01T07:00:00Z",
        "productOrderItem": [{
            "id": "100", "action": "add", "@type": "BTProductOrderItem",
            "appointment": {"id": second, "@type": "AppointmentRef"},
            "product": {"@type": "BTProductRefOrValue", "relatedParty": [{
                "id": "-1", "role": "PrimarySiteContact", "givenName": "Alex", "familyName": "Patel",
                "@type": "BTRelatedParty", "@referredType": "Individual"}]}
        }]
    });
    let amended = http
        .send(
            Method::PATCH,
            &format!("{ORDER}/{id}"),
            Some(&patch),
            &[PRODUCT_FAMILY],
        )
        .await;
    assert_eq!(amended.status, 200, "{}", amended.text);
    assert_eq!(
        amended.body["productOrderItem"][0]["appointment"]["id"],
        second.as_str()
    );
    assert_eq!(
        amended.body["requestedCompletionDate"],
        "2026-07-01T07:00:00Z"
    );
    assert_eq!(
        amended.body["productOrderItem"][0]["product"]["relatedParty"][0]["givenName"],
        "Alex"
    );
    let mut bad = patch.clone();
    bad["productOrderItem"][0]["id"] = json!("999");
    http.send(
        Method::PATCH,
        &format!("{ORDER}/{id}"),
        Some(&bad),
        &[PRODUCT_FAMILY],
    )
    .await
    .expect(400, "24");

    let cancel = json!({"@type": "CancelProductOrder", "productOrder": {"id": id, "@referredType": "BTProductOrder"},
                        "cancellationReason": "Customer changed mind", "requestedCancellationDate": "2026-06-02T00:00:00Z"});
    let c = http.post(CANCEL, &cancel).await;
    assert_eq!(c.status, 201, "{}", c.text);
    assert_eq!(c.body["state"], "acknowledged");
    assert_eq!(c.body["productOrder"]["id"], id.as_str());
    assert_eq!(c.body["cancellationReason"], "Customer changed mind");
    assert_eq!(
        order_by_external(&http, "REF-M").await["state"],
        "pendingCancellation"
    );
    finish(&sim).await;
    let o = order_by_external(&http, "REF-M").await;
    assert_eq!(o["state"], "cancelled");
    assert_eq!(o["productOrderItem"][0]["state"], "cancelled");
    http.send(
        Method::PATCH,
        &format!("{ORDER}/{id}"),
        Some(&patch),
        &[PRODUCT_FAMILY],
    )
    .await
    .expect(409, "OrderNotAmendable");
    http.post(CANCEL, &cancel).await.expect(409, "OrderNotOpen");
    let last = sim.ksu_events().last().cloned().expect("events");
    assert_eq!(last.state.as_deref(), Some("cancelled"));
}

#[tokio::test]
async fn cancel_and_amend_refused_after_the_point_of_no_return() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let p = premises(&sim, Scenario::FttpExistingOntFreePort);
    assert_eq!(
        http.post(ORDER, &provide("REF-P", &p, "E0000189", None))
            .await
            .status,
        202
    );
    let id = order_by_external(&http, "REF-P").await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let cancel = json!({"productOrder": {"id": id}});
    sim.advance(10 * MINUTE + 4 * HOUR).await;
    let r = http.post(CANCEL, &cancel).await;
    r.expect(409, "PointOfNoReturn");
    assert!(r.text.contains("point of no return"));
    finish(&sim).await;
    http.post(CANCEL, &cancel)
        .await
        .expect(409, "PointOfNoReturn");
    let patch = json!({"requestedCompletionDate": "2026-07-01T07:00:00Z"});
    http.send(
        Method::PATCH,
        &format!("{ORDER}/{id}"),
        Some(&patch),
        &[PRODUCT_FAMILY],
    )
    .await
    .expect(409, "OrderNotAmendable");
}

#[tokio::test]
async fn business_rule_failures_reject_by_ksu() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let free = premises(&sim, Scenario::FttpExistingOntFreePort);
    let new_ont = premises(&sim, Scenario::FttpNewOnt);
    let nothing = premises(&sim, Scenario::Nothing);
    let mut unknown_place = provide("REF-R5", &free, "E0000160", None);
    unknown_place["productOrderItem"][0]["product"]["place"][1]["id"] = json!("A00000000001");
    for (body, code) in [
        (
            provide("REF-R1", &free, "E9999999", None),
            "InvalidProductOffering",
        ),
        (
            provide("REF-R2", &free, "FTTP 160_30M", None),
            "InvalidProductOffering",
        ),
        (
            provide("REF-R3", &nothing, "E0000432", None),
            "ProductNotAvailable",
        ),
        (
            provide("REF-R4", &new_ont, "E0000160", None),
            "AppointmentRequired",
        ),
        (unknown_place, "InvalidAddress"),
        (
            provide("REF-R6", &new_ont, "E0000160", Some("000000AFR")),
            "InvalidAppointment",
        ),
    ] {
        let ext = body["externalId"].as_str().expect("ext").to_string();
        assert_eq!(http.post(ORDER, &body).await.status, 202);
        let o = order_by_external(&http, &ext).await;
        assert_eq!(o["state"], "rejected", "{ext}: {o}");
        assert_eq!(o["errorMessage"][0]["code"], code, "{ext}: {o}");
        assert_eq!(
            o["errorMessage"][0]["productOrderItem"][0]["productOrderItemId"],
            "100"
        );
        let event = sim
            .ksu_events()
            .into_iter()
            .rfind(|e| e.external_id.as_deref() == Some(ext.as_str()))
            .expect("event");
        assert_eq!(event.event_type, "ProductOrderCreateEvent");
        assert_eq!(event.state.as_deref(), Some("rejected"));
    }
    assert_eq!(sim.step().await, None, "rejected orders do not move");
}

#[tokio::test]
async fn order_request_errors() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let p = premises(&sim, Scenario::FttpExistingOntFreePort);
    assert_eq!(
        http.post(ORDER, &provide("REF-D", &p, "E0000160", None))
            .await
            .status,
        202
    );
    let dup = http
        .post(ORDER, &provide("REF-D", &p, "E0000160", None))
        .await;
    dup.expect(409, "DuplicateExternalId");
    assert!(dup.text.contains("REF-D"));

    let mut no_ext = provide("x", &p, "E0000160", None);
    no_ext.as_object_mut().expect("object").remove("externalId");
    let r = http.post(ORDER, &no_ext).await;
    r.expect(400, "23");
    assert!(r.text.contains("externalId"));
    let r = http
        .post(
            ORDER,
            &json!({"externalId": "REF-E", "productOrderItem": []}),
        )
        .await;
    r.expect(400, "23");
    assert!(r.text.contains("productOrderItem"));
    let mut bad_action = provide("REF-F", &p, "E0000160", None);
    bad_action["productOrderItem"][0]["productOrderItem"][0]["action"] = json!("explode");
    let r = http.post(ORDER, &bad_action).await;
    r.expect(400, "24");
    assert!(
        r.text
            .contains("productOrderItem[0].productOrderItem[0].action"),
        "{}",
        r.text
    );
    let mut no_or = provide("REF-G", &p, "E0000160", None);
    no_or["productOrderItem"][0]["product"]["place"]
        .as_array_mut()
        .expect("places")
        .pop();
    let r = http.post(ORDER, &no_or).await;
    r.expect(400, "23");
    assert!(r.text.contains("OpenreachAddress"));
    let mut bad_date = provide("REF-H", &p, "E0000160", None);
    bad_date["requestedCompletionDate"] = json!("soon");
    http.post(ORDER, &bad_date).await.expect(400, "24");
    http.send(
        Method::POST,
        ORDER,
        Some(&provide("REF-I", &p, "E0000160", None)),
        &[],
    )
    .await
    .expect(400, "25");

    http.get(&format!("{ORDER}/99999999"))
        .await
        .expect(404, "60");
    assert_eq!(
        http.get(&format!("{ORDER}?externalId=NOPE")).await.body,
        json!([])
    );
    http.send(
        Method::PATCH,
        &format!("{ORDER}/99999999"),
        Some(&json!({})),
        &[PRODUCT_FAMILY],
    )
    .await
    .expect(404, "60");
    http.post(CANCEL, &json!({"productOrder": {"id": "99999999"}}))
        .await
        .expect(404, "60");
    http.post(CANCEL, &json!({"cancellationReason": "x"}))
        .await
        .expect(400, "23");

    http.get(INVENTORY).await.expect(400, "27");
    http.get(&format!("{INVENTORY}?serviceId=XYZ"))
        .await
        .expect(400, "28");
    http.get(&format!("{INVENTORY}?serviceId=BBONE00000000"))
        .await
        .expect(404, "60");
}

#[tokio::test]
async fn modify_regrades_and_cease_terminates() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let p = premises(&sim, Scenario::FttpExistingOntFreePort);
    assert_eq!(
        http.post(ORDER, &provide("REF-1", &p, "E0000189", None))
            .await
            .status,
        202
    );
    finish(&sim).await;
    let o = order_by_external(&http, "REF-1").await;
    let parent = o["productOrderItem"][0]["product"]["id"]
        .as_str()
        .expect("parent")
        .to_string();
    let ip = o["productOrderItem"][0]["productOrderItem"][1]["product"]["id"]
        .as_str()
        .expect("ip")
        .to_string();
    let service = o["productOrderItem"][0]["product"]["customerFacingServiceId"]["value"]
        .as_str()
        .expect("svc")
        .to_string();

    let modify = json!({
        "@type": "BTProductOrder", "externalId": "REF-2",
        "relatedParty": [{"id": "CUG5009999999", "role": "BtCug", "@type": "BTRelatedParty", "@referredType": "Customer"}],
        "productOrderItem": [{
            "id": "100", "action": "modify", "@type": "BTProductOrderItem",
            "billingAccount": {"id": "0455123456"},
            "product": {"@type": "BTProductRefOrValue", "id": parent, "productOffering": {"id": "E0000160"},
                        "productCharacteristic": [{"name": "ATT_RT_ProductMinimumGuaranteedSpeed", "value": "130"}]},
            "productOrderItem": [
                {"id": "100.1", "action": "delete", "@type": "BTProductOrderItem", "product": {"@type": "BTProductRefOrValue", "id": ip}},
                {"id": "100.2", "action": "add", "@type": "BTProductOrderItem", "product": {"@type": "BTProductRefOrValue", "productOffering": {"id": "E0000704"}}}
            ]
        }]
    });
    assert_eq!(http.post(ORDER, &modify).await.status, 202);
    let m = order_by_external(&http, "REF-2").await;
    assert_eq!(m["state"], "acknowledged", "{m}");
    assert_eq!(
        m["productOrderItem"][0]["product"]["customerFacingServiceId"]["value"],
        service.as_str()
    );
    finish(&sim).await;
    assert_eq!(
        order_by_external(&http, "REF-2").await["state"],
        "completed"
    );
    let inv = http.get(&format!("{INVENTORY}?serviceId={service}")).await;
    let assets = inv.body.as_array().expect("assets");
    assert_eq!(assets[0]["productOffering"]["id"], "E0000160");
    assert_eq!(assets[0]["name"], "FTTP 160_30M");
    let status_of = |id: &str| {
        assets
            .iter()
            .find(|a| a["id"] == id)
            .map(|a| a["status"].clone())
    };
    assert_eq!(status_of(&ip), Some(json!("terminated")));
    assert!(
        assets
            .iter()
            .any(|a| a["productOffering"]["id"] == "E0000704" && a["status"] == "active"),
        "{}",
        inv.text
    );

    let cease = json!({"externalId": "REF-3", "requestedCompletionDate": "2026-07-31T00:00:00Z",
                       "productOrderItem": [{"id": "100", "action": "delete", "@type": "BTProductOrderItem",
                                             "product": {"@type": "BTProductRefOrValue", "id": parent}}]});
    assert_eq!(http.post(ORDER, &cease).await.status, 202);
    finish(&sim).await;
    let c = order_by_external(&http, "REF-3").await;
    assert_eq!(c["state"], "completed");
    assert_eq!(c["productOrderItem"][0]["product"]["status"], "terminated");
    let inv = http.get(&format!("{INVENTORY}?serviceId={service}")).await;
    assert!(
        inv.body
            .as_array()
            .expect("assets")
            .iter()
            .all(|a| a["status"] == "terminated"),
        "{}",
        inv.text
    );

    // The service is gone: a further modify is rejected.
    let mut again = modify.clone();
    again["externalId"] = json!("REF-4");
    assert_eq!(http.post(ORDER, &again).await.status, 202);
    let o = order_by_external(&http, "REF-4").await;
    assert_eq!(o["errorMessage"][0]["code"], "AssetNotFound", "{o}");
}
