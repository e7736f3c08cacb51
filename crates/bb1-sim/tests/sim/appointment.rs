use reqwest::Method;
use serde_json::{Value, json};

use crate::common::*;

fn slots(r: &Resp) -> Vec<(String, String, String)> {
    r.body["availableTimeSlot"]
        .as_array()
        .expect("slots")
        .iter()
        .map(|s| {
            (
                s["slot"].as_str().unwrap_or("").to_string(),
                s["validFor"]["startDateTime"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                s["validFor"]["endDateTime"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn slots_skip_weekends_and_bank_holidays_with_uk_offsets() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let entity = slot_entity(Some("A15104646284"), &[("AccessTechnology", "FTTP")]);
    // Thursday 27 August 2026: Friday 28th, then Monday 31st is a bank holiday.
    let r = http
        .post(
            SEARCH_SLOTS,
            &slot_search(entity.clone(), "2026-08-27T09:00:00+01:00"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["status"], "done");
    assert_eq!(
        r.body["relatedEntity"][0], entity,
        "relatedEntity echoed verbatim"
    );
    assert_eq!(
        r.body["requestedTimeSlot"][0]["validFor"]["startDateTime"],
        "2026-08-27T09:00:00+01:00"
    );
    let s = slots(&r);
    assert_eq!(s.len(), 32);
    assert_eq!(
        s[0],
        (
            "AM".into(),
            "2026-08-28T08:00:00+01:00".into(),
            "2026-08-28T13:00:00+01:00".into()
        )
    );
    assert_eq!(
        s[1],
        (
            "PM".into(),
            "2026-08-28T13:00:00+01:00".into(),
            "2026-08-28T18:00:00+01:00".into()
        )
    );
    assert_eq!(
        s[2].1, "2026-09-01T08:00:00+01:00",
        "weekend and the 31 August bank holiday skipped"
    );

    // Across the end of BST (25 October 2026): offsets change from +01:00 to Z.
    let r = http
        .post(SEARCH_SLOTS, &slot_search(entity, "2026-10-21T12:00:00Z"))
        .await;
    let s = slots(&r);
    assert_eq!(s[0].1, "2026-10-22T08:00:00+01:00");
    assert_eq!(s[2].1, "2026-10-23T08:00:00+01:00");
    assert_eq!(s[4].1, "2026-10-26T08:00:00Z");
    assert!(
        s.iter()
            .all(|(_, start, _)| !start.contains("2026-10-24") && !start.contains("2026-10-25"))
    );
}

#[tokio::test]
async fn reserved_slots_are_taken() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let entity = slot_entity(Some("A15104646284"), &[("AccessTechnology", "FTTP")]);
    let search = slot_search(entity.clone(), "2026-06-01T09:00:00+01:00");
    let before = slots(&http.post(SEARCH_SLOTS, &search).await);
    let chosen = json!({"startDateTime": before[1].1, "endDateTime": before[1].2});
    let r = http
        .post(
            RESERVE,
            &json!({"relatedEntity": [entity.clone()], "validFor": chosen.clone()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().expect("id");
    assert!(id.len() == 9 && id.ends_with("FR"), "{id}");
    assert_eq!(r.body["status"], "initialized");
    assert_eq!(r.body["validFor"], chosen);
    assert_eq!(r.body["relatedEntity"][0], entity);

    let after = slots(&http.post(SEARCH_SLOTS, &search).await);
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(&before[1]));
    let again = http
        .post(
            RESERVE,
            &json!({"relatedEntity": [entity.clone()], "validFor": chosen}),
        )
        .await;
    again.expect(400, "TimeSlotNotAvailable");

    let odd = json!({"startDateTime": "2026-06-02T09:00:00+01:00", "endDateTime": "2026-06-02T11:00:00+01:00"});
    http.post(
        RESERVE,
        &json!({"relatedEntity": [entity.clone()], "validFor": odd}),
    )
    .await
    .expect(400, "TimeSlotNotSupported");
    let saturday = json!({"startDateTime": "2026-06-06T08:00:00+01:00", "endDateTime": "2026-06-06T13:00:00+01:00"});
    http.post(
        RESERVE,
        &json!({"relatedEntity": [entity], "validFor": saturday}),
    )
    .await
    .expect(400, "TimeSlotNotAvailable");
}

#[tokio::test]
async fn location_rules_and_sandbox_values() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let start = "2026-06-01T09:00:00Z";
    let both = slot_entity(
        Some("A15104646284"),
        &[
            ("AccessTechnology", "FTTC"),
            ("DirectoryNumber", "02079460034"),
        ],
    );
    http.post(SEARCH_SLOTS, &slot_search(both, start))
        .await
        .expect(400, "TooManyLocationIdentifiers");
    let neither = slot_entity(None, &[("AccessTechnology", "FTTP")]);
    http.post(SEARCH_SLOTS, &slot_search(neither, start))
        .await
        .expect(400, "MissingLocationIdentifier");
    let dn = slot_entity(
        None,
        &[
            ("AccessTechnology", "FTTC"),
            ("DirectoryNumber", "2277264355"),
        ],
    );
    assert_eq!(
        http.post(SEARCH_SLOTS, &slot_search(dn, start))
            .await
            .status,
        201
    );
    let robt_place = slot_entity(Some("R0123457890"), &[("AccessTechnology", "FTTP")]);
    assert_eq!(
        http.post(SEARCH_SLOTS, &slot_search(robt_place, start))
            .await
            .status,
        201
    );
    let alid = slot_entity(
        None,
        &[
            ("AccessTechnology", "FTTC"),
            ("AccessLineId", "ALID9999999999"),
        ],
    );
    http.post(SEARCH_SLOTS, &slot_search(alid, start))
        .await
        .expect(400, "AccessLineIdNotRecognised");
    let no_tech = slot_entity(Some("A15104646284"), &[]);
    http.post(SEARCH_SLOTS, &slot_search(no_tech, start))
        .await
        .expect(400, "MissingData");
    let mut fttp_new_line = slot_entity(Some("A15104646284"), &[("AccessTechnology", "FTTP")]);
    fttp_new_line["newExchangeLine"] = json!(true);
    http.post(SEARCH_SLOTS, &slot_search(fttp_new_line, start))
        .await
        .expect(400, "NewExchangeLineNotSupported");
    let mut sogea = slot_entity(
        Some("A15104646284"),
        &[("AccessTechnology", "SOGEA New Line")],
    );
    sogea["newExchangeLine"] = json!(true);
    assert_eq!(
        http.post(
            SEARCH_SLOTS,
            &slot_search(sogea, "2026-06-01T09:00:00+01:00")
        )
        .await
        .status,
        201
    );

    let entity = slot_entity(Some("A15104646284"), &[("AccessTechnology", "FTTP")]);
    for (path, body) in [
        (SEARCH_SLOTS, slot_search(entity.clone(), start)),
        (
            RESERVE,
            json!({"relatedEntity": [entity.clone()], "validFor": {"startDateTime": "2026-06-02T08:00:00+01:00", "endDateTime": "2026-06-02T13:00:00+01:00"}}),
        ),
    ] {
        let h = |v| [PRODUCT_FAMILY, ("APIGW-Tracking-Header", v)];
        http.send(Method::POST, path, Some(&body), &h("E40001"))
            .await
            .expect(400, "TimeSlotNotSupported");
        http.send(Method::POST, path, Some(&body), &h("E40301"))
            .await
            .expect(403, "ExchangeLineAssignedToAnotherCP");
    }
    let two = json!({"relatedEntity": [entity.clone()], "requestedTimeSlot": [
        {"validFor": {"startDateTime": start}}, {"validFor": {"startDateTime": start}}]});
    http.post(SEARCH_SLOTS, &two).await.expect(400, "24");
    let bad_time = slot_search(entity.clone(), "next tuesday");
    let r = http.post(SEARCH_SLOTS, &bad_time).await;
    r.expect(400, "24");
    assert!(r.text.contains("startDateTime"));
    let r = http
        .post(SEARCH_SLOTS, &json!({"requestedTimeSlot": []}))
        .await;
    r.expect(400, "23");
    assert!(r.text.contains("relatedEntity"));
    let _: Value = r.body;
}
